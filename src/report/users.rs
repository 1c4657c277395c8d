//! The report's users at the as-of date: who installed from where and when, and what each has
//! paid so far, in the report currency.

use crate::error::{Error, Result};
use crate::report::currency::FxRates;
use crate::report::hierarchy::{Level, Placement};
use crate::report::inputs::{CostRow, InstallRow, Transactions, REPORT_CURRENCY};
use crate::report::timezone::{local_date, AsOf};
use rustc_hash::FxHashMap;
use std::collections::{BTreeMap, BTreeSet};

/// Rows left out because they lie at or after the as-of cut (nothing later counts).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Exclusions {
    /// Install rows at or after the cut.
    pub installs_after_as_of: u64,
    /// Install rows of users who already had an earlier install (re-installs; the first one
    /// counts).
    pub repeat_installs: u64,
    /// Payments at or after the cut.
    pub transactions_after_as_of: u64,
    /// Cost rows whose whole account day is at or after the cut.
    pub cost_rows_after_as_of: u64,
    /// Cost rows of which only a part (the hours before the cut, for an account in another
    /// time zone) counts.
    pub cost_rows_partly_after_as_of: u64,
    /// Users whose first payment came before their install time (birth set to that payment).
    pub payments_before_install: u64,
}

/// Every user known at the as-of date, with placement, install time, birth and payments to
/// date converted into the report currency.
///
/// Users are the installs before the cut (each user's first install counts) plus the payers
/// before the cut who have no install row: those are organic, installed at their first payment.
/// A user's *birth* (the start of their observation in the model) is the install time, or the
/// first payment if that came earlier (clock skew, re-installs).
#[derive(Debug, Clone)]
pub struct ReportUsers {
    as_of: AsOf,
    ids: Vec<String>,
    placement: Vec<u32>,
    placements: Vec<Placement>,
    install: Vec<i64>,
    birth: Vec<i64>,
    revenue: Vec<f64>,
    offsets: Vec<usize>,
    pay_time: Vec<i64>,
    pay_amount: Vec<f64>,
    exclusions: Exclusions,
}

/// Looks up each (network, campaign)'s account in the cost rows, for installs that carry no
/// account. Ambiguous campaigns (in several accounts) map to `None`.
fn campaign_accounts(costs: &[CostRow]) -> BTreeMap<(&str, &str), Option<&str>> {
    let mut map: BTreeMap<(&str, &str), BTreeSet<&str>> = BTreeMap::new();
    for c in costs {
        map.entry((&c.placement.network, &c.placement.campaign))
            .or_default()
            .insert(&c.placement.account);
    }
    map.into_iter()
        .map(|(k, v)| {
            let only = (v.len() == 1).then(|| *v.iter().next().expect("one element"));
            (k, only)
        })
        .collect()
}

