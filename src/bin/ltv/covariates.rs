//! Time-invariant covariates on the command line: `ltv fit --covariates FILE`, and
//! `ltv predict` / `ltv clv` with the same file (see `ltv::models::covariates`).
//!
//! # The covariate file
//!
//! A CSV with a header: a customer id column (`--covariate-id-col`, default the first of
//! `customer_id`, `ID`, `id`, else the first column) and one column per covariate. Columns are
//! numeric unless named by `--categorical NAME[=REFERENCE]` (repeatable), which one-hot
//! encodes them with `REFERENCE` left out (without a reference every level gets an
//! indicator, which needs `--penalty` > 0). `--covariate-cols a,b` picks columns; by default
//! every column but the id is a covariate.
//!
//! # Joining the file to the summary
//!
//! Every customer of the summary must have exactly one row (an error names the first one
//! without). A row for a customer who is not in the summary is an **error in `ltv fit`** (the
//! file and the summary disagree about who the customers are: usually the wrong file, or ids
//! written differently, `007` against `7`), and a **warning in `ltv predict` / `ltv clv`**,
//! where scoring some of the customers of a full covariate table is ordinary.
//!
//! # The model file
//!
//! `ltv fit --covariates` writes `CovariateFit::to_json` (`"format": "ltv-covariates-1"`,
//! `"model"`, the encoding, `"theta"` by name, covariance, convergence) with a `"period"` key
//! added when `--period` is given. `ltv predict` and `ltv clv` recognise such a file by its
//! `"format"` and then need `--covariates`; the model's encoding is applied to the file's
//! columns, so a level not seen when fitting is an error naming the customer.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use ltv::error::ModelFileRule;
use ltv::models::bgnbd::BgNbd;
use ltv::models::covariates::{
    fit_with_covariates, CovariateColumn, CovariateEncoding, CovariateFit, CovariateModel,
    CovariateOptions, Covariates,
};
use ltv::models::gamma_gamma::{FittedGammaGamma, GammaGamma};
use ltv::models::mbgnbd::MbgNbd;
use ltv::models::pareto_nbd::ParetoNbd;
use ltv::models::{CustomerBatch, SavedModel, TransactionModel};
use ltv::summary::RfmSummary;
use ltv::value::{customer_lifetime_value, ClvSettings};
use ltv::Period;
use ltv::{Error, Result};

use crate::fit::ModelKind;

/// The `"format"` of a covariate model file.
const FORMAT: &str = "ltv-covariates-1";

/// Flags of `ltv fit` for a fit with covariates.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct FitArgs {
    #[command(flatten)]
    pub file: FileArgs,
    /// A categorical covariate column, one-hot encoded, with its reference level (no
    /// indicator) after `=`: `--categorical channel=web`. Repeatable; columns not named here
    /// are numeric.
    #[arg(long = "categorical", value_name = "NAME[=REFERENCE]")]
    pub categorical: Vec<String>,
    /// Base parameters whose logarithm is linear in the covariates (default: BG/NBD and
    /// MBG/NBD `alpha,a,b`; Pareto/NBD `alpha,beta`; Gamma-Gamma `v`).
    #[arg(long, value_delimiter = ',', value_name = "PARAMS")]
    pub link: Option<Vec<String>>,
    /// L2 penalty λ on every covariate coefficient (`LL − λ Σ γ²`; CLVTools' `reg.lambdas`
    /// times the number of customers).
    #[arg(long, default_value_t = 0.0)]
    pub penalty: f64,
}

/// The covariate file flags shared by `ltv fit`, `ltv predict` and `ltv clv`.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct FileArgs {
    /// CSV of time-invariant covariates: a customer id column plus covariate columns (see
    /// the README's "Covariates").
    #[arg(long)]
    pub covariates: Option<PathBuf>,
    /// Customer id column of the covariate file (default: `customer_id`, `ID` or `id`, else
    /// the first column).
    #[arg(long, requires = "covariates")]
    pub covariate_id_col: Option<String>,
    /// Covariate columns to use (default: every column but the id).
    #[arg(long, value_delimiter = ',', requires = "covariates")]
    pub covariate_cols: Option<Vec<String>>,
}

/// The raw covariate table: ids and columns of text.
struct Table {
    path: PathBuf,
    ids: Vec<String>,
    /// `(name, cells)` in file order.
    columns: Vec<(String, Vec<String>)>,
}

