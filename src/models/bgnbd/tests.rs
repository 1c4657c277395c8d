use super::*;
use crate::fit::{
    gradient_check::{assert_covariance_matches_second_differences, assert_gradient_matches},
    maximize, FitOptions, Likelihood,
};
use crate::models::beta_geometric_likelihood::{BetaGeometricLikelihood, BetaGeometricTerms};
use crate::summary::CompressedSummary;

/// The CDNOW columns (2,357 customers, weeks) from `/work/shared/data`.
pub(crate) fn cdnow_columns() -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    let text = include_str!("../../../tests/data/cdnow_customers_summary.csv");
    let mut f = vec![];
    let mut r = vec![];
    let mut t = vec![];
    for line in text.lines().skip(1) {
        let c: Vec<f64> = line.split(',').map(|v| v.parse().unwrap()).collect();
        f.push(c[1]);
        r.push(c[2]);
        t.push(c[3]);
    }
    (f, r, t)
}

/// The CDNOW summary, compressed.
pub(crate) fn cdnow() -> CompressedSummary {
    let (f, r, t) = cdnow_columns();
    let w = vec![1.0; f.len()];
    CompressedSummary::from_weighted_rows(&f, &r, &t, &w).unwrap()
}

/// Fits both likelihoods and checks that they reach the same optimum: log-likelihoods within
/// 1e-10 relative (identical sums, different order), parameters within 1e-6 relative (the
/// optimizer's tolerance on the gradient), and the compressed one has fewer rows.
pub(crate) fn assert_same_optimum<L: Likelihood>(raw: &L, compressed: &L) {
    assert!(compressed.n_rows() < raw.n_rows());
    let a = maximize(raw, &FitOptions::default()).unwrap();
    let b = maximize(compressed, &FitOptions::default()).unwrap();
    approx::assert_relative_eq!(a.log_likelihood(), b.log_likelihood(), max_relative = 1e-10);
    for (x, y) in a.params().iter().zip(b.params()) {
        approx::assert_relative_eq!(x, y, max_relative = 1e-6);
    }
    let (ca, cb) = (a.covariance().unwrap(), b.covariance().unwrap());
    approx::assert_relative_eq!(ca, cb, max_relative = 1e-5);
}

/// Checks the analytic gradient of a beta-geometric likelihood on CDNOW against central
/// finite differences (1e-6 relative) at each of `points` (r, α, a, b).
pub(crate) fn assert_cdnow_gradients<M: BetaGeometricTerms>(points: &[[f64; 4]]) {
    let data = cdnow();
    let l = BetaGeometricLikelihood::<M>::new(&data);
    for p in points {
        assert_gradient_matches(&l, p, 1e-6);
    }
}

/// Fits a beta-geometric likelihood on the raw CDNOW columns and on the compressed summary
/// and checks they reach the same optimum ([`assert_same_optimum`]).
pub(crate) fn assert_compression_keeps_the_cdnow_optimum<M: BetaGeometricTerms>() {
    let (f, r, t) = cdnow_columns();
    let w = vec![1.0; f.len()];
    let raw = BetaGeometricLikelihood::<M>::from_columns(&f, &r, &t, &w);
    let data = cdnow();
    let compressed = BetaGeometricLikelihood::<M>::new(&data);
    assert_same_optimum(&raw, &compressed);
}

#[test]
fn gradient_matches_finite_differences() {
    assert_cdnow_gradients::<likelihood::BgNbdTerms>(&[
        [0.243, 4.414, 0.793, 2.426],
        [1.0, 30.0, 1.0, 3.0],
        [0.05, 0.5, 0.1, 0.2],
        [5.0, 100.0, 3.0, 50.0],
    ]);
}

#[test]
fn compressed_and_uncompressed_fits_agree() {
    assert_compression_keeps_the_cdnow_optimum::<likelihood::BgNbdTerms>();
}

