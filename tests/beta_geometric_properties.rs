//! Invariants of BG/NBD and MBG/NBD predictions for any valid parameters and customer,
//! including the extremes frequency 10⁴, T 10⁴, recency 0 and horizons up to 10⁴ periods.

use ltv::models::bgnbd::BgNbd;
use ltv::models::mbgnbd::MbgNbd;
use ltv::models::{CustomerBatch, TransactionModel};
use proptest::prelude::*;

/// Log-uniform on [lo, hi].
fn log_uniform(lo: f64, hi: f64) -> impl Strategy<Value = f64> {
    (lo.ln()..hi.ln()).prop_map(f64::exp)
}

/// (r, alpha, a, b) over wide ranges (r 0.01–10, alpha 0.01–100, a and b 0.05–10).
fn params() -> impl Strategy<Value = [f64; 4]> {
    (
        log_uniform(0.01, 10.0),
        log_uniform(0.01, 100.0),
        log_uniform(0.05, 10.0),
        log_uniform(0.05, 10.0),
    )
        .prop_map(|(r, alpha, a, b)| [r, alpha, a, b])
}

/// A valid customer (frequency, recency, T): frequency 0, small, or up to 10⁴; T up to 10⁴;
/// recency anywhere in [0, T] (exactly 0 a tenth of the time) when frequency > 0.
fn customer() -> impl Strategy<Value = (f64, f64, f64)> {
    (
        prop_oneof![
            Just(0.0),
            (1u32..30).prop_map(f64::from),
            (1u32..=10_000).prop_map(f64::from)
        ],
        prop_oneof![Just(10_000.0), 0.0..10_000.0, 0.0..60.0],
        prop_oneof![Just(0.0), Just(1.0), 0.0..1.0],
    )
        .prop_map(|(x, t, frac): (f64, f64, f64)| {
            let tx = if x == 0.0 { 0.0 } else { frac * t };
            (x, tx, t)
        })
}

fn horizon() -> impl Strategy<Value = f64> {
    prop_oneof![
        Just(0.0),
        Just(10_000.0),
        0.0..100.0,
        log_uniform(1e-6, 1e4)
    ]
}

