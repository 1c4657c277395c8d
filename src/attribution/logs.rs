//! The match log and the payment log, with one shared user interner.
//!
//! * A **match** is a pair of distinct users, the time they were matched and a non-negative
//!   weight (duration, message count, ...; 1 when absent).
//! * A **payment** is a user, a time and an amount in minor currency units (cents for 2 digits),
//!   parsed exactly from decimal text so that credits can add up to booked revenue exactly.
//!
//! Times are seconds since the Unix epoch (UTC). CSV readers accept `YYYY-MM-DD`,
//! `YYYY-MM-DD HH:MM:SS`, `YYYY-MM-DDTHH:MM:SS` (UTC) and RFC 3339 with an offset.

use super::ids::Interner;
use super::money::parse_minor_units;
use crate::data::columns::{csv_error, Header};
use crate::error::{Error, Result};
use std::io::Read;
use std::path::Path;

/// One match between users `a` and `b` (dense indices into [`Logs::users`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Match {
    /// First user.
    pub a: u32,
    /// Second user (never equal to `a`).
    pub b: u32,
    /// When the match happened, seconds since the Unix epoch.
    pub time: i64,
    /// Non-negative weight (1 when the log has none).
    pub weight: f64,
}

/// One payment by `user` (a dense index into [`Logs::users`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Payment {
    /// The payer.
    pub user: u32,
    /// When the payment was booked, seconds since the Unix epoch.
    pub time: i64,
    /// Amount in minor currency units (non-negative).
    pub amount: i64,
}

/// A match log and a payment log over one set of users.
///
/// ```
/// use ltv::attribution::Logs;
/// let mut logs = Logs::new(2);
/// logs.add_match("ann", "bob", 0, 1.0)?;
/// logs.add_payment("ann", 86_400, 999)?; // 9.99 one day later
/// assert_eq!(logs.user_count(), 2);
/// assert_eq!(logs.total_revenue(), 999);
/// # Ok::<(), ltv::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Logs {
    users: Interner,
    matches: Vec<Match>,
    payments: Vec<Payment>,
    minor_digits: u32,
    total: i64,
}

impl Logs {
    /// Empty logs whose amounts have `minor_digits` decimals (2 for cents, 0 for yen).
    pub fn new(minor_digits: u32) -> Self {
        Self {
            users: Interner::new(),
            matches: Vec::new(),
            payments: Vec::new(),
            minor_digits,
            total: 0,
        }
    }

    /// The user ids.
    pub fn users(&self) -> &Interner {
        &self.users
    }

    /// Number of distinct users seen in either log.
    pub fn user_count(&self) -> usize {
        self.users.len()
    }

    /// The matches, in input order.
    pub fn matches(&self) -> &[Match] {
        &self.matches
    }

    /// The payments, in input order.
    pub fn payments(&self) -> &[Payment] {
        &self.payments
    }

    /// Decimal digits of the minor currency unit.
    pub fn minor_digits(&self) -> u32 {
        self.minor_digits
    }

    /// Sum of all payments, in minor units.
    pub fn total_revenue(&self) -> i64 {
        self.total
    }

    /// Revenue paid by each user, in minor units, by user index.
    pub fn paid_by_user(&self) -> Vec<i64> {
        let mut paid = vec![0i64; self.user_count()];
        for p in &self.payments {
            paid[p.user as usize] += p.amount;
        }
        paid
    }

    /// The logs as they stood at `end` (Unix seconds, inclusive): matches and payments after
    /// it left out, users numbered afresh in order of first appearance among what is kept.
    /// Returns the kept logs and the numbers of matches and payments left out — the as-of cut
    /// that keeps later revenue out of a report's credit column.
    ///
    /// ```
    /// use ltv::attribution::Logs;
    /// let mut logs = Logs::new(2);
    /// logs.add_match("ann", "bob", 0, 1.0)?;
    /// logs.add_payment("ann", 86_400, 999)?;
    /// logs.add_payment("cat", 3 * 86_400, 500)?;
    /// let (cut, matches_out, payments_out) = logs.until(2 * 86_400)?;
    /// assert_eq!((cut.user_count(), cut.total_revenue()), (2, 999));
    /// assert_eq!((matches_out, payments_out), (0, 1));
    /// # Ok::<(), ltv::Error>(())
    /// ```
    ///
    /// # Errors
    /// None in practice (the rows were checked when added); the signature keeps the checks of
    /// [`Logs::add_match`] and [`Logs::add_payment`].
    pub fn until(&self, end: i64) -> Result<(Logs, usize, usize)> {
        let mut out = Logs::new(self.minor_digits);
        let name = |u: u32| self.users.name(u).unwrap_or_default();
        let (mut matches_out, mut payments_out) = (0, 0);
        for m in &self.matches {
            if m.time <= end {
                out.add_match(name(m.a), name(m.b), m.time, m.weight)?;
            } else {
                matches_out += 1;
            }
        }
        for p in &self.payments {
            if p.time <= end {
                out.add_payment(name(p.user), p.time, p.amount)?;
            } else {
                payments_out += 1;
            }
        }
        Ok((out, matches_out, payments_out))
    }

