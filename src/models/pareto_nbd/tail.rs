//! The Pareto/NBD tail integral `F(y) = ∫_y^∞ (α+τ)^-p (β+τ)^-q dτ` (`p = r+x`, `q = s+1`)
//! at one point or at many points of one frequency, with `∂ ln F / ∂(r, α, s, β)`.
//!
//! # Method
//!
//! With `m = min(α, β)`, `M = max(α, β)`, `F(y)` is the Fader–Hardie `A₀` term: a
//! hypergeometric function `₂F₁(1, a; p+q; z)` of `z = (M-m)/(M+y)` (see
//! [`log_hyp_one`](super::hyp_one::log_hyp_one)). Its power series has positive terms whose
//! ratio is below `z`; at `z ≤ ½` it needs at most ~55 terms whatever the parameters. Where
//! `z > ½` (a young customer, `y < y* = M - 2m`, with α and β far apart — every customer when
//! `s` and `β` run off together), the series would need `O(1/(1-z))` terms, so instead
//!
//! ```text
//! F(y) = ∫_y^{y*} f(τ) dτ + F(y*),      f(τ) = (α+τ)^-p (β+τ)^-q ,   z(y*) = ½ ,
//! ```
//!
//! the finite integral by composite Gauss–Legendre quadrature on panels sized from the
//! integrand's own scales: a panel starting at τ₀ is at most `0.35 (m+τ₀)` wide (the
//! integrand's singularities sit at `τ = -α, -β`, at least `m+τ₀` away) and at most
//! `1.5 / κ(τ₀)`, `κ = p/(α+τ) + q/(β+τ)` the integrand's logarithmic slope; the node count
//! (2 to 12) follows from how much of either budget the panel uses. The panels grow
//! geometrically, so `[y, y*]` takes `O(log((m+y*)/(m+y)))` panels; the integration stops early
//! once the rest, bounded by `f(τ)(M+τ)/(p+q-1)`, is below 1e-17 of the sum.
//!
//! **Many points of one frequency** (the likelihood): sorted descending, `F` at the first by
//! the above, then `F(yᵢ) = F(yᵢ₋₁) + ∫_{yᵢ}^{yᵢ₋₁} f`: every further point costs one short
//! quadrature (usually 2–3 nodes) instead of a hypergeometric function. All terms are positive,
//! so the sum's relative error is that of its parts (the tests hold it to 1e-12 against
//! mpmath and against the series). Everything is carried in log scale with the gradient, so
//! nothing over- or underflows at `x = 10⁴`.

use std::sync::OnceLock;

use super::hyp_one::log_hyp_one;
use super::params::ParetoNbd;
use crate::error::{Error, Result};

/// `ln K(y) = ln(s F(y) / P(y))`, `P(y) = (α+y)^-p (β+y)^-s`, and
/// `∂ ln(s F(y)) / ∂(r, α, s, β)`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Tail {
    /// `ln K(y)`.
    pub ln_k: f64,
    /// `∂ ln(s F(y)) / ∂(r, α, s, β)`.
    pub d: [f64; 4],
    /// `ln(α+y)`.
    pub la: f64,
    /// `ln(β+y)`.
    pub lb: f64,
}

/// Node counts of the Gauss–Legendre rules used.
const RULES: [usize; 6] = [2, 3, 4, 6, 8, 12];
/// Panel budgets: width ≤ `SING · (m+τ₀)` and ≤ `SLOPE / κ(τ₀)`.
const SING: f64 = 0.35;
const SLOPE: f64 = 1.5;
/// The series is used where `z` is at most this (at most ~190 terms; see
/// [`log_hyp_one`](super::hyp_one::log_hyp_one)); below, quadrature up to that point.
const Z_SERIES: f64 = 0.8;
/// Stop integrating upward once the bound on the rest is below this share of the sum.
const TRUNCATE: f64 = 1e-17;

/// Gauss–Legendre nodes and weights on [-1, 1] for each of [`RULES`] (Newton on the
/// Legendre polynomial from Chebyshev starting points; accurate to rounding).
fn rules() -> &'static [(Vec<f64>, Vec<f64>); 6] {
    static R: OnceLock<[(Vec<f64>, Vec<f64>); 6]> = OnceLock::new();
    R.get_or_init(|| RULES.map(gauss_legendre))
}

