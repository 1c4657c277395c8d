//! The Gamma-Gamma log-likelihood and its analytic gradient (Fader, Hardie & Lee 2005, "RFM
//! and CLV", eq. 3; Hardie's note 025, eq. 1a).

use statrs::function::gamma::{digamma, ln_gamma};

use super::SpendData;
use crate::error::{Error, Result};
use crate::fit::Likelihood;
use crate::models::rows::DistinctIndex;

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
/// The log-gamma and digamma terms depend on `x` only and are computed once per distinct
/// frequency; `ln m` and `ln x` once at construction.
pub(crate) struct GammaGammaLikelihood<'a> {
    data: &'a SpendData,
    x: DistinctIndex,
    ln_m: Vec<f64>,
    ln_x: Vec<f64>,
}

impl<'a> GammaGammaLikelihood<'a> {
    pub(crate) fn new(data: &'a SpendData) -> Self {
        Self {
            x: DistinctIndex::new(&data.frequency),
            ln_m: data.monetary_value.iter().map(|m| m.ln()).collect(),
            ln_x: data.frequency.iter().map(|x| x.ln()).collect(),
            data,
        }
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
        // per distinct x: lnΓ(px+q) − lnΓ(px), and ψ(px+q) − ψ(px), ψ(px+q)
        let per_x: Vec<(f64, f64, f64)> = self
            .x
            .values
            .iter()
            .map(|&x| {
                let px = p * x;
                let lg = ln_gamma(px + q) - ln_gamma(px);
                if with_grad {
                    let psi = digamma(px + q);
                    (lg, psi - digamma(px), psi)
                } else {
                    (lg, 0.0, 0.0)
                }
            })
            .collect();
        let (lg_q, psi_q, ln_v) = (ln_gamma(q), digamma(q), v.ln());
        let d = self.data;
        let mut ll = 0.0;
        let mut g = [0.0; 3];
        for i in 0..d.frequency.len() {
            let (x, m, w) = (d.frequency[i], d.monetary_value[i], d.weight[i]);
            let (lg, dpsi, psi_pq) = per_x[self.x.index[i] as usize];
            let px = p * x;
            let denom = v + m * x;
            let ln_denom = denom.ln();
            ll += w
                * (lg - lg_q + q * ln_v + (px - 1.0) * self.ln_m[i] + px * self.ln_x[i]
                    - (px + q) * ln_denom);
            if with_grad {
                g[0] += w * x * (dpsi + self.ln_m[i] + self.ln_x[i] - ln_denom);
                g[1] += w * (psi_pq - psi_q + ln_v - ln_denom);
                g[2] += w * (q / v - (px + q) / denom);
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
        self.data.frequency.len()
    }
}
