//! Numbers in CSV text: parsed fast on input (exact for plain decimals), written in the
//! shortest round-trip form on output.

/// Appends `x` to `out` in the shortest text that parses back to the same `f64` (the `ryu`
/// algorithm), writing whole numbers below 10¹⁵ without a decimal point (`3`, not `3.0`, as
/// lifetimes' and pandas' integer columns read) and non-finite values as `NaN`, `inf`, `-inf`.
/// This is what the crate's CSV writers use; it is several times faster than `format!("{x}")`
/// on a million-row output.
///
/// ```
/// let mut s = String::new();
/// for x in [3.0, -0.25, 1e-7, 0.1 + 0.2] {
///     ltv::data::push_number(&mut s, x);
///     s.push(' ');
/// }
/// assert_eq!(s, "3 -0.25 1e-7 0.30000000000000004 ");
/// ```
pub fn push_number(out: &mut String, x: f64) {
    // whole numbers below 1e15 (< 2^53) convert to i64 and back exactly; -0.0 prints as 0
    // (a cast round trip instead of `trunc`, which is a libm call on some targets)
    if x.abs() < 1e15 && (x as i64) as f64 == x {
        out.push_str(itoa::Buffer::new().format(x as i64));
    } else if x.is_finite() {
        out.push_str(ryu::Buffer::new().format_finite(x));
    } else if x.is_nan() {
        out.push_str("NaN");
    } else if x > 0.0 {
        out.push_str("inf");
    } else {
        out.push_str("-inf");
    }
}

const POW10: [f64; 16] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
];

/// Parses a decimal number. Plain `digits[.digits]` with at most 15 digits takes an exact fast
/// path (an integer below 2^53 divided by an exact power of ten is correctly rounded, so the
/// result equals the standard library's); anything else goes to `str::parse::<f64>`.
#[inline]
pub(crate) fn parse_f64(b: &[u8]) -> Option<f64> {
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

/// Writes `rows` rows of text to `out` in row order, formatted in blocks of `block` rows:
/// `format(range, buf)` appends the rows of `range` to `buf` (cleared before each block).
/// With the `parallel` feature eight blocks at a time are formatted on every core; their
/// buffers are reused from group to group, so memory stays bounded by eight blocks of text
/// and every write to `out` is large. The CSV writers of summaries and of the binary's
/// per-customer tables share it.
///
/// ```
/// let mut out = Vec::new();
/// ltv::data::write_rows_in_blocks(&mut out, 5, 2, |rows, buf| {
///     for i in rows {
///         buf.push_str(&format!("{i}\n"));
///     }
/// })?;
/// assert_eq!(out, b"0\n1\n2\n3\n4\n");
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn write_rows_in_blocks<W: std::io::Write + ?Sized>(
    out: &mut W,
    rows: usize,
    block: usize,
    format: impl Fn(std::ops::Range<usize>, &mut String) + Sync,
) -> std::io::Result<()> {
    /// Blocks formatted at a time.
    const GROUP: usize = 8;
    let block = block.max(1);
    let starts: Vec<usize> = (0..rows).step_by(block).collect();
    let fill = |start: usize, buf: &mut String| {
        buf.clear();
        format(start..(start + block).min(rows), buf);
    };
    // buffers reused from group to group (fresh ones would page-fault through the output)
    let mut buffers = vec![String::new(); GROUP];
    for group in starts.chunks(GROUP) {
        let buffers = &mut buffers[..group.len()];
        #[cfg(feature = "parallel")]
        {
            use rayon::prelude::*;
            buffers
                .par_iter_mut()
                .zip(group)
                .for_each(|(buf, &s)| fill(s, buf));
        }
        #[cfg(not(feature = "parallel"))]
        for (buf, &s) in buffers.iter_mut().zip(group) {
            fill(s, buf);
        }
        for buf in buffers.iter() {
            out.write_all(buf.as_bytes())?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        let mut s = String::new();
        for x in [
            0.0,
            1.0,
            -7.0,
            22.35,
            1.0 / 3.0,
            1e300,
            5e-324,
            123_456_789.123,
            1e15,
        ] {
            s.clear();
            push_number(&mut s, x);
            assert_eq!(s.parse::<f64>().unwrap(), x, "{s}");
        }
        s.clear();
        push_number(&mut s, -0.0);
        assert_eq!(s, "0");
    }

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
}
