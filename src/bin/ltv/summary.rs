//! `ltv summary`: a transaction log in, one RFM row per customer out.

use crate::io::{output, write_err};
use crate::log_args::{parse_end, End, LogArgs};
use ltv::data::Period;
use ltv::summary::{write_calibration_holdout_csv, write_summary_csv};
use ltv::{Error, Result};
use std::path::PathBuf;

/// Arguments of `ltv summary`.
#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    log: LogArgs,
    /// Column holding the transaction amount (adds monetary_value to the output).
    #[arg(long)]
    amount_col: Option<String>,
    /// Unit of frequency, recency and T: day, week (Monday-Sunday), month, hour, or a custom
    /// length in seconds such as 3600s (counted from each customer's first purchase).
    #[arg(long)]
    period: String,
    /// End of the calibration period: output lifetimes' calibration and holdout columns.
    /// `frequency_holdout` counts periods with a purchase, `monetary_value_holdout` is the mean
    /// per transaction: their product is not the holdout revenue.
    #[arg(long)]
    calibration_end: Option<String>,
    /// Count the first purchase in frequency and monetary_value (models expect it off).
    #[arg(long)]
    include_first_transaction: bool,
    /// Output CSV file (stdout when absent).
    #[arg(long)]
    output: Option<PathBuf>,
}

pub fn run(args: Args) -> Result<()> {
    let date_format = args.log.date_format()?;
    let period = Period::from_spec(&args.period)?;
    let end = args.log.end()?;
    let calibration_end = args
        .calibration_end
        .as_deref()
        .map(|s| parse_end(s, "calibration-end", &date_format, args.log.exact_times))
        .transpose()?;
    // both ends are cuts (date-only, exact times) or both instants
    if let Some(c) = calibration_end {
        if matches!(c, End::Before(_)) != matches!(end, End::Before(_)) {
            return Err(Error::InvalidDate {
                value: args.calibration_end.clone().unwrap_or_default(),
                rule: format!(
                    "with --exact-times, --calibration-end and --observation-end must both be \
                     dates (each day observed to its end) or both date-times (got {} and {})",
                    c.shown(),
                    end.shown()
                ),
            });
        }
    }
    let log = args.log.read(args.amount_col.as_deref())?;
    let opts = args
        .log
        .summary_options(period)?
        .include_first_transaction(args.include_first_transaction);
    let end = end.shown();
    let out = output(args.output.as_deref())?;
    let result = match calibration_end {
        None => {
            let s = opts.summarise(&log)?;
            eprintln!(
                "ltv summary: {} transactions of {} customers -> {} rows (period {}{}, observation end {}); \
                 {} transactions after the end excluded, {} customers without a transaction up to the end",
                log.len(),
                log.n_customers(),
                s.summary.len(),
                period,
                if args.log.exact_times {
                    ", exact times"
                } else {
                    ""
                },
                end,
                s.stats.excluded_after_end,
                s.stats.customers_dropped
            );
            let written = write_summary_csv(&s.summary, out);
            // the process ends next: leave the million-row columns to the operating system
            // instead of freeing them one id string at a time
            std::mem::forget(s);
            written
        }
        Some(cal) => {
            let (End::At(at) | End::Before(at)) = cal;
            let split = opts.calibration_holdout(&log, at)?;
            let st = split.stats();
            eprintln!(
                "ltv summary: {} transactions of {} customers -> {} rows (period {}, calibration end {}, \
                 observation end {}); {} calibration and {} holdout transactions, {} after the end \
                 excluded, {} holdout transactions of customers new in the holdout excluded",
                log.len(),
                log.n_customers(),
                split.len(),
                period,
                cal.shown(),
                end,
                st.calibration_transactions,
                st.holdout_transactions,
                st.excluded_after_end,
                st.excluded_new_customers
            );
            let written = write_calibration_holdout_csv(&split, out);
            std::mem::forget(split);
            written
        }
    };
    std::mem::forget(log);
    // a write failure is reported against the output path
    result.map_err(|e| match e {
        Error::Io { source, .. } => write_err(args.output.as_deref())(source),
        e => e,
    })
}
