//! `ltv plot KIND --input LOG ... --output FILE.svg|.png`: diagnostic charts of a transaction
//! model on a transaction log, drawn by [`ltv::plot`].
//!
//! The model is read from `--model` (a file of `ltv fit --output`, fitted in `--period`), or
//! fitted here (`--fit`, BG/NBD by default) on the summary of the log up to
//! `--calibration-end` when given, up to `--observation-end` otherwise. `tracking` and
//! `calibration-holdout` need `--calibration-end`; `history-alive` needs `--customer`.

use std::path::PathBuf;

use ltv::data::{Period, TransactionLog};
use ltv::error::{ModelFileRule, ParamValue};
use ltv::fit::FitOptions;
use ltv::models::{ModelFile, SavedModel};
use ltv::plot::{
    period_unit, CalibrationHoldoutData, Chart, ChartOptions, HeterogeneityData, HistoryAliveData,
    ModelMatrix, PeriodTransactionsData, TrackingData,
};
use ltv::summary::{CalibrationHoldout, RfmSummary};
use ltv::{Error, Result};

use crate::fit::{fit_model, ModelKind};
use crate::log_args::{parse_date, End, LogArgs};

/// The charts `ltv plot` draws.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Actual vs expected repeat purchases over calendar time, cumulative and per period,
    /// calibration end marked (needs --calibration-end).
    Tracking,
    /// Mean holdout purchases by calibration frequency, actual vs predicted (needs
    /// --calibration-end).
    CalibrationHoldout,
    /// Expected purchases in the next --horizon periods by frequency and recency.
    FrequencyRecency,
    /// P(alive) by frequency and recency.
    PAlive,
    /// Customers by number of repeat purchases, actual vs model.
    PeriodTransactions,
    /// One customer's P(alive) over time with the purchases marked (needs --customer).
    HistoryAlive,
    /// The fitted distributions of the purchase rate and of dropout.
    Heterogeneity,
}

/// Arguments of `ltv plot`.
#[derive(clap::Args)]
pub struct Args {
    /// Which chart.
    #[arg(value_enum)]
    kind: Kind,
    #[command(flatten)]
    log: LogArgs,
    /// End of the calibration period (the model is fitted on the log up to it; the holdout
    /// runs to --observation-end).
    #[arg(long, value_name = "DATE")]
    calibration_end: Option<String>,
    /// Time unit of the summary and the model; the axes are in it.
    #[arg(long, value_enum, default_value = "week")]
    period: Period,
    /// A fitted model (`ltv fit --output`), fitted on a summary in --period.
    #[arg(long, value_name = "FILE", conflicts_with = "fit")]
    model: Option<PathBuf>,
    /// Model to fit when no --model is given.
    #[arg(long, value_enum, default_value = "bgnbd")]
    fit: ModelKind,
    /// Customer id for history-alive.
    #[arg(long)]
    customer: Option<String>,
    /// Largest frequency shown (the last bin gathers it and above for calibration-holdout
    /// and period-transactions; default 7 there, the data's largest up to 40 for matrices).
    #[arg(long)]
    max_frequency: Option<u32>,
    /// Largest recency of the matrices (default: the data's largest T, up to 200).
    #[arg(long)]
    max_recency: Option<u32>,
    /// Horizon of frequency-recency, in periods.
    #[arg(long, default_value_t = 1.0)]
    horizon: f64,
    /// Picture width in pixels (default 800).
    #[arg(long)]
    width: Option<u32>,
    /// Picture height in pixels (default: the chart's own).
    #[arg(long)]
    height: Option<u32>,
    /// Title (default: the chart's own).
    #[arg(long)]
    title: Option<String>,
    /// Output picture: PNG when the name ends in .png, SVG otherwise.
    #[arg(long, short, value_name = "FILE")]
    output: PathBuf,
    /// Also write the chart's data (its series) as JSON.
    #[arg(long, value_name = "FILE")]
    data: Option<PathBuf>,
}

fn need<T>(value: Option<T>, flag: &str, kind: &str) -> Result<T> {
    value.ok_or_else(|| Error::InvalidParameter {
        name: flag.into(),
        value: ParamValue::None,
        rule: format!("`ltv plot {kind}` needs --{flag}"),
    })
}

fn max_of(values: &[f64], cap: u32) -> u32 {
    let m = values.iter().copied().fold(0.0, f64::max);
    (m.ceil() as u32).clamp(1, cap)
}

/// The model, read or fitted on `summary`.
fn model(args: &Args, summary: &RfmSummary) -> Result<SavedModel> {
    if let Some(path) = &args.model {
        let file = ModelFile::load(path)?;
        // a model fitted in another period would put its predictions on the wrong axes
        let wanted = args.period;
        if let Some(recorded) = file.period {
            if recorded != wanted {
                return Err(Error::ModelFormat {
                    path: Some(path.to_path_buf()),
                    rule: ModelFileRule::PeriodMismatch {
                        recorded: format!("{recorded:?}").to_lowercase(),
                        given: format!("{wanted:?}").to_lowercase(),
                    },
                });
            }
        }
        return Ok(file.model);
    }
    let fitted = fit_model(args.fit, summary, &FitOptions::default())?;
    if !fitted.fit().convergence().converged {
        eprintln!(
            "ltv plot: warning: the {} fit did not converge; the chart shows it anyway",
            fitted.name()
        );
    }
    Ok(fitted)
}

