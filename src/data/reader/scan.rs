//! Finding line ends and fields (memchr for line ends, a byte loop for the few fields of a
//! row).

use super::options::Delimiter;

/// Splits one line into fields; records the needed ones into `out` and returns the count.
#[inline]
pub(super) fn split_line<'a>(
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
pub(super) fn is_blank(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\x0b' | b'\x0c')
}

/// Whether a line holds no data (skipped). `line` excludes the `\n`.
#[inline]
pub(super) fn is_blank_line(line: &[u8], delim: Delimiter) -> bool {
    match delim {
        Delimiter::Byte(_) => line.is_empty() || line == b"\r",
        Delimiter::Whitespace => line.iter().all(|&c| is_blank(c)),
    }
}

/// Cuts `chunk` (whole lines) into pieces of about `piece_size` bytes at line ends.
pub(super) fn cut_pieces(chunk: &[u8], piece_size: usize) -> Vec<&[u8]> {
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

#[cfg(test)]
mod tests {
    use super::super::parallel::PIECE;
    use super::*;

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