fn gauss_legendre(n: usize) -> (Vec<f64>, Vec<f64>) {
    let mut x = vec![0.0; n];
    let mut w = vec![0.0; n];
    for i in 0..n {
        let mut t = (std::f64::consts::PI * (i as f64 + 0.75) / (n as f64 + 0.5)).cos();
        let mut dp = 1.0;
        for _ in 0..100 {
            // P_n(t) and P_n'(t) by the three-term recurrence
            let (mut p0, mut p1) = (1.0, t);
            for k in 2..=n {
                let kf = k as f64;
                let p2 = ((2.0 * kf - 1.0) * t * p1 - (kf - 1.0) * p0) / kf;
                p0 = p1;
                p1 = p2;
            }
            dp = n as f64 * (t * p1 - p0) / (t * t - 1.0);
            let step = p1 / dp;
            t -= step;
            if step.abs() <= 1e-16 {
                break;
            }
        }
        x[i] = t;
        w[i] = 2.0 / ((1.0 - t * t) * dp * dp);
    }
    (x, w)
}

/// `ln F` with `∂ ln F / ∂(p, α, q, β)` (note: `p` and `q`, not `r` and `s`).
#[derive(Debug, Clone, Copy)]
struct LogF {
    ln: f64,
    d: [f64; 4],
}

impl LogF {
    const ZERO: LogF = LogF {
        ln: f64::NEG_INFINITY,
        d: [0.0; 4],
    };

    /// `self + other` in log scale.
    fn add(self, other: LogF) -> LogF {
        if other.ln == f64::NEG_INFINITY {
            return self;
        }
        if self.ln == f64::NEG_INFINITY {
            return other;
        }
        let hi = self.ln.max(other.ln);
        let (ws, wo) = ((self.ln - hi).exp(), (other.ln - hi).exp());
        let tot = ws + wo;
        let mut d = [0.0; 4];
        for (k, dk) in d.iter_mut().enumerate() {
            *dk = (ws * self.d[k] + wo * other.d[k]) / tot;
        }
        LogF {
            ln: hi + tot.ln(),
            d,
        }
    }
}

/// The parameters of one frequency.
#[derive(Debug, Clone, Copy)]
struct Shape {
    p: f64,
    q: f64,
    alpha: f64,
    beta: f64,
    m: f64,
    big_m: f64,
    ln_s: f64,
}

impl Shape {
    fn new(par: &ParetoNbd, x: f64) -> Self {
        Self {
            p: par.r + x,
            q: par.s + 1.0,
            alpha: par.alpha,
            beta: par.beta,
            m: par.alpha.min(par.beta),
            big_m: par.alpha.max(par.beta),
            ln_s: par.s.ln(),
        }
    }

    /// `ln f(τ)`.
    fn ln_f(&self, tau: f64) -> f64 {
        -self.p * (self.alpha + tau).ln() - self.q * (self.beta + tau).ln()
    }

    /// Width and rule of the next panel of `[t0, hi]`.
    fn panel(&self, t0: f64, hi: f64) -> (f64, usize) {
        let kappa = self.p / (self.alpha + t0) + self.q / (self.beta + t0);
        let room = (SING * (self.m + t0)).min(SLOPE / kappa);
        let w = (hi - t0).min(room);
        let used = w / room;
        let rule = match used {
            u if u <= 0.01 => 0,
            u if u <= 0.04 => 1,
            u if u <= 0.1 => 2,
            u if u <= 0.25 => 3,
            u if u <= 0.5 => 4,
            _ => 5,
        };
        (w, rule)
    }

