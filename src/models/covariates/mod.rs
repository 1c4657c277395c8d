//! Time-invariant covariates for the "buy till you die" models and Gamma-Gamma spend.
//!
//! # The model
//!
//! Fader, Hardie & Lee's note *Incorporating time-invariant covariates into the Pareto/NBD and
//! BG/NBD models* (2007) lets each customer's purchase and dropout parameters depend on
//! covariates `z_i` (campaign, channel, country, ...) that do not change over time. We use the
//! log-linear form of that note and of R CLVTools (`SetStaticCovariates`): for every
//! parameter `θ_j` of the base model that is *linked* to covariates,
//!
//! ```text
//! ln θ_ij = ln θ_j⁰ + γ_j · z_i ,
//! ```
//!
//! and unlinked parameters are shared by everyone. Customer `i` then follows the base model
//! (BG/NBD, MBG/NBD, Pareto/NBD, Gamma-Gamma) with its own parameters `θ_i`, so every
//! prediction of the base model holds per customer. CLVTools writes the purchase process with
//! `α_i = α₀ exp(−γ₁·z_i)` (so that a positive coefficient means more purchases) and ties
//! `a` and `b` to one coefficient vector; our `γ_α` is minus CLVTools' `γ₁`, and linking `a`
//! and `b` separately contains CLVTools' form as the special case `γ_a = γ_b`.
//!
//! # Estimation
//!
//! The penalised log-likelihood
//!
//! ```text
//! PLL(θ⁰, γ) = Σ_i w_i ℓ(θ_i; x_i, t_x,i, T_i) − Σ_jk λ_jk γ_jk²
//! ```
//!
//! (`λ` the L2 penalty of each coefficient, CLVTools' `reg.lambdas` up to its scaling) is
//! maximised over the log-intercepts `ln θ⁰` and the coefficients `γ` by L-BFGS. Customers
//! with the same covariate row share their parameters, so the likelihood is evaluated once
//! per *covariate pattern* with the base model's own (tested, compressed, parallel)
//! likelihood and its analytic gradient; the chain rule gives
//!
//! ```text
//! ∂PLL/∂ln θ_j⁰ = Σ_g θ_gj ∂LL_g/∂θ_gj ,   ∂PLL/∂γ_jk = Σ_g z_gk θ_gj ∂LL_g/∂θ_gj − 2 λ_jk γ_jk .
//! ```
//!
//! The covariance of `(ln θ⁰, γ)` is the inverse of the penalised observed information (a
//! central-difference Jacobian of the analytic gradient); with a penalty it is the Laplace
//! posterior covariance of the corresponding Gaussian prior `γ_jk ~ N(0, 1/(2λ_jk))`.
//!
//! A categorical covariate is one-hot encoded ([`Covariates`]); with a named reference level
//! its indicator is left out, without one every level gets an indicator, which is identified
//! only through the penalty (the report's campaign hierarchy uses exactly that: campaign
//! effects penalised towards their network's).

mod design;
mod engine;
mod fitted;

pub use design::{CovariateColumn, CovariateEncoding, Covariates, CovariatesBuilder};
#[doc(hidden)]
pub use engine::penalized_log_likelihood;
pub use engine::{fit_with_covariates, CovariateModel, CovariateOptions, LBFGS_HANDOVER};
pub use fitted::CovariateFit;

pub(crate) use engine::Patterns;

/// Customers grouped by identical covariate rows (the report values each pattern at once).
pub(crate) fn engine_patterns(covariates: &Covariates) -> Patterns {
    Patterns::new(covariates)
}
