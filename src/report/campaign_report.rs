//! The report as a whole: configuration, inputs, and the assembly of the rows.

use crate::error::{Error, ReportRule, Result};
use crate::report::aggregate::{aggregate, FitStatus, ReportRow};
use crate::report::cohort::CohortBy;
use crate::report::credit::CreditLedger;
use crate::report::currency::{normalize_currency, FxRates};
use crate::report::hierarchy::{GroupBy, Level};
use crate::report::inputs::{CostRow, Installs, Transactions};
use crate::report::ranking::{Metric, Ranking};
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
#[non_exhaustive]
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
    /// Whether the rows carry estimates: `{"status": "available"}`, or
    /// `{"status": "unavailable", "reason": ...}` when the model step could not make them
    /// (see [`EstimateStatus`]).
    pub estimates: EstimateStatus,
    /// Things a person should read.
    pub warnings: Vec<String>,
}

/// Whether the report's estimates could be made.
///
/// On the first day of a campaign (or before anyone has paid, or before anyone has paid
/// twice) the data cannot identify the purchase and spend models. The report is still built:
/// users, payers, cost, revenue to date and ROAS to date are exact, and the estimates are
/// `Unavailable`: every row's `estimated_future_revenue` is 0 in memory, its
/// `estimated_total_revenue` equals `revenue_to_date`, its estimated ROAS, bounds, score, rank
/// and `fit_status` are `None`, and the writers ([`crate::report::output`]) leave the estimate
/// columns empty (CSV) or `null` (JSON), write `unavailable` in `fit_status`, and set
/// `meta.estimated_future_revenue` and `meta.fit_status` to `null`.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum EstimateStatus {
    /// The model step estimated every user's future revenue.
    Available,
    /// The model step failed on these data; `reason` is its error.
    Unavailable {
        /// The model step's error message.
        reason: String,
    },
}

impl EstimateStatus {
    /// True for [`EstimateStatus::Available`].
    pub fn is_available(&self) -> bool {
        matches!(self, EstimateStatus::Available)
    }
}

/// Errors of the model step that mean "these data cannot give estimates (yet)": too few
/// payers or repeat payers to identify the models, a fit that fails or runs to a boundary.
/// Input, configuration and I/O errors are not among them: they still fail the report.
fn data_cannot_estimate(e: &Error) -> bool {
    matches!(
        e,
        Error::Unidentifiable { .. }
            | Error::EmptyInput { .. }
            | Error::NotConverged { .. }
            | Error::Optimizer { .. }
            | Error::Numerical { .. }
            | Error::SingularInformation { .. }
    )
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
        rule: ReportRule::InvalidCurrency {
            code: config.currency.clone(),
        },
    })?;
    match fx {
        Some(fx) if fx.report_currency() != currency => Err(Error::Report {
            rule: ReportRule::CurrencyMismatch {
                rates: fx.report_currency().to_string(),
                report: currency,
            },
        }),
        Some(fx) => Ok(fx.clone()),
        None => FxRates::new(&currency),
    }
}

