//! Backtests: the report replayed at earlier as-of dates on the user's own history, each
//! estimate scored against the revenue that then arrived.
//!
//! For an as-of date `d` and the report's horizon of `M` months (`M · 30` days for daily
//! models, `M · 4.345` weeks rounded to whole days for weekly ones), the realised future
//! revenue of a group is what its users (installed up to `d`) paid in the days after `d` up
//! to `d + horizon`, read from the same inputs (so `d + horizon` must not be later than the
//! last day of data). Per group:
//!
//! * realised ROAS = (revenue to date + realised future revenue) / cost,
//! * estimated ROAS = (revenue to date + estimated future revenue) / cost (the report's),
//! * error = estimated / realised − 1 of the ROAS, and of the future revenue alone.
//!
//! Over the groups of one date: the median absolute error, the mean error (bias), and the
//! share of group pairs the estimate orders like the truth (rank agreement).

use chrono::{Days, NaiveDate};
use serde::Serialize;

use crate::error::{Error, Result};
use crate::report::campaign_report::{check_config, CampaignReport, ReportConfig, ReportInputs};
use crate::report::timezone::AsOf;
use crate::report::users::ReportUsers;
use crate::report::valuation::ValueModel;

/// One group at one as-of date.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BacktestRow {
    /// The as-of date replayed.
    pub as_of: NaiveDate,
    /// The last day whose revenue counts as realised.
    pub realised_until: NaiveDate,
    /// The group (values of the report's group-by levels).
    pub group: Vec<String>,
    /// Users of the group at the as-of date.
    pub users: u64,
    /// Cost up to the as-of date.
    pub cost: f64,
    /// Revenue up to the as-of date.
    pub revenue_to_date: f64,
    /// The report's estimate of the future revenue over the horizon.
    pub estimated_future_revenue: f64,
    /// What the group's users then paid over the horizon.
    pub realised_future_revenue: f64,
    /// The report's estimated ROAS.
    pub estimated_roas: Option<f64>,
    /// (revenue to date + realised future revenue) / cost.
    pub realised_roas: Option<f64>,
    /// estimated ROAS / realised ROAS − 1.
    pub roas_error: Option<f64>,
    /// estimated / realised future revenue − 1.
    pub future_revenue_error: Option<f64>,
}

/// Scores of a set of estimates against the truth.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Score {
    /// Groups scored (those with a cost and a realised ROAS).
    pub groups: usize,
    /// Median of |estimated / realised − 1|.
    pub median_abs_error: f64,
    /// Mean of estimated / realised − 1 (positive: the estimates run high).
    pub bias: f64,
    /// Group pairs ordered like the truth (ties in either count as wrong).
    pub pairs_right: usize,
    /// Group pairs.
    pub pairs: usize,
}

impl Score {
    /// Scores `estimated` against `truth` (same order; pairs with a non-finite or
    /// non-positive truth are skipped).
    ///
    /// ```
    /// use ltv::report::backtest::Score;
    /// let s = Score::of(&[1.1, 2.0, 0.9], &[1.0, 2.0, 1.0]);
    /// assert_eq!(s.pairs_right, 2);
    /// assert!((s.median_abs_error - 0.1).abs() < 1e-12);
    /// ```
    pub fn of(estimated: &[f64], truth: &[f64]) -> Score {
        let pts: Vec<(f64, f64)> = estimated
            .iter()
            .zip(truth)
            .filter(|(e, t)| e.is_finite() && t.is_finite() && **t > 0.0)
            .map(|(e, t)| (*e, *t))
            .collect();
        let mut errs: Vec<f64> = pts.iter().map(|(e, t)| e / t - 1.0).collect();
        let bias = if errs.is_empty() {
            0.0
        } else {
            errs.iter().sum::<f64>() / errs.len() as f64
        };
        let mut abs: Vec<f64> = errs.iter_mut().map(|e| e.abs()).collect();
        abs.sort_by(f64::total_cmp);
        let median = match abs.len() {
            0 => 0.0,
            m if m % 2 == 1 => abs[m / 2],
            m => 0.5 * (abs[m / 2 - 1] + abs[m / 2]),
        };
        let (mut right, mut pairs) = (0, 0);
        for i in 0..pts.len() {
            for j in i + 1..pts.len() {
                pairs += 1;
                let de = pts[i].0 - pts[j].0;
                let dt = pts[i].1 - pts[j].1;
                if de * dt > 0.0 {
                    right += 1;
                }
            }
        }
        Score {
            groups: pts.len(),
            median_abs_error: median,
            bias,
            pairs_right: right,
            pairs,
        }
    }
}

/// A backtest: rows per as-of date and group, and scores per date and overall.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Backtest {
    /// Every group at every as-of date.
    pub rows: Vec<BacktestRow>,
    /// ROAS score per as-of date.
    pub by_date: Vec<(NaiveDate, Score)>,
    /// ROAS score over all rows (pairs only within a date).
    pub overall: Score,
    /// As-of dates skipped because their horizon runs past the data.
    pub skipped: Vec<NaiveDate>,
}