fn json(value: &impl serde::Serialize) -> Result<String> {
    serde_json::to_string_pretty(value).map_err(|e| Error::Draw {
        chart: "data".into(),
        source: Box::new(e),
    })
}

/// Runs `ltv plot`.
pub fn run(args: Args) -> Result<()> {
    let log: TransactionLog = args.log.read(None)?;
    let period = args.period;
    let unit = period_unit(period);
    let format = args.log.date_format()?;
    if args.log.exact_times {
        // the tracking and history series count whole calendar periods, like the summaries
        return Err(Error::InvalidParameter {
            name: "exact-times".into(),
            value: ParamValue::None,
            rule: "`ltv plot` counts whole periods; drop --exact-times".into(),
        });
    }
    let (End::At(end) | End::Before(end)) = args.log.end()?;
    let cal_end = args
        .calibration_end
        .as_deref()
        .map(|s| parse_date(s, "calibration-end", &format))
        .transpose()?;
    let options = args.log.summary_options(period)?;
    let split: Option<CalibrationHoldout> = cal_end
        .map(|c| options.calibration_holdout(&log, c))
        .transpose()?;
    let full;
    let summary = match &split {
        Some(s) => s.calibration(),
        None => {
            full = options.summarise(&log)?.summary;
            &full
        }
    };
    let saved = model(&args, summary)?;
    let tm = saved.as_transaction_model();
    let chart_options = {
        let mut o = ChartOptions::default();
        o.size = match (args.width, args.height) {
            (None, None) => None,
            (w, h) => Some((w.unwrap_or(800), h.unwrap_or(600))),
        };
        o.title = args.title.clone();
        o
    };
    let name = clap::ValueEnum::to_possible_value(&args.kind)
        .map_or_else(String::new, |v| v.get_name().to_string());
    let max_f = |default| args.max_frequency.unwrap_or(default);
    let grid = || {
        (
            args.max_frequency
                .unwrap_or_else(|| max_of(summary.frequency(), 40)),
            args.max_recency.unwrap_or_else(|| max_of(summary.t(), 200)),
        )
    };
    let (chart, data): (Chart, String) = match args.kind {
        Kind::Tracking => {
            let cal = need(cal_end, "calibration-end", "tracking")?;
            let origin = log.first_timestamp();
            let rel = |t| period.index_from(origin, t) - period.index_from(origin, origin);
            // complete periods only: the period holding the observation end counts when the
            // next day starts a new one (a weekly chart ending on a Tuesday stops the Sunday
            // before, instead of showing a partial week as a drop)
            let next_day =
                ltv::data::Timestamp::from_seconds(end.seconds() + 86_400).unwrap_or(end);
            let horizon = rel(end) + i64::from(rel(next_day) > rel(end));
            let d = TrackingData::new(&log, period, tm?, cal, horizon.max(1) as u32)?;
            (d.draw(&chart_options)?, json(&d)?)
        }
        Kind::CalibrationHoldout => {
            let split = need(split.as_ref(), "calibration-end", "calibration-holdout")?;
            let d = CalibrationHoldoutData::new(split, tm?, max_f(7))?;
            (d.draw(&chart_options)?, json(&d)?)
        }
        Kind::FrequencyRecency => {
            let (f, r) = grid();
            let d = ModelMatrix::expected_purchases(tm?, &unit, args.horizon, f, r)?;
            (d.draw(&chart_options)?, json(&d)?)
        }
        Kind::PAlive => {
            let (f, r) = grid();
            let d = ModelMatrix::probability_alive(tm?, &unit, f, r)?;
            (d.draw(&chart_options)?, json(&d)?)
        }
        Kind::PeriodTransactions => {
            let d = PeriodTransactionsData::from_model(summary, &saved, max_f(7))?;
            (d.draw(&chart_options)?, json(&d)?)
        }
        Kind::HistoryAlive => {
            let id = need(args.customer.as_deref(), "customer", "history-alive")?;
            let d = HistoryAliveData::new(&log, id, period, tm?, end)?;
            (d.draw(&chart_options)?, json(&d)?)
        }
        Kind::Heterogeneity => {
            let d = HeterogeneityData::from_model(&saved, &unit)?;
            (d.draw(&chart_options)?, json(&d)?)
        }
    };
    chart.save(&args.output)?;
    eprintln!("ltv plot: wrote {} ({name})", args.output.display());
    if let Some(path) = &args.data {
        std::fs::write(path, data).map_err(|source| Error::Io {
            path: path.clone(),
            source,
        })?;
    }
    Ok(())
}
