//! Timestamps and the date formats the readers understand.
//!
//! A [`Timestamp`] is a count of seconds since 1970-01-01 00:00:00 on a *naive* wall clock (no
//! time zone): `1997-01-01` and `1997-01-01 00:00:00` are the same instant, and a log written in
//! local time stays in local time. This is what pandas does with naive datetimes, which is what
//! lifetimes sees. Eight bytes per transaction, exact integer arithmetic for periods.
//!
//! Valid timestamps lie in the years 1 to 9999 ([`Timestamp::MIN`] to [`Timestamp::MAX`]); every
//! constructor checks this, so period arithmetic can never overflow.

use crate::error::{Error, Result};
use chrono::format::{Item, Parsed, StrftimeItems};
use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};
use std::fmt;

const SECONDS_PER_DAY: i64 = 86_400;

/// Days from 1970-01-01 to the given proleptic Gregorian date (H. Hinnant's `days_from_civil`).
/// Exact for every year representable here; month and day must already be valid.
pub(crate) const fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400; // [0, 399]
    let m = month as i64;
    let mp = (m + 9) % 12; // March = 0
    let doy = (153 * mp + 2) / 5 + day as i64 - 1; // [0, 365]
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; // [0, 146096]
    era * 146_097 + doe - 719_468
}

/// The (year, month, day) of a day number counted from 1970-01-01 (inverse of
/// [`days_from_civil`]).
pub(crate) const fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + if month <= 2 { 1 } else { 0 };
    (year, month, day)
}

const fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

const fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 => {
            if is_leap(year) {
                29
            } else {
                28
            }
        }
        _ => 0,
    }
}

/// A point in time: seconds since 1970-01-01 00:00:00 on a naive (time-zone-free) clock.
///
/// ```
/// use ltv::data::Timestamp;
/// let t = Timestamp::from_ymd(1997, 1, 1)?;
/// assert_eq!(t, Timestamp::parse("1997-01-01")?);
/// assert_eq!(t, Timestamp::parse("19970101")?);
/// assert_eq!(Timestamp::parse("1997-01-01 06:30:00")?.seconds() - t.seconds(), 6 * 3600 + 1800);
/// assert_eq!(t.to_string(), "1997-01-01");
/// # Ok::<(), ltv::Error>(())
/// ```
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(transparent)]
pub struct Timestamp(i64);

impl Timestamp {
    /// 0001-01-01 00:00:00, the earliest valid timestamp.
    pub const MIN: Timestamp = Timestamp(days_from_civil(1, 1, 1) * SECONDS_PER_DAY);
    /// 9999-12-31 23:59:59, the latest valid timestamp.
    pub const MAX: Timestamp =
        Timestamp(days_from_civil(9999, 12, 31) * SECONDS_PER_DAY + SECONDS_PER_DAY - 1);

    /// A timestamp from seconds since 1970-01-01 00:00:00; `None` outside years 1..=9999.
    pub const fn from_seconds(seconds: i64) -> Option<Self> {
        if seconds < Self::MIN.0 || seconds > Self::MAX.0 {
            None
        } else {
            Some(Timestamp(seconds))
        }
    }

    /// Crate-internal constructor for values known to be in range.
    pub(crate) const fn from_seconds_unchecked(seconds: i64) -> Self {
        Timestamp(seconds)
    }

    /// Seconds since 1970-01-01 00:00:00.
    pub const fn seconds(self) -> i64 {
        self.0
    }

    /// Midnight starting the given calendar day.
    ///
    /// Errors with [`Error::InvalidDate`] for an impossible date or a year outside 1..=9999.
    pub fn from_ymd(year: i32, month: u32, day: u32) -> Result<Self> {
        Self::from_ymd_hms(year, month, day, 0, 0, 0)
    }

    /// The given calendar day and wall-clock time.
    ///
    /// Errors with [`Error::InvalidDate`] for an impossible date or time (seconds 0..=59) or a
    /// year outside 1..=9999.
    pub fn from_ymd_hms(
        year: i32,
        month: u32,
        day: u32,
        hour: u32,
        minute: u32,
        second: u32,
    ) -> Result<Self> {
        civil_to_seconds(year as i64, month, day, hour, minute, second).ok_or_else(|| {
            Error::InvalidDate {
                value: format!("{year:04}-{month:02}-{day:02} {hour:02}:{minute:02}:{second:02}"),
                rule: "not a valid date and time in years 1..=9999".into(),
            }
        })
    }

