//! Reading a transaction log from delimited text (CSV, TSV, whitespace-separated).
//!
//! Two paths give the same result:
//!
//! * a fast path for input without quote characters (almost every machine-written log): the
//!   input is read in blocks, each block is cut at line ends into pieces, the pieces are parsed
//!   (in parallel with the `parallel` feature) with a hand-written splitter and date parser,
//!   and their customer ids are interned into one table, in input order;
//! * the `csv` crate for comma/tab/... input that contains a `"` anywhere: from the first block
//!   holding a quote on, records go through the full RFC 4180 parser (quoted fields, embedded
//!   delimiters and newlines).
//!
//! Whitespace-separated input ([`Delimiter::Whitespace`], e.g. the CDNOW master file) has no
//! quoting: fields are separated by runs of spaces and tabs, leading blanks are ignored.
//!
//! Blank lines are skipped. Line numbers in errors are 1-based and count every line of the input
//! including the header and blank lines.
//!
//! One job per file: `options` (what to read), `layout` (the header), `scan` (line ends and
//! fields), `parse` (a piece of lines into columns), `merge` (ids interned in input order),
//! `parallel` (blocks and pieces over the cores), `fallback` (quoted input through the `csv`
//! crate). Numbers and dates are parsed by [`crate::data::number`] and
//! [`crate::data::timestamp`], ids interned by [`crate::data::interner`].

mod fallback;
mod layout;
mod merge;
mod options;
mod parallel;
mod parse;
mod scan;

pub use options::{Delimiter, TransactionCsvOptions};
