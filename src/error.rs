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

    /// A malformed CSV record (bad quoting, invalid UTF-8, ...), as the CSV parser reported it.
    #[error("line {line}: malformed CSV record: {source}")]
    Csv {
        /// 1-based line number in the input (the header is line 1).
        line: u64,
        /// What the CSV parser reported.
        #[source]
        source: csv::Error,
    },

    /// A header line that is not valid UTF-8.
    #[error("line {line}: malformed CSV record: header is not valid UTF-8")]
    HeaderNotUtf8 {
        /// 1-based line number of the header.
        line: u64,
    },

    /// A field that is not valid UTF-8.
    #[error("line {line}: malformed CSV record: field {field} is not valid UTF-8")]
    FieldNotUtf8 {
        /// 1-based line number of the record.
        line: u64,
        /// 1-based position of the field in the record.
        field: usize,
    },

    /// Writing a CSV output failed (a broken pipe, a full disk, ...).
    #[error("writing {what}: {source}")]
    CsvWrite {
        /// What was being written (`the report`, `the scores`, ...).
        what: String,
        /// What the CSV writer reported.
        #[source]
        source: csv::Error,
    },

    /// A Parquet or Arrow reader failed (feature `parquet`); the reader's error is the source.
    #[error("Parquet: {source}")]
    Parquet {
        /// What the Parquet or Arrow reader reported.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },

    /// Writing or reading JSON failed (outside model files, which are [`Error::ModelFormat`]).
    #[error("{what}: {source}")]
    Json {
        /// What was being written or read (`writing the report as JSON`, ...).
        what: String,
        /// What `serde_json` reported.
        #[source]
        source: serde_json::Error,
    },

    /// An error while reading one input file, with the file named.
    #[error("reading {}: {source}", path.display())]
    InFile {
        /// The file being read.
        path: PathBuf,
        /// What went wrong in it.
        #[source]
        source: Box<Error>,
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

    /// A per-customer quantity of a summary made from a transaction log (not read from a file,
    /// so there is no summary line to name) breaks a rule: the customer is named, and the
    /// rows to look at are that customer's transactions in the log.
    #[error(
        "customer `{customer}` (summary made from the transaction log: see this customer's \
         rows), `{column}` = {value}: {rule}"
    )]
    InvalidCustomerValue {
        /// The customer id.
        customer: String,
        /// The summary column (`monetary_value`, ...).
        column: String,
        /// The offending value as text.
        value: String,
        /// The rule that was broken.
        rule: String,
    },

    /// A sum or mean over input rows is not a finite number: the rows' values, each finite,
    /// add up past `f64`'s range (about 1.8e308). Named by the group whose rows overflow.
    #[error(
        "{group} `{key}`: {quantity} overflows f64 ({}): its rows' values add up past 1.8e308",
        Num(*value)
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
    #[error("invalid parameter `{name}`{value}: {rule}")]
    InvalidParameter {
        /// Parameter name.
        name: String,
        /// The offending value: a number, a text, or nothing when the rule is about the
        /// parameter's absence or shape.
        value: ParamValue,
        /// The rule that was broken.
        rule: String,
    },

    /// A name parsed from text (a model kind, a cohort, a group-by level, a time zone, ...) is
    /// not one the crate knows.
    #[error("unknown {kind} `{value}` (expected {})", kind.expected())]
    UnknownName {
        /// Which vocabulary the name should come from.
        kind: NameKind,
        /// The text given.
        value: String,
    },

    /// A name given twice in a list where each may appear once.
    #[error("{kind} `{value}` given twice")]
    DuplicateName {
        /// Which vocabulary.
        kind: NameKind,
        /// The repeated name.
        value: String,
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

    /// The optimizer itself failed (argmin's error, kept as the source).
    #[error("optimizer failed while fitting {model}: {source}")]
    Optimizer {
        /// Model name.
        model: String,
        /// The solver's error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },

    /// A computation overflowed, lost all precision or produced a non-finite value.
    #[error("numerical failure in {context}: {detail}")]
    Numerical {
        /// Which function or quantity.
        context: String,
        /// What went wrong, with the inputs where useful.
        detail: String,
    },

    /// Customer lifetime value was asked in one time unit for customers summarised in
    /// another: the settings' period (what months are converted into) is not the period of
    /// the summary the customers come from (a weekly model valued with daily months).
    #[error(
        "period mismatch: the CLV settings count {settings}s but the customers' recency and T are in {data}s (value with the summary's period)"
    )]
    PeriodMismatch {
        /// The period of the [`ClvSettings`](crate::value::ClvSettings).
        settings: crate::Period,
        /// The period of the customers (their summary's).
        data: crate::Period,
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

    /// A serialized model could not be read back, or is not the kind of model the caller
    /// needs.
    #[error("model file{}: {rule}", path.as_ref().map(|p| format!(" {}", p.display())).unwrap_or_default())]
    ModelFormat {
        /// The file, when the model was read from one.
        path: Option<PathBuf>,
        /// What is wrong.
        rule: ModelFileRule,
    },

    // ---- attribution -----------------------------------------------------------------------
    /// A graph input is invalid (bad weight, sparse node ids, overflow, ...).
    #[error("graph: {rule}")]
    Graph {
        /// What is wrong.
        rule: GraphRule,
    },

    /// A cooperative game is invalid for the estimator (too many players for exact
    /// enumeration, a non-finite value, ...).
    #[error("game: {rule}")]
    Game {
        /// What is wrong.
        rule: GameRule,
    },

    // ---- report ----------------------------------------------------------------------------
    /// Report inputs are inconsistent with each other or with the configuration.
    #[error("report: {rule}")]
    Report {
        /// What is wrong.
        rule: ReportRule,
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
        Error::InvalidField { .. }
            | Error::FieldCount { .. }
            | Error::Csv { .. }
            | Error::HeaderNotUtf8 { .. }
            | Error::FieldNotUtf8 { .. }
    );
    if has_line {
        format!("{file}customer `{customer}`: {source}")
    } else {
        format!("{file}line {line}, customer `{customer}`: {source}")
    }
}

