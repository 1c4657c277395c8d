//! `ltv predict --model-file MODEL.json --input RFM.csv --horizon T [--output FILE]`: writes
//! `customer_id,expected_purchases,p_alive` for every customer of the summary, with any
//! transaction model saved by `ltv fit`.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use ltv::models::SavedModel;
use ltv::{Error, Result};

use crate::fit::SummaryColumns;
use crate::io::{output, write_err};

/// Arguments of `ltv predict`.
#[derive(clap::Args)]
pub struct Args {
    /// Model file written by `ltv fit --output`.
    #[arg(long)]
    model_file: PathBuf,
    /// RFM summary CSV; customer ids come from its first column.
    #[arg(long)]
    input: PathBuf,
    /// Horizon of the expected purchases, in the periods of the summary the model was fitted
    /// on (e.g. weeks).
    #[arg(long)]
    horizon: f64,
    /// Output CSV (default stdout).
    #[arg(long)]
    output: Option<PathBuf>,
    #[command(flatten)]
    columns: SummaryColumns,
    #[command(flatten)]
    covariates: crate::covariates::FileArgs,
}

/// Name of the first column of a CSV header.
fn first_column(path: &Path) -> Result<Option<String>> {
    let file = std::fs::File::open(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let mut line = String::new();
    std::io::BufReader::new(file)
        .read_line(&mut line)
        .map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
    let first = line
        .trim_start_matches('\u{feff}')
        .split(',')
        .next()
        .map(|s| s.trim().trim_matches('"').to_string());
    // an empty name is kept: pandas writes its index as an unnamed first column
    Ok(first)
}

/// Runs `ltv predict`.
pub fn run(args: Args) -> Result<()> {
    let with_covariates = crate::covariates::applies(&args.covariates, &[&args.model_file])?;
    let saved = match with_covariates {
        true => None,
        false => {
            let saved = SavedModel::load(&args.model_file)?;
            crate::io::warn_unconverged("ltv predict", &args.model_file, &saved);
            Some(saved)
        }
    };
    let model = saved
        .as_ref()
        .map(SavedModel::as_transaction_model)
        .transpose()?;
    let mut columns = args.columns.clone();
    if columns.customer_id_col.is_none() {
        // ids from the first column, unless it is one of the data columns
        if let Some(first) = first_column(&args.input)? {
            let data_cols = [&columns.frequency_col, &columns.recency_col, &columns.t_col];
            if !data_cols.iter().any(|c| **c == first) {
                columns.customer_id_col = Some(first);
            }
        }
    }
    let summary = columns.read(&args.input)?;
    let (f, r, t) = (summary.frequency(), summary.recency(), summary.t());
    let (expected, alive) = match model {
        Some(model) => model
            .expected_purchases_and_alive(args.horizon, f, r, t)
            .map_err(|e| summary.locate(e))?,
        None => {
            crate::covariates::predict(&args.model_file, &args.covariates, &summary, args.horizon)?
        }
    };
    let path = args.output.as_deref();
    let mut out = output(path)?;
    let err = write_err(path);
    writeln!(out, "customer_id,expected_purchases,p_alive").map_err(&err)?;
    for ((id, e), a) in summary.customer_ids().iter().zip(&expected).zip(&alive) {
        writeln!(out, "{},{e},{a}", csv_field(id)).map_err(&err)?;
    }
    out.flush().map_err(&err)?;
    Ok(())
}

/// Quotes a CSV field when needed.
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}
