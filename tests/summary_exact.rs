//! Exact-time summaries (`SummaryOptions::exact_times`): hand-computed cases, the observation
//! end read inclusively and exclusively, births, same-instant and pre-birth transactions,
//! calibration/holdout, property tests against a brute-force oracle over the raw timestamps
//! (lifetimes has no exact-time summary to compare with), and a BG/NBD fit on an exact-time
//! summary of simulated continuous-time customers.

use ltv::data::{Period, Timestamp, TransactionLog};
use ltv::fit::FitOptions;
use ltv::models::bgnbd::BgNbd;
use ltv::models::TransactionModel;
use ltv::summary::{Births, RfmSummary, SummaryOptions};
use ltv::Error;
use proptest::prelude::*;
use std::collections::{BTreeMap, HashMap};

const DAY: f64 = 86_400.0;

fn ts(s: &str) -> Timestamp {
    Timestamp::parse(s).unwrap()
}

fn log(rows: &[(&str, &str, f64)]) -> TransactionLog {
    TransactionLog::from_rows(rows.iter().map(|&(c, t, a)| (c, ts(t), Some(a)))).unwrap()
}

fn exact(p: Period) -> SummaryOptions {
    SummaryOptions::new(p).exact_times(true)
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

/// |a − b| within a few ulps of the larger (the crate divides seconds once; hand values are
/// written as sums of fractions).
fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12 * a.abs().max(b.abs()).max(1.0)
}

#[test]
fn late_and_early_installs_differ_by_the_hours_between() {
    // first purchase (the birth) at 23:00 and at 01:00 on the same day; end 2024-01-11 00:00
    let l = log(&[
        ("late", "2024-01-01 23:00:00", 4.0),
        ("early", "2024-01-01 01:00:00", 4.0),
    ]);
    for (p, per_day) in [
        (Period::Day, 1.0),
        (Period::Hour, 24.0),
        (Period::Week, 1.0 / 7.0),
    ] {
        let s = exact(p)
            .observation_end(ts("2024-01-11"))
            .summarise(&l)
            .unwrap();
        let (_, _, t_late, _) = row(&s.summary, "late");
        let (_, _, t_early, _) = row(&s.summary, "early");
        assert!(close(t_late, (9.0 + 1.0 / 24.0) * per_day), "{p}: {t_late}");
        assert!(close(t_early - t_late, 22.0 / 24.0 * per_day), "{p}");
    }
    // the calendar summary gives both the same T: 10 days
    let cal = SummaryOptions::new(Period::Day)
        .observation_end(ts("2024-01-11"))
        .summarise(&l)
        .unwrap();
    assert_eq!(cal.summary.t(), [10.0, 10.0]);
}

#[test]
fn hand_computed_rows_without_births() {
    let l = log(&[
        ("a", "2024-03-01 06:00:00", 10.0),
        ("a", "2024-03-01 06:00:00", 5.0), // same second as the birth: one acquisition
        ("a", "2024-03-01 18:00:00", 3.0), // same calendar day, 12 h later: a repeat purchase
        ("a", "2024-03-04 06:00:00", 2.0),
        ("a", "2024-03-04 06:00:00", 4.0), // same second: one purchase of 6
        ("b", "2024-03-02 12:00:00", 7.0),
    ]);
    let s = exact(Period::Day)
        .observation_end(ts("2024-03-08 06:00:00"))
        .summarise(&l)
        .unwrap();
    // a: repeats at +0.5 d (3) and +3 d (2 + 4); T = 7 d
    assert_eq!(row(&s.summary, "a"), (2.0, 3.0, 7.0, 4.5));
    // b: no repeat; T = 5.75 d
    assert_eq!(row(&s.summary, "b"), (0.0, 0.0, 5.75, 0.0));
    assert_eq!(s.stats.transactions_used, 6);
    // the calendar summary merges the 06:00 and 18:00 purchases of 2024-03-01
    let cal = SummaryOptions::new(Period::Day)
        .observation_end(ts("2024-03-08 06:00:00"))
        .summarise(&l)
        .unwrap();
    assert_eq!(row(&cal.summary, "a"), (1.0, 3.0, 7.0, 6.0));

    // include_first_transaction counts the acquisition (10 + 5) too
    let s = exact(Period::Day)
        .include_first_transaction(true)
        .observation_end(ts("2024-03-08 06:00:00"))
        .summarise(&l)
        .unwrap();
    assert_eq!(row(&s.summary, "a"), (3.0, 3.0, 7.0, 8.0));
    assert_eq!(row(&s.summary, "b"), (1.0, 0.0, 5.75, 7.0));
}