impl ReportUsers {
    /// Builds the user base at `as_of`.
    ///
    /// `levels` are the group-by levels: when they include the account and an install row has
    /// no account while its campaign appears under several accounts in `costs`, that is an
    /// error (the report could not say where the user belongs). Payments are converted with
    /// `fx` at the rate of their date in the report time zone; a missing rate is
    /// [`Error::MissingRate`].
    pub fn build(
        installs: &[InstallRow],
        transactions: &Transactions,
        costs: &[CostRow],
        fx: &FxRates,
        as_of: AsOf,
        levels: &[Level],
    ) -> Result<Self> {
        let tz = as_of.time_zone();
        let mut ex = Exclusions::default();
        let accounts = campaign_accounts(costs);
        let mut index: FxHashMap<&str, u32> = FxHashMap::default();
        let mut ids: Vec<String> = Vec::new();
        let mut install: Vec<i64> = Vec::new();
        let mut placement: Vec<u32> = Vec::new();
        let mut placement_index: BTreeMap<Placement, u32> = BTreeMap::new();
        let mut placements: Vec<Placement> = Vec::new();
        let mut intern = |p: Placement| -> u32 {
            *placement_index.entry(p.clone()).or_insert_with(|| {
                placements.push(p);
                (placements.len() - 1) as u32
            })
        };
        for row in installs {
            if !as_of.includes(row.time) {
                ex.installs_after_as_of += 1;
                continue;
            }
            let mut p = row.placement.clone();
            if p.account.is_empty() && !p.is_organic() {
                match accounts.get(&(p.network.as_str(), p.campaign.as_str())) {
                    Some(Some(a)) => p.account = (*a).to_string(),
                    Some(None) if levels.contains(&Level::Account) => {
                        return Err(Error::Report {
                            message: format!(
                                "installs line {}: campaign `{}` of network `{}` appears under several accounts in the costs; give the installs an account column to group by account",
                                row.line, p.campaign, p.network
                            ),
                        })
                    }
                    _ => {}
                }
            }
            match index.get(row.user_id.as_str()) {
                Some(&u) => {
                    ex.repeat_installs += 1;
                    let u = u as usize;
                    if row.time < install[u] {
                        install[u] = row.time;
                        placement[u] = intern(p);
                    }
                }
                None => {
                    index.insert(&row.user_id, ids.len() as u32);
                    ids.push(row.user_id.clone());
                    install.push(row.time);
                    placement.push(intern(p));
                }
            }
        }
        let installed = ids.len();

        // payments before the cut, converted; map transaction users to report users
        let tx_ids = transactions.user_ids();
        let mut tx_to_user: Vec<u32> = vec![u32::MAX; tx_ids.len()];
        let mut first_pay: Vec<i64> = Vec::new();
        let organic = intern(Placement::organic());
        let times = transactions.times();
        let users = transactions.users();
        let mut kept: Vec<(u32, i64, f64)> = Vec::with_capacity(transactions.len());
        let currencies = transactions.currencies();
        for i in 0..transactions.len() {
            let t = times[i];
            if !as_of.includes(t) {
                ex.transactions_after_as_of += 1;
                continue;
            }
            let tu = users[i] as usize;
            let u = if tx_to_user[tu] == u32::MAX {
                let id = tx_ids[tu].as_str();
                let u = match index.get(id) {
                    Some(&u) => u,
                    None => {
                        let u = ids.len() as u32;
                        index.insert(id, u);
                        ids.push(id.to_string());
                        install.push(t);
                        placement.push(organic);
                        u
                    }
                };
                tx_to_user[tu] = u;
                u
            } else {
                tx_to_user[tu]
            };
            let c = transactions.currency_indices()[i];
            let amount = transactions.amounts()[i];
            let value = if c == REPORT_CURRENCY {
                amount
            } else {
                fx.convert(
                    amount,
                    &currencies[usize::from(c)],
                    local_date(t, tz),
                    "transactions",
                    transactions.lines()[i],
                )?
            };
            kept.push((u, t, value));
        }
        let n = ids.len();
        // organic-only users: install = first payment
        first_pay.resize(n, i64::MAX);
        for &(u, t, _) in &kept {
            let f = &mut first_pay[u as usize];
            *f = (*f).min(t);
        }
        for u in installed..n {
            install[u] = first_pay[u];
        }
        let mut birth = install.clone();
        for u in 0..installed {
            if first_pay[u] < install[u] {
                birth[u] = first_pay[u];
                ex.payments_before_install += 1;
            }
        }
        // payments grouped by user (CSR), in time order (ties keep input order)
        kept.sort_by_key(|&(u, t, _)| (u, t));
        let mut offsets = vec![0usize; n + 1];
        for &(u, _, _) in &kept {
            offsets[u as usize + 1] += 1;
        }
        for u in 0..n {
            offsets[u + 1] += offsets[u];
        }
        let pay_time: Vec<i64> = kept.iter().map(|k| k.1).collect();
        let pay_amount: Vec<f64> = kept.iter().map(|k| k.2).collect();
        let revenue = (0..n)
            .map(|u| pay_amount[offsets[u]..offsets[u + 1]].iter().sum())
            .collect();
        // transactions after the cut must not create users; check the installs side too
        debug_assert!(install.iter().all(|&t| as_of.includes(t)));
        Ok(Self {
            as_of,
            ids,
            placement,
            placements,
            install,
            birth,
            revenue,
            offsets,
            pay_time,
            pay_amount,
            exclusions: ex,
        })
    }

    /// The as-of cut the users were built at.
    pub fn as_of(&self) -> AsOf {
        self.as_of
    }

    /// Number of users.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// True when there are no users.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// User ids (installs first, in input order, then organic payers without an install row).
    pub fn ids(&self) -> &[String] {
        &self.ids
    }

    /// The placement of user `u`.
    pub fn placement(&self, u: usize) -> &Placement {
        &self.placements[self.placement[u] as usize]
    }

    /// Index of user `u`'s placement in [`ReportUsers::placements`].
    pub fn placement_index(&self, u: usize) -> usize {
        self.placement[u] as usize
    }

    /// The distinct placements of the users.
    pub fn placements(&self) -> &[Placement] {
        &self.placements
    }

    /// Install instant of each user (seconds since the epoch, UTC): the attribution's install
    /// time, or the first payment for organic users without an install row.
    pub fn install_times(&self) -> &[i64] {
        &self.install
    }

    /// Birth instant of each user: the start of their observation in the model (install time,
    /// or an earlier first payment).
    pub fn birth_times(&self) -> &[i64] {
        &self.birth
    }

    /// Revenue to date of each user, report currency.
    pub fn revenue_to_date(&self) -> &[f64] {
        &self.revenue
    }

    /// Payments of user `u` before the cut: instants (ascending) and amounts in the report
    /// currency.
    pub fn payments(&self, u: usize) -> (&[i64], &[f64]) {
        let r = self.offsets[u]..self.offsets[u + 1];
        (&self.pay_time[r.clone()], &self.pay_amount[r])
    }

    /// All payments before the cut, grouped by user: `offsets[u]..offsets[u + 1]` indexes
    /// `times` and `amounts` for user `u`.
    pub fn payment_table(&self) -> (&[usize], &[i64], &[f64]) {
        (&self.offsets, &self.pay_time, &self.pay_amount)
    }

    /// Rows left out by the as-of cut and re-install rules (cost rows are counted when costs
    /// are allocated).
    pub fn exclusions(&self) -> Exclusions {
        self.exclusions
    }
}