impl CampaignReport {
    /// Builds the report: the users at the as-of cut, `model`'s estimate of their future
    /// revenue, spend per group and cohort, the rows and their ranking.
    ///
    /// When the model step fails because the data cannot give estimates yet (the first day,
    /// no payers, nobody paid twice: [`Error::Unidentifiable`], [`Error::EmptyInput`], a fit
    /// that fails numerically or does not converge), the report is built without estimates
    /// (see [`EstimateStatus::Unavailable`]) and a warning gives the reason.
    ///
    /// Errors: invalid configuration; a missing exchange rate ([`Error::MissingRate`]); an
    /// ambiguous account (see [`ReportUsers::build`]); no users before the cut; any other
    /// error of the model step.
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
        // a user's payments that add up past f64 would reach the model as an inf mean spend
        // blamed on a summary row: name the user here
        if let Some((u, v)) = users
            .revenue_to_date()
            .iter()
            .enumerate()
            .find(|(_, v)| !v.is_finite())
        {
            return Err(Error::NonFiniteAggregate {
                group: "user (transactions)".into(),
                key: users.ids()[u].clone(),
                quantity: "revenue to date".into(),
                value: *v,
            });
        }
        match model.estimate(&users, &config.horizon) {
            Ok(values) => Self::from_values(inputs, config, &users, values),
            Err(e) if data_cannot_estimate(&e) => {
                Self::without_estimates(inputs, config, &users, e.to_string())
            }
            Err(e) => Err(e),
        }
    }

    /// The report without estimates (see [`EstimateStatus::Unavailable`]): users, payers,
    /// cost, revenue and ROAS to date per row; `reason` goes into the metadata and a warning.
    pub fn without_estimates(
        inputs: &ReportInputs,
        config: &ReportConfig,
        users: &ReportUsers,
        reason: String,
    ) -> Result<Self> {
        let values = FutureValues {
            expected: vec![0.0; users.len()],
            uncertainty: crate::report::valuation::Uncertainty::None,
            description: serde_json::json!({ "estimates": "unavailable", "reason": reason }),
            warnings: vec![format!(
                "no estimates: {reason}; cost, installs, payers and revenue to date are reported, the estimate columns are left empty"
            )],
            unconverged_fits: Vec::new(),
            unconverged_users: Vec::new(),
        };
        let mut report = Self::from_values(inputs, config, users, values)?;
        for r in &mut report.rows {
            r.estimated_future_revenue = 0.0;
            r.estimated_future_revenue_lower = None;
            r.estimated_future_revenue_upper = None;
            r.estimated_total_revenue = r.revenue_to_date;
            r.estimated_roas = None;
            r.estimated_roas_lower = None;
            r.estimated_roas_upper = None;
            r.fit_status = None;
        }
        // scores may rest on the estimates: rank again on what is left; a ranking that uses
        // the estimated revenue (never empty in a row) gives no score at all
        rank(&mut report.rows, &config.ranking);
        let uses_estimates = config.ranking.weights().iter().any(|(m, _)| {
            matches!(
                m,
                Metric::EstimatedTotalRevenue | Metric::EstimatedFutureRevenue
            )
        });
        if uses_estimates {
            for r in &mut report.rows {
                r.score = None;
                r.rank = None;
            }
        }
        report.meta.estimates = EstimateStatus::Unavailable { reason };
        Ok(report)
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
                rule: ReportRule::UsersAsOfMismatch,
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
        far_dates(inputs, as_of, &mut warnings);
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
            estimates: EstimateStatus::Available,
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
    ///
    /// A report without estimates ([`EstimateStatus::Unavailable`]) is an
    /// [`Error::Unidentifiable`] here too.
    pub fn ensure_converged(&self) -> Result<()> {
        if let EstimateStatus::Unavailable { reason } = &self.meta.estimates {
            return Err(Error::Unidentifiable {
                model: "report's value".into(),
                reason: format!("no estimates: {reason}"),
            });
        }
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

/// Seconds in a century (36,524 days), the distance from the as-of date beyond which a date
/// is taken for a typo (year 0001, 2204 for 2024, ...) and warned about.
const CENTURY_SECONDS: i64 = 36_524 * 86_400;

/// Warns about install, payment and cost rows dated more than a century from the as-of cut,
/// naming the first such line of each table (they are used as given).
fn far_dates(inputs: &ReportInputs, as_of: AsOf, warnings: &mut Vec<String>) {
    let cut = as_of.cut();
    let cost_times: Vec<i64> = inputs
        .costs
        .iter()
        .map(|c| {
            c.date
                .and_time(chrono::NaiveTime::MIN)
                .and_utc()
                .timestamp()
        })
        .collect();
    let cost_lines: Vec<u64> = inputs.costs.iter().map(|c| c.line).collect();
    let tables = [
        ("installs", inputs.installs.times(), inputs.installs.lines()),
        (
            "transactions",
            inputs.transactions.times(),
            inputs.transactions.lines(),
        ),
        ("costs", &cost_times[..], &cost_lines[..]),
    ];
    for (table, times, lines) in tables {
        let mut far = times
            .iter()
            .zip(lines)
            .filter(|(t, _)| (**t - cut).abs() > CENTURY_SECONDS);
        if let Some((t, line)) = far.next() {
            let n = 1 + far.count();
            let date = chrono::DateTime::from_timestamp(*t, 0)
                .map_or_else(|| t.to_string(), |d| d.date_naive().to_string());
            warnings.push(format!(
                "{n} {table} rows are dated more than a century from the as-of date (first: {table} line {line}, {date}); they are used as given: check the dates"
            ));
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
