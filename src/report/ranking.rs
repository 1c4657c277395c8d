//! The ranking column: a weighted min-max score that sorts campaigns for budget decisions.
//!
//! # Score
//!
//! For the chosen metrics m with weights w_m (configurable; the default is estimated ROAS
//! alone), over the groups g of one install cohort:
//!
//! ```text
//! s_m(g) = (x_m(g) − min_g x_m) / (max_g x_m − min_g x_m)       (1 when max = min)
//! s_m(g) ← 1 − s_m(g)                                            when w_m < 0 (lower is better)
//! score(g) = Σ_m |w_m| · s_m(g) / Σ_m |w_m|                      ∈ [0, 1]
//! ```
//!
//! Rank 1 is the highest score (ties broken by the group's values, so the order is
//! reproducible). A group lacking any chosen metric (no cost, hence no ROAS; no clicks, hence
//! no CVR) gets no score and is listed after the scored ones. Min-max scaling makes the score
//! relative to the groups in the report: adding or removing a group can move the others'
//! scores, not their order on a single metric; an outlier compresses the rest toward 0.

use crate::error::{Error, NameKind, ReportRule, Result};
use crate::report::aggregate::ReportRow;
use std::fmt;

/// A metric the ranking can use (the report column of the same name).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metric {
    /// `estimated_roas`
    EstimatedRoas,
    /// `estimated_roas_lower`: the cautious choice.
    EstimatedRoasLower,
    /// `roas_to_date`
    RoasToDate,
    /// `estimated_total_revenue`
    EstimatedTotalRevenue,
    /// `estimated_future_revenue`
    EstimatedFutureRevenue,
    /// `revenue_to_date`
    RevenueToDate,
    /// `users`
    Users,
    /// `payers`
    Payers,
    /// `cost`
    Cost,
    /// `cost_per_install` (give it a negative weight: lower is better)
    CostPerInstall,
    /// `ctr`
    Ctr,
    /// `cvr`
    Cvr,
    /// `ecpm` (give it a negative weight: lower is better)
    Ecpm,
    /// `credit`
    Credit,
}

const ALL: [Metric; 14] = [
    Metric::EstimatedRoas,
    Metric::EstimatedRoasLower,
    Metric::RoasToDate,
    Metric::EstimatedTotalRevenue,
    Metric::EstimatedFutureRevenue,
    Metric::RevenueToDate,
    Metric::Users,
    Metric::Payers,
    Metric::Cost,
    Metric::CostPerInstall,
    Metric::Ctr,
    Metric::Cvr,
    Metric::Ecpm,
    Metric::Credit,
];

impl Metric {
    /// The report column name.
    pub fn name(self) -> &'static str {
        match self {
            Metric::EstimatedRoas => "estimated_roas",
            Metric::EstimatedRoasLower => "estimated_roas_lower",
            Metric::RoasToDate => "roas_to_date",
            Metric::EstimatedTotalRevenue => "estimated_total_revenue",
            Metric::EstimatedFutureRevenue => "estimated_future_revenue",
            Metric::RevenueToDate => "revenue_to_date",
            Metric::Users => "users",
            Metric::Payers => "payers",
            Metric::Cost => "cost",
            Metric::CostPerInstall => "cost_per_install",
            Metric::Ctr => "ctr",
            Metric::Cvr => "cvr",
            Metric::Ecpm => "ecpm",
            Metric::Credit => "credit",
        }
    }

    /// Parses a column name.
    pub fn parse(name: &str) -> Result<Self> {
        let n = name.trim().to_ascii_lowercase();
        ALL.into_iter()
            .find(|m| m.name() == n)
            .ok_or_else(|| Error::unknown_name(NameKind::RankingMetric, n))
    }

    /// The metric's value in a row, if the row has it.
    pub fn value(self, row: &ReportRow) -> Option<f64> {
        match self {
            Metric::EstimatedRoas => row.estimated_roas,
            Metric::EstimatedRoasLower => row.estimated_roas_lower,
            Metric::RoasToDate => row.roas_to_date,
            Metric::EstimatedTotalRevenue => Some(row.estimated_total_revenue),
            Metric::EstimatedFutureRevenue => Some(row.estimated_future_revenue),
            Metric::RevenueToDate => Some(row.revenue_to_date),
            Metric::Users => Some(row.users as f64),
            Metric::Payers => Some(row.payers as f64),
            Metric::Cost => Some(row.cost),
            Metric::CostPerInstall => row.cost_per_install,
            Metric::Ctr => row.ctr,
            Metric::Cvr => row.cvr,
            Metric::Ecpm => row.ecpm,
            Metric::Credit => row.credit,
        }
    }
}

