//! Time zones, timestamps and the as-of cut.
//!
//! Inside the report every point in time is a UTC instant in whole seconds since the Unix epoch
//! (`i64`). Calendar dates only appear when an instant is looked at from a time zone: the report
//! time zone (install cohorts, the as-of day, the periods of the model) or an ad account's time
//! zone (the day a cost row belongs to).
//!
//! * [`AsOf`] — the report's cut: the whole as-of day in the report time zone counts, nothing
//!   from its end on.
//! * [`TimestampParser`] — reads `YYYY-MM-DD[ HH:MM:SS[.fff]][Z|±HH:MM]`, `YYYYMMDD` or a
//!   caller-given `chrono` format; values without an offset are read in a given zone.
//! * [`split_account_day`] — spreads one day of an account in its own zone over the report
//!   days it overlaps (costs are assumed to accrue evenly over the account's day).

use crate::data::timestamp::parse_written;
use crate::error::{Error, Result};
use chrono::{
    DateTime, Datelike, Days, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc,
};
use chrono_tz::Tz;

/// Parses an IANA time zone name (`UTC`, `Europe/Berlin`, `America/Los_Angeles`, ...).
///
/// ```
/// let tz = ltv::report::parse_time_zone("Europe/Berlin")?;
/// assert_eq!(tz.name(), "Europe/Berlin");
/// assert!(ltv::report::parse_time_zone("Mars/Olympus").is_err());
/// # Ok::<(), ltv::Error>(())
/// ```
pub fn parse_time_zone(name: &str) -> Result<Tz> {
    name.trim().parse::<Tz>().map_err(|_| Error::Report {
        message: format!(
            "unknown time zone `{name}` (expected an IANA name such as `Europe/Berlin` or `UTC`)"
        ),
    })
}

/// Parses a `YYYY-MM-DD` date argument (not a data row).
pub fn parse_date_arg(value: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d").map_err(|_| Error::InvalidDate {
        value: value.to_string(),
        rule: "expected YYYY-MM-DD".into(),
    })
}

/// The UTC instant (seconds) at which `date` begins in `tz`.
///
/// Local midnight normally; when midnight is skipped by a daylight-saving change (a few zones
/// change at 00:00), the first local time of that day that exists. When midnight occurs twice,
/// the earlier instant.
pub fn day_start(date: NaiveDate, tz: Tz) -> i64 {
    let midnight = date.and_time(NaiveTime::MIN);
    match tz.from_local_datetime(&midnight) {
        LocalResult::Single(t) => t.timestamp(),
        LocalResult::Ambiguous(early, _) => early.timestamp(),
        LocalResult::None => {
            // DST gap at midnight: walk forward in minutes until local time exists (gaps are at
            // most a few hours in the tz database).
            for minutes in 1..=(24 * 60) {
                let local = midnight + chrono::Duration::minutes(minutes);
                if let LocalResult::Single(t) | LocalResult::Ambiguous(t, _) =
                    tz.from_local_datetime(&local)
                {
                    return t.timestamp();
                }
            }
            // unreachable with the tz database, but stay total: fall back to UTC midnight
            midnight.and_utc().timestamp()
        }
    }
}

/// The calendar date of instant `t` (seconds since the epoch, UTC) in `tz`.
pub fn local_date(t: i64, tz: Tz) -> NaiveDate {
    match DateTime::<Utc>::from_timestamp(t, 0) {
        Some(dt) => dt.with_timezone(&tz).date_naive(),
        // out of chrono's range (beyond ±262,000 years): clamp; readers never produce these
        None if t < 0 => NaiveDate::MIN,
        None => NaiveDate::MAX,
    }
}

/// Calendar dates of many instants in one zone: the day boundaries of the span are computed
/// once, then each lookup is a binary search (instead of a time-zone conversion per instant).
#[derive(Debug, Clone)]
pub(crate) struct DayTable {
    tz: Tz,
    first: NaiveDate,
    starts: Vec<i64>,
}

