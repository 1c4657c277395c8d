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

use ltv::models::{ModelFile, SavedModel};
use ltv::value::{
    customer_lifetime_value, customer_lifetime_value_with_intervals, ClvSettings,
    MonthlyDiscountRate, Months, Period,
};
use ltv::{Error, Result};

use crate::fit::SummaryColumns;
use crate::io::{output, write_err};

/// The models' time unit, as `--period` takes it.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum PeriodArg {
    /// Hours (720 per month).
    Hour,
    /// Days (30 per month).
    Day,
    /// Weeks (4.345 per month).
    Week,
    /// Months.
    Month,
}

impl From<PeriodArg> for Period {
    fn from(p: PeriodArg) -> Period {
        match p {
            PeriodArg::Hour => Period::Hour,
            PeriodArg::Day => Period::Day,
            PeriodArg::Week => Period::Week,
            PeriodArg::Month => Period::Month,
        }
    }
}

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
    /// Horizon in whole months.
    #[arg(long)]
    months: u32,
    /// Discount rate per month (0.01 = 1% a month), compounded monthly.
    #[arg(long)]
    discount_rate: f64,
    /// Time unit of the summary the transaction model was fitted on (the months are
    /// converted with lifetimes' constants: 4.345 weeks, 30 days, 720 hours). Default: the
    /// period recorded in the model file (`ltv fit --period`); required when the file
    /// records none, and an error when it contradicts the recorded one.
    #[arg(long, value_enum)]
    period: Option<PeriodArg>,
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
    #[command(flatten)]
    columns: SummaryColumns,
}

/// Runs `ltv clv`.
pub fn run(args: Args) -> Result<()> {
    let ModelFile {
        model: transactions,
        period: recorded,
    } = ModelFile::load(&args.transaction_model)?;
    let model = transactions.as_transaction_model()?;
    let spend_file = SavedModel::load(&args.spend_model)?;
    let spend = spend_file.as_spend_model()?;
    let period = resolve_period(
        recorded,
        args.period.map(Period::from),
        &args.transaction_model,
    )?;
    let settings = ClvSettings {
        period,
        horizon: Months::new(args.months),
        discount: MonthlyDiscountRate::new(args.discount_rate)?,
    };
    let summary = args
        .columns
        .options()
        .monetary_value_col(args.monetary_value_col.clone())
        .read_path(&args.input)?;
    let (x, tx, t) = (summary.frequency(), summary.recency(), summary.t());
    let monetary = summary
        .monetary_value()
        .ok_or_else(|| Error::MissingColumn {
            column: args.monetary_value_col.clone(),
            found: "(no monetary value read)".into(),
        })?;

    // intervals need both covariances and the transaction model's derivatives
    let gradient_model = if args.no_intervals {
        None
    } else {
        match (
            transactions.as_purchases_gradient(),
            model.covariance(),
            spend.fit().covariance(),
        ) {
            (Ok(m), Ok(_), Ok(_)) => Some(m),
            (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => {
                eprintln!("ltv clv: writing CLV without intervals: {e}");
                None
            }
        }
    };
    let path = args.output.as_deref();
    let mut out = output(path)?;
    let err = write_err(path);
    let ids = summary.customer_ids();
    if let Some(gradient_model) = gradient_model {
        let (value, variance) =
            spend.conditional_expected_average_values_with_variance(x, monetary)?;
        let clv = customer_lifetime_value_with_intervals(
            gradient_model,
            &settings,
            x,
            tx,
            t,
            &value,
            Some(&variance),
            args.level,
        )?;
        writeln!(out, "customer_id,clv,clv_lower,clv_upper").map_err(&err)?;
        #[allow(clippy::needless_range_loop)] // i indexes several parallel columns
        for i in 0..ids.len() {
            writeln!(
                out,
                "{},{},{},{}",
                csv_field(&ids[i]),
                clv.clv[i],
                clv.lower[i],
                clv.upper[i]
            )
            .map_err(&err)?;
        }
    } else {
        let value = spend.conditional_expected_average_values(x, monetary)?;
        let clv = customer_lifetime_value(model, &settings, x, tx, t, &value)?;
        writeln!(out, "customer_id,clv").map_err(&err)?;
        for (id, v) in ids.iter().zip(&clv) {
            writeln!(out, "{},{v}", csv_field(id)).map_err(&err)?;
        }
    }
    out.flush().map_err(&err)?;
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
            message: format!(
                "{} records period {} but --period {} was given; the model's parameters are \
                 per {0}: drop --period or refit with ltv fit --period {2}",
                path.display(),
                period_name(r),
                period_name(g),
            ),
        }),
        (Some(p), _) | (None, Some(p)) => Ok(p),
        (None, None) => Err(Error::ModelFormat {
            message: format!(
                "{} does not record the time unit it was fitted on (written without \
                 ltv fit --period): pass --period hour|day|week|month",
                path.display()
            ),
        }),
    }
}

/// `hour`, `day`, `week` or `month`.
fn period_name(p: Period) -> &'static str {
    match p {
        Period::Hour => "hour",
        Period::Day => "day",
        Period::Week => "week",
        Period::Month => "month",
    }
}

/// Quotes a CSV field when needed.
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}
