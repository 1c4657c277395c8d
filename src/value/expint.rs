//! The confluent hypergeometric function of the second kind in the form DERT needs.
//!
//! For `s > 0`, `z > 0`:
//!
//! ```text
//! W(s, z) = ∫_0^∞ e^{-z t} (1+t)^{-s} dt = e^z E_s(z) = U(1, 2-s, z) = z^{s-1} U(s, s, z),
//! ```
//!
//! with `E_s` the generalized exponential integral and `U` Tricomi's confluent
//! hypergeometric function (Kummer's transformation `U(a, b, z) = z^{1-b} U(a-b+1, 2-b, z)`
//! gives the last equality). Fader, Hardie & Lee (2005) write DERT with `Ψ(s, s; ·) = U`.
//!
//! # Method
//!
//! * `z ≥ 1`: the continued fraction of `e^z E_s(z)` (modified Lentz), no exponential needed;
//! * `z < 1`: the series of `E_f(z)` for `f = s - n ∈ [1/2, 3/2)` (or `f = s < 3/2`), written
//!   so that the pole of `Γ(1-f)` at `f = 1` cancels analytically
//!   (`[Γ(1+ε) z^{-ε} - 1]/ε - Σ_{k≥1} (-z)^k / (k! (k+ε))`, `ε = 1-f`), then the stable upward
//!   recurrence `E_{ν+1}(z) = (e^{-z} - z E_ν(z)) / ν` to `s`.
//!
//! Accurate to a few ulps against mpmath (see the tests).

use crate::error::{Error, Result};

/// Euler–Mascheroni constant.
const EULER_GAMMA: f64 = 0.577_215_664_901_532_9;

/// Riemann ζ(k), k = 2..=30 (mpmath, rounded to double).
#[allow(clippy::excessive_precision)]
const ZETA: [f64; 29] = [
    1.6449340668482264,
    1.2020569031595942,
    1.0823232337111381,
    1.03692775514337,
    1.0173430619844492,
    1.008349277381923,
    1.0040773561979444,
    1.0020083928260821,
    1.000994575127818,
    1.0004941886041194,
    1.000246086553308,
    1.0001227133475785,
    1.0000612481350588,
    1.000030588236307,
    1.0000152822594086,
    1.0000076371976379,
    1.000003817293265,
    1.0000019082127165,
    1.0000009539620338,
    1.0000004769329869,
    1.0000002384505027,
    1.000000119219926,
    1.000000059608189,
    1.0000000298035034,
    1.0000000149015549,
    1.0000000074507118,
    1.000000003725334,
    1.0000000018626598,
    1.0000000009313275,
];

/// `ln Γ(1+ε)` for `|ε| ≤ 1/4` by its Taylor series `-γε + Σ_{k≥2} (-1)^k ζ(k) ε^k / k`
/// (terms below 4^-30/30 are dropped).
fn ln_gamma_1p(eps: f64) -> f64 {
    let mut sum = -EULER_GAMMA * eps;
    let mut power = -eps; // (-ε)^k
    for (i, zeta) in ZETA.iter().enumerate() {
        let k = (i + 2) as f64;
        power *= -eps;
        sum += zeta * power / k;
    }
    sum
}

/// `e^z E_f(z)` for `f ∈ (0, 1.5)`, `0 < z < 1`: `E_f(z) = Γ(1-f) z^{f-1} - Σ_{k≥0} (-z)^k /
/// (k! (k+1-f))` with the `k = 0` term and the pole of `Γ(1-f)` at `f = 1` combined.
fn scaled_expint_fractional(f: f64, z: f64) -> f64 {
    let eps = 1.0 - f;
    let lead = if eps == 0.0 {
        -EULER_GAMMA - z.ln()
    } else if eps.abs() <= 0.25 {
        (ln_gamma_1p(eps) - eps * z.ln()).exp_m1() / eps
    } else {
        // Γ(ε) z^{-ε} - 1/ε: at most a digit lost to cancellation for |ε| > 1/4
        statrs::function::gamma::gamma(eps) * (-eps * z.ln()).exp() - 1.0 / eps
    };
    // Σ_{k≥1} (-z)^k / (k! (k+ε))
    let mut term = 1.0; // (-z)^k / k!
    let mut series = 0.0;
    for k in 1..200 {
        term *= -z / k as f64;
        let add = term / (k as f64 + eps);
        series += add;
        if add.abs() <= 1e-18 * series.abs() {
            break;
        }
    }
    (lead - series) * z.exp()
}

