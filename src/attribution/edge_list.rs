//! Reading graphs and per-node values from CSV, with string node ids.

use super::graph::{Graph, GraphBuilder};
use super::ids::Interner;
use super::logs::{column, csv_error, csv_reader, headers, line_of, open, with_path};
use crate::error::{Error, Result};
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
        let mut rdr = csv_reader(reader);
        let header = headers(&mut rdr)?;
        let is = column(&header, "source")?;
        let it = column(&header, "target")?;
        let iw = header.iter().position(|h| h == "weight");
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
                    .filter(|w| w.is_finite() && *w >= 0.0)
                    .ok_or_else(|| {
                        Error::invalid_field(
                            line,
                            "weight",
                            &rec[i],
                            "must be a finite non-negative number",
                        )
                    })?,
                _ => 1.0,
            };
            let u = ids.intern(&rec[is])?;
            let v = ids.intern(&rec[it])?;
            b.add_edge(u, v, w)?;
        }
        b.ensure_node_count(ids.len());
        Ok(Self {
            ids,
            graph: b.build()?,
        })
    }

    /// [`LabeledGraph::read_edges_csv`] from a file.
    pub fn read_edges_path(path: &Path, directed: bool) -> Result<Self> {
        Self::read_edges_csv(open(path)?, directed).map_err(|e| with_path(e, path))
    }

    /// Reads per-node values with header `node,value` into a vector by node index (nodes not
    /// listed get 0; a node listed twice is an error).
    ///
    /// # Errors
    /// [`Error::InvalidField`] for a node not in the graph, a repeated node, or a value that
    /// is not a finite non-negative number; CSV shape errors as for edges.
    pub fn read_node_values_csv<R: Read>(&self, reader: R) -> Result<Vec<f64>> {
        let mut rdr = csv_reader(reader);
        let header = headers(&mut rdr)?;
        let inode = column(&header, "node")?;
        let ivalue = column(&header, "value")?;
        let mut out = vec![0.0; self.ids.len()];
        let mut seen = vec![false; self.ids.len()];
        for rec in rdr.records() {
            let rec = rec.map_err(csv_error)?;
            let line = line_of(&rec);
            let node = self.ids.get(&rec[inode]).ok_or_else(|| {
                Error::invalid_field(line, "node", &rec[inode], "not a node of the edge list")
            })? as usize;
            if std::mem::replace(&mut seen[node], true) {
                return Err(Error::invalid_field(
                    line,
                    "node",
                    &rec[inode],
                    "listed twice",
                ));
            }
            out[node] = rec[ivalue]
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
        }
        Ok(out)
    }

    /// [`LabeledGraph::read_node_values_csv`] from a file.
    pub fn read_node_values_path(&self, path: &Path) -> Result<Vec<f64>> {
        self.read_node_values_csv(open(path)?)
            .map_err(|e| with_path(e, path))
    }
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
