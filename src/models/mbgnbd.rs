//! # MBG/NBD: the modified beta-geometric / negative binomial distribution model
//!
//! Batislam, E. P., Denizel, M. & Filiztekin, A. (2007). "Empirical validation and comparison
//! of models for customer base analysis". *International Journal of Research in Marketing*
//! 24(3), 201–209. <https://doi.org/10.1016/j.ijresmar.2006.12.005>. Same model as
//! lifetimes' `ModifiedBetaGeoFitter` (and Hoppe & Wagner's 2007 "CBG/NBD" in spirit).
//!
//! ## The story
//!
//! As BG/NBD ([`crate::models::bgnbd`]): Poisson purchases with rate `λ ~ Gamma(r, α)` while
//! alive, dropout probability `p ~ Beta(a, b)`. The one change: the customer may also drop
//! out **right after the first purchase** (time 0), so a customer who never repeated is not
//! certainly alive — which fixes BG/NBD's "P(alive) = 1 for everyone with frequency 0".
//!
//! ## Data and units
//!
//! `x` = frequency, `t_x` = recency, `T` = age, all in the **periods of the summary**;
//! `α` and every horizon `t` in periods.
//!
//! ## Likelihood
//!
//! ```text
//! L = B(a, b+x+1)/B(a, b) · Γ(r+x) α^r / Γ(r) · (α+T)^{−(r+x)}
//!   + B(a+1, b+x)/B(a, b) · Γ(r+x) α^r / Γ(r) · (α+t_x)^{−(r+x)}
//! ```
//!
//! ## Predictions
//!
//! * `P(alive | x, t_x, T) = 1 / (1 + a/(b+x) · ((α+T)/(α+t_x))^{r+x})`;
//! * `E[Y(t) | x, t_x, T] = (a+b+x)/(a−1) · [1 − ((α+T)/(α+T+t))^{r+x}
//!   ₂F₁(r+x, b+x+1; a+b+x; t/(α+T+t))] · P(alive | x, t_x, T)` (evaluated stably, see
//!   `beta_geometric.rs`);
//! * `E[X(t)] = b/(a−1) · [1 − (α/(α+t))^r ₂F₁(r, b+1; a+b; t/(α+t))]` for a new customer;
//! * [`MbgNbd::probability_of_purchases`]: `P(X(t) = n) = B(a, b+n+1)/B(a, b) · NB(n)
//!   + B(a+1, b+n)/B(a, b) · I_{t/(α+t)}(n, r)` (the tail is 1 for `n = 0`);
//! * [`MbgNbd::simulate`]: customers drawn from the model with a seeded RNG.
//!
//! ## Example
//!
//! ```
//! use ltv::models::{mbgnbd::MbgNbd, CustomerBatch, TransactionModel};
//! // lifetimes 0.11.3 estimates on CDNOW (weeks)
//! let m = MbgNbd::new(0.5248, 6.1830, 0.8914, 1.6140)?;
//! let customers = CustomerBatch::new(&[0.0, 2.0], &[0.0, 30.43], &[38.86, 38.86])?;
//! let p = m.probability_alive(&customers)?;
//! assert!(p[0] < 1.0 && p[1] > 0.5);
//! # Ok::<(), ltv::Error>(())
//! ```

pub(crate) mod likelihood;
#[cfg(test)]
mod tests;

#[cfg(doc)]
use crate::error::Error;
use crate::error::Result;
use crate::fit::FitOptions;
use crate::models::beta_geometric::{alive_purchases, alive_purchases_path, nbd_counts};
use crate::models::bgnbd::{check_count, finite};
use crate::models::fitted::{Fitted, ModelParameters};
use crate::models::parameters::{given_parameters, positive_parameters};
use crate::models::simulation::{simulate_beta_geometric, SimulatedCustomers};
use crate::models::traits::check_horizon;
use crate::models::vectorised::alive_factored_predictions;
use crate::models::TransactionModel;
use crate::special::ln_beta;
use crate::summary::CompressedSummary;

pub(crate) use likelihood::MbgNbdLikelihood;

