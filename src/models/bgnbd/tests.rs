use super::*;
use crate::fit::{gradient_check::assert_gradient_matches, maximize, FitOptions, Likelihood};
use crate::summary::CompressedSummary;

/// The CDNOW summary (2,357 customers, weeks) from `/work/shared/data`.
pub(crate) fn cdnow() -> CompressedSummary {
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
    let w = vec![1.0; f.len()];
    CompressedSummary::from_weighted_rows(&f, &r, &t, &w).unwrap()
}

#[test]
fn gradient_matches_finite_differences() {
    let data = cdnow();
    let l = BgNbdLikelihood::new(&data);
    for p in [
        [0.243, 4.414, 0.793, 2.426],
        [1.0, 30.0, 1.0, 3.0],
        [0.05, 0.5, 0.1, 0.2],
        [5.0, 100.0, 3.0, 50.0],
    ] {
        assert_gradient_matches(&l, &p, 1e-6);
    }
}

#[test]
fn cdnow_fit_matches_lifetimes() {
    let data = cdnow();
    let l = BgNbdLikelihood::new(&data);
    let fit = maximize(&l, &FitOptions::default()).unwrap();
    // lifetimes 0.11.3 (shared/reference/cdnow_lifetimes.json): LL -9582.4256
    assert!(fit.log_likelihood() >= -9582.4256 * (1.0 + 1e-6), "{fit}");
    let se = fit.std_errors().unwrap();
    assert!(fit.convergence().converged);
    assert_eq!(fit.n_rows(), l.n_rows());
    println!("{fit}\n{se:?}");
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

#[test]
fn fit_roundtrips_through_json() {
    let data = cdnow();
    let fit = maximize(&BgNbdLikelihood::new(&data), &FitOptions::default()).unwrap();
    let json = serde_json::to_string(&fit).unwrap();
    let back: crate::fit::Fit = serde_json::from_str(&json).unwrap();
    let back = back.checked_for("bgnbd", BgNbdLikelihood::NAMES).unwrap();
    // serde_json parses floats to within 1 ulp (exact only with its `float_roundtrip` feature)
    for (a, b) in back.params().iter().zip(fit.params()) {
        approx::assert_relative_eq!(a, b, max_relative = 1e-15);
    }
    let (c1, c2) = (fit.covariance().unwrap(), back.covariance().unwrap());
    approx::assert_relative_eq!(c1, c2, max_relative = 1e-15);
}
