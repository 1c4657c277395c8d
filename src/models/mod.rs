//! "Buy till you die" models and the spend model.
//!
//! Each model is a configuration type that fits (by maximum likelihood on a
//! [`CompressedSummary`](crate::summary::CompressedSummary)) into a separate fitted type that
//! alone can predict. All times are in the periods of the summary the model was fitted on.

pub(crate) mod rows;
mod traits;
pub use traits::*;

pub mod bgbb;
pub mod bgnbd;
pub mod gamma_gamma;
pub mod mbgnbd;
pub mod pareto_nbd;