    /// `∫_a^b f` (one panel) with its derivatives.
    fn panel_integral(&self, a: f64, b: f64, rule: usize, grad: bool) -> LogF {
        let (nodes, weights) = &rules()[rule];
        let half = 0.5 * (b - a);
        let mid = 0.5 * (a + b);
        let n = nodes.len();
        let mut lf = [0.0; 12];
        let mut dd = [[0.0; 4]; 12];
        let mut hi = f64::NEG_INFINITY;
        for i in 0..n {
            let tau = mid + half * nodes[i];
            let (ay, by) = (self.alpha + tau, self.beta + tau);
            let (la, lb) = (ay.ln(), by.ln());
            lf[i] = -self.p * la - self.q * lb;
            hi = hi.max(lf[i]);
            if grad {
                dd[i] = [-la, -self.p / ay, -lb, -self.q / by];
            }
        }
        let mut sum = 0.0;
        let mut ds = [0.0; 4];
        for i in 0..n {
            let v = weights[i] * (lf[i] - hi).exp();
            sum += v;
            if grad {
                for k in 0..4 {
                    ds[k] += v * dd[i][k];
                }
            }
        }
        let mut d = [0.0; 4];
        if grad {
            for k in 0..4 {
                d[k] = ds[k] / sum;
            }
        }
        LogF {
            ln: hi + (sum * half).ln(),
            d,
        }
    }

    /// `∫_lo^hi f`, panel by panel from `lo` upward; with `truncate`, stops once the rest of
    /// `∫_τ^∞ f` is negligible against the sum (then `.1` is true).
    fn integral(&self, lo: f64, hi: f64, truncate: bool, grad: bool) -> (LogF, bool) {
        let mut acc = LogF::ZERO;
        let mut t0 = lo;
        let bound_scale = (self.p + self.q - 1.0).ln();
        while t0 < hi {
            let (w, rule) = self.panel(t0, hi);
            let t1 = if hi - t0 <= w { hi } else { t0 + w };
            acc = acc.add(self.panel_integral(t0, t1, rule, grad));
            t0 = t1;
            if truncate && t0 < hi {
                // ∫_τ^∞ f ≤ f(τ) (M+τ)/(p+q-1)
                let rest = self.ln_f(t0) + (self.big_m + t0).ln() - bound_scale;
                if rest - acc.ln < TRUNCATE.ln() {
                    return (acc, true);
                }
            }
        }
        (acc, false)
    }

    /// `F(y)` by the series where `z ≤ ½`.
    fn series_at(&self, par: &ParetoNbd, x: f64, y: f64, grad: bool) -> Result<LogF> {
        let ParetoNbd { r, alpha, s, beta } = *par;
        let (p, q) = (self.p, self.q);
        let (la, lb) = ((alpha + y).ln(), (beta + y).ln());
        let alpha_big = alpha >= beta;
        let (z, a_big) = if alpha_big {
            ((alpha - beta) / (alpha + y), p)
        } else {
            ((beta - alpha) / (beta + y), q)
        };
        let h = log_hyp_one(a_big, p + q, z)?;
        // F = (α+y)^-p (β+y)^-q (m+y) H / (p+q-1)
        let lm = if alpha_big { lb } else { la };
        let ln = -p * la - q * lb + lm + h.ln - (p + q - 1.0).ln();
        let mut d = [0.0; 4];
        if grad {
            let (ay, by) = (alpha + y, beta + y);
            let (dz_da, dz_db) = if alpha_big {
                (by / (ay * ay), -1.0 / ay)
            } else {
                (-1.0 / by, ay / (by * by))
            };
            let (big_a, big_b) = if alpha_big { (1.0, 0.0) } else { (0.0, 1.0) };
            let inv = 1.0 / (p + q - 1.0);
            // ∂/∂p, ∂/∂α, ∂/∂q, ∂/∂β of ln F
            d[0] = -la + big_a * h.d_a + h.d_c - inv;
            d[1] = -p / ay + big_b / ay + h.d_z * dz_da;
            d[2] = -lb + big_b * h.d_a + h.d_c - inv;
            d[3] = -q / by + big_a / by + h.d_z * dz_db;
        }
        let _ = (r, s, x);
        Ok(LogF { ln, d })
    }

    /// `y` where `z = Z_SERIES`.
    fn y_series(&self) -> f64 {
        (self.big_m - self.m) / Z_SERIES - self.big_m
    }

    /// `F(y)` at one point.
    fn at(&self, par: &ParetoNbd, x: f64, y: f64, grad: bool) -> Result<LogF> {
        let y_s = self.y_series();
        if y >= y_s {
            return self.series_at(par, x, y, grad);
        }
        let (part, done) = self.integral(y, y_s, true, grad);
        if done {
            return Ok(part);
        }
        Ok(part.add(self.series_at(par, x, y_s, grad)?))
    }