impl Table {
    fn read(args: &FileArgs, path: &Path) -> Result<Self> {
        let io = |source| Error::Io {
            path: path.to_path_buf(),
            source,
        };
        // bytes, not a String: invalid UTF-8 is reported by the CSV reader with its line
        let bytes = std::fs::read(path).map_err(io)?;
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .trim(csv::Trim::All)
            .from_reader(bytes.as_slice());
        let csv_err = ltv::data::columns::csv_error;
        let columns_of = ltv::data::columns::Header::read(&mut reader, b',')?;
        let header: Vec<String> = columns_of.names().to_vec();
        let id_col = match &args.covariate_id_col {
            Some(name) => columns_of.required(name)?,
            None => ["customer_id", "ID", "id"]
                .iter()
                .find_map(|c| columns_of.find(c))
                .unwrap_or(0),
        };
        let wanted: Vec<usize> = match &args.covariate_cols {
            Some(names) => names
                .iter()
                .map(|n| columns_of.required(n))
                .collect::<Result<_>>()?,
            None => (0..header.len()).filter(|&j| j != id_col).collect(),
        };
        if wanted.is_empty() {
            return Err(Error::EmptyInput {
                what: format!(
                    "covariate columns in {} (only an id column)",
                    path.display()
                ),
            });
        }
        let mut ids = Vec::new();
        let mut columns: Vec<(String, Vec<String>)> = wanted
            .iter()
            .map(|&j| (header[j].clone(), Vec::new()))
            .collect();
        for rec in reader.records() {
            let rec = rec.map_err(csv_err)?;
            let line = rec.position().map_or(0, |p| p.line());
            if rec.len() != header.len() {
                return Err(Error::FieldCount {
                    line,
                    expected: header.len(),
                    found: rec.len(),
                });
            }
            ids.push(rec[id_col].to_string());
            for (col, &j) in columns.iter_mut().zip(&wanted) {
                col.1.push(rec[j].to_string());
            }
        }
        Ok(Self {
            path: path.to_path_buf(),
            ids,
            columns,
        })
    }

    /// The row of each summary customer, in summary order. Rows of customers not in the
    /// summary are an error when `extra_is_error`, else a warning on stderr (from `who`).
    fn join(&self, summary: &RfmSummary, extra_is_error: bool, who: &str) -> Result<Vec<usize>> {
        let id_column = || format!("customer_id ({})", self.path.display());
        let mut row_of: HashMap<&str, usize> = HashMap::with_capacity(self.ids.len());
        for (i, id) in self.ids.iter().enumerate() {
            if row_of.insert(id.as_str(), i).is_some() {
                return Err(Error::Covariate {
                    column: id_column(),
                    customer: Some(id.clone()),
                    rule: "the customer has more than one row in the covariate file".into(),
                });
            }
        }
        let rows = summary
            .customer_ids()
            .iter()
            .map(|id| {
                row_of
                    .get(id.as_str())
                    .copied()
                    .ok_or_else(|| Error::Covariate {
                        column: id_column(),
                        customer: Some(id.clone()),
                        rule: "the summary's customer has no row in the covariate file".into(),
                    })
            })
            .collect::<Result<Vec<usize>>>()?;
        let extra = self.ids.len() - rows.len();
        if extra > 0 {
            let in_summary: std::collections::HashSet<&str> =
                summary.customer_ids().iter().map(String::as_str).collect();
            let first = self
                .ids
                .iter()
                .find(|id| !in_summary.contains(id.as_str()))
                .cloned();
            if extra_is_error {
                return Err(Error::Covariate {
                    column: id_column(),
                    customer: first,
                    rule: format!(
                        "the covariate file has {extra} customer(s) that are not in the summary \
                         (every covariate row must be a customer of the fit)"
                    ),
                });
            }
            eprintln!(
                "{who}: warning: {extra} covariate row(s) for customers not in the summary \
                 (first: `{}`) are ignored",
                first.unwrap_or_default()
            );
        }
        Ok(rows)
    }

