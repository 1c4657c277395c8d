//! Per-customer summaries of a transaction log: the input of every model.
//!
//! * [`RfmSummary`] — one row per customer (frequency, recency, T, monetary value);
//! * [`CompressedSummary`] — identical rows merged with a count; what fitting uses;
//! * [`SummaryCsvOptions`] — reads a summary from CSV (lifetimes' column names by default).

mod compressed;
mod csv;
mod rfm;

pub use self::csv::SummaryCsvOptions;
pub use compressed::CompressedSummary;
pub use rfm::RfmSummary;