#[test]
fn months_are_average_gregorian_months() {
    let l = log(&[("a", "2024-01-01", 1.0), ("a", "2024-02-01", 2.0)]);
    let end = Timestamp::from_seconds(ts("2024-01-01").seconds() + 3 * 2_629_746).unwrap();
    let s = exact(Period::Month)
        .observation_end(end)
        .summarise(&l)
        .unwrap();
    // 31 days = 31 / 30.436875 months; T = 3 average months exactly
    let (f, r, t, m) = row(&s.summary, "a");
    assert_eq!((f, t, m), (1.0, 3.0, 2.0));
    assert!(close(r, 31.0 / 30.436875));
    assert_eq!(
        Period::Month.length_seconds(),
        Period::AVERAGE_MONTH_SECONDS
    );
    // a custom period is its own length
    let s = exact(Period::custom(12 * 3600).unwrap())
        .observation_end(ts("2024-02-02"))
        .summarise(&l)
        .unwrap();
    assert_eq!(row(&s.summary, "a"), (1.0, 62.0, 64.0, 2.0));
}

/// A date-only observation end is midnight *starting* that day: `observation_end` is an
/// inclusive instant, so the rest of the day is not observed. `observation_end_exclusive`
/// with the next midnight observes the whole day.
#[test]
fn date_only_end_inclusive_instant_and_exclusive_cut() {
    let l = log(&[
        ("a", "2024-01-01 12:00:00", 1.0),
        ("a", "2024-01-05", 2.0),          // at the day's first second
        ("a", "2024-01-05 10:00:00", 3.0), // later that day
        ("a", "2024-01-06", 4.0),          // the next midnight
    ]);
    // inclusive instant 2024-01-05 00:00: the 00:00 purchase counts, 10:00 does not
    let s = exact(Period::Day)
        .observation_end(ts("2024-01-05"))
        .summarise(&l)
        .unwrap();
    assert_eq!(row(&s.summary, "a"), (1.0, 3.5, 3.5, 2.0));
    assert_eq!(s.stats.excluded_after_end, 2);
    assert_eq!(s.stats.observation_end, ts("2024-01-05"));
    // through the end of 2024-01-05: cut at 2024-01-06 00:00, which is itself excluded
    let s = exact(Period::Day)
        .observation_end_exclusive(ts("2024-01-06"))
        .summarise(&l)
        .unwrap();
    let (f, r, t, m) = row(&s.summary, "a");
    assert_eq!((f, t, m), (2.0, 4.5, 2.5));
    assert!(close(r, 3.5 + 10.0 / 24.0));
    assert_eq!(s.stats.excluded_after_end, 1);
    assert_eq!(s.stats.observation_end, ts("2024-01-06"));
    // the calendar summary reads a date end as the whole day; an exclusive cut there is the
    // last second before it, so both give the same rows
    let cal = SummaryOptions::new(Period::Day)
        .observation_end(ts("2024-01-05"))
        .summarise(&l)
        .unwrap();
    let cut = SummaryOptions::new(Period::Day)
        .observation_end_exclusive(ts("2024-01-06"))
        .summarise(&l)
        .unwrap();
    assert_eq!(cal.summary, cut.summary);
    assert_eq!(row(&cal.summary, "a"), (1.0, 4.0, 4.0, 5.0));
    // a cut at the earliest timestamp leaves no second to observe
    assert!(matches!(
        exact(Period::Day)
            .observation_end_exclusive(Timestamp::MIN)
            .summarise(&l),
        Err(Error::InvalidDate { .. })
    ));
}

