//! The ROAS benchmark: how far the campaign report's estimated ROAS can be trusted, on
//! simulated apps of known truth ([`ltv::report::simulation`]), several seeds.
//!
//! For each seed: three networks × five campaigns, ten running for months and five launched
//! 2–7 weeks before the as-of date, ~100k installs. The truth is each campaign's realised ROAS
//! 12 months (360 days) after the as-of date. Each configuration's estimated ROAS is scored:
//! median |estimated / true − 1| over all campaigns and over the new ones, and the share of
//! campaign pairs ordered like the truth (105 pairs, 10 among the five new campaigns).
//!
//! Run: `cargo run --release --example roas_benchmark [seeds...]` (default seeds 1 2 3).
//! `ROAS_ONLY=i` runs only the i-th configuration (0-based, in the table's order);
//! `ROAS_DETAIL=1` prints each run's model description and warnings to stderr.

use std::time::Instant;

use std::collections::HashMap;
use std::io::Write;

use ltv::models::bgnbd::BgNbd;
use ltv::models::gamma_gamma::GammaGamma;
use ltv::models::TransactionModel;
use ltv::report::backtest::Score;
use ltv::report::simulation::{AppSpec, SimulatedApp, SimulatedCampaign};
use ltv::report::{
    BuyTillYouDieValue, CampaignReport, FutureValues, HierarchicalValue, Horizon, Level,
    ReportConfig, ReportUsers, Uncertainty, ValueModel,
};

/// Each user's exact-time history in days at the as-of cut: (x, t_x, T, mean spend).
fn exact_days(users: &ReportUsers, u: usize) -> (f64, f64, f64, f64) {
    let cut = users.as_of().cut();
    let b = users.birth_times()[u];
    let (times, amounts) = users.payments(u);
    let x = times.len() as f64;
    let last = times.iter().copied().max().unwrap_or(b);
    let money = if x > 0.0 {
        amounts.iter().sum::<f64>() / x
    } else {
        0.0
    };
    (
        x,
        if x > 0.0 {
            (last - b) as f64 / 86_400.0
        } else {
            0.0
        },
        (cut - b) as f64 / 86_400.0,
        money,
    )
}

/// The best possible estimate: every user valued with their campaign's true parameters.
struct TrueParameters(HashMap<String, SimulatedCampaign>);

impl ValueModel for TrueParameters {
    fn estimate(&self, users: &ReportUsers, horizon: &Horizon) -> ltv::Result<FutureValues> {
        let days = 30.0 * f64::from(horizon.months);
        let mut expected = Vec::with_capacity(users.len());
        for u in 0..users.len() {
            let c = &self.0[&users.placement(u).campaign];
            let [r, alpha, a, b] = c.bgnbd;
            let [p, q, v] = c.spend;
            let (x, tx, t, m) = exact_days(users, u);
            let purchases =
                BgNbd::new(r, alpha, a, b)?.conditional_expected_purchases_one(days, x, tx, t)?;
            let spend = GammaGamma::new(p, q, v)?.conditional_expected_average_value(x, m)?;
            expected.push(purchases * spend);
        }
        Ok(FutureValues {
            expected,
            uncertainty: Uncertainty::None,
            description: serde_json::json!({"model": "true parameters"}),
            warnings: vec![],
            unconverged_fits: vec![],
            unconverged_users: vec![],
        })
    }
}

/// Writes the users' exact-time summary and the campaigns' truth for the lifetimes anchors
/// (`benches/roas_lifetimes.py`).
fn export(app: &SimulatedApp, users: &ReportUsers, dir: &str, seed: u64) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let mut f = std::fs::File::create(format!("{dir}/users_seed{seed}.csv"))?;
    writeln!(
        f,
        "user_id,network,campaign,frequency,recency,T,monetary_value"
    )?;
    for u in 0..users.len() {
        let (x, tx, t, m) = exact_days(users, u);
        let p = users.placement(u);
        writeln!(
            f,
            "{},{},{},{x},{tx},{t},{m}",
            users.ids()[u],
            p.network,
            p.campaign
        )?;
    }
    let mut f = std::fs::File::create(format!("{dir}/campaigns_seed{seed}.csv"))?;
    writeln!(
        f,
        "campaign,network,is_new,cost,revenue_to_date,future_revenue_360"
    )?;
    for c in &app.campaigns {
        writeln!(
            f,
            "{},{},{},{},{},{}",
            c.placement.campaign,
            c.placement.network,
            c.is_new,
            c.cost,
            c.revenue_to_date,
            c.future_revenue(360)
        )?;
    }
    Ok(())
}

struct Config {
    name: &'static str,
    period: ltv::Period,
    model: Box<dyn ValueModel>,
}

