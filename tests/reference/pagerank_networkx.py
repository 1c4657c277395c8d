#!/usr/bin/env python3
"""Reference PageRank values from networkx for tests/attribution_pagerank_networkx.rs.

Run from the crate root with the project venv:

    target/lifetimes-venv/bin/python tests/reference/pagerank_networkx.py > tests/reference/pagerank_networkx.json

networkx 3.6.1 (numpy 2.4.6, scipy 1.17.1). Every case names its graph (node list in
networkx order, edge list with weights, parallel edges allowed), the pagerank() arguments and
the resulting scores; graphs are stored once under "graphs". Two kinds of case:

* "tight": tol = 1e-15, so networkx stops at an L1 change below N * 1e-15 (at most ~1e-12);
  the Rust test compares its own unscaled-L1 result at tol 1e-13 within 1e-10 (L1), the
  tolerance the issue asks for.
* "nx_default": networkx's default tol = 1e-6 with its N * tol stopping rule; the Rust test
  runs StoppingRule::NetworkxScaled with the same tol and must stop at the same iteration, so
  the results agree to rounding (compared within 1e-12 L1).

Graphs are seeded with random.Random(seed), so the output is reproducible.
"""
import json
import random
import sys

import networkx as nx


def multigraph(directed, nodes, edges):
    g = nx.MultiDiGraph() if directed else nx.MultiGraph()
    g.add_nodes_from(nodes)
    for u, v, w in edges:
        g.add_edge(u, v, weight=w)
    return g


GRAPHS = {}


def case(name, kind, graph, directed, nodes, edges, alpha=0.85, personalization=None,
         dangling=None, nstart=None, tol=1e-15):
    g = multigraph(directed, nodes, edges)
    GRAPHS[graph] = {
        "directed": directed,
        "nodes": list(g.nodes()),
        "edges": [[u, v, w] for u, v, w in edges],
    }
    scores = nx.pagerank(g, alpha=alpha, personalization=personalization,
                         dangling=dangling, nstart=nstart, tol=tol, max_iter=100000,
                         weight="weight")
    return {
        "name": name,
        "kind": kind,
        "graph": graph,
        "alpha": alpha,
        "personalization": personalization,
        "dangling": dangling,
        "nstart": nstart,
        "tol": tol,
        "scores": [scores[n] for n in g.nodes()],
    }


def random_graph(seed, n, m, directed, weighted, dangling_frac=0.0):
    rng = random.Random(seed)
    nodes = [f"n{i}" for i in range(n)]
    sinks = set(rng.sample(nodes, int(dangling_frac * n)))
    edges = []
    while len(edges) < m:
        u, v = rng.choice(nodes), rng.choice(nodes)
        if directed and u in sinks:
            continue
        w = round(rng.uniform(0.1, 5.0), 6) if weighted else 1.0
        edges.append((u, v, w))
    return nodes, edges


def main():
    cases = []
    # Small directed multigraph: parallel edges, a self-loop, dangling d and e, isolated f.
    g = "small_directed"
    nodes = ["a", "b", "c", "d", "e", "f"]
    edges = [("a", "b", 1.0), ("a", "b", 2.0), ("b", "c", 1.5), ("c", "a", 0.5),
             ("c", "d", 1.0), ("b", "e", 0.25), ("a", "a", 1.0)]
    pers = {"a": 1.0, "d": 3.0, "f": 0.5}
    cases += [
        case(g, "tight", g, True, nodes, edges),
        case(g + "_alpha_0.5", "tight", g, True, nodes, edges, alpha=0.5),
        case(g + "_personalized", "tight", g, True, nodes, edges, personalization=pers),
        case(g + "_personalized_dangling", "tight", g, True, nodes, edges,
             personalization=pers, dangling={"b": 1.0, "e": 2.0}),
        case(g + "_nstart", "tight", g, True, nodes, edges,
             nstart={"a": 5.0, "b": 1.0, "c": 1.0, "d": 1.0, "e": 1.0, "f": 1.0}),
    ]
    # Undirected multigraph with a self-loop and an isolated node.
    g = "small_undirected"
    nodes = ["a", "b", "c", "d", "e"]
    edges = [("a", "b", 1.0), ("b", "a", 1.0), ("b", "c", 3.0), ("c", "d", 0.5),
             ("d", "d", 2.0), ("a", "c", 1.0)]
    cases += [
        case(g, "tight", g, False, nodes, edges),
        case(g + "_personalized", "tight", g, False, nodes, edges,
             personalization={"a": 1.0, "e": 1.0}),
    ]
    # Random graphs.
    g = "random_directed_200"
    nodes, edges = random_graph(1, 200, 800, True, True, dangling_frac=0.1)
    rng = random.Random(11)
    pers = {n: rng.random() for n in nodes if rng.random() < 0.3}
    cases += [
        case(g, "tight", g, True, nodes, edges),
        case(g + "_personalized", "tight", g, True, nodes, edges, alpha=0.9,
             personalization=pers),
        case(g + "_nx_default", "nx_default", g, True, nodes, edges, tol=1e-6),
    ]
    g = "random_undirected_300"
    nodes, edges = random_graph(2, 300, 900, False, True)
    cases += [
        case(g, "tight", g, False, nodes, edges),
        case(g + "_nx_default", "nx_default", g, False, nodes, edges, tol=1e-6),
    ]
    g = "random_directed_1000_unweighted"
    nodes, edges = random_graph(3, 1000, 5000, True, False, dangling_frac=0.05)
    cases += [
        case(g, "tight", g, True, nodes, edges),
        case(g + "_nx_default", "nx_default", g, True, nodes, edges, tol=1e-6),
    ]
    json.dump({"generator": "tests/reference/pagerank_networkx.py",
               "networkx": nx.__version__, "graphs": GRAPHS, "cases": cases}, sys.stdout, indent=None)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
