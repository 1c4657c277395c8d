//! `H(a, c; z) = ₂F₁(1, a; c; z)` for `0 ≤ z < 1`, `0 < a < c`, `c > 1`, with the partial
//! derivatives of `ln H` in `a`, `c` and `z`.
//!
//! This is the one hypergeometric function the Pareto/NBD likelihood needs. The likelihood's
//! tail integral
//!
//! ```text
//! F(y) = ∫_y^∞ (α+τ)^-p (β+τ)^-q dτ
//!      = (α+y)^-p (β+y)^-q (m+y) · H(a, p+q; z) / (p+q-1)
//! ```
//!
//! with `m = min(α, β)`, `z = |α-β| / (max(α, β) + y)` and `a` the exponent attached to the
//! larger of α and β (this is the Fader–Hardie `A₀` written through Euler's transformation
//! `₂F₁(ρ, e; ρ+1; z) = (1-z)^{1-e} ₂F₁(1, ρ+1-e; ρ+1; z)`, so that every term is positive).
//!
//! # Method
//!
//! * **Series** `H = Σₙ hₙ zⁿ`, `h₀ = 1`, `hₙ₊₁ = hₙ (a+n)/(c+n)`: every term is positive and
//!   the term ratio is below `z`, so there is no cancellation. The parameter derivatives are
//!   the series' own derivatives, `∂hₙ/∂a = hₙ Σ_{k<n} 1/(a+k)`,
//!   `∂hₙ/∂c = -hₙ Σ_{k<n} 1/(c+k)`, summed alongside.
//! * **Integral** when the series would be slow (`z` near 1 with `c - a` small): with the
//!   substitution `m + τ = (m + y) eᵛ`,
//!
//!   ```text
//!   H(a, c; z) / (c-1) = ∫_0^∞ exp((1-(c-a)) v - a ℓ(v)) dv,   ℓ(v) = ln(1 + (1-z)(eᵛ-1)),
//!   ```
//!
//!   evaluated by the double-exponential (exp-sinh) rule with step halving until two levels
//!   agree; the derivatives are integrals of the same integrand times `v - ℓ(v)`, `-v` and
//!   `a (eᵛ-1)/(1 + (1-z)(eᵛ-1))`, on the same nodes.

use crate::error::{Error, Result};

/// `ln H` and its partial derivatives.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct LogHyp {
    /// `ln H(a, c; z)`.
    pub ln: f64,
    /// `∂ ln H / ∂a`.
    pub d_a: f64,
    /// `∂ ln H / ∂c`.
    pub d_c: f64,
    /// `∂ ln H / ∂z`.
    pub d_z: f64,
}

/// Series is used when `z` is at most this, whatever the parameters.
const Z_SERIES: f64 = 0.9;
/// Term budget of the series before switching to the integral.
const MAX_TERMS: usize = 600;
/// Relative size of the neglected tail.
const SERIES_TOL: f64 = 1e-17;

/// `ln ₂F₁(1, a; c; z)` and its derivatives; requires `0 ≤ z < 1`, `0 < a < c`, `c > 1`.
pub(crate) fn log_hyp_one(a: f64, c: f64, z: f64) -> Result<LogHyp> {
    if !((0.0..1.0).contains(&z) && a > 0.0 && c > a && c > 1.0 && c.is_finite()) {
        return Err(Error::numerical(
            "pareto-nbd 2F1(1, a; c; z)",
            format!("arguments out of range: a = {a}, c = {c}, z = {z}"),
        ));
    }
    if z <= Z_SERIES || c - a >= 30.0 {
        if let Some(h) = series(a, c, z) {
            return Ok(h);
        }
    }
    integral(a, c, z)
}