    /// Parses `YYYY-MM-DD`, `YYYY-MM-DD HH:MM:SS` (or with `T`) or `YYYYMMDD`
    /// ([`DateFormat::Auto`]). Errors with [`Error::InvalidDate`].
    pub fn parse(text: &str) -> Result<Self> {
        DateFormat::Auto.parse_str(text)
    }

    /// Day number since 1970-01-01 (floor division, so times before the epoch work too).
    pub const fn days_since_epoch(self) -> i64 {
        self.0.div_euclid(SECONDS_PER_DAY)
    }

    /// Seconds since midnight of the timestamp's day.
    pub const fn second_of_day(self) -> i64 {
        self.0.rem_euclid(SECONDS_PER_DAY)
    }

    /// (year, month, day) of the timestamp's calendar day.
    pub const fn ymd(self) -> (i64, u32, u32) {
        civil_from_days(self.days_since_epoch())
    }

    /// The timestamp as a chrono `NaiveDateTime`.
    pub fn to_naive(self) -> NaiveDateTime {
        let (y, m, d) = self.ymd();
        let s = self.second_of_day() as u32;
        // In range by construction: years 1..=9999, valid day, s < 86400.
        NaiveDate::from_ymd_opt(y as i32, m, d)
            .and_then(|date| date.and_hms_opt(s / 3600, (s / 60) % 60, s % 60))
            .unwrap_or_default()
    }
}

impl fmt::Display for Timestamp {
    /// `YYYY-MM-DD` at midnight, `YYYY-MM-DD HH:MM:SS` otherwise.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        let s = self.second_of_day();
        if s == 0 {
            write!(f, "{y:04}-{m:02}-{d:02}")
        } else {
            write!(
                f,
                "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}",
                s / 3600,
                (s / 60) % 60,
                s % 60
            )
        }
    }
}

impl TryFrom<NaiveDateTime> for Timestamp {
    type Error = Error;
    /// Errors with [`Error::InvalidDate`] outside years 1..=9999.
    fn try_from(dt: NaiveDateTime) -> Result<Self> {
        Self::from_ymd_hms(
            dt.year(),
            dt.month(),
            dt.day(),
            dt.hour(),
            dt.minute(),
            dt.second(),
        )
    }
}

impl TryFrom<NaiveDate> for Timestamp {
    type Error = Error;
    /// Midnight of the date. Errors with [`Error::InvalidDate`] outside years 1..=9999.
    fn try_from(d: NaiveDate) -> Result<Self> {
        Self::from_ymd(d.year(), d.month(), d.day())
    }
}

fn civil_to_seconds(
    year: i64,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
) -> Option<Timestamp> {
    if !(1..=9999).contains(&year)
        || !(1..=12).contains(&month)
        || day == 0
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 59
    {
        return None;
    }
    let days = days_from_civil(year, month, day);
    Some(Timestamp(
        days * SECONDS_PER_DAY + (hour * 3600 + minute * 60 + second) as i64,
    ))
}

/// How the date column of a transaction log is written.
///
/// The fixed forms are parsed by a hand-written fast path (no allocation); [`DateFormat::Custom`]
/// goes through chrono's `strftime` parser.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum DateFormat {
    /// Any of `YYYY-MM-DD`, `YYYY-MM-DD HH:MM:SS` (`T` also accepted between date and time) and
    /// `YYYYMMDD`, recognised per value by its length.
    #[default]
    Auto,
    /// `YYYY-MM-DD`.
    IsoDate,
    /// `YYYY-MM-DD HH:MM:SS` (`T` also accepted between date and time).
    IsoDateTime,
    /// `YYYYMMDD` (the CDNOW master file).
    Compact,
    /// A chrono `strftime` format such as `%d/%m/%Y %H:%M`. A format without a time of day
    /// gives midnight. Check it with [`DateFormat::custom`].
    Custom(String),
}

impl DateFormat {
    /// A custom chrono format, checked: errors with [`Error::InvalidDate`] when chrono cannot
    /// understand the format string.
    pub fn custom(format: &str) -> Result<Self> {
        StrftimeItems::new(format)
            .parse()
            .map_err(|e| Error::InvalidDate {
                value: format.to_string(),
                rule: format!("not a valid chrono format string: {e}"),
            })?;
        Ok(DateFormat::Custom(format.to_string()))
    }

