//! Reading a transaction log from delimited text (CSV, TSV, whitespace-separated).
//!
//! Two paths give the same result:
//!
//! * a fast path for input without quote characters (almost every machine-written log): the
//!   input is read in blocks, each block is cut at line ends into pieces, the pieces are parsed
//!   (in parallel with the `parallel` feature) with a hand-written splitter and date parser,
//!   and their customer ids are interned into one table, in input order;
//! * the `csv` crate for comma/tab/... input that contains a `"` anywhere: from the first block
//!   holding a quote on, records go through the full RFC 4180 parser (quoted fields, embedded
//!   delimiters and newlines).
//!
//! Whitespace-separated input ([`Delimiter::Whitespace`], e.g. the CDNOW master file) has no
//! quoting: fields are separated by runs of spaces and tabs, leading blanks are ignored.
//!
//! Blank lines are skipped. Line numbers in errors are 1-based and count every line of the input
//! including the header and blank lines.

use crate::data::interner::{hash_id, Interner};
use crate::data::timestamp::CompiledDateFormat;
use crate::data::transactions::check_amount;
use crate::data::{DateFormat, Timestamp, TransactionLog};
use crate::error::{Error, Result};
use std::io::{Cursor, Read};
use std::path::Path;

/// Input block size of the fast path (bytes).
const BLOCK: usize = 16 << 20;
/// Target size of one piece parsed as a unit (bytes).
const PIECE: usize = 1 << 20;

/// How fields are separated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delimiter {
    /// One byte, e.g. `b','`, `b'\t'`, `b';'`, `b'|'`. Fields may be quoted with `"`.
    Byte(u8),
    /// Runs of spaces and tabs (leading and trailing blanks ignored); no quoting.
    Whitespace,
}

impl Default for Delimiter {
    fn default() -> Self {
        Delimiter::Byte(b',')
    }
}

impl Delimiter {
    /// Reads a delimiter as the CLI takes it: `whitespace`, `tab` (or `\t`), or one ASCII
    /// character such as `,` `;` `|`. Errors with [`Error::InvalidParameter`] otherwise.
    pub fn from_spec(spec: &str) -> Result<Self> {
        match spec {
            "whitespace" | "ws" => Ok(Delimiter::Whitespace),
            "tab" | "\\t" | "\t" => Ok(Delimiter::Byte(b'\t')),
            s if s.len() == 1
                && s.as_bytes()[0].is_ascii()
                && !matches!(s.as_bytes()[0], b'"' | b'\n' | b'\r') =>
            {
                Ok(Delimiter::Byte(s.as_bytes()[0]))
            }
            s => Err(Error::InvalidParameter {
                name: format!("delimiter `{s}`"),
                value: f64::NAN,
                rule: "must be `whitespace`, `tab` or a single ASCII character other than a quote \
                       or newline"
                    .into(),
            }),
        }
    }
}

/// Where to find the columns of a transaction log, and how its dates are written.
///
/// Defaults: customer column `customer_id`, date column `date`, no amount column, comma
/// delimiter, [`DateFormat::Auto`]. The header line names the columns (surrounding blanks
/// ignored); other columns are skipped.
///
/// ```
/// use ltv::data::{DateFormat, Delimiter, TransactionCsvOptions};
/// let text = "user,day,price\nu1,2024-01-05,9.5\nu2,2024-01-06,3\nu1,2024-02-01,1.25\n";
/// let log = TransactionCsvOptions::new("user", "day").amount_col("price").read_str(text)?;
/// assert_eq!((log.len(), log.n_customers()), (3, 2));
///
/// let cdnow = " customer_id  date  dollar_value\n 00001 19970101   11.77\n";
/// let log = TransactionCsvOptions::new("customer_id", "date")
///     .amount_col("dollar_value")
///     .delimiter(Delimiter::Whitespace)
///     .date_format(DateFormat::Compact)
///     .read_str(cdnow)?;
/// assert_eq!(log.customer_ids(), ["00001"]);
///
/// let bad = TransactionCsvOptions::new("user", "day").read_str("user,day\nu1,2024-13-01\n");
/// assert!(matches!(bad, Err(ltv::Error::InvalidField { line: 2, .. })));
/// # Ok::<(), ltv::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct TransactionCsvOptions {
    customer_col: String,
    date_col: String,
    amount_col: Option<String>,
    delimiter: Delimiter,
    date_format: DateFormat,
}

