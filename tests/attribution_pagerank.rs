//! PageRank closed forms, invariants and convergence behaviour.
//!
//! Closed forms (derivations in the comments) are checked to 1e-12 after converging to an L1
//! change of 1e-14: the remaining error is at most that change times |λ₂|/(1 − |λ₂|) ≤ 19
//! for α ≤ 0.95, i.e. below 2e-13. (Much tighter tolerances can sit under the rounding floor,
//! about ε/(1 − α) on bipartite graphs, and then end in `NotConverged`.)

use ltv::attribution::{DanglingRule, Graph, GraphBuilder, PageRank, RevenueLedger, StoppingRule};
use ltv::Error;
use proptest::prelude::*;

const CLOSED_FORM: f64 = 1e-12;

fn tight() -> PageRank {
    PageRank::new().tolerance(1e-14).max_iterations(100_000)
}

fn undirected(n: usize, edges: &[(u32, u32, f64)]) -> Graph {
    let mut b = GraphBuilder::new(false).with_node_count(n);
    for &(u, v, w) in edges {
        b.add_edge(u, v, w).unwrap();
    }
    b.build().unwrap()
}

#[test]
fn directed_edge_closed_form() {
    // 0 → 1, node 1 dangling (mass back to uniform): x0 = 1/(2+α), x1 = (1+α)/(2+α)
    let mut b = GraphBuilder::new(true);
    b.add_edge(0, 1, 1.0).unwrap();
    let g = b.build().unwrap();
    for alpha in [0.0, 0.15, 0.5, 0.85, 0.95] {
        let x = tight().damping(alpha).run(&g).unwrap().scores;
        assert!(
            (x[0] - 1.0 / (2.0 + alpha)).abs() < CLOSED_FORM,
            "α={alpha}"
        );
        assert!(
            (x[1] - (1.0 + alpha) / (2.0 + alpha)).abs() < CLOSED_FORM,
            "α={alpha}"
        );
    }
}

#[test]
fn undirected_star_closed_form() {
    // hub 0 with k leaves: hub (1 + αk) / ((k+1)(1+α)), leaves share the rest equally
    for k in 1..=8u32 {
        let edges: Vec<_> = (1..=k).map(|l| (0, l, 1.0)).collect();
        let g = undirected(k as usize + 1, &edges);
        for alpha in [0.0, 0.3, 0.85, 0.95] {
            let x = tight().damping(alpha).run(&g).unwrap().scores;
            let kf = f64::from(k);
            let hub = (1.0 + alpha * kf) / ((kf + 1.0) * (1.0 + alpha));
            assert!(
                (x[0] - hub).abs() < CLOSED_FORM,
                "k={k} α={alpha}: {} vs {hub}",
                x[0]
            );
            for &leaf in &x[1..] {
                assert!((leaf - (1.0 - hub) / kf).abs() < CLOSED_FORM);
            }
        }
    }
}

#[test]
fn degree_personalization_is_stationary() {
    // Undirected, personalization ∝ weighted degree: x = strength / total strength for any α
    // (π ∝ s is stationary for the walk and equals the teleport distribution).
    let edges = [
        (0, 1, 2.0),
        (1, 2, 0.5),
        (2, 0, 1.0),
        (2, 3, 3.0),
        (3, 3, 1.5), // self-loop: one arc of weight 1.5
        (4, 0, 0.25),
        (1, 4, 1.0),
        (1, 4, 1.0), // parallel: summed
    ];
    let g = undirected(5, &edges);
    let s: Vec<f64> = (0..5).map(|i| g.out_strength(i)).collect();
    let total: f64 = s.iter().sum();
    for alpha in [0.0, 0.5, 0.85, 0.95] {
        let x = tight()
            .damping(alpha)
            .personalization(Some(s.clone()))
            .run(&g)
            .unwrap()
            .scores;
        for i in 0..5 {
            assert!(
                (x[i] - s[i] / total).abs() < CLOSED_FORM,
                "α={alpha} node {i}"
            );
        }
    }
}

#[test]
fn zero_damping_gives_personalization() {
    let g = undirected(4, &[(0, 1, 1.0), (1, 2, 1.0)]);
    let p = vec![1.0, 0.0, 3.0, 4.0];
    let x = PageRank::new()
        .damping(0.0)
        .personalization(Some(p))
        .run(&g)
        .unwrap()
        .scores;
    let want = [0.125, 0.0, 0.375, 0.5];
    for i in 0..4 {
        assert!((x[i] - want[i]).abs() < CLOSED_FORM);
    }
}

