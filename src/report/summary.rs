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

use crate::error::Result;
use crate::report::timezone::{local_date, week_start};
use crate::report::users::ReportUsers;
use crate::report::valuation::ModelPeriod;
use crate::summary::RfmSummary;
use chrono::{Datelike, NaiveDate};
use chrono_tz::Tz;

fn period_of(date: NaiveDate, period: ModelPeriod) -> i64 {
    match period {
        ModelPeriod::Day => i64::from(date.num_days_from_ce()),
        ModelPeriod::Week => i64::from(week_start(date).num_days_from_ce()) / 7,
    }
}

/// Period index of instant `t` in `tz`, with a cache of the last day seen (payments of one
/// user cluster in time, so most lookups hit it).
struct PeriodClock {
    tz: Tz,
    period: ModelPeriod,
    day_start: i64,
    day_end: i64,
    index: i64,
}

impl PeriodClock {
    fn new(tz: Tz, period: ModelPeriod) -> Self {
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
pub(crate) fn report_summary(users: &ReportUsers, period: ModelPeriod) -> Result<RfmSummary> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weeks_start_on_monday() {
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        // Sunday 2024-03-10 and Monday 2024-03-11 are in consecutive weeks
        assert_eq!(
            period_of(d(2024, 3, 11), ModelPeriod::Week)
                - period_of(d(2024, 3, 10), ModelPeriod::Week),
            1
        );
        assert_eq!(
            period_of(d(2024, 3, 4), ModelPeriod::Week),
            period_of(d(2024, 3, 10), ModelPeriod::Week)
        );
        assert_eq!(
            period_of(d(2024, 3, 2), ModelPeriod::Day)
                - period_of(d(2024, 2, 28), ModelPeriod::Day),
            3
        );
    }
}
