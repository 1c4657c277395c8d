//! The revenue ledger: personalized PageRank seeded by revenue, rounded to minor units.
//!
//! # Model
//!
//! Revenue starts where it was paid. A random walker carrying one unit of a payer's revenue
//! follows a match with probability `α` (in proportion to the revenue carried by the match)
//! and returns to its payer with probability `1 − α`; a user with no revenue-carrying match
//! keeps what reaches them. The share of time the walker spends at each user is that user's
//! credit. In matrix form, with seed vector `s` (revenue paid per user) and the column-
//! stochastic walk `M` with self-loops at dangling users ([`DanglingRule::Stay`]):
//!
//! ```text
//! credit = (1 − α) · (I − α·M)^{-1} · s
//! ```
//!
//! which is **linear** in `s` — the credit of two revenue streams is the sum of their credits —
//! and preserves the total: `Σ credit = Σ s` (columns of `M` sum to 1). networkx's default
//! dangling rule (mass to the personalization) would make the result depend non-linearly on
//! the seeds, which is why the ledger fixes the rule.
//!
//! Credits are then rounded to whole minor currency units by the largest-remainder method, so
//! they add up to the booked revenue exactly, and reproducibly (ties go to the lower user
//! index).
//!
//! # Graph from the logs
//!
//! [`RevenueLedger::from_logs`] splits every payment over the payer's eligible matches in
//! proportion to their (decayed) weights ([`Crediting`]: only matches at or before the
//! payment, within the look-back window). Then:
//!
//! * revenue of payments with no eligible match stays with its payer and never enters the
//!   walk;
//! * every payer `u` with eligible revenue gets a *source* node `u*`, seeded with that revenue.
//!   Its arcs go to the partners of `u`'s own payments only, weighted by the revenue each was
//!   credited — so the first step of every walk respects time exactly: a match made after a
//!   payment, or one that carried only the partner's revenue, never receives it directly.
//!   Whatever the walk leaves at `u*` (the `1 − α` of each return) is `u`'s credit;
//! * between users, each match edge is undirected and weighted by all the revenue it carried
//!   (both directions): from a partner, credit moves on to *their* revenue-carrying partners
//!   (including back to the payer), which is how an enabler of an enabler shares in revenue.
//!
//! With one payer and one partner this gives the payer `1/(1+α)` and the partner `α/(1+α)` of
//! each payment, as PageRank on the single undirected edge. The map stays linear in the
//! revenue and preserves its total. Matches that carried no revenue carry no credit.

use super::crediting::Crediting;
use super::graph::{Graph, GraphBuilder};
use super::logs::Logs;
use super::money::largest_remainder;
use super::pagerank::{DanglingRule, PageRank};
use crate::error::{Error, Result};

/// Settings of the revenue ledger. Defaults: damping 0.85, L1 tolerance 1e-13 on the
/// normalized credit vector, at most 10,000 iterations.
///
/// ```
/// use ltv::attribution::{Crediting, Logs, RevenueLedger};
/// let mut logs = Logs::new(2);
/// logs.add_match("payer", "partner", 0, 1.0)?;
/// logs.add_payment("payer", 3_600, 1_000)?; // 10.00
/// let credit = RevenueLedger::new().damping(0.5).from_logs(&logs, &Crediting::new())?;
/// // two users joined by one edge: payer 1/(1+α), partner α/(1+α)
/// assert_eq!(credit, vec![667, 333]);
/// # Ok::<(), ltv::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct RevenueLedger {
    damping: f64,
    tolerance: f64,
    max_iterations: usize,
}

impl Default for RevenueLedger {
    fn default() -> Self {
        Self::new()
    }
}

impl RevenueLedger {
    /// Default settings.
    pub fn new() -> Self {
        Self {
            damping: 0.85,
            tolerance: 1e-13,
            max_iterations: 10_000,
        }
    }

    /// Probability `α ∈ [0, 1)` that credit moves on along a match.
    pub fn damping(mut self, damping: f64) -> Self {
        self.damping = damping;
        self
    }

    /// L1 tolerance of the power iteration on the normalized credit vector.
    pub fn tolerance(mut self, tolerance: f64) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// Iteration cap; hitting it is [`Error::NotConverged`].
    pub fn max_iterations(mut self, max_iterations: usize) -> Self {
        self.max_iterations = max_iterations;
        self
    }

    /// Real-valued credit per node for seeds `seeds` (revenue per node, non-negative): the
    /// linear map `(1 − α)(I − αM)^{-1} s`. Sums to `Σ seeds`. All-zero seeds give all-zero
    /// credit.
    ///
    /// # Errors
    /// As [`PageRank::run`]: bad damping, negative/NaN seeds, wrong length, no convergence.
    pub fn credit(&self, graph: &Graph, seeds: &[f64]) -> Result<Vec<f64>> {
        if seeds.len() != graph.node_count() {
            return Err(Error::LengthMismatch {
                left: "seeds".into(),
                left_len: seeds.len(),
                right: "graph nodes".into(),
                right_len: graph.node_count(),
            });
        }
        if let Some(i) = seeds.iter().position(|s| !(s.is_finite() && *s >= 0.0)) {
            return Err(Error::invalid_parameter(
                format!("seeds[{i}]"),
                seeds[i],
                "must be finite and non-negative",
            ));
        }
        let total: f64 = seeds.iter().sum();
        if total == 0.0 {
            // still validate the damping so bad settings never pass silently
            if !(self.damping >= 0.0 && self.damping < 1.0) {
                return Err(Error::invalid_parameter(
                    "damping",
                    self.damping,
                    "must be in [0, 1)",
                ));
            }
            return Ok(vec![0.0; seeds.len()]);
        }
        let pr = PageRank::new()
            .damping(self.damping)
            .tolerance(self.tolerance)
            .max_iterations(self.max_iterations)
            .personalization(Some(seeds.to_vec()))
            .dangling(DanglingRule::Stay)
            .start(Some(seeds.to_vec()))
            .run(graph)?;
        Ok(pr.scores.into_iter().map(|x| x * total).collect())
    }