fn models(p: [f64; 4]) -> [Box<dyn TransactionModel>; 2] {
    [
        Box::new(BgNbd::new(p[0], p[1], p[2], p[3]).unwrap()),
        Box::new(MbgNbd::new(p[0], p[1], p[2], p[3]).unwrap()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn probability_alive_is_a_probability(p in params(), (x, tx, t) in customer()) {
        for m in models(p) {
            let v = m.probability_alive_one(x, tx, t).unwrap();
            prop_assert!((0.0..=1.0).contains(&v), "{}: P(alive) = {v}", m.name());
        }
    }

    #[test]
    fn conditional_expectation_is_finite_and_grows_with_the_horizon(
        p in params(),
        (x, tx, t) in customer(),
        h1 in horizon(),
        h2 in horizon(),
    ) {
        let (lo, hi) = if h1 <= h2 { (h1, h2) } else { (h2, h1) };
        for m in models(p) {
            let e_lo = m.conditional_expected_purchases_one(lo, x, tx, t).unwrap();
            let e_hi = m.conditional_expected_purchases_one(hi, x, tx, t).unwrap();
            prop_assert!(e_lo.is_finite() && e_lo >= 0.0, "{}: E = {e_lo}", m.name());
            prop_assert!(e_hi.is_finite(), "{}: E = {e_hi}", m.name());
            prop_assert!(
                e_lo <= e_hi * (1.0 + 1e-9) + 1e-300,
                "{}: E[Y({lo})] = {e_lo} > E[Y({hi})] = {e_hi}", m.name()
            );
        }
    }

    #[test]
    fn new_customer_expectation_grows_with_the_horizon(
        p in params(), h1 in horizon(), h2 in horizon()
    ) {
        let (lo, hi) = if h1 <= h2 { (h1, h2) } else { (h2, h1) };
        for m in models(p) {
            let (e_lo, e_hi) = (m.expected_purchases(lo).unwrap(), m.expected_purchases(hi).unwrap());
            prop_assert!(e_lo.is_finite() && e_hi.is_finite() && e_lo >= 0.0);
            prop_assert!(e_lo <= e_hi * (1.0 + 1e-9) + 1e-300, "{}: {e_lo} > {e_hi}", m.name());
        }
    }

    #[test]
    fn purchase_count_probabilities_sum_to_at_most_one(p in params(), t in 0.0..200.0f64) {
        let bg = BgNbd::new(p[0], p[1], p[2], p[3]).unwrap();
        let mbg = MbgNbd::new(p[0], p[1], p[2], p[3]).unwrap();
        let (mut s_bg, mut s_mbg) = (0.0, 0.0);
        for n in 0..60 {
            let (a, b) = (
                bg.probability_of_purchases(t, f64::from(n)).unwrap(),
                mbg.probability_of_purchases(t, f64::from(n)).unwrap(),
            );
            prop_assert!((0.0..=1.0).contains(&a) && (0.0..=1.0).contains(&b));
            s_bg += a;
            s_mbg += b;
        }
        prop_assert!(s_bg <= 1.0 + 1e-9 && s_mbg <= 1.0 + 1e-9, "{s_bg} {s_mbg}");
    }
}

/// The corner the issue names: frequency 10⁴, T 10⁴, recency 0, at the CDNOW estimates and
/// at a + b < 1 (lifetimes returns NaN there for frequency 0, its issue #442).
#[test]
fn extreme_customers_give_finite_predictions() {
    for p in [
        [0.243, 4.414, 0.793, 2.426],
        [0.243, 4.414, 0.3, 0.4],
        [2.0, 0.01, 1.0, 0.05],
    ] {
        for m in models(p) {
            for &(x, tx, t) in &[
                (10_000.0, 10_000.0, 10_000.0),
                (10_000.0, 0.0, 10_000.0),
                (0.0, 0.0, 10_000.0),
                (0.0, 0.0, 0.0),
                (1.0, 0.0, 0.0),
                (10_000.0, 5.0, 5.0),
            ] {
                for h in [0.0, 1e-9, 1.0, 39.0, 10_000.0] {
                    let e = m.conditional_expected_purchases_one(h, x, tx, t).unwrap();
                    assert!(
                        e.is_finite() && e >= 0.0,
                        "{} {p:?} {x} {tx} {t} {h}: {e}",
                        m.name()
                    );
                }
                let a = m.probability_alive_one(x, tx, t).unwrap();
                assert!((0.0..=1.0).contains(&a));
            }
            assert!(m.expected_purchases(10_000.0).unwrap().is_finite());
        }
    }
}

/// Bad prediction inputs are typed errors naming the row, not NaN.
#[test]
fn invalid_rows_are_errors() {
    let m = BgNbd::new(0.243, 4.414, 0.793, 2.426).unwrap();
    let bad: [(&[f64], &[f64], &[f64]); 5] = [
        (&[1.0, f64::NAN], &[1.0, 1.0], &[2.0, 2.0]),
        (&[1.0, 1.5], &[1.0, 1.0], &[2.0, 2.0]),
        (&[1.0, 1.0], &[1.0, 3.0], &[2.0, 2.0]),
        (&[1.0, 0.0], &[1.0, 1.0], &[2.0, 2.0]),
        (&[1.0, 1.0], &[1.0], &[2.0, 2.0]),
    ];
    // the rows are checked once, where the batch is built
    for (f, r, t) in bad {
        assert!(CustomerBatch::new(f, r, t).is_err());
    }
    match CustomerBatch::new(&[1.0, 1.0], &[1.0, 3.0], &[2.0, 2.0]) {
        Err(ltv::Error::InvalidField { line, column, .. }) => {
            assert_eq!(line, 2);
            assert_eq!(column, "recency");
        }
        other => panic!("{other:?}"),
    }
    let one = CustomerBatch::new(&[1.0], &[1.0], &[2.0]).unwrap();
    assert!(m.conditional_expected_purchases(-1.0, &one).is_err());
    assert!(m
        .conditional_expected_purchases(f64::INFINITY, &one)
        .is_err());
    assert!(m.probability_of_purchases(1.0, 0.5).is_err());
    assert!(m.probability_of_purchases(f64::NAN, 1.0).is_err());
}

/// The one-pass `expected_purchases_and_alive` equals the two vectorised methods, and the
/// vectorised methods equal the per-customer ones (bit for bit).
#[test]
fn one_pass_and_separate_predictions_agree() {
    let f: Vec<f64> = (0..50_000).map(|i| f64::from(i % 40)).collect();
    let t: Vec<f64> = (0..50_000).map(|i| f64::from(30 + i % 23)).collect();
    let r: Vec<f64> = f
        .iter()
        .zip(&t)
        .map(|(x, tt)| if *x == 0.0 { 0.0 } else { tt * 0.7 })
        .collect();
    for m in models([0.243, 4.414, 0.793, 2.426]) {
        let (e, a) = m
            .expected_purchases_and_alive(39.0, &CustomerBatch::new(&f, &r, &t).unwrap())
            .unwrap();
        assert_eq!(
            e,
            m.conditional_expected_purchases(39.0, &CustomerBatch::new(&f, &r, &t).unwrap())
                .unwrap()
        );
        assert_eq!(
            a,
            m.probability_alive(&CustomerBatch::new(&f, &r, &t).unwrap())
                .unwrap()
        );
        for i in (0..f.len()).step_by(997) {
            assert_eq!(
                e[i],
                m.conditional_expected_purchases_one(39.0, f[i], r[i], t[i])
                    .unwrap()
            );
            assert_eq!(a[i], m.probability_alive_one(f[i], r[i], t[i]).unwrap());
        }
        assert!(CustomerBatch::new(&f, &r[1..], &t).is_err());
    }
}
