//! Summaries equal Python lifetimes 0.11.3 row for row.
//!
//! Reference files in `tests/data/` were written by `tests/reference/make_summary_reference.py`
//! (lifetimes 0.11.3, pandas 2.3, numpy 2.4). frequency, recency, T and the holdout counts are
//! compared exactly (they are whole numbers of periods); money within 1e-9 relative (pandas sums
//! with Kahan compensation and in a different order, so the last bits may differ; repr() in the
//! files round-trips exactly).

use approx::relative_eq;
use ltv::data::{Period, Timestamp, TransactionCsvOptions, TransactionLog};
use ltv::datasets;
use ltv::summary::{CalibrationHoldout, RfmSummary, SummaryOptions};
use std::collections::HashMap;

const MONEY_RTOL: f64 = 1e-9;

fn ts(s: &str) -> Timestamp {
    Timestamp::parse(s).unwrap()
}

/// customer id -> the row's numbers, in the file's column order.
fn read_reference(name: &str) -> (Vec<String>, HashMap<String, Vec<f64>>) {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines = text.lines();
    let header: Vec<String> = lines.next().unwrap().split(',').map(String::from).collect();
    let rows = lines
        .map(|l| {
            let mut f = l.split(',');
            let id = f.next().unwrap().to_string();
            (id, f.map(|v| v.parse::<f64>().unwrap()).collect())
        })
        .collect();
    (header, rows)
}

fn money_eq(a: f64, b: f64) -> bool {
    a == b || relative_eq!(a, b, max_relative = MONEY_RTOL)
}

fn assert_summary_matches(s: &RfmSummary, name: &str) {
    let (header, want) = read_reference(name);
    assert_eq!(
        header,
        ["customer_id", "frequency", "recency", "T", "monetary_value"]
    );
    assert_eq!(s.len(), want.len(), "{name}: number of customers");
    let m = s.monetary_value().expect("monetary value");
    for (i, id) in s.customer_ids().iter().enumerate() {
        let w = want
            .get(id)
            .unwrap_or_else(|| panic!("{name}: {id} not in reference"));
        let got = [s.frequency()[i], s.recency()[i], s.t()[i]];
        assert_eq!(got, w[..3], "{name}: customer {id} frequency/recency/T");
        assert!(
            money_eq(m[i], w[3]),
            "{name}: customer {id} monetary {} vs {}",
            m[i],
            w[3]
        );
    }
}

fn assert_split_matches(s: &CalibrationHoldout, name: &str) {
    let (header, want) = read_reference(name);
    assert_eq!(
        header,
        [
            "customer_id",
            "frequency_cal",
            "recency_cal",
            "T_cal",
            "monetary_value_cal",
            "frequency_holdout",
            "monetary_value_holdout",
            "duration_holdout"
        ]
    );
    let c = s.calibration();
    assert_eq!(s.len(), want.len(), "{name}: number of customers");
    let m = c.monetary_value().unwrap();
    let mh = s.monetary_value_holdout().unwrap();
    for (i, id) in c.customer_ids().iter().enumerate() {
        let w = want
            .get(id)
            .unwrap_or_else(|| panic!("{name}: {id} not in reference"));
        assert_eq!(
            [c.frequency()[i], c.recency()[i], c.t()[i]],
            w[..3],
            "{name}: {id} cal"
        );
        assert!(money_eq(m[i], w[3]), "{name}: {id} monetary_value_cal");
        assert_eq!(
            s.frequency_holdout()[i],
            w[4],
            "{name}: {id} frequency_holdout"
        );
        assert!(
            money_eq(mh[i], w[5]),
            "{name}: {id} monetary_value_holdout {} vs {}",
            mh[i],
            w[5]
        );
        assert_eq!(
            s.duration_holdout()[i],
            w[6],
            "{name}: {id} duration_holdout"
        );
    }
}

#[test]
fn cdnow_weekly_summary_equals_lifetimes() {
    let log = datasets::cdnow_master().unwrap();
    let out = SummaryOptions::new(Period::Week)
        .observation_end(ts("1998-06-30"))
        .summarise(&log)
        .unwrap();
    assert_summary_matches(&out.summary, "cdnow_weekly_summary.csv");
    assert_eq!(out.stats.excluded_after_end, 0);
    assert_eq!(out.stats.transactions_used, 69_659);
    // the example: first purchase Wednesday 1997-01-01 -> T = 78 weeks
    assert_eq!(out.summary.t()[0], 78.0);
}

#[test]
fn cdnow_weekly_calibration_holdout_equals_lifetimes() {
    let log = datasets::cdnow_master().unwrap();
    let split = SummaryOptions::new(Period::Week)
        .observation_end(ts("1998-06-30"))
        .calibration_holdout(&log, ts("1997-09-30"))
        .unwrap();
    assert_split_matches(&split, "cdnow_weekly_calibration_holdout.csv");
    let st = split.stats();
    assert_eq!(
        st.calibration_transactions + st.holdout_transactions,
        69_659
    );
}

#[test]
fn cdnow_daily_include_first_with_early_end_equals_lifetimes() {
    let log = datasets::cdnow_master().unwrap();
    let out = SummaryOptions::new(Period::Day)
        .observation_end(ts("1997-03-15"))
        .include_first_transaction(true)
        .summarise(&log)
        .unwrap();
    assert_summary_matches(&out.summary, "cdnow_daily_1997-03-15_include_first.csv");
    assert_eq!(out.stats.customers_dropped, 23_570 - 20_894);
    assert_eq!(
        out.stats.transactions_used + out.stats.excluded_after_end,
        69_659
    );
}

fn synthetic_log() -> TransactionLog {
    TransactionCsvOptions::new("user", "ts")
        .amount_col("amount")
        .read_path(format!(
            "{}/tests/data/synthetic_log.csv",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap()
}

#[test]
fn synthetic_summaries_equal_lifetimes() {
    let log = synthetic_log();
    for (period, name) in [
        (Period::Week, "synthetic_weekly_summary.csv"),
        (Period::Day, "synthetic_daily_summary.csv"),
        (Period::Hour, "synthetic_hourly_summary.csv"),
    ] {
        let out = SummaryOptions::new(period)
            .observation_end(ts("2021-05-05 10:00:00"))
            .summarise(&log)
            .unwrap();
        assert_summary_matches(&out.summary, name);
    }
}

#[test]
fn synthetic_calibration_holdout_equals_lifetimes() {
    let log = synthetic_log();
    for (period, name) in [
        (Period::Week, "synthetic_weekly_calibration_holdout.csv"),
        (Period::Day, "synthetic_daily_calibration_holdout.csv"),
    ] {
        let split = SummaryOptions::new(period)
            .observation_end(ts("2021-06-02 18:00:00"))
            .calibration_holdout(&log, ts("2021-03-03 12:00:00"))
            .unwrap();
        assert_split_matches(&split, name);
    }
}

/// lifetimes 0.11.3 raises for `freq="M"`; the reference is the lifetimes algorithm with
/// calendar-month differences taken by pandas `Period` subtraction (same script).
#[test]
fn synthetic_monthly_summary_equals_pandas_periods() {
    let log = synthetic_log();
    let out = SummaryOptions::new(Period::Month)
        .observation_end(ts("2021-05-05 10:00:00"))
        .summarise(&log)
        .unwrap();
    assert_summary_matches(&out.summary, "synthetic_monthly_summary_pandas_periods.csv");
}
