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
        let bytes = std::fs::read(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        self.read_bytes(&bytes)
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
        self.read_bytes(text.as_bytes())
    }

    /// Reads a summary from any reader.
    ///
    /// Every row is checked as [`RfmSummary::new`] does; errors carry the 1-based line (header
    /// = line 1) and the column's name in the file: [`Error::MissingColumn`],
    /// [`Error::FieldCount`], [`Error::InvalidField`] (not a number, NaN, negative or
    /// non-integer frequency, recency > T, frequency 0 with recency > 0, negative monetary
    /// value, weight not > 0), [`Error::Csv`], [`Error::EmptyInput`].
    pub fn read<R: Read>(&self, mut reader: R) -> Result<RfmSummary> {
        let mut bytes = Vec::new();
        reader.read_to_end(&mut bytes).map_err(|source| Error::Io {
            path: Default::default(),
            source,
        })?;
        self.read_bytes(&bytes)
    }

    /// Reads a summary from bytes: the plain fast path ([`fast`]) when the text has no quote,
    /// no carriage return and is UTF-8, else the `csv` crate. Both give the same summary and
    /// the same errors (tested against each other).
    fn read_bytes(&self, bytes: &[u8]) -> Result<RfmSummary> {
        let summary = match fast::read(self, bytes) {
            Some(result) => result?,
            None => self.read_with_csv_crate(bytes)?,
        };
        Ok(match self.period {
            Some(p) => summary.with_period(p),
            None => summary,
        })
    }

    /// The columns of `header` this reader needs.
    fn columns<'h>(&'h self, columns: &'h Header) -> Result<Columns<'h>> {
        let header = columns.names();
        let find = |name: &str| columns.find(name);
        let require = |name: &str| columns.required(name);
        let id = match &self.customer_id {
            Some(name) => Some(require(name)?),
            None => ID_CANDIDATES.iter().find_map(|c| find(c)),
        };
        let f = require(&self.frequency)?;
        let (r, t) = if self.timing_optional {
            (find(&self.recency), find(&self.t))
        } else {
            (Some(require(&self.recency)?), Some(require(&self.t)?))
        };
        let m = match &self.monetary_value {
            Some(name) => Some(require(name)?),
            None => find(DEFAULT_MONETARY),
        };
        let w = match &self.weights {
            Some(name) => Some(require(name)?),
            None => find(DEFAULT_WEIGHTS),
        };
        Ok(Columns {
            header,
            id,
            f,
            r,
            t,
            m,
            w,
            recency_name: r.map_or(&self.recency, |c| &header[c]),
            t_name: t.map_or(&self.t, |c| &header[c]),
        })
    }

    /// The general path: the `csv` crate's RFC 4180 reader, ids checked for duplicates as
    /// they come.
    fn read_with_csv_crate(&self, bytes: &[u8]) -> Result<RfmSummary> {
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(self.delimiter)
            .from_reader(bytes);
        let mut record = csv::StringRecord::new();
        let csv_err = csv_error;
        if !rdr.read_record(&mut record).map_err(csv_err)? {
            return Err(Error::EmptyInput {
                what: "summary CSV has no header".into(),
            });
        }
        let header = Header::new(record.iter(), self.delimiter)?;
        let cols = self.columns(&header)?;
        let mut rows = Rows::new(&cols);
        // ids numbered by the crate's one interner: a repeated id gets the row number of its
        // first line (no allocation or SipHash per row)
        let mut seen = crate::data::interner::Interner::default();
        while rdr.read_record(&mut record).map_err(csv_err)? {
            let line = record.position().map_or(0, |p| p.line());
            let field = |c: usize| record.get(c).unwrap_or("");
            let (f, r, tt) = cols.timing(line, record.len(), &field)?;
            let id = match cols.id {
                Some(c) => {
                    let id = cols.id(line, c, &field)?;
                    let k = seen.intern(id, line)? as usize;
                    if k < rows.ids.len() {
                        return Err(cols.duplicate(line, id, rows.lines[k]));
                    }
                    id.to_string()
                }
                None => rows.ids.len().to_string(),
            };
            rows.ids.push(id);
            rows.lines.push(line);
            rows.freq.push(f);
            rows.rec.push(r);
            rows.t.push(tt);
            cols.spend_and_weight(line, &field, &mut rows)?;
        }
        rows.into_summary()
    }
}

