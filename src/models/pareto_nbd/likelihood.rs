//! The weighted Pareto/NBD log-likelihood over a compressed summary (the optimizer's
//! problem).

use super::params::{ParetoNbd, PARAMETER_NAMES};
use super::row::{row_terms_with, FrequencyTerms};
use super::tail::{tails_descending, Tail};
use crate::error::Result;
use crate::fit::Likelihood;
use crate::models::ModelParameters;
use crate::summary::CompressedSummary;

/// Rows per parallel chunk.
const CHUNK: usize = 2048;
/// Tail points per chain (a chain restarts with one series evaluation; blocks run in
/// parallel).
const BLOCK: usize = 4096;

/// Where each row's tails are: the distinct tail points of each frequency, descending.
#[derive(Debug, Clone)]
struct Plan {
    /// Tail points, grouped by frequency, each group descending.
    ys: Vec<f64>,
    /// Chains: (frequency, start, end) into `ys`.
    blocks: Vec<(f64, usize, usize)>,
    /// Per row: indices into `ys` of its tails at `t_x` and `T` (`usize::MAX` when
    /// `t_x = T`: no tail needed).
    at: Vec<(usize, usize)>,
}

impl Plan {
    fn new(d: &CompressedSummary) -> Self {
        let n = d.len();
        // rows by frequency (bit pattern: frequencies are finite and >= 0)
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by(|&i, &j| d.frequency()[i].total_cmp(&d.frequency()[j]));
        let mut ys = Vec::new();
        let mut blocks = Vec::new();
        let mut at = vec![(usize::MAX, usize::MAX); n];
        let mut g0 = 0;
        while g0 < n {
            let x = d.frequency()[order[g0]];
            let mut g1 = g0;
            while g1 < n && d.frequency()[order[g1]] == x {
                g1 += 1;
            }
            // (y, row, which) for the rows of this frequency that need tails
            let mut pts: Vec<(f64, usize, bool)> = Vec::new();
            for &i in &order[g0..g1] {
                if d.recency()[i] != d.t()[i] {
                    pts.push((d.recency()[i], i, false));
                    pts.push((d.t()[i], i, true));
                }
            }
            pts.sort_by(|a, b| b.0.total_cmp(&a.0));
            let start = ys.len();
            for (y, i, is_t) in pts {
                if ys.len() == start || *ys.last().unwrap_or(&f64::NAN) != y {
                    ys.push(y);
                }
                let k = ys.len() - 1;
                if is_t {
                    at[i].1 = k;
                } else {
                    at[i].0 = k;
                }
            }
            let end = ys.len();
            let mut b = start;
            while b < end {
                let e = (b + BLOCK).min(end);
                blocks.push((x, b, e));
                b = e;
            }
            g0 = g1;
        }
        Self { ys, blocks, at }
    }
}

/// Deterministic starting values (see [`ParetoNbdLikelihood::start_values`]).
pub(crate) fn start_values(d: &CompressedSummary) -> Vec<f64> {
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

/// The Pareto/NBD log-likelihood of a compressed summary; borrows the data.
#[derive(Debug, Clone)]
pub(crate) struct ParetoNbdLikelihood<'a> {
    data: &'a CompressedSummary,
    plan: Plan,
}

impl<'a> ParetoNbdLikelihood<'a> {
    pub(crate) fn new(data: &'a CompressedSummary) -> Self {
        Self {
            data,
            plan: Plan::new(data),
        }
    }

    /// Deterministic starting values: `r = s = 1`; `α` so that the mean purchase rate `r/α`
    /// is the observed repeat rate `Σ x / Σ T`; `β` the mean age (a customer stays about one
    /// observation window).
    pub(crate) fn start_values(&self) -> Vec<f64> {
        start_values(self.data)
    }

    /// The tails at every planned point, in the plan's order.
    fn tails(&self, par: &ParetoNbd, grad: bool) -> Result<Vec<Tail>> {
        let plan = &self.plan;
        let block = |&(x, b, e): &(f64, usize, usize)| -> Result<Vec<Tail>> {
            let mut out = Vec::with_capacity(e - b);
            tails_descending(par, x, &plan.ys[b..e], grad, &mut out)?;
            Ok(out)
        };
        #[cfg(feature = "parallel")]
        let parts: Vec<Vec<Tail>> = {
            use rayon::prelude::*;
            plan.blocks.par_iter().map(block).collect::<Result<_>>()?
        };
        #[cfg(not(feature = "parallel"))]
        let parts: Vec<Vec<Tail>> = plan.blocks.iter().map(block).collect::<Result<_>>()?;
        Ok(parts.concat())
    }

    /// `Σ_i w_i ln L_i` at `p = [r, α, s, β]`; writes `∂/∂p` into `grad` when given.
    pub(crate) fn evaluate(&self, p: &[f64], grad: Option<&mut [f64]>) -> Result<f64> {
        let par = ParetoNbd::from_parameters(p)?;
        let want_grad = grad.is_some();
        let n = self.data.len();
        let tails = self.tails(&par, want_grad)?;
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
                let (ix, it) = self.plan.at[i];
                let pair = (ix != usize::MAX).then(|| (tails[ix], tails[it]));
                let row = row_terms_with(&par, &terms, d.recency()[i], d.t()[i], want_grad, pair)?;
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
