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

/// True when `path` names a Parquet file (extension `parquet` or `pq`, any case).
pub fn is_parquet(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("parquet") || e.eq_ignore_ascii_case("pq"))
}

#[cfg(not(feature = "parquet"))]
fn no_parquet(path: &Path) -> Error {
    Error::InvalidParameter {
        name: format!("--input {}", path.display()),
        value: f64::NAN,
        rule: "Parquet input needs ltv built with the `parquet` feature \
               (cargo install ltv --features cli,parquet)"
            .into(),
    }
}

/// Reads a transaction log from CSV, or from Parquet when the file name says so.
pub fn read_log(
    opts: &ltv::data::TransactionCsvOptions,
    path: &Path,
) -> Result<ltv::data::TransactionLog> {
    if is_parquet(path) {
        #[cfg(feature = "parquet")]
        return opts.read_parquet(path);
        #[cfg(not(feature = "parquet"))]
        return Err(no_parquet(path));
    }
    opts.read_path(path)
}

/// Reads an RFM summary from CSV, or from Parquet when the file name says so.
pub fn read_summary(
    opts: &ltv::summary::SummaryCsvOptions,
    path: &Path,
) -> Result<ltv::summary::RfmSummary> {
    if is_parquet(path) {
        #[cfg(feature = "parquet")]
        return opts.read_parquet(path);
        #[cfg(not(feature = "parquet"))]
        return Err(no_parquet(path));
    }
    opts.read_path(path)
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
