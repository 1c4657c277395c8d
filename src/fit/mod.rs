//! Maximum-likelihood machinery shared by every model.
//!
//! A model describes its likelihood (a private problem struct implementing the crate-internal
//! `Likelihood` trait: weighted log-likelihood over the rows of a
//! [`CompressedSummary`](crate::summary::CompressedSummary) and its analytic gradient, both in
//! the model's natural parameters). This module then
//!
//! 1. maximises it on **log-parameters** (so every parameter stays positive by construction)
//!    with argmin's L-BFGS and a More–Thuente line search, from deterministic starting values;
//! 2. falls back to Nelder–Mead (then L-BFGS again) when the gradient method stalls or fails,
//!    and finishes with a few safeguarded Newton steps on a finite-difference Hessian;
//! 3. checks convergence itself — the gradient of the per-customer objective with respect to the
//!    log-parameters must be below [`FitOptions::tolerance`] — and returns
//!    [`Error::NotConverged`](crate::Error::NotConverged) otherwise, never silent parameters;
//! 4. computes the covariance of the estimates as the inverse observed information: the
//!    negative Hessian of the log-likelihood at the optimum **in natural parameters**, by
//!    central differences of the analytic gradient, inverted with nalgebra (Cholesky).
//!
//! The result is a [`Fit`]: parameters, log-likelihood (unpenalised, summed over customers),
//! convergence record, covariance, standard errors and 95% Wald intervals
//! ([`ParameterEstimate`]).
//!
//! # Penalizer
//!
//! [`FitOptions::penalizer`] has the meaning of `penalizer_coef` in Python `lifetimes` 0.11.3
//! (BG/NBD, MBG/NBD, BG/BB, Gamma-Gamma): lifetimes minimises
//! `-LL / W + c · Σ θ_k²` with `W` the total weight (number of customers) and `θ` the natural
//! parameters. Ours maximises the equivalent `LL - c · W · Σ θ_k²`, so the same `c` gives the
//! same estimates. (lifetimes' Pareto/NBD divides by the *mean* weight instead; a model can
//! change the scale through the likelihood's penalty scale.)

mod estimate;
mod information;
mod likelihood;
mod optimizer;
mod options;

#[cfg(test)]
pub(crate) mod gradient_check;

pub use estimate::{Convergence, Fit, Method, ParameterEstimate};
pub(crate) use likelihood::Likelihood;
pub(crate) use optimizer::maximize;
pub use options::FitOptions;

#[cfg(test)]
pub(crate) use information::hessian_natural;
