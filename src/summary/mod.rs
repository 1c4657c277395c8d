//! Per-customer summaries of a transaction log: the input of every model.
//!
//! * [`RfmSummary`] — one row per customer (frequency, recency, T, monetary value);
//! * [`SummaryOptions`] — builds an [`RfmSummary`] from a
//!   [`TransactionLog`](crate::data::TransactionLog) with lifetimes' semantics, optionally with
//!   [`Births`]; and the [`CalibrationHoldout`] split;
//! * [`CompressedSummary`] — identical rows merged with a count; what fitting uses;
//! * [`SummaryCsvOptions`] — reads a summary from CSV (lifetimes' column names by default).

mod births;
mod builder;
mod compressed;
mod csv;
mod group;
mod holdout;
#[cfg(feature = "parquet")]
mod parquet;
mod rfm;
mod row;
mod stream;

pub use self::csv::{write_calibration_holdout_csv, write_summary_csv, SummaryCsvOptions};
pub use births::Births;
pub use builder::{SummaryOptions, SummaryOutput, SummaryStats};
pub use compressed::{CompressedSummary, ToCompressed};
pub use holdout::{CalibrationHoldout, HoldoutStats};
pub use rfm::RfmSummary;
pub(crate) use rfm::{check_rfm_row, check_weight};
