//! Globally adaptive Gauss–Kronrod (7–15 point) integration of a smooth function over a
//! finite interval. Used for one-dimensional integrals that have no convenient closed form
//! (the conditional distribution of the number of future purchases) and, in tests, as an
//! independent check of closed forms.

use crate::error::{Error, Result};

/// Kronrod nodes on [-1, 1] (non-negative half) and weights; the odd-indexed nodes are the
/// 7-point Gauss nodes.
#[allow(clippy::excessive_precision)]
const XGK: [f64; 8] = [
    0.991455371120812639,
    0.949107912342758524,
    0.864864423359769072,
    0.741531185599394439,
    0.586087235467691130,
    0.405845151377397166,
    0.207784955007898467,
    0.0,
];
#[allow(clippy::excessive_precision)]
const WGK: [f64; 8] = [
    0.022935322010529224,
    0.063092092629978553,
    0.104790010322250183,
    0.140653259715525918,
    0.169004726639267902,
    0.190350578064785409,
    0.204432940075298892,
    0.209482141084727828,
];
/// Gauss weights for the nodes XGK[1], XGK[3], XGK[5], XGK[7].
#[allow(clippy::excessive_precision)]
const WG: [f64; 4] = [
    0.129484966168869693,
    0.279705391489276667,
    0.381830050505118944,
    0.417959183673469387,
];

/// Maximum number of subintervals.
const MAX_INTERVALS: usize = 2000;

fn gk15<F: Fn(f64) -> f64>(f: &F, a: f64, b: f64) -> (f64, f64) {
    let c = 0.5 * (a + b);
    let h = 0.5 * (b - a);
    let fc = f(c);
    let mut k = fc * WGK[7];
    let mut g = fc * WG[3];
    for j in 0..7 {
        let dx = h * XGK[j];
        let s = f(c - dx) + f(c + dx);
        k += WGK[j] * s;
        if j % 2 == 1 {
            g += WG[j / 2] * s;
        }
    }
    (k * h, ((k - g) * h).abs())
}

/// `∫_a^b f` to relative accuracy `rel_tol` (or absolute `abs_tol`, whichever is looser).
///
/// # Errors
/// [`Error::Numerical`] when `f` returns a non-finite value or the tolerance is not reached
/// within 2000 subintervals.
pub(crate) fn integrate<F: Fn(f64) -> f64>(
    f: F,
    a: f64,
    b: f64,
    rel_tol: f64,
    abs_tol: f64,
) -> Result<f64> {
    if a == b {
        return Ok(0.0);
    }
    let mut parts: Vec<(f64, f64, f64, f64)> = Vec::new(); // (a, b, value, error)
    let (v, e) = gk15(&f, a, b);
    parts.push((a, b, v, e));
    loop {
        let total: f64 = parts.iter().map(|p| p.2).sum();
        let err: f64 = parts.iter().map(|p| p.3).sum();
        if !total.is_finite() || !err.is_finite() {
            return Err(Error::numerical(
                "Gauss-Kronrod quadrature",
                format!("non-finite integrand on [{a}, {b}]"),
            ));
        }
        if err <= (rel_tol * total.abs()).max(abs_tol) {
            return Ok(total);
        }
        if parts.len() >= MAX_INTERVALS {
            return Err(Error::numerical(
                "Gauss-Kronrod quadrature",
                format!("no convergence on [{a}, {b}]: estimate {total}, error {err}"),
            ));
        }
        let worst = parts
            .iter()
            .enumerate()
            .max_by(|x, y| x.1 .3.total_cmp(&y.1 .3))
            .map_or(0, |(i, _)| i);
        let (lo, hi, _, _) = parts.swap_remove(worst);
        let mid = 0.5 * (lo + hi);
        let (v1, e1) = gk15(&f, lo, mid);
        let (v2, e2) = gk15(&f, mid, hi);
        parts.push((lo, mid, v1, e1));
        parts.push((mid, hi, v2, e2));
    }
}

