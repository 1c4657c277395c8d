//! The CSV plumbing shared by the report's readers: header lookup, line numbers, field
//! parsing with errors that name the table, line, column and rule.

use crate::data::columns::Header;
use crate::error::{Error, Result};
use crate::report::timezone::TimestampParser;
use std::io::Read;
use std::path::PathBuf;

/// A column the caller may or may not have.
///
/// Readers use a default name for every optional column and take it when the header has it
/// ([`OptionalColumn::IfPresent`]); a column the caller names explicitly must be there
/// ([`OptionalColumn::Named`]); [`OptionalColumn::Ignored`] never reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OptionalColumn {
    /// Read this column when the header has it; otherwise treat the field as not given.
    IfPresent(String),
    /// Read this column; a header without it is [`Error::MissingColumn`].
    Named(String),
    /// Do not read the field even if a column of that name exists.
    Ignored,
}

impl OptionalColumn {
    /// `Named(name)` for a non-empty name, `Ignored` for an empty one or `-`: the meaning of a
    /// command-line `--...-col` flag.
    pub fn from_flag(name: &str) -> Self {
        let n = name.trim();
        if n.is_empty() || n == "-" {
            OptionalColumn::Ignored
        } else {
            OptionalColumn::Named(n.to_string())
        }
    }

    /// `IfPresent(name)`.
    pub fn default_name(name: &str) -> Self {
        OptionalColumn::IfPresent(name.to_string())
    }
}

/// An open CSV table with its header read.
pub(crate) struct Table<R: Read> {
    pub name: &'static str,
    reader: csv::Reader<R>,
    header: Header,
}

fn csv_error(table: &str, e: csv::Error) -> Error {
    let path = PathBuf::from(format!("<{table}>"));
    match Error::from_csv_read(e, &path, 0) {
        e @ Error::Csv { .. } => Error::InFile {
            path,
            source: Box::new(e),
        },
        e => e,
    }
}

impl<R: Read> Table<R> {
    /// Opens `reader` as a CSV with a header row, separated by `delimiter`.
    pub fn open(name: &'static str, reader: R, delimiter: u8) -> Result<Self> {
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(true)
            .flexible(false)
            .from_reader(reader);
        let fields = reader.headers().map_err(|e| csv_error(name, e))?;
        let header = match Header::new(fields.iter(), delimiter) {
            Err(Error::EmptyInput { .. }) => {
                return Err(Error::EmptyInput {
                    what: format!("{name}: no header row"),
                })
            }
            h => h?.in_table(name),
        };
        Ok(Self {
            name,
            reader,
            header,
        })
    }

    fn find(&self, column: &str) -> Option<usize> {
        self.header.find(column)
    }

    /// Index of a required column.
    pub fn required(&self, column: &str) -> Result<usize> {
        self.header.required(column)
    }

    /// Index of an optional column, `None` when it is not read.
    pub fn optional(&self, column: &OptionalColumn) -> Result<Option<usize>> {
        match column {
            OptionalColumn::IfPresent(c) => Ok(self.find(c)),
            OptionalColumn::Named(c) => self.required(c).map(Some),
            OptionalColumn::Ignored => Ok(None),
        }
    }

    /// The header's name of column `i`.
    pub fn column_name(&self, i: usize) -> &str {
        self.header.name(i)
    }

    /// Calls `f(line, record)` for each data row (line numbers are 1-based, header = 1); stops
    /// at the first error. An input without data rows is [`Error::EmptyInput`] unless
    /// `allow_empty`.
    pub fn for_each(
        mut self,
        allow_empty: bool,
        mut f: impl FnMut(u64, &csv::StringRecord) -> Result<()>,
    ) -> Result<u64> {
        let mut record = csv::StringRecord::new();
        let mut rows = 0u64;
        loop {
            match self.reader.read_record(&mut record) {
                Ok(true) => {
                    let line = record.position().map_or(rows + 2, csv::Position::line);
                    rows += 1;
                    f(line, &record)?;
                }
                Ok(false) => break,
                Err(e) => return Err(csv_error(self.name, e)),
            }
        }
        if rows == 0 && !allow_empty {
            return Err(Error::EmptyInput {
                what: format!("{}: no data rows", self.name),
            });
        }
        Ok(rows)
    }
}

