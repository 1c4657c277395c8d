//! `ltv summary` (not implemented yet: see its issue).

use ltv::{Error, Result};

/// Arguments of `ltv summary`.
#[derive(clap::Args)]
pub struct Args {}

pub fn run(_args: Args) -> Result<()> {
    Err(Error::EmptyInput {
        what: "`ltv summary` is not implemented yet".into(),
    })
}
