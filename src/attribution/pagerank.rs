//! PageRank by power iteration over a CSR [`Graph`].
//!
//! # Formula
//!
//! With damping `α`, personalization (teleport) distribution `p`, dangling distribution `d`
//! and row-stochastic transition `P[u][v] = w(u→v) / s(u)` (`s(u)` the out-strength of `u`),
//! one step maps the score vector `x` to
//!
//! ```text
//! x'[v] = α · ( Σ_{u→v} x[u]·w(u→v)/s(u)  +  d[v] · Σ_{u dangling} x[u] )  +  (1 − α) · p[v]
//! ```
//!
//! which is networkx's `pagerank` step (Page et al. 1999; Langville & Meyer 2004). The
//! [`DanglingRule::Stay`] rule instead keeps a dangling node's mass on the node itself (an
//! implicit self-loop), which makes the result linear in `p` — the revenue ledger relies on it.
//!
//! # Convergence
//!
//! The iteration stops when the L1 change `Σ|x' − x|` falls below `tolerance`. networkx
//! instead stops below `N · tolerance`, which on a 1-million-node graph with its default
//! `tol = 1e-6` accepts an L1 change of 1 — often after a single iteration. That rule is
//! available as [`StoppingRule::NetworkxScaled`] for parity checks. Reaching
//! `max_iterations` without converging is [`Error::NotConverged`], never a silent answer.
//!
//! # Implementation
//!
//! Pull form over the in-arcs (see `pull.rs`): each iteration writes every `x'[v]` once from
//! the in-neighbours' `y[u] = x[u] / s(u)` (inverse out-strengths precomputed), fusing the L1 change, the dangling
//! mass and the next `y` into the same pass. Under feature `parallel` rows are split into fixed
//! blocks run on rayon; results do not depend on the thread count.

use super::graph::Graph;
use super::par::zip_chunks_map;
use crate::error::{Error, Result};

/// Where the mass of dangling nodes (out-strength 0) goes at each step.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum DanglingRule {
    /// To the personalization distribution (networkx's default; uniform when there is no
    /// personalization).
    #[default]
    Personalization,
    /// Uniformly to all nodes.
    Uniform,
    /// To this distribution (non-negative, positive sum; normalized internally), one entry per
    /// node.
    Distribution(Vec<f64>),
    /// Stays on the dangling node (an implicit self-loop). Makes the scores linear in the
    /// personalization vector.
    Stay,
}

/// When the power iteration counts as converged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StoppingRule {
    /// L1 change `Σ|x' − x| < tolerance` (the tolerance is not scaled by the node count).
    #[default]
    L1,
    /// networkx's rule: L1 change `< N · tolerance` (for parity checks only; loose on large
    /// graphs).
    NetworkxScaled,
}

/// PageRank settings. Defaults: damping 0.85, tolerance 1e-10 (L1), at most 1000 iterations,
/// uniform personalization, dangling mass to the personalization, uniform start.
///
/// ```
/// use ltv::attribution::{GraphBuilder, PageRank};
/// // directed 0 → 1: closed form x0 = 1/(2+α), x1 = (1+α)/(2+α)
/// let mut b = GraphBuilder::new(true);
/// b.add_edge(0, 1, 1.0)?;
/// let g = b.build()?;
/// let pr = PageRank::new().damping(0.5).tolerance(1e-14).run(&g)?;
/// assert!((pr.scores[0] - 1.0 / 2.5).abs() < 1e-12);
/// # Ok::<(), ltv::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct PageRank {
    damping: f64,
    tolerance: f64,
    max_iterations: usize,
    personalization: Option<Vec<f64>>,
    dangling: DanglingRule,
    start: Option<Vec<f64>>,
    stopping: StoppingRule,
}

impl Default for PageRank {
    fn default() -> Self {
        Self::new()
    }
}

/// The result of a converged PageRank run.
#[derive(Debug, Clone, PartialEq)]
pub struct PageRankScores {
    /// Score per node; non-negative and summing to 1 (up to rounding).
    pub scores: Vec<f64>,
    /// Iterations performed.
    pub iterations: usize,
    /// L1 change of the last iteration.
    pub l1_change: f64,
}

impl PageRank {
    /// Default settings (see the type's docs).
    pub fn new() -> Self {
        Self {
            damping: 0.85,
            tolerance: 1e-10,
            max_iterations: 1000,
            personalization: None,
            dangling: DanglingRule::Personalization,
            start: None,
            stopping: StoppingRule::L1,
        }
    }

    /// Damping factor `α` in `[0, 1)`: the probability of following an edge.
    pub fn damping(mut self, damping: f64) -> Self {
        self.damping = damping;
        self
    }

    /// Convergence tolerance on the L1 change (> 0).
    pub fn tolerance(mut self, tolerance: f64) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// Iteration cap (>= 1); hitting it is an error.
    pub fn max_iterations(mut self, max_iterations: usize) -> Self {
        self.max_iterations = max_iterations;
        self
    }

