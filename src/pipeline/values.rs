//! Per-customer values from a fitted transaction model and Gamma-Gamma: what
//! [`Pipeline::value`](crate::Pipeline::value), `ltv pipeline` and `ltv clv` compute.

use crate::error::{Error, Result};
use crate::models::gamma_gamma::FittedGammaGamma;
use crate::models::{CustomerBatch, SavedModel};
use crate::summary::RfmSummary;
use crate::value::{customer_lifetime_value, customer_lifetime_value_with_intervals, ClvSettings};

/// The (frequency, mean spend) pairs the spend model is fitted on and predicts from.
///
/// With `exclude`, repeat customers whose mean spend is not > 0 become (0, 0) — a customer
/// without repeat purchases, whom Gamma-Gamma values at the population mean — and are counted
/// in [`SpendHistory::excluded`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct SpendHistory {
    /// Repeat purchases per customer (0 for excluded customers).
    pub frequency: Vec<f64>,
    /// Mean repeat spend per customer (0 for excluded customers).
    pub monetary_value: Vec<f64>,
    /// How many repeat customers were excluded.
    pub excluded: usize,
}

impl SpendHistory {
    /// The spend history of `summary`'s customers.
    ///
    /// Without `exclude` the spends are kept as they are: the Gamma-Gamma fit and predictions
    /// refuse a repeat customer whose mean spend is not finite and > 0.
    ///
    /// # Errors
    /// [`Error::MissingColumn`] when the summary has no monetary value.
    pub fn new(summary: &RfmSummary, exclude: bool) -> Result<Self> {
        let monetary = summary
            .monetary_value()
            .ok_or_else(|| Error::MissingColumn {
                column: "monetary_value".into(),
                found: "(the summary has no amounts)".into(),
            })?;
        let (mut frequency, mut monetary_value) = (summary.frequency().to_vec(), monetary.to_vec());
        let mut excluded = 0;
        if exclude {
            for i in 0..frequency.len() {
                let m = monetary_value[i];
                if frequency[i] > 0.0 && !(m > 0.0 && m.is_finite()) {
                    frequency[i] = 0.0;
                    monetary_value[i] = 0.0;
                    excluded += 1;
                }
            }
        }
        Ok(Self {
            frequency,
            monetary_value,
            excluded,
        })
    }
}

/// Each customer's value over the horizon, in the summary's row order.
#[derive(Debug)]
#[non_exhaustive]
pub struct CustomerValues {
    /// P(alive) at the end of observation.
    pub p_alive: Vec<f64>,
    /// Conditional expected number of purchases over the horizon (the months converted with
    /// the summary's [`Period::periods_per_month`](crate::Period::periods_per_month)).
    pub expected_purchases: Vec<f64>,
    /// Gamma-Gamma conditional expected value per purchase (the population mean for customers
    /// without repeat purchases).
    pub expected_average_value: Vec<f64>,
    /// CLV: lifetimes' monthly discounted sum ([`crate::value::clv`]).
    pub clv: Vec<f64>,
    /// Lower delta-method bounds of the CLV, when asked for and available.
    pub clv_lower: Option<Vec<f64>>,
    /// Upper delta-method bounds of the CLV, when asked for and available.
    pub clv_upper: Option<Vec<f64>>,
    /// Why the bounds were asked for but could not be computed (a model without a covariance
    /// or without parameter derivatives, such as BG/BB).
    pub no_intervals: Option<Error>,
}

