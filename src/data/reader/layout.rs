//! The header line: its fields and the positions of the columns the reader needs.

use super::options::{Delimiter, TransactionCsvOptions};
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
    pub(super) fn resolve(header: &[String], opts: &'o TransactionCsvOptions) -> Result<Self> {
        let find = |name: &str| {
            header
                .iter()
                .position(|h| h == name)
                .ok_or_else(|| Error::MissingColumn {
                    column: name.to_string(),
                    found: header.join(","),
                })
        };
        Ok(Self {
            n_fields: header.len(),
            id: find(&opts.customer_col)?,
            date: find(&opts.date_col)?,
            amount: opts.amount_col.as_deref().map(find).transpose()?,
            id_name: &opts.customer_col,
            date_name: &opts.date_col,
            amount_name: opts.amount_col.as_deref().unwrap_or(""),
        })
    }
}

/// Splits the header line into trimmed column names.
pub(super) fn split_header(line: &[u8], delim: Delimiter, line_no: u64) -> Result<Vec<String>> {
    let text = std::str::from_utf8(line).map_err(|_| Error::Csv {
        line: line_no,
        message: "header is not valid UTF-8".into(),
    })?;
    Ok(match delim {
        Delimiter::Byte(d) => text
            .trim_end_matches('\r')
            .split(d as char)
            .map(|s| s.trim().to_string())
            .collect(),
        Delimiter::Whitespace => text.split_ascii_whitespace().map(str::to_string).collect(),
    })
}
