//! Input with quotes: the `csv` crate's RFC 4180 parser, continuing where the fast path
//! stopped.

use super::layout::Layout;
use super::merge::Accumulator;
use super::options::TransactionCsvOptions;
use super::parse::RowParser;
use crate::data::columns::Header;
use crate::data::interner::hash_id;
use crate::data::TransactionLog;
use crate::error::{Error, Result};
use std::io::Read;

/// The full RFC 4180 path (quoted fields); continues where the fast path stopped.
pub(super) fn read_with_csv_crate<R: Read>(
    reader: R,
    delim: u8,
    opts: &TransactionCsvOptions,
    mut header: Option<Header>,
    acc: Option<Accumulator>,
    lines_before: u64,
) -> Result<TransactionLog> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delim)
        .from_reader(reader);
    let format = opts.date_format.compile();
    let describe_format = opts.date_format.describe();
    let mut record = csv::ByteRecord::new();
    let mut acc = acc;
    let mut layout: Option<Layout<'_>> = None;
    loop {
        let more = rdr
            .read_byte_record(&mut record)
            .map_err(|e| Error::from_csv_read(e, std::path::PathBuf::new(), lines_before))?;
        if !more {
            break;
        }
        let line = record.position().map_or(0, |p| p.line()) + lines_before;
        if header.is_none() {
            let mut h = Vec::with_capacity(record.len());
            for f in record.iter() {
                h.push(std::str::from_utf8(f).map_err(|_| Error::HeaderNotUtf8 { line })?);
            }
            // the header's own line: the record's position counts blank lines before it as
            // its start, the reader's position is the line after it
            let own = rdr.position().line().saturating_sub(1).max(1) + lines_before;
            header = Some(Header::on_line(h, delim, own)?);
            continue;
        }
        if layout.is_none() {
            if let Some(h) = &header {
                layout = Some(Layout::resolve(h, opts)?);
            }
        }
        let Some(lay) = layout.as_ref() else {
            continue;
        };
        let acc = acc.get_or_insert_with(|| Accumulator::new(lay.amount.is_some()));
        let rp = RowParser {
            layout: lay,
            format: &format,
            describe_format: describe_format.clone(),
        };
        if record.len() != lay.n_fields {
            return Err(Error::FieldCount {
                line,
                expected: lay.n_fields,
                found: record.len(),
            });
        }
        let field = |i: usize| record.get(i).unwrap_or(&[]);
        let ts = rp.date(field(lay.date), line)?;
        let amount = match lay.amount {
            Some(i) => Some(rp.amount(field(i), line)?),
            None => None,
        };
        let id = rp.id(field(lay.id), line)?;
        let k = acc.interner.intern_hashed(id, hash_id(id), line)?;
        acc.customer.push(k);
        acc.timestamp.push(ts);
        if let (Some(v), Some(a)) = (&mut acc.amount, amount) {
            v.push(a);
        }
    }
    match (header, acc) {
        (None, _) => Err(Error::EmptyInput {
            what: "no header line".into(),
        }),
        (Some(_), Some(acc)) => acc.finish(),
        (Some(h), None) => {
            Layout::resolve(&h, opts)?;
            Err(Error::EmptyInput {
                what: "transaction log has no rows".into(),
            })
        }
    }
}
