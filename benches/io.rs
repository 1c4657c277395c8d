//! Criterion benchmarks, groups `read` and `write`: reading a transaction log (CSV, and Parquet
//! with the `parquet` feature), writing an RFM summary as CSV and reading it back (what each
//! command of a chain `summary -> fit -> clv` does), over sizes.
//!
//! The CSV logs are `benches/support/synthetic_log.rs`'s (`n` transactions of `n / 10`
//! customers, ~27 bytes a line), written once to the temp directory; the Parquet copies are
//! written from the same rows (string ids, `Date32` dates, `Float64` amounts). The summary
//! written is the summary of that log (`n / 10` rows).
//! Quick run: `cargo bench --bench io --features parquet -- --warm-up-time 1 --measurement-time 3`.
//! `LTV_BENCH_MAX_N` caps the sizes (100 k, 1 M, 10 M transactions).

#[path = "support/synthetic_log.rs"]
mod synthetic_log;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use ltv::data::{Period, Timestamp, TransactionCsvOptions};
use ltv::summary::{write_summary_csv, SummaryCsvOptions, SummaryOptions};
use std::hint::black_box;
use std::path::PathBuf;

fn log_path(n: usize) -> PathBuf {
    let p = std::env::temp_dir().join(format!("ltv_bench_summary_{n}.csv"));
    synthetic_log::write_synthetic_log(&p, n).expect("write synthetic log");
    p
}

#[cfg(feature = "parquet")]
fn parquet_path(n: usize, log: &ltv::data::TransactionLog) -> PathBuf {
    use arrow_array::{ArrayRef, Date32Array, Float64Array, RecordBatch, StringArray};
    use std::sync::Arc;
    let p = std::env::temp_dir().join(format!("ltv_bench_summary_{n}.parquet"));
    if p.exists() {
        return p;
    }
    let ids: Vec<&str> = log
        .customer_index()
        .iter()
        .map(|&k| log.customer_ids()[k as usize].as_str())
        .collect();
    let days: Vec<i32> = log
        .timestamps()
        .iter()
        .map(|t| t.days_since_epoch() as i32)
        .collect();
    let amounts = log.amounts().expect("amounts").to_vec();
    let batch = RecordBatch::try_from_iter([
        ("customer_id", Arc::new(StringArray::from(ids)) as ArrayRef),
        ("date", Arc::new(Date32Array::from(days)) as ArrayRef),
        ("amount", Arc::new(Float64Array::from(amounts)) as ArrayRef),
    ])
    .expect("batch");
    let tmp = p.with_extension("partial");
    let file = std::fs::File::create(&tmp).expect("create");
    let mut w =
        parquet::arrow::ArrowWriter::try_new(file, batch.schema(), None).expect("parquet writer");
    w.write(&batch).expect("write");
    w.close().expect("close");
    std::fs::rename(&tmp, &p).expect("rename");
    p
}

fn sizes() -> Vec<usize> {
    let max_n: usize = std::env::var("LTV_BENCH_MAX_N")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10_000_000);
    [100_000usize, 1_000_000, 10_000_000]
        .into_iter()
        .filter(|&n| n <= max_n)
        .collect()
}

fn read(c: &mut Criterion) {
    let reader = TransactionCsvOptions::new("customer_id", "date").amount_col("amount");
    let mut group = c.benchmark_group("read");
    group.sample_size(10);
    for n in sizes() {
        let path = log_path(n);
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::new("csv", n), &path, |b, p| {
            b.iter(|| black_box(reader.read_path(p).expect("read").len()))
        });
        #[cfg(feature = "parquet")]
        {
            let log = reader.read_path(&path).expect("read");
            let pq = parquet_path(n, &log);
            group.bench_with_input(BenchmarkId::new("parquet", n), &pq, |b, p| {
                b.iter(|| black_box(reader.read_parquet(p).expect("read").len()))
            });
        }
    }
    group.finish();
}

fn write(c: &mut Criterion) {
    let reader = TransactionCsvOptions::new("customer_id", "date").amount_col("amount");
    let opts = SummaryOptions::new(Period::Week)
        .observation_end(Timestamp::parse("2022-12-31").expect("date"));
    let mut group = c.benchmark_group("write");
    group.sample_size(10);
    for n in sizes() {
        let log = reader.read_path(log_path(n)).expect("read");
        let summary = opts.summarise(&log).expect("summarise").summary;
        let mut buf: Vec<u8> = Vec::with_capacity(summary.len() * 48);
        group.throughput(Throughput::Elements(summary.len() as u64));
        group.bench_with_input(
            BenchmarkId::new("summary_csv", summary.len()),
            &summary,
            |b, s| {
                b.iter(|| {
                    buf.clear();
                    write_summary_csv(s, &mut buf).expect("write");
                    black_box(buf.len())
                })
            },
        );
        buf.clear();
        write_summary_csv(&summary, &mut buf).expect("write");
        let text = buf.clone();
        group.bench_with_input(
            BenchmarkId::new("read_summary_csv", summary.len()),
            &text,
            |b, t| {
                b.iter(|| {
                    let s = SummaryCsvOptions::new().read(&t[..]).expect("read");
                    black_box(s.len())
                })
            },
        );
    }
    group.finish();
}

criterion_group!(benches, read, write);
criterion_main!(benches);