impl fmt::Display for Metric {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Weighted metrics of the ranking score (see the module docs for the formula).
///
/// ```
/// use ltv::report::{Metric, Ranking};
/// let r: Ranking = "estimated_roas=0.8, cost_per_install=-0.2".parse()?;
/// assert_eq!(r.weights(), &[(Metric::EstimatedRoas, 0.8), (Metric::CostPerInstall, -0.2)]);
/// assert!("estimated_roas=0".parse::<Ranking>().is_err());
/// # Ok::<(), ltv::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Ranking {
    weights: Vec<(Metric, f64)>,
}

impl Default for Ranking {
    /// Estimated ROAS alone.
    fn default() -> Self {
        Self {
            weights: vec![(Metric::EstimatedRoas, 1.0)],
        }
    }
}

impl Ranking {
    /// A ranking over `weights`: at least one metric, each once, each weight finite and
    /// non-zero (negative: lower is better).
    pub fn new(weights: Vec<(Metric, f64)>) -> Result<Self> {
        if weights.is_empty() {
            return Err(Error::Report {
                rule: ReportRule::NoRankingMetric,
            });
        }
        for (i, &(m, w)) in weights.iter().enumerate() {
            if !(w.is_finite() && w != 0.0) {
                return Err(Error::invalid_parameter(
                    format!("ranking weight of {m}"),
                    w,
                    "must be finite and non-zero (negative = lower is better)",
                ));
            }
            if weights[..i].iter().any(|(o, _)| *o == m) {
                return Err(Error::DuplicateName {
                    kind: NameKind::RankingMetric,
                    value: m.to_string(),
                });
            }
        }
        Ok(Self { weights })
    }

    /// The metrics and their weights.
    pub fn weights(&self) -> &[(Metric, f64)] {
        &self.weights
    }

    /// Scores of `rows` (all of one cohort), in row order: `None` for a row lacking a metric.
    pub fn scores(&self, rows: &[&ReportRow]) -> Vec<Option<f64>> {
        let total: f64 = self.weights.iter().map(|(_, w)| w.abs()).sum();
        let mut score: Vec<Option<f64>> = rows
            .iter()
            .map(|r| {
                self.weights
                    .iter()
                    .all(|(m, _)| m.value(r).is_some_and(f64::is_finite))
                    .then_some(0.0)
            })
            .collect();
        for &(m, w) in &self.weights {
            let values: Vec<Option<f64>> = rows
                .iter()
                .zip(&score)
                .map(|(r, s)| s.and(m.value(r)))
                .collect();
            let (lo, hi) = values
                .iter()
                .flatten()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &x| {
                    (lo.min(x), hi.max(x))
                });
            for (s, v) in score.iter_mut().zip(&values) {
                if let (Some(s), Some(x)) = (s.as_mut(), v) {
                    let scaled = if hi > lo { (x - lo) / (hi - lo) } else { 1.0 };
                    let directed = if w < 0.0 { 1.0 - scaled } else { scaled };
                    *s += w.abs() * directed / total;
                }
            }
        }
        score
    }
}

impl std::str::FromStr for Metric {
    type Err = Error;
    /// As [`Metric::parse`].
    fn from_str(s: &str) -> Result<Self> {
        Metric::parse(s)
    }
}

impl std::str::FromStr for Ranking {
    type Err = Error;
    /// Parses `metric=weight,metric=weight` (a metric without `=weight` has weight 1).
    fn from_str(s: &str) -> Result<Self> {
        let weights = s
            .split(',')
            .filter(|p| !p.trim().is_empty())
            .map(|part| {
                let (m, w) = part.split_once('=').unwrap_or((part, "1"));
                let w: f64 = w.trim().parse().map_err(|_| Error::Report {
                    rule: ReportRule::RankingWeight {
                        metric: m.trim().to_string(),
                        weight: w.trim().to_string(),
                    },
                })?;
                Ok((Metric::parse(m)?, w))
            })
            .collect::<Result<Vec<_>>>()?;
        Self::new(weights)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The error's list of metric names is the parser's list.
    #[test]
    fn unknown_metric_lists_every_metric() {
        let expected = format!("one of: {}", ALL.map(Metric::name).join(", "));
        assert_eq!(NameKind::RankingMetric.expected(), expected);
        let e = Metric::parse("nope").unwrap_err().to_string();
        assert!(e.contains("unknown ranking metric `nope`"), "{e}");
    }
}
