//! The report as a whole: configuration, inputs, and the assembly of the rows.

use crate::error::{Error, Result};
use crate::report::aggregate::{aggregate, FitStatus, ReportRow};
use crate::report::cohort::CohortBy;
use crate::report::credit::CreditLedger;
use crate::report::currency::{normalize_currency, FxRates};
use crate::report::hierarchy::{GroupBy, Level};
use crate::report::inputs::{CostRow, Installs, Transactions};
use crate::report::ranking::Ranking;
use crate::report::spend::allocate;
use crate::report::timezone::AsOf;
use crate::report::users::{Exclusions, ReportUsers};
use crate::report::valuation::{FutureValues, Horizon, UnconvergedFit, ValueModel};
use crate::Period;
use chrono::NaiveDate;
use chrono_tz::Tz;
use std::collections::BTreeMap;

/// How to build a report. Construct with [`ReportConfig::new`] and change the public fields.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportConfig {
    /// The last day that counts, in `time_zone` (inclusive: the whole day is in).
    pub as_of: NaiveDate,
    /// The report time zone: install cohorts, the as-of day and the model's periods.
    pub time_zone: Tz,
    /// The report currency (every amount is converted into it).
    pub currency: String,
    /// Horizon, discount rate, model period and interval level of the estimates.
    pub horizon: Horizon,
    /// The levels rows are grouped by.
    pub group_by: GroupBy,
    /// The install cohorts rows are split by.
    pub cohort: CohortBy,
    /// The ranking score.
    pub ranking: Ranking,
    /// Time zone of each ad account (by account name) whose cost rows carry none; accounts
    /// in neither place are taken to report in the report time zone.
    pub account_time_zones: BTreeMap<String, Tz>,
}

impl ReportConfig {
    /// Defaults: UTC, USD, a 12-month undiscounted horizon in daily periods with 95%
    /// intervals, grouped by network and campaign, one cohort, ranked by estimated ROAS.
    pub fn new(as_of: NaiveDate) -> Self {
        Self {
            as_of,
            time_zone: Tz::UTC,
            currency: "USD".into(),
            horizon: Horizon {
                months: 12,
                discount_rate: 0.0,
                period: Period::Day,
                interval_level: 0.95,
            },
            group_by: GroupBy::new(vec![Level::Network, Level::Campaign]).expect("distinct levels"),
            cohort: CohortBy::All,
            ranking: Ranking::default(),
            account_time_zones: BTreeMap::new(),
        }
    }
}

/// The report's input tables (see [`crate::report::inputs`] for the readers).
#[derive(Debug, Clone, Default)]
pub struct ReportInputs {
    /// Daily spend.
    pub costs: Vec<CostRow>,
    /// Installs and their attribution.
    pub installs: Installs,
    /// Payments.
    pub transactions: Transactions,
    /// Exchange rates into the report currency (`None`: every amount must already be in it).
    pub fx: Option<FxRates>,
    /// Revenue credit per user from the attribution module: dated rows are cut at the as-of
    /// date like payments; an undated table is taken as of the as-of date as given (see
    /// [`CreditLedger`]).
    pub credit: Option<CreditLedger>,
}

/// Report-wide facts written next to the rows (JSON `meta`).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ReportMeta {
    /// As-of date (`YYYY-MM-DD`, inclusive, report time zone).
    pub as_of: String,
    /// Report time zone.
    pub time_zone: String,
    /// Report currency.
    pub currency: String,
    /// The horizon of the estimates.
    pub horizon: Horizon,
    /// Group-by levels.
    pub group_by: Vec<&'static str>,
    /// Cohort split.
    pub cohort: CohortBy,
    /// Ranking metrics and their weights.
    pub ranking: BTreeMap<String, f64>,
    /// Users in the report.
    pub users: u64,
    /// Payers in the report.
    pub payers: u64,
    /// Total spend.
    pub cost: f64,
    /// Total revenue to date.
    pub revenue_to_date: f64,
    /// Total estimated future revenue.
    pub estimated_future_revenue: f64,
    /// What the model step recorded (fitted parameters, ...).
    pub model: serde_json::Value,
    /// `converged` when every fit behind the estimates converged, `not_converged` when some
    /// estimates rest on a fit that stopped short of its tolerance (see `unconverged_fits`).
    pub fit_status: FitStatus,
    /// The fits that did not converge but whose predictions are used (empty normally).
    pub unconverged_fits: Vec<UnconvergedFit>,
    /// Rows left out by the as-of cut.
    pub exclusions: Exclusions,
    /// Things a person should read.
    pub warnings: Vec<String>,
}