impl Default for TransactionCsvOptions {
    fn default() -> Self {
        Self::new("customer_id", "date")
    }
}

impl TransactionCsvOptions {
    /// Options naming the customer id and date columns.
    pub fn new(customer_col: impl Into<String>, date_col: impl Into<String>) -> Self {
        Self {
            customer_col: customer_col.into(),
            date_col: date_col.into(),
            amount_col: None,
            delimiter: Delimiter::default(),
            date_format: DateFormat::Auto,
        }
    }

    /// Reads monetary amounts from this column (finite, >= 0).
    pub fn amount_col(mut self, name: impl Into<String>) -> Self {
        self.amount_col = Some(name.into());
        self
    }

    /// Sets the field delimiter.
    pub fn delimiter(mut self, delimiter: Delimiter) -> Self {
        self.delimiter = delimiter;
        self
    }

    /// Sets the date format.
    pub fn date_format(mut self, format: DateFormat) -> Self {
        self.date_format = format;
        self
    }

    /// The customer id column's name.
    pub(crate) fn customer_col_ref(&self) -> &str {
        &self.customer_col
    }

    /// The date column's name.
    pub(crate) fn date_col_ref(&self) -> &str {
        &self.date_col
    }

    /// The amount column's name, if any.
    pub(crate) fn amount_col_ref(&self) -> Option<&str> {
        self.amount_col.as_deref()
    }

    /// The date format.
    pub(crate) fn date_format_ref(&self) -> &DateFormat {
        &self.date_format
    }

    /// Reads the log from a file. Errors as [`TransactionCsvOptions::read`], plus
    /// [`Error::Io`] naming the path.
    pub fn read_path(&self, path: impl AsRef<Path>) -> Result<TransactionLog> {
        let path = path.as_ref();
        let io = |source| Error::Io {
            path: path.to_path_buf(),
            source,
        };
        let file = std::fs::File::open(path).map_err(io)?;
        let size = file.metadata().map(|m| m.len()).ok();
        read_stream(file, self, size).map_err(|e| match e {
            Error::Io { source, .. } => io(source),
            e => e,
        })
    }

    /// Reads the log from in-memory text.
    pub fn read_str(&self, text: &str) -> Result<TransactionLog> {
        self.read_bytes(text.as_bytes())
    }

    /// Reads the log from in-memory bytes (must be UTF-8 where ids are concerned).
    pub fn read_bytes(&self, bytes: &[u8]) -> Result<TransactionLog> {
        read_stream(bytes, self, Some(bytes.len() as u64))
    }

    /// Reads the log from any reader.
    ///
    /// Errors (line numbers 1-based, header = its line): [`Error::MissingColumn`] when a named
    /// column is not in the header; [`Error::FieldCount`] for a row with more or fewer fields
    /// than the header; [`Error::InvalidField`] for an empty customer id, an id that is not
    /// UTF-8, a date that does not match the format, an amount that is not a finite
    /// number at least 0; [`Error::Csv`] for broken quoting; [`Error::EmptyInput`] for no header or no rows;
    /// [`Error::Io`] when reading fails.
    pub fn read<R: Read>(&self, reader: R) -> Result<TransactionLog> {
        read_stream(reader, self, None)
    }
}

/// Column positions resolved from the header.
struct Layout<'o> {
    n_fields: usize,
    id: usize,
    date: usize,
    amount: Option<usize>,
    id_name: &'o str,
    date_name: &'o str,
    amount_name: &'o str,
}

