//! Parameter derivatives of the BG/NBD and MBG/NBD conditional expectations.
//!
//! # The alive part `N`
//!
//! Both models' expected purchases of a customer alive at `T` are (see
//! `crate::models::beta_geometric`; Fader, Hardie & Lee 2005, eq. 10)
//!
//! ```text
//! N(A, a, C, u) = C/(a−1) · [1 − 2F1(A, a−1; C; −u)]
//!              = C · f₁ − w · T(p, a, C, z),
//! f₁ = (1 − (1+u)^{1−a}) / (a−1),   w = (1+u)^{1−a},   z = u/(1+u),   p = C − A,
//! T  = Σ_{n≥1} τ_n,  τ₁ = p z,  τ_{n+1} = τ_n · (p+n)(a+n−1) / ((C+n)(n+1)) · z ,
//! ```
//!
//! with `A = r + x`, `u = t/(α+T)` and `C = a + b + x − 1` (BG/NBD) or `a + b + x` (MBG/NBD).
//!
//! **Why the series.** The parameters enter `N` through the *parameters* of a Gauss
//! hypergeometric function, whose derivatives have no closed form in general (they are
//! Kampé de Fériet functions). Differentiating the power series `T` term by term is exact:
//! carrying `(τ_n, ∂τ_n/∂p, ∂τ_n/∂a, ∂τ_n/∂C)` through the recurrence (forward-mode
//! differentiation of the ratio `ρ_n`) costs four multiply-adds per term, never divides by
//! `p` (so `p = 0` or a negative integer, where the series terminates, is fine) and converges
//! geometrically like the series itself. The derivatives in the horizon variable use
//! `∂τ_n/∂z = n τ_n / z`. The series is used for `z ≤ 0.9` (horizons up to nine times
//! `α + T`), where it converges in at most a few hundred terms.
//!
//! **Beyond `z = 0.9`.** There the value of `N` comes from the general 2F1 of
//! [`crate::special`] (transformations and an ODE continuation), which has no parameter
//! derivatives. The derivative in `u` stays closed-form,
//! `∂N/∂u = A (1+u)^{−a} 2F1(C−A, a; C+1; z)` (the derivative of 2F1 in its argument, then
//! a Pfaff transformation), but the derivatives in `A`, `a` and `C` are taken by a
//! **fourth-order five-point central difference of the scalar function `N` alone**, with
//! relative steps of `1e-3`: truncation error `O(h⁴) ≈ 1e-12`, rounding `≈ 1e-12 / 1e-3 =
//! 1e-9` relative given the special function's own accuracy. That is far below the
//! statistical error the interval expresses, and the tests check it against finite
//! differences of the whole model.
//!
//! # P(alive)
//!
//! `P = 1 / (1 + odds)`, `odds = a/(b+x−1) · ((α+T)/(α+t_x))^{r+x}` for BG/NBD (`P = 1` when
//! `x = 0`) and `a/(b+x) · (...)^{r+x}` for MBG/NBD, so
//! `∂P/∂θ = −P (1 − P) ∂ ln odds/∂θ` with `∂ ln odds/∂r = ln((α+T)/(α+t_x))`,
//! `∂/∂α = (r+x) (1/(α+T) − 1/(α+t_x))`, `∂/∂a = 1/a`, `∂/∂b = −1/(b+x−1)` (or `−1/(b+x)`).

use super::{check_buffers, finite_all, h_expm1, PurchasesGradient};
use crate::error::Result;
use crate::models::beta_geometric::{alive_purchases, alive_purchases_path};
use crate::models::bgnbd::BgNbd;
use crate::models::mbgnbd::MbgNbd;
use crate::models::TransactionModel;
use crate::special::{hyp2f1, ln_hyp2f1, Hyp2f1Path};

/// Largest `z` for which the series is differentiated term by term.
const SERIES_MAX_Z: f64 = 0.9;
/// Term cap of the differentiated series (z ≤ 0.9 needs far fewer).
const MAX_TERMS: u32 = 20_000;
/// `u` beyond which `z = u/(1+u)` exceeds [`SERIES_MAX_Z`] (`u > 9`), where the gradient is
/// taken along paths.
const FAR_U: f64 = SERIES_MAX_Z / (1.0 - SERIES_MAX_Z);
/// Relative step of the five-point differences used beyond `SERIES_MAX_Z`.
const FD_STEP: f64 = 1e-3;

