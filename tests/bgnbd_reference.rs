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
use ltv::models::TransactionModel;

fn lifetimes_model(reference: &serde_json::Value) -> BgNbd {
    model_at(&reference["bgnbd"]["params"])
}

#[test]
fn fit_reaches_lifetimes_log_likelihood_and_parameters() {
    let reference = lifetimes_reference();
    let fitted = BgNbd::fit(&cdnow(), &FitOptions::default()).unwrap();
    let fit = fitted.fit();
    // lifetimes' optimum (shared README): -9582.4256; ours must be at least as high (1e-6 rel)
    assert!(fit.log_likelihood() >= -9582.4256 * (1.0 + 1e-6));
    assert_eq!(fit.n_customers(), 2357.0);
    // parameters within 1e-3 relative of lifetimes'; standard errors equal lifetimes' (their
    // diagonal is right; the optima differ in the 7th digit, so 1e-4 relative); and the
    // log-likelihood at least lifetimes' (1e-6 rel)
    assert_fit_matches_lifetimes(fit, &reference["bgnbd"], 1e-3, 1e-4);
    // and of the paper (Fader, Hardie & Lee 2005, p. 281: r 0.243, alpha 4.414, a 0.793,
    // b 2.426, printed to 3 decimals): within 1e-3 relative, or within the printed
    // rounding (half a unit in the last place) for r, whose 1e-3 band (±0.00024) is narrower
    // than the rounding of the printed 0.243.
    for (name, paper) in [("r", 0.243), ("alpha", 4.414), ("a", 0.793), ("b", 2.426)] {
        let ours = fit.param(name).unwrap();
        let ok = ((ours - paper) / paper).abs() <= 1e-3 || (ours - paper).abs() <= 0.0005;
        assert!(ok, "{name}: {ours} vs paper {paper}");
    }
}

/// lifetimes minimises `-LL/n + c·Σp²`. Our objective at lifetimes' penalised estimates
/// equals lifetimes' own value (same definition), and our penalised optimum is at least as
/// good. (lifetimes stops early here: its objective is 4.2736 against our 4.1282, so the
/// parameters themselves differ; the objective is what can be compared.)
#[test]
fn penalizer_has_lifetimes_meaning() {
    let reference = lifetimes_reference();
    let fitted = assert_penalizer_has_lifetimes_meaning::<BgNbd>(&reference["bgnbd"]);
    assert_eq!(fitted.fit().penalizer(), 0.01);
}

#[test]
fn every_prediction_matches_lifetimes_at_its_parameters() {
    let reference = lifetimes_reference();
    let m = lifetimes_model(&reference);
    // the issue's tolerance (see the module docs)
    assert_predictions_match_lifetimes(&m, &reference["bgnbd"], 1e-6);
}

#[test]
fn shared_reference_values() {
    let shared = shared_reference();
    let r = &shared["models"]["bgnbd"];
    let m: BgNbd = model_at(&r["params"]);
    // predictions within the issue's 1e-6; the log-likelihood, a plain sum, within 1e-10
    assert_shared_reference_values(&m, r, 1e-6, 1e-10);
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
