//! Reading an RFM summary from CSV (lifetimes' column names by default).

use crate::data::columns::{csv_error, Header};
use crate::error::{Error, Result};
use crate::summary::rfm::{check_rfm_row, check_weight};
use crate::summary::RfmSummary;
use crate::Period;
use std::io::Read;
use std::path::Path;

/// Column names and delimiter of a summary CSV.
///
/// Defaults are lifetimes' names: `frequency`, `recency`, `T`, and `monetary_value` when the
/// header has it. The customer id column is, unless set, the first of `customer_id`, `ID`,
/// `id` found in the header; when none is there, ids are the rows' 0-based positions (`"0"`,
/// `"1"`, ...), as the pandas index of a frame read without an index column. Weights are read
/// only when a weights column is named.
///
/// ```
/// use ltv::summary::SummaryCsvOptions;
/// let text = "ID,x,t_x,T,zbar\n1,2,30.43,38.86,22.35\n2,0,0,38.86,0\n";
/// let s = SummaryCsvOptions::new()
///     .customer_id_col("ID")
///     .frequency_col("x")
///     .recency_col("t_x")
///     .monetary_value_col("zbar")
///     .read_str(text)?;
/// assert_eq!(s.customer_ids(), ["1", "2"]);
/// assert_eq!(s.monetary_value(), Some(&[22.35, 0.0][..]));
/// # Ok::<(), ltv::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct SummaryCsvOptions {
    pub(super) customer_id: Option<String>,
    pub(super) frequency: String,
    pub(super) recency: String,
    pub(super) t: String,
    pub(super) monetary_value: Option<String>,
    pub(super) weights: Option<String>,
    delimiter: u8,
    timing_optional: bool,
    pub(super) period: Option<Period>,
}

impl Default for SummaryCsvOptions {
    fn default() -> Self {
        Self {
            customer_id: None,
            frequency: "frequency".into(),
            recency: "recency".into(),
            t: "T".into(),
            monetary_value: None,
            weights: None,
            delimiter: b',',
            timing_optional: false,
            period: None,
        }
    }
}

/// The largest frequency or weight a summary CSV may hold: 2^53, the largest count every
/// integer up to which f64 represents exactly (a frequency of 1e308 overflowed the
/// likelihood with an error naming no row).
pub const MAX_EXACT_COUNT: f64 = 9_007_199_254_740_992.0;

pub(super) const ID_CANDIDATES: [&str; 3] = ["customer_id", "ID", "id"];
pub(super) const DEFAULT_MONETARY: &str = "monetary_value";
pub(super) const DEFAULT_WEIGHTS: &str = "weights";

impl SummaryCsvOptions {
    /// lifetimes' column names, comma delimiter.
    pub fn new() -> Self {
        Self::default()
    }

    /// Takes customer ids from this column (which must exist).
    pub fn customer_id_col(mut self, name: impl Into<String>) -> Self {
        self.customer_id = Some(name.into());
        self
    }

    /// Name of the frequency column (default `frequency`).
    pub fn frequency_col(mut self, name: impl Into<String>) -> Self {
        self.frequency = name.into();
        self
    }

    /// For spend models (Gamma-Gamma), which use only frequency and mean spend: the recency
    /// and `T` columns may be absent, and then read as 0 for every row (the summary's timing
    /// is then meaningless: fit only spend models on it).
    pub fn timing_optional(mut self) -> Self {
        self.timing_optional = true;
        self
    }

    /// Name of the recency column (default `recency`).
    pub fn recency_col(mut self, name: impl Into<String>) -> Self {
        self.recency = name.into();
        self
    }

    /// Name of the T column (default `T`).
    pub fn t_col(mut self, name: impl Into<String>) -> Self {
        self.t = name.into();
        self
    }

    /// Reads monetary values from this column (which must exist). Without it, a column named
    /// `monetary_value` is read if present.
    pub fn monetary_value_col(mut self, name: impl Into<String>) -> Self {
        self.monetary_value = Some(name.into());
        self
    }

    /// Reads row weights (number of customers per row) from this column (which must exist).
    /// Without it, a column named `weights` (lifetimes' name for compressed data) is read if
    /// present, so a compressed file is never fitted as one customer per row.
    pub fn weights_col(mut self, name: impl Into<String>) -> Self {
        self.weights = Some(name.into());
        self
    }

    /// The unit recency and T are counted in (`ltv summary --period`); the summary read
    /// carries it ([`RfmSummary::period`]) so that CLV converts months into the right
    /// periods. Unset, the summary's period is unknown.
    pub fn period(mut self, period: Period) -> Self {
        self.period = Some(period);
        self
    }

