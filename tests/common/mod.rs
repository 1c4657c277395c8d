//! Shared loaders for the model tests.
#![allow(dead_code)]

#[cfg(feature = "cli")]
pub mod cli;

use ltv::models::{CustomerBatch, Fitted, ModelParameters, TransactionModel};
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

/// What the lifetimes comparisons of `bgnbd_reference.rs` and `mbgnbd_reference.rs` ask of a
/// BG/NBD-family model beyond [`TransactionModel`].
pub trait BetaGeometricModel: TransactionModel + ModelParameters {
    /// The model at parameters `(r, α, a, b)`.
    fn with(p: [f64; 4]) -> Self;
    /// `P(X(t) = n)` for a new customer.
    fn probability_of_purchases(&self, t: f64, n: f64) -> f64;
    /// Log-likelihood of a summary.
    fn log_likelihood(&self, data: &CompressedSummary) -> f64;
    /// Maximum-likelihood fit on a summary.
    fn fit_to(data: &CompressedSummary, options: &ltv::fit::FitOptions) -> Fitted<Self>;
}

macro_rules! beta_geometric_model {
    ($model:ty) => {
        impl BetaGeometricModel for $model {
            fn with(p: [f64; 4]) -> Self {
                <$model>::new(p[0], p[1], p[2], p[3]).unwrap()
            }
            fn probability_of_purchases(&self, t: f64, n: f64) -> f64 {
                <$model>::probability_of_purchases(self, t, n).unwrap()
            }
            fn log_likelihood(&self, data: &CompressedSummary) -> f64 {
                <$model>::log_likelihood(self, data).unwrap()
            }
            fn fit_to(data: &CompressedSummary, options: &ltv::fit::FitOptions) -> Fitted<Self> {
                <$model>::fit(data, options).unwrap()
            }
        }
    };
}
beta_geometric_model!(ltv::models::bgnbd::BgNbd);
beta_geometric_model!(ltv::models::mbgnbd::MbgNbd);

/// The model at the parameters `{"r", "alpha", "a", "b"}` of a reference file.
pub fn model_at<M: BetaGeometricModel>(p: &serde_json::Value) -> M {
    M::with(["r", "alpha", "a", "b"].map(|name| p[name].as_f64().unwrap()))
}

