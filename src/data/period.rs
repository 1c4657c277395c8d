//! Time periods: the unit in which frequency, recency and T are counted — and so the unit of
//! every model fitted on the summary and of its predictions. The crate has this one period
//! type ([`crate::Period`]); CLV converts months into it with [`Period::periods_per_month`].

use crate::data::Timestamp;
use crate::error::{Error, Result};
use std::fmt;

/// The unit of time of a summary.
///
/// The calendar periods map every timestamp to the calendar period holding it, exactly as
/// pandas `to_period` does for lifetimes, and count whole periods between those:
///
/// | period | calendar period of a timestamp | pandas alias |
/// |---|---|---|
/// | [`Period::Hour`] | the clock hour | `h` |
/// | [`Period::Day`] | the calendar day | `D` |
/// | [`Period::Week`] | the week Monday 00:00 to Sunday 23:59:59 (weeks end on Sunday) | `W` (= `W-SUN`) |
/// | [`Period::Month`] | the calendar month | `M` |
///
/// So a customer whose first purchase was on Wednesday 1997-01-01 is in the week starting
/// Monday 1996-12-30, and at an observation end of Tuesday 1998-06-30 (week starting Monday
/// 1998-06-29) has T = 78 weeks.
///
/// Months are counted as whole calendar months between month periods (January to March = 2),
/// which is pandas' `Period` subtraction. lifetimes 0.11.3 itself cannot make monthly
/// summaries: `summary_data_from_transaction_data(..., freq="M")` raises `ValueError: Unit M is
/// not supported` (numpy's month is not a fixed duration) with pandas 2.x / numpy 2.x, while its
/// `duration_holdout` uses exactly this calendar-month count.
///
/// [`Period::Custom`] is a fixed length in seconds counted **from each customer's first
/// purchase** (or birth) instead of from a calendar: a purchase at time t falls in period
/// `floor((t - first) / length)`, and T = `floor((end - first) / length)`. It has no lifetimes
/// counterpart.
///
/// It is also the unit of the models fitted on the summary (their parameters and predictions
/// are per period) and the unit CLV converts months into ([`Period::periods_per_month`]).
/// In JSON (saved models) it is written in lower case: `"hour"`, `"day"`, `"week"`,
/// `"month"`, `{"custom": {"seconds": 3600}}`.
///
/// ```
/// use ltv::Period;
/// assert_eq!("week".parse::<Period>()?, Period::Week);
/// assert_eq!("3600s".parse::<Period>()?, Period::custom(3_600)?);
/// assert_eq!(Period::Week.periods_per_month(), 4.345);
/// # Ok::<(), ltv::Error>(())
/// ```
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, Default,
)]
#[serde(rename_all = "lowercase")]
pub enum Period {
    /// Clock hours.
    Hour,
    /// Calendar days.
    Day,
    /// Weeks from Monday to Sunday.
    #[default]
    Week,
    /// Calendar months.
    Month,
    /// A fixed length in seconds (> 0), counted from each customer's first purchase or birth.
    Custom {
        /// Length of one period in seconds.
        seconds: i64,
    },
}

const DAY: i64 = 86_400;

impl Period {
    /// The average Gregorian month, 365.2425 / 12 = 30.436875 days, in seconds: the length of
    /// [`Period::Month`] in exact-time summaries.
    pub const AVERAGE_MONTH_SECONDS: i64 = 2_629_746;

    /// A custom period of `seconds` seconds; errors with [`Error::InvalidParameter`] unless
    /// `seconds > 0`.
    pub fn custom(seconds: i64) -> Result<Self> {
        if seconds <= 0 {
            return Err(Error::invalid_parameter(
                "period seconds",
                seconds as f64,
                "must be > 0",
            ));
        }
        Ok(Period::Custom { seconds })
    }

