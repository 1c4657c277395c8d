//! TEMPORARY stand-in for `crate::special::hyp2f1` until branch h-special lands: the plain
//! Gauss series, valid (slowly) for 0 <= z < 1. Removed at the merge.

use crate::error::{Error, Result};

pub(crate) fn hyp2f1(a: f64, b: f64, c: f64, z: f64) -> Result<f64> {
    let mut term = 1.0;
    let mut sum = 1.0;
    for n in 0..2_000_000u32 {
        let n = f64::from(n);
        term *= (a + n) * (b + n) / ((c + n) * (n + 1.0)) * z;
        sum += term;
        if term.abs() <= 1e-17 * sum.abs() {
            return Ok(sum);
        }
    }
    Err(Error::numerical(
        "hyp2f1",
        format!("series did not converge for a={a}, b={b}, c={c}, z={z}"),
    ))
}
