//! Mathematics shared by the beta-geometric models (BG/NBD and MBG/NBD).
//!
//! Both models need the expected number of purchases of a customer who is alive, in the form
//! (Fader, Hardie & Lee 2005, eq. 9–10; Batislam et al. 2007)
//!
//! ```text
//! N = K / (a − 1) · [ 1 − ((α+T)/(α+T+t))^A · 2F1(A, B; C; t/(α+T+t)) ],   C − B = a − 1,
//! ```
//!
//! which lifetimes evaluates as written. That form cancels catastrophically near `a = 1`
//! (0/0), for short horizons (`1 − 1`), and overflows for large `A = r + x` (`0 · ∞`). We
//! evaluate it instead through two Pfaff transformations,
//! `(1−z)^A 2F1(A, B; C; z) = 2F1(A, a−1; C; −u) = (1+u)^{1−a} 2F1(C−A, a−1; C; z)` with
//! `u = t/(α+T)` and `z = u/(1+u)`, and the series `2F1(C−A, a−1; C; z) = 1 + (a−1)·S(z)`,
//!
//! ```text
//! S(z) = Σ_{n≥1} (C−A)_n (a)_{n−1} / ((C)_n n!) z^n,
//! N    = K · [ (1 − (1+u)^{1−a}) / (a − 1)  −  (1+u)^{1−a} · S(z) ],
//! ```
//!
//! where the first bracket is computed with `expm1` and tends to `ln(1+u)` as `a → 1`. No
//! division by `a − 1` is left, no power of `A` appears, and both terms are O(u) for short
//! horizons. `S` is summed directly for `z ≤ 0.9` (geometric convergence); beyond, `S` comes
//! from the Gauss function `2F1(C−A, a−1; C; z)` of [`crate::special`], and when additionally
//! `|a − 1| < 1e-4` (where `(2F1 − 1)/(a − 1)` would lose digits) `N` is interpolated in `a`
//! (cubic, through `a = 1 ± 1e-4, 1 ± 2e-4`; relative error ≈ 1e-11 in that corner).

use crate::error::{Error, Result};
use crate::special::{hyp2f1, ln_hyp2f1, Hyp2f1Path};

/// Largest `z` for which `S(z)` is summed directly.
const SERIES_MAX_Z: f64 = 0.9;
/// Half-width of the interpolation interval around `a = 1` when `z > SERIES_MAX_Z`.
const NEAR_ONE: f64 = 1e-4;
/// Term cap of the direct series (z ≤ 0.9 needs far fewer).
const MAX_TERMS: u32 = 20_000;

/// `c · S(z) = Σ_{n≥1} (p)_n (a)_{n−1} / ((c+1)_{n−1} n!) z^n` by direct summation (the
/// factor `1/c` of `S` cancelled, so `c = 0` — BG/NBD with `a + b = 1` and frequency 0 — is
/// harmless; `c > −1` always holds here).
fn series_cs(p: f64, a: f64, c: f64, z: f64) -> Option<f64> {
    let mut term = p * z;
    let mut sum = term;
    if term == 0.0 {
        return Some(0.0);
    }
    for n in 1..MAX_TERMS {
        let n = f64::from(n);
        let ratio = (p + n) * (a + n - 1.0) / ((c + n) * (n + 1.0)) * z;
        term *= ratio;
        sum += term;
        if term.abs() <= 1e-17 * sum.abs() && ratio.abs() < 1.0 {
            return Some(sum);
        }
        if term == 0.0 {
            return Some(sum);
        }
    }
    None
}

/// `N = K/(a−1) · [1 − 2F1(A, a−1; C; −u)]`, the expected purchases of a customer alive at
/// the start of a window of length `u` (in units of `α + T`). See the module docs.
/// `k_over_c` is `K / C` (1 for the conditional expectations, where `K = C`), so that
/// `N = K · L − (K/C) · (1+u)^{1−a} · C·S(z)` never divides by `C`.
pub(crate) fn alive_purchases(
    k: f64,
    k_over_c: f64,
    big_a: f64,
    a: f64,
    c: f64,
    u: f64,
) -> Result<f64> {
    if u == 0.0 {
        return Ok(0.0);
    }
    let z = u / (1.0 + u);
    if z > SERIES_MAX_Z && (a - 1.0).abs() < NEAR_ONE {
        return interpolate_near_one(k, k_over_c, a, c, |_, k_new, ratio_new, a_new, c_new| {
            alive_purchases_at(k_new, ratio_new, big_a, a_new, c_new, u, z, None)
        });
    }
    alive_purchases_at(k, k_over_c, big_a, a, c, u, z, None)
}