    /// Personalization (teleport) weights, one per node: non-negative, positive sum,
    /// normalized internally. `None` means uniform.
    pub fn personalization(mut self, weights: Option<Vec<f64>>) -> Self {
        self.personalization = weights;
        self
    }

    /// Rule for dangling nodes' mass.
    pub fn dangling(mut self, rule: DanglingRule) -> Self {
        self.dangling = rule;
        self
    }

    /// Warm start: initial scores, one per node (non-negative, positive sum; normalized).
    /// Converges to the same fixed point in fewer iterations when close to it.
    pub fn start(mut self, scores: Option<Vec<f64>>) -> Self {
        self.start = scores;
        self
    }

    /// Stopping rule ([`StoppingRule::L1`] unless checking parity with networkx).
    pub fn stopping(mut self, rule: StoppingRule) -> Self {
        self.stopping = rule;
        self
    }

    /// Settings equal to `networkx.pagerank(G, alpha, tol=tol)`: networkx's scaled stopping
    /// rule, dangling mass to the personalization, uniform start.
    pub fn networkx(damping: f64, tol: f64) -> Self {
        Self::new()
            .damping(damping)
            .tolerance(tol)
            .max_iterations(100)
            .stopping(StoppingRule::NetworkxScaled)
    }

    /// Runs the power iteration on `graph`.
    ///
    /// # Errors
    /// * [`Error::InvalidParameter`] for damping outside `[0, 1)`, a non-positive or NaN
    ///   tolerance, zero `max_iterations`, or a vector (personalization, dangling distribution,
    ///   start) with a negative/NaN/infinite entry or zero sum;
    /// * [`Error::LengthMismatch`] when a vector's length is not the node count;
    /// * [`Error::NotConverged`] when `max_iterations` pass without meeting the tolerance.
    pub fn run(&self, graph: &Graph) -> Result<PageRankScores> {
        let n = graph.node_count();
        self.check_scalars()?;
        let alpha = self.damping;
        let p = normalized(self.personalization.as_deref(), n, "personalization")?;
        let (dangling, stay) = match &self.dangling {
            DanglingRule::Personalization => (p.clone(), false),
            DanglingRule::Uniform => (Dist::Uniform(1.0 / n as f64), false),
            DanglingRule::Distribution(d) => (normalized(Some(d), n, "dangling")?, false),
            DanglingRule::Stay => (Dist::Uniform(0.0), true),
        };
        let mut x = match &self.start {
            Some(s) => normalized(Some(s), n, "start")?.to_vec(n),
            None => vec![1.0 / n as f64; n],
        };
        if n == 0 {
            return Ok(PageRankScores {
                scores: Vec::new(),
                iterations: 0,
                l1_change: 0.0,
            });
        }
        let threshold = match self.stopping {
            StoppingRule::L1 => self.tolerance,
            StoppingRule::NetworkxScaled => self.tolerance * n as f64,
        };
        let inv_out: Vec<f64> = graph
            .out_strengths()
            .iter()
            .map(|&s| if s > 0.0 { 1.0 / s } else { 0.0 })
            .collect();
        let mut y: Vec<f64> = x.iter().zip(&inv_out).map(|(a, b)| a * b).collect();
        let mut dangling_mass: f64 = x
            .iter()
            .zip(&inv_out)
            .filter(|(_, &i)| i == 0.0)
            .map(|(a, _)| a)
            .sum();
        let mut x_next = vec![0.0; n];
        let mut y_next = vec![0.0; n];
        let kernel = Kernel {
            graph,
            alpha,
            p: &p,
            dangling: &dangling,
            stay,
            inv_out: &inv_out,
        };
        let mut change = f64::INFINITY;
        for iteration in 1..=self.max_iterations {
            let block = graph.pull().block_rows();
            let parts = zip_chunks_map(&mut x_next, &mut y_next, block, |start, xs, ys| {
                kernel.block(start, xs, ys, &x, &y, dangling_mass)
            });
            change = 0.0;
            dangling_mass = 0.0;
            for (c, d) in parts {
                change += c;
                dangling_mass += d;
            }
            std::mem::swap(&mut x, &mut x_next);
            std::mem::swap(&mut y, &mut y_next);
            if !change.is_finite() {
                return Err(Error::numerical(
                    "pagerank",
                    format!("non-finite L1 change at iteration {iteration}"),
                ));
            }
            if change < threshold {
                return Ok(PageRankScores {
                    scores: x,
                    iterations: iteration,
                    l1_change: change,
                });
            }
        }
        Err(Error::NotConverged {
            model: "pagerank".into(),
            iterations: self.max_iterations as u64,
            gradient_norm: change,
            reason: format!("L1 change {change:e} still above {threshold:e}"),
        })
    }

    fn check_scalars(&self) -> Result<()> {
        if !(self.damping >= 0.0 && self.damping < 1.0) {
            return Err(Error::invalid_parameter(
                "damping",
                self.damping,
                "must be in [0, 1)",
            ));
        }
        if !(self.tolerance > 0.0 && self.tolerance.is_finite()) {
            return Err(Error::invalid_parameter(
                "tolerance",
                self.tolerance,
                "must be finite and > 0",
            ));
        }
        if self.max_iterations == 0 {
            return Err(Error::invalid_parameter(
                "max_iterations",
                0.0,
                "must be at least 1",
            ));
        }
        Ok(())
    }
}

