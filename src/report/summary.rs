//! The users' RFM summary at the as-of date, with every user born at install.
//!
//! Periods are calendar days or Monday-to-Sunday weeks in the report time zone (the calendar
//! periods of lifetimes' `summary_data_from_transaction_data`, with weeks starting on Monday as
//! pandas' `W-SUN` periods do). For user i born in period b_i (install, or an earlier first
//! payment) and the as-of period e:
//!
//! * `frequency` — the number of distinct periods with a payment, the birth period included:
//!   the birth is the install, not a purchase, so a user who pays on install day has made one
//!   purchase (0 until they pay);
//! * `recency` — last payment period − b_i (0 without payments);
//! * `T` — e − b_i;
//! * `monetary_value` — mean revenue of the payment periods (0 without payments), in the
//!   report currency.
//!
//! Payments within one period count as one purchase with their amounts summed, as in lifetimes.

use crate::error::{Error, Result};
use crate::report::timezone::{local_date, week_start};
use crate::report::users::ReportUsers;
use crate::summary::RfmSummary;
use crate::Period;
use chrono::{Datelike, NaiveDate};
use chrono_tz::Tz;

/// Index of the day or week holding `date` ([`Horizon::validate`](crate::report::Horizon::validate)
/// admits no other report period; any other is counted in weeks).
fn period_of(date: NaiveDate, period: Period) -> i64 {
    match period {
        Period::Day => i64::from(date.num_days_from_ce()),
        _ => i64::from(week_start(date).num_days_from_ce()) / 7,
    }
}

/// Period index of instant `t` in `tz`, with a cache of the last day seen (payments of one
/// user cluster in time, so most lookups hit it).
struct PeriodClock {
    tz: Tz,
    period: Period,
    day_start: i64,
    day_end: i64,
    index: i64,
}

impl PeriodClock {
    fn new(tz: Tz, period: Period) -> Self {
        Self {
            tz,
            period,
            day_start: 1,
            day_end: 0,
            index: 0,
        }
    }

    fn at(&mut self, t: i64) -> i64 {
        if !(self.day_start <= t && t < self.day_end) {
            let d = local_date(t, self.tz);
            self.day_start = crate::report::timezone::day_start(d, self.tz);
            self.day_end = d
                .succ_opt()
                .map_or(i64::MAX, |n| crate::report::timezone::day_start(n, self.tz));
            self.index = period_of(d, self.period);
        }
        self.index
    }
}

/// The RFM summary of `users` at their as-of date in `period`s (see the module docs), one row
/// per user in the order of [`ReportUsers::ids`], with monetary values.
pub(crate) fn report_summary(users: &ReportUsers, period: Period) -> Result<RfmSummary> {
    let as_of = users.as_of();
    let end = period_of(as_of.date(), period);
    let n = users.len();
    let (mut freq, mut rec, mut age, mut money) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    let mut clock = PeriodClock::new(as_of.time_zone(), period);
    let birth = users.birth_times();
    for (u, &b) in birth.iter().enumerate() {
        let born = clock.at(b);
        let (times, amounts) = users.payments(u);
        let mut periods = 0u64;
        let mut last = born;
        let mut total = 0.0;
        let mut current = i64::MIN;
        for (&t, &a) in times.iter().zip(amounts) {
            let p = clock.at(t);
            if p != current {
                periods += 1;
                current = p;
                last = p;
            }
            total += a;
        }
        freq.push(periods as f64);
        rec.push((last - born) as f64);
        age.push((end - born) as f64);
        money.push(if periods > 0 {
            total / periods as f64
        } else {
            0.0
        });
    }
    RfmSummary::new(users.ids().to_vec(), freq, rec, age, Some(money), None)
}

