//! Users, spend and estimates added up per group and install cohort, and the ratios derived
//! from the sums.

use crate::report::cohort::CohortBy;
use crate::report::hierarchy::GroupBy;
use crate::report::spend::{CellKey, Spend};
use crate::report::timezone::DayTable;
use crate::report::users::ReportUsers;
use crate::report::valuation::{FutureValues, Uncertainty};
use crate::value::interval::two_sided_z;
use chrono::NaiveDate;
use rustc_hash::FxHashMap;
use std::collections::BTreeMap;

/// Whether a row's estimates rest only on fits that converged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FitStatus {
    /// Every fit behind the row's estimates converged.
    Converged,
    /// Some of the row's users are valued by a fit that stopped short of its tolerance and was
    /// used anyway (see [`UnconvergedFit`](crate::report::UnconvergedFit)): read the estimate
    /// with care.
    NotConverged,
}

impl FitStatus {
    /// `converged` or `not_converged` (the value in the report's `fit_status` column).
    pub fn name(self) -> &'static str {
        match self {
            FitStatus::Converged => "converged",
            FitStatus::NotConverged => "not_converged",
        }
    }
}

/// One line of the report: a group (values at the group-by levels) and an install cohort.
///
/// Money is in the report currency. Ratios are `None` when their denominator is zero or not
/// given (no cost: no ROAS; no impressions: no CTR or eCPM).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ReportRow {
    /// Values at the group-by levels, in their order.
    pub group: Vec<String>,
    /// Install cohort label (`all`, a day, a week's Monday or a month).
    pub cohort: String,
    /// Users installed in the cohort (attributed installs; organic users in the organic
    /// group).
    pub users: u64,
    /// Users who paid anything before the as-of cut.
    pub payers: u64,
    /// Spend on the cohort's days (all days up to the as-of date for cohort `all`).
    pub cost: f64,
    /// `cost / users`.
    pub cost_per_install: Option<f64>,
    /// What the users paid up to the as-of cut.
    pub revenue_to_date: f64,
    /// Expected revenue of the users over the horizon after the as-of date.
    pub estimated_future_revenue: f64,
    /// Lower interval bound of the future revenue.
    pub estimated_future_revenue_lower: Option<f64>,
    /// Upper interval bound of the future revenue.
    pub estimated_future_revenue_upper: Option<f64>,
    /// `revenue_to_date + estimated_future_revenue`.
    pub estimated_total_revenue: f64,
    /// `revenue_to_date / cost`.
    pub roas_to_date: Option<f64>,
    /// `estimated_total_revenue / cost`.
    pub estimated_roas: Option<f64>,
    /// `(revenue_to_date + future lower bound) / cost`.
    pub estimated_roas_lower: Option<f64>,
    /// `(revenue_to_date + future upper bound) / cost`.
    pub estimated_roas_upper: Option<f64>,
    /// Impressions (cost table).
    pub impressions: Option<f64>,
    /// Clicks (cost table).
    pub clicks: Option<f64>,
    /// `clicks / impressions`.
    pub ctr: Option<f64>,
    /// `users / clicks`: attributed installs per click.
    pub cvr: Option<f64>,
    /// `1000 · cost / impressions`: cost per thousand impressions.
    pub ecpm: Option<f64>,
    /// Installs as the network reports them (cost table), for comparison with `users`.
    pub network_installs: Option<f64>,
    /// Revenue credited to the users by the attribution module (never included in the
    /// revenue or ROAS columns); `None` when no credit table was given.
    pub credit: Option<f64>,
    /// Ranking score in [0, 1] (see [`Ranking`](crate::report::Ranking)).
    pub score: Option<f64>,
    /// Rank within the cohort by score (1 = best).
    pub rank: Option<u32>,
    /// Whether the fits behind the estimates converged; `None` for a row without users (no
    /// estimate).
    pub fit_status: Option<FitStatus>,
}

#[derive(Default)]
struct Cell {
    users: u64,
    payers: u64,
    revenue: f64,
    future: f64,
    lower: f64,
    upper: f64,
    gradient: Vec<f64>,
    /// a user of a parameter block without covariance is in the cell: no bounds
    unbounded: bool,
    /// a user valued by a fit that did not converge is in the cell
    unconverged: bool,
    credit: f64,
    spend: Spend,
}

fn ratio(num: f64, den: f64) -> Option<f64> {
    (den > 0.0).then(|| num / den)
}