impl CustomerValues {
    /// P(alive), expected purchases, expected spend and CLV of `summary`'s customers, with
    /// bounds at `level` when it is given and both models carry a covariance and the
    /// transaction model has parameter derivatives (otherwise the reason is in
    /// [`CustomerValues::no_intervals`]).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for a level outside (0, 1) or a horizon over
    /// [`Months::MAX`](crate::value::Months::MAX); [`Error::ModelFormat`] when `transactions`
    /// is not a transaction model; prediction errors, located at the summary's line.
    pub fn compute(
        transactions: &SavedModel,
        spend: &FittedGammaGamma,
        settings: &ClvSettings,
        summary: &RfmSummary,
        history: &SpendHistory,
        level: Option<f64>,
    ) -> Result<Self> {
        let horizon = f64::from(settings.horizon.get()) * settings.period.periods_per_month();
        let model = transactions.as_transaction_model()?;
        let (expected_purchases, p_alive) = model
            .expected_purchases_and_alive(horizon, &CustomerBatch::from(summary))
            .map_err(|e| summary.locate(e))?;
        let c = ClvColumns::compute(transactions, spend, settings, summary, history, level)?;
        Ok(Self {
            p_alive,
            expected_purchases,
            expected_average_value: c.value,
            clv: c.clv,
            clv_lower: c.bounds.as_ref().map(|b| b.0.clone()),
            clv_upper: c.bounds.map(|b| b.1),
            no_intervals: c.no_intervals,
        })
    }
}

/// CLV and what goes with it, without P(alive) and expected purchases (what `ltv clv`
/// writes).
#[derive(Debug)]
#[non_exhaustive]
pub struct ClvColumns {
    /// Gamma-Gamma conditional expected value per purchase of each customer.
    pub value: Vec<f64>,
    /// CLV of each customer.
    pub clv: Vec<f64>,
    /// Delta-method (lower, upper) bounds, when asked for and available.
    pub bounds: Option<(Vec<f64>, Vec<f64>)>,
    /// Why the bounds were asked for but could not be computed.
    pub no_intervals: Option<Error>,
}

impl ClvColumns {
    /// CLV of `summary`'s customers with the spend model fed `history`, and bounds at `level`
    /// as [`CustomerValues::compute`] has them.
    ///
    /// # Errors
    /// As [`CustomerValues::compute`].
    pub fn compute(
        transactions: &SavedModel,
        spend: &FittedGammaGamma,
        settings: &ClvSettings,
        summary: &RfmSummary,
        history: &SpendHistory,
        level: Option<f64>,
    ) -> Result<Self> {
        let model = transactions.as_transaction_model()?;
        let customers = CustomerBatch::from(summary);
        let (spend_x, spend_m) = (&history.frequency, &history.monetary_value);
        let mut no_intervals = None;
        let gradient_model = match level {
            None => None,
            Some(_) => match (
                transactions.as_fitted_gradient(),
                model.covariance(),
                spend.fit().covariance(),
            ) {
                (Ok(m), Ok(_), Ok(_)) => Some(m),
                (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => {
                    no_intervals = Some(e);
                    None
                }
            },
        };
        let located = |e| summary.locate(e);
        match (gradient_model, level) {
            (Some(gradient_model), Some(level)) => {
                let (value, variance) = spend
                    .conditional_expected_average_values_with_variance(spend_x, spend_m)
                    .map_err(located)?;
                let c = customer_lifetime_value_with_intervals(
                    gradient_model,
                    settings,
                    &customers,
                    &value,
                    Some(&variance),
                    level,
                )
                .map_err(located)?;
                Ok(Self {
                    value,
                    clv: c.clv,
                    bounds: Some((c.lower, c.upper)),
                    no_intervals,
                })
            }
            _ => {
                if let Some(level) = level {
                    if !(level > 0.0 && level < 1.0) {
                        return Err(Error::invalid_parameter(
                            "confidence level",
                            level,
                            "must be in (0, 1), e.g. 0.95",
                        ));
                    }
                }
                let value = spend
                    .conditional_expected_average_values(spend_x, spend_m)
                    .map_err(located)?;
                let clv = customer_lifetime_value(model, settings, &customers, &value)
                    .map_err(located)?;
                Ok(Self {
                    value,
                    clv,
                    bounds: None,
                    no_intervals,
                })
            }
        }
    }
}
