//! `ltv report` (not implemented yet: see its issue).

use ltv::{Error, Result};

/// Arguments of `ltv report`.
#[derive(clap::Args)]
pub struct Args {}

pub fn run(_args: Args) -> Result<()> {
    Err(Error::EmptyInput {
        what: "`ltv report` is not implemented yet".into(),
    })
}