    /// Reads `hour`, `day`, `week`, `month` (any case, plurals too; also the letters `h`,
    /// `d`, `w`, `m` as pandas and lifetimes' `freq` write them) or a number of seconds
    /// followed by `s` (a custom period, e.g. `3600s`). The same as [`str::parse`].
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for anything else, or a custom length not > 0.
    pub fn from_spec(spec: &str) -> Result<Self> {
        let s = spec.trim();
        match s.to_ascii_lowercase().as_str() {
            "h" | "hour" | "hours" => Ok(Period::Hour),
            "d" | "day" | "days" => Ok(Period::Day),
            "w" | "week" | "weeks" => Ok(Period::Week),
            "m" | "month" | "months" => Ok(Period::Month),
            _ => match s.strip_suffix('s').and_then(|n| n.parse::<i64>().ok()) {
                Some(n) => Period::custom(n),
                None => Err(Error::InvalidParameter {
                    name: "period".into(),
                    value: s.into(),
                    rule: "must be hour, day, week, month or a number of seconds like 3600s".into(),
                }),
            },
        }
    }

    /// Number of periods in one month, as CLV converts its horizon and discounting months:
    /// lifetimes' constants for the calendar periods (hour 720, day 30, week 4.345, month 1;
    /// lifetimes keeps 4.345 although an average month is 4.348 weeks), and for
    /// [`Period::Custom`], which lifetimes does not have, the average Gregorian month divided
    /// by its length ([`Period::AVERAGE_MONTH_SECONDS`] / seconds).
    ///
    /// ```
    /// use ltv::Period;
    /// assert_eq!(Period::Day.periods_per_month(), 30.0);
    /// assert_eq!(Period::custom(86_400)?.periods_per_month(), 30.436875);
    /// # Ok::<(), ltv::Error>(())
    /// ```
    pub fn periods_per_month(self) -> f64 {
        match self {
            Period::Hour => 720.0,
            Period::Day => 30.0,
            Period::Week => 4.345,
            Period::Month => 1.0,
            Period::Custom { seconds } => Period::AVERAGE_MONTH_SECONDS as f64 / seconds as f64,
        }
    }

    /// True for the calendar periods (hour, day, week, month).
    pub fn is_calendar(self) -> bool {
        !matches!(self, Period::Custom { .. })
    }

    /// Length of one period in seconds, as exact-time summaries
    /// ([`SummaryOptions::exact_times`](crate::summary::SummaryOptions::exact_times)) divide
    /// by it: hour 3 600, day 86 400, week 604 800, custom its own length, and month the
    /// **average Gregorian month** of 30.436875 days = [`Period::AVERAGE_MONTH_SECONDS`] (calendar
    /// months differ in length, so no calendar month is exact; an average keeps 12 months = one
    /// average year of 365.2425 days).
    ///
    /// ```
    /// use ltv::data::Period;
    /// assert_eq!(Period::Week.length_seconds(), 7 * 86_400);
    /// assert_eq!(Period::Month.length_seconds() as f64 / 86_400.0, 30.436875);
    /// ```
    pub const fn length_seconds(self) -> i64 {
        match self {
            Period::Hour => 3600,
            Period::Day => DAY,
            Period::Week => 7 * DAY,
            Period::Month => Period::AVERAGE_MONTH_SECONDS,
            Period::Custom { seconds } => seconds,
        }
    }

    /// Index of the calendar period holding `t`, counted from the period holding 1970-01-01
    /// (so differences of indices are whole periods). For [`Period::Custom`] this is
    /// `floor(seconds / length)` from 1970-01-01; summaries use [`Period::index_from`] instead.
    #[inline]
    pub fn index(self, t: Timestamp) -> i64 {
        let s = t.seconds();
        match self {
            Period::Hour => s.div_euclid(3600),
            Period::Day => s.div_euclid(DAY),
            // 1970-01-01 was a Thursday: day 4 (1970-01-05) is the first Monday.
            Period::Week => (s.div_euclid(DAY) + 3).div_euclid(7),
            Period::Month => {
                let (y, m, _) = t.ymd();
                y * 12 + m as i64 - 1
            }
            Period::Custom { seconds } => s.div_euclid(seconds),
        }
    }

    /// Index of the period holding `t` for a customer whose time starts at `origin`: for
    /// calendar periods the same as [`Period::index`]; for [`Period::Custom`],
    /// `floor((t - origin) / length)`.
    #[inline]
    pub fn index_from(self, origin: Timestamp, t: Timestamp) -> i64 {
        match self {
            Period::Custom { seconds } => (t.seconds() - origin.seconds()).div_euclid(seconds),
            p => p.index(t),
        }
    }

