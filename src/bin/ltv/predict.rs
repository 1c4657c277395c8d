//! `ltv predict --model-file MODEL.json --input RFM.csv --horizon T [--output FILE]`: writes
//! `customer_id,expected_purchases,p_alive` for every customer of the summary, with any
//! transaction model saved by `ltv fit`. `--horizon-col duration_holdout` takes each row's
//! horizon from a column instead (calibration/holdout evaluation).

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use ltv::data::columns::{csv_error, Header};
use ltv::models::{CustomerBatch, SavedModel, TransactionModel};
use ltv::{Error, Result};
use std::collections::BTreeMap;

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
    #[arg(
        long,
        required_unless_present = "horizon_col",
        conflicts_with = "horizon_col"
    )]
    horizon: Option<f64>,
    /// A per-row horizon instead of --horizon: the column of the input holding each row's
    /// horizon in periods, e.g. `duration_holdout` of a calibration/holdout summary (finite,
    /// >= 0).
    #[arg(long, value_name = "COLUMN")]
    horizon_col: Option<String>,
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
    let (expected, alive) = match (model, &args.horizon_col, args.horizon) {
        (Some(model), Some(col), _) => {
            let horizons = read_horizons(&args.input, col, summary.len())?;
            per_row_horizon(model, &horizons, f, r, t).map_err(|e| summary.locate(e))?
        }
        (Some(model), None, Some(h)) => model
            .expected_purchases_and_alive(h, &CustomerBatch::from(&summary))
            .map_err(|e| summary.locate(e))?,
        (None, None, Some(h)) => {
            crate::covariates::predict(&args.model_file, &args.covariates, &summary, h)?
        }
        (None, Some(_), _) => {
            return Err(Error::InvalidParameter {
                name: "horizon-col".into(),
                value: ltv::error::ParamValue::None,
                rule: "not available with covariates yet: use --horizon".into(),
            })
        }
        (Some(_), None, None) | (None, None, None) => unreachable!("clap requires a horizon"),
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

/// Each row's horizon from column `col` of the summary file (same rows, same order as the
/// summary reader's), checked finite and >= 0; errors name the file line.
fn read_horizons(path: &Path, col: &str, rows: usize) -> Result<Vec<f64>> {
    let file = std::fs::File::open(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(std::io::BufReader::new(file));
    let header = Header::read(&mut rdr, b',')?;
    let i = header.required(col)?;
    let mut out = Vec::with_capacity(rows);
    for rec in rdr.records() {
        let rec = rec.map_err(csv_error)?;
        let line = rec.position().map_or(0, |p| p.line());
        let raw = rec.get(i).unwrap_or("").trim();
        let h: f64 = raw
            .parse()
            .ok()
            .filter(|h: &f64| h.is_finite() && *h >= 0.0)
            .ok_or_else(|| {
                Error::invalid_field(line, col, raw, "horizon must be a finite number >= 0")
            })?;
        out.push(h);
    }
    if out.len() != rows {
        return Err(Error::LengthMismatch {
            left: "summary rows".into(),
            left_len: rows,
            right: col.into(),
            right_len: out.len(),
        });
    }
    Ok(out)
}

/// Expected purchases over each row's own horizon and P(alive): one call per distinct
/// horizon. Row errors come back with the row's index in the whole summary.
fn per_row_horizon(
    model: &dyn TransactionModel,
    horizons: &[f64],
    f: &[f64],
    r: &[f64],
    t: &[f64],
) -> Result<(Vec<f64>, Vec<f64>)> {
    let mut groups: BTreeMap<u64, Vec<usize>> = BTreeMap::new();
    for (i, h) in horizons.iter().enumerate() {
        groups.entry(h.to_bits()).or_default().push(i);
    }
    let (mut expected, mut alive) = (vec![0.0; f.len()], vec![0.0; f.len()]);
    for (bits, rows) in groups {
        let pick = |x: &[f64]| rows.iter().map(|&i| x[i]).collect::<Vec<f64>>();
        let (pf, pr, pt) = (pick(f), pick(r), pick(t));
        let (e, a) = CustomerBatch::new(&pf, &pr, &pt)
            .and_then(|batch| model.expected_purchases_and_alive(f64::from_bits(bits), &batch))
            .map_err(|e| match e {
                Error::InvalidField {
                    line,
                    column,
                    value,
                    rule,
                } if line >= 1 && (line as usize) <= rows.len() => Error::InvalidField {
                    line: rows[line as usize - 1] as u64 + 1,
                    column,
                    value,
                    rule,
                },
                e => e,
            })?;
        for ((&i, e), a) in rows.iter().zip(e).zip(a) {
            expected[i] = e;
            alive[i] = a;
        }
    }
    Ok((expected, alive))
}

/// Quotes a CSV field when needed.
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}