    /// The cells of column `name` for the summary's customers (`rows` from [`Table::join`]).
    fn cells(&self, name: &str, rows: &[usize]) -> Result<Vec<String>> {
        let col = self
            .columns
            .iter()
            .find(|(n, _)| n == name)
            .ok_or_else(|| Error::MissingColumn {
                column: name.to_string(),
                found: self
                    .columns
                    .iter()
                    .map(|(n, _)| n.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            })?;
        Ok(rows.iter().map(|&r| col.1[r].clone()).collect())
    }

    /// Numbers of column `name`: an empty or non-numeric cell is [`Error::Covariate`]
    /// naming the customer.
    fn numbers(&self, name: &str, rows: &[usize], summary: &RfmSummary) -> Result<Vec<f64>> {
        self.cells(name, rows)?
            .iter()
            .zip(summary.customer_ids())
            .map(|(cell, id)| {
                let bad = |rule: String| Error::Covariate {
                    column: name.to_string(),
                    customer: Some(id.clone()),
                    rule,
                };
                if cell.is_empty() {
                    return Err(bad("missing value".into()));
                }
                match cell.parse::<f64>() {
                    Ok(v) if v.is_finite() => Ok(v),
                    _ => Err(bad(format!(
                        "`{cell}` is not a finite number (name the column with --categorical \
                         if it is a label)"
                    ))),
                }
            })
            .collect()
    }
}

/// `NAME[=REFERENCE]`.
fn parse_categorical(spec: &str) -> (String, Option<String>) {
    match spec.split_once('=') {
        Some((n, r)) => (n.trim().to_string(), Some(r.trim().to_string())),
        None => (spec.trim().to_string(), None),
    }
}

/// Reads the covariate file of `ltv fit` for the customers of `summary` and builds the
/// design (numeric columns unless `--categorical`).
pub fn read_for_fit(args: &FitArgs, path: &Path, summary: &RfmSummary) -> Result<Covariates> {
    let table = Table::read(&args.file, path)?;
    let rows = table.join(summary, true, "ltv fit")?;
    let cats: Vec<(String, Option<String>)> = args
        .categorical
        .iter()
        .map(|s| parse_categorical(s))
        .collect();
    for (name, _) in &cats {
        if !table.columns.iter().any(|(n, _)| n == name) {
            return Err(Error::MissingColumn {
                column: name.clone(),
                found: table
                    .columns
                    .iter()
                    .map(|(n, _)| n.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        }
    }
    let mut builder = Covariates::builder(summary.customer_ids());
    for (name, _) in &table.columns {
        builder = match cats.iter().find(|(n, _)| n == name) {
            Some((_, reference)) => {
                builder.categorical(name, &table.cells(name, &rows)?, reference.as_deref())
            }
            None => builder.numeric(name, &table.numbers(name, &rows, summary)?),
        };
    }
    builder.build()
}

/// Reads the covariate file for prediction with a fitted model's `encoding`.
fn read_for_model(
    args: &FileArgs,
    encoding: &CovariateEncoding,
    summary: &RfmSummary,
    who: &str,
) -> Result<Covariates> {
    let path = args
        .covariates
        .as_deref()
        .ok_or_else(|| Error::model_format(ModelFileRule::CovariatesRequired))?;
    let table = Table::read(args, path)?;
    let rows = table.join(summary, false, who)?;
    let mut numeric = Vec::new();
    let mut categorical = Vec::new();
    for col in &encoding.columns {
        match col {
            CovariateColumn::Numeric { name } => {
                numeric.push((name.clone(), table.numbers(name, &rows, summary)?))
            }
            CovariateColumn::Categorical { name, .. } => {
                categorical.push((name.clone(), table.cells(name, &rows)?))
            }
        }
    }
    let numeric: Vec<(&str, &[f64])> = numeric
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_slice()))
        .collect();
    let categorical: Vec<(&str, &[String])> = categorical
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_slice()))
        .collect();
    Covariates::encode_with(summary.customer_ids(), encoding, &numeric, &categorical)
}

/// Runs `ltv fit --covariates`: fits `kind` with covariates, prints the model JSON on stdout
/// and writes it (with `period`) to `output`.
#[allow(clippy::too_many_arguments)]
pub fn run_fit(
    kind: ModelKind,
    summary: &RfmSummary,
    args: &FitArgs,
    path: &Path,
    penalizer: f64,
    max_iterations: u64,
    period: Option<Period>,
    output: Option<&Path>,
) -> Result<()> {
    use std::io::Write;
    if penalizer != 0.0 {
        return Err(Error::invalid_parameter(
            "--penalizer",
            penalizer,
            "applies to fits without covariates; with --covariates use --penalty",
        ));
    }
    let json = fit(kind, summary, args, path, max_iterations, period)?;
    let mut out = crate::io::output(None)?;
    writeln!(out, "{json}").map_err(crate::io::write_err(None))?;
    out.flush().map_err(crate::io::write_err(None))?;
    if let Some(p) = output {
        std::fs::write(p, format!("{json}\n")).map_err(|source| Error::Io {
            path: p.to_path_buf(),
            source,
        })?;
        eprintln!("ltv fit: model written to {}", p.display());
    }
    Ok(())
}

