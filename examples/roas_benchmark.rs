//! The ROAS benchmark: how far the campaign report's estimated ROAS can be trusted, on
//! simulated apps of known truth ([`ltv::report::simulation`]), several seeds.
//!
//! For each seed: three networks × five campaigns, ten running for months and five launched
//! 2–7 weeks before the as-of date, ~100k installs. The truth is each campaign's realised ROAS
//! 12 months (360 days) after the as-of date. Each configuration's estimated ROAS is scored:
//! median |estimated / true − 1| over all campaigns and over the new ones, and the share of
//! campaign pairs ordered like the truth (105 pairs, 10 among the new campaigns... see output).
//!
//! Run: `cargo run --release --example roas_benchmark [seeds...]` (default seeds 1 2 3).

use std::time::Instant;

use ltv::report::backtest::Score;
use ltv::report::simulation::{AppSpec, SimulatedApp};
use ltv::report::{
    BuyTillYouDieValue, CampaignReport, HierarchicalValue, Level, ModelPeriod, ReportConfig,
    ValueModel,
};

struct Config {
    name: &'static str,
    period: ModelPeriod,
    model: Box<dyn ValueModel>,
}

fn configs() -> Vec<Config> {
    let mut v = vec![
        Config {
            name: "hierarchical (default): exact days, network+campaign, EB shrinkage",
            period: ModelPeriod::Day,
            model: Box::new(HierarchicalValue::default()),
        },
    ];
    let mut week = HierarchicalValue::default();
    week.exact_times = false;
    v.push(Config {
        name: "hierarchical, calendar weeks",
        period: ModelPeriod::Week,
        model: Box::new(week),
    });
    v.push(Config {
        name: "one pooled BG/NBD, weeks (round-1 default)",
        period: ModelPeriod::Week,
        model: Box::new(BuyTillYouDieValue::default()),
    });
    v.push(Config {
        name: "BG/NBD per campaign, days",
        period: ModelPeriod::Day,
        model: Box::new(BuyTillYouDieValue {
            fit_by: Some(Level::Campaign),
            ..BuyTillYouDieValue::default()
        }),
    });
    v
}

fn main() -> ltv::Result<()> {
    let seeds: Vec<u64> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let seeds = if seeds.is_empty() { vec![1, 2, 3] } else { seeds };
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
        // the true parameters: the best possible
        let only: Option<usize> = std::env::var("ROAS_ONLY").ok().and_then(|v| v.parse().ok());
        for (ci, cfg) in configs().into_iter().enumerate() {
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
                v.iter().zip(&is_new).filter(|(_, n)| **n).map(|(x, _)| *x).collect()
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