impl DayTable {
    /// Covers the days from the one holding `from` to the one holding `to` (instants outside
    /// still get the right date, by conversion).
    pub fn new(tz: Tz, from: i64, to: i64) -> Self {
        let first = local_date(from.min(to), tz);
        let last = local_date(to.max(from), tz);
        let days = (last - first).num_days().clamp(0, 200_000) as u64;
        let starts = (0..=days + 1)
            .filter_map(|k| first.checked_add_days(Days::new(k)))
            .map(|d| day_start(d, tz))
            .collect();
        Self { tz, first, starts }
    }

    /// The date of instant `t` in the table's zone.
    pub fn date(&self, t: i64) -> NaiveDate {
        let k = self.starts.partition_point(|&s| s <= t);
        if k == 0 || k == self.starts.len() {
            return local_date(t, self.tz);
        }
        self.first + Days::new(k as u64 - 1)
    }
}

/// The report's as-of cut: the whole as-of day in the report time zone is in, nothing later.
///
/// `cut()` is the first instant of the following day in the report zone; an event at instant
/// `t` counts when `t < cut()`.
///
/// ```
/// use chrono::NaiveDate;
/// use ltv::report::{parse_time_zone, AsOf};
/// let berlin = parse_time_zone("Europe/Berlin")?;
/// let as_of = AsOf::new(NaiveDate::from_ymd_opt(2024, 3, 10).unwrap(), berlin);
/// // 2024-03-10 23:00 UTC is already 2024-03-11 00:00 in Berlin
/// assert_eq!(as_of.cut(), 1_710_111_600);
/// assert!(as_of.includes(1_710_111_599));
/// assert!(!as_of.includes(1_710_111_600));
/// # Ok::<(), ltv::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AsOf {
    date: NaiveDate,
    time_zone: Tz,
    cut: i64,
}

impl AsOf {
    /// The cut at the end of `date` in `time_zone`.
    pub fn new(date: NaiveDate, time_zone: Tz) -> Self {
        let next = date
            .checked_add_days(Days::new(1))
            .unwrap_or(NaiveDate::MAX);
        Self {
            date,
            time_zone,
            cut: day_start(next, time_zone),
        }
    }

    /// The as-of date (inclusive), in the report time zone.
    pub fn date(&self) -> NaiveDate {
        self.date
    }

    /// The report time zone.
    pub fn time_zone(&self) -> Tz {
        self.time_zone
    }

    /// First excluded instant (seconds since the epoch, UTC).
    pub fn cut(&self) -> i64 {
        self.cut
    }

    /// True when an event at instant `t` belongs in the report (`t < cut`).
    pub fn includes(&self, t: i64) -> bool {
        t < self.cut
    }
}

/// The share of one account day that falls on each report day, up to the as-of cut.
///
/// An account reports its cost for `date` in its own zone `account_tz`: the interval
/// `[day_start(date, account_tz), day_start(date + 1, account_tz))`. Costs are taken to accrue
/// evenly over that interval, so the report day `d` (in `report_tz`) receives the fraction of
/// the interval it overlaps; the part at or after `cut` is dropped. Returns `(report day,
/// fraction)` pairs in date order; fractions sum to 1 when the whole account day is before the
/// cut. With equal zones this is `[(date, 1.0)]` or nothing.
///
/// ```
/// use chrono::NaiveDate;
/// use ltv::report::{parse_time_zone, split_account_day};
/// let la = parse_time_zone("America/Los_Angeles")?;
/// let utc = parse_time_zone("UTC")?;
/// let d = NaiveDate::from_ymd_opt(2024, 1, 15).unwrap();
/// // a Los Angeles day (UTC-8) runs from 08:00 UTC to 08:00 UTC the next day
/// let parts = split_account_day(d, la, utc, i64::MAX);
/// assert_eq!(parts.len(), 2);
/// assert!((parts[0].1 - 16.0 / 24.0).abs() < 1e-12);
/// assert_eq!(parts[1].0, NaiveDate::from_ymd_opt(2024, 1, 16).unwrap());
/// # Ok::<(), ltv::Error>(())
/// ```
pub fn split_account_day(
    date: NaiveDate,
    account_tz: Tz,
    report_tz: Tz,
    cut: i64,
) -> Vec<(NaiveDate, f64)> {
    let Some(next) = date.checked_add_days(Days::new(1)) else {
        return Vec::new();
    };
    let start = day_start(date, account_tz);
    let end = day_start(next, account_tz);
    if start >= cut || end <= start {
        return Vec::new();
    }
    if account_tz == report_tz {
        // the account day is a report day; the cut is a report-day boundary
        return vec![(date, 1.0)];
    }
    let len = (end - start) as f64;
    let stop = end.min(cut);
    let mut out = Vec::with_capacity(2);
    let mut d = local_date(start, report_tz);
    loop {
        let rs = day_start(d, report_tz);
        let Some(d_next) = d.checked_add_days(Days::new(1)) else {
            break;
        };
        let re = day_start(d_next, report_tz);
        if rs >= stop {
            break;
        }
        let overlap = re.min(stop) - rs.max(start);
        if overlap > 0 {
            out.push((d, overlap as f64 / len));
        }
        d = d_next;
    }
    out
}