/// Fits `kind` with covariates and returns the model file's JSON (with `period`).
fn fit(
    kind: ModelKind,
    summary: &RfmSummary,
    args: &FitArgs,
    path: &Path,
    max_iterations: u64,
    period: Option<Period>,
) -> Result<String> {
    let covariates = read_for_fit(args, path, summary)?;
    let mut options = CovariateOptions::default().penalty(args.penalty);
    options.max_iterations = max_iterations.max(1);
    if let Some(link) = &args.link {
        let names: Vec<&str> = link
            .iter()
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .collect();
        options = options.linked(&names);
    }
    let json = match kind {
        ModelKind::BgNbd => fitted_json::<BgNbd>(summary, &covariates, &options)?,
        ModelKind::MbgNbd => fitted_json::<MbgNbd>(summary, &covariates, &options)?,
        ModelKind::ParetoNbd => fitted_json::<ParetoNbd>(summary, &covariates, &options)?,
        ModelKind::GammaGamma => fitted_json::<GammaGamma>(summary, &covariates, &options)?,
        ModelKind::BgBb => {
            return Err(Error::model_format(ModelFileRule::NoCovariates {
                model: "bgbb".into(),
            }))
        }
    };
    with_period(&json, period)
}

fn fitted_json<M: CovariateModel>(
    summary: &RfmSummary,
    covariates: &Covariates,
    options: &CovariateOptions,
) -> Result<String> {
    let fit = fit_with_covariates::<M>(summary, covariates, options)?;
    if let Err(e) = fit.std_errors() {
        eprintln!("ltv fit: no standard errors: {e}");
    }
    fit.to_json()
}

fn json_err(e: serde_json::Error) -> Error {
    Error::model_format(ModelFileRule::Json(e))
}

/// Adds `"period"` to a saved covariate fit.
fn with_period(json: &str, period: Option<Period>) -> Result<String> {
    let mut value: serde_json::Value = serde_json::from_str(json).map_err(json_err)?;
    if let (Some(p), Some(obj)) = (period, value.as_object_mut()) {
        obj.insert("period".into(), serde_json::to_value(p).map_err(json_err)?);
    }
    serde_json::to_string_pretty(&value).map_err(json_err)
}

/// A model file's JSON when it holds a covariate fit (`"format": "ltv-covariates-1"`).
fn covariate_file(path: &Path) -> Result<Option<serde_json::Value>> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let value: serde_json::Value = match serde_json::from_str(&text) {
        Ok(v) => v,
        Err(_) => return Ok(None), // not JSON: the plain loader says why
    };
    Ok((value.get("format").and_then(|f| f.as_str()) == Some(FORMAT)).then_some(value))
}

/// True when any of `paths` holds a covariate fit, or `--covariates` was given: the
/// subcommand then runs through this module.
pub fn applies(args: &FileArgs, paths: &[&Path]) -> Result<bool> {
    if args.covariates.is_some() {
        return Ok(true);
    }
    for p in paths {
        if covariate_file(p)?.is_some() {
            return Ok(true);
        }
    }
    Ok(false)
}

/// A transaction model from a model file: plain, or fitted with covariates.
enum Transactions {
    Plain(SavedModel),
    BgNbd(CovariateFit<BgNbd>),
    MbgNbd(CovariateFit<MbgNbd>),
    ParetoNbd(CovariateFit<ParetoNbd>),
}

/// A spend model from a model file: plain, or Gamma-Gamma fitted with covariates.
enum Spend {
    Plain(FittedGammaGamma),
    Covariates(CovariateFit<GammaGamma>),
}

/// The model name and the recorded period of a covariate file.
fn header(value: &serde_json::Value) -> Result<(String, Option<Period>)> {
    let name = value
        .get("model")
        .and_then(|m| m.as_str())
        .unwrap_or_default()
        .to_string();
    let period = match value.get("period") {
        None | Some(serde_json::Value::Null) => None,
        Some(p) => Some(serde_json::from_value(p.clone()).map_err(json_err)?),
    };
    Ok((name, period))
}

