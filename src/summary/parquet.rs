//! Reading an RFM summary from a Parquet file (feature `parquet`).

use crate::data::parquet::{
    column, f64_column, parquet_column_names, read_parquet_columns, string_column,
};
use crate::error::{Error, Result};
use crate::summary::csv::{DEFAULT_MONETARY, DEFAULT_WEIGHTS, ID_CANDIDATES};
use crate::summary::{RfmSummary, SummaryCsvOptions};
use arrow_array::cast::AsArray;
use arrow_array::types::Float64Type;
use std::path::Path;

impl SummaryCsvOptions {
    /// Reads a summary from a Parquet file with the same column names and defaults as
    /// [`SummaryCsvOptions::read`] (the delimiter is not used): frequency, recency, T,
    /// monetary value and weights of any numeric type (read as `f64`), ids of a string or
    /// integer type (row positions when there is no id column). Every row is checked as
    /// [`RfmSummary::new`] does (rows numbered from 1); nulls are errors. Errors also with
    /// [`Error::MissingColumn`], [`Error::Parquet`] for a file that is
    /// not valid Parquet, [`Error::Io`], and [`Error::EmptyInput`] for no rows.
    pub fn read_parquet(&self, path: impl AsRef<Path>) -> Result<RfmSummary> {
        let path = path.as_ref();
        let header = parquet_column_names(path)?;
        let has = |name: &str| header.iter().any(|h| h == name);
        let id_col: Option<&str> = match &self.customer_id {
            Some(name) => Some(name),
            None => ID_CANDIDATES.iter().copied().find(|c| has(c)),
        };
        let m_col: Option<&str> = match &self.monetary_value {
            Some(name) => Some(name),
            None => has(DEFAULT_MONETARY).then_some(DEFAULT_MONETARY),
        };
        let w_col: Option<&str> = match &self.weights {
            Some(name) => Some(name),
            None => has(DEFAULT_WEIGHTS).then_some(DEFAULT_WEIGHTS),
        };
        let mut names = vec![
            self.frequency.as_str(),
            self.recency.as_str(),
            self.t.as_str(),
        ];
        names.extend(id_col);
        names.extend(m_col);
        names.extend(w_col);
        let batches = read_parquet_columns(path, &names)?;

        let n: usize = batches.iter().map(|b| b.num_rows()).sum();
        if n == 0 {
            return Err(Error::EmptyInput {
                what: "summary Parquet file has no rows".into(),
            });
        }
        let mut ids = Vec::with_capacity(n);
        let (mut freq, mut rec, mut t) = (
            Vec::with_capacity(n),
            Vec::with_capacity(n),
            Vec::with_capacity(n),
        );
        let mut money = m_col.map(|_| Vec::with_capacity(n));
        let mut weights = w_col.map(|_| Vec::with_capacity(n));
        let mut first_row = 1u64;
        for batch in &batches {
            let numbers = |name: &str, out: &mut Vec<f64>| -> Result<()> {
                let a = f64_column(column(batch, name)?, name, first_row)?;
                out.extend_from_slice(a.as_primitive::<Float64Type>().values());
                Ok(())
            };
            numbers(&self.frequency, &mut freq)?;
            numbers(&self.recency, &mut rec)?;
            numbers(&self.t, &mut t)?;
            if let (Some(v), Some(c)) = (&mut money, m_col) {
                numbers(c, v)?;
            }
            if let (Some(v), Some(c)) = (&mut weights, w_col) {
                numbers(c, v)?;
            }
            match id_col {
                Some(c) => {
                    let a = string_column(column(batch, c)?, c, first_row)?;
                    ids.extend(
                        a.as_string::<i32>()
                            .iter()
                            .map(|s| s.unwrap_or("").to_string()),
                    );
                }
                None => {
                    let start = ids.len();
                    ids.extend((start..start + batch.num_rows()).map(|i| i.to_string()));
                }
            }
            first_row += batch.num_rows() as u64;
        }
        let summary = RfmSummary::new(ids, freq, rec, t, money, weights)?;
        Ok(match self.period {
            Some(p) => summary.with_period(p),
            None => summary,
        })
    }
}
