//! BG/BB predictions (Fader, Hardie & Shang 2010, eq. 7, 8, 11, 13) and simulation.

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use rand_distr::{Beta, Distribution};
use statrs::function::gamma::ln_gamma;

use super::likelihood::{ln_beta, row_log_likelihood, Common};
use super::{check_discrete_row, check_periods, BgBb};
use crate::error::{Error, Result};
use crate::models::bgnbd::finite;
use crate::models::fitted::ModelParameters;
use crate::summary::CompressedSummary;

impl BgBb {
    /// `ln L` of one history (all terms), checked.
    fn ln_likelihood_row(&self, x: f64, tx: f64, n: f64) -> Result<f64> {
        check_discrete_row(1, x, tx, n)?;
        let p = self.to_parameters();
        let (l, _) = row_log_likelihood(&p, x, tx, n, false);
        Ok(l + Common::new(&p, false).value)
    }

    /// Probability that a customer with `x` transactions (`frequency`), the last in period
    /// `t_x` (`recency`), out of `n` opportunities (`periods`) is alive at period `n + m`:
    ///
    /// ```text
    /// P(alive at n+m | x, t_x, n) = B(α+x, β+n−x)/B(α,β) · B(γ, δ+n+m)/B(γ,δ) / L(x, t_x, n)
    /// ```
    ///
    /// `m = 0` (lifetimes' default) is the probability of having survived to the last
    /// opportunity; `m = 1` is the paper's "alive in period n+1" (eq. 11). All arguments are
    /// whole numbers of periods.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for a bad `m`; [`Error::InvalidField`] for a history that
    /// breaks the rules in the [module docs](super); [`Error::Numerical`] if not finite.
    ///
    /// ```
    /// let m = ltv::models::bgbb::BgBb::new(1.2035, 0.7497, 0.6567, 2.7834)?;
    /// // a donor who never gave again in 6 years: alive in year 7 with probability ~0.11
    /// assert!((m.probability_alive(1.0, 0.0, 0.0, 6.0)? - 0.1081).abs() < 1e-4);
    /// # Ok::<(), ltv::Error>(())
    /// ```
    pub fn probability_alive(
        &self,
        m: f64,
        frequency: f64,
        recency: f64,
        periods: f64,
    ) -> Result<f64> {
        check_periods("m", m)?;
        let (x, n) = (frequency, periods);
        let ll = self.ln_likelihood_row(x, recency, n)?;
        let (al, be, ga, de) = (self.alpha, self.beta, self.gamma, self.delta);
        let log_p = ln_beta(al + x, be + n - x) - ln_beta(al, be) + ln_beta(ga, de + n + m)
            - ln_beta(ga, de)
            - ll;
        finite("BG/BB probability alive", log_p.exp().min(1.0))
    }

    /// Vectorised [`BgBb::probability_alive`] over customers (same `m` for all).
    ///
    /// # Errors
    /// [`Error::LengthMismatch`] for columns of different lengths; otherwise as the scalar
    /// method, with the 1-based row in [`Error::InvalidField`].
    pub fn probability_alive_many(
        &self,
        m: f64,
        frequency: &[f64],
        recency: &[f64],
        periods: &[f64],
    ) -> Result<Vec<f64>> {
        check_periods("m", m)?;
        map_histories(frequency, recency, periods, |x, tx, n| {
            self.probability_alive(m, x, tx, n)
        })
    }

    /// Expected number of transactions in the next `future` opportunities (periods
    /// `n+1, …, n+future`) of a customer with history `(x, t_x, n)` (paper eq. 13):
    ///
    /// ```text
    /// E[X(n, n+n*) | x, t_x, n] = B(α+x+1, β+n−x)/B(α,β) / L(x, t_x, n) · Σ_{i=1}^{n*} B(γ, δ+n+i)/B(γ,δ)
    /// ```
    ///
    /// (an alive customer transacts with expected probability `(α+x)/(α+β+n)` per period and
    /// survives to period `n+i` with the posterior probability in the sum). lifetimes'
    /// `conditional_expected_number_of_purchases_up_to_time(m_periods_in_future, …)`.
    ///
    /// # Errors
    /// As [`BgBb::probability_alive`].
    pub fn conditional_expected_transactions(
        &self,
        future: f64,
        frequency: f64,
        recency: f64,
        periods: f64,
    ) -> Result<f64> {
        check_periods("future periods", future)?;
        let (x, n) = (frequency, periods);
        let ll = self.ln_likelihood_row(x, recency, n)?;
        let (al, be) = (self.alpha, self.beta);
        let ln_head = ln_beta(al + x + 1.0, be + n - x) - ln_beta(al, be) - ll;
        let s = self.dropout_sum(n, future);
        finite("BG/BB conditional expected transactions", ln_head.exp() * s)
    }

