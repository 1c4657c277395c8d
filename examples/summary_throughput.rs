//! Reads and summarises a large synthetic log once, printing the time and rate; run it under
//! `/usr/bin/time -v` for the peak memory.
//!
//! ```text
//! cargo run --release --example summary_throughput -- [N_TRANSACTIONS] [PATH]
//! ```
//! Defaults: 10,000,000 transactions in `$TMPDIR/ltv_synthetic_<N>.csv` (written on first use).

#[path = "../benches/support/synthetic_log.rs"]
mod synthetic_log;

use ltv::data::{Period, Timestamp, TransactionCsvOptions};
use ltv::summary::SummaryOptions;
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().map_or(Ok(10_000_000), |s| s.parse())?;
    let path = args.next().map_or_else(
        || std::env::temp_dir().join(format!("ltv_synthetic_{n}.csv")),
        std::path::PathBuf::from,
    );
    synthetic_log::write_synthetic_log(&path, n)?;
    let size = std::fs::metadata(&path)?.len();

    let (start, cpu0) = (Instant::now(), cpu_seconds());
    let log = TransactionCsvOptions::new("customer_id", "date")
        .amount_col("amount")
        .read_path(&path)?;
    let read = start.elapsed();
    let peak_read = peak_memory_mb();
    let cpu_read = cpu_seconds() - cpu0;
    let out = SummaryOptions::new(Period::Week)
        .observation_end(Timestamp::parse("2022-12-31")?)
        .summarise(&log)?;
    let total = start.elapsed();
    let cpu_total = cpu_seconds() - cpu0;
    println!(
        "{} transactions, {} customers, file {:.1} MB: read {:.3} s, summarise {:.3} s, \
         total {:.3} s = {:.2} M transactions/s",
        log.len(),
        out.summary.len(),
        size as f64 / 1e6,
        read.as_secs_f64(),
        (total - read).as_secs_f64(),
        total.as_secs_f64(),
        log.len() as f64 / total.as_secs_f64() / 1e6
    );
    println!(
        "CPU time (all threads): read {cpu_read:.3} s, summarise {:.3} s, total {cpu_total:.3} s",
        cpu_total - cpu_read
    );
    println!(
        "peak memory (VmHWM): {:.0} MB after reading, {:.0} MB in all = {:.2} x the file",
        peak_read,
        peak_memory_mb(),
        peak_memory_mb() * 1e6 / size as f64
    );
    Ok(())
}

/// Peak resident memory of this process in MB (Linux `VmHWM`; 0 elsewhere).
fn peak_memory_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb * 1024.0 / 1e6)
}

/// CPU time (user + system, all threads) of this process so far (Linux `/proc/self/stat`,
/// 100 ticks per second; 0 elsewhere).
fn cpu_seconds() -> f64 {
    std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|s| {
            let rest = &s[s.rfind(')')? + 2..];
            let f: Vec<&str> = rest.split_whitespace().collect();
            Some((f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?) / 100.0)
        })
        .unwrap_or(0.0)
}
