//! Criterion benchmarks, group `shapley`.
//!
//! * `exact/<n>` — exact enumeration (2^n coalitions) of an induced-subgraph (shared-match)
//!   game with `n` players and `2n` random edges; issue target: 20 players under 1 s.
//! * `permutation/<game>` — Monte Carlo permutation sampling on a 10,000-user match game
//!   (50,000 random matches; the availability game adds 5,000 payments) with incremental
//!   marginal contributions; throughput is in marginal evaluations (issue target: millions
//!   per second).
//! * `stratified/50` — stratified sampling with Neyman allocation, 50 players, 100,000
//!   samples.
//!
//! Run: `cargo bench --bench shapley -- --sample-size 10 --warm-up-time 1`

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use ltv::attribution::{
    exact_shapley, AvailabilityGame, Game, PermutationSampling, SharedMatchGame, StratifiedSampling,
};
use rand::rngs::Xoshiro256PlusPlus;
use rand::{RngExt, SeedableRng};
use std::hint::black_box;

fn match_game(n: u32, edges: usize, seed: u64) -> SharedMatchGame {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut pairs = Vec::with_capacity(edges);
    while pairs.len() < edges {
        let (a, b) = (rng.random_range(0..n), rng.random_range(0..n));
        if a != b {
            pairs.push((a, b, rng.random_range(1.0..100.0)));
        }
    }
    SharedMatchGame::new(n as usize, &pairs, None).expect("valid game")
}

fn availability_game(n: u32, payments: usize, seed: u64) -> AvailabilityGame {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let pays: Vec<(u32, f64, Vec<u32>)> = (0..payments)
        .map(|_| {
            let payer = rng.random_range(0..n);
            let k = rng.random_range(0..8);
            let partners = (0..k)
                .map(|_| rng.random_range(0..n))
                .filter(|&v| v != payer)
                .collect();
            (payer, rng.random_range(1.0..50.0), partners)
        })
        .collect();
    AvailabilityGame::new(n as usize, &pays).expect("valid game")
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("shapley");
    group.sample_size(10);
    for n in [16u32, 20] {
        let g = match_game(n, 2 * n as usize, 1);
        group.throughput(Throughput::Elements(1 << n));
        group.bench_with_input(BenchmarkId::new("exact", n), &g, |b, g| {
            b.iter(|| black_box(exact_shapley(g).expect("n <= 30")))
        });
    }

    let shared = match_game(10_000, 50_000, 2);
    let avail = availability_game(10_000, 5_000, 3);
    let draws = 64;
    let mc = PermutationSampling::new(7).max_draws(draws);
    for (name, game) in [
        ("shared_match_10k", &shared as &dyn Game),
        ("availability_10k", &avail as &dyn Game),
    ] {
        let evals = mc.estimate(game).expect("finite game").marginal_evaluations;
        group.throughput(Throughput::Elements(evals));
        group.bench_function(BenchmarkId::new("permutation", name), |b| {
            b.iter(|| black_box(mc.estimate(game).expect("finite game")))
        });
    }

    let small = match_game(50, 200, 4);
    let st = StratifiedSampling::new(7).max_samples(100_000);
    group.throughput(Throughput::Elements(100_000));
    group.bench_function(BenchmarkId::new("stratified", 50), |b| {
        b.iter(|| black_box(st.estimate(&small).expect("finite game")))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
