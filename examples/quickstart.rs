//! Quickstart: fit BG/NBD to the CDNOW sample that ships with the crate, print the
//! parameters with standard errors, and list the customers with the most expected purchases
//! over the next 52 weeks; then fit Pareto/NBD and the Gamma-Gamma spend model and end with
//! the customers of highest 12-month CLV, with 95% intervals from parameter uncertainty.
//!
//! Run with `cargo run --release --example quickstart`.

use ltv::datasets::{cdnow_summary, cdnow_summary_with_transactions};
use ltv::fit::FitOptions;
use ltv::models::bgnbd::BgNbd;
use ltv::models::gamma_gamma::{GammaGamma, SpendData};
use ltv::models::pareto_nbd::ParetoNbd;
use ltv::models::{CustomerBatch, TransactionModel};
use ltv::value::{
    customer_lifetime_value_with_intervals, ClvSettings, MonthlyDiscountRate, Months,
};
use ltv::Period;

fn main() -> ltv::Result<()> {
    // 2,357 customers, frequency / recency / T in weeks
    let summary = cdnow_summary()?;
    let fitted = BgNbd::fit(&summary.compress(), &FitOptions::default())?;
    println!("{}", fitted.fit());

    let horizon = 52.0; // weeks
                        // the summary's rows were checked when it was built; the batch borrows them (and the
                        // summary's period)
    let customers = CustomerBatch::from(&summary);
    let expected = fitted.conditional_expected_purchases(horizon, &customers)?;
    let alive = fitted.probability_alive(&customers)?;
    let (f, r, t) = (summary.frequency(), summary.recency(), summary.t());

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

    // --- Customer lifetime value -------------------------------------------------------
    // Pareto/NBD for the purchases, Gamma-Gamma for the spend per purchase (fitted on the
    // repeat customers' mean spend), 12 months at 1% a month. The models are weekly, and
    // the units are typed: months, a monthly rate and the models' period cannot be mixed up.
    let spend_summary = cdnow_summary_with_transactions()?;
    let pareto = ParetoNbd::fit(&spend_summary.compress(), &FitOptions::default())?;
    println!("\n{}", pareto.fit());
    let spend = GammaGamma::fit(
        &SpendData::from_summary(&spend_summary)?,
        &FitOptions::default(),
    )?;
    println!("{}", spend.fit());
    let settings = ClvSettings::new(
        Period::Week,
        Months::new(12),
        MonthlyDiscountRate::new(0.01)?,
    );
    let (f, r, t) = (
        spend_summary.frequency(),
        spend_summary.recency(),
        spend_summary.t(),
    );
    let monetary = spend_summary.monetary_value().unwrap_or_default();
    let (value, value_var) =
        spend.conditional_expected_average_values_with_variance(f, monetary)?;
    // intervals need the fitted model (its covariance): `pareto`, not parameters typed in
    let clv = customer_lifetime_value_with_intervals(
        &pareto,
        &settings,
        &CustomerBatch::from(&spend_summary),
        &value,
        Some(&value_var),
        0.95,
    )?;
    let mut order: Vec<usize> = (0..spend_summary.len()).collect();
    order.sort_by(|&i, &j| clv.clv[j].total_cmp(&clv.clv[i]));
    println!("customers with the highest 12-month CLV (Pareto/NBD x Gamma-Gamma, 1%/month):");
    println!(
        "{:>8} {:>9} {:>8} {:>7} {:>9} {:>10} {:>21}",
        "customer", "frequency", "recency", "T", "spend", "CLV", "95% interval"
    );
    for &i in order.iter().take(10) {
        println!(
            "{:>8} {:>9} {:>8.2} {:>7.2} {:>9.2} {:>10.2} [{:>8.2}, {:>8.2}]",
            spend_summary.customer_ids()[i],
            f[i],
            r[i],
            t[i],
            value[i],
            clv.clv[i],
            clv.lower[i],
            clv.upper[i]
        );
    }
    let total: f64 = clv.clv.iter().sum();
    println!(
        "total 12-month CLV of the {} customers: {total:.2}",
        spend_summary.len()
    );
    Ok(())
}