    /// Reads a format specification as the CLI takes it: `auto`, `YYYY-MM-DD`,
    /// `YYYY-MM-DD HH:MM:SS`, `YYYYMMDD`, or a chrono format containing `%`.
    pub fn from_spec(spec: &str) -> Result<Self> {
        match spec {
            "auto" => Ok(DateFormat::Auto),
            "YYYY-MM-DD" => Ok(DateFormat::IsoDate),
            "YYYY-MM-DD HH:MM:SS" => Ok(DateFormat::IsoDateTime),
            "YYYYMMDD" => Ok(DateFormat::Compact),
            s if s.contains('%') => DateFormat::custom(s),
            s => Err(Error::InvalidDate {
                value: s.to_string(),
                rule: "date format must be auto, YYYY-MM-DD, `YYYY-MM-DD HH:MM:SS`, YYYYMMDD or a \
                       chrono format with % fields"
                    .into(),
            }),
        }
    }

    /// What the format expects, for error messages.
    pub fn describe(&self) -> String {
        match self {
            DateFormat::Auto => "expected YYYY-MM-DD, YYYY-MM-DD HH:MM:SS or YYYYMMDD".into(),
            DateFormat::IsoDate => "expected YYYY-MM-DD".into(),
            DateFormat::IsoDateTime => "expected YYYY-MM-DD HH:MM:SS".into(),
            DateFormat::Compact => "expected YYYYMMDD".into(),
            DateFormat::Custom(f) => format!("expected format `{f}`"),
        }
    }

    /// Parses one date value; errors with [`Error::InvalidDate`] naming the value and format.
    pub fn parse_str(&self, text: &str) -> Result<Timestamp> {
        self.compile()
            .parse(text.as_bytes())
            .ok_or_else(|| Error::InvalidDate {
                value: text.to_string(),
                rule: self.describe(),
            })
    }

    /// Prepares the format for repeated parsing (compiles a custom format once).
    pub(crate) fn compile(&self) -> CompiledDateFormat<'_> {
        match self {
            DateFormat::Auto => CompiledDateFormat::Auto,
            DateFormat::IsoDate => CompiledDateFormat::IsoDate,
            DateFormat::IsoDateTime => CompiledDateFormat::IsoDateTime,
            DateFormat::Compact => CompiledDateFormat::Compact,
            DateFormat::Custom(f) => match StrftimeItems::new(f).parse() {
                Ok(items) => CompiledDateFormat::Custom(items),
                // an invalid format parses nothing
                Err(_) => CompiledDateFormat::Custom(vec![Item::Error]),
            },
        }
    }
}

/// A [`DateFormat`] ready for parsing many values.
#[derive(Debug, Clone)]
pub(crate) enum CompiledDateFormat<'a> {
    Auto,
    IsoDate,
    IsoDateTime,
    Compact,
    Custom(Vec<Item<'a>>),
}

#[inline]
fn digits<const N: usize>(b: &[u8]) -> Option<u32> {
    let mut v = 0u32;
    for &c in &b[..N] {
        let d = c.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        v = v * 10 + d as u32;
    }
    Some(v)
}

#[inline]
fn parse_iso_date(b: &[u8]) -> Option<(i64, u32, u32)> {
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    Some((
        digits::<4>(b)? as i64,
        digits::<2>(&b[5..])?,
        digits::<2>(&b[8..])?,
    ))
}

#[inline]
fn parse_iso_datetime(b: &[u8]) -> Option<Timestamp> {
    if b.len() != 19 || !(b[10] == b' ' || b[10] == b'T') || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let (y, m, d) = parse_iso_date(b)?;
    civil_to_seconds(
        y,
        m,
        d,
        digits::<2>(&b[11..])?,
        digits::<2>(&b[14..])?,
        digits::<2>(&b[17..])?,
    )
}

#[inline]
fn parse_compact(b: &[u8]) -> Option<Timestamp> {
    if b.len() != 8 {
        return None;
    }
    civil_to_seconds(
        digits::<4>(b)? as i64,
        digits::<2>(&b[4..])?,
        digits::<2>(&b[6..])?,
        0,
        0,
        0,
    )
}

#[inline]
fn parse_iso(b: &[u8]) -> Option<Timestamp> {
    if b.len() != 10 {
        return None;
    }
    let (y, m, d) = parse_iso_date(b)?;
    civil_to_seconds(y, m, d, 0, 0, 0)
}

