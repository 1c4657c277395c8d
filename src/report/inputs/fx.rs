//! Daily exchange rates from CSV.

use super::table::{self, Table};
use crate::error::{Error, RateRule, ReportRule, Result};
use crate::report::currency::FxRates;
use std::io::Read;

/// Column names of an exchange-rate table: `date`, `currency`, `rate` (report-currency units
/// per unit of `currency`), dates `%Y-%m-%d`, comma-separated by default.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FxColumns {
    /// Day of the rate.
    pub date: String,
    /// Currency code.
    pub currency: String,
    /// Rate into the report currency.
    pub rate: String,
    /// `chrono` format of the date column.
    pub date_format: String,
    /// Field delimiter.
    pub delimiter: u8,
}

impl Default for FxColumns {
    fn default() -> Self {
        Self {
            date: "date".into(),
            currency: "currency".into(),
            rate: "rate".into(),
            date_format: "%Y-%m-%d".into(),
            delimiter: b',',
        }
    }
}

/// Reads daily rates into `report_currency` (see [`FxRates`]).
///
/// Errors name the line and column: unparseable date, invalid currency code, rate not finite
/// and > 0, the same currency and date twice with different rates.
///
/// ```
/// use ltv::report::{read_fx, FxColumns};
/// let csv = "date,currency,rate\n2024-03-01,USD,0.92\n2024-03-01,JPY,0.0061\n";
/// let fx = read_fx(csv.as_bytes(), &FxColumns::default(), "EUR")?;
/// assert_eq!(fx.len(), 2);
/// # Ok::<(), ltv::Error>(())
/// ```
pub fn read_fx<R: Read>(reader: R, columns: &FxColumns, report_currency: &str) -> Result<FxRates> {
    let mut fx = FxRates::new(report_currency)?;
    let t = Table::open("fx", reader, columns.delimiter)?;
    let date = t.required(&columns.date)?;
    let currency = t.required(&columns.currency)?;
    let rate = t.required(&columns.rate)?;
    t.for_each(false, |line, r| {
        let d = table::date(r, date, line, &columns.date, &columns.date_format)?;
        let code = table::field(r, currency);
        let raw = table::field(r, rate);
        let value: f64 = raw
            .parse()
            .map_err(|_| Error::invalid_field(line, &columns.rate, raw, "not a number"))?;
        fx.insert(d, code, value).map_err(|e| match e {
            Error::Report {
                rule: whole @ ReportRule::ExchangeRate { .. },
            } => {
                let column = match &whole {
                    ReportRule::ExchangeRate {
                        rule: RateRule::CurrencyCode,
                        ..
                    } => &columns.currency,
                    _ => &columns.rate,
                };
                Error::invalid_field(line, column, format!("{code} {raw}"), whole.to_string())
            }
            e => e,
        })
    })?;
    Ok(fx)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_rates_name_the_line() {
        for row in [
            "2024-03-01,USD,0",
            "2024-03-01,USD,x",
            "2024-03-01,,1",
            "2024-03-01,USD,0.8",
        ] {
            let csv = format!("date,currency,rate\n2024-03-01,USD,0.9\n{row}\n");
            assert!(
                matches!(
                    read_fx(csv.as_bytes(), &FxColumns::default(), "EUR"),
                    Err(Error::InvalidField { line: 3, .. })
                ),
                "{row}"
            );
        }
    }
}
