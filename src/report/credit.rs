//! Per-user revenue credit from the attribution module, optionally dated, and its as-of cut.
//!
//! Credit is revenue the attribution module ([`crate::attribution`], `ltv attribute`) credits
//! to users who enabled other users' purchases. The report shows it in its own `credit` column,
//! never inside revenue or ROAS.
//!
//! What `ltv attribute` writes is an *allocation* of all revenue: every payment is shared
//! between its payer (who keeps part of it, and all of a payment without an eligible match)
//! and the partners who enabled it, and the credits of all users add up to the total revenue.
//! So `credit` is another view of the same money as `revenue_to_date`, not more money: compare
//! the two (a campaign whose users' credit exceeds their own payments enables more revenue
//! than it pays), never add them.
//!
//! # The as-of rule for credit
//!
//! * **Dated** credit (the table has a time column, `time` by default): every row is a credit
//!   event (user, time, amount) and a user may have many. Only rows before the as-of cut count
//!   (the whole as-of day in the report time zone, exactly as for payments); later rows are
//!   left out and counted in [`Exclusions::credit_rows_after_as_of`](crate::report::Exclusions).
//! * **Undated** credit (no time column, as `ltv attribute` writes it): one row per user, taken
//!   *as of the as-of date as given*. The report cannot check this, so it says so in a warning:
//!   computing the credit from payments and matches up to the as-of date is the caller's
//!   responsibility (for `ltv attribute`: give it logs cut at the end of the as-of day).
//!
//! Amounts are in the report currency.

use crate::error::{Error, ReportRule, Result};
use crate::report::inputs::table::{self, OptionalColumn, Table};
use crate::report::timezone::{AsOf, TimestampFormat, TimestampParser};
use chrono_tz::Tz;
use std::collections::{BTreeMap, HashMap};
use std::io::Read;

/// Column names of a credit table and how to read its times.
///
/// Defaults: `user_id`, `credit` (the columns `ltv attribute` writes next to `paid`), `time`
/// if present (then the table is dated), timestamps in [`TimestampFormat::Auto`] with
/// offset-less values in UTC, comma-separated.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CreditLedgerColumns {
    /// User id.
    pub user: String,
    /// Revenue credited (report currency, finite, >= 0).
    pub credit: String,
    /// When the credit was earned (the time of the payment it comes from). A table with this
    /// column is dated; without it, undated.
    pub time: OptionalColumn,
    /// How times are written.
    pub time_format: TimestampFormat,
    /// Zone of times written without an offset.
    pub time_zone: Tz,
    /// Field delimiter.
    pub delimiter: u8,
}

impl Default for CreditLedgerColumns {
    fn default() -> Self {
        Self {
            user: "user_id".into(),
            credit: "credit".into(),
            time: OptionalColumn::default_name("time"),
            time_format: TimestampFormat::Auto,
            time_zone: Tz::UTC,
            delimiter: b',',
        }
    }
}

/// Revenue credit per user, dated (credit events with times, cut at the as-of date) or undated
/// (one total per user, taken as of the as-of date as given). See the module docs.
///
/// ```
/// use ltv::report::{parse_date_arg, AsOf, CreditLedger};
/// let mut ledger = CreditLedger::dated();
/// ledger.push_dated("u1", 1_709_380_800, 4.0)?; // 2024-03-02 12:00 UTC
/// ledger.push_dated("u1", 1_709_467_200, 9.0)?; // 2024-03-03 12:00 UTC
/// let as_of = AsOf::new(parse_date_arg("2024-03-02")?, chrono_tz::Tz::UTC);
/// let (per_user, left_out) = ledger.at(as_of);
/// assert_eq!(per_user["u1"], 4.0);
/// assert_eq!(left_out, 1);
/// # Ok::<(), ltv::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CreditLedger {
    dated: bool,
    users: Vec<String>,
    times: Vec<i64>,
    amounts: Vec<f64>,
}

