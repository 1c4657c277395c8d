//! Analytic continuation of `2F1(a, b; c; w)` towards `w → 1` by Taylor steps of the
//! hypergeometric differential equation
//!
//! ```text
//! w(1 − w) y'' + [c − (a + b + 1) w] y' − a b y = 0.
//! ```
//!
//! Around a regular point `w0` the Taylor coefficients `y(w0 + h) = Σ d_n` (with the powers of
//! `h` folded into `d_n`) obey the three-term recurrence
//!
//! ```text
//! d_{n+2} = [ (n + a)(n + b) h² d_n − (n + 1)((1 − 2 w0) n + c − (a + b + 1) w0) h d_{n+1} ]
//!           / ( w0 (1 − w0) (n + 1)(n + 2) ),
//! ```
//!
//! and the series converges for `|h| < min(w0, 1 − w0)`. Each step goes half of the way to the
//! singular point 1, so the series converges at least like `2^-n`, and reaching `1 − 1e-9` from
//! `1/2` takes 29 steps. The method needs no connection formula, so the degenerate cases of
//! the `w → 1 − w` transformation (integer `c − a − b`) need no special treatment; it is used
//! for moderate parameters only (large parameters make the recurrence unstable and the direct
//! series is then fast anyway).

use super::series::gauss_series;
use super::Estimate;

/// Largest step as a fraction of the distance to the singular point `w = 1`.
const STEP_FRACTION: f64 = 0.5;
/// Most Taylor terms per step (convergence is geometric with ratio `STEP_FRACTION`).
const MAX_TAYLOR_TERMS: usize = 400;

/// Continues `2F1(a, b; c; ·)` from `w0` (where the Gauss series is cheap) to `w`, with
/// `w0 ≤ w < 1` and `w0 ≥ 1/2`. Returns `None` if a series fails to converge.
pub(super) fn continue_to(a: f64, b: f64, c: f64, w0: f64, w: f64) -> Option<Estimate> {
    let f0 = gauss_series(a, b, c, w0, 20_000)?;
    // y'(w0) = a b / c · 2F1(a + 1, b + 1; c + 1; w0).
    let d0 = gauss_series(a + 1.0, b + 1.0, c + 1.0, w0, 20_000)?;
    let dscale = a * b / c;
    let mut ln_scale = f0.ln_abs;
    let mut y = f0.sign;
    let mut dy = d0.sign * dscale.signum() * (d0.ln_abs + dscale.abs().ln() - f0.ln_abs).exp();
    if !dy.is_finite() {
        return None;
    }
    let mut rel_err = f0.rel_err.max(d0.rel_err);
    let mut x = w0;
    let mut steps = 0usize;
    while x < w {
        let h = (w - x).min(STEP_FRACTION * (1.0 - x));
        let (y1, dy1, cond) = taylor_step(a, b, c, x, h, y, dy)?;
        // Keep the pair at unit scale; the ODE is linear so a common factor is harmless.
        let s = y1.abs().max(dy1.abs() * (1.0 - x - h));
        if !(s.is_finite() && s > 0.0) {
            return None;
        }
        ln_scale += s.ln();
        y = y1 / s;
        dy = dy1 / s;
        // Rounding in each step (estimated in quadrature like the Gauss series), amplified by
        // the cancellation among its Taylor terms.
        rel_err += f64::EPSILON * (4.0 + 2.0 * cond);
        x += h;
        steps += 1;
        if steps > 200 {
            return None;
        }
    }
    if y == 0.0 {
        return None;
    }
    Some(Estimate {
        ln_abs: y.abs().ln() + ln_scale,
        sign: y.signum(),
        rel_err,
        terms: f0.terms + d0.terms + steps,
    })
}

/// One Taylor step from `x` to `x + h`, starting from `(y, y')`. Returns the new value, the
/// new derivative and the cancellation factor `√n ‖d‖₂ / |Σ d_n|`.
fn taylor_step(a: f64, b: f64, c: f64, x: f64, h: f64, y: f64, dy: f64) -> Option<(f64, f64, f64)> {
    let p0 = x * (1.0 - x);
    let p1 = 1.0 - 2.0 * x;
    let q0 = c - (a + b + 1.0) * x;
    let mut d_prev = y; // d_n
    let mut d_cur = dy * h; // d_{n+1}
    let mut val = d_prev + d_cur;
    let mut sq_val = d_prev * d_prev + d_cur * d_cur;
    let mut der = d_cur; // Σ n d_n, divided by h at the end
    let h2 = h * h;
    let mut n = 0usize;
    loop {
        let nf = n as f64;
        let next = ((nf + a) * (nf + b) * h2 * d_prev - (nf + 1.0) * (p1 * nf + q0) * h * d_cur)
            / (p0 * (nf + 1.0) * (nf + 2.0));
        val += next;
        sq_val += next * next;
        der += (nf + 2.0) * next;
        d_prev = d_cur;
        d_cur = next;
        n += 1;
        let scale = val.abs().max(der.abs()).max(f64::MIN_POSITIVE);
        if n >= 4 && (d_prev.abs() + d_cur.abs()) * (nf + 3.0) <= 1e-18 * scale {
            break;
        }
        if n >= MAX_TAYLOR_TERMS || !val.is_finite() {
            return None;
        }
    }
    let cond = if val != 0.0 {
        (sq_val * n as f64).sqrt() / val.abs()
    } else {
        f64::INFINITY
    };
    Some((val, der / h, cond))
}

