//! The crate's one error type.
//!
//! Every fallible function in `ltv` returns [`Result<T>`](Result). Variants carry the offending
//! value and, where the input is tabular, the 1-based line (or row) and the column, so that a
//! batch job can print a message a person can act on, and a service can match on the variant.

use std::path::PathBuf;

/// Result alias used throughout the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in `ltv`.
///
/// The enum is `#[non_exhaustive]`: new variants may be added in minor releases.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    // ---- input data (readers, summaries) -------------------------------------------------
    /// An I/O error while reading or writing `path`.
    #[error("I/O error on {path}: {source}")]
    Io {
        /// The file involved (empty when reading from a stream).
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },

    /// A malformed CSV record (bad quoting, invalid UTF-8, ...).
    #[error("line {line}: malformed CSV record: {message}")]
    Csv {
        /// 1-based line number in the input (the header is line 1).
        line: u64,
        /// What the CSV parser reported.
        message: String,
    },

    /// A column named in the configuration is not in the header.
    #[error("column `{column}` not found in header (found: {found})")]
    MissingColumn {
        /// The column that was asked for.
        column: String,
        /// The header's columns, comma separated.
        found: String,
    },

    /// A record has a different number of fields than the header.
    #[error("line {line}: expected {expected} fields, found {found}")]
    FieldCount {
        /// 1-based line number.
        line: u64,
        /// Number of fields in the header.
        expected: usize,
        /// Number of fields in this record.
        found: usize,
    },

    /// A field's value breaks a rule (unparseable date, negative amount, empty id, ...).
    #[error("line {line}, column `{column}`: invalid value `{value}`: {rule}")]
    InvalidField {
        /// 1-based line number (rows of in-memory data are numbered from 1 too).
        line: u64,
        /// Column (or field) name.
        column: String,
        /// The offending value as text.
        value: String,
        /// The rule that was broken.
        rule: String,
    },

    /// A sum or mean over input rows is not a finite number: the rows' values, each finite,
    /// add up past `f64`'s range (about 1.8e308). Named by the group whose rows overflow.
    #[error(
        "{group} `{key}`: {quantity} overflows f64 ({value}): its rows' values add up past 1.8e308"
    )]
    NonFiniteAggregate {
        /// What the rows are grouped by (`customer`, `campaign`, ...).
        group: String,
        /// The group's key (customer id, campaign name, ...).
        key: String,
        /// The aggregated quantity (`monetary_value`, `cost`, ...).
        quantity: String,
        /// The non-finite result.
        value: f64,
    },

    /// The input holds no usable rows.
    #[error("empty input: {what}")]
    EmptyInput {
        /// What was empty.
        what: String,
    },

    /// A date or time argument (not a data row) is invalid, e.g. an observation end before the
    /// first purchase.
    #[error("invalid date `{value}`: {rule}")]
    InvalidDate {
        /// The offending date as text.
        value: String,
        /// The rule that was broken.
        rule: String,
    },

    /// In-memory columns of different lengths.
    #[error("length mismatch: `{left}` has {left_len} values but `{right}` has {right_len}")]
    LengthMismatch {
        /// First column name.
        left: String,
        /// Its length.
        left_len: usize,
        /// Second column name.
        right: String,
        /// Its length.
        right_len: usize,
    },

    // ---- parameters and models -------------------------------------------------------------
    /// A parameter or option is out of its domain.
    #[error("invalid parameter `{name}` = {value}: {rule}")]
    InvalidParameter {
        /// Parameter name.
        name: String,
        /// The offending value.
        value: f64,
        /// The rule that was broken.
        rule: String,
    },

    /// The data cannot identify the model (e.g. nobody ever repeats).
    #[error("data cannot identify the {model} model: {reason}")]
    Unidentifiable {
        /// Model name.
        model: String,
        /// Why.
        reason: String,
    },

    /// The optimizer did not converge.
    #[error("{model} fit did not converge after {iterations} iterations ({reason}); gradient norm {gradient_norm:e}")]
    NotConverged {
        /// Model name (or algorithm name, e.g. `pagerank`).
        model: String,
        /// Iterations used.
        iterations: u64,
        /// Gradient norm (or residual) at the last iterate.
        gradient_norm: f64,
        /// The termination reason reported by the solver.
        reason: String,
    },

    /// The optimizer itself failed.
    #[error("optimizer failed while fitting {model}: {message}")]
    Optimizer {
        /// Model name.
        model: String,
        /// The solver's message.
        message: String,
    },

    /// A computation overflowed, lost all precision or produced a non-finite value.
    #[error("numerical failure in {context}: {detail}")]
    Numerical {
        /// Which function or quantity.
        context: String,
        /// What went wrong, with the inputs where useful.
        detail: String,
    },

    /// The observed information matrix is singular or not positive definite, so standard
    /// errors are not available.
    #[error("covariance unavailable for {model}: {reason}")]
    SingularInformation {
        /// Model name.
        model: String,
        /// Why.
        reason: String,
    },

    /// A serialized model could not be read back.
    #[error("model file: {message}")]
    ModelFormat {
        /// What is wrong.
        message: String,
    },

    // ---- attribution -----------------------------------------------------------------------
    /// A graph input is invalid (unknown node, bad weight, ...).
    #[error("graph: {message}")]
    Graph {
        /// What is wrong.
        message: String,
    },

    /// A cooperative game is invalid for the estimator (too many players for exact
    /// enumeration, ...).
    #[error("game: {message}")]
    Game {
        /// What is wrong.
        message: String,
    },

    // ---- report ----------------------------------------------------------------------------
    /// A report input is inconsistent (missing exchange rate, unknown group-by level, ...).
    #[error("report: {message}")]
    Report {
        /// What is wrong.
        message: String,
    },

    /// No exchange rate converts `currency` into the report currency on `date`.
    #[error(
        "{table} line {line}: no exchange rate for {currency} on {date} (into the report currency)"
    )]
    MissingRate {
        /// Which input needed the rate (`costs`, `transactions`, ...).
        table: String,
        /// 1-based line of the row that needed it.
        line: u64,
        /// The currency code.
        currency: String,
        /// The date (`YYYY-MM-DD`) the rate was needed for.
        date: String,
    },

    // ---- covariates ------------------------------------------------------------------------
    /// A covariate column or value breaks a rule (missing value, constant column, a level
    /// not seen when the model was fitted, a customer without covariates, ...).
    #[error("covariate `{column}`{}: {rule}", customer.as_ref().map(|c| format!(", customer `{c}`")).unwrap_or_default())]
    Covariate {
        /// The covariate column (as named in the covariate table).
        column: String,
        /// The customer whose value is at fault, when one is.
        customer: Option<String>,
        /// The rule that was broken.
        rule: String,
    },

    // ---- charts ------------------------------------------------------------------------------
    /// Drawing or rasterising a chart failed (feature `plot`).
    #[error("chart `{chart}`: {source}")]
    Draw {
        /// Which chart (`tracking`, `p-alive`, ...).
        chart: String,
        /// What the drawing or rasterising library reported.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },

    /// A chart has nothing to show (no finite value, an empty series, ...).
    #[error("chart `{chart}`: no data to draw: {what}")]
    NoChartData {
        /// Which chart.
        chart: String,
        /// What was missing.
        what: String,
    },

    /// An error about one row of an input file (or a quantity derived from it), located: the
    /// file, the row's 1-based line (header = line 1) and its customer id. Built by
    /// [`crate::summary::RfmSummary::locate`]; the source says what is wrong.
    #[error("{}", in_row_message(path.as_deref(), *line, customer, source))]
    InRow {
        /// The file the row was read from (`None` for in-memory data).
        path: Option<PathBuf>,
        /// 1-based line of the row in that file.
        line: u64,
        /// The row's customer id.
        customer: String,
        /// What is wrong with the row.
        #[source]
        source: Box<Error>,
    },
}

