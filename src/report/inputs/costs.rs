//! Daily spend per campaign (or ad): the cost side of the report.

use super::table::{self, OptionalColumn, Table};
use crate::error::{Error, Result};
use crate::report::currency::normalize_currency;
use crate::report::hierarchy::Placement;
use crate::report::timezone::parse_time_zone;
use chrono::NaiveDate;
use chrono_tz::Tz;
use std::io::Read;

/// Column names of a cost table and how to read it.
///
/// One row is the spend of one day on one campaign (or one ad) of one ad account, as the
/// network reports it: in the account's currency and for the account's calendar day in its own
/// time zone. Map the network's own column names onto the report's hierarchy here (e.g.
/// `campaign = "campaign_name"`, `ad = OptionalColumn::Named("adset_name".into())`).
///
/// Defaults: `date`, `network`, `account` (if present), `campaign`, `ad` (if present), `cost`,
/// `currency` (if present; otherwise amounts are in the report currency), `timezone` (if
/// present: the account's IANA zone), `impressions`, `clicks`, `installs` (each if present);
/// dates `%Y-%m-%d`; comma-separated.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CostColumns {
    /// Day of the spend, in the account's time zone.
    pub date: String,
    /// Ad network.
    pub network: String,
    /// Ad account (empty when not read).
    pub account: OptionalColumn,
    /// Campaign.
    pub campaign: String,
    /// Ad (empty for campaign-level rows).
    pub ad: OptionalColumn,
    /// Spend (finite, >= 0).
    pub cost: String,
    /// Currency code of the spend.
    pub currency: OptionalColumn,
    /// IANA time zone of the account.
    pub time_zone: OptionalColumn,
    /// Impressions served.
    pub impressions: OptionalColumn,
    /// Clicks.
    pub clicks: OptionalColumn,
    /// Installs as the network reports them (the report's `users` come from the attribution
    /// table instead).
    pub installs: OptionalColumn,
    /// `chrono` format of the date column.
    pub date_format: String,
    /// Field delimiter.
    pub delimiter: u8,
}

impl Default for CostColumns {
    fn default() -> Self {
        Self {
            date: "date".into(),
            network: "network".into(),
            account: OptionalColumn::default_name("account"),
            campaign: "campaign".into(),
            ad: OptionalColumn::default_name("ad"),
            cost: "cost".into(),
            currency: OptionalColumn::default_name("currency"),
            time_zone: OptionalColumn::default_name("timezone"),
            impressions: OptionalColumn::default_name("impressions"),
            clicks: OptionalColumn::default_name("clicks"),
            installs: OptionalColumn::default_name("installs"),
            date_format: "%Y-%m-%d".into(),
            delimiter: b',',
        }
    }
}

/// One day of spend on one campaign or ad.
#[derive(Debug, Clone, PartialEq)]
pub struct CostRow {
    /// 1-based line in the input (0 for rows built in memory).
    pub line: u64,
    /// The account's calendar day.
    pub date: NaiveDate,
    /// Network, account, campaign and (possibly empty) ad.
    pub placement: Placement,
    /// Spend in `currency`.
    pub cost: f64,
    /// Upper-case currency code; `None` = the report currency.
    pub currency: Option<String>,
    /// The account's time zone; `None` = the zone configured for the account, else the report
    /// zone.
    pub time_zone: Option<Tz>,
    /// Impressions, if given.
    pub impressions: Option<f64>,
    /// Clicks, if given.
    pub clicks: Option<f64>,
    /// Installs reported by the network, if given.
    pub installs: Option<f64>,
}

