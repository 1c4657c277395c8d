//! Summary semantics: hand-worked cases, births, custom periods, errors, and property tests
//! against a brute-force oracle that computes periods with chrono (independently of the
//! crate's calendar arithmetic).

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use ltv::data::{Period, Timestamp, TransactionLog};
use ltv::summary::{Births, RfmSummary, SummaryOptions};
use ltv::Error;
use proptest::prelude::*;
use std::collections::{BTreeMap, HashMap};

fn ts(s: &str) -> Timestamp {
    Timestamp::parse(s).unwrap()
}

fn log(rows: &[(&str, &str, f64)]) -> TransactionLog {
    TransactionLog::from_rows(rows.iter().map(|&(c, t, a)| (c, ts(t), Some(a)))).unwrap()
}

fn row(s: &RfmSummary, id: &str) -> (f64, f64, f64, f64) {
    let i = s.customer_ids().iter().position(|c| c == id).unwrap();
    (
        s.frequency()[i],
        s.recency()[i],
        s.t()[i],
        s.monetary_value().map_or(f64::NAN, |m| m[i]),
    )
}

#[test]
fn monthly_counts_calendar_months() {
    let l = log(&[
        ("a", "1997-01-31 23:00:00", 1.0),
        ("a", "1997-02-01", 2.0),
        ("a", "1997-02-28", 3.0),
        ("a", "1997-04-15", 4.0),
        ("b", "1997-06-30 12:00:00", 9.0),
    ]);
    let out = SummaryOptions::new(Period::Month)
        .observation_end(ts("1997-06-01"))
        .summarise(&l)
        .unwrap();
    // a: Jan, Feb (2 + 3), Apr -> 2 repeats, recency 3, T 5, money (5 + 4) / 2
    assert_eq!(row(&out.summary, "a"), (2.0, 3.0, 5.0, 4.5));
    // b bought on 06-30, after the end but in its month: kept, as lifetimes compares periods
    assert_eq!(row(&out.summary, "b"), (0.0, 0.0, 0.0, 0.0));
    assert_eq!(out.stats.excluded_after_end, 0);
}

#[test]
fn same_period_after_end_is_kept_later_period_is_not() {
    // end Tuesday 1998-06-30; Sunday 07-05 is in its week, Monday 07-06 is not
    let l = log(&[
        ("a", "1998-06-01", 1.0),
        ("a", "1998-07-05 23:59:59", 2.0),
        ("a", "1998-07-06", 4.0),
        ("c", "1998-07-07", 4.0),
    ]);
    let out = SummaryOptions::new(Period::Week)
        .observation_end(ts("1998-06-30"))
        .summarise(&l)
        .unwrap();
    assert_eq!(row(&out.summary, "a"), (1.0, 4.0, 4.0, 2.0));
    assert_eq!(out.summary.len(), 1);
    assert_eq!(out.stats.excluded_after_end, 2);
    assert_eq!(out.stats.customers_dropped, 1);
    assert_eq!(out.stats.transactions_used, 2);
}

#[test]
fn default_end_is_the_last_transaction() {
    let l = log(&[("a", "2020-01-01", 1.0), ("a", "2020-01-03", 2.0)]);
    let out = SummaryOptions::new(Period::Day).summarise(&l).unwrap();
    assert_eq!(out.stats.observation_end, ts("2020-01-03"));
    assert_eq!(row(&out.summary, "a"), (1.0, 2.0, 2.0, 2.0));
}

#[test]
fn no_amounts_no_monetary_value() {
    let l = TransactionLog::from_columns(&["a"], &[ts("2020-01-01")], None).unwrap();
    let out = SummaryOptions::new(Period::Day).summarise(&l).unwrap();
    assert!(out.summary.monetary_value().is_none());
}