/// A date or date-time as written in text: the wall-clock time it names and, when the text
/// carries one, its offset from UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct WrittenTime {
    /// The wall-clock time written (midnight for a date alone).
    pub(crate) wall: Timestamp,
    /// Whether a time of day was written (a date alone is a whole day, which a time-zone-aware
    /// caller starts at the zone's first instant of that day).
    pub(crate) has_time: bool,
    /// Seconds east of UTC when the text ends in `Z`, `UTC` or `±HH[[:]MM]`.
    pub(crate) offset: Option<i32>,
}

impl WrittenTime {
    /// The UTC instant when an offset was written, the wall clock read as UTC otherwise.
    pub(crate) fn utc_or_naive(self) -> i64 {
        self.wall.0 - i64::from(self.offset.unwrap_or(0))
    }
}

/// The crate's one parser of written dates and times (every reader uses it: transaction logs
/// through [`DateFormat`], the report's inputs through `report::TimestampParser`, the
/// attribution logs through `attribution::parse_time`). Accepts, after trimming ASCII blanks:
/// `YYYYMMDD`; `YYYY-MM-DD`; `YYYY-MM-DD` then `T` or a space and `HH:MM`, `HH:MM:SS` or
/// `HH:MM:SS.fff` (`,` also; the fraction is dropped, toward the past); then optionally a space
/// and `Z`, `z`, `UTC`, `±HH`, `±HHMM` or `±HH:MM`. Fixed widths only (no `1998-6-30`); the
/// date must exist and lie in years 1..=9999.
pub(crate) fn parse_written(raw: &[u8]) -> Option<WrittenTime> {
    let b = raw.trim_ascii();
    let date_only = |wall| {
        Some(WrittenTime {
            wall,
            has_time: false,
            offset: None,
        })
    };
    match b.len() {
        8 => return date_only(parse_compact(b)?),
        10 => return date_only(parse_iso(b)?),
        19 => {
            if let Some(wall) = parse_iso_datetime(b) {
                return Some(WrittenTime {
                    wall,
                    has_time: true,
                    offset: None,
                });
            }
        }
        _ => {}
    }
    if b.len() < 16 || !(b[10] == b' ' || b[10] == b'T') || b[13] != b':' {
        return None;
    }
    let (y, m, d) = parse_iso_date(b)?;
    let (hour, minute) = (digits::<2>(&b[11..])?, digits::<2>(&b[14..])?);
    let mut i = 16;
    let mut second = 0;
    if b.len() >= 19 && b[16] == b':' {
        second = digits::<2>(&b[17..])?;
        i = 19;
        if i < b.len() && (b[i] == b'.' || b[i] == b',') {
            i += 1;
            let start = i;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            if i == start {
                return None;
            }
        }
    }
    let wall = civil_to_seconds(y, m, d, hour, minute, second)?;
    let tail = &b[i..];
    let tail = tail.strip_prefix(b" ").unwrap_or(tail);
    let offset = match tail {
        [] => None,
        b"Z" | b"z" | b"UTC" => Some(0),
        [sign @ (b'+' | b'-'), off @ ..] => {
            let (oh, om) = match off.len() {
                2 => (digits::<2>(off)?, 0),
                4 => (digits::<2>(off)?, digits::<2>(&off[2..])?),
                5 if off[2] == b':' => (digits::<2>(off)?, digits::<2>(&off[3..])?),
                _ => return None,
            };
            if oh > 23 || om > 59 {
                return None;
            }
            let east = (oh * 3600 + om * 60) as i32;
            Some(if *sign == b'-' { -east } else { east })
        }
        _ => return None,
    };
    Some(WrittenTime {
        wall,
        has_time: true,
        offset,
    })
}

