//! Payments: who paid how much, when, and in which currency.

use super::interner::Interner;
use super::table::{self, OptionalColumn, Table};
use crate::error::{Error, Result};
use crate::report::currency::normalize_currency;
use crate::report::timezone::{TimestampFormat, TimestampParser};
use chrono_tz::Tz;
use std::io::Read;

/// Column names of a transactions table and how to read it.
///
/// Defaults: `user_id`, `time`, `amount`, `currency` (if present; otherwise amounts are in the
/// report currency); timestamps in [`TimestampFormat::Auto`], offset-less values in UTC;
/// comma-separated.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct TransactionColumns {
    /// User id.
    pub user: String,
    /// Payment time.
    pub time: String,
    /// Amount (finite, >= 0).
    pub amount: String,
    /// Currency code of the amount.
    pub currency: OptionalColumn,
    /// How times are written.
    pub time_format: TimestampFormat,
    /// Zone of times written without an offset.
    pub time_zone: Tz,
    /// Field delimiter.
    pub delimiter: u8,
}

impl Default for TransactionColumns {
    fn default() -> Self {
        Self {
            user: "user_id".into(),
            time: "time".into(),
            amount: "amount".into(),
            currency: OptionalColumn::default_name("currency"),
            time_format: TimestampFormat::Auto,
            time_zone: Tz::UTC,
            delimiter: b',',
        }
    }
}

/// Payments held column-wise with interned user ids and currencies (a few million rows stay
/// compact).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Transactions {
    user_ids: Interner,
    user: Vec<u32>,
    time: Vec<i64>,
    amount: Vec<f64>,
    currencies: Vec<String>,
    currency: Vec<u16>,
    line: Vec<u64>,
}

/// Currency index meaning "the report currency" (no currency column or an empty field).
pub const REPORT_CURRENCY: u16 = u16::MAX;

impl Transactions {
    /// An empty table.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends one payment; `currency` `None` = the report currency; `line` is the 1-based
    /// input line (0 when built in memory). Checks: non-empty user id, amount finite and
    /// >= 0, currency code valid.
    pub fn push(
        &mut self,
        user_id: &str,
        time: i64,
        amount: f64,
        currency: Option<&str>,
        line: u64,
    ) -> Result<()> {
        if user_id.is_empty() {
            return Err(Error::invalid_field(
                line,
                "user_id",
                "",
                "must not be empty",
            ));
        }
        if !(amount.is_finite() && amount >= 0.0) {
            return Err(Error::invalid_field(
                line,
                "amount",
                amount.to_string(),
                "must be a finite number >= 0",
            ));
        }
        let currency = match currency {
            None => REPORT_CURRENCY,
            Some(c) => {
                let code = normalize_currency(c).ok_or_else(|| {
                    Error::invalid_field(
                        line,
                        "currency",
                        c,
                        "currency code must be ASCII letters/digits",
                    )
                })?;
                self.currency_index(code, line)?
            }
        };
        let user = self.user_ids.intern(user_id).ok_or_else(|| {
            Error::invalid_field(
                line,
                "user_id",
                user_id,
                "more than 2^32 - 1 distinct users",
            )
        })?;
        self.user.push(user);
        self.time.push(time);
        self.amount.push(amount + 0.0);
        self.currency.push(currency);
        self.line.push(line);
        Ok(())
    }

    fn currency_index(&mut self, code: String, line: u64) -> Result<u16> {
        if let Some(i) = self.currencies.iter().position(|c| *c == code) {
            return Ok(i as u16);
        }
        if self.currencies.len() >= usize::from(REPORT_CURRENCY) {
            return Err(Error::invalid_field(
                line,
                "currency",
                code,
                "too many distinct currencies",
            ));
        }
        self.currencies.push(code);
        Ok((self.currencies.len() - 1) as u16)
    }

    /// Number of payments.
    pub fn len(&self) -> usize {
        self.user.len()
    }