fn configs() -> Vec<Config> {
    let mut v = vec![Config {
        name: "hierarchical (default): exact days, network+campaign, EB shrinkage",
        period: ltv::Period::Day,
        model: Box::new(HierarchicalValue::default()),
    }];
    let mut week = HierarchicalValue::default();
    week.exact_times = false;
    v.push(Config {
        name: "hierarchical, calendar weeks",
        period: ltv::Period::Week,
        model: Box::new(week),
    });
    v.push(Config {
        name: "one pooled BG/NBD, weeks (round-1 default)",
        period: ltv::Period::Week,
        model: Box::new(BuyTillYouDieValue::default()),
    });
    v.push(Config {
        name: "BG/NBD per campaign, days",
        period: ltv::Period::Day,
        model: Box::new(BuyTillYouDieValue {
            fit_by: Some(Level::Campaign),
            ..BuyTillYouDieValue::default()
        }),
    });
    for (name, kind) in [
        (
            "hierarchical MBG/NBD (`--model mbgnbd`), exact days",
            ltv::models::ModelKind::MbgNbd,
        ),
        (
            "hierarchical Pareto/NBD (`--model pareto-nbd`), exact days",
            ltv::models::ModelKind::ParetoNbd,
        ),
    ] {
        let mut m = HierarchicalValue::default();
        m.kind = kind;
        v.push(Config {
            name,
            period: ltv::Period::Day,
            model: Box::new(m),
        });
    }
    v
}

fn main() -> ltv::Result<()> {
    let seeds: Vec<u64> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let seeds = if seeds.is_empty() {
        vec![1, 2, 3]
    } else {
        seeds
    };
    let spec = AppSpec::default();
    println!("| seed | configuration | median error, all | median error, new | pairs right, all | pairs right, new | seconds |");
    println!("|---|---|---|---|---|---|---|");
    for &seed in &seeds {
        let app = SimulatedApp::generate(&spec, seed)?;
        let truth: Vec<f64> = app.campaigns.iter().map(|c| c.true_roas(360)).collect();
        let is_new: Vec<bool> = app.campaigns.iter().map(|c| c.is_new).collect();
        eprintln!(
            "seed {seed}: {} installs, {} payments",
            app.inputs.installs.len(),
            app.inputs.transactions.len()
        );
        let mut cfgs = configs();
        // the true parameters: the best possible
        cfgs.push(Config {
            name: "true parameters (the best possible)",
            period: ltv::Period::Day,
            model: Box::new(TrueParameters(
                app.campaigns
                    .iter()
                    .map(|c| (c.placement.campaign.clone(), c.clone()))
                    .collect(),
            )),
        });
        if let Ok(dir) = std::env::var("ROAS_EXPORT") {
            let mut c = ReportConfig::new(spec.as_of);
            c.group_by = "campaign".parse()?;
            let users = ReportUsers::build(
                &app.inputs.installs,
                &app.inputs.transactions,
                &app.inputs.costs,
                &ltv::report::FxRates::new("USD")?,
                ltv::report::AsOf::new(spec.as_of, c.time_zone),
                c.group_by.levels(),
            )?;
            export(&app, &users, &dir, seed).map_err(|e| ltv::Error::Io {
                path: dir.clone().into(),
                source: e,
            })?;
        }
        let only: Option<usize> = std::env::var("ROAS_ONLY").ok().and_then(|v| v.parse().ok());
        for (ci, cfg) in cfgs.into_iter().enumerate() {
            if only.is_some_and(|o| o != ci) {
                continue;
            }
            let mut c = ReportConfig::new(spec.as_of);
            c.group_by = "campaign".parse()?;
            c.horizon.period = cfg.period;
            c.horizon.months = 12;
            let t0 = Instant::now();
            let report = match CampaignReport::build(&app.inputs, &c, cfg.model.as_ref()) {
                Ok(r) => r,
                Err(e) => {
                    println!("| {seed} | {} | failed: {e} | | | | |", cfg.name);
                    continue;
                }
            };
            let secs = t0.elapsed().as_secs_f64();
            if std::env::var("ROAS_DETAIL").is_ok() {
                // the model step's description and warnings, for a closer look at one
                // configuration (with ROAS_ONLY)
                eprintln!(
                    "{}",
                    serde_json::to_string_pretty(&report.meta.model).unwrap_or_default()
                );
                for w in &report.meta.warnings {
                    eprintln!("warning: {w}");
                }
            }
            let est: Vec<f64> = app
                .campaigns
                .iter()
                .map(|camp| {
                    report
                        .rows
                        .iter()
                        .filter(|r| r.group[0] == camp.placement.campaign)
                        .map(|r| r.estimated_total_revenue)
                        .sum::<f64>()
                        / camp.cost
                })
                .collect();
            let all = Score::of(&est, &truth);
            let pick = |v: &[f64]| -> Vec<f64> {
                v.iter()
                    .zip(&is_new)
                    .filter(|(_, n)| **n)
                    .map(|(x, _)| *x)
                    .collect()
            };
            let new = Score::of(&pick(&est), &pick(&truth));
            println!(
                "| {seed} | {} | {:.1}% | {:.1}% | {}/{} | {}/{} | {secs:.2} |",
                cfg.name,
                100.0 * all.median_abs_error,
                100.0 * new.median_abs_error,
                all.pairs_right,
                all.pairs,
                new.pairs_right,
                new.pairs
            );
        }
    }
    Ok(())
}