/// One Gauss–Kronrod 15-point panel of a vector-valued integrand: (Kronrod sums, |K - G|).
fn gk15_vec<const N: usize, F: FnMut(f64) -> [f64; N]>(
    f: &mut F,
    a: f64,
    b: f64,
) -> ([f64; N], [f64; N]) {
    let c = 0.5 * (a + b);
    let h = 0.5 * (b - a);
    let fc = f(c);
    let mut k = [0.0; N];
    let mut g = [0.0; N];
    for i in 0..N {
        k[i] = fc[i] * WGK[7];
        g[i] = fc[i] * WG[3];
    }
    for j in 0..7 {
        let dx = h * XGK[j];
        let lo = f(c - dx);
        let hi = f(c + dx);
        for i in 0..N {
            let s = lo[i] + hi[i];
            k[i] += WGK[j] * s;
            if j % 2 == 1 {
                g[i] += WG[j / 2] * s;
            }
        }
    }
    let mut err = [0.0; N];
    for i in 0..N {
        err[i] = ((k[i] - g[i]) * h).abs();
        k[i] *= h;
    }
    (k, err)
}

/// `∫ f` of a vector-valued `f` over the consecutive panels `breaks[0..=n]`, refined
/// adaptively (worst panel first) until every component's estimated error is below
/// `rel_tol · max(|I_i|, floor · |I_0|)`: component 0 is the main integral, the others
/// (derivatives) are measured against it where they are small.
///
/// # Errors
/// [`Error::Numerical`] for non-finite values or no convergence within 2000 panels.
pub(crate) fn integrate_panels<const N: usize, F: FnMut(f64) -> [f64; N]>(
    mut f: F,
    breaks: &[f64],
    rel_tol: f64,
    floor: f64,
) -> Result<[f64; N]> {
    let mut parts: Vec<(f64, f64, [f64; N], [f64; N])> = breaks
        .windows(2)
        .map(|w| {
            let (v, e) = gk15_vec(&mut f, w[0], w[1]);
            (w[0], w[1], v, e)
        })
        .collect();
    loop {
        let mut total = [0.0; N];
        let mut err = [0.0; N];
        for p in &parts {
            for i in 0..N {
                total[i] += p.2[i];
                err[i] += p.3[i];
            }
        }
        if total.iter().chain(&err).any(|v| !v.is_finite()) {
            return Err(Error::numerical(
                "Gauss-Kronrod quadrature",
                "non-finite integrand".to_string(),
            ));
        }
        let scale = |i: usize| total[i].abs().max(floor * total[0].abs());
        let worst_component = (0..N)
            .map(|i| err[i] / scale(i).max(f64::MIN_POSITIVE))
            .fold(0.0, f64::max);
        if worst_component <= rel_tol {
            return Ok(total);
        }
        if parts.len() >= MAX_INTERVALS {
            return Err(Error::numerical(
                "Gauss-Kronrod quadrature",
                format!(
                    "no convergence: estimate {:?}, error {:?}",
                    total[0], err[0]
                ),
            ));
        }
        let badness = |p: &(f64, f64, [f64; N], [f64; N])| {
            (0..N)
                .map(|i| p.3[i] / scale(i).max(f64::MIN_POSITIVE))
                .fold(0.0, f64::max)
        };
        let worst = parts
            .iter()
            .enumerate()
            .max_by(|x, y| badness(x.1).total_cmp(&badness(y.1)))
            .map_or(0, |(i, _)| i);
        let (lo, hi, _, _) = parts.swap_remove(worst);
        let mid = 0.5 * (lo + hi);
        let (v1, e1) = gk15_vec(&mut f, lo, mid);
        let (v2, e2) = gk15_vec(&mut f, mid, hi);
        parts.push((lo, mid, v1, e1));
        parts.push((mid, hi, v2, e2));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integrates_known_functions() {
        let v = integrate(|x: f64| x.exp(), 0.0, 1.0, 1e-14, 0.0).unwrap();
        assert!((v - (1f64.exp() - 1.0)).abs() < 1e-14);
        // a sharp peak: ∫_0^1 x^200 dx = 1/201
        let v = integrate(|x: f64| x.powi(200), 0.0, 1.0, 1e-13, 0.0).unwrap();
        assert!((v * 201.0 - 1.0).abs() < 1e-12);
        assert!(integrate(|_| f64::NAN, 0.0, 1.0, 1e-10, 0.0).is_err());
    }
}
