//! # Gamma-Gamma: the spend-per-transaction model
//!
//! Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). "RFM and CLV: using iso-value curves
//! for customer base analysis". *Journal of Marketing Research* 42(4), 415–430.
//! <https://doi.org/10.1509/jmkr.2005.42.4.415>; Hardie's note "The Gamma-Gamma model of
//! monetary value" (2013, brucehardie.com note 025).
//!
//! ## The story
//!
//! The value of each of a customer's transactions is `z_j ~ Gamma(shape p, rate ν)`, so the
//! customer's mean spend is `p/ν`. Customers differ: `ν ~ Gamma(shape q, rate v)`. For a
//! customer with `x` repeat transactions of mean value `m`, the mean `m` (not the individual
//! values) is all the model needs: `x m ~ Gamma(p x, ν)`.
//!
//! **Assumption:** spend is independent of the transaction process — the model is combined
//! with BG/NBD or Pareto/NBD by multiplying expectations. Check it: [`SpendData`] reports the
//! Pearson correlation between frequency and mean spend, and
//! [`SpendData::independence_warning`] says when it is strong.
//!
//! ## Data and units
//!
//! Repeat customers only (`frequency > 0`): `x` = number of repeat transactions, `m` = their
//! mean value (> 0, in your currency). `v` is in currency units, `p` and `q` are unitless.
//!
//! ## Likelihood (Hardie's note, eq. 1a)
//!
//! ```text
//! f(m | p, q, v, x) = Γ(px+q) / (Γ(px) Γ(q)) · v^q m^{px−1} x^{px} / (v + m x)^{px+q}
//! ```
//!
//! maximised with an analytic gradient on log-parameters ([`crate::fit`]).
//!
//! ## Predictions
//!
//! * [`GammaGamma::conditional_expected_average_value`] (note eq. 5):
//!   `E[Z | p, q, v, x, m] = p (v + m x) / (p x + q − 1)`, a weighted average of the population
//!   mean and the customer's own mean `m` with weight `p x / (p x + q − 1)` on `m`; for
//!   `x = 0` it is the population mean. lifetimes calls it
//!   `conditional_expected_average_profit`.
//! * [`GammaGamma::population_mean_spend`]: `E[Z] = p v / (q − 1)` (finite for `q > 1`).
//! * On a fitted model, [`Fitted::conditional_expected_average_values_with_variance`]: the
//!   same with its delta-method variance from the parameter covariance (for CLV intervals).
//!
//! ## Example
//!
//! ```
//! use ltv::datasets;
//! use ltv::fit::FitOptions;
//! use ltv::models::gamma_gamma::{GammaGamma, SpendData};
//!
//! let summary = datasets::cdnow_summary_with_transactions()?;
//! let data = SpendData::from_summary(&summary)?; // the 946 repeat customers
//! assert!(data.independence_warning().is_none()); // correlation 0.11: weak
//! let fitted = GammaGamma::fit(&data, &FitOptions::default())?;
//! // customer 1: 2 repeat purchases averaging $22.35
//! let value = fitted.conditional_expected_average_value(2.0, 22.35)?;
//! assert!((value - 24.66).abs() < 0.01);
//! # Ok::<(), ltv::Error>(())
//! ```

pub(crate) mod likelihood;
#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::fit::{maximize, FitOptions};
use crate::models::fitted::{check_positive_parameters, Fitted, ModelParameters};
use crate::summary::RfmSummary;

pub(crate) use likelihood::GammaGammaLikelihood;

/// Absolute Pearson correlation between frequency and mean spend above which
/// [`SpendData::independence_warning`] warns (a "moderate" correlation by the usual
/// convention; lifetimes' documentation proceeds with CDNOW's 0.11).
pub const CORRELATION_WARNING: f64 = 0.3;

/// A Gamma-Gamma model with known parameters `p`, `q`, `v` (all > 0), which predicts.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "GammaGammaRecord", into = "GammaGammaRecord")]
pub struct GammaGamma {
    p: f64,
    q: f64,
    v: f64,
}

#[derive(Serialize, Deserialize)]
struct GammaGammaRecord {
    p: f64,
    q: f64,
    v: f64,
}

impl TryFrom<GammaGammaRecord> for GammaGamma {
    type Error = Error;
    fn try_from(r: GammaGammaRecord) -> Result<Self> {
        GammaGamma::new(r.p, r.q, r.v)
    }
}