/// `∂N/∂(A, a, C, u)` of the alive part (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct AliveGradient {
    /// `∂N/∂A`, `A = r + x`.
    pub d_big_a: f64,
    /// `∂N/∂a` at fixed `A`, `C`, `u`.
    pub d_a: f64,
    /// `∂N/∂C`.
    pub d_c: f64,
    /// `∂N/∂u`, `u = t/(α+T)`.
    pub d_u: f64,
}

/// Sums `T` and its derivatives in `p`, `a`, `c` and `z`; `None` when the term cap is hit.
fn series_with_gradient(p: f64, a: f64, c: f64, z: f64) -> Option<[f64; 5]> {
    // [τ, ∂τ/∂p, ∂τ/∂a, ∂τ/∂c, n τ] of the current term, and their sums
    let mut term = [p * z, z, 0.0, 0.0, p * z];
    let mut sum = term;
    let mut abs_sum = term.map(f64::abs);
    for n in 1..MAX_TERMS {
        let nf = f64::from(n);
        let denom = (c + nf) * (nf + 1.0);
        let rho_p = (a + nf - 1.0) / denom * z; // ∂ρ/∂p
        let rho = (p + nf) * rho_p;
        let rho_a = (p + nf) / denom * z;
        let rho_c = -rho / (c + nf);
        let tau = term[0];
        term = [
            tau * rho,
            term[1] * rho + tau * rho_p,
            term[2] * rho + tau * rho_a,
            term[3] * rho + tau * rho_c,
            tau * rho * (nf + 1.0),
        ];
        let mut done = rho.abs() < 1.0;
        for i in 0..5 {
            sum[i] += term[i];
            abs_sum[i] += term[i].abs();
            done &= term[i].abs() <= 1e-17 * abs_sum[i];
        }
        if done {
            return Some(sum);
        }
    }
    None
}

/// The alive part `N` with `K = C` (conditional expectations), as the models compute it.
fn alive(big_a: f64, a: f64, c: f64, u: f64) -> Result<f64> {
    alive_purchases(c, 1.0, big_a, a, c, u)
}

/// `∂N/∂u = A (1+u)^{−a} 2F1(C−A, a; C+1; z)` in log space, for where the 2F1 alone
/// overflows f64 while the product is moderate: `a` and `C` in the millions, a fit whose
/// `a` and `b` ran off together along the ridge of constant `a/(a+b)` (the ROAS benchmark's
/// per-campaign BG/NBD, seed 2, campaign google-c4: `a ≈ 1.2e7`, `ln 2F1 ≈ 1.5e6`).
fn d_u_in_logs(big_a: f64, a: f64, c: f64, u: f64, z: f64) -> Result<f64> {
    let f = ln_hyp2f1(c - big_a, a, c + 1.0, z)?;
    Ok(f.sign * big_a * (f.ln_abs - a * u.ln_1p()).exp())
}

/// Five-point central difference of `f` at `v` with step `h`.
fn five_point(f: impl Fn(f64) -> Result<f64>, v: f64, h: f64) -> Result<f64> {
    let (m2, m1, p1, p2) = (f(v - 2.0 * h)?, f(v - h)?, f(v + h)?, f(v + 2.0 * h)?);
    Ok((m2 - 8.0 * m1 + 8.0 * p1 - p2) / (12.0 * h))
}

/// `∂N/∂(A, a, C, u)` at `u = t/(α+T)` (see the module docs).
pub(crate) fn alive_gradient(big_a: f64, a: f64, c: f64, u: f64) -> Result<AliveGradient> {
    if u == 0.0 {
        // N(u = 0) = 0 for all parameters; ∂N/∂u = A
        return Ok(AliveGradient {
            d_big_a: 0.0,
            d_a: 0.0,
            d_c: 0.0,
            d_u: big_a,
        });
    }
    let z = u / (1.0 + u);
    let d = a - 1.0;
    let log1p_u = u.ln_1p();
    let w = (-d * log1p_u).exp();
    if z <= SERIES_MAX_Z {
        if let Some([t, t_p, t_a, t_c, n_t]) = series_with_gradient(c - big_a, a, c, z) {
            // f₁ = (1 − e^{−dL})/d: ∂f₁/∂d = L² h(−dL), ∂f₁/∂L = e^{−dL}; w = e^{−dL}
            let f1 = if d == 0.0 {
                log1p_u
            } else {
                -(-d * log1p_u).exp_m1() / d
            };
            let df1_dd = log1p_u * log1p_u * h_expm1(-d * log1p_u);
            // ∂T/∂z = Σ n τ_n / z; dL/du = 1/(1+u), dz/du = 1/(1+u)²
            let t_z = n_t / z;
            let one_u = 1.0 + u;
            return Ok(AliveGradient {
                d_big_a: w * t_p,
                d_a: c * df1_dd + log1p_u * w * t - w * t_a,
                d_c: f1 - w * (t_p + t_c),
                d_u: (c * w + d * w * t) / one_u - w * t_z / (one_u * one_u),
            });
        }
    }
    // z > 0.9 (or a series too slow): closed-form ∂N/∂u, five-point differences of the
    // scalar N in A, a, C (module docs)
    let d_u = match hyp2f1(c - big_a, a, c + 1.0, z) {
        Ok(f) => big_a * (-a * log1p_u).exp() * f,
        Err(_) => d_u_in_logs(big_a, a, c, u, z)?,
    };
    let h_big_a = FD_STEP * big_a;
    let h_a = FD_STEP * a;
    // C > −1 always (a, b > 0); keep C ± 2h well inside
    let h_c = FD_STEP * c.abs().max(0.1 * (c + 1.0)).max(1e-6);
    Ok(AliveGradient {
        d_big_a: five_point(|v| alive(v, a, c, u), big_a, h_big_a)?,
        d_a: five_point(|v| alive(big_a, v, c, u), a, h_a)?,
        d_c: five_point(|v| alive(big_a, a, v, u), c, h_c)?,
        d_u,
    })
}

