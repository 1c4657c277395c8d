#!/usr/bin/env python3
"""Wall-clock PageRank timings in Python for comparison with `cargo bench --bench pagerank`.

    target/lifetimes-venv/bin/python tests/reference/pagerank_timing.py [--nodes 1000000] [--edges 5000000]
        [--networkx]

Builds a uniform random directed multigraph (each edge picks source and target uniformly, as
benches/pagerank.rs does; numpy's generator, so not the same edges) and times, to an L1 change
of 1e-10 with damping 0.85:

* "scipy": a plain scipy CSR power iteration, networkx's update rule (dangling mass to the
  uniform personalization) without its N*tol stopping rule;
* "networkx" (with --networkx; slow and memory-hungry at 1M nodes): nx.pagerank with
  tol = 1e-10 / N, so that its N*tol rule means an L1 change below 1e-10 too. Graph
  construction is not timed.

Timings are not reference values for tests; they only put the Rust bench in context.
"""
import argparse
import time

import numpy as np
import scipy.sparse as sp


def scipy_pagerank(A, alpha=0.85, tol=1e-10, max_iter=1000):
    n = A.shape[0]
    out = np.asarray(A.sum(axis=1)).ravel()
    dangling = out == 0
    inv = np.zeros(n)
    inv[~dangling] = 1.0 / out[~dangling]
    P = sp.csr_array(sp.diags(inv) @ A)
    PT = P.T.tocsr()
    x = np.full(n, 1.0 / n)
    p = np.full(n, 1.0 / n)
    for it in range(1, max_iter + 1):
        x_new = alpha * (PT @ x + x[dangling].sum() * p) + (1 - alpha) * p
        err = np.abs(x_new - x).sum()
        x = x_new
        if err < tol:
            return x, it
    raise RuntimeError("not converged")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--nodes", type=int, default=1_000_000)
    ap.add_argument("--edges", type=int, default=5_000_000)
    ap.add_argument("--networkx", action="store_true")
    args = ap.parse_args()
    rng = np.random.default_rng(42)
    src = rng.integers(0, args.nodes, args.edges)
    dst = rng.integers(0, args.nodes, args.edges)
    A = sp.csr_array((np.ones(args.edges), (src, dst)), shape=(args.nodes, args.nodes))
    A.sum_duplicates()
    best = float("inf")
    for _ in range(3):
        t = time.perf_counter()
        x, it = scipy_pagerank(A)
        best = min(best, time.perf_counter() - t)
    print(f"scipy CSR power iteration: {best:.3f} s (best of 3), {it} iterations, sum {x.sum():.12f}")
    if args.networkx:
        import networkx as nx
        g = nx.DiGraph()
        g.add_nodes_from(range(args.nodes))
        g.add_edges_from(zip(src.tolist(), dst.tolist()))
        t = time.perf_counter()
        nx.pagerank(g, alpha=0.85, tol=1e-10 / args.nodes, max_iter=1000)
        print(f"networkx pagerank: {time.perf_counter() - t:.3f} s")


if __name__ == "__main__":
    main()
