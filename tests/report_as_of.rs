//! The as-of cut: nothing from after the as-of date leaks into a report, and re-running a date
//! gives byte-identical output (backfills).

mod report_common;

use ltv::report::*;
use proptest::prelude::*;
use report_common::*;

/// Rows after the cut (as of 2024-03-02 UTC) of every kind: payments by known and unknown
/// users, installs (new users and re-installs), cost rows (also for an account in Los Angeles
/// whose 03-03 starts after the cut, and a currency with rates only after the cut), exchange
/// rates dated after the as-of day, and dated credit of known and unknown users (written in
/// UTC or with a Tokyo offset).
#[derive(Debug, Clone)]
enum Late {
    Payment {
        user: u8,
        seconds: u32,
        amount: u16,
        jpy: bool,
    },
    Install {
        user: u8,
        seconds: u32,
        network: u8,
    },
    Cost {
        days: u8,
        la: bool,
        amount: u16,
        gbp: bool,
    },
    Rate {
        days: u8,
    },
    Credit {
        user: u8,
        seconds: u32,
        amount: u16,
        tokyo: bool,
    },
}

fn late() -> impl Strategy<Value = Late> {
    prop_oneof![
        (0u8..12, 0u32..5_000_000, 0u16..1000, any::<bool>()).prop_map(
            |(user, seconds, amount, jpy)| Late::Payment {
                user,
                seconds,
                amount,
                jpy
            }
        ),
        (0u8..12, 0u32..5_000_000, 0u8..3).prop_map(|(user, seconds, network)| Late::Install {
            user,
            seconds,
            network
        }),
        (1u8..40, any::<bool>(), 0u16..1000, any::<bool>()).prop_map(|(days, la, amount, gbp)| {
            Late::Cost {
                days,
                la,
                amount,
                gbp,
            }
        }),
        (1u8..40).prop_map(|days| Late::Rate { days }),
        (0u8..12, 0u32..5_000_000, 0u16..1000, any::<bool>()).prop_map(
            |(user, seconds, amount, tokyo)| Late::Credit {
                user,
                seconds,
                amount,
                tokyo
            }
        ),
    ]
}

const CUT: i64 = 1_709_424_000; // 2024-03-03 00:00:00 UTC

fn day_after(days: u8) -> String {
    (parse_date_arg("2024-03-02").unwrap() + chrono::Days::new(u64::from(days))).to_string()
}

/// Inserts the late rows into the text tables at positions chosen by `pos` (so they are
/// interleaved with the real rows, not just appended).
fn with_late(rows: &[(Late, u16)]) -> ReportInputs {
    let mut costs: Vec<String> = COSTS.lines().map(String::from).collect();
    let mut installs: Vec<String> = INSTALLS.lines().map(String::from).collect();
    let mut tx: Vec<String> = TRANSACTIONS.lines().map(String::from).collect();
    let mut fx: Vec<String> = FX.lines().map(String::from).collect();
    let mut credit: Vec<String> = CREDIT_DATED.lines().map(String::from).collect();
    let ts = |s: u32| {
        chrono::DateTime::from_timestamp(CUT + i64::from(s), 0)
            .unwrap()
            .format("%Y-%m-%d %H:%M:%S")
            .to_string()
    };
    let insert = |v: &mut Vec<String>, pos: u16, line: String| {
        let at = 1 + usize::from(pos) % v.len();
        v.insert(at, line);
    };
    for (row, pos) in rows {
        match row {
            Late::Payment {
                user,
                seconds,
                amount,
                jpy,
            } => insert(
                &mut tx,
                *pos,
                format!(
                    "u{user},{},{amount},{}",
                    ts(*seconds),
                    if *jpy { "JPY" } else { "EUR" }
                ),
            ),
            Late::Install {
                user,
                seconds,
                network,
            } => insert(
                &mut installs,
                *pos,
                format!(
                    "u{user},{},{},c{network},",
                    ts(*seconds),
                    ["meta", "google", ""][usize::from(*network)]
                ),
            ),
            Late::Cost {
                days,
                la,
                amount,
                gbp,
            } => insert(
                &mut costs,
                *pos,
                format!(
                    "{},{},x,{},,{amount},{},{},5,1,1",
                    day_after(*days),
                    if *la { "google" } else { "meta" },
                    if *la { "search" } else { "spring" },
                    if *gbp { "GBP" } else { "USD" },
                    if *la { "America/Los_Angeles" } else { "UTC" },
                ),
            ),
            Late::Credit {
                user,
                seconds,
                amount,
                tokyo,
            } => {
                let at = chrono::DateTime::from_timestamp(CUT + i64::from(*seconds), 0).unwrap();
                let when = if *tokyo {
                    at.with_timezone(&parse_time_zone("Asia/Tokyo").unwrap())
                        .to_rfc3339()
                } else {
                    ts(*seconds)
                };
                insert(&mut credit, *pos, format!("u{user},{when},{amount}"));
            }
            Late::Rate { days } => {
                // one rate per currency and day (a day drawn twice gives the same line)
                for cur in ["USD", "JPY", "GBP"] {
                    insert(
                        &mut fx,
                        *pos,
                        format!(
                            "{},{cur},{}",
                            day_after(*days),
                            0.5 + f64::from(*days) / 100.0
                        ),
                    );
                }
            }
        }
    }
    let join = |v: Vec<String>| v.join("\n") + "\n";
    let (costs, installs, tx, fx, credit) = (
        join(costs),
        join(installs),
        join(tx),
        join(fx),
        join(credit),
    );
    ReportInputs {
        costs: read_costs(costs.as_bytes(), &CostColumns::default()).unwrap(),
        installs: read_installs(installs.as_bytes(), &InstallColumns::default()).unwrap(),
        transactions: read_transactions(tx.as_bytes(), &TransactionColumns::default()).unwrap(),
        fx: Some(read_fx(fx.as_bytes(), &FxColumns::default(), "EUR").unwrap()),
        credit: Some(
            read_credit_ledger(credit.as_bytes(), &CreditLedgerColumns::default()).unwrap(),
        ),
    }
}

