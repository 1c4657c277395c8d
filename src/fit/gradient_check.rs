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
    let ll = |q: &[f64]| l.log_likelihood(q, None).unwrap();
    let k = p.len();
    let mut h = nalgebra::DMatrix::zeros(k, k);
    for i in 0..k {
        for j in 0..k {
            let (hi, hj) = (1e-4 * p[i], 1e-4 * p[j]);
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
