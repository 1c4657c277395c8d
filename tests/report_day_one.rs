//! Issue 11 item 6: the day-one report. With `--as-of` on the first day, with no payments
//! yet, or with nobody who paid twice, the models cannot be fitted; the report still comes
//! out with users, payers, cost and revenue to date, the estimate columns empty (CSV) or null
//! (JSON), `fit_status` `unavailable`, the reason in `meta.estimates` and a warning on stderr.
//! Before the fix each of these runs failed with exit 2 (an unidentifiable BG/NBD, an empty
//! Gamma-Gamma input, or a 2F1 overflow in the hierarchical fit).
#![cfg(feature = "cli")]

use std::path::Path;
use std::process::{Command, Output};

const COSTS: &str = "\
date,network,campaign,cost
2024-03-01,meta,spring,100
2024-03-01,google,search,48
";

const INSTALLS: &str = "\
user_id,install_time,network,campaign
u1,2024-03-01 09:00:00,meta,spring
u2,2024-03-01 10:00:00,meta,spring
u4,2024-03-01 20:00:00,google,search
";

const ONE_PAYMENT: &str = "\
user_id,time,amount
u1,2024-03-01 12:00:00,10
";

const NO_PAYMENTS: &str = "user_id,time,amount\n";

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.to_string_lossy().into_owned()
}

fn ltv(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ltv"))
        .args(args)
        .output()
        .expect("run ltv")
}

fn report(dir: &Path, tx: &str, extra: &[&str]) -> Output {
    let costs = write(dir, "costs.csv", COSTS);
    let installs = write(dir, "installs.csv", INSTALLS);
    let tx = write(dir, "tx.csv", tx);
    let args = [
        "report",
        "--costs",
        &costs,
        "--installs",
        &installs,
        "--transactions",
        &tx,
        "--as-of",
        "2024-03-01",
    ];
    ltv(&[&args[..], extra].concat())
}

fn column<'a>(header: &'a str, row: &'a str, name: &str) -> &'a str {
    let i = header
        .split(',')
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name} in {header}"));
    row.split(',').nth(i).unwrap()
}

fn check_csv(o: &Output) {
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{stderr}");
    assert!(stderr.contains("warning: no estimates:"), "{stderr}");
    let csv = String::from_utf8(o.stdout.clone()).unwrap();
    let mut lines = csv.lines();
    let header = lines.next().unwrap();
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 2, "{csv}");
    let meta = rows
        .iter()
        .find(|r| r.starts_with("meta,spring"))
        .expect("meta row");
    assert_eq!(column(header, meta, "users"), "2");
    assert_eq!(column(header, meta, "cost"), "100");
    assert_eq!(column(header, meta, "cost_per_install"), "50");
    for est in [
        "estimated_future_revenue",
        "estimated_future_revenue_lower",
        "estimated_future_revenue_upper",
        "estimated_total_revenue",
        "estimated_roas",
        "estimated_roas_lower",
        "estimated_roas_upper",
        "score",
        "rank",
    ] {
        for r in &rows {
            assert_eq!(column(header, r, est), "", "{est} in {r}");
        }
    }
    for r in &rows {
        assert_eq!(column(header, r, "fit_status"), "unavailable", "{r}");
    }
}

#[test]
fn first_day_with_one_payment() {
    let dir = tempfile::tempdir().unwrap();
    for hierarchy in ["network,campaign", "none"] {
        let o = report(dir.path(), ONE_PAYMENT, &["--hierarchy", hierarchy]);
        check_csv(&o);
        let csv = String::from_utf8(o.stdout).unwrap();
        let header = csv.lines().next().unwrap();
        let meta = csv.lines().find(|r| r.starts_with("meta,")).unwrap();
        assert_eq!(column(header, meta, "payers"), "1");
        assert_eq!(column(header, meta, "revenue_to_date"), "10");
        assert_eq!(column(header, meta, "roas_to_date"), "0.1");
    }
}

#[test]
fn no_payments_yet() {
    let dir = tempfile::tempdir().unwrap();
    for hierarchy in ["network,campaign", "none"] {
        let o = report(dir.path(), NO_PAYMENTS, &["--hierarchy", hierarchy]);
        check_csv(&o);
    }
}

#[test]
fn json_has_nulls_and_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let o = report(
        dir.path(),
        NO_PAYMENTS,
        &["--format", "json", "--hierarchy", "none"],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let meta = &v["meta"];
    assert_eq!(meta["estimates"]["status"], "unavailable");
    let reason = meta["estimates"]["reason"].as_str().unwrap();
    assert!(reason.contains("cannot identify"), "{reason}");
    assert!(meta["estimated_future_revenue"].is_null());
    assert_eq!(meta["fit_status"], "unavailable");
    assert_eq!(meta["cost"], 148.0);
    assert_eq!(meta["users"], 3);
    for r in v["rows"].as_array().unwrap() {
        assert!(r["estimated_future_revenue"].is_null(), "{r}");
        assert!(r["estimated_total_revenue"].is_null(), "{r}");
        assert!(r["estimated_roas"].is_null(), "{r}");
        assert_eq!(r["fit_status"], "unavailable");
        assert!(r["cost"].as_f64().unwrap() > 0.0);
    }
}

#[test]
fn strict_fails_without_estimates() {
    let dir = tempfile::tempdir().unwrap();
    let o = report(
        dir.path(),
        NO_PAYMENTS,
        &["--strict", "--hierarchy", "none"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(o.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("no estimates"), "{stderr}");
}

#[test]
fn table_says_unavailable() {
    let dir = tempfile::tempdir().unwrap();
    let o = report(dir.path(), ONE_PAYMENT, &["--format", "table"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let t = String::from_utf8(o.stdout).unwrap();
    assert!(t.contains("est. future unavailable"), "{t}");
    assert!(t.contains("no estimates:"), "{t}");
}