fn load_transactions(path: &Path) -> Result<(Transactions, Option<Period>)> {
    let Some(value) = covariate_file(path)? else {
        let file = ltv::models::ModelFile::load(path)?;
        file.model.as_transaction_model()?;
        return Ok((Transactions::Plain(file.model), file.period));
    };
    let (name, period) = header(&value)?;
    let text = value.to_string();
    let model = match name.as_str() {
        "bgnbd" => Transactions::BgNbd(CovariateFit::from_json(&text)?),
        "mbgnbd" => Transactions::MbgNbd(CovariateFit::from_json(&text)?),
        "pareto-nbd" => Transactions::ParetoNbd(CovariateFit::from_json(&text)?),
        other => {
            return Err(Error::ModelFormat {
                path: Some(path.to_path_buf()),
                rule: ModelFileRule::NotTransactionModel {
                    model: format!("a `{other}` model"),
                },
            })
        }
    };
    Ok((model, period))
}

fn load_spend(path: &Path) -> Result<Spend> {
    let Some(value) = covariate_file(path)? else {
        let saved = SavedModel::load(path)?;
        return Ok(Spend::Plain(saved.as_spend_model()?.clone()));
    };
    let (name, _) = header(&value)?;
    if name != "gamma-gamma" {
        return Err(Error::ModelFormat {
            path: Some(path.to_path_buf()),
            rule: ModelFileRule::NotSpendModel {
                model: format!("a `{name}` model"),
            },
        });
    }
    Ok(Spend::Covariates(CovariateFit::from_json(
        &value.to_string(),
    )?))
}

/// Each customer's model: the plain model for everyone, or `model_for(z_i)`.
struct PerCustomer<T> {
    /// One model per distinct covariate row.
    models: Vec<T>,
    /// The model of each customer.
    of: Vec<usize>,
}

/// Groups the customers by covariate row and builds one model per distinct row.
fn per_pattern<T>(
    covariates: &Covariates,
    build: impl Fn(&[f64]) -> Result<T>,
) -> Result<PerCustomer<T>> {
    let mut index: HashMap<Vec<u64>, usize> = HashMap::new();
    let mut models = Vec::new();
    let mut of = Vec::with_capacity(covariates.len());
    for i in 0..covariates.len() {
        let row = covariates.row(i);
        let key: Vec<u64> = row.iter().map(|v| v.to_bits()).collect();
        let g = match index.get(&key) {
            Some(&g) => g,
            None => {
                models.push(build(row)?);
                index.insert(key, models.len() - 1);
                models.len() - 1
            }
        };
        of.push(g);
    }
    Ok(PerCustomer { models, of })
}

/// The per-customer transaction models of `t` for the summary's customers.
fn transaction_models(
    t: &Transactions,
    file: &FileArgs,
    summary: &RfmSummary,
    who: &str,
) -> Result<PerCustomer<Box<dyn TransactionModel>>> {
    fn boxed<M: CovariateModel + TransactionModel + 'static>(
        fit: &CovariateFit<M>,
        file: &FileArgs,
        summary: &RfmSummary,
        who: &str,
    ) -> Result<PerCustomer<Box<dyn TransactionModel>>> {
        let cov = read_for_model(file, fit.encoding(), summary, who)?;
        per_pattern(&cov, |z| {
            Ok(Box::new(fit.model_for(z)?) as Box<dyn TransactionModel>)
        })
    }
    match t {
        Transactions::Plain(saved) => {
            let m: Box<dyn TransactionModel> = match saved {
                SavedModel::BgNbd(m) => Box::new(m.clone()),
                SavedModel::MbgNbd(m) => Box::new(m.clone()),
                SavedModel::ParetoNbd(m) => Box::new(m.clone()),
                other => {
                    return Err(Error::model_format(ModelFileRule::NoCovariates {
                        model: other.name().to_string(),
                    }))
                }
            };
            Ok(PerCustomer {
                models: vec![m],
                of: vec![0; summary.len()],
            })
        }
        Transactions::BgNbd(f) => boxed(f, file, summary, who),
        Transactions::MbgNbd(f) => boxed(f, file, summary, who),
        Transactions::ParetoNbd(f) => boxed(f, file, summary, who),
    }
}

