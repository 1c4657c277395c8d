//! Analytic derivatives against central finite differences of the model's own predictions
//! (the model rebuilt through `with_parameters`, the route the intervals used before). The
//! oracle is the five-point stencil at relative steps `θ_j (1 ± 10⁻³)`, `θ_j (1 ± 2·10⁻³)`:
//! truncation `O(10⁻¹²)`, rounding about `10⁻¹¹ / 10⁻³ = 10⁻⁸` relative where the values
//! come from the general 2F1 (and, near `a = 1`, its interpolation, whose values are noisy
//! at 1e-11: a two-point difference at step 1e-5 is off by 1e-5 there).

use super::beta_geometric::alive_gradient;
use super::*;
use crate::models::bgnbd::BgNbd;
use crate::models::mbgnbd::MbgNbd;
use crate::models::pareto_nbd::ParetoNbd;

/// Histories `(x, t_x, T)` in weeks: frequency 0 (new and old), small, CDNOW-typical, a
/// heavy buyer, and large frequencies.
const HISTORIES: [(f64, f64, f64); 9] = [
    (0.0, 0.0, 38.86),
    (0.0, 0.0, 0.5),
    (1.0, 1.71, 38.86),
    (2.0, 30.43, 38.86),
    (26.0, 30.86, 31.0),
    (5.0, 2.0, 52.0),
    (200.0, 50.0, 52.0),
    (1000.0, 300.0, 365.0),
    (10_000.0, 9_000.0, 10_000.0),
];

/// Horizons in weeks: 0, one month, a year, and long ones that push `t/(α+T+t)` past 0.9
/// (the five-point regime of the beta-geometric models).
const HORIZONS: [f64; 6] = [0.0, 4.345, 52.14, 130.35, 1000.0, 20_000.0];

/// Relative step of the oracle.
const ORACLE_STEP: f64 = 1e-3;

/// Worst discrepancy `|analytic − oracle| / (|oracle| + floor)` over the table, where the
/// floor `1e-7 · E / θ_j` keeps derivatives that are zero (or nearly) from dividing by zero.
fn worst_error(model: &dyn PurchasesGradient) -> f64 {
    let theta = model.parameters();
    let k = theta.len();
    let n = HORIZONS.len();
    let mut worst: f64 = 0.0;
    for &(x, tx, t) in &HISTORIES {
        let mut values = vec![0.0; n];
        let mut grad = vec![0.0; n * k];
        model
            .conditional_expected_purchases_path_gradient_one(
                &HORIZONS,
                x,
                tx,
                t,
                &mut values,
                &mut grad,
            )
            .unwrap();
        // values equal the model's own path
        let mut own = vec![0.0; n];
        model
            .conditional_expected_purchases_path_one(&HORIZONS, x, tx, t, &mut own)
            .unwrap();
        assert_eq!(values, own);
        for j in 0..k {
            let at = |sign: f64| {
                let mut p = theta.clone();
                p[j] *= 1.0 + sign * ORACLE_STEP;
                let m = model.with_parameters(&p).unwrap();
                let mut out = vec![0.0; n];
                m.conditional_expected_purchases_path_one(&HORIZONS, x, tx, t, &mut out)
                    .unwrap();
                out
            };
            let (m2, m1, p1, p2) = (at(-2.0), at(-1.0), at(1.0), at(2.0));
            for h in 0..n {
                let fd =
                    (m2[h] - 8.0 * m1[h] + 8.0 * p1[h] - p2[h]) / (12.0 * ORACLE_STEP * theta[j]);
                let an = grad[h * k + j];
                let floor = 1e-7 * values[h] / theta[j];
                let err = (an - fd).abs() / (fd.abs() + floor + f64::MIN_POSITIVE);
                assert!(
                    err < 1e-6,
                    "{} θ={theta:?} (x, t_x, T)=({x}, {tx}, {t}) t={} ∂/∂{}: analytic {an} vs \
                     finite differences {fd}",
                    model.name(),
                    HORIZONS[h],
                    model.parameter_names()[j]
                );
                worst = worst.max(err);
            }
        }
    }
    worst
}

