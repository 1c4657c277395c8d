//! A weighted sparse graph in compressed sparse row (CSR) form, built from an edge list.
//!
//! Nodes are dense indices `0..n` (see [`Interner`](super::Interner) for string ids). The
//! graph is stored twice: by source (out-rows, for strengths and walks) and by target in
//! cache-blocked tiles (for the pull form of the PageRank iteration, which writes each score
//! once and needs no atomics). Parallel edges are summed into one; an undirected edge `{u, v}` becomes the arcs
//! `u→v` and `v→u`, and an undirected self-loop `{u, u}` the single arc `u→u` (as networkx's
//! `to_scipy_sparse_array` does).

use super::pull::PullTiles;
use crate::error::{Error, GraphRule, Result};

/// A weighted directed or undirected graph in CSR form. Build with [`GraphBuilder`].
///
/// ```
/// use ltv::attribution::GraphBuilder;
/// let mut b = GraphBuilder::new(false); // undirected
/// b.add_edge(0, 1, 2.0)?;
/// b.add_edge(1, 0, 1.0)?; // parallel edge: summed
/// b.add_edge(1, 2, 1.0)?;
/// let g = b.build()?;
/// assert_eq!(g.node_count(), 3);
/// assert_eq!(g.out_strength(1), 4.0);
/// assert_eq!(g.out_neighbors(0).collect::<Vec<_>>(), vec![(1, 3.0)]);
/// # Ok::<(), ltv::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Graph {
    n: usize,
    directed: bool,
    out_offsets: Vec<usize>,
    out_targets: Vec<u32>,
    out_weights: Vec<f64>,
    pull: PullTiles,
    out_strength: Vec<f64>,
    unit_weights: bool,
}

impl Graph {
    /// Number of nodes.
    pub fn node_count(&self) -> usize {
        self.n
    }

    /// Number of stored arcs after merging parallel edges (an undirected edge counts twice,
    /// an undirected self-loop once).
    pub fn arc_count(&self) -> usize {
        self.out_targets.len()
    }

    /// Whether the graph was built as directed.
    pub fn is_directed(&self) -> bool {
        self.directed
    }

    /// Whether every edge was added with weight exactly 1 (PageRank then skips the weights).
    pub fn has_unit_weights(&self) -> bool {
        self.unit_weights
    }

    /// Sum of the weights of the arcs leaving `u` (its weighted out-degree). 0 marks a
    /// dangling node.
    ///
    /// # Panics
    /// If `u >= node_count()`.
    pub fn out_strength(&self, u: usize) -> f64 {
        self.out_strength[u]
    }

    /// All out-strengths, by node.
    pub fn out_strengths(&self) -> &[f64] {
        &self.out_strength
    }

    /// The `(target, weight)` arcs leaving `u`, by increasing target.
    ///
    /// # Panics
    /// If `u >= node_count()`.
    pub fn out_neighbors(&self, u: usize) -> impl ExactSizeIterator<Item = (u32, f64)> + '_ {
        let r = self.out_offsets[u]..self.out_offsets[u + 1];
        self.out_targets[r.clone()]
            .iter()
            .copied()
            .zip(self.out_weights[r].iter().copied())
    }

    /// The pull layout (in-arcs) used by PageRank.
    pub(crate) fn pull(&self) -> &PullTiles {
        &self.pull
    }
}

/// Collects edges and builds a [`Graph`].
///
/// Weights must be finite and non-negative (a zero weight is kept as an arc but carries no
/// walk probability). Node indices may be sparse: the graph has `max index + 1` nodes, or more
/// with [`GraphBuilder::with_node_count`].
#[derive(Debug, Clone)]
pub struct GraphBuilder {
    directed: bool,
    n: usize,
    /// Node count asked for with [`GraphBuilder::with_node_count`] /
    /// [`GraphBuilder::ensure_node_count`].
    declared: usize,
    src: Vec<u32>,
    dst: Vec<u32>,
    weight: Vec<f64>,
}

/// Node ids up to this many are always accepted by [`GraphBuilder::build`], whatever the
/// number of edges (the per-node arrays then take a few tens of MB at most).
pub const SPARSE_ID_ALLOWANCE: usize = 1 << 20;

impl GraphBuilder {
    /// An empty builder for a directed (`true`) or undirected (`false`) graph.
    pub fn new(directed: bool) -> Self {
        Self {
            directed,
            n: 0,
            declared: 0,
            src: Vec::new(),
            dst: Vec::new(),
            weight: Vec::new(),
        }
    }

    /// Ensures the graph has at least `n` nodes (isolated nodes count for PageRank).
    pub fn with_node_count(mut self, n: usize) -> Self {
        self.ensure_node_count(n);
        self
    }

