use super::*;
use crate::fit::gradient_check::{
    assert_covariance_matches_second_differences, assert_gradient_matches,
    second_difference_hessian,
};
use crate::fit::{hessian_natural, maximize, FitOptions};

fn cdnow() -> SpendData {
    SpendData::from_summary(&crate::datasets::cdnow_summary_with_transactions().unwrap()).unwrap()
}

#[test]
fn gradient_matches_finite_differences() {
    let data = cdnow();
    let l = GammaGammaLikelihood::new(&data);
    for p in [
        [6.2488, 3.7446, 15.4477],
        [1.0, 2.0, 30.0],
        [0.2, 0.5, 1.0],
        [40.0, 15.0, 400.0],
    ] {
        assert_gradient_matches(&l, &p, 1e-6);
    }
}

/// The Hessian the covariance is built from agrees with second differences of the
/// log-likelihood values themselves.
#[test]
fn information_matches_second_differences() {
    let data = cdnow();
    let l = GammaGammaLikelihood::new(&data);
    let p = vec![6.2488, 3.7446, 15.4477];
    let h = hessian_natural(&l, &p, 0.0).unwrap();
    let fd = second_difference_hessian(&l, &p);
    for i in 0..3 {
        for j in 0..3 {
            approx::assert_relative_eq!(h[(i, j)], fd[(i, j)], max_relative = 1e-4, epsilon = 1e-2);
        }
    }
}

/// Covariance at the CDNOW optimum (off-diagonal entries included) against the inverse of
/// minus a Hessian from second differences of log-likelihood values (Richardson-extrapolated), within 1e-5 of
/// `sqrt(cov_ii · cov_jj)` (see [`assert_covariance_matches_second_differences`]).
#[test]
fn covariance_matches_finite_difference_hessian() {
    let data = cdnow();
    let l = GammaGammaLikelihood::new(&data);
    let fit = maximize(&l, &FitOptions::default()).unwrap();
    assert!(assert_covariance_matches_second_differences(&l, &fit, 1e-5) > 0.5);
}

/// The analytic gradient of the conditional expected value against central differences.
#[test]
fn value_gradient_matches_finite_differences() {
    let m = GammaGamma::new(6.2488, 3.7446, 15.4477).unwrap();
    for (x, s) in [(0.0, 0.0), (1.0, 11.77), (2.0, 22.35), (40.0, 120.0)] {
        let g = m.value_gradient(x, s);
        let base = m.to_parameters();
        for k in 0..3 {
            let h = 1e-6 * base[k];
            let at = |d: f64| {
                let mut q = base.clone();
                q[k] += d;
                GammaGamma::from_parameters(&q)
                    .unwrap()
                    .conditional_expected_average_value(x, s)
                    .unwrap()
            };
            let fd = (at(h) - at(-h)) / (2.0 * h);
            approx::assert_relative_eq!(g[k], fd, max_relative = 1e-7, epsilon = 1e-12);
        }
    }
}
