//! # BG/BB: the beta-geometric / beta-Bernoulli model (discrete time)
//!
//! Fader, P. S., Hardie, B. G. S. & Shang, J. (2010). "Customer-base analysis in a
//! discrete-time noncontractual setting". *Marketing Science* 29(6), 1086–1108.
//! <https://doi.org/10.1287/mksc.1100.0580>
//!
//! ## The story
//!
//! Transactions can only happen at discrete, equally spaced **opportunities** (a yearly
//! fundraising drive, a weekly show, an annual conference): period `1, 2, …, n`. While alive, a
//! customer transacts at each opportunity with probability `p` (a Bernoulli trial). At the
//! start of each period after the first a living customer dies (becomes permanently inactive)
//! with probability `θ`. Customers differ: `p ~ Beta(α, β)` and `θ ~ Beta(γ, δ)`,
//! independently. Death is never observed.
//!
//! ## Data and units
//!
//! Per customer: `x` = number of transactions in the `n` opportunities after the first
//! (`frequency`), `t_x` = the opportunity (1..n) of the last one, 0 if none (`recency`), and
//! `n` (`periods`, the summary's `T` column). All three are whole numbers of periods, with
//! `0 ≤ x ≤ t_x ≤ n` and `t_x = 0` when `x = 0`. Every prediction horizon is a whole number of
//! periods. Data typically come as patterns with counts (weights), as in
//! [`crate::datasets::donations`].
//!
//! ## Likelihood (paper eq. 5)
//!
//! ```text
//! L(α, β, γ, δ | x, t_x, n) = B(α+x, β+n−x)/B(α,β) · B(γ, δ+n)/B(γ,δ)
//!                          + Σ_{i=0}^{n−t_x−1} B(α+x, β+t_x−x+i)/B(α,β) · B(γ+1, δ+t_x+i)/B(γ,δ)
//! ```
//!
//! maximised over the weighted rows with an analytic gradient on log-parameters
//! ([`crate::fit`]).
//!
//! ## Predictions
//!
//! * [`BgBb::probability_alive`]: `P(alive at period n+m | x, t_x, n)
//!   = B(α+x, β+n−x)/B(α,β) · B(γ, δ+n+m)/B(γ,δ) / L` (paper eq. 11 for `m = 1`; `m = 0` is
//!   lifetimes' default);
//! * [`BgBb::conditional_expected_transactions`]: transactions in the next `n*` periods
//!   (paper eq. 13),
//!   `E[X(n, n+n*) | x, t_x, n] = B(α+x+1, β+n−x)/B(α,β) / L · Σ_{i=1}^{n*} B(γ, δ+n+i)/B(γ,δ)`;
//! * [`BgBb::expected_transactions`]: transactions of a new customer in the first `n`
//!   periods (paper eq. 8), `α/(α+β) · Σ_{i=1}^{n} B(γ, δ+i)/B(γ,δ)`;
//! * [`BgBb::probability_of_transactions`]: `P(X(n) = x)` (paper eq. 7).
//!
//! The paper writes the sums `Σ B(γ, δ+n+i)/B(γ,δ)` in closed form with a factor
//! `δ/(γ−1)` (lifetimes evaluates it as written: 0/0 at `γ = 1`); here they are evaluated by
//! a telescoping identity that is exact for every `γ` (see `dropout_sum`).
//!
//! ## Example
//!
//! ```
//! use ltv::datasets;
//! use ltv::fit::FitOptions;
//! use ltv::models::bgbb::BgBb;
//!
//! // 11,104 donors, 6 yearly opportunities, as 22 weighted patterns
//! let data = datasets::donations()?.compress();
//! let fitted = BgBb::fit(&data, &FitOptions::default())?;
//! let m = fitted.model();
//! // alive next year after giving in 2 of 6 years, last in year 4 (paper: 0.59)
//! let alive = m.probability_alive(1.0, 2.0, 4.0, 6.0)?;
//! assert!((alive - 0.5897).abs() < 1e-3);
//! # Ok::<(), ltv::Error>(())
//! ```

mod likelihood;
mod predict;
#[cfg(test)]
mod tests;