/// `FILE line N, customer `c`: ...`, leaving out the line when the source names it already.
fn in_row_message(
    path: Option<&std::path::Path>,
    line: u64,
    customer: &str,
    source: &Error,
) -> String {
    let file = path
        .map(|p| format!("{}, ", p.display()))
        .unwrap_or_default();
    let has_line = matches!(
        source,
        Error::InvalidField { .. } | Error::FieldCount { .. } | Error::Csv { .. }
    );
    if has_line {
        format!("{file}customer `{customer}`: {source}")
    } else {
        format!("{file}line {line}, customer `{customer}`: {source}")
    }
}

impl Error {
    /// Shorthand for [`Error::InvalidParameter`].
    pub fn invalid_parameter(name: impl Into<String>, value: f64, rule: impl Into<String>) -> Self {
        Error::InvalidParameter {
            name: name.into(),
            value,
            rule: rule.into(),
        }
    }

    /// Shorthand for [`Error::InvalidField`].
    pub fn invalid_field(
        line: u64,
        column: impl Into<String>,
        value: impl Into<String>,
        rule: impl Into<String>,
    ) -> Self {
        Error::InvalidField {
            line,
            column: column.into(),
            value: value.into(),
            rule: rule.into(),
        }
    }

    /// Shorthand for [`Error::Numerical`].
    pub fn numerical(context: impl Into<String>, detail: impl Into<String>) -> Self {
        Error::Numerical {
            context: context.into(),
            detail: detail.into(),
        }
    }
}
