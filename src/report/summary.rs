//! The users' RFM summary at the as-of date, with every user born at install: the crate's
//! summary ([`SummaryOptions::summarise_with_births`]) fed with the report's users.
//!
//! This module only translates: each user is a customer born at their birth time (install, or
//! an earlier first payment; see [`ReportUsers`]), their payments (report currency) are the
//! transactions, and the end of the as-of day is an exclusive observation end. The summary's
//! rules are the crate's; the report chooses two of its forms.
//!
//! * **Calendar periods** ([`report_summary`]): days, or Monday-to-Sunday weeks
//!   ([`Period::Week`]), **of the report time zone**. Every instant is turned into the local
//!   wall-clock time in that zone before summarising, so a payment at 23:30 in Berlin is on
//!   that Berlin day whatever its UTC date, and a day of a daylight-saving change (23 or 25
//!   hours) is one day. The first purchase period counts
//!   ([`SummaryOptions::include_first_transaction`]): the birth is the install, not a
//!   purchase, so a user who pays on install day has frequency 1.
//! * **Exact times** ([`exact_report_summary`], [`SummaryOptions::exact_times`]): recency and
//!   T in real periods of elapsed time between UTC instants (a daylight-saving day is 23 or 25
//!   hours long, not 24), every payment at or after the birth instant a purchase.

use crate::data::{Timestamp, TransactionLog};
use crate::error::{Error, Result};
use crate::report::users::ReportUsers;
use crate::summary::{Births, RfmSummary, SummaryOptions};
use crate::Period;
use chrono::{DateTime, Days, NaiveTime};

/// The instant `t` (seconds since the epoch) as a [`Timestamp`].
fn instant(t: i64) -> Result<Timestamp> {
    Timestamp::from_seconds(t).ok_or_else(|| Error::InvalidDate {
        value: t.to_string(),
        rule: "instant out of the supported range".into(),
    })
}

/// Summarises `users` with `options` (which must not set an observation end), every time
/// given by `clock` (instant → the timestamp the summary sees) and observation ending just
/// before `cut` (in the clock's time). Rows are in the order of [`ReportUsers::ids`], with
/// monetary values.
fn summarise(
    users: &ReportUsers,
    options: SummaryOptions,
    clock: impl Fn(i64) -> Result<Timestamp>,
    cut: Timestamp,
) -> Result<RfmSummary> {
    if users.is_empty() {
        // no user, no row (a births table is never empty)
        return Ok(
            RfmSummary::new(vec![], vec![], vec![], vec![], Some(vec![]), None)?
                .with_period(options.period()),
        );
    }
    let options = options.observation_end_exclusive(cut);
    let births: Vec<Timestamp> = users
        .birth_times()
        .iter()
        .map(|&b| clock(b))
        .collect::<Result<_>>()?;
    let births = Births::from_columns(users.ids(), &births)?;
    let (offsets, times, amounts) = users.payment_table();
    let out = if times.is_empty() {
        // nobody has paid yet
        options.summarise_births(&births)?
    } else {
        // customer k of the log is user k, paying or not: the summary's rows come out in
        // customer order, so in the users' order
        let mut customer: Vec<u32> = Vec::with_capacity(times.len());
        for u in 0..users.len() {
            customer.extend(std::iter::repeat(u as u32).take(offsets[u + 1] - offsets[u]));
        }
        let log = TransactionLog::from_indexed_columns(
            users.ids().to_vec(),
            customer,
            times.iter().map(|&t| clock(t)).collect::<Result<_>>()?,
            Some(amounts.to_vec()),
        )?;
        options.summarise_with_births(&log, &births)?
    };
    // every user is born before the cut, so every user has a row, in order
    if out.summary.customer_ids() != users.ids() {
        return Err(Error::LengthMismatch {
            left: "users".into(),
            left_len: users.len(),
            right: "summary rows in the users' order".into(),
            right_len: out.summary.len(),
        });
    }
    Ok(out.summary)
}

/// The calendar RFM summary of `users` at their as-of date, in days or Monday-to-Sunday weeks
/// of the report time zone (see the module docs). For user i born in period b_i and the as-of
/// period e:
///
/// * `frequency` — the number of distinct periods with a payment, the birth period included
///   (0 until they pay);
/// * `recency` — last payment period − b_i (0 without payments);
/// * `T` — e − b_i;
/// * `monetary_value` — mean revenue of the payment periods (0 without payments), in the
///   report currency.
///
/// Payments within one period count as one purchase with their amounts summed, as in
/// lifetimes. Rows in the order of [`ReportUsers::ids`].
pub(crate) fn report_summary(users: &ReportUsers, period: Period) -> Result<RfmSummary> {
    let as_of = users.as_of();
    let tz = as_of.time_zone();
    // the local wall-clock time of an instant, as the summary's (zone-less) timestamp
    let wall_clock = |t: i64| -> Result<Timestamp> {
        let local = DateTime::from_timestamp(t, 0)
            .map(|d| d.with_timezone(&tz).naive_local().and_utc().timestamp());
        instant(local.ok_or_else(|| Error::InvalidDate {
            value: t.to_string(),
            rule: "instant out of the supported range".into(),
        })?)
    };
    // local midnight after the as-of day
    let next = as_of
        .date()
        .checked_add_days(Days::new(1))
        .unwrap_or(as_of.date());
    let cut = instant(next.and_time(NaiveTime::MIN).and_utc().timestamp())?;
    summarise(
        users,
        SummaryOptions::new(period).include_first_transaction(true),
        wall_clock,
        cut,
    )
}