/// How to read a timestamp column.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum TimestampFormat {
    /// `YYYY-MM-DD`, `YYYYMMDD`, `YYYY-MM-DD HH:MM[:SS[.fff]]` (or with `T`), each optionally
    /// followed by `Z` or an offset `±HH:MM` / `±HHMM`.
    #[default]
    Auto,
    /// A `chrono` format string (`%d/%m/%Y %H:%M`, ...). A format with `%z` or `%:z` gives the
    /// offset; without it the value is read in the parser's zone.
    Custom(String),
    /// Integer seconds since the Unix epoch (UTC).
    UnixSeconds,
}

/// Turns timestamp text into UTC instants (whole seconds, fractions are dropped toward the
/// past so that the as-of cut stays exact).
///
/// Values without an explicit offset are local times in `zone` (when a local time occurs twice
/// because clocks went back, the earlier instant; when it does not exist, the instant after the
/// gap).
#[derive(Debug, Clone)]
pub struct TimestampParser {
    format: TimestampFormat,
    zone: Tz,
}

impl TimestampParser {
    /// A parser for `format`, reading offset-less values in `zone`.
    pub fn new(format: TimestampFormat, zone: Tz) -> Self {
        Self { format, zone }
    }

    /// The zone offset-less values are read in.
    pub fn zone(&self) -> Tz {
        self.zone
    }

    /// Parses one value; `None` when it does not match the format.
    pub fn parse(&self, text: &str) -> Option<i64> {
        let text = text.trim();
        match &self.format {
            TimestampFormat::Auto => parse_auto(text, self.zone),
            TimestampFormat::UnixSeconds => text.parse::<i64>().ok(),
            TimestampFormat::Custom(fmt) => {
                if fmt.contains("%z") || fmt.contains("%:z") || fmt.contains("%#z") {
                    return DateTime::parse_from_str(text, fmt)
                        .ok()
                        .map(|t| t.timestamp());
                }
                if let Ok(dt) = NaiveDateTime::parse_from_str(text, fmt) {
                    return Some(local_to_utc(dt, self.zone));
                }
                NaiveDate::parse_from_str(text, fmt)
                    .ok()
                    .map(|d| day_start(d, self.zone))
            }
        }
    }

    /// Describes the expected format, for error messages.
    pub fn describe(&self) -> String {
        match &self.format {
            TimestampFormat::Auto => {
                "expected YYYY-MM-DD, YYYYMMDD or YYYY-MM-DD HH:MM:SS (optionally with Z or ±HH:MM)"
                    .into()
            }
            TimestampFormat::Custom(f) => format!("expected format `{f}`"),
            TimestampFormat::UnixSeconds => "expected integer seconds since 1970-01-01 UTC".into(),
        }
    }
}

