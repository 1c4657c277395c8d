//! Options of a maximum-likelihood fit.

use crate::error::{Error, Result};

/// Options shared by every model's fit.
///
/// ```
/// use ltv::fit::FitOptions;
/// let mut opts = FitOptions::default();
/// opts.penalizer = 0.001;
/// assert_eq!(opts.max_iterations, 1000);
/// ```
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[non_exhaustive]
#[serde(default)]
pub struct FitOptions {
    /// L2 penalty coefficient `c` with lifetimes' `penalizer_coef` meaning (see the
    /// [module docs](crate::fit)); 0 (the default) is plain maximum likelihood. Must be finite
    /// and ≥ 0.
    pub penalizer: f64,
    /// Iteration cap of each optimizer stage (L-BFGS; Nelder–Mead gets 4× this; a fit may run
    /// L-BFGS twice, so the iterations reported can exceed this cap). Default 1000.
    /// [`max_evaluations`](Self::max_evaluations) bounds the whole fit.
    pub max_iterations: u64,
    /// Budget of likelihood-and-gradient evaluations for the whole fit, all stages together
    /// (the Newton polish and the final checks included). A fit that exhausts it stops and is
    /// [`Error::NotConverged`] (reason "evaluation budget exhausted"), so an adversarial data
    /// set costs at most this many evaluations. Default 2,000 (the CDNOW fits need fewer
    /// than 100). Must be at least 1.
    pub max_evaluations: u64,
    /// Convergence tolerance: the Euclidean norm of the gradient of the per-customer objective
    /// `-(LL - penalty)/W` with respect to the log-parameters must end below it. Default 1e-8.
    pub tolerance: f64,
    /// When true (the default) a fit that did not reach `tolerance` is
    /// [`Error::NotConverged`]. When false it is returned with
    /// [`Convergence::converged`](crate::fit::Convergence) = false, which every printout
    /// shows; use only to inspect a failing fit.
    pub require_convergence: bool,
    /// Optional starting values in natural parameters (all > 0), replacing the model's
    /// deterministic defaults.
    pub start: Option<Vec<f64>>,
}

impl Default for FitOptions {
    fn default() -> Self {
        Self {
            penalizer: 0.0,
            max_iterations: 1000,
            max_evaluations: 2_000,
            tolerance: 1e-8,
            require_convergence: true,
            start: None,
        }
    }
}

impl FitOptions {
    /// Checks the options (penalizer finite and ≥ 0, tolerance > 0, at least one iteration,
    /// starting values finite and > 0 with `n_params` entries).
    pub(crate) fn validate(&self, n_params: usize) -> Result<()> {
        if !(self.penalizer.is_finite() && self.penalizer >= 0.0) {
            return Err(Error::invalid_parameter(
                "penalizer",
                self.penalizer,
                "must be finite and >= 0",
            ));
        }
        if !(self.tolerance.is_finite() && self.tolerance > 0.0) {
            return Err(Error::invalid_parameter(
                "tolerance",
                self.tolerance,
                "must be finite and > 0",
            ));
        }
        if self.max_iterations == 0 {
            return Err(Error::invalid_parameter(
                "max_iterations",
                0.0,
                "must be at least 1",
            ));
        }
        if self.max_evaluations == 0 {
            return Err(Error::invalid_parameter(
                "max_evaluations",
                0.0,
                "must be at least 1",
            ));
        }
        if let Some(start) = &self.start {
            if start.len() != n_params {
                return Err(Error::LengthMismatch {
                    left: "start".into(),
                    left_len: start.len(),
                    right: "model parameters".into(),
                    right_len: n_params,
                });
            }
            for &v in start {
                if !(v.is_finite() && v > 0.0) {
                    return Err(Error::invalid_parameter(
                        "start",
                        v,
                        "starting values must be finite and > 0",
                    ));
                }
            }
        }
        Ok(())
    }
}
