//! Fitting the Pareto/NBD model and the fitted model that predicts.

use nalgebra::DMatrix;
use serde::{Deserialize, Serialize};

use super::likelihood::ParetoNbdLikelihood;
use super::params::{ParetoNbdParams, PARAMETER_NAMES};
use super::MODEL_NAME;
use crate::error::{Error, Result};
use crate::fit::{maximize, Fit, FitOptions};
use crate::models::TransactionModel;
use crate::summary::CompressedSummary;

/// The Pareto/NBD model, ready to fit: maximum likelihood with the shared machinery of
/// [`crate::fit`] (L-BFGS on log-parameters with the analytic gradient, deterministic
/// starting values, Nelder–Mead fallback, covariance from the observed information).
///
/// ```
/// use ltv::models::pareto_nbd::ParetoNbd;
/// use ltv::summary::CompressedSummary;
/// // (x, t_x, T) patterns in weeks with the number of customers showing each
/// let data = CompressedSummary::from_weighted_rows(
///     &[0.0, 1.0, 2.0, 5.0, 0.0, 3.0],
///     &[0.0, 10.0, 30.0, 35.0, 0.0, 5.0],
///     &[39.0, 39.0, 39.0, 39.0, 20.0, 30.0],
///     &[500.0, 120.0, 60.0, 20.0, 300.0, 40.0],
/// )?;
/// let fitted = ParetoNbd::new().fit(&data)?;
/// let p = fitted.params();
/// assert!(p.r > 0.0 && p.alpha > 0.0 && p.s > 0.0 && p.beta > 0.0);
/// # Ok::<(), ltv::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ParetoNbd {
    /// Optimizer options (penalizer, tolerance, iteration cap, starting values).
    ///
    /// The penalizer has lifetimes' `ParetoNBDFitter(penalizer_coef=c)` meaning for data
    /// given one row per customer: `LL - c Σ p²` is maximised.
    pub options: FitOptions,
}

impl ParetoNbd {
    /// The model with default [`FitOptions`].
    pub fn new() -> Self {
        Self::default()
    }

    /// The model with the given options.
    pub fn with_options(options: FitOptions) -> Self {
        Self { options }
    }

    /// Fits on a compressed summary (times in periods).
    ///
    /// # Errors
    /// [`Error::Unidentifiable`] when nobody made a repeat purchase; the errors of
    /// [`crate::fit`] (not converged, bad options, numerical failure).
    pub fn fit(&self, data: &CompressedSummary) -> Result<FittedParetoNbd> {
        if data.is_empty() {
            return Err(Error::EmptyInput {
                what: "Pareto/NBD fit: the summary has no rows".into(),
            });
        }
        let repeats: f64 = data
            .frequency()
            .iter()
            .zip(data.weight())
            .map(|(x, w)| x * w)
            .sum();
        if !(repeats.is_finite() && repeats > 0.0) {
            return Err(Error::Unidentifiable {
                model: MODEL_NAME.into(),
                reason: "no customer made a repeat purchase (all frequencies are 0)".into(),
            });
        }
        let l = ParetoNbdLikelihood::new(data);
        let fit = maximize(&l, &self.options)?;
        let params = ParetoNbdParams::from_slice(fit.params())?;
        Ok(FittedParetoNbd {
            params,
            fit: Some(fit),
        })
    }
}

/// A Pareto/NBD model with known parameters — fitted (with its [`Fit`] record: log-likelihood,
/// convergence, covariance) or given — that predicts. Times are in the periods of the
/// summary the parameters belong to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FittedParetoNbd {
    params: ParetoNbdParams,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    fit: Option<Fit>,
}

impl FittedParetoNbd {
    /// A model at given parameters (no fit record, no covariance), e.g. published estimates.
    pub fn from_params(params: ParetoNbdParams) -> Self {
        Self { params, fit: None }
    }