impl Error {
    /// Shorthand for [`Error::InvalidParameter`]; `value` is a number (`f64`, `u32`, ...), a
    /// text (`&str`, `String`) or [`ParamValue::None`].
    pub fn invalid_parameter(
        name: impl Into<String>,
        value: impl Into<ParamValue>,
        rule: impl Into<String>,
    ) -> Self {
        Error::InvalidParameter {
            name: name.into(),
            value: value.into(),
            rule: rule.into(),
        }
    }

    /// A row error ([`Error::InvalidField`]) with its canonical column name (`frequency`,
    /// `weights`, ...) replaced by the file's name for it, from `(canonical, file)` pairs;
    /// other errors unchanged. Readers check rows under canonical names and report them
    /// under the user's.
    pub(crate) fn with_file_column_names(self, names: &[(&str, &str)]) -> Self {
        match self {
            Error::InvalidField {
                line,
                column,
                value,
                rule,
            } => {
                let column = names
                    .iter()
                    .find(|(canonical, _)| *canonical == column)
                    .map_or(column, |(_, file)| (*file).to_string());
                Error::InvalidField {
                    line,
                    column,
                    value,
                    rule,
                }
            }
            other => other,
        }
    }

    /// A CSV reader's error, sorted: I/O ([`Error::Io`] on `path`), a record of the wrong
    /// length ([`Error::FieldCount`]) or a malformed record ([`Error::Csv`], the parser's error
    /// kept as the source). `line_offset` is added to the reader's 1-based line (lines read
    /// before the reader started).
    pub fn from_csv_read(e: csv::Error, path: impl Into<PathBuf>, line_offset: u64) -> Self {
        let line = e.position().map_or(0, csv::Position::line) + line_offset;
        match e.kind() {
            csv::ErrorKind::UnequalLengths {
                expected_len, len, ..
            } => Error::FieldCount {
                line,
                expected: *expected_len as usize,
                found: *len as usize,
            },
            csv::ErrorKind::Io(_) => {
                let csv::ErrorKind::Io(source) = e.into_kind() else {
                    unreachable!("checked to be an I/O error")
                };
                Error::Io {
                    path: path.into(),
                    source,
                }
            }
            csv::ErrorKind::Utf8 { pos, err } => Error::FieldNotUtf8 {
                line: pos.as_ref().map_or(line, |p| p.line() + line_offset),
                field: err.field() + 1,
            },
            _ => Error::Csv { line, source: e },
        }
    }

