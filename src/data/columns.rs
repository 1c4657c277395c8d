//! Finding named columns in a CSV header: the one helper behind every reader (transaction
//! logs, summaries, the report's inputs, attribution and covariate files).
//!
//! [`Header`] trims the names (and a byte-order mark), refuses a header that names a column
//! twice (which of the two would be read is a guess), and on a missing column says when the
//! header did not split on the delimiter: a one-column header such as
//! `customer_id;date;amount` read with `,` gets "is the delimiter `;`? use --delimiter".
//! [`csv_error`] turns the `csv` crate's errors into the crate's, with the file line, and
//! invalid UTF-8 into "not valid UTF-8" instead of a debug dump.
//!
//! ```
//! use ltv::data::columns::Header;
//! let h = Header::new(["user_id", " amount "], b',')?;
//! assert_eq!(h.required("amount")?, 1);
//! assert!(Header::new(["a", "a"], b',').is_err());
//! let one = Header::new(["customer_id;date;amount"], b',')?;
//! let e = one.required("customer_id").unwrap_err().to_string();
//! assert!(e.contains("is the delimiter `;`? use --delimiter"), "{e}");
//! # Ok::<(), ltv::Error>(())
//! ```

use crate::error::{Error, Result};

/// Delimiters a header that did not split may have been written with, in the order they are
/// suggested.
const OTHER_DELIMITERS: [u8; 4] = [b';', b'\t', b'|', b','];

/// A CSV header: its column names, trimmed, all distinct.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    names: Vec<String>,
    delimiter: u8,
    /// Which table, for messages (`costs`, `payments`, ...); empty for none.
    table: &'static str,
}

impl Header {
    /// The header of a file read with `delimiter` (used for the delimiter hint).
    ///
    /// # Errors
    /// [`Error::InvalidField`] on line 1 for a name that appears twice (naming both column
    /// positions), [`Error::EmptyInput`] for a header without any name.
    pub fn new<'a>(fields: impl IntoIterator<Item = &'a str>, delimiter: u8) -> Result<Self> {
        Self::on_line(fields, delimiter, 1)
    }

    /// As [`Header::new`] for a header on file line `line` (a transaction log may start with
    /// blank lines): a duplicate name's error names that line.
    ///
    /// # Errors
    /// As [`Header::new`].
    pub fn on_line<'a>(
        fields: impl IntoIterator<Item = &'a str>,
        delimiter: u8,
        line: u64,
    ) -> Result<Self> {
        let names: Vec<String> = fields
            .into_iter()
            .enumerate()
            .map(|(i, f)| {
                let f = if i == 0 {
                    f.trim_start_matches('\u{feff}')
                } else {
                    f
                };
                f.trim().to_string()
            })
            .collect();
        if names.iter().all(String::is_empty) {
            return Err(Error::EmptyInput {
                what: "no header row".into(),
            });
        }
        for (j, name) in names.iter().enumerate() {
            if name.is_empty() {
                continue;
            }
            if let Some(first) = names[..j].iter().position(|h| h == name) {
                return Err(Error::invalid_field(
                    line,
                    name.as_str(),
                    name.as_str(),
                    format!(
                        "duplicate column name in the header (columns {} and {})",
                        first + 1,
                        j + 1
                    ),
                ));
            }
        }
        Ok(Self {
            names,
            delimiter,
            table: "",
        })
    }

    /// Names the table in missing-column messages (`column `user_id (in payments)``).
    pub fn in_table(mut self, table: &'static str) -> Self {
        self.table = table;
        self
    }

    /// Reads the header row of `rdr` (a reader built with `has_headers(true)`).
    ///
    /// # Errors
    /// As [`Header::new`], plus [`csv_error`]'s for the row itself.
    pub fn read<R: std::io::Read>(rdr: &mut csv::Reader<R>, delimiter: u8) -> Result<Self> {
        let rec = rdr.headers().map_err(csv_error)?;
        Self::new(rec.iter(), delimiter)
    }

    /// The column names, in file order.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Number of columns.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// True for a header without columns (never, for a header [`Header::new`] accepted).
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// The name of column `i`.
    pub fn name(&self, i: usize) -> &str {
        &self.names[i]
    }

    /// The position of column `name`, if the header has it.
    pub fn find(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|h| h == name)
    }

    /// The position of column `name`.
    ///
    /// # Errors
    /// [`Error::MissingColumn`], listing the header's columns, or, when the header is one
    /// column holding another delimiter, suggesting `--delimiter`.
    pub fn required(&self, name: &str) -> Result<usize> {
        self.find(name).ok_or_else(|| self.missing(name))
    }

    /// The [`Error::MissingColumn`] for `name`.
    pub fn missing(&self, name: &str) -> Error {
        let column = if self.table.is_empty() {
            name.to_string()
        } else {
            format!("{name} (in {})", self.table)
        };
        Error::MissingColumn {
            column,
            found: self.describe(),
        }
    }

    /// `a,b,c`, or for a header that did not split: ``one column `a;b;c` — is the delimiter
    /// `;`? use --delimiter``.
    fn describe(&self) -> String {
        if let [only] = self.names.as_slice() {
            if let Some(d) = OTHER_DELIMITERS
                .iter()
                .find(|&&d| d != self.delimiter && only.as_bytes().contains(&d))
            {
                let shown = if *d == b'\t' {
                    "tab".to_string()
                } else {
                    (*d as char).to_string()
                };
                return format!(
                    "one column `{only}` — is the delimiter `{shown}`? use --delimiter"
                );
            }
        }
        self.names.join(",")
    }
}

