//! BG/BB on the donations data against the paper (Fader, Hardie & Shang 2010) and Python
//! lifetimes 0.11.3.
//!
//! Provenance: `tests/reference/bgbb_gamma_gamma_lifetimes.json` is made by
//! `tests/reference/bgbb_gamma_gamma_lifetimes.py` (lifetimes 0.11.3, default settings). The
//! issue's numbers (parameters, log-likelihood −33225.58, P(alive) 0.1081 / 0.5897 / 0.9304
//! one period ahead and 0.1162 / 0.6337 / 1.0 at period 6) are lifetimes' values at its
//! optimum, which the paper's Table 2 rounds to 0.11 / 0.59 / 0.93.
//!
//! Predictions are compared **at lifetimes' parameters**, so only the formulas are compared;
//! tolerance 1e-6 relative (the issue's). The fit is compared with 1e-3 relative on the
//! parameters (lifetimes' optimizer stops early) and must reach at least lifetimes'
//! log-likelihood.

use ltv::datasets;
use ltv::fit::FitOptions;
use ltv::models::bgbb::BgBb;
use ltv::models::SavedModel;

fn reference() -> serde_json::Value {
    serde_json::from_str(include_str!("reference/bgbb_gamma_gamma_lifetimes.json")).unwrap()
}

fn rel(a: f64, b: f64) -> f64 {
    ((a - b) / b).abs()
}

fn lifetimes_model(r: &serde_json::Value) -> BgBb {
    let p = &r["bgbb_donations"]["params"];
    let g = |k: &str| p[k].as_f64().unwrap();
    BgBb::new(g("alpha"), g("beta"), g("gamma"), g("delta")).unwrap()
}

fn rows(r: &serde_json::Value) -> Vec<(f64, f64, f64)> {
    r["bgbb_donations"]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| {
            let v: Vec<f64> = row
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_f64().unwrap())
                .collect();
            (v[0], v[1], v[2])
        })
        .collect()
}

#[test]
fn fit_matches_paper_and_lifetimes() {
    let r = reference();
    let data = datasets::donations().unwrap().compress();
    let fitted = BgBb::fit(&data, &FitOptions::default()).unwrap();
    let fit = fitted.fit();
    assert!(fit.convergence().converged);
    assert_eq!(fit.n_customers(), 11_104.0);
    // the issue: alpha 1.2035, beta 0.7497, gamma 0.6567, delta 2.7834 within 1e-3 relative
    for (name, v) in [
        ("alpha", 1.2035),
        ("beta", 0.7497),
        ("gamma", 0.6567),
        ("delta", 2.7834),
    ] {
        let ours = fit.param(name).unwrap();
        assert!(rel(ours, v) <= 1e-3, "{name}: {ours} vs {v}");
        let theirs = r["bgbb_donations"]["params"][name].as_f64().unwrap();
        assert!(
            rel(ours, theirs) <= 1e-3,
            "{name}: {ours} vs lifetimes {theirs}"
        );
    }
    // log-likelihood at least lifetimes' (the issue's −33225.58 is −33225.5813 rounded to
    // two decimals). lifetimes adds 1e-15 inside each row's logarithm, which raises its
    // reported value 8.6e-10 above the exact likelihood at its own estimates
    // (tests/bgbb_exact_likelihood.rs, mpmath); ours is the exact likelihood, so it may sit
    // that far below lifetimes' number: 1e-13 relative (3.3e-9) covers it and nothing more.
    let theirs = r["bgbb_donations"]["log_likelihood_total"]
        .as_f64()
        .unwrap();
    assert!(fit.log_likelihood() >= theirs - 1e-13 * theirs.abs());
    assert!((fit.log_likelihood() - (-33225.58)).abs() < 0.005);
    // standard errors exist and are small relative to the estimates (11,104 donors)
    for (v, se) in fit.params().iter().zip(fit.std_errors().unwrap()) {
        assert!(se > 0.0 && se < 0.2 * v, "se {se} for {v}");
    }
}

