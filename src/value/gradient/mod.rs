//! Analytic derivatives of the conditional expected purchases with respect to the model's
//! parameters, for delta-method CLV intervals ([`crate::value::interval`]).
//!
//! # What is differentiated
//!
//! For a customer with history `(x, t_x, T)` (periods) and a horizon `t`, the conditional
//! expectation of every continuous-time model factors as
//!
//! ```text
//! E(t | θ) = N(t | θ, x, T) · P(alive | θ, x, t_x, T),
//! ∂E/∂θ_j  = ∂N/∂θ_j · P(alive) + N · ∂P(alive)/∂θ_j ,
//! ```
//!
//! with `N` the expected purchases of a customer alive at `T`. The derivatives are written
//! per model:
//!
//! * BG/NBD and MBG/NBD ([`beta_geometric`]): `P(alive)` is a logistic function of
//!   `ln odds`, differentiated in closed form; `N` involves a Gauss hypergeometric function,
//!   whose parameter derivatives are obtained by differentiating its power series term by
//!   term (forward mode, exact up to rounding) — see that module for the one regime
//!   (`t/(α+T+t) > 0.9`) where a documented high-order finite difference of that scalar
//!   special function is used instead;
//! * Pareto/NBD ([`pareto_nbd`]): `N` is elementary; `∂ ln P(alive)` is the closed-form
//!   gradient of the alive term minus the analytic log-likelihood gradient the fit uses.
//!
//! Every derivative is checked against central finite differences of the model's own
//! predictions (rebuilt through [`TransactionModel::with_parameters`](crate::models::TransactionModel::with_parameters)) in this module's
//! tests, over histories with frequency 0 and large frequencies and over short and long
//! horizons.

pub mod beta_geometric;
pub mod pareto_nbd;
#[cfg(test)]
mod tests;

use crate::error::{Error, Result};

pub use crate::models::PurchasesGradient;

/// Checks the buffer lengths of a path gradient for `k` parameters.
pub(crate) fn check_buffers(
    horizons: &[f64],
    values: &[f64],
    gradient: &[f64],
    k: usize,
) -> Result<()> {
    let mismatch = |right: &str, right_len: usize, want: usize| Error::LengthMismatch {
        left: "horizons".into(),
        left_len: want,
        right: right.into(),
        right_len,
    };
    if values.len() != horizons.len() {
        return Err(mismatch("values", values.len(), horizons.len()));
    }
    if gradient.len() != horizons.len() * k {
        return Err(mismatch("gradient", gradient.len(), horizons.len() * k));
    }
    Ok(())
}

/// `h(w) = (e^w (1 − w) − 1) / w²`, with `h(0) = −1/2`: the derivative in `ε` of
/// `(1 − e^{εL}) / ε` is `L² h(εL)`. Summed as its power series
/// `−Σ_{k≥2} (k−1) w^{k−2} / k!` for `|w| < 1` (the closed form cancels there).
pub(crate) fn h_expm1(w: f64) -> f64 {
    if w.abs() >= 1.0 {
        return ((w.exp() * (1.0 - w)) - 1.0) / (w * w);
    }
    // term_k = (k−1) w^{k−2} / k!, k ≥ 2
    let mut sum = 0.0;
    let mut power_over_factorial = 0.5; // w^{k−2} / k! at k = 2
    for k in 2..40 {
        let term = (k - 1) as f64 * power_over_factorial;
        sum += term;
        if term.abs() <= 1e-17 * sum.abs() {
            break;
        }
        power_over_factorial *= w / (k + 1) as f64;
    }
    -sum
}

/// Checks that every entry is finite, naming the model.
pub(crate) fn finite_all(what: &str, values: &[f64], frequency: f64, t_age: f64) -> Result<()> {
    if values.iter().all(|v| v.is_finite()) {
        Ok(())
    } else {
        Err(Error::numerical(
            what,
            format!("non-finite derivative for frequency {frequency}, T {t_age}"),
        ))
    }
}
