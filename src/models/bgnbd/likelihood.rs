//! The BG/NBD log-likelihood and its analytic gradient (Fader, Hardie & Lee 2005, eq. 6;
//! Hardie's note 004 for the log-sum-exp form).

use statrs::function::gamma::{digamma, ln_gamma};

use crate::error::{Error, Result};
use crate::fit::Likelihood;
use crate::models::rows::{chunked_sum, IndexedRows};
use crate::summary::CompressedSummary;

/// The BG/NBD likelihood on a compressed summary.
///
/// Per customer with `x` repeat purchases, recency `t_x` and age `T`:
///
/// ```text
/// ℓ = A1 + A2 + ln( e^{A3} + 1{x>0} e^{A4} )
/// A1 = lnΓ(r+x) − lnΓ(r) + r ln α
/// A2 = lnΓ(a+b) + lnΓ(b+x) − lnΓ(b) − lnΓ(a+b+x)
/// A3 = −(r+x) ln(α+T)
/// A4 = ln a − ln(b+x−1) − (r+x) ln(α+t_x)
/// ```
pub(crate) struct BgNbdLikelihood<'a> {
    rows: IndexedRows<'a>,
}

impl<'a> BgNbdLikelihood<'a> {
    pub(crate) fn new(data: &'a CompressedSummary) -> Self {
        Self {
            rows: IndexedRows::new(data),
        }
    }

    /// The likelihood on raw columns (no merging of identical rows); for tests comparing
    /// compressed and uncompressed fits.
    #[cfg(test)]
    pub(crate) fn from_columns(
        frequency: &'a [f64],
        recency: &'a [f64],
        t_age: &'a [f64],
        weight: &'a [f64],
    ) -> Self {
        Self {
            rows: IndexedRows::from_columns(frequency, recency, t_age, weight),
        }
    }

    pub(crate) fn rows(&self) -> &IndexedRows<'a> {
        &self.rows
    }
}

/// Per-frequency terms of the BG/NBD log-likelihood and their derivatives.
struct FrequencyTerms {
    /// A1 + A2.
    base: f64,
    d_base: [f64; 4],
    /// ln a − ln(b+x−1) (only used when x > 0).
    c4: f64,
    /// d c4 / d b.
    d_c4_b: f64,
}

fn frequency_terms(p: &[f64], x: f64, with_grad: bool) -> FrequencyTerms {
    let [r, alpha, a, b] = [p[0], p[1], p[2], p[3]];
    let base = ln_gamma(r + x) - ln_gamma(r) + r * alpha.ln() + ln_gamma(a + b) + ln_gamma(b + x)
        - ln_gamma(b)
        - ln_gamma(a + b + x);
    let (c4, d_c4_b) = if x > 0.0 {
        (a.ln() - (b + x - 1.0).ln(), -1.0 / (b + x - 1.0))
    } else {
        (0.0, 0.0)
    };
    let d_base = if with_grad {
        let (d_r_x, d_b_x, d_ab_x) = if x > 0.0 {
            (
                digamma(r + x) - digamma(r),
                digamma(b + x) - digamma(b),
                digamma(a + b) - digamma(a + b + x),
            )
        } else {
            (0.0, 0.0, 0.0)
        };
        [d_r_x + alpha.ln(), r / alpha, d_ab_x, d_ab_x + d_b_x]
    } else {
        [0.0; 4]
    };
    FrequencyTerms {
        base,
        d_base,
        c4,
        d_c4_b,
    }
}

impl Likelihood for BgNbdLikelihood<'_> {
    const MODEL: &'static str = "bgnbd";
    const NAMES: &'static [&'static str] = &["r", "alpha", "a", "b"];

    /// r = 1, α = mean T · (1 + x̄)⁻¹ · ... : α so that r/α matches the observed repeat rate
    /// Σx / ΣT (clamped to a sane range), a = 1, b = 3 (dropout probability 0.25).
    fn start(&self) -> Vec<f64> {
        let rate = (self.rows.total_repeat_purchases() + 1.0)
            / (self.rows.mean_t() * self.rows.total_weight + 1.0);
        let alpha = (1.0 / rate).clamp(1e-3, 1e6);
        vec![1.0, alpha, 1.0, 3.0]
    }

    fn log_likelihood(&self, p: &[f64], grad: Option<&mut [f64]>) -> Result<f64> {
        let [r, alpha, a, b] = [p[0], p[1], p[2], p[3]];
        let with_grad = grad.is_some();
        let rows = &self.rows;
        let terms: Vec<FrequencyTerms> = rows
            .x
            .values
            .iter()
            .map(|&x| frequency_terms(p, x, with_grad))
            .collect();
        let log_at = |values: &[f64]| -> Vec<(f64, f64)> {
            values
                .iter()
                .map(|&v| ((alpha + v).ln(), 1.0 / (alpha + v)))
                .collect()
        };
        let at_t = log_at(&rows.t.values);
        let at_tx = log_at(&rows.tx.values);

        let mut ll = 0.0;
        let mut g = [0.0; 4];
        for (ft, &w) in terms.iter().zip(&rows.weight_by_x) {
            ll += w * ft.base;
            for (gk, dk) in g.iter_mut().zip(ft.d_base) {
                *gk += w * dk;
            }
        }
        let freq = rows.frequency;
        let weight = rows.weight;
        let row_sums = chunked_sum(rows.len(), |range| {
            // [ll, d/dr, d/dalpha, d/da, d/db]
            let mut acc = [0.0; 5];
            for i in range {
                let x = freq[i];
                let w = weight[i];
                let ft = &terms[rows.x.index[i] as usize];
                let (ln_t, inv_t) = at_t[rows.t.index[i] as usize];
                let a3 = -(r + x) * ln_t;
                if x > 0.0 {
                    let (ln_tx, inv_tx) = at_tx[rows.tx.index[i] as usize];
                    let a4 = ft.c4 - (r + x) * ln_tx;
                    let (hi, lo) = if a3 >= a4 { (a3, a4) } else { (a4, a3) };
                    let e = (lo - hi).exp();
                    acc[0] += w * (hi + e.ln_1p());
                    if with_grad {
                        // weights of the two terms in the log-sum-exp
                        let (p3, p4) = if a3 >= a4 {
                            (1.0 / (1.0 + e), e / (1.0 + e))
                        } else {
                            (e / (1.0 + e), 1.0 / (1.0 + e))
                        };
                        acc[1] -= w * (p3 * ln_t + p4 * ln_tx);
                        acc[2] -= w * (r + x) * (p3 * inv_t + p4 * inv_tx);
                        acc[3] += w * p4 / a;
                        acc[4] += w * p4 * ft.d_c4_b;
                    }
                } else {
                    acc[0] += w * a3;
                    if with_grad {
                        acc[1] -= w * ln_t;
                        acc[2] -= w * r * inv_t;
                    }
                }
            }
            acc
        });
        ll += row_sums[0];
        for (gk, v) in g.iter_mut().zip(&row_sums[1..]) {
            *gk += v;
        }
        if !ll.is_finite() || g.iter().any(|v| !v.is_finite()) {
            return Err(Error::numerical(
                "BG/NBD log-likelihood",
                format!("non-finite value at r={r}, alpha={alpha}, a={a}, b={b}"),
            ));
        }
        if let Some(out) = grad {
            out.copy_from_slice(&g);
        }
        Ok(ll)
    }

    fn total_weight(&self) -> f64 {
        self.rows.total_weight
    }

    fn n_rows(&self) -> usize {
        self.rows.len()
    }
}
