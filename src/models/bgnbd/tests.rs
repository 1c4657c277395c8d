use super::*;
use crate::fit::{
    gradient_check::{assert_covariance_matches_second_differences, assert_gradient_matches},
    maximize, FitOptions, Likelihood, Method,
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

/// Checks that `fit` reached the CDNOW optimum `best`: log-likelihood within 1e-10 relative
/// (the optimum is flat to that precision at a gradient norm of 1e-8) and parameters within
/// 1e-6 relative (the optimizer's tolerance on the gradient; parameters move by ~1e-7).
fn assert_reaches(fit: &crate::fit::Fit, best: &crate::fit::Fit) {
    assert!(fit.convergence().converged, "{fit}");
    approx::assert_relative_eq!(
        fit.log_likelihood(),
        best.log_likelihood(),
        max_relative = 1e-10
    );
    for (x, y) in fit.params().iter().zip(best.params()) {
        approx::assert_relative_eq!(x, y, max_relative = 1e-6);
    }
}

/// L-BFGS stopped by its iteration cap (1 iteration) leaves the fit short of the optimum; the
/// Nelder-Mead fallback then runs (recorded as [`Method::NelderMeadThenLbfgs`]) and the fit
/// still reaches the optimum of the normal L-BFGS path.
#[test]
fn gradient_method_stopped_by_its_cap_falls_back_to_nelder_mead() {
    let data = cdnow();
    let l = BgNbdLikelihood::new(&data);
    let best = maximize(&l, &FitOptions::default()).unwrap();
    assert_eq!(best.convergence().method, Method::Lbfgs);
    let opts = FitOptions {
        max_iterations: 1,
        ..FitOptions::default()
    };
    let fit = maximize(&l, &opts).unwrap();
    assert_eq!(fit.convergence().method, Method::NelderMeadThenLbfgs);
    assert!(fit.convergence().termination.starts_with("Nelder-Mead"));
    assert_reaches(&fit, &best);
}

/// From a start far from the optimum (r and a large, α and b tiny) L-BFGS stalls even with the
/// default iteration cap; the Nelder-Mead fallback takes over and reaches the optimum.
#[test]
fn far_start_falls_back_to_nelder_mead() {
    let data = cdnow();
    let l = BgNbdLikelihood::new(&data);
    let best = maximize(&l, &FitOptions::default()).unwrap();
    let fit = maximize(
        &l,
        &FitOptions {
            start: Some(vec![50.0, 0.01, 40.0, 0.01]),
            ..FitOptions::default()
        },
    )
    .unwrap();
    assert_eq!(fit.convergence().method, Method::NelderMeadThenLbfgs);
    assert_reaches(&fit, &best);
}

/// A likelihood whose gradient evaluations number `fail` (counted from 1) are numerical
/// errors: a deterministic stand-in for a gradient method that breaks down.
struct FlakyGradient<'l, L> {
    inner: &'l L,
    calls: std::sync::atomic::AtomicUsize,
    fail: std::ops::RangeInclusive<usize>,
}

impl<L: Likelihood> Likelihood for FlakyGradient<'_, L> {
    const MODEL: &'static str = L::MODEL;
    const NAMES: &'static [&'static str] = L::NAMES;
    fn start(&self) -> Vec<f64> {
        self.inner.start()
    }
    fn log_likelihood(&self, p: &[f64], grad: Option<&mut [f64]>) -> crate::Result<f64> {
        if grad.is_some() {
            let n = 1 + self.calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            if self.fail.contains(&n) {
                return Err(Error::numerical(L::MODEL, "injected gradient failure"));
            }
        }
        self.inner.log_likelihood(p, grad)
    }
    fn total_weight(&self) -> f64 {
        self.inner.total_weight()
    }
    fn n_rows(&self) -> usize {
        self.inner.n_rows()
    }
}

/// L-BFGS that *fails* (its first line-search step hits a numerical error: evaluation 2; the
/// Newton polish's first probe is evaluation 3) hands over to Nelder-Mead, and the fit still
/// reaches the optimum.
#[test]
fn failing_gradient_method_falls_back_to_nelder_mead() {
    let data = cdnow();
    let l = BgNbdLikelihood::new(&data);
    let best = maximize(&l, &FitOptions::default()).unwrap();
    assert_eq!(best.convergence().method, Method::Lbfgs);
    let flaky = FlakyGradient {
        inner: &l,
        calls: std::sync::atomic::AtomicUsize::new(0),
        fail: 2..=3,
    };
    let fit = maximize(&flaky, &FitOptions::default()).unwrap();
    // the injected failures were reached
    assert!(flaky.calls.load(std::sync::atomic::Ordering::SeqCst) > 3);
    assert_eq!(fit.convergence().method, Method::NelderMeadThenLbfgs);
    assert_reaches(&fit, &best);
}

/// A fit stopped by its iteration cap short of the optimum is reported as not converged: an
/// [`Error::NotConverged`] by default (naming the cap in its reason), or with
/// `require_convergence: false` a fit whose convergence record says so (and whose printout
/// shouts it). The same start with the default cap converges, so the cap is the cause.
#[test]
fn fit_hitting_its_iteration_cap_is_not_converged() {
    let data = cdnow();
    let l = BgNbdLikelihood::new(&data);
    let far = Some(vec![50.0, 0.01, 40.0, 0.01]);
    let capped = FitOptions {
        start: far.clone(),
        max_iterations: 3,
        ..FitOptions::default()
    };
    match maximize(&l, &capped) {
        Err(Error::NotConverged {
            model,
            gradient_norm,
            reason,
            ..
        }) => {
            assert_eq!(model, "bgnbd");
            assert!(gradient_norm > capped.tolerance);
            assert!(reason.contains("Maximum number of iterations"), "{reason}");
        }
        other => panic!("expected NotConverged, got {other:?}"),
    }
    let loud = maximize(
        &l,
        &FitOptions {
            require_convergence: false,
            ..capped.clone()
        },
    )
    .unwrap();
    let c = loud.convergence();
    assert!(!c.converged);
    assert!(c.gradient_norm > capped.tolerance);
    assert!(c.termination.contains("Maximum number of iterations"));
    assert!(loud.to_string().contains("NOT CONVERGED"));
    let best = maximize(
        &l,
        &FitOptions {
            start: far,
            ..FitOptions::default()
        },
    )
    .unwrap();
    assert!(loud.log_likelihood() < best.log_likelihood() - 1.0);
}
