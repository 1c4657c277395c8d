//! Model-based tracking quantities: the probability-alive matrix and the expected
//! cumulative repeat transactions of a cohort (lifetimes `expected_cumulative_transactions`).

use ndarray::Array2;

use crate::error::{Error, Result};
use crate::models::TransactionModel;

/// Probability alive over a grid (lifetimes `conditional_probability_alive_matrix`): entry
/// `[recency, frequency]` for recency `0..=max_recency` and frequency `0..=max_frequency`
/// (both in whole periods), at age `T = max_recency`. Grid points with frequency 0 and
/// recency > 0 (impossible histories) are evaluated by the formula like lifetimes does.
///
/// # Errors
/// [`Error::InvalidParameter`] for a grid above 10⁸ cells; numerical errors of the model.
pub fn probability_alive_matrix<M: TransactionModel + ?Sized>(
    model: &M,
    max_frequency: u32,
    max_recency: u32,
) -> Result<Array2<f64>> {
    let (nr, nf) = (max_recency as usize + 1, max_frequency as usize + 1);
    if nr.saturating_mul(nf) > 100_000_000 {
        return Err(Error::invalid_parameter(
            "max_frequency",
            f64::from(max_frequency),
            "grid larger than 1e8 cells",
        ));
    }
    let t_age = f64::from(max_recency);
    let mut out = Array2::zeros((nr, nf));
    for ((i, j), v) in out.indexed_iter_mut() {
        *v = model.probability_alive_one(j as f64, i as f64, t_age)?;
    }
    Ok(out)
}

/// Expected cumulative number of repeat transactions of a cohort, for tracking plots
/// (lifetimes `expected_cumulative_transactions`; Fader, Hardie & Lee's note 008).
///
/// `first_purchase_periods[i]` is the period (0, 1, 2, ... from the start of the data, in the
/// model's periods) of customer `i`'s first purchase. For each period `τ = 1..=horizon` the
/// result holds `Σ_{i: s_i < τ} E[X(τ − s_i)]`, with `E[X(t)]` the model's expected number of
/// repeat purchases of a new customer ([`TransactionModel::expected_purchases`]): entry
/// `τ − 1` is the expected number of repeat transactions made by the end of period `τ`.
/// Customers sharing a first-purchase period are evaluated once.
///
/// # Errors
/// [`Error::InvalidField`] (row numbered from 1) for a first-purchase period that is
/// negative or not finite; numerical errors of the model.
pub fn expected_cumulative_transactions<M: TransactionModel + ?Sized>(
    model: &M,
    first_purchase_periods: &[f64],
    horizon: u32,
) -> Result<Vec<f64>> {
    let mut starts: Vec<f64> = Vec::with_capacity(first_purchase_periods.len());
    for (i, &s) in first_purchase_periods.iter().enumerate() {
        if !(s.is_finite() && s >= 0.0) {
            return Err(Error::invalid_field(
                i as u64 + 1,
                "first_purchase_period",
                s.to_string(),
                "must be finite and >= 0",
            ));
        }
        starts.push(s);
    }
    starts.sort_by(f64::total_cmp);
    // distinct starts with their counts
    let mut cohorts: Vec<(f64, f64)> = Vec::new();
    for s in starts {
        match cohorts.last_mut() {
            Some((v, n)) if *v == s => *n += 1.0,
            _ => cohorts.push((s, 1.0)),
        }
    }
    let mut out = Vec::with_capacity(horizon as usize);
    for tau in 1..=horizon {
        let tau = f64::from(tau);
        let mut total = 0.0;
        for &(s, n) in &cohorts {
            if s < tau {
                total += n * model.expected_purchases(tau - s)?;
            }
        }
        out.push(total);
    }
    Ok(out)
}