/// The power series; `None` when it has not converged within the term budget.
fn series(a: f64, c: f64, z: f64) -> Option<LogHyp> {
    if z == 0.0 {
        return Some(LogHyp {
            ln: 0.0,
            d_a: 0.0,
            d_c: 0.0,
            d_z: a / c,
        });
    }
    let one_minus_z = 1.0 - z;
    // term t_n = h_n z^n; u_n = n h_n z^{n-1} (for d/dz)
    let mut t = 1.0;
    let mut sum = 1.0;
    let mut sum_a = 0.0; // Σ t_n A_n
    let mut sum_c = 0.0; // Σ t_n C_n
    let mut sum_z = 0.0; // Σ n t_n / z
    let mut acc_a = 0.0; // A_n = Σ_{k<n} 1/(a+k)
    let mut acc_c = 0.0; // C_n = Σ_{k<n} 1/(c+k)
    for n in 0..MAX_TERMS {
        let nf = n as f64;
        let ratio = (a + nf) / (c + nf);
        // t_{n+1}/z = t_n (a+n)/(c+n): this is the d/dz term divided by (n+1)
        let t_over_z = t * ratio;
        t = t_over_z * z;
        acc_a += 1.0 / (a + nf);
        acc_c += 1.0 / (c + nf);
        sum += t;
        sum_a += t * acc_a;
        sum_c += t * acc_c;
        sum_z += (nf + 1.0) * t_over_z;
        // Later terms shrink at least by a factor z each: the tail of every sum is below
        // t (n + 2 + A + C) / (1 - z)^2.
        let tail = t * (nf + 2.0 + acc_a + acc_c) / (one_minus_z * one_minus_z);
        if tail <= SERIES_TOL * sum {
            return Some(LogHyp {
                ln: sum.ln(),
                d_a: sum_a / sum,
                d_c: -sum_c / sum,
                d_z: sum_z / sum,
            });
        }
    }
    None
}

/// Finest step of the exp-sinh rule is `2^-MAX_LEVEL`.
const MAX_LEVEL: u32 = 9;
/// Two successive levels agreeing to this relative accuracy end the refinement (the error
/// of the finer level is then far smaller: the rule converges exponentially in 1/h).
const LEVEL_TOL: f64 = 1e-11;

/// Sums of the integrand and its three weights at the nodes `t = k h` with `k` odd (or all
/// `k` when `all`).
fn exp_sinh_level(a: f64, c: f64, z: f64, h: f64, all: bool) -> [f64; 4] {
    let one_minus_z = 1.0 - z;
    let e_min = c - a;
    let half_pi = std::f64::consts::FRAC_PI_2;
    let mut acc = [0.0; 4];
    let step: i64 = if all { 1 } else { 2 };
    let first: i64 = if all { 0 } else { 1 };
    // v above which the integrand is surely decreasing: V = -ln(1-z) plus a margin.
    let v_turn = -one_minus_z.ln() + 2.0;
    for dir in [1.0_f64, -1.0] {
        let mut k = if dir > 0.0 { first } else { 1 };
        loop {
            let t = dir * (k as f64) * h;
            let sh = t.sinh();
            let v = (half_pi * sh).exp();
            if !v.is_finite() {
                break;
            }
            let dv = half_pi * t.cosh() * v;
            // ℓ(v) = ln(1 + (1-z)(e^v - 1)) computed without overflow
            let (ell, ratio) = if v < 1.0 {
                let em1 = v.exp_m1();
                let inner = one_minus_z * em1;
                (inner.ln_1p(), em1 / (1.0 + inner))
            } else {
                // 1 + (1-z)(e^v - 1) = (1-z) e^v (1 + z e^-v / (1-z))
                let x = z * (-v).exp() / one_minus_z;
                let ell = v + one_minus_z.ln() + x.ln_1p();
                // (e^v - 1) / (1 + (1-z)(e^v-1)) = (1 - e^-v) / ((1-z)(1 + x))
                let ratio = -(-v).exp_m1() / (one_minus_z * (1.0 + x));
                (ell, ratio)
            };
            let log_g = (1.0 - e_min) * v - a * ell;
            let w = log_g.exp() * dv;
            acc[0] += w;
            acc[1] += w * (v - ell);
            acc[2] += w * v;
            acc[3] += w * ratio;
            if dir > 0.0 {
                if v > v_turn && (w <= 1e-20 * acc[0] || log_g < -745.0) {
                    break;
                }
            } else if dv <= 1e-20 * acc[0] || v == 0.0 {
                break;
            }
            k += step;
        }
    }
    acc
}