    /// `F(lo) = F(hi) + ∫_lo^hi f` for a short gap (two-node Gauss–Legendre, within the
    /// smallest panel budget) from `ln(α+lo)`, `ln(β+lo)`, with no further logarithm: the
    /// nodes' logarithms are expanded around `lo` (all expansion variables below 2e-3, so
    /// the truncated series are exact to rounding). `None` when the gap is not short.
    fn short_gap(&self, f: LogF, lo: f64, hi: f64, la: f64, lb: f64, grad: bool) -> Option<LogF> {
        let (a0, b0) = (self.alpha + lo, self.beta + lo);
        let kappa = self.p / a0 + self.q / b0;
        let room = (SING * (self.m + lo)).min(SLOPE / kappa);
        let w = hi - lo;
        if w > 0.01 * room {
            return None;
        }
        let h = 0.5 * w;
        // ln(1+e) for |e| < 2e-3: the next term is below 7e-18 e
        let ln1p = |e: f64| e * (1.0 + e * (-0.5 + e * (1.0 / 3.0 + e * (-0.25 + e * 0.2))));
        let (ac, bc) = (a0 + h, b0 + h);
        let delta = h * (1.0 / 3.0f64).sqrt();
        let (ua, ub) = (delta / ac, delta / bc);
        // ln(c ± δ) = ln c + ½ ln(1-u²) ± atanh u
        let ma = la + ln1p(h / a0) + 0.5 * ln1p(-ua * ua);
        let mb = lb + ln1p(h / b0) + 0.5 * ln1p(-ub * ub);
        let atanh = |u: f64| u * (1.0 + u * u * (1.0 / 3.0 + u * u * 0.2));
        let (aa, ab) = (atanh(ua), atanh(ub));
        let dd = self.p * aa + self.q * ab;
        let d2 = dd * dd;
        // ln cosh D, tanh D for |D| < 5e-3
        let ln_cosh = d2 * (0.5 + d2 * (-1.0 / 12.0 + d2 / 45.0));
        let tanh = dd * (1.0 + d2 * (-1.0 / 3.0 + d2 * 2.0 / 15.0));
        let lm = -self.p * ma - self.q * mb;
        // piece / F(hi)
        let eps = (2.0 * h) * (lm + ln_cosh - f.ln).exp();
        let mut d = [0.0; 4];
        if grad {
            let piece = [
                -(ma - aa * tanh),
                -self.p * (ac + delta * tanh) / (ac * ac - delta * delta),
                -(mb - ab * tanh),
                -self.q * (bc + delta * tanh) / (bc * bc - delta * delta),
            ];
            let inv = 1.0 / (1.0 + eps);
            for k in 0..4 {
                d[k] = (f.d[k] + eps * piece[k]) * inv;
            }
        }
        // ln(1+ε): the series' next term is below 2e-19 for ε < 1e-3
        let ln1p_eps = if eps < 1e-3 { ln1p(eps) } else { eps.ln_1p() };
        Some(LogF {
            ln: f.ln + ln1p_eps,
            d,
        })
    }

    /// `ln K` and `∂ ln(sF)/∂(r, α, s, β)` from `ln F`, given `ln(α+y)`, `ln(β+y)`.
    fn tail(&self, par: &ParetoNbd, f: LogF, la: f64, lb: f64) -> Tail {
        let s = par.s;
        let ln_p = -self.p * la - s * lb;
        Tail {
            ln_k: self.ln_s + f.ln - ln_p,
            d: [f.d[0], f.d[1], f.d[2] + 1.0 / s, f.d[3]],
            la,
            lb,
        }
    }
}

fn check(par: &ParetoNbd, x: f64, y: f64, t: &Tail) -> Result<()> {
    if t.ln_k.is_finite() && t.d.iter().all(|v| v.is_finite()) {
        Ok(())
    } else {
        Err(Error::numerical(
            "pareto-nbd tail integral",
            format!(
                "non-finite value at r = {}, alpha = {}, s = {}, beta = {} for x = {x}, y = {y}",
                par.r, par.alpha, par.s, par.beta
            ),
        ))
    }
}

