//! Criterion benchmarks, group `pagerank`: power iteration to an L1 change of 1e-10 on random
//! directed graphs (uniform G(n, m): each of the m edges picks its source and target uniformly,
//! duplicates summed), damping 0.85.
//!
//! The headline case is 1,000,000 nodes and 5,000,000 edges (issue target: under 0.5 s on a
//! 2-core machine). `tests/reference/pagerank_timing.py` times networkx and a plain scipy CSR
//! iteration on the same kind of graph.
//!
//! Run: `cargo bench --bench pagerank -- --sample-size 10 --warm-up-time 1`

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use ltv::attribution::{Graph, GraphBuilder, PageRank};
use rand::rngs::Xoshiro256PlusPlus;
use rand::{RngExt, SeedableRng};
use std::hint::black_box;

/// Uniform random directed multigraph with `nodes` nodes and `edges` unit-weight edges.
fn random_graph(nodes: u32, edges: usize, seed: u64) -> Graph {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut b = GraphBuilder::new(true).with_node_count(nodes as usize);
    b.reserve(edges);
    for _ in 0..edges {
        let u = rng.random_range(0..nodes);
        let v = rng.random_range(0..nodes);
        b.add_edge(u, v, 1.0).expect("finite weight");
    }
    b.build().expect("valid graph")
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("pagerank");
    group.sample_size(10);
    for &(nodes, edges) in &[(10_000u32, 50_000usize), (1_000_000, 5_000_000)] {
        let g = random_graph(nodes, edges, 42);
        let pr = PageRank::new().damping(0.85).tolerance(1e-10);
        let probe = pr.run(&g).expect("converges");
        eprintln!(
            "pagerank n={nodes} m={edges}: {} iterations, final L1 change {:e}",
            probe.iterations, probe.l1_change
        );
        group.throughput(Throughput::Elements(edges as u64));
        group.bench_with_input(
            BenchmarkId::new("l1_1e-10", format!("{nodes}n_{edges}e")),
            &g,
            |b, g| b.iter(|| black_box(pr.run(g).expect("converges"))),
        );
        let warm = pr.clone().start(Some(probe.scores.clone()));
        group.bench_with_input(
            BenchmarkId::new("warm_start", format!("{nodes}n_{edges}e")),
            &g,
            |b, g| b.iter(|| black_box(warm.run(g).expect("converges"))),
        );
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
