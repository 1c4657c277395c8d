//! The Gamma-Gamma log-likelihood and its analytic gradient (Fader, Hardie & Lee 2005, "RFM
//! and CLV", eq. 3; Hardie's note 025, eq. 1a).

use statrs::function::gamma::{digamma, ln_gamma};

use super::SpendData;
use crate::error::{Error, Result};
use crate::fit::Likelihood;
use crate::hashing::{key_bits, BitsMap};

/// The Gamma-Gamma likelihood of the mean spend `m` of each repeat customer's `x`
/// transactions:
///
/// ```text
/// ℓ(p, q, v | x, m) = lnΓ(px+q) − lnΓ(px) − lnΓ(q) + q ln v + (px−1) ln m + px ln x
///                     − (px+q) ln(v + m x)
/// ∂ℓ/∂p = x [ψ(px+q) − ψ(px) + ln m + ln x − ln(v + m x)]
/// ∂ℓ/∂q = ψ(px+q) − ψ(q) + ln v − ln(v + m x)
/// ∂ℓ/∂v = q/v − (px+q)/(v + m x)
/// ```
///
/// Summed over the customers with one frequency `x` (weights `w`), everything but
/// `ln(v + m x)` and `1/(v + m x)` factors out: with `W = Σw`, `A = Σ w ln m`,
/// `S₀ = Σ w ln(v + m x)` and `S₁ = Σ w/(v + m x)`,
///
/// ```text
/// LLₓ = W [lnΓ(px+q) − lnΓ(px) − lnΓ(q) + q ln v] + px (A + W ln x) − A − (px+q) S₀
/// ∂/∂p = x [W (ψ(px+q) − ψ(px)) + A + W ln x − S₀]
/// ∂/∂q = W [ψ(px+q) − ψ(q) + ln v] − S₀
/// ∂/∂v = W q/v − (px+q) S₁
/// ```
///
/// so an evaluation costs one logarithm and one division per distinct (x, m) pair (merged at
/// construction) plus a few special functions per distinct frequency. The per-pair sums run
/// over fixed blocks of pairs (in parallel with feature `parallel`) and are added in block
/// order, so results do not depend on the number of threads.
pub(crate) struct GammaGammaLikelihood<'a> {
    data: &'a SpendData,
    /// Distinct frequencies, ascending, with `W`, `A` and `ln x` of each.
    groups: Vec<Group>,
    /// Distinct (x, m) pairs sorted by (x, m): the group of each, `m x` and the weight.
    pair_group: Vec<u32>,
    pair_mx: Vec<f64>,
    pair_w: Vec<f64>,
}

/// The customers with one frequency.
struct Group {
    x: f64,
    ln_x: f64,
    /// `W = Σ w`.
    weight: f64,
    /// `A = Σ w ln m`.
    weighted_ln_m: f64,
}

/// Pairs per block of the parallel sums.
const BLOCK: usize = 16_384;

impl<'a> GammaGammaLikelihood<'a> {
    pub(crate) fn new(data: &'a SpendData) -> Self {
        let mut merged: BitsMap<(u64, u64), f64> = BitsMap::default();
        for i in 0..data.frequency.len() {
            let key = (
                key_bits(data.frequency[i]),
                key_bits(data.monetary_value[i]),
            );
            *merged.entry(key).or_insert(0.0) += data.weight[i];
        }
        let mut pairs: Vec<(f64, f64, f64)> = merged
            .into_iter()
            .map(|((x, m), w)| (f64::from_bits(x), f64::from_bits(m), w))
            .collect();
        pairs.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
        let mut groups: Vec<Group> = Vec::new();
        let (mut pair_group, mut pair_mx, mut pair_w) = (vec![], vec![], vec![]);
        for &(x, m, w) in &pairs {
            if groups.last().map(|g| g.x.to_bits()) != Some(x.to_bits()) {
                groups.push(Group {
                    x,
                    ln_x: x.ln(),
                    weight: 0.0,
                    weighted_ln_m: 0.0,
                });
            }
            let last = groups.len() - 1;
            let g = &mut groups[last];
            g.weight += w;
            g.weighted_ln_m += w * m.ln();
            pair_group.push(last as u32);
            pair_mx.push(m * x);
            pair_w.push(w);
        }
        Self {
            data,
            groups,
            pair_group,
            pair_mx,
            pair_w,
        }
    }

