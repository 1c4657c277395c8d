//! Install cohorts: users grouped by the day, week or month they installed (in the report time
//! zone), with the spend of the same days.

use crate::error::{Error, NameKind, Result};
use crate::report::timezone::week_start;
use chrono::{Datelike, NaiveDate};

/// How to split users (and costs) into install cohorts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum CohortBy {
    /// One cohort: every install up to the as-of date (label `all`).
    #[default]
    #[cfg_attr(feature = "cli", value(alias = "none"))]
    All,
    /// Install day (label `2024-03-01`).
    Day,
    /// Install week, Monday to Sunday (label: its Monday, `2024-02-26`).
    Week,
    /// Calendar month of install (label `2024-03`).
    Month,
}

impl std::str::FromStr for CohortBy {
    type Err = Error;
    /// As [`CohortBy::parse`].
    fn from_str(s: &str) -> Result<Self> {
        CohortBy::parse(s)
    }
}

impl CohortBy {
    /// Parses `all`, `day`, `week` or `month`.
    pub fn parse(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "all" | "none" => Ok(CohortBy::All),
            "day" => Ok(CohortBy::Day),
            "week" => Ok(CohortBy::Week),
            "month" => Ok(CohortBy::Month),
            other => Err(Error::unknown_name(NameKind::Cohort, other)),
        }
    }

    /// The cohort of a report-zone install date: the first day of its cohort (`None` for
    /// [`CohortBy::All`]).
    pub fn start(self, date: NaiveDate) -> Option<NaiveDate> {
        match self {
            CohortBy::All => None,
            CohortBy::Day => Some(date),
            CohortBy::Week => Some(week_start(date)),
            CohortBy::Month => date.with_day(1),
        }
    }

    /// The label of a cohort start as written in outputs.
    pub fn label(self, start: Option<NaiveDate>) -> String {
        match (self, start) {
            (CohortBy::Month, Some(d)) => format!("{:04}-{:02}", d.year(), d.month()),
            (_, Some(d)) => d.format("%Y-%m-%d").to_string(),
            (_, None) => "all".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn starts_and_labels() {
        let d = NaiveDate::from_ymd_opt(2024, 3, 7).unwrap(); // a Thursday
        assert_eq!(CohortBy::All.label(CohortBy::All.start(d)), "all");
        assert_eq!(CohortBy::Day.label(CohortBy::Day.start(d)), "2024-03-07");
        assert_eq!(CohortBy::Week.label(CohortBy::Week.start(d)), "2024-03-04");
        assert_eq!(CohortBy::Month.label(CohortBy::Month.start(d)), "2024-03");
        assert!(CohortBy::parse("fortnight").is_err());
    }
}
