//! Criterion benchmarks, group `summary`: read a synthetic CSV log and summarise it (end to
//! end), and summarise an in-memory log (phase), over log sizes.
//!
//! The logs (`n / 10` customers over two years, ~27 bytes a line; see
//! `benches/support/synthetic_log.rs`) are written once to the temp directory and reused.
//! Quick run: `cargo bench --bench summary -- --warm-up-time 1 --measurement-time 3`.
//! Sizes: 100 k, 1 M and 10 M transactions (the headline size); set
//! `LTV_BENCH_MAX_N` to cap them (e.g. `LTV_BENCH_MAX_N=1000000`).

#[path = "support/synthetic_log.rs"]
mod synthetic_log;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use ltv::data::{Period, Timestamp, TransactionCsvOptions};
use ltv::summary::SummaryOptions;
use std::hint::black_box;
use std::path::PathBuf;

fn log_path(n: usize) -> PathBuf {
    let p = std::env::temp_dir().join(format!("ltv_bench_summary_{n}.csv"));
    synthetic_log::write_synthetic_log(&p, n).expect("write synthetic log");
    p
}

fn bench(c: &mut Criterion) {
    let max_n: usize = std::env::var("LTV_BENCH_MAX_N")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10_000_000);
    let reader = TransactionCsvOptions::new("customer_id", "date").amount_col("amount");
    let opts = SummaryOptions::new(Period::Week)
        .observation_end(Timestamp::parse("2022-12-31").expect("date"));
    let mut group = c.benchmark_group("summary");
    group.sample_size(10);
    for n in [100_000usize, 1_000_000, 10_000_000] {
        if n > max_n {
            continue;
        }
        let path = log_path(n);
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::new("read_and_summarise", n), &path, |b, p| {
            b.iter(|| {
                let log = reader.read_path(p).expect("read");
                black_box(opts.summarise(&log).expect("summarise").summary.len())
            })
        });
        group.bench_with_input(BenchmarkId::new("read", n), &path, |b, p| {
            b.iter(|| black_box(reader.read_path(p).expect("read").len()))
        });
        let log = reader.read_path(&path).expect("read");
        group.bench_with_input(BenchmarkId::new("summarise", n), &log, |b, log| {
            b.iter(|| black_box(opts.summarise(log).expect("summarise").summary.len()))
        });
        group.bench_with_input(
            BenchmarkId::new("calibration_holdout", n),
            &log,
            |b, log| {
                b.iter(|| {
                    black_box(
                        opts.calibration_holdout(
                            log,
                            Timestamp::parse("2022-06-30").expect("date"),
                        )
                        .expect("split")
                        .len(),
                    )
                })
            },
        );
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
