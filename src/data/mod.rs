//! Input data: transaction logs (CSV or in-memory), timestamps and date formats. The embedded
//! data sets are [`crate::datasets`] (above `data` and `summary`: they return summaries).
//!
//! * [`TransactionLog`] — who bought when and for how much, customer ids interned;
//! * [`TransactionCsvOptions`] — reads a log from CSV/TSV/whitespace-separated text;
//! * [`Timestamp`], [`DateFormat`] — naive timestamps in seconds and how dates are written;
//! * [`Period`] — the unit of time of a summary (hour, day, week, month, custom).

pub mod columns;
pub(crate) mod interner;
pub(crate) mod number;
#[cfg(feature = "parquet")]
pub(crate) mod parquet;
mod period;
mod reader;
pub(crate) mod timestamp;
mod transactions;

pub use number::{push_number, write_rows_in_blocks};
pub use period::Period;
pub use reader::{Delimiter, TransactionCsvOptions};
pub use timestamp::{DateFormat, Timestamp};
pub use transactions::{TransactionLog, TransactionLogBuilder};
