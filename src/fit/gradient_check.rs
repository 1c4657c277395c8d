//! Test helper: analytic gradients against central finite differences, for any likelihood.

use crate::fit::Likelihood;

/// Checks `∂LL/∂p_k` from `l.log_likelihood` against central differences of the
/// log-likelihood with relative step `1e-5 · p_k`. Each component must agree within
/// `rel_tol · max(|analytic|, |numeric|) + 1e-9 · (|LL| + 1) / p_k`; the absolute part is
/// ~50× the rounding error of the difference quotient (`ε · |LL| / h`), which dominates for
/// components that are near zero (at a stationary point). Panics with a description otherwise.
pub(crate) fn assert_gradient_matches<L: Likelihood>(l: &L, p: &[f64], rel_tol: f64) {
    let mut g = vec![0.0; p.len()];
    let ll = l
        .log_likelihood(p, Some(&mut g))
        .unwrap_or_else(|e| panic!("{} LL failed at {p:?}: {e}", L::MODEL));
    let ll_only = l.log_likelihood(p, None).unwrap();
    assert!(
        (ll - ll_only).abs() <= 1e-12 * ll.abs().max(1.0),
        "{}: LL with and without gradient differ: {ll} vs {ll_only}",
        L::MODEL
    );
    for k in 0..p.len() {
        let h = 1e-5 * p[k];
        let mut q = p.to_vec();
        q[k] = p[k] + h;
        let up = l.log_likelihood(&q, None).unwrap();
        q[k] = p[k] - h;
        let down = l.log_likelihood(&q, None).unwrap();
        let numeric = (up - down) / (2.0 * h);
        let bound = rel_tol * g[k].abs().max(numeric.abs()) + 1e-9 * (ll.abs() + 1.0) / p[k];
        assert!(
            (g[k] - numeric).abs() <= bound,
            "{}: d LL / d {} at {p:?}: analytic {} vs central difference {numeric}",
            L::MODEL,
            L::NAMES[k],
            g[k]
        );
    }
}

/// The Hessian of the log-likelihood in natural parameters from central second differences
/// of log-likelihood *values* (independent of the analytic gradient), step `1e-4 · p_k` in
/// parameter `k`: `H_ij ≈ [LL(+,+) − LL(+,−) − LL(−,+) + LL(−,−)] / (4 h_i h_j)`.
pub(crate) fn second_difference_hessian<L: Likelihood>(l: &L, p: &[f64]) -> nalgebra::DMatrix<f64> {
    second_difference_hessian_step(l, p, 1e-4)
}

/// [`second_difference_hessian`] with relative step `rel` (`h_k = rel · p_k`).
pub(crate) fn second_difference_hessian_step<L: Likelihood>(
    l: &L,
    p: &[f64],
    rel: f64,
) -> nalgebra::DMatrix<f64> {
    let ll = |q: &[f64]| l.log_likelihood(q, None).unwrap();
    let k = p.len();
    let mut h = nalgebra::DMatrix::zeros(k, k);
    for i in 0..k {
        for j in 0..k {
            let (hi, hj) = (rel * p[i], rel * p[j]);
            let at = |di: f64, dj: f64| {
                let mut q = p.to_vec();
                q[i] += di;
                q[j] += dj;
                ll(&q)
            };
            h[(i, j)] = (at(hi, hj) - at(hi, -hj) - at(-hi, hj) + at(-hi, -hj)) / (4.0 * hi * hj);
        }
    }
    h
}

/// A more accurate value-based Hessian for covariance references: Richardson extrapolation
/// `(4 H(h) − H(2h)) / 3` of [`second_difference_hessian_step`] at relative steps `1e-3` and
/// `2e-3`. Extrapolation removes the `O(h²)` truncation error, so the step can be 10× larger
/// than [`second_difference_hessian`]'s and the rounding error `~ ε·|LL| / h²` 100× smaller:
/// on the donations data (LL ≈ −3.3e4) the plain 1e-4 step is off by ~1e-4 relative, the
/// extrapolated one agrees across steps 1e-3 to 3e-3 to ~1e-7.
pub(crate) fn extrapolated_second_difference_hessian<L: Likelihood>(
    l: &L,
    p: &[f64],
) -> nalgebra::DMatrix<f64> {
    let h1 = second_difference_hessian_step(l, p, 1e-3);
    let h2 = second_difference_hessian_step(l, p, 2e-3);
    (h1 * 4.0 - h2) / 3.0
}

/// Checks a fit's covariance against an independent reference, off-diagonal entries included:
/// the inverse of minus [`extrapolated_second_difference_hessian`] (log-likelihood *values*
/// only, no analytic gradient) at the fit's estimates. The fit must be unpenalised (`penalizer` 0).
///
/// Entry `(i, j)` must agree within `rel_tol · sqrt(ref_ii · ref_jj)`: the error of the
/// second differences on the scale of the entry's correlation, so a small covariance between
/// two large variances is not held to an impossible relative tolerance. Also checks that the
/// Hessian the fit uses (central differences of the analytic gradient, [`hessian_natural`])
/// agrees with the value-based one within `rel_tol · sqrt(|H_ii · H_jj|)`.
///
/// Returns the largest absolute off-diagonal correlation of the covariance, so callers can
/// show that the off-diagonal comparison is not vacuous.
///
/// [`hessian_natural`]: crate::fit::hessian_natural
pub(crate) fn assert_covariance_matches_second_differences<L: Likelihood>(
    l: &L,
    fit: &crate::fit::Fit,
    rel_tol: f64,
) -> f64 {
    assert_eq!(fit.penalizer(), 0.0, "{}: use an unpenalised fit", L::MODEL);
    let p = fit.params().to_vec();
    let k = p.len();
    let h = extrapolated_second_difference_hessian(l, &p);
    let reference = (-h.clone())
        .try_inverse()
        .unwrap_or_else(|| panic!("{}: second-difference information singular", L::MODEL));
    let cov = fit
        .covariance()
        .unwrap_or_else(|e| panic!("{}: no covariance: {e}", L::MODEL));
    let mut max_corr: f64 = 0.0;
    for i in 0..k {
        assert!(
            reference[(i, i)] > 0.0,
            "{}: reference variance {i}",
            L::MODEL
        );
        for j in 0..k {
            let scale = (reference[(i, i)] * reference[(j, j)]).sqrt();
            assert!(
                (cov[(i, j)] - reference[(i, j)]).abs() <= rel_tol * scale,
                "{}: cov[{}, {}] = {} vs finite differences {}",
                L::MODEL,
                L::NAMES[i],
                L::NAMES[j],
                cov[(i, j)],
                reference[(i, j)]
            );
            if i != j {
                max_corr = max_corr.max((cov[(i, j)] / (cov[(i, i)] * cov[(j, j)]).sqrt()).abs());
            }
        }
    }
    let hg = crate::fit::hessian_natural(l, &p, 0.0).unwrap();
    for i in 0..k {
        for j in 0..k {
            let scale = (h[(i, i)] * h[(j, j)]).abs().sqrt();
            assert!(
                (hg[(i, j)] - h[(i, j)]).abs() <= rel_tol * scale,
                "{}: Hessian[{}, {}] from the gradient {} vs from values {}",
                L::MODEL,
                L::NAMES[i],
                L::NAMES[j],
                hg[(i, j)],
                h[(i, j)]
            );
        }
    }
    max_corr
}
