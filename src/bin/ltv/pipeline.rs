//! `ltv pipeline`: a transaction log in, per-customer value out, in one process — read,
//! RFM summary, transaction model fit, Gamma-Gamma fit, CLV with intervals: the library's
//! [`ltv::Pipeline`] stage by stage, with timings and files.
//!
//! This is what `ltv summary`, `ltv fit` (twice) and `ltv clv` do one after another, without
//! writing and re-reading the intermediate files; the models' time unit comes from
//! `--period` itself, so it cannot be confused. Each stage's wall time goes to stderr and, with
//! `--timings FILE`, to a JSON file (`{"stages": [{"stage": "read", "seconds": …}, …],
//! "total_seconds": …}`) — the side-by-side script against lifetimes reads it.
//!
//! Output columns: `customer_id,frequency,recency,T,monetary_value,p_alive,
//! expected_purchases,expected_average_value,clv[,clv_lower,clv_upper]`, where
//! `expected_purchases` is the conditional expected number of purchases over the CLV horizon
//! (`--months` converted to periods with lifetimes' constants) and `expected_average_value`
//! is the Gamma-Gamma conditional expected value per purchase (customers with frequency 0 get
//! the population mean).

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use ltv::fit::FitOptions;
use ltv::models::{ModelFile, ModelKind, SavedModel};
use ltv::pipeline::FittedModels;
use ltv::summary::write_summary_csv;
use ltv::{Error, Period, Pipeline, Result};

use crate::fit::FitPrintout;
use crate::io::{output, write_err};
use crate::log_args::LogArgs;
use crate::table::{Column, CsvTable};

/// Arguments of `ltv pipeline`.
#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    log: LogArgs,
    /// Column holding the transaction amount.
    #[arg(long)]
    amount_col: String,
    /// Unit of frequency, recency and T, and of the fitted models.
    #[arg(long, value_enum)]
    period: Period,
    /// Transaction model.
    #[arg(long, default_value = "bgnbd", value_parser = transaction_model_kind())]
    model: ModelKind,
    /// L2 penalty of the transaction model's fit, with lifetimes' `penalizer_coef` meaning.
    #[arg(long, default_value_t = 0.0)]
    penalizer: f64,
    /// L2 penalty of the Gamma-Gamma fit, with lifetimes' `penalizer_coef` meaning.
    #[arg(long, default_value_t = 0.0)]
    spend_penalizer: f64,
    /// CLV horizon in whole months, at most 1200 (100 years).
    #[arg(long)]
    months: u32,
    /// Discount rate per month (0.01 = 1% a month), compounded monthly.
    #[arg(long)]
    discount_rate: f64,
    /// Confidence level of the CLV intervals.
    #[arg(long, default_value_t = 0.95)]
    level: f64,
    /// Leave repeat customers whose mean repeat spend is not > 0 (refunds, free orders) out
    /// of the Gamma-Gamma fit and value their purchases at the population mean spend, as a
    /// customer without repeat purchases is; their number is logged. Without this flag such
    /// a customer is an error naming its row (the Gamma-Gamma model has no zero spends).
    #[arg(long)]
    exclude_nonpositive_spend: bool,
    /// Leave out the CLV intervals (`clv_lower`, `clv_upper`).
    #[arg(long)]
    no_intervals: bool,
    /// Per-customer output CSV (default stdout).
    #[arg(long)]
    output: Option<PathBuf>,
    /// Also write the RFM summary (as `ltv summary` does).
    #[arg(long)]
    summary_output: Option<PathBuf>,
    /// Also write the fitted transaction model (as `ltv fit --output`).
    #[arg(long)]
    transaction_model_output: Option<PathBuf>,
    /// Also write the fitted Gamma-Gamma model (as `ltv fit --output`).
    #[arg(long)]
    spend_model_output: Option<PathBuf>,
    /// Write the stage timings as JSON to this file.
    #[arg(long)]
    timings: Option<PathBuf>,
}

/// Wall-clock stage timer; every stage is logged to stderr as it ends.
struct Stages {
    start: Instant,
    last: Instant,
    done: Vec<(&'static str, f64)>,
}

impl Stages {
    fn new() -> Self {
        let now = Instant::now();
        Self {
            start: now,
            last: now,
            done: vec![],
        }
    }

    fn end(&mut self, stage: &'static str, what: impl std::fmt::Display) {
        let now = Instant::now();
        let secs = (now - self.last).as_secs_f64();
        self.last = now;
        eprintln!("ltv pipeline: {stage:<22} {secs:8.3} s  {what}");
        self.done.push((stage, secs));
    }

