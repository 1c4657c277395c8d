//! Saved models: JSON round trip with model name and format version, and typed errors for
//! broken files.

mod common;

use common::*;
use ltv::fit::FitOptions;
use ltv::models::bgnbd::BgNbd;
use ltv::models::mbgnbd::MbgNbd;
use ltv::models::{SavedModel, TransactionModel, FORMAT_VERSION};
use ltv::Error;

fn saved_bgnbd() -> SavedModel {
    BgNbd::fit(&cdnow(), &FitOptions::default()).unwrap().into()
}

#[test]
fn round_trip_keeps_parameters_covariance_and_predictions() {
    for saved in [
        saved_bgnbd(),
        SavedModel::from(MbgNbd::fit(&cdnow(), &FitOptions::default()).unwrap()),
    ] {
        let text = saved.to_json().unwrap();
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(value["format_version"], FORMAT_VERSION);
        assert_eq!(value["model"], saved.name());
        let back = SavedModel::from_json(&text).unwrap();
        assert_eq!(back.name(), saved.name());
        let (a, b) = (saved.fit(), back.fit());
        // serde_json parses floats to within 1 ulp
        for (x, y) in a.params().iter().zip(b.params()) {
            approx::assert_relative_eq!(x, y, max_relative = 1e-15);
        }
        approx::assert_relative_eq!(
            a.covariance().unwrap(),
            b.covariance().unwrap(),
            max_relative = 1e-14
        );
        assert_eq!(a.convergence(), b.convergence());
        let m = back.as_transaction_model().unwrap();
        let e = m
            .conditional_expected_purchases_one(39.0, 2.0, 30.43, 38.86)
            .unwrap();
        assert!(e > 1.0 && e < 1.5);
    }
}

#[test]
fn reordered_parameters_are_matched_by_name() {
    let saved = saved_bgnbd();
    let mut value: serde_json::Value = serde_json::from_str(&saved.to_json().unwrap()).unwrap();
    // reverse the params and permute the covariance the same way
    let p = value["params"].as_object().unwrap().clone();
    let names: Vec<String> = p.keys().cloned().collect(); // serde_json sorts: a, alpha, b, r
    let order: Vec<usize> = names
        .iter()
        .map(|n| {
            ["r", "alpha", "a", "b"]
                .iter()
                .position(|x| x == n)
                .unwrap()
        })
        .collect();
    let cov = saved.fit().covariance().unwrap();
    let permuted: Vec<Vec<f64>> = order
        .iter()
        .map(|&i| order.iter().map(|&j| cov[(i, j)]).collect())
        .collect();
    value["covariance"] = serde_json::json!(permuted);
    let back = SavedModel::from_json(&value.to_string()).unwrap();
    let names: Vec<&str> = back.fit().names().iter().map(String::as_str).collect();
    assert_eq!(names, ["r", "alpha", "a", "b"]);
    approx::assert_relative_eq!(back.fit().covariance().unwrap(), cov, max_relative = 1e-14);
}

#[test]
fn broken_files_are_model_format_errors() {
    let good = saved_bgnbd().to_json().unwrap();
    let cases = [
        good.replace("\"format_version\": 1", "\"format_version\": 99"),
        good.replace("\"format_version\": 1,", ""),
        good.replace("\"bgnbd\"", "\"no-such-model\""),
        good.replace("\"alpha\"", "\"beta\""),
        "[1, 2]".to_string(),
        "not json".to_string(),
    ];
    for text in cases {
        match SavedModel::from_json(&text) {
            Err(Error::ModelFormat { rule, .. }) => assert!(!rule.to_string().is_empty()),
            other => panic!("expected ModelFormat, got {other:?}"),
        }
    }
    // a negative parameter is rejected, naming it
    let value: serde_json::Value = serde_json::from_str(&good).unwrap();
    let mut v = value.clone();
    v["params"]["r"] = serde_json::json!(-1.0);
    match SavedModel::from_json(&v.to_string()) {
        Err(e @ Error::ModelFormat { .. }) => {
            let message = e.to_string();
            assert!(message.contains("parameter r = -1"), "{message}")
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        SavedModel::load("/nonexistent/model.json"),
        Err(Error::Io { .. })
    ));
}

#[test]
fn given_parameters_have_no_covariance() {
    let m = BgNbd::new(0.243, 4.414, 0.793, 2.426).unwrap();
    assert!(matches!(
        m.covariance(),
        Err(Error::SingularInformation { .. })
    ));
    let other = m.with_parameters(&[0.3, 4.0, 0.8, 2.0]).unwrap();
    assert_eq!(other.parameters(), vec![0.3, 4.0, 0.8, 2.0]);
    assert!(m.with_parameters(&[0.3, 4.0, 0.8]).is_err());
    assert!(m.with_parameters(&[0.3, -4.0, 0.8, 2.0]).is_err());
}

#[test]
fn the_period_is_recorded_optional_and_checked() {
    use ltv::models::ModelFile;
    use ltv::Period;
    let model = saved_bgnbd();
    // recorded: written after the version, read back
    for period in [Period::Hour, Period::Day, Period::Week, Period::Month] {
        let file = ModelFile {
            model: model.clone(),
            period: Some(period),
        };
        let text = file.to_json().unwrap();
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(value["format_version"], FORMAT_VERSION);
        let back = ModelFile::from_json(&text).unwrap();
        assert_eq!(back.period, Some(period));
        assert_eq!(back.model.name(), "bgnbd");
        // SavedModel reads the same file, dropping the period
        assert_eq!(SavedModel::from_json(&text).unwrap().name(), "bgnbd");
    }
    // a file without the key (older files, SavedModel::save) loads with no period
    let old = model.to_json().unwrap();
    assert!(!old.contains("\"period\""));
    assert_eq!(ModelFile::from_json(&old).unwrap().period, None);
    // an unknown period is a format error
    let mut v: serde_json::Value = serde_json::from_str(&old).unwrap();
    v["period"] = serde_json::json!("fortnight");
    assert!(matches!(
        ModelFile::from_json(&v.to_string()),
        Err(Error::ModelFormat { .. })
    ));
    // save / load through a file
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.json");
    let file = ModelFile {
        model,
        period: Some(Period::Day),
    };
    file.save(&path).unwrap();
    let back = ModelFile::load(&path).unwrap();
    assert_eq!(back.period, Some(Period::Day));
    // serde_json parses floats to within 1 ulp
    for (x, y) in back
        .model
        .fit()
        .params()
        .iter()
        .zip(file.model.fit().params())
    {
        approx::assert_relative_eq!(x, y, max_relative = 1e-15);
    }
}
