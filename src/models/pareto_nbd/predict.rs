//! Pareto/NBD predictions for one customer, at given parameters.
//!
//! Formulas from Fader & Hardie (2005), "A Note on Deriving the Pareto/NBD Model and Related
//! Expressions", and (for the number of purchases) Fader & Hardie, "Deriving the Conditional
//! PMF of the Pareto/NBD Model" (brucehardie.com note 028). Given the history `(x, t_x, T)` and that the customer is alive at `T`,
//! the purchase rate is `λ ~ Gamma(r+x, α+T)` and the dropout rate `μ ~ Gamma(s, β+T)`,
//! independently; every prediction below integrates over these and multiplies by
//! `P(alive at T)`.

use super::params::ParetoNbd;
use super::quadrature::integrate;
use super::row::{row_terms, FrequencyTerms, RowTerms};
use crate::error::{Error, Result};
use crate::models::check_horizon;
use crate::summary::check_rfm_row;
use statrs::function::gamma::ln_gamma;

/// `(1 - e^{εL}) / ε` for `L ≤ 0`, with its limit `-L` at `ε = 0`: the integral
/// `∫_0^t (B/(B+u))^{ε+1} du / B` with `L = ln(B/(B+t))`.
fn one_minus_power_over(eps: f64, l: f64) -> f64 {
    if eps == 0.0 {
        -l
    } else {
        -(eps * l).exp_m1() / eps
    }
}

impl ParetoNbd {
    fn terms(&self, x: f64, t_x: f64, t_age: f64, grad: bool) -> Result<RowTerms> {
        check_rfm_row(1, x, t_x, t_age)?;
        let ft = FrequencyTerms::new(self, x, grad);
        row_terms(self, &ft, t_x, t_age, grad)
    }

    /// Log-likelihood of one customer, `ln L(r, α, s, β | x, t_x, T)` (Fader & Hardie 2005,
    /// eq. 18), evaluated stably in log space. Times in periods.
    ///
    /// # Errors
    /// [`Error::InvalidField`] for an invalid history, [`Error::Numerical`] should the
    /// evaluation fail.
    pub fn log_likelihood_one(&self, frequency: f64, recency: f64, t_age: f64) -> Result<f64> {
        Ok(self.terms(frequency, recency, t_age, false)?.ln_l)
    }

    /// Gradient `∂ ln L / ∂(r, α, s, β)` of one customer's log-likelihood.
    ///
    /// # Errors
    /// As [`ParetoNbd::log_likelihood_one`].
    pub fn log_likelihood_gradient_one(
        &self,
        frequency: f64,
        recency: f64,
        t_age: f64,
    ) -> Result<[f64; 4]> {
        Ok(self.terms(frequency, recency, t_age, true)?.grad)
    }

    /// `P(alive at T)` and `∂ ln L / ∂(r, α, s, β)` of one customer from one evaluation of
    /// the likelihood (the value module's derivatives need both; computing them apart
    /// evaluates the tail integrals twice).
    pub(crate) fn alive_and_gradient_one(
        &self,
        frequency: f64,
        recency: f64,
        t_age: f64,
    ) -> Result<(f64, [f64; 4])> {
        let t = self.terms(frequency, recency, t_age, true)?;
        Ok((t.p_alive, t.grad))
    }

    /// Probability that a customer with history `(x, t_x, T)` is alive at `T`
    /// (Fader & Hardie 2005, eq. 36–37):
    ///
    /// ```text
    /// P(alive) = Γ(r+x) α^r β^s / (Γ(r) (α+T)^{r+x} (β+T)^s L(r, α, s, β | x, t_x, T)).
    /// ```
    ///
    /// # Errors
    /// As [`ParetoNbd::log_likelihood_one`].
    pub fn probability_alive_one(&self, frequency: f64, recency: f64, t_age: f64) -> Result<f64> {
        Ok(self.terms(frequency, recency, t_age, false)?.p_alive)
    }

    /// Probability that the customer is alive at `T + t` (`t` periods after the end of
    /// observation): `P(alive at T) · ((β+T)/(β+T+t))^s`, the survival of a
    /// `Gamma(s, β+T)`-mixed exponential lifetime.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for a negative or non-finite `t`, else as
    /// [`ParetoNbd::log_likelihood_one`].
    pub fn probability_alive_at_one(
        &self,
        t: f64,
        frequency: f64,
        recency: f64,
        t_age: f64,
    ) -> Result<f64> {
        check_horizon("t", t)?;
        let pa = self.probability_alive_one(frequency, recency, t_age)?;
        let b = self.beta + t_age;
        Ok(pa * (self.s * (b / (b + t)).ln()).exp())
    }

    /// Expected number of purchases in `(T, T+t]` of a customer with history `(x, t_x, T)`
    /// (Fader & Hardie 2005, eq. 41):
    ///
    /// ```text
    /// E[X(T, T+t)] = P(alive) · (r+x)(β+T) / ((α+T)(s-1)) · [1 - ((β+T)/(β+T+t))^{s-1}],
    /// ```
    ///
    /// with the limit `(r+x)(β+T)/(α+T) · ln((β+T+t)/(β+T))` at `s = 1`. Times in periods.
    ///
    /// # Errors
    /// As [`ParetoNbd::probability_alive_at_one`].
    pub fn conditional_expected_purchases_one(
        &self,
        t: f64,
        frequency: f64,
        recency: f64,
        t_age: f64,
    ) -> Result<f64> {
        let mut out = [0.0];
        self.conditional_expected_purchases_path_one(&[t], frequency, recency, t_age, &mut out)?;
        Ok(out[0])
    }

