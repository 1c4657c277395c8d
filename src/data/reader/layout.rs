//! The header line: the positions of the columns the reader needs, found by the crate's one
//! header helper ([`Header`]).

use super::options::{Delimiter, TransactionCsvOptions};
use crate::data::columns::Header;
use crate::error::{Error, Result};

/// Column positions resolved from the header.
pub(super) struct Layout<'o> {
    pub(super) n_fields: usize,
    pub(super) id: usize,
    pub(super) date: usize,
    pub(super) amount: Option<usize>,
    pub(super) id_name: &'o str,
    pub(super) date_name: &'o str,
    pub(super) amount_name: &'o str,
}

impl<'o> Layout<'o> {
    /// Errors with [`Error::MissingColumn`] (the header helper's message, with its delimiter
    /// hint) for a column the options name that the header lacks.
    pub(super) fn resolve(header: &Header, opts: &'o TransactionCsvOptions) -> Result<Self> {
        Ok(Self {
            n_fields: header.len(),
            id: header.required(&opts.customer_col)?,
            date: header.required(&opts.date_col)?,
            amount: opts
                .amount_col
                .as_deref()
                .map(|a| header.required(a))
                .transpose()?,
            id_name: &opts.customer_col,
            date_name: &opts.date_col,
            amount_name: opts.amount_col.as_deref().unwrap_or(""),
        })
    }
}

/// The byte a header was split on, for the helper's delimiter hint.
pub(super) fn delimiter_byte(delim: Delimiter) -> u8 {
    match delim {
        Delimiter::Byte(d) => d,
        Delimiter::Whitespace => b' ',
    }
}

/// Splits the header line (file line `line_no`) into its columns.
pub(super) fn split_header(line: &[u8], delim: Delimiter, line_no: u64) -> Result<Header> {
    let text = std::str::from_utf8(line).map_err(|_| Error::HeaderNotUtf8 { line: line_no })?;
    let d = delimiter_byte(delim);
    match delim {
        Delimiter::Byte(b) => {
            Header::on_line(text.trim_end_matches('\r').split(b as char), d, line_no)
        }
        Delimiter::Whitespace => Header::on_line(text.split_ascii_whitespace(), d, line_no),
    }
}