    /// Ensures the graph has at least `n` nodes.
    pub fn ensure_node_count(&mut self, n: usize) {
        self.n = self.n.max(n);
        self.declared = self.declared.max(n);
    }

    /// Reserves room for `additional` more edges.
    pub fn reserve(&mut self, additional: usize) {
        self.src.reserve(additional);
        self.dst.reserve(additional);
        self.weight.reserve(additional);
    }

    /// Adds the edge `u → v` (or `{u, v}` when undirected) with `weight`.
    ///
    /// # Errors
    /// [`Error::Graph`] when the weight is negative, NaN, infinite or subnormal (positive
    /// but below `f64::MIN_POSITIVE`: `1 / weight` overflows).
    pub fn add_edge(&mut self, u: u32, v: u32, weight: f64) -> Result<()> {
        if !(weight.is_finite() && weight >= 0.0) {
            return Err(Error::Graph {
                rule: GraphRule::EdgeWeight {
                    from: u,
                    to: v,
                    weight,
                },
            });
        }
        if weight > 0.0 && weight < f64::MIN_POSITIVE {
            return Err(Error::Graph {
                rule: GraphRule::SubnormalWeight {
                    from: u,
                    to: v,
                    weight,
                },
            });
        }
        self.src.push(u);
        self.dst.push(v);
        self.weight.push(weight);
        self.n = self.n.max(u as usize + 1).max(v as usize + 1);
        Ok(())
    }

    /// Number of edges added so far.
    pub fn edge_count(&self) -> usize {
        self.src.len()
    }

    /// Builds the CSR graph, summing parallel edges.
    ///
    /// Node ids are dense indices `0..n`. An edge's id far beyond the edges there are (more
    /// than `SPARSE_ID_ALLOWANCE` = 2^20 and four times the number of edges, and beyond any declared
    /// node count) would make `build` allocate per-node arrays for billions of nodes that do
    /// not exist (`add_edge(u32::MAX, 0, 1.0)` asked for 34 GB); it is an error instead.
    ///
    /// # Errors
    /// [`Error::Graph`] when a summed weight overflows to infinity, or an edge names a node id
    /// far beyond the graph's size (intern the ids, or declare the node count with
    /// [`GraphBuilder::with_node_count`]).
    pub fn build(self) -> Result<Graph> {
        let allowed = self
            .declared
            .max(self.src.len().saturating_mul(4))
            .max(SPARSE_ID_ALLOWANCE);
        if self.n > allowed {
            let (i, _) = self
                .src
                .iter()
                .zip(&self.dst)
                .enumerate()
                .find(|(_, (&u, &v))| u.max(v) as usize >= allowed)
                .unwrap_or((0, (&0, &0)));
            return Err(Error::Graph {
                rule: GraphRule::SparseNodeId {
                    edge: i + 1,
                    from: self.src.get(i).copied().unwrap_or(0),
                    to: self.dst.get(i).copied().unwrap_or(0),
                    node: self.n - 1,
                    edges: self.src.len(),
                },
            });
        }
        let n = self.n;
        let directed = self.directed;
        // Arcs in both directions for undirected edges (self-loops once).
        let arc_iter = || {
            self.src
                .iter()
                .zip(&self.dst)
                .zip(&self.weight)
                .flat_map(move |((&u, &v), &w)| {
                    let back = (!directed && u != v).then_some((v, u, w));
                    std::iter::once((u, v, w)).chain(back)
                })
        };
        let (out_offsets, out_targets, out_weights) = csr_from_arcs(n, arc_iter(), true)?;
        let mut out_strength = vec![0.0; n];
        for (u, s) in out_strength.iter_mut().enumerate() {
            *s = out_weights[out_offsets[u]..out_offsets[u + 1]].iter().sum();
            if !s.is_finite() {
                return Err(Error::Graph {
                    rule: GraphRule::OutStrengthOverflow { node: u },
                });
            }
        }
        // Unit-weight input: keep parallel arcs unmerged in the pull layout and drop weights.
        let unit_weights = self.weight.iter().all(|&w| w == 1.0);
        let (in_offsets, in_sources, in_weights) =
            csr_from_arcs(n, arc_iter().map(|(u, v, w)| (v, u, w)), !unit_weights)?;
        let pull = PullTiles::from_in_csr(&in_offsets, &in_sources, &in_weights, unit_weights);
        Ok(Graph {
            n,
            directed,
            out_offsets,
            out_targets,
            out_weights,
            pull,
            out_strength,
            unit_weights,
        })
    }
}