#[test]
fn bgnbd_gradient_matches_finite_differences() {
    for (r, alpha, a, b) in [
        (0.2426, 4.4135, 0.7929, 2.4258), // lifetimes on CDNOW
        (0.5, 3.0, 1.00005, 2.0),         // a ≈ 1 (interpolated value when z > 0.9)
        (0.3, 2.0, 0.3, 0.5),             // a + b < 1: C < 0 at frequency 0
        (2.0, 30.0, 3.5, 0.7),
    ] {
        let m = BgNbd::new(r, alpha, a, b).unwrap();
        let worst = worst_error(&m);
        println!(
            "BG/NBD {:?}: worst relative error {worst:e}",
            (r, alpha, a, b)
        );
    }
}

#[test]
fn mbgnbd_gradient_matches_finite_differences() {
    for (r, alpha, a, b) in [
        (0.525, 6.183, 0.891, 1.614),
        (0.3, 2.0, 0.3, 0.5),
        (2.0, 30.0, 3.5, 0.7),
    ] {
        let m = MbgNbd::new(r, alpha, a, b).unwrap();
        let worst = worst_error(&m);
        println!(
            "MBG/NBD {:?}: worst relative error {worst:e}",
            (r, alpha, a, b)
        );
    }
}

#[test]
fn pareto_nbd_gradient_matches_finite_differences() {
    for (r, alpha, s, beta) in [
        (0.5533, 10.578, 0.6062, 11.667), // lifetimes on CDNOW (α < β)
        (0.5, 12.0, 1.0, 12.0),           // s = 1 (logarithmic limit), α = β
        (1.5, 20.0, 2.5, 4.0),            // α > β
        (0.8, 3.0, 1.0 + 1e-7, 30.0),     // s ≈ 1, α < β
    ] {
        let m = ParetoNbd::new(r, alpha, s, beta).unwrap();
        let worst = worst_error(&m);
        println!(
            "Pareto/NBD {:?}: worst relative error {worst:e}",
            (r, alpha, s, beta)
        );
    }
}

#[test]
fn fitted_models_delegate() {
    let s = crate::datasets::cdnow_summary().unwrap();
    let fitted = BgNbd::fit(&s.compress(), &crate::fit::FitOptions::default()).unwrap();
    let worst = worst_error(&fitted);
    assert!(worst < 1e-6);
}

#[test]
fn alive_series_and_five_point_regimes_agree_at_the_switch() {
    // just below and above z = 0.9 (u = 9): the analytic series and the five-point route
    // give the same derivatives to the finite differences' accuracy
    for (big_a, a, c) in [(2.24, 0.79, 4.2), (10.2, 0.5, 12.0), (0.3, 2.5, 1.9)] {
        let below = alive_gradient(big_a, a, c, 9.0 * (1.0 - 1e-12)).unwrap();
        let above = alive_gradient(big_a, a, c, 9.0 * (1.0 + 1e-12)).unwrap();
        for (l, r) in [
            (below.d_big_a, above.d_big_a),
            (below.d_a, above.d_a),
            (below.d_c, above.d_c),
            (below.d_u, above.d_u),
        ] {
            assert!((l - r).abs() <= 1e-8 * l.abs().max(1e-3), "{l} vs {r}");
        }
    }
}

#[test]
fn h_expm1_is_continuous_at_its_switch() {
    for w in [-1.0, 1.0] {
        let lo = h_expm1(w * (1.0 - 1e-12));
        let hi = h_expm1(w * (1.0 + 1e-12));
        // the arguments differ by 2e-12 and |h'| < 1
        assert!((lo - hi).abs() < 3e-12, "{lo} vs {hi}");
    }
    assert_eq!(h_expm1(0.0), -0.5);
    // four terms of the series; the fifth is w⁴/144 ≈ 7e-15
    let w = 1e-3;
    let four = -0.5 - w / 3.0 - w * w / 8.0 - w * w * w / 30.0;
    assert!((h_expm1(w) - four).abs() < 1e-14);
    // the closed form at |w| = 1/2 has lost at most a few digits: the series agrees
    for w in [-0.5f64, 0.5] {
        let closed = (w.exp() * (1.0 - w) - 1.0) / (w * w);
        assert!((h_expm1(w) - closed).abs() < 1e-14);
    }
}

