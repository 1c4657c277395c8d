//! Tracking (expected and actual cumulative repeat transactions) against Python lifetimes 0.11.3
//! on the full CDNOW master log, weekly, 78 weeks.
//!
//! Provenance: `tests/reference/tracking_lifetimes.json` is made by
//! `tests/reference/tracking_lifetimes.py`, which calls lifetimes 0.11.3's
//! `utils.expected_cumulative_transactions(model, CDNOW_master, "date", "customer_id", t=78,
//! freq="W")` with each model's parameters set to lifetimes' own estimates on the CDNOW
//! calibration summary (so the formulas are compared, not optimizers).
//!
//! Tolerances: "actual" is a count and must be equal exactly. "predicted" is a sum of up to 23,570
//! values of `E[X(t)]`; 1e-6 relative is the issue's tolerance for every prediction (the sums
//! agree to ~1e-12, the accuracy of scipy's `hyp2f1` / our 2F1 behind `E[X(t)]`).

use ltv::data::Period;
use ltv::datasets;
use ltv::models::bgnbd::BgNbd;
use ltv::models::mbgnbd::MbgNbd;
use ltv::models::pareto_nbd::ParetoNbd;
use ltv::models::{
    actual_cumulative_transactions, expected_cumulative_transactions, first_purchase_periods,
    TransactionModel,
};
use serde_json::Value;

fn reference() -> Value {
    serde_json::from_str(include_str!("reference/tracking_lifetimes.json")).unwrap()
}

fn horizon(reference: &Value) -> u32 {
    let t = reference["t"].as_u64().unwrap();
    assert_eq!(t, 78);
    assert_eq!(reference["freq"], "W");
    t as u32
}

fn params(reference: &Value, model: &str, names: [&str; 4]) -> [f64; 4] {
    names.map(|n| reference[model]["params"][n].as_f64().unwrap())
}

/// Compares ltv's expected cumulative transactions for `model` with lifetimes' "predicted".
fn assert_predicted_matches(model: &dyn TransactionModel, reference: &Value, name: &str) {
    let log = datasets::cdnow_master().unwrap();
    let starts = first_purchase_periods(&log, Period::Week);
    let ours = expected_cumulative_transactions(model, &starts, horizon(reference)).unwrap();
    let want: Vec<f64> = reference[name]["predicted"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    assert_eq!(ours.len(), want.len());
    let mut worst: f64 = 0.0;
    for (tau, (o, w)) in ours.iter().zip(&want).enumerate() {
        let rel = (o - w).abs() / w.abs();
        worst = worst.max(rel);
        assert!(
            rel <= 1e-6,
            "{name}: week {}: ours {o} vs lifetimes {w}",
            tau + 1
        );
    }
    println!("{name}: largest relative difference {worst:e}");
}

#[test]
fn first_purchase_periods_of_cdnow() {
    let reference = reference();
    let log = datasets::cdnow_master().unwrap();
    assert_eq!(
        log.len() as u64,
        reference["n_transactions"].as_u64().unwrap()
    );
    assert_eq!(
        log.n_customers() as u64,
        reference["n_customers"].as_u64().unwrap()
    );
    let starts = first_purchase_periods(&log, Period::Week);
    assert_eq!(starts.len(), log.n_customers());
    // CDNOW's cohort first bought in Q1 1997: weeks 0 (the week holding Wednesday 1997-01-01)
    // to 12 (the week of Monday 1997-03-24; the last first purchase is on 1997-03-25)
    assert!(starts
        .iter()
        .all(|&s| (0.0..=12.0).contains(&s) && s.fract() == 0.0));
    assert_eq!(starts.iter().cloned().fold(0.0, f64::max), 12.0);
    assert!(starts.contains(&0.0));
}

/// lifetimes' "actual" column, exactly: one transaction per customer and week, first weeks
/// excluded, cumulated over the first τ weeks.
#[test]
fn actual_cumulative_transactions_equal_lifetimes() {
    let reference = reference();
    let log = datasets::cdnow_master().unwrap();
    let ours = actual_cumulative_transactions(&log, Period::Week, horizon(&reference)).unwrap();
    let want: Vec<u64> = reference["actual"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap())
        .collect();
    assert_eq!(ours, want);
    // not vacuous: tens of thousands of repeat transactions
    assert!(want[77] > 40_000);
}

#[test]
fn bgnbd_expected_cumulative_transactions_equal_lifetimes() {
    let reference = reference();
    let [r, alpha, a, b] = params(&reference, "bgnbd", ["r", "alpha", "a", "b"]);
    assert_predicted_matches(&BgNbd::new(r, alpha, a, b).unwrap(), &reference, "bgnbd");
}

#[test]
fn mbgnbd_expected_cumulative_transactions_equal_lifetimes() {
    let reference = reference();
    let [r, alpha, a, b] = params(&reference, "mbgnbd", ["r", "alpha", "a", "b"]);
    assert_predicted_matches(&MbgNbd::new(r, alpha, a, b).unwrap(), &reference, "mbgnbd");
}

#[test]
fn pareto_nbd_expected_cumulative_transactions_equal_lifetimes() {
    let reference = reference();
    let [r, alpha, s, beta] = params(&reference, "pareto_nbd", ["r", "alpha", "s", "beta"]);
    assert_predicted_matches(
        &ParetoNbd::new(r, alpha, s, beta).unwrap(),
        &reference,
        "pareto_nbd",
    );
}

/// Customers first buying after the horizon, several purchases in one period and a horizon
/// beyond the data: the "actual" series follows lifetimes' rules.
#[test]
fn actual_cumulative_transactions_edge_cases() {
    use ltv::data::{Timestamp, TransactionLog};
    let t = |s: &str| Timestamp::parse(s).unwrap();
    // Monday 2024-01-01 starts week 0
    let log = TransactionLog::from_columns(
        &["a", "a", "a", "b", "b", "c", "a"],
        &[
            t("2024-01-01"),
            t("2024-01-07"), // Sunday, still week 0: not a repeat
            t("2024-01-09"), // week 1
            t("2024-01-10"), // b's first, week 1
            t("2024-01-11"), // same week as b's first: not a repeat
            t("2024-02-05"), // c first buys in week 5
            t("2024-01-12"), // a again in week 1: one per period
        ],
        None,
    )
    .unwrap();
    assert_eq!(
        actual_cumulative_transactions(&log, Period::Week, 3).unwrap(),
        [0, 1, 1]
    );
    assert_eq!(
        actual_cumulative_transactions(&log, Period::Week, 8).unwrap(),
        [0, 1, 1, 1, 1, 1, 1, 1]
    );
    assert_eq!(first_purchase_periods(&log, Period::Week), [0.0, 1.0, 5.0]);
    assert_eq!(first_purchase_periods(&log, Period::Day), [0.0, 9.0, 35.0]);
    assert!(actual_cumulative_transactions(&log, Period::Week, 0)
        .unwrap()
        .is_empty());
    assert!(actual_cumulative_transactions(&log, Period::Week, 200_000_000).is_err());
}
