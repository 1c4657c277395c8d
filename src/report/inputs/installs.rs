//! Installs and their attribution: who came from which network, campaign and ad, and when.

use super::interner::Interner;
use super::table::{self, OptionalColumn, Table};
use crate::error::{Error, Result};
use crate::report::hierarchy::{is_organic_network, Placement};
use crate::report::timezone::{TimestampFormat, TimestampParser};
use chrono_tz::Tz;
use rustc_hash::FxHashMap;
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
#[non_exhaustive]
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

/// Installs held column-wise: user ids interned, placements numbered (an attribution export
/// repeats a few campaigns over millions of rows).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Installs {
    users: Interner,
    user: Vec<u32>,
    time: Vec<i64>,
    placement: Vec<u32>,
    line: Vec<u64>,
    placements: Vec<Placement>,
    placement_keys: FxHashMap<String, u32>,
    key: String,
}

impl Installs {
    /// No installs.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends one install of `user_id` at instant `time` (seconds since the epoch, UTC) with
    /// its attribution; `line` is the 1-based input line (0 when built in memory). An empty
    /// or `organic` network makes the install organic (the other levels are then ignored).
    /// Checks: non-empty user id; non-empty campaign for a non-organic install.
    #[allow(clippy::too_many_arguments)] // one argument per column of an install row
    pub fn push(
        &mut self,
        user_id: &str,
        time: i64,
        network: &str,
        account: &str,
        campaign: &str,
        ad: &str,
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
        let organic = is_organic_network(network);
        if !organic && campaign.is_empty() {
            return Err(Error::invalid_field(
                line,
                "campaign",
                "",
                "must not be empty for a non-organic install",
            ));
        }
        self.key.clear();
        if !organic {
            for part in [network, account, campaign, ad] {
                self.key.push_str(part);
                self.key.push('\u{1f}');
            }
        }
        let placement = match self.placement_keys.get(self.key.as_str()) {
            Some(&p) => p,
            None => {
                let p = self.placements.len() as u32;
                self.placements.push(if organic {
                    Placement::organic()
                } else {
                    Placement {
                        network: network.to_string(),
                        account: account.to_string(),
                        campaign: campaign.to_string(),
                        ad: ad.to_string(),
                    }
                });
                self.placement_keys.insert(self.key.clone(), p);
                p
            }
        };
        let user = self.users.intern(user_id).ok_or_else(|| {
            Error::invalid_field(
                line,
                "user_id",
                user_id,
                "more than 2^32 - 1 distinct users",
            )
        })?;
        self.user.push(user);
        self.time.push(time);
        self.placement.push(placement);
        self.line.push(line);
        Ok(())
    }

    /// Number of install rows.
    pub fn len(&self) -> usize {
        self.user.len()
    }

    /// True when there are no install rows.
    pub fn is_empty(&self) -> bool {
        self.user.is_empty()
    }

    /// Number of distinct users.
    pub fn n_users(&self) -> usize {
        self.users.len()
    }

    /// The id of user number `k` (numbers follow first appearance).
    pub fn user_id(&self, k: usize) -> &str {
        self.users.get(k)
    }

    /// The number of user id `id`, if it has an install row.
    pub fn find_user(&self, id: &str) -> Option<u32> {
        self.users.find(id)
    }

    /// Per row: the user's number.
    pub fn users(&self) -> &[u32] {
        &self.user
    }

    /// Per row: install instant, seconds since the epoch (UTC).
    pub fn times(&self) -> &[i64] {
        &self.time
    }

    /// Per row: index into [`Installs::placements`].
    pub fn placement_indices(&self) -> &[u32] {
        &self.placement
    }

    /// The distinct placements (network, account — empty when not given — campaign, ad; the
    /// organic placement for organic installs).
    pub fn placements(&self) -> &[Placement] {
        &self.placements
    }

    /// Per row: the 1-based input line (0 when built in memory).
    pub fn lines(&self) -> &[u64] {
        &self.line
    }
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
/// let p = rows.placement_indices();
/// assert_eq!(rows.placements()[p[0] as usize].campaign, "spring");
/// assert!(rows.placements()[p[1] as usize].is_organic());
/// assert_eq!(rows.times()[1] - rows.times()[0], 0);
/// # Ok::<(), ltv::Error>(())
/// ```
pub fn read_installs<R: Read>(reader: R, columns: &InstallColumns) -> Result<Installs> {
    let t = Table::open("installs", reader, columns.delimiter)?;
    let user = t.required(&columns.user)?;
    let time = t.required(&columns.time)?;
    let network = t.required(&columns.network)?;
    let campaign = t.required(&columns.campaign)?;
    let ad = t.optional(&columns.ad)?;
    let account = t.optional(&columns.account)?;
    let parser = TimestampParser::new(columns.time_format.clone(), columns.time_zone);
    let mut out = Installs::new();
    t.for_each(false, |line, r| {
        let id = table::non_empty(r, user, line, &columns.user)?;
        let when = table::timestamp(r, time, line, &columns.time, &parser)?;
        let get = |i: Option<usize>| i.map_or("", |i| table::field(r, i));
        out.push(
            id,
            when,
            table::field(r, network),
            get(account),
            table::field(r, campaign),
            get(ad),
            line,
        )
        .map_err(|e| table::in_column(e, &columns.campaign, |c| c == "campaign"))
    })?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_rows_are_errors() {
        table::assert_bad_rows(
            |csv| read_installs(csv.as_bytes(), &InstallColumns::default()),
            "user_id,install_time,network,campaign\n",
            2,
            &[
                (",2024-01-01,n,c", "user_id"),
                ("u,2024-01-32,n,c", "install_time"),
                ("u,2024-01-01,n,", "campaign"),
            ],
        );
    }

    #[test]
    fn zone_applies_to_offsetless_times() {
        let csv = "user_id,install_time,network,campaign\nu,2024-01-01 09:00:00,n,c\n";
        let cols = InstallColumns {
            time_zone: chrono_tz::Asia::Tokyo,
            ..InstallColumns::default()
        };
        let rows = read_installs(csv.as_bytes(), &cols).unwrap();
        assert_eq!(rows.times()[0], 1_704_067_200); // 2024-01-01 00:00 UTC
    }
}
