//! `ltv fit` (not implemented yet: see its issue).

use ltv::{Error, Result};

/// Arguments of `ltv fit`.
#[derive(clap::Args)]
pub struct Args {}

pub fn run(_args: Args) -> Result<()> {
    Err(Error::EmptyInput {
        what: "`ltv fit` is not implemented yet".into(),
    })
}