/// Runs `ltv predict` for a covariate model: `customer_id,expected_purchases,p_alive`.
pub fn predict(
    model_file: &Path,
    file: &FileArgs,
    summary: &RfmSummary,
    horizon: f64,
) -> Result<(Vec<f64>, Vec<f64>)> {
    let (t, _) = load_transactions(model_file)?;
    if matches!(t, Transactions::Plain(_)) {
        return Err(Error::ModelFormat {
            path: Some(model_file.to_path_buf()),
            rule: ModelFileRule::FittedWithoutCovariates {
                which: "the model was",
            },
        });
    }
    let models = transaction_models(&t, file, summary, "ltv predict")?;
    let (x, tx, tt) = (summary.frequency(), summary.recency(), summary.t());
    let mut expected = Vec::with_capacity(summary.len());
    let mut alive = Vec::with_capacity(summary.len());
    for (i, &g) in models.of.iter().enumerate() {
        let m = &models.models[g];
        expected.push(m.conditional_expected_purchases_one(horizon, x[i], tx[i], tt[i])?);
        alive.push(m.probability_alive_one(x[i], tx[i], tt[i])?);
    }
    Ok((expected, alive))
}

/// What `ltv clv` passes to [`clv`].
pub struct ClvInputs<'a> {
    /// The transaction model file.
    pub transaction_model: &'a Path,
    /// The spend model file.
    pub spend_model: &'a Path,
    /// The covariate file flags.
    pub file: &'a FileArgs,
    /// The summary with mean repeat spend.
    pub summary: &'a RfmSummary,
}

/// The transaction model file's recorded period (for `ltv clv`'s period resolution).
pub fn recorded_period(path: &Path) -> Result<Option<Period>> {
    Ok(load_transactions(path)?.1)
}

/// CLV per customer with each customer's own models (`model_for(z_i)` of whichever model
/// was fitted with covariates), through `ltv::value::customer_lifetime_value`, one call per
/// distinct pair of models. No intervals (the delta method over covariate fits is not
/// wired; said on stderr).
pub fn clv(inputs: &ClvInputs<'_>, settings: &ClvSettings) -> Result<Vec<f64>> {
    let (t, _) = load_transactions(inputs.transaction_model)?;
    let spend = load_spend(inputs.spend_model)?;
    if matches!((&t, &spend), (Transactions::Plain(_), Spend::Plain(_))) {
        return Err(Error::model_format(
            ModelFileRule::FittedWithoutCovariates {
                which: "neither model was",
            },
        ));
    }
    let summary = inputs.summary;
    let money = summary
        .monetary_value()
        .ok_or_else(|| Error::MissingColumn {
            column: "monetary_value".into(),
            found: "(no monetary value read)".into(),
        })?;
    let tm = transaction_models(&t, inputs.file, summary, "ltv clv")?;
    let sm = match &spend {
        Spend::Plain(g) => PerCustomer {
            models: vec![*g.model()],
            of: vec![0; summary.len()],
        },
        Spend::Covariates(fit) => {
            let cov = read_for_model(inputs.file, fit.encoding(), summary, "ltv clv")?;
            per_pattern(&cov, |z| fit.model_for(z))?
        }
    };
    let (x, tx, tt) = (summary.frequency(), summary.recency(), summary.t());
    settings.check_period(&CustomerBatch::from(summary))?;
    // customers grouped by (transaction model, spend model)
    let mut groups: HashMap<(usize, usize), Vec<usize>> = HashMap::new();
    for i in 0..summary.len() {
        groups.entry((tm.of[i], sm.of[i])).or_default().push(i);
    }
    let mut out = vec![0.0; summary.len()];
    for ((ti, si), rows) in groups {
        let pick = |v: &[f64]| rows.iter().map(|&i| v[i]).collect::<Vec<f64>>();
        let (gx, gm, gtx, gtt) = (pick(x), pick(money), pick(tx), pick(tt));
        let value = sm.models[si].conditional_expected_average_values(&gx, &gm)?;
        let customers = CustomerBatch::new(&gx, &gtx, &gtt)?;
        let clv = customer_lifetime_value(tm.models[ti].as_ref(), settings, &customers, &value)?;
        for (&i, c) in rows.iter().zip(clv) {
            out[i] = c;
        }
    }
    Ok(out)
}
