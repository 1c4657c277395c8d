//! The transaction-log flags shared by `ltv summary` and `ltv pipeline`.

use ltv::data::{DateFormat, Delimiter, Period, Timestamp, TransactionCsvOptions, TransactionLog};
use ltv::summary::SummaryOptions;
use ltv::{Error, Result};
use std::path::PathBuf;

/// Where the transaction log is and how to read it.
#[derive(clap::Args)]
pub struct LogArgs {
    /// Transaction log (CSV, TSV, whitespace-separated) with a header line.
    #[arg(long)]
    pub input: PathBuf,
    /// Column holding the customer id.
    #[arg(long)]
    pub customer_col: String,
    /// Column holding the transaction date or time.
    #[arg(long)]
    pub date_col: String,
    /// Date format: auto, YYYY-MM-DD, "YYYY-MM-DD HH:MM:SS", YYYYMMDD, or a chrono format
    /// such as %d/%m/%Y.
    #[arg(long, default_value = "auto")]
    pub date_format: String,
    /// Field delimiter: one character (default ,), tab, or whitespace (runs of blanks).
    #[arg(long, default_value = ",")]
    pub delimiter: String,
    /// End of observation (YYYY-MM-DD, YYYY-MM-DD HH:MM:SS, YYYYMMDD or the --date-format).
    #[arg(long)]
    pub observation_end: String,
    /// Exact-time summary: recency and T as real numbers of periods from the exact timestamps
    /// (T = (observation end - first purchase) / period length; month = 30.436875 days)
    /// instead of whole calendar periods. A date without a time of day as --observation-end
    /// (or --calibration-end) then means the end of that day.
    #[arg(long)]
    pub exact_times: bool,
}

/// An end of observation as the command line gave it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// An instant, inclusive (a date-time, or any date without --exact-times).
    At(Timestamp),
    /// A date-only end with --exact-times: observed up to, not including, this next midnight.
    Before(Timestamp),
}

impl End {
    /// The end as given (the date for a date-only end), for messages.
    pub fn shown(self) -> Timestamp {
        match self {
            End::At(t) => t,
            End::Before(cut) => Timestamp::from_seconds(cut.seconds() - 86_400).unwrap_or(cut),
        }
    }
}

impl LogArgs {
    /// The date format of `--date-format`.
    pub fn date_format(&self) -> Result<DateFormat> {
        DateFormat::from_spec(&self.date_format)
    }

    /// `--observation-end`, read as an [`End`] (see there).
    pub fn end(&self) -> Result<End> {
        parse_end(
            &self.observation_end,
            "observation-end",
            &self.date_format()?,
            self.exact_times,
        )
    }

    /// The summary options of these flags: `period`, the observation end and
    /// `--exact-times`.
    pub fn summary_options(&self, period: Period) -> Result<SummaryOptions> {
        let opts = SummaryOptions::new(period).exact_times(self.exact_times);
        Ok(match self.end()? {
            End::At(t) => opts.observation_end(t),
            End::Before(cut) => opts.observation_end_exclusive(cut),
        })
    }

    /// Reads the log, with the amounts of `amount_col` when given.
    pub fn read(&self, amount_col: Option<&str>) -> Result<TransactionLog> {
        let mut reader = TransactionCsvOptions::new(&self.customer_col, &self.date_col)
            .delimiter(Delimiter::from_spec(&self.delimiter)?)
            .date_format(self.date_format()?);
        if let Some(a) = amount_col {
            reader = reader.amount_col(a);
        }
        crate::io::read_log(&reader, &self.input)
    }
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

/// Parses an end-of-observation argument as [`parse_date`] does; with `exact`, a date without a
/// time of day is [`End::Before`] the following midnight (the whole day observed).
pub fn parse_end(arg: &str, flag: &str, format: &DateFormat, exact: bool) -> Result<End> {
    let t = parse_date(arg, flag, format)?;
    if !(exact && is_date_only(arg, format)) {
        return Ok(End::At(t));
    }
    Timestamp::from_seconds(t.seconds() + 86_400)
        .map(End::Before)
        .ok_or_else(|| Error::InvalidDate {
            value: arg.to_string(),
            rule: format!("--{flag}: the day after must be a valid date"),
        })
}

/// True when `arg` gives a date without a time of day: `YYYY-MM-DD`, `YYYYMMDD`, or a value of
/// a custom format with no hour field.
fn is_date_only(arg: &str, format: &DateFormat) -> bool {
    if DateFormat::IsoDate.parse_str(arg).is_ok() || DateFormat::Compact.parse_str(arg).is_ok() {
        return true;
    }
    if Timestamp::parse(arg).is_ok() {
        return false; // YYYY-MM-DD HH:MM:SS
    }
    let DateFormat::Custom(f) = format else {
        return false;
    };
    // a time field, possibly with a padding modifier: %H, %-H, %_H, %0H, ...
    let mut chars = f.chars();
    while let Some(c) = chars.next() {
        if c == '%' {
            let mut field = chars.next();
            if matches!(field, Some('-' | '_' | '0')) {
                field = chars.next();
            }
            if matches!(
                field,
                Some('H' | 'I' | 'k' | 'l' | 'T' | 'R' | 'X' | 'c' | 's' | '+')
            ) {
                return false;
            }
        }
    }
    true
}