fn configs() -> Vec<ReportConfig> {
    let mut out = vec![config()];
    let mut c = config();
    c.cohort = CohortBy::Day;
    c.group_by = "network,account,campaign,ad".parse().unwrap();
    out.push(c);
    let mut c = config();
    c.time_zone = parse_time_zone("Asia/Tokyo").unwrap();
    c.as_of = parse_date_arg("2024-03-03").unwrap(); // ends 03-03 15:00 UTC
    out.push(c);
    out
}

#[test]
fn rerunning_a_date_gives_identical_output() {
    for c in configs() {
        for inputs in [inputs, || with_late(&[])] {
            let a = CampaignReport::build(&inputs(), &c, &DoubleRevenue).unwrap();
            let b = CampaignReport::build(&inputs(), &c, &DoubleRevenue).unwrap();
            assert_eq!(csv_of(&a), csv_of(&b));
            assert_eq!(json_of(&a), json_of(&b));
        }
    }
}

/// Dated credit is cut like payments (the whole as-of day in the report zone); undated credit
/// is taken as given, and the report says so.
#[test]
fn credit_is_cut_at_the_as_of_date_or_flagged_as_taken_as_given() {
    let credit_of =
        |r: &CampaignReport| -> Vec<Option<f64>> { r.rows.iter().map(|x| x.credit).collect() };
    let undated = CampaignReport::build(&inputs(), &config(), &DoubleRevenue).unwrap();
    assert!(undated
        .meta
        .warnings
        .iter()
        .any(|w| w.contains("no time column") && w.contains("as given")));
    let dated = CampaignReport::build(&with_late(&[]), &config(), &DoubleRevenue).unwrap();
    assert!(!dated
        .meta
        .warnings
        .iter()
        .any(|w| w.contains("no time column")));
    assert_eq!(credit_of(&dated), credit_of(&undated));
    // as of 03-01, only u1's first 1.5 counts (u3 has not installed yet: not a report user)
    let mut c = config();
    c.as_of = parse_date_arg("2024-03-01").unwrap();
    let early = CampaignReport::build(&with_late(&[]), &c, &DoubleRevenue).unwrap();
    let meta = early.rows.iter().find(|x| x.group[0] == "meta").unwrap();
    assert_eq!(meta.credit, Some(1.5));
    assert_eq!(early.meta.exclusions.credit_rows_after_as_of, 2);
    // in Tokyo the report day 03-02 ends at 03-02 15:00 UTC: u3's 23:59:59 UTC credit is out
    let mut c = config();
    c.time_zone = parse_time_zone("Asia/Tokyo").unwrap();
    let tokyo = CampaignReport::build(&with_late(&[]), &c, &DoubleRevenue).unwrap();
    assert_eq!(tokyo.meta.exclusions.credit_rows_after_as_of, 1);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() })]

    /// Adding any rows dated after the as-of day changes nothing in the rows of the report
    /// (only the counts of left-out rows in its metadata).
    #[test]
    fn nothing_after_the_as_of_date_leaks_in(rows in prop::collection::vec((late(), any::<u16>()), 1..30)) {
        let c = config();
        // the fixture with dated credit: the same rows as with the undated credit table
        let base = CampaignReport::build(&with_late(&[]), &c, &DoubleRevenue).unwrap();
        prop_assert_eq!(
            &base.rows,
            &CampaignReport::build(&inputs(), &c, &DoubleRevenue).unwrap().rows
        );
        let late = CampaignReport::build(&with_late(&rows), &c, &DoubleRevenue).unwrap();
        prop_assert_eq!(csv_of(&base), csv_of(&late));
        prop_assert_eq!(&base.rows, &late.rows);
        prop_assert_eq!(base.meta.users, late.meta.users);
        prop_assert_eq!(&base.meta.model, &late.meta.model);
    }
}

