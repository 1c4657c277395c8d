use super::*;
use crate::fit::gradient_check::assert_gradient_matches;
use crate::models::bgnbd::tests::{assert_same_optimum, cdnow, cdnow_columns};
use crate::Error;

#[test]
fn gradient_matches_finite_differences() {
    let data = cdnow();
    let l = MbgNbdLikelihood::new(&data);
    for p in [
        [0.525, 6.18, 0.891, 1.614],
        [1.0, 30.0, 1.0, 3.0],
        [0.05, 0.5, 0.1, 0.2],
        [5.0, 100.0, 3.0, 50.0],
    ] {
        assert_gradient_matches(&l, &p, 1e-6);
    }
}

#[test]
fn compressed_and_uncompressed_fits_agree() {
    let (f, r, t) = cdnow_columns();
    let w = vec![1.0; f.len()];
    let raw = MbgNbdLikelihood::from_columns(&f, &r, &t, &w);
    let data = cdnow();
    let compressed = MbgNbdLikelihood::new(&data);
    assert_same_optimum(&raw, &compressed);
}

#[test]
fn nobody_repeats_is_unidentifiable() {
    let data =
        CompressedSummary::from_weighted_rows(&[0.0, 0.0], &[0.0, 0.0], &[5.0, 9.0], &[3.0, 4.0])
            .unwrap();
    assert!(matches!(
        MbgNbd::fit(&data, &FitOptions::default()),
        Err(Error::Unidentifiable { .. })
    ));
}
