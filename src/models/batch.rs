//! The customers a prediction or a valuation is about: [`CustomerBatch`], a borrowed view of
//! validated (frequency, recency, T) columns, checked once where it is built.

use crate::error::{Error, Result};
use crate::models::covariates::Covariates;
use crate::summary::{check_rfm_row, check_weight, CompressedSummary, RfmSummary};
use crate::Period;

/// A borrowed batch of customers whose rows are known to be valid: what every vectorised
/// prediction ([`TransactionModel`](crate::models::TransactionModel)), the covariate models'
/// predictions ([`CovariateFit`](crate::models::covariates::CovariateFit)) and customer
/// lifetime value ([`crate::value`]) take.
///
/// * `frequency` — repeat purchases; `recency`, `T` — periods (of [`CustomerBatch::period`]
///   when known);
/// * `weights` — how many customers each row stands for (a compressed summary's counts),
///   when given;
/// * `covariates` — one covariate row per customer, for the covariate models;
/// * `period` — the time unit of `recency` and `T`, carried from the summary, so that CLV can
///   refuse settings in another unit ([`Error::PeriodMismatch`]).
///
/// Build it from a validated summary — `CustomerBatch::from(&summary)` for an [`RfmSummary`]
/// or a [`CompressedSummary`] — and no row is checked again; or from raw columns with
/// [`CustomerBatch::new`], which applies the summary's row rules ([`RfmSummary::new`]) once
/// and names the offending row. The predictions then never re-check a row.
///
/// ```
/// use ltv::models::{bgnbd::BgNbd, CustomerBatch, TransactionModel};
/// let model = BgNbd::new(0.2426, 4.4135, 0.7929, 2.4258)?;
/// // from a summary (its period comes along)
/// let summary = ltv::datasets::cdnow_summary()?;
/// let alive = model.probability_alive(&CustomerBatch::from(&summary))?;
/// assert_eq!(alive.len(), summary.len());
/// // from raw columns, checked once: row 2 has recency > 0 without a repeat purchase
/// let err = CustomerBatch::new(&[2.0, 0.0], &[30.43, 1.0], &[38.86, 38.86]).unwrap_err();
/// assert!(err.to_string().contains("line 2"), "{err}");
/// # Ok::<(), ltv::Error>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct CustomerBatch<'a> {
    frequency: &'a [f64],
    recency: &'a [f64],
    t: &'a [f64],
    weights: Option<&'a [f64]>,
    covariates: Option<&'a Covariates>,
    period: Option<Period>,
    summary: Option<&'a RfmSummary>,
}

fn length_mismatch(left: &str, left_len: usize, right: &str, right_len: usize) -> Error {
    Error::LengthMismatch {
        left: left.into(),
        left_len,
        right: right.into(),
        right_len,
    }
}

impl<'a> CustomerBatch<'a> {
    /// A batch from raw columns of equal length, each row checked once with the rules of
    /// [`RfmSummary::new`]: all finite, frequency a non-negative integer, `0 ≤ recency ≤ T`,
    /// recency 0 when frequency is 0. The period is unknown until
    /// [`CustomerBatch::with_period`].
    ///
    /// # Errors
    /// [`Error::LengthMismatch`] for columns of different lengths, [`Error::InvalidField`]
    /// naming the 1-based row, the column and the rule.
    pub fn new(frequency: &'a [f64], recency: &'a [f64], t: &'a [f64]) -> Result<Self> {
        for (name, len) in [("recency", recency.len()), ("T", t.len())] {
            if len != frequency.len() {
                return Err(length_mismatch("frequency", frequency.len(), name, len));
            }
        }
        for i in 0..frequency.len() {
            check_rfm_row(i as u64 + 1, frequency[i], recency[i], t[i])?;
        }
        Ok(Self {
            frequency,
            recency,
            t,
            weights: None,
            covariates: None,
            period: None,
            summary: None,
        })
    }

    /// A batch of rows taken from checked batches inside the crate (distinct histories).
    pub(crate) fn from_checked(frequency: &'a [f64], recency: &'a [f64], t: &'a [f64]) -> Self {
        debug_assert!(frequency.len() == recency.len() && frequency.len() == t.len());
        Self {
            frequency,
            recency,
            t,
            weights: None,
            covariates: None,
            period: None,
            summary: None,
        }
    }

    /// The same batch with row weights (customers per row), each checked (finite, > 0).
    ///
    /// # Errors
    /// [`Error::LengthMismatch`], [`Error::InvalidField`] (1-based row) for a bad weight.
    pub fn with_weights(mut self, weights: &'a [f64]) -> Result<Self> {
        if weights.len() != self.len() {
            return Err(length_mismatch(
                "frequency",
                self.len(),
                "weights",
                weights.len(),
            ));
        }
        for (i, &w) in weights.iter().enumerate() {
            check_weight(i as u64 + 1, w)?;
        }
        self.weights = Some(weights);
        Ok(self)
    }

