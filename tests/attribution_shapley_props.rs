//! Shapley axioms as property tests, closed forms against exact enumeration on random games,
//! and the calibration of the sampling estimators' standard errors.

use ltv::attribution::{
    exact_shapley, AvailabilityGame, ChannelAttribution, PermutationSampling, SharedMatchGame,
    StratifiedSampling, TableGame,
};
use proptest::prelude::*;

/// Rounding only: sums of at most 2^7 values of size <= 10 with weights < 1.
const TOL: f64 = 1e-9;

/// A random game with `n` players, v(∅) arbitrary too.
fn table(n: usize) -> impl Strategy<Value = TableGame> {
    prop::collection::vec(-10.0f64..10.0, 1 << n).prop_map(move |v| TableGame::new(n, v).unwrap())
}

fn any_table() -> impl Strategy<Value = TableGame> {
    (1usize..=7).prop_flat_map(table)
}

fn mask_value(g: &TableGame, m: u64) -> f64 {
    g.value_of_mask(m)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn efficiency(g in any_table()) {
        let n = ltv::attribution::Game::player_count(&g);
        let phi = exact_shapley(&g).unwrap();
        let total = mask_value(&g, (1 << n) - 1) - mask_value(&g, 0);
        prop_assert!((phi.iter().sum::<f64>() - total).abs() < TOL);
    }

    #[test]
    fn symmetry(g in (2usize..=6).prop_flat_map(table)) {
        // symmetrize players 0 and 1: v'(S) = v(S) + v(swap01(S))
        let n = ltv::attribution::Game::player_count(&g);
        let swap = |m: u64| (m & !3) | ((m & 1) << 1) | ((m >> 1) & 1);
        let sym = TableGame::new(n, (0..1u64 << n).map(|m| mask_value(&g, m) + mask_value(&g, swap(m))).collect()).unwrap();
        let phi = exact_shapley(&sym).unwrap();
        prop_assert!((phi[0] - phi[1]).abs() < TOL);
    }

    #[test]
    fn null_player(g in (2usize..=6).prop_flat_map(table), null in 0usize..6) {
        // v'(S) = v(S ∖ {null}): the null player never changes a value
        let n = ltv::attribution::Game::player_count(&g);
        let null = null % n;
        let v = TableGame::new(n, (0..1u64 << n).map(|m| mask_value(&g, m & !(1 << null))).collect()).unwrap();
        let phi = exact_shapley(&v).unwrap();
        prop_assert!(phi[null].abs() < TOL);
    }

    #[test]
    fn additivity(pair in (1usize..=6).prop_flat_map(|n| (table(n), table(n)))) {
        let (a, b) = pair;
        let n = ltv::attribution::Game::player_count(&a);
        let sum = TableGame::new(n, (0..1u64 << n).map(|m| mask_value(&a, m) + mask_value(&b, m)).collect()).unwrap();
        let (pa, pb, ps) = (exact_shapley(&a).unwrap(), exact_shapley(&b).unwrap(), exact_shapley(&sum).unwrap());
        for i in 0..n {
            prop_assert!((pa[i] + pb[i] - ps[i]).abs() < TOL);
        }
    }

    #[test]
    fn sampling_estimates_are_efficient(g in any_table(), seed in any::<u64>()) {
        let n = ltv::attribution::Game::player_count(&g);
        let total = mask_value(&g, (1 << n) - 1) - mask_value(&g, 0);
        let mc = PermutationSampling::new(seed).max_draws(50).estimate(&g).unwrap();
        prop_assert!((mc.values.iter().sum::<f64>() - total).abs() < TOL);
        let st = StratifiedSampling::new(seed).max_samples(8 * 49 + 200).estimate(&g).unwrap();
        prop_assert!((st.values.iter().sum::<f64>() - total).abs() < TOL);
    }

    #[test]
    fn shared_match_closed_form_is_exact(
        n in 2usize..=8,
        edges in prop::collection::vec((0u32..8, 0u32..8, 0.0f64..100.0), 0..20),
        kept in prop::collection::vec(0.0f64..10.0, 8),
    ) {
        let pairs: Vec<_> = edges.into_iter()
            .map(|(a, b, r)| (a % n as u32, b % n as u32, r))
            .filter(|(a, b, _)| a != b)
            .collect();
        let g = SharedMatchGame::new(n, &pairs, Some(&kept[..n])).unwrap();
        let exact = exact_shapley(&g).unwrap();
        for (a, b) in g.shapley().iter().zip(&exact) {
            prop_assert!((a - b).abs() < 1e-8);
        }
    }

    #[test]
    fn availability_closed_form_is_exact(
        n in 2usize..=8,
        pays in prop::collection::vec((0u32..8, 0.0f64..100.0, prop::collection::vec(0u32..8, 0..5)), 0..10),
    ) {
        let pays: Vec<_> = pays.into_iter()
            .map(|(u, r, ps)| {
                let u = u % n as u32;
                (u, r, ps.into_iter().map(|v| v % n as u32).filter(|&v| v != u).collect())
            })
            .collect();
        let g = AvailabilityGame::new(n, &pays).unwrap();
        let exact = exact_shapley(&g).unwrap();
        for (a, b) in g.shapley().iter().zip(&exact) {
            prop_assert!((a - b).abs() < 1e-8);
        }
    }

    #[test]
    fn simplified_shapley_is_exact(
        paths in prop::collection::vec((prop::collection::vec(0usize..6, 1..5), 0.0f64..50.0), 1..12),
    ) {
        let mut c = ChannelAttribution::new();
        for (chs, r) in &paths {
            let names: Vec<String> = chs.iter().map(|k| format!("ch{k}")).collect();
            c.add_path(&names, *r).unwrap();
        }
        let exact = exact_shapley(&c.game()).unwrap();
        for ((_, a), b) in c.shapley().iter().zip(&exact) {
            prop_assert!((a - b).abs() < 1e-8);
        }
    }
}