/// A field of `record` as trimmed text.
pub(crate) fn field(record: &csv::StringRecord, i: usize) -> &str {
    record.get(i).unwrap_or("").trim()
}

/// A non-empty text field, borrowed.
pub(crate) fn non_empty<'r>(
    record: &'r csv::StringRecord,
    i: usize,
    line: u64,
    column: &str,
) -> Result<&'r str> {
    let v = field(record, i);
    if v.is_empty() {
        return Err(Error::invalid_field(line, column, v, "must not be empty"));
    }
    Ok(v)
}

/// A non-empty text field.
pub(crate) fn text(
    record: &csv::StringRecord,
    i: usize,
    line: u64,
    column: &str,
) -> Result<String> {
    non_empty(record, i, line, column).map(str::to_string)
}

/// An instant (seconds since the epoch, UTC) read by `parser`; the error names the expected
/// format.
pub(crate) fn timestamp(
    record: &csv::StringRecord,
    i: usize,
    line: u64,
    column: &str,
    parser: &TimestampParser,
) -> Result<i64> {
    let raw = field(record, i);
    parser
        .parse(raw)
        .ok_or_else(|| Error::invalid_field(line, column, raw, parser.describe()))
}

/// An [`Error::InvalidField`] raised while storing a row, which names the field by its
/// internal name, renamed to the caller's `column` when `renames(internal name)`; other
/// errors pass through.
pub(crate) fn in_column(e: Error, column: &str, renames: impl Fn(&str) -> bool) -> Error {
    match e {
        Error::InvalidField {
            line,
            column: internal,
            value,
            rule,
        } if renames(&internal) => Error::InvalidField {
            line,
            column: column.to_string(),
            value,
            rule,
        },
        e => e,
    }
}

/// A finite, non-negative number.
pub(crate) fn amount(record: &csv::StringRecord, i: usize, line: u64, column: &str) -> Result<f64> {
    let v = field(record, i);
    match v.parse::<f64>() {
        Ok(x) if x.is_finite() && x >= 0.0 => Ok(x + 0.0),
        Ok(_) => Err(Error::invalid_field(
            line,
            column,
            v,
            "must be a finite number >= 0",
        )),
        Err(_) => Err(Error::invalid_field(line, column, v, "not a number")),
    }
}

/// An optional finite, non-negative number: an empty field is `None`.
pub(crate) fn optional_amount(
    record: &csv::StringRecord,
    i: Option<usize>,
    line: u64,
    column: &str,
) -> Result<Option<f64>> {
    match i {
        Some(i) if !field(record, i).is_empty() => amount(record, i, line, column).map(Some),
        _ => Ok(None),
    }
}

/// A calendar date in `format` (a `chrono` format string).
pub(crate) fn date(
    record: &csv::StringRecord,
    i: usize,
    line: u64,
    column: &str,
    format: &str,
) -> Result<chrono::NaiveDate> {
    let v = field(record, i);
    chrono::NaiveDate::parse_from_str(v, format).map_err(|_| {
        Error::invalid_field(
            line,
            column,
            v,
            format!("expected a date in format `{format}`"),
        )
    })
}

/// Test helper: each `(row, column)` of `cases`, appended to `head`, must make `read` fail
/// with [`Error::InvalidField`] at `line` naming `column`.
#[cfg(test)]
pub(crate) fn assert_bad_rows<T: std::fmt::Debug>(
    read: impl Fn(&str) -> Result<T>,
    head: &str,
    line: u64,
    cases: &[(&str, &str)],
) {
    for (row, col) in cases {
        match read(&format!("{head}{row}\n")) {
            Err(Error::InvalidField {
                line: l, column, ..
            }) if l == line => assert_eq!(&column, col),
            other => panic!("{row}: {other:?}"),
        }
    }
}
