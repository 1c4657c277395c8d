//! The report's users at the as-of date: who installed from where and when, and what each has
//! paid so far, in the report currency.

use crate::error::{Error, ReportRule, Result};
use crate::report::currency::FxRates;
use crate::report::hierarchy::{Level, Placement};
use crate::report::inputs::{CostRow, Installs, Transactions, REPORT_CURRENCY};
use crate::report::timezone::{AsOf, DayTable};
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
    /// Rows of a dated credit table at or after the cut (an undated table is taken as given).
    pub credit_rows_after_as_of: u64,
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
        installs: &Installs,
        transactions: &Transactions,
        costs: &[CostRow],
        fx: &FxRates,
        as_of: AsOf,
        levels: &[Level],
    ) -> Result<Self> {
        let tz = as_of.time_zone();
        let mut ex = Exclusions::default();
        let accounts = campaign_accounts(costs);
        // install placements with the account filled in from the costs where missing
        let mut placement_index: BTreeMap<Placement, u32> = BTreeMap::new();
        let mut placements: Vec<Placement> = Vec::new();
        let mut intern = |p: Placement| -> u32 {
            if let Some(&i) = placement_index.get(&p) {
                return i;
            }
            placements.push(p.clone());
            let i = (placements.len() - 1) as u32;
            placement_index.insert(p, i);
            i
        };
        let mut row_placement: Vec<u32> = Vec::with_capacity(installs.placements().len());
        let mut first_line: Vec<u64> = vec![0; installs.placements().len()];
        for (row, &p) in installs
            .lines()
            .iter()
            .zip(installs.placement_indices())
            .rev()
        {
            first_line[p as usize] = *row;
        }
        for (i, p) in installs.placements().iter().enumerate() {
            let mut p = p.clone();
            if p.account.is_empty() && !p.is_organic() {
                match accounts.get(&(p.network.as_str(), p.campaign.as_str())) {
                    Some(Some(a)) => p.account = (*a).to_string(),
                    Some(None) if levels.contains(&Level::Account) => {
                        return Err(Error::Report {
                            rule: ReportRule::CampaignInSeveralAccounts {
                                line: first_line[i],
                                campaign: p.campaign.to_string(),
                                network: p.network.to_string(),
                            },
                        })
                    }
                    _ => {}
                }
            }
            row_placement.push(intern(p));
        }
        // each install user's first install before the cut; report users are numbered in
        // order of that first install row
        const NONE: u32 = u32::MAX;
        let mut user_of_install: Vec<u32> = vec![NONE; installs.n_users()];
        let mut ids: Vec<String> = Vec::new();
        let mut install: Vec<i64> = Vec::new();
        let mut placement: Vec<u32> = Vec::new();
        let (i_users, i_times, i_places) = (
            installs.users(),
            installs.times(),
            installs.placement_indices(),
        );
        for r in 0..installs.len() {
            let t = i_times[r];
            if !as_of.includes(t) {
                ex.installs_after_as_of += 1;
                continue;
            }
            let iu = i_users[r] as usize;
            let p = row_placement[i_places[r] as usize];
            match user_of_install[iu] {
                NONE => {
                    user_of_install[iu] = ids.len() as u32;
                    ids.push(installs.user_id(iu).to_string());
                    install.push(t);
                    placement.push(p);
                }
                u => {
                    ex.repeat_installs += 1;
                    let u = u as usize;
                    if t < install[u] {
                        install[u] = t;
                        placement[u] = p;
                    }
                }
            }
        }
        let installed = ids.len();

        // payments before the cut, converted; map transaction users to report users
        let mut tx_to_user: Vec<u32> = vec![NONE; transactions.n_users()];
        let organic = intern(Placement::organic());
        let times = transactions.times();
        let tx_users = transactions.users();
        let currencies = transactions.currencies();
        let (t_min, t_max) = times.iter().fold((i64::MAX, i64::MIN), |(lo, hi), &t| {
            (lo.min(t), hi.max(t.min(as_of.cut())))
        });
        let days =
            (!currencies.is_empty() && t_min <= t_max).then(|| DayTable::new(tz, t_min, t_max));
        let mut kept_user: Vec<u32> = Vec::with_capacity(transactions.len());
        let mut kept_row: Vec<u32> = Vec::with_capacity(transactions.len());
        let mut value: Vec<f64> = Vec::with_capacity(transactions.len());
        for i in 0..transactions.len() {
            let t = times[i];
            if !as_of.includes(t) {
                ex.transactions_after_as_of += 1;
                continue;
            }
            let tu = tx_users[i] as usize;
            let u = if tx_to_user[tu] == NONE {
                let id = transactions.user_id(tu);
                let known = installs
                    .find_user(id)
                    .map(|iu| user_of_install[iu as usize])
                    .filter(|&u| u != NONE);
                let u = match known {
                    Some(u) => u,
                    None => {
                        // a payer without an install row before the cut: organic
                        let u = ids.len() as u32;
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
            let v = match (&days, c) {
                (Some(days), c) if c != REPORT_CURRENCY => fx.convert(
                    amount,
                    &currencies[usize::from(c)],
                    days.date(t),
                    "transactions",
                    transactions.lines()[i],
                )?,
                _ => amount,
            };
            kept_user.push(u);
            kept_row.push(i as u32);
            value.push(v);
        }
        let n = ids.len();
        // payments grouped by user (a counting sort, input order kept), then by time
        let mut offsets = vec![0usize; n + 1];
        for &u in &kept_user {
            offsets[u as usize + 1] += 1;
        }
        for u in 0..n {
            offsets[u + 1] += offsets[u];
        }
        let mut next = offsets.clone();
        let mut order = vec![0u32; kept_user.len()];
        for (k, &u) in kept_user.iter().enumerate() {
            order[next[u as usize]] = k as u32;
            next[u as usize] += 1;
        }
        for u in 0..n {
            // stable: equal times keep input order, so sums are reproducible
            order[offsets[u]..offsets[u + 1]]
                .sort_by_key(|&k| times[kept_row[k as usize] as usize]);
        }
        let pay_time: Vec<i64> = order
            .iter()
            .map(|&k| times[kept_row[k as usize] as usize])
            .collect();
        let pay_amount: Vec<f64> = order.iter().map(|&k| value[k as usize]).collect();
        drop((kept_user, kept_row, value, order));
        // organic users without an install row are installed at their first payment; a user
        // who paid before the install time is born at that payment
        let mut birth = install.clone();
        for u in 0..n {
            if offsets[u + 1] > offsets[u] {
                let first = pay_time[offsets[u]];
                if u >= installed {
                    install[u] = first;
                    birth[u] = first;
                } else if first < install[u] {
                    birth[u] = first;
                    ex.payments_before_install += 1;
                }
            }
        }
        let revenue = (0..n)
            .map(|u| pay_amount[offsets[u]..offsets[u + 1]].iter().sum())
            .collect();
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