impl<'o> Layout<'o> {
    fn resolve(header: &[String], opts: &'o TransactionCsvOptions) -> Result<Self> {
        let find = |name: &str| {
            header
                .iter()
                .position(|h| h == name)
                .ok_or_else(|| Error::MissingColumn {
                    column: name.to_string(),
                    found: header.join(","),
                })
        };
        Ok(Self {
            n_fields: header.len(),
            id: find(&opts.customer_col)?,
            date: find(&opts.date_col)?,
            amount: opts.amount_col.as_deref().map(find).transpose()?,
            id_name: &opts.customer_col,
            date_name: &opts.date_col,
            amount_name: opts.amount_col.as_deref().unwrap_or(""),
        })
    }
}

/// Everything read so far.
struct Accumulator {
    interner: Interner,
    customer: Vec<u32>,
    timestamp: Vec<Timestamp>,
    amount: Option<Vec<f64>>,
}

impl Accumulator {
    fn new(has_amounts: bool) -> Self {
        Self {
            interner: Interner::default(),
            customer: Vec::new(),
            timestamp: Vec::new(),
            amount: has_amounts.then(Vec::new),
        }
    }

    fn reserve(&mut self, rows: usize) {
        self.customer.reserve(rows);
        self.timestamp.reserve(rows);
        if let Some(a) = &mut self.amount {
            a.reserve(rows);
        }
        self.interner = Interner::with_capacity(rows / 8);
    }

    /// Appends parsed pieces in order; `line_cursor` = input lines before the first piece,
    /// advanced past each merged piece.
    fn merge(&mut self, pieces: Vec<Piece>, line_cursor: &mut u64) -> Result<()> {
        for piece in pieces {
            let base = *line_cursor;
            self.customer.reserve(piece.hashes.len());
            // touch the table slots of a batch first so that their cache misses overlap
            const BATCH: usize = 16;
            let mut touched = 0u64;
            let mut start = 0usize;
            for (ends, hashes) in piece.ends.chunks(BATCH).zip(piece.hashes.chunks(BATCH)) {
                touched ^= self.interner.touch(hashes.iter().copied());
                for (&end, &hash) in ends.iter().zip(hashes) {
                    let id = &piece.ids[start..end as usize];
                    start = end as usize;
                    let k = self.interner.intern_hashed(id, hash, base + 1)?;
                    self.customer.push(k);
                }
            }
            std::hint::black_box(touched);
            self.timestamp.extend_from_slice(&piece.timestamps);
            if let Some(a) = &mut self.amount {
                a.extend_from_slice(&piece.amounts);
            }
            if let Some(e) = piece.error {
                return Err(shift_line(e, base));
            }
            *line_cursor += piece.lines;
        }
        Ok(())
    }

    fn finish(self) -> Result<TransactionLog> {
        let mut customer = self.customer;
        let mut timestamp = self.timestamp;
        customer.shrink_to_fit();
        timestamp.shrink_to_fit();
        let amount = self.amount.map(|mut a| {
            a.shrink_to_fit();
            a
        });
        TransactionLog::from_checked_parts(self.interner.into_names(), customer, timestamp, amount)
    }
}

/// Adds `base` to the line number of a row error.
fn shift_line(e: Error, base: u64) -> Error {
    match e {
        Error::InvalidField {
            line,
            column,
            value,
            rule,
        } => Error::InvalidField {
            line: line + base,
            column,
            value,
            rule,
        },
        Error::FieldCount {
            line,
            expected,
            found,
        } => Error::FieldCount {
            line: line + base,
            expected,
            found,
        },
        e => e,
    }
}

/// The parsed rows of one piece of input, owning its data (so parsing the next block can
/// overlap with merging this one).
#[derive(Default)]
struct Piece {
    /// The rows' customer ids (valid UTF-8) back to back; row i ends at `ends[i]`.
    ids: Vec<u8>,
    ends: Vec<u32>,
    /// [`hash_id`] of each row's id.
    hashes: Vec<u64>,
    timestamps: Vec<Timestamp>,
    amounts: Vec<f64>,
    /// Input lines in the piece (its `\n` count, + 1 for a last line without one).
    lines: u64,
    /// The first error (line local to the piece, 1-based); rows before it are kept.
    error: Option<Error>,
}

fn lossy(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

const POW10: [f64; 16] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
];