    /// A CSV writer's error: I/O ([`Error::Io`] on `path`, e.g. a broken pipe) or
    /// [`Error::CsvWrite`] naming `what` was written.
    pub fn from_csv_write(
        e: csv::Error,
        path: impl Into<PathBuf>,
        what: impl Into<String>,
    ) -> Self {
        if matches!(e.kind(), csv::ErrorKind::Io(_)) {
            let csv::ErrorKind::Io(source) = e.into_kind() else {
                unreachable!("checked to be an I/O error")
            };
            return Error::Io {
                path: path.into(),
                source,
            };
        }
        Error::CsvWrite {
            what: what.into(),
            source: e,
        }
    }

    /// Shorthand for [`Error::ModelFormat`] without a file.
    pub fn model_format(rule: ModelFileRule) -> Self {
        Error::ModelFormat { path: None, rule }
    }

    /// Shorthand for [`Error::UnknownName`].
    pub fn unknown_name(kind: NameKind, value: impl Into<String>) -> Self {
        Error::UnknownName {
            kind,
            value: value.into(),
        }
    }

    /// True when the error is a write into a closed pipe (`ltv ... | head`): the reader left,
    /// and a command-line tool should stop quietly.
    pub fn is_broken_pipe(&self) -> bool {
        let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(self);
        while let Some(e) = cur {
            if let Some(io) = e.downcast_ref::<std::io::Error>() {
                if io.kind() == std::io::ErrorKind::BrokenPipe {
                    return true;
                }
            }
            if let Some(c) = e.downcast_ref::<csv::Error>() {
                if let csv::ErrorKind::Io(io) = c.kind() {
                    if io.kind() == std::io::ErrorKind::BrokenPipe {
                        return true;
                    }
                }
            }
            if let Some(j) = e.downcast_ref::<serde_json::Error>() {
                if j.io_error_kind() == Some(std::io::ErrorKind::BrokenPipe) {
                    return true;
                }
            }
            cur = e.source();
        }
        false
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

/// A number as errors print it: plain decimals for ordinary magnitudes, the shortest
/// scientific form otherwise (`1.7e308`, not 309 digits; `1e-300`, not 300 zeros).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Num(pub f64);

impl std::fmt::Display for Num {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let a = self.0.abs();
        if a.is_finite() && a != 0.0 && !(1e-5..1e16).contains(&a) {
            write!(f, "{:e}", self.0)
        } else {
            write!(f, "{}", self.0)
        }
    }
}

/// The value of an [`Error::InvalidParameter`]: a number, a text (a name or flag value that
/// did not parse), or nothing.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ParamValue {
    /// A numeric value (NaN included: a NaN parameter says `= NaN`).
    Number(f64),
    /// A text value, shown in backticks.
    Text(String),
    /// No single value is at fault (a missing option, a list of the wrong shape, ...).
    None,
}

impl ParamValue {
    /// The number, when the value is one.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            ParamValue::Number(v) => Some(*v),
            _ => None,
        }
    }
}

impl std::fmt::Display for ParamValue {
    /// ` = 0.5`, `` = `fortnight` ``, or nothing (the leading ` = ` included, so the error
    /// reads `invalid parameter `x` = 0.5: ...`).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ParamValue::Number(v) => write!(f, " = {}", Num(*v)),
            ParamValue::Text(s) => write!(f, " = `{s}`"),
            ParamValue::None => Ok(()),
        }
    }
}

macro_rules! param_from_number {
    ($($t:ty),*) => {$(
        impl From<$t> for ParamValue {
            fn from(v: $t) -> Self {
                ParamValue::Number(v as f64)
            }
        }
    )*};
}
param_from_number!(f64, f32, u32, u64, usize, i32, i64);

impl From<&str> for ParamValue {
    fn from(v: &str) -> Self {
        ParamValue::Text(v.to_string())
    }
}

impl From<String> for ParamValue {
    fn from(v: String) -> Self {
        ParamValue::Text(v)
    }
}

