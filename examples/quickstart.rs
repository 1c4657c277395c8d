//! Quickstart: fit BG/NBD to the CDNOW sample that ships with the crate, print the
//! parameters with standard errors, and list the customers with the most expected purchases
//! over the next 52 weeks.
//!
//! Run with `cargo run --release --example quickstart`.

use ltv::data::datasets::cdnow_summary;
use ltv::fit::FitOptions;
use ltv::models::bgnbd::BgNbd;
use ltv::models::TransactionModel;

fn main() -> ltv::Result<()> {
    // 2,357 customers, frequency / recency / T in weeks
    let summary = cdnow_summary()?;
    let fitted = BgNbd::fit(&summary.compress(), &FitOptions::default())?;
    println!("{}", fitted.fit());

    let horizon = 52.0; // weeks
    let (f, r, t) = (summary.frequency(), summary.recency(), summary.t());
    let expected = fitted.conditional_expected_purchases(horizon, f, r, t)?;
    let alive = fitted.probability_alive(f, r, t)?;

    let mut order: Vec<usize> = (0..summary.len()).collect();
    order.sort_by(|&i, &j| expected[j].total_cmp(&expected[i]));
    println!("customers with the most expected purchases in the next {horizon} weeks:");
    println!(
        "{:>8} {:>9} {:>8} {:>7} {:>10} {:>8}",
        "customer", "frequency", "recency", "T", "expected", "P(alive)"
    );
    for &i in order.iter().take(10) {
        println!(
            "{:>8} {:>9} {:>8.2} {:>7.2} {:>10.3} {:>8.3}",
            summary.customer_ids()[i],
            f[i],
            r[i],
            t[i],
            expected[i],
            alive[i]
        );
    }
    Ok(())
}
