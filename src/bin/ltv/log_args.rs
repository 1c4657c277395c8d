//! The transaction-log flags shared by `ltv summary` and `ltv pipeline`.

use ltv::data::{DateFormat, Delimiter, Timestamp, TransactionCsvOptions, TransactionLog};
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
}

impl LogArgs {
    /// The date format of `--date-format`.
    pub fn date_format(&self) -> Result<DateFormat> {
        DateFormat::from_spec(&self.date_format)
    }

    /// `--observation-end` as a timestamp.
    pub fn observation_end(&self) -> Result<Timestamp> {
        parse_date(
            &self.observation_end,
            "observation-end",
            &self.date_format()?,
        )
    }

    /// Reads the log, with the amounts of `amount_col` when given.
    pub fn read(&self, amount_col: Option<&str>) -> Result<TransactionLog> {
        let mut reader = TransactionCsvOptions::new(&self.customer_col, &self.date_col)
            .delimiter(Delimiter::from_spec(&self.delimiter)?)
            .date_format(self.date_format()?);
        if let Some(a) = amount_col {
            reader = reader.amount_col(a);
        }
        reader.read_path(&self.input)
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