/// The integral representation (see the module docs).
fn integral(a: f64, c: f64, z: f64) -> Result<LogHyp> {
    let mut h = 0.5;
    let mut sums = exp_sinh_level(a, c, z, h, true);
    for _ in 1..=MAX_LEVEL {
        let prev = sums;
        h *= 0.5;
        let add = exp_sinh_level(a, c, z, h, false);
        for (s, d) in sums.iter_mut().zip(add) {
            *s += d;
        }
        // The trapezoid sum at step h is h·sums, at 2h it was 2h·prev. The derivative sums
        // are compared with a floor of 1e-3 of the main sum (an absolute error of ~1e-14 in
        // a log-derivative), since they can be zero.
        let floor = 1e-3 * sums[0].abs();
        let agreed = sums
            .iter()
            .zip(prev)
            .all(|(&cur, old)| (cur - 2.0 * old).abs() <= LEVEL_TOL * cur.abs().max(floor));
        if agreed {
            let s0 = sums[0];
            if !(s0 > 0.0 && s0.is_finite()) {
                break;
            }
            // ∫ g = H / (c - 1)
            return Ok(LogHyp {
                ln: (s0 * h * (c - 1.0)).ln(),
                d_a: sums[1] / s0,
                d_c: 1.0 / (c - 1.0) - sums[2] / s0,
                d_z: a * sums[3] / s0,
            });
        }
    }
    Err(Error::numerical(
        "pareto-nbd 2F1(1, a; c; z)",
        format!("quadrature did not converge for a = {a}, c = {c}, z = {z}"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reference values from mpmath (50 digits): `hyp2f1(1, a, c, z)` and the derivatives of
    /// its logarithm by `mpmath.diff`; produced by `tests/reference/pareto_nbd_hyp.py`.
    /// Columns: a, c, z, ln H, d/da, d/dc, d/dz.
    #[allow(clippy::excessive_precision)] // shortest round-trip reprs from Python
    const REFERENCE: &[[f64; 7]] = &include!("hyp_one_reference.in");

    /// Relative tolerance `tol`, widened by the condition number of H in its arguments
    /// (`|a ∂lnH/∂a| + |c ∂lnH/∂c| + |z ∂lnH/∂z|`): rounding the arguments to double alone
    /// moves the result by about 1e-16 times that.
    fn check(h: LogHyp, r: &[f64; 7], tol: f64) {
        let cond = (r[0] * r[4]).abs() + (r[1] * r[5]).abs() + (r[2] * r[6]).abs();
        let tol = tol + 1e-15 * cond;
        let close = |x: f64, y: f64| (x - y).abs() <= tol * y.abs().max(1e-3);
        assert!(close(h.ln, r[3]), "ln H {h:?} vs {r:?}");
        assert!(close(h.d_a, r[4]), "d_a {h:?} vs {r:?}");
        assert!(close(h.d_c, r[5]), "d_c {h:?} vs {r:?}");
        assert!(close(h.d_z, r[6]), "d_z {h:?} vs {r:?}");
    }

    #[test]
    fn matches_mpmath() {
        for r in REFERENCE {
            let h = log_hyp_one(r[0], r[1], r[2]).unwrap();
            // 1e-12: the series is accurate to a few ulps; the quadrature to ~1e-13.
            check(h, r, 1e-12);
        }
    }

    #[test]
    fn integral_agrees_with_series_where_both_work() {
        for &(a, c, z) in &[
            (1.3, 2.1, 0.5),
            (0.6, 1.2, 0.8),
            (25.0, 26.6, 0.85),
            (1.6, 40.0, 0.3),
            (3.0, 3.5, 0.0),
        ] {
            let s = series(a, c, z).unwrap();
            let i = integral(a, c, z).unwrap();
            for (x, y) in [(s.ln, i.ln), (s.d_a, i.d_a), (s.d_c, i.d_c), (s.d_z, i.d_z)] {
                assert!((x - y).abs() <= 1e-11 * x.abs().max(1e-2), "{s:?} vs {i:?}");
            }
        }
    }

    #[test]
    fn rejects_out_of_range() {
        assert!(log_hyp_one(1.0, 2.0, 1.0).is_err());
        assert!(log_hyp_one(1.0, 2.0, f64::NAN).is_err());
        assert!(log_hyp_one(2.0, 1.5, 0.1).is_err());
    }
}
