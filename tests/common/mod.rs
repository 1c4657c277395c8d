//! Shared loaders for the model tests.
#![allow(dead_code)]

use ltv::summary::CompressedSummary;

/// The CDNOW summary (2,357 customers of the 1/10 sample, weeks; Fader, Hardie & Lee 2005),
/// copied from /work/shared/data/cdnow_customers_summary.csv: (ids, frequency, recency, T).
pub fn cdnow_columns() -> (Vec<String>, Vec<f64>, Vec<f64>, Vec<f64>) {
    let text = include_str!("../data/cdnow_customers_summary.csv");
    let (mut id, mut f, mut r, mut t) = (vec![], vec![], vec![], vec![]);
    for line in text.lines().skip(1) {
        let c: Vec<&str> = line.split(',').collect();
        id.push(c[0].to_string());
        f.push(c[1].parse().unwrap());
        r.push(c[2].parse().unwrap());
        t.push(c[3].parse().unwrap());
    }
    (id, f, r, t)
}

/// The CDNOW summary, compressed.
pub fn cdnow() -> CompressedSummary {
    let (_, f, r, t) = cdnow_columns();
    let w = vec![1.0; f.len()];
    CompressedSummary::from_weighted_rows(&f, &r, &t, &w).unwrap()
}

/// Reference values made by tests/reference/bgnbd_mbgnbd_lifetimes.py (lifetimes 0.11.3).
pub fn lifetimes_reference() -> serde_json::Value {
    serde_json::from_str(include_str!("../reference/bgnbd_mbgnbd_lifetimes.json")).unwrap()
}

/// The lead's shared reference file (/work/shared/reference/cdnow_lifetimes.json, lifetimes
/// 0.11.3; see its README).
pub fn shared_reference() -> serde_json::Value {
    serde_json::from_str(include_str!("../reference/cdnow_lifetimes.json")).unwrap()
}

/// `|a − b| ≤ rel · |b|`, with a message.
pub fn assert_rel(a: f64, b: f64, rel: f64, what: &str) {
    assert!(
        (a - b).abs() <= rel * b.abs(),
        "{what}: {a} vs reference {b} (relative error {:e} > {rel:e})",
        ((a - b) / b).abs()
    );
}

/// Largest relative error between two slices (reference second).
pub fn max_rel_err(a: &[f64], b: &[f64]) -> f64 {
    assert_eq!(a.len(), b.len());
    a.iter()
        .zip(b)
        .map(|(x, y)| {
            if *y == 0.0 {
                x.abs()
            } else {
                ((x - y) / y).abs()
            }
        })
        .fold(0.0, f64::max)
}

/// A JSON array of numbers as a Vec.
pub fn floats(v: &serde_json::Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}