    /// Field delimiter (default `,`).
    pub fn delimiter(mut self, delimiter: u8) -> Self {
        self.delimiter = delimiter;
        self
    }

    /// Reads a summary file. Errors as [`SummaryCsvOptions::read`], plus [`Error::Io`].
    pub fn read_path(&self, path: impl AsRef<Path>) -> Result<RfmSummary> {
        let path = path.as_ref();
        let file = std::fs::File::open(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        self.read(std::io::BufReader::new(file))
            .map(|s| {
                let mut origin = s.origin().clone();
                origin.path = Some(path.to_path_buf());
                s.with_origin(origin)
            })
            .map_err(|e| match e {
                Error::Io { source, .. } => Error::Io {
                    path: path.to_path_buf(),
                    source,
                },
                e => e,
            })
    }

    /// Reads a summary from text.
    pub fn read_str(&self, text: &str) -> Result<RfmSummary> {
        self.read(text.as_bytes())
    }

    /// Reads a summary from any reader.
    ///
    /// Every row is checked as [`RfmSummary::new`] does; errors carry the 1-based line (header
    /// = line 1) and the column's name in the file: [`Error::MissingColumn`],
    /// [`Error::FieldCount`], [`Error::InvalidField`] (not a number, NaN, negative or
    /// non-integer frequency, recency > T, frequency 0 with recency > 0, negative monetary
    /// value, weight not > 0), [`Error::Csv`], [`Error::EmptyInput`].
    pub fn read<R: Read>(&self, reader: R) -> Result<RfmSummary> {
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(self.delimiter)
            .from_reader(reader);
        let mut record = csv::StringRecord::new();
        let csv_err = csv_error;
        if !rdr.read_record(&mut record).map_err(csv_err)? {
            return Err(Error::EmptyInput {
                what: "summary CSV has no header".into(),
            });
        }
        let columns = Header::new(record.iter(), self.delimiter)?;
        let header = columns.names();
        let find = |name: &str| columns.find(name);
        let require = |name: &str| columns.required(name);
        let id_col = match &self.customer_id {
            Some(name) => Some(require(name)?),
            None => ID_CANDIDATES.iter().find_map(|c| find(c)),
        };
        let f_col = require(&self.frequency)?;
        let (r_col, t_col) = if self.timing_optional {
            (find(&self.recency), find(&self.t))
        } else {
            (Some(require(&self.recency)?), Some(require(&self.t)?))
        };
        let m_col = match &self.monetary_value {
            Some(name) => Some(require(name)?),
            None => find(DEFAULT_MONETARY),
        };
        let w_col = match &self.weights {
            Some(name) => Some(require(name)?),
            None => find(DEFAULT_WEIGHTS),
        };

        let mut ids = Vec::new();
        let (mut freq, mut rec, mut t) = (Vec::new(), Vec::new(), Vec::new());
        let mut money = m_col.map(|_| Vec::new());
        let mut weights = w_col.map(|_| Vec::new());
        let mut lines = Vec::new();
        // ids numbered by the crate's one interner: a repeated id gets the row number of its
        // first line (no allocation or SipHash per row)
        let mut seen = crate::data::interner::Interner::default();
        while rdr.read_record(&mut record).map_err(csv_err)? {
            let line = record.position().map_or(0, |p| p.line());
            if record.len() != header.len() {
                return Err(Error::FieldCount {
                    line,
                    expected: header.len(),
                    found: record.len(),
                });
            }
            let number = |col: usize| -> Result<f64> {
                let raw = record.get(col).unwrap_or("");
                let v = crate::data::number::parse_f64(raw.trim().as_bytes()).ok_or_else(|| {
                    Error::invalid_field(line, header[col].as_str(), raw, "not a number")
                })?;
                if v.is_nan() {
                    return Err(Error::invalid_field(line, header[col].as_str(), raw, "NaN"));
                }
                Ok(v)
            };
            let optional = |col: Option<usize>| col.map_or(Ok(0.0), &number);
            let (f, r, tt) = (number(f_col)?, optional(r_col)?, optional(t_col)?);
            if f > MAX_EXACT_COUNT {
                return Err(Error::invalid_field(
                    line,
                    header[f_col].as_str(),
                    record.get(f_col).unwrap_or("").trim(),
                    "a count above 2^53 (9.0e15) is not an exact integer in f64",
                ));
            }
            check_rfm_row(line, f, r, tt).map_err(|e| {
                rename_column(
                    e,
                    &[
                        ("frequency", &header[f_col]),
                        ("recency", r_col.map_or(&self.recency, |c| &header[c])),
                        ("T", t_col.map_or(&self.t, |c| &header[c])),
                    ],
                )
            })?;
            ids.push(match id_col {
                Some(c) => {
                    let id = record.get(c).unwrap_or("").trim();
                    if id.is_empty() {
                        return Err(Error::invalid_field(
                            line,
                            header[c].as_str(),
                            "",
                            "empty customer id",
                        ));
                    }
                    let k = seen.intern(id, line)? as usize;
                    if k < ids.len() {
                        return Err(Error::invalid_field(
                            line,
                            header[c].as_str(),
                            id,
                            format!("duplicate customer id (first on line {})", lines[k]),
                        ));
                    }
                    id.to_string()
                }
                None => ids.len().to_string(),
            });
            lines.push(line);
            freq.push(f);
            rec.push(r);
            t.push(tt);
            if let (Some(v), Some(c)) = (&mut money, m_col) {
                let m = number(c)?;
                if !(m.is_finite() && m >= 0.0) {
                    return Err(Error::invalid_field(
                        line,
                        header[c].as_str(),
                        m.to_string(),
                        "monetary value must be finite and >= 0",
                    ));
                }
                v.push(m);
            }
            if let (Some(v), Some(c)) = (&mut weights, w_col) {
                let w = number(c)?;
                if w > MAX_EXACT_COUNT {
                    return Err(Error::invalid_field(
                        line,
                        header[c].as_str(),
                        record.get(c).unwrap_or("").trim(),
                        "a count of customers above 2^53 (9.0e15) is not an exact integer in f64",
                    ));
                }
                check_weight(line, w).map_err(|e| rename_column(e, &[("weights", &header[c])]))?;
                v.push(w);
            }
        }
        if ids.is_empty() {
            return Err(Error::EmptyInput {
                what: "summary CSV has no rows".into(),
            });
        }
        let summary = RfmSummary::from_checked_parts(ids, freq, rec, t, money, weights)
            .with_origin(crate::summary::rfm::RowOrigin { path: None, lines });
        Ok(match self.period {
            Some(p) => summary.with_period(p),
            None => summary,
        })
    }
}

/// Replaces the canonical column name in a row error with the file's column name.
fn rename_column(e: Error, names: &[(&str, &String)]) -> Error {
    match e {
        Error::InvalidField {
            line,
            column,
            value,
            rule,
        } => {
            let column = names
                .iter()
                .find(|(canon, _)| *canon == column)
                .map_or(column, |(_, actual)| (*actual).clone());
            Error::InvalidField {
                line,
                column,
                value,
                rule,
            }
        }
        e => e,
    }
}

/// Writes a summary as CSV with lifetimes' header
/// `customer_id,frequency,recency,T[,monetary_value][,weights]` (monetary value and weights only
/// when the summary has them). Numbers use the shortest text that reads back to the same `f64`;
/// ids are quoted when needed. [`SummaryCsvOptions::new`] reads the file back.
///
/// ```
/// use ltv::summary::{write_summary_csv, SummaryCsvOptions};
/// let s = ltv::datasets::cdnow_summary_with_transactions()?;
/// let mut out = Vec::new();
/// write_summary_csv(&s, &mut out)?;
/// assert!(out.starts_with(b"customer_id,frequency,recency,T,monetary_value\n1,2,30.43,38.86,22.35\n"));
/// assert_eq!(SummaryCsvOptions::new().read(&out[..])?, s);
/// # Ok::<(), ltv::Error>(())
/// ```
pub fn write_summary_csv<W: std::io::Write>(summary: &RfmSummary, writer: W) -> Result<()> {
    let mut w = LineWriter::new(writer);
    let mut header = vec!["customer_id", "frequency", "recency", "T"];
    if summary.monetary_value().is_some() {
        header.push("monetary_value");
    }
    if summary.weights().is_some() {
        header.push("weights");
    }
    w.header(&header)?;
    let (f, r, t) = (summary.frequency(), summary.recency(), summary.t());
    let (m, wt) = (summary.monetary_value(), summary.weights());
    for (i, id) in summary.customer_ids().iter().enumerate() {
        check_row(
            id,
            &[
                ("frequency", f[i]),
                ("recency", r[i]),
                ("T", t[i]),
                ("monetary_value", m.map_or(0.0, |m| m[i])),
                ("weights", wt.map_or(0.0, |w| w[i])),
            ],
        )?;
        w.id(id);
        w.num(f[i]);
        w.num(r[i]);
        w.num(t[i]);
        if let Some(m) = m {
            w.num(m[i]);
        }
        if let Some(wt) = wt {
            w.num(wt[i]);
        }
        w.end_line()?;
    }
    w.finish()
}

/// Writes CSV lines into a reused text buffer handed to the writer in large blocks: no
/// allocation per row or field (the `csv` crate's writer with a `String` per field took most of
/// the time of writing a million-row summary). Fields are quoted as `csv`'s default
/// (`QuoteStyle::Necessary`) does: only a field holding a comma, a quote or a line break, its
/// quotes doubled.
struct LineWriter<W: std::io::Write> {
    out: W,
    buf: String,
    /// No field written yet on the current line.
    at_start: bool,
}

impl<W: std::io::Write> LineWriter<W> {
    const FLUSH_AT: usize = 1 << 16;

