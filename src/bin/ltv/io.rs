//! Output helpers shared by the subcommands.
#![allow(dead_code)] // used by the subcommands as they land

use ltv::{Error, Result};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Opens `--output FILE` for writing, or stdout when absent.
pub fn output(path: Option<&Path>) -> Result<Box<dyn Write>> {
    match path {
        Some(p) => {
            let f = std::fs::File::create(p).map_err(|source| Error::Io {
                path: p.to_path_buf(),
                source,
            })?;
            Ok(Box::new(std::io::BufWriter::new(f)))
        }
        None => Ok(Box::new(std::io::BufWriter::new(std::io::stdout().lock()))),
    }
}

/// Maps a write error on `path` (or stdout) to the crate error.
pub fn write_err(path: Option<&Path>) -> impl Fn(std::io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.map_or_else(|| PathBuf::from("<stdout>"), Path::to_path_buf),
        source,
    }
}

/// Warns on stderr (prefixed with `who`) when the model file at `path` records a fit that did
/// not converge: its parameters are where the optimizer stopped, not an estimate.
pub fn warn_unconverged(who: &str, path: &Path, model: &ltv::models::SavedModel) {
    if !model.fit().convergence().converged {
        eprintln!(
            "{who}: warning: {} records \"converged\": false ({} fit): its parameters are where \
             the optimizer stopped, not a maximum-likelihood estimate",
            path.display(),
            model.name()
        );
    }
}