impl CompiledDateFormat<'_> {
    /// Parses one value (surrounding ASCII spaces are ignored); `None` when it does not match.
    #[inline]
    pub(crate) fn parse(&self, raw: &[u8]) -> Option<Timestamp> {
        let b = raw.trim_ascii();
        match self {
            CompiledDateFormat::Auto => match b.len() {
                10 => parse_iso(b),
                19 => parse_iso_datetime(b),
                8 => parse_compact(b),
                _ => None,
            },
            CompiledDateFormat::IsoDate => parse_iso(b),
            CompiledDateFormat::IsoDateTime => parse_iso_datetime(b),
            CompiledDateFormat::Compact => parse_compact(b),
            CompiledDateFormat::Custom(items) => {
                let s = std::str::from_utf8(b).ok()?;
                let mut parsed = Parsed::new();
                chrono::format::parse(&mut parsed, s, items.iter()).ok()?;
                let dt = match parsed.to_naive_datetime_with_offset(0) {
                    Ok(dt) => dt,
                    Err(_) => parsed.to_naive_date().ok()?.and_hms_opt(0, 0, 0)?,
                };
                Timestamp::try_from(dt).ok()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip_matches_chrono() {
        for days in (-800_000..3_000_000).step_by(997) {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
            let nd = NaiveDate::from_ymd_opt(y as i32, m, d).unwrap();
            let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
            assert_eq!((nd - epoch).num_days(), days);
        }
    }

    #[test]
    fn fixed_formats() {
        let t = Timestamp::from_ymd_hms(1998, 6, 30, 23, 59, 1).unwrap();
        assert_eq!(
            DateFormat::Auto.parse_str("1998-06-30 23:59:01").unwrap(),
            t
        );
        assert_eq!(
            DateFormat::Auto.parse_str("1998-06-30T23:59:01").unwrap(),
            t
        );
        assert_eq!(
            DateFormat::Compact.parse_str("19980630").unwrap(),
            Timestamp::from_ymd(1998, 6, 30).unwrap()
        );
        for bad in [
            "1998-02-29",
            "1998-13-01",
            "1998-00-10",
            "19980631",
            "1998-06-30 24:00:00",
            "1998-06-30 23:60:00",
            "1998-6-30",
            "0000-01-01",
            "",
            "abcdefgh",
            "1998-06-30 23:59",
        ] {
            assert!(DateFormat::Auto.parse_str(bad).is_err(), "{bad}");
        }
        assert!(DateFormat::Auto.parse_str("2000-02-29").is_ok());
        assert!(DateFormat::IsoDate.parse_str("19980630").is_err());
    }

    #[test]
    fn written_times() {
        let w = |t: &str| parse_written(t.as_bytes());
        let day = Timestamp::from_ymd(1998, 6, 30).unwrap();
        let at = Timestamp::from_ymd_hms(1998, 6, 30, 10, 5, 0).unwrap();
        assert_eq!(w(" 1998-06-30 ").unwrap().wall, day);
        assert!(!w("19980630").unwrap().has_time);
        assert_eq!(w("1998-06-30T10:05").unwrap().wall, at);
        assert_eq!(w("1998-06-30 10:05:00.999").unwrap().wall, at);
        assert_eq!(w("1998-06-30 10:05:00,5 Z").unwrap().offset, Some(0));
        let plus = w("1998-06-30T10:05:00+01:30").unwrap();
        assert_eq!((plus.wall, plus.offset), (at, Some(5400)));
        assert_eq!(plus.utc_or_naive(), at.seconds() - 5400);
        assert_eq!(w("1998-06-30 10:05:00-0200").unwrap().offset, Some(-7200));
        assert_eq!(
            w("1998-06-30 10:05:00 UTC").unwrap().utc_or_naive(),
            at.seconds()
        );
        for bad in [
            "1998-06-30 10:05:00+24:00",
            "1998-06-30 10:05:00.",
            "1998-06-30 10:05:00 CET",
            "1998-06-31",
            "1998-06-30 10",
            "1998-6-30",
        ] {
            assert!(w(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn custom_format() {
        let f = DateFormat::custom("%d/%m/%Y").unwrap();
        assert_eq!(
            f.parse_str("30/06/1998").unwrap(),
            Timestamp::from_ymd(1998, 6, 30).unwrap()
        );
        let f = DateFormat::custom("%d/%m/%Y %H:%M").unwrap();
        assert_eq!(
            f.parse_str("30/06/1998 10:05").unwrap(),
            Timestamp::from_ymd_hms(1998, 6, 30, 10, 5, 0).unwrap()
        );
        assert!(f.parse_str("30/06/1998").is_err());
        assert!(DateFormat::custom("%Q").is_err());
    }

    #[test]
    fn display_and_range() {
        assert_eq!(Timestamp::MIN.to_string(), "0001-01-01");
        assert_eq!(Timestamp::MAX.to_string(), "9999-12-31 23:59:59");
        assert!(Timestamp::from_seconds(Timestamp::MAX.seconds() + 1).is_none());
        assert_eq!(
            Timestamp::MAX.to_naive(),
            NaiveDate::from_ymd_opt(9999, 12, 31)
                .unwrap()
                .and_hms_opt(23, 59, 59)
                .unwrap()
        );
    }
}
