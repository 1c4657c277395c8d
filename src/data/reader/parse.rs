//! Parsing and checking the fields of one piece of whole lines (no quotes) into columns.

use super::layout::Layout;
use super::options::Delimiter;
use super::scan::{is_blank_line, split_line};
use crate::data::interner::hash_id;
use crate::data::number::parse_f64;
use crate::data::timestamp::CompiledDateFormat;
use crate::data::transactions::check_amount;
use crate::data::Timestamp;
use crate::error::{Error, Result};

/// The parsed rows of one piece of input, owning its data (so parsing the next block can
/// overlap with merging this one).
#[derive(Default)]
pub(super) struct Piece {
    /// The rows' customer ids (valid UTF-8) back to back; row i ends at `ends[i]`.
    pub(super) ids: Vec<u8>,
    pub(super) ends: Vec<u32>,
    /// [`hash_id`] of each row's id.
    pub(super) hashes: Vec<u64>,
    pub(super) timestamps: Vec<Timestamp>,
    pub(super) amounts: Vec<f64>,
    /// Input lines in the piece (its `\n` count, + 1 for a last line without one).
    pub(super) lines: u64,
    /// The first error (line local to the piece, 1-based); rows before it are kept.
    pub(super) error: Option<Error>,
}

pub(super) fn lossy(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Parses and checks one row's fields; pushes into the piece.
pub(super) struct RowParser<'o, 'f> {
    pub(super) layout: &'o Layout<'o>,
    pub(super) format: &'f CompiledDateFormat<'f>,
    pub(super) describe_format: String,
}

impl RowParser<'_, '_> {
    #[inline]
    pub(super) fn date(&self, raw: &[u8], line: u64) -> Result<Timestamp> {
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
    pub(super) fn amount(&self, raw: &[u8], line: u64) -> Result<f64> {
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
    pub(super) fn id<'a>(&self, raw: &'a [u8], line: u64) -> Result<&'a [u8]> {
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

/// Parses a piece of whole lines (no quotes). Local line 1 is the piece's first line.
pub(super) fn parse_piece(bytes: &[u8], delim: Delimiter, rp: &RowParser<'_, '_>) -> Piece {
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
