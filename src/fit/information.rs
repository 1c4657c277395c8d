//! Observed information: finite-difference Hessian of the analytic gradient, and its inverse.

use nalgebra::DMatrix;

use crate::error::{Error, Result};
use crate::fit::Likelihood;

/// Relative step of the central differences (≈ cube root of machine epsilon, which balances
/// the O(h²) truncation error against the O(ε/h) rounding error of the gradient).
const REL_STEP: f64 = 6e-6;

/// Gradient of the penalised log-likelihood `LL(p) - c·s·Σ p²` in natural parameters.
pub(crate) fn penalized_gradient<L: Likelihood>(
    l: &L,
    p: &[f64],
    penalty: f64,
) -> Result<(f64, Vec<f64>)> {
    let mut g = vec![0.0; p.len()];
    let ll = l.log_likelihood(p, Some(&mut g))?;
    let mut value = ll;
    for (gk, pk) in g.iter_mut().zip(p) {
        *gk -= 2.0 * penalty * pk;
        value -= penalty * pk * pk;
    }
    if !value.is_finite() || g.iter().any(|v| !v.is_finite()) {
        return Err(Error::numerical(
            L::MODEL,
            format!("non-finite log-likelihood or gradient at {p:?}"),
        ));
    }
    Ok((value, g))
}

/// Hessian of the penalised log-likelihood in natural parameters at `p`, by central
/// differences of the analytic gradient (step `6e-6 · p_j`), symmetrised.
pub(crate) fn hessian_natural<L: Likelihood>(
    l: &L,
    p: &[f64],
    penalty: f64,
) -> Result<DMatrix<f64>> {
    let k = p.len();
    let mut h = DMatrix::zeros(k, k);
    let mut q = p.to_vec();
    for j in 0..k {
        let step = REL_STEP * p[j];
        q[j] = p[j] + step;
        let (_, gp) = penalized_gradient(l, &q, penalty)?;
        q[j] = p[j] - step;
        let (_, gm) = penalized_gradient(l, &q, penalty)?;
        q[j] = p[j];
        let width = (p[j] + step) - (p[j] - step);
        for i in 0..k {
            h[(i, j)] = (gp[i] - gm[i]) / width;
        }
    }
    let sym = (&h + h.transpose()) * 0.5;
    Ok(sym)
}

/// Inverse of the observed information `-H` (row-major), or why it does not exist.
pub(crate) fn observed_information_covariance(
    hessian: &DMatrix<f64>,
) -> std::result::Result<Vec<f64>, String> {
    let info = -hessian.clone();
    if info.iter().any(|v| !v.is_finite()) {
        return Err("observed information has a non-finite entry".into());
    }
    let chol = info.cholesky().ok_or_else(|| {
        "observed information is not positive definite (estimate on the boundary or \
         parameters not identified by the data)"
            .to_string()
    })?;
    let cov = chol.inverse();
    if cov.iter().any(|v| !v.is_finite()) {
        return Err("inverse of the observed information is not finite".into());
    }
    for i in 0..cov.nrows() {
        if !(cov[(i, i)].is_finite() && cov[(i, i)] > 0.0) {
            return Err(format!("variance of parameter {i} is not positive"));
        }
    }
    let k = cov.nrows();
    let mut out = Vec::with_capacity(k * k);
    for i in 0..k {
        for j in 0..k {
            out.push(cov[(i, j)]);
        }
    }
    Ok(out)
}