/// The covariance is the inverse of minus the Hessian of the log-likelihood in natural
/// parameters, off-diagonal entries included (lifetimes scales entry (i, j) by p_j² instead
/// of p_i·p_j). Reference: a Hessian from second differences of log-likelihood *values*
/// (independent of the analytic gradient), Richardson-extrapolated from steps 1e-3·p and
/// 2e-3·p; agreement within 1e-5 of `sqrt(cov_ii · cov_jj)` (the error of the reference, on
/// the scale of the entry's correlation; we measure ~1e-6); see
/// [`assert_covariance_matches_second_differences`].
#[test]
fn covariance_matches_finite_difference_hessian() {
    let data = cdnow();
    let l = BgNbdLikelihood::new(&data);
    let fit = maximize(&l, &FitOptions::default()).unwrap();
    // a and b are strongly correlated here: the off-diagonal check is not vacuous
    assert!(assert_covariance_matches_second_differences(&l, &fit, 1e-5) > 0.5);
}

/// Seven customers in two rows, none of whom made a repeat purchase.
pub(crate) fn nobody_repeats() -> CompressedSummary {
    CompressedSummary::from_weighted_rows(&[0.0, 0.0], &[0.0, 0.0], &[5.0, 9.0], &[3.0, 4.0])
        .unwrap()
}

#[test]
fn nobody_repeats_is_unidentifiable() {
    match BgNbd::fit(&nobody_repeats(), &FitOptions::default()) {
        Err(Error::Unidentifiable { model, reason }) => {
            assert_eq!(model, "bgnbd");
            assert!(reason.contains("repeat"));
        }
        other => panic!("expected Unidentifiable, got {other:?}"),
    }
}

#[test]
fn unreachable_tolerance_is_not_converged_error() {
    let data = cdnow();
    let l = BgNbdLikelihood::new(&data);
    let opts = FitOptions {
        tolerance: 1e-300,
        max_iterations: 5,
        ..FitOptions::default()
    };
    match maximize(&l, &opts) {
        Err(crate::Error::NotConverged { model, .. }) => assert_eq!(model, "bgnbd"),
        other => panic!("expected NotConverged, got {other:?}"),
    }
    let loud = maximize(
        &l,
        &FitOptions {
            require_convergence: false,
            ..opts
        },
    )
    .unwrap();
    assert!(!loud.convergence().converged);
    assert!(loud.to_string().contains("NOT CONVERGED"));
}

#[test]
fn bad_options_are_rejected() {
    let data = cdnow();
    let l = BgNbdLikelihood::new(&data);
    for opts in [
        FitOptions {
            penalizer: f64::NAN,
            ..FitOptions::default()
        },
        FitOptions {
            penalizer: -1.0,
            ..FitOptions::default()
        },
        FitOptions {
            tolerance: 0.0,
            ..FitOptions::default()
        },
        FitOptions {
            start: Some(vec![1.0, 1.0]),
            ..FitOptions::default()
        },
        FitOptions {
            start: Some(vec![1.0, 1.0, 0.0, 1.0]),
            ..FitOptions::default()
        },
    ] {
        assert!(maximize(&l, &opts).is_err(), "{opts:?}");
    }
}

/// A bad start far away still reaches the optimum (L-BFGS, or the Nelder-Mead fallback).
#[test]
fn far_starting_values_reach_the_same_optimum() {
    let data = cdnow();
    let l = BgNbdLikelihood::new(&data);
    let best = maximize(&l, &FitOptions::default()).unwrap();
    for start in [[50.0, 0.01, 40.0, 0.01], [1e-3, 1e3, 1e-2, 1e2]] {
        let fit = maximize(
            &l,
            &FitOptions {
                start: Some(start.to_vec()),
                ..FitOptions::default()
            },
        )
        .unwrap();
        approx::assert_relative_eq!(
            fit.log_likelihood(),
            best.log_likelihood(),
            max_relative = 1e-10
        );
    }
}
