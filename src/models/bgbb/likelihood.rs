//! The BG/BB log-likelihood and its analytic gradient (Fader, Hardie & Shang 2010, eq. 5).

use statrs::function::gamma::digamma;

use crate::error::{Error, Result};
use crate::fit::Likelihood;
use crate::summary::CompressedSummary;

/// Every this many steps of the recurrences along the death period, the log-beta and digamma
/// values are recomputed from scratch (bounds the drift of the recurrences).
const RESYNC: usize = 32;

/// `ln B(x, y)`, accurate for large arguments (long histories).
pub(crate) use crate::special::ln_beta;

/// The BG/BB likelihood on a compressed summary whose `t` column is the number of
/// transaction opportunities `n` (periods), `frequency` the number of transactions `x` and
/// `recency` the period `t_x` of the last one.
///
/// Per customer (paper eq. 5), with `B` the beta function:
///
/// ```text
/// L = B(α+x, β+n−x)/B(α,β) · B(γ, δ+n)/B(γ,δ)
///   + Σ_{i=0}^{n−t_x−1} B(α+x, β+t_x−x+i)/B(α,β) · B(γ+1, δ+t_x+i)/B(γ,δ)
/// ```
///
/// The first term is "alive through period n", the i-th term of the sum "died at the start of
/// period t_x+i+1". Summed on the log scale (log-sum-exp) with the softmax-weighted gradients
/// of the terms; the log-beta and digamma values along `i` follow from
/// `B(u, v+1) = B(u, v) · v/(u+v)` and `ψ(v+1) = ψ(v) + 1/v`.
pub(crate) struct BgBbLikelihood<'a> {
    frequency: &'a [f64],
    recency: &'a [f64],
    periods: &'a [f64],
    weight: &'a [f64],
    total_weight: f64,
}

impl<'a> BgBbLikelihood<'a> {
    pub(crate) fn new(data: &'a CompressedSummary) -> Self {
        Self::from_columns(data.frequency(), data.recency(), data.t(), data.weight())
    }

    /// The likelihood on checked columns of equal length (discrete rows, see
    /// `check_discrete_row`).
    pub(crate) fn from_columns(
        frequency: &'a [f64],
        recency: &'a [f64],
        periods: &'a [f64],
        weight: &'a [f64],
    ) -> Self {
        Self {
            frequency,
            recency,
            periods,
            weight,
            total_weight: weight.iter().sum(),
        }
    }
}

/// Terms shared by every row: `−ln B(α,β) − ln B(γ,δ)` and its gradient.
pub(crate) struct Common {
    pub(crate) value: f64,
    pub(crate) grad: [f64; 4],
}

impl Common {
    pub(crate) fn new(p: &[f64], with_grad: bool) -> Self {
        let [al, be, ga, de] = [p[0], p[1], p[2], p[3]];
        let value = -ln_beta(al, be) - ln_beta(ga, de);
        let grad = if with_grad {
            let (ab, gd) = (digamma(al + be), digamma(ga + de));
            [
                ab - digamma(al),
                ab - digamma(be),
                gd - digamma(ga),
                gd - digamma(de),
            ]
        } else {
            [0.0; 4]
        };
        Common { value, grad }
    }
}

/// Online log-sum-exp of terms `ℓ_k` with the matching softmax-weighted gradient.
struct LogSumExp {
    max: f64,
    sum: f64,
    grad: [f64; 4],
}

impl LogSumExp {
    fn new() -> Self {
        Self {
            max: f64::NEG_INFINITY,
            sum: 0.0,
            grad: [0.0; 4],
        }
    }

    fn add(&mut self, l: f64, d: &[f64; 4]) {
        if l > self.max {
            let scale = (self.max - l).exp();
            self.sum *= scale;
            for g in &mut self.grad {
                *g *= scale;
            }
            self.max = l;
        }
        let e = (l - self.max).exp();
        self.sum += e;
        for (g, dk) in self.grad.iter_mut().zip(d) {
            *g += e * dk;
        }
    }

    fn value(&self) -> f64 {
        self.max + self.sum.ln()
    }

    fn gradient(&self) -> [f64; 4] {
        self.grad.map(|g| g / self.sum)
    }
}

