//! `ltv clv` end to end (needs `--features cli`): fit Pareto/NBD and Gamma-Gamma with
//! `ltv fit`, then CLV with intervals; the model file's recorded period.
#![cfg(feature = "cli")]

mod common;

use std::path::Path;
use std::process::Output;

use common::cli::{ltv, ok, stderr, CDNOW_SPEND, CDNOW_SPEND_COLUMNS};
use ltv::models::{CustomerBatch, ModelFile, SavedModel};
use ltv::value::{gamma_gamma_customer_lifetime_value, ClvSettings, MonthlyDiscountRate, Months};
use ltv::Period;

/// `ltv fit` on CDNOW (weekly), recording `period` when given.
fn fit(model: &str, path: &Path, period: Option<&str>) {
    let mut cmd = ltv();
    cmd.args(["fit", "--model", model, "--input", CDNOW_SPEND]);
    cmd.args(&CDNOW_SPEND_COLUMNS[..4]);
    if model == "gamma-gamma" {
        cmd.args(&CDNOW_SPEND_COLUMNS[4..]);
    }
    if let Some(p) = period {
        cmd.args(["--period", p]);
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
    fit("pareto-nbd", &m, Some("week"));
    fit("gamma-gamma", &g, None);
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
        // no --period: the recorded one (week) is used
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
    let s = ltv::datasets::cdnow_summary_with_transactions().unwrap();
    let settings = ClvSettings::new(
        Period::Week,
        Months::new(12),
        MonthlyDiscountRate::new(0.01).unwrap(),
    );
    let want = gamma_gamma_customer_lifetime_value(
        pnbd.model(),
        spend,
        &settings,
        &CustomerBatch::from(&s),
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
    fit("bgnbd", &m, Some("week"));
    fit("gamma-gamma", &g, None);
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

/// Runs `ltv clv` for 12 months at 1% on CDNOW with the given model files and extra flags.
fn clv(tm: &Path, sm: &Path, extra: &[&str]) -> Output {
    ltv()
        .args(["clv", "--transaction-model"])
        .arg(tm)
        .arg("--spend-model")
        .arg(sm)
        .args([
            "--input",
            CDNOW_SPEND,
            "--months",
            "12",
            "--discount-rate",
            "0.01",
        ])
        .args(CDNOW_SPEND_COLUMNS)
        .args(extra)
        .output()
        .unwrap()
}

#[test]
fn the_recorded_period_is_used_and_never_guessed() {
    let dir = tempfile::tempdir().unwrap();
    let (none, day, g) = (
        dir.path().join("none.json"),
        dir.path().join("day.json"),
        dir.path().join("gg.json"),
    );
    fit("bgnbd", &none, None);
    fit("bgnbd", &day, Some("day"));
    fit("gamma-gamma", &g, None);

    // no period recorded and none given: an error naming --period, no output
    let out = clv(&none, &g, &[]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("--period"), "{}", stderr(&out));
    assert!(out.stdout.is_empty());
    // ... given: used
    let (_, by_flag) = parse(&ok(clv(&none, &g, &["--period", "day", "--no-intervals"])));

    // recorded day: used without the flag, and equal to the flag on an unrecorded file
    let (header, recorded) = parse(&ok(clv(&day, &g, &[])));
    assert_eq!(header, ["customer_id", "clv", "clv_lower", "clv_upper"]);
    for (a, b) in recorded.iter().zip(&by_flag) {
        assert_eq!(a[0], b[0]);
    }
    // the same flag agrees; a contradicting one is an error naming both
    ok(clv(&day, &g, &["--period", "day", "--no-intervals"]));
    let out = clv(&day, &g, &["--period", "week"]);
    assert!(!out.status.success());
    let msg = stderr(&out);
    assert!(msg.contains("day") && msg.contains("week"), "{msg}");

    // and the library agrees that these are 30-day months
    let ModelFile {
        model: SavedModel::BgNbd(bg),
        period: Some(Period::Day),
    } = ModelFile::load(&day).unwrap()
    else {
        panic!("expected a BG/NBD file recording days")
    };
    let spend = SavedModel::load(&g).unwrap();
    let s = ltv::datasets::cdnow_summary_with_transactions().unwrap();
    let settings = ClvSettings::new(
        Period::Day,
        Months::new(12),
        MonthlyDiscountRate::new(0.01).unwrap(),
    );
    let want = gamma_gamma_customer_lifetime_value(
        bg.model(),
        spend.as_spend_model().unwrap().model(),
        &settings,
        &CustomerBatch::from(&s),
        s.monetary_value().unwrap(),
    )
    .unwrap();
    for (r, w) in recorded.iter().zip(&want) {
        assert!((r[0] - w).abs() <= 1e-12 * w, "{} vs {w}", r[0]);
    }
}

#[test]
fn fit_help_lists_every_model_and_the_period() {
    for flag in ["-h", "--help"] {
        let help = ok(ltv().args(["fit", flag]).output().unwrap());
        for model in ["bgnbd", "mbgnbd", "pareto-nbd", "bgbb", "gamma-gamma"] {
            assert!(help.contains(model), "{flag}: {model} missing from\n{help}");
        }
        assert!(help.contains("--period"), "{help}");
    }
}