    /// True when there are no payments.
    pub fn is_empty(&self) -> bool {
        self.user.is_empty()
    }

    /// Number of distinct users.
    pub fn n_users(&self) -> usize {
        self.user_ids.len()
    }

    /// The id of user number `k` (`k < n_users()`; numbers follow first appearance).
    pub fn user_id(&self, k: usize) -> &str {
        self.user_ids.get(k)
    }

    /// Distinct user ids in order of first appearance.
    pub fn user_ids(&self) -> impl Iterator<Item = &str> + '_ {
        self.user_ids.iter()
    }

    /// Per payment: the user's number (see [`Transactions::user_id`]).
    pub fn users(&self) -> &[u32] {
        &self.user
    }

    /// Per payment: instant, seconds since the epoch (UTC).
    pub fn times(&self) -> &[i64] {
        &self.time
    }

    /// Per payment: amount in its currency.
    pub fn amounts(&self) -> &[f64] {
        &self.amount
    }

    /// Per payment: index into [`Transactions::currencies`], or [`REPORT_CURRENCY`].
    pub fn currency_indices(&self) -> &[u16] {
        &self.currency
    }

    /// Distinct currency codes seen.
    pub fn currencies(&self) -> &[String] {
        &self.currencies
    }

    /// Per payment: the 1-based input line (0 when built in memory).
    pub fn lines(&self) -> &[u64] {
        &self.line
    }
}

/// Reads a transactions table.
///
/// Errors name the line and column: empty user id, unparseable time, amount negative or not
/// finite, invalid currency code, wrong field count, missing columns. An input with a header
/// and no rows is allowed (a report may be run before anyone has paid).
///
/// ```
/// use ltv::report::{read_transactions, TransactionColumns};
/// let csv = "user_id,time,amount,currency\nu1,2024-03-02 08:00:00,4.99,usd\nu1,20240303,1.5,\n";
/// let tx = read_transactions(csv.as_bytes(), &TransactionColumns::default())?;
/// assert_eq!(tx.len(), 2);
/// assert_eq!(tx.user_ids().collect::<Vec<_>>(), ["u1"]);
/// assert_eq!(tx.currencies(), &["USD".to_string()]);
/// # Ok::<(), ltv::Error>(())
/// ```
pub fn read_transactions<R: Read>(reader: R, columns: &TransactionColumns) -> Result<Transactions> {
    let t = Table::open("transactions", reader, columns.delimiter)?;
    let user = t.required(&columns.user)?;
    let time = t.required(&columns.time)?;
    let amount = t.required(&columns.amount)?;
    let currency = t.optional(&columns.currency)?;
    let cur_name = currency.map_or(String::new(), |i| t.column_name(i).to_string());
    let parser = TimestampParser::new(columns.time_format.clone(), columns.time_zone);
    let mut out = Transactions::new();
    t.for_each(true, |line, r| {
        let id = table::non_empty(r, user, line, &columns.user)?;
        let ts = table::timestamp(r, time, line, &columns.time, &parser)?;
        let value = table::amount(r, amount, line, &columns.amount)?;
        let cur = currency
            .map(|i| table::field(r, i))
            .filter(|c| !c.is_empty());
        out.push(id, ts, value, cur, line)
            .map_err(|e| table::in_column(e, &cur_name, |_| true))
    })?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_rows_are_errors() {
        let head = "user_id,time,amount,currency\n";
        table::assert_bad_rows(
            |csv| read_transactions(csv.as_bytes(), &TransactionColumns::default()),
            head,
            2,
            &[
                (",2024-01-01,1,", "user_id"),
                ("u,yesterday,1,", "time"),
                ("u,2024-01-01,-3,", "amount"),
                ("u,2024-01-01,inf,", "amount"),
                ("u,2024-01-01,1,€", "currency"),
            ],
        );
        let empty = read_transactions(head.as_bytes(), &TransactionColumns::default()).unwrap();
        assert!(empty.is_empty());
    }
}
