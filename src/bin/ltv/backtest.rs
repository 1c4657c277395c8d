//! `ltv backtest`: the report replayed at earlier as-of dates on the user's own history, each
//! estimate scored against the revenue that then arrived (see `ltv::report::backtest`).
//!
//! Takes every `ltv report` flag; `--as-of` is the last day of data. The replayed dates are
//! `--dates` (comma separated), or `--count` dates `--every` days apart, the latest one
//! horizon before the last day of data (so that its horizon has fully elapsed).
//!
//! `--chart FILE` (`.svg` or `.png`) draws estimated vs realised future revenue across the
//! as-of dates, overall and per group (`ltv::plot::BacktestChartData`); `--html FILE` (the
//! `ltv report` flag) writes one self-contained page with that chart, the scores and the rows.

use std::io::Write;
use std::time::Instant;

use chrono::{Days, NaiveDate};
use ltv::report::backtest::{backtest, horizon_days, Backtest};
use ltv::report::parse_date_arg;
use ltv::{Error, Result};

use crate::io::{output as open_output, write_err};
use crate::names::OutputFormat;
use crate::report::{prepare, Log, Prepared};

/// Arguments of `ltv backtest`.
#[derive(clap::Args)]
pub struct Args {
    /// Every flag of `ltv report` (`--as-of` = the last day of data).
    #[command(flatten)]
    report: crate::report::Args,
    /// As-of dates to replay, comma separated (YYYY-MM-DD).
    #[arg(long, value_delimiter = ',')]
    dates: Vec<String>,
    /// Days between replayed dates (without --dates).
    #[arg(long, default_value_t = 28)]
    every: u64,
    /// Number of replayed dates (without --dates).
    #[arg(long, default_value_t = 4)]
    count: u64,
    /// Also write the chart of estimated vs realised future revenue across the as-of dates,
    /// overall and per group (`.png` or `.svg` by the file name).
    #[arg(long, value_name = "FILE")]
    chart: Option<std::path::PathBuf>,
    /// Groups drawn in the chart's lower panel (the largest by cost).
    #[arg(long, default_value_t = 6)]
    chart_groups: usize,
}

fn fmt_pct(v: Option<f64>) -> String {
    v.map_or("-".into(), |e| format!("{:+.1}%", 100.0 * e))
}