/// The crate's error for a `csv` error: [`Error::FieldCount`] for a row of the wrong length,
/// [`Error::FieldNotUtf8`] with the file line for invalid UTF-8, [`Error::Csv`] for other
/// malformed records, [`Error::Io`] (with an empty path, for the caller to fill in) for I/O.
pub fn csv_error(e: csv::Error) -> Error {
    Error::from_csv_read(e, std::path::PathBuf::new(), 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_utf8_names_the_line() {
        let bytes = b"a,b\n1,2\n3,\xff\xfe\n".as_slice();
        let mut rdr = csv::Reader::from_reader(bytes);
        let mut rec = csv::StringRecord::new();
        assert!(rdr.read_record(&mut rec).unwrap());
        let e = csv_error(rdr.read_record(&mut rec).unwrap_err()).to_string();
        assert_eq!(
            e,
            "line 3: malformed CSV record: field 2 is not valid UTF-8"
        );
    }

    #[test]
    fn delimiter_hint_and_duplicates() {
        let h = Header::new(["a\tb"], b',').unwrap().in_table("costs");
        let e = h.required("a").unwrap_err().to_string();
        assert!(e.contains("`a (in costs)`") && e.contains("`tab`"), "{e}");
        let h = Header::new(["x", "y"], b',').unwrap();
        assert!(h
            .required("z")
            .unwrap_err()
            .to_string()
            .ends_with("(found: x,y)"));
        let e = Header::new(["x", "y", "x"], b',').unwrap_err().to_string();
        assert!(e.contains("columns 1 and 3"), "{e}");
        assert!(Header::new(["\u{feff}id"], b',').unwrap().find("id") == Some(0));
    }

    /// The transaction-log reader finds its columns with this helper too: the same missing
    /// column message (with the delimiter hint), and a duplicate name refused on the header's
    /// own line (a log may start with blank lines).
    #[test]
    fn transaction_log_header_uses_the_helper() {
        use crate::data::TransactionCsvOptions;
        let o = TransactionCsvOptions::new("c", "d");
        let e = o.read_str("c;d\nu;2024-01-01\n").unwrap_err().to_string();
        assert!(e.contains("is the delimiter `;`? use --delimiter"), "{e}");
        let e = o.read_str("\n\nc,d,c\nu,2024-01-01,x\n").unwrap_err();
        assert!(matches!(&e, Error::InvalidField { line: 3, .. }), "{e}");
        assert!(e.to_string().contains("columns 1 and 3"), "{e}");
        // quoted input goes through the csv crate: the same rules
        let e = o.read_str("\nc,\"d\",c\nu,2024-01-01,x\n").unwrap_err();
        assert!(matches!(&e, Error::InvalidField { line: 2, .. }), "{e}");
        let e = o.read_str("x,\"y\"\nu,v\n").unwrap_err().to_string();
        assert!(e.contains("(found: x,y)"), "{e}");
    }
}
