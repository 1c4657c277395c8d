//! Data checks shared by the BG/NBD-family and Pareto/NBD fits, below the models that use them
//! (so `beta_geometric_likelihood.rs` and `bgnbd.rs` do not import each other).

use crate::error::{Error, Result};
use crate::summary::CompressedSummary;

/// BG/NBD-family data checks before fitting: rows present, someone repeats.
pub(crate) fn check_identifiable(
    model: &str,
    data: &CompressedSummary,
    repeat_purchases: f64,
) -> Result<()> {
    if data.is_empty() {
        return Err(Error::EmptyInput {
            what: format!("{model}: the summary has no customers"),
        });
    }
    if !(repeat_purchases.is_finite() && repeat_purchases > 0.0) {
        return Err(Error::Unidentifiable {
            model: model.to_string(),
            reason: "no customer made a repeat purchase (every frequency is 0), so purchase \
                     rates and dropout cannot be told apart; the likelihood has no maximum"
                .to_string(),
        });
    }
    Ok(())
}