#[test]
fn custom_period_counts_from_first_purchase() {
    let week = Period::custom(7 * 86_400).unwrap();
    let l = log(&[
        ("a", "1997-01-01 12:00:00", 1.0), // period 0
        ("a", "1997-01-08 11:59:59", 2.0), // 6.99 days later: still period 0
        ("a", "1997-01-08 12:00:00", 3.0), // period 1
        ("a", "1997-01-30 00:00:00", 5.0), // 28.5 days: period 4
        ("a", "1997-02-12 12:00:01", 7.0), // after the end: excluded (raw time)
    ]);
    let out = SummaryOptions::new(week)
        .observation_end(ts("1997-02-12 12:00:00"))
        .summarise(&l)
        .unwrap();
    // T = floor(42 days / 7 days) = 6
    assert_eq!(row(&out.summary, "a"), (2.0, 4.0, 6.0, 4.0));
    assert_eq!(out.stats.excluded_after_end, 1);
}

#[test]
fn births_start_the_clock_and_add_non_buyers() {
    let l = log(&[
        ("u1", "2024-01-01 09:00:00", 5.0), // before birth day? no: same day as birth
        ("u1", "2024-01-03", 7.0),
        ("u2", "2023-12-30", 1.0), // before u2's birth period: excluded
        ("u2", "2024-01-05", 2.0),
        ("u3", "2024-01-04", 3.0), // no birth: from first purchase
        ("u4", "2024-01-02", 3.0), // born after the end: dropped
    ]);
    let births = Births::from_columns(
        &["u1", "u2", "u4", "u5", "u6"],
        &[
            ts("2024-01-01 10:00:00"),
            ts("2024-01-01"),
            ts("2024-01-11"),
            ts("2024-01-02"),
            ts("2024-02-01"),
        ],
    )
    .unwrap();
    let out = SummaryOptions::new(Period::Day)
        .observation_end(ts("2024-01-10"))
        .summarise_with_births(&l, &births)
        .unwrap();
    let s = &out.summary;
    assert_eq!(s.customer_ids(), ["u1", "u2", "u3", "u5"]);
    // u1: the purchase in the birth day is the acquisition; one repeat 2 days later
    assert_eq!(row(s, "u1"), (1.0, 2.0, 9.0, 7.0));
    assert_eq!(row(s, "u2"), (1.0, 4.0, 9.0, 2.0));
    assert_eq!(row(s, "u3"), (0.0, 0.0, 6.0, 0.0));
    assert_eq!(row(s, "u5"), (0.0, 0.0, 8.0, 0.0));
    assert_eq!(out.stats.excluded_before_birth, 1);
    assert_eq!(out.stats.customers_without_birth, 1);
    assert_eq!(out.stats.customers_without_purchase, 1);
    assert_eq!(out.stats.customers_dropped, 2); // u4 (log) and u6 (births only)

    let incl = SummaryOptions::new(Period::Day)
        .observation_end(ts("2024-01-10"))
        .include_first_transaction(true)
        .summarise_with_births(&l, &births)
        .unwrap();
    assert_eq!(row(&incl.summary, "u1"), (2.0, 2.0, 9.0, 6.0));
    assert_eq!(row(&incl.summary, "u5"), (0.0, 0.0, 8.0, 0.0));
}

#[test]
fn births_from_a_users_table() {
    let users = TransactionLog::from_columns(&["a", "b"], &[ts("2024-01-01"); 2], None).unwrap();
    assert_eq!(Births::from_log(&users).unwrap().len(), 2);
    let dup = TransactionLog::from_columns(&["a", "b", "a"], &[ts("2024-01-01"); 3], None).unwrap();
    assert!(matches!(
        Births::from_log(&dup),
        Err(Error::InvalidField { line: 3, .. })
    ));
}

