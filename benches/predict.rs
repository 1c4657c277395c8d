//! Criterion benchmarks, group `predict`: per-customer predictions of a BG/NBD and an MBG/NBD
//! model for synthetic weekly summaries of 10k, 100k and 1M customers.
//!
//! * `*_all`: conditional expected purchases over 52 weeks **and** P(alive) for every
//!   customer in one pass (`expected_purchases_and_alive`, what `ltv predict` computes);
//! * `bgnbd_expected` / `bgnbd_alive`: each on its own.

mod support;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use ltv::models::bgnbd::BgNbd;
use ltv::models::mbgnbd::MbgNbd;
use ltv::models::{CustomerBatch, TransactionModel};

fn bench(c: &mut Criterion) {
    let bg = BgNbd::new(0.243, 4.414, 0.793, 2.426).unwrap();
    let mbg = MbgNbd::new(0.525, 6.183, 0.891, 1.614).unwrap();
    let mut group = c.benchmark_group("predict");
    group.sample_size(10);
    for n in [10_000usize, 100_000, 1_000_000] {
        let s = support::synthetic_weekly(n, 7);
        let (f, r, t) = (s.frequency(), s.recency(), s.t());
        group.bench_function(BenchmarkId::new("bgnbd_all", n), |b| {
            b.iter(|| {
                bg.expected_purchases_and_alive(52.0, &CustomerBatch::new(f, r, t).unwrap())
                    .unwrap()
            })
        });
        group.bench_function(BenchmarkId::new("mbgnbd_all", n), |b| {
            b.iter(|| {
                mbg.expected_purchases_and_alive(52.0, &CustomerBatch::new(f, r, t).unwrap())
                    .unwrap()
            })
        });
        group.bench_function(BenchmarkId::new("bgnbd_expected", n), |b| {
            b.iter(|| {
                bg.conditional_expected_purchases(52.0, &CustomerBatch::new(f, r, t).unwrap())
                    .unwrap()
            })
        });
        group.bench_function(BenchmarkId::new("bgnbd_alive", n), |b| {
            b.iter(|| {
                bg.probability_alive(&CustomerBatch::new(f, r, t).unwrap())
                    .unwrap()
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