/// Local date-time in `tz` to a UTC instant (earlier instant when ambiguous, after the gap when
/// skipped).
fn local_to_utc(dt: NaiveDateTime, tz: Tz) -> i64 {
    match tz.from_local_datetime(&dt) {
        LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => t.timestamp(),
        LocalResult::None => {
            for minutes in 1..=(24 * 60) {
                let local = dt + chrono::Duration::minutes(minutes);
                if let LocalResult::Single(t) | LocalResult::Ambiguous(t, _) =
                    tz.from_local_datetime(&local)
                {
                    return t.timestamp();
                }
            }
            dt.and_utc().timestamp()
        }
    }
}

/// The fixed formats of [`TimestampFormat::Auto`], read by the crate's one date parser
/// ([`crate::data::timestamp`]): an explicit offset gives the instant, a local date-time is
/// read in `zone`, a date alone starts at the zone's first instant of that day.
fn parse_auto(text: &str, zone: Tz) -> Option<i64> {
    let w = parse_written(text.as_bytes())?;
    if w.offset.is_some() {
        return Some(w.utc_or_naive());
    }
    if w.has_time {
        Some(local_to_utc(w.wall.to_naive(), zone))
    } else {
        Some(day_start(w.wall.to_naive().date(), zone))
    }
}

