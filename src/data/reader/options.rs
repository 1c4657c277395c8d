//! What the reader is told: the delimiter, the columns and the date format.

use super::parallel::read_stream;
use crate::data::{DateFormat, TransactionLog};
use crate::error::{Error, Result};
use std::io::Read;
use std::path::Path;

/// How fields are separated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delimiter {
    /// One byte, e.g. `b','`, `b'\t'`, `b';'`, `b'|'`. Fields may be quoted with `"`.
    Byte(u8),
    /// Runs of spaces and tabs (leading and trailing blanks ignored); no quoting.
    Whitespace,
}

impl Default for Delimiter {
    fn default() -> Self {
        Delimiter::Byte(b',')
    }
}

impl Delimiter {
    /// Reads a delimiter as the CLI takes it: `whitespace`, `tab` (or `\t`), or one ASCII
    /// character such as `,` `;` `|`. Errors with [`Error::InvalidParameter`] otherwise.
    pub fn from_spec(spec: &str) -> Result<Self> {
        match spec {
            "whitespace" | "ws" => Ok(Delimiter::Whitespace),
            "tab" | "\\t" | "\t" => Ok(Delimiter::Byte(b'\t')),
            s if s.len() == 1
                && s.as_bytes()[0].is_ascii()
                && !matches!(s.as_bytes()[0], b'"' | b'\n' | b'\r') =>
            {
                Ok(Delimiter::Byte(s.as_bytes()[0]))
            }
            s => Err(Error::InvalidParameter {
                name: format!("delimiter `{s}`"),
                value: f64::NAN,
                rule: "must be `whitespace`, `tab` or a single ASCII character other than a quote \
                       or newline"
                    .into(),
            }),
        }
    }
}

/// Where to find the columns of a transaction log, and how its dates are written.
///
/// Defaults: customer column `customer_id`, date column `date`, no amount column, comma
/// delimiter, [`DateFormat::Auto`]. The header line names the columns (surrounding blanks
/// ignored); other columns are skipped.
///
/// ```
/// use ltv::data::{DateFormat, Delimiter, TransactionCsvOptions};
/// let text = "user,day,price\nu1,2024-01-05,9.5\nu2,2024-01-06,3\nu1,2024-02-01,1.25\n";
/// let log = TransactionCsvOptions::new("user", "day").amount_col("price").read_str(text)?;
/// assert_eq!((log.len(), log.n_customers()), (3, 2));
///
/// let cdnow = " customer_id  date  dollar_value\n 00001 19970101   11.77\n";
/// let log = TransactionCsvOptions::new("customer_id", "date")
///     .amount_col("dollar_value")
///     .delimiter(Delimiter::Whitespace)
///     .date_format(DateFormat::Compact)
///     .read_str(cdnow)?;
/// assert_eq!(log.customer_ids(), ["00001"]);
///
/// let bad = TransactionCsvOptions::new("user", "day").read_str("user,day\nu1,2024-13-01\n");
/// assert!(matches!(bad, Err(ltv::Error::InvalidField { line: 2, .. })));
/// # Ok::<(), ltv::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct TransactionCsvOptions {
    pub(super) customer_col: String,
    pub(super) date_col: String,
    pub(super) amount_col: Option<String>,
    pub(super) delimiter: Delimiter,
    pub(super) date_format: DateFormat,
}

impl Default for TransactionCsvOptions {
    fn default() -> Self {
        Self::new("customer_id", "date")
    }
}

impl TransactionCsvOptions {
    /// Options naming the customer id and date columns.
    pub fn new(customer_col: impl Into<String>, date_col: impl Into<String>) -> Self {
        Self {
            customer_col: customer_col.into(),
            date_col: date_col.into(),
            amount_col: None,
            delimiter: Delimiter::default(),
            date_format: DateFormat::Auto,
        }
    }

    /// Reads monetary amounts from this column (finite, >= 0).
    pub fn amount_col(mut self, name: impl Into<String>) -> Self {
        self.amount_col = Some(name.into());
        self
    }

    /// Sets the field delimiter.
    pub fn delimiter(mut self, delimiter: Delimiter) -> Self {
        self.delimiter = delimiter;
        self
    }

    /// Sets the date format.
    pub fn date_format(mut self, format: DateFormat) -> Self {
        self.date_format = format;
        self
    }

    /// The customer id column's name.
    pub(crate) fn customer_col_ref(&self) -> &str {
        &self.customer_col
    }

    /// The date column's name.
    pub(crate) fn date_col_ref(&self) -> &str {
        &self.date_col
    }

    /// The amount column's name, if any.
    pub(crate) fn amount_col_ref(&self) -> Option<&str> {
        self.amount_col.as_deref()
    }

    /// The date format.
    pub(crate) fn date_format_ref(&self) -> &DateFormat {
        &self.date_format
    }

    /// Reads the log from a file. Errors as [`TransactionCsvOptions::read`], plus
    /// [`Error::Io`] naming the path.
    pub fn read_path(&self, path: impl AsRef<Path>) -> Result<TransactionLog> {
        let path = path.as_ref();
        let io = |source| Error::Io {
            path: path.to_path_buf(),
            source,
        };
        let file = std::fs::File::open(path).map_err(io)?;
        let size = file.metadata().map(|m| m.len()).ok();
        read_stream(file, self, size).map_err(|e| match e {
            Error::Io { source, .. } => io(source),
            e => e,
        })
    }

    /// Reads the log from in-memory text.
    pub fn read_str(&self, text: &str) -> Result<TransactionLog> {
        self.read_bytes(text.as_bytes())
    }

    /// Reads the log from in-memory bytes (must be UTF-8 where ids are concerned).
    pub fn read_bytes(&self, bytes: &[u8]) -> Result<TransactionLog> {
        read_stream(bytes, self, Some(bytes.len() as u64))
    }

    /// Reads the log from any reader.
    ///
    /// Errors (line numbers 1-based, header = its line): [`Error::MissingColumn`] when a named
    /// column is not in the header; [`Error::FieldCount`] for a row with more or fewer fields
    /// than the header; [`Error::InvalidField`] for an empty customer id, an id that is not
    /// UTF-8, a date that does not match the format, an amount that is not a finite
    /// number at least 0; [`Error::Csv`] for broken quoting; [`Error::EmptyInput`] for no header or no rows;
    /// [`Error::Io`] when reading fails.
    pub fn read<R: Read>(&self, reader: R) -> Result<TransactionLog> {
        read_stream(reader, self, None)
    }
}