    /// Per group: `S₀ = Σ w ln(v + m x)` and (when `with_s1`) `S₁ = Σ w/(v + m x)`.
    fn pair_sums(&self, v: f64, with_s1: bool) -> (Vec<f64>, Vec<f64>) {
        // one block: runs of (group, S₀, S₁) in pair order
        let block = |start: usize| -> Vec<(u32, f64, f64)> {
            let end = (start + BLOCK).min(self.pair_mx.len());
            let mut runs: Vec<(u32, f64, f64)> = Vec::new();
            for i in start..end {
                let (g, w, denom) = (self.pair_group[i], self.pair_w[i], v + self.pair_mx[i]);
                let s1 = if with_s1 { w / denom } else { 0.0 };
                match runs.last_mut() {
                    Some(run) if run.0 == g => {
                        run.1 += w * denom.ln();
                        run.2 += s1;
                    }
                    _ => runs.push((g, w * denom.ln(), s1)),
                }
            }
            runs
        };
        let starts: Vec<usize> = (0..self.pair_mx.len()).step_by(BLOCK).collect();
        #[cfg(feature = "parallel")]
        let blocks: Vec<Vec<(u32, f64, f64)>> = {
            use rayon::prelude::*;
            starts.par_iter().map(|&s| block(s)).collect()
        };
        #[cfg(not(feature = "parallel"))]
        let blocks: Vec<Vec<(u32, f64, f64)>> = starts.iter().map(|&s| block(s)).collect();
        let (mut s0, mut s1) = (vec![0.0; self.groups.len()], vec![0.0; self.groups.len()]);
        for (g, a, b) in blocks.into_iter().flatten() {
            s0[g as usize] += a;
            s1[g as usize] += b;
        }
        (s0, s1)
    }
}

impl Likelihood for GammaGammaLikelihood<'_> {
    const MODEL: &'static str = "gamma-gamma";
    const NAMES: &'static [&'static str] = &["p", "q", "v"];

    /// `p = 1`, `q = 2`, `v` = the weighted mean of the spends, so that the model's mean
    /// spend per transaction `p v / (q − 1)` starts at the observed one.
    fn start(&self) -> Vec<f64> {
        let d = self.data;
        let mean = d
            .monetary_value
            .iter()
            .zip(&d.weight)
            .map(|(m, w)| m * w)
            .sum::<f64>()
            / d.total_weight;
        vec![1.0, 2.0, mean.clamp(1e-6, 1e12)]
    }

    fn log_likelihood(&self, par: &[f64], grad: Option<&mut [f64]>) -> Result<f64> {
        let [p, q, v] = [par[0], par[1], par[2]];
        let with_grad = grad.is_some();
        let (s0, s1) = self.pair_sums(v, with_grad);
        let (lg_q, ln_v) = (ln_gamma(q), v.ln());
        let psi_q = if with_grad { digamma(q) } else { 0.0 };
        let mut ll = 0.0;
        let mut g = [0.0; 3];
        for (k, grp) in self.groups.iter().enumerate() {
            let (x, w, a) = (grp.x, grp.weight, grp.weighted_ln_m);
            let px = p * x;
            let lg = ln_gamma(px + q) - ln_gamma(px);
            ll += w * (lg - lg_q + q * ln_v) + px * (a + w * grp.ln_x) - a - (px + q) * s0[k];
            if with_grad {
                let psi_pq = digamma(px + q);
                g[0] += x * (w * (psi_pq - digamma(px)) + a + w * grp.ln_x - s0[k]);
                g[1] += w * (psi_pq - psi_q + ln_v) - s0[k];
                g[2] += w * q / v - (px + q) * s1[k];
            }
        }
        if !ll.is_finite() || g.iter().any(|v| !v.is_finite()) {
            return Err(Error::numerical(
                "Gamma-Gamma log-likelihood",
                format!("non-finite value at p={p}, q={q}, v={v}"),
            ));
        }
        if let Some(out) = grad {
            out.copy_from_slice(&g);
        }
        Ok(ll)
    }

    fn total_weight(&self) -> f64 {
        self.data.total_weight
    }

    fn n_rows(&self) -> usize {
        self.pair_mx.len()
    }
}