impl From<GammaGamma> for GammaGammaRecord {
    fn from(m: GammaGamma) -> Self {
        GammaGammaRecord {
            p: m.p,
            q: m.q,
            v: m.v,
        }
    }
}

/// A Gamma-Gamma model estimated from data, with its fit record (covariance, standard
/// errors).
pub type FittedGammaGamma = Fitted<GammaGamma>;

/// The scale-relative convergence criterion of [`GammaGamma::fit`]: the Newton decrement
/// `λ = √(∇ᵀ Σ ∇)`, the remaining Newton step in standard errors, must be below this. At
/// 1e-3 the estimates are a thousandth of a standard error from the maximum and the
/// log-likelihood within 5e-7 of it.
pub const NEWTON_DECREMENT_TOLERANCE: f64 = 1e-3;

/// The largest gradient norm (per-customer objective, log-parameters) the scale-relative
/// criterion accepts: a fit further from stationarity is not converged whatever its Newton
/// decrement (a flat ridge can make the decrement small far from a maximum).
pub const RELATIVE_GRADIENT_CAP: f64 = 1e-5;

/// The scale-relative criterion: gradient norm at most [`RELATIVE_GRADIENT_CAP`] and Newton
/// decrement `lambda` at most [`NEWTON_DECREMENT_TOLERANCE`] (both finite).
pub fn scale_relative_converged(gradient_norm: f64, lambda: f64) -> bool {
    gradient_norm <= RELATIVE_GRADIENT_CAP && lambda <= NEWTON_DECREMENT_TOLERANCE
}

/// `√(∇ᵀ Σ ∇)` at the fit's estimates, with ∇ the gradient of the penalised log-likelihood
/// in natural parameters and Σ the fit's covariance (inverse observed information); `None`
/// without a covariance or when the gradient cannot be evaluated.
fn newton_decrement(
    l: &GammaGammaLikelihood<'_>,
    fit: &crate::fit::Fit,
    penalty: f64,
) -> Option<f64> {
    use crate::fit::Likelihood;
    let cov = fit.covariance.as_ref()?;
    let k = fit.params.len();
    let mut g = vec![0.0; k];
    l.log_likelihood(&fit.params, Some(&mut g)).ok()?;
    for (gk, pk) in g.iter_mut().zip(&fit.params) {
        *gk -= 2.0 * penalty * pk;
    }
    let mut q = 0.0;
    for i in 0..k {
        for j in 0..k {
            q += g[i] * cov[i * k + j] * g[j];
        }
    }
    (q.is_finite() && q >= 0.0).then(|| q.sqrt())
}

/// The spend data of repeat customers: frequency `x > 0`, mean repeat spend `m > 0`, weight.
///
/// Built once (checked, with the 1-based row of the input in errors) and fitted on; it also
/// reports the frequency–spend correlation, which the model assumes to be zero.
#[derive(Debug, Clone, PartialEq)]
pub struct SpendData {
    frequency: Vec<f64>,
    monetary_value: Vec<f64>,
    weight: Vec<f64>,
    total_weight: f64,
}

impl SpendData {
    /// Spend data from columns of **repeat customers**: every `frequency` finite and > 0,
    /// every `monetary_value` finite and > 0, weights (optional) finite and > 0.
    ///
    /// # Errors
    /// [`Error::LengthMismatch`], [`Error::EmptyInput`], or [`Error::InvalidField`] naming the
    /// row (from 1) and the rule — zero or negative spend is an error, not a NaN later.
    ///
    /// ```
    /// use ltv::models::gamma_gamma::SpendData;
    /// assert!(SpendData::new(&[2.0, 1.0], &[22.35, 11.77], None).is_ok());
    /// assert!(SpendData::new(&[2.0, 1.0], &[22.35, 0.0], None).is_err());
    /// ```
    pub fn new(frequency: &[f64], monetary_value: &[f64], weights: Option<&[f64]>) -> Result<Self> {
        let n = frequency.len();
        let mut lens = vec![("monetary_value", monetary_value.len())];
        if let Some(w) = weights {
            lens.push(("weights", w.len()));
        }
        for (name, len) in lens {
            if len != n {
                return Err(Error::LengthMismatch {
                    left: "frequency".into(),
                    left_len: n,
                    right: name.into(),
                    right_len: len,
                });
            }
        }
        if n == 0 {
            return Err(Error::EmptyInput {
                what: "gamma-gamma: no repeat customers (frequency > 0) to fit on".into(),
            });
        }
        for i in 0..n {
            let row = i as u64 + 1;
            let (x, m) = (frequency[i], monetary_value[i]);
            if !(x.is_finite() && x > 0.0) {
                return Err(Error::invalid_field(
                    row,
                    "frequency",
                    x.to_string(),
                    "the Gamma-Gamma model is fitted on repeat customers: frequency must be > 0",
                ));
            }
            check_spend(row, m)?;
            if let Some(w) = weights {
                if !(w[i].is_finite() && w[i] > 0.0) {
                    return Err(Error::invalid_field(
                        row,
                        "weights",
                        w[i].to_string(),
                        "must be finite and > 0",
                    ));
                }
            }
        }
        let weight = weights.map_or_else(|| vec![1.0; n], <[f64]>::to_vec);
        Ok(Self {
            frequency: frequency.to_vec(),
            monetary_value: monetary_value.to_vec(),
            total_weight: weight.iter().sum(),
            weight,
        })
    }