    /// Expected number of transactions of a new customer in the first `periods`
    /// opportunities (paper eq. 8): `α/(α+β) · Σ_{i=1}^{n} B(γ, δ+i)/B(γ,δ)`.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] unless `periods` is a non-negative whole number.
    ///
    /// ```
    /// let m = ltv::models::bgbb::BgBb::new(1.2035, 0.7497, 0.6567, 2.7834)?;
    /// let e6 = m.expected_transactions(6.0)?;
    /// assert!(e6 > 0.0 && e6 < 6.0 * 1.2035 / (1.2035 + 0.7497));
    /// # Ok::<(), ltv::Error>(())
    /// ```
    pub fn expected_transactions(&self, periods: f64) -> Result<f64> {
        check_periods("periods", periods)?;
        let mean_p = self.alpha / (self.alpha + self.beta);
        finite(
            "BG/BB expected transactions",
            mean_p * self.dropout_sum(0.0, periods),
        )
    }

    /// Probability that a new customer makes exactly `x` transactions in the first `periods`
    /// opportunities (paper eq. 7):
    ///
    /// ```text
    /// P(X(n) = x) = C(n, x) B(α+x, β+n−x)/B(α,β) · B(γ, δ+n)/B(γ,δ)
    ///             + Σ_{i=x}^{n−1} C(i, x) B(α+x, β+i−x)/B(α,β) · B(γ+1, δ+i)/B(γ,δ)
    /// ```
    ///
    /// lifetimes' `expected_number_of_transactions_in_first_n_periods(n)` is this times the
    /// number of customers.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] unless `x` and `periods` are whole numbers with
    /// `0 ≤ x ≤ periods`.
    pub fn probability_of_transactions(&self, x: f64, periods: f64) -> Result<f64> {
        check_periods("periods", periods)?;
        check_periods("x", x)?;
        let n = periods;
        if x > n {
            return Err(Error::invalid_parameter(
                "x",
                x,
                format!("cannot exceed the number of periods ({n})"),
            ));
        }
        let (al, be, ga, de) = (self.alpha, self.beta, self.gamma, self.delta);
        let common = -ln_beta(al, be) - ln_beta(ga, de);
        let ln_choose = |i: f64| ln_gamma(i + 1.0) - ln_gamma(x + 1.0) - ln_gamma(i - x + 1.0);
        let mut terms = Vec::with_capacity((n - x) as usize + 1);
        terms.push(ln_choose(n) + ln_beta(al + x, be + n - x) + ln_beta(ga, de + n) + common);
        let mut i = x;
        while i < n {
            terms.push(
                ln_choose(i) + ln_beta(al + x, be + i - x) + ln_beta(ga + 1.0, de + i) + common,
            );
            i += 1.0;
        }
        let p = crate::special::log_sum_exp(&terms).exp();
        finite("BG/BB probability of transactions", p.min(1.0))
    }