/// [`alive_gradient`] at the horizons `t` (periods, `u = t/scale`) that lie beyond
/// `z = 0.9`, along paths: the five-point differences take `N` from
/// [`alive_purchases_path`] at each shifted parameter, and `∂N/∂u` continues its Gauss
/// function from the previous horizon, so each horizon costs O(1) however far out it lies.
fn far_gradients(big_a: f64, a: f64, c: f64, scale: f64, t: &[f64]) -> Result<Vec<AliveGradient>> {
    let n = t.len();
    let h_big_a = FD_STEP * big_a;
    let h_a = FD_STEP * a;
    let h_c = FD_STEP * c.abs().max(0.1 * (c + 1.0)).max(1e-6);
    let mut buf = vec![0.0; n];
    // Σ_j w_j N(θ + o_j h) for the five-point weights, per horizon
    let mut diff = |shift: &dyn Fn(f64) -> (f64, f64, f64), h: f64| -> Result<Vec<f64>> {
        let mut acc = vec![0.0; n];
        for (o, w) in [(-2.0, 1.0), (-1.0, -8.0), (1.0, 8.0), (2.0, -1.0)] {
            let (ba, aa, cc) = shift(o * h);
            alive_purchases_path(cc, 1.0, ba, aa, cc, scale, t, &mut buf)?;
            for (s, v) in acc.iter_mut().zip(&buf) {
                *s += w * v;
            }
        }
        Ok(acc.into_iter().map(|s| s / (12.0 * h)).collect())
    };
    let d_big_a = diff(&|e| (big_a + e, a, c), h_big_a)?;
    let d_a = diff(&|e| (big_a, a + e, c), h_a)?;
    let d_c = diff(&|e| (big_a, a, c + e), h_c)?;
    let mut d_u_path = Hyp2f1Path::new(c - big_a, a, c + 1.0);
    let mut out = Vec::with_capacity(n);
    for (i, &ti) in t.iter().enumerate() {
        let u = ti / scale;
        let z = u / (1.0 + u);
        let d_u = match d_u_path.at(z) {
            Ok(f) => big_a * (-a * u.ln_1p()).exp() * f,
            Err(_) => d_u_in_logs(big_a, a, c, u, z)?,
        };
        out.push(AliveGradient {
            d_big_a: d_big_a[i],
            d_a: d_a[i],
            d_c: d_c[i],
            d_u,
        });
    }
    Ok(out)
}

