//! Criterion benchmarks, group `clv`: Pareto/NBD fit, CLV, CLV intervals and DERT over
//! synthetic weekly summaries of 10⁴ to 10⁶ customers.
//!
//! Data: customers simulated from the Pareto/NBD model at the CDNOW estimates
//! (r 0.55, α 10.58, s 0.61, β 11.67, weeks), first purchases spread over 52 weeks, observed
//! to week 52; purchase times are rounded down to whole weeks and repeat purchases counted
//! once per week, as a weekly `summary_data_from_transaction_data` would. Spend per purchase:
//! a Gamma-Gamma expected value from the CDNOW Gamma-Gamma estimates.
//!
//! Run: `cargo bench --bench clv -- --warm-up-time 1 --measurement-time 3`.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use ltv::fit::FitOptions;
use ltv::models::pareto_nbd::ParetoNbd;
use ltv::models::CustomerBatch;
use ltv::summary::RfmSummary;
use ltv::value::{
    customer_lifetime_value, customer_lifetime_value_with_intervals, dert::pareto_nbd_dert_many,
    ClvSettings, ContinuousDiscountRate, MonthlyDiscountRate, Months,
};
use ltv::Period;

const SIZES: [usize; 3] = [10_000, 100_000, 1_000_000];

/// A weekly summary of `n` simulated customers (see the file docs) and a spend per purchase.
fn weekly_summary(n: usize, seed: u64) -> (RfmSummary, Vec<f64>) {
    let p = ParetoNbd::new(0.55, 10.58, 0.61, 11.67).unwrap();
    let ages: Vec<u32> = (0..n).map(|i| 52 - (i % 52) as u32).collect();
    let s = p.simulate_period_summary(&ages, seed).unwrap();
    // Gamma-Gamma expected value at p 6.25, q 3.74, v 15.45 for a mean spend that varies
    let m = (0..n)
        .map(|i| {
            let x = s.frequency()[i];
            let mean_spend = 20.0 + (i % 37) as f64;
            6.25 * (15.45 + x * mean_spend) / (6.25 * x + 3.74 - 1.0)
        })
        .collect();
    (s, m)
}

fn settings() -> ClvSettings {
    ClvSettings::new(
        Period::Week,
        Months::new(12),
        MonthlyDiscountRate::new(0.01).unwrap(),
    )
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("clv");
    g.sample_size(10);
    for &n in &SIZES {
        let (data, m) = weekly_summary(n, 42);
        g.throughput(Throughput::Elements(n as u64));
        // fit = compress the per-customer summary + maximum likelihood with covariance
        g.bench_with_input(BenchmarkId::new("pareto_nbd_fit", n), &data, |b, d| {
            b.iter(|| ParetoNbd::fit(&d.compress(), &FitOptions::default()).unwrap())
        });
        let fitted = ParetoNbd::fit(&data.compress(), &FitOptions::default()).unwrap();
        g.bench_with_input(BenchmarkId::new("clv_12_months", n), &data, |b, d| {
            b.iter(|| {
                customer_lifetime_value(&fitted, &settings(), &CustomerBatch::from(d), &m).unwrap()
            })
        });
        g.bench_with_input(
            BenchmarkId::new("clv_12_months_intervals", n),
            &data,
            |b, d| {
                b.iter(|| {
                    customer_lifetime_value_with_intervals(
                        &fitted,
                        &settings(),
                        &CustomerBatch::from(d),
                        &m,
                        None,
                        0.95,
                    )
                    .unwrap()
                })
            },
        );
        let delta = ContinuousDiscountRate::from_annual(0.15, 52.0).unwrap();
        let params: &ParetoNbd = fitted.model();
        g.bench_with_input(BenchmarkId::new("pareto_nbd_dert", n), &data, |b, d| {
            b.iter(|| pareto_nbd_dert_many(params, delta, &CustomerBatch::from(d)).unwrap())
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