/// The vocabularies the crate parses names from (see [`Error::UnknownName`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum NameKind {
    /// A model kind ([`crate::models::ModelKind`]).
    Model,
    /// A transaction (purchase-count) model kind.
    TransactionModel,
    /// The report's model period.
    ReportPeriod,
    /// A cohort width of the report.
    Cohort,
    /// A report group-by level.
    GroupByLevel,
    /// A report ranking metric.
    RankingMetric,
    /// An IANA time zone.
    TimeZone,
    /// An output format of `ltv report`.
    OutputFormat,
}

impl NameKind {
    /// What the vocabulary holds, for messages.
    pub fn expected(self) -> &'static str {
        match self {
            NameKind::Model => "bgnbd, mbgnbd, pareto-nbd, bgbb or gamma-gamma",
            NameKind::TransactionModel => "bgnbd, mbgnbd or pareto-nbd",
            NameKind::ReportPeriod => "day or week",
            NameKind::Cohort => "all, day, week or month",
            NameKind::GroupByLevel => "network, account, campaign or ad",
            NameKind::RankingMetric => {
                "one of: estimated_roas, estimated_roas_lower, roas_to_date, \
                 estimated_total_revenue, estimated_future_revenue, revenue_to_date, users, \
                 payers, cost, cost_per_install, ctr, cvr, ecpm, credit"
            }
            NameKind::TimeZone => "an IANA name such as `Europe/Berlin` or `UTC`",
            NameKind::OutputFormat => "csv, json or table",
        }
    }
}

impl std::fmt::Display for NameKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            NameKind::Model => "model",
            NameKind::TransactionModel => "transaction model",
            NameKind::ReportPeriod => "period",
            NameKind::Cohort => "cohort",
            NameKind::GroupByLevel => "group-by level",
            NameKind::RankingMetric => "ranking metric",
            NameKind::TimeZone => "time zone",
            NameKind::OutputFormat => "--format",
        })
    }
}