#[test]
fn errors_for_impossible_windows() {
    let l = log(&[("a", "2020-01-10", 1.0), ("a", "2020-02-10", 1.0)]);
    let before = SummaryOptions::new(Period::Day)
        .observation_end(ts("2020-01-09"))
        .summarise(&l);
    assert!(
        matches!(before, Err(Error::InvalidDate { .. })),
        "{before:?}"
    );
    let opts = SummaryOptions::new(Period::Day).observation_end(ts("2020-03-01"));
    assert!(matches!(
        opts.calibration_holdout(&l, ts("2020-03-01")),
        Err(Error::InvalidDate { .. })
    ));
    assert!(matches!(
        opts.calibration_holdout(&l, ts("2020-01-01")),
        Err(Error::InvalidDate { .. })
    ));
    assert!(matches!(
        opts.calibration_holdout(&l, ts("2020-02-15")),
        Err(Error::EmptyInput { .. })
    ));
}

#[test]
fn holdout_counts_periods_but_averages_transactions() {
    let l = log(&[
        ("a", "2020-01-01", 10.0),
        ("a", "2020-01-20", 1.0),
        ("a", "2020-01-20", 2.0), // same day: one holdout period, two transactions
        ("a", "2020-01-25", 6.0),
        ("b", "2020-01-18", 1.0), // holdout only: no row
    ]);
    let split = SummaryOptions::new(Period::Day)
        .observation_end(ts("2020-01-31"))
        .calibration_holdout(&l, ts("2020-01-15"))
        .unwrap();
    assert_eq!(split.calibration().customer_ids(), ["a"]);
    assert_eq!(split.frequency_holdout(), [2.0]);
    assert_eq!(split.monetary_value_holdout().unwrap(), [3.0]);
    assert_eq!(split.duration_holdout(), [16.0]);
    assert_eq!(split.stats().excluded_new_customers, 1);
    assert_eq!(split.stats().holdout_transactions, 3);
}

// ---- the oracle ---------------------------------------------------------------------------

fn naive(t: Timestamp) -> NaiveDateTime {
    t.to_naive()
}

/// Period index computed with chrono only.
fn oracle_index(p: Period, origin: Timestamp, t: Timestamp) -> i64 {
    let d = naive(t);
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
    match p {
        Period::Hour => (d - epoch.and_hms_opt(0, 0, 0).unwrap())
            .num_seconds()
            .div_euclid(3600),
        Period::Day => (d.date() - epoch).num_days(),
        Period::Week => {
            let monday =
                d.date() - chrono::Duration::days(d.weekday().num_days_from_monday() as i64);
            let epoch_monday = NaiveDate::from_ymd_opt(1969, 12, 29).unwrap();
            (monday - epoch_monday).num_days() / 7
        }
        Period::Month => d.year() as i64 * 12 + d.month0() as i64,
        Period::Custom { seconds } => (naive(t) - naive(origin)).num_seconds().div_euclid(seconds),
    }
}

type Row = (f64, f64, f64, f64);

/// The lifetimes algorithm written out plainly, per customer.
fn oracle(
    txns: &[(String, Timestamp, f64)],
    p: Period,
    end: Timestamp,
    include_first: bool,
) -> BTreeMap<String, Row> {
    let mut by: BTreeMap<&str, Vec<(Timestamp, f64)>> = BTreeMap::new();
    for (c, t, a) in txns {
        by.entry(c).or_default().push((*t, *a));
    }
    let mut out = BTreeMap::new();
    for (c, mut v) in by {
        v.sort_by_key(|x| x.0);
        let kept: Vec<_> = match p {
            Period::Custom { .. } => v.into_iter().filter(|x| x.0 <= end).collect(),
            _ => v
                .into_iter()
                .filter(|x| oracle_index(p, end, x.0) <= oracle_index(p, end, end))
                .collect(),
        };
        if kept.is_empty() {
            continue;
        }
        let origin = kept[0].0;
        let mut periods: BTreeMap<i64, f64> = BTreeMap::new();
        for (t, a) in &kept {
            *periods.entry(oracle_index(p, origin, *t)).or_insert(0.0) += a;
        }
        let first = *periods.keys().next().unwrap();
        let last = *periods.keys().last().unwrap();
        let counted: Vec<f64> = periods
            .iter()
            .filter(|(&k, _)| include_first || k != first)
            .map(|(_, &v)| v)
            .collect();
        let money = if counted.is_empty() {
            0.0
        } else {
            counted.iter().sum::<f64>() / counted.len() as f64
        };
        out.insert(
            c.to_string(),
            (
                counted.len() as f64,
                (last - first) as f64,
                (oracle_index(p, origin, end) - first) as f64,
                money,
            ),
        );
    }
    out
}