#[test]
fn births_every_purchase_at_or_after_birth_counts() {
    let l = log(&[
        ("u1", "2024-01-01 09:00:00", 5.0), // before u1's install at 10:00: excluded
        ("u1", "2024-01-01 10:00:00", 6.0), // at the install second: a purchase
        ("u1", "2024-01-02 22:00:00", 2.0),
        ("u1", "2024-01-02 22:00:00", 1.0), // same second: one purchase of 3
        ("u2", "2024-01-03 06:00:00", 8.0), // no birth given: summarised from first purchase
        ("u2", "2024-01-04 06:00:00", 4.0),
        ("u4", "2024-01-09", 1.0), // born after the end
    ]);
    let births = Births::from_columns(
        &["u1", "u3", "u4", "u5"],
        &[
            ts("2024-01-01 10:00:00"),
            ts("2024-01-05 18:00:00"),
            ts("2024-01-08 12:00:00"),
            ts("2024-01-07 12:00:00"),
        ],
    )
    .unwrap();
    let end = ts("2024-01-07 12:00:00");
    let s = exact(Period::Day)
        .observation_end(end)
        .summarise_with_births(&l, &births)
        .unwrap();
    let sm = &s.summary;
    assert_eq!(sm.customer_ids(), ["u1", "u2", "u3", "u5"]);
    // u1: purchases at +0 (6) and +1.5 d (3): frequency 2, recency 1.5, T 6.0833 d
    let (f, r, t, m) = row(sm, "u1");
    assert_eq!((f, r, m), (2.0, 1.5, 4.5));
    assert!(close(t, 6.0 + 2.0 / 24.0));
    // u2: lifetimes semantics from its first purchase
    assert_eq!(row(sm, "u2"), (1.0, 1.0, 4.25, 4.0));
    // u3: never bought; u5 born at the end: T 0
    assert_eq!(row(sm, "u3"), (0.0, 0.0, 1.75, 0.0));
    assert_eq!(row(sm, "u5"), (0.0, 0.0, 0.0, 0.0));
    assert_eq!(s.stats.excluded_before_birth, 1);
    assert_eq!(s.stats.excluded_after_end, 1);
    assert_eq!(s.stats.customers_without_birth, 1);
    assert_eq!(s.stats.customers_without_purchase, 2);
    assert_eq!(s.stats.customers_dropped, 1); // u4
    assert_eq!(s.stats.transactions_used, 5);

    // include_first_transaction changes nothing for born customers
    let s2 = exact(Period::Day)
        .include_first_transaction(true)
        .observation_end(end)
        .summarise_with_births(&l, &births)
        .unwrap();
    assert_eq!(row(&s2.summary, "u1"), row(sm, "u1"));
    assert_eq!(row(&s2.summary, "u2"), (2.0, 1.0, 4.25, 6.0));

    // the calendar summary keeps u1's 09:00 purchase (same day as the install) and makes the
    // install day's purchases the acquisition
    let cal = SummaryOptions::new(Period::Day)
        .observation_end(end)
        .summarise_with_births(&l, &births)
        .unwrap();
    assert_eq!(row(&cal.summary, "u1"), (1.0, 1.0, 6.0, 3.0));
    assert_eq!(cal.stats.excluded_before_birth, 0);
}