/// What is wrong with a saved model ([`Error::ModelFormat`]).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ModelFileRule {
    /// The JSON does not parse, or a field has the wrong type.
    #[error("{}", strip_model_file_prefix(.0))]
    Json(#[source] serde_json::Error),
    /// A `format_version` this build cannot read.
    #[error("unsupported format_version {found} (this build reads {supported})")]
    UnsupportedVersion {
        /// The file's version.
        found: u64,
        /// The version this build reads.
        supported: u32,
    },
    /// No `format_version` field.
    #[error("missing \"format_version\"")]
    MissingVersion,
    /// The parameter names are not the model's.
    #[error("{model}: expected parameters {expected:?}, found {found:?}")]
    ParameterNames {
        /// The model.
        model: String,
        /// Its parameter names.
        expected: Vec<String>,
        /// The file's names.
        found: Vec<String>,
    },
    /// The file lists no parameters.
    #[error("no parameters")]
    NoParameters,
    /// A parameter value outside its domain.
    #[error("parameter {name} = {} must be finite and > 0", Num(*value))]
    Parameter {
        /// The parameter.
        name: String,
        /// Its value.
        value: f64,
    },
    /// A parameter value that is not finite.
    #[error("non-finite parameter {}", Num(*value))]
    NonFiniteParameter {
        /// Its value.
        value: f64,
    },
    /// The parameters do not make a valid model.
    #[error("{model}: {source}")]
    InvalidModel {
        /// The model.
        model: String,
        /// What the model's constructor reported.
        #[source]
        source: Box<Error>,
    },
    /// A covariance that is not `k x k`.
    #[error("covariance must be {k} x {k}")]
    CovarianceShape {
        /// The number of parameters.
        k: usize,
    },
    /// A covariance with a NaN or infinite entry.
    #[error("covariance has a non-finite entry")]
    CovarianceNonFinite,
    /// A covariance with a negative or non-finite variance.
    #[error("covariance diagonal {index} is {}", Num(*value))]
    CovarianceDiagonal {
        /// The parameter's index.
        index: usize,
        /// The variance.
        value: f64,
    },
    /// A covariance that is not symmetric.
    #[error("covariance is not symmetric: entry ({i}, {j}) = {a:e} but ({j}, {i}) = {b:e}")]
    CovarianceAsymmetric {
        /// Row.
        i: usize,
        /// Column.
        j: usize,
        /// Entry (i, j).
        a: f64,
        /// Entry (j, i).
        b: f64,
    },
    /// A covariance with a negative eigenvalue.
    #[error(
        "covariance is not positive semi-definite (eigenvalue {eigenvalue:e}); a variance cannot \
         be negative"
    )]
    CovarianceNotPsd {
        /// The most negative eigenvalue.
        eigenvalue: f64,
    },
    /// The file holds another model than the one asked for.
    #[error("the file holds a `{found}` model, not `{expected}`")]
    WrongModel {
        /// The file's model.
        found: String,
        /// The model asked for.
        expected: String,
    },
    /// A linked parameter name that the model does not have.
    #[error("unknown linked parameter `{name}`")]
    UnknownLinkedParameter {
        /// The name.
        name: String,
    },
    /// Covariate-model parameter names that do not match the encoding.
    #[error(
        "parameters {found:?} do not match the encoding and linked parameters (expected {expected:?})"
    )]
    CovariateParameterNames {
        /// The file's names.
        found: Vec<String>,
        /// The names the encoding implies.
        expected: Vec<String>,
    },
    /// A spend (or unknown) model where a transaction model is needed.
    #[error(
        "{model} is not a transaction model{}",
        if model.contains("gamma-gamma") { " (it is the spend model)" } else { "" }
    )]
    NotTransactionModel {
        /// The model.
        model: String,
    },
    /// A transaction (or unknown) model where a spend model is needed.
    #[error("{model} is not a spend model (the spend model is gamma-gamma)")]
    NotSpendModel {
        /// The model.
        model: String,
    },
    /// A model without parameter derivatives, where CLV intervals need them.
    #[error(
        "{model} has no parameter derivatives for CLV intervals (use bgnbd, mbgnbd or pareto-nbd)"
    )]
    NoDerivatives {
        /// The model.
        model: String,
    },
    /// A model that is not a continuous-time transaction model, where one is needed.
    #[error("{use_}: needs a continuous-time transaction model (bgnbd, mbgnbd, pareto-nbd), not {model}")]
    NotContinuousTime {
        /// What needed it.
        use_: &'static str,
        /// The model.
        model: String,
    },
    /// A model that cannot take covariates.
    #[error("covariates are available for bgnbd, mbgnbd, pareto-nbd and gamma-gamma, not {model}")]
    NoCovariates {
        /// The model.
        model: String,
    },
    /// The model was fitted with covariates, and none were given.
    #[error("the model was fitted with covariates: pass --covariates FILE")]
    CovariatesRequired,
    /// Covariates were given for models fitted without them.
    #[error("{which} fitted without covariates: drop --covariates")]
    FittedWithoutCovariates {
        /// `the model` or `neither model was`.
        which: &'static str,
    },
    /// The model's recorded period and the one asked for differ.
    #[error(
        "records period {recorded} but --period {given} was given; the model's parameters are \
         per {recorded}: drop --period or refit with ltv fit --period {given}"
    )]
    PeriodMismatch {
        /// The file's period.
        recorded: String,
        /// The period asked for.
        given: String,
    },
    /// The file does not say its period and none was given.
    #[error(
        "does not record the time unit it was fitted on (written without ltv fit --period): pass \
         --period hour|day|week|month"
    )]
    PeriodMissing,
}

/// Serde wraps the crate's own errors raised inside deserialisation: their text starts with
/// `model file: ` already.
fn strip_model_file_prefix(e: &serde_json::Error) -> String {
    let m = e.to_string();
    m.strip_prefix("model file: ")
        .map_or(m.clone(), str::to_string)
}

