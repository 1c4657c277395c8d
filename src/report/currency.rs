//! Currencies and daily exchange rates into the report currency.
//!
//! Costs arrive in each ad account's currency, payments in the store's; the report adds up only
//! amounts converted into one report currency. A rate is looked up for the day the money moved
//! (the cost row's date, the payment's date in the report time zone). A missing rate is an
//! error ([`Error::MissingRate`](crate::Error::MissingRate)), never a silent 1.0 or a skipped
//! row; only when the caller allows it ([`FxRates::with_max_age_days`]) may the latest earlier
//! rate stand in (e.g. for weekends in a central-bank table) — never a later one, so a report
//! never uses information from after the day it describes.

use crate::error::{Error, RateRule, ReportRule, Result};
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// Normalises a currency code: trimmed and upper-cased. `None` when empty or not ASCII
/// alphanumeric.
///
/// ```
/// assert_eq!(ltv::report::normalize_currency(" eur ").as_deref(), Some("EUR"));
/// assert_eq!(ltv::report::normalize_currency("€"), None);
/// ```
pub fn normalize_currency(code: &str) -> Option<String> {
    let c = code.trim();
    if c.is_empty() || !c.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return None;
    }
    Some(c.to_ascii_uppercase())
}

/// Daily exchange rates into the report currency: `amount_in_report = amount × rate(currency,
/// date)`.
///
/// The report currency itself always has rate 1. Build with [`FxRates::new`] and
/// [`FxRates::insert`], or read a CSV with [`read_fx`](crate::report::read_fx).
///
/// ```
/// use chrono::NaiveDate;
/// use ltv::report::FxRates;
/// let d = NaiveDate::from_ymd_opt(2024, 3, 1).unwrap();
/// let mut fx = FxRates::new("EUR")?;
/// fx.insert(d, "USD", 0.92)?;
/// assert!((fx.convert(100.0, "USD", d, "costs", 7)? - 92.0).abs() < 1e-12);
/// assert_eq!(fx.convert(5.0, "EUR", d, "costs", 8)?, 5.0);
/// // no rate for the next day: a typed error naming the row
/// assert!(matches!(
///     fx.convert(1.0, "USD", d.succ_opt().unwrap(), "costs", 9),
///     Err(ltv::Error::MissingRate { line: 9, .. })
/// ));
/// # Ok::<(), ltv::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct FxRates {
    report_currency: String,
    rates: BTreeMap<String, BTreeMap<NaiveDate, f64>>,
    max_age_days: u32,
}

impl FxRates {
    /// An empty table converting into `report_currency` (a non-empty alphanumeric code).
    pub fn new(report_currency: &str) -> Result<Self> {
        let report_currency = normalize_currency(report_currency).ok_or_else(|| Error::Report {
            rule: ReportRule::InvalidCurrency {
                code: report_currency.to_string(),
            },
        })?;
        Ok(Self {
            report_currency,
            rates: BTreeMap::new(),
            max_age_days: 0,
        })
    }

    /// Allows the latest rate at most `days` days *before* the needed date to stand in when
    /// that date has none (0, the default, demands the exact date).
    pub fn with_max_age_days(mut self, days: u32) -> Self {
        self.max_age_days = days;
        self
    }

    /// The report currency (upper case).
    pub fn report_currency(&self) -> &str {
        &self.report_currency
    }

    /// How many days back a rate may be carried forward.
    pub fn max_age_days(&self) -> u32 {
        self.max_age_days
    }

    /// Number of (currency, date) rates held.
    pub fn len(&self) -> usize {
        self.rates.values().map(BTreeMap::len).sum()
    }

    /// True when no rate is held.
    pub fn is_empty(&self) -> bool {
        self.rates.is_empty()
    }

