//! Special functions the models need, with their accuracy stated against mpmath.
//!
//! * [`hyp2f1`] / [`ln_hyp2f1`]: the Gauss hypergeometric function `2F1(a, b; c; z)` for real
//!   arguments, `z ≤ 1` (BG/NBD and MBG/NBD conditional expectations, Pareto/NBD likelihood).
//! * [`ln_gamma`], [`digamma`] (re-exported from `statrs`), [`ln_gamma_signed`] (negative
//!   arguments), [`ln_beta`].
//! * [`log_add_exp`], [`log_sum_exp`], [`log_sub_exp`], [`log1m_exp`]: stable arithmetic on
//!   the log scale.

mod gamma;
mod hyp2f1;
mod logexp;

pub use gamma::{
    digamma, digamma_rising, ln_beta, ln_beta_ratio, ln_gamma, ln_gamma_correction,
    ln_gamma_signed, sin_pi,
};
pub(crate) use hyp2f1::Hyp2f1Path;
pub use hyp2f1::{hyp2f1, ln_hyp2f1, ln_hyp2f1_with_error, SignedLn};
pub use logexp::{log1m_exp, log_add_exp, log_sub_exp, log_sum_exp};