/// Random games with a fixed seed (a small xorshift so the games never change).
fn random_games(count: usize, n: usize, seed: u64) -> Vec<TableGame> {
    let mut s = seed;
    let mut next = move || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        (s >> 11) as f64 / (1u64 << 53) as f64
    };
    (0..count)
        .map(|_| {
            // superadditive-ish: values grow with size, plus noise
            let values = (0..1u64 << n)
                .map(|m| {
                    if m == 0 {
                        0.0
                    } else {
                        f64::from(m.count_ones()).powi(2) + 10.0 * next()
                    }
                })
                .collect();
            TableGame::new(n, values).unwrap()
        })
        .collect()
}

/// (fraction of intervals est ± 1.96·se covering the exact value, fraction within 3·se)
fn coverage(estimate: impl Fn(&TableGame, u64) -> ltv::attribution::ShapleyEstimate) -> (f64, f64) {
    let games = random_games(60, 6, 0x5eed);
    let (mut in95, mut in3, mut total) = (0usize, 0usize, 0usize);
    for (k, g) in games.iter().enumerate() {
        let exact = exact_shapley(g).unwrap();
        for rep in 0..3u64 {
            let est = estimate(g, 1000 * k as u64 + rep);
            for (i, &x) in exact.iter().enumerate() {
                let z = (est.values[i] - x).abs() / est.std_errors[i];
                in95 += usize::from(z <= 1.96);
                in3 += usize::from(z <= 3.0);
                total += 1;
            }
        }
    }
    (in95 as f64 / total as f64, in3 as f64 / total as f64)
}

/// Standard errors are calibrated: ~95% of nominal 95% intervals cover the exact value (1080
/// intervals over 60 random 6-player games; binomial sd of the rate ≈ 0.7 points) and nearly
/// all estimates are within 3 standard errors.
#[test]
fn permutation_sampling_coverage() {
    for antithetic in [false, true] {
        let (c95, c3) = coverage(|g, seed| {
            PermutationSampling::new(seed)
                .max_draws(300)
                .antithetic(antithetic)
                .estimate(g)
                .unwrap()
        });
        eprintln!(
            "permutation (antithetic {antithetic}): 95% coverage {c95:.3}, within 3 SE {c3:.4}"
        );
        assert!(
            (0.92..=0.975).contains(&c95),
            "antithetic {antithetic}: 95% coverage {c95}"
        );
        assert!(c3 >= 0.99, "antithetic {antithetic}: within 3 SE {c3}");
    }
}

#[test]
fn stratified_sampling_coverage() {
    let (c95, c3) = coverage(|g, seed| {
        StratifiedSampling::new(seed)
            .max_samples(3000)
            .estimate(g)
            .unwrap()
    });
    eprintln!("stratified: 95% coverage {c95:.3}, within 3 SE {c3:.4}");
    assert!((0.92..=0.975).contains(&c95), "95% coverage {c95}");
    assert!(c3 >= 0.99, "within 3 SE {c3}");
}

/// Antithetic pairs reduce the variance on games whose values grow with coalition size.
#[test]
fn antithetic_reduces_variance() {
    let g = &random_games(1, 8, 7)[0];
    let se = |anti: bool| {
        let e = PermutationSampling::new(1)
            .max_draws(2000)
            .antithetic(anti)
            .estimate(g)
            .unwrap();
        e.std_errors.iter().sum::<f64>()
    };
    // an antithetic draw costs two orders: compare at equal cost (√2 factor)
    eprintln!(
        "sum of SEs: antithetic {} (x√2 for equal cost), plain {}",
        se(true),
        se(false)
    );
    assert!(
        se(true) * 2f64.sqrt() < se(false) * 1.0,
        "{} vs {}",
        se(true),
        se(false)
    );
}

/// A seed gives the same estimates, to the bit, with one thread or several.
#[cfg(feature = "parallel")]
#[test]
fn sampling_is_deterministic_across_thread_counts() {
    let g = &random_games(1, 9, 3)[0];
    let run = |threads| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| {
                (
                    PermutationSampling::new(5)
                        .max_draws(3000)
                        .estimate(g)
                        .unwrap(),
                    StratifiedSampling::new(5)
                        .max_samples(20_000)
                        .estimate(g)
                        .unwrap(),
                    exact_shapley(g).unwrap(),
                )
            })
    };
    assert_eq!(run(1), run(3));
}
