//! # BG/NBD: the beta-geometric / negative binomial distribution model
//!
//! Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). "Counting your customers the easy way:
//! an alternative to the Pareto/NBD model". *Marketing Science* 24(2), 275–284.
//! <https://doi.org/10.1287/mksc.1040.0098>; implementation notes in Hardie's note 004.
//!
//! ## The story
//!
//! A customer makes a first purchase at time 0. While alive, they buy according to a Poisson
//! process with rate `λ`. After **each repeat purchase** they drop out for good with probability
//! `p` (so a customer who never repeats is certainly alive). Customers differ:
//! `λ ~ Gamma(shape r, rate α)` and `p ~ Beta(a, b)`, independently. Death is never observed:
//! a customer with no purchase for a long time may be dead or merely slow.
//!
//! ## Data and units
//!
//! Per customer: `x` = frequency (number of repeat purchases), `t_x` = recency (age at the last
//! purchase), `T` = age at the end of observation, all in the **periods of the summary** (days,
//! weeks, ...). `α` is in periods too; every horizon `t` of a prediction is in periods.
//!
//! ## Likelihood (paper eq. 6)
//!
//! ```text
//! L(r, α, a, b | x, t_x, T) = B(a, b+x)/B(a, b) · Γ(r+x) α^r / Γ(r) · (α+T)^{−(r+x)}
//!                           + 1{x>0} · B(a+1, b+x−1)/B(a, b) · Γ(r+x) α^r / Γ(r) · (α+t_x)^{−(r+x)}
//! ```
//!
//! maximised over the distinct rows of a [`CompressedSummary`] (each row's log-likelihood
//! times its weight), with an analytic gradient, on log-parameters; see [`crate::fit`].
//!
//! ## Predictions
//!
//! * [`TransactionModel::probability_alive_one`]: eq. (13),
//!   `P(alive | x, t_x, T) = 1 / (1 + 1{x>0} · a/(b+x−1) · ((α+T)/(α+t_x))^{r+x})`;
//! * [`TransactionModel::conditional_expected_purchases_one`]: eq. (10),
//!   `E[Y(t) | x, t_x, T] = (a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^{r+x}
//!   ₂F₁(r+x, b+x; a+b+x−1; t/(α+T+t))] · P(alive | x, t_x, T)`, evaluated stably as explained
//!   in `beta_geometric.rs` (no trouble at `a = 1`, short horizons or huge frequencies);
//! * [`TransactionModel::expected_purchases`]: eq. (9), the same with `x = t_x = T = 0`;
//! * [`BgNbd::probability_of_purchases`]: eq. (8), `P(X(t) = n)`;
//! * [`BgNbd::simulate`]: customers drawn from the model with a seeded RNG.
//!
//! ## Example
//!
//! ```
//! use ltv::fit::FitOptions;
//! use ltv::models::{bgnbd::BgNbd, CustomerBatch, TransactionModel};
//!
//! // 5,000 customers drawn from known parameters, each observed for 52 weeks
//! let truth = BgNbd::new(0.25, 4.0, 0.8, 2.5)?;
//! let data = truth.simulate(&vec![52.0; 5_000], 7)?.compressed()?;
//! let fitted = BgNbd::fit(&data, &FitOptions::default())?;
//! println!("{}", fitted.fit()); // estimates, standard errors, 95% intervals
//! // expected purchases in the next 52 weeks of a customer with 3 repeat purchases, the last
//! // in week 30, observed for 38 weeks
//! let customer = CustomerBatch::new(&[3.0], &[30.0], &[38.0])?;
//! let next_year = fitted.conditional_expected_purchases(52.0, &customer)?;
//! assert!(next_year[0] > 0.0);
//! # Ok::<(), ltv::Error>(())
//! ```

pub(crate) mod likelihood;
#[cfg(test)]
pub(crate) mod tests;

