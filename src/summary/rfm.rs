//! The per-customer RFM summary: frequency, recency, T (and mean repeat spend).

use crate::error::{Error, Result};
use crate::summary::CompressedSummary;
use crate::Period;

/// A per-customer summary of a transaction log, in the column layout of lifetimes'
/// `summary_data_from_transaction_data`.
///
/// All times are in **periods** of the summary (days, weeks, ... as chosen when it was built):
///
/// * `frequency` — number of repeat purchase periods (periods with a purchase after the first);
/// * `recency` — periods from the first to the last purchase (0 when `frequency` is 0);
/// * `T` (`t()` here) — periods from the first purchase (or birth) to the end of observation;
/// * `monetary_value` — mean value of the repeat-purchase periods (0 when `frequency` is 0), if
///   amounts were given;
/// * `weights` — how many identical customers the row stands for (1 when absent).
///
/// Construct with [`RfmSummary::new`], which checks every row (see there), or with the builders
/// in [`crate::summary`]. The struct is column-oriented so predictions can run over slices.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RfmSummary {
    customer_ids: Vec<String>,
    frequency: Vec<f64>,
    recency: Vec<f64>,
    t: Vec<f64>,
    monetary_value: Option<Vec<f64>>,
    weights: Option<Vec<f64>>,
    /// The unit of recency and T (and so of every model fitted on the summary), when known:
    /// summaries built from a log know it; a summary read from a file knows it when the
    /// reader is told ([`SummaryCsvOptions::period`](crate::summary::SummaryCsvOptions::period)).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    period: Option<Period>,
    /// Where the rows came from (file and lines), when read from a file; not part of the data.
    #[serde(skip)]
    origin: RowOrigin,
}

/// Where a summary's rows came from: the file (when read from one) and each row's 1-based
/// line in it (header = line 1). Metadata for error messages only: two summaries with the
/// same rows are equal whatever their origin.
#[derive(Debug, Clone, Default)]
pub(crate) struct RowOrigin {
    pub(crate) path: Option<std::path::PathBuf>,
    pub(crate) lines: Vec<u64>,
}

