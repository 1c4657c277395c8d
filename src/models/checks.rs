//! The row rules of the vectorised predictions (frequency, recency, T) and of horizons: below
//! both the [`TransactionModel`](crate::models::TransactionModel) trait and the parallel
//! evaluation helpers, so that neither imports the other's helpers.

use crate::error::{Error, Result};

/// Checks a horizon: finite and ≥ 0.
pub(crate) fn check_horizon(name: &str, t: f64) -> Result<()> {
    if !(t.is_finite() && t >= 0.0) {
        return Err(Error::invalid_parameter(name, t, "must be finite and >= 0"));
    }
    Ok(())
}

/// Checks that the three columns have the same length and every row is a valid summary row.
pub(crate) fn check_columns(frequency: &[f64], recency: &[f64], t_age: &[f64]) -> Result<()> {
    check_rows_with(frequency, recency, t_age, "T", check_row)
}

/// Checks that the three columns have the same length (`t_name` names the third in the
/// error) and that `check(row, frequency, recency, t)` accepts every row (1-based).
pub(crate) fn check_rows_with(
    frequency: &[f64],
    recency: &[f64],
    t_age: &[f64],
    t_name: &str,
    check: impl Fn(u64, f64, f64, f64) -> Result<()>,
) -> Result<()> {
    check_lengths(frequency, recency, t_age, t_name)?;
    for i in 0..frequency.len() {
        check(i as u64 + 1, frequency[i], recency[i], t_age[i])?;
    }
    Ok(())
}

/// Checks that the three customer columns have the same length (`t_name` names the third in
/// the error).
pub(crate) fn check_lengths(
    frequency: &[f64],
    recency: &[f64],
    t_age: &[f64],
    t_name: &str,
) -> Result<()> {
    for (name, len) in [("recency", recency.len()), (t_name, t_age.len())] {
        if len != frequency.len() {
            return Err(Error::LengthMismatch {
                left: "frequency".into(),
                left_len: frequency.len(),
                right: name.into(),
                right_len: len,
            });
        }
    }
    Ok(())
}

/// The rules of [`crate::summary::RfmSummary::new`] for one row (frequency a non-negative
/// integer, 0 ≤ recency ≤ T, recency 0 when frequency is 0, all finite).
pub(crate) fn check_row(row: u64, frequency: f64, recency: f64, t_age: f64) -> Result<()> {
    let bad = |column: &str, value: f64, rule: String| {
        Err(Error::invalid_field(row, column, value.to_string(), rule))
    };
    if !(frequency.is_finite() && frequency >= 0.0 && frequency.fract() == 0.0) {
        return bad(
            "frequency",
            frequency,
            "must be a finite non-negative integer".into(),
        );
    }
    if !(recency.is_finite() && recency >= 0.0) {
        return bad("recency", recency, "must be finite and >= 0".into());
    }
    if !(t_age.is_finite() && t_age >= 0.0) {
        return bad("T", t_age, "must be finite and >= 0".into());
    }
    if recency > t_age {
        return bad(
            "recency",
            recency,
            format!("recency must not exceed T ({t_age})"),
        );
    }
    if frequency == 0.0 && recency > 0.0 {
        return bad(
            "recency",
            recency,
            "must be 0 when frequency is 0 (no repeat purchase)".into(),
        );
    }
    Ok(())
}