    /// Adds the rate of `currency` on `date` (report-currency units per unit of `currency`).
    ///
    /// Errors: rate not finite and > 0; currency code empty or not alphanumeric; a different
    /// rate for the same currency and date already present; a rate for the report currency
    /// other than 1.
    pub fn insert(&mut self, date: NaiveDate, currency: &str, rate: f64) -> Result<()> {
        let bad = |rule: RateRule| Error::Report {
            rule: ReportRule::ExchangeRate {
                currency: currency.to_string(),
                date: date.to_string(),
                rule,
            },
        };
        let code = normalize_currency(currency).ok_or_else(|| bad(RateRule::CurrencyCode))?;
        if !(rate.is_finite() && rate > 0.0) {
            return Err(bad(RateRule::NotPositive { rate }));
        }
        if code == self.report_currency && (rate - 1.0).abs() > 1e-12 {
            return Err(bad(RateRule::ReportCurrencyNotOne { rate }));
        }
        let day = self.rates.entry(code).or_default();
        match day.get(&date) {
            Some(&old) if old != rate => Err(bad(RateRule::Conflicting { old, new: rate })),
            _ => {
                day.insert(date, rate);
                Ok(())
            }
        }
    }

    /// The rate of `currency` (already normalised) on `date`, or `None`.
    pub fn rate(&self, currency: &str, date: NaiveDate) -> Option<f64> {
        if currency == self.report_currency {
            return Some(1.0);
        }
        let days = self.rates.get(currency)?;
        let (&d, &r) = days.range(..=date).next_back()?;
        let age = (date - d).num_days();
        (age <= i64::from(self.max_age_days)).then_some(r)
    }

    /// Converts `amount` in `currency` (normalised upper-case code) on `date` into the report
    /// currency; `table` and `line` name the row for the error when no rate is found
    /// ([`Error::MissingRate`]) or the converted amount overflows f64 ([`Error::InvalidField`]
    /// naming the rate).
    pub fn convert(
        &self,
        amount: f64,
        currency: &str,
        date: NaiveDate,
        table: &str,
        line: u64,
    ) -> Result<f64> {
        match self.rate(currency, date) {
            Some(r) if !(amount * r).is_finite() => Err(Error::InvalidField {
                line,
                column: format!("amount (in {table})"),
                value: amount.to_string(),
                rule: format!(
                    "converted at the {currency} exchange rate {r:e} of {date} it overflows f64: check that rate in the exchange-rate table"
                ),
            }),
            Some(r) => Ok(amount * r),
            None => Err(Error::MissingRate {
                table: table.to_string(),
                line,
                currency: currency.to_string(),
                date: date.to_string(),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2024, 3, day).unwrap()
    }

    #[test]
    fn carry_forward_only_from_earlier_days_within_the_age_limit() {
        let mut fx = FxRates::new("usd").unwrap().with_max_age_days(2);
        fx.insert(d(1), "EUR", 1.1).unwrap();
        fx.insert(d(4), "EUR", 1.2).unwrap();
        assert_eq!(fx.rate("EUR", d(1)), Some(1.1));
        assert_eq!(fx.rate("EUR", d(3)), Some(1.1));
        assert_eq!(fx.rate("EUR", d(4)), Some(1.2));
        assert_eq!(fx.rate("EUR", d(7)), None); // 3 days old
        assert_eq!(
            fx.rate("EUR", NaiveDate::from_ymd_opt(2024, 2, 29).unwrap()),
            None
        ); // later rates never used
        assert_eq!(fx.rate("USD", d(9)), Some(1.0));
        assert_eq!(fx.rate("JPY", d(1)), None);
    }

    #[test]
    fn bad_rates_are_errors() {
        let mut fx = FxRates::new("EUR").unwrap();
        assert!(fx.insert(d(1), "USD", f64::NAN).is_err());
        assert!(fx.insert(d(1), "USD", 0.0).is_err());
        assert!(fx.insert(d(1), "", 1.0).is_err());
        assert!(fx.insert(d(1), "EUR", 1.5).is_err());
        fx.insert(d(1), "USD", 0.9).unwrap();
        fx.insert(d(1), "usd", 0.9).unwrap(); // same value again is fine
        assert!(fx.insert(d(1), "USD", 0.8).is_err());
        assert!(FxRates::new("").is_err());
        assert_eq!(fx.len(), 1);
    }
}
