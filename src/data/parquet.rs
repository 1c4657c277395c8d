//! Reading transaction logs from Parquet files and Arrow record batches (feature `parquet`).
//!
//! The columns are found by the names of [`TransactionCsvOptions`], as in a CSV header; only
//! those columns are decoded (a projection). Accepted column types:
//!
//! * customer id: any string type (`Utf8`, `LargeUtf8`, `Utf8View`, dictionary-encoded
//!   strings) or an integer type (written in decimal, as a CSV would hold it);
//! * date: `Date32`, `Date64`, `Timestamp` of any unit (a time zone, if any, is ignored: the
//!   wall-clock value in UTC is used, as for every [`Timestamp`]), or strings read with the
//!   options' [`DateFormat`](crate::data::DateFormat);
//! * amount: any integer, float or decimal type (read as `f64`).
//!
//! Every row goes through the checks of [`TransactionLogBuilder`] (empty id, amount not finite
//! and >= 0); row numbers in errors are 1-based over the whole file. Nulls are errors.

use crate::data::{Timestamp, TransactionCsvOptions, TransactionLog, TransactionLogBuilder};
use crate::error::{Error, Result};
use arrow_array::cast::AsArray;
use arrow_array::types::{Date32Type, Date64Type, Float64Type, Int64Type};
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::{DataType, TimeUnit};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::arrow::ProjectionMask;
use std::path::Path;

const SECONDS_PER_DAY: i64 = 86_400;

/// The column names of a Parquet file (from its footer; no data is read).
pub(crate) fn parquet_column_names(path: &Path) -> Result<Vec<String>> {
    let file = std::fs::File::open(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let builder = ParquetRecordBatchReaderBuilder::try_new(file).map_err(parquet_err)?;
    Ok(builder
        .schema()
        .fields()
        .iter()
        .map(|f| f.name().clone())
        .collect())
}

/// Reads the named columns of a Parquet file as record batches (only those columns are
/// decoded). `Error::MissingColumn` lists the file's columns when a name is absent.
pub(crate) fn read_parquet_columns(path: &Path, names: &[&str]) -> Result<Vec<RecordBatch>> {
    let file = std::fs::File::open(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let builder = ParquetRecordBatchReaderBuilder::try_new(file).map_err(parquet_err)?;
    let schema = builder.schema().clone();
    let found = || {
        schema
            .fields()
            .iter()
            .map(|f| f.name().as_str())
            .collect::<Vec<_>>()
            .join(",")
    };
    let mut roots = Vec::with_capacity(names.len());
    for name in names {
        let i = schema.index_of(name).map_err(|_| Error::MissingColumn {
            column: name.to_string(),
            found: found(),
        })?;
        roots.push(i);
    }
    let mask = ProjectionMask::roots(builder.parquet_schema(), roots);
    let reader = builder
        .with_projection(mask)
        .with_batch_size(64 * 1024)
        .build()
        .map_err(parquet_err)?;
    reader
        .map(|b| b.map_err(|e| parquet_message(e.to_string())))
        .collect()
}

fn parquet_err(e: parquet::errors::ParquetError) -> Error {
    parquet_message(e.to_string())
}

fn parquet_message(message: String) -> Error {
    Error::Csv {
        line: 0,
        message: format!("Parquet: {message}"),
    }
}

/// The column `name` of `batch` (present: the projection asked for it).
pub(crate) fn column<'b>(batch: &'b RecordBatch, name: &str) -> Result<&'b ArrayRef> {
    batch
        .column_by_name(name)
        .ok_or_else(|| Error::MissingColumn {
            column: name.to_string(),
            found: batch
                .schema()
                .fields()
                .iter()
                .map(|f| f.name().as_str())
                .collect::<Vec<_>>()
                .join(","),
        })
}

/// Errors for a null in `column` at 1-based `row`.
pub(crate) fn check_no_nulls(array: &dyn Array, column: &str, first_row: u64) -> Result<()> {
    if array.null_count() > 0 {
        let i = (0..array.len()).find(|&i| array.is_null(i)).unwrap_or(0);
        return Err(Error::invalid_field(
            first_row + i as u64,
            column,
            "null",
            "nulls are not allowed",
        ));
    }
    Ok(())
}

/// A numeric column as `f64` (integers, floats and decimals are cast).
pub(crate) fn f64_column(array: &ArrayRef, column: &str, first_row: u64) -> Result<ArrayRef> {
    check_no_nulls(array.as_ref(), column, first_row)?;
    let ok = array.data_type().is_numeric();
    if !ok {
        return Err(Error::invalid_field(
            first_row,
            column,
            array.data_type().to_string(),
            "a numeric column is needed",
        ));
    }
    arrow_cast::cast(array, &DataType::Float64).map_err(|e| parquet_message(e.to_string()))
}

/// A string or integer column as UTF-8 strings (`Utf8`).
pub(crate) fn string_column(array: &ArrayRef, column: &str, first_row: u64) -> Result<ArrayRef> {
    check_no_nulls(array.as_ref(), column, first_row)?;
    let ok = match array.data_type() {
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => true,
        DataType::Dictionary(_, v) => {
            matches!(
                **v,
                DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View
            )
        }
        t => t.is_integer(),
    };
    if !ok {
        return Err(Error::invalid_field(
            first_row,
            column,
            array.data_type().to_string(),
            "a string or integer column is needed",
        ));
    }
    arrow_cast::cast(array, &DataType::Utf8).map_err(|e| parquet_message(e.to_string()))
}

