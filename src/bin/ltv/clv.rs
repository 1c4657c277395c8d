//! `ltv clv` (not implemented yet: see its issue).

use ltv::{Error, Result};

/// Arguments of `ltv clv`.
#[derive(clap::Args)]
pub struct Args {}

pub fn run(_args: Args) -> Result<()> {
    Err(Error::EmptyInput {
        what: "`ltv clv` is not implemented yet".into(),
    })
}