#[test]
fn calibration_holdout_in_exact_time() {
    let l = log(&[
        ("a", "2024-01-01 12:00:00", 1.0),
        ("a", "2024-01-03 00:00:00", 2.0),
        ("a", "2024-01-10 06:00:00", 3.0), // holdout
        ("a", "2024-01-10 06:00:00", 5.0), // same second: one holdout purchase
        ("a", "2024-01-10 07:00:00", 1.0), // same day, another purchase
        ("b", "2024-01-11", 9.0),          // new in the holdout: no row
    ]);
    let split = exact(Period::Day)
        .observation_end(ts("2024-01-15 12:00:00"))
        .calibration_holdout(&l, ts("2024-01-05"))
        .unwrap();
    assert_eq!(row(split.calibration(), "a"), (1.0, 1.5, 3.5, 2.0));
    assert_eq!(split.frequency_holdout(), [2.0]);
    assert_eq!(split.monetary_value_holdout().unwrap(), [3.0]);
    assert_eq!(split.duration_holdout(), [10.5]);
    assert_eq!(split.stats().excluded_new_customers, 1);

    // exclusive ends: both the calibration end and the observation end are cuts
    let l2 = log(&[
        ("a", "2024-01-01 12:00:00", 1.0),
        ("a", "2024-01-05", 2.0), // at the calibration cut: holdout
        ("a", "2024-01-16", 3.0), // at the observation cut: excluded
    ]);
    let split = exact(Period::Day)
        .observation_end_exclusive(ts("2024-01-16"))
        .calibration_holdout(&l2, ts("2024-01-05"))
        .unwrap();
    assert_eq!(row(split.calibration(), "a"), (0.0, 0.0, 3.5, 0.0));
    assert_eq!(split.frequency_holdout(), [1.0]);
    assert_eq!(split.duration_holdout(), [11.0]);
    assert_eq!(split.stats().excluded_after_end, 1);
}

#[test]
fn real_valued_rows_are_accepted_and_compress() {
    // the summary's own rule set accepts real recency and T; frequency stays an integer
    let s = RfmSummary::new(
        vec!["a".into(), "b".into()],
        vec![2.0, 0.0],
        vec![1.37, 0.0],
        vec![5.123, 5.123],
        Some(vec![3.5, 0.0]),
        None,
    )
    .unwrap();
    assert_eq!(s.compress().len(), 2);
    assert!(RfmSummary::new(
        vec!["c".into()],
        vec![1.5],
        vec![1.0],
        vec![2.0],
        None,
        None
    )
    .is_err());

    // two customers born at the same second with the same history merge into one row
    let l = log(&[
        ("a", "2024-01-01 10:00:00", 1.0),
        ("a", "2024-01-02 13:00:00", 1.0),
        ("b", "2024-01-01 10:00:00", 1.0),
        ("b", "2024-01-02 13:00:00", 1.0),
        ("c", "2024-01-01 11:00:00", 1.0),
    ]);
    let s = exact(Period::Day)
        .observation_end(ts("2024-01-05"))
        .summarise(&l)
        .unwrap();
    let c = s.summary.compress();
    assert_eq!(c.len(), 2);
    assert_eq!(c.total_weight(), 3.0);
}

