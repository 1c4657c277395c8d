//! Reading graphs and per-node values from CSV, with string node ids.

use super::graph::{Graph, GraphBuilder};
use super::ids::Interner;
use super::logs::{csv_reader, line_of, open, with_path};
use crate::data::columns::{csv_error, Header};
use crate::error::{Error, GraphRule, Result};
use std::io::Read;
use std::path::Path;

/// A graph whose nodes carry string ids.
#[derive(Debug, Clone)]
pub struct LabeledGraph {
    /// Node ids, by node index (first-seen order in the edge list).
    pub ids: Interner,
    /// The graph.
    pub graph: Graph,
}

impl LabeledGraph {
    /// Reads an edge list with header `source,target` and optionally `weight` (1 when absent
    /// or empty); parallel edges are summed.
    ///
    /// # Errors
    /// [`Error::MissingColumn`], [`Error::FieldCount`], [`Error::Csv`], and
    /// [`Error::InvalidField`] for an empty id or a weight that is not a finite non-negative
    /// number (with its line).
    ///
    /// ```
    /// use ltv::attribution::LabeledGraph;
    /// let csv = "source,target,weight\na,b,2\nb,c,\n";
    /// let g = LabeledGraph::read_edges_csv(csv.as_bytes(), true)?;
    /// assert_eq!(g.graph.node_count(), 3);
    /// assert_eq!(g.ids.get("c"), Some(2));
    /// # Ok::<(), ltv::Error>(())
    /// ```
    pub fn read_edges_csv<R: Read>(reader: R, directed: bool) -> Result<Self> {
        Self::read_edges_csv_with_nodes(reader, directed, &[])
    }

    /// [`LabeledGraph::read_edges_csv`], then `nodes` that no edge names are added as isolated
    /// nodes (after the edge list's nodes, in the given order), as networkx's
    /// `add_nodes_from`: a payer without a match is an ordinary node. An isolated node is
    /// dangling in PageRank: it keeps its teleport share and passes its mass on as every
    /// dangling node does.
    ///
    /// ```
    /// use ltv::attribution::LabeledGraph;
    /// let g = LabeledGraph::read_edges_csv_with_nodes(
    ///     "source,target\na,b\n".as_bytes(),
    ///     true,
    ///     &["b".to_string(), "z".to_string()],
    /// )?;
    /// assert_eq!(g.graph.node_count(), 3);
    /// assert_eq!(g.ids.get("z"), Some(2));
    /// # Ok::<(), ltv::Error>(())
    /// ```
    pub fn read_edges_csv_with_nodes<R: Read>(
        reader: R,
        directed: bool,
        nodes: &[String],
    ) -> Result<Self> {
        let mut rdr = csv_reader(reader);
        let header = Header::read(&mut rdr, b',')?.in_table("edges");
        let is = header.required("source")?;
        let it = header.required("target")?;
        let iw = header.find("weight");
        let mut ids = Interner::new();
        let mut b = GraphBuilder::new(directed);
        for rec in rdr.records() {
            let rec = rec.map_err(csv_error)?;
            let line = line_of(&rec);
            for (k, name) in [(is, "source"), (it, "target")] {
                if rec[k].is_empty() {
                    return Err(Error::invalid_field(
                        line,
                        name,
                        "",
                        "node id must not be empty",
                    ));
                }
            }
            let w = match iw {
                Some(i) if !rec[i].is_empty() => rec[i]
                    .parse::<f64>()
                    .ok()
                    .filter(|w| w.is_finite() && (*w == 0.0 || *w >= f64::MIN_POSITIVE))
                    .ok_or_else(|| {
                        Error::invalid_field(
                            line,
                            "weight",
                            &rec[i],
                            "must be 0 or a finite number of at least 2.2e-308 (not negative or subnormal)",
                        )
                    })?,
                _ => 1.0,
            };
            let u = ids.intern(&rec[is])?;
            let v = ids.intern(&rec[it])?;
            b.add_edge(u, v, w).map_err(|e| match e {
                Error::Graph { rule } => Error::Graph {
                    rule: GraphRule::OnLine {
                        line,
                        rule: Box::new(rule),
                    },
                },
                e => e,
            })?;
        }
        for node in nodes {
            ids.intern(node)?;
        }
        b.ensure_node_count(ids.len());
        Ok(Self {
            ids,
            graph: b.build()?,
        })
    }

    /// [`LabeledGraph::read_edges_csv`] from a file.
    pub fn read_edges_path(path: &Path, directed: bool) -> Result<Self> {
        Self::read_edges_path_with_nodes(path, directed, &[])
    }

    /// [`LabeledGraph::read_edges_csv_with_nodes`] from a file.
    pub fn read_edges_path_with_nodes(
        path: &Path,
        directed: bool,
        nodes: &[String],
    ) -> Result<Self> {
        Self::read_edges_csv_with_nodes(open(path)?, directed, nodes)
            .map_err(|e| with_path(e, path))
    }

    /// Reads per-node values with header `node,value` into a vector by node index (nodes not
    /// listed get 0; a node listed twice is an error).
    ///
    /// # Errors
    /// [`Error::InvalidField`] for a node not in the graph (add such nodes with
    /// [`LabeledGraph::read_edges_csv_with_nodes`] and [`NodeValues::nodes`]), a repeated
    /// node, or a value that is not a finite non-negative number; CSV shape errors as for
    /// edges.
    pub fn read_node_values_csv<R: Read>(&self, reader: R) -> Result<Vec<f64>> {
        self.values_of(&NodeValues::read_csv(reader)?)
    }