/// The campaign performance report: one [`ReportRow`] per group and install cohort, ranked
/// within each cohort, and the [`ReportMeta`].
#[derive(Debug, Clone, PartialEq)]
pub struct CampaignReport {
    /// Report-wide facts.
    pub meta: ReportMeta,
    /// The rows, by cohort, then rank (unscored rows last, by group).
    pub rows: Vec<ReportRow>,
    /// The group-by levels (the leading columns of the rows).
    pub levels: Vec<Level>,
}

pub(crate) fn check_config(config: &ReportConfig, fx: Option<&FxRates>) -> Result<FxRates> {
    config.horizon.validate()?;
    let currency = normalize_currency(&config.currency).ok_or_else(|| Error::Report {
        message: format!("invalid report currency `{}`", config.currency),
    })?;
    match fx {
        Some(fx) if fx.report_currency() != currency => Err(Error::Report {
            message: format!(
                "the exchange rates convert into {} but the report currency is {currency}",
                fx.report_currency()
            ),
        }),
        Some(fx) => Ok(fx.clone()),
        None => FxRates::new(&currency),
    }
}

impl CampaignReport {
    /// Builds the report: the users at the as-of cut, `model`'s estimate of their future
    /// revenue, spend per group and cohort, the rows and their ranking.
    ///
    /// Errors: invalid configuration; a missing exchange rate ([`Error::MissingRate`]); an
    /// ambiguous account (see [`ReportUsers::build`]); no users before the cut; whatever the
    /// model step reports (a fit that did not converge, ...).
    pub fn build(
        inputs: &ReportInputs,
        config: &ReportConfig,
        model: &dyn ValueModel,
    ) -> Result<Self> {
        let fx = check_config(config, inputs.fx.as_ref())?;
        let as_of = AsOf::new(config.as_of, config.time_zone);
        let users = ReportUsers::build(
            &inputs.installs,
            &inputs.transactions,
            &inputs.costs,
            &fx,
            as_of,
            config.group_by.levels(),
        )?;
        if users.is_empty() {
            return Err(Error::EmptyInput {
                what: format!(
                    "no installs or payments up to the as-of date {}",
                    config.as_of
                ),
            });
        }
        let values = model.estimate(&users, &config.horizon)?;
        Self::from_values(inputs, config, &users, values)
    }

    /// Builds the report from estimates made elsewhere: `values` holds each user's future
    /// revenue in the order of `users` (built with [`ReportUsers::build`] at the same as-of
    /// date and time zone as `config`).
    pub fn from_values(
        inputs: &ReportInputs,
        config: &ReportConfig,
        users: &ReportUsers,
        values: FutureValues,
    ) -> Result<Self> {
        let fx = check_config(config, inputs.fx.as_ref())?;
        let as_of = AsOf::new(config.as_of, config.time_zone);
        if users.as_of() != as_of {
            return Err(Error::Report {
                message: "the users were built at another as-of date or time zone than the report"
                    .into(),
            });
        }
        values.validate(users.len())?;
        let mut exclusions = users.exclusions();
        let (spend, partial_counts) = allocate(
            &inputs.costs,
            &fx,
            as_of,
            &config.account_time_zones,
            &config.group_by,
            config.cohort,
            &mut exclusions,
        )?;
        let mut warnings = values.warnings.clone();
        if partial_counts > 0 {
            warnings.push(format!(
                "{partial_counts} rows have impressions, clicks or network installs on only some of their cost rows: those counts (and CTR, CVR, eCPM) are left empty there rather than set against the whole cost"
            ));
        }
        let credit = inputs.credit.as_ref().map(|ledger| {
            let (c, left_out) = ledger.at(as_of);
            exclusions.credit_rows_after_as_of += left_out;
            if !ledger.is_dated() {
                warnings.push(format!(
                    "the credit table has no time column: it is taken as of the as-of date {} as given (computing it from payments and matches up to the end of that day is the caller's responsibility)",
                    config.as_of
                ));
            }
            let per_user: Vec<f64> = users
                .ids()
                .iter()
                .map(|id| c.get(id.as_str()).copied().unwrap_or(0.0))
                .collect();
            let known: std::collections::HashSet<&str> =
                users.ids().iter().map(String::as_str).collect();
            // sorted by user id, so the sum (and the warning) is the same on every run
            let mut unknown: Vec<(&str, f64)> = c
                .iter()
                .filter(|(id, _)| !known.contains(*id))
                .map(|(id, v)| (*id, *v))
                .collect();
            unknown.sort_unstable_by(|a, b| a.0.cmp(b.0));
            let total: f64 = unknown.iter().map(|(_, v)| v).sum();
            if !unknown.is_empty() {
                warnings.push(format!(
                    "credit of {total} for {} users who are not in the report (no install or payment up to the as-of date) is left out",
                    unknown.len()
                ));
            }
            per_user
        });
        let mut rows = aggregate(
            users,
            &values,
            config.horizon.interval_level,
            spend,
            credit.as_deref(),
            &config.group_by,
            config.cohort,
        );
        rank(&mut rows, &config.ranking);
        describe_exclusions(&exclusions, &mut warnings);
        let unpaid = rows
            .iter()
            .filter(|r| {
                r.users > 0 && r.cost == 0.0 && !r.group.iter().any(|g| g == crate::report::ORGANIC)
            })
            .count();
        if unpaid > 0 {
            warnings.push(format!(
                "{unpaid} non-organic rows have users but no cost (their campaigns are missing from the cost table, or costs are given at another level): no ROAS for them"
            ));
        }
        let meta = ReportMeta {
            as_of: config.as_of.to_string(),
            time_zone: config.time_zone.name().to_string(),
            currency: fx.report_currency().to_string(),
            horizon: config.horizon,
            group_by: config.group_by.levels().iter().map(|l| l.name()).collect(),
            cohort: config.cohort,
            ranking: config
                .ranking
                .weights()
                .iter()
                .map(|(m, w)| (m.name().to_string(), *w))
                .collect(),
            users: users.len() as u64,
            payers: rows.iter().map(|r| r.payers).sum(),
            cost: rows.iter().map(|r| r.cost).sum(),
            revenue_to_date: rows.iter().map(|r| r.revenue_to_date).sum(),
            estimated_future_revenue: rows.iter().map(|r| r.estimated_future_revenue).sum(),
            model: values.description,
            fit_status: if values.unconverged_fits.is_empty() {
                FitStatus::Converged
            } else {
                FitStatus::NotConverged
            },
            unconverged_fits: values.unconverged_fits,
            exclusions,
            warnings,
        };
        Ok(Self {
            meta,
            rows,
            levels: config.group_by.levels().to_vec(),
        })
    }
}

