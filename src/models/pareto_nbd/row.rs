//! The Pareto/NBD likelihood of one customer, in log space, with its gradient.
//!
//! Fader & Hardie (2005), eq. (18)–(20), written through the tail integral
//! `F(y) = ∫_y^∞ (α+τ)^-(r+x) (β+τ)^-(s+1) dτ`:
//!
//! ```text
//! L = C · [ P(T) + s (F(t_x) - F(T)) ],   C = Γ(r+x)/Γ(r) α^r β^s,
//! P(y) = (α+y)^-(r+x) (β+y)^-s .
//! ```
//!
//! `P(T)` is the customer alive at `T`; `s·(F(t_x) - F(T))` integrates the density of dying
//! at τ ∈ (t_x, T]. With `K(y) = s F(y) / P(y)` (computed by [`super::tail`]), and everything scaled by `P(t_x)`:
//!
//! ```text
//! L / (C P(t_x)) = Σ = ω + k₁ - k₂,   ω = P(T)/P(t_x) ≤ 1,  k₁ = K(t_x),  k₂ = ω K(T) ≤ ω .
//! ```
//!
//! Because `s F(T) ≤ P(T)`, the sum `Σ` is at least `max(ω, k₁)`: the subtraction cannot
//! cancel, and no term over- or underflows whatever the frequency (the scale `P(t_x)` is
//! carried as a logarithm). This is what keeps the likelihood finite where lifetimes' returns
//! NaN (lifetimes issue #25).

use super::params::ParetoNbd;
use super::tail::{tail_at, Tail};
use crate::error::{Error, Result};
use statrs::function::gamma::{digamma, ln_gamma};

/// Terms that depend on the parameters and the frequency only.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FrequencyTerms {
    /// `x`.
    pub x: f64,
    /// `ln Γ(r+x) - ln Γ(r)`.
    pub ln_gamma_ratio: f64,
    /// `ψ(r+x) - ψ(r)` (only filled when gradients are asked for).
    pub digamma_diff: f64,
    /// `ln α` (hoisted out of the per-customer loop).
    pub ln_alpha: f64,
    /// `ln β`.
    pub ln_beta: f64,
}

impl FrequencyTerms {
    pub(crate) fn new(par: &ParetoNbd, x: f64, with_digamma: bool) -> Self {
        let r = par.r;
        let (ln_gamma_ratio, digamma_diff) = if x == 0.0 {
            (0.0, 0.0)
        } else {
            let lg = ln_gamma(r + x) - ln_gamma(r);
            let dg = if with_digamma {
                digamma(r + x) - digamma(r)
            } else {
                0.0
            };
            (lg, dg)
        };
        Self {
            x,
            ln_gamma_ratio,
            digamma_diff,
            ln_alpha: par.alpha.ln(),
            ln_beta: par.beta.ln(),
        }
    }
}

/// One customer's log-likelihood and what the predictions need from it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RowTerms {
    /// `ln L(r, α, s, β | x, t_x, T)`.
    pub ln_l: f64,
    /// `P(alive at T | x, t_x, T) = C P(T) / L = ω / Σ`.
    pub p_alive: f64,
    /// `∂ ln L / ∂(r, α, s, β)` (zeros unless asked for).
    pub grad: [f64; 4],
}

/// The log-likelihood of one row (see the module docs). `ft` must be built for the same
/// parameters and `x`.
pub(crate) fn row_terms(
    par: &ParetoNbd,
    ft: &FrequencyTerms,
    t_x: f64,
    t_age: f64,
    grad: bool,
) -> Result<RowTerms> {
    row_terms_with(par, ft, t_x, t_age, grad, None)
}

/// [`row_terms`] with the tails at `t_x` and `T` given (from a chain over many customers of
/// the same frequency; see [`super::tail`]), or computed here when `None`.
pub(crate) fn row_terms_with(
    par: &ParetoNbd,
    ft: &FrequencyTerms,
    t_x: f64,
    t_age: f64,
    grad: bool,
    tails: Option<(Tail, Tail)>,
) -> Result<RowTerms> {
    let ParetoNbd { r, alpha, s, beta } = *par;
    let x = ft.x;
    let p = r + x;
    let (la_t, lb_t) = match &tails {
        Some((_, tt)) => (tt.la, tt.lb),
        None => ((alpha + t_age).ln(), (beta + t_age).ln()),
    };
    let ln_c = ft.ln_gamma_ratio + r * ft.ln_alpha + s * ft.ln_beta;
    let ln_p_t = -p * la_t - s * lb_t;
    let d_ln_c = [
        ft.digamma_diff + ft.ln_alpha,
        r / alpha,
        ft.ln_beta,
        s / beta,
    ];
    let d_ln_p_t = [-la_t, -p / (alpha + t_age), -lb_t, -s / (beta + t_age)];

    // Died at τ ∈ (t_x, T] is impossible when t_x = T: L = C P(T).
    if t_x == t_age {
        let ln_l = ln_c + ln_p_t;
        let mut g = [0.0; 4];
        if grad {
            for k in 0..4 {
                g[k] = d_ln_c[k] + d_ln_p_t[k];
            }
        }
        return finish(par, ft, t_x, t_age, ln_l, 1.0, g);
    }

    let (tail_x, tail_t) = match tails {
        Some(t) => t,
        None => (tail_at(par, x, t_x, grad)?, tail_at(par, x, t_age, grad)?),
    };
    let ln_p_x = -p * tail_x.la - s * tail_x.lb;
    let omega = (ln_p_t - ln_p_x).exp();
    let k1 = tail_x.ln_k.exp();
    let k2 = omega * tail_t.ln_k.exp();
    let sum = omega + k1 - k2;
    let ln_l = ln_c + ln_p_x + sum.ln();
    let mut g = [0.0; 4];
    if grad {
        for k in 0..4 {
            g[k] = d_ln_c[k] + (omega * d_ln_p_t[k] + k1 * tail_x.d[k] - k2 * tail_t.d[k]) / sum;
        }
    }
    finish(par, ft, t_x, t_age, ln_l, omega / sum, g)
}

fn finish(
    par: &ParetoNbd,
    ft: &FrequencyTerms,
    t_x: f64,
    t_age: f64,
    ln_l: f64,
    p_alive: f64,
    grad: [f64; 4],
) -> Result<RowTerms> {
    let finite = ln_l.is_finite()
        && p_alive.is_finite()
        && p_alive >= 0.0
        && grad.iter().all(|g| g.is_finite());
    if !finite {
        return Err(Error::numerical(
            "pareto-nbd log-likelihood",
            format!(
                "non-finite value at r = {}, alpha = {}, s = {}, beta = {} for x = {}, \
                 t_x = {t_x}, T = {t_age}",
                par.r, par.alpha, par.s, par.beta, ft.x
            ),
        ));
    }
    Ok(RowTerms {
        ln_l,
        p_alive: p_alive.min(1.0),
        grad,
    })
}
