//! The fast path: the input read in blocks, each cut into pieces parsed in parallel, the
//! previous block merged while the next one is parsed.

use super::fallback::read_with_csv_crate;
use super::layout::{split_header, Layout};
use super::merge::Accumulator;
use super::options::{Delimiter, TransactionCsvOptions};
use super::parse::{parse_piece, Piece, RowParser};
use super::scan::{cut_pieces, is_blank_line};
use crate::data::TransactionLog;
use crate::error::{Error, Result};
use std::io::{Cursor, Read};

/// Input block size of the fast path (bytes).
pub(super) const BLOCK: usize = 4 << 20;
/// Target size of one piece parsed as a unit (bytes).
pub(super) const PIECE: usize = 1 << 20;

/// Parses a chunk of whole lines into pieces (in parallel with the `parallel` feature).
pub(super) fn parse_chunk(
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
pub(super) fn both<A, B, RA, RB>(a: A, b: B) -> (RA, RB)
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

/// Fills `buf` up to `target` bytes (or EOF). Returns true at EOF. The buffer grows as data
/// arrives, so a small input never costs a full block.
pub(super) fn fill<R: Read>(reader: &mut R, buf: &mut Vec<u8>, target: usize) -> Result<bool> {
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

pub(super) fn read_stream<R: Read>(
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
pub(super) fn read_stream_in_blocks<R: Read>(
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
    let mut header: Option<crate::data::columns::Header> = None;
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