/// Parses a decimal number. Plain `digits[.digits]` with at most 15 digits takes an exact fast
/// path (an integer below 2^53 divided by an exact power of ten is correctly rounded, so the
/// result equals the standard library's); anything else goes to `str::parse::<f64>`.
#[inline]
fn parse_f64(b: &[u8]) -> Option<f64> {
    let mut m: u64 = 0;
    let mut n_digits = 0usize;
    let mut frac: Option<usize> = None;
    let mut simple = !b.is_empty() && b.len() <= 16;
    if simple {
        for (i, &c) in b.iter().enumerate() {
            let d = c.wrapping_sub(b'0');
            if d <= 9 {
                m = m * 10 + d as u64;
                n_digits += 1;
            } else if c == b'.' && frac.is_none() {
                frac = Some(i);
            } else {
                simple = false;
                break;
            }
        }
    }
    if simple && n_digits > 0 && n_digits <= 15 {
        let k = frac.map_or(0, |i| b.len() - 1 - i);
        return Some(m as f64 / POW10[k]);
    }
    std::str::from_utf8(b).ok()?.parse::<f64>().ok()
}

/// Parses and checks one row's fields; pushes into the piece.
struct RowParser<'o, 'f> {
    layout: &'o Layout<'o>,
    format: &'f CompiledDateFormat<'f>,
    describe_format: String,
}

impl RowParser<'_, '_> {
    #[inline]
    fn date(&self, raw: &[u8], line: u64) -> Result<Timestamp> {
        self.format.parse(raw).ok_or_else(|| {
            Error::invalid_field(
                line,
                self.layout.date_name,
                lossy(raw),
                format!("unparseable date: {}", self.describe_format),
            )
        })
    }

    #[inline]
    fn amount(&self, raw: &[u8], line: u64) -> Result<f64> {
        let t = raw.trim_ascii();
        match parse_f64(t) {
            Some(a) => check_amount(line, self.layout.amount_name, a),
            None => Err(Error::invalid_field(
                line,
                self.layout.amount_name,
                lossy(raw),
                "amount is not a number",
            )),
        }
    }

    /// Checks an id: not empty, valid UTF-8.
    #[inline]
    fn id<'a>(&self, raw: &'a [u8], line: u64) -> Result<&'a [u8]> {
        if raw.is_empty() {
            return Err(Error::invalid_field(
                line,
                self.layout.id_name,
                "",
                "customer id must not be empty",
            ));
        }
        if raw.is_ascii() {
            return Ok(raw);
        }
        match std::str::from_utf8(raw) {
            Ok(_) => Ok(raw),
            Err(_) => Err(Error::invalid_field(
                line,
                self.layout.id_name,
                lossy(raw),
                "customer id is not valid UTF-8",
            )),
        }
    }
}

/// Splits one line into fields; records the needed ones into `out` and returns the count.
#[inline]
fn split_line<'a>(
    line: &'a [u8],
    delim: Delimiter,
    want: [usize; 3],
    out: &mut [&'a [u8]; 3],
) -> usize {
    let mut idx = 0usize;
    let put = |idx: usize, f: &'a [u8], out: &mut [&'a [u8]; 3]| {
        for k in 0..3 {
            if want[k] == idx {
                out[k] = f;
            }
        }
    };
    match delim {
        Delimiter::Byte(d) => {
            let mut start = 0;
            for (i, &c) in line.iter().enumerate() {
                if c == d {
                    put(idx, &line[start..i], out);
                    idx += 1;
                    start = i + 1;
                }
            }
            put(idx, &line[start..], out);
            idx + 1
        }
        Delimiter::Whitespace => {
            let mut i = 0;
            let n = line.len();
            loop {
                while i < n && is_blank(line[i]) {
                    i += 1;
                }
                if i == n {
                    return idx;
                }
                let start = i;
                while i < n && !is_blank(line[i]) {
                    i += 1;
                }
                put(idx, &line[start..i], out);
                idx += 1;
            }
        }
    }
}

#[inline]
fn is_blank(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\x0b' | b'\x0c')
}