/// A probability distribution over nodes: uniform (one value) or explicit.
#[derive(Debug, Clone)]
enum Dist {
    Uniform(f64),
    Explicit(Vec<f64>),
}

impl Dist {
    #[inline(always)]
    fn at(&self, i: usize) -> f64 {
        match self {
            Dist::Uniform(c) => *c,
            Dist::Explicit(v) => v[i],
        }
    }

    fn to_vec(&self, n: usize) -> Vec<f64> {
        match self {
            Dist::Uniform(c) => vec![*c; n],
            Dist::Explicit(v) => v.clone(),
        }
    }
}

/// Checks and normalizes an optional per-node weight vector (`None` = uniform).
fn normalized(v: Option<&[f64]>, n: usize, name: &str) -> Result<Dist> {
    let Some(v) = v else {
        return Ok(Dist::Uniform(1.0 / n as f64));
    };
    if v.len() != n {
        return Err(Error::LengthMismatch {
            left: name.into(),
            left_len: v.len(),
            right: "graph nodes".into(),
            right_len: n,
        });
    }
    for (i, &w) in v.iter().enumerate() {
        if !(w.is_finite() && w >= 0.0) {
            return Err(Error::invalid_parameter(
                format!("{name}[{i}]"),
                w,
                "must be finite and non-negative",
            ));
        }
    }
    let sum: f64 = v.iter().sum();
    if !(sum > 0.0 && sum.is_finite()) {
        return Err(Error::invalid_parameter(
            format!("sum of {name}"),
            sum,
            "must be finite and > 0",
        ));
    }
    Ok(Dist::Explicit(v.iter().map(|w| w / sum).collect()))
}

/// One power-iteration step over a block of rows.
struct Kernel<'a> {
    graph: &'a Graph,
    alpha: f64,
    p: &'a Dist,
    dangling: &'a Dist,
    stay: bool,
    inv_out: &'a [f64],
}

impl Kernel<'_> {
    /// Writes `x'` and `y' = x'/s` for the rows starting at `start`; returns the block's
    /// L1 change and its dangling mass.
    fn block(
        &self,
        start: usize,
        xs: &mut [f64],
        ys: &mut [f64],
        x: &[f64],
        y: &[f64],
        dangling_mass: f64,
    ) -> (f64, f64) {
        self.graph.pull().pull_block(start, xs, y);
        let alpha = self.alpha;
        let teleport = 1.0 - alpha;
        let mut change = 0.0;
        let mut dangling_next = 0.0;
        let x = &x[start..start + xs.len()];
        let inv_out = &self.inv_out[start..start + xs.len()];
        for (k, ((xv, yv), (&old, &inv))) in xs
            .iter_mut()
            .zip(ys.iter_mut())
            .zip(x.iter().zip(inv_out))
            .enumerate()
        {
            let v = start + k;
            let mut s = *xv;
            if self.stay {
                if inv == 0.0 {
                    s += old;
                }
            } else {
                s += dangling_mass * self.dangling.at(v);
            }
            let new = alpha * s + teleport * self.p.at(v);
            change += (new - old).abs();
            if inv == 0.0 {
                dangling_next += new;
            }
            *xv = new;
            *yv = new * inv;
        }
        (change, dangling_next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attribution::GraphBuilder;

    fn path() -> Graph {
        let mut b = GraphBuilder::new(true);
        b.add_edge(0, 1, 1.0).unwrap();
        b.build().unwrap()
    }

    #[test]
    fn validation_errors_are_typed() {
        let g = path();
        for a in [-0.1, 1.0, f64::NAN] {
            assert!(matches!(
                PageRank::new().damping(a).run(&g),
                Err(Error::InvalidParameter { ref name, .. }) if name == "damping"
            ));
        }
        assert!(matches!(
            PageRank::new().tolerance(f64::NAN).run(&g),
            Err(Error::InvalidParameter { .. })
        ));
        assert!(matches!(
            PageRank::new()
                .personalization(Some(vec![0.0, 0.0]))
                .run(&g),
            Err(Error::InvalidParameter { .. })
        ));
        assert!(matches!(
            PageRank::new()
                .personalization(Some(vec![1.0, f64::NAN]))
                .run(&g),
            Err(Error::InvalidParameter { .. })
        ));
        assert!(matches!(
            PageRank::new().personalization(Some(vec![1.0])).run(&g),
            Err(Error::LengthMismatch { .. })
        ));
        assert!(matches!(
            PageRank::new().max_iterations(2).tolerance(1e-15).run(&g),
            Err(Error::NotConverged { .. })
        ));
    }

    #[test]
    fn empty_graph_gives_empty_scores() {
        let g = GraphBuilder::new(true).build().unwrap();
        assert!(PageRank::new().run(&g).unwrap().scores.is_empty());
    }
}