    /// [`ParetoNbd::conditional_expected_purchases_one`] at several horizons (periods),
    /// into `out`: `P(alive)` is computed once.
    ///
    /// # Errors
    /// As [`ParetoNbd::conditional_expected_purchases_one`]; [`Error::LengthMismatch`]
    /// when `out` and `horizons` differ in length.
    pub fn conditional_expected_purchases_path_one(
        &self,
        horizons: &[f64],
        frequency: f64,
        recency: f64,
        t_age: f64,
        out: &mut [f64],
    ) -> Result<()> {
        if out.len() != horizons.len() {
            return Err(Error::LengthMismatch {
                left: "horizons".into(),
                left_len: horizons.len(),
                right: "out".into(),
                right_len: out.len(),
            });
        }
        let pa = self.probability_alive_one(frequency, recency, t_age)?;
        self.conditional_expected_purchases_path_given_alive(pa, horizons, frequency, t_age, out)
    }

    /// [`ParetoNbd::conditional_expected_purchases_path_one`] from a known `P(alive at T)`
    /// (eq. 41 is `P(alive)` times a closed form in `(x, T)`), for callers that have it from
    /// [`ParetoNbd::alive_and_gradient_one`]. `out` and `horizons` have the same length.
    pub(crate) fn conditional_expected_purchases_path_given_alive(
        &self,
        pa: f64,
        horizons: &[f64],
        frequency: f64,
        t_age: f64,
        out: &mut [f64],
    ) -> Result<()> {
        for &t in horizons {
            check_horizon("t", t)?;
        }
        let b = self.beta + t_age;
        let scale = pa * (self.r + frequency) / (self.alpha + t_age) * b;
        for (o, &t) in out.iter_mut().zip(horizons) {
            *o = scale * one_minus_power_over(self.s - 1.0, (b / (b + t)).ln());
        }
        Ok(())
    }

    /// Expected number of repeat purchases in `(0, t]` of a new customer
    /// (Fader & Hardie 2005, eq. 27): `r β / (α (s-1)) · [1 - (β/(β+t))^{s-1}]`, with the limit
    /// `r β / α · ln((β+t)/β)` at `s = 1`. `t` in periods.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for a negative or non-finite `t`.
    pub fn expected_purchases(&self, t: f64) -> Result<f64> {
        check_horizon("t", t)?;
        let b = self.beta;
        Ok(self.r / self.alpha * b * one_minus_power_over(self.s - 1.0, (b / (b + t)).ln()))
    }

    /// Probability of exactly `n` purchases in `(T, T+t]` for a customer with history
    /// `(x, t_x, T)` — lifetimes' `conditional_probability_of_n_purchases_up_to_time`
    /// (Fader & Hardie, note 028, eq. 16). With `A = α+T`, `B = β+T`, `a = r+x` and
    /// `NB(n; u) = Γ(a+n)/(Γ(a) n!) (A/(A+u))^a (u/(A+u))^n` (purchases in `u` periods of a
    /// customer alive throughout),
    ///
    /// ```text
    /// P(n) = 1{n=0} (1 - P(alive))
    ///      + P(alive) [ (B/(B+t))^s NB(n; t) + ∫_0^t s B^s (B+u)^{-s-1} NB(n; u) du ],
    /// ```
    ///
    /// the last term integrating over the time of death; it is evaluated by adaptive
    /// Gauss–Kronrod quadrature to 1e-12 relative accuracy (the series of 2F1 terms of the
    /// paper alternates in sign and loses accuracy as `n` grows).
    ///
    /// # Errors
    /// As [`ParetoNbd::probability_alive_at_one`].
    pub fn conditional_probability_of_n_purchases_one(
        &self,
        n: u64,
        t: f64,
        frequency: f64,
        recency: f64,
        t_age: f64,
    ) -> Result<f64> {
        check_horizon("t", t)?;
        let pa = self.probability_alive_one(frequency, recency, t_age)?;
        let zero = if n == 0 { 1.0 - pa } else { 0.0 };
        if t == 0.0 {
            return Ok(if n == 0 { 1.0 } else { 0.0 });
        }
        let nf = n as f64;
        let a = self.r + frequency;
        let big_a = self.alpha + t_age;
        let big_b = self.beta + t_age;
        let s = self.s;
        let ln_coef = ln_gamma(a + nf) - ln_gamma(a) - ln_gamma(nf + 1.0);
        let ln_nb = |u: f64| -> f64 {
            let mut v = ln_coef + a * (big_a / (big_a + u)).ln();
            if n > 0 {
                v += nf * (u / (big_a + u)).ln();
            }
            v
        };
        let survive = (s * (big_b / (big_b + t)).ln() + ln_nb(t)).exp();
        let died = integrate(
            |u| {
                if n > 0 && u == 0.0 {
                    return 0.0;
                }
                (s.ln() + s * big_b.ln() - (s + 1.0) * (big_b + u).ln() + ln_nb(u)).exp()
            },
            0.0,
            t,
            1e-12,
            1e-300,
        )?;
        let p = zero + pa * (survive + died);
        if !p.is_finite() {
            return Err(Error::numerical(
                "pareto-nbd conditional_probability_of_n_purchases",
                format!("non-finite value for n = {n}, t = {t}"),
            ));
        }
        Ok(p.clamp(0.0, 1.0))
    }
}