/// Seconds since 1970-01-01 of each value of a date, timestamp or string column.
fn date_seconds(
    array: &ArrayRef,
    column: &str,
    first_row: u64,
    opts: &TransactionCsvOptions,
) -> Result<Vec<Timestamp>> {
    check_no_nulls(array.as_ref(), column, first_row)?;
    let out_of_range = |i: usize, v: String| {
        Error::invalid_field(
            first_row + i as u64,
            column,
            v,
            "date outside years 1..=9999",
        )
    };
    let from_seconds =
        |i: usize, s: i64| Timestamp::from_seconds(s).ok_or_else(|| out_of_range(i, s.to_string()));
    match array.data_type() {
        DataType::Date32 => array
            .as_primitive::<Date32Type>()
            .values()
            .iter()
            .enumerate()
            .map(|(i, &d)| from_seconds(i, d as i64 * SECONDS_PER_DAY))
            .collect(),
        DataType::Date64 => array
            .as_primitive::<Date64Type>()
            .values()
            .iter()
            .enumerate()
            .map(|(i, &ms)| from_seconds(i, ms.div_euclid(1000)))
            .collect(),
        DataType::Timestamp(unit, _) => {
            let per_second: i64 = match unit {
                TimeUnit::Second => 1,
                TimeUnit::Millisecond => 1_000,
                TimeUnit::Microsecond => 1_000_000,
                TimeUnit::Nanosecond => 1_000_000_000,
            };
            let raw = arrow_cast::cast(array, &DataType::Int64)
                .map_err(|e| parquet_message(e.to_string()))?;
            raw.as_primitive::<Int64Type>()
                .values()
                .iter()
                .enumerate()
                .map(|(i, &v)| from_seconds(i, v.div_euclid(per_second)))
                .collect()
        }
        _ => {
            let strings = string_column(array, column, first_row)?;
            let strings = strings.as_string::<i32>();
            let format = opts.date_format_ref().compile();
            strings
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    let s = s.unwrap_or("");
                    format.parse(s.as_bytes()).ok_or_else(|| {
                        Error::invalid_field(
                            first_row + i as u64,
                            column,
                            s,
                            format!(
                                "not a date in the format {}",
                                opts.date_format_ref().describe()
                            ),
                        )
                    })
                })
                .collect()
        }
    }
}

impl TransactionCsvOptions {
    /// Reads the log from a Parquet file: the columns named by these options, of the types
    /// below (the delimiter is not used; a date format only for
    /// dates stored as strings). Errors: [`Error::MissingColumn`]; [`Error::InvalidField`] with
    /// the 1-based row for a null, a column of an unusable type, or a row failing the checks of
    /// [`TransactionLogBuilder::push`]; [`Error::Csv`] (message starting `Parquet:`) for a file
    /// that is not valid Parquet; [`Error::Io`]; [`Error::EmptyInput`] for no rows.
    ///
    /// Column types: customer id a string type (`Utf8`, `LargeUtf8`, `Utf8View`, dictionary of
    /// strings) or an integer; date `Date32`, `Date64`, `Timestamp` of any unit (the wall-clock
    /// value in UTC), or strings in the date format; amount any numeric type (as `f64`).
    ///
    /// The summaries of a log read from Parquet and of the same log read from CSV are equal.
    pub fn read_parquet(&self, path: impl AsRef<Path>) -> Result<TransactionLog> {
        let mut names = vec![self.customer_col_ref(), self.date_col_ref()];
        if let Some(a) = self.amount_col_ref() {
            names.push(a);
        }
        let batches = read_parquet_columns(path.as_ref(), &names)?;
        self.read_record_batches(&batches)
    }

    /// Reads the log from Arrow record batches holding (at least) the named columns, as
    /// [`TransactionCsvOptions::read_parquet`] does; rows are numbered from 1 across batches.
    pub fn read_record_batches(&self, batches: &[RecordBatch]) -> Result<TransactionLog> {
        let n: usize = batches.iter().map(|b| b.num_rows()).sum();
        let amount_name = self.amount_col_ref();
        let mut builder = TransactionLogBuilder::with_capacity(amount_name.is_some(), n);
        let mut first_row = 1u64;
        for batch in batches {
            let ids = string_column(
                column(batch, self.customer_col_ref())?,
                self.customer_col_ref(),
                first_row,
            )?;
            let ids = ids.as_string::<i32>();
            let dates = date_seconds(
                column(batch, self.date_col_ref())?,
                self.date_col_ref(),
                first_row,
                self,
            )?;
            let amounts = match amount_name {
                Some(a) => Some(f64_column(column(batch, a)?, a, first_row)?),
                None => None,
            };
            let amounts = amounts
                .as_ref()
                .map(|a| a.as_primitive::<Float64Type>().values());
            for (i, (id, &t)) in ids.iter().zip(&dates).enumerate() {
                // the builder numbers rows from 1 over all batches: the file's row numbers
                builder.push(id.unwrap_or(""), t, amounts.map(|a| a[i]))?;
            }
            first_row += batch.num_rows() as u64;
        }
        builder.build()
    }
}