    /// Adds a match; `row` in errors is the match's 1-based position.
    ///
    /// # Errors
    /// [`Error::InvalidField`] for an empty id, a self-match, or a negative/NaN weight.
    pub fn add_match(&mut self, a: &str, b: &str, time: i64, weight: f64) -> Result<()> {
        let row = self.matches.len() as u64 + 1;
        self.push_match(row, a, b, time, weight)
    }

    /// Adds a payment of `amount` minor units; `row` in errors is its 1-based position.
    ///
    /// # Errors
    /// [`Error::InvalidField`] for an empty id, a negative amount, or when the running total
    /// would overflow `i64`.
    pub fn add_payment(&mut self, user: &str, time: i64, amount: i64) -> Result<()> {
        let row = self.payments.len() as u64 + 1;
        self.push_payment(row, user, time, amount)
    }

    fn push_match(&mut self, row: u64, a: &str, b: &str, time: i64, weight: f64) -> Result<()> {
        check_id(row, "user_a", a)?;
        check_id(row, "user_b", b)?;
        if a == b {
            return Err(Error::invalid_field(
                row,
                "user_b",
                b,
                "a user cannot be matched with themself",
            ));
        }
        if !(weight.is_finite() && (weight == 0.0 || weight >= f64::MIN_POSITIVE)) {
            return Err(Error::invalid_field(
                row,
                "weight",
                weight.to_string(),
                "must be 0 or a finite number of at least 2.2e-308 (not negative or subnormal)",
            ));
        }
        let a = self.users.intern(a)?;
        let b = self.users.intern(b)?;
        self.matches.push(Match { a, b, time, weight });
        Ok(())
    }

    fn push_payment(&mut self, row: u64, user: &str, time: i64, amount: i64) -> Result<()> {
        check_id(row, "user_id", user)?;
        if amount < 0 {
            return Err(Error::invalid_field(
                row,
                "amount",
                amount.to_string(),
                "must be non-negative (minor units)",
            ));
        }
        let total = self.total.checked_add(amount).ok_or_else(|| {
            Error::invalid_field(
                row,
                "amount",
                amount.to_string(),
                "total revenue overflows 64-bit minor units",
            )
        })?;
        let user = self.users.intern(user)?;
        self.payments.push(Payment { user, time, amount });
        self.total = total;
        Ok(())
    }

    /// Runs `read`; on error, rolls the logs back to their state before it.
    fn transaction(&mut self, read: impl FnOnce(&mut Self) -> Result<()>) -> Result<()> {
        let (users, matches, payments, total) = (
            self.users.len(),
            self.matches.len(),
            self.payments.len(),
            self.total,
        );
        let out = read(self);
        if out.is_err() {
            self.users.truncate(users);
            self.matches.truncate(matches);
            self.payments.truncate(payments);
            self.total = total;
        }
        out
    }

    /// Reads matches from CSV with header columns `user_a`, `user_b`, `time` and optionally
    /// `weight` (other columns are ignored). Errors name the line (the header is line 1); on
    /// error nothing from this input is kept.
    pub fn read_matches_csv<R: Read>(&mut self, reader: R) -> Result<()> {
        self.read_matches_csv_with(reader, &MatchColumns::default())
    }

    /// [`Logs::read_matches_csv`] with other column names or delimiter.
    pub fn read_matches_csv_with<R: Read>(
        &mut self,
        reader: R,
        columns: &MatchColumns,
    ) -> Result<()> {
        self.transaction(|logs| logs.read_matches_inner(reader, columns))
    }