/// Whether a line holds no data (skipped). `line` excludes the `\n`.
#[inline]
fn is_blank_line(line: &[u8], delim: Delimiter) -> bool {
    match delim {
        Delimiter::Byte(_) => line.is_empty() || line == b"\r",
        Delimiter::Whitespace => line.iter().all(|&c| is_blank(c)),
    }
}

/// Parses a piece of whole lines (no quotes). Local line 1 is the piece's first line.
fn parse_piece(bytes: &[u8], delim: Delimiter, rp: &RowParser<'_, '_>) -> Piece {
    let layout = rp.layout;
    let est = bytes.len() / 24 + 1;
    let mut piece = Piece {
        ids: Vec::with_capacity(bytes.len() / 2),
        ends: Vec::with_capacity(est),
        hashes: Vec::with_capacity(est),
        timestamps: Vec::with_capacity(est),
        amounts: Vec::with_capacity(if layout.amount.is_some() { est } else { 0 }),
        lines: 0,
        error: None,
    };
    let want = [layout.id, layout.date, layout.amount.unwrap_or(usize::MAX)];
    let mut line_no = 0u64;
    let mut rest = bytes;
    while !rest.is_empty() {
        line_no += 1;
        let (mut line, next) = match memchr::memchr(b'\n', rest) {
            Some(i) => (&rest[..i], &rest[i + 1..]),
            None => (rest, &rest[rest.len()..]),
        };
        rest = next;
        if is_blank_line(line, delim) {
            continue;
        }
        if let Delimiter::Byte(_) = delim {
            if let [head @ .., b'\r'] = line {
                line = head;
            }
        }
        let mut fields: [&[u8]; 3] = [&[], &[], &[]];
        let n = split_line(line, delim, want, &mut fields);
        let row = (|| -> Result<()> {
            if n != layout.n_fields {
                return Err(Error::FieldCount {
                    line: line_no,
                    expected: layout.n_fields,
                    found: n,
                });
            }
            let ts = rp.date(fields[1], line_no)?;
            let amount = match layout.amount {
                Some(_) => Some(rp.amount(fields[2], line_no)?),
                None => None,
            };
            let id = rp.id(fields[0], line_no)?;
            piece.ids.extend_from_slice(id);
            let end = u32::try_from(piece.ids.len()).map_err(|_| {
                Error::invalid_field(line_no, layout.id_name, lossy(id), "ids longer than 4 GB")
            })?;
            piece.ends.push(end);
            piece.hashes.push(hash_id(id));
            piece.timestamps.push(ts);
            if let Some(a) = amount {
                piece.amounts.push(a);
            }
            Ok(())
        })();
        if let Err(e) = row {
            piece.error = Some(e);
            break;
        }
    }
    piece.lines = line_no;
    piece
}

/// Cuts `chunk` (whole lines) into pieces of about `piece_size` bytes at line ends.
fn cut_pieces(chunk: &[u8], piece_size: usize) -> Vec<&[u8]> {
    let mut out = Vec::with_capacity(chunk.len() / piece_size + 1);
    let mut start = 0usize;
    while start < chunk.len() {
        let mut end = (start + piece_size).min(chunk.len());
        if end < chunk.len() {
            end = match memchr::memchr(b'\n', &chunk[end..]) {
                Some(i) => end + i + 1,
                None => chunk.len(),
            };
        }
        out.push(&chunk[start..end]);
        start = end;
    }
    out
}

/// Parses a chunk of whole lines into pieces (in parallel with the `parallel` feature).
fn parse_chunk(
    chunk: &[u8],
    delim: Delimiter,
    rp: &RowParser<'_, '_>,
    piece_size: usize,
) -> Vec<Piece> {
    let pieces = cut_pieces(chunk, piece_size);
    #[cfg(feature = "parallel")]
    {
        use rayon::prelude::*;
        pieces
            .par_iter()
            .map(|p| parse_piece(p, delim, rp))
            .collect()
    }
    #[cfg(not(feature = "parallel"))]
    {
        pieces.iter().map(|p| parse_piece(p, delim, rp)).collect()
    }
}