positive_parameters! {
    /// An MBG/NBD model with known parameters (`r`, `α` in periods, `a`, `b`), which predicts.
    pub struct MbgNbd("mbgnbd", "MbgNbdRecord") {
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

/// An MBG/NBD model estimated from data, with its fit record.
pub type FittedMbgNbd = Fitted<MbgNbd>;

impl MbgNbd {
    /// A model with the given parameters (`r`, `α` of the gamma distribution of purchase
    /// rates, `α` in periods; `a`, `b` of the beta distribution of dropout probabilities).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] unless every parameter is finite and > 0.
    pub fn new(r: f64, alpha: f64, a: f64, b: f64) -> Result<Self> {
        Self::from_parameters(&[r, alpha, a, b])
    }

    /// Estimates the model by maximum likelihood on a summary (compressed inside when it is
    /// per customer:
    /// [`ToCompressed`](crate::summary::ToCompressed)) (see
    /// [`crate::fit`]).
    ///
    /// # Errors
    /// [`Error::EmptyInput`] for no rows; [`Error::Unidentifiable`] when nobody made a repeat
    /// purchase; [`Error::NotConverged`] and the other errors of the optimizer.
    pub fn fit(
        data: &(impl crate::summary::ToCompressed + ?Sized),
        options: &FitOptions,
    ) -> Result<FittedMbgNbd> {
        MbgNbdLikelihood::fit(&data.to_compressed(), options)
    }

    /// Log-likelihood of the data at these parameters, summed over customers (weights).
    ///
    /// # Errors
    /// [`Error::Numerical`] if it is not finite.
    pub fn log_likelihood(&self, data: &CompressedSummary) -> Result<f64> {
        MbgNbdLikelihood::at(data, self)
    }

    /// Expected purchases in a window of length `t` of a customer alive at age `t_age` with
    /// `x` repeat purchases.
    /// [`Self::alive_expected`] at each of `horizons` (periods), into `out`: O(1) per
    /// horizon along a non-decreasing path (see `beta_geometric::alive_purchases_path`).
    fn alive_expected_path(
        &self,
        horizons: &[f64],
        x: f64,
        t_age: f64,
        out: &mut [f64],
    ) -> Result<()> {
        let c = self.a + self.b + x;
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
        let c = self.a + self.b + x;
        alive_purchases(c, 1.0, self.r + x, self.a, c, t / (self.alpha + t_age))
    }

    /// Probability of exactly `n` repeat purchases in `(0, t]` for a new customer
    /// (lifetimes `probability_of_n_purchases_up_to_time`), `t` in periods:
    /// `B(a, b+n+1)/B(a, b) · NB(n) + B(a+1, b+n)/B(a, b) · I_{t/(α+t)}(n, r)`, with
    /// `NB(n) = Γ(r+n)/(Γ(r) n!) (α/(α+t))^r (t/(α+t))^n` and the tail `I` equal to 1 for
    /// `n = 0` (customers who dropped out at time 0).
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
        let p = (ln_beta(a, b + n + 1.0) - lb + log_nb).exp()
            + (ln_beta(a + 1.0, b + n) - lb).exp() * tail;
        finite("probability of purchases", p).map(|p| p.clamp(0.0, 1.0))
    }

    /// Draws customers from the model with a seeded RNG; as [`crate::models::bgnbd::BgNbd::simulate`]
    /// but a customer may also drop out right after the first purchase (probability `p`).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for an age that is negative or not finite.
    pub fn simulate(&self, t_ages: &[f64], seed: u64) -> Result<SimulatedCustomers> {
        simulate_beta_geometric(self.to_parameters(), t_ages, seed, true)
    }
}

impl TransactionModel for MbgNbd {
    given_parameters!();
    alive_factored_predictions!();

    fn probability_alive_one(&self, frequency: f64, recency: f64, t_age: f64) -> Result<f64> {
        // 1 / (1 + a/(b+x) · ((α+T)/(α+t_x))^{r+x}); the power may overflow to +∞ (→ 0)
        let x = frequency;
        let ratio = (self.alpha + t_age) / (self.alpha + recency);
        let odds = self.a / (self.b + x) * ((self.r + x) * ratio.ln()).exp();
        finite("MBG/NBD probability alive", 1.0 / (1.0 + odds))
    }

    fn expected_purchases(&self, t: f64) -> Result<f64> {
        check_horizon("t", t)?;
        let c = self.a + self.b;
        alive_purchases(self.b, self.b / c, self.r, self.a, c, t / self.alpha)
    }
}