fn table(b: &Backtest) -> String {
    let mut out = String::new();
    out.push_str(&format!(
        "{:<10}  {:<28} {:>12} {:>12} {:>14} {:>14} {:>9} {:>9} {:>9}\n",
        "as of",
        "group",
        "cost",
        "to date",
        "est. future",
        "real. future",
        "est ROAS",
        "real ROAS",
        "error"
    ));
    for r in &b.rows {
        out.push_str(&format!(
            "{:<10}  {:<28} {:>12.2} {:>12.2} {:>14.2} {:>14.2} {:>9} {:>9} {:>9}\n",
            r.as_of,
            r.group.join("/"),
            r.cost,
            r.revenue_to_date,
            r.estimated_future_revenue,
            r.realised_future_revenue,
            r.estimated_roas.map_or("-".into(), |v| format!("{v:.3}")),
            r.realised_roas.map_or("-".into(), |v| format!("{v:.3}")),
            fmt_pct(r.roas_error),
        ));
    }
    out.push('\n');
    for (d, s) in &b.by_date {
        out.push_str(&format!(
            "{d}: median |error| {:.1}%, bias {:+.1}%, pairs ordered right {}/{}\n",
            100.0 * s.median_abs_error,
            100.0 * s.bias,
            s.pairs_right,
            s.pairs
        ));
    }
    out.push_str(&format!(
        "overall: median |error| {:.1}%, bias {:+.1}%, pairs ordered right {}/{} ({} groups × dates)\n",
        100.0 * b.overall.median_abs_error,
        100.0 * b.overall.bias,
        b.overall.pairs_right,
        b.overall.pairs,
        b.overall.groups
    ));
    if !b.skipped.is_empty() {
        out.push_str(&format!(
            "skipped (horizon past the data): {}\n",
            b.skipped
                .iter()
                .map(|d| d.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    out
}

fn csv(b: &Backtest) -> String {
    let mut out = String::from("as_of,realised_until,group,users,cost,revenue_to_date,estimated_future_revenue,realised_future_revenue,estimated_roas,realised_roas,roas_error,future_revenue_error\n");
    let opt = |v: Option<f64>| v.map_or(String::new(), |x| x.to_string());
    for r in &b.rows {
        let group = r.group.join("/");
        let group = if group.contains([',', '"']) {
            format!("\"{}\"", group.replace('"', "\"\""))
        } else {
            group
        };
        out.push_str(&format!(
            "{},{},{},{},{},{},{},{},{},{},{},{}\n",
            r.as_of,
            r.realised_until,
            group,
            r.users,
            r.cost,
            r.revenue_to_date,
            r.estimated_future_revenue,
            r.realised_future_revenue,
            opt(r.estimated_roas),
            opt(r.realised_roas),
            opt(r.roas_error),
            opt(r.future_revenue_error)
        ));
    }
    out
}

pub fn run(args: Args) -> Result<()> {
    let log = Log {
        quiet: args.report.quiet,
        start: Instant::now(),
    };
    let format = OutputFormat::choose(
        args.report.format,
        args.report.output.as_deref(),
        OutputFormat::Table,
    );
    let data_end = parse_date_arg(&args.report.as_of)?;
    let Prepared {
        config,
        model,
        inputs,
    } = prepare(&args.report, &log)?;
    let days = horizon_days(&config);
    let dates: Vec<NaiveDate> = if args.dates.is_empty() {
        if args.count == 0 || args.every == 0 {
            return Err(Error::invalid_parameter(
                "count/every",
                0.0,
                "must be > 0 (or give --dates)",
            ));
        }
        let last = data_end.checked_sub_days(Days::new(days)).ok_or_else(|| {
            Error::invalid_parameter(
                "as-of",
                args.report.as_of.as_str(),
                "too early for the horizon",
            )
        })?;
        let mut v: Vec<NaiveDate> = (0..args.count)
            .filter_map(|i| last.checked_sub_days(Days::new(i * args.every)))
            .collect();
        v.reverse();
        v
    } else {
        args.dates
            .iter()
            .map(|d| parse_date_arg(d))
            .collect::<Result<_>>()?
    };
    log.info(format!(
        "replaying the report at {} dates, horizon {days} days, data to {data_end}",
        dates.len()
    ));
    let b = backtest(&inputs, &config, model.as_ref(), &dates, data_end)?;
    if let Some(p) = &args.chart {
        ltv::plot::BacktestChartData::from_backtest(&b, args.chart_groups)
            .draw(&ltv::plot::ChartOptions::default())?
            .save(p)?;
        log.info(format!("chart written to {}", p.display()));
    }
    // `--html` (shared with `ltv report`): the backtest's page, not the report's
    if let Some(p) = &args.report.html {
        let page = ltv::plot::backtest_html(&b, args.chart_groups)?;
        std::fs::write(p, page).map_err(|source| Error::Io {
            path: p.clone(),
            source,
        })?;
        log.info(format!("HTML page written to {}", p.display()));
    }
    let path = args.report.output.as_deref();
    let mut out = open_output(path)?;
    let text = match format {
        OutputFormat::Csv => csv(&b),
        OutputFormat::Json => {
            serde_json::to_string_pretty(&b).map_err(|source| Error::Json {
                what: "writing the backtest as JSON".into(),
                source,
            })? + "\n"
        }
        OutputFormat::Table => table(&b),
    };
    out.write_all(text.as_bytes()).map_err(write_err(path))?;
    out.flush().map_err(write_err(path))?;
    log.info(format!(
        "overall: median |error| {:.1}%, pairs ordered right {}/{}",
        100.0 * b.overall.median_abs_error,
        b.overall.pairs_right,
        b.overall.pairs
    ));
    Ok(())
}
