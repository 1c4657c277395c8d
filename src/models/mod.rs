//! "Buy till you die" models and the spend model.
//!
//! Each model is a parameter type that predicts (e.g. [`bgnbd::BgNbd`]) and is estimated by
//! maximum likelihood on a [`CompressedSummary`](crate::summary::CompressedSummary) into a
//! [`Fitted`] model (the model plus its [`Fit`](crate::fit::Fit) record: log-likelihood,
//! convergence, covariance). All times are in the periods of the summary the model was
//! fitted on. Transaction models implement [`TransactionModel`]; any fitted model is saved
//! and loaded as a [`SavedModel`].

mod batch;
pub(crate) mod beta_geometric;
mod beta_geometric_likelihood;
mod checks;
mod fitted;
mod gradient;
pub(crate) mod identify;
mod kind;
mod parameters;
pub(crate) mod rows;
mod saved;
mod simulation;
mod tracking;
mod traits;
mod vectorised;

pub use batch::CustomerBatch;
pub use fitted::{Fitted, ModelParameters};
pub use gradient::{FittedPurchasesGradient, PurchasesGradient};
pub use kind::ModelKind;
pub use saved::{ModelFile, SavedModel, FORMAT_VERSION};
pub use simulation::SimulatedCustomers;
pub use tracking::{
    actual_cumulative_transactions, expected_cumulative_transactions, first_purchase_periods,
    probability_alive_matrix,
};
pub(crate) use traits::check_horizon;
pub use traits::TransactionModel;

pub mod bgbb;
pub mod bgnbd;
pub mod covariates;
pub mod gamma_gamma;
pub mod mbgnbd;
pub mod pareto_nbd;