#[test]
fn the_as_of_day_is_included_whole() {
    // a payment at 23:59:59 of the as-of day counts; one at 00:00:00 the next day does not
    let mut inputs = inputs();
    inputs
        .transactions
        .push("u3", CUT - 1, 7.0, None, 0)
        .unwrap();
    inputs
        .transactions
        .push("u3", CUT, 1000.0, None, 0)
        .unwrap();
    let r = CampaignReport::build(&inputs, &config(), &DoubleRevenue).unwrap();
    let meta = r.rows.iter().find(|x| x.group[0] == "meta").unwrap();
    approx::assert_relative_eq!(meta.revenue_to_date, 17.0 + 7.0, max_relative = 1e-12);
    assert_eq!(r.meta.exclusions.transactions_after_as_of, 1);
}

/// With the real model step (BG/NBD + Gamma-Gamma fitted on every user): a log holding
/// payments up to 2024-03-31 gives, as of 2024-03-02, byte for byte the report of the same
/// log with everything after 2024-03-02 deleted (and late installs, costs and rates added on
/// top change nothing either).
#[test]
fn the_fitted_model_sees_nothing_after_the_as_of_date() {
    let (mut installs, mut tx) = (INSTALLS.to_string(), TRANSACTIONS.to_string());
    simulated_users(&mut installs, &mut tx, "meta", "spring", 600, 11);
    simulated_users(&mut installs, &mut tx, "google", "search", 300, 12);
    let cut_text = "2024-03-03";
    let before: String = tx
        .lines()
        .filter(|l| l.starts_with("user_id") || l.split(',').nth(1).unwrap() < cut_text)
        .map(|l| format!("{l}\n"))
        .collect();
    assert!(before.len() < tx.len(), "the log must hold later payments");
    let late_installs = format!("{installs}late1,2024-03-03 00:00:00,meta,spring,\nlate2,2024-03-20 12:00:00,google,search,\n");
    let late_costs = format!("{COSTS}2024-03-03,meta,m1,spring,a1,500,USD,UTC,1,1,1\n2024-03-02,google,g1,search,,48,JPY,Asia/Tokyo,,,\n");
    let late_fx = format!("{FX}2024-03-03,USD,0.5\n2024-03-02,JPY,0.006\n");
    // credit earned from 03-03 on, by a report user, an unknown user, and at 00:30 in Berlin
    // (still 03-02 in UTC: it counts, in both runs)
    let berlin_credit = "spring-3,2024-03-03T00:30:00+01:00,0.25\n";
    let late_credit =
        format!("{CREDIT_DATED}spring-1,2024-03-03 00:00:00,70\nzz,2024-03-20,5\n{berlin_credit}");
    let read = |costs: &str, installs: &str, tx: &str, fx: &str, credit: &str| ReportInputs {
        costs: read_costs(costs.as_bytes(), &CostColumns::default()).unwrap(),
        installs: read_installs(installs.as_bytes(), &InstallColumns::default()).unwrap(),
        transactions: read_transactions(tx.as_bytes(), &TransactionColumns::default()).unwrap(),
        fx: Some(read_fx(fx.as_bytes(), &FxColumns::default(), "EUR").unwrap()),
        credit: Some(
            read_credit_ledger(credit.as_bytes(), &CreditLedgerColumns::default()).unwrap(),
        ),
    };
    let model = BuyTillYouDieValue::default();
    let mut c = config();
    c.horizon.period = ltv::Period::Day;
    let full = CampaignReport::build(
        &read(&late_costs, &late_installs, &tx, &late_fx, &late_credit),
        &c,
        &model,
    )
    .unwrap();
    // (the JPY row dated 03-02 in Tokyo runs from 03-01 15:00 to 03-02 15:00 UTC: wholly
    // before the cut, so it counts in both)
    let cut = CampaignReport::build(
        &read(
            &format!("{COSTS}2024-03-02,google,g1,search,,48,JPY,Asia/Tokyo,,,\n"),
            &installs,
            &before,
            FX,
            &format!("{CREDIT_DATED}{berlin_credit}"),
        ),
        &c,
        &model,
    )
    .unwrap();
    assert_eq!(full.meta.exclusions.credit_rows_after_as_of, 2);
    assert_eq!(cut.meta.exclusions.credit_rows_after_as_of, 0);
    assert_eq!(csv_of(&full), csv_of(&cut));
    assert_eq!(full.meta.model, cut.meta.model);
    // and the test is not vacuous: a later as-of date does see the later payments
    let mut later = c.clone();
    later.as_of = parse_date_arg("2024-03-20").unwrap();
    let l = CampaignReport::build(
        &read(&late_costs, &late_installs, &tx, &late_fx, &late_credit),
        &later,
        &model,
    )
    .unwrap();
    assert_ne!(csv_of(&l), csv_of(&full));
}