    fn new(out: W) -> Self {
        Self {
            out,
            buf: String::with_capacity(Self::FLUSH_AT + 1024),
            at_start: true,
        }
    }

    fn sep(&mut self) {
        if !self.at_start {
            self.buf.push(',');
        }
        self.at_start = false;
    }

    fn header(&mut self, names: &[&str]) -> Result<()> {
        for name in names {
            self.id(name);
        }
        self.end_line()
    }

    /// A text field, quoted when needed.
    fn id(&mut self, text: &str) {
        self.sep();
        if text
            .bytes()
            .any(|c| matches!(c, b',' | b'"' | b'\n' | b'\r'))
        {
            self.buf.push('"');
            self.buf.push_str(&text.replace('"', "\"\""));
            self.buf.push('"');
        } else {
            self.buf.push_str(text);
        }
    }

    /// A number, as [`crate::data::push_number`] writes it.
    fn num(&mut self, x: f64) {
        self.sep();
        crate::data::push_number(&mut self.buf, x);
    }

    fn end_line(&mut self) -> Result<()> {
        self.buf.push('\n');
        self.at_start = true;
        if self.buf.len() >= Self::FLUSH_AT {
            self.flush_buf()?;
        }
        Ok(())
    }

    fn flush_buf(&mut self) -> Result<()> {
        let r = self.out.write_all(self.buf.as_bytes());
        self.buf.clear();
        r.map_err(|source| Error::Io {
            path: Default::default(),
            source,
        })
    }