/// The interpolation nodes in `a` around 1 (see the module docs).
const NODES: [f64; 4] = [
    1.0 - 2.0 * NEAR_ONE,
    1.0 - NEAR_ONE,
    1.0 + NEAR_ONE,
    1.0 + 2.0 * NEAR_ONE,
];

/// `N` near `a = 1` by cubic Lagrange interpolation through [`NODES`]: `at(i, K, K/C, a_i,
/// C_i)` evaluates `N` at node `i`, with `C` moved with `a` (`C − a` is fixed) and `K` with
/// `C` when `K = C`.
fn interpolate_near_one(
    k: f64,
    k_over_c: f64,
    a: f64,
    c: f64,
    mut at: impl FnMut(usize, f64, f64, f64, f64) -> Result<f64>,
) -> Result<f64> {
    let mut n = 0.0;
    for (i, &ai) in NODES.iter().enumerate() {
        let c_new = c - a + ai;
        let (k_new, ratio_new) = if k_over_c == 1.0 {
            (c_new, 1.0)
        } else {
            (k, k / c_new)
        };
        let mut weight = 1.0;
        for (j, &aj) in NODES.iter().enumerate() {
            if i != j {
                weight *= (a - aj) / (ai - aj);
            }
        }
        n += weight * at(i, k_new, ratio_new, ai, c_new)?;
    }
    Ok(n.max(0.0))
}

/// [`alive_purchases`] along the horizons `t` (periods; `u = t / scale`), into `out`.
///
/// Beyond `z = 0.9` each value continues the Gauss function from the previous horizon
/// ([`Hyp2f1Path`]), so a path of non-decreasing horizons costs O(1) per point however far
/// out it reaches (see [`crate::value::clv`]); the values are those of [`alive_purchases`]
/// to its accuracy (about 1e-13 relative).
#[allow(clippy::too_many_arguments)]
pub(crate) fn alive_purchases_path(
    k: f64,
    k_over_c: f64,
    big_a: f64,
    a: f64,
    c: f64,
    scale: f64,
    t: &[f64],
    out: &mut [f64],
) -> Result<()> {
    let near_one = (a - 1.0).abs() < NEAR_ONE;
    let mut main = Hyp2f1Path::new(c - big_a, a - 1.0, c);
    let mut nodes = NODES.map(|ai| {
        let c_new = c - a + ai;
        Hyp2f1Path::new(c_new - big_a, ai - 1.0, c_new)
    });
    for (o, &ti) in out.iter_mut().zip(t) {
        let u = ti / scale;
        if u == 0.0 {
            *o = 0.0;
            continue;
        }
        let z = u / (1.0 + u);
        *o = if z <= SERIES_MAX_Z {
            alive_purchases(k, k_over_c, big_a, a, c, u)?
        } else if near_one {
            interpolate_near_one(k, k_over_c, a, c, |i, k_new, ratio_new, a_new, c_new| {
                alive_purchases_at(
                    k_new,
                    ratio_new,
                    big_a,
                    a_new,
                    c_new,
                    u,
                    z,
                    Some(&mut nodes[i]),
                )
            })?
        } else {
            alive_purchases_at(k, k_over_c, big_a, a, c, u, z, Some(&mut main))?
        };
    }
    Ok(())
}

/// `N` at one point; beyond `z = 0.9` the Gauss function comes from `path` when given (it
/// must be the path of `2F1(C−A, a−1; C; ·)`), else from [`hyp2f1`].
#[allow(clippy::too_many_arguments)]
fn alive_purchases_at(
    k: f64,
    k_over_c: f64,
    big_a: f64,
    a: f64,
    c: f64,
    u: f64,
    z: f64,
    path: Option<&mut Hyp2f1Path>,
) -> Result<f64> {
    let d = a - 1.0;
    let log1p_u = u.ln_1p();
    // (1 − (1+u)^{−d}) / d, → ln(1+u) as d → 0
    let first = if d == 0.0 {
        log1p_u
    } else {
        -(-d * log1p_u).exp_m1() / d
    };
    let pow = (-d * log1p_u).exp();
    let p = c - big_a;
    let cs = if z <= SERIES_MAX_Z {
        series_cs(p, a, c, z)
    } else {
        None
    };
    // pow · cs, with cs = C (2F1 − 1)/d; when 2F1 overflows (customers' a, b of ~1e7 on a
    // covariate link) pow underflows against it, so the product is formed in logs
    let direct = match cs {
        Some(v) => Some(pow * v),
        None => {
            let g = match path {
                Some(path) => path.at(z).ok(),
                None => hyp2f1(p, d, c, z).ok(),
            };
            g.map(|g| pow * (c * (g - 1.0) / d))
        }
    };
    let pow_cs = match direct {
        Some(v) if v.is_finite() => v,
        _ => {
            let f = ln_hyp2f1(p, d, c, z)?;
            (c / d) * (f.sign * (f.ln_abs - d * log1p_u).exp() - pow)
        }
    };
    let n = k * first - k_over_c * pow_cs;
    if !n.is_finite() {
        return Err(Error::numerical(
            "expected purchases",
            format!("non-finite value for A={big_a}, a={a}, C={c}, u={u}"),
        ));
    }
    // N is an expectation of a non-negative count; tiny negative values are rounding
    Ok(n.max(0.0))
}

