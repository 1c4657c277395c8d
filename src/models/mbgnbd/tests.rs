use super::*;
use crate::fit::gradient_check::assert_covariance_matches_second_differences;
use crate::fit::maximize;
use crate::models::bgnbd::tests::{
    assert_cdnow_gradients, assert_compression_keeps_the_cdnow_optimum, cdnow, nobody_repeats,
};
use crate::Error;

#[test]
fn gradient_matches_finite_differences() {
    assert_cdnow_gradients::<likelihood::MbgNbdTerms>(&[
        [0.525, 6.18, 0.891, 1.614],
        [1.0, 30.0, 1.0, 3.0],
        [0.05, 0.5, 0.1, 0.2],
        [5.0, 100.0, 3.0, 50.0],
    ]);
}

#[test]
fn compressed_and_uncompressed_fits_agree() {
    assert_compression_keeps_the_cdnow_optimum::<likelihood::MbgNbdTerms>();
}

#[test]
fn nobody_repeats_is_unidentifiable() {
    assert!(matches!(
        MbgNbd::fit(&nobody_repeats(), &FitOptions::default()),
        Err(Error::Unidentifiable { .. })
    ));
}

/// Covariance (off-diagonal entries included) against the inverse of minus a Hessian from
/// second differences of log-likelihood values (Richardson-extrapolated), within 1e-5 of `sqrt(cov_ii · cov_jj)`
/// (see [`assert_covariance_matches_second_differences`]).
#[test]
fn covariance_matches_finite_difference_hessian() {
    let data = cdnow();
    let l = likelihood::MbgNbdLikelihood::new(&data);
    let fit = maximize(&l, &FitOptions::default()).unwrap();
    assert!(assert_covariance_matches_second_differences(&l, &fit, 1e-5) > 0.5);
}