use crate::error::{Error, Result};
use crate::fit::FitOptions;
use crate::models::beta_geometric::{alive_purchases, alive_purchases_path, nbd_counts};
use crate::models::fitted::{Fitted, ModelParameters};
use crate::models::parameters::{given_parameters, positive_parameters};
use crate::models::simulation::{simulate_beta_geometric, SimulatedCustomers};
use crate::models::traits::check_horizon;
use crate::models::vectorised::alive_factored_predictions;
use crate::models::TransactionModel;
use crate::special::ln_beta;
use crate::summary::CompressedSummary;

pub(crate) use likelihood::BgNbdLikelihood;

positive_parameters! {
    /// A BG/NBD model with known parameters (`r`, `α` in periods, `a`, `b`), which predicts.
    ///
    /// Build it from parameters with [`BgNbd::new`] or estimate it with [`BgNbd::fit`].
    pub struct BgNbd("bgnbd", "BgNbdRecord") {
        /// Shape `r` of the gamma distribution of purchase rates.
        r,
        /// Rate `α` (in periods) of the gamma distribution of purchase rates.
        alpha,
        /// First shape `a` of the beta distribution of dropout probabilities.
        a,
        /// Second shape `b` of the beta distribution of dropout probabilities.
        b,
    }
}

/// A BG/NBD model estimated from data, with its fit record.
pub type FittedBgNbd = Fitted<BgNbd>;

impl BgNbd {
    /// A model with the given parameters: `r` and `α` (shape and rate, in periods, of the
    /// gamma distribution of purchase rates), `a` and `b` (of the beta distribution of
    /// dropout probabilities).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] unless every parameter is finite and > 0.
    ///
    /// ```
    /// // CDNOW estimates of Fader, Hardie & Lee (2005), weeks
    /// let m = ltv::models::bgnbd::BgNbd::new(0.243, 4.414, 0.793, 2.426)?;
    /// assert!(ltv::models::bgnbd::BgNbd::new(0.243, f64::NAN, 0.793, 2.426).is_err());
    /// # Ok::<(), ltv::Error>(())
    /// ```
    pub fn new(r: f64, alpha: f64, a: f64, b: f64) -> Result<Self> {
        Self::from_parameters(&[r, alpha, a, b])
    }

    /// Estimates the model by maximum likelihood on a summary (compressed inside when it is
    /// per customer:
    /// [`ToCompressed`](crate::summary::ToCompressed)) (see [`crate::fit`]
    /// for the optimizer, convergence and the penalizer).
    ///
    /// # Errors
    /// [`Error::EmptyInput`] for no rows; [`Error::Unidentifiable`] when nobody made a repeat
    /// purchase (the dropout process is then not identified and the likelihood has no
    /// maximum); [`Error::NotConverged`] and the other errors of the optimizer.
    pub fn fit(
        data: &(impl crate::summary::ToCompressed + ?Sized),
        options: &FitOptions,
    ) -> Result<FittedBgNbd> {
        BgNbdLikelihood::fit(&data.to_compressed(), options)
    }

    /// Log-likelihood of the data at these parameters, summed over customers (weights).
    ///
    /// # Errors
    /// [`Error::Numerical`] if it is not finite.
    pub fn log_likelihood(&self, data: &CompressedSummary) -> Result<f64> {
        BgNbdLikelihood::at(data, self)
    }

    /// Expected purchases in a window of length `t` of a customer alive at age `t_age` with `x`
    /// repeat purchases (the numerator of eq. 10).
    /// [`Self::alive_expected`] at each of `horizons` (periods), into `out`: O(1) per
    /// horizon along a non-decreasing path (see `beta_geometric::alive_purchases_path`).
    fn alive_expected_path(
        &self,
        horizons: &[f64],
        x: f64,
        t_age: f64,
        out: &mut [f64],
    ) -> Result<()> {
        let c = self.a + self.b + x - 1.0;
        alive_purchases_path(
            c,
            1.0,
            self.r + x,
            self.a,
            c,
            self.alpha + t_age,
            horizons,
            out,
        )
    }