/// The tail at one point `y ≥ 0` for frequency `x`.
pub(crate) fn tail_at(par: &ParetoNbd, x: f64, y: f64, grad: bool) -> Result<Tail> {
    let sh = Shape::new(par, x);
    let (la, lb) = ((par.alpha + y).ln(), (par.beta + y).ln());
    let t = sh.tail(par, sh.at(par, x, y, grad)?, la, lb);
    check(par, x, y, &t)?;
    Ok(t)
}

/// The tails at points `ys`, sorted descending (ties allowed), for frequency `x`; written
/// into `out` (cleared first).
pub(crate) fn tails_descending(
    par: &ParetoNbd,
    x: f64,
    ys: &[f64],
    grad: bool,
    out: &mut Vec<Tail>,
) -> Result<()> {
    out.clear();
    let Some(&first) = ys.first() else {
        return Ok(());
    };
    let sh = Shape::new(par, x);
    let mut f = sh.at(par, x, first, grad)?;
    let mut prev = first;
    for &y in ys {
        let (la, lb) = ((par.alpha + y).ln(), (par.beta + y).ln());
        if y < prev {
            f = match sh.short_gap(f, y, prev, la, lb, grad) {
                Some(g) => g,
                None => f.add(sh.integral(y, prev, false, grad).0),
            };
            prev = y;
        }
        let t = sh.tail(par, f, la, lb);
        check(par, x, y, &t)?;
        out.push(t);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gauss_legendre_integrates_polynomials_exactly() {
        for (i, &n) in RULES.iter().enumerate() {
            let (x, w) = &rules()[i];
            for deg in 0..2 * n {
                let got: f64 = x.iter().zip(w).map(|(x, w)| w * x.powi(deg as i32)).sum();
                let want = if deg % 2 == 1 {
                    0.0
                } else {
                    2.0 / (deg as f64 + 1.0)
                };
                assert!((got - want).abs() < 1e-14, "n={n} deg={deg}: {got}");
            }
        }
    }

    fn tail_series(par: &ParetoNbd, x: f64, y: f64) -> Tail {
        let sh = Shape::new(par, x);
        let (la, lb) = ((par.alpha + y).ln(), (par.beta + y).ln());
        sh.tail(par, sh.series_at(par, x, y, true).unwrap(), la, lb)
    }

    /// Where the series works (`z ≤ ½`), the quadrature chain agrees with it to 1e-13.
    #[test]
    fn chain_agrees_with_series() {
        let mut out = Vec::new();
        for &(r, alpha, s, beta) in &[
            (0.55, 10.6, 0.61, 11.7),
            (1.3, 33.0, 2.5, 300.0),
            (0.2, 300.0, 0.1, 5.0),
            (5.0, 2.0, 40.0, 900.0),
            (0.8, 1.0, 1.0, 1.0),
        ] {
            let par = ParetoNbd::new(r, alpha, s, beta).unwrap();
            for &x in &[0.0, 1.0, 7.0, 150.0, 1e4] {
                let sh = Shape::new(&par, x);
                let y0 = sh.y_series().max(0.0);
                let ys: Vec<f64> = (0..40).map(|i| y0 + 500.0 - 12.5 * i as f64).collect();
                tails_descending(&par, x, &ys, true, &mut out).unwrap();
                for (y, t) in ys.iter().zip(&out) {
                    let direct = tail_series(&par, x, *y);
                    // ln K = ln s + ln F - ln P: ln F and ln P (up to 1e5 at x = 10^4) carry
                    // a few ulps each
                    let tol = 1e-13 * (1.0 + direct.ln_k.abs() + sh.ln_f(*y).abs());
                    assert!(
                        (t.ln_k - direct.ln_k).abs() <= tol,
                        "{par:?} x={x} y={y}: {t:?} vs {direct:?}"
                    );
                    for k in 0..4 {
                        assert!(
                            (t.d[k] - direct.d[k]).abs() <= 1e-11 * (1.0 + direct.d[k].abs()),
                            "{par:?} x={x} y={y} d{k}: {t:?} vs {direct:?}"
                        );
                    }
                }
            }
        }
    }
}
