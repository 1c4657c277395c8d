//! The weighted Pareto/NBD log-likelihood over a compressed summary (the optimizer's
//! problem).

use super::params::{ParetoNbd, PARAMETER_NAMES};
use super::row::{row_terms, FrequencyTerms};
use crate::error::Result;
use crate::fit::Likelihood;
use crate::models::ModelParameters;
use crate::summary::CompressedSummary;

/// Rows per parallel chunk.
const CHUNK: usize = 2048;

/// The Pareto/NBD log-likelihood of a compressed summary; borrows the data.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ParetoNbdLikelihood<'a> {
    data: &'a CompressedSummary,
}

impl<'a> ParetoNbdLikelihood<'a> {
    pub(crate) fn new(data: &'a CompressedSummary) -> Self {
        Self { data }
    }

    /// Deterministic starting values: `r = s = 1`; `α` so that the mean purchase rate `r/α`
    /// is the observed repeat rate `Σ x / Σ T`; `β` the mean age (a customer stays about one
    /// observation window).
    pub(crate) fn start_values(&self) -> Vec<f64> {
        let d = self.data;
        let (mut sx, mut st, mut w) = (0.0, 0.0, 0.0);
        for i in 0..d.len() {
            sx += d.weight()[i] * d.frequency()[i];
            st += d.weight()[i] * d.t()[i];
            w += d.weight()[i];
        }
        let mean_t = if st > 0.0 && w > 0.0 { st / w } else { 1.0 };
        let rate = if sx > 0.0 && st > 0.0 {
            sx / st
        } else {
            1.0 / mean_t
        };
        vec![1.0, (1.0 / rate).max(1e-6), 1.0, mean_t.max(1e-6)]
    }

    /// `Σ_i w_i ln L_i` at `p = [r, α, s, β]`; writes `∂/∂p` into `grad` when given.
    pub(crate) fn evaluate(&self, p: &[f64], grad: Option<&mut [f64]>) -> Result<f64> {
        let par = ParetoNbd::from_parameters(p)?;
        let want_grad = grad.is_some();
        let n = self.data.len();
        let chunk = |start: usize| -> Result<(f64, [f64; 4])> {
            let d = self.data;
            let end = (start + CHUNK).min(n);
            let mut ll = 0.0;
            let mut g = [0.0; 4];
            let mut ft: Option<FrequencyTerms> = None;
            for i in start..end {
                let x = d.frequency()[i];
                let terms = match ft {
                    Some(t) if t.x == x => t,
                    _ => {
                        let t = FrequencyTerms::new(&par, x, want_grad);
                        ft = Some(t);
                        t
                    }
                };
                let row = row_terms(&par, &terms, d.recency()[i], d.t()[i], want_grad)?;
                let w = d.weight()[i];
                ll += w * row.ln_l;
                for (gk, rk) in g.iter_mut().zip(row.grad) {
                    *gk += w * rk;
                }
            }
            Ok((ll, g))
        };
        let add = |a: (f64, [f64; 4]), b: (f64, [f64; 4])| {
            let mut g = a.1;
            for (gk, bk) in g.iter_mut().zip(b.1) {
                *gk += bk;
            }
            (a.0 + b.0, g)
        };
        #[cfg(feature = "parallel")]
        let total = {
            use rayon::prelude::*;
            // collect in order, then add sequentially: the sum does not depend on scheduling
            let parts: Vec<(f64, [f64; 4])> = (0..n.div_ceil(CHUNK))
                .into_par_iter()
                .map(|c| chunk(c * CHUNK))
                .collect::<Result<_>>()?;
            parts.into_iter().fold((0.0, [0.0; 4]), add)
        };
        #[cfg(not(feature = "parallel"))]
        let total = {
            let mut acc = (0.0, [0.0; 4]);
            for c in 0..n.div_ceil(CHUNK) {
                acc = add(acc, chunk(c * CHUNK)?);
            }
            acc
        };
        if let Some(out) = grad {
            out.copy_from_slice(&total.1);
        }
        Ok(total.0)
    }
}

impl Likelihood for ParetoNbdLikelihood<'_> {
    const MODEL: &'static str = super::MODEL_NAME;
    const NAMES: &'static [&'static str] = PARAMETER_NAMES;

    fn start(&self) -> Vec<f64> {
        self.start_values()
    }

    fn log_likelihood(&self, p: &[f64], grad: Option<&mut [f64]>) -> Result<f64> {
        self.evaluate(p, grad)
    }

    fn total_weight(&self) -> f64 {
        self.data.total_weight()
    }

    fn n_rows(&self) -> usize {
        self.data.len()
    }

    /// lifetimes' `ParetoNBDFitter` minimises `-Σ w ℓ / mean(w) + c Σ p²`; on one row per
    /// customer (`w = 1`) that is `LL - c Σ p²`, so the penalty is not scaled by the number
    /// of customers (unlike the other models).
    fn penalty_scale(&self) -> f64 {
        1.0
    }
}