    /// Credit in whole minor units for integer seeds: [`RevenueLedger::credit`] rounded by
    /// largest remainder so that the credits add up to `Σ seeds` exactly.
    ///
    /// # Errors
    /// As [`RevenueLedger::credit`]; [`Error::InvalidParameter`] for a negative seed.
    pub fn credit_minor(&self, graph: &Graph, seeds: &[i64]) -> Result<Vec<i64>> {
        if let Some(i) = seeds.iter().position(|&s| s < 0) {
            return Err(Error::invalid_parameter(
                format!("seeds[{i}]"),
                seeds[i] as f64,
                "must be non-negative",
            ));
        }
        let total: i64 = seeds
            .iter()
            .try_fold(0i64, |a, &s| a.checked_add(s))
            .ok_or_else(|| Error::numerical("revenue ledger", "total revenue overflows i64"))?;
        let real: Vec<f64> = seeds.iter().map(|&s| s as f64).collect();
        let credit = self.credit(graph, &real)?;
        largest_remainder(&credit, total)
    }

    /// The ledger of the logs: credit per user (by [`Logs::users`] index) in minor units,
    /// adding up to [`Logs::total_revenue`].
    ///
    /// # Errors
    /// As [`RevenueLedger::credit_minor`].
    pub fn from_logs(&self, logs: &Logs, crediting: &Crediting) -> Result<Vec<i64>> {
        let split = crediting.eligibility(logs).split_revenue(logs);
        let n = split.users;
        // a source node per payer with eligible revenue, after the n users
        let mut source_of: Vec<Option<u32>> = vec![None; n];
        let mut sources: Vec<u32> = Vec::new();
        for &(payer, _, _) in &split.arcs {
            if source_of[payer as usize].is_none() {
                source_of[payer as usize] = Some((n + sources.len()) as u32);
                sources.push(payer);
            }
        }
        let mut b = GraphBuilder::new(true).with_node_count(n + sources.len());
        b.reserve(2 * split.pairs.len() + split.arcs.len());
        for &(a, c, r) in &split.pairs {
            b.add_edge(a, c, r)?;
            b.add_edge(c, a, r)?;
        }
        let mut seeds = vec![0.0; n + sources.len()];
        for &(payer, partner, r) in &split.arcs {
            let s = source_of[payer as usize].unwrap_or_default();
            b.add_edge(s, partner, r)?;
            seeds[s as usize] += r;
        }
        let graph = b.build()?;
        let walked = self.credit(&graph, &seeds)?;
        let mut credit: Vec<f64> = walked[..n].to_vec();
        for (k, &payer) in sources.iter().enumerate() {
            credit[payer as usize] += walked[n + k];
        }
        for (c, k) in credit.iter_mut().zip(&split.kept) {
            *c += k;
        }
        let total = logs.total_revenue();
        largest_remainder(&credit, total)
    }
}

/// The undirected user graph whose edge weights are the revenue each pair of users carried
/// under `crediting` (see the module docs). Node `i` is user `i` of [`Logs::users`].
///
/// # Errors
/// [`Error::Graph`] only if a weight overflows.
pub fn revenue_graph(logs: &Logs, crediting: &Crediting) -> Result<Graph> {
    let split = crediting.eligibility(logs).split_revenue(logs);
    let mut b = GraphBuilder::new(false).with_node_count(split.users);
    b.reserve(split.pairs.len());
    for &(a, c, r) in &split.pairs {
        b.add_edge(a, c, r)?;
    }
    b.build()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn triangle() -> Graph {
        let mut b = GraphBuilder::new(false).with_node_count(5);
        b.add_edge(0, 1, 2.0).unwrap();
        b.add_edge(1, 2, 1.0).unwrap();
        b.add_edge(2, 0, 3.0).unwrap();
        b.add_edge(3, 2, 0.5).unwrap();
        b.build().unwrap() // node 4 isolated
    }

    #[test]
    fn linear_in_seeds_and_total_preserving() {
        let g = triangle();
        let l = RevenueLedger::new();
        let s1 = [3.0, 0.0, 1.0, 0.0, 2.0];
        let s2 = [0.0, 5.0, 0.0, 7.0, 0.0];
        let sum: Vec<f64> = s1.iter().zip(&s2).map(|(a, b)| a + b).collect();
        let c1 = l.credit(&g, &s1).unwrap();
        let c2 = l.credit(&g, &s2).unwrap();
        let c12 = l.credit(&g, &sum).unwrap();
        for i in 0..5 {
            assert!((c1[i] + c2[i] - c12[i]).abs() < 1e-10);
        }
        assert!((c12.iter().sum::<f64>() - 18.0).abs() < 1e-10);
        // isolated seed keeps its revenue
        assert!((c1[4] - 2.0).abs() < 1e-12);
    }

    #[test]
    fn minor_units_add_up() {
        let g = triangle();
        let c = RevenueLedger::new()
            .credit_minor(&g, &[101, 0, 7, 3, 0])
            .unwrap();
        assert_eq!(c.iter().sum::<i64>(), 111);
        assert_eq!(
            RevenueLedger::new().credit_minor(&g, &[0; 5]).unwrap(),
            vec![0; 5]
        );
        assert!(RevenueLedger::new()
            .credit_minor(&g, &[-1, 0, 0, 0, 0])
            .is_err());
        assert!(RevenueLedger::new().credit(&g, &[1.0]).is_err());
    }
}
