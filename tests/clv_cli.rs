//! `ltv clv` end to end (needs `--features cli`): fit Pareto/NBD and Gamma-Gamma with
//! `ltv fit`, then CLV with intervals.
#![cfg(feature = "cli")]

mod common;

use std::path::Path;

use common::cli::{ltv, ok, CDNOW_SPEND, CDNOW_SPEND_COLUMNS};
use ltv::models::SavedModel;
use ltv::value::{
    gamma_gamma_customer_lifetime_value, ClvSettings, MonthlyDiscountRate, Months, Period,
};

fn fit(model: &str, path: &Path) {
    let mut cmd = ltv();
    cmd.args(["fit", "--model", model, "--input", CDNOW_SPEND]);
    cmd.args(&CDNOW_SPEND_COLUMNS[..4]);
    if model == "gamma-gamma" {
        cmd.args(&CDNOW_SPEND_COLUMNS[4..]);
    }
    ok(cmd.arg("--output").arg(path).output().unwrap());
}

fn parse(csv: &str) -> (Vec<String>, Vec<Vec<f64>>) {
    let mut lines = csv.lines();
    let header = lines.next().unwrap().split(',').map(String::from).collect();
    let rows = lines
        .map(|l| l.split(',').skip(1).map(|v| v.parse().unwrap()).collect())
        .collect();
    (header, rows)
}

#[test]
fn clv_with_intervals_from_fitted_models() {
    let dir = tempfile::tempdir().unwrap();
    let (m, g) = (dir.path().join("pnbd.json"), dir.path().join("gg.json"));
    fit("pareto-nbd", &m);
    fit("gamma-gamma", &g);
    let out_path = dir.path().join("clv.csv");
    let out = ltv()
        .args(["clv", "--transaction-model"])
        .arg(&m)
        .arg("--spend-model")
        .arg(&g)
        .args([
            "--input",
            CDNOW_SPEND,
            "--months",
            "12",
            "--discount-rate",
            "0.01",
        ])
        .args(["--period", "week"])
        .args(CDNOW_SPEND_COLUMNS)
        .arg("--output")
        .arg(&out_path)
        .output()
        .unwrap();
    ok(out);
    let (header, rows) = parse(&std::fs::read_to_string(&out_path).unwrap());
    assert_eq!(header, ["customer_id", "clv", "clv_lower", "clv_upper"]);
    assert_eq!(rows.len(), 2357);
    for r in &rows {
        assert!(r[0] > 0.0 && r[1] < r[0] && r[0] < r[2], "{r:?}");
    }
    // the same numbers as the library at the saved models
    let SavedModel::ParetoNbd(pnbd) = SavedModel::load(&m).unwrap() else {
        panic!("not a Pareto/NBD file")
    };
    let gg = SavedModel::load(&g).unwrap();
    let spend = gg.as_spend_model().unwrap().model();
    let s = ltv::data::datasets::cdnow_summary_with_transactions().unwrap();
    let settings = ClvSettings {
        period: Period::Week,
        horizon: Months::new(12),
        discount: MonthlyDiscountRate::new(0.01).unwrap(),
    };
    let want = gamma_gamma_customer_lifetime_value(
        pnbd.model(),
        spend,
        &settings,
        s.frequency(),
        s.recency(),
        s.t(),
        s.monetary_value().unwrap(),
    )
    .unwrap();
    for (r, w) in rows.iter().zip(&want) {
        // printed with Rust's shortest round-trip formatting: equal to the last bit
        assert!((r[0] - w).abs() <= 1e-12 * w, "{} vs {w}", r[0]);
    }
}

#[test]
fn clv_without_intervals_and_bad_files() {
    let dir = tempfile::tempdir().unwrap();
    let (m, g) = (dir.path().join("bg.json"), dir.path().join("gg.json"));
    fit("bgnbd", &m);
    fit("gamma-gamma", &g);
    let run = |tm: &Path, sm: &Path, discount: &str, extra: &[&str]| {
        ltv()
            .args(["clv", "--transaction-model"])
            .arg(tm)
            .arg("--spend-model")
            .arg(sm)
            .args(["--input", CDNOW_SPEND, "--months", "3"])
            .arg(format!("--discount-rate={discount}"))
            .args(CDNOW_SPEND_COLUMNS)
            .args(extra)
            .output()
            .unwrap()
    };
    let (header, rows) = parse(&ok(run(&m, &g, "0.0", &["--no-intervals"])));
    assert_eq!(header, ["customer_id", "clv"]);
    assert_eq!(rows.len(), 2357);
    // models swapped: a clear error, non-zero exit
    let out = run(&g, &m, "0.0", &[]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("error"));
    // negative discount rate
    let out = run(&m, &g, "-0.5", &[]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("monthly discount rate"));
}
