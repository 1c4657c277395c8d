//! The report's default model step (the hierarchical covariate model) and the backtest, on
//! simulated apps of known truth (`ltv::report::simulation`).
//!
//! The full benchmark (100k installs, three seeds, every configuration and the true
//! parameters) is `cargo run --release --example roas_benchmark`; its figures are in the
//! README. These tests run a smaller app (~17k users) so that CI stays fast, and check:
//!
//! * the estimated ROAS of the hierarchical model against the truth (median error over all
//!   campaigns and the new ones, campaign pairs ordered right), better than one pooled fit;
//! * the backtest's realised revenue equals the simulation's truth exactly;
//! * `ltv report` and `ltv backtest` on the app's CSV files.

#![cfg(feature = "cli")]

mod common;

use chrono::NaiveDate;
use common::cli::{ltv, ok};
use ltv::report::backtest::{backtest, Score};
use ltv::report::simulation::{AppSpec, SimulatedApp};
use ltv::report::{
    BuyTillYouDieValue, CampaignReport, HierarchicalValue, ReportConfig, ValueModel,
};

fn small_spec() -> AppSpec {
    let mut spec = AppSpec::default();
    spec.old_installs_per_day = 5.0;
    spec.new_installs_per_day = 20.0;
    spec
}

/// (median error all, median error new, pairs right all, pairs right new) of a model's
/// estimated ROAS against the 360-day truth.
fn score(app: &SimulatedApp, model: &dyn ValueModel, period: ltv::Period) -> (Score, Score) {
    let mut c = ReportConfig::new(app.spec.as_of);
    c.group_by = "campaign".parse().unwrap();
    c.horizon.period = period;
    c.horizon.months = 12;
    let report = CampaignReport::build(&app.inputs, &c, model).unwrap();
    let est: Vec<f64> = app
        .campaigns
        .iter()
        .map(|camp| {
            report
                .rows
                .iter()
                .filter(|r| r.group[0] == camp.placement.campaign)
                .map(|r| r.estimated_total_revenue)
                .sum::<f64>()
                / camp.cost
        })
        .collect();
    let truth: Vec<f64> = app.campaigns.iter().map(|c| c.true_roas(360)).collect();
    let new: Vec<bool> = app.campaigns.iter().map(|c| c.is_new).collect();
    let pick = |v: &[f64]| -> Vec<f64> {
        v.iter()
            .zip(&new)
            .filter(|(_, n)| **n)
            .map(|(x, _)| *x)
            .collect()
    };
    (
        Score::of(&est, &truth),
        Score::of(&pick(&est), &pick(&truth)),
    )
}

#[test]
fn hierarchical_estimates_are_close_to_the_truth_and_beat_one_pooled_fit() {
    let app = SimulatedApp::generate(&small_spec(), 11).unwrap();
    assert_eq!(app.campaigns.len(), 15);
    let (all, new) = score(&app, &HierarchicalValue::default(), ltv::Period::Day);
    eprintln!("hierarchical: {all:?} / {new:?}");
    // on 17k users (a sixth of the benchmark's) the bounds are looser than the README's
    assert!(all.median_abs_error < 0.08, "{all:?}");
    assert!(new.median_abs_error < 0.30, "{new:?}");
    assert!(all.pairs_right as f64 >= 0.85 * all.pairs as f64, "{all:?}");
    let (pooled_all, pooled_new) = score(&app, &BuyTillYouDieValue::default(), ltv::Period::Week);
    eprintln!("pooled weekly: {pooled_all:?} / {pooled_new:?}");
    assert!(all.median_abs_error < pooled_all.median_abs_error);
    assert!(all.pairs_right >= pooled_all.pairs_right);
}

#[test]
fn hierarchical_fit_is_reported_in_the_metadata_with_intervals() {
    let app = SimulatedApp::generate(&small_spec(), 12).unwrap();
    let mut c = ReportConfig::new(app.spec.as_of);
    c.group_by = "network,campaign".parse().unwrap();
    let report = CampaignReport::build(&app.inputs, &c, &HierarchicalValue::default()).unwrap();
    let m = &report.meta.model;
    assert_eq!(m["model_step"], "hierarchical");
    assert_eq!(m["transaction_model"]["converged"], true);
    assert_eq!(m["spend_model"]["converged"], true);
    assert!(
        m["transaction_model"]["sigma"]["alpha"]["campaign"]
            .as_f64()
            .unwrap()
            > 0.0
    );
    for r in &report.rows {
        let (lo, hi) = (
            r.estimated_roas_lower.unwrap(),
            r.estimated_roas_upper.unwrap(),
        );
        let e = r.estimated_roas.unwrap();
        assert!(lo <= e && e <= hi && lo >= 0.0, "{r:?}");
        assert!(e.is_finite());
    }
}