    /// The same batch with one covariate row per customer (in the batch's order), for the
    /// covariate models.
    ///
    /// # Errors
    /// [`Error::LengthMismatch`] unless there is one covariate row per customer.
    pub fn with_covariates(mut self, covariates: &'a Covariates) -> Result<Self> {
        if covariates.len() != self.len() {
            return Err(length_mismatch(
                "summary customers",
                self.len(),
                "covariate rows",
                covariates.len(),
            ));
        }
        self.covariates = Some(covariates);
        Ok(self)
    }

    /// The same batch, its recency and T declared to be in periods of `period`.
    pub fn with_period(mut self, period: Period) -> Self {
        self.period = Some(period);
        self
    }

    /// Number of customers (rows).
    pub fn len(&self) -> usize {
        self.frequency.len()
    }

    /// True when there are no customers.
    pub fn is_empty(&self) -> bool {
        self.frequency.is_empty()
    }

    /// Repeat purchases per customer.
    pub fn frequency(&self) -> &'a [f64] {
        self.frequency
    }

    /// Age at the last purchase, in periods since the first purchase.
    pub fn recency(&self) -> &'a [f64] {
        self.recency
    }

    /// Age at the end of observation (`T`), in periods since the first purchase.
    pub fn t(&self) -> &'a [f64] {
        self.t
    }

    /// Row weights (customers per row), when given.
    pub fn weights(&self) -> Option<&'a [f64]> {
        self.weights
    }

    /// Covariate rows, when given.
    pub fn covariates(&self) -> Option<&'a Covariates> {
        self.covariates
    }

    /// The time unit of recency and T, when known (always when built from a summary that
    /// knows its period).
    pub fn period(&self) -> Option<Period> {
        self.period
    }

    /// Points an error about row `i` of this batch at the input: the summary's file line and
    /// customer when the batch comes from an [`RfmSummary`] ([`RfmSummary::locate`]), the
    /// error unchanged otherwise.
    pub fn locate(&self, e: Error) -> Error {
        match self.summary {
            Some(s) => s.locate(e),
            None => e,
        }
    }
}

impl<'a> From<&'a RfmSummary> for CustomerBatch<'a> {
    /// The summary's customers, with its weights and period; no row is checked again (the
    /// summary was checked when it was built).
    fn from(s: &'a RfmSummary) -> Self {
        Self {
            frequency: s.frequency(),
            recency: s.recency(),
            t: s.t(),
            weights: s.weights(),
            covariates: None,
            period: s.period(),
            summary: Some(s),
        }
    }
}

impl<'a> From<&'a CompressedSummary> for CustomerBatch<'a> {
    /// The distinct rows of a compressed summary, weighted by their counts; no row is checked
    /// again.
    fn from(s: &'a CompressedSummary) -> Self {
        Self {
            frequency: s.frequency(),
            recency: s.recency(),
            t: s.t(),
            weights: Some(s.weight()),
            covariates: None,
            period: None,
            summary: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_columns_are_checked_once_and_named() {
        let e = CustomerBatch::new(&[1.0, 1.0], &[1.0, 3.0], &[2.0, 2.0]).unwrap_err();
        assert!(
            matches!(&e, Error::InvalidField { line: 2, column, .. } if column == "recency"),
            "{e}"
        );
        let e = CustomerBatch::new(&[f64::NAN], &[0.0], &[1.0]).unwrap_err();
        assert!(matches!(&e, Error::InvalidField { line: 1, column, .. } if column == "frequency"));
        let e = CustomerBatch::new(&[1.0, 2.0], &[1.0], &[2.0, 2.0]).unwrap_err();
        assert!(matches!(e, Error::LengthMismatch { .. }));
        let b = CustomerBatch::new(&[1.0], &[1.0], &[2.0]).unwrap();
        assert!(b.with_weights(&[0.0]).is_err());
        assert!(b.with_weights(&[1.0, 2.0]).is_err());
        assert_eq!(b.with_weights(&[2.0]).unwrap().weights(), Some(&[2.0][..]));
        assert_eq!(b.period(), None);
        assert_eq!(b.with_period(Period::Week).period(), Some(Period::Week));
    }

    #[test]
    fn a_summary_batch_carries_its_period_and_weights() {
        let s = RfmSummary::new(
            vec!["a".into(), "b".into()],
            vec![2.0, 0.0],
            vec![3.0, 0.0],
            vec![5.0, 5.0],
            None,
            Some(vec![1.0, 4.0]),
        )
        .unwrap()
        .with_period(Period::Day);
        let b = CustomerBatch::from(&s);
        assert_eq!((b.len(), b.period()), (2, Some(Period::Day)));
        assert_eq!(b.weights(), Some(&[1.0, 4.0][..]));
        let c = s.compress();
        let b = CustomerBatch::from(&c);
        assert_eq!(b.weights().map(|w| w.iter().sum::<f64>()), Some(5.0));
    }

    /// Fitting takes the per-customer summary and compresses inside: the same fit, bit for bit,
    /// as on the compressed summary.
    #[test]
    fn fit_takes_the_summary_and_compresses_inside() {
        let s = crate::datasets::cdnow_summary().unwrap();
        let opts = crate::fit::FitOptions::default();
        let a = crate::models::bgnbd::BgNbd::fit(&s, &opts).unwrap();
        let b = crate::models::bgnbd::BgNbd::fit(&s.compress(), &opts).unwrap();
        assert_eq!(a, b);
    }
}
