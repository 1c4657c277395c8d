//! `ltv plot` and `ltv report --html` end to end on the CDNOW log shipped in `datasets/`.
#![cfg(feature = "cli")]

mod report_common;

use std::path::Path;
use std::process::{Command, Output};

fn ltv(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ltv"))
        .args(args)
        .output()
        .expect("run ltv")
}

const CDNOW: [&str; 10] = [
    "--input",
    concat!(env!("CARGO_MANIFEST_DIR"), "/datasets/CDNOW_master.txt"),
    "--customer-col",
    "customer_id",
    "--date-col",
    "date",
    "--delimiter",
    "whitespace",
    "--observation-end",
    "1998-06-30",
];

fn plot(kind: &str, output: &Path, extra: &[&str]) -> Output {
    let out = output.to_string_lossy().into_owned();
    let mut args = vec!["plot", kind];
    args.extend(CDNOW);
    args.extend(["--output", &out]);
    args.extend(extra);
    ltv(&args)
}

#[test]
fn every_kind_writes_a_picture() {
    let dir = tempfile::tempdir().unwrap();
    let cal = ["--calibration-end", "1997-09-30"];
    let cases: [(&str, &str, &[&str]); 7] = [
        ("tracking", "png", &cal),
        ("calibration-holdout", "svg", &cal),
        (
            "frequency-recency",
            "svg",
            &["--horizon", "4", "--max-frequency", "10"],
        ),
        ("p-alive", "png", &cal),
        ("period-transactions", "svg", &cal),
        ("history-alive", "svg", &["--customer", "00005"]),
        ("heterogeneity", "svg", &["--fit", "pareto-nbd"]),
    ];
    for (kind, ext, extra) in cases {
        let path = dir.path().join(format!("{kind}.{ext}"));
        let out = plot(kind, &path, extra);
        assert!(
            out.status.success(),
            "{kind}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let bytes = std::fs::read(&path).unwrap();
        if ext == "png" {
            assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "{kind}");
        } else {
            let text = String::from_utf8(bytes).unwrap();
            assert!(
                text.starts_with("<svg") && text.trim_end().ends_with("</svg>"),
                "{kind}"
            );
            assert!(
                text.to_lowercase().contains("week") || kind == "period-transactions",
                "{kind}: no unit"
            );
        }
    }
}

#[test]
fn data_json_holds_the_series() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("tracking.json");
    let out = plot(
        "tracking",
        &dir.path().join("t.svg"),
        &[
            "--calibration-end",
            "1997-09-30",
            "--data",
            data.to_str().unwrap(),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(data).unwrap()).unwrap();
    assert_eq!(v["unit"], "weeks");
    // 1997-01-01 (a Wednesday) to 1998-06-30 (a Tuesday): weeks 0..=78, the last one
    // incomplete and left out
    assert_eq!(v["periods"].as_array().unwrap().len(), 78);
    assert_eq!(v["calibration_end"], 40.0);
}

#[test]
fn missing_flags_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let out = plot("tracking", &dir.path().join("t.svg"), &[]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--calibration-end"));
    let out = plot("history-alive", &dir.path().join("h.svg"), &[]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--customer"));
    let out = plot(
        "history-alive",
        &dir.path().join("h.svg"),
        &["--customer", "nobody"],
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("nobody"));
    // a model file fitted in days is refused for weekly axes
    let model = dir.path().join("daily.json");
    let fit = ltv(&[
        "fit",
        "--model",
        "bgnbd",
        "--input",
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/datasets/cdnow_customers_summary.csv"
        ),
        "--period",
        "day",
        "--output",
        model.to_str().unwrap(),
    ]);
    assert!(fit.status.success());
    let out = plot(
        "p-alive",
        &dir.path().join("p.svg"),
        &["--model", model.to_str().unwrap()],
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--period"));
}

#[test]
fn report_writes_html_next_to_csv() {
    use report_common::*;
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p.to_string_lossy().into_owned()
    };
    let mut installs = INSTALLS.to_string();
    let mut tx = TRANSACTIONS.to_string();
    simulated_users(&mut installs, &mut tx, "meta", "spring", 400, 7);
    let (costs, installs, tx, fx) = (
        write("costs.csv", COSTS),
        write("installs.csv", &installs),
        write("tx.csv", &tx),
        write("fx.csv", FX),
    );
    let html = dir.path().join("report.html");
    let csv = dir.path().join("report.csv");
    let out = ltv(&[
        "report",
        "--costs",
        &costs,
        "--installs",
        &installs,
        "--transactions",
        &tx,
        "--fx",
        &fx,
        "--as-of",
        "2024-03-02",
        "--currency",
        "EUR",
        "--output",
        csv.to_str().unwrap(),
        "--html",
        html.to_str().unwrap(),
        "--quiet",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.contains("As of <b>2024-03-02</b>"));
    assert_eq!(page.matches("<svg").count(), 2);
    assert!(csv.exists());
}

#[test]
fn backtest_writes_chart_and_html() {
    use ltv::report::simulation::{AppSpec, SimulatedApp};
    let mut spec = AppSpec::default();
    spec.old_installs_per_day = 3.0;
    spec.new_installs_per_day = 8.0;
    let app = SimulatedApp::generate(&spec, 5).unwrap();
    let dir = tempfile::tempdir().unwrap();
    app.write_csv(dir.path()).unwrap();
    let p = |n: &str| dir.path().join(n).to_string_lossy().into_owned();
    let (chart, html) = (p("backtest.png"), p("backtest.html"));
    let out = ltv(&[
        "backtest",
        "--costs",
        &p("costs.csv"),
        "--installs",
        &p("installs.csv"),
        "--transactions",
        &p("transactions.csv"),
        "--hierarchy",
        "none",
        "--as-of",
        "2026-07-01",
        "--horizon-months",
        "1",
        "--group-by",
        "network",
        "--dates",
        "2025-05-31,2025-06-30",
        "--format",
        "csv",
        "--output",
        &p("backtest.csv"),
        "--chart",
        &chart,
        "--html",
        &html,
        "--quiet",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let png = std::fs::read(&chart).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert_eq!(page.matches("<svg").count(), 1);
    assert!(page.contains("2025-05-31") && page.contains("2025-06-30"));
}
