//! `ltv pagerank` (not implemented yet: see its issue).

use ltv::{Error, Result};

/// Arguments of `ltv pagerank`.
#[derive(clap::Args)]
pub struct Args {}

pub fn run(_args: Args) -> Result<()> {
    Err(Error::EmptyInput {
        what: "`ltv pagerank` is not implemented yet".into(),
    })
}
