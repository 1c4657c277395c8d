//! The job this crate exists for: the morning campaign report, end to end, on a simulated app.
//!
//! A deterministic simulated app ([`ltv::report::simulation`]): three ad networks, fifteen
//! campaigns (five launched 2–7 weeks ago), ~100k installs with their costs and ~500k
//! payments. The report cuts everything at the as-of date, summarises every user in exact
//! time, fits the hierarchical BG/NBD + Gamma-Gamma model (campaigns shrunk towards their
//! network) and estimates each campaign's return over the next 12 months. Because the data is
//! simulated, the example then shows what each campaign's users really paid.
//!
//! Run: `cargo run --release --example morning_report` (add `-- --write DIR` to also write the
//! inputs as CSV files for `ltv report` / `ltv backtest`).

use ltv::report::simulation::{AppSpec, SimulatedApp};
use ltv::report::{output, CampaignReport, HierarchicalValue, ReportConfig};

fn main() -> ltv::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let spec = AppSpec::default();
    let app = SimulatedApp::generate(&spec, 1)?;
    if let Some(i) = args.iter().position(|a| a == "--write") {
        let dir = std::path::PathBuf::from(args.get(i + 1).map_or("simulated-app", |s| s.as_str()));
        app.write_csv(&dir)?;
        eprintln!(
            "wrote costs.csv, installs.csv, transactions.csv to {}",
            dir.display()
        );
    }
    let mut config = ReportConfig::new(spec.as_of);
    config.group_by = "network,campaign".parse()?;
    let started = std::time::Instant::now();
    let report = CampaignReport::build(&app.inputs, &config, &HierarchicalValue::default())?;
    println!(
        "Campaign report as of {} ({} users, {:.1} s)\n{}",
        spec.as_of,
        report.meta.users,
        started.elapsed().as_secs_f64(),
        output::table(&report, 15)
    );
    println!("What the users then paid (360 days; the simulation knows):");
    println!(
        "{:<12} {:>4} {:>15} {:>15} {:>8}",
        "campaign", "new", "estimated ROAS", "true ROAS", "error"
    );
    for c in &app.campaigns {
        let est = report
            .rows
            .iter()
            .filter(|r| r.group[1] == c.placement.campaign)
            .map(|r| r.estimated_total_revenue)
            .sum::<f64>()
            / c.cost;
        let truth = c.true_roas(360);
        println!(
            "{:<12} {:>4} {:>15.3} {:>15.3} {:>+7.1}%",
            c.placement.campaign,
            if c.is_new { "yes" } else { "" },
            est,
            truth,
            100.0 * (est / truth - 1.0)
        );
    }
    Ok(())
}
