//! Spend per group and install cohort: each cost row converted into the report currency and
//! moved from its account's day onto the report days it covers.

use crate::error::{Error, Result};
use crate::report::cohort::CohortBy;
use crate::report::currency::FxRates;
use crate::report::hierarchy::GroupBy;
use crate::report::inputs::CostRow;
use crate::report::timezone::{split_account_day, AsOf};
use crate::report::users::Exclusions;
use chrono::NaiveDate;
use chrono_tz::Tz;
use std::collections::BTreeMap;

/// Spend and delivery counts of one (cohort, group) cell. A count is `None` unless every cost
/// row of the cell gives it: a sum over only some rows would be set against the cost (eCPM)
/// or the users (CVR) of all of them.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Spend {
    pub cost: f64,
    pub impressions: Option<f64>,
    pub clicks: Option<f64>,
    pub installs: Option<f64>,
}

/// A count summed over a cell's rows, remembering whether some row lacked it.
#[derive(Debug, Clone, Copy, Default)]
struct Count {
    sum: f64,
    given: bool,
    missing: bool,
}

impl Count {
    fn add(&mut self, x: Option<f64>, share: f64) {
        match x {
            Some(x) => {
                self.sum += x * share;
                self.given = true;
            }
            None => self.missing = true,
        }
    }

    /// The sum when every row gave the count; `partial` is set when only some did.
    fn total(self, partial: &mut bool) -> Option<f64> {
        *partial |= self.given && self.missing;
        (self.given && !self.missing).then_some(self.sum)
    }
}

#[derive(Default)]
struct Cell {
    cost: f64,
    impressions: Count,
    clicks: Count,
    installs: Count,
}

/// A cell key: cohort start (`None` for one cohort) and the group's values.
pub(crate) type CellKey = (Option<NaiveDate>, Vec<String>);

/// Allocates every cost row before the cut to its (cohort, group) cell.
///
/// The account's zone is the row's own, else `account_zones[account]`, else the report zone.
/// The row's cost is converted at the rate of its own date (the account's day), then spread
/// over the report days by [`split_account_day`] (evenly over the account's day), and each
/// report day's share goes to that day's install cohort. Counts (impressions, clicks,
/// installs) are spread the same way; a cell gets a count only when all its cost rows give it,
/// and the number of cells where only some did is returned next to the cells.
pub(crate) fn allocate(
    costs: &[CostRow],
    fx: &FxRates,
    as_of: AsOf,
    account_zones: &BTreeMap<String, Tz>,
    group_by: &GroupBy,
    cohort: CohortBy,
    exclusions: &mut Exclusions,
) -> Result<(BTreeMap<CellKey, Spend>, u64)> {
    let report_tz = as_of.time_zone();
    let mut cells: BTreeMap<CellKey, Cell> = BTreeMap::new();
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
        if !cost.is_finite() {
            return Err(Error::invalid_field(
                row.line,
                "cost",
                format!("{:e}", row.cost),
                format!(
                    "converted into the report currency ({cost}) it overflows f64; check the \
                     exchange rate of {} on {}",
                    row.currency.as_deref().unwrap_or("-"),
                    row.date
                ),
            ));
        }
        let group = group_by.key(&row.placement);
        for (day, share) in parts {
            let cell = cells.entry((cohort.start(day), group.clone())).or_default();
            cell.cost += cost * share;
            if !cell.cost.is_finite() {
                return Err(Error::NonFiniteAggregate {
                    group: "report cell".into(),
                    key: format!("{} (costs line {})", group.join("/"), row.line),
                    quantity: "cost".into(),
                    value: cell.cost,
                });
            }
            cell.impressions.add(row.impressions, share);
            cell.clicks.add(row.clicks, share);
            cell.installs.add(row.installs, share);
        }
    }
    let mut partial_cells = 0;
    let spend = cells
        .into_iter()
        .map(|(key, c)| {
            let mut partial = false;
            let spend = Spend {
                cost: c.cost,
                impressions: c.impressions.total(&mut partial),
                clicks: c.clicks.total(&mut partial),
                installs: c.installs.total(&mut partial),
            };
            partial_cells += u64::from(partial);
            (key, spend)
        })
        .collect();
    Ok((spend, partial_cells))
}
