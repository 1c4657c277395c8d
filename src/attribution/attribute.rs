//! One entry point for the revenue-credit methods over the logs (used by `ltv attribute`).

use super::crediting::Crediting;
use super::ledger::RevenueLedger;
use super::logs::Logs;
use super::money::largest_remainder;
use super::shapley::{AvailabilityGame, SharedMatchGame};
use crate::error::Result;

/// How revenue is credited to users.
#[derive(Debug, Clone, PartialEq)]
pub enum Method {
    /// Personalized PageRank seeded by revenue ([`RevenueLedger`]).
    PageRank(RevenueLedger),
    /// Shapley value of the shared-match game: each match's revenue split equally
    /// ([`SharedMatchGame`]).
    ShapleyShared,
    /// Shapley value of the availability (glove) game: payer `r·k/(k+1)`, each of the `k`
    /// partners `r/(k(k+1))` ([`AvailabilityGame`]).
    ShapleyAvailability,
}

/// Credit per user (by [`Logs::users`] index) in minor currency units, adding up exactly to
/// [`Logs::total_revenue`] (largest-remainder rounding of the real-valued credit).
///
/// ```
/// use ltv::attribution::{attribute, Crediting, Logs, Method};
/// let mut logs = Logs::new(2);
/// logs.add_match("payer", "a", 0, 1.0)?;
/// logs.add_match("payer", "b", 0, 1.0)?;
/// logs.add_payment("payer", 60, 600)?;
/// let c = attribute(&logs, &Crediting::new(), &Method::ShapleyAvailability)?;
/// assert_eq!(c, vec![400, 100, 100]);
/// let c = attribute(&logs, &Crediting::new(), &Method::ShapleyShared)?;
/// assert_eq!(c, vec![300, 150, 150]);
/// # Ok::<(), ltv::Error>(())
/// ```
///
/// # Errors
/// As the chosen method.
pub fn attribute(logs: &Logs, crediting: &Crediting, method: &Method) -> Result<Vec<i64>> {
    let total = logs.total_revenue();
    match method {
        Method::PageRank(ledger) => ledger.from_logs(logs, crediting),
        Method::ShapleyShared => largest_remainder(
            &SharedMatchGame::from_logs(logs, crediting)?.shapley(),
            total,
        ),
        Method::ShapleyAvailability => largest_remainder(
            &AvailabilityGame::from_logs(logs, crediting)?.shapley(),
            total,
        ),
    }
}