use crate::error::{Error, Result};
use crate::fit::{maximize, FitOptions};
use crate::models::fitted::{Fitted, ModelParameters};
use crate::models::parameters::{given_parameters, positive_parameters};
use crate::models::TransactionModel;
use crate::summary::CompressedSummary;

pub(crate) use likelihood::BgBbLikelihood;

positive_parameters! {
    /// A BG/BB model with known parameters (`α`, `β` of the beta distribution of transaction
    /// probabilities; `γ`, `δ` of the beta distribution of dropout probabilities), which
    /// predicts.
    ///
    /// Build it from parameters with [`BgBb::new`] or estimate it with [`BgBb::fit`].
    pub struct BgBb("bgbb", "BgBbRecord") {
        /// `α` of the beta distribution of transaction probabilities.
        alpha,
        /// `β` of the beta distribution of transaction probabilities.
        beta,
        /// `γ` of the beta distribution of dropout probabilities.
        gamma,
        /// `δ` of the beta distribution of dropout probabilities.
        delta,
    }
}

/// A BG/BB model estimated from data, with its fit record.
pub type FittedBgBb = Fitted<BgBb>;

impl BgBb {
    /// A model with the given parameters, all finite and > 0: `α`, `β` (transaction
    /// probability `p ~ Beta(α, β)`) and `γ`, `δ` (dropout probability `θ ~ Beta(γ, δ)`).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming the first bad parameter.
    ///
    /// ```
    /// // the donations estimates of Fader, Hardie & Shang (2010)
    /// let m = ltv::models::bgbb::BgBb::new(1.204, 0.750, 0.657, 2.783)?;
    /// assert!(ltv::models::bgbb::BgBb::new(1.204, 0.0, 0.657, 2.783).is_err());
    /// # Ok::<(), ltv::Error>(())
    /// ```
    pub fn new(alpha: f64, beta: f64, gamma: f64, delta: f64) -> Result<Self> {
        Self::from_parameters(&[alpha, beta, gamma, delta])
    }

    /// Estimates the model by maximum likelihood on a summary (compressed inside when it is
    /// per customer:
    /// [`ToCompressed`](crate::summary::ToCompressed)) whose `T` column
    /// holds the number of opportunities `n` (see the [module docs](self) for the data rules;
    /// [`crate::fit`] for the optimizer, convergence and the penalizer, which has lifetimes'
    /// `penalizer_coef` meaning).
    ///
    /// # Errors
    /// [`Error::EmptyInput`] for no rows; [`Error::InvalidField`] (row of the compressed
    /// summary, numbered from 1) for a row that is not a discrete-time history;
    /// [`Error::Unidentifiable`] when nobody transacted or nobody had an opportunity;
    /// [`Error::NotConverged`] and the other errors of the optimizer.
    pub fn fit(
        data: &(impl crate::summary::ToCompressed + ?Sized),
        options: &FitOptions,
    ) -> Result<FittedBgBb> {
        let data: &CompressedSummary = &data.to_compressed();
        check_data(data)?;
        Fitted::from_fit(maximize(&BgBbLikelihood::new(data), options)?)
    }

    /// Log-likelihood of the data at these parameters, summed over customers (weights).
    ///
    /// # Errors
    /// As [`BgBb::fit`] for the data; [`Error::Numerical`] if the value is not finite.
    pub fn log_likelihood(&self, data: &CompressedSummary) -> Result<f64> {
        use crate::fit::Likelihood;
        for i in 0..data.len() {
            check_discrete_row(
                i as u64 + 1,
                data.frequency()[i],
                data.recency()[i],
                data.t()[i],
            )?;
        }
        BgBbLikelihood::new(data).log_likelihood(&self.to_parameters(), None)
    }
}

