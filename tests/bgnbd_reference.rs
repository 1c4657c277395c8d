//! BG/NBD against published values and Python lifetimes 0.11.3 on CDNOW.
//!
//! Provenance: `tests/reference/bgnbd_mbgnbd_lifetimes.json` is made by
//! `tests/reference/bgnbd_mbgnbd_lifetimes.py` (lifetimes 0.11.3); `cdnow_lifetimes.json` is
//! the lead's shared reference (same library, see /work/shared/reference/README.md).
//! Predictions are compared **at lifetimes' parameters** so that only the formulas are
//! compared; the tolerance 1e-6 relative is the issue's (we reach ~1e-12, see below), and
//! covers scipy's `hyp2f1`, whose accuracy is ~1e-14 at these arguments.

mod common;

use common::*;
use ltv::fit::FitOptions;
use ltv::models::bgnbd::BgNbd;
use ltv::models::{probability_alive_matrix, TransactionModel};

fn lifetimes_model(reference: &serde_json::Value) -> BgNbd {
    let p = &reference["bgnbd"]["params"];
    BgNbd::new(
        p["r"].as_f64().unwrap(),
        p["alpha"].as_f64().unwrap(),
        p["a"].as_f64().unwrap(),
        p["b"].as_f64().unwrap(),
    )
    .unwrap()
}

#[test]
fn fit_reaches_lifetimes_log_likelihood_and_parameters() {
    let reference = lifetimes_reference();
    let fitted = BgNbd::fit(&cdnow(), &FitOptions::default()).unwrap();
    let fit = fitted.fit();
    // lifetimes' optimum (shared README): -9582.4256; ours must be at least as high (1e-6 rel)
    let lifetimes_ll = reference["bgnbd"]["log_likelihood_total"].as_f64().unwrap();
    assert!(fit.log_likelihood() >= lifetimes_ll - 1e-6 * lifetimes_ll.abs());
    assert!(fit.log_likelihood() >= -9582.4256 * (1.0 + 1e-6));
    assert!(fit.convergence().converged);
    assert_eq!(fit.n_customers(), 2357.0);
    // parameters within 1e-3 relative of lifetimes'
    for (name, &value) in fit.names().iter().zip(fit.params()) {
        let theirs = reference["bgnbd"]["params"][name].as_f64().unwrap();
        assert_rel(value, theirs, 1e-3, name);
    }
    // and of the paper (Fader, Hardie & Lee 2005, p. 281: r 0.243, alpha 4.414, a 0.793,
    // b 2.426, printed to 3 decimals): within 1e-3 relative, or within the printed
    // rounding (half a unit in the last place) for r, whose 1e-3 band (±0.00024) is narrower
    // than the rounding of the printed 0.243.
    for (name, paper) in [("r", 0.243), ("alpha", 4.414), ("a", 0.793), ("b", 2.426)] {
        let ours = fit.param(name).unwrap();
        let ok = ((ours - paper) / paper).abs() <= 1e-3 || (ours - paper).abs() <= 0.0005;
        assert!(ok, "{name}: {ours} vs paper {paper}");
    }
    // standard errors equal lifetimes' (their diagonal is right; the optima differ in the
    // 7th digit, so 1e-4 relative)
    let se = fit.std_errors().unwrap();
    for (name, s) in fit.names().iter().zip(se) {
        let theirs = reference["bgnbd"]["std_errors_lifetimes"][name]
            .as_f64()
            .unwrap();
        assert_rel(s, theirs, 1e-4, &format!("std error of {name}"));
    }
}

/// lifetimes minimises `-LL/n + c·Σp²`. Our objective at lifetimes' penalised estimates
/// equals lifetimes' own value (same definition), and our penalised optimum is at least as
/// good. (lifetimes stops early here: its objective is 4.2736 against our 4.1282, so the
/// parameters themselves differ; the objective is what can be compared.)
#[test]
fn penalizer_has_lifetimes_meaning() {
    let reference = lifetimes_reference();
    let data = cdnow();
    let c = 0.01;
    let objective = |m: &BgNbd| {
        let p = m.parameters();
        -m.log_likelihood(&data).unwrap() / 2357.0 + c * p.iter().map(|v| v * v).sum::<f64>()
    };
    let theirs = &reference["bgnbd"]["penalizer_0.01_params"];
    let theirs = BgNbd::new(
        theirs["r"].as_f64().unwrap(),
        theirs["alpha"].as_f64().unwrap(),
        theirs["a"].as_f64().unwrap(),
        theirs["b"].as_f64().unwrap(),
    )
    .unwrap();
    let their_objective = reference["bgnbd"]["penalizer_0.01_objective"]
        .as_f64()
        .unwrap();
    assert_rel(
        objective(&theirs),
        their_objective,
        1e-12,
        "penalised objective",
    );
    let opts = FitOptions {
        penalizer: c,
        ..FitOptions::default()
    };
    let fitted = BgNbd::fit(&data, &opts).unwrap();
    assert!(objective(fitted.model()) <= their_objective + 1e-12);
    assert_eq!(fitted.fit().penalizer(), c);
}