/// The exact-time RFM summary of `users` at the as-of cut, in real `period`s
/// ([`SummaryOptions::exact_times`] with births and the as-of cut as an exclusive
/// observation end): user i born at instant b_i (install, or an earlier first payment), with
/// payments up to the cut c:
///
/// * `frequency` = the number of payments (payments in the same second are one purchase), the
///   install being the birth, not a purchase;
/// * `recency` = (last payment − b_i) / P (0 without payments);
/// * `T` = (c − b_i) / P;
/// * `monetary_value` = the mean purchase (0 without payments),
///
/// with P the period's length (86,400 s for days, 604,800 s for weeks) and times elapsed
/// between UTC instants. A user installed at 23:00 is 22/24 of a day younger than one
/// installed at 01:00 the same day. Rows are in the order of [`ReportUsers::ids`].
pub(crate) fn exact_report_summary(users: &ReportUsers, period: Period) -> Result<RfmSummary> {
    summarise(
        users,
        SummaryOptions::new(period).exact_times(true),
        instant,
        instant(users.as_of().cut())?,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::currency::FxRates;
    use crate::report::inputs::{Installs, Transactions};
    use crate::report::timezone::{local_date, parse_time_zone, week_start, AsOf};
    use chrono::{Datelike, NaiveDate};
    use proptest::prelude::*;

    /// Brute force, independent of the crate's summary (the report's own summary before it
    /// used the crate's): each instant's local date in the report zone, its day or
    /// Monday-start week number, and the module's formulas.
    fn brute_force_calendar(users: &ReportUsers, period: Period) -> Vec<[f64; 4]> {
        let tz = users.as_of().time_zone();
        let period_of = |t: i64| {
            let d = local_date(t, tz);
            match period {
                Period::Day => i64::from(d.num_days_from_ce()),
                _ => i64::from(week_start(d).num_days_from_ce()) / 7,
            }
        };
        let end = period_of(users.as_of().cut() - 1);
        (0..users.len())
            .map(|u| {
                let born = period_of(users.birth_times()[u]);
                let (times, amounts) = users.payments(u);
                let mut periods: Vec<i64> = times.iter().map(|&t| period_of(t)).collect();
                periods.dedup();
                let x = periods.len() as f64;
                let total: f64 = amounts.iter().sum();
                [
                    x,
                    periods.last().map_or(0, |l| l - born) as f64,
                    (end - born) as f64,
                    if x > 0.0 { total / x } else { 0.0 },
                ]
            })
            .collect()
    }

    fn users_of(
        rows: &[(i64, Vec<(i64, u32)>)],
        zone: &str,
        as_of: NaiveDate,
    ) -> Result<ReportUsers> {
        let mut installs = Installs::new();
        let mut tx = Transactions::new();
        for (i, (inst, pays)) in rows.iter().enumerate() {
            let id = format!("u{i}");
            installs.push(&id, *inst, "net", "", "camp", "", 0)?;
            for (t, a) in pays {
                tx.push(&id, inst + t, f64::from(*a) / 100.0, None, 0)?;
            }
        }
        let as_of = AsOf::new(as_of, parse_time_zone(zone)?);
        ReportUsers::build(&installs, &tx, &[], &FxRates::new("EUR")?, as_of, &[])
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

        /// The crate's summary on local wall-clock times gives the brute-force calendar
        /// summary: frequency, recency and T exactly, monetary value to 1e-12 (the crate sums
        /// each period first), for random users, payments (some before install, some after
        /// the cut), zones with daylight saving, and both periods.
        #[test]
        fn calendar_summary_is_the_brute_force_one(
            users in prop::collection::vec((0i64..60 * 86_400, prop::collection::vec((-86_400i64..90 * 86_400, 1u32..5000), 0..6)), 1..25),
            zone in prop::sample::select(vec!["UTC", "Europe/Berlin", "America/Los_Angeles", "Asia/Kolkata"]),
            weekly in any::<bool>(),
            as_of_day in 30u32..80,
        ) {
            let t0 = 1_704_067_200; // 2024-01-01 UTC
            let rows: Vec<_> = users.iter().map(|(i, p)| (t0 + i, p.clone())).collect();
            let date = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap() + Days::new(u64::from(as_of_day));
            let report_users = users_of(&rows, zone, date).unwrap();
            let period = if weekly { Period::Week } else { Period::Day };
            let ours = report_summary(&report_users, period).unwrap();
            prop_assert_eq!(ours.customer_ids(), report_users.ids());
            for (u, [x, r, t, m]) in brute_force_calendar(&report_users, period).into_iter().enumerate() {
                prop_assert_eq!(ours.frequency()[u], x);
                prop_assert_eq!(ours.recency()[u], r);
                prop_assert_eq!(ours.t()[u], t);
                let a = ours.monetary_value().unwrap()[u];
                prop_assert!((a - m).abs() <= 1e-12 * m.abs().max(1.0), "monetary {} vs {}", a, m);
            }
        }
    }

    #[test]
    fn weeks_start_on_monday() {
        // installed Sunday 2024-03-10 12:00 UTC, paid Sunday and Monday; as of Monday 03-11
        let t = 1_710_072_000;
        let users = users_of(&[(t, vec![(0, 100), (86_400, 200)])], "UTC", {
            NaiveDate::from_ymd_opt(2024, 3, 11).unwrap()
        })
        .unwrap();
        let s = report_summary(&users, Period::Week).unwrap();
        assert_eq!(
            (s.frequency()[0], s.recency()[0], s.t()[0]),
            (2.0, 1.0, 1.0)
        );
        let s = report_summary(&users, Period::Day).unwrap();
        assert_eq!(
            (s.frequency()[0], s.recency()[0], s.t()[0]),
            (2.0, 1.0, 1.0)
        );
    }

    /// A user whose history crosses the start of summer time in Berlin (Sunday 2024-03-31,
    /// 02:00 → 03:00, a 23-hour day): the calendar summary counts local days, the exact one
    /// elapsed hours.
    #[test]
    fn daylight_saving_change() {
        // installed Saturday 2024-03-30 12:00 CET (11:00 UTC); paid Sunday 2024-03-31 12:00
        // CEST (10:00 UTC), 23 hours later; as of Monday 2024-04-01 (cut: 2024-04-01 22:00 UTC)
        let install = 1_711_796_400;
        let users = users_of(
            &[(install, vec![(23 * 3600, 500)]), (install, vec![])],
            "Europe/Berlin",
            NaiveDate::from_ymd_opt(2024, 4, 1).unwrap(),
        )
        .unwrap();
        // calendar days: installed on day 0, paid on day 1, as-of day 2
        let s = report_summary(&users, Period::Day).unwrap();
        assert_eq!(s.frequency(), [1.0, 0.0]);
        assert_eq!(s.recency(), [1.0, 0.0]);
        assert_eq!(s.t(), [2.0, 2.0]);
        assert_eq!(s.monetary_value().unwrap(), [5.0, 0.0]);
        // exact: 23 h to the payment; 12 + 23 + 24 = 59 h to the cut (local wall clock: 60 h)
        let s = exact_report_summary(&users, Period::Day).unwrap();
        assert_eq!(s.frequency(), [1.0, 0.0]);
        assert_eq!(s.recency(), [23.0 / 24.0, 0.0]);
        assert_eq!(s.t(), [59.0 / 24.0, 59.0 / 24.0]);
        // and the end of summer time (Sunday 2024-10-27, a 25-hour day), as of that Sunday
        let install = 1_729_936_800; // Saturday 2024-10-26 12:00 CEST (10:00 UTC)
        let users = users_of(
            &[(install, vec![(25 * 3600, 300)])],
            "Europe/Berlin",
            NaiveDate::from_ymd_opt(2024, 10, 27).unwrap(),
        )
        .unwrap();
        let s = report_summary(&users, Period::Day).unwrap();
        assert_eq!(
            (s.frequency()[0], s.recency()[0], s.t()[0]),
            (1.0, 1.0, 1.0)
        );
        // cut: Monday 2024-10-28 00:00 CET = 2024-10-27 23:00 UTC, 37 h after the install
        let s = exact_report_summary(&users, Period::Day).unwrap();
        assert_eq!((s.recency()[0], s.t()[0]), (25.0 / 24.0, 37.0 / 24.0));
    }

    /// Nobody has paid: every user with frequency 0 and their age as T, in both forms.
    #[test]
    fn users_without_payments() {
        let t = 1_710_072_000; // Sunday 2024-03-10 12:00 UTC
        let users = users_of(
            &[(t, vec![]), (t + 3600, vec![])],
            "UTC",
            NaiveDate::from_ymd_opt(2024, 3, 12).unwrap(),
        )
        .unwrap();
        let s = report_summary(&users, Period::Day).unwrap();
        assert_eq!(s.customer_ids(), users.ids());
        assert_eq!(
            (s.frequency(), s.t()),
            ([0.0, 0.0].as_slice(), [2.0, 2.0].as_slice())
        );
        assert_eq!(s.monetary_value().unwrap(), [0.0, 0.0]);
        let s = exact_report_summary(&users, Period::Day).unwrap();
        assert_eq!(s.t(), [2.5, 2.5 - 1.0 / 24.0]);
    }
}
