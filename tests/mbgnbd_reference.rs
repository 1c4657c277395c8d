//! MBG/NBD against Python lifetimes 0.11.3 (`ModifiedBetaGeoFitter`) on CDNOW.
//!
//! Provenance as in `bgnbd_reference.rs`: `tests/reference/bgnbd_mbgnbd_lifetimes.py` made
//! `bgnbd_mbgnbd_lifetimes.json`; `cdnow_lifetimes.json` is the lead's shared reference.
//! Predictions are compared at lifetimes' parameters within the 1e-6 relative.

mod common;

use common::*;
use ltv::fit::FitOptions;
use ltv::models::mbgnbd::MbgNbd;

#[test]
fn fit_reaches_lifetimes_log_likelihood_and_parameters() {
    let reference = lifetimes_reference();
    let fitted = MbgNbd::fit(&cdnow(), &FitOptions::default()).unwrap();
    assert_fit_matches_lifetimes(fitted.fit(), &reference["mbgnbd"], 1e-3, 1e-3);
}

#[test]
fn every_prediction_matches_lifetimes_at_its_parameters() {
    let reference = lifetimes_reference();
    let m: MbgNbd = model_at(&reference["mbgnbd"]["params"]);
    assert_predictions_match_lifetimes(&m, &reference["mbgnbd"], 1e-6);
}

#[test]
fn shared_reference_values() {
    let shared = shared_reference();
    let r = &shared["models"]["mbgnbd"];
    let m: MbgNbd = model_at(&r["params"]);
    assert_shared_reference_values(&m, r, 1e-6, 1e-10);
}

/// Same check of the penalizer's meaning as for BG/NBD.
#[test]
fn penalizer_has_lifetimes_meaning() {
    let reference = lifetimes_reference();
    assert_penalizer_has_lifetimes_meaning::<MbgNbd>(&reference["mbgnbd"]);
}