/// `ln L` of one row without the common term `−ln B(α,β) − ln B(γ,δ)`, and (when asked) its
/// gradient. `x`, `tx`, `n` are integers with `0 ≤ x ≤ tx ≤ n` (checked by the caller).
pub(crate) fn row_log_likelihood(
    p: &[f64],
    x: f64,
    tx: f64,
    n: f64,
    with_grad: bool,
) -> (f64, [f64; 4]) {
    let [al, be, ga, de] = [p[0], p[1], p[2], p[3]];
    let ax = al + x;
    let mut lse = LogSumExp::new();

    // alive through period n
    let u = be + n - x;
    let s = de + n;
    let la = ln_beta(ax, u) + ln_beta(ga, s);
    let da = if with_grad {
        let (pa, pg) = (digamma(ax + u), digamma(ga + s));
        [
            digamma(ax) - pa,
            digamma(u) - pa,
            digamma(ga) - pg,
            digamma(s) - pg,
        ]
    } else {
        [0.0; 4]
    };
    lse.add(la, &da);

    // died at the start of period tx + i + 1, i = 0 .. n − tx − 1
    let deaths = (n - tx) as usize;
    let g1 = ga + 1.0;
    let psi_ax = if with_grad { digamma(ax) } else { 0.0 };
    let psi_g1 = if with_grad { digamma(g1) } else { 0.0 };
    let (mut u, mut s) = (be + tx - x, de + tx);
    let (mut lb_u, mut lb_s) = (0.0, 0.0);
    let (mut psi_u, mut psi_axu, mut psi_s, mut psi_g1s) = (0.0, 0.0, 0.0, 0.0);
    for i in 0..deaths {
        if i % RESYNC == 0 {
            lb_u = ln_beta(ax, u);
            lb_s = ln_beta(g1, s);
            if with_grad {
                psi_u = digamma(u);
                psi_axu = digamma(ax + u);
                psi_s = digamma(s);
                psi_g1s = digamma(g1 + s);
            }
        }
        let d = [
            psi_ax - psi_axu,
            psi_u - psi_axu,
            psi_g1 - psi_g1s,
            psi_s - psi_g1s,
        ];
        lse.add(lb_u + lb_s, &d);
        // step u → u + 1, s → s + 1
        lb_u += (u / (ax + u)).ln();
        lb_s += (s / (g1 + s)).ln();
        if with_grad {
            psi_u += 1.0 / u;
            psi_axu += 1.0 / (ax + u);
            psi_s += 1.0 / s;
            psi_g1s += 1.0 / (g1 + s);
        }
        u += 1.0;
        s += 1.0;
    }
    (lse.value(), lse.gradient())
}

impl Likelihood for BgBbLikelihood<'_> {
    const MODEL: &'static str = "bgbb";
    const NAMES: &'static [&'static str] = &["alpha", "beta", "gamma", "delta"];

    /// `α = β = γ = δ = 1`: uniform transaction and dropout probabilities.
    fn start(&self) -> Vec<f64> {
        vec![1.0, 1.0, 1.0, 1.0]
    }

    fn log_likelihood(&self, p: &[f64], grad: Option<&mut [f64]>) -> Result<f64> {
        let with_grad = grad.is_some();
        let common = Common::new(p, with_grad);
        let mut ll = 0.0;
        let mut g = [0.0; 4];
        for i in 0..self.frequency.len() {
            let w = self.weight[i];
            let (l, d) = row_log_likelihood(
                p,
                self.frequency[i],
                self.recency[i],
                self.periods[i],
                with_grad,
            );
            ll += w * (l + common.value);
            if with_grad {
                for k in 0..4 {
                    g[k] += w * (d[k] + common.grad[k]);
                }
            }
        }
        if !ll.is_finite() || g.iter().any(|v| !v.is_finite()) {
            return Err(Error::numerical(
                "BG/BB log-likelihood",
                format!("non-finite value at parameters {p:?}"),
            ));
        }
        if let Some(out) = grad {
            out.copy_from_slice(&g);
        }
        Ok(ll)
    }

    fn total_weight(&self) -> f64 {
        self.total_weight
    }

    fn n_rows(&self) -> usize {
        self.frequency.len()
    }
}