    /// The repeat customers (frequency > 0) of an RFM summary with a monetary value column.
    /// Customers with frequency 0 are left out (their monetary value is 0 by convention).
    ///
    /// # Errors
    /// [`Error::EmptyInput`] when the summary has no monetary value or no repeat customer;
    /// [`Error::InvalidField`] (row of the summary, from 1) for a repeat customer whose
    /// monetary value is not > 0.
    pub fn from_summary(summary: &RfmSummary) -> Result<Self> {
        let m = summary.monetary_value().ok_or_else(|| Error::EmptyInput {
            what: "gamma-gamma: the summary has no monetary_value column".into(),
        })?;
        let (mut xs, mut ms, mut ws) = (vec![], vec![], vec![]);
        for (i, (&x, &mi)) in summary.frequency().iter().zip(m).enumerate() {
            if x > 0.0 {
                check_spend(i as u64 + 1, mi)?;
                xs.push(x);
                ms.push(mi);
                ws.push(summary.weight(i));
            }
        }
        Self::new(&xs, &ms, Some(&ws))
    }

    /// Number of rows (repeat customers, or patterns when weighted).
    pub fn len(&self) -> usize {
        self.frequency.len()
    }

    /// True when there are no rows (never, for data built by the constructors).
    pub fn is_empty(&self) -> bool {
        self.frequency.is_empty()
    }

    /// Frequencies (repeat transactions).
    pub fn frequency(&self) -> &[f64] {
        &self.frequency
    }

    /// Mean repeat spend per customer.
    pub fn monetary_value(&self) -> &[f64] {
        &self.monetary_value
    }

    /// Total weight (number of customers).
    pub fn total_weight(&self) -> f64 {
        self.total_weight
    }

    /// Weighted Pearson correlation between frequency and mean spend; `None` when either
    /// column is constant (the correlation is undefined).
    ///
    /// The model assumes the two are independent; on CDNOW it is 0.11.
    pub fn frequency_spend_correlation(&self) -> Option<f64> {
        let w = &self.weight;
        let tw = self.total_weight;
        let mean = |v: &[f64]| v.iter().zip(w).map(|(a, b)| a * b).sum::<f64>() / tw;
        let (mx, mm) = (mean(&self.frequency), mean(&self.monetary_value));
        let (mut sxx, mut smm, mut sxm) = (0.0, 0.0, 0.0);
        for ((x, m), wi) in self.frequency.iter().zip(&self.monetary_value).zip(w) {
            let (dx, dm) = (x - mx, m - mm);
            sxx += wi * dx * dx;
            smm += wi * dm * dm;
            sxm += wi * dx * dm;
        }
        let r = sxm / (sxx * smm).sqrt();
        r.is_finite().then_some(r)
    }

    /// A warning when `|correlation| > 0.3` ([`CORRELATION_WARNING`]): the Gamma-Gamma model
    /// assumes spend independent of frequency, and combining it with a transaction model then
    /// misstates CLV. `None` when the correlation is weak (or undefined).
    pub fn independence_warning(&self) -> Option<String> {
        let r = self.frequency_spend_correlation()?;
        (r.abs() > CORRELATION_WARNING).then(|| {
            format!(
                "frequency and mean spend are correlated (Pearson {r:.3}, |r| > \
                 {CORRELATION_WARNING}); the Gamma-Gamma model assumes they are independent"
            )
        })
    }
}