    /// Start of the calendar period holding `t` (pandas `to_period(freq).to_timestamp()`).
    /// For [`Period::Custom`], the start of the fixed-length slot counted from 1970-01-01.
    pub fn start(self, t: Timestamp) -> Timestamp {
        let s = t.seconds();
        let start = match self {
            Period::Hour => s.div_euclid(3600) * 3600,
            Period::Day => s.div_euclid(DAY) * DAY,
            Period::Week => {
                let d = s.div_euclid(DAY);
                (d - (d + 3).rem_euclid(7)) * DAY
            }
            Period::Month => {
                let (y, m, _) = t.ymd();
                crate::data::timestamp::days_from_civil(y, m, 1) * DAY
            }
            Period::Custom { seconds } => s.div_euclid(seconds) * seconds,
        };
        // Never before year 1: the first week of year 1 starts on Monday 0001-01-01.
        Timestamp::from_seconds(start).unwrap_or(Timestamp::MIN)
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Period::Hour => f.write_str("hour"),
            Period::Day => f.write_str("day"),
            Period::Week => f.write_str("week"),
            Period::Month => f.write_str("month"),
            Period::Custom { seconds } => write!(f, "{seconds}s"),
        }
    }
}

impl std::str::FromStr for Period {
    type Err = Error;

    /// [`Period::from_spec`].
    fn from_str(s: &str) -> Result<Self> {
        Period::from_spec(s)
    }
}

/// `--period hour|day|week|month` in the `ltv` binary (custom lengths are not offered there).
#[cfg(feature = "cli")]
impl clap::ValueEnum for Period {
    fn value_variants<'a>() -> &'a [Self] {
        &[Period::Hour, Period::Day, Period::Week, Period::Month]
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        use clap::builder::PossibleValue;
        Some(match self {
            Period::Hour => PossibleValue::new("hour").help("Hours (720 per month)"),
            Period::Day => PossibleValue::new("day").help("Days (30 per month)"),
            Period::Week => PossibleValue::new("week").help("Weeks (4.345 per month)"),
            Period::Month => PossibleValue::new("month").help("Months"),
            Period::Custom { .. } => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        Timestamp::parse(s).unwrap()
    }

    #[test]
    fn weeks_end_on_sunday() {
        // 1997-01-01 was a Wednesday; its W-SUN period starts Monday 1996-12-30.
        assert_eq!(Period::Week.start(ts("1997-01-01")), ts("1996-12-30"));
        assert_eq!(
            Period::Week.start(ts("1997-01-05 23:59:59")),
            ts("1996-12-30")
        );
        assert_eq!(Period::Week.start(ts("1997-01-06")), ts("1997-01-06"));
        assert_eq!(
            Period::Week.index(ts("1998-06-30")) - Period::Week.index(ts("1997-01-01")),
            78
        );
        assert_eq!(Period::Week.start(Timestamp::MIN), Timestamp::MIN);
    }

    #[test]
    fn months_and_days() {
        assert_eq!(
            Period::Month.index(ts("1998-03-31")) - Period::Month.index(ts("1997-12-01")),
            3
        );
        assert_eq!(
            Period::Month.start(ts("1998-03-31 10:00:00")),
            ts("1998-03-01")
        );
        assert_eq!(Period::Day.index(ts("1969-12-31 23:00:00")), -1);
        assert_eq!(
            Period::Hour.start(ts("1998-03-31 10:59:59")),
            ts("1998-03-31 10:00:00")
        );
    }

    #[test]
    fn custom_counts_from_origin() {
        let p = Period::custom(7 * 86_400).unwrap();
        assert_eq!(p.index_from(ts("1997-01-01"), ts("1997-01-07 23:00:00")), 0);
        assert_eq!(p.index_from(ts("1997-01-01"), ts("1997-01-08")), 1);
        assert!(Period::custom(0).is_err());
        assert_eq!(
            Period::from_spec("3600s").unwrap(),
            Period::Custom { seconds: 3600 }
        );
        assert!(Period::from_spec("fortnight").is_err());
        assert!(Period::from_spec("-5s").is_err());
    }
}
