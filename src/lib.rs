#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod error;
mod hashing;

pub mod data;
pub mod special;
pub mod summary;

pub mod datasets;

pub mod fit;
pub mod models;

pub mod value;

pub mod pipeline;

pub mod attribution;

pub mod report;

pub mod plot;

pub use data::Period;
pub use error::{Error, Result};
pub use pipeline::Pipeline;