impl PartialEq for RowOrigin {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

/// Checks one (frequency, recency, T) triple; `row` is 1-based and goes into the error.
///
/// Rules: all finite; frequency a non-negative integer; 0 <= recency <= T; recency = 0 when
/// frequency = 0.
pub(crate) fn check_rfm_row(row: u64, frequency: f64, recency: f64, t: f64) -> Result<()> {
    let bad = |column: &str, value: f64, rule: &str| {
        Err(Error::invalid_field(row, column, value.to_string(), rule))
    };
    if !frequency.is_finite() {
        return bad("frequency", frequency, "must be finite");
    }
    if frequency < 0.0 || frequency.fract() != 0.0 {
        return bad("frequency", frequency, "must be a non-negative integer");
    }
    if !recency.is_finite() || recency < 0.0 {
        return bad("recency", recency, "must be finite and >= 0");
    }
    if !t.is_finite() || t < 0.0 {
        return bad("T", t, "must be finite and >= 0");
    }
    if recency > t {
        return Err(Error::invalid_field(
            row,
            "recency",
            recency.to_string(),
            format!("recency must not exceed T ({t})"),
        ));
    }
    if frequency == 0.0 && recency > 0.0 {
        return bad(
            "recency",
            recency,
            "must be 0 when frequency is 0 (no repeat purchase)",
        );
    }
    Ok(())
}

pub(crate) fn check_weight(row: u64, w: f64) -> Result<()> {
    if !(w.is_finite() && w > 0.0) {
        return Err(Error::invalid_field(
            row,
            "weights",
            w.to_string(),
            "must be finite and > 0",
        ));
    }
    Ok(())
}

fn check_len(name: &str, len: usize, n: usize) -> Result<()> {
    if len != n {
        return Err(Error::LengthMismatch {
            left: "customer_ids".into(),
            left_len: n,
            right: name.into(),
            right_len: len,
        });
    }
    Ok(())
}

impl RfmSummary {
    /// Builds a summary from columns, checking every row.
    ///
    /// Errors (with the 1-based row and the column): lengths differ; NaN or infinity anywhere;
    /// negative or non-integer frequency; recency < 0 or recency > T; frequency 0 with
    /// recency > 0; negative or non-finite monetary value; weight not > 0.
    ///
    /// ```
    /// use ltv::summary::RfmSummary;
    /// let s = RfmSummary::new(
    ///     vec!["a".into(), "b".into()],
    ///     vec![2.0, 0.0],
    ///     vec![30.43, 0.0],
    ///     vec![38.86, 38.86],
    ///     None,
    ///     None,
    /// )?;
    /// assert_eq!(s.len(), 2);
    /// assert!(RfmSummary::new(vec!["c".into()], vec![0.0], vec![3.0], vec![5.0], None, None).is_err());
    /// # Ok::<(), ltv::Error>(())
    /// ```
    pub fn new(
        customer_ids: Vec<String>,
        frequency: Vec<f64>,
        recency: Vec<f64>,
        t: Vec<f64>,
        monetary_value: Option<Vec<f64>>,
        weights: Option<Vec<f64>>,
    ) -> Result<Self> {
        let n = customer_ids.len();
        check_len("frequency", frequency.len(), n)?;
        check_len("recency", recency.len(), n)?;
        check_len("T", t.len(), n)?;
        if let Some(m) = &monetary_value {
            check_len("monetary_value", m.len(), n)?;
        }
        if let Some(w) = &weights {
            check_len("weights", w.len(), n)?;
        }
        for i in 0..n {
            let row = i as u64 + 1;
            check_rfm_row(row, frequency[i], recency[i], t[i])?;
            if let Some(m) = &monetary_value {
                if !(m[i].is_finite() && m[i] >= 0.0) {
                    return Err(Error::invalid_field(
                        row,
                        "monetary_value",
                        m[i].to_string(),
                        "must be finite and >= 0",
                    ));
                }
            }
            if let Some(w) = &weights {
                check_weight(row, w[i])?;
            }
        }
        Ok(Self {
            customer_ids,
            frequency,
            recency,
            t,
            monetary_value,
            weights,
            period: None,
            origin: RowOrigin::default(),
        })
    }

    /// Builds a summary from rows already checked by the caller inside this crate.
    pub(crate) fn from_checked_parts(
        customer_ids: Vec<String>,
        frequency: Vec<f64>,
        recency: Vec<f64>,
        t: Vec<f64>,
        monetary_value: Option<Vec<f64>>,
        weights: Option<Vec<f64>>,
    ) -> Self {
        debug_assert_eq!(customer_ids.len(), frequency.len());
        Self {
            customer_ids,
            frequency,
            recency,
            t,
            monetary_value,
            weights,
            period: None,
            origin: RowOrigin::default(),
        }
    }

    /// The same summary, its recency and T declared to be in periods of `period` (what CLV
    /// converts months into; see [`RfmSummary::period`]).
    pub fn with_period(mut self, period: Period) -> Self {
        self.period = Some(period);
        self
    }

    /// The unit of recency and T: set by the summary builder
    /// ([`SummaryOptions`](crate::summary::SummaryOptions)), by
    /// [`SummaryCsvOptions::period`](crate::summary::SummaryCsvOptions::period) or by
    /// [`RfmSummary::with_period`]; `None` when nobody said. Models fitted on the summary and
    /// their CLV are in this unit.
    pub fn period(&self) -> Option<Period> {
        self.period
    }

    /// Records where the rows came from (file and 1-based lines), for [`RfmSummary::locate`].
    pub(crate) fn with_origin(mut self, origin: RowOrigin) -> Self {
        debug_assert!(origin.lines.is_empty() || origin.lines.len() == self.len());
        self.origin = origin;
        self
    }

    pub(crate) fn origin(&self) -> &RowOrigin {
        &self.origin
    }

    /// True when the rows were read from a file whose lines are known (a summary CSV), false
    /// for a summary made from a transaction log or built in memory.
    pub fn has_file_lines(&self) -> bool {
        !self.origin.lines.is_empty()
    }