    fn json(&self) -> serde_json::Value {
        serde_json::json!({
            "stages": self.done.iter().map(|(s, t)| serde_json::json!({"stage": s, "seconds": t}))
                .collect::<Vec<_>>(),
            "total_seconds": self.start.elapsed().as_secs_f64(),
        })
    }
}

/// Runs `ltv pipeline`: the library's [`Pipeline`] stage by stage, timing each.
pub fn run(args: Args) -> Result<()> {
    let mut stages = Stages::new();
    let period = args.period;
    let end = args.log.end()?.shown();
    let mut pipeline = Pipeline::with_summary(args.log.summary_options(period)?)
        .model(args.model)
        .fit_options({
            let mut o = FitOptions::default();
            o.penalizer = args.penalizer;
            o
        })
        .spend_fit_options({
            let mut o = FitOptions::default();
            o.penalizer = args.spend_penalizer;
            o
        })
        .months(args.months)
        .discount(args.discount_rate)?
        .exclude_nonpositive_spend(args.exclude_nonpositive_spend);
    if !args.no_intervals {
        pipeline = pipeline.intervals(args.level);
    }

    let log = args.log.read(Some(&args.amount_col))?;
    stages.end(
        "read",
        format_args!(
            "{} transactions of {} customers",
            log.len(),
            log.n_customers()
        ),
    );

    let out = pipeline.summarise(&log)?;
    drop(log);
    let summary = out.summary;
    stages.end(
        "summary",
        format_args!(
            "{} customers (period {period}, observation end {end}); {} transactions after the end excluded",
            summary.len(),
            out.stats.excluded_after_end
        ),
    );
    if let Some(path) = &args.summary_output {
        let f = output(Some(path))?;
        write_summary_csv(&summary, f).map_err(|e| match e {
            Error::Io { source, .. } => write_err(Some(path))(source),
            e => e,
        })?;
        stages.end("write summary", path.display());
    }

    let transactions = pipeline.fit_transactions(&summary)?;
    let fit = transactions.fit();
    stages.end(
        "fit transaction model",
        format_args!(
            "{} LL {:.4}, {} iterations",
            transactions.name(),
            fit.log_likelihood(),
            fit.convergence().iterations
        ),
    );
    let spend = pipeline.fit_spend(&summary)?;
    if let Some(warning) = &spend.warning {
        eprintln!("ltv pipeline: warning: {warning}");
    }
    let excluded = spend.excluded;
    stages.end(
        "fit gamma-gamma",
        format_args!(
            "LL {:.4}{}",
            spend.model.fit().log_likelihood(),
            if excluded > 0 {
                format!(
                    "; {excluded} repeat customers with mean spend <= 0 left out and valued at \
                     the population mean"
                )
            } else {
                String::new()
            }
        ),
    );
    let spend_file = SavedModel::from(spend.model.clone());
    let models = FittedModels::new(transactions, spend);
    for (path, saved) in [
        (&args.transaction_model_output, &models.transactions),
        (&args.spend_model_output, &spend_file),
    ] {
        if let Some(path) = path {
            // with the period, so that `ltv clv` reads the model file without `--period`
            ModelFile {
                model: saved.clone(),
                period: Some(period),
            }
            .save(path)?;
        }
    }
    // the fits as `ltv fit` prints them, for the log
    for saved in [&models.transactions, &spend_file] {
        let text =
            serde_json::to_string(&FitPrintout::new(saved.name(), saved.fit())).map_err(|e| {
                Error::Json {
                    what: "writing the fit as JSON".into(),
                    source: e,
                }
            })?;
        eprintln!("ltv pipeline: {text}");
    }

    let values = pipeline.value(&summary, &models)?;
    if let Some(e) = &values.no_intervals {
        eprintln!("ltv pipeline: warning: clv_lower and clv_upper left empty (no intervals): {e}");
    }
    let total: f64 = values.clv.iter().sum();
    stages.end(
        "predict + clv",
        format_args!(
            "{} months at {}/month, total CLV {total:.6e}",
            args.months, args.discount_rate
        ),
    );

    let monetary = summary.monetary_value().unwrap_or(&[]);
    let mut columns = vec![
        Column::new("frequency", summary.frequency()),
        Column::new("recency", summary.recency()),
        Column::new("T", summary.t()),
        Column::new("monetary_value", monetary),
        Column::new("p_alive", &values.p_alive),
        Column::new("expected_purchases", &values.expected_purchases),
        Column::new("expected_average_value", &values.expected_average_value),
        Column::new("clv", &values.clv),
    ];
    match (&values.clv_lower, &values.clv_upper) {
        (Some(lower), Some(upper)) => {
            columns.push(Column::new("clv_lower", lower));
            columns.push(Column::new("clv_upper", upper));
        }
        // intervals asked for but unavailable (the reason is on stderr): the columns stay, empty
        _ if !args.no_intervals => {
            columns.push(Column::empty("clv_lower"));
            columns.push(Column::empty("clv_upper"));
        }
        _ => {}
    }
    let path = args.output.as_deref();
    let mut sink = output(path)?;
    CsvTable::new("customer_id", summary.customer_ids(), columns)
        .write(&mut sink)
        .map_err(write_err(path))?;
    sink.flush().map_err(write_err(path))?;
    stages.end("write output", format_args!("{} rows", summary.len()));

    if let Some(path) = &args.timings {
        let text = serde_json::to_string_pretty(&stages.json()).map_err(|e| Error::Json {
            what: "writing the timings as JSON".into(),
            source: e,
        })?;
        std::fs::write(path, text).map_err(|source| Error::Io {
            path: path.clone(),
            source,
        })?;
    }
    eprintln!(
        "ltv pipeline: total {:.3} s",
        stages.start.elapsed().as_secs_f64()
    );
    // The process ends here: leave the million-row columns to the operating system instead
    // of freeing them one allocation at a time (a million id strings).
    std::mem::forget((summary, values));
    Ok(())
}

/// `--model`: the continuous-time transaction models CLV is defined for, parsed into the
/// crate's one [`ModelKind`].
fn transaction_model_kind() -> impl clap::builder::TypedValueParser<Value = ModelKind> {
    use clap::builder::TypedValueParser;
    clap::builder::PossibleValuesParser::new(["bgnbd", "mbgnbd", "pareto-nbd"])
        .try_map(|s: String| ModelKind::parse_transaction(&s))
}
