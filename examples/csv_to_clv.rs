//! From a CSV transaction log to each customer's 12-month CLV with 95% bounds, in one call.
//!
//! `cargo run --release --example csv_to_clv` reads the CDNOW master log shipped in
//! `datasets/` (whitespace-separated; columns `customer_id`, `date` as `YYYYMMDD`,
//! `dollar_value`), summarises it in weeks, fits BG/NBD and Gamma-Gamma, and prints each
//! customer's 12-month CLV at 1% a month as `customer_id,clv` lines (the one repeat customer
//! whose purchases were all free is valued at the population mean spend). `out.values` also holds
//! P(alive), expected purchases, expected spend and the 95% bounds; `out.models` the fits.
//! Point `LOG` at your own file (and the column names at yours) to value your customers.

use ltv::data::{Delimiter::Whitespace, TransactionCsvOptions};
use ltv::{Period, Pipeline};

const LOG: &str = "datasets/CDNOW_master.txt";

fn main() -> ltv::Result<()> {
    let csv = TransactionCsvOptions::default().delimiter(Whitespace);
    let log = csv.amount_col("dollar_value").read_path(LOG)?;
    let pipeline = Pipeline::new(Period::Week).exclude_nonpositive_spend(true);
    let out = pipeline.discount(0.01)?.intervals(0.95).run(&log)?; // 12 months by default
    for (id, clv) in out.summary.customer_ids().iter().zip(&out.values.clv) {
        println!("{id},{clv:.2}");
    }
    Ok(())
}
