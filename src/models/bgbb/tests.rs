use super::*;
use crate::fit::gradient_check::{
    assert_covariance_matches_second_differences, assert_gradient_matches,
    second_difference_hessian,
};
use crate::fit::{hessian_natural, maximize};
use nalgebra::DMatrix;

fn donations() -> CompressedSummary {
    crate::datasets::donations().unwrap().compress()
}

#[test]
fn gradient_matches_finite_differences() {
    let data = donations();
    let l = BgBbLikelihood::new(&data);
    for p in [
        [1.2035, 0.7497, 0.6567, 2.7834],
        [1.0, 1.0, 1.0, 1.0],
        [0.1, 5.0, 3.0, 0.2],
        [20.0, 0.3, 0.05, 40.0],
    ] {
        assert_gradient_matches(&l, &p, 1e-6);
    }
}

/// Long histories exercise the recurrences along the death period (and their resyncs).
#[test]
fn gradient_matches_on_long_histories() {
    let truth = BgBb::new(0.8, 2.5, 0.4, 6.0).unwrap();
    let data = truth.simulate(&vec![150.0; 400], 3).unwrap();
    let l = BgBbLikelihood::new(&data);
    assert_gradient_matches(&l, &[0.8, 2.5, 0.4, 6.0], 1e-6);
    assert_gradient_matches(&l, &[2.0, 1.0, 1.5, 0.7], 1e-6);
}

/// The recurrences give the same log-likelihood as evaluating each term from log-gammas.
#[test]
fn recurrences_match_direct_terms() {
    let p = [0.8, 2.5, 0.4, 6.0];
    for (x, tx, n) in [(0.0, 0.0, 200.0), (3.0, 17.0, 200.0), (50.0, 60.0, 100.0)] {
        let (l, _) = likelihood::row_log_likelihood(&p, x, tx, n, false);
        let mut terms =
            vec![likelihood::ln_beta(p[0] + x, p[1] + n - x) + likelihood::ln_beta(p[2], p[3] + n)];
        let mut i = 0.0;
        while i < n - tx {
            terms.push(
                likelihood::ln_beta(p[0] + x, p[1] + tx - x + i)
                    + likelihood::ln_beta(p[2] + 1.0, p[3] + tx + i),
            );
            i += 1.0;
        }
        let direct = crate::special::log_sum_exp(&terms);
        approx::assert_relative_eq!(l, direct, max_relative = 1e-13);
    }
}

/// Covariance = inverse of minus the Hessian, which we compare with a Hessian from central
/// differences of the log-likelihood itself (not of the analytic gradient).
#[test]
fn covariance_is_inverse_of_finite_difference_hessian() {
    let data = donations();
    let l = BgBbLikelihood::new(&data);
    let fit = maximize(&l, &FitOptions::default()).unwrap();
    let p = fit.params().to_vec();
    let h = hessian_natural(&l, &p, 0.0).unwrap();
    // second differences of LL values
    let fd = second_difference_hessian(&l, &p);
    for i in 0..4 {
        for j in 0..4 {
            approx::assert_relative_eq!(h[(i, j)], fd[(i, j)], max_relative = 1e-4, epsilon = 1e-3);
        }
    }
    let cov = fit.covariance().unwrap();
    let identity = &cov * (-h);
    approx::assert_relative_eq!(identity, DMatrix::identity(4, 4), epsilon = 1e-8);
    // and the covariance itself, off-diagonal entries included, against the inverse of the
    // Richardson-extrapolated value-based Hessian, within 1e-5 of sqrt(cov_ii · cov_jj)
    // (the plain 1e-4 step above is itself ~1e-4 off here: too noisy for this check)
    assert!(assert_covariance_matches_second_differences(&l, &fit, 1e-5) > 0.5);
}

#[test]
fn dropout_sum_matches_direct_sum_for_every_gamma() {
    for gamma in [0.3, 0.999_999, 1.0, 1.000_001, 2.5] {
        let m = BgBb::new(1.0, 1.0, gamma, 2.7).unwrap();
        for (n0, count) in [(0.0, 1.0), (0.0, 6.0), (6.0, 5.0), (40.0, 300.0)] {
            let direct: f64 = (1..=count as usize)
                .map(|i| {
                    (likelihood::ln_beta(gamma, 2.7 + n0 + i as f64)
                        - likelihood::ln_beta(gamma, 2.7))
                    .exp()
                })
                .sum();
            approx::assert_relative_eq!(m.dropout_sum(n0, count), direct, max_relative = 1e-12);
        }
    }
}
