//! Synthetic weekly summaries shared by the `fit` and `predict` benches.
#![allow(dead_code)]

use ltv::models::bgnbd::BgNbd;
use ltv::summary::RfmSummary;

/// `n` customers drawn from BG/NBD at the CDNOW estimates (r 0.243, α 4.414, a 0.793,
/// b 2.426), acquired evenly over 52 weeks and observed to week 104, summarised weekly:
/// T and recency in whole weeks (recency rounded down), frequency = repeat purchases.
pub fn synthetic_weekly(n: usize, seed: u64) -> RfmSummary {
    let truth = BgNbd::new(0.243, 4.414, 0.793, 2.426).unwrap();
    let ages: Vec<f64> = (0..n).map(|i| (52 + (i % 53)) as f64).collect();
    let sim = truth.simulate(&ages, seed).unwrap();
    let recency: Vec<f64> = sim.recency().iter().map(|r| r.floor()).collect();
    RfmSummary::new(
        (0..n).map(|i| i.to_string()).collect(),
        sim.frequency(),
        recency,
        ages,
        None,
        None,
    )
    .unwrap()
}

/// Writes a summary as CSV (customer_id,frequency,recency,T), for the lifetimes comparison
/// script `benches/lifetimes_fit.py`.
pub fn write_csv(summary: &RfmSummary, path: &str) {
    use std::io::Write;
    let mut w = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    writeln!(w, "customer_id,frequency,recency,T").unwrap();
    for i in 0..summary.len() {
        writeln!(
            w,
            "{},{},{},{}",
            summary.customer_ids()[i],
            summary.frequency()[i],
            summary.recency()[i],
            summary.t()[i]
        )
        .unwrap();
    }
}