/// Accumulated relative-error estimate above which [`Hyp2f1Path`] restarts from a fresh
/// evaluation instead of stepping on (the steps' roundings are independent and add in
/// quadrature: about 10^4 steps before a restart).
const PATH_RESTART_ERR: f64 = 1e-12;

/// `2F1(a, b; c; ·)` along a path of non-decreasing arguments in `(1/2, 1)`, each value
/// continued from the previous one by Taylor steps of the differential equation.
///
/// Customer lifetime value asks for `2F1` at `z_k = u_k/(1+u_k)`, `u_k = k·f/(α+T)`, for
/// every month `k` of the horizon. Evaluated afresh, each point costs a continuation from
/// `1/2` (more steps as `z_k → 1`); continued from `z_{k−1}`, the step `z_k − z_{k−1}` is a
/// shrinking fraction `Δu/(1+u_k)` of the distance to the singular point, so one Taylor step
/// of a handful of terms suffices: the cost of a point no longer depends on how far out it
/// lies. The first point, any point below the previous one, parameters beyond the
/// continuation's stable range (`|a|, |b|, |c| > 60`, where the direct series is fast) and a
/// path whose accumulated rounding estimate exceeds `1e-13` are evaluated afresh by
/// [`super::hyp2f1`].
/// `(x, y, y', ln_scale, rel_err²)`: the value at `x` is `y·e^{ln_scale}`; the last entry is
/// the squared relative-error estimate accumulated since the fresh start.
type PathState = (f64, f64, f64, f64, f64);

#[derive(Debug, Clone)]
pub(crate) struct Hyp2f1Path {
    a: f64,
    b: f64,
    c: f64,
    state: Option<PathState>,
}

impl Hyp2f1Path {
    /// A path of `2F1(a, b; c; ·)` with no point evaluated yet.
    pub(crate) fn new(a: f64, b: f64, c: f64) -> Self {
        Self {
            a,
            b,
            c,
            state: None,
        }
    }

    fn steppable(&self, z: f64) -> bool {
        z > 0.5
            && z < 1.0
            && self.a.abs().max(self.b.abs()).max(self.c.abs()) <= super::CONTINUATION_MAX_PARAM
    }

    /// `2F1(a, b; c; z)`; continues from the previous point when `z` is not below it.
    ///
    /// # Errors
    /// As [`super::hyp2f1`].
    pub(crate) fn at(&mut self, z: f64) -> crate::error::Result<f64> {
        let (a, b, c) = (self.a, self.b, self.c);
        if !self.steppable(z) {
            self.state = None;
            return super::hyp2f1(a, b, c, z);
        }
        if let Some((x, y, dy, ln_scale, err)) = self.state {
            if x <= z {
                if let Some((v, next)) = Self::walk(a, b, c, (x, y, dy, ln_scale, err), z) {
                    self.state = Some(next);
                    return Ok(v);
                }
            }
        }
        // fresh start: the value and y' = a b / c · 2F1(a+1, b+1; c+1; z)
        let v = super::hyp2f1(a, b, c, z)?;
        self.state = None;
        if v != 0.0 {
            if let Ok(d) = super::hyp2f1(a + 1.0, b + 1.0, c + 1.0, z) {
                let dy = a * b / c * d;
                if dy.is_finite() {
                    let s = v.abs();
                    self.state = Some((z, v / s, dy / s, s.ln(), 0.0));
                }
            }
        }
        Ok(v)
    }

    /// Steps from `from` to `z`; `None` when a step fails or the error estimate grows too
    /// large (the caller restarts).
    fn walk(a: f64, b: f64, c: f64, from: PathState, z: f64) -> Option<(f64, PathState)> {
        let (mut x, mut y, mut dy, mut ln_scale, mut err) = from;
        let mut steps = 0;
        while x < z {
            let h = (z - x).min(STEP_FRACTION * (1.0 - x));
            let (y1, dy1, cond) = taylor_step(a, b, c, x, h, y, dy)?;
            let s = y1.abs().max(dy1.abs() * (1.0 - x - h));
            if !(s.is_finite() && s > 0.0) {
                return None;
            }
            ln_scale += s.ln();
            y = y1 / s;
            dy = dy1 / s;
            let e = f64::EPSILON * (4.0 + 2.0 * cond);
            err += e * e;
            x = if h == z - x { z } else { x + h };
            steps += 1;
            if steps > 200 || err > PATH_RESTART_ERR * PATH_RESTART_ERR {
                return None;
            }
        }
        let v = y * ln_scale.exp();
        if !v.is_finite() || v == 0.0 {
            return None;
        }
        Some((v, (x, y, dy, ln_scale, err)))
    }
}