/// What is wrong with a graph input ([`Error::Graph`]).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum GraphRule {
    /// A negative, NaN or infinite edge weight.
    #[error("edge {from}->{to}: weight {} must be finite and non-negative", Num(*weight))]
    EdgeWeight {
        /// Source node.
        from: u32,
        /// Target node.
        to: u32,
        /// The weight.
        weight: f64,
    },
    /// A node id far beyond the number of edges (ids must be dense).
    #[error(
        "edge {edge} ({from}->{to}): node id {node} is far beyond the graph's {edges} edges (ids \
         must be dense indices 0..n; intern them, or declare the node count)"
    )]
    SparseNodeId {
        /// 1-based edge number.
        edge: usize,
        /// Its source.
        from: u32,
        /// Its target.
        to: u32,
        /// The largest node id.
        node: usize,
        /// The number of edges.
        edges: usize,
    },
    /// A node's out-strength (sum of its edge weights) overflows `f64`.
    #[error("node {node}: out-strength overflows")]
    OutStrengthOverflow {
        /// The node.
        node: usize,
    },
    /// Parallel edges whose summed weight overflows `f64`.
    #[error("edge {from}->{to}: summed weight overflows")]
    SummedWeightOverflow {
        /// Source node.
        from: usize,
        /// Target node.
        to: usize,
    },
    /// More distinct ids than a `u32` index holds.
    #[error("more than {} distinct ids", u32::MAX - 1)]
    TooManyIds,
    /// A positive edge weight below `f64::MIN_POSITIVE` (subnormal): `1 / weight` overflows, so
    /// the node's walk probabilities cannot be normalised.
    #[error(
        "edge {from}->{to}: weight {} is subnormal (below 2.2e-308): its node's walk \
         probabilities cannot be normalised; use 0 or a larger weight",
        Num(*weight)
    )]
    SubnormalWeight {
        /// Source node.
        from: u32,
        /// Target node.
        to: u32,
        /// The weight.
        weight: f64,
    },
    /// A rule broken by the edge on a given line of an edge-list file.
    #[error("line {line}: {rule}")]
    OnLine {
        /// 1-based line of the edge in its file (header = line 1).
        line: u64,
        /// The rule the edge breaks.
        rule: Box<GraphRule>,
    },
}

/// What is wrong with a cooperative game for an estimator ([`Error::Game`]).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum GameRule {
    /// A game without players.
    #[error("the game has no players")]
    NoPlayers,
    /// More players than the estimator or representation supports.
    #[error("{method} supports at most {max} players, got {given}{}", hint.map(|h| format!("; {h}")).unwrap_or_default())]
    TooManyPlayers {
        /// The estimator or game representation.
        method: &'static str,
        /// Its limit.
        max: usize,
        /// The game's players.
        given: usize,
        /// What to use instead.
        hint: Option<&'static str>,
    },
    /// v(∅) or v(N) not finite.
    #[error("v(∅) = {empty}, v(N) = {full}: values must be finite")]
    NonFiniteEnds {
        /// v(∅).
        empty: f64,
        /// v(N).
        full: f64,
    },
    /// A coalition's value is not finite.
    #[error("value of coalition {coalition:#b} is {value}")]
    CoalitionValue {
        /// The coalition as a bit mask of players.
        coalition: u64,
        /// Its value.
        value: f64,
    },
    /// A non-finite marginal contribution.
    #[error("non-finite marginal contribution{}{}", player.map(|p| format!(" of player {p}")).unwrap_or_default(), at.as_ref().map(|a| format!(" at {a}")).unwrap_or_default())]
    NonFiniteMarginal {
        /// The player, when known.
        player: Option<usize>,
        /// Where: `size k` (stratum) or `draw j` (permutation).
        at: Option<String>,
    },
    /// A table game whose value table has the wrong length.
    #[error("a table game with {players} players needs {expected} values, got {got}")]
    TableLength {
        /// Players.
        players: usize,
        /// 2^players.
        expected: usize,
        /// Values given.
        got: usize,
    },
    /// Kept revenue of the wrong length.
    #[error("kept revenue has {got} entries for {players} players")]
    KeptRevenueLength {
        /// Entries given.
        got: usize,
        /// Players.
        players: usize,
    },
    /// A non-finite kept revenue.
    #[error("kept revenue of player {player} is {value}")]
    KeptRevenue {
        /// The player.
        player: usize,
        /// The value.
        value: f64,
    },
    /// A match pair with equal or out-of-range players, or a non-finite revenue.
    #[error("pair {index} ({a}, {b}, {revenue}): players must be distinct and < {players}, revenue finite")]
    Pair {
        /// 0-based pair index.
        index: usize,
        /// First player.
        a: usize,
        /// Second player.
        b: usize,
        /// Its revenue.
        revenue: f64,
        /// Players.
        players: usize,
    },
    /// A payment with an out-of-range payer or a non-finite revenue.
    #[error("payment {index}: payer {payer} must be < {players}, revenue {revenue} finite")]
    Payment {
        /// 0-based payment index.
        index: usize,
        /// The payer.
        payer: usize,
        /// The revenue.
        revenue: f64,
        /// Players.
        players: usize,
    },
    /// A payment partner that is out of range or the payer itself.
    #[error("payment {index}: partner {partner} must be < {players} and not the payer {payer}")]
    Partner {
        /// 0-based payment index.
        index: usize,
        /// The partner.
        partner: usize,
        /// The payer.
        payer: usize,
        /// Players.
        players: usize,
    },
}