/// The path and its gradient for a beta-geometric model with parameters `(r, α, a, b)`;
/// `shift` is `−1` for BG/NBD (`C = a + b + x − 1`) and `0` for MBG/NBD.
#[allow(clippy::too_many_arguments)]
fn path_gradient<M: TransactionModel + ?Sized>(
    model: &M,
    (r, alpha, a, b): (f64, f64, f64, f64),
    shift: f64,
    horizons: &[f64],
    x: f64,
    t_x: f64,
    t_age: f64,
    values: &mut [f64],
    gradient: &mut [f64],
) -> Result<()> {
    check_buffers(horizons, values, gradient, 4)?;
    model.conditional_expected_purchases_path_one(horizons, x, t_x, t_age, values)?;
    let p_alive = model.probability_alive_one(x, t_x, t_age)?;
    // ∂P/∂(r, α, a, b)
    let d_p = if shift < 0.0 && x == 0.0 {
        [0.0; 4]
    } else {
        let ln_ratio = ((alpha + t_age) / (alpha + t_x)).ln();
        let ln_odds = (a / (b + x + shift)).ln() + (r + x) * ln_ratio;
        // P (1 − P) = e^{ln odds} / (1 + e^{ln odds})², without overflow
        let q = (-ln_odds.abs()).exp();
        let p1mp = q / ((1.0 + q) * (1.0 + q));
        let d_ln_odds = [
            ln_ratio,
            (r + x) * (1.0 / (alpha + t_age) - 1.0 / (alpha + t_x)),
            1.0 / a,
            -1.0 / (b + x + shift),
        ];
        d_ln_odds.map(|g| -p1mp * g)
    };
    let big_a = r + x;
    let c = a + b + x + shift;
    let scale = alpha + t_age;
    // horizons beyond z = 0.9 (u > 9) go along paths (O(1) each), the others one by one
    let far: Vec<f64> = horizons
        .iter()
        .copied()
        .filter(|&t| t / scale > FAR_U)
        .collect();
    let mut far_grads = far_gradients(big_a, a, c, scale, &far)?.into_iter();
    for (h, &t) in horizons.iter().enumerate() {
        let u = t / scale;
        let g = if u > FAR_U {
            far_grads.next().expect("one far gradient per far horizon")
        } else {
            alive_gradient(big_a, a, c, u)?
        };
        // N = E / P; when P is (nearly) subnormal take N from the model directly
        let n_alive = if p_alive > 1e-250 {
            values[h] / p_alive
        } else {
            alive(big_a, a, c, u)?
        };
        let d_n = [g.d_big_a, -g.d_u * u / scale, g.d_a + g.d_c, g.d_c];
        let row = &mut gradient[h * 4..(h + 1) * 4];
        for j in 0..4 {
            row[j] = d_n[j] * p_alive + n_alive * d_p[j];
        }
        finite_all("expected purchases gradient", row, x, t_age)?;
    }
    Ok(())
}

impl PurchasesGradient for BgNbd {
    fn conditional_expected_purchases_path_gradient_one(
        &self,
        horizons: &[f64],
        frequency: f64,
        recency: f64,
        t_age: f64,
        values: &mut [f64],
        gradient: &mut [f64],
    ) -> Result<()> {
        path_gradient(
            self,
            (self.r(), self.alpha(), self.a(), self.b()),
            -1.0,
            horizons,
            frequency,
            recency,
            t_age,
            values,
            gradient,
        )
    }
}

impl PurchasesGradient for MbgNbd {
    fn conditional_expected_purchases_path_gradient_one(
        &self,
        horizons: &[f64],
        frequency: f64,
        recency: f64,
        t_age: f64,
        values: &mut [f64],
        gradient: &mut [f64],
    ) -> Result<()> {
        path_gradient(
            self,
            (self.r(), self.alpha(), self.a(), self.b()),
            0.0,
            horizons,
            frequency,
            recency,
            t_age,
            values,
            gradient,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A BG/NBD fit whose `a` and `b` ran off together (the ROAS benchmark's per-campaign fit,
    /// seed 2, campaign google-c4): the series is too slow and `2F1(C−A, a; C+1; z)` alone
    /// overflows, yet `∂N/∂u` is moderate and must come out right. Reference: mpmath 1.4.1 at
    /// 40 digits through Pfaff's transformation, `A · hyp2f1(A+1, a, C+1, -u)` (the same
    /// quantity without the overflowing factors) at these double inputs. Tolerance 1e-8: the
    /// log-space product cancels two logarithms of about 1.5e6 (rounding ~1e-10 relative).
    #[test]
    fn d_u_survives_an_overflowing_hypergeometric() {
        let (a, c) = (12_321_976.311_651_437, 337_660_710.076_576_5);
        let big_a = c - 337_660_704.319_835_4;
        let z = 0.114_619_706_506_492_88;
        let u = z / (1.0 - z);
        assert!(hyp2f1(c - big_a, a, c + 1.0, z).is_err());
        let g = alive_gradient(big_a, a, c, u).unwrap();
        let mpmath = 5.576_305_256_746_85;
        assert!(
            (g.d_u - mpmath).abs() <= 1e-8 * mpmath,
            "{} vs {mpmath}",
            g.d_u
        );
        assert!(
            [g.d_big_a, g.d_a, g.d_c].iter().all(|v| v.is_finite()),
            "{g:?}"
        );
    }
}
