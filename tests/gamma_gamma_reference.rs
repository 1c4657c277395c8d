//! Gamma-Gamma on CDNOW against Python lifetimes 0.11.3 and the issue's numbers.
//!
//! Provenance: `tests/reference/bgbb_gamma_gamma_lifetimes.json` is made by
//! `tests/reference/bgbb_gamma_gamma_lifetimes.py` (lifetimes 0.11.3, `GammaGammaFitter()` on
//! the 946 CDNOW customers with frequency > 0); `cdnow_lifetimes.json` is the lead's shared
//! reference. Predictions are compared at lifetimes' parameters (1e-6 relative, the issue's
//! tolerance; the formula is closed-form so we match to ~1e-15). The fit: parameters within
//! 1e-3 relative of the issue's p 6.2488, q 3.7446, v 15.4477, and a log-likelihood at least
//! lifetimes' −4055.923 (1e-6 relative).

use ltv::datasets;
use ltv::fit::FitOptions;
use ltv::models::gamma_gamma::{GammaGamma, SpendData};
use ltv::models::SavedModel;
use ltv::Error;

fn reference() -> serde_json::Value {
    serde_json::from_str(include_str!("reference/bgbb_gamma_gamma_lifetimes.json")).unwrap()
}

fn rel(a: f64, b: f64) -> f64 {
    ((a - b) / b).abs()
}

fn cdnow() -> SpendData {
    SpendData::from_summary(&datasets::cdnow_summary_with_transactions().unwrap()).unwrap()
}

#[test]
fn fit_matches_issue_and_lifetimes() {
    let r = &reference()["gamma_gamma"];
    let data = cdnow();
    assert_eq!(data.total_weight(), 946.0);
    let fitted = GammaGamma::fit(&data, &FitOptions::default()).unwrap();
    let fit = fitted.fit();
    assert!(fit.convergence().converged);
    for (name, v) in [("p", 6.2488), ("q", 3.7446), ("v", 15.4477)] {
        let ours = fit.param(name).unwrap();
        assert!(rel(ours, v) <= 1e-3, "{name}: {ours} vs issue {v}");
        let theirs = r["params"][name].as_f64().unwrap();
        assert!(
            rel(ours, theirs) <= 1e-3,
            "{name}: {ours} vs lifetimes {theirs}"
        );
    }
    // at least lifetimes' (1e-12 relative: summation order only), and the issue's rounded
    // −4055.923 (CLVTools: −4055.918, a different data rounding)
    let theirs = r["log_likelihood_total"].as_f64().unwrap();
    assert!(fit.log_likelihood() >= theirs - 1e-12 * theirs.abs());
    assert!(fit.log_likelihood() >= -4055.9235);
    // standard errors (inverse observed information; ours are p 1.19, q 0.29, v 4.16): a
    // plausibility band only, there is no published reference for them on these data
    let se = fit.std_errors().unwrap();
    for (s, (lo, hi)) in se.iter().zip([(0.5, 3.0), (0.1, 1.0), (1.0, 10.0)]) {
        assert!(*s > lo && *s < hi, "std error {s} outside ({lo}, {hi})");
    }
}

