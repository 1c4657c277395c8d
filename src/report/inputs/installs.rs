//! Installs and their attribution: who came from which network, campaign and ad, and when.

use super::table::{self, OptionalColumn, Table};
use crate::error::{Error, Result};
use crate::report::hierarchy::{is_organic_network, Placement};
use crate::report::timezone::{TimestampFormat, TimestampParser};
use chrono_tz::Tz;
use std::io::Read;

/// Column names of an installs (attribution) table and how to read it.
///
/// This is what an attribution tool exports: one row per install with the user id, the install
/// time, and the network, campaign and (optionally) ad that won the attribution. Rows whose
/// network is empty or `organic` are organic installs.
///
/// Defaults: `user_id`, `install_time`, `network`, `campaign`, `ad` (if present), `account`
/// (if present; otherwise the account is looked up from the cost table by network and
/// campaign); timestamps in [`TimestampFormat::Auto`], offset-less values in UTC;
/// comma-separated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstallColumns {
    /// User id (the same ids as in the transactions).
    pub user: String,
    /// Install time.
    pub time: String,
    /// Attributed network (empty or `organic` for organic installs).
    pub network: String,
    /// Attributed campaign.
    pub campaign: String,
    /// Attributed ad.
    pub ad: OptionalColumn,
    /// Ad account.
    pub account: OptionalColumn,
    /// How install times are written.
    pub time_format: TimestampFormat,
    /// Zone of install times written without an offset.
    pub time_zone: Tz,
    /// Field delimiter.
    pub delimiter: u8,
}

impl Default for InstallColumns {
    fn default() -> Self {
        Self {
            user: "user_id".into(),
            time: "install_time".into(),
            network: "network".into(),
            campaign: "campaign".into(),
            ad: OptionalColumn::default_name("ad"),
            account: OptionalColumn::default_name("account"),
            time_format: TimestampFormat::Auto,
            time_zone: Tz::UTC,
            delimiter: b',',
        }
    }
}

/// One attributed (or organic) install.
#[derive(Debug, Clone, PartialEq)]
pub struct InstallRow {
    /// 1-based line in the input (0 for rows built in memory).
    pub line: u64,
    /// User id.
    pub user_id: String,
    /// Install instant, seconds since the epoch (UTC).
    pub time: i64,
    /// Network, account (empty when not given), campaign and ad (empty when not given); the
    /// organic placement for organic installs.
    pub placement: Placement,
}

/// Reads an installs table.
///
/// Errors name the line and column: empty user id, unparseable time, empty campaign on a
/// non-organic row, wrong field count, missing columns, no data rows. A user may appear more
/// than once (re-installs); the report keeps each user's first install before the as-of cut.
///
/// ```
/// use ltv::report::{read_installs, InstallColumns};
/// let csv = "user_id,install_time,network,campaign\n\
///            u1,2024-03-01 10:00:00,meta,spring\n\
///            u2,2024-03-01T11:00:00+01:00,,\n";
/// let rows = read_installs(csv.as_bytes(), &InstallColumns::default())?;
/// assert_eq!(rows[0].placement.campaign, "spring");
/// assert!(rows[1].placement.is_organic());
/// assert_eq!(rows[1].time - rows[0].time, 0);
/// # Ok::<(), ltv::Error>(())
/// ```
pub fn read_installs<R: Read>(reader: R, columns: &InstallColumns) -> Result<Vec<InstallRow>> {
    let t = Table::open("installs", reader, columns.delimiter)?;
    let user = t.required(&columns.user)?;
    let time = t.required(&columns.time)?;
    let network = t.required(&columns.network)?;
    let campaign = t.required(&columns.campaign)?;
    let ad = t.optional(&columns.ad)?;
    let account = t.optional(&columns.account)?;
    let parser = TimestampParser::new(columns.time_format.clone(), columns.time_zone);
    let mut rows = Vec::new();
    t.for_each(false, |line, r| {
        let user_id = table::text(r, user, line, &columns.user)?;
        let raw = table::field(r, time);
        let time = parser
            .parse(raw)
            .ok_or_else(|| Error::invalid_field(line, &columns.time, raw, parser.describe()))?;
        let net = table::field(r, network);
        let placement = if is_organic_network(net) {
            Placement::organic()
        } else {
            Placement {
                network: net.to_string(),
                account: account.map_or(String::new(), |i| table::field(r, i).to_string()),
                campaign: table::text(r, campaign, line, &columns.campaign)?,
                ad: ad.map_or(String::new(), |i| table::field(r, i).to_string()),
            }
        };
        rows.push(InstallRow {
            line,
            user_id,
            time,
            placement,
        });
        Ok(())
    })?;
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_rows_are_errors() {
        let head = "user_id,install_time,network,campaign\n";
        for (row, col) in [
            (",2024-01-01,n,c", "user_id"),
            ("u,2024-01-32,n,c", "install_time"),
            ("u,2024-01-01,n,", "campaign"),
        ] {
            let csv = format!("{head}{row}\n");
            match read_installs(csv.as_bytes(), &InstallColumns::default()) {
                Err(Error::InvalidField {
                    line: 2, column, ..
                }) => assert_eq!(column, col),
                other => panic!("{row}: {other:?}"),
            }
        }
    }

    #[test]
    fn zone_applies_to_offsetless_times() {
        let csv = "user_id,install_time,network,campaign\nu,2024-01-01 09:00:00,n,c\n";
        let cols = InstallColumns {
            time_zone: chrono_tz::Asia::Tokyo,
            ..InstallColumns::default()
        };
        let rows = read_installs(csv.as_bytes(), &cols).unwrap();
        assert_eq!(rows[0].time, 1_704_067_200); // 2024-01-01 00:00 UTC
    }
}