/// The exact-time RFM summary of `users` at the as-of cut, in real `period`s, from the
/// crate's summary builder ([`SummaryOptions::exact_times`](crate::summary::SummaryOptions::exact_times)
/// with births and the as-of cut as an exclusive observation end): user i born at instant
/// b_i (install, or an earlier first payment), with payments up to the cut c:
///
/// * `frequency` = the number of payments (payments in the same second are one purchase), the
///   install being the birth, not a purchase;
/// * `recency` = (last payment − b_i) / P (0 without payments);
/// * `T` = (c − b_i) / P;
/// * `monetary_value` = the mean purchase (0 without payments),
///
/// with P the period's length (86,400 s for days, 604,800 s for weeks). A user installed at
/// 23:00 is 22/24 of a day younger than one installed at 01:00 the same day. Rows are in the
/// order of [`ReportUsers::ids`].
pub(crate) fn exact_report_summary(users: &ReportUsers, period: Period) -> Result<RfmSummary> {
    use crate::data::{Timestamp, TransactionLog};
    use crate::summary::{Births, SummaryOptions};
    let n = users.len();
    let seconds = |t: i64| {
        Timestamp::from_seconds(t).ok_or_else(|| Error::InvalidDate {
            value: t.to_string(),
            rule: "instant out of the supported range".into(),
        })
    };
    let cut = seconds(users.as_of().cut())?;
    let births: Vec<Timestamp> = users
        .birth_times()
        .iter()
        .map(|&b| seconds(b))
        .collect::<Result<_>>()?;
    let (offsets, times, amounts) = users.payment_table();
    let mut customer: Vec<u32> = Vec::with_capacity(times.len());
    for u in 0..n {
        customer.extend(std::iter::repeat(u as u32).take(offsets[u + 1] - offsets[u]));
    }
    if customer.is_empty() {
        // nobody has paid yet: every user has frequency 0 and their age as T
        let p = period.length_seconds() as f64;
        let t: Vec<f64> = users
            .birth_times()
            .iter()
            .map(|&b| ((users.as_of().cut() - b) as f64 / p).max(0.0))
            .collect();
        return RfmSummary::new(
            users.ids().to_vec(),
            vec![0.0; n],
            vec![0.0; n],
            t,
            Some(vec![0.0; n]),
            None,
        );
    }
    let log = TransactionLog::from_indexed_columns(
        users.ids().to_vec(),
        customer,
        times.iter().map(|&t| seconds(t)).collect::<Result<_>>()?,
        Some(amounts.to_vec()),
    )?;
    let births = Births::from_columns(users.ids(), &births)?;
    let out = SummaryOptions::new(period)
        .exact_times(true)
        .observation_end_exclusive(cut)
        .summarise_with_births(&log, &births)?
        .summary;
    // back to the users' order
    let index: std::collections::HashMap<&str, usize> = out
        .customer_ids()
        .iter()
        .enumerate()
        .map(|(k, id)| (id.as_str(), k))
        .collect();
    let money = out.monetary_value();
    let (mut f, mut r, mut t, mut m) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    for id in users.ids() {
        let k = *index.get(id.as_str()).ok_or_else(|| Error::EmptyInput {
            what: format!("summary row of user `{id}`"),
        })?;
        f.push(out.frequency()[k]);
        r.push(out.recency()[k]);
        t.push(out.t()[k]);
        m.push(money.map_or(0.0, |v| v[k]));
    }
    RfmSummary::new(users.ids().to_vec(), f, r, t, Some(m), None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{Timestamp, TransactionLog};
    use crate::report::currency::FxRates;
    use crate::report::inputs::{Installs, Transactions};
    use crate::report::timezone::{parse_time_zone, AsOf};
    use crate::summary::{Births, SummaryOptions};
    use proptest::prelude::*;

    /// The crate's general summary builder with births and the first purchase counted,
    /// fed with the users' local times: the semantics this module must have.
    fn via_summary_builder(users: &ReportUsers, period: Period) -> RfmSummary {
        let tz = users.as_of().time_zone();
        let local = |t: i64| {
            let dt = chrono::DateTime::from_timestamp(t, 0)
                .unwrap()
                .with_timezone(&tz)
                .naive_local();
            Timestamp::from_seconds(dt.and_utc().timestamp()).unwrap()
        };
        let (mut ids, mut times, mut amounts) = (Vec::new(), Vec::new(), Vec::new());
        for u in 0..users.len() {
            let (t, a) = users.payments(u);
            for (t, a) in t.iter().zip(a) {
                ids.push(users.ids()[u].as_str());
                times.push(local(*t));
                amounts.push(*a);
            }
        }
        let log = TransactionLog::from_columns(&ids, &times, Some(&amounts)).unwrap();
        let births: Vec<Timestamp> = users.birth_times().iter().map(|&b| local(b)).collect();
        let births = Births::from_columns(users.ids(), &births).unwrap();
        let end = Timestamp::parse(&users.as_of().date().to_string()).unwrap();
        SummaryOptions::new(period)
            .observation_end(end)
            .include_first_transaction(true)
            .summarise_with_births(&log, &births)
            .unwrap()
            .summary
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

        /// Same frequency, recency, T and monetary value as the crate's summary builder with
        /// births (first purchase counted), for random users, payments, zones and periods.
        #[test]
        fn agrees_with_the_summary_builder(
            users in prop::collection::vec((0i64..60 * 86_400, prop::collection::vec((-86_400i64..90 * 86_400, 1u32..5000), 0..6)), 1..25),
            zone in prop::sample::select(vec!["UTC", "Europe/Berlin", "America/Los_Angeles", "Asia/Kolkata"]),
            weekly in any::<bool>(),
            as_of_day in 30u32..80,
        ) {
            let t0 = 1_704_067_200; // 2024-01-01 UTC
            let mut installs = Installs::new();
            let mut tx = Transactions::new();
            let mut any_payment = false;
            for (i, (inst, pays)) in users.iter().enumerate() {
                let id = format!("u{i}");
                installs.push(&id, t0 + inst, "net", "", "camp", "", 0).unwrap();
                for (t, a) in pays {
                    tx.push(&id, t0 + inst + t, f64::from(*a) / 100.0, None, 0).unwrap();
                    any_payment = true;
                }
            }
            prop_assume!(any_payment);
            let tz = parse_time_zone(zone).unwrap();
            let date = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap() + chrono::Days::new(u64::from(as_of_day));
            let as_of = AsOf::new(date, tz);
            let fx = FxRates::new("EUR").unwrap();
            let report_users = ReportUsers::build(&installs, &tx, &[], &fx, as_of, &[]).unwrap();
            prop_assume!(!report_users.payment_table().1.is_empty());
            let period = if weekly { Period::Week } else { Period::Day };
            let ours = report_summary(&report_users, period).unwrap();
            let theirs = via_summary_builder(&report_users, period);
            for (k, id) in theirs.customer_ids().iter().enumerate() {
                let u = ours.customer_ids().iter().position(|x| x == id).unwrap();
                prop_assert_eq!(ours.frequency()[u], theirs.frequency()[k], "frequency of {}", id);
                prop_assert_eq!(ours.recency()[u], theirs.recency()[k], "recency of {}", id);
                prop_assert_eq!(ours.t()[u], theirs.t()[k], "T of {}", id);
                let (a, b) = (ours.monetary_value().unwrap()[u], theirs.monetary_value().unwrap()[k]);
                prop_assert!((a - b).abs() <= 1e-12 * a.abs().max(1.0), "monetary of {}: {} vs {}", id, a, b);
            }
            prop_assert_eq!(ours.len(), theirs.len());
        }
    }

    #[test]
    fn weeks_start_on_monday() {
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        // Sunday 2024-03-10 and Monday 2024-03-11 are in consecutive weeks
        assert_eq!(
            period_of(d(2024, 3, 11), Period::Week) - period_of(d(2024, 3, 10), Period::Week),
            1
        );
        assert_eq!(
            period_of(d(2024, 3, 4), Period::Week),
            period_of(d(2024, 3, 10), Period::Week)
        );
        assert_eq!(
            period_of(d(2024, 3, 2), Period::Day) - period_of(d(2024, 2, 28), Period::Day),
            3
        );
    }
}
