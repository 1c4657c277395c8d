//! `ltv clv --transaction-model M.json --spend-model G.json --input RFM.csv --months N
//! --discount-rate D [--period week] [--output FILE]`: writes
//! `customer_id,clv[,clv_lower,clv_upper]`.
//!
//! The months are converted to the transaction model's periods with the period recorded in
//! its file (`ltv fit --period`); `--period` is needed only for files that record none, and
//! is an error when it contradicts the recorded one. Nothing is assumed.
//!
//! CLV as lifetimes' `GammaGammaFitter.customer_lifetime_value`: month by month, the
//! transaction model's expected purchases times the Gamma-Gamma expected value per purchase,
//! discounted at each month's end (see `ltv::value::clv`). The bounds are delta-method
//! intervals from both models' parameter uncertainty (`ltv::value::interval`); they are
//! written when both model files carry a covariance, unless `--no-intervals`.

use std::io::Write;
use std::path::PathBuf;

use ltv::error::ModelFileRule;
use ltv::models::{ModelFile, SavedModel};
use ltv::pipeline::{ClvColumns, SpendHistory};
use ltv::value::{ClvSettings, MonthlyDiscountRate, Months};
use ltv::Period;
use ltv::{Error, Result};

use crate::fit::SummaryColumns;
use crate::io::{output, write_err};
use crate::table::{Column, CsvTable};

/// Arguments of `ltv clv`.
#[derive(clap::Args)]
pub struct Args {
    /// Transaction model file written by `ltv fit` (bgnbd, mbgnbd, pareto-nbd).
    #[arg(long)]
    transaction_model: PathBuf,
    /// Spend model file written by `ltv fit --model gamma-gamma`.
    #[arg(long)]
    spend_model: PathBuf,
    /// RFM summary CSV with frequency, recency, T (periods) and the mean repeat spend.
    #[arg(long)]
    input: PathBuf,
    /// Horizon in whole months, at most 1200 (100 years); each month costs the same however far
    /// out it lies.
    #[arg(long)]
    months: u32,
    /// Discount rate per month (0.01 = 1% a month), compounded monthly; at least 0 and below 1.
    #[arg(long)]
    discount_rate: f64,
    /// Time unit of the summary the transaction model was fitted on (the months are
    /// converted with lifetimes' constants: 4.345 weeks, 30 days, 720 hours). Default: the
    /// period recorded in the model file (`ltv fit --period`); required when the file
    /// records none, and an error when it contradicts the recorded one.
    #[arg(long, value_enum)]
    period: Option<Period>,
    /// Column with the mean repeat spend.
    #[arg(long, default_value = "monetary_value")]
    monetary_value_col: String,
    /// Confidence level of the intervals.
    #[arg(long, default_value_t = 0.95)]
    level: f64,
    /// Write only `customer_id,clv`.
    #[arg(long)]
    no_intervals: bool,
    /// Output CSV (default stdout).
    #[arg(long)]
    output: Option<PathBuf>,
    /// Value repeat customers whose mean repeat spend is not > 0 (refunds, free orders) at the
    /// population mean spend, as a customer without repeat purchases is; their number is
    /// logged. Without this flag such a customer is an error naming its line (the Gamma-Gamma
    /// model has no zero spends).
    #[arg(long)]
    exclude_nonpositive_spend: bool,
    #[command(flatten)]
    columns: SummaryColumns,
    #[command(flatten)]
    covariates: crate::covariates::FileArgs,
}