/// Checks the data of a BG/BB fit.
fn check_data(data: &CompressedSummary) -> Result<()> {
    if data.is_empty() {
        return Err(Error::EmptyInput {
            what: "bgbb: the summary has no customers".into(),
        });
    }
    let (x, tx, n) = (data.frequency(), data.recency(), data.t());
    for i in 0..data.len() {
        check_discrete_row(i as u64 + 1, x[i], tx[i], n[i])?;
    }
    if !x.iter().any(|&v| v > 0.0) {
        return Err(Error::Unidentifiable {
            model: "bgbb".into(),
            reason: "nobody made a transaction (every frequency is 0): transaction and dropout \
                     probabilities cannot be told apart"
                .into(),
        });
    }
    if !x.iter().zip(n).any(|(&xi, &ni)| xi < ni) {
        return Err(Error::Unidentifiable {
            model: "bgbb".into(),
            reason: "every customer transacted at every opportunity: the likelihood has no \
                     maximum (beta → 0)"
                .into(),
        });
    }
    Ok(())
}

/// Checks one discrete-time history: `x`, `t_x`, `n` non-negative integers with
/// `0 ≤ x ≤ t_x ≤ n` and `t_x = 0` when `x = 0`. `row` is 1-based.
pub(crate) fn check_discrete_row(row: u64, x: f64, tx: f64, n: f64) -> Result<()> {
    let whole = |v: f64| v.is_finite() && v >= 0.0 && v.fract() == 0.0;
    let bad = |column: &str, value: f64, rule: String| {
        Err(Error::invalid_field(row, column, value.to_string(), rule))
    };
    if !whole(x) {
        return bad(
            "frequency",
            x,
            "must be a non-negative whole number of transactions".into(),
        );
    }
    if !whole(tx) {
        return bad(
            "recency",
            tx,
            "must be a non-negative whole number of periods".into(),
        );
    }
    if !whole(n) {
        return bad(
            "periods",
            n,
            "must be a non-negative whole number of periods".into(),
        );
    }
    if tx > n {
        return bad(
            "recency",
            tx,
            format!("the last transaction period must not exceed periods ({n})"),
        );
    }
    if x > tx {
        return bad(
            "frequency",
            x,
            format!(
                "cannot exceed recency ({tx}): x transactions need x distinct periods up to t_x"
            ),
        );
    }
    if x == 0.0 && tx > 0.0 {
        return bad("recency", tx, "must be 0 when frequency is 0".into());
    }
    Ok(())
}

/// Checks a number of future periods: a non-negative whole number.
pub(crate) fn check_periods(name: &str, m: f64) -> Result<()> {
    if !(m.is_finite() && m >= 0.0 && m.fract() == 0.0) {
        return Err(Error::invalid_parameter(
            name,
            m,
            "must be a non-negative whole number of periods",
        ));
    }
    Ok(())
}

/// BG/BB as a [`TransactionModel`]: `t`, `recency` and `T` (the number of opportunities) are
/// whole numbers of periods; a fractional horizon or history is an error.
/// `probability_alive_one` is the probability of being alive at period `n` (`m = 0`).
impl TransactionModel for BgBb {
    given_parameters!();

    fn conditional_expected_purchases_one(
        &self,
        t: f64,
        frequency: f64,
        recency: f64,
        t_age: f64,
    ) -> Result<f64> {
        self.conditional_expected_transactions(t, frequency, recency, t_age)
    }

    fn probability_alive_one(&self, frequency: f64, recency: f64, t_age: f64) -> Result<f64> {
        self.probability_alive(0.0, frequency, recency, t_age)
    }

    fn expected_purchases(&self, t: f64) -> Result<f64> {
        self.expected_transactions(t)
    }

    /// The batch's rows also follow BG/BB's discrete-time rules (whole periods, `x ≤ t_x`),
    /// checked here: those are the model's, not the summary's.
    fn conditional_expected_purchases(
        &self,
        t: f64,
        customers: &crate::models::CustomerBatch<'_>,
    ) -> Result<Vec<f64>> {
        check_periods("t", t)?;
        let (x, tx, n) = (customers.frequency(), customers.recency(), customers.t());
        predict::map_histories(x, tx, n, |x, tx, n| {
            self.conditional_expected_transactions(t, x, tx, n)
        })
    }

    fn probability_alive(&self, customers: &crate::models::CustomerBatch<'_>) -> Result<Vec<f64>> {
        let (x, tx, n) = (customers.frequency(), customers.recency(), customers.t());
        self.probability_alive_many(0.0, x, tx, n)
    }
}
