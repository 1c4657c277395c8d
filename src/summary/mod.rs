//! Per-customer summaries of a transaction log: the input of every model.
//!
//! * [`RfmSummary`] — one row per customer (frequency, recency, T, monetary value);
//! * [`CompressedSummary`] — identical rows merged with a count; what fitting uses.

mod compressed;
mod rfm;

pub use compressed::CompressedSummary;
pub use rfm::RfmSummary;