    /// `Σ_{i=1}^{N} B(γ, δ+n0+i)/B(γ,δ)`: the expected number of periods `n0+1 … n0+N` a
    /// customer alive at `n0` survives (up to the factor of the posterior).
    ///
    /// With `Q(m) = B(γ, δ+m)/B(γ,δ)` and `G(m) = (δ+m) Q(m)`, `G(m) − G(m+1) = (γ−1) Q(m+1)`,
    /// so the sum is `[G(n0) − G(n0+N)]/(γ−1)` (the paper's closed form). Writing
    /// `G(n0+N)/G(n0) = Π_j (1 + ε_j)`, `ε_j = (1−γ)/(γ+δ+n0+j)`, `L = Σ_j ln(1+ε_j)`:
    ///
    /// ```text
    /// sum = G(n0) · expm1(L)/L · Σ_j [ln(1+ε_j)/ε_j] / (γ+δ+n0+j),    j = 0 … N−1
    /// ```
    ///
    /// which has no division by `γ − 1` and no cancellation: exact for every `γ`, including
    /// `γ = 1` (where it is `δ Σ 1/(δ+n0+i)`). Cost O(N).
    pub(crate) fn dropout_sum(&self, n0: f64, count: f64) -> f64 {
        if count <= 0.0 {
            return 0.0;
        }
        let (ga, de) = (self.gamma, self.delta);
        let ln_g0 = (de + n0).ln() + ln_beta(ga, de + n0) - ln_beta(ga, de);
        let one_minus_gamma = 1.0 - ga;
        let mut l = 0.0;
        let mut h = 0.0;
        let mut j = 0.0;
        while j < count {
            let d = ga + de + n0 + j;
            let eps = one_minus_gamma / d;
            let lp = eps.ln_1p();
            l += lp;
            h += if eps == 0.0 { 1.0 } else { lp / eps } / d;
            j += 1.0;
        }
        let ratio = if l == 0.0 { 1.0 } else { l.exp_m1() / l };
        ln_g0.exp() * ratio * h
    }

    /// Draws customers from the model: customer `i` gets `p ~ Beta(α, β)` and
    /// `θ ~ Beta(γ, δ)`; at each of the `periods[i]` opportunities after the first it first
    /// dies with probability `θ` (for good), then, if alive, transacts with probability `p`.
    /// Returns the compressed summary `(x, t_x, n)` with a seeded RNG (same seed, same data).
    ///
    /// # Errors
    /// [`Error::InvalidField`] for a number of periods that is not a non-negative whole
    /// number.
    pub fn simulate(&self, periods: &[f64], seed: u64) -> Result<CompressedSummary> {
        for (i, &n) in periods.iter().enumerate() {
            if !(n.is_finite() && n >= 0.0 && n.fract() == 0.0) {
                return Err(Error::invalid_field(
                    i as u64 + 1,
                    "periods",
                    n.to_string(),
                    "must be a non-negative whole number",
                ));
            }
        }
        let bad = |e: rand_distr::BetaError| Error::numerical("BG/BB simulation", e.to_string());
        let p_dist = Beta::new(self.alpha, self.beta).map_err(bad)?;
        let theta_dist = Beta::new(self.gamma, self.delta).map_err(bad)?;
        let mut rng = StdRng::seed_from_u64(seed);
        let k = periods.len();
        let (mut xs, mut txs) = (Vec::with_capacity(k), Vec::with_capacity(k));
        for &n in periods {
            let p: f64 = p_dist.sample(&mut rng);
            let theta: f64 = theta_dist.sample(&mut rng);
            let (mut x, mut tx) = (0.0, 0.0);
            let mut t = 1.0;
            while t <= n {
                if rng.random::<f64>() < theta {
                    break;
                }
                if rng.random::<f64>() < p {
                    x += 1.0;
                    tx = t;
                }
                t += 1.0;
            }
            xs.push(x);
            txs.push(tx);
        }
        CompressedSummary::from_weighted_rows(&xs, &txs, periods, &vec![1.0; k])
    }
}

/// `f(x, t_x, n)` on every row (in parallel with feature `parallel`) after checking that the
/// three columns have equal lengths and every row is a discrete-time history (1-based row
/// numbers in the errors).
pub(crate) fn map_histories(
    frequency: &[f64],
    recency: &[f64],
    periods: &[f64],
    f: impl Fn(f64, f64, f64) -> Result<f64> + Sync,
) -> Result<Vec<f64>> {
    for (name, len) in [("recency", recency.len()), ("periods", periods.len())] {
        if len != frequency.len() {
            return Err(Error::LengthMismatch {
                left: "frequency".into(),
                left_len: frequency.len(),
                right: name.into(),
                right_len: len,
            });
        }
    }
    for i in 0..frequency.len() {
        check_discrete_row(i as u64 + 1, frequency[i], recency[i], periods[i])?;
    }
    crate::models::vectorised::fill_rows(frequency.len(), |start, out, _| {
        for (k, v) in out.iter_mut().enumerate() {
            let i = start + k;
            *v = f(frequency[i], recency[i], periods[i])?;
        }
        Ok(())
    })
}