/// `e^z E_s(z)` by the continued fraction (Lentz), for `z ≥ 1` (any `s > 0`).
fn scaled_expint_cf(s: f64, z: f64) -> Option<f64> {
    // E_s(z) e^z = 1/(z+s- 1·s/(z+s+2- 2(s+1)/(z+s+4- ...)))
    let tiny = 1e-300;
    let mut b = z + s;
    let mut c = 1.0 / tiny;
    let mut d = 1.0 / b;
    let mut h = d;
    for i in 1..10_000 {
        let fi = i as f64;
        let a = -fi * (s + fi - 1.0);
        b += 2.0;
        d = 1.0 / (a * d + b);
        c = b + a / c;
        let del = c * d;
        h *= del;
        if (del - 1.0).abs() <= 1e-16 {
            return Some(h);
        }
    }
    None
}

/// `W(s, z) = ∫_0^∞ e^{-z t} (1+t)^{-s} dt = e^z E_s(z)` for `s > 0`, `z > 0`.
///
/// # Errors
/// [`Error::Numerical`] for arguments out of range or (not expected) non-convergence.
pub(crate) fn scaled_expint(s: f64, z: f64) -> Result<f64> {
    if !(s > 0.0 && s.is_finite() && z > 0.0 && z.is_finite()) {
        return Err(Error::numerical(
            "e^z E_s(z)",
            format!("arguments out of range: s = {s}, z = {z}"),
        ));
    }
    let value = if z >= 1.0 {
        scaled_expint_cf(s, z)
    } else {
        // start at f ∈ (0, 1.5) (f ≥ 1/2 when s ≥ 1/2, so the first step of the recurrence
        // does not cancel), then recur up to s
        let steps = if s < 1.5 { 0.0 } else { (s - 0.5).floor() };
        let f = s - steps;
        let mut e = scaled_expint_fractional(f, z); // e^z E_f
        let mut nu = f;
        for _ in 0..steps as u64 {
            // e^z E_{ν+1} = (1 - z e^z E_ν) / ν
            e = (1.0 - z * e) / nu;
            nu += 1.0;
        }
        Some(e)
    };
    match value {
        Some(v) if v.is_finite() && v > 0.0 => Ok(v),
        _ => Err(Error::numerical(
            "e^z E_s(z)",
            format!("evaluation failed for s = {s}, z = {z}"),
        )),
    }
}

/// Tricomi's confluent hypergeometric function of the second kind with equal parameters,
/// `U(s, s, z) = z^{1-s} e^z E_s(z)` for `s > 0`, `z > 0` — the `Ψ(s, s; z)` of Fader, Hardie
/// & Lee (2005). Accurate to about 1e-14 relative (tested against mpmath).
///
/// ```
/// // U(1, 1, z) = e^z E_1(z); e^1 E_1(1) = 0.596347362323194...
/// let u = ltv::value::dert::hyperu_equal_parameters(1.0, 1.0)?;
/// assert!((u - 0.596_347_362_323_194_1).abs() < 1e-14);
/// # Ok::<(), ltv::Error>(())
/// ```
///
/// # Errors
/// [`Error::Numerical`] for `s` or `z` not finite and > 0.
pub fn hyperu_equal_parameters(s: f64, z: f64) -> Result<f64> {
    Ok(scaled_expint(s, z)? * ((1.0 - s) * z.ln()).exp())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// mpmath (40 digits) `hyperu(s, s, z)` and `exp(z) * expint(s, z)`, from
    /// `tests/reference/dert_reference.py`. Columns: s, z, U(s, s, z), e^z E_s(z).
    #[allow(clippy::excessive_precision)] // shortest round-trip reprs from Python
    const REFERENCE: &[[f64; 4]] = &include!("expint_reference.in");

    #[test]
    fn matches_mpmath() {
        for r in REFERENCE {
            let w = scaled_expint(r[0], r[1]).unwrap();
            let u = hyperu_equal_parameters(r[0], r[1]).unwrap();
            // 1e-13 relative: a few ulps plus the recurrence's growth for large s at small z
            assert!((w - r[3]).abs() <= 1e-13 * r[3], "W {r:?}: {w}");
            assert!((u - r[2]).abs() <= 1e-13 * r[2], "U {r:?}: {u}");
        }
    }

    #[test]
    fn ln_gamma_series() {
        assert!((ZETA[0] - std::f64::consts::PI.powi(2) / 6.0).abs() < 1e-15);
        for eps in [-0.25, -0.1, 1e-9, 0.2, 0.25] {
            let want = statrs::function::gamma::ln_gamma(1.0 + eps);
            assert!((ln_gamma_1p(eps) - want).abs() < 1e-14, "{eps}");
        }
    }

    #[test]
    fn rejects_bad_arguments() {
        assert!(scaled_expint(0.0, 1.0).is_err());
        assert!(scaled_expint(1.0, 0.0).is_err());
        assert!(scaled_expint(f64::NAN, 1.0).is_err());
    }
}