#[test]
fn backtest_realised_revenue_equals_the_simulated_truth() {
    let app = SimulatedApp::generate(&small_spec(), 13).unwrap();
    let mut c = ReportConfig::new(app.spec.as_of);
    c.group_by = "campaign".parse().unwrap();
    c.horizon.months = 2; // 60 days
    let end = app.spec.as_of + chrono::Days::new(u64::from(app.spec.future_days));
    let early = NaiveDate::from_ymd_opt(2025, 4, 30).unwrap();
    let too_late = end; // its horizon runs past the data: skipped
    let b = backtest(
        &app.inputs,
        &c,
        &HierarchicalValue::default(),
        &[early, app.spec.as_of, too_late],
        end,
    )
    .unwrap();
    assert_eq!(b.skipped, vec![too_late]);
    assert_eq!(b.by_date.len(), 2);
    for camp in &app.campaigns {
        let row = b
            .rows
            .iter()
            .find(|r| r.as_of == app.spec.as_of && r.group[0] == camp.placement.campaign)
            .unwrap();
        let truth = camp.future_revenue(60);
        assert!(
            (row.realised_future_revenue - truth).abs() <= 1e-6 * truth.max(1.0),
            "{}: {} vs {truth}",
            camp.placement.campaign,
            row.realised_future_revenue
        );
        assert!((row.cost - camp.cost).abs() < 1e-6 * camp.cost);
    }
    // a two-month ROAS is mostly revenue to date: the estimate is close
    assert!(b.overall.median_abs_error < 0.05, "{:?}", b.overall);
    // campaigns launched after the early date are not in its rows
    assert!(b.rows.iter().filter(|r| r.as_of == early).count() < 15);
}

#[test]
fn report_and_backtest_commands_on_the_simulated_app() {
    let app = SimulatedApp::generate(&small_spec(), 14).unwrap();
    let dir = tempfile::tempdir().unwrap();
    app.write_csv(dir.path()).unwrap();
    let p = |n: &str| dir.path().join(n).to_string_lossy().into_owned();
    let base = [
        "--costs".to_string(),
        p("costs.csv"),
        "--installs".into(),
        p("installs.csv"),
        "--transactions".into(),
        p("transactions.csv"),
        "--quiet".into(),
    ];
    let json = ok(ltv()
        .arg("report")
        .args(&base)
        .args(["--as-of", "2025-06-30", "--format", "json"])
        .output()
        .unwrap());
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["meta"]["model"]["model_step"], "hierarchical");
    assert_eq!(v["meta"]["horizon"]["period"], "day");
    assert_eq!(v["rows"].as_array().unwrap().len(), 15);
    // the library gives the same numbers
    let mut c = ReportConfig::new(app.spec.as_of);
    c.group_by = "network,campaign".parse().unwrap();
    let lib = CampaignReport::build(&app.inputs, &c, &HierarchicalValue::default()).unwrap();
    let total: f64 = lib.rows.iter().map(|r| r.estimated_future_revenue).sum();
    let cli_total: f64 = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["estimated_future_revenue"].as_f64().unwrap())
        .sum();
    assert!(
        (total - cli_total).abs() <= 1e-6 * total,
        "{total} vs {cli_total}"
    );

    // one pooled fit on request
    let json = ok(ltv()
        .arg("report")
        .args(&base)
        .args([
            "--as-of",
            "2025-06-30",
            "--format",
            "json",
            "--hierarchy",
            "none",
        ])
        .output()
        .unwrap());
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_ne!(v["meta"]["model"]["model_step"], "hierarchical");

    // the backtest: two dates, a one-month horizon, data to the end of the simulation
    let csv = ok(ltv()
        .arg("backtest")
        .args(&base)
        .args([
            "--as-of",
            "2026-07-01",
            "--horizon-months",
            "1",
            "--group-by",
            "campaign",
            "--dates",
            "2025-05-31,2025-06-30",
            "--format",
            "csv",
        ])
        .output()
        .unwrap());
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].starts_with("as_of,realised_until,group,"));
    assert_eq!(
        lines
            .iter()
            .filter(|l| l.starts_with("2025-06-30,"))
            .count(),
        15
    );
    // a date whose horizon runs past the data is skipped, and none left is an error
    let out = ltv()
        .arg("backtest")
        .args(&base)
        .args(["--as-of", "2025-07-10", "--dates", "2025-06-30"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("backtest dates"));
}
