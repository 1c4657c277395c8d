//! `ltv fit` and `ltv predict` end to end (needs `--features cli`).
#![cfg(feature = "cli")]

mod common;

use std::path::Path;

use common::cli::{ltv, ok, stderr};
use common::*;
use ltv::models::{CustomerBatch, ModelFile, SavedModel};
use ltv::Period;

const CDNOW: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/data/cdnow_customers_summary.csv"
);

/// `ltv fit --model model --input input`, which must fail; returns its stderr.
fn fit_fails(model: &str, input: &Path, extra: &[&str]) -> String {
    let out = ltv()
        .args(["fit", "--model", model, "--input"])
        .arg(input)
        .args(extra)
        .output()
        .unwrap();
    assert!(!out.status.success());
    stderr(&out)
}

#[test]
fn fit_prints_the_issue_keys_and_saves_a_model_that_predict_reads() {
    let dir = tempfile::tempdir().unwrap();
    let model_path = dir.path().join("model.json");
    // with and without the summary's period recorded (predict does not need it)
    for (model, period) in [("bgnbd", None), ("mbgnbd", Some("week"))] {
        let mut cmd = ltv();
        cmd.args(["fit", "--model", model, "--input", CDNOW, "--output"])
            .arg(&model_path);
        if let Some(p) = period {
            cmd.args(["--period", p]);
        }
        let stdout = ok(cmd.output().unwrap());
        let printed: serde_json::Value = serde_json::from_str(&stdout).unwrap();
        let mut keys: Vec<&str> = printed
            .as_object()
            .unwrap()
            .keys()
            .map(|k| k.as_str())
            .collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "converged",
                "iterations",
                "log_likelihood",
                "model",
                "n_customers",
                "params",
                "std_errors"
            ]
        );
        assert_eq!(printed["model"], model);
        assert_eq!(printed["converged"], true);
        assert_eq!(printed["n_customers"], 2357);
        // parameters are printed in the model's order
        let at = |k: &str| stdout.find(&format!("\"{k}\":")).unwrap();
        assert!(at("r") < at("alpha") && at("alpha") < at("a") && at("a") < at("b"));
        assert!(printed["log_likelihood"].as_f64().unwrap() > -9583.0);

        let file = ModelFile::load(&model_path).unwrap();
        assert_eq!(file.period, period.map(|p| p.parse::<Period>().unwrap()));
        let saved = SavedModel::load(&model_path).unwrap();
        assert_eq!(saved.name(), model);
        let out = ltv()
            .args(["predict", "--model-file"])
            .arg(&model_path)
            .args(["--input", CDNOW, "--horizon", "39"])
            .output()
            .unwrap();
        let text = ok(out);
        let mut lines = text.lines();
        assert_eq!(lines.next(), Some("customer_id,expected_purchases,p_alive"));
        let (ids, f, r, t) = cdnow_columns();
        let m = saved.as_transaction_model().unwrap();
        let e = m
            .conditional_expected_purchases(39.0, &CustomerBatch::new(&f, &r, &t).unwrap())
            .unwrap();
        let a = m
            .probability_alive(&CustomerBatch::new(&f, &r, &t).unwrap())
            .unwrap();
        let rows: Vec<&str> = lines.collect();
        assert_eq!(rows.len(), 2357);
        for (i, row) in rows.iter().enumerate() {
            let c: Vec<&str> = row.split(',').collect();
            assert_eq!(c[0], ids[i]);
            // shortest round-trip formatting: the values are exact
            assert_eq!(c[1].parse::<f64>().unwrap(), e[i]);
            assert_eq!(c[2].parse::<f64>().unwrap(), a[i]);
        }
    }
}

#[test]
fn bad_input_fails_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "id,frequency,recency,T\n1,2,8,5\n").unwrap();
    let err = fit_fails("bgnbd", &bad, &[]);
    assert!(err.contains("line 2") && err.contains("recency"), "{err}");

    let none = dir.path().join("none.csv");
    std::fs::write(&none, "id,frequency,recency,T\n1,0,0,5\n2,0,0,9\n").unwrap();
    assert!(fit_fails("mbgnbd", &none, &[]).contains("repeat purchase"));

    assert!(fit_fails("bgnbd", Path::new(CDNOW), &["--penalizer=-1"]).contains("penalizer"));

    // an unknown period is refused by the argument parser, naming the choices
    let err = fit_fails("bgnbd", Path::new(CDNOW), &["--period", "fortnight"]);
    assert!(err.contains("week") && err.contains("day"), "{err}");
}

#[test]
fn predict_takes_ids_from_an_unnamed_first_column() {
    // pandas' `to_csv` writes the index as a first column with an empty name
    let dir = tempfile::tempdir().unwrap();
    let model_path = dir.path().join("model.json");
    ok(ltv()
        .args(["fit", "--model", "bgnbd", "--input", CDNOW, "--output"])
        .arg(&model_path)
        .output()
        .unwrap());
    let input = dir.path().join("unnamed.csv");
    std::fs::write(
        &input,
        ",frequency,recency,T\nann,2,30.43,38.86\nbob,0,0,38.86\n",
    )
    .unwrap();
    let text = ok(ltv()
        .args(["predict", "--model-file"])
        .arg(&model_path)
        .arg("--input")
        .arg(&input)
        .args(["--horizon", "39"])
        .output()
        .unwrap());
    let ids: Vec<&str> = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert_eq!(ids, ["ann", "bob"]);
}