#[test]
fn probability_alive_matches_issue_values() {
    let m = lifetimes_model(&reference());
    // (x, t_x) = (0, 0), (2, 4), (6, 6) with n = 6: one period ahead, then at period 6
    let cases = [
        ((0.0, 0.0), 0.1081, 0.1162),
        ((2.0, 4.0), 0.5897, 0.6337),
        ((6.0, 6.0), 0.9304, 1.0),
    ];
    for ((x, tx), ahead, now) in cases {
        let p1 = m.probability_alive(1.0, x, tx, 6.0).unwrap();
        let p0 = m.probability_alive(0.0, x, tx, 6.0).unwrap();
        assert!(
            (p1 - ahead).abs() < 5e-5,
            "P(alive at 7 | {x}, {tx}) = {p1}, issue {ahead}"
        );
        assert!(
            (p0 - now).abs() < 5e-5,
            "P(alive at 6 | {x}, {tx}) = {p0}, issue {now}"
        );
    }
}

#[test]
fn predictions_match_lifetimes_at_its_parameters() {
    let r = reference();
    let m = lifetimes_model(&r);
    let rows = rows(&r);
    let b = &r["bgbb_donations"];
    for (key, future) in [("1", 1.0), ("5", 5.0), ("10", 10.0)] {
        let expected = b["conditional_expected_purchases"][key].as_array().unwrap();
        for ((x, tx, n), e) in rows.iter().zip(expected) {
            let ours = m
                .conditional_expected_transactions(future, *x, *tx, *n)
                .unwrap();
            let e = e.as_f64().unwrap();
            assert!(
                rel(ours, e) <= 1e-6,
                "E[X | {x},{tx},{n}; {future}] {ours} vs {e}"
            );
        }
    }
    for (key, ahead) in [("0", 0.0), ("1", 1.0), ("5", 5.0)] {
        let expected = b["probability_alive"][key].as_array().unwrap();
        for ((x, tx, n), e) in rows.iter().zip(expected) {
            let ours = m.probability_alive(ahead, *x, *tx, *n).unwrap();
            let e = e.as_f64().unwrap();
            assert!(
                rel(ours, e) <= 1e-6,
                "P(alive | {x},{tx},{n}; m={ahead}) {ours} vs {e}"
            );
        }
    }
    let total = b["total_weight"].as_f64().unwrap();
    for (key, n) in [("6", 6.0), ("10", 10.0)] {
        let obj = b["expected_number_of_transactions_in_first_n_periods"][key]
            .as_object()
            .unwrap();
        for (x, e) in obj {
            let x: f64 = x.parse().unwrap();
            let ours = total * m.probability_of_transactions(x, n).unwrap();
            let e = e.as_f64().unwrap();
            assert!(rel(ours, e) <= 1e-6, "P(X({n}) = {x}) x N: {ours} vs {e}");
        }
    }
}

/// P(X(n) = x) sums to 1 over x, and its mean is the expected number of transactions.
#[test]
fn transaction_count_distribution_is_consistent() {
    let m = lifetimes_model(&reference());
    for n in [0.0, 1.0, 6.0, 25.0] {
        let probs: Vec<f64> = (0..=n as usize)
            .map(|x| m.probability_of_transactions(x as f64, n).unwrap())
            .collect();
        let total: f64 = probs.iter().sum();
        let mean: f64 = probs.iter().enumerate().map(|(x, p)| x as f64 * p).sum();
        approx::assert_relative_eq!(total, 1.0, max_relative = 1e-12);
        approx::assert_relative_eq!(
            mean,
            m.expected_transactions(n).unwrap(),
            max_relative = 1e-11,
            epsilon = 1e-300
        );
    }
}

#[test]
fn bad_histories_are_typed_errors() {
    let m = lifetimes_model(&reference());
    assert!(matches!(
        m.probability_alive(0.5, 1.0, 2.0, 6.0),
        Err(ltv::Error::InvalidParameter { .. })
    ));
    assert!(matches!(
        m.probability_alive(0.0, 3.0, 2.0, 6.0),
        Err(ltv::Error::InvalidField { .. })
    ));
    assert!(matches!(
        m.probability_alive(0.0, 1.0, 7.0, 6.0),
        Err(ltv::Error::InvalidField { .. })
    ));
    assert!(matches!(
        m.probability_alive(0.0, 1.5, 2.0, 6.0),
        Err(ltv::Error::InvalidField { .. })
    ));
    assert!(matches!(
        m.conditional_expected_transactions(f64::NAN, 1.0, 2.0, 6.0),
        Err(ltv::Error::InvalidParameter { .. })
    ));
    // the row number of the bad row is reported
    match m.probability_alive_many(0.0, &[0.0, 1.0, 4.0], &[0.0, 1.0, 3.0], &[6.0, 6.0, 6.0]) {
        Err(ltv::Error::InvalidField { line, column, .. }) => {
            assert_eq!((line, column.as_str()), (3, "frequency"))
        }
        other => panic!("expected a row error, got {other:?}"),
    }
    // nobody transacts: unidentifiable, not NaN parameters
    let data = ltv::summary::CompressedSummary::from_weighted_rows(&[0.0], &[0.0], &[6.0], &[10.0])
        .unwrap();
    assert!(matches!(
        BgBb::fit(&data, &FitOptions::default()),
        Err(ltv::Error::Unidentifiable { .. })
    ));
}