fn check_amount(line: u64, user: &str, amount: f64) -> Result<()> {
    if user.is_empty() {
        return Err(Error::invalid_field(
            line,
            "user_id",
            user,
            "must not be empty",
        ));
    }
    if !(amount.is_finite() && amount >= 0.0) {
        return Err(Error::invalid_field(
            line,
            "credit",
            amount.to_string(),
            "must be a finite number >= 0",
        ));
    }
    Ok(())
}

impl CreditLedger {
    /// An empty dated ledger: fill it with [`CreditLedger::push_dated`].
    pub fn dated() -> Self {
        Self {
            dated: true,
            ..Self::default()
        }
    }

    /// An undated ledger of one total per user (what [`read_credit`](crate::report::read_credit)
    /// returns), taken as of the report's as-of date as given. Every amount must be finite and
    /// >= 0.
    pub fn undated(per_user: BTreeMap<String, f64>) -> Result<Self> {
        let mut out = Self::default();
        for (user, amount) in per_user {
            check_amount(0, &user, amount)?;
            out.users.push(user);
            out.amounts.push(amount + 0.0);
        }
        Ok(out)
    }

    /// Appends a credit event of a dated ledger: `amount` (report currency, finite, >= 0)
    /// credited to `user` at instant `time` (seconds since the epoch, UTC). Errors on an
    /// undated ledger.
    pub fn push_dated(&mut self, user: &str, time: i64, amount: f64) -> Result<()> {
        if !self.dated {
            return Err(Error::Report {
                rule: ReportRule::DatedCreditRow,
            });
        }
        check_amount(0, user, amount)?;
        self.users.push(user.to_string());
        self.times.push(time);
        self.amounts.push(amount + 0.0);
        Ok(())
    }

    /// True when rows carry times (and are cut at the as-of date).
    pub fn is_dated(&self) -> bool {
        self.dated
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.users.len()
    }

    /// True when there are no rows.
    pub fn is_empty(&self) -> bool {
        self.users.is_empty()
    }

    /// Credit per user that counts at `as_of`, and the number of rows left out because they
    /// are at or after the cut (always 0 for an undated ledger, which is taken as given).
    pub fn at(&self, as_of: AsOf) -> (HashMap<&str, f64>, u64) {
        let mut out: HashMap<&str, f64> = HashMap::with_capacity(self.users.len());
        let mut left_out = 0;
        for (i, (user, amount)) in self.users.iter().zip(&self.amounts).enumerate() {
            if self.dated && !as_of.includes(self.times[i]) {
                left_out += 1;
                continue;
            }
            *out.entry(user.as_str()).or_insert(0.0) += amount;
        }
        (out, left_out)
    }
}

