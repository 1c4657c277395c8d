//! `ltv report` end to end: files in, CSV / JSON out, logs on stderr, non-zero exit on bad
//! input.
#![cfg(feature = "cli")]

mod report_common;

use report_common::*;
use std::path::Path;
use std::process::{Command, Output};

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

/// The fixture with enough payers for the model step: the hand-checked tables plus 400 users
/// simulated from BG/NBD.
fn files(dir: &Path) -> [String; 5] {
    let mut installs = INSTALLS.to_string();
    let mut tx = TRANSACTIONS.to_string();
    simulated_users(&mut installs, &mut tx, "meta", "spring", 400, 7);
    [
        write(dir, "costs.csv", COSTS),
        write(dir, "installs.csv", &installs),
        write(dir, "tx.csv", &tx),
        write(dir, "fx.csv", FX),
        write(dir, "credit.csv", CREDIT),
    ]
}

#[test]
fn writes_csv_and_json_and_logs_to_stderr() {
    let dir = tempfile::tempdir().unwrap();
    let [costs, installs, tx, fx, credit] = files(dir.path());
    let out_csv = dir.path().join("report.csv").to_string_lossy().into_owned();
    let common = [
        "report",
        "--costs",
        &costs,
        "--installs",
        &installs,
        "--transactions",
        &tx,
        "--fx",
        &fx,
        "--credit",
        &credit,
        "--as-of",
        "2024-03-02",
        "--horizon-months",
        "12",
        "--period",
        "day",
        "--group-by",
        "network,campaign",
        "--currency",
        "EUR",
    ];
    let o = ltv(&[&common[..], &["--output", &out_csv]].concat());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(o.stdout.is_empty(), "data goes to the file, not stdout");
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("read 5 cost rows"), "{stderr}");
    let csv = std::fs::read_to_string(&out_csv).unwrap();
    assert!(csv.starts_with("network,campaign,cohort,users,payers,cost,"));
    assert_eq!(csv.lines().count(), 1 + 4);

    // same date again: the same bytes
    let again = dir.path().join("again.csv").to_string_lossy().into_owned();
    assert!(
        ltv(&[&common[..], &["--output", &again, "--quiet"]].concat())
            .status
            .success()
    );
    assert_eq!(csv, std::fs::read_to_string(&again).unwrap());

    let o = ltv(&[&common[..], &["--format", "json", "--quiet"]].concat());
    assert!(o.status.success());
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(json["meta"]["as_of"], "2024-03-02");
    assert_eq!(json["rows"].as_array().unwrap().len(), 4);
}

#[test]
fn bad_input_exits_non_zero_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let [costs, installs, tx, _fx, _] = files(dir.path());
    let bad_tx = write(
        dir.path(),
        "bad.csv",
        "user_id,time,amount\nu1,2024-03-01,1\nu2,not a time,1\n",
    );
    let run = |tx: &str, extra: &[&str]| {
        ltv(&[
            &[
                "report",
                "--costs",
                &costs,
                "--installs",
                &installs,
                "--transactions",
                tx,
                "--as-of",
                "2024-03-02",
                "--currency",
                "EUR",
            ][..],
            extra,
        ]
        .concat())
    };
    let o = run(&bad_tx, &[]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("line 3") && err.contains("`time`"), "{err}");
    // no exchange rates: the USD cost row has none
    let o = run(&tx, &[]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("no exchange rate for"));
    let o = run(&tx, &["--group-by", "network,adset"]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("unknown group-by level"));
    let o = ltv(&[
        "report",
        "--costs",
        &costs,
        "--installs",
        &installs,
        "--transactions",
        &tx,
        "--as-of",
        "2024-02-30",
    ]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("invalid date `2024-02-30`"));
}

/// Dated credit is read with `--credit-time-col`; undated credit (as `ltv attribute` writes
/// it) is taken as given with a warning on stderr. A fit that stalls short of its tolerance is
/// reported (stderr, `fit_status` column) and, with `--strict`, fails the job without writing
/// the output.
#[test]
fn credit_dates_and_strict_convergence() {
    let dir = tempfile::tempdir().unwrap();
    let [costs, installs, tx, fx, credit] = files(dir.path());
    let dated = write(
        dir.path(),
        "dated.csv",
        &CREDIT_DATED.replace("user_id,time,credit", "user_id,earned_at,credit"),
    );
    let run = |extra: &[&str]| {
        ltv(&[
            &[
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
                "--period",
                "day",
                "--currency",
                "EUR",
            ][..],
            extra,
        ]
        .concat())
    };
    let o = run(&["--credit", &credit]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("warning: the credit table has no time column"),
        "{err}"
    );
    let undated_csv = String::from_utf8(o.stdout).unwrap();
    let o = run(&["--credit", &dated, "--credit-time-col", "earned_at"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!err.contains("no time column"), "{err}");
    assert!(err.contains("4 dated credit rows"), "{err}");
    // all dated credit lies before the cut: the same report
    assert_eq!(undated_csv, String::from_utf8(o.stdout).unwrap());
    // a named time column that is not there is an error
    let o = run(&["--credit", &credit, "--credit-time-col", "earned_at"]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("earned_at"));

    // a tolerance no fit can reach: the fits stall just short of it
    let out = dir.path().join("r.csv").to_string_lossy().into_owned();
    let o = run(&["--tolerance", "1e-300", "--output", &out]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("did NOT converge") && err.contains("--strict"),
        "{err}"
    );
    let csv = std::fs::read_to_string(&out).unwrap();
    assert!(csv.contains(",not_converged\n"), "{csv}");
    std::fs::remove_file(&out).unwrap();
    let o = run(&["--tolerance", "1e-300", "--output", &out, "--strict"]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("ltv: error:") && err.contains("did not converge"),
        "{err}"
    );
    assert!(!Path::new(&out).exists(), "--strict writes no report");
    assert!(run(&["--strict"]).status.success());
}

/// The documented pipeline: `ltv attribute` output (`user_id,paid,credit`) feeds
/// `ltv report --credit` as it is (undated: taken as of the as-of date, with a warning).
#[test]
fn ltv_attribute_output_feeds_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let [costs, installs, tx, fx, _] = files(dir.path());
    // u3 enabled u1's and u2's payments (logs cut at the end of the as-of day)
    let matches = write(
        dir.path(),
        "m.csv",
        "user_a,user_b,time\nu1,u3,2024-03-01 10:00:00\nu2,u3,2024-03-02 10:00:00\n",
    );
    let payments = write(
        dir.path(),
        "p.csv",
        "user_id,time,amount\nu1,2024-03-01 12:00:00,12\nu2,2024-03-02 13:00:00,5\n",
    );
    let credit = dir.path().join("credit.csv").to_string_lossy().into_owned();
    let o = ltv(&[
        "attribute",
        "--matches",
        &matches,
        "--payments",
        &payments,
        "--method",
        "shapley-shared",
        "--output",
        &credit,
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = ltv(&[
        "report",
        "--costs",
        &costs,
        "--installs",
        &installs,
        "--transactions",
        &tx,
        "--fx",
        &fx,
        "--credit",
        &credit,
        "--as-of",
        "2024-03-02",
        "--period",
        "day",
        "--currency",
        "EUR",
        "--group-by",
        "network",
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no time column"));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let meta_row = json["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["network"] == "meta")
        .unwrap();
    // shared-match Shapley: each payment split equally between payer and partner, so the
    // meta users u1, u2, u3 hold all 17 of the credit
    approx::assert_relative_eq!(
        meta_row["credit"].as_f64().unwrap(),
        17.0,
        max_relative = 1e-12
    );
}
