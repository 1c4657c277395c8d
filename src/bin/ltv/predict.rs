//! `ltv predict` (not implemented yet: see its issue).

use ltv::{Error, Result};

/// Arguments of `ltv predict`.
#[derive(clap::Args)]
pub struct Args {}

pub fn run(_args: Args) -> Result<()> {
    Err(Error::EmptyInput {
        what: "`ltv predict` is not implemented yet".into(),
    })
}
