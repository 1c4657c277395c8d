//! Criterion benchmarks, group `fit`: BG/NBD and MBG/NBD maximum likelihood on synthetic
//! weekly summaries of 10k, 100k and 1M customers (see `support::synthetic_weekly`).
//!
//! * `bgnbd` / `mbgnbd`: the fit on the compressed summary (what `BgNbd::fit` takes);
//! * `bgnbd_from_rfm`: compression of the per-customer summary plus the fit.
//!
//! Set `LTV_BENCH_WRITE_CSV=/path/to/file.csv` to also write the 1M-customer summary, for
//! `benches/lifetimes_fit.py` (the same data fitted by Python lifetimes).

mod support;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use ltv::fit::FitOptions;
use ltv::models::bgnbd::BgNbd;
use ltv::models::mbgnbd::MbgNbd;

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("fit");
    group.sample_size(10);
    for n in [10_000usize, 100_000, 1_000_000] {
        let summary = support::synthetic_weekly(n, 42);
        if n == 1_000_000 {
            if let Ok(path) = std::env::var("LTV_BENCH_WRITE_CSV") {
                support::write_csv(&summary, &path);
            }
        }
        let data = summary.compress();
        let opts = FitOptions::default();
        group.bench_with_input(BenchmarkId::new("bgnbd", n), &data, |b, d| {
            b.iter(|| BgNbd::fit(d, &opts).unwrap())
        });
        group.bench_with_input(BenchmarkId::new("mbgnbd", n), &data, |b, d| {
            b.iter(|| MbgNbd::fit(d, &opts).unwrap())
        });
        group.bench_with_input(BenchmarkId::new("bgnbd_from_rfm", n), &summary, |b, s| {
            b.iter(|| BgNbd::fit(&s.compress(), &opts).unwrap())
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
