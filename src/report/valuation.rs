//! The model step's interface: each user's estimated revenue over the horizon, with the
//! uncertainty the report turns into interval bounds per group.
//!
//! [`ValueModel`] is what the report calls; the crate's default is
//! [`BuyTillYouDieValue`](crate::report::BuyTillYouDieValue) (a transaction model such as BG/NBD
//! with Gamma-Gamma spend). A service with its own predictions implements the trait (or hands
//! [`FutureValues`] to [`CampaignReport::from_values`](crate::report::CampaignReport::from_values)).

use crate::error::{Error, ReportRule, Result};
use crate::report::users::ReportUsers;
use crate::value::{ClvSettings, MonthlyDiscountRate, Months};
use crate::Period;

/// What the model is asked for.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Horizon {
    /// Whole months after the as-of date over which future revenue is estimated (> 0).
    pub months: u32,
    /// Monthly discount rate applied at each month's end (0 = undiscounted, the default for
    /// ROAS).
    pub discount_rate: f64,
    /// The model's time unit, the period of the summary it is fitted on: [`Period::Day`]
    /// (the default, the ROAS benchmark's best configuration, see the README) or
    /// [`Period::Week`] (Monday to Sunday); the CLV sum converts months with
    /// [`Period::periods_per_month`] (30 days, 4.345 weeks, as lifetimes).
    pub period: Period,
    /// Coverage of the interval bounds (0.95 = 95%).
    pub interval_level: f64,
}

impl Horizon {
    /// The crate's CLV settings of this horizon ([`ClvSettings`]: the period, the months and
    /// the monthly discount rate), which the report's values are computed with.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for a discount rate outside [0, 1).
    pub fn clv_settings(&self) -> Result<ClvSettings> {
        Ok(ClvSettings {
            period: self.period,
            horizon: Months::new(self.months),
            discount: MonthlyDiscountRate::new(self.discount_rate)?,
        })
    }

    /// Checks the horizon: months > 0, discount rate in [0, 1),
    /// interval level in (0, 1), period a day or a week.
    pub fn validate(&self) -> Result<()> {
        if !matches!(self.period, Period::Day | Period::Week) {
            return Err(Error::invalid_parameter(
                format!("period `{}`", self.period),
                f64::NAN,
                "the report models days or weeks",
            ));
        }
        if self.months == 0 {
            return Err(Error::invalid_parameter(
                "horizon_months",
                0.0,
                "must be at least 1",
            ));
        }
        // the one rule for a monthly discount rate, shared with `ltv clv` and the library
        crate::value::MonthlyDiscountRate::new(self.discount_rate)?;
        if !(self.interval_level > 0.0 && self.interval_level < 1.0) {
            return Err(Error::invalid_parameter(
                "interval_level",
                self.interval_level,
                "must be in (0, 1)",
            ));
        }
        Ok(())
    }
}

/// How sure the per-user estimates are, in a form that adds up over groups.
#[derive(Debug, Clone, PartialEq)]
pub enum Uncertainty {
    /// No intervals.
    None,
    /// Per-user bounds at the horizon's level. A group's bounds are the sums of its users'
    /// bounds: exact when the users' values move together (as they do under parameter
    /// uncertainty, which shifts every user the same way), conservative otherwise.
    Bounds {
        /// Lower bound per user.
        lower: Vec<f64>,
        /// Upper bound per user.
        upper: Vec<f64>,
    },
    /// The delta method over the model parameters. The parameters form independent blocks
    /// (one per fitted pair of models; one block for a single pooled fit), each of at most
    /// `k` parameters; user i's value depends on block `block_of_user[i]` only, with gradient
    /// ∂value_i/∂θ in `gradients[i·k..(i+1)·k]` (padded with zeros). A group's value G is a
    /// sum, so per block B, ∇_B G = Σ_{i∈G, block i = B} ∇value_i, and
    /// Var G ≈ Σ_B ∇_B Gᵀ Σ_B ∇_B G; the bounds are G ∓ z·sd with z the normal quantile of the
    /// level (the lower bound floored at 0).
    Linearized {
        /// Parameters per block (the stride of `gradients`).
        k: usize,
        /// Per-user gradients, row-major `n × k`.
        gradients: Vec<f64>,
        /// The parameter block of each user.
        block_of_user: Vec<u32>,
        /// Covariance of each block's parameters, row-major `k × k` (padded with zeros);
        /// empty when the block's fit has none (groups with users in it get no bounds).
        covariances: Vec<Vec<f64>>,
    },
}