#[test]
fn parallel_edges_equal_summed_weight() {
    let mut a = GraphBuilder::new(true);
    let mut b = GraphBuilder::new(true);
    for (u, v) in [(0, 1), (1, 2), (2, 0), (0, 2)] {
        a.add_edge(u, v, 1.0).unwrap();
        b.add_edge(u, v, 1.0).unwrap();
    }
    a.add_edge(0, 1, 1.0).unwrap();
    a.add_edge(0, 1, 1.0).unwrap();
    b.add_edge(0, 1, 2.0).unwrap();
    let xa = tight().run(&a.build().unwrap()).unwrap().scores;
    let xb = tight().run(&b.build().unwrap()).unwrap().scores;
    for i in 0..3 {
        assert!((xa[i] - xb[i]).abs() < CLOSED_FORM);
    }
}

#[test]
fn warm_start_converges_to_the_same_point_faster() {
    let g = random_graph(5_000, 25_000, 9);
    let cold = PageRank::new().tolerance(1e-12).run(&g).unwrap();
    let warm = PageRank::new()
        .tolerance(1e-12)
        .start(Some(cold.scores.clone()))
        .run(&g)
        .unwrap();
    assert!(
        warm.iterations < cold.iterations / 4,
        "{} vs {}",
        warm.iterations,
        cold.iterations
    );
    let l1: f64 = cold
        .scores
        .iter()
        .zip(&warm.scores)
        .map(|(a, b)| (a - b).abs())
        .sum();
    assert!(l1 < 1e-11);
}

#[test]
fn stay_rule_is_linear_in_personalization() {
    let g = random_graph(300, 900, 4);
    let run = |p: &[f64]| {
        let total: f64 = p.iter().sum();
        PageRank::new()
            .tolerance(1e-14)
            .dangling(DanglingRule::Stay)
            .personalization(Some(p.to_vec()))
            .run(&g)
            .unwrap()
            .scores
            .into_iter()
            .map(|x| x * total)
            .collect::<Vec<_>>()
    };
    let p1: Vec<f64> = (0..300).map(|i| f64::from(i % 7 == 0) * 3.0).collect();
    let p2: Vec<f64> = (0..300).map(|i| f64::from(i % 5 == 1)).collect();
    let p12: Vec<f64> = p1.iter().zip(&p2).map(|(a, b)| a + b).collect();
    let (x1, x2, x12) = (run(&p1), run(&p2), run(&p12));
    for i in 0..300 {
        assert!((x1[i] + x2[i] - x12[i]).abs() < 1e-12);
    }
    // networkx's default rule (dangling → personalization) is not linear here
    let nx = |p: &[f64]| {
        let total: f64 = p.iter().sum();
        PageRank::new()
            .tolerance(1e-14)
            .personalization(Some(p.to_vec()))
            .run(&g)
            .unwrap()
            .scores
            .into_iter()
            .map(|x| x * total)
            .collect::<Vec<_>>()
    };
    let (y1, y2, y12) = (nx(&p1), nx(&p2), nx(&p12));
    let gap: f64 = (0..300).map(|i| (y1[i] + y2[i] - y12[i]).abs()).sum();
    assert!(
        gap > 1e-6,
        "expected the default rule to be non-linear, gap {gap:e}"
    );
}

#[test]
fn revenue_ledger_is_linear_and_exact() {
    let g = random_graph(200, 600, 5);
    let ledger = RevenueLedger::new();
    let s1: Vec<f64> = (0..200).map(|i| f64::from(i % 3 == 0) * 9.99).collect();
    let s2: Vec<f64> = (0..200).map(|i| f64::from(i % 11 == 0) * 120.0).collect();
    let s12: Vec<f64> = s1.iter().zip(&s2).map(|(a, b)| a + b).collect();
    let c1 = ledger.credit(&g, &s1).unwrap();
    let c2 = ledger.credit(&g, &s2).unwrap();
    let c12 = ledger.credit(&g, &s12).unwrap();
    for i in 0..200 {
        assert!((c1[i] + c2[i] - c12[i]).abs() < 1e-9);
    }
    let cents: Vec<i64> = (0..200).map(|i| (i * 37 % 101) as i64).collect();
    let a = ledger.credit_minor(&g, &cents).unwrap();
    let b = ledger.credit_minor(&g, &cents).unwrap();
    assert_eq!(a, b, "reproducible");
    assert_eq!(
        a.iter().sum::<i64>(),
        cents.iter().sum::<i64>(),
        "adds up exactly"
    );
    let real = ledger
        .credit(&g, &cents.iter().map(|&c| c as f64).collect::<Vec<_>>())
        .unwrap();
    for (x, r) in a.iter().zip(&real) {
        assert!((*x as f64 - r).abs() < 1.0, "rounded within one minor unit");
    }
}

