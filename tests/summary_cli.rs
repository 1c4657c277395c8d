//! `ltv summary` end to end: output equals the lifetimes reference; errors go to stderr with a
//! non-zero exit code.
#![cfg(feature = "cli")]

mod common;

use std::process::Command;

use common::cli::{ltv, ok};

fn cdnow_path(dir: &std::path::Path) -> std::path::PathBuf {
    let p = dir.join("CDNOW_master.txt");
    std::fs::write(&p, ltv::datasets::cdnow_master_text()).unwrap();
    p
}

/// `ltv summary` of the CDNOW master file at `input` (columns customer_id, date,
/// dollar_value, whitespace-delimited, weekly periods), with further arguments to add.
fn cdnow_summary(input: &std::path::Path) -> Command {
    let mut cmd = ltv();
    cmd.args(["summary", "--input"]).arg(input).args([
        "--customer-col",
        "customer_id",
        "--date-col",
        "date",
        "--amount-col",
        "dollar_value",
        "--delimiter",
        "whitespace",
        "--period",
        "week",
    ]);
    cmd
}

fn reference(name: &str) -> String {
    std::fs::read_to_string(format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

/// Reference rows keyed by id, numbers parsed (the reference writes 78.0 where we write 78).
fn rows(text: &str) -> (String, std::collections::BTreeMap<String, Vec<f64>>) {
    let mut lines = text.lines();
    let header = lines.next().unwrap().to_string();
    let rows = lines
        .map(|l| {
            let mut f = l.split(',');
            let id = f.next().unwrap().to_string();
            (id, f.map(|v| v.parse().unwrap()).collect())
        })
        .collect();
    (header, rows)
}

fn assert_same(got: &str, want: &str) {
    let (gh, g) = rows(got);
    let (wh, w) = rows(want);
    assert_eq!(gh, wh);
    assert_eq!(g.len(), w.len());
    for (id, wv) in &w {
        let gv = &g[id];
        for (a, b) in gv.iter().zip(wv) {
            assert!(
                a == b || (a - b).abs() <= 1e-9 * b.abs(),
                "{id}: {gv:?} vs {wv:?}"
            );
        }
    }
}

#[test]
fn weekly_summary_of_cdnow() {
    let dir = tempfile::tempdir().unwrap();
    let input = cdnow_path(dir.path());
    let out_path = dir.path().join("summary.csv");
    let out = cdnow_summary(&input)
        .args(["--date-format", "YYYYMMDD"])
        .args(["--observation-end", "1998-06-30", "--output"])
        .arg(&out_path)
        .output()
        .unwrap();
    ok(out);
    let got = std::fs::read_to_string(&out_path).unwrap();
    assert!(got.starts_with("customer_id,frequency,recency,T,monetary_value\n"));
    assert_same(&got, &reference("cdnow_weekly_summary.csv"));
}

#[test]
fn calibration_holdout_to_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let input = cdnow_path(dir.path());
    let out = cdnow_summary(&input)
        .args(["--observation-end", "19980630"])
        .args(["--calibration-end", "1997-09-30"])
        .output()
        .unwrap();
    assert_same(&ok(out), &reference("cdnow_weekly_calibration_holdout.csv"));
}

#[test]
fn bad_row_fails_with_message_on_stderr() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("log.csv");
    std::fs::write(&input, "user,day\na,2020-01-01\nb,2020-02-30\n").unwrap();
    let run = |extra: &[&str]| {
        ltv()
            .args(["summary", "--input"])
            .arg(&input)
            .args(["--customer-col", "user", "--date-col", "day"])
            .args(extra)
            .output()
            .unwrap()
    };
    let out = run(&["--period", "day", "--observation-end", "2020-03-01"]);
    assert!(!out.status.success());
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("line 3") && err.contains("2020-02-30") && err.contains("day"),
        "{err}"
    );

    std::fs::write(&input, "user,day\na,2020-01-01\n").unwrap();
    for (extra, needle) in [
        (
            vec!["--period", "day", "--observation-end", "2019-12-31"],
            "before the first purchase",
        ),
        (
            vec!["--period", "day", "--observation-end", "tomorrow"],
            "tomorrow",
        ),
        (
            vec!["--observation-end", "2020-03-01", "--period", "fortnight"],
            "fortnight",
        ),
    ] {
        let out = run(&extra);
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(needle), "{err}");
    }
    let out = run(&["--period", "day", "--observation-end", "2020-03-01"]);
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "customer_id,frequency,recency,T\na,0,0,60\n"
    );
}