/// Runs `a` and `b` at the same time with the `parallel` feature, one after the other
/// without it.
fn both<A, B, RA, RB>(a: A, b: B) -> (RA, RB)
where
    A: FnOnce() -> RA + Send,
    B: FnOnce() -> RB + Send,
    RA: Send,
    RB: Send,
{
    #[cfg(feature = "parallel")]
    {
        rayon::join(a, b)
    }
    #[cfg(not(feature = "parallel"))]
    {
        let ra = a();
        (ra, b())
    }
}

fn split_header(line: &[u8], delim: Delimiter, line_no: u64) -> Result<Vec<String>> {
    let text = std::str::from_utf8(line).map_err(|_| Error::Csv {
        line: line_no,
        message: "header is not valid UTF-8".into(),
    })?;
    Ok(match delim {
        Delimiter::Byte(d) => text
            .trim_end_matches('\r')
            .split(d as char)
            .map(|s| s.trim().to_string())
            .collect(),
        Delimiter::Whitespace => text.split_ascii_whitespace().map(str::to_string).collect(),
    })
}

/// Fills `buf` up to `target` bytes (or EOF). Returns true at EOF. The buffer grows as data
/// arrives, so a small input never costs a full block.
fn fill<R: Read>(reader: &mut R, buf: &mut Vec<u8>, target: usize) -> Result<bool> {
    if buf.len() >= target {
        return Ok(false);
    }
    let want = (target - buf.len()) as u64;
    let got = reader
        .by_ref()
        .take(want)
        .read_to_end(buf)
        .map_err(|source| Error::Io {
            path: Default::default(),
            source,
        })?;
    Ok((got as u64) < want)
}

fn read_stream<R: Read>(
    reader: R,
    opts: &TransactionCsvOptions,
    size_hint: Option<u64>,
) -> Result<TransactionLog> {
    read_stream_in_blocks(reader, opts, size_hint, BLOCK, PIECE)
}

/// The fast path with explicit block and piece sizes (small ones in tests exercise the cuts).
///
/// Block k + 1 is parsed while block k's rows are merged into the log (interning ids is
/// sequential), so both cores stay busy.
fn read_stream_in_blocks<R: Read>(
    mut reader: R,
    opts: &TransactionCsvOptions,
    size_hint: Option<u64>,
    block: usize,
    piece_size: usize,
) -> Result<TransactionLog> {
    let delim = opts.delimiter;
    let format = opts.date_format.compile();
    let describe_format = opts.date_format.describe();
    let mut buf: Vec<u8> = Vec::new();
    let mut target = block;
    // input lines before the first row not yet merged into `acc`
    let mut line_cursor = 0u64;
    let mut header: Option<Vec<String>> = None;
    let mut layout: Option<Layout<'_>> = None;
    let mut acc: Option<Accumulator> = None;
    // parsed but not yet merged
    let mut pending: Vec<Piece> = Vec::new();
    let mut first_block = true;
    loop {
        let eof = fill(&mut reader, &mut buf, target)?;
        if first_block {
            first_block = false;
            if buf.starts_with(b"\xEF\xBB\xBF") {
                buf.drain(..3);
            }
        }
        // whole lines available in `buf`
        let end = if eof {
            buf.len()
        } else {
            match memchr::memrchr(b'\n', &buf) {
                Some(i) => i + 1,
                None => {
                    // a line longer than the block: read more
                    target = buf.len() * 2;
                    continue;
                }
            }
        };
        target = block.max(buf.len() - end + block / 2);
        if let Delimiter::Byte(d) = delim {
            if memchr::memchr(b'"', &buf[..end]).is_some() {
                if let Some(a) = &mut acc {
                    a.merge(std::mem::take(&mut pending), &mut line_cursor)?;
                }
                return read_with_csv_crate(
                    Cursor::new(std::mem::take(&mut buf)).chain(reader),
                    d,
                    opts,
                    header,
                    acc,
                    line_cursor,
                );
            }
        }
        let mut start = 0usize;
        if header.is_none() {
            // skip blank lines, then the header
            while start < end {
                let stop = memchr::memchr(b'\n', &buf[start..end]).map_or(end, |i| start + i);
                let line = &buf[start..stop];
                let next = (stop + 1).min(end);
                line_cursor += 1;
                start = next;
                if !is_blank_line(line, delim) {
                    let h = split_header(line, delim, line_cursor)?;
                    layout = Some(Layout::resolve(&h, opts)?);
                    header = Some(h);
                    break;
                }
            }
        }
        if let Some(lay) = &layout {
            let rp = RowParser {
                layout: lay,
                format: &format,
                describe_format: describe_format.clone(),
            };
            let acc = acc.get_or_insert_with(|| {
                let mut a = Accumulator::new(lay.amount.is_some());
                if let Some(size) = size_hint {
                    // estimate rows from the line length seen in this block
                    let seen = end - start;
                    let lines = memchr::memchr_iter(b'\n', &buf[start..end]).count().max(1);
                    let est = (size as f64 / (seen.max(1) as f64 / lines as f64) * 1.02) as usize;
                    a.reserve(est.min(1 << 31) + 16);
                }
                a
            });
            let chunk = &buf[start..end];
            let to_merge = std::mem::take(&mut pending);
            let (merged, parsed) = both(
                || acc.merge(to_merge, &mut line_cursor),
                || parse_chunk(chunk, delim, &rp, piece_size),
            );
            merged?;
            pending = parsed;
        }
        buf.drain(..end);
        if eof {
            break;
        }
    }
    match (header, acc) {
        (None, _) => Err(Error::EmptyInput {
            what: "no header line".into(),
        }),
        (Some(_), Some(mut acc)) => {
            acc.merge(pending, &mut line_cursor)?;
            acc.finish()
        }
        (Some(_), None) => Err(Error::EmptyInput {
            what: "transaction log has no rows".into(),
        }),
    }
}

