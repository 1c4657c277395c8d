//! CSV readers for the report's inputs, each with configurable column names.
//!
//! | table | reader | columns (defaults) |
//! |---|---|---|
//! | costs | [`read_costs`] | date, network, account?, campaign, ad?, cost, currency?, timezone?, impressions?, clicks?, installs? |
//! | installs | [`read_installs`] | user_id, install_time, network, campaign, ad?, account? |
//! | transactions | [`read_transactions`] | user_id, time, amount, currency? |
//! | exchange rates | [`read_fx`] | date, currency, rate |
//! | credit | [`read_credit`] | user_id, credit |
//!
//! (`?` = optional: read when present, see [`OptionalColumn`].) Every reader takes any
//! [`std::io::Read`], so a caller can wrap a file in a progress bar or decompressor. Bad rows
//! are errors naming the line, column, value and rule; nothing is skipped silently.

mod costs;
mod credit;
mod fx;
mod installs;
mod interner;
pub(crate) mod table; // also read by crate::report::credit
mod transactions;

pub use costs::{read_costs, CostColumns, CostRow};
pub use credit::{read_credit, CreditColumns};
pub use fx::{read_fx, FxColumns};
pub use installs::{read_installs, InstallColumns, Installs};
pub use table::OptionalColumn;
pub use transactions::{read_transactions, TransactionColumns, Transactions, REPORT_CURRENCY};