/// Adds everything up into rows (not yet ranked), ordered by cohort then group.
pub(crate) fn aggregate(
    users: &ReportUsers,
    values: &FutureValues,
    interval_level: f64,
    spend: BTreeMap<CellKey, Spend>,
    credit: Option<&[f64]>,
    group_by: &GroupBy,
    cohort: CohortBy,
) -> Vec<ReportRow> {
    let tz = users.as_of().time_zone();
    // gradient sums per cell: one k-vector per parameter block
    let (k, n_blocks) = match &values.uncertainty {
        Uncertainty::Linearized { k, covariances, .. } => (*k, covariances.len()),
        _ => (0, 0),
    };
    // users of one placement share a group: number the distinct groups once per placement
    let mut group_ids: BTreeMap<Vec<String>, u32> = BTreeMap::new();
    let mut groups: Vec<Vec<String>> = Vec::new();
    let group_of_placement: Vec<u32> = users
        .placements()
        .iter()
        .map(|p| {
            let key = group_by.key(p);
            *group_ids.entry(key.clone()).or_insert_with(|| {
                groups.push(key);
                (groups.len() - 1) as u32
            })
        })
        .collect();
    let revenue = users.revenue_to_date();
    let installs = users.install_times();
    let (lo, hi) = installs
        .iter()
        .fold((i64::MAX, i64::MIN), |(lo, hi), &t| (lo.min(t), hi.max(t)));
    let days = (lo <= hi && cohort != CohortBy::All).then(|| DayTable::new(tz, lo, hi));
    let new_cell = || Cell {
        gradient: vec![0.0; k * n_blocks],
        ..Cell::default()
    };
    let mut user_cells: FxHashMap<(Option<NaiveDate>, u32), Cell> = FxHashMap::default();
    for u in 0..users.len() {
        let group = group_of_placement[users.placement_index(u)];
        let start = days
            .as_ref()
            .and_then(|d| cohort.start(d.date(installs[u])));
        let c = user_cells.entry((start, group)).or_insert_with(new_cell);
        c.users += 1;
        if revenue[u] > 0.0 {
            c.payers += 1;
        }
        c.revenue += revenue[u];
        c.future += values.expected[u];
        c.unconverged |= values.unconverged_users.get(u).copied().unwrap_or(false);
        match &values.uncertainty {
            Uncertainty::None => {}
            Uncertainty::Bounds { lower, upper } => {
                c.lower += lower[u];
                c.upper += upper[u];
            }
            Uncertainty::Linearized {
                gradients,
                block_of_user,
                covariances,
                ..
            } => {
                let b = block_of_user[u] as usize;
                c.unbounded |= covariances[b].is_empty();
                for (g, x) in c.gradient[b * k..(b + 1) * k]
                    .iter_mut()
                    .zip(&gradients[u * k..(u + 1) * k])
                {
                    *g += x;
                }
            }
        }
        if let Some(cr) = credit {
            c.credit += cr[u];
        }
    }
    let mut cells: BTreeMap<CellKey, Cell> = user_cells
        .into_iter()
        .map(|((start, g), c)| ((start, groups[g as usize].clone()), c))
        .collect();
    for (key, s) in spend {
        cells.entry(key).or_insert_with(new_cell).spend = s;
    }
    let z = two_sided_z(interval_level);
    cells
        .into_iter()
        .map(|((start, group), c)| {
            let (lower, upper) = match &values.uncertainty {
                Uncertainty::None => (None, None),
                Uncertainty::Bounds { .. } => (Some(c.lower), Some(c.upper)),
                Uncertainty::Linearized { .. } if c.unbounded => (None, None),
                Uncertainty::Linearized { covariances, .. } => {
                    let mut var = 0.0;
                    for (b, cov) in covariances
                        .iter()
                        .enumerate()
                        .filter(|(_, c)| !c.is_empty())
                    {
                        let g = &c.gradient[b * k..(b + 1) * k];
                        for i in 0..k {
                            for j in 0..k {
                                var += g[i] * cov[i * k + j] * g[j];
                            }
                        }
                    }
                    let sd = var.max(0.0).sqrt();
                    Some(((c.future - z * sd).max(0.0), c.future + z * sd)).unzip()
                }
            };
            let cost = c.spend.cost;
            let total = c.revenue + c.future;
            ReportRow {
                group,
                cohort: cohort.label(start),
                users: c.users,
                payers: c.payers,
                cost,
                cost_per_install: ratio(cost, c.users as f64),
                revenue_to_date: c.revenue,
                estimated_future_revenue: c.future,
                estimated_future_revenue_lower: lower,
                estimated_future_revenue_upper: upper,
                estimated_total_revenue: total,
                roas_to_date: ratio(c.revenue, cost),
                estimated_roas: ratio(total, cost),
                estimated_roas_lower: lower.and_then(|l| ratio(c.revenue + l, cost)),
                estimated_roas_upper: upper.and_then(|u| ratio(c.revenue + u, cost)),
                impressions: c.spend.impressions,
                clicks: c.spend.clicks,
                ctr: c
                    .spend
                    .clicks
                    .zip(c.spend.impressions)
                    .and_then(|(k, i)| ratio(k, i)),
                cvr: c.spend.clicks.and_then(|k| ratio(c.users as f64, k)),
                ecpm: c.spend.impressions.and_then(|i| ratio(1000.0 * cost, i)),
                network_installs: c.spend.installs,
                credit: credit.map(|_| c.credit),
                score: None,
                rank: None,
                fit_status: (c.users > 0).then_some(if c.unconverged {
                    FitStatus::NotConverged
                } else {
                    FitStatus::Converged
                }),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::two_sided_z;
    use approx::assert_relative_eq;

    #[test]
    fn normal_quantiles() {
        // scipy.stats.norm.ppf(0.975), ppf(0.95), ppf(0.995), ppf(0.75)
        assert_relative_eq!(
            two_sided_z(0.95),
            1.959_963_984_540_054,
            max_relative = 1e-12
        );
        assert_relative_eq!(
            two_sided_z(0.90),
            1.644_853_626_951_472_2,
            max_relative = 1e-12
        );
        assert_relative_eq!(
            two_sided_z(0.99),
            2.575_829_303_548_900_4,
            max_relative = 1e-12
        );
        assert_relative_eq!(
            two_sided_z(0.5),
            0.674_489_750_196_081_7,
            max_relative = 1e-12
        );
    }
}