/// What is wrong with the report's inputs or configuration ([`Error::Report`]).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ReportRule {
    /// A currency code that is not ASCII letters/digits.
    #[error("invalid report currency `{code}` (expected a code such as EUR)")]
    InvalidCurrency {
        /// The code.
        code: String,
    },
    /// Exchange rates into another currency than the report's.
    #[error("the exchange rates convert into {rates} but the report currency is {report}")]
    CurrencyMismatch {
        /// The rates' target currency.
        rates: String,
        /// The report currency.
        report: String,
    },
    /// An exchange-rate row that breaks a rule.
    #[error("exchange rate {currency} on {date}: {rule}")]
    ExchangeRate {
        /// The currency.
        currency: String,
        /// The date (`YYYY-MM-DD`).
        date: String,
        /// The rule.
        rule: RateRule,
    },
    /// Users built for another as-of date or time zone than the report's.
    #[error("the users were built at another as-of date or time zone than the report")]
    UsersAsOfMismatch,
    /// A campaign under several accounts while grouping installs by account.
    #[error(
        "installs line {line}: campaign `{campaign}` of network `{network}` appears under several \
         accounts in the costs; give the installs an account column to group by account"
    )]
    CampaignInSeveralAccounts {
        /// The installs line.
        line: u64,
        /// The campaign.
        campaign: String,
        /// Its network.
        network: String,
    },
    /// Users resting on an unconverged fit that is not listed.
    #[error(
        "users are marked as resting on an unconverged fit, but no fit is listed as unconverged"
    )]
    UnlistedUnconvergedFit,
    /// Gradient and covariance blocks that do not match the users and parameters.
    #[error(
        "linearized uncertainty: {gradients} gradient values for {users} users × {parameters} \
         parameters, {covariances} covariance blocks"
    )]
    UncertaintyShape {
        /// Gradient values given.
        gradients: usize,
        /// Users.
        users: usize,
        /// Parameters per user.
        parameters: usize,
        /// Covariance blocks given.
        covariances: usize,
    },
    /// A summary without monetary values where the report needs them.
    #[error("the report summary has no monetary values")]
    NoMonetaryValues,
    /// A ranking without metrics.
    #[error("ranking needs at least one metric")]
    NoRankingMetric,
    /// A ranking weight that does not parse.
    #[error("ranking weight `{weight}` of `{metric}` is not a number")]
    RankingWeight {
        /// The metric.
        metric: String,
        /// The weight as given.
        weight: String,
    },
    /// A dated credit row added to an undated credit table.
    #[error("credit: cannot add a dated row to an undated credit table")]
    DatedCreditRow,
}

/// The rule an exchange-rate row breaks ([`ReportRule::ExchangeRate`]).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum RateRule {
    /// The currency code is empty or not ASCII letters/digits.
    #[error("currency code must be non-empty ASCII letters/digits")]
    CurrencyCode,
    /// The rate is not a finite positive number.
    #[error("rate {} must be finite and > 0", Num(*rate))]
    NotPositive {
        /// The rate.
        rate: f64,
    },
    /// The report currency's own rate is not 1.
    #[error("rate {} for the report currency itself must be 1", Num(*rate))]
    ReportCurrencyNotOne {
        /// The rate.
        rate: f64,
    },
    /// Two different rates for one currency and day.
    #[error("given twice with different values ({} and {})", Num(*old), Num(*new))]
    Conflicting {
        /// The first rate.
        old: f64,
        /// The second.
        new: f64,
    },
}
