//! `hyp2f1` on closed forms, undefined points, and invariants (property tests).

use approx::assert_relative_eq;
use ltv::special::{hyp2f1, ln_hyp2f1};
use ltv::Error;
use proptest::prelude::*;

/// 2F1(1, 1; 2; z) = −ln(1 − z)/z (DLMF 15.4.1), from z = −1000 to 1 − 1e-9.
#[test]
fn log_closed_form() {
    for z in [
        -1000.0f64,
        -3.0,
        -0.5,
        1e-8,
        0.3,
        0.7,
        0.99,
        1.0 - 1e-6,
        1.0 - 1e-9,
    ] {
        let expected = -(-z).ln_1p() / z;
        assert_relative_eq!(
            hyp2f1(1.0, 1.0, 2.0, z).unwrap(),
            expected,
            max_relative = 1e-13
        );
    }
}

/// 2F1(1/2, 1/2; 3/2; z²) = asin(z)/z (DLMF 15.4.4); c − a − b = 1/2.
#[test]
fn arcsin_closed_form() {
    for x in [0.1f64, 0.5, 0.9, 0.999, 0.999_999_9] {
        let expected = x.asin() / x;
        assert_relative_eq!(
            hyp2f1(0.5, 0.5, 1.5, x * x).unwrap(),
            expected,
            max_relative = 1e-13
        );
    }
}

/// 2F1(a, b; b; z) = (1 − z)^(−a), including large a (log form, beyond f64's range).
#[test]
fn binomial_closed_form() {
    for (a, z) in [
        (0.3f64, 0.5f64),
        (2.5, -40.0),
        (-1.7, 0.999),
        (50.0, 0.9),
        (1e4, 0.9),
        (1e4, -1e3),
    ] {
        let expected_ln = -a * (-z).ln_1p();
        let v = ln_hyp2f1(a, 3.25, 3.25, z).unwrap();
        assert!((v.ln_abs - expected_ln).abs() <= 1e-13 * expected_ln.abs().max(1.0));
        assert_eq!(v.sign, 1.0);
    }
}

/// Terminating series: 2F1(−2, b; c; z) = 1 − 2bz/c + b(b+1)z²/(c(c+1)).
#[test]
fn polynomial_case() {
    let (b, c) = (1.7, -2.5);
    for z in [-50.0, -1.0, 0.5, 1.0] {
        let expected = 1.0 - 2.0 * b * z / c + b * (b + 1.0) * z * z / (c * (c + 1.0));
        assert_relative_eq!(
            hyp2f1(-2.0, b, c, z).unwrap(),
            expected,
            max_relative = 1e-14
        );
    }
    // c = −3 is a pole of the series, but the series stops at n = 2 first.
    let expected = 1.0 - 2.0 * b * 0.5 / -3.0 + b * (b + 1.0) * 0.25 / 6.0;
    assert_relative_eq!(
        hyp2f1(-2.0, b, -3.0, 0.5).unwrap(),
        expected,
        max_relative = 1e-14
    );
}

/// Gauss's sum at z = 1: 2F1(a, b; c; 1) = Γ(c)Γ(c−a−b)/(Γ(c−a)Γ(c−b)).
/// 2F1(1, 1; 3; 1) = Γ(3)Γ(1)/(Γ(2)Γ(2)) = 2; 2F1(0.5, 0.5; 2; 1) = Γ(2)Γ(1)/Γ(1.5)² = 4/π.
#[test]
fn gauss_sum_at_one() {
    assert_relative_eq!(
        hyp2f1(1.0, 1.0, 3.0, 1.0).unwrap(),
        2.0,
        max_relative = 1e-14
    );
    assert_relative_eq!(
        hyp2f1(0.5, 0.5, 2.0, 1.0).unwrap(),
        4.0 / std::f64::consts::PI,
        max_relative = 1e-14
    );
}

