//! `hyp2f1` at the arguments the models use (criterion group `special`).
//!
//! Run: `cargo bench --bench special -- --warm-up-time 1 --measurement-time 3`.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use ltv::special::{hyp2f1, ln_hyp2f1};
use std::hint::black_box;

fn bench_hyp2f1(c: &mut Criterion) {
    // CDNOW BG/NBD parameters (Fader, Hardie & Lee 2005)
    let (r, alpha, a, b) = (0.2426, 4.4135, 0.7929, 2.4258);
    let bgnbd =
        |x: f64, t_age: f64, t: f64| (r + x, b + x, a + b + x - 1.0, t / (alpha + t_age + t));
    let cases = [
        ("bgnbd x=2 T=38.86 t=39", bgnbd(2.0, 38.86, 39.0)),
        ("bgnbd x=0 T=38.86 t=39", bgnbd(0.0, 38.86, 39.0)),
        ("bgnbd x=1e4 T=1e4 t=1e4", bgnbd(1e4, 1e4, 1e4)),
        ("bgnbd x=0 T=0.5 t=1e4 (z near 1)", bgnbd(0.0, 0.5, 1e4)),
        ("pareto z=-99 x=200", (201.16, 1.61, 202.16, -99.0)),
        ("small params z=1-1e-9", (0.3, 0.7, 1.0, 1.0 - 1e-9)),
    ];
    let mut group = c.benchmark_group("special");
    for (name, (pa, pb, pc, z)) in cases {
        group.bench_with_input(
            BenchmarkId::new("ln_hyp2f1", name),
            &(pa, pb, pc, z),
            |bch, &(pa, pb, pc, z)| {
                bch.iter(|| ln_hyp2f1(black_box(pa), black_box(pb), black_box(pc), black_box(z)))
            },
        );
    }
    group.bench_function("hyp2f1 plain, bgnbd x=2", |bch| {
        let (pa, pb, pc, z) = bgnbd(2.0, 38.86, 39.0);
        bch.iter(|| hyp2f1(black_box(pa), black_box(pb), black_box(pc), black_box(z)))
    });
    group.finish();
}

criterion_group!(benches, bench_hyp2f1);
criterion_main!(benches);