/// Largest relative discrepancy between the analytic path gradient and the five-point oracle
/// for one history (same measure as [`worst_error`]).
fn history_error(model: &dyn PurchasesGradient, x: f64, tx: f64, t: f64, horizons: &[f64]) -> f64 {
    let theta = model.parameters();
    let (k, n) = (theta.len(), horizons.len());
    let mut values = vec![0.0; n];
    let mut grad = vec![0.0; n * k];
    model
        .conditional_expected_purchases_path_gradient_one(
            horizons,
            x,
            tx,
            t,
            &mut values,
            &mut grad,
        )
        .unwrap();
    let mut worst: f64 = 0.0;
    for j in 0..k {
        let at = |sign: f64| {
            let mut p = theta.clone();
            p[j] *= 1.0 + sign * ORACLE_STEP;
            let mut out = vec![0.0; n];
            model
                .with_parameters(&p)
                .unwrap()
                .conditional_expected_purchases_path_one(horizons, x, tx, t, &mut out)
                .unwrap();
            out
        };
        let (m2, m1, p1, p2) = (at(-2.0), at(-1.0), at(1.0), at(2.0));
        for h in 0..n {
            let fd = (m2[h] - 8.0 * m1[h] + 8.0 * p1[h] - p2[h]) / (12.0 * ORACLE_STEP * theta[j]);
            let floor = 1e-7 * values[h] / theta[j];
            worst =
                worst.max((grad[h * k + j] - fd).abs() / (fd.abs() + floor + f64::MIN_POSITIVE));
        }
    }
    worst
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    /// Histories in periods: frequency 0 to 60, recency anywhere in (0, T], T from 1 to 200.
    fn history() -> impl Strategy<Value = (f64, f64, f64)> {
        (0u32..60, 0.0..1.0f64, 1.0..200.0f64).prop_map(|(x, frac, t)| {
            let x = f64::from(x);
            (x, if x == 0.0 { 0.0 } else { frac * t }, t)
        })
    }

    /// Horizons from a month to several years, covering both sides of z = 0.9.
    fn horizons() -> impl Strategy<Value = Vec<f64>> {
        (1.0..2000.0f64).prop_map(|t| vec![0.0, t / 8.0, t / 2.0, t])
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        // parameter ranges around those seen on real data; the oracle's truncation error
        // grows with (r+x)/α, hence α ≥ 1 and x < 60 here (the table covers larger x)
        #[test]
        fn bgnbd_gradient(r in 0.1..3.0f64, alpha in 1.0..40.0f64, a in 0.2..3.0f64,
                          b in 0.2..5.0f64, h in history(), ts in horizons()) {
            let m = BgNbd::new(r, alpha, a, b).unwrap();
            let err = history_error(&m, h.0, h.1, h.2, &ts);
            prop_assert!(err < 1e-5, "error {err}");
        }

        #[test]
        fn mbgnbd_gradient(r in 0.1..3.0f64, alpha in 1.0..40.0f64, a in 0.2..3.0f64,
                           b in 0.2..5.0f64, h in history(), ts in horizons()) {
            let m = MbgNbd::new(r, alpha, a, b).unwrap();
            let err = history_error(&m, h.0, h.1, h.2, &ts);
            prop_assert!(err < 1e-5, "error {err}");
        }

        #[test]
        fn pareto_nbd_gradient(r in 0.1..3.0f64, alpha in 1.0..40.0f64, s in 0.2..3.0f64,
                               beta in 1.0..40.0f64, h in history(), ts in horizons()) {
            let m = ParetoNbd::new(r, alpha, s, beta).unwrap();
            let err = history_error(&m, h.0, h.1, h.2, &ts);
            prop_assert!(err < 1e-5, "error {err}");
        }
    }
}