/// Every prediction of `m` against lifetimes' values `r` (one model's section of
/// `bgnbd_mbgnbd_lifetimes.json`) on all CDNOW customers, each within `rel` relative:
/// conditional expectations at each horizon, P(alive), new-customer expectations, P(X(t) = n)
/// and the P(alive) matrix of frequency ≤ 5, recency ≤ 10. Prints the worst error.
pub fn assert_predictions_match_lifetimes<M: BetaGeometricModel>(
    m: &M,
    r: &serde_json::Value,
    rel: f64,
) {
    let (_, f, rec, t) = cdnow_columns();
    let mut worst: f64 = 0.0;
    for (horizon, values) in r["conditional_expected_purchases"].as_object().unwrap() {
        let h: f64 = horizon.parse().unwrap();
        let ours = m
            .conditional_expected_purchases(h, &CustomerBatch::new(&f, &rec, &t).unwrap())
            .unwrap();
        let err = max_rel_err(&ours, &floats(values));
        assert!(err <= rel, "E[Y({h})]: max relative error {err:e}");
        worst = worst.max(err);
    }
    let alive = m
        .probability_alive(&CustomerBatch::new(&f, &rec, &t).unwrap())
        .unwrap();
    let err = max_rel_err(&alive, &floats(&r["probability_alive"]));
    assert!(err <= rel, "P(alive): {err:e}");
    worst = worst.max(err);
    for (horizon, value) in r["expected_purchases_new_customer"].as_object().unwrap() {
        let h: f64 = horizon.parse().unwrap();
        assert_rel(
            m.expected_purchases(h).unwrap(),
            value.as_f64().unwrap(),
            rel,
            &format!("E[X({h})]"),
        );
    }
    for (horizon, by_n) in r["probability_of_n_purchases"].as_object().unwrap() {
        let h: f64 = horizon.parse().unwrap();
        for (n, value) in by_n.as_object().unwrap() {
            let n: f64 = n.parse().unwrap();
            assert_rel(
                m.probability_of_purchases(h, n),
                value.as_f64().unwrap(),
                rel,
                &format!("P(X({h}) = {n})"),
            );
        }
    }
    let matrix = ltv::models::probability_alive_matrix(m, 5, 10).unwrap();
    for (i, row) in r["probability_alive_matrix_f5_r10"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
    {
        for (j, v) in floats(row).iter().enumerate() {
            assert_rel(matrix[[i, j]], *v, rel, &format!("alive matrix [{i}, {j}]"));
        }
    }
    eprintln!("worst relative error vs lifetimes over all customers: {worst:e}");
}

/// `m` against one model's section `r` of the shared reference `cdnow_lifetimes.json`:
/// E[Y(39)] and P(alive) of the listed customers, E[X(39)] and P(X(39) = n) within `rel`;
/// the CDNOW log-likelihood within `ll_rel`.
pub fn assert_shared_reference_values<M: BetaGeometricModel>(
    m: &M,
    r: &serde_json::Value,
    rel: f64,
    ll_rel: f64,
) {
    let (ids, f, rec, t) = cdnow_columns();
    let cond = m
        .conditional_expected_purchases(39.0, &CustomerBatch::new(&f, &rec, &t).unwrap())
        .unwrap();
    let alive = m
        .probability_alive(&CustomerBatch::new(&f, &rec, &t).unwrap())
        .unwrap();
    for (id, v) in r["conditional_expected_purchases_t39"].as_object().unwrap() {
        let i = ids.iter().position(|x| x == id).unwrap();
        assert_rel(
            cond[i],
            v.as_f64().unwrap(),
            rel,
            &format!("E[Y(39)] of {id}"),
        );
        let a = r["probability_alive"][id].as_f64().unwrap();
        assert_rel(alive[i], a, rel, &format!("P(alive) of {id}"));
    }
    assert_rel(
        m.expected_purchases(39.0).unwrap(),
        r["expected_purchases_new_customer_t39"].as_f64().unwrap(),
        rel,
        "E[X(39)]",
    );
    for (n, v) in r["probability_of_n_purchases_t39"].as_object().unwrap() {
        let n: f64 = n.parse().unwrap();
        assert_rel(
            m.probability_of_purchases(39.0, n),
            v.as_f64().unwrap(),
            rel,
            &format!("P(X(39) = {n})"),
        );
    }
    assert_rel(
        m.log_likelihood(&cdnow()),
        r["log_likelihood_total"].as_f64().unwrap(),
        ll_rel,
        "LL at lifetimes' params",
    );
}

/// lifetimes' penalised objective `-LL/n + c·Σp²` of `m` on CDNOW (n = 2,357 customers).
pub fn lifetimes_objective<M: BetaGeometricModel>(m: &M, c: f64) -> f64 {
    let p = m.parameters();
    -m.log_likelihood(&cdnow()) / 2357.0 + c * p.iter().map(|v| v * v).sum::<f64>()
}

/// A fit on CDNOW against lifetimes' (one model's section `r` of
/// `bgnbd_mbgnbd_lifetimes.json`): converged, log-likelihood at least lifetimes' (within
/// 1e-12 relative: summation order only; the issue allows 1e-6), parameters within `params_rel` and standard errors within `se_rel`
/// relative of lifetimes'.
pub fn assert_fit_matches_lifetimes(
    fit: &ltv::fit::Fit,
    r: &serde_json::Value,
    params_rel: f64,
    se_rel: f64,
) {
    let lifetimes_ll = r["log_likelihood_total"].as_f64().unwrap();
    assert!(fit.log_likelihood() >= lifetimes_ll - 1e-12 * lifetimes_ll.abs());
    assert!(fit.convergence().converged);
    for (name, &value) in fit.names().iter().zip(fit.params()) {
        let theirs = r["params"][name].as_f64().unwrap();
        assert_rel(value, theirs, params_rel, name);
    }
    let se = fit.std_errors().unwrap();
    for (name, s) in fit.names().iter().zip(se) {
        let theirs = r["std_errors_lifetimes"][name].as_f64().unwrap();
        assert_rel(s, theirs, se_rel, &format!("std error of {name}"));
    }
}

/// lifetimes minimises `-LL/n + c·Σp²` ([`lifetimes_objective`]). With `c = 0.01`: our
/// objective at lifetimes' penalised estimates (`penalizer_0.01_params` of section `r` of
/// `bgnbd_mbgnbd_lifetimes.json`) equals lifetimes' own value within 1e-12 relative (same
/// definition), and our penalised optimum is at least as good (within 1e-12). Returns our
/// penalised fit.
pub fn assert_penalizer_has_lifetimes_meaning<M: BetaGeometricModel>(
    r: &serde_json::Value,
) -> Fitted<M> {
    let c = 0.01;
    let theirs: M = model_at(&r["penalizer_0.01_params"]);
    let their_objective = r["penalizer_0.01_objective"].as_f64().unwrap();
    assert_rel(
        lifetimes_objective(&theirs, c),
        their_objective,
        1e-12,
        "penalised objective",
    );
    let opts = {
        let mut o = ltv::fit::FitOptions::default();
        o.penalizer = c;
        o
    };
    let fitted = M::fit_to(&cdnow(), &opts);
    assert!(lifetimes_objective(fitted.model(), c) <= their_objective + 1e-12);
    fitted
}