    /// [`LabeledGraph::read_node_values_csv`] from a file.
    pub fn read_node_values_path(&self, path: &Path) -> Result<Vec<f64>> {
        self.read_node_values_csv(open(path)?)
            .map_err(|e| with_path(e, path))
    }

    /// `values` by node index (unlisted nodes 0).
    ///
    /// # Errors
    /// [`Error::InvalidField`] (with the values' line) for a node not in the graph.
    pub fn values_of(&self, values: &NodeValues) -> Result<Vec<f64>> {
        let mut out = vec![0.0; self.ids.len()];
        for (node, value, line) in &values.rows {
            let i = self.ids.get(node).ok_or_else(|| {
                Error::invalid_field(*line, "node", node.as_str(), "not a node of the graph")
            })?;
            out[i as usize] = *value;
        }
        Ok(out)
    }
}

/// Per-node values (`node,value` CSV) read before the graph, so that their nodes can be added
/// to it (see [`LabeledGraph::read_edges_csv_with_nodes`]).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NodeValues {
    /// (node, value, file line), in file order.
    rows: Vec<(String, f64, u64)>,
}

impl NodeValues {
    /// Reads `node,value` rows: a non-empty node listed once, a finite non-negative value.
    ///
    /// # Errors
    /// [`Error::InvalidField`] with the line for an empty or repeated node or a bad value;
    /// CSV shape errors.
    pub fn read_csv<R: Read>(reader: R) -> Result<Self> {
        let mut rdr = csv_reader(reader);
        let header = Header::read(&mut rdr, b',')?.in_table("node values");
        let inode = header.required("node")?;
        let ivalue = header.required("value")?;
        let mut rows = Vec::new();
        let mut seen = std::collections::HashMap::new();
        for rec in rdr.records() {
            let rec = rec.map_err(csv_error)?;
            let line = line_of(&rec);
            let node = &rec[inode];
            check_node(line, node)?;
            if let Some(first) = seen.insert(node.to_string(), line) {
                return Err(Error::invalid_field(
                    line,
                    "node",
                    node,
                    format!("listed twice (first on line {first})"),
                ));
            }
            let value = rec[ivalue]
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite() && *v >= 0.0)
                .ok_or_else(|| {
                    Error::invalid_field(
                        line,
                        "value",
                        &rec[ivalue],
                        "must be a finite non-negative number",
                    )
                })?;
            rows.push((node.to_string(), value, line));
        }
        Ok(Self { rows })
    }

    /// [`NodeValues::read_csv`] from a file.
    pub fn read_path(path: &Path) -> Result<Self> {
        Self::read_csv(open(path)?).map_err(|e| with_path(e, path))
    }

    /// The nodes, in file order.
    pub fn nodes(&self) -> impl Iterator<Item = &str> + '_ {
        self.rows.iter().map(|(n, _, _)| n.as_str())
    }
}

fn check_node(line: u64, node: &str) -> Result<()> {
    if node.is_empty() {
        return Err(Error::invalid_field(
            line,
            "node",
            "",
            "node id must not be empty",
        ));
    }
    Ok(())
}

/// Reads a node list: a CSV with a `node` column (other columns ignored), one node a row;
/// for nodes without edges (see [`LabeledGraph::read_edges_csv_with_nodes`]).
///
/// # Errors
/// [`Error::InvalidField`] with the line for an empty or repeated node; CSV shape errors.
pub fn read_node_list_csv<R: Read>(reader: R) -> Result<Vec<String>> {
    let mut rdr = csv_reader(reader);
    let header = Header::read(&mut rdr, b',')?.in_table("node list");
    let inode = header.required("node")?;
    let mut out = Vec::new();
    let mut seen = std::collections::HashMap::new();
    for rec in rdr.records() {
        let rec = rec.map_err(csv_error)?;
        let line = line_of(&rec);
        let node = &rec[inode];
        check_node(line, node)?;
        if let Some(first) = seen.insert(node.to_string(), line) {
            return Err(Error::invalid_field(
                line,
                "node",
                node,
                format!("listed twice (first on line {first})"),
            ));
        }
        out.push(node.to_string());
    }
    Ok(out)
}

/// [`read_node_list_csv`] from a file.
pub fn read_node_list_path(path: &Path) -> Result<Vec<String>> {
    read_node_list_csv(open(path)?).map_err(|e| with_path(e, path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edge_list_errors_name_the_line() {
        let bad = "source,target,weight\na,b,1\nb,c,-2\n";
        assert!(matches!(
            LabeledGraph::read_edges_csv(bad.as_bytes(), true),
            Err(Error::InvalidField { line: 3, .. })
        ));
        let g = LabeledGraph::read_edges_csv("source,target\na,b\n".as_bytes(), false).unwrap();
        assert_eq!(g.graph.arc_count(), 2);
        let p = g
            .read_node_values_csv("node,value\nb,2\n".as_bytes())
            .unwrap();
        assert_eq!(p, vec![0.0, 2.0]);
        assert!(matches!(
            g.read_node_values_csv("node,value\nz,2\n".as_bytes()),
            Err(Error::InvalidField { line: 2, .. })
        ));
        assert!(matches!(
            g.read_node_values_csv("node,value\na,1\na,2\n".as_bytes()),
            Err(Error::InvalidField { line: 3, .. })
        ));
    }
}
