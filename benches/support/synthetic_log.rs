//! A synthetic transaction log for the summary benchmark and the throughput example.
//!
//! `n` transactions of `n / 10` customers over two years (2021-2022), in time order like an
//! export from a database: each line `c<8-digit id>,<YYYY-MM-DD>,<amount with 2 decimals>`
//! (about 27 bytes). Deterministic: the same `n` gives the same bytes.

use std::io::Write;
use std::path::Path;

/// splitmix64: a tiny deterministic generator (no dependency on rand's API).
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// Writes the log to `path` unless a file of the expected name already exists there.
pub fn write_synthetic_log(path: &Path, n: usize) -> std::io::Result<()> {
    if path.exists() {
        return Ok(());
    }
    let tmp = path.with_extension("partial");
    let mut w = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(&tmp)?);
    w.write_all(b"customer_id,date,amount\n")?;
    let customers = (n / 10).max(1) as u64;
    let days = 730u64;
    let mut rng = SplitMix(42);
    let start = chrono::NaiveDate::from_ymd_opt(2021, 1, 1).unwrap();
    let mut written = 0usize;
    for d in 0..days {
        let date = (start + chrono::Duration::days(d as i64))
            .format("%Y-%m-%d")
            .to_string();
        let today = ((d + 1) * n as u64 / days) as usize - written;
        for _ in 0..today {
            let c = rng.next() % customers;
            let cents = 100 + rng.next() % 20_000;
            writeln!(w, "c{c:08},{date},{}.{:02}", cents / 100, cents % 100)?;
        }
        written += today;
    }
    w.flush()?;
    drop(w);
    std::fs::rename(tmp, path)
}
