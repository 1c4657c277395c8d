//! The contract between a model and the optimizer.

use crate::error::Result;

/// A weighted log-likelihood over the rows of a summary, in the model's natural parameters.
///
/// Implemented by each model's private problem struct, which borrows the data. Everything the
/// optimizer needs is here; the model knows nothing about argmin.
pub(crate) trait Likelihood: Sync {
    /// Model name used in errors and saved files (`"bgnbd"`, ...).
    const MODEL: &'static str;
    /// Parameter names in the order of the parameter vector (`["r", "alpha", "a", "b"]`).
    const NAMES: &'static [&'static str];

    /// Deterministic starting values (natural parameters, all > 0).
    fn start(&self) -> Vec<f64>;

    /// The log-likelihood `Σ_i w_i · ℓ(p; row_i)` summed over rows (unpenalised) at natural
    /// parameters `p` (all > 0). When `grad` is given it is **overwritten** with
    /// `∂LL/∂p_k` (natural parameters). Numerical trouble is an `Err`, never NaN.
    fn log_likelihood(&self, p: &[f64], grad: Option<&mut [f64]>) -> Result<f64>;

    /// Total weight `W` (number of customers) of the data.
    fn total_weight(&self) -> f64;

    /// Number of distinct rows the likelihood is evaluated on (reported in the fit).
    fn n_rows(&self) -> usize;

    /// Scale `s` of the L2 penalty: the optimizer maximises `LL - c · s · Σ p_k²`. The default
    /// `s = W` reproduces lifetimes' `penalizer_coef` for BG/NBD, MBG/NBD, BG/BB and
    /// Gamma-Gamma (which minimise `-LL/W + c Σ p²`).
    fn penalty_scale(&self) -> f64 {
        self.total_weight()
    }
}