/// Reads a credit table: dated when it has the time column ([`CreditLedgerColumns::time`]),
/// undated otherwise.
///
/// In a dated table every row is a credit event and a user may appear on many rows; in an
/// undated table a user listed twice is an error (adding up two totals silently could
/// double-count). Errors name the line and column: empty user id, credit negative or not a
/// finite number, a time that does not parse, wrong field count, missing columns. A table with
/// a header and no rows is allowed.
///
/// `ltv attribute` output (`user_id,paid,credit`) reads as an undated table.
///
/// ```
/// use ltv::report::{read_credit_ledger, CreditLedgerColumns};
/// let csv = "user_id,time,credit\nu1,2024-03-02 10:00:00,4.5\nu1,2024-03-04,1\n";
/// let c = read_credit_ledger(csv.as_bytes(), &CreditLedgerColumns::default())?;
/// assert!(c.is_dated());
/// assert_eq!(c.len(), 2);
/// let undated = "user_id,paid,credit\nu1,10,4.5\nu2,0,5.5\n";
/// let c = read_credit_ledger(undated.as_bytes(), &CreditLedgerColumns::default())?;
/// assert!(!c.is_dated());
/// # Ok::<(), ltv::Error>(())
/// ```
pub fn read_credit_ledger<R: Read>(
    reader: R,
    columns: &CreditLedgerColumns,
) -> Result<CreditLedger> {
    let t = Table::open("credit", reader, columns.delimiter)?;
    let user = t.required(&columns.user)?;
    let credit = t.required(&columns.credit)?;
    let time = t.optional(&columns.time)?;
    let time_name = time.map_or(String::new(), |i| t.column_name(i).to_string());
    let parser = TimestampParser::new(columns.time_format.clone(), columns.time_zone);
    let mut out = CreditLedger {
        dated: time.is_some(),
        ..CreditLedger::default()
    };
    let mut seen: HashMap<String, u64> = HashMap::new();
    t.for_each(true, |line, r| {
        let id = table::text(r, user, line, &columns.user)?;
        let value = table::amount(r, credit, line, &columns.credit)?;
        match time {
            Some(i) => out
                .times
                .push(table::timestamp(r, i, line, &time_name, &parser)?),
            None => {
                if let Some(first) = seen.insert(id.clone(), line) {
                    return Err(Error::invalid_field(
                        line,
                        &columns.user,
                        id,
                        format!(
                            "user listed twice (first on line {first}); an undated credit table has one total per user"
                        ),
                    ));
                }
            }
        }
        out.users.push(id);
        out.amounts.push(value);
        Ok(())
    })?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::timezone::{parse_date_arg, parse_time_zone};

    #[test]
    fn bad_rows_are_errors() {
        let cols = CreditLedgerColumns::default();
        for (csv, col) in [
            ("user_id,time,credit\n,2024-03-01,1\n", "user_id"),
            ("user_id,time,credit\nu,yesterday,1\n", "time"),
            ("user_id,time,credit\nu,,1\n", "time"),
            ("user_id,time,credit\nu,2024-03-01,-1\n", "credit"),
            ("user_id,time,credit\nu,2024-03-01,NaN\n", "credit"),
            ("user_id,credit\nu,1\nu,2\n", "user_id"),
        ] {
            match read_credit_ledger(csv.as_bytes(), &cols) {
                Err(Error::InvalidField { column, .. }) => assert_eq!(column, col, "{csv}"),
                other => panic!("{csv}: {other:?}"),
            }
        }
        // a time column the caller names must be there
        let named = CreditLedgerColumns {
            time: OptionalColumn::Named("paid_at".into()),
            ..CreditLedgerColumns::default()
        };
        assert!(matches!(
            read_credit_ledger("user_id,credit\nu,1\n".as_bytes(), &named),
            Err(Error::MissingColumn { .. })
        ));
        assert!(CreditLedger::undated(BTreeMap::from([("u".to_string(), f64::NAN)])).is_err());
        assert!(CreditLedger::dated().push_dated("u", 0, -1.0).is_err());
        assert!(CreditLedger::default().push_dated("u", 0, 1.0).is_err());
    }

    #[test]
    fn dated_rows_are_cut_at_the_end_of_the_as_of_day_in_the_report_zone() {
        // offset-less times in UTC; the report runs in Tokyo (UTC+9): 2024-03-02 ends at
        // 2024-03-02 15:00:00 UTC
        let csv = "user_id,time,credit\n\
                   a,2024-03-02 14:59:59,1\n\
                   a,2024-03-02 15:00:00,10\n\
                   b,2024-03-01T23:00:00-08:00,2\n\
                   b,2024-03-03,100\n";
        let c = read_credit_ledger(csv.as_bytes(), &CreditLedgerColumns::default()).unwrap();
        let tokyo = parse_time_zone("Asia/Tokyo").unwrap();
        let (per_user, left_out) = c.at(AsOf::new(parse_date_arg("2024-03-02").unwrap(), tokyo));
        assert_eq!(per_user["a"], 1.0);
        assert_eq!(per_user["b"], 2.0);
        assert_eq!(left_out, 2);
        // undated credit is taken as given
        let u = read_credit_ledger(
            "user_id,paid,credit\na,0,3\n".as_bytes(),
            &CreditLedgerColumns::default(),
        )
        .unwrap();
        let (per_user, left_out) = u.at(AsOf::new(parse_date_arg("2000-01-01").unwrap(), tokyo));
        assert_eq!((per_user["a"], left_out), (3.0, 0));
    }
}