    fn read_matches_inner<R: Read>(&mut self, reader: R, c: &MatchColumns) -> Result<()> {
        let mut rdr = csv_reader_with(reader, c.delimiter);
        let header = Header::read(&mut rdr, c.delimiter)?.in_table("matches");
        let ia = header.required(&c.user_a)?;
        let ib = header.required(&c.user_b)?;
        let it = header.required(&c.time)?;
        let iw = match &c.weight {
            Some(w) => Some(header.required(w)?),
            None => header.find("weight"),
        };
        let names = [
            ("user_a", header.name(ia)),
            ("user_b", header.name(ib)),
            ("weight", iw.map_or("weight", |i| header.name(i))),
        ];
        for rec in rdr.records() {
            let rec = rec.map_err(csv_error)?;
            let line = line_of(&rec);
            let time =
                parse_time(&rec[it]).ok_or_else(|| time_error(line, header.name(it), &rec[it]))?;
            let weight = match iw {
                Some(i) if !rec[i].trim().is_empty() => {
                    rec[i].trim().parse::<f64>().map_err(|_| {
                        Error::invalid_field(line, header.name(i), &rec[i], "must be a number")
                    })?
                }
                _ => 1.0,
            };
            self.push_match(line, &rec[ia], &rec[ib], time, weight)
                .map_err(|e| e.with_file_column_names(&names))?;
        }
        Ok(())
    }

    /// Reads payments from CSV with header columns `user_id`, `time`, `amount` (a decimal
    /// amount in currency units, e.g. `9.99`, converted exactly to minor units). On error
    /// nothing from this input is kept.
    pub fn read_payments_csv<R: Read>(&mut self, reader: R) -> Result<()> {
        self.read_payments_csv_with(reader, &PaymentColumns::default())
    }

    /// [`Logs::read_payments_csv`] with other column names or delimiter.
    pub fn read_payments_csv_with<R: Read>(
        &mut self,
        reader: R,
        columns: &PaymentColumns,
    ) -> Result<()> {
        self.transaction(|logs| logs.read_payments_inner(reader, columns))
    }

    fn read_payments_inner<R: Read>(&mut self, reader: R, c: &PaymentColumns) -> Result<()> {
        let mut rdr = csv_reader_with(reader, c.delimiter);
        let header = Header::read(&mut rdr, c.delimiter)?.in_table("payments");
        let iu = header.required(&c.user)?;
        let it = header.required(&c.time)?;
        let ia = header.required(&c.amount)?;
        for rec in rdr.records() {
            let rec = rec.map_err(csv_error)?;
            let line = line_of(&rec);
            let time =
                parse_time(&rec[it]).ok_or_else(|| time_error(line, header.name(it), &rec[it]))?;
            let amount = parse_minor_units(&rec[ia], self.minor_digits)
                .map_err(|rule| Error::invalid_field(line, header.name(ia), &rec[ia], rule))?;
            self.push_payment(line, &rec[iu], time, amount)
                .map_err(|e| {
                    e.with_file_column_names(&[
                        ("user_id", header.name(iu)),
                        ("amount", header.name(ia)),
                    ])
                })?;
        }
        Ok(())
    }

    /// [`Logs::read_matches_csv`] from a file.
    pub fn read_matches_path(&mut self, path: &Path) -> Result<()> {
        self.read_matches_path_with(path, &MatchColumns::default())
    }

    /// [`Logs::read_matches_csv_with`] from a file.
    pub fn read_matches_path_with(&mut self, path: &Path, columns: &MatchColumns) -> Result<()> {
        self.read_matches_csv_with(open(path)?, columns)
            .map_err(|e| with_path(e, path))
    }

    /// [`Logs::read_payments_csv`] from a file.
    pub fn read_payments_path(&mut self, path: &Path) -> Result<()> {
        self.read_payments_path_with(path, &PaymentColumns::default())
    }

    /// [`Logs::read_payments_csv_with`] from a file.
    pub fn read_payments_path_with(&mut self, path: &Path, columns: &PaymentColumns) -> Result<()> {
        self.read_payments_csv_with(open(path)?, columns)
            .map_err(|e| with_path(e, path))
    }
}

/// Column names and delimiter of a match log (defaults `user_a`, `user_b`, `time`, and
/// `weight` when the header has it; comma).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatchColumns {
    /// First user's id.
    pub user_a: String,
    /// Second user's id.
    pub user_b: String,
    /// Match time.
    pub time: String,
    /// Weight column: `None` reads `weight` when present (1 otherwise); a name must exist.
    pub weight: Option<String>,
    /// Field delimiter.
    pub delimiter: u8,
}

impl Default for MatchColumns {
    fn default() -> Self {
        Self {
            user_a: "user_a".into(),
            user_b: "user_b".into(),
            time: "time".into(),
            weight: None,
            delimiter: b',',
        }
    }
}

/// Column names and delimiter of a payment log (defaults `user_id`, `time`, `amount`; comma).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentColumns {
    /// Payer id.
    pub user: String,
    /// Payment time.
    pub time: String,
    /// Amount in currency units (decimal text).
    pub amount: String,
    /// Field delimiter.
    pub delimiter: u8,
}

