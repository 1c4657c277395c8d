//! Fitting the Pareto/NBD model; the model as a [`TransactionModel`].

use super::likelihood::ParetoNbdLikelihood;
use super::params::ParetoNbd;
use super::MODEL_NAME;
use crate::error::Result;
use crate::fit::{maximize, FitOptions, Likelihood};
use crate::models::fitted::{Fitted, ModelParameters};
use crate::models::identify::check_identifiable;
use crate::models::parameters::given_parameters;
use crate::models::traits::map_checked_rows;
use crate::models::{check_horizon, TransactionModel};
use crate::summary::CompressedSummary;

/// A Pareto/NBD model estimated from data, with its fit record.
pub type FittedParetoNbd = Fitted<ParetoNbd>;

impl ParetoNbd {
    /// Estimates the model by maximum likelihood on a compressed summary (times in periods)
    /// with the shared machinery of [`crate::fit`]: L-BFGS on log-parameters with the analytic
    /// gradient, deterministic starting values, Nelder–Mead fallback, covariance from the
    /// observed information.
    ///
    /// The penalizer has the meaning of lifetimes' `ParetoNBDFitter(penalizer_coef=c)` on
    /// data given one row per customer: `LL - c Σ p²` is maximised.
    ///
    /// ```
    /// use ltv::fit::FitOptions;
    /// use ltv::models::pareto_nbd::ParetoNbd;
    /// use ltv::summary::CompressedSummary;
    /// // (x, t_x, T) patterns in weeks with the number of customers showing each
    /// let data = CompressedSummary::from_weighted_rows(
    ///     &[0.0, 1.0, 2.0, 5.0, 0.0, 3.0],
    ///     &[0.0, 10.0, 30.0, 35.0, 0.0, 5.0],
    ///     &[39.0, 39.0, 39.0, 39.0, 20.0, 30.0],
    ///     &[500.0, 120.0, 60.0, 20.0, 300.0, 40.0],
    /// )?;
    /// let fitted = ParetoNbd::fit(&data, &FitOptions::default())?;
    /// println!("{}", fitted.fit()); // estimates, standard errors, 95% intervals
    /// assert!(fitted.model().r() > 0.0);
    /// # Ok::<(), ltv::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`crate::Error::EmptyInput`] for no rows; [`crate::Error::Unidentifiable`] when nobody
    /// made a repeat purchase; [`crate::Error::NotConverged`] and the other errors of the
    /// optimizer.
    pub fn fit(data: &CompressedSummary, options: &FitOptions) -> Result<FittedParetoNbd> {
        let repeats: f64 = data
            .frequency()
            .iter()
            .zip(data.weight())
            .map(|(x, w)| x * w)
            .sum();
        check_identifiable(MODEL_NAME, data, repeats)?;
        Fitted::from_fit(maximize(&ParetoNbdLikelihood::new(data), options)?)
    }

    /// Log-likelihood of the data at these parameters, summed over customers (weights).
    ///
    /// # Errors
    /// [`crate::Error::Numerical`] should an evaluation fail.
    pub fn log_likelihood(&self, data: &CompressedSummary) -> Result<f64> {
        ParetoNbdLikelihood::new(data).log_likelihood(&self.to_parameters(), None)
    }

    /// Vectorised [`ParetoNbd::probability_alive_at_one`]: probability of being alive `t`
    /// periods after the end of observation.
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
        check_horizon("t", t)?;
        map_checked_rows(frequency, recency, t_age, |x, tx, tt| {
            self.probability_alive_at_one(t, x, tx, tt)
        })
    }

    /// Vectorised [`ParetoNbd::conditional_probability_of_n_purchases_one`]: probability of
    /// exactly `n` purchases in `(T, T+t]` per customer.
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
        check_horizon("t", t)?;
        map_checked_rows(frequency, recency, t_age, |x, tx, tt| {
            self.conditional_probability_of_n_purchases_one(n, t, x, tx, tt)
        })
    }
}

impl TransactionModel for ParetoNbd {
    given_parameters!();

    fn conditional_expected_purchases_one(
        &self,
        t: f64,
        frequency: f64,
        recency: f64,
        t_age: f64,
    ) -> Result<f64> {
        ParetoNbd::conditional_expected_purchases_one(self, t, frequency, recency, t_age)
    }

    fn probability_alive_one(&self, frequency: f64, recency: f64, t_age: f64) -> Result<f64> {
        ParetoNbd::probability_alive_one(self, frequency, recency, t_age)
    }

    fn expected_purchases(&self, t: f64) -> Result<f64> {
        ParetoNbd::expected_purchases(self, t)
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
        ParetoNbd::conditional_expected_purchases_path_one(
            self, horizons, frequency, recency, t_age, out,
        )
    }
}