fn check_spend(row: u64, m: f64) -> Result<()> {
    if !(m.is_finite() && m > 0.0) {
        return Err(Error::invalid_field(
            row,
            "monetary_value",
            m.to_string(),
            "the mean spend of a repeat customer must be finite and > 0 (the Gamma-Gamma \
             model has no zero or negative spends)",
        ));
    }
    Ok(())
}

impl GammaGamma {
    /// A model with the given parameters: `p` (shape of each transaction's value), `q`
    /// (shape) and `v` (rate, in currency units) of the gamma distribution of `ν`.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] unless every parameter is finite and > 0.
    pub fn new(p: f64, q: f64, v: f64) -> Result<Self> {
        check_positive_parameters(Self::PARAMETER_NAMES, &[p, q, v])?;
        Ok(Self { p, q, v })
    }

    /// Shape `p` of the gamma distribution of a transaction's value.
    pub fn p(&self) -> f64 {
        self.p
    }

    /// Shape `q` of the gamma distribution of `ν`.
    pub fn q(&self) -> f64 {
        self.q
    }

    /// Rate `v` (currency units) of the gamma distribution of `ν`.
    pub fn v(&self) -> f64 {
        self.v
    }

    /// Estimates the model by maximum likelihood ([`crate::fit`]; the penalizer has
    /// lifetimes' `penalizer_coef` meaning). Check [`SpendData::independence_warning`] first.
    ///
    /// # Errors
    /// [`Error::NotConverged`] and the other errors of the optimizer.
    ///
    /// # Convergence
    /// A fit has converged when the gradient norm of the per-customer objective is below
    /// `options.tolerance`, **or**, relative to the problem's scale, when the remaining Newton
    /// step `δ = Σ·∇` (∇ the gradient of the penalised log-likelihood, Σ its inverse observed
    /// information) is below [`NEWTON_DECREMENT_TOLERANCE`] standard errors in the Mahalanobis
    /// norm, `λ = √(∇ᵀ Σ ∇)` (the Newton decrement; the log-likelihood then lies within `λ²/2`
    /// of its maximum), with the gradient norm below [`RELATIVE_GRADIENT_CAP`]. Gamma-Gamma's
    /// per-customer objective is steep in `q` and `v` when spend is large and regular, so a
    /// fit at its optimum can stall at a gradient norm of ~1e-7 (2 of 440 well-specified
    /// simulated data sets did, while lifetimes accepted both). The termination text says
    /// which criterion held.
    pub fn fit(data: &SpendData, options: &FitOptions) -> Result<FittedGammaGamma> {
        let l = GammaGammaLikelihood::new(data);
        let relaxed = FitOptions {
            require_convergence: false,
            ..options.clone()
        };
        let mut fit = maximize(&l, &relaxed)?;
        if !fit.convergence.converged {
            let penalty = options.penalizer * crate::fit::Likelihood::penalty_scale(&l);
            if let Some(lambda) = newton_decrement(&l, &fit, penalty) {
                if scale_relative_converged(fit.convergence.gradient_norm, lambda) {
                    fit.convergence.converged = true;
                    fit.convergence.termination = format!(
                        "{}; converged relative to the problem's scale: the remaining Newton step is {lambda:.1e} standard errors (gradient norm {:.1e})",
                        fit.convergence.termination, fit.convergence.gradient_norm
                    );
                }
            }
        }
        if !fit.convergence.converged && options.require_convergence {
            let last: Vec<String> = fit
                .names
                .iter()
                .zip(&fit.params)
                .map(|(n, v)| format!("{n}={v:.6e}"))
                .collect();
            return Err(Error::NotConverged {
                model: fit.model.clone(),
                iterations: fit.convergence.iterations,
                gradient_norm: fit.convergence.gradient_norm,
                reason: format!(
                    "{}; last parameters {} (a parameter running to 0 or infinity means the data do not identify it; a penalizer may help)",
                    fit.convergence.termination,
                    last.join(", ")
                ),
            });
        }
        Fitted::from_fit(fit)
    }

