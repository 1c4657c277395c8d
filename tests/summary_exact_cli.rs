//! `ltv summary --exact-times` and `ltv pipeline --exact-times` end to end: a date-only
//! `--observation-end` observes that whole day (T measured to the next midnight), a date-time
//! is an inclusive instant, and the output equals the library's exact-time summary.
#![cfg(feature = "cli")]

mod common;

use common::cli::{ltv, ok, stderr, write};
use ltv::data::{Period, Timestamp, TransactionCsvOptions};
use ltv::summary::SummaryOptions;
use std::collections::BTreeMap;

const LOG: &str = "\
customer_id,time,amount
late,2024-01-01 23:00:00,5
early,2024-01-01 01:00:00,5
early,2024-01-02 13:00:00,8
early,2024-01-05 10:00:00,2
early,2024-01-06 00:00:00,4
";

/// Rows of a summary CSV as id -> numbers.
fn rows(csv: &str) -> BTreeMap<String, Vec<f64>> {
    csv.lines()
        .skip(1)
        .map(|l| {
            let mut f = l.split(',');
            let id = f.next().unwrap().to_string();
            (id, f.map(|v| v.parse().unwrap()).collect())
        })
        .collect()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12 * a.abs().max(b.abs()).max(1.0)
}

fn summary(input: &str, extra: &[&str]) -> std::process::Output {
    ltv()
        .args(["summary", "--input", input, "--customer-col", "customer_id"])
        .args([
            "--date-col",
            "time",
            "--amount-col",
            "amount",
            "--period",
            "day",
        ])
        .args(extra)
        .output()
        .unwrap()
}

#[test]
fn date_only_end_is_the_end_of_that_day() {
    let dir = tempfile::tempdir().unwrap();
    let input = write(dir.path(), "log.csv", LOG);
    let out = summary(
        &input,
        &["--exact-times", "--observation-end", "2024-01-05"],
    );
    let err = stderr(&out);
    let got = rows(&ok(out));
    assert!(err.contains("exact times"), "{err}");
    // through the end of 2024-01-05 (cut at 2024-01-06 00:00, whose purchase is excluded)
    let late = &got["late"];
    assert_eq!(&late[..2], [0.0, 0.0]);
    assert!(close(late[2], 4.0 + 1.0 / 24.0));
    let early = &got["early"];
    assert_eq!(early[0], 2.0);
    assert!(close(early[1], 4.375)); // 2024-01-05 10:00 is 4 d 9 h after 01:00 on the 1st
    assert!(close(early[2], 4.0 + 23.0 / 24.0));
    assert!(close(early[2] - late[2], 22.0 / 24.0));
    assert_eq!(early[3], 5.0);

    // the library with the same cut gives the same rows
    let log = TransactionCsvOptions::new("customer_id", "time")
        .amount_col("amount")
        .read_path(&input)
        .unwrap();
    let lib = SummaryOptions::new(Period::Day)
        .exact_times(true)
        .observation_end_exclusive(Timestamp::parse("2024-01-06").unwrap())
        .summarise(&log)
        .unwrap()
        .summary;
    for (i, id) in lib.customer_ids().iter().enumerate() {
        let r = &got[id];
        assert_eq!(r[0], lib.frequency()[i]);
        assert!(close(r[1], lib.recency()[i]) && close(r[2], lib.t()[i]));
    }

    // a date-time end is an inclusive instant: midnight starting 2024-01-05
    let got = rows(&ok(summary(
        &input,
        &["--exact-times", "--observation-end", "2024-01-05 00:00:00"],
    )));
    assert!(close(got["late"][2], 3.0 + 1.0 / 24.0));
    assert_eq!(got["early"][0], 1.0);
    assert!(close(got["early"][2], 3.0 + 23.0 / 24.0));

    // without the flag: the calendar summary, as before (2024-01-05 counted in full)
    let got = rows(&ok(summary(&input, &["--observation-end", "2024-01-05"])));
    assert_eq!(got["late"], [0.0, 0.0, 4.0, 0.0]);
    assert_eq!(got["early"], [2.0, 4.0, 4.0, 5.0]);
}

#[test]
fn calibration_end_follows_the_observation_end() {
    let dir = tempfile::tempdir().unwrap();
    let input = write(dir.path(), "log.csv", LOG);
    // both dates: both cuts at the next midnight
    let text = ok(summary(
        &input,
        &[
            "--exact-times",
            "--calibration-end",
            "2024-01-02",
            "--observation-end",
            "2024-01-05",
        ],
    ));
    assert!(text.starts_with(
        "customer_id,frequency_cal,recency_cal,T_cal,monetary_value_cal,frequency_holdout,\
         monetary_value_holdout,duration_holdout\n"
    ));
    let got = rows(&text);
    let early = &got["early"];
    // calibration through 2024-01-02: repeat at +1.5 d, T_cal 1 d 23 h; holdout: the 10:00
    // purchase on the 5th; duration 3 days
    assert_eq!(early[0], 1.0);
    assert!(close(early[1], 1.5) && close(early[2], 1.0 + 23.0 / 24.0));
    assert_eq!(&early[4..], [1.0, 2.0, 3.0]);

    // a date and a date-time cannot be mixed with --exact-times
    let out = summary(
        &input,
        &[
            "--exact-times",
            "--calibration-end",
            "2024-01-02 12:00:00",
            "--observation-end",
            "2024-01-05",
        ],
    );
    assert!(!out.status.success());
    assert!(stderr(&out).contains("both be dates"), "{}", stderr(&out));
}

#[test]
fn pipeline_takes_exact_times() {
    let dir = tempfile::tempdir().unwrap();
    // CDNOW without its $0 purchases, dates only: exact weeks are days / 7
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/datasets/CDNOW_master.txt"
    ))
    .unwrap();
    let mut csv = String::from("customer_id,date,dollar_value\n");
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split_whitespace().collect();
        if f[3].parse::<f64>().unwrap() > 0.0 {
            csv.push_str(&format!("{},{},{}\n", f[0], f[1], f[3]));
        }
    }
    let input = write(dir.path(), "log.csv", &csv);
    let log_args = [
        "--input",
        &input,
        "--customer-col",
        "customer_id",
        "--date-col",
        "date",
        "--date-format",
        "%Y%m%d",
        "--observation-end",
        "1998-06-30",
        "--exact-times",
    ];
    let rfm = dir.path().join("rfm.csv");
    ok(ltv()
        .arg("pipeline")
        .args(log_args)
        .args(["--amount-col", "dollar_value", "--period", "week"])
        .args([
            "--months",
            "12",
            "--discount-rate",
            "0.01",
            "--no-intervals",
        ])
        .arg("--summary-output")
        .arg(&rfm)
        .arg("--output")
        .arg(dir.path().join("clv.csv"))
        .output()
        .unwrap());
    let from_pipeline = std::fs::read_to_string(&rfm).unwrap();
    let from_summary = ok(ltv()
        .arg("summary")
        .args(log_args)
        .args(["--amount-col", "dollar_value", "--period", "week"])
        .output()
        .unwrap());
    assert_eq!(from_pipeline, from_summary);
    // customer 1: first purchase 1997-01-01, observed through 1998-06-30: T = 546 days
    let got = rows(&from_summary);
    assert!(close(got["00001"][2], 546.0 / 7.0));
}
