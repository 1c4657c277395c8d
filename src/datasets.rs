//! Public CLV data sets compiled into the crate, loadable without any file path (like
//! `lifetimes.datasets`).
//!
//! The files live in the repository's `datasets/` folder (see its `README.md`); they are the
//! copies distributed with Python `lifetimes` 0.11.3 (MIT licence). The CDNOW data were published
//! by Peter Fader and Bruce Hardie with the BG/NBD and Pareto/NBD papers; the donations data with
//! the BG/BB paper (Fader, Hardie & Shang 2010).
//!
//! ```
//! use ltv::datasets;
//! let s = datasets::cdnow_summary()?;
//! assert_eq!(s.len(), 2357);
//! let log = datasets::cdnow_master()?;
//! assert_eq!((log.len(), log.n_customers()), (69_659, 23_570));
//! # Ok::<(), ltv::Error>(())
//! ```

use crate::data::{DateFormat, Delimiter, TransactionCsvOptions, TransactionLog};
use crate::error::Result;
use crate::summary::{RfmSummary, SummaryCsvOptions};

const CDNOW_MASTER: &str = include_str!("../datasets/CDNOW_master.txt");
const CDNOW_SUMMARY: &str = include_str!("../datasets/cdnow_customers_summary.csv");
const CDNOW_SUMMARY_WITH_TRANSACTIONS: &str =
    include_str!("../datasets/cdnow_customers_summary_with_transactions.csv");
const DONATIONS: &str = include_str!("../datasets/donations.csv");

/// The 1/10th CDNOW sample: 2,357 customers who first bought in Q1 1997, summarised over a
/// 39-week calibration period (frequency, recency, T in **weeks**; no monetary value). Customer
/// ids are the file's `ID` column (`"1"` to `"2357"`).
///
/// This is the data of Fader, Hardie & Lee (2005), whose BG/NBD fit is r = 0.243,
/// alpha = 4.414, a = 0.793, b = 2.426, log-likelihood -9582.4.
pub fn cdnow_summary() -> Result<RfmSummary> {
    SummaryCsvOptions::new()
        .customer_id_col("ID")
        .read_str(CDNOW_SUMMARY)
}

/// The same 2,357 customers with the mean repeat-purchase value: the file's columns
/// `ID, x, t_x, T, zbar` become customer id, frequency, recency, T (weeks) and monetary value
/// (dollars; 0 where frequency is 0). The Gamma-Gamma spend model's example data.
pub fn cdnow_summary_with_transactions() -> Result<RfmSummary> {
    SummaryCsvOptions::new()
        .customer_id_col("ID")
        .frequency_col("x")
        .recency_col("t_x")
        .monetary_value_col("zbar")
        .read_str(CDNOW_SUMMARY_WITH_TRANSACTIONS)
}

/// The donations data of the BG/BB paper (Fader, Hardie & Shang 2010): 11,104 donors observed
/// over 6 annual opportunities, as 22 weighted rows (frequency, recency, T = `periods` = 6,
/// weight = number of donors with that pattern).
///
/// The file has no id column, so customer ids are the rows' 0-based positions `"0"` to
/// `"21"` (the pandas index lifetimes gives the frame); each id stands for a pattern, not a
/// donor.
pub fn donations() -> Result<RfmSummary> {
    SummaryCsvOptions::new()
        .t_col("periods")
        .weights_col("weights")
        .read_str(DONATIONS)
}

/// The raw text of the full CDNOW master log (whitespace-separated, CRLF line ends, header
/// `customer_id date number_of_cds dollar_value`, dates `YYYYMMDD`).
pub fn cdnow_master_text() -> &'static str {
    CDNOW_MASTER
}

/// The full CDNOW transaction log: 69,659 transactions of 23,570 customers who first bought in
/// Q1 1997, through 1998-06-30. Customer ids keep the file's zero padding (`"00001"`), times are
/// the purchase days at midnight, amounts are `dollar_value`.
///
/// The weekly summary of this log with observation end 1998-06-30 equals lifetimes 0.11.3's
/// `summary_data_from_transaction_data` row for row (see `tests/summary_reference.rs`).
pub fn cdnow_master() -> Result<TransactionLog> {
    TransactionCsvOptions::new("customer_id", "date")
        .amount_col("dollar_value")
        .delimiter(Delimiter::Whitespace)
        .date_format(DateFormat::Compact)
        .read_str(CDNOW_MASTER)
}