/// Where a summary file's columns are.
struct Columns<'h> {
    header: &'h [String],
    id: Option<usize>,
    f: usize,
    r: Option<usize>,
    t: Option<usize>,
    m: Option<usize>,
    w: Option<usize>,
    /// The file's names of the recency and T columns (the option's when absent).
    recency_name: &'h str,
    t_name: &'h str,
}

/// The columns read so far.
#[derive(Default)]
struct Rows {
    ids: Vec<String>,
    lines: Vec<u64>,
    freq: Vec<f64>,
    rec: Vec<f64>,
    t: Vec<f64>,
    money: Option<Vec<f64>>,
    weights: Option<Vec<f64>>,
}

impl Rows {
    fn new(cols: &Columns<'_>) -> Self {
        Self {
            money: cols.m.map(|_| Vec::new()),
            weights: cols.w.map(|_| Vec::new()),
            ..Self::default()
        }
    }

    fn append(&mut self, other: Rows) {
        self.ids.extend(other.ids);
        self.lines.extend(other.lines);
        self.freq.extend(other.freq);
        self.rec.extend(other.rec);
        self.t.extend(other.t);
        if let (Some(a), Some(b)) = (&mut self.money, other.money) {
            a.extend(b);
        }
        if let (Some(a), Some(b)) = (&mut self.weights, other.weights) {
            a.extend(b);
        }
    }

    fn into_summary(self) -> Result<RfmSummary> {
        if self.ids.is_empty() {
            return Err(Error::EmptyInput {
                what: "summary CSV has no rows".into(),
            });
        }
        Ok(RfmSummary::from_checked_parts(
            self.ids,
            self.freq,
            self.rec,
            self.t,
            self.money,
            self.weights,
        )
        .with_origin(crate::summary::rfm::RowOrigin {
            path: None,
            lines: self.lines,
        }))
    }
}

impl Columns<'_> {
    /// A number field, trimmed.
    fn number<'a>(&self, line: u64, col: usize, field: &impl Fn(usize) -> &'a str) -> Result<f64> {
        let raw = field(col);
        let v = crate::data::number::parse_f64(raw.trim().as_bytes()).ok_or_else(|| {
            Error::invalid_field(line, self.header[col].as_str(), raw, "not a number")
        })?;
        if v.is_nan() {
            return Err(Error::invalid_field(
                line,
                self.header[col].as_str(),
                raw,
                "NaN",
            ));
        }
        Ok(v)
    }

    /// The checks before the id: field count, frequency, recency and T (as
    /// [`check_rfm_row`]).
    fn timing<'a>(
        &self,
        line: u64,
        n_fields: usize,
        field: &impl Fn(usize) -> &'a str,
    ) -> Result<(f64, f64, f64)> {
        if n_fields != self.header.len() {
            return Err(Error::FieldCount {
                line,
                expected: self.header.len(),
                found: n_fields,
            });
        }
        let optional = |col: Option<usize>| col.map_or(Ok(0.0), |c| self.number(line, c, field));
        let (f, r, tt) = (
            self.number(line, self.f, field)?,
            optional(self.r)?,
            optional(self.t)?,
        );
        if f > MAX_EXACT_COUNT {
            return Err(Error::invalid_field(
                line,
                self.header[self.f].as_str(),
                field(self.f).trim(),
                "a count above 2^53 (9.0e15) is not an exact integer in f64",
            ));
        }
        check_rfm_row(line, f, r, tt).map_err(|e| {
            e.with_file_column_names(&[
                ("frequency", &self.header[self.f]),
                ("recency", self.recency_name),
                ("T", self.t_name),
            ])
        })?;
        Ok((f, r, tt))
    }

    /// The id in column `c`, trimmed and not empty.
    fn id<'a>(&self, line: u64, c: usize, field: &impl Fn(usize) -> &'a str) -> Result<&'a str> {
        let id = field(c).trim();
        if id.is_empty() {
            return Err(Error::invalid_field(
                line,
                self.header[c].as_str(),
                "",
                "empty customer id",
            ));
        }
        Ok(id)
    }

    /// The error for `id` on `line`, first seen on line `first`.
    fn duplicate(&self, line: u64, id: &str, first: u64) -> Error {
        Error::invalid_field(
            line,
            self.header[self.id.unwrap_or(0)].as_str(),
            id,
            format!("duplicate customer id (first on line {first})"),
        )
    }

    /// The checks after the id: monetary value and weight; pushes them.
    fn spend_and_weight<'a>(
        &self,
        line: u64,
        field: &impl Fn(usize) -> &'a str,
        rows: &mut Rows,
    ) -> Result<()> {
        if let (Some(v), Some(c)) = (&mut rows.money, self.m) {
            let m = self.number(line, c, field)?;
            if !(m.is_finite() && m >= 0.0) {
                return Err(Error::invalid_field(
                    line,
                    self.header[c].as_str(),
                    m.to_string(),
                    "monetary value must be finite and >= 0",
                ));
            }
            v.push(m);
        }
        if let (Some(v), Some(c)) = (&mut rows.weights, self.w) {
            let w = self.number(line, c, field)?;
            if w > MAX_EXACT_COUNT {
                return Err(Error::invalid_field(
                    line,
                    self.header[c].as_str(),
                    field(c).trim(),
                    "a count of customers above 2^53 (9.0e15) is not an exact integer in f64",
                ));
            }
            check_weight(line, w)
                .map_err(|e| e.with_file_column_names(&[("weights", &self.header[c])]))?;
            v.push(w);
        }
        Ok(())
    }
}

