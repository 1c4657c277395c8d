//! Covariate fits saved and loaded, and bad covariate inputs: each gives
//! `Error::Covariate` naming the column and, where one is at fault, the customer.

use ltv::models::bgnbd::BgNbd;
use ltv::models::covariates::{fit_with_covariates, CovariateFit, CovariateOptions, Covariates};
use ltv::summary::RfmSummary;
use ltv::Error;

/// The CDNOW summary with a channel label from the id (unrelated to behaviour).
fn data() -> (RfmSummary, Covariates, Vec<String>) {
    let s = ltv::datasets::cdnow_summary().unwrap();
    let labels: Vec<String> = s
        .customer_ids()
        .iter()
        .map(|id| ["web", "app", "shop"][id.parse::<usize>().unwrap() % 3].to_string())
        .collect();
    let cov = Covariates::builder(s.customer_ids())
        .categorical("channel", &labels, Some("web"))
        .build()
        .unwrap();
    (s, cov, labels)
}

#[test]
fn save_and_load_round_trip() {
    let (s, cov, labels) = data();
    let fit =
        fit_with_covariates::<BgNbd>(&s, &cov, &CovariateOptions::default().penalty(0.5)).unwrap();
    let json = fit.to_json().unwrap();
    let back = CovariateFit::<BgNbd>::from_json(&json).unwrap();
    assert_eq!(back.theta(), fit.theta());
    assert_eq!(back.theta_names(), fit.theta_names());
    assert_eq!(back.encoding(), fit.encoding());
    assert_eq!(back.penalties(), fit.penalties());
    assert_eq!(back.log_likelihood(), fit.log_likelihood());
    assert_eq!(back.std_errors().unwrap(), fit.std_errors().unwrap());
    // predictions from the loaded model, with covariates encoded by its encoding
    let again = Covariates::encode_with(
        s.customer_ids(),
        back.encoding(),
        &[],
        &[("channel", &labels)],
    )
    .unwrap();
    assert_eq!(
        back.conditional_expected_purchases(
            39.0,
            &ltv::models::CustomerBatch::from(&s)
                .with_covariates(&again)
                .unwrap()
        )
        .unwrap(),
        fit.conditional_expected_purchases(
            39.0,
            &ltv::models::CustomerBatch::from(&s)
                .with_covariates(&cov)
                .unwrap()
        )
        .unwrap()
    );
    assert_eq!(
        back.probability_alive(
            &ltv::models::CustomerBatch::from(&s)
                .with_covariates(&again)
                .unwrap()
        )
        .unwrap(),
        fit.probability_alive(
            &ltv::models::CustomerBatch::from(&s)
                .with_covariates(&cov)
                .unwrap()
        )
        .unwrap()
    );
    // another model's loader refuses the file
    assert!(matches!(
        CovariateFit::<ltv::models::pareto_nbd::ParetoNbd>::from_json(&json),
        Err(Error::ModelFormat { .. })
    ));
    // a tampered parameter name is caught
    let bad = json.replace("alpha:channel=app", "alpha:channel=tv");
    assert!(matches!(
        CovariateFit::<BgNbd>::from_json(&bad),
        Err(Error::ModelFormat { .. })
    ));
}

/// `(column, customer)` of an `Error::Covariate`.
fn covariate_error(e: Error) -> (String, Option<String>) {
    match e {
        Error::Covariate {
            column, customer, ..
        } => (column, customer),
        other => panic!("expected Error::Covariate, got {other:?}"),
    }
}

#[test]
fn bad_covariate_inputs_name_the_customer_and_column() {
    let (s, cov, labels) = data();
    let ids = s.customer_ids().to_vec();

    // unknown customer: covariate rows that are not the summary's customers
    let mut other = ids.clone();
    other[5] = "stranger".into();
    let wrong = Covariates::builder(&other)
        .categorical("channel", &labels, Some("web"))
        .build()
        .unwrap();
    let e = fit_with_covariates::<BgNbd>(&s, &wrong, &CovariateOptions::default()).unwrap_err();
    assert_eq!(
        covariate_error(e),
        ("customer_id".into(), Some(ids[5].clone()))
    );

    // missing value: NaN in a numeric column, an empty label
    let mut age: Vec<f64> = (0..ids.len()).map(|i| (i % 50) as f64).collect();
    age[7] = f64::NAN;
    let e = Covariates::builder(&ids)
        .numeric("age", &age)
        .build()
        .unwrap_err();
    assert_eq!(covariate_error(e), ("age".into(), Some(ids[7].clone())));
    let mut blank = labels.clone();
    blank[9] = String::new();
    let e = Covariates::builder(&ids)
        .categorical("channel", &blank, Some("web"))
        .build()
        .unwrap_err();
    assert_eq!(covariate_error(e), ("channel".into(), Some(ids[9].clone())));

    // constant column, numeric and categorical
    let e = Covariates::builder(&ids)
        .numeric("flag", &vec![1.0; ids.len()])
        .build()
        .unwrap_err();
    assert_eq!(covariate_error(e).0, "flag");
    let e = Covariates::builder(&ids)
        .categorical("country", &vec!["ch"; ids.len()], None)
        .build()
        .unwrap_err();
    assert!(e.to_string().contains("constant"), "{e}");

    // a level seen only at prediction time
    let fit = fit_with_covariates::<BgNbd>(&s, &cov, &CovariateOptions::default()).unwrap();
    let mut new_labels = labels.clone();
    new_labels[3] = "tv".into();
    let e = Covariates::encode_with(&ids, fit.encoding(), &[], &[("channel", &new_labels)])
        .unwrap_err();
    assert_eq!(covariate_error(e), ("channel".into(), Some(ids[3].clone())));

    // a column the model needs that the prediction data lacks
    let e = Covariates::encode_with(&ids, fit.encoding(), &[], &[]).unwrap_err();
    assert_eq!(covariate_error(e), ("channel".into(), None));
}