#[test]
fn typed_errors() {
    let g = undirected(3, &[(0, 1, 1.0)]);
    assert!(matches!(
        PageRank::new().damping(1.0).run(&g),
        Err(Error::InvalidParameter { .. })
    ));
    assert!(matches!(
        PageRank::new().personalization(Some(vec![0.0; 3])).run(&g),
        Err(Error::InvalidParameter { .. })
    ));
    assert!(matches!(
        PageRank::new()
            .personalization(Some(vec![1.0, -1.0, 1.0]))
            .run(&g),
        Err(Error::InvalidParameter { .. })
    ));
    assert!(matches!(
        PageRank::new()
            .dangling(DanglingRule::Distribution(vec![0.0; 3]))
            .run(&g),
        Err(Error::InvalidParameter { .. })
    ));
    assert!(matches!(
        PageRank::new()
            .start(Some(vec![f64::NAN, 1.0, 1.0]))
            .run(&g),
        Err(Error::InvalidParameter { .. })
    ));
    let mut b = GraphBuilder::new(true);
    assert!(matches!(b.add_edge(0, 1, -0.5), Err(Error::Graph { .. })));
    assert!(matches!(
        PageRank::new().tolerance(1e-16).max_iterations(3).run(&g),
        Err(Error::NotConverged { iterations: 3, .. })
    ));
}

/// networkx's `N·tol` rule on a 100,000-node graph with its default tol = 1e-6 accepts an L1
/// change of 0.1: it stops after a couple of iterations, far from the fixed point. The
/// unscaled rule does not.
#[test]
fn unscaled_tolerance_on_a_large_graph() {
    let g = random_graph(100_000, 500_000, 3);
    let nx = PageRank::new()
        .tolerance(1e-6)
        .stopping(StoppingRule::NetworkxScaled)
        .run(&g)
        .unwrap();
    let ours = PageRank::new().tolerance(1e-10).run(&g).unwrap();
    let l1: f64 = nx
        .scores
        .iter()
        .zip(&ours.scores)
        .map(|(a, b)| (a - b).abs())
        .sum();
    assert!(
        nx.iterations <= 3,
        "networkx rule stopped after {}",
        nx.iterations
    );
    assert!(l1 > 1e-3, "networkx rule error {l1:e}");
    assert!(ours.l1_change < 1e-10);
}

/// Same scores, to the bit, with one thread or several.
#[cfg(feature = "parallel")]
#[test]
fn deterministic_across_thread_counts() {
    let g = random_graph(50_000, 200_000, 8);
    let run = |threads| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| PageRank::new().run(&g).unwrap())
    };
    assert_eq!(run(1), run(4));
}

/// A uniform random directed multigraph (xorshift so it never changes).
fn random_graph(n: u32, m: usize, seed: u64) -> Graph {
    let mut s = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut next = move || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        s
    };
    let mut b = GraphBuilder::new(true).with_node_count(n as usize);
    for _ in 0..m {
        let u = (next() % u64::from(n)) as u32;
        let v = (next() % u64::from(n)) as u32;
        b.add_edge(u, v, 1.0).unwrap();
    }
    b.build().unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Scores are a probability vector for any graph, weights, damping and rule.
    #[test]
    fn scores_are_a_distribution(
        n in 1usize..40,
        edges in prop::collection::vec((0u32..40, 0u32..40, 0.0f64..5.0), 0..120),
        directed in any::<bool>(),
        alpha in 0.0f64..0.99,
        stay in any::<bool>(),
    ) {
        let mut b = GraphBuilder::new(directed).with_node_count(n);
        for (u, v, w) in edges {
            b.add_edge(u % n as u32, v % n as u32, w).unwrap();
        }
        let g = b.build().unwrap();
        let rule = if stay { DanglingRule::Stay } else { DanglingRule::Personalization };
        let x = PageRank::new().damping(alpha).dangling(rule).tolerance(1e-12).max_iterations(100_000).run(&g).unwrap().scores;
        prop_assert!(x.iter().all(|&v| v >= 0.0));
        prop_assert!((x.iter().sum::<f64>() - 1.0).abs() < 1e-9);
    }
}