/// Continuous-time BG/NBD customers (the CDNOW estimates in days), installed at any second over
/// 200 days, written as a transaction log with exact timestamps: the exact-time summary gives
/// back the simulated (x, t_x, T) to the second, and a BG/NBD fitted on it recovers the truth
/// within three standard errors. The same users given as births (install) plus repeat purchases
/// give the same summary.
#[test]
fn bgnbd_fit_on_an_exact_time_summary_recovers_the_truth() {
    let truth = BgNbd::new(0.243, 4.414 * 7.0, 0.793, 2.426).unwrap(); // alpha in days
    let n = 20_000;
    let end = ts("2024-07-01").seconds();
    // ages in whole seconds, so T is exact
    let ages_s: Vec<i64> = (0..n)
        .map(|i| 30 * 86_400 + (i as i64 * 7_919_423) % (170 * 86_400))
        .collect();
    let ages: Vec<f64> = ages_s.iter().map(|&a| a as f64 / DAY).collect();
    let sim = truth.simulate(&ages, 20_261_201).unwrap();
    let (mut ids, mut times) = (Vec::new(), Vec::new());
    let (mut birth_ids, mut birth_times) = (Vec::new(), Vec::new());
    let (mut rep_ids, mut rep_times) = (Vec::new(), Vec::new());
    for (i, &age) in ages_s.iter().enumerate() {
        let id = format!("u{i}");
        let install = end - age;
        ids.push(id.clone());
        times.push(Timestamp::from_seconds(install).unwrap());
        birth_ids.push(id.clone());
        birth_times.push(Timestamp::from_seconds(install).unwrap());
        for &t in sim.purchase_times(i) {
            // purchase at the second holding it, never after the end
            let s = (install + (t * DAY).floor() as i64).min(end);
            ids.push(id.clone());
            times.push(Timestamp::from_seconds(s).unwrap());
            rep_ids.push(id.clone());
            rep_times.push(Timestamp::from_seconds(s).unwrap());
        }
    }
    let l = TransactionLog::from_columns(&ids, &times, None).unwrap();
    let opts = exact(Period::Day).observation_end(Timestamp::from_seconds(end).unwrap());
    let out = opts.summarise(&l).unwrap();
    let s = &out.summary;
    assert_eq!(s.len(), n);
    let (f, r) = (sim.frequency(), sim.recency());
    for i in 0..n {
        assert_eq!(s.frequency()[i], f[i], "customer {i}");
        assert!((s.recency()[i] - r[i]).abs() <= 1.0 / DAY, "customer {i}");
        assert_eq!(s.t()[i], ages[i]);
    }
    // births + repeat purchases only: the same rows (all users present, none bought before
    // install)
    let reps = TransactionLog::from_columns(&rep_ids, &rep_times, None).unwrap();
    let births = Births::from_columns(&birth_ids, &birth_times).unwrap();
    let born = opts.summarise_with_births(&reps, &births).unwrap();
    let by_id: HashMap<&str, usize> = born
        .summary
        .customer_ids()
        .iter()
        .enumerate()
        .map(|(i, c)| (c.as_str(), i))
        .collect();
    for i in 0..n {
        let j = by_id[s.customer_ids()[i].as_str()];
        assert_eq!(born.summary.frequency()[j], s.frequency()[i]);
        assert_eq!(born.summary.recency()[j], s.recency()[i]);
        assert_eq!(born.summary.t()[j], s.t()[i]);
    }

    let fitted = BgNbd::fit(&s.compress(), &FitOptions::default()).unwrap();
    // 3-sigma band (fails by chance with probability ~0.003 per parameter; the seed is fixed)
    for (e, t) in fitted
        .fit()
        .estimates()
        .unwrap()
        .iter()
        .zip(truth.parameters())
    {
        assert!(
            (e.value - t).abs() <= 3.0 * e.std_error,
            "{}: {} ± {} vs truth {t}",
            e.name,
            e.value,
            e.std_error
        );
    }
}

// ---- brute force from the raw timestamps ----------------------------------------------------

type Txns = Vec<(String, Timestamp, f64)>;

/// Expected (frequency, recency, T, monetary value) by customer id.
type Rows = BTreeMap<String, (f64, f64, f64, f64)>;

