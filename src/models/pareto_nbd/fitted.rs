//! Fitting the Pareto/NBD model; the model as a [`TransactionModel`].

use super::likelihood::ParetoNbdLikelihood;
use super::params::ParetoNbd;
use super::MODEL_NAME;
use crate::error::Result;
use crate::fit::{maximize, FitOptions, Likelihood};
use crate::models::fitted::{Fitted, ModelParameters};
use crate::models::identify::check_identifiable;
use crate::models::parameters::given_parameters;
use crate::models::traits::map_rows;
use crate::models::{check_horizon, CustomerBatch, TransactionModel};
use crate::summary::CompressedSummary;

/// A Pareto/NBD model estimated from data, with its fit record.
pub type FittedParetoNbd = Fitted<ParetoNbd>;

/// Largest log-likelihood gain, in total over the data, that moving the estimate tenfold
/// along a ray to the boundary may show before the estimate counts as "on the boundary".
const FLAT_RAY: f64 = 0.01;

/// Rays to the boundary of the parameter space `(r, α, s, β)` along which the Pareto/NBD
/// likelihood has a finite limit, each with what it means when the data prefer (or cannot
/// tell) the limit.
const RAYS: [([f64; 4], &str); 3] = [
    (
        [0.0, 0.0, 0.0, 1.0],
        "beta grows: nobody would drop out (the dropout process is not identified)",
    ),
    (
        [0.0, 0.0, 1.0, 1.0],
        "s and beta grow together: every customer would drop out at the same rate s/beta (the dropout-rate heterogeneity is not identified)",
    ),
    (
        [1.0, 1.0, 0.0, 0.0],
        "r and alpha grow together: every customer would buy at the same rate r/alpha (the purchase-rate heterogeneity is not identified)",
    ),
];

/// [`Error::Unidentifiable`](crate::Error::Unidentifiable) when the estimate lies on a ridge
/// to the boundary: ten times further along one of [`RAYS`] the log-likelihood is no lower
/// (within [`FLAT_RAY`]). A gradient-based fit stops on such a ridge with a small gradient
/// and would otherwise pass for converged (issue 11, item 9: `s = 133` on six-week cohorts
/// while `s` and `β` ran off).
fn check_interior(lik: &ParetoNbdLikelihood<'_>, params: &[f64], ll: f64) -> Result<()> {
    for (dir, meaning) in RAYS {
        let moved: Vec<f64> = params
            .iter()
            .zip(dir)
            .map(|(p, d)| p * 10f64.powf(d))
            .collect();
        let Ok(far) = lik.log_likelihood(&moved, None) else {
            continue;
        };
        if far.is_finite() && far >= ll - FLAT_RAY {
            let shown: Vec<String> = crate::models::pareto_nbd::PARAMETER_NAMES
                .iter()
                .zip(params)
                .map(|(n, v)| format!("{n} = {v:.4e}"))
                .collect();
            return Err(crate::Error::Unidentifiable {
                model: MODEL_NAME.into(),
                reason: format!(
                    "the estimate ({}) is on the boundary of the parameter space: the \
                     log-likelihood does not fall ({ll:.6} -> {far:.6}) when {meaning}; fit a \
                     simpler model, use a penalizer, or wait for longer histories",
                    shown.join(", ")
                ),
            });
        }
    }
    Ok(())
}

impl ParetoNbd {
    /// Estimates the model by maximum likelihood on a summary (compressed inside when it is
    /// per customer:
    /// [`ToCompressed`](crate::summary::ToCompressed)) (times in periods)
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
    /// made a repeat purchase, or when the estimate lies on a ridge to the boundary of the
    /// parameter space (`s` and `β`, or `β` alone, or `r` and `α` running to infinity: ten
    /// times further along the ridge the log-likelihood is within 0.01 of the estimate's), which a
    /// gradient-based fit would otherwise report as converged; [`crate::Error::NotConverged`] and the other errors of the
    /// optimizer.
    pub fn fit(
        data: &(impl crate::summary::ToCompressed + ?Sized),
        options: &FitOptions,
    ) -> Result<FittedParetoNbd> {
        let data: &CompressedSummary = &data.to_compressed();
        let repeats: f64 = data
            .frequency()
            .iter()
            .zip(data.weight())
            .map(|(x, w)| x * w)
            .sum();
        check_identifiable(MODEL_NAME, data, repeats)?;
        let lik = ParetoNbdLikelihood::new(data);
        let fit = maximize(&lik, options)?;
        check_interior(&lik, &fit.params, fit.log_likelihood)?;
        Fitted::from_fit(fit)
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
    pub fn probability_alive_at(&self, t: f64, customers: &CustomerBatch<'_>) -> Result<Vec<f64>> {
        check_horizon("t", t)?;
        map_rows(customers, |x, tx, tt| {
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
        customers: &CustomerBatch<'_>,
    ) -> Result<Vec<f64>> {
        check_horizon("t", t)?;
        map_rows(customers, |x, tx, tt| {
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
