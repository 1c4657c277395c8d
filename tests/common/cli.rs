//! Helpers for the end-to-end tests of the `ltv` binary (feature `cli`).

use std::path::Path;
use std::process::{Command, Output};

/// The `ltv` binary of this build.
pub fn ltv() -> Command {
    Command::new(env!("CARGO_BIN_EXE_ltv"))
}

/// Asserts that a run succeeded (showing its stderr otherwise) and returns its stdout.
pub fn ok(out: Output) -> String {
    assert!(
        out.status.success(),
        "ltv failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The stderr of a run, as text.
pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Writes `text` to `dir/name` and returns the path as a string (for `args`).
pub fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.to_str().unwrap().to_string()
}

/// The CDNOW summary with mean spend (2,357 customers), whose columns are named `x`, `t_x`,
/// `zbar`: pass [`CDNOW_SPEND_COLUMNS`] to read it.
pub const CDNOW_SPEND: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/datasets/cdnow_customers_summary_with_transactions.csv"
);

/// The column flags for [`CDNOW_SPEND`]: frequency, recency, then monetary value.
pub const CDNOW_SPEND_COLUMNS: [&str; 6] = [
    "--frequency-col",
    "x",
    "--recency-col",
    "t_x",
    "--monetary-value-col",
    "zbar",
];
