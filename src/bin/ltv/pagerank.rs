//! `ltv pagerank`: PageRank over an edge list, written as `node,score`.

use crate::io::{output, write_err};
use ltv::attribution::{read_node_list_path, LabeledGraph, NodeValues, PageRank, StoppingRule};
use ltv::{Error, Result};
use std::path::PathBuf;

/// Arguments of `ltv pagerank`.
#[derive(clap::Args)]
pub struct Args {
    /// Edge list CSV with columns source,target[,weight]; parallel edges are summed.
    #[arg(long, value_name = "E.csv")]
    pub edges: PathBuf,
    /// Treat each edge as undirected (both directions).
    #[arg(long)]
    pub undirected: bool,
    /// Personalization CSV with columns node,value (unlisted nodes get 0; default uniform).
    /// Dangling nodes' mass follows it too, as in networkx. A node without edges is an
    /// isolated node of the graph (networkx keeps nodes added without edges).
    #[arg(long, value_name = "P.csv")]
    pub personalization: Option<PathBuf>,
    /// Node list CSV with a `node` column: nodes of the graph with or without edges (those
    /// without are isolated nodes, as networkx's add_nodes_from).
    #[arg(long, value_name = "N.csv")]
    pub nodes: Option<PathBuf>,
    /// Damping α in [0, 1).
    #[arg(long, default_value_t = 0.85, value_name = "A")]
    pub damping: f64,
    /// Stop when the L1 change of the scores falls below X (not scaled by the node count).
    #[arg(long, default_value_t = 1e-10, value_name = "X")]
    pub tol: f64,
    /// Iteration cap; not converging by then is an error.
    #[arg(long, default_value_t = 1000, value_name = "N")]
    pub max_iter: usize,
    /// Use networkx's stopping rule (L1 change below N·tol) for parity checks.
    #[arg(long)]
    pub networkx_tol: bool,
    /// Output CSV (default: stdout).
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

pub fn run(args: Args) -> Result<()> {
    let mut extra = match &args.nodes {
        Some(p) => read_node_list_path(p)?,
        None => Vec::new(),
    };
    let values = match &args.personalization {
        Some(p) => Some(NodeValues::read_path(p)?),
        None => None,
    };
    if let Some(v) = &values {
        extra.extend(v.nodes().map(str::to_string));
    }
    let g = LabeledGraph::read_edges_path_with_nodes(&args.edges, !args.undirected, &extra)?;
    if g.graph.node_count() == 0 {
        return Err(Error::EmptyInput {
            what: format!("no edges or nodes in {}", args.edges.display()),
        });
    }
    let personalization = match &values {
        Some(v) => Some(g.values_of(v)?),
        None => None,
    };
    let pr = PageRank::new()
        .damping(args.damping)
        .tolerance(args.tol)
        .max_iterations(args.max_iter)
        .personalization(personalization)
        .stopping(if args.networkx_tol {
            StoppingRule::NetworkxScaled
        } else {
            StoppingRule::L1
        })
        .run(&g.graph)?;
    eprintln!(
        "ltv pagerank: {} nodes, {} arcs, converged in {} iterations (L1 change {:e})",
        g.graph.node_count(),
        g.graph.arc_count(),
        pr.iterations,
        pr.l1_change
    );
    let mut w = csv::Writer::from_writer(output(args.output.as_deref())?);
    let csv_err = |e: csv::Error| {
        let path = args.output.clone().unwrap_or_else(|| "<stdout>".into());
        Error::from_csv_write(e, path, "the scores")
    };
    w.write_record(["node", "score"]).map_err(csv_err)?;
    for (id, s) in g.ids.names().zip(&pr.scores) {
        w.write_record([id, &s.to_string()]).map_err(csv_err)?;
    }
    w.flush().map_err(write_err(args.output.as_deref()))
}