fn arb_period() -> impl Strategy<Value = Period> {
    prop_oneof![
        Just(Period::Hour),
        Just(Period::Day),
        Just(Period::Week),
        Just(Period::Month),
        (1i64..=40 * 86_400).prop_map(|s| Period::Custom { seconds: s }),
    ]
}

fn arb_log() -> impl Strategy<Value = Vec<(String, Timestamp, f64)>> {
    // ~300 days around 2020-02-29 (leap day, month ends, week ends), cents amounts
    let base = Timestamp::parse("2020-01-01").unwrap().seconds();
    proptest::collection::vec((0u8..12, 0i64..300 * 86_400, 0u32..10_000), 1..80).prop_map(
        move |v| {
            v.into_iter()
                .map(|(c, s, cents)| {
                    (
                        format!("c{c}"),
                        Timestamp::from_seconds(base + s).unwrap(),
                        cents as f64 / 100.0,
                    )
                })
                .collect()
        },
    )
}

fn build(txns: &[(String, Timestamp, f64)]) -> TransactionLog {
    TransactionLog::from_rows(txns.iter().map(|(c, t, a)| (c.as_str(), *t, Some(*a)))).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn summary_equals_oracle(
        txns in arb_log(),
        p in arb_period(),
        end_day in 0i64..320,
        include_first in any::<bool>(),
    ) {
        let end = Timestamp::from_seconds(Timestamp::parse("2020-01-01").unwrap().seconds() + end_day * 86_400 + 43_200).unwrap();
        let want = oracle(&txns, p, end, include_first);
        // as given (random order: the grouping path) and sorted by time (the one-pass path)
        let mut sorted = txns.clone();
        sorted.sort_by_key(|x| x.1);
        for txns in [&txns, &sorted] {
            let got = SummaryOptions::new(p)
                .observation_end(end)
                .include_first_transaction(include_first)
                .summarise(&build(txns));
            if want.is_empty() {
                let is_date_error = matches!(got, Err(Error::InvalidDate { .. }));
                prop_assert!(is_date_error);
                continue;
            }
            let got = got.unwrap();
            let s = &got.summary;
            prop_assert_eq!(s.len(), want.len());
            // rows satisfy every summary rule
            RfmSummary::new(s.customer_ids().to_vec(), s.frequency().to_vec(), s.recency().to_vec(), s.t().to_vec(), s.monetary_value().map(<[f64]>::to_vec), None).unwrap();
            for (i, id) in s.customer_ids().iter().enumerate() {
                let w = want[id];
                prop_assert_eq!((s.frequency()[i], s.recency()[i], s.t()[i]), (w.0, w.1, w.2), "{}", id);
                prop_assert!((s.monetary_value().unwrap()[i] - w.3).abs() <= 1e-9 * w.3.max(1.0));
            }
            prop_assert_eq!(got.stats.transactions_used + got.stats.excluded_after_end, txns.len());
        }
    }

    /// Births: the one-pass and grouping paths agree (sorted vs shuffled logs), and every
    /// birth-table customer born by the end has a row.
    #[test]
    fn births_paths_agree(txns in arb_log(), p in arb_period(), birth_days in proptest::collection::vec(0i64..300, 16), include_first in any::<bool>()) {
        let base = Timestamp::parse("2020-01-01").unwrap().seconds();
        let ids: Vec<String> = (0..16).map(|c| format!("c{c}")).collect();
        let times: Vec<Timestamp> = birth_days.iter().map(|d| Timestamp::from_seconds(base + d * 86_400 + 3600).unwrap()).collect();
        let births = Births::from_columns(&ids[..10], &times[..10]).unwrap();
        let end = Timestamp::from_seconds(base + 200 * 86_400).unwrap();
        let opts = SummaryOptions::new(p).observation_end(end).include_first_transaction(include_first);
        let mut sorted = txns.clone();
        sorted.sort_by_key(|x| x.1);
        let mut reversed = sorted.clone();
        reversed.reverse();
        let a = opts.summarise_with_births(&build(&sorted), &births);
        let b = opts.summarise_with_births(&build(&reversed), &births);
        match (a, b) {
            (Ok(a), Ok(b)) => {
                let by_id = |s: &RfmSummary| -> BTreeMap<String, (f64, f64, f64, u64)> {
                    s.customer_ids().iter().enumerate().map(|(i, c)| (c.clone(), (s.frequency()[i], s.recency()[i], s.t()[i], (s.monetary_value().unwrap()[i] * 100.0).round() as u64))).collect()
                };
                prop_assert_eq!(by_id(&a.summary), by_id(&b.summary));
                prop_assert_eq!(a.stats, b.stats);
                for (j, id) in ids[..10].iter().enumerate() {
                    if times[j] <= end {
                        prop_assert!(a.summary.customer_ids().contains(id));
                    }
                }
            }
            (Err(_), Err(_)) => {}
            (a, b) => prop_assert!(false, "paths disagree: {:?} vs {:?}", a.is_ok(), b.is_ok()),
        }
    }

    /// Shuffling the log changes nothing but the row order.
    #[test]
    fn order_of_transactions_does_not_matter(txns in arb_log(), p in arb_period(), seed in any::<u64>()) {
        let mut shuffled = txns.clone();
        // Fisher-Yates with a small LCG (no RNG needed in the test's dependencies)
        let mut x = seed | 1;
        for i in (1..shuffled.len()).rev() {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            shuffled.swap(i, (x >> 33) as usize % (i + 1));
        }
        let opts = SummaryOptions::new(p);
        let a = opts.summarise(&build(&txns)).unwrap().summary;
        let b = opts.summarise(&build(&shuffled)).unwrap().summary;
        let by_id = |s: &RfmSummary| -> HashMap<String, (u64, u64, u64)> {
            s.customer_ids().iter().enumerate().map(|(i, c)| (c.clone(), (s.frequency()[i] as u64, s.recency()[i] as u64, s.t()[i] as u64))).collect()
        };
        prop_assert_eq!(by_id(&a), by_id(&b));
    }

    /// Calibration + holdout partition the transactions; the calibration part equals a summary
    /// of the calibration transactions alone.
    #[test]
    fn holdout_partition(txns in arb_log(), p in arb_period(), cal_day in 20i64..250) {
        let base = Timestamp::parse("2020-01-01").unwrap().seconds();
        let cal_end = Timestamp::from_seconds(base + cal_day * 86_400).unwrap();
        let end = Timestamp::from_seconds(base + 310 * 86_400).unwrap();
        let l = build(&txns);
        let opts = SummaryOptions::new(p).observation_end(end);
        let Ok(split) = opts.calibration_holdout(&l, cal_end) else { return Ok(()); };
        let cal_txns: Vec<_> = txns.iter().filter(|x| x.1 <= cal_end).cloned().collect();
        let cal = SummaryOptions::new(p).observation_end(cal_end).summarise(&build(&cal_txns)).unwrap().summary;
        let mut a: Vec<_> = split.calibration().customer_ids().iter().zip(split.calibration().frequency()).collect();
        let mut b: Vec<_> = cal.customer_ids().iter().zip(cal.frequency()).collect();
        a.sort_by(|x, y| x.0.cmp(y.0));
        b.sort_by(|x, y| x.0.cmp(y.0));
        prop_assert_eq!(a, b);
        let st = split.stats();
        prop_assert_eq!(st.calibration_transactions + st.holdout_transactions + st.excluded_new_customers, txns.len());
        prop_assert!(split.frequency_holdout().iter().zip(split.duration_holdout()).all(|(f, d)| *f <= d + 1.0));
    }
}
