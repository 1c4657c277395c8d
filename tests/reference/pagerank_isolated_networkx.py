#!/usr/bin/env python3
"""Reference PageRank with isolated nodes, from networkx, for tests/hardening_attribution.rs.

Issue 11 item 7: `ltv pagerank` takes a personalization node without edges (and the nodes of
`--nodes`) as isolated nodes of the graph, as networkx keeps nodes added with
`add_nodes_from` without edges. Each case is an edge list, the extra nodes (node list and
personalization keys, added after the edges), the personalization and networkx's scores.

Run from the crate root:

    python3 -m venv /work/venvs/h3nx && /work/venvs/h3nx/bin/pip install networkx==3.6.1 numpy scipy
    /work/venvs/h3nx/bin/python tests/reference/pagerank_isolated_networkx.py \
        > tests/reference/pagerank_isolated_networkx.json

networkx 3.6.1; tol = 1e-15 (networkx stops at an L1 change below N * 1e-15), max_iter 100000,
alpha 0.85, weight "weight", dangling None (dangling mass follows the personalization, or is
uniform without one). The Rust test runs `ltv pagerank --tol 1e-13` and requires an L1
distance below 1e-10, as tests/attribution_pagerank_networkx.rs.
"""
import json

import networkx as nx

CASES = [
    {
        "name": "directed_isolated_payer",
        "directed": True,
        "edges": [["a", "b", 1.0], ["b", "c", 2.0], ["c", "a", 1.0], ["a", "c", 0.5]],
        "nodes": [],
        "personalization": {"a": 1.0, "z": 2.0},
    },
    {
        "name": "undirected_isolated_payer_and_node_list",
        "directed": False,
        "edges": [["a", "b", 1.0], ["b", "c", 3.0], ["c", "d", 1.0]],
        "nodes": ["r", "a"],
        "personalization": {"b": 1.0, "q": 4.0, "d": 0.5},
    },
    {
        "name": "directed_uniform_with_node_list",
        "directed": True,
        "edges": [["a", "b", 1.0], ["b", "a", 1.0], ["b", "c", 1.0]],
        "nodes": ["x", "y"],
        "personalization": None,
    },
]


def run(case):
    g = nx.DiGraph() if case["directed"] else nx.Graph()
    for u, v, w in case["edges"]:
        g.add_edge(u, v, weight=w)
    g.add_nodes_from(case["nodes"])
    if case["personalization"]:
        g.add_nodes_from(case["personalization"].keys())
    scores = nx.pagerank(g, alpha=0.85, personalization=case["personalization"],
                         tol=1e-15, max_iter=100000, weight="weight")
    return dict(case, scores={n: scores[n] for n in g.nodes()})


print(json.dumps({"networkx": nx.__version__, "cases": [run(c) for c in CASES]}, indent=1))