#[test]
fn undefined_points_are_errors_not_nan() {
    // c a non-positive integer: pole.
    assert!(matches!(
        hyp2f1(0.5, 0.7, -2.0, 0.3),
        Err(Error::Numerical { .. })
    ));
    assert!(matches!(
        hyp2f1(0.5, 0.7, 0.0, 0.3),
        Err(Error::Numerical { .. })
    ));
    // divergent at z = 1.
    assert!(matches!(
        hyp2f1(1.0, 1.0, 2.0, 1.0),
        Err(Error::Numerical { .. })
    ));
    // branch cut and non-finite arguments.
    assert!(matches!(
        hyp2f1(1.0, 1.0, 2.0, 1.5),
        Err(Error::InvalidParameter { .. })
    ));
    assert!(matches!(
        hyp2f1(f64::NAN, 1.0, 2.0, 0.5),
        Err(Error::InvalidParameter { .. })
    ));
    assert!(matches!(
        hyp2f1(1.0, 1.0, 2.0, f64::NAN),
        Err(Error::InvalidParameter { .. })
    ));
    assert!(matches!(
        hyp2f1(1.0, f64::INFINITY, 2.0, 0.5),
        Err(Error::InvalidParameter { .. })
    ));
    // overflow of the plain value is an error; the log form carries on.
    assert!(matches!(
        hyp2f1(1e4, 3.0, 3.0, 0.99),
        Err(Error::Numerical { .. })
    ));
    assert!(ln_hyp2f1(1e4, 3.0, 3.0, 0.99).is_ok());
}

/// lifetimes issue #442 (and #302): BG/NBD with a + b < 1 at frequency 0 needs
/// 2F1(r, b; a + b − 1; z) with negative c. It is negative; times (a + b − 1)/(a − 1) < 0 the
/// conditional expectation is positive and finite.
#[test]
fn bgnbd_negative_c_gives_positive_expectation() {
    let (r, alpha, a, b) = (0.11, 2.24, 0.31, 0.50);
    let (t, big_t) = (30.0, 1.0);
    let z = t / (alpha + big_t + t);
    let f = hyp2f1(r, b, a + b - 1.0, z).unwrap();
    assert!(f < 0.0);
    let ratio = ((alpha + big_t) / (alpha + big_t + t)).powf(r);
    let expectation = (a + b - 1.0) / (a - 1.0) * (1.0 - ratio * f);
    assert!(expectation.is_finite() && expectation > 0.0);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Never NaN: for any finite input the answer is a finite value or a typed error.
    #[test]
    fn never_nan(a in -40.0..40.0f64, b in -40.0..40.0f64, c in -40.0..40.0f64,
                 z in -1e3..1.0f64) {
        match ln_hyp2f1(a, b, c, z) {
            Ok(v) => prop_assert!(v.ln_abs.is_finite() && (v.sign == 1.0 || v.sign == -1.0)),
            Err(Error::Numerical { .. }) => {}
            Err(e) => prop_assert!(false, "unexpected error {e}"),
        }
    }

    /// Euler's transformation 2F1(a,b;c;z) = (1−z)^(c−a−b) 2F1(c−a,c−b;c;z) holds for the
    /// computed values, in the BG/NBD-like region (positive parameters, c below a + b).
    #[test]
    fn euler_transformation_consistent(a in 0.05..20.0f64, b in 0.05..20.0f64,
                                       d in 0.05..15.0f64, z in 0.0..0.999f64) {
        let c = a + b - d;
        prop_assume!(c > 0.05);
        let lhs = ln_hyp2f1(a, b, c, z);
        let rhs = ln_hyp2f1(c - a, c - b, c, z);
        if let (Ok(l), Ok(r)) = (lhs, rhs) {
            let r_ln = r.ln_abs + (c - a - b) * (-z).ln_1p();
            prop_assert!((l.ln_abs - r_ln).abs() <= 1e-11 * l.ln_abs.abs().max(1.0));
            prop_assert_eq!(l.sign, r.sign);
        }
    }
}