impl CampaignReport {
    /// `Ok` when every fit behind the estimates converged; otherwise
    /// [`Error::NotConverged`] for the first fit that did not (the CLI's `--strict`: a nightly
    /// job that must not publish estimates from a stalled fit).
    ///
    /// By default the report uses fits that stall just short of their tolerance (see
    /// [`LOOSE_TOLERANCE`](crate::report::LOOSE_TOLERANCE)) and marks them: `fit_status` per row
    /// and in the metadata, [`ReportMeta::unconverged_fits`], a warning.
    pub fn ensure_converged(&self) -> Result<()> {
        match self.meta.unconverged_fits.first() {
            None => Ok(()),
            Some(f) => Err(Error::NotConverged {
                model: format!("{} ({} fit)", f.model, f.fit),
                iterations: f.iterations,
                gradient_norm: f.gradient_norm,
                reason: format!(
                    "{} fit(s) stopped short of the tolerance; the report marks them fit_status not_converged",
                    self.meta.unconverged_fits.len()
                ),
            }),
        }
    }
}

fn describe_exclusions(e: &Exclusions, warnings: &mut Vec<String>) {
    let notes = [
        (e.transactions_after_as_of, "payments after the as-of date left out"),
        (e.installs_after_as_of, "installs after the as-of date left out"),
        (e.cost_rows_after_as_of, "cost rows after the as-of date left out"),
        (
            e.cost_rows_partly_after_as_of,
            "cost rows only partly before the as-of cut (account time zone ahead of the report's): only their share before the cut counts",
        ),
        (e.repeat_installs, "repeat install rows ignored (each user's first install counts)"),
        (
            e.payments_before_install,
            "users paid before their install time: their observation starts at the first payment",
        ),
        (e.credit_rows_after_as_of, "credit rows after the as-of date left out"),
    ];
    for (n, what) in notes {
        if n > 0 {
            warnings.push(format!("{n} {what}"));
        }
    }
}

/// Scores and ranks rows within each cohort, then orders each cohort by rank.
fn rank(rows: &mut [ReportRow], ranking: &Ranking) {
    let mut start = 0;
    while start < rows.len() {
        let cohort = rows[start].cohort.clone();
        let end = start
            + rows[start..]
                .iter()
                .take_while(|r| r.cohort == cohort)
                .count();
        let block = &mut rows[start..end];
        let scores = ranking.scores(&block.iter().collect::<Vec<_>>());
        for (r, s) in block.iter_mut().zip(scores) {
            r.score = s;
        }
        // rows arrive sorted by group within a cohort; a stable sort keeps that for ties
        block.sort_by(|a, b| match (a.score, b.score) {
            (Some(x), Some(y)) => y.total_cmp(&x),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        });
        for (i, r) in block.iter_mut().enumerate() {
            r.rank = r.score.map(|_| i as u32 + 1);
        }
        start = end;
    }
}