/// The fast path for plain text (no quote, no carriage return, UTF-8, the usual case of a
/// machine-written summary): lines cut into pieces parsed on every core, duplicate ids found
/// by sorting hashes instead of one sequential hash table. The `csv` crate's path took 0.6 s
/// of CPU per million rows, most of it in the sequential duplicate check.
mod fast {
    use super::{Columns, Header, Rows, SummaryCsvOptions};
    use crate::error::{Error, Result};
    use crate::summary::RfmSummary;

    /// Bytes per piece parsed as a unit.
    const PIECE: usize = 1 << 20;

    /// A parsed piece: its rows up to its first error.
    struct Piece {
        rows: Rows,
        /// The first error; with the row's id when the error came after the id check (so
        /// that a duplicate id on that line, checked first on the sequential path, wins).
        error: Option<(Error, Option<String>)>,
    }

    /// `None` when the fast path does not apply.
    pub(super) fn read(opts: &SummaryCsvOptions, bytes: &[u8]) -> Option<Result<RfmSummary>> {
        let d = opts.delimiter;
        if d == b'"'
            || d == b'\n'
            || d == b'\r'
            || !d.is_ascii()
            || memchr::memchr2(b'"', b'\r', bytes).is_some()
        {
            return None;
        }
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        // the header: the first line that is not empty
        let mut start = 0usize;
        let mut line = 0u64;
        let header_line = loop {
            if start >= bytes.len() {
                return Some(Err(Error::EmptyInput {
                    what: "summary CSV has no header".into(),
                }));
            }
            let stop = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |i| start + i);
            line += 1;
            let l = &bytes[start..stop];
            start = (stop + 1).min(bytes.len());
            if !l.is_empty() {
                break l;
            }
        };
        let header_text = std::str::from_utf8(header_line).ok()?;
        let body = &bytes[start..];
        // a blank line among the rows: the `csv` crate numbers the next row from the blank
        // line, which only it knows how to repeat
        if body.starts_with(b"\n") || memchr::memmem::find(body, b"\n\n").is_some() {
            return None;
        }
        let pieces = cut(body);
        let texts: Vec<&str> = map(&pieces, |p| std::str::from_utf8(p).ok())
            .into_iter()
            .collect::<Option<_>>()?;
        Some(read_plain(opts, header_text, line, &texts))
    }

    /// `body` cut at line ends into pieces of about [`PIECE`] bytes.
    fn cut(body: &[u8]) -> Vec<&[u8]> {
        let mut out = Vec::with_capacity(body.len() / PIECE + 1);
        let mut start = 0usize;
        while start < body.len() {
            let mut end = (start + PIECE).min(body.len());
            if end < body.len() {
                end = memchr::memchr(b'\n', &body[end..]).map_or(body.len(), |i| end + i + 1);
            }
            out.push(&body[start..end]);
            start = end;
        }
        out
    }

    /// Runs `f` on every item (in parallel with the `parallel` feature), results in order.
    fn map<T: Sync, U: Send>(items: &[T], f: impl Fn(&T) -> U + Sync + Send) -> Vec<U> {
        #[cfg(feature = "parallel")]
        {
            use rayon::prelude::*;
            items.par_iter().map(f).collect()
        }
        #[cfg(not(feature = "parallel"))]
        {
            items.iter().map(f).collect()
        }
    }

    fn read_plain(
        opts: &SummaryCsvOptions,
        header_text: &str,
        header_line: u64,
        pieces: &[&str],
    ) -> Result<RfmSummary> {
        let d = opts.delimiter as char;
        let header = Header::new(header_text.split(d), opts.delimiter)?;
        let cols = opts.columns(&header)?;
        // line of each piece's first line
        let counts = map(pieces, |p| {
            memchr::memchr_iter(b'\n', p.as_bytes()).count() as u64
        });
        let mut bases = Vec::with_capacity(pieces.len());
        let mut base = header_line;
        for c in counts {
            bases.push(base);
            base += c;
        }
        let jobs: Vec<(&str, u64)> = pieces.iter().copied().zip(bases).collect();
        let parsed = map(&jobs, |&(text, base)| parse_piece(&cols, d, text, base));
        let mut rows = Rows::new(&cols);
        let n: usize = parsed.iter().map(|p| p.rows.freq.len()).sum();
        rows.ids.reserve(n);
        let mut error = None;
        for p in parsed {
            rows.append(p.rows);
            if p.error.is_some() {
                error = p.error;
                break;
            }
        }
        // duplicate ids among the rows read (and the id of an erring row checked after it)
        let stop_id = match &error {
            Some((_, Some(id))) => Some(id.clone()),
            _ => None,
        };
        if cols.id.is_some() {
            let stop_line = rows.lines.len();
            let erring_line = error.as_ref().map(|(e, _)| error_line(e));
            if let Some((j, first)) = first_duplicate(&rows.ids, stop_id.as_deref()) {
                let line = if j == stop_line {
                    erring_line.unwrap_or(0)
                } else {
                    rows.lines[j]
                };
                let id = if j == stop_line {
                    stop_id.as_deref().unwrap_or("")
                } else {
                    &rows.ids[j]
                };
                return Err(cols.duplicate(line, id, rows.lines[first]));
            }
        }
        if let Some((e, _)) = error {
            return Err(e);
        }
        if cols.id.is_none() {
            rows.ids = (0..rows.freq.len()).map(|i| i.to_string()).collect();
        }
        rows.into_summary()
    }

    /// The line an error of a row names.
    fn error_line(e: &Error) -> u64 {
        match e {
            Error::InvalidField { line, .. } | Error::FieldCount { line, .. } => *line,
            _ => 0,
        }
    }

    /// The rows of one piece (whole lines, `base` lines before it).
    fn parse_piece(cols: &Columns<'_>, d: char, text: &str, base: u64) -> Piece {
        let mut rows = Rows::new(cols);
        let est = text.len() / 32 + 1;
        rows.ids.reserve(if cols.id.is_some() { est } else { 0 });
        rows.lines.reserve(est);
        rows.freq.reserve(est);
        rows.rec.reserve(est);
        rows.t.reserve(est);
        let mut fields: Vec<&str> = Vec::with_capacity(cols.header.len() + 1);
        let mut line = base;
        for l in text.split_terminator('\n') {
            line += 1;
            if l.is_empty() {
                continue;
            }
            fields.clear();
            fields.extend(l.split(d));
            let field = |c: usize| fields.get(c).copied().unwrap_or("");
            let row = cols
                .timing(line, fields.len(), &field)
                .and_then(|frt| match cols.id {
                    Some(c) => cols.id(line, c, &field).map(|id| (frt, Some(id))),
                    None => Ok((frt, None)),
                });
            let ((f, r, t), id) = match row {
                Ok(v) => v,
                Err(e) => {
                    return Piece {
                        rows,
                        error: Some((e, None)),
                    }
                }
            };
            if let Err(e) = cols.spend_and_weight(line, &field, &mut rows) {
                return Piece {
                    rows,
                    error: Some((e, id.map(str::to_string))),
                };
            }
            if let Some(id) = id {
                rows.ids.push(id.to_string());
            }
            rows.lines.push(line);
            rows.freq.push(f);
            rows.rec.push(r);
            rows.t.push(t);
        }
        Piece { rows, error: None }
    }

    /// The first row whose id appeared on an earlier row, with that earlier row: `(j, first)`.
    /// `extra` is one more id after the rows (index `ids.len()`). Equal ids are found by
    /// sorting (hash, row) pairs, which runs on every core, instead of one hash table filled
    /// row by row.
    fn first_duplicate(ids: &[String], extra: Option<&str>) -> Option<(usize, usize)> {
        use crate::data::interner::hash_id;
        let id_at = |i: usize| -> &str {
            if i == ids.len() {
                extra.unwrap_or("")
            } else {
                &ids[i]
            }
        };
        let n = ids.len() + usize::from(extra.is_some());
        let mut keys: Vec<(u64, usize)> = Vec::with_capacity(n);
        #[cfg(feature = "parallel")]
        {
            use rayon::prelude::*;
            (0..n)
                .into_par_iter()
                .map(|i| (hash_id(id_at(i).as_bytes()), i))
                .collect_into_vec(&mut keys);
            keys.par_sort_unstable();
        }
        #[cfg(not(feature = "parallel"))]
        {
            keys.extend((0..n).map(|i| (hash_id(id_at(i).as_bytes()), i)));
            keys.sort_unstable();
        }
        // within a run of equal hashes (rows ascending), each row against the earlier ones
        let mut best: Option<(usize, usize)> = None;
        let mut i = 0;
        while i < keys.len() {
            let mut j = i + 1;
            while j < keys.len() && keys[j].0 == keys[i].0 {
                j += 1;
            }
            for b in i + 1..j {
                let row = keys[b].1;
                if best.is_some_and(|(r, _)| r <= row) {
                    break;
                }
                if let Some(a) = (i..b).find(|&a| id_at(keys[a].1) == id_at(row)) {
                    best = Some((row, keys[a].1));
                    break;
                }
            }
            i = j;
        }
        best
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
    let mut header = vec!["customer_id", "frequency", "recency", "T"];
    if summary.monetary_value().is_some() {
        header.push("monetary_value");
    }
    if summary.weights().is_some() {
        header.push("weights");
    }
    let ids = summary.customer_ids();
    let (f, r, t) = (summary.frequency(), summary.recency(), summary.t());
    let (m, wt) = (summary.monetary_value(), summary.weights());
    for (i, id) in ids.iter().enumerate() {
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
    }
    write_rows(writer, &header, ids.len(), |i, w| {
        w.id(&ids[i]);
        w.num(f[i]);
        w.num(r[i]);
        w.num(t[i]);
        if let Some(m) = m {
            w.num(m[i]);
        }
        if let Some(wt) = wt {
            w.num(wt[i]);
        }
    })
}

