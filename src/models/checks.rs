//! The rule of prediction horizons, below both the
//! [`TransactionModel`](crate::models::TransactionModel) trait and the models. (The row rules
//! of (frequency, recency, T) exist once, in the summary, and are applied where a
//! [`CustomerBatch`](crate::models::CustomerBatch) is built.)

use crate::error::{Error, Result};

/// Checks a horizon: finite and ≥ 0.
pub(crate) fn check_horizon(name: &str, t: f64) -> Result<()> {
    if !(t.is_finite() && t >= 0.0) {
        return Err(Error::invalid_parameter(name, t, "must be finite and >= 0"));
    }
    Ok(())
}
