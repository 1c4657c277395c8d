//! Issue 11 items 5 and 9 end to end (needs `--features cli`): the summary and report readers
//! say "not valid UTF-8" with the file line (before: a `Utf8 { pos: .., err: .. }` debug
//! dump), suggest `--delimiter` when the header did not split (before: "column customer_id
//! not found (found: customer_id;frequency;...)"), refuse duplicate header names in the report
//! inputs (before: the first column won); `ltv predict --horizon-col` (before: one horizon for
//! all rows).
#![cfg(feature = "cli")]

mod common;

use common::cli::{ltv, ok, stderr, write};
use std::collections::BTreeMap;
use std::path::Path;

const CDNOW_CAL_HOLDOUT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/data/cdnow_weekly_calibration_holdout.csv"
);

fn write_bytes(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p.to_str().unwrap().to_string()
}

fn fit_bgnbd(dir: &Path) -> String {
    let model = dir.join("bgnbd.json").to_str().unwrap().to_string();
    ok(ltv()
        .args(["fit", "--model", "bgnbd", "--input", CDNOW_CAL_HOLDOUT])
        .args([
            "--frequency-col",
            "frequency_cal",
            "--recency-col",
            "recency_cal",
        ])
        .args(["--t-col", "T_cal", "--output", &model])
        .output()
        .unwrap());
    model
}

#[test]
fn summary_reader_utf8_and_delimiter_messages() {
    let dir = tempfile::tempdir().unwrap();
    let model = fit_bgnbd(dir.path());
    let bad = write_bytes(
        dir.path(),
        "bad.csv",
        b"customer_id,frequency,recency,T\na,1,2,3\nb\xff,0,0,3\n",
    );
    let o = ltv()
        .args([
            "predict",
            "--model-file",
            &model,
            "--input",
            &bad,
            "--horizon",
            "1",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(e.contains("line 3") && e.contains("not valid UTF-8"), "{e}");
    assert!(!e.contains("Utf8"), "{e}");

    let semi = write(
        dir.path(),
        "semi.csv",
        "customer_id;frequency;recency;T\na;1;2;3\n",
    );
    let o = ltv()
        .args([
            "predict",
            "--model-file",
            &model,
            "--input",
            &semi,
            "--horizon",
            "1",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(
        e.contains(
            "one column `customer_id;frequency;recency;T` — is the delimiter `;`? use --delimiter"
        ),
        "{e}"
    );
}

fn report_args<'a>(costs: &'a str, installs: &'a str, tx: &'a str) -> Vec<&'a str> {
    report_args_as_of(costs, installs, tx, "2024-03-01")
}

fn report_args_as_of<'a>(
    costs: &'a str,
    installs: &'a str,
    tx: &'a str,
    as_of: &'a str,
) -> Vec<&'a str> {
    vec![
        "report",
        "--costs",
        costs,
        "--installs",
        installs,
        "--transactions",
        tx,
        "--as-of",
        as_of,
        "--hierarchy",
        "none",
    ]
}

#[test]
fn report_reader_messages() {
    let dir = tempfile::tempdir().unwrap();
    let costs = write(
        dir.path(),
        "costs.csv",
        "date,network,campaign,cost\n2024-03-01,meta,spring,100\n",
    );
    let installs = write(
        dir.path(),
        "installs.csv",
        "user_id,install_time,network,campaign\nu1,2024-03-01 09:00:00,meta,spring\n",
    );
    // invalid UTF-8 on line 3 of the transactions
    let tx = write_bytes(
        dir.path(),
        "tx.csv",
        b"user_id,time,amount\nu1,2024-03-01 10:00:00,1\nu\xfe,2024-03-01 11:00:00,2\n",
    );
    let o = ltv()
        .args(report_args(&costs, &installs, &tx))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(e.contains("line 3") && e.contains("not valid UTF-8"), "{e}");
    assert!(!e.contains("Utf8"), "{e}");

    // a costs table written with `;`
    let semi = write(
        dir.path(),
        "costs_semi.csv",
        "date;network;campaign;cost\n2024-03-01;meta;spring;100\n",
    );
    let tx = write(dir.path(), "tx_ok.csv", "user_id,time,amount\n");
    let o = ltv()
        .args(report_args(&semi, &installs, &tx))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(e.contains("is the delimiter `;`? use --delimiter"), "{e}");

    // duplicate header names in a report input
    let dup = write(
        dir.path(),
        "costs_dup.csv",
        "date,network,campaign,cost,cost\n2024-03-01,meta,spring,100,5\n",
    );
    let o = ltv()
        .args(report_args(&dup, &installs, &tx))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(
        e.contains("duplicate column name") && e.contains("columns 4 and 5"),
        "{e}"
    );
}

