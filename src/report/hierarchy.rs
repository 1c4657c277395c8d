//! The one acquisition hierarchy of the report: network → account → campaign → ad.
//!
//! Ad networks name their levels differently (Google Ads: customer / campaign / ad group / ad;
//! Meta: ad account / campaign / ad set / ad); the caller maps their columns onto these four
//! levels when reading ([`CostColumns`](crate::report::CostColumns),
//! [`InstallColumns`](crate::report::InstallColumns)) and chooses the levels to group by.

use crate::error::{Error, NameKind, Result};
use std::fmt;

/// The network name given to users without an attribution row (and to install rows whose
/// network is empty or `organic`, in any case).
pub const ORGANIC: &str = "organic";

/// One level of the hierarchy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum Level {
    /// The ad network (or media source).
    Network,
    /// The ad account within the network (its currency and time zone belong here).
    Account,
    /// The campaign.
    Campaign,
    /// The ad (creative, ad group or ad set: whatever level the caller maps here).
    Ad,
}

impl Level {
    /// The column name used in outputs: `network`, `account`, `campaign`, `ad`.
    pub fn name(self) -> &'static str {
        match self {
            Level::Network => "network",
            Level::Account => "account",
            Level::Campaign => "campaign",
            Level::Ad => "ad",
        }
    }

    /// Parses a level name (case-insensitive).
    pub fn parse(name: &str) -> Result<Self> {
        match name.trim().to_ascii_lowercase().as_str() {
            "network" => Ok(Level::Network),
            "account" => Ok(Level::Account),
            "campaign" => Ok(Level::Campaign),
            "ad" => Ok(Level::Ad),
            other => Err(Error::unknown_name(NameKind::GroupByLevel, other)),
        }
    }
}

impl std::str::FromStr for Level {
    type Err = Error;
    /// As [`Level::parse`].
    fn from_str(s: &str) -> Result<Self> {
        Level::parse(s)
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The levels a report groups by, in output column order (no repeats). Empty means one total
/// row.
///
/// ```
/// use ltv::report::{GroupBy, Level};
/// let g: GroupBy = "network,campaign".parse()?;
/// assert_eq!(g.levels(), &[Level::Network, Level::Campaign]);
/// assert!("network,network".parse::<GroupBy>().is_err());
/// # Ok::<(), ltv::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GroupBy(Vec<Level>);

impl GroupBy {
    /// Group by `levels` in that order; a level given twice is an error.
    pub fn new(levels: Vec<Level>) -> Result<Self> {
        for (i, l) in levels.iter().enumerate() {
            if levels[..i].contains(l) {
                return Err(Error::DuplicateName {
                    kind: NameKind::GroupByLevel,
                    value: l.to_string(),
                });
            }
        }
        Ok(Self(levels))
    }

    /// The levels, in output order.
    pub fn levels(&self) -> &[Level] {
        &self.0
    }

    /// The values of `placement` at the chosen levels.
    pub fn key(&self, placement: &Placement) -> Vec<String> {
        self.0
            .iter()
            .map(|&l| placement.get(l).to_string())
            .collect()
    }
}

impl std::str::FromStr for GroupBy {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        let levels = s
            .split(',')
            .filter(|p| !p.trim().is_empty())
            .map(Level::parse)
            .collect::<Result<Vec<_>>>()?;
        Self::new(levels)
    }
}

/// Where a user (or a cost) sits in the hierarchy. Empty strings stand for "not given" (e.g.
/// costs reported per campaign have an empty `ad`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Placement {
    /// Ad network.
    pub network: String,
    /// Ad account.
    pub account: String,
    /// Campaign.
    pub campaign: String,
    /// Ad.
    pub ad: String,
}

impl Placement {
    /// The placement of organic users: network, account and campaign `organic`, no ad.
    pub fn organic() -> Self {
        Self {
            network: ORGANIC.into(),
            account: ORGANIC.into(),
            campaign: ORGANIC.into(),
            ad: String::new(),
        }
    }

    /// True for the organic placement.
    pub fn is_organic(&self) -> bool {
        self.network == ORGANIC
    }

    /// The value at one level.
    pub fn get(&self, level: Level) -> &str {
        match level {
            Level::Network => &self.network,
            Level::Account => &self.account,
            Level::Campaign => &self.campaign,
            Level::Ad => &self.ad,
        }
    }
}

/// True when an attribution network value means "organic": empty, or `organic` in any case.
pub(crate) fn is_organic_network(network: &str) -> bool {
    let n = network.trim();
    n.is_empty() || n.eq_ignore_ascii_case(ORGANIC)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_by_parses_and_keys() {
        let g: GroupBy = " Network , ad ".parse().unwrap();
        let p = Placement {
            network: "n".into(),
            account: "a".into(),
            campaign: "c".into(),
            ad: "x".into(),
        };
        assert_eq!(g.key(&p), vec!["n".to_string(), "x".to_string()]);
        assert!("network,adset".parse::<GroupBy>().is_err());
        assert!("".parse::<GroupBy>().unwrap().levels().is_empty());
    }

    #[test]
    fn organic_networks() {
        assert!(is_organic_network(""));
        assert!(is_organic_network(" Organic "));
        assert!(!is_organic_network("meta"));
        assert!(Placement::organic().is_organic());
    }
}
