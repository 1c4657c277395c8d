//! `ltv summary`: a transaction log in, one RFM row per customer out.

use crate::io::{output, write_err};
use ltv::data::{DateFormat, Delimiter, Period, Timestamp, TransactionCsvOptions};
use ltv::summary::{write_calibration_holdout_csv, write_summary_csv, SummaryOptions};
use ltv::{Error, Result};
use std::path::PathBuf;

/// Arguments of `ltv summary`.
#[derive(clap::Args)]
pub struct Args {
    /// Transaction log (CSV, TSV, whitespace-separated) with a header line.
    #[arg(long)]
    input: PathBuf,
    /// Column holding the customer id.
    #[arg(long)]
    customer_col: String,
    /// Column holding the transaction date or time.
    #[arg(long)]
    date_col: String,
    /// Column holding the transaction amount (adds monetary_value to the output).
    #[arg(long)]
    amount_col: Option<String>,
    /// Date format: auto, YYYY-MM-DD, "YYYY-MM-DD HH:MM:SS", YYYYMMDD, or a chrono format
    /// such as %d/%m/%Y.
    #[arg(long, default_value = "auto")]
    date_format: String,
    /// Field delimiter: one character (default ,), tab, or whitespace (runs of blanks).
    #[arg(long, default_value = ",")]
    delimiter: String,
    /// Unit of frequency, recency and T: day, week (Monday-Sunday), month, hour, or a custom
    /// length in seconds such as 3600s (counted from each customer's first purchase).
    #[arg(long)]
    period: String,
    /// End of observation (YYYY-MM-DD, YYYY-MM-DD HH:MM:SS, YYYYMMDD or the --date-format).
    #[arg(long)]
    observation_end: String,
    /// End of the calibration period: output lifetimes' calibration and holdout columns.
    #[arg(long)]
    calibration_end: Option<String>,
    /// Count the first purchase in frequency and monetary_value (models expect it off).
    #[arg(long)]
    include_first_transaction: bool,
    /// Output CSV file (stdout when absent).
    #[arg(long)]
    output: Option<PathBuf>,
}

/// Parses a date argument with the fixed formats, then with the log's own format.
pub fn parse_date(arg: &str, flag: &str, format: &DateFormat) -> Result<Timestamp> {
    Timestamp::parse(arg)
        .or_else(|_| format.parse_str(arg))
        .map_err(|_| Error::InvalidDate {
            value: arg.to_string(),
            rule: format!("--{flag}: {}", format.describe()),
        })
}

pub fn run(args: Args) -> Result<()> {
    let date_format = DateFormat::from_spec(&args.date_format)?;
    let period = Period::from_spec(&args.period)?;
    let end = parse_date(&args.observation_end, "observation-end", &date_format)?;
    let calibration_end = args
        .calibration_end
        .as_deref()
        .map(|s| parse_date(s, "calibration-end", &date_format))
        .transpose()?;
    let mut reader = TransactionCsvOptions::new(&args.customer_col, &args.date_col)
        .delimiter(Delimiter::from_spec(&args.delimiter)?)
        .date_format(date_format);
    if let Some(a) = &args.amount_col {
        reader = reader.amount_col(a);
    }
    let log = reader.read_path(&args.input)?;
    let opts = SummaryOptions::new(period)
        .observation_end(end)
        .include_first_transaction(args.include_first_transaction);
    let out = output(args.output.as_deref())?;
    let result = match calibration_end {
        None => {
            let s = opts.summarise(&log)?;
            eprintln!(
                "ltv summary: {} transactions of {} customers -> {} rows (period {}, observation end {}); \
                 {} transactions after the end excluded, {} customers without a transaction up to the end",
                log.len(),
                log.n_customers(),
                s.summary.len(),
                period,
                end,
                s.stats.excluded_after_end,
                s.stats.customers_dropped
            );
            write_summary_csv(&s.summary, out)
        }
        Some(cal) => {
            let split = opts.calibration_holdout(&log, cal)?;
            let st = split.stats();
            eprintln!(
                "ltv summary: {} transactions of {} customers -> {} rows (period {}, calibration end {}, \
                 observation end {}); {} calibration and {} holdout transactions, {} after the end \
                 excluded, {} holdout transactions of customers new in the holdout excluded",
                log.len(),
                log.n_customers(),
                split.len(),
                period,
                cal,
                end,
                st.calibration_transactions,
                st.holdout_transactions,
                st.excluded_after_end,
                st.excluded_new_customers
            );
            write_calibration_holdout_csv(&split, out)
        }
    };
    // a write failure is reported against the output path
    result.map_err(|e| match e {
        Error::Io { source, .. } => write_err(args.output.as_deref())(source),
        e => e,
    })
}