/// The full RFC 4180 path (quoted fields); continues where the fast path stopped.
fn read_with_csv_crate<R: Read>(
    reader: R,
    delim: u8,
    opts: &TransactionCsvOptions,
    mut header: Option<Vec<String>>,
    acc: Option<Accumulator>,
    lines_before: u64,
) -> Result<TransactionLog> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delim)
        .from_reader(reader);
    let format = opts.date_format.compile();
    let describe_format = opts.date_format.describe();
    let mut record = csv::ByteRecord::new();
    let mut acc = acc;
    let mut layout: Option<Layout<'_>> = None;
    loop {
        let more = rdr.read_byte_record(&mut record).map_err(|e| {
            let line = e.position().map_or(0, |p| p.line()) + lines_before;
            match e.into_kind() {
                csv::ErrorKind::Io(source) => Error::Io {
                    path: Default::default(),
                    source,
                },
                kind => Error::Csv {
                    line,
                    message: format!("{kind:?}"),
                },
            }
        })?;
        if !more {
            break;
        }
        let line = record.position().map_or(0, |p| p.line()) + lines_before;
        if header.is_none() {
            let mut h = Vec::with_capacity(record.len());
            for f in record.iter() {
                let s = std::str::from_utf8(f).map_err(|_| Error::Csv {
                    line,
                    message: "header is not valid UTF-8".into(),
                })?;
                h.push(s.trim().to_string());
            }
            header = Some(h);
            continue;
        }
        if layout.is_none() {
            layout = Some(Layout::resolve(header.as_deref().unwrap_or(&[]), opts)?);
        }
        let Some(lay) = layout.as_ref() else {
            continue;
        };
        let acc = acc.get_or_insert_with(|| Accumulator::new(lay.amount.is_some()));
        let rp = RowParser {
            layout: lay,
            format: &format,
            describe_format: describe_format.clone(),
        };
        if record.len() != lay.n_fields {
            return Err(Error::FieldCount {
                line,
                expected: lay.n_fields,
                found: record.len(),
            });
        }
        let field = |i: usize| record.get(i).unwrap_or(&[]);
        let ts = rp.date(field(lay.date), line)?;
        let amount = match lay.amount {
            Some(i) => Some(rp.amount(field(i), line)?),
            None => None,
        };
        let id = rp.id(field(lay.id), line)?;
        let k = acc.interner.intern_hashed(id, hash_id(id), line)?;
        acc.customer.push(k);
        acc.timestamp.push(ts);
        if let (Some(v), Some(a)) = (&mut acc.amount, amount) {
            v.push(a);
        }
    }
    match (header, acc) {
        (None, _) => Err(Error::EmptyInput {
            what: "no header line".into(),
        }),
        (Some(_), Some(acc)) => acc.finish(),
        (Some(h), None) => {
            Layout::resolve(&h, opts)?;
            Err(Error::EmptyInput {
                what: "transaction log has no rows".into(),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_f64_matches_std() {
        for s in [
            "0",
            "1",
            "11.77",
            "0.1",
            "123456789.123456",
            "999999999999999",
            "1.",
            ".5",
            "12.30",
            "3.14159265358979",
        ] {
            assert_eq!(parse_f64(s.as_bytes()), s.parse::<f64>().ok(), "{s}");
        }
        assert_eq!(parse_f64(b"1e3"), Some(1000.0));
        assert_eq!(parse_f64(b"-2"), Some(-2.0));
        assert_eq!(parse_f64(b"."), None);
        assert_eq!(parse_f64(b""), None);
        assert_eq!(parse_f64(b"abc"), None);
    }

    /// Tiny blocks and pieces: every cut, the header split across blocks, a line longer than a
    /// block, and a switch to the csv crate after some blocks all give the same log as one
    /// big block; error lines too.
    #[test]
    fn tiny_blocks_give_the_same_log() {
        let o = TransactionCsvOptions::new("c", "d").amount_col("a");
        let mut text = String::from("\n c , d ,a\n");
        for i in 0..300 {
            text.push_str(&format!(
                "id{},2021-03-{:02} 10:00:00,{}.5\n",
                i % 17,
                1 + i % 28,
                i
            ));
            if i == 100 {
                text.push_str(&format!("{}\n", "\r"));
                text.push_str(&format!("{},2021-01-01,1\n", "long".repeat(40)));
            }
        }
        let whole = read_stream_in_blocks(text.as_bytes(), &o, None, BLOCK, PIECE).unwrap();
        for (block, piece) in [(8, 1), (64, 16), (100, 40), (1000, 100)] {
            let small = read_stream_in_blocks(text.as_bytes(), &o, Some(10), block, piece);
            assert_eq!(small.unwrap(), whole, "block {block}");
        }
        // a quote late in the input switches to the csv crate mid-stream
        let quoted = text.replacen("id3,", "\"id3\",", 10) + "\"q\",2021-01-01,1\n";
        let whole = read_stream_in_blocks(quoted.as_bytes(), &o, None, BLOCK, PIECE).unwrap();
        assert_eq!(whole.len(), 302);
        for (block, piece) in [(8, 1), (64, 16), (1000, 100)] {
            let small = read_stream_in_blocks(quoted.as_bytes(), &o, None, block, piece);
            assert_eq!(small.unwrap(), whole, "block {block}");
        }
        // error lines are the same whatever the cuts
        let bad = quoted.replace("id5,2021-03-06 10:00:00,", "id5,2021-03-32 10:00:00,");
        let line_of =
            |block, piece| match read_stream_in_blocks(bad.as_bytes(), &o, None, block, piece) {
                Err(Error::InvalidField { line, .. }) => line,
                other => panic!("{other:?}"),
            };
        let want = line_of(BLOCK, PIECE);
        assert_eq!(want, 3 + 5); // blank line, header, then rows from line 3
        for (block, piece) in [(8, 1), (64, 16), (1000, 100)] {
            assert_eq!(line_of(block, piece), want);
        }
    }

    #[test]
    fn pieces_cover_chunk() {
        let text: Vec<u8> = (0..200_000)
            .flat_map(|i| format!("c{i},2020-01-01\n").into_bytes())
            .collect();
        let pieces = cut_pieces(&text, PIECE);
        assert!(pieces.len() > 1);
        let total: usize = pieces.iter().map(|p| p.len()).sum();
        assert_eq!(total, text.len());
        assert!(pieces.iter().all(|p| p.ends_with(b"\n")));
    }
}