    /// Rebuilds a fitted model from its parameters and fit record (as read from a file).
    ///
    /// # Errors
    /// [`Error::ModelFormat`] when the record's parameter names are not `r, alpha, s, beta`.
    pub fn from_fit(fit: Fit) -> Result<Self> {
        let fit = fit.checked_for(MODEL_NAME, PARAMETER_NAMES)?;
        let params = ParetoNbdParams::from_slice(fit.params()).map_err(|e| Error::ModelFormat {
            message: format!("{MODEL_NAME}: {e}"),
        })?;
        Ok(Self {
            params,
            fit: Some(fit),
        })
    }

    /// The parameters.
    pub fn params(&self) -> &ParetoNbdParams {
        &self.params
    }

    /// The fit record (log-likelihood, convergence, standard errors), when fitted.
    pub fn fit(&self) -> Option<&Fit> {
        self.fit.as_ref()
    }

    /// Vectorised [`ParetoNbdParams::probability_alive_at_one`]: probability of being alive
    /// `t` periods after the end of observation.
    ///
    /// # Errors
    /// As [`TransactionModel::conditional_expected_purchases`].
    pub fn probability_alive_at(
        &self,
        t: f64,
        frequency: &[f64],
        recency: &[f64],
        t_age: &[f64],
    ) -> Result<Vec<f64>> {
        crate::models::check_horizon("t", t)?;
        crate::models::check_columns(frequency, recency, t_age)?;
        crate::models::map_rows(frequency, recency, t_age, |x, tx, tt| {
            self.params.probability_alive_at_one(t, x, tx, tt)
        })
    }

    /// Vectorised [`ParetoNbdParams::conditional_probability_of_n_purchases_one`]:
    /// probability of exactly `n` purchases in `(T, T+t]` per customer.
    ///
    /// # Errors
    /// As [`TransactionModel::conditional_expected_purchases`].
    pub fn conditional_probability_of_n_purchases(
        &self,
        n: u64,
        t: f64,
        frequency: &[f64],
        recency: &[f64],
        t_age: &[f64],
    ) -> Result<Vec<f64>> {
        crate::models::check_horizon("t", t)?;
        crate::models::check_columns(frequency, recency, t_age)?;
        crate::models::map_rows(frequency, recency, t_age, |x, tx, tt| {
            self.params
                .conditional_probability_of_n_purchases_one(n, t, x, tx, tt)
        })
    }
}

impl TransactionModel for FittedParetoNbd {
    fn name(&self) -> &'static str {
        MODEL_NAME
    }

    fn parameter_names(&self) -> &'static [&'static str] {
        PARAMETER_NAMES
    }

    fn parameters(&self) -> Vec<f64> {
        self.params.to_vec()
    }

    fn covariance(&self) -> Result<DMatrix<f64>> {
        match &self.fit {
            Some(f) => f.covariance(),
            None => Err(Error::SingularInformation {
                model: MODEL_NAME.into(),
                reason: "the parameters were given, not estimated".into(),
            }),
        }
    }

    fn with_parameters(&self, parameters: &[f64]) -> Result<Box<dyn TransactionModel>> {
        Ok(Box::new(Self::from_params(ParetoNbdParams::from_slice(
            parameters,
        )?)))
    }

    fn conditional_expected_purchases_one(
        &self,
        t: f64,
        frequency: f64,
        recency: f64,
        t_age: f64,
    ) -> Result<f64> {
        self.params
            .conditional_expected_purchases_one(t, frequency, recency, t_age)
    }

    fn probability_alive_one(&self, frequency: f64, recency: f64, t_age: f64) -> Result<f64> {
        self.params.probability_alive_one(frequency, recency, t_age)
    }

    /// P(alive) once, then the closed-form horizon term for each horizon.
    fn conditional_expected_purchases_path_one(
        &self,
        horizons: &[f64],
        frequency: f64,
        recency: f64,
        t_age: f64,
        out: &mut [f64],
    ) -> Result<()> {
        self.params
            .conditional_expected_purchases_path_one(horizons, frequency, recency, t_age, out)
    }

    fn expected_purchases(&self, t: f64) -> Result<f64> {
        self.params.expected_purchases(t)
    }
}
