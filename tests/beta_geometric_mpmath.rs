//! BG/NBD and MBG/NBD expectations at extreme inputs against high-precision values.
//!
//! Provenance: `tests/reference/beta_geometric_mpmath.py` computes each value with mpmath
//! (40 digits) by integrating the model over the dropout probability, independently of the
//! hypergeometric closed forms we evaluate. Cases: CDNOW parameters, a + b < 1, a within
//! 1e-5 of 1, extreme r/alpha; frequency 0 to 10⁴, T up to 10⁴, recency 0; horizons 1e-6 to
//! 10⁴ (z up to 1 − 1e-6). Tolerance: 1e-10 relative (measured worst 2.2e-11; quadrature and our series
//! are both far better; 2F1 near z = 1 from `crate::special` is good to ~1e-11 there),
//! including where a is within 1e-4 of 1 and z > 0.9 (cubic interpolation in a, documented in
//! `beta_geometric.rs`).

use ltv::models::bgnbd::BgNbd;
use ltv::models::mbgnbd::MbgNbd;
use ltv::models::TransactionModel;

#[test]
fn extreme_inputs_match_high_precision_values() {
    let reference: serde_json::Value =
        serde_json::from_str(include_str!("reference/beta_geometric_mpmath.json")).unwrap();
    let mut worst: f64 = 0.0;
    let mut worst_row = String::new();
    for row in reference["rows"].as_array().unwrap() {
        let v: Vec<f64> = row.as_array().unwrap()[1..]
            .iter()
            .map(|x| x.as_f64().unwrap())
            .collect();
        let [r, alpha, a, b, t, x, tx, big_t, expected] = v[..] else {
            panic!()
        };
        let model: Box<dyn TransactionModel> = match row[0].as_str().unwrap() {
            "bgnbd" => Box::new(BgNbd::new(r, alpha, a, b).unwrap()),
            _ => Box::new(MbgNbd::new(r, alpha, a, b).unwrap()),
        };
        let ours = if x < 0.0 {
            model.expected_purchases(t).unwrap()
        } else {
            model
                .conditional_expected_purchases_one(t, x, tx, big_t)
                .unwrap()
        };
        let tol = 1e-10;
        let err = if expected == 0.0 {
            ours.abs()
        } else {
            ((ours - expected) / expected).abs()
        };
        assert!(
            err <= tol,
            "{row}: ours {ours}, reference {expected}, relative error {err:e}"
        );
        if err > worst {
            worst = err;
            worst_row = row.to_string();
        }
    }
    eprintln!("worst relative error {worst:e} at {worst_row}");
}