    fn alive_expected(&self, t: f64, x: f64, t_age: f64) -> Result<f64> {
        let c = self.a + self.b + x - 1.0;
        alive_purchases(c, 1.0, self.r + x, self.a, c, t / (self.alpha + t_age))
    }

    /// Probability of exactly `n` repeat purchases in `(0, t]` for a new customer (paper
    /// eq. 8; lifetimes `probability_of_n_purchases_up_to_time`), `t` in periods:
    ///
    /// ```text
    /// P(X(t)=n) = B(a, b+n)/B(a, b) · Γ(r+n)/(Γ(r) n!) · (α/(α+t))^r (t/(α+t))^n
    ///           + 1{n>0} · B(a+1, b+n−1)/B(a, b) · I_{t/(α+t)}(n, r)
    /// ```
    ///
    /// where `I` is the regularised incomplete beta function (the negative-binomial tail
    /// `1 − Σ_{j<n} NB(j)`, computed without cancellation).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for `t` negative or not finite, or `n` not a non-negative
    /// integer.
    pub fn probability_of_purchases(&self, t: f64, n: f64) -> Result<f64> {
        check_horizon("t", t)?;
        check_count(n)?;
        let (log_nb, tail) = nbd_counts(self.r, self.alpha, t, n)?;
        let (a, b) = (self.a, self.b);
        let lb = ln_beta(a, b);
        let mut p = (ln_beta(a, b + n) - lb + log_nb).exp();
        if n > 0.0 {
            p += (ln_beta(a + 1.0, b + n - 1.0) - lb).exp() * tail;
        }
        finite("probability of purchases", p).map(|p| p.clamp(0.0, 1.0))
    }

    /// Draws `t_ages.len()` customers from the model, customer `i` observed for `t_ages[i]`
    /// periods after the first purchase, with a seeded RNG (same seed, same customers).
    ///
    /// Each customer gets `λ ~ Gamma(r, α)`, `p ~ Beta(a, b)`, exponential gaps between
    /// purchases, and after each repeat purchase drops out with probability `p`.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for an age that is negative or not finite.
    pub fn simulate(&self, t_ages: &[f64], seed: u64) -> Result<SimulatedCustomers> {
        simulate_beta_geometric(self.to_parameters(), t_ages, seed, false)
    }
}

/// Checks that a count is a non-negative integer.
pub(crate) fn check_count(n: f64) -> Result<()> {
    if !(n.is_finite() && n >= 0.0 && n.fract() == 0.0) {
        return Err(Error::invalid_parameter(
            "n",
            n,
            "must be a non-negative integer",
        ));
    }
    Ok(())
}

/// Turns a non-finite result into an error.
pub(crate) fn finite(context: &str, v: f64) -> Result<f64> {
    if v.is_finite() {
        Ok(v)
    } else {
        Err(Error::numerical(context, format!("non-finite value {v}")))
    }
}

impl TransactionModel for BgNbd {
    given_parameters!();
    alive_factored_predictions!();

    fn probability_alive_one(&self, frequency: f64, recency: f64, t_age: f64) -> Result<f64> {
        if frequency == 0.0 {
            return Ok(1.0);
        }
        // 1 / (1 + a/(b+x−1) · ((α+T)/(α+t_x))^{r+x}); the power may overflow to +∞ (→ 0)
        let x = frequency;
        let ratio = (self.alpha + t_age) / (self.alpha + recency);
        let odds = self.a / (self.b + x - 1.0) * ((self.r + x) * ratio.ln()).exp();
        finite("BG/NBD probability alive", 1.0 / (1.0 + odds))
    }

    fn expected_purchases(&self, t: f64) -> Result<f64> {
        check_horizon("t", t)?;
        self.alive_expected(t, 0.0, 0.0)
    }
}
