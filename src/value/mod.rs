//! Customer lifetime value: expected purchases × expected spend, discounted, with intervals.
//!
//! * [`units`]: the typed horizon ([`Months`]), rates ([`MonthlyDiscountRate`],
//!   [`ContinuousDiscountRate`]) and the model's time unit ([`Period`]);
//! * [`dert`]: closed-form discounted expected residual transactions of the Pareto/NBD model.

pub mod dert;
mod expint;
pub mod units;

pub use units::{ContinuousDiscountRate, MonthlyDiscountRate, Months, Period};

use crate::error::{Error, Result};

/// Checks that three customer columns have the same length.
pub(crate) fn check_same_length(frequency: &[f64], recency: &[f64], t_age: &[f64]) -> Result<()> {
    for (name, len) in [("recency", recency.len()), ("T", t_age.len())] {
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