    /// Log-likelihood of the data at these parameters (weighted sum over customers).
    ///
    /// # Errors
    /// [`Error::Numerical`] if it is not finite.
    pub fn log_likelihood(&self, data: &SpendData) -> Result<f64> {
        use crate::fit::Likelihood;
        GammaGammaLikelihood::new(data).log_likelihood(&self.to_parameters(), None)
    }

    /// Mean spend per transaction in the population, `E[Z] = p v / (q − 1)`.
    ///
    /// # Errors
    /// [`Error::Numerical`] when `q ≤ 1` (the mean is infinite).
    pub fn population_mean_spend(&self) -> Result<f64> {
        if !(self.q.is_finite() && self.q > 1.0) {
            return Err(Error::numerical(
                "Gamma-Gamma population mean spend",
                format!("infinite for q = {} <= 1", self.q),
            ));
        }
        Ok(self.p * self.v / (self.q - 1.0))
    }

    /// Expected spend per transaction of a customer with `frequency` repeat transactions of
    /// mean value `monetary_value` (Hardie's note eq. 5):
    ///
    /// ```text
    /// E[Z | p, q, v, x, m] = p (v + m x) / (p x + q − 1)
    ///                      = (q−1)/(px+q−1) · p v/(q−1) + p x/(px+q−1) · m
    /// ```
    ///
    /// For `frequency = 0` this is the population mean ([`GammaGamma::population_mean_spend`])
    /// whatever `monetary_value` is (it must still be finite and ≥ 0).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for a frequency that is negative or not finite, or a
    /// monetary value that is not finite, negative, or 0 with `frequency > 0`;
    /// [`Error::Numerical`] when `p x + q ≤ 1` (infinite expectation).
    ///
    /// ```
    /// let m = ltv::models::gamma_gamma::GammaGamma::new(6.2488, 3.7446, 15.4477)?;
    /// assert!((m.conditional_expected_average_value(2.0, 22.35)? - 24.66).abs() < 0.01);
    /// assert!((m.conditional_expected_average_value(0.0, 0.0)? - 35.17).abs() < 0.01);
    /// # Ok::<(), ltv::Error>(())
    /// ```
    pub fn conditional_expected_average_value(
        &self,
        frequency: f64,
        monetary_value: f64,
    ) -> Result<f64> {
        let (x, m) = (frequency, monetary_value);
        check_customer(x, m)?;
        let denom = self.p * x + self.q - 1.0;
        if !(denom.is_finite() && denom > 0.0) {
            return Err(Error::numerical(
                "Gamma-Gamma conditional expected average value",
                format!("infinite for p x + q = {} <= 1 (x = {x})", denom + 1.0),
            ));
        }
        Ok(self.p * (self.v + m * x) / denom)
    }

    /// Vectorised [`GammaGamma::conditional_expected_average_value`].
    ///
    /// # Errors
    /// [`Error::LengthMismatch`]; [`Error::InvalidField`] with the 1-based row for a bad
    /// customer; [`Error::Numerical`] as the scalar method.
    pub fn conditional_expected_average_values(
        &self,
        frequency: &[f64],
        monetary_value: &[f64],
    ) -> Result<Vec<f64>> {
        check_pairs(frequency, monetary_value)?;
        frequency
            .iter()
            .zip(monetary_value)
            .map(|(&x, &m)| self.conditional_expected_average_value(x, m))
            .collect()
    }

    /// `∂E/∂(p, q, v)` of the conditional expected average value (inputs already checked):
    /// with `D = p x + q − 1`, `∂E/∂p = (v + m x)(q − 1)/D²`, `∂E/∂q = −p (v + m x)/D²`,
    /// `∂E/∂v = p/D`.
    fn value_gradient(&self, x: f64, m: f64) -> [f64; 3] {
        expected_average_value_and_gradient(self.p, self.q, self.v, x, m).1
    }
}

/// The conditional expected average value `E(Z | x, m) = p (v + m x) / (p x + q − 1)` and its
/// gradient in `(p, q, v)` (with `D = p x + q − 1`: `(v + m x)(q − 1)/D²`, `−p (v + m x)/D²`,
/// `p/D`), unchecked: the one copy of the formula, for callers that have checked their inputs
/// (the campaign report's models).
pub(crate) fn expected_average_value_and_gradient(
    p: f64,
    q: f64,
    v: f64,
    x: f64,
    m: f64,
) -> (f64, [f64; 3]) {
    let d = p * x + q - 1.0;
    let s = v + m * x;
    (
        p * s / d,
        [s * (q - 1.0) / (d * d), -p * s / (d * d), p / d],
    )
}