    fn finish(mut self) -> Result<()> {
        self.flush_buf()?;
        self.out.flush().map_err(|source| Error::Io {
            path: Default::default(),
            source,
        })
    }
}

/// Writes a calibration/holdout split as CSV with lifetimes' header
/// `customer_id,frequency_cal,recency_cal,T_cal[,monetary_value_cal],frequency_holdout[,monetary_value_holdout],duration_holdout`
/// (monetary columns only when the log had amounts).
pub fn write_calibration_holdout_csv<W: std::io::Write>(
    split: &crate::summary::CalibrationHoldout,
    writer: W,
) -> Result<()> {
    let mut w = LineWriter::new(writer);
    let cal = split.calibration();
    let money = cal.monetary_value().zip(split.monetary_value_holdout());
    let mut header = vec!["customer_id", "frequency_cal", "recency_cal", "T_cal"];
    if money.is_some() {
        header.push("monetary_value_cal");
    }
    header.push("frequency_holdout");
    if money.is_some() {
        header.push("monetary_value_holdout");
    }
    header.push("duration_holdout");
    w.header(&header)?;
    for i in 0..cal.len() {
        check_row(
            &cal.customer_ids()[i],
            &[
                (
                    "monetary_value_cal",
                    cal.monetary_value().map_or(0.0, |m| m[i]),
                ),
                (
                    "monetary_value_holdout",
                    split.monetary_value_holdout().map_or(0.0, |m| m[i]),
                ),
            ],
        )?;
        w.id(&cal.customer_ids()[i]);
        w.num(cal.frequency()[i]);
        w.num(cal.recency()[i]);
        w.num(cal.t()[i]);
        if let Some((m, _)) = money {
            w.num(m[i]);
        }
        w.num(split.frequency_holdout()[i]);
        if let Some((_, mh)) = money {
            w.num(mh[i]);
        }
        w.num(split.duration_holdout()[i]);
        w.end_line()?;
    }
    w.finish()
}

/// The last guard of the summary writers: a non-finite number is never written; the row is
/// named by its customer id.
fn check_row(id: &str, values: &[(&str, f64)]) -> Result<()> {
    match values.iter().find(|(_, v)| !v.is_finite()) {
        Some(&(column, value)) => Err(Error::NonFiniteAggregate {
            group: "customer".into(),
            key: id.to_string(),
            quantity: column.to_string(),
            value,
        }),
        None => Ok(()),
    }
}