/// Row-major CSR from `(row, col, weight)` arcs: counting sort by row, then sort each row by
/// column and (with `merge`) sum duplicates.
fn csr_from_arcs(
    n: usize,
    arcs: impl Iterator<Item = (u32, u32, f64)> + Clone,
    merge: bool,
) -> Result<(Vec<usize>, Vec<u32>, Vec<f64>)> {
    let mut counts = vec![0usize; n + 1];
    for (r, _, _) in arcs.clone() {
        counts[r as usize + 1] += 1;
    }
    for i in 0..n {
        counts[i + 1] += counts[i];
    }
    let total = counts[n];
    let mut cols = vec![0u32; total];
    let mut vals = vec![0.0f64; total];
    let mut next = counts.clone();
    for (r, c, w) in arcs {
        let k = &mut next[r as usize];
        cols[*k] = c;
        vals[*k] = w;
        *k += 1;
    }
    // Sort each row by column and merge duplicates, compacting in place.
    let mut offsets = vec![0usize; n + 1];
    let mut write = 0usize;
    let mut pairs: Vec<(u32, f64)> = Vec::new();
    for r in 0..n {
        let (lo, hi) = (counts[r], counts[r + 1]);
        pairs.clear();
        pairs.extend(
            cols[lo..hi]
                .iter()
                .copied()
                .zip(vals[lo..hi].iter().copied()),
        );
        pairs.sort_unstable_by_key(|p| p.0);
        let row_start = write;
        for &(c, w) in &pairs {
            if merge && write > row_start && cols[write - 1] == c {
                vals[write - 1] += w;
                if !vals[write - 1].is_finite() {
                    return Err(Error::Graph {
                        rule: GraphRule::SummedWeightOverflow {
                            from: r,
                            to: c as usize,
                        },
                    });
                }
            } else {
                cols[write] = c;
                vals[write] = w;
                write += 1;
            }
        }
        offsets[r + 1] = write;
    }
    cols.truncate(write);
    vals.truncate(write);
    cols.shrink_to_fit();
    vals.shrink_to_fit();
    Ok((offsets, cols, vals))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parallel_edges_are_summed_and_undirected_mirrored() {
        let mut b = GraphBuilder::new(false);
        b.add_edge(0, 1, 1.0).unwrap();
        b.add_edge(1, 0, 2.5).unwrap();
        b.add_edge(2, 2, 4.0).unwrap();
        let g = b.with_node_count(4).build().unwrap();
        assert_eq!(g.node_count(), 4);
        assert_eq!(g.out_neighbors(0).collect::<Vec<_>>(), vec![(1, 3.5)]);
        // self-loop stored once
        assert_eq!(g.out_neighbors(2).collect::<Vec<_>>(), vec![(2, 4.0)]);
        assert_eq!(g.out_strength(3), 0.0);
        assert_eq!(g.arc_count(), 3);
    }

    #[test]
    fn directed_keeps_direction() {
        let mut b = GraphBuilder::new(true);
        b.add_edge(0, 1, 1.0).unwrap();
        b.add_edge(0, 1, 1.0).unwrap();
        let g = b.build().unwrap();
        assert_eq!(g.out_neighbors(0).collect::<Vec<_>>(), vec![(1, 2.0)]);
        assert_eq!(g.out_neighbors(1).count(), 0);
        assert!(g.has_unit_weights());
    }

    #[test]
    fn bad_weights_are_errors() {
        let mut b = GraphBuilder::new(true);
        assert!(matches!(b.add_edge(0, 1, -1.0), Err(Error::Graph { .. })));
        assert!(matches!(
            b.add_edge(0, 1, f64::NAN),
            Err(Error::Graph { .. })
        ));
        assert!(matches!(
            b.add_edge(0, 1, f64::INFINITY),
            Err(Error::Graph { .. })
        ));
        b.add_edge(0, 1, f64::MAX).unwrap();
        b.add_edge(0, 1, f64::MAX).unwrap();
        assert!(matches!(b.build(), Err(Error::Graph { .. })));
    }
}

#[cfg(test)]
mod hardening_tests {
    use super::*;

    /// Issue 11 item 7: a huge node id with one edge used to abort on a 34 GB allocation.
    #[test]
    fn huge_node_id_is_an_error_not_an_abort() {
        let mut b = GraphBuilder::new(true);
        b.add_edge(u32::MAX, 0, 1.0).unwrap();
        let e = b.build().unwrap_err().to_string();
        assert!(e.contains("edge 1") && e.contains("4294967295"), "{e}");
        // declared node counts and dense ids stay fine
        let mut b = GraphBuilder::new(true).with_node_count(3_000_000);
        b.add_edge(2_999_999, 0, 1.0).unwrap();
        assert!(b.build().is_ok());
    }
}