impl Default for PaymentColumns {
    fn default() -> Self {
        Self {
            user: "user_id".into(),
            time: "time".into(),
            amount: "amount".into(),
            delimiter: b',',
        }
    }
}

/// Parses a UTC time: `YYYY-MM-DD`, `YYYY-MM-DD HH:MM:SS`, `YYYY-MM-DDTHH:MM:SS` or RFC 3339
/// with an offset; returns seconds since the Unix epoch.
///
/// ```
/// use ltv::attribution::parse_time;
/// assert_eq!(parse_time("1970-01-02"), Some(86_400));
/// assert_eq!(parse_time("1970-01-01T01:00:00+01:00"), Some(0));
/// assert_eq!(parse_time("yesterday"), None);
/// ```
pub fn parse_time(text: &str) -> Option<i64> {
    // the crate's one date parser (crate::data::timestamp), values without an offset read as UTC
    crate::data::timestamp::parse_written(text.as_bytes()).map(|w| w.utc_or_naive())
}

fn check_id(row: u64, column: &str, id: &str) -> Result<()> {
    if id.trim().is_empty() {
        return Err(Error::invalid_field(
            row,
            column,
            id,
            "user id must not be empty",
        ));
    }
    Ok(())
}

fn time_error(line: u64, column: &str, value: &str) -> Error {
    Error::invalid_field(
        line,
        column,
        value,
        "expected YYYY-MM-DD, YYYY-MM-DD HH:MM:SS or RFC 3339",
    )
}

pub(crate) fn csv_reader<R: Read>(reader: R) -> csv::Reader<R> {
    csv_reader_with(reader, b',')
}

pub(crate) fn csv_reader_with<R: Read>(reader: R, delimiter: u8) -> csv::Reader<R> {
    csv::ReaderBuilder::new()
        .has_headers(true)
        .delimiter(delimiter)
        .trim(csv::Trim::All)
        .from_reader(reader)
}

pub(crate) fn line_of(rec: &csv::StringRecord) -> u64 {
    rec.position().map_or(0, |p| p.line())
}

pub(crate) fn open(path: &Path) -> Result<std::io::BufReader<std::fs::File>> {
    std::fs::File::open(path)
        .map(std::io::BufReader::new)
        .map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })
}

/// Fills in the path of an I/O error raised while reading `path`.
pub(crate) fn with_path(e: Error, path: &Path) -> Error {
    match e {
        Error::Io { path: p, source } if p.as_os_str().is_empty() => Error::Io {
            path: path.to_path_buf(),
            source,
        },
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_csv_and_reports_lines() {
        let mut logs = Logs::new(2);
        logs.read_matches_csv(
            "user_a,user_b,time,weight\na,b,2024-01-01,2\nb,c,2024-01-02,\n".as_bytes(),
        )
        .unwrap();
        assert_eq!(logs.matches().len(), 2);
        assert_eq!(logs.matches()[1].weight, 1.0);
        logs.read_payments_csv("user_id,time,amount\na,2024-01-03 10:00:00,9.99\n".as_bytes())
            .unwrap();
        assert_eq!(logs.payments()[0].amount, 999);
        let err = logs
            .read_payments_csv(
                "user_id,time,amount\na,2024-01-03,1\nb,2024-01-03,1.001\n".as_bytes(),
            )
            .unwrap_err();
        assert!(
            matches!(err, Error::InvalidField { line: 3, ref column, .. } if column == "amount")
        );
        // rolled back: the good line 2 of the failing input is not kept
        assert_eq!(logs.payments().len(), 1);
        assert_eq!(logs.total_revenue(), 999);
        let users = logs.user_count();
        assert!(logs
            .read_matches_csv("user_a,user_b,time\nx,y,2024-01-01\nz,z,2024-01-01\n".as_bytes())
            .is_err());
        assert_eq!(logs.user_count(), users);
        let err = logs
            .read_matches_csv("user_a,user_b,time\na,a,2024-01-01\n".as_bytes())
            .unwrap_err();
        assert!(matches!(err, Error::InvalidField { line: 2, .. }));
        let err = logs
            .read_matches_csv("user_a,time\na,2024-01-01\n".as_bytes())
            .unwrap_err();
        assert!(matches!(err, Error::MissingColumn { .. }));
        let err = logs
            .read_matches_csv("user_a,user_b,time\na,b\n".as_bytes())
            .unwrap_err();
        assert!(matches!(err, Error::FieldCount { line: 2, .. }));
        let err = logs
            .read_matches_csv("user_a,user_b,time\na,b,soon\n".as_bytes())
            .unwrap_err();
        assert!(matches!(err, Error::InvalidField { line: 2, ref column, .. } if column == "time"));
    }
}