#[test]
fn conditional_expected_spend_matches_lifetimes_for_every_customer() {
    let r = &reference()["gamma_gamma"];
    let p = &r["params"];
    let g = |k: &str| p[k].as_f64().unwrap();
    let m = GammaGamma::new(g("p"), g("q"), g("v")).unwrap();
    let summary = datasets::cdnow_summary_with_transactions().unwrap();
    let values = m
        .conditional_expected_average_values(summary.frequency(), summary.monetary_value().unwrap())
        .unwrap();
    let expected: Vec<f64> = r["conditional_expected_average_profit"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    assert_eq!(values.len(), expected.len());
    for (i, (a, b)) in values.iter().zip(&expected).enumerate() {
        assert!(
            rel(*a, *b) <= 1e-6,
            "customer {}: {a} vs lifetimes {b}",
            i + 1
        );
    }
    // the issue's first ten customers (2 decimals)
    let issue = [
        24.65, 18.91, 35.17, 35.17, 35.17, 71.46, 18.91, 35.17, 27.28, 35.17,
    ];
    for (a, b) in values.iter().zip(issue) {
        assert!((a - b).abs() < 0.01, "{a} vs issue {b}");
    }
    // and the shared reference file (lead's lifetimes run), customers 1, 2, 3, 18, 1516, 2357
    let shared: serde_json::Value =
        serde_json::from_str(include_str!("reference/cdnow_lifetimes.json")).unwrap();
    let gg = &shared["models"]["gamma_gamma"]["conditional_expected_average_profit"];
    for (id, v) in gg.as_object().unwrap() {
        let i: usize = id.parse().unwrap();
        assert!(
            rel(values[i - 1], v.as_f64().unwrap()) <= 1e-6,
            "customer {id}"
        );
    }
}

#[test]
fn correlation_report() {
    let r = &reference()["gamma_gamma"];
    let data = cdnow();
    let ours = data.frequency_spend_correlation().unwrap();
    let numpy = r["pearson_frequency_monetary"].as_f64().unwrap();
    assert!((ours - numpy).abs() < 1e-12, "{ours} vs numpy {numpy}");
    assert!(data.independence_warning().is_none());
    // spend that grows with frequency is flagged
    let x: Vec<f64> = (1..=50).map(f64::from).collect();
    let m: Vec<f64> = x.iter().map(|x| 10.0 + 2.0 * x).collect();
    let strong = SpendData::new(&x, &m, None).unwrap();
    assert!(strong
        .independence_warning()
        .unwrap()
        .contains("correlated"));
}

#[test]
fn zero_or_negative_spend_is_a_clear_error() {
    let bad = ltv::summary::RfmSummary::new(
        vec!["a".into(), "b".into()],
        vec![2.0, 3.0],
        vec![10.0, 12.0],
        vec![20.0, 20.0],
        Some(vec![15.0, 0.0]),
        None,
    )
    .unwrap();
    match SpendData::from_summary(&bad) {
        Err(Error::InvalidField { line, column, .. }) => {
            assert_eq!((line, column.as_str()), (2, "monetary_value"))
        }
        other => panic!("expected a row error, got {other:?}"),
    }
    assert!(matches!(
        SpendData::new(&[1.0], &[-3.0], None),
        Err(Error::InvalidField { .. })
    ));
    assert!(matches!(
        SpendData::new(&[0.0], &[3.0], None),
        Err(Error::InvalidField { .. })
    ));
    assert!(matches!(
        SpendData::new(&[], &[], None),
        Err(Error::EmptyInput { .. })
    ));
    let m = GammaGamma::new(6.2488, 3.7446, 15.4477).unwrap();
    assert!(m.conditional_expected_average_value(2.0, 0.0).is_err());
    assert!(m.conditional_expected_average_value(f64::NAN, 3.0).is_err());
    match m.conditional_expected_average_values(&[1.0, 2.0], &[5.0, -1.0]) {
        Err(Error::InvalidField { line, .. }) => assert_eq!(line, 2),
        other => panic!("expected a row error, got {other:?}"),
    }
    // infinite expectations are errors, not inf
    let heavy = GammaGamma::new(0.1, 0.5, 3.0).unwrap();
    assert!(matches!(
        heavy.population_mean_spend(),
        Err(Error::Numerical { .. })
    ));
    assert!(matches!(
        heavy.conditional_expected_average_value(1.0, 4.0),
        Err(Error::Numerical { .. })
    ));
    // no monetary value column
    let no_money = datasets::cdnow_summary().unwrap();
    assert!(matches!(
        SpendData::from_summary(&no_money),
        Err(Error::EmptyInput { .. })
    ));
}

#[test]
fn variance_and_saved_model() {
    let fitted = GammaGamma::fit(&cdnow(), &FitOptions::default()).unwrap();
    let (values, var) = fitted
        .conditional_expected_average_values_with_variance(&[0.0, 2.0, 40.0], &[0.0, 22.35, 22.35])
        .unwrap();
    // more transactions: the customer's own mean dominates and the spread from the
    // parameters shrinks
    assert!(var.iter().all(|v| *v > 0.0));
    assert!(var[2] < var[1]);
    assert!((values[0] - fitted.population_mean_spend().unwrap()).abs() < 1e-12);

    let saved = SavedModel::from(fitted.clone());
    let text = saved.to_json().unwrap();
    assert!(text.contains("\"model\": \"gamma-gamma\""));
    let back = SavedModel::from_json(&text).unwrap();
    assert_eq!(back.fit().params(), fitted.fit().params());
    assert!(back.as_transaction_model().is_err());
    let spend = back.as_spend_model().unwrap();
    assert_eq!(
        spend
            .conditional_expected_average_value(2.0, 22.35)
            .unwrap(),
        fitted
            .conditional_expected_average_value(2.0, 22.35)
            .unwrap()
    );
}

/// Parameter recovery from simulated spends: each estimate within 3 standard errors.
#[test]
fn recovers_simulated_parameters() {
    use rand::SeedableRng;
    use rand_distr::{Distribution, Gamma};
    let (p, q, v) = (6.0, 3.5, 15.0);
    let mut rng = rand::rngs::StdRng::seed_from_u64(5);
    let nu_dist = Gamma::new(q, 1.0 / v).unwrap();
    let (mut xs, mut ms) = (vec![], vec![]);
    for i in 0..20_000 {
        let x = f64::from(1 + i % 7);
        let nu: f64 = nu_dist.sample(&mut rng);
        // the mean of x Gamma(p, nu) values is Gamma(p x, nu x)
        let mean: f64 = Gamma::new(p * x, 1.0 / (nu * x)).unwrap().sample(&mut rng);
        xs.push(x);
        ms.push(mean);
    }
    let data = SpendData::new(&xs, &ms, None).unwrap();
    let fitted = GammaGamma::fit(&data, &FitOptions::default()).unwrap();
    let se = fitted.fit().std_errors().unwrap();
    for ((est, se), truth) in fitted.fit().params().iter().zip(se).zip([p, q, v]) {
        assert!((est - truth).abs() <= 3.0 * se, "{est} ± {se} vs {truth}");
    }
}
