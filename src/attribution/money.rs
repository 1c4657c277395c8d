//! Amounts in minor currency units: exact decimal parsing, formatting, and largest-remainder
//! rounding so that shares add up to a total exactly.

use crate::error::{Error, Result};

/// Parses a non-negative decimal amount (`"12"`, `"12.3"`, `"12.30"`) into minor units with
/// `minor_digits` digits after the point (2 for cents), exactly — no binary floating point.
///
/// Returns the broken rule as text on failure (the caller adds line and column).
///
/// ```
/// use ltv::attribution::parse_minor_units;
/// assert_eq!(parse_minor_units("12.3", 2), Ok(1230));
/// assert_eq!(parse_minor_units("0.05", 2), Ok(5));
/// assert!(parse_minor_units("1.005", 2).is_err());
/// assert!(parse_minor_units("-1", 2).is_err());
/// ```
pub fn parse_minor_units(text: &str, minor_digits: u32) -> std::result::Result<i64, String> {
    let t = text.trim();
    let (int, frac) = match t.split_once('.') {
        Some((i, f)) => (i, f),
        None => (t, ""),
    };
    let int = int.strip_prefix('+').unwrap_or(int);
    let digits_only = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if int.is_empty() && frac.is_empty() || !digits_only(int) || !digits_only(frac) {
        return Err("must be a non-negative decimal number like 12.34".into());
    }
    let frac_trimmed = frac.trim_end_matches('0');
    if frac_trimmed.len() > minor_digits as usize {
        return Err(format!(
            "has more than {minor_digits} decimal places (minor currency units)"
        ));
    }
    let scale = 10i64
        .checked_pow(minor_digits)
        .ok_or_else(|| "minor-unit digits too large".to_string())?;
    let overflow = || "is too large".to_string();
    let int_val: i64 = if int.is_empty() {
        0
    } else {
        int.parse::<i64>().map_err(|_| overflow())?
    };
    let mut frac_val: i64 = 0;
    for (k, b) in frac_trimmed.bytes().enumerate() {
        let d = i64::from(b - b'0');
        frac_val += d * 10i64.pow(minor_digits - 1 - k as u32);
    }
    int_val
        .checked_mul(scale)
        .and_then(|v| v.checked_add(frac_val))
        .ok_or_else(overflow)
}

/// Formats minor units as a decimal amount with `minor_digits` decimals (`1230, 2 → "12.30"`).
///
/// ```
/// use ltv::attribution::format_minor_units;
/// assert_eq!(format_minor_units(1230, 2), "12.30");
/// assert_eq!(format_minor_units(-5, 2), "-0.05");
/// assert_eq!(format_minor_units(7, 0), "7");
/// ```
pub fn format_minor_units(amount: i64, minor_digits: u32) -> String {
    if minor_digits == 0 {
        return amount.to_string();
    }
    let scale = 10u128.pow(minor_digits);
    let a = i128::from(amount).unsigned_abs();
    let sign = if amount < 0 { "-" } else { "" };
    format!(
        "{sign}{}.{:0width$}",
        a / scale,
        a % scale,
        width = minor_digits as usize
    )
}

/// Rounds non-negative real shares to integers that add up to `total` exactly (Hamilton's
/// largest-remainder method).
///
/// The shares are first rescaled to sum to `total` (absorbing floating-point drift), each is
/// floored, and the units still missing go one each to the largest fractional parts, ties to
/// the lower index — deterministic and reproducible. Every result is within 1 of its rescaled
/// share.
///
/// # Errors
/// [`Error::Numerical`] when a share is negative beyond rounding noise, NaN or infinite, or the
/// shares sum to zero while `total` is not zero; [`Error::InvalidParameter`] for a negative
/// `total`.
///
/// ```
/// use ltv::attribution::largest_remainder;
/// assert_eq!(largest_remainder(&[1.0 / 3.0; 3], 100)?, vec![34, 33, 33]);
/// assert_eq!(largest_remainder(&[0.5, 0.5], 1)?, vec![1, 0]);
/// # Ok::<(), ltv::Error>(())
/// ```
pub fn largest_remainder(shares: &[f64], total: i64) -> Result<Vec<i64>> {
    if total < 0 {
        return Err(Error::invalid_parameter(
            "total",
            total as f64,
            "must be non-negative",
        ));
    }
    let sum: f64 = shares.iter().sum();
    let scale_abs: f64 = shares.iter().map(|s| s.abs()).sum();
    for (i, &s) in shares.iter().enumerate() {
        // tiny negatives are solver noise around an exact zero
        if !(s.is_finite() && s >= -1e-9 * scale_abs.max(1.0)) {
            return Err(Error::numerical(
                "largest-remainder rounding",
                format!("share {i} is {s}; shares must be finite and non-negative"),
            ));
        }
    }
    if total == 0 {
        return Ok(vec![0; shares.len()]);
    }
    if !(sum > 0.0 && sum.is_finite()) {
        return Err(Error::numerical(
            "largest-remainder rounding",
            format!("shares sum to {sum} but the total is {total}"),
        ));
    }
    let factor = total as f64 / sum;
    let mut out = Vec::with_capacity(shares.len());
    let mut fracs = Vec::with_capacity(shares.len());
    let mut assigned: i64 = 0;
    for (i, &s) in shares.iter().enumerate() {
        let v = (s.max(0.0) * factor).min(total as f64);
        let f = v.floor();
        out.push(f as i64);
        assigned += f as i64;
        fracs.push((v - f, i));
    }
    let mut missing = total - assigned;
    // largest fractional part first, ties by index
    fracs.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    while missing > 0 {
        for &(_, i) in &fracs {
            if missing == 0 {
                break;
            }
            out[i] += 1;
            missing -= 1;
        }
    }
    // Over-assignment can only come from floating-point drift; take back from the smallest
    // fractional parts among positive entries.
    while missing < 0 {
        for &(_, i) in fracs.iter().rev() {
            if missing == 0 {
                break;
            }
            if out[i] > 0 {
                out[i] -= 1;
                missing += 1;
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_exact_decimals() {
        assert_eq!(parse_minor_units("12", 2), Ok(1200));
        assert_eq!(parse_minor_units(".5", 2), Ok(50));
        assert_eq!(parse_minor_units("12.", 2), Ok(1200));
        assert_eq!(parse_minor_units("0.10", 2), Ok(10));
        assert_eq!(parse_minor_units("1.500", 2), Ok(150));
        assert_eq!(parse_minor_units("3", 0), Ok(3));
        assert!(parse_minor_units("", 2).is_err());
        assert!(parse_minor_units(".", 2).is_err());
        assert!(parse_minor_units("1e3", 2).is_err());
        assert!(parse_minor_units("NaN", 2).is_err());
        assert!(parse_minor_units("99999999999999999999", 2).is_err());
    }

    #[test]
    fn largest_remainder_adds_up() {
        let shares = [0.1, 0.2, 0.3, 0.4];
        let r = largest_remainder(&shares, 7).unwrap();
        assert_eq!(r.iter().sum::<i64>(), 7);
        assert_eq!(r, vec![1, 1, 2, 3]);
        assert_eq!(largest_remainder(&[], 0).unwrap(), Vec::<i64>::new());
        assert!(largest_remainder(&[0.0, 0.0], 5).is_err());
        assert!(largest_remainder(&[f64::NAN], 5).is_err());
        assert!(largest_remainder(&[-1.0, 2.0], 5).is_err());
    }
}
