//! Tracking quantities: the probability-alive matrix, and the expected and actual cumulative
//! repeat transactions of a cohort over time (lifetimes `expected_cumulative_transactions`,
//! whose "predicted" column is [`expected_cumulative_transactions`] fed with
//! [`first_purchase_periods`], and whose "actual" column is
//! [`actual_cumulative_transactions`]).
//!
//! Periods are counted from the period holding the log's first transaction (period 0), in the
//! unit of the model (weeks for a model fitted on a weekly summary). Entry `τ − 1` of both
//! cumulative series refers to the first `τ` periods (periods `0..τ`), so the two can be
//! plotted against each other directly.
//!
//! ```
//! use ltv::data::{Period, Timestamp, TransactionLog};
//! use ltv::models::bgnbd::BgNbd;
//! use ltv::models::{
//!     actual_cumulative_transactions, expected_cumulative_transactions, first_purchase_periods,
//! };
//! let t = |s: &str| Timestamp::parse(s).unwrap();
//! // ann buys in weeks 0, 0 (again), 2 and 3; bob first buys in week 1
//! let log = TransactionLog::from_columns(
//!     &["ann", "ann", "bob", "ann", "ann"],
//!     &[t("2024-01-01"), t("2024-01-03"), t("2024-01-10"), t("2024-01-15"), t("2024-01-22")],
//!     None,
//! )?;
//! assert_eq!(first_purchase_periods(&log, Period::Week), [0.0, 1.0]);
//! // repeat transactions (one per customer and week, first week excluded) in the first τ weeks
//! assert_eq!(actual_cumulative_transactions(&log, Period::Week, 4)?, [0, 0, 1, 2]);
//! let model = BgNbd::new(0.243, 4.414, 0.793, 2.426)?;
//! let starts = first_purchase_periods(&log, Period::Week);
//! let expected = expected_cumulative_transactions(&model, &starts, 4)?;
//! assert_eq!(expected.len(), 4);
//! # Ok::<(), ltv::Error>(())
//! ```

use ndarray::Array2;

use crate::data::{Period, Timestamp, TransactionLog};
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
/// `first_purchase_periods[i]` is the period `s_i` (0, 1, 2, ... from the start of the data,
/// in the model's periods) of customer `i`'s first purchase, for instance from
/// [`first_purchase_periods`]. For each `τ = 1..=horizon` the result holds
/// `Σ_{i: s_i < τ} E[X(τ − s_i)]`, with `E[X(t)]` the model's expected number of repeat
/// purchases of a new customer in `(0, t]` ([`TransactionModel::expected_purchases`]), each
/// customer's clock starting at the start of their first period: entry `τ − 1` is the
/// expected number of repeat transactions in the first `τ` periods (periods `0..τ`, i.e. by
/// time `τ` counted from the start of period 0), the counterpart of
/// [`actual_cumulative_transactions`]. Equal to lifetimes 0.11.3's "predicted" column
/// (`freq_multiplier = 1`). Customers sharing a first-purchase period are evaluated once.
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

/// Period index of `ts` counted from the period holding `origin` (period 0). Calendar periods
/// count whole calendar periods; a [`Period::Custom`] length counts fixed slots from `origin`.
fn relative_period(period: Period, origin: Timestamp, ts: Timestamp) -> i64 {
    period.index_from(origin, ts) - period.index_from(origin, origin)
}

/// The period of each customer's first purchase, counted from the period holding the log's
/// first transaction (period 0), in order of [`TransactionLog::customer_ids`]: the input
/// [`expected_cumulative_transactions`] needs for a transaction log.
///
/// Calendar periods ([`Period::Week`], ...) are whole calendar periods as in the summaries
/// (pandas `to_period`, lifetimes' convention); a [`Period::Custom`] length counts fixed slots
/// from the log's first transaction. Values are whole numbers (as `f64`), all `>= 0`.
pub fn first_purchase_periods(log: &TransactionLog, period: Period) -> Vec<f64> {
    let origin = log.first_timestamp();
    let mut first = vec![i64::MAX; log.n_customers()];
    for (&c, &ts) in log.customer_index().iter().zip(log.timestamps()) {
        let k = relative_period(period, origin, ts);
        let slot = &mut first[c as usize];
        *slot = (*slot).min(k);
    }
    first.into_iter().map(|k| k as f64).collect()
}

/// The observed cumulative number of repeat transactions of a transaction log by period, for
/// tracking plots against [`expected_cumulative_transactions`] (lifetimes 0.11.3
/// `expected_cumulative_transactions`, its "actual" column).
///
/// Periods are counted from the period holding the log's first transaction (period 0; see
/// [`first_purchase_periods`] for the period conventions). With lifetimes' semantics:
/// * transactions after period `horizon` are ignored;
/// * a customer counts at most **one transaction per period** (several purchases in the same
///   period are one);
/// * each customer's **first period** (the period of their first purchase) is not a repeat
///   transaction and is not counted.
///
/// Entry `τ − 1`, for `τ = 1..=horizon`, is the number of (customer, period) pairs with a
/// repeat transaction in periods `0..τ` (the first `τ` periods). Entry 0 is therefore always 0.
///
/// # Errors
/// [`Error::InvalidParameter`] for a horizon above 10⁸ periods.
pub fn actual_cumulative_transactions(
    log: &TransactionLog,
    period: Period,
    horizon: u32,
) -> Result<Vec<u64>> {
    if horizon > 100_000_000 {
        return Err(Error::invalid_parameter(
            "horizon",
            f64::from(horizon),
            "at most 1e8 periods",
        ));
    }
    let origin = log.first_timestamp();
    let limit = i64::from(horizon);
    // (customer, period) pairs within the horizon, one per customer and period
    let mut pairs: Vec<(u32, i64)> = log
        .customer_index()
        .iter()
        .zip(log.timestamps())
        .map(|(&c, &ts)| (c, relative_period(period, origin, ts)))
        .filter(|&(_, k)| k <= limit)
        .collect();
    pairs.sort_unstable();
    pairs.dedup();
    // per-period counts of repeat pairs: every pair but each customer's first (smallest period)
    let mut per_period = vec![0u64; horizon as usize];
    for (i, &(c, k)) in pairs.iter().enumerate() {
        let is_first = i == 0 || pairs[i - 1].0 != c;
        if !is_first && k < limit {
            per_period[k as usize] += 1;
        }
    }
    let mut total = 0;
    Ok(per_period
        .into_iter()
        .map(|n| {
            total += n;
            total
        })
        .collect())
}
