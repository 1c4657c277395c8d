//! Spend per group and install cohort: each cost row converted into the report currency and
//! moved from its account's day onto the report days it covers.

use crate::error::Result;
use crate::report::cohort::CohortBy;
use crate::report::currency::FxRates;
use crate::report::hierarchy::GroupBy;
use crate::report::inputs::CostRow;
use crate::report::timezone::{split_account_day, AsOf};
use crate::report::users::Exclusions;
use chrono::NaiveDate;
use chrono_tz::Tz;
use std::collections::BTreeMap;

/// Spend and delivery counts of one (cohort, group) cell. Counts are `None` until a cost row
/// of the cell gives them.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Spend {
    pub cost: f64,
    pub impressions: Option<f64>,
    pub clicks: Option<f64>,
    pub installs: Option<f64>,
}

fn add(into: &mut Option<f64>, x: Option<f64>, share: f64) {
    if let Some(x) = x {
        *into = Some(into.unwrap_or(0.0) + x * share);
    }
}

/// A cell key: cohort start (`None` for one cohort) and the group's values.
pub(crate) type CellKey = (Option<NaiveDate>, Vec<String>);

/// Allocates every cost row before the cut to its (cohort, group) cell.
///
/// The account's zone is the row's own, else `account_zones[account]`, else the report zone.
/// The row's cost is converted at the rate of its own date (the account's day), then spread
/// over the report days by [`split_account_day`] (evenly over the account's day), and each
/// report day's share goes to that day's install cohort. Counts (impressions, clicks,
/// installs) are spread the same way.
pub(crate) fn allocate(
    costs: &[CostRow],
    fx: &FxRates,
    as_of: AsOf,
    account_zones: &BTreeMap<String, Tz>,
    group_by: &GroupBy,
    cohort: CohortBy,
    exclusions: &mut Exclusions,
) -> Result<BTreeMap<CellKey, Spend>> {
    let report_tz = as_of.time_zone();
    let mut cells: BTreeMap<CellKey, Spend> = BTreeMap::new();
    for row in costs {
        let zone = row
            .time_zone
            .or_else(|| account_zones.get(&row.placement.account).copied())
            .unwrap_or(report_tz);
        let parts = split_account_day(row.date, zone, report_tz, as_of.cut());
        if parts.is_empty() {
            exclusions.cost_rows_after_as_of += 1;
            continue;
        }
        let share_in: f64 = parts.iter().map(|p| p.1).sum();
        if share_in < 1.0 - 1e-12 {
            exclusions.cost_rows_partly_after_as_of += 1;
        }
        let cost = match &row.currency {
            Some(c) => fx.convert(row.cost, c, row.date, "costs", row.line)?,
            None => row.cost,
        };
        let group = group_by.key(&row.placement);
        for (day, share) in parts {
            let cell = cells.entry((cohort.start(day), group.clone())).or_default();
            cell.cost += cost * share;
            add(&mut cell.impressions, row.impressions, share);
            add(&mut cell.clicks, row.clicks, share);
            add(&mut cell.installs, row.installs, share);
        }
    }
    Ok(cells)
}
