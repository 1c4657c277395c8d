//! `ltv attribute` (not implemented yet: see its issue).

use ltv::{Error, Result};

/// Arguments of `ltv attribute`.
#[derive(clap::Args)]
pub struct Args {}

pub fn run(_args: Args) -> Result<()> {
    Err(Error::EmptyInput {
        what: "`ltv attribute` is not implemented yet".into(),
    })
}