#[test]
fn every_prediction_matches_lifetimes_at_its_parameters() {
    let reference = lifetimes_reference();
    let r = &reference["bgnbd"];
    let m = lifetimes_model(&reference);
    let (_, f, rec, t) = cdnow_columns();
    let mut worst: f64 = 0.0;
    for (horizon, values) in r["conditional_expected_purchases"].as_object().unwrap() {
        let h: f64 = horizon.parse().unwrap();
        let ours = m.conditional_expected_purchases(h, &f, &rec, &t).unwrap();
        let err = max_rel_err(&ours, &floats(values));
        assert!(err <= 1e-6, "E[Y({h})]: max relative error {err:e}");
        worst = worst.max(err);
    }
    let alive = m.probability_alive(&f, &rec, &t).unwrap();
    let err = max_rel_err(&alive, &floats(&r["probability_alive"]));
    assert!(err <= 1e-6, "P(alive): {err:e}");
    worst = worst.max(err);
    for (horizon, value) in r["expected_purchases_new_customer"].as_object().unwrap() {
        let h: f64 = horizon.parse().unwrap();
        assert_rel(
            m.expected_purchases(h).unwrap(),
            value.as_f64().unwrap(),
            1e-6,
            &format!("E[X({h})]"),
        );
    }
    for (horizon, by_n) in r["probability_of_n_purchases"].as_object().unwrap() {
        let h: f64 = horizon.parse().unwrap();
        for (n, value) in by_n.as_object().unwrap() {
            let n: f64 = n.parse().unwrap();
            assert_rel(
                m.probability_of_purchases(h, n).unwrap(),
                value.as_f64().unwrap(),
                1e-6,
                &format!("P(X({h}) = {n})"),
            );
        }
    }
    let matrix = probability_alive_matrix(&m, 5, 10).unwrap();
    for (i, row) in r["probability_alive_matrix_f5_r10"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
    {
        for (j, v) in floats(row).iter().enumerate() {
            assert_rel(
                matrix[[i, j]],
                *v,
                1e-6,
                &format!("alive matrix [{i}, {j}]"),
            );
        }
    }
    eprintln!("worst relative error vs lifetimes over all customers: {worst:e}");
}

#[test]
fn shared_reference_values() {
    let shared = shared_reference();
    let r = &shared["models"]["bgnbd"];
    let p = &r["params"];
    let m = BgNbd::new(
        p["r"].as_f64().unwrap(),
        p["alpha"].as_f64().unwrap(),
        p["a"].as_f64().unwrap(),
        p["b"].as_f64().unwrap(),
    )
    .unwrap();
    let (ids, f, rec, t) = cdnow_columns();
    let cond = m
        .conditional_expected_purchases(39.0, &f, &rec, &t)
        .unwrap();
    let alive = m.probability_alive(&f, &rec, &t).unwrap();
    for (id, v) in r["conditional_expected_purchases_t39"].as_object().unwrap() {
        let i = ids.iter().position(|x| x == id).unwrap();
        assert_rel(
            cond[i],
            v.as_f64().unwrap(),
            1e-6,
            &format!("E[Y(39)] of {id}"),
        );
        let a = r["probability_alive"][id].as_f64().unwrap();
        assert_rel(alive[i], a, 1e-6, &format!("P(alive) of {id}"));
    }
    assert_rel(
        m.expected_purchases(39.0).unwrap(),
        r["expected_purchases_new_customer_t39"].as_f64().unwrap(),
        1e-6,
        "E[X(39)]",
    );
    for (n, v) in r["probability_of_n_purchases_t39"].as_object().unwrap() {
        let n: f64 = n.parse().unwrap();
        assert_rel(
            m.probability_of_purchases(39.0, n).unwrap(),
            v.as_f64().unwrap(),
            1e-6,
            &format!("P(X(39) = {n})"),
        );
    }
    let ll = m.log_likelihood(&cdnow()).unwrap();
    assert_rel(
        ll,
        r["log_likelihood_total"].as_f64().unwrap(),
        1e-10,
        "LL at lifetimes' params",
    );
}

/// Fader, Hardie & Lee (2005) and Hardie's BG/NBD spreadsheet, at lifetimes' parameters:
/// E[X(t)] printed to 4 decimals (so compared to ±5e-5), the conditional expectation of
/// customer 1 (x = 2, t_x = 30.43, T = 38.86) over 39 weeks 1.2259 (spreadsheet: 1.226),
/// and P(X(39) = 0) = (α/(α+39))^r exactly (up to rounding, 1e-14).
#[test]
fn published_values() {
    let m = lifetimes_model(&lifetimes_reference());
    for (t, value) in [
        (0.1429, 0.0078),
        (1.0, 0.0532),
        (3.0, 0.1506),
        (31.86, 1.0406),
        (32.0, 1.0437),
        (78.0, 1.8580),
    ] {
        let ours = m.expected_purchases(t).unwrap();
        assert!(
            (ours - value).abs() <= 5e-5,
            "E[X({t})] = {ours}, published {value}"
        );
    }
    let e = m
        .conditional_expected_purchases_one(39.0, 2.0, 30.43, 38.86)
        .unwrap();
    assert!((e - 1.2259).abs() <= 5e-5, "{e}");
    let p0 = m.probability_of_purchases(39.0, 0.0).unwrap();
    let exact = (m.alpha() / (m.alpha() + 39.0)).powf(m.r());
    assert_rel(p0, exact, 1e-14, "P(X(39) = 0)");
}
