//! `ltv fit --model M --input RFM.csv [--period week] [--penalizer X] [--output MODEL.json]`:
//! fits a model to an RFM summary, prints the fit as JSON on stdout, and saves the model file
//! (with the summary's time unit when `--period` is given) for `ltv predict` / `ltv clv`.
//!
//! Adding a model: a [`ModelKind`] variant and one arm in [`fit_model`] returning a
//! [`SavedModel`]; the JSON printout and the model file are shared.

use std::path::{Path, PathBuf};

use ltv::fit::{Fit, FitOptions};
use ltv::models::bgbb::BgBb;
use ltv::models::bgnbd::BgNbd;
use ltv::models::gamma_gamma::{GammaGamma, SpendData};
use ltv::models::mbgnbd::MbgNbd;
use ltv::models::pareto_nbd::ParetoNbd;
use ltv::models::{ModelFile, SavedModel};
use ltv::summary::{RfmSummary, SummaryCsvOptions};
use ltv::{Period, Result};

use crate::io::{output, write_err};

pub use ltv::models::ModelKind;

/// Column names of the input summary (lifetimes' names by default).
#[derive(clap::Args, Debug, Clone)]
pub struct SummaryColumns {
    /// Column with the number of repeat purchases.
    #[arg(long, default_value = "frequency")]
    pub frequency_col: String,
    /// Column with the age at the last purchase (periods).
    #[arg(long, default_value = "recency")]
    pub recency_col: String,
    /// Column with the age at the end of observation (periods).
    #[arg(long, default_value = "T")]
    pub t_col: String,
    /// Optional column of row weights (number of customers per row).
    #[arg(long)]
    pub weights_col: Option<String>,
    /// Column with customer ids (default: customer_id, ID or id if present).
    #[arg(long)]
    pub customer_id_col: Option<String>,
}

impl SummaryColumns {
    /// The CSV reader options for these columns.
    pub fn options(&self) -> SummaryCsvOptions {
        let mut o = SummaryCsvOptions::new()
            .frequency_col(self.frequency_col.clone())
            .recency_col(self.recency_col.clone())
            .t_col(self.t_col.clone());
        if let Some(w) = &self.weights_col {
            o = o.weights_col(w.clone());
        }
        if let Some(id) = &self.customer_id_col {
            o = o.customer_id_col(id.clone());
        }
        o
    }

    /// Reads the summary at `path`.
    pub fn read(&self, path: &Path) -> Result<RfmSummary> {
        crate::io::read_summary(&self.options(), path)
    }
}

/// Arguments of `ltv fit`.
#[derive(clap::Args)]
pub struct Args {
    /// Model to fit.
    #[arg(long, value_enum)]
    model: ModelKind,
    /// RFM summary CSV (frequency, recency, T in periods; optional weights).
    #[arg(long)]
    input: PathBuf,
    /// L2 penalty with lifetimes' `penalizer_coef` meaning (0 = plain maximum likelihood).
    #[arg(long, default_value_t = 0.0)]
    penalizer: f64,
    /// Write the fitted model (JSON, for `ltv predict` / `ltv clv`) to this file.
    #[arg(long)]
    output: Option<PathBuf>,
    /// Time unit of the summary (its frequency, recency and T are counted in it); recorded in
    /// the model file so that `ltv clv` converts months correctly (4.345 weeks, 30 days, 720
    /// hours a month).
    #[arg(long, value_enum)]
    period: Option<Period>,
    /// Iteration cap of each optimizer stage (L-BFGS; Nelder-Mead, the fallback, gets 4x;
    /// the fit may run L-BFGS twice, so the total can exceed this cap).
    #[arg(long, default_value_t = 1000)]
    max_iterations: u64,
    /// Budget of likelihood evaluations for the whole fit, all stages together: a fit that
    /// spends it stops with a "did not converge" error, so no data set makes a fit run
    /// unbounded.
    #[arg(long, default_value_t = 2_000)]
    max_evaluations: u64,
    /// Column with the mean repeat spend (Gamma-Gamma only).
    #[arg(long, default_value = "monetary_value")]
    monetary_value_col: String,
    #[command(flatten)]
    columns: SummaryColumns,
    #[command(flatten)]
    covariates: crate::covariates::FitArgs,
}

/// Reads the input summary: with the monetary value for Gamma-Gamma; for BG/BB with the
/// donations layout's names when the defaults are absent (`periods` for `T`, and a `weights`
/// column when no `--weights-col` is given).
fn read_input(args: &Args) -> Result<RfmSummary> {
    let mut opts = args.columns.options();
    if args.model == ModelKind::GammaGamma {
        opts = opts
            .monetary_value_col(args.monetary_value_col.clone())
            .timing_optional();
    }
    if args.model == ModelKind::BgBb {
        let header = header_names(&args.input)?;
        let has = |name: &str| header.iter().any(|h| h == name);
        if args.columns.t_col == "T" && !has("T") && has("periods") {
            opts = opts.t_col("periods");
        }
        if args.columns.weights_col.is_none() && has("weights") {
            opts = opts.weights_col("weights");
        }
    }
    crate::io::read_summary(&opts, &args.input)
}