#[test]
fn saved_model_round_trips_through_json() {
    let data = datasets::donations().unwrap().compress();
    let fitted = BgBb::fit(&data, &FitOptions::default()).unwrap();
    let saved = SavedModel::from(fitted.clone());
    let text = saved.to_json().unwrap();
    assert!(text.contains("\"model\": \"bgbb\"") && text.contains("\"format_version\": 1"));
    let back = SavedModel::from_json(&text).unwrap();
    // parameters survive exactly; the covariance to the last digit of serde_json's printing
    assert_eq!(back.fit().params(), saved.fit().params());
    assert_eq!(back.fit().log_likelihood(), saved.fit().log_likelihood());
    approx::assert_relative_eq!(
        back.fit().covariance().unwrap(),
        saved.fit().covariance().unwrap(),
        max_relative = 1e-14
    );
    let tm = back.as_transaction_model().unwrap();
    let p = tm.probability_alive_one(2.0, 4.0, 6.0).unwrap();
    assert!(
        (p - fitted
            .model()
            .probability_alive(0.0, 2.0, 4.0, 6.0)
            .unwrap())
        .abs()
            < 1e-15
    );
}

/// Parameter recovery: 50,000 simulated customers over 8 periods; every estimate within 3
/// standard errors of the truth.
#[test]
fn recovers_simulated_parameters() {
    let truth = [1.2, 0.75, 0.65, 2.8];
    let m = BgBb::new(truth[0], truth[1], truth[2], truth[3]).unwrap();
    let data = m.simulate(&vec![8.0; 50_000], 11).unwrap();
    let fitted = BgBb::fit(&data, &FitOptions::default()).unwrap();
    let se = fitted.fit().std_errors().unwrap();
    for ((est, se), t) in fitted.fit().params().iter().zip(se).zip(truth) {
        assert!(
            (est - t).abs() <= 3.0 * se,
            "estimate {est} ± {se} vs truth {t}"
        );
    }
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        /// P(alive) in [0, 1], non-increasing in m; expected transactions non-decreasing in the
        /// horizon; never NaN, including long histories.
        #[test]
        fn invariants(al in 0.05..20.0f64, be in 0.05..20.0f64, ga in 0.05..20.0f64,
                      de in 0.05..20.0f64, n in 0u32..300, a in 0.0..1.0f64, b in 0.0..1.0f64,
                      future in 0u32..100) {
            let m = BgBb::new(al, be, ga, de).unwrap();
            let n = f64::from(n);
            let tx = (a * n).floor();
            let x = if tx == 0.0 { 0.0 } else { (b * tx).floor().max(1.0) };
            let p0 = m.probability_alive(0.0, x, tx, n).unwrap();
            let p1 = m.probability_alive(1.0, x, tx, n).unwrap();
            prop_assert!((0.0..=1.0).contains(&p0) && (0.0..=1.0).contains(&p1));
            prop_assert!(p1 <= p0 * (1.0 + 1e-12));
            let f = f64::from(future);
            let e0 = m.conditional_expected_transactions(f, x, tx, n).unwrap();
            let e1 = m.conditional_expected_transactions(f + 1.0, x, tx, n).unwrap();
            prop_assert!(e0.is_finite() && e0 >= 0.0 && e1 >= e0 * (1.0 - 1e-12));
            prop_assert!(e1 - e0 <= 1.0 + 1e-12); // at most one transaction per period
        }
    }
}
