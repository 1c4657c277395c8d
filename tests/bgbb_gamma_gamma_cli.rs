//! `ltv fit --model bgbb|gamma-gamma` end to end (needs `--features cli`).
#![cfg(feature = "cli")]

mod common;

use common::cli::{ltv, ok, CDNOW_SPEND, CDNOW_SPEND_COLUMNS};

use ltv::models::SavedModel;

const CDNOW: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/datasets/cdnow_customers_summary.csv"
);

const DONATIONS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/datasets/donations.csv");

fn json(out: std::process::Output) -> serde_json::Value {
    serde_json::from_str(&ok(out)).unwrap()
}

/// BG/BB on donations.csv as is: `periods` and `weights` are picked up by name.
#[test]
fn fit_bgbb_on_donations_layout() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bgbb.json");
    let out = ltv()
        .args(["fit", "--model", "bgbb", "--input", DONATIONS, "--output"])
        .arg(&path)
        .output()
        .unwrap();
    let v = json(out);
    assert_eq!(v["model"], "bgbb");
    assert_eq!(v["n_customers"], 11104);
    assert!(v["converged"].as_bool().unwrap());
    let alpha = v["params"]["alpha"].as_f64().unwrap();
    assert!(((alpha - 1.2035) / 1.2035).abs() < 1e-3);
    assert!(v["std_errors"]["delta"].as_f64().unwrap() > 0.0);
    let saved = SavedModel::load(&path).unwrap();
    assert_eq!(saved.name(), "bgbb");
}

#[test]
fn fit_gamma_gamma_with_custom_columns() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("gg.json");
    let out = ltv()
        .args(["fit", "--model", "gamma-gamma", "--input", CDNOW_SPEND])
        .args(CDNOW_SPEND_COLUMNS)
        .arg("--output")
        .arg(&path)
        .output()
        .unwrap();
    let v = json(out);
    assert_eq!(v["model"], "gamma-gamma");
    assert_eq!(v["n_customers"], 946);
    let p = v["params"]["p"].as_f64().unwrap();
    assert!(((p - 6.2488) / 6.2488).abs() < 1e-3);
    let spend = SavedModel::load(&path).unwrap();
    let value = spend
        .as_spend_model()
        .unwrap()
        .conditional_expected_average_value(2.0, 22.35)
        .unwrap();
    assert!((value - 24.66).abs() < 0.01);
}

#[test]
fn gamma_gamma_without_spend_column_is_a_clear_error() {
    let out = ltv()
        .args(["fit", "--model", "gamma-gamma", "--input", CDNOW])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("monetary_value"), "{err}");
}