    /// The 1-based line of row `i` (0-based) in the file it was read from (header = line 1);
    /// `i + 2` when the summary was not read from a file.
    pub fn line_of(&self, i: usize) -> u64 {
        self.origin.lines.get(i).copied().unwrap_or(i as u64 + 2)
    }

    /// Points an error about this summary's rows at the input: the one place where data-row
    /// indices become file lines.
    ///
    /// Functions that take the summary's columns number rows from 1 in
    /// [`Error::InvalidField`]; this rewrites that row into the file line (header = line 1, so
    /// row 1 is line 2 of a plain file) and wraps the error in [`Error::InRow`] with the file
    /// and the row's customer id. Other errors come back unchanged (use
    /// [`RfmSummary::locate_row`] for an error about a quantity derived from one row).
    ///
    /// ```
    /// use ltv::summary::SummaryCsvOptions;
    /// use ltv::models::gamma_gamma::SpendData;
    /// let s = SummaryCsvOptions::new()
    ///     .read_str("customer_id,frequency,recency,T,monetary_value\na,2,5,10,10\nb,1,3,10,0\n")?;
    /// let e = SpendData::from_summary(&s).map_err(|e| s.locate(e)).unwrap_err();
    /// assert!(e.to_string().contains("customer `b`: line 3, column `monetary_value`"), "{e}");
    /// # Ok::<(), ltv::Error>(())
    /// ```
    pub fn locate(&self, e: Error) -> Error {
        match e {
            Error::InvalidField {
                line: row,
                column,
                value,
                rule,
            } if row >= 1 && row as usize <= self.len() => {
                let i = row as usize - 1;
                self.locate_row(
                    i,
                    Error::InvalidField {
                        line: self.line_of(i),
                        column,
                        value,
                        rule,
                    },
                )
            }
            e => e,
        }
    }

    /// Wraps an error about row `i` (0-based; for example a non-finite quantity derived from
    /// it) in [`Error::InRow`]: file, line and customer id.
    pub fn locate_row(&self, i: usize, e: Error) -> Error {
        Error::InRow {
            path: self.origin.path.clone(),
            line: self.line_of(i),
            customer: self.customer_ids.get(i).cloned().unwrap_or_default(),
            source: Box::new(e),
        }
    }

    /// Number of rows (customers, or patterns when weighted).
    pub fn len(&self) -> usize {
        self.customer_ids.len()
    }

    /// True when there are no rows.
    pub fn is_empty(&self) -> bool {
        self.customer_ids.is_empty()
    }

    /// Original customer ids, in row order.
    pub fn customer_ids(&self) -> &[String] {
        &self.customer_ids
    }

    /// Repeat purchase counts (periods with a purchase after the first one).
    pub fn frequency(&self) -> &[f64] {
        &self.frequency
    }

    /// Age at the last purchase, in periods since the first purchase.
    pub fn recency(&self) -> &[f64] {
        &self.recency
    }

    /// Age at the end of observation (`T`), in periods since the first purchase.
    pub fn t(&self) -> &[f64] {
        &self.t
    }

    /// Mean value of the repeat-purchase periods, if amounts were given (0 when frequency is 0).
    pub fn monetary_value(&self) -> Option<&[f64]> {
        self.monetary_value.as_deref()
    }

    /// Row weights (number of customers a row stands for), if given.
    pub fn weights(&self) -> Option<&[f64]> {
        self.weights.as_deref()
    }

    /// Weight of row `i` (1 when the summary is unweighted).
    pub fn weight(&self, i: usize) -> f64 {
        self.weights.as_ref().map_or(1.0, |w| w[i])
    }

    /// Total number of customers represented (sum of weights).
    pub fn n_customers(&self) -> f64 {
        self.weights
            .as_ref()
            .map_or(self.len() as f64, |w| w.iter().sum())
    }

    /// Merges identical (frequency, recency, T) rows into weighted rows; see
    /// [`CompressedSummary`]. Fitting always goes through this form.
    pub fn compress(&self) -> CompressedSummary {
        CompressedSummary::from_checked_columns(
            &self.frequency,
            &self.recency,
            &self.t,
            self.weights.as_deref(),
        )
    }
}