/// Reads a cost table.
///
/// Errors name the line and column: unparseable date, empty network or campaign, cost or
/// counts not finite and >= 0, unknown time zone, invalid currency code, wrong field count,
/// missing columns, no data rows.
///
/// ```
/// use ltv::report::{read_costs, CostColumns};
/// let csv = "date,network,account,campaign,cost,currency\n\
///            2024-03-01,meta,acc1,spring,120.5,usd\n";
/// let rows = read_costs(csv.as_bytes(), &CostColumns::default())?;
/// assert_eq!(rows[0].currency.as_deref(), Some("USD"));
/// assert_eq!(rows[0].placement.ad, "");
/// # Ok::<(), ltv::Error>(())
/// ```
pub fn read_costs<R: Read>(reader: R, columns: &CostColumns) -> Result<Vec<CostRow>> {
    let t = Table::open("costs", reader, columns.delimiter)?;
    let date = t.required(&columns.date)?;
    let network = t.required(&columns.network)?;
    let campaign = t.required(&columns.campaign)?;
    let cost = t.required(&columns.cost)?;
    let account = t.optional(&columns.account)?;
    let ad = t.optional(&columns.ad)?;
    let currency = t.optional(&columns.currency)?;
    let tz = t.optional(&columns.time_zone)?;
    let impressions = t.optional(&columns.impressions)?;
    let clicks = t.optional(&columns.clicks)?;
    let installs = t.optional(&columns.installs)?;
    let name = |i: Option<usize>| i.map_or(String::new(), |i| t.column_name(i).to_string());
    let (n_cur, n_tz, n_imp, n_clk, n_ins) = (
        name(currency),
        name(tz),
        name(impressions),
        name(clicks),
        name(installs),
    );
    let mut rows = Vec::new();
    let mut zones: Vec<(String, Tz)> = Vec::new();
    t.for_each(false, |line, r| {
        let currency = match currency {
            Some(i) if !table::field(r, i).is_empty() => {
                let v = table::field(r, i);
                Some(normalize_currency(v).ok_or_else(|| {
                    Error::invalid_field(
                        line,
                        &n_cur,
                        v,
                        "currency code must be ASCII letters/digits",
                    )
                })?)
            }
            _ => None,
        };
        let time_zone = match tz {
            Some(i) if !table::field(r, i).is_empty() => {
                let v = table::field(r, i);
                // accounts repeat on every row: remember parsed zones
                match zones.iter().find(|(n, _)| n == v) {
                    Some((_, z)) => Some(*z),
                    None => {
                        let z = parse_time_zone(v).map_err(|_| {
                            Error::invalid_field(line, &n_tz, v, "unknown IANA time zone")
                        })?;
                        zones.push((v.to_string(), z));
                        Some(z)
                    }
                }
            }
            _ => None,
        };
        rows.push(CostRow {
            line,
            date: table::date(r, date, line, &columns.date, &columns.date_format)?,
            placement: Placement {
                network: table::text(r, network, line, &columns.network)?,
                account: account.map_or(String::new(), |i| table::field(r, i).to_string()),
                campaign: table::text(r, campaign, line, &columns.campaign)?,
                ad: ad.map_or(String::new(), |i| table::field(r, i).to_string()),
            },
            cost: table::amount(r, cost, line, &columns.cost)?,
            currency,
            time_zone,
            impressions: table::optional_amount(r, impressions, line, &n_imp)?,
            clicks: table::optional_amount(r, clicks, line, &n_clk)?,
            installs: table::optional_amount(r, installs, line, &n_ins)?,
        });
        Ok(())
    })?;
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_mapped_columns() {
        let csv = "day;source;camp;adset;spend;cur;tz;imps;clk\n\
                   2024-03-01;google;Spring;a1;10;eur;Europe/Berlin;1000;;\n";
        let cols = CostColumns {
            date: "day".into(),
            network: "source".into(),
            account: OptionalColumn::Ignored,
            campaign: "camp".into(),
            ad: OptionalColumn::Named("adset".into()),
            cost: "spend".into(),
            currency: OptionalColumn::Named("cur".into()),
            time_zone: OptionalColumn::Named("tz".into()),
            impressions: OptionalColumn::Named("imps".into()),
            clicks: OptionalColumn::Named("clk".into()),
            installs: OptionalColumn::default_name("installs"),
            delimiter: b';',
            ..CostColumns::default()
        };
        // the data row has one field too many
        assert!(matches!(
            read_costs(csv.as_bytes(), &cols),
            Err(Error::FieldCount { line: 2, .. })
        ));
        let csv = csv.replace(";;\n", ";\n");
        let rows = read_costs(csv.as_bytes(), &cols).unwrap();
        let r = &rows[0];
        assert_eq!(r.placement.ad, "a1");
        assert_eq!(r.placement.account, "");
        assert_eq!(r.currency.as_deref(), Some("EUR"));
        assert_eq!(r.time_zone, Some(chrono_tz::Europe::Berlin));
        assert_eq!(r.impressions, Some(1000.0));
        assert_eq!(r.clicks, None);
        assert_eq!(r.installs, None);
    }

    #[test]
    fn bad_rows_name_line_and_column() {
        let head = "date,network,campaign,cost,timezone\n";
        // a good row first: the bad one is on line 3
        table::assert_bad_rows(
            |csv| read_costs(csv.as_bytes(), &CostColumns::default()),
            &format!("{head}2024-02-01,n,c,1,UTC\n"),
            3,
            &[
                ("2024-02-30,n,c,1,UTC", "date"),
                ("2024-02-01,,c,1,UTC", "network"),
                ("2024-02-01,n,c,-1,UTC", "cost"),
                ("2024-02-01,n,c,NaN,UTC", "cost"),
                ("2024-02-01,n,c,1,Mars/Base", "timezone"),
            ],
        );
        assert!(matches!(
            read_costs("date,network,cost\n".as_bytes(), &CostColumns::default()),
            Err(Error::MissingColumn { .. })
        ));
        assert!(matches!(
            read_costs(head.as_bytes(), &CostColumns::default()),
            Err(Error::EmptyInput { .. })
        ));
    }
}
