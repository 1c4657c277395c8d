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
//! * **Split** when the series would be slow (`z` near 1 with `c - a` small). With the
//!   substitution `m + τ = (m + y) eᵛ`,
//!
//!   ```text
//!   H(a, c; z) / (c-1) = ∫_0^∞ g(v) dv,   g(v) = exp((1-(c-a)) v - a ℓ(v)),
//!   ℓ(v) = ln(1 + (1-z)(eᵛ-1)),
//!   ```
//!
//!   and the tail beyond `v* = ln(z/(1-z))` is again an `H`, at `z* = z/(z + (1-z)e^{v*}) = ½`:
//!
//!   ```text
//!   H(a, c; z) / (c-1) = ∫_0^{v*} g(v) dv + g(v*) H(a, c; z*) / (c-1).
//!   ```
//!
//!   The finite integral (a smooth integrand) is taken by adaptive Gauss–Kronrod to 1e-13,
//!   the tail by the series (fast at ½). Derivatives: the integral's are integrals of `g`
//!   times `v - ℓ(v)` (for `a`), `-v` (for `c`) and `a (eᵛ-1)/(1 + (1-z)(eᵛ-1))` (for `z`) on
//!   the same nodes; the tail's follow from the series at `z*` with `v*` held fixed
//!   (`∂z*/∂z = e^{v*}/(z + (1-z)e^{v*})²`) — the sum does not depend on where it is split.

use super::quadrature::integrate_panels;
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

/// The series is used when `z` is at most this (at most ~190 terms), or when `c - a` is
/// large (its terms then shrink fast whatever `z`).
const Z_SERIES: f64 = 0.8;
/// Term budget of the series before switching to the split method.
const MAX_TERMS: usize = 600;
/// Relative size of the neglected tail.
const SERIES_TOL: f64 = 1e-17;
/// Relative accuracy of the finite integral of the split method.
const QUAD_TOL: f64 = 1e-13;

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
    split(a, c, z)
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

/// The split method (see the module docs); for `1/2 < z < 1`.
fn split(a: f64, c: f64, z: f64) -> Result<LogHyp> {
    let fail = || {
        Error::numerical(
            "pareto-nbd 2F1(1, a; c; z)",
            format!("evaluation failed for a = {a}, c = {c}, z = {z}"),
        )
    };
    let e = c - a;
    let one_minus_z = 1.0 - z;
    let v_star = (z / one_minus_z).ln();
    if !(v_star.is_finite() && v_star > 0.0) {
        return Err(fail());
    }
    let big_e = v_star.exp();
    let d = z + one_minus_z * big_e;
    let tail = series(a, c, z / d).ok_or_else(fail)?;

    let integrand = |v: f64| -> [f64; 4] {
        let em1 = v.exp_m1();
        let inner = one_minus_z * em1;
        let ell = inner.ln_1p();
        let g = ((1.0 - e) * v - a * ell).exp();
        [g, g * (v - ell), g * v, g * em1 / (1.0 + inner)]
    };
    let panels = (v_star / 2.0).ceil().max(1.0) as usize;
    let breaks: Vec<f64> = (0..=panels)
        .map(|k| v_star * k as f64 / panels as f64)
        .collect();
    let j = integrate_panels(integrand, &breaks, QUAD_TOL, 1e-3)?;

    // K = g(v*) H(z*) / (c-1) and its log-derivatives with v* fixed
    let k = ((1.0 - e) * v_star - a * d.ln() + tail.ln).exp() / (c - 1.0);
    let dk_a = v_star - d.ln() + tail.d_a;
    let dk_c = -v_star + tail.d_c - 1.0 / (c - 1.0);
    let dk_z = a * (big_e - 1.0) / d + tail.d_z * big_e / (d * d);
    let total = j[0] + k;
    if !(total.is_finite() && total > 0.0) {
        return Err(fail());
    }
    Ok(LogHyp {
        ln: ((c - 1.0) * total).ln(),
        d_a: (j[1] + k * dk_a) / total,
        d_c: 1.0 / (c - 1.0) + (-j[2] + k * dk_c) / total,
        d_z: (a * j[3] + k * dk_z) / total,
    })
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
    fn split_agrees_with_series_where_both_work() {
        for &(a, c, z) in &[
            (1.3, 2.1, 0.6),
            (0.6, 1.2, 0.8),
            (25.0, 26.6, 0.85),
            (1.6, 40.0, 0.7),
            (3.0, 3.5, 0.55),
            (1.0e4, 1.0e4 + 0.5, 0.75),
        ] {
            let s = series(a, c, z).unwrap();
            let i = split(a, c, z).unwrap();
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