/// Item 9: `ltv predict --horizon-col duration_holdout` gives each row its own horizon; a row
/// equals the single-horizon prediction at that row's horizon.
#[test]
fn predict_per_row_horizon() {
    let dir = tempfile::tempdir().unwrap();
    let model = fit_bgnbd(dir.path());
    // CDNOW's holdout is 39 weeks for everyone: give rows 39, 26 and 13 weeks in turn
    let text = std::fs::read_to_string(CDNOW_CAL_HOLDOUT).unwrap();
    let mut varied = String::new();
    let mut durations = Vec::new();
    for (i, l) in text.lines().enumerate() {
        if i == 0 {
            varied += l;
        } else {
            let d = ["39", "26", "13"][i % 3];
            let (head, _) = l.rsplit_once(',').unwrap();
            varied += &format!("{head},{d}");
            durations.push(d.to_string());
        }
        varied.push('\n');
    }
    let input = write(dir.path(), "varied.csv", &varied);
    let common = [
        "predict",
        "--model-file",
        &model,
        "--input",
        &input,
        "--frequency-col",
        "frequency_cal",
        "--recency-col",
        "recency_cal",
        "--t-col",
        "T_cal",
    ];
    let per_row = ok(ltv()
        .args(common)
        .args(["--horizon-col", "duration_holdout"])
        .output()
        .unwrap());
    let per_row: Vec<&str> = per_row.lines().skip(1).collect();
    assert_eq!(per_row.len(), durations.len());
    let mut by_horizon: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, d) in durations.iter().enumerate() {
        by_horizon.entry(d.as_str()).or_default().push(i);
    }
    assert!(by_horizon.len() >= 2, "the file has one duration only");
    for (h, rows) in by_horizon.iter().take(3) {
        let single = ok(ltv().args(common).args(["--horizon", h]).output().unwrap());
        let single: Vec<&str> = single.lines().skip(1).collect();
        for &i in rows {
            assert_eq!(per_row[i], single[i], "row {i}, horizon {h}");
        }
    }

    // a bad horizon names the file line
    let bad = write(
        dir.path(),
        "bad_h.csv",
        "customer_id,frequency,recency,T,h\na,1,2,3,1\nb,0,0,3,-1\n",
    );
    let o = ltv()
        .args([
            "predict",
            "--model-file",
            &model,
            "--input",
            &bad,
            "--horizon-col",
            "h",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(e.contains("line 3") && e.contains("`h`"), "{e}");
    // one of --horizon and --horizon-col
    let o = ltv()
        .args(["predict", "--model-file", &model, "--input", &bad])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
}

/// Item 3: an exchange rate of 1e308 made `ltv report` fail with "line 1, column
/// `monetary_value`: invalid value `inf`" (a summary row index); now the error names the
/// transactions line and the rate. Two payments of 1e308 by one user name the user.
#[test]
fn report_overflow_names_the_rate_and_the_user() {
    let dir = tempfile::tempdir().unwrap();
    let costs = write(
        dir.path(),
        "costs.csv",
        "date,network,campaign,cost\n2024-03-01,meta,spring,100\n2024-03-02,meta,spring,100\n",
    );
    let installs = write(
        dir.path(),
        "installs.csv",
        "user_id,install_time,network,campaign\nu1,2024-03-01 09:00:00,meta,spring\nu2,2024-03-01 10:00:00,meta,spring\n",
    );
    let fx = write(
        dir.path(),
        "fx.csv",
        "date,currency,rate\n2024-03-01,GBP,1e308\n2024-03-02,GBP,1.1\n",
    );
    let tx = write(
        dir.path(),
        "tx.csv",
        "user_id,time,amount,currency\nu1,2024-03-02 12:00:00,10,GBP\nu1,2024-03-01 12:00:00,10,GBP\n",
    );
    let run = |tx: &str| {
        ltv()
            .args(report_args_as_of(&costs, &installs, tx, "2024-03-02"))
            .args(["--fx", &fx, "--currency", "USD"])
            .output()
            .unwrap()
    };
    let o = run(&tx);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(
        e.contains("line 3")
            && e.contains("GBP exchange rate 1e308")
            && !e.contains("monetary_value"),
        "{e}"
    );
    let tx = write(
        dir.path(),
        "tx2.csv",
        "user_id,time,amount,currency\nu2,2024-03-01 12:00:00,1e308,USD\nu2,2024-03-02 12:00:00,1e308,USD\n",
    );
    let o = run(&tx);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(
        e.contains("`u2`") && e.contains("revenue to date overflows"),
        "{e}"
    );
}

/// Item 5: dates more than a century from the as-of date (year 0001) are used with a warning
/// naming the first such line (before: used silently).
#[test]
fn report_warns_about_dates_a_century_away() {
    let dir = tempfile::tempdir().unwrap();
    let costs = write(
        dir.path(),
        "costs.csv",
        "date,network,campaign,cost\n2024-03-01,meta,spring,100\n",
    );
    let installs = write(
        dir.path(),
        "installs.csv",
        "user_id,install_time,network,campaign\nu1,2024-03-01 09:00:00,meta,spring\nu2,0001-03-01 10:00:00,meta,spring\n",
    );
    let tx = write(dir.path(), "tx.csv", "user_id,time,amount\n");
    let o = ltv()
        .args(report_args(&costs, &installs, &tx))
        .output()
        .unwrap();
    let e = stderr(&o);
    assert!(o.status.success(), "{e}");
    assert!(
        e.contains("1 installs rows are dated more than a century from the as-of date (first: installs line 3, 0001-03-01)"),
        "{e}"
    );
}

/// Item 3: a frequency or weight of 1e308 used to fail inside the likelihood naming no row;
/// a subnormal edge weight (1e-320) made PageRank fail with "non-finite L1 change".
#[test]
fn extreme_rows_are_named() {
    let dir = tempfile::tempdir().unwrap();
    for (name, text, extra) in [
        (
            "f.csv",
            "customer_id,frequency,recency,T\na,1,2,3\nb,1e308,2,3\n",
            vec![],
        ),
        (
            "w.csv",
            "customer_id,frequency,recency,T,weights\na,1,2,3,1\nb,2,2,3,1e308\n",
            vec!["--weights-col", "weights"],
        ),
    ] {
        let input = write(dir.path(), name, text);
        let o = ltv()
            .args(["fit", "--model", "bgnbd", "--input", &input])
            .args(extra)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2));
        let e = stderr(&o);
        assert!(e.contains("line 3") && e.contains("2^53"), "{e}");
    }
    let edges = write(
        dir.path(),
        "e.csv",
        "source,target,weight\na,b,1\nb,c,1e-320\nc,a,1\n",
    );
    let o = ltv()
        .args(["pagerank", "--edges", &edges])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(e.contains("line 3") && e.contains("subnormal"), "{e}");
}