/// The Monday that starts the ISO week holding `d`.
pub(crate) fn week_start(d: NaiveDate) -> NaiveDate {
    d - Days::new(u64::from(d.weekday().num_days_from_monday()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tz(name: &str) -> Tz {
        parse_time_zone(name).unwrap()
    }
    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn auto_formats_agree_with_chrono() {
        let p = TimestampParser::new(TimestampFormat::Auto, tz("UTC"));
        let want = ymd(2024, 2, 29)
            .and_hms_opt(13, 5, 9)
            .unwrap()
            .and_utc()
            .timestamp();
        assert_eq!(p.parse("2024-02-29 13:05:09"), Some(want));
        assert_eq!(p.parse("2024-02-29T13:05:09"), Some(want));
        assert_eq!(p.parse("2024-02-29T13:05:09.999Z"), Some(want));
        assert_eq!(p.parse("2024-02-29T15:05:09+02:00"), Some(want));
        assert_eq!(p.parse("2024-02-29T08:05:09-0500"), Some(want));
        assert_eq!(p.parse("2024-02-29 13:05"), Some(want - 9));
        assert_eq!(p.parse("20240229"), Some(want - 13 * 3600 - 5 * 60 - 9));
        assert_eq!(p.parse("2024-02-29"), p.parse("20240229"));
        for bad in [
            "",
            "2024-02-30",
            "2024-13-01",
            "24-01-01",
            "2024-01-01 25:00",
            "2024-01-01X",
            "2024-01-01T10:00:00+2:00",
            "abc",
        ] {
            assert_eq!(p.parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn offsetless_values_are_read_in_the_zone() {
        let p = TimestampParser::new(TimestampFormat::Auto, tz("Asia/Tokyo"));
        // 09:00 in Tokyo is 00:00 UTC
        assert_eq!(
            p.parse("2024-05-01 09:00:00"),
            Some(
                ymd(2024, 5, 1)
                    .and_hms_opt(0, 0, 0)
                    .unwrap()
                    .and_utc()
                    .timestamp()
            )
        );
        // an explicit offset wins over the zone
        assert_eq!(
            p.parse("2024-05-01T00:00:00Z"),
            p.parse("2024-05-01 09:00:00")
        );
    }

    #[test]
    fn custom_and_unix_formats() {
        let p = TimestampParser::new(TimestampFormat::Custom("%d/%m/%Y %H:%M".into()), tz("UTC"));
        assert_eq!(
            p.parse("29/02/2024 13:05"),
            Some(
                ymd(2024, 2, 29)
                    .and_hms_opt(13, 5, 0)
                    .unwrap()
                    .and_utc()
                    .timestamp()
            )
        );
        let d = TimestampParser::new(TimestampFormat::Custom("%d.%m.%Y".into()), tz("UTC"));
        assert_eq!(
            d.parse("01.03.2024"),
            Some(day_start(ymd(2024, 3, 1), tz("UTC")))
        );
        let u = TimestampParser::new(TimestampFormat::UnixSeconds, tz("UTC"));
        assert_eq!(u.parse("1700000000"), Some(1_700_000_000));
        assert_eq!(u.parse("17e8"), None);
    }

    #[test]
    fn day_start_handles_dst() {
        // Europe/Berlin springs forward at 02:00, so midnight exists and days are 23 hours long
        let berlin = tz("Europe/Berlin");
        let a = day_start(ymd(2024, 3, 31), berlin);
        let b = day_start(ymd(2024, 4, 1), berlin);
        assert_eq!(b - a, 23 * 3600);
        // America/Santiago skipped midnight on 2022-09-11 (clocks went 00:00 -> 01:00)
        let santiago = tz("America/Santiago");
        let s = day_start(ymd(2022, 9, 11), santiago);
        assert_eq!(local_date(s, santiago), ymd(2022, 9, 11));
        assert_eq!(local_date(s - 1, santiago), ymd(2022, 9, 10));
    }

    #[test]
    fn as_of_cut_is_the_end_of_the_local_day() {
        let la = tz("America/Los_Angeles");
        let as_of = AsOf::new(ymd(2024, 7, 4), la);
        // 2024-07-05 00:00 PDT = 07:00 UTC
        let cut = ymd(2024, 7, 5)
            .and_hms_opt(7, 0, 0)
            .unwrap()
            .and_utc()
            .timestamp();
        assert_eq!(as_of.cut(), cut);
        assert!(as_of.includes(cut - 1));
        assert!(!as_of.includes(cut));
    }

    #[test]
    fn account_day_fractions_sum_to_one_and_respect_the_cut() {
        let la = tz("America/Los_Angeles");
        let berlin = tz("Europe/Berlin");
        for (date, zone_a, zone_r) in [
            (ymd(2024, 1, 15), la, berlin),
            (ymd(2024, 3, 10), la, berlin), // LA's 23-hour day
            (ymd(2024, 3, 31), berlin, la), // Berlin's 23-hour day
            (ymd(2024, 11, 3), la, tz("Asia/Kolkata")),
        ] {
            let parts = split_account_day(date, zone_a, zone_r, i64::MAX);
            let total: f64 = parts.iter().map(|p| p.1).sum();
            assert!((total - 1.0).abs() < 1e-12, "{date} {parts:?}");
            assert!(parts.iter().all(|p| p.1 > 0.0));
        }
        // LA day 2024-01-15 seen from Berlin (UTC+1): 09:00 Berlin on the 15th to 09:00 on the
        // 16th, so 15/24 on the 15th; a cut at the end of the 15th in Berlin keeps only that.
        let cut = AsOf::new(ymd(2024, 1, 15), berlin).cut();
        let parts = split_account_day(ymd(2024, 1, 15), la, berlin, cut);
        assert_eq!(parts.len(), 1);
        assert!((parts[0].1 - 15.0 / 24.0).abs() < 1e-12);
        assert!(split_account_day(ymd(2024, 1, 16), la, berlin, cut).is_empty());
    }

    #[test]
    fn day_table_agrees_with_conversion() {
        for zone in ["UTC", "Europe/Berlin", "America/Santiago", "Asia/Kolkata"] {
            let z = tz(zone);
            let from = 1_600_000_000;
            let table = DayTable::new(z, from, from + 400 * 86_400);
            for t in (from - 5 * 86_400..from + 410 * 86_400).step_by(3_541) {
                assert_eq!(table.date(t), local_date(t, z), "{zone} {t}");
            }
        }
    }

    #[test]
    fn week_start_is_monday() {
        assert_eq!(week_start(ymd(2024, 5, 5)), ymd(2024, 4, 29)); // Sunday
        assert_eq!(week_start(ymd(2024, 5, 6)), ymd(2024, 5, 6)); // Monday
    }
}