fn check_customer(x: f64, m: f64) -> Result<()> {
    if !(x.is_finite() && x >= 0.0) {
        return Err(Error::invalid_parameter(
            "frequency",
            x,
            "must be finite and >= 0",
        ));
    }
    if !(m.is_finite() && m >= 0.0) {
        return Err(Error::invalid_parameter(
            "monetary_value",
            m,
            "must be finite and >= 0",
        ));
    }
    if x > 0.0 && m <= 0.0 {
        return Err(Error::invalid_parameter(
            "monetary_value",
            m,
            "must be > 0 for a repeat customer (frequency > 0)",
        ));
    }
    Ok(())
}

/// Equal lengths and valid customers, with the 1-based row in errors.
fn check_pairs(frequency: &[f64], monetary_value: &[f64]) -> Result<()> {
    if frequency.len() != monetary_value.len() {
        return Err(Error::LengthMismatch {
            left: "frequency".into(),
            left_len: frequency.len(),
            right: "monetary_value".into(),
            right_len: monetary_value.len(),
        });
    }
    for (i, (&x, &m)) in frequency.iter().zip(monetary_value).enumerate() {
        if let Err(Error::InvalidParameter { name, value, rule }) = check_customer(x, m) {
            return Err(Error::invalid_field(
                i as u64 + 1,
                name,
                value.to_string(),
                rule,
            ));
        }
    }
    Ok(())
}

impl Fitted<GammaGamma> {
    /// [`GammaGamma::conditional_expected_average_value`] of the fitted model.
    ///
    /// # Errors
    /// As [`GammaGamma::conditional_expected_average_value`].
    pub fn conditional_expected_average_value(
        &self,
        frequency: f64,
        monetary_value: f64,
    ) -> Result<f64> {
        self.model()
            .conditional_expected_average_value(frequency, monetary_value)
    }

    /// [`GammaGamma::conditional_expected_average_values`] of the fitted model.
    ///
    /// # Errors
    /// As [`GammaGamma::conditional_expected_average_values`].
    pub fn conditional_expected_average_values(
        &self,
        frequency: &[f64],
        monetary_value: &[f64],
    ) -> Result<Vec<f64>> {
        self.model()
            .conditional_expected_average_values(frequency, monetary_value)
    }

    /// Conditional expected average values with their variances from the uncertainty of the
    /// estimates (delta method): `Var(E_i) ≈ ∇E_i' Σ ∇E_i` with `Σ` the covariance of
    /// `(p, q, v)` and the analytic gradient `∇E_i`. Returns `(values, variances)`; this is
    /// what CLV intervals take as the spend model's contribution.
    ///
    /// # Errors
    /// As [`GammaGamma::conditional_expected_average_values`];
    /// [`Error::SingularInformation`] when the fit has no covariance.
    pub fn conditional_expected_average_values_with_variance(
        &self,
        frequency: &[f64],
        monetary_value: &[f64],
    ) -> Result<(Vec<f64>, Vec<f64>)> {
        let values = self.conditional_expected_average_values(frequency, monetary_value)?;
        let cov = self.fit().covariance()?;
        let variances = frequency
            .iter()
            .zip(monetary_value)
            .map(|(&x, &m)| {
                let g = self.model().value_gradient(x, m);
                let mut var = 0.0;
                for a in 0..3 {
                    for b in 0..3 {
                        var += g[a] * cov[(a, b)] * g[b];
                    }
                }
                var.max(0.0)
            })
            .collect();
        Ok((values, variances))
    }

    /// [`GammaGamma::population_mean_spend`] of the fitted model.
    ///
    /// # Errors
    /// As [`GammaGamma::population_mean_spend`].
    pub fn population_mean_spend(&self) -> Result<f64> {
        self.model().population_mean_spend()
    }
}

impl ModelParameters for GammaGamma {
    const NAME: &'static str = "gamma-gamma";
    const PARAMETER_NAMES: &'static [&'static str] = &["p", "q", "v"];

    fn from_parameters(p: &[f64]) -> Result<Self> {
        check_positive_parameters(Self::PARAMETER_NAMES, p)?;
        Self::new(p[0], p[1], p[2])
    }

    fn to_parameters(&self) -> Vec<f64> {
        vec![self.p, self.q, self.v]
    }
}