/// Negative binomial (gamma-Poisson) count of purchases by `t` of a customer who never drops
/// out: returns `(ln P(N = n), P(N ≥ n))` for `λ ~ Gamma(r, α)`,
/// `P(N = n) = Γ(r+n)/(Γ(r) n!) (α/(α+t))^r (t/(α+t))^n` and
/// `P(N ≥ n) = I_{t/(α+t)}(n, r)` (regularised incomplete beta; 1 for n = 0).
pub(crate) fn nbd_counts(r: f64, alpha: f64, t: f64, n: f64) -> Result<(f64, f64)> {
    use statrs::function::gamma::ln_gamma;
    let q = t / (alpha + t);
    let log_pmf = ln_gamma(r + n) - ln_gamma(r) - ln_gamma(n + 1.0)
        + r * (alpha / (alpha + t)).ln()
        + if n > 0.0 { n * q.ln() } else { 0.0 };
    let tail = if n == 0.0 {
        1.0
    } else if t == 0.0 {
        0.0
    } else {
        statrs::function::beta::checked_beta_reg(n, r, q)
            .map_err(|e| Error::numerical("incomplete beta", format!("I_{q}({n}, {r}): {e}")))?
    };
    if !log_pmf.is_finite() && t > 0.0 {
        return Err(Error::numerical(
            "negative binomial probability",
            format!("non-finite for r={r}, alpha={alpha}, t={t}, n={n}"),
        ));
    }
    Ok((log_pmf, tail))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// lifetimes' direct form with our 2F1 (for moderate parameters it is accurate).
    fn direct(k: f64, big_a: f64, a: f64, c: f64, u: f64) -> f64 {
        let b = c - a + 1.0;
        let z = u / (1.0 + u);
        k / (a - 1.0) * (1.0 - (1.0 - z).powf(big_a) * hyp2f1(big_a, b, c, z).unwrap())
    }

    #[test]
    fn matches_direct_form_away_from_a_equal_one() {
        for &(k, big_a, a, c, u) in &[
            (2.2, 2.24, 0.79, 4.2, 1.0),
            (3.0, 0.5, 1.7, 3.0, 0.3),
            (10.0, 10.2, 0.5, 12.0, 0.8),
            (2.0, 0.24, 2.5, 1.9, 2.0),
            (5.0, 3.0, 0.3, 4.0, 5.0),
        ] {
            let ours = alive_purchases(k, k / c, big_a, a, c, u).unwrap();
            let theirs = direct(k, big_a, a, c, u);
            approx::assert_relative_eq!(ours, theirs, max_relative = 1e-11);
        }
    }

    #[test]
    fn continuous_through_a_equal_one() {
        let at = |a: f64| alive_purchases(2.5 + a, 1.0, 1.3, a, 2.5 + a, 3.0).unwrap();
        let mid = at(1.0);
        approx::assert_relative_eq!(at(1.0 + 1e-9), mid, max_relative = 1e-8);
        approx::assert_relative_eq!(at(1.0 - 1e-9), mid, max_relative = 1e-8);
        // z > 0.9: near a = 1 the value is interpolated; it must agree with the midpoint of
        // values computed directly at 1 ± 2e-4 (curvature error ~ (2e-4)² relative)
        let far = |a: f64| alive_purchases(2.5 + a, 1.0, 1.3, a, 2.5 + a, 30.0).unwrap();
        let mid = 0.5 * (far(1.0 - 2e-4) + far(1.0 + 2e-4));
        approx::assert_relative_eq!(far(1.0), mid, max_relative = 1e-7);
        approx::assert_relative_eq!(far(1.0 + 1e-6), far(1.0 - 1e-6), max_relative = 1e-5);
    }
}