/// (frequency, recency, T, monetary) per customer computed straight from the definition: keep
/// transactions at or before `last_kept`, the birth is the given one or the first
/// transaction, transactions at one second are one purchase, counted when at or after a given
/// birth or after a first-purchase birth (or always with `include_first`); and the number of
/// transactions before a birth.
fn oracle(
    txns: &Txns,
    births: &BTreeMap<String, Timestamp>,
    length: i64,
    last_kept: i64,
    t_end: i64,
    include_first: bool,
) -> (Rows, usize) {
    let mut per: BTreeMap<&str, Vec<(i64, f64)>> = BTreeMap::new();
    for (c, t, a) in txns {
        per.entry(c.as_str()).or_default();
        if t.seconds() <= last_kept {
            per.get_mut(c.as_str()).unwrap().push((t.seconds(), *a));
        }
    }
    for c in births.keys() {
        per.entry(c.as_str()).or_default();
    }
    let mut out = BTreeMap::new();
    let mut before = 0;
    for (c, tx) in per {
        let birth = births.get(c).map(|b| b.seconds());
        let Some(origin) = birth.or_else(|| tx.iter().map(|x| x.0).min()) else {
            continue;
        };
        if origin > last_kept {
            continue;
        }
        let mut by_second: BTreeMap<i64, f64> = BTreeMap::new();
        for &(t, a) in &tx {
            if t < origin {
                before += 1;
            } else {
                *by_second.entry(t).or_default() += a;
            }
        }
        let counted: Vec<f64> = by_second
            .iter()
            .filter(|(&t, _)| birth.is_some() || include_first || t > origin)
            .map(|(_, &v)| v)
            .collect();
        let l = length as f64;
        let recency = by_second
            .keys()
            .next_back()
            .map_or(0.0, |&t| (t - origin) as f64 / l);
        let f = counted.len() as f64;
        let m = if counted.is_empty() {
            0.0
        } else {
            counted.iter().sum::<f64>() / f
        };
        out.insert(c.to_string(), (f, recency, (t_end - origin) as f64 / l, m));
    }
    (out, before)
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

/// Transactions at any second over ~300 days, a few at shared seconds (every 4th one is moved
/// to the previous one's second), cents amounts.
fn arb_log() -> impl Strategy<Value = Txns> {
    let base = ts("2020-01-01").seconds();
    proptest::collection::vec((0u8..10, 0i64..300 * 86_400, 0u32..10_000), 1..80).prop_map(
        move |v| {
            let mut out: Txns = Vec::new();
            for (k, (c, s, cents)) in v.into_iter().enumerate() {
                let t = match out.last() {
                    Some(prev) if k % 4 == 3 => prev.1,
                    _ => Timestamp::from_seconds(base + s).unwrap(),
                };
                out.push((format!("c{c}"), t, cents as f64 / 100.0));
            }
            out
        },
    )
}

fn build(txns: &Txns) -> TransactionLog {
    TransactionLog::from_rows(txns.iter().map(|(c, t, a)| (c.as_str(), *t, Some(*a)))).unwrap()
}

fn assert_matches_oracle(s: &RfmSummary, want: &Rows) -> Result<(), TestCaseError> {
    prop_assert_eq!(s.len(), want.len());
    for (i, id) in s.customer_ids().iter().enumerate() {
        let (f, r, t, m) = want[id];
        prop_assert_eq!(s.frequency()[i], f, "frequency of {}", id);
        prop_assert_eq!(s.recency()[i], r, "recency of {}", id);
        prop_assert_eq!(s.t()[i], t, "T of {}", id);
        // sums in another order: a few ulps
        let got = s.monetary_value().unwrap()[i];
        prop_assert!(
            (got - m).abs() <= 1e-9 * m.max(1.0),
            "monetary of {}: {} vs {}",
            id,
            got,
            m
        );
        prop_assert!(0.0 <= s.recency()[i] && s.recency()[i] <= s.t()[i]);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn summary_equals_brute_force(
        txns in arb_log(),
        p in arb_period(),
        end_s in 0i64..320 * 86_400,
        exclusive in any::<bool>(),
        include_first in any::<bool>(),
    ) {
        let l = build(&txns);
        let end = Timestamp::from_seconds(ts("2020-01-01").seconds() + end_s).unwrap();
        let opts = exact(p).include_first_transaction(include_first);
        let (opts, last_kept) = if exclusive {
            (opts.observation_end_exclusive(end), end.seconds() - 1)
        } else {
            (opts.observation_end(end), end.seconds())
        };
        let (want, _) = oracle(&txns, &BTreeMap::new(), p.length_seconds(), last_kept, end.seconds(), include_first);
        match opts.summarise(&l) {
            Ok(out) => {
                assert_matches_oracle(&out.summary, &want)?;
                let after = txns.iter().filter(|x| x.1.seconds() > last_kept).count();
                prop_assert_eq!(out.stats.excluded_after_end, after);
                prop_assert_eq!(out.stats.transactions_used, txns.len() - after);
            }
            Err(Error::InvalidDate { .. }) => prop_assert!(want.is_empty()),
            Err(e) => return Err(TestCaseError::fail(e.to_string())),
        }
    }

    #[test]
    fn births_equal_brute_force(
        txns in arb_log(),
        p in arb_period(),
        birth_s in proptest::collection::vec(proptest::option::of(-20i64 * 86_400..330 * 86_400), 12),
        include_first in any::<bool>(),
    ) {
        let l = build(&txns);
        let base = ts("2020-01-01").seconds();
        let end = base + 310 * 86_400;
        let births: BTreeMap<String, Timestamp> = birth_s
            .iter()
            .enumerate()
            .filter_map(|(i, b)| b.map(|b| (format!("c{i}"), Timestamp::from_seconds(base + b).unwrap())))
            .collect();
        prop_assume!(!births.is_empty());
        let (ids, times): (Vec<String>, Vec<Timestamp>) = births.iter().map(|(c, t)| (c.clone(), *t)).unzip();
        let b = Births::from_columns(&ids, &times).unwrap();
        let (want, before) = oracle(&txns, &births, p.length_seconds(), end, end, include_first);
        let got = exact(p)
            .include_first_transaction(include_first)
            .observation_end(Timestamp::from_seconds(end).unwrap())
            .summarise_with_births(&l, &b);
        match got {
            Ok(out) => {
                assert_matches_oracle(&out.summary, &want)?;
                prop_assert_eq!(out.stats.excluded_before_birth, before);
            }
            Err(Error::InvalidDate { .. }) => prop_assert!(want.is_empty()),
            Err(e) => return Err(TestCaseError::fail(e.to_string())),
        }
    }

    /// With the same inclusive observation end, exact T and recency lie within one period of
    /// the calendar ones for hours, days and weeks (whole periods crossed against elapsed
    /// time), and exact frequency is at least the calendar one (distinct seconds against
    /// distinct periods).
    #[test]
    fn exact_is_within_one_period_of_calendar(
        txns in arb_log(),
        p in prop_oneof![Just(Period::Hour), Just(Period::Day), Just(Period::Week)],
        end_s in 0i64..320 * 86_400,
    ) {
        let l = build(&txns);
        let end = Timestamp::from_seconds(ts("2020-01-01").seconds() + end_s).unwrap();
        let cal = SummaryOptions::new(p).observation_end(end).summarise(&l);
        let ex = exact(p).observation_end(end).summarise(&l);
        let (Ok(cal), Ok(ex)) = (cal, ex) else { return Ok(()) };
        let cal_rows: HashMap<&str, usize> = cal.summary.customer_ids().iter().enumerate().map(|(i, c)| (c.as_str(), i)).collect();
        for (i, id) in ex.summary.customer_ids().iter().enumerate() {
            // the calendar summary keeps the rest of the end's period: compare customers whose
            // kept transactions are the same
            let Some(&j) = cal_rows.get(id.as_str()) else { continue };
            let later = txns.iter().any(|x| &x.0 == id && x.1 > end && p.index(x.1) == p.index(end));
            if later { continue; }
            prop_assert!((ex.summary.t()[i] - cal.summary.t()[j]).abs() < 1.0);
            prop_assert!((ex.summary.recency()[i] - cal.summary.recency()[j]).abs() < 1.0);
            prop_assert!(ex.summary.frequency()[i] >= cal.summary.frequency()[j]);
        }
    }

    #[test]
    fn holdout_partitions_the_window(
        txns in arb_log(),
        p in arb_period(),
        cal_s in 20i64 * 86_400..250 * 86_400,
    ) {
        let l = build(&txns);
        let base = ts("2020-01-01").seconds();
        let cal_end = Timestamp::from_seconds(base + cal_s).unwrap();
        let end = Timestamp::from_seconds(base + 300 * 86_400).unwrap();
        let opts = exact(p).observation_end(end);
        let Ok(split) = opts.calibration_holdout(&l, cal_end) else { return Ok(()) };
        // the calibration part is the exact summary at the calibration end
        let cal = exact(p).observation_end(cal_end).summarise(&l).unwrap();
        prop_assert_eq!(split.calibration(), &cal.summary);
        let st = split.stats();
        prop_assert_eq!(st.calibration_transactions + st.holdout_transactions + st.excluded_new_customers + st.excluded_after_end, txns.len());
        let d = (end.seconds() - cal_end.seconds()) as f64 / p.length_seconds() as f64;
        for (i, id) in split.calibration().customer_ids().iter().enumerate() {
            prop_assert_eq!(split.duration_holdout()[i], d);
            let seconds: std::collections::BTreeSet<i64> = txns
                .iter()
                .filter(|x| &x.0 == id && x.1 > cal_end && x.1 <= end)
                .map(|x| x.1.seconds())
                .collect();
            prop_assert_eq!(split.frequency_holdout()[i], seconds.len() as f64);
        }
    }
}