/// Runs `ltv clv`.
pub fn run(args: Args) -> Result<()> {
    let models = [args.transaction_model.as_path(), args.spend_model.as_path()];
    if crate::covariates::applies(&args.covariates, &models)? {
        return run_with_covariates(args);
    }
    let ModelFile {
        model: transactions,
        period: recorded,
    } = ModelFile::load(&args.transaction_model)?;
    transactions.as_transaction_model()?; // a spend model here is an error before any reading
    let spend_file = SavedModel::load(&args.spend_model)?;
    let spend = spend_file.as_spend_model()?;
    crate::io::warn_unconverged("ltv clv", &args.transaction_model, &transactions);
    crate::io::warn_unconverged("ltv clv", &args.spend_model, &spend_file);
    let period = resolve_period(recorded, args.period, &args.transaction_model)?;
    let settings = ClvSettings::new(
        period,
        Months::new(args.months),
        MonthlyDiscountRate::new(args.discount_rate)?,
    );
    let summary = crate::io::read_summary(
        &args
            .columns
            .options()
            .monetary_value_col(args.monetary_value_col.clone()),
        &args.input,
    )?;
    if summary.monetary_value().is_none() {
        return Err(Error::MissingColumn {
            column: args.monetary_value_col.clone(),
            found: "(no monetary value read)".into(),
        });
    }
    let history = SpendHistory::new(&summary, args.exclude_nonpositive_spend)?;
    let excluded = history.excluded;
    if excluded > 0 {
        eprintln!(
            "ltv clv: {excluded} repeat customers with mean spend <= 0 valued at the population \
             mean spend"
        );
    }
    let with_intervals = !args.no_intervals;
    let columns = ClvColumns::compute(
        &transactions,
        spend,
        &settings,
        &summary,
        &history,
        with_intervals.then_some(args.level),
    )?;
    if let Some(e) = &columns.no_intervals {
        eprintln!("ltv clv: warning: clv_lower and clv_upper left empty (no intervals): {e}");
    }
    let path = args.output.as_deref();
    let mut out = output(path)?;
    let err = write_err(path);
    let mut table = vec![Column::new("clv", &columns.clv)];
    match &columns.bounds {
        Some((lower, upper)) => {
            table.push(Column::new("clv_lower", lower));
            table.push(Column::new("clv_upper", upper));
        }
        // intervals asked for but unavailable (the reason is on stderr): the columns stay,
        // empty, so that a downstream reader finds the layout it expects
        None if with_intervals => {
            table.push(Column::empty("clv_lower"));
            table.push(Column::empty("clv_upper"));
        }
        None => {}
    }
    CsvTable::new("customer_id", summary.customer_ids(), table)
        .write(&mut out)
        .map_err(&err)?;
    out.flush().map_err(&err)?;
    // the process ends next: leave the million-row columns to the operating system
    std::mem::forget((summary, columns, history));
    Ok(())
}

/// The transaction model's period: the recorded one, or `--period` for a file that records
/// none; never a guess.
fn resolve_period(
    recorded: Option<Period>,
    given: Option<Period>,
    path: &std::path::Path,
) -> Result<Period> {
    match (recorded, given) {
        (Some(r), Some(g)) if r != g => Err(Error::ModelFormat {
            path: Some(path.to_path_buf()),
            rule: ModelFileRule::PeriodMismatch {
                recorded: r.to_string(),
                given: g.to_string(),
            },
        }),
        (Some(p), _) | (None, Some(p)) => Ok(p),
        (None, None) => Err(Error::ModelFormat {
            path: Some(path.to_path_buf()),
            rule: ModelFileRule::PeriodMissing,
        }),
    }
}

/// `ltv clv` when a model was fitted with covariates (see `covariates.rs`): each customer's
/// own models, written as `customer_id,clv`.
fn run_with_covariates(args: Args) -> Result<()> {
    let recorded = crate::covariates::recorded_period(&args.transaction_model)?;
    let period = resolve_period(recorded, args.period, &args.transaction_model)?;
    let settings = ClvSettings::new(
        period,
        Months::new(args.months),
        MonthlyDiscountRate::new(args.discount_rate)?,
    );
    let summary = args
        .columns
        .options()
        .monetary_value_col(args.monetary_value_col.clone())
        .read_path(&args.input)?;
    if !args.no_intervals {
        eprintln!("ltv clv: writing CLV without intervals: not available with covariates");
    }
    let inputs = crate::covariates::ClvInputs {
        transaction_model: &args.transaction_model,
        spend_model: &args.spend_model,
        file: &args.covariates,
        summary: &summary,
    };
    let clv = crate::covariates::clv(&inputs, &settings)?;
    let path = args.output.as_deref();
    let mut out = output(path)?;
    let err = write_err(path);
    CsvTable::new(
        "customer_id",
        summary.customer_ids(),
        vec![Column::new("clv", &clv)],
    )
    .write(&mut out)
    .map_err(&err)?;
    out.flush().map_err(&err)?;
    Ok(())
}