/// Whole days of the report's horizon.
pub fn horizon_days(config: &ReportConfig) -> u64 {
    let days = config.horizon.period.periods_per_month()
        * f64::from(config.horizon.months)
        * config.horizon.period.length_seconds() as f64
        / 86_400.0;
    days.round() as u64
}

/// Replays the report at each of `as_of_dates` (with `config`'s other settings and `model`)
/// and scores it against the revenue that arrived over the horizon, up to `data_end` (the
/// last day of data; dates whose horizon runs past it are skipped and listed).
///
/// # Errors
/// Whatever building the report at a date reports; [`Error::EmptyInput`] when no date can be
/// scored.
pub fn backtest(
    inputs: &ReportInputs,
    config: &ReportConfig,
    model: &dyn ValueModel,
    as_of_dates: &[NaiveDate],
    data_end: NaiveDate,
) -> Result<Backtest> {
    let days = horizon_days(config);
    let mut rows = Vec::new();
    let mut by_date = Vec::new();
    let mut skipped = Vec::new();
    let mut all_est = Vec::new();
    let mut all_true = Vec::new();
    let mut overall_pairs = (0usize, 0usize);
    for &d in as_of_dates {
        let until = d + Days::new(days);
        if until > data_end {
            skipped.push(d);
            continue;
        }
        let mut cfg = config.clone();
        cfg.as_of = d;
        let report = CampaignReport::build(inputs, &cfg, model)?;
        // users at d and at d + horizon: the difference of their revenue to date is what
        // they paid over the horizon
        let fx = check_config(&cfg, inputs.fx.as_ref())?;
        let then = ReportUsers::build(
            &inputs.installs,
            &inputs.transactions,
            &inputs.costs,
            &fx,
            AsOf::new(d, cfg.time_zone),
            cfg.group_by.levels(),
        )?;
        let later = ReportUsers::build(
            &inputs.installs,
            &inputs.transactions,
            &inputs.costs,
            &fx,
            AsOf::new(until, cfg.time_zone),
            cfg.group_by.levels(),
        )?;
        let mut later_revenue = std::collections::HashMap::with_capacity(later.len());
        for (u, id) in later.ids().iter().enumerate() {
            later_revenue.insert(id.as_str(), later.revenue_to_date()[u]);
        }
        let mut realised: std::collections::BTreeMap<Vec<String>, f64> = Default::default();
        for (u, id) in then.ids().iter().enumerate() {
            let key = cfg.group_by.key(then.placement(u));
            let gain =
                later_revenue.get(id.as_str()).copied().unwrap_or(0.0) - then.revenue_to_date()[u];
            *realised.entry(key).or_insert(0.0) += gain.max(0.0);
        }
        // the report's rows summed over cohorts
        let mut groups: std::collections::BTreeMap<Vec<String>, (u64, f64, f64, f64)> =
            Default::default();
        for r in &report.rows {
            let e = groups.entry(r.group.clone()).or_insert((0, 0.0, 0.0, 0.0));
            e.0 += r.users;
            e.1 += r.cost;
            e.2 += r.revenue_to_date;
            e.3 += r.estimated_future_revenue;
        }
        let (mut est, mut tru) = (Vec::new(), Vec::new());
        for (group, (users, cost, to_date, future)) in groups {
            let real = realised.get(&group).copied().unwrap_or(0.0);
            let roas = |v: f64| if cost > 0.0 { Some(v / cost) } else { None };
            let estimated_roas = roas(to_date + future);
            let realised_roas = roas(to_date + real);
            let roas_error = match (estimated_roas, realised_roas) {
                (Some(e), Some(t)) if t > 0.0 => Some(e / t - 1.0),
                _ => None,
            };
            if let (Some(e), Some(t)) = (estimated_roas, realised_roas) {
                if t > 0.0 {
                    est.push(e);
                    tru.push(t);
                }
            }
            rows.push(BacktestRow {
                as_of: d,
                realised_until: until,
                group,
                users,
                cost,
                revenue_to_date: to_date,
                estimated_future_revenue: future,
                realised_future_revenue: real,
                estimated_roas,
                realised_roas,
                roas_error,
                future_revenue_error: if real > 0.0 {
                    Some(future / real - 1.0)
                } else {
                    None
                },
            });
        }
        let s = Score::of(&est, &tru);
        overall_pairs.0 += s.pairs_right;
        overall_pairs.1 += s.pairs;
        all_est.extend(est);
        all_true.extend(tru);
        by_date.push((d, s));
    }
    if by_date.is_empty() {
        return Err(Error::EmptyInput {
            what: format!(
                "backtest dates whose {days}-day horizon ends by the last day of data {data_end}"
            ),
        });
    }
    let mut overall = Score::of(&all_est, &all_true);
    overall.pairs_right = overall_pairs.0;
    overall.pairs = overall_pairs.1;
    Ok(Backtest {
        rows,
        by_date,
        overall,
        skipped,
    })
}