/// The column names on the first line of a CSV file.
fn header_names(path: &Path) -> Result<Vec<String>> {
    use std::io::BufRead;
    let io_err = |source| ltv::Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io_err)?;
    let mut line = String::new();
    std::io::BufReader::new(file)
        .read_line(&mut line)
        .map_err(io_err)?;
    Ok(line
        .trim_end()
        .split(',')
        .map(|h| h.trim().trim_matches('"').to_string())
        .collect())
}

/// Fits `kind` on the summary.
pub fn fit_model(
    kind: ModelKind,
    summary: &RfmSummary,
    options: &FitOptions,
) -> Result<SavedModel> {
    let data = summary.compress();
    Ok(match kind {
        ModelKind::BgNbd => BgNbd::fit(&data, options)?.into(),
        ModelKind::MbgNbd => MbgNbd::fit(&data, options)?.into(),
        ModelKind::ParetoNbd => ParetoNbd::fit(&data, options)?.into(),
        ModelKind::BgBb => BgBb::fit(&data, options)?.into(),
        ModelKind::GammaGamma => {
            let spend = SpendData::from_summary(summary).map_err(|e| summary.locate(e))?;
            if let Some(warning) = spend.independence_warning() {
                eprintln!("ltv fit: warning: {warning}");
            }
            GammaGamma::fit(&spend, options)?.into()
        }
    })
}

/// The JSON printed by `ltv fit`: `model`, `params`, `log_likelihood` (unpenalised, summed
/// over customers, on the data's time scale), `std_errors` (null when the information matrix
/// is singular; the reason goes to stderr), `converged`, `iterations`, `n_customers` (a whole
/// number when the weights are, as they are for counts of customers).
#[derive(serde::Serialize)]
pub struct FitPrintout<'a> {
    model: &'a str,
    params: Named<'a>,
    log_likelihood: f64,
    std_errors: Option<Named<'a>>,
    converged: bool,
    iterations: u64,
    n_customers: Count,
}

/// A number of customers: written as an integer when it is one (weights are counts), as a
/// float otherwise (fractional weights).
#[derive(serde::Serialize)]
#[serde(untagged)]
enum Count {
    Whole(u64),
    Fraction(f64),
}

impl Count {
    fn new(x: f64) -> Self {
        if x >= 0.0 && x.fract() == 0.0 && x < 9.0e15 {
            Count::Whole(x as u64)
        } else {
            Count::Fraction(x)
        }
    }
}

impl<'a> FitPrintout<'a> {
    /// The printout of `fit` for `model`.
    pub fn new(model: &'a str, fit: &'a Fit) -> Self {
        Self {
            model,
            params: Named(fit.names(), fit.params().to_vec()),
            log_likelihood: fit.log_likelihood(),
            std_errors: fit.std_errors().ok().map(|se| Named(fit.names(), se)),
            converged: fit.convergence().converged,
            iterations: fit.convergence().iterations,
            n_customers: Count::new(fit.n_customers()),
        }
    }
}

/// `name -> value` in the model's parameter order.
struct Named<'a>(&'a [String], Vec<f64>);

impl serde::Serialize for Named<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in self.0.iter().zip(&self.1) {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

/// Runs `ltv fit`.
pub fn run(args: Args) -> Result<()> {
    let summary = read_input(&args)?;
    if let Some(path) = &args.covariates.file.covariates {
        return crate::covariates::run_fit(
            args.model,
            &summary,
            &args.covariates,
            path,
            args.penalizer,
            args.max_iterations,
            args.period,
            args.output.as_deref(),
        );
    }
    let options = {
        let mut o = FitOptions::default();
        o.penalizer = args.penalizer;
        o.max_iterations = args.max_iterations;
        o.max_evaluations = args.max_evaluations;
        o
    };
    let saved = fit_model(args.model, &summary, &options)?;
    if let Err(e) = saved.fit().std_errors() {
        eprintln!("ltv fit: no standard errors (\"std_errors\": null): {e}");
    }
    let text = serde_json::to_string_pretty(&FitPrintout::new(saved.name(), saved.fit())).map_err(
        |source| ltv::Error::Json {
            what: "writing the fit as JSON".into(),
            source,
        },
    )?;
    let mut out = output(None)?;
    writeln!(out, "{text}").map_err(write_err(None))?;
    out.flush().map_err(write_err(None))?;
    if let Some(path) = &args.output {
        let file = ModelFile {
            model: saved,
            period: args.period,
        };
        file.save(path)?;
        eprintln!("ltv fit: model written to {}", path.display());
        if file.period.is_none() && file.model.as_transaction_model().is_ok() {
            eprintln!(
                "ltv fit: no --period given: the file does not record the summary's time \
                 unit, so ltv clv will ask for --period"
            );
        }
    }
    // the process ends next: leave the summary's million ids to the operating system
    std::mem::forget(summary);
    Ok(())
}

use std::io::Write;