/// A fit behind the estimates that stopped short of its convergence tolerance and whose
/// predictions are used anyway. The report marks the rows resting on it
/// (`fit_status = not_converged`), lists it in its metadata and warnings, and
/// [`CampaignReport::ensure_converged`](crate::report::CampaignReport::ensure_converged) (the
/// CLI's `--strict`) turns it into an error.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct UnconvergedFit {
    /// Which fit: `pooled`, or `segment:<value>` for a per-segment fit.
    pub fit: String,
    /// The model fitted (`bgnbd`, `gamma-gamma`, ...).
    pub model: String,
    /// Iterations used.
    pub iterations: u64,
    /// Gradient norm of the per-customer objective at the estimates (above the tolerance).
    pub gradient_norm: f64,
    /// What happened, for a person (parameters running to a boundary, ...).
    pub note: String,
}

/// Estimated future revenue per user over the horizon (report currency), in the order of
/// [`ReportUsers::ids`].
#[derive(Debug, Clone, PartialEq)]
pub struct FutureValues {
    /// Expected revenue of each user from the as-of cut to the end of the horizon.
    pub expected: Vec<f64>,
    /// Uncertainty of the expectations.
    pub uncertainty: Uncertainty,
    /// The fitted models and anything the report should record about them (parameters,
    /// log-likelihood, ...), copied into the report's metadata.
    pub description: serde_json::Value,
    /// Things the caller should know (weak fit, strong frequency-spend correlation, ...).
    pub warnings: Vec<String>,
    /// Fits that did not converge but whose predictions are used (empty when every fit
    /// converged, or the model has no such notion).
    pub unconverged_fits: Vec<UnconvergedFit>,
    /// Per user: true when the user's estimate rests on one of `unconverged_fits`. Empty when
    /// no user's does.
    pub unconverged_users: Vec<bool>,
}

impl FutureValues {
    /// Checks lengths against `n` users and that every value is finite and >= 0 (no quiet NaN
    /// reaches a report).
    pub fn validate(&self, n: usize) -> Result<()> {
        let len = |name: &str, l: usize| {
            if l == n {
                Ok(())
            } else {
                Err(Error::LengthMismatch {
                    left: "users".into(),
                    left_len: n,
                    right: name.into(),
                    right_len: l,
                })
            }
        };
        len("expected", self.expected.len())?;
        if !self.unconverged_users.is_empty() {
            len("unconverged_users", self.unconverged_users.len())?;
            if self.unconverged_fits.is_empty() && self.unconverged_users.contains(&true) {
                return Err(Error::Report {
                    rule: ReportRule::UnlistedUnconvergedFit,
                });
            }
        }
        let finite =
            |name: &str, v: &[f64]| match v.iter().position(|x| !(x.is_finite() && *x >= 0.0)) {
                None => Ok(()),
                Some(i) => Err(Error::numerical(
                    "report valuation",
                    format!("{name} of user #{i} is {} (must be finite and >= 0)", v[i]),
                )),
            };
        finite("expected value", &self.expected)?;
        match &self.uncertainty {
            Uncertainty::None => {}
            Uncertainty::Bounds { lower, upper } => {
                len("lower", lower.len())?;
                len("upper", upper.len())?;
                finite("lower bound", lower)?;
                finite("upper bound", upper)?;
            }
            Uncertainty::Linearized {
                k,
                gradients,
                block_of_user,
                covariances,
            } => {
                len("block_of_user", block_of_user.len())?;
                if gradients.len() != n * k
                    || covariances
                        .iter()
                        .any(|c| !c.is_empty() && c.len() != k * k)
                    || block_of_user
                        .iter()
                        .any(|&b| b as usize >= covariances.len())
                {
                    return Err(Error::Report {
                        rule: ReportRule::UncertaintyShape {
                            gradients: gradients.len(),
                            users: n,
                            parameters: *k,
                            covariances: covariances.len(),
                        },
                    });
                }
                if gradients
                    .iter()
                    .chain(covariances.iter().flatten())
                    .any(|x| !x.is_finite())
                {
                    return Err(Error::numerical(
                        "report valuation",
                        "non-finite gradient or covariance",
                    ));
                }
            }
        }
        Ok(())
    }
}

/// A model that values every user of the report over the horizon.
pub trait ValueModel {
    /// Fits on `users` (their payments up to the as-of cut, born at install) and estimates each
    /// user's revenue over `horizon`, in the report currency.
    fn estimate(&self, users: &ReportUsers, horizon: &Horizon) -> Result<FutureValues>;
}
