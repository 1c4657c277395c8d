//! Writes the synthetic weekly summary the `clv` bench uses, for the side-by-side timing with
//! Python lifetimes (`benches/clv_lifetimes.py`).
//!
//! `cargo run --release --example synthetic_weekly_summary -- 1000000 > /tmp/weekly.csv`
//! writes `customer_id,frequency,recency,T,expected_value` (Pareto/NBD at the CDNOW estimates,
//! ages 1..=52 weeks, seed 42; the expected value per purchase as in the bench).

use ltv::models::pareto_nbd::ParetoNbd;
use std::io::Write;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n: usize = std::env::args()
        .nth(1)
        .map_or(Ok(1_000_000), |s| s.parse())?;
    let p = ParetoNbd::new(0.55, 10.58, 0.61, 11.67)?;
    let ages: Vec<u32> = (0..n).map(|i| 52 - (i % 52) as u32).collect();
    let s = p.simulate_period_summary(&ages, 42)?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    writeln!(out, "customer_id,frequency,recency,T,expected_value")?;
    for i in 0..n {
        let x = s.frequency()[i];
        let mean_spend = 20.0 + (i % 37) as f64;
        let m = 6.25 * (15.45 + x * mean_spend) / (6.25 * x + 3.74 - 1.0);
        writeln!(out, "{i},{x},{},{},{m}", s.recency()[i], s.t()[i])?;
    }
    Ok(())
}