/// One CSV line being formatted into a text buffer: no allocation per row or field (the
/// `csv` crate's writer with a `String` per field took most of the time of writing a
/// million-row summary). Fields are quoted as `csv`'s default (`QuoteStyle::Necessary`) does:
/// only a field holding a comma, a quote or a line break, its quotes doubled.
struct Line<'a> {
    buf: &'a mut String,
    /// No field written yet on this line.
    at_start: bool,
}

impl Line<'_> {
    fn sep(&mut self) {
        if !self.at_start {
            self.buf.push(',');
        }
        self.at_start = false;
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
        crate::data::push_number(self.buf, x);
    }
}

/// Writes the header and rows `0..n` (`row` formats row i's fields): rows are formatted in
/// blocks, a group of blocks at a time on every core with the `parallel` feature, and handed
/// to the writer in order in large writes.
fn write_rows<W: std::io::Write>(
    mut out: W,
    header: &[&str],
    n: usize,
    row: impl Fn(usize, &mut Line<'_>) + Sync,
) -> Result<()> {
    /// Rows per block.
    const BLOCK: usize = 16_384;
    let io = |source| Error::Io {
        path: Default::default(),
        source,
    };
    let mut text = String::new();
    let mut line = Line {
        buf: &mut text,
        at_start: true,
    };
    for name in header {
        line.id(name);
    }
    text.push('\n');
    out.write_all(text.as_bytes()).map_err(io)?;
    crate::data::write_rows_in_blocks(&mut out, n, BLOCK, |rows, buf| {
        for i in rows {
            let mut line = Line {
                buf: &mut *buf,
                at_start: true,
            };
            row(i, &mut line);
            buf.push('\n');
        }
    })
    .map_err(io)?;
    out.flush().map_err(io)
}

/// Writes a calibration/holdout split as CSV with lifetimes' header
/// `customer_id,frequency_cal,recency_cal,T_cal[,monetary_value_cal],frequency_holdout[,monetary_value_holdout],duration_holdout`
/// (monetary columns only when the log had amounts).
pub fn write_calibration_holdout_csv<W: std::io::Write>(
    split: &crate::summary::CalibrationHoldout,
    writer: W,
) -> Result<()> {
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
    }
    write_rows(writer, &header, cal.len(), |i, w| {
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
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Both paths on the same text: the same summary (and row lines), or the same error.
    fn both_paths(opts: &SummaryCsvOptions, text: &str) -> std::result::Result<(), String> {
        let Some(plain) = fast::read(opts, text.as_bytes()) else {
            // only a blank line among the rows leaves plain text to the csv crate
            assert!(text.contains("\n\n"), "{text:?} should take the fast path");
            return Ok(());
        };
        let general = opts.read_with_csv_crate(text.as_bytes());
        match (plain, general) {
            (Ok(a), Ok(b)) if a == b && a.origin().lines == b.origin().lines => Ok(()),
            (Err(a), Err(b)) if a.to_string() == b.to_string() => Ok(()),
            (a, b) => Err(format!(
                "{text:?}\nfast: {:?}\ncsv:  {:?}",
                a.map(|s| s.origin().lines.clone()),
                b.map(|s| s.origin().lines.clone())
            )),
        }
    }

    /// Generated files with every kind of bad row, duplicates, blank lines and missing
    /// columns: the fast path agrees with the `csv` crate's path, row lines and errors
    /// included, and its pieces cut anywhere.
    #[test]
    fn fast_path_agrees_with_the_csv_crate() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        let cells = [
            "1",
            "0",
            "2",
            "3.5",
            "-1",
            "nan",
            "x",
            "",
            " 4 ",
            "1e300",
            "9007199254740993",
        ];
        for case in 0..3000 {
            let with_m = next(2) == 0;
            let with_w = next(4) == 0;
            let with_id = next(5) != 0;
            let mut header = vec![];
            if with_id {
                header.push(if next(2) == 0 { "customer_id" } else { " ID " });
            }
            header.extend(["frequency", "recency", "T"]);
            if with_m {
                header.push("monetary_value");
            }
            if with_w {
                header.push("weights");
            }
            if next(30) == 0 {
                header.remove(1 + usize::from(with_id));
            }
            let mut text = String::new();
            if next(8) == 0 {
                text.push('\n');
            }
            text.push_str(&header.join(","));
            text.push('\n');
            let rows = next(12);
            for r in 0..rows {
                if next(10) == 0 {
                    text.push('\n');
                }
                let mut fields = vec![];
                if with_id {
                    fields.push(match next(12) {
                        0 => String::new(),
                        1 | 2 => format!("c{}", next(3)),
                        _ => format!(" c{r} "),
                    });
                }
                let freq = next(3);
                let good = [
                    freq.to_string(),
                    if freq == 0 { "0".into() } else { "2".into() },
                    "5".into(),
                ];
                for g in good {
                    fields.push(if next(25) == 0 {
                        cells[next(cells.len() as u64) as usize].into()
                    } else {
                        g
                    });
                }
                if with_m {
                    fields.push(if next(20) == 0 {
                        "-2".into()
                    } else {
                        "1.5".into()
                    });
                }
                if with_w {
                    fields.push(if next(20) == 0 {
                        "0".into()
                    } else {
                        "1".into()
                    });
                }
                if next(40) == 0 {
                    fields.pop();
                }
                text.push_str(&fields.join(","));
                if r + 1 < rows || next(2) == 0 {
                    text.push('\n');
                }
            }
            let opts = if with_w && next(2) == 0 {
                SummaryCsvOptions::new().weights_col("weights")
            } else {
                SummaryCsvOptions::new()
            };
            if let Err(e) = both_paths(&opts, &text) {
                panic!("case {case}: {e}");
            }
        }
        // a big file: many pieces, a duplicate far from its first line
        let mut text = String::from("customer_id,frequency,recency,T\n");
        for i in 0..200_000 {
            text.push_str(&format!("id{i},1,2,3\n"));
        }
        both_paths(&SummaryCsvOptions::new(), &text).unwrap();
        text.push_str("id17,1,2,3\nid18,1,2,3\n");
        both_paths(&SummaryCsvOptions::new(), &text).unwrap();
        let e = SummaryCsvOptions::new().read_str(&text).unwrap_err();
        assert!(e.to_string().contains("line 200002"), "{e}");
        assert!(e.to_string().contains("first on line 19"), "{e}");
    }
}
