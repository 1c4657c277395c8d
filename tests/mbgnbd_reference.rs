//! MBG/NBD against Python lifetimes 0.11.3 (`ModifiedBetaGeoFitter`) on CDNOW.
//!
//! Provenance as in `bgnbd_reference.rs`: `tests/reference/bgnbd_mbgnbd_lifetimes.py` made
//! `bgnbd_mbgnbd_lifetimes.json`; `cdnow_lifetimes.json` is the lead's shared reference.
//! Predictions are compared at lifetimes' parameters within the issue's 1e-6 relative.

mod common;

use common::*;
use ltv::fit::FitOptions;
use ltv::models::mbgnbd::MbgNbd;
use ltv::models::{probability_alive_matrix, TransactionModel};

fn model_from(p: &serde_json::Value) -> MbgNbd {
    MbgNbd::new(
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
    let fitted = MbgNbd::fit(&cdnow(), &FitOptions::default()).unwrap();
    let fit = fitted.fit();
    let lifetimes_ll = reference["mbgnbd"]["log_likelihood_total"]
        .as_f64()
        .unwrap();
    assert!(fit.log_likelihood() >= lifetimes_ll - 1e-6 * lifetimes_ll.abs());
    assert!(fit.convergence().converged);
    for (name, &value) in fit.names().iter().zip(fit.params()) {
        let theirs = reference["mbgnbd"]["params"][name].as_f64().unwrap();
        assert_rel(value, theirs, 1e-3, name);
    }
    let se = fit.std_errors().unwrap();
    for (name, s) in fit.names().iter().zip(se) {
        let theirs = reference["mbgnbd"]["std_errors_lifetimes"][name]
            .as_f64()
            .unwrap();
        assert_rel(s, theirs, 1e-3, &format!("std error of {name}"));
    }
}

#[test]
fn every_prediction_matches_lifetimes_at_its_parameters() {
    let reference = lifetimes_reference();
    let r = &reference["mbgnbd"];
    let m = model_from(&r["params"]);
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
    let r = &shared["models"]["mbgnbd"];
    let m = model_from(&r["params"]);
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

/// Same check of the penalizer's meaning as for BG/NBD.
#[test]
fn penalizer_has_lifetimes_meaning() {
    let reference = lifetimes_reference();
    let data = cdnow();
    let c = 0.01;
    let objective = |m: &MbgNbd| {
        let p = m.parameters();
        -m.log_likelihood(&data).unwrap() / 2357.0 + c * p.iter().map(|v| v * v).sum::<f64>()
    };
    let theirs = model_from(&reference["mbgnbd"]["penalizer_0.01_params"]);
    let their_objective = reference["mbgnbd"]["penalizer_0.01_objective"]
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
    let fitted = MbgNbd::fit(&data, &opts).unwrap();
    assert!(objective(fitted.model()) <= their_objective + 1e-12);
}
