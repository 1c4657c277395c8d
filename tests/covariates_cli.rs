//! `ltv fit --covariates`, `ltv predict --covariates`, `ltv clv --covariates` end to end on
//! the CDNOW summary with spend, against the library on the same data.
#![cfg(feature = "cli")]

mod common;

use common::cli::{ltv, ok, stderr, write, CDNOW_SPEND, CDNOW_SPEND_COLUMNS};
use ltv::models::bgnbd::BgNbd;
use ltv::models::covariates::{fit_with_covariates, CovariateFit, CovariateOptions, Covariates};

/// `customer_id,channel,score` for every CDNOW customer (channel from the id, score numeric),
/// plus `extra` rows.
fn covariate_csv(extra: &str) -> (String, Vec<String>, Vec<String>, Vec<f64>) {
    let s = ltv::datasets::cdnow_summary_with_transactions().unwrap();
    let ids = s.customer_ids().to_vec();
    let mut text = String::from("customer_id,channel,score\n");
    let (mut ch, mut sc) = (vec![], vec![]);
    for id in &ids {
        let n: usize = id.parse().unwrap();
        let c = ["web", "app", "shop"][n % 3];
        let v = (n % 7) as f64 - 3.0;
        text.push_str(&format!("{id},{c},{v}\n"));
        ch.push(c.to_string());
        sc.push(v);
    }
    text.push_str(extra);
    (text, ids, ch, sc)
}

/// `text` with the row of customer `id` replaced by `row` (or dropped when `row` is empty).
fn replace_row(text: &str, id: &str, row: &str) -> String {
    let prefix = format!("{id},");
    text.lines()
        .filter_map(|l| match l.starts_with(&prefix) {
            true => (!row.is_empty()).then(|| format!("{row}\n")),
            false => Some(format!("{l}\n")),
        })
        .collect()
}

fn fit_args<'a>(model: &'a str, cov: &'a str, out: &'a str) -> Vec<&'a str> {
    let mut a = vec![
        "fit",
        "--model",
        model,
        "--input",
        CDNOW_SPEND,
        "--covariates",
        cov,
        "--categorical",
        "channel=web",
        "--penalty",
        "0.1",
        "--period",
        "week",
        "--output",
        out,
    ];
    a.extend(CDNOW_SPEND_COLUMNS);
    a
}

#[test]
fn fit_predict_and_clv_with_covariates() {
    let dir = tempfile::tempdir().unwrap();
    let (text, ids, ch, sc) = covariate_csv("");
    let cov = write(dir.path(), "cov.csv", &text);
    let model = dir.path().join("bg.json");
    let model = model.to_str().unwrap();
    let mut args = fit_args("bgnbd", &cov, model);
    args.extend(["--link", "alpha,a,b"]);
    let printed = ok(ltv().args(&args).output().unwrap());
    assert!(printed.contains("ltv-covariates-1"), "{printed}");

    // the same fit through the library
    let s = ltv::datasets::cdnow_summary_with_transactions().unwrap();
    let covariates = Covariates::builder(&ids)
        .categorical("channel", &ch, Some("web"))
        .numeric("score", &sc)
        .build()
        .unwrap();
    let lib =
        fit_with_covariates::<BgNbd>(&s, &covariates, &CovariateOptions::default().penalty(0.1))
            .unwrap();
    let saved = CovariateFit::<BgNbd>::from_json(&std::fs::read_to_string(model).unwrap()).unwrap();
    for (a, b) in saved.theta().iter().zip(lib.theta()) {
        assert!((a - b).abs() < 1e-9, "{a} vs {b}");
    }
    let file: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(model).unwrap()).unwrap();
    assert_eq!(file["period"], "week");

    // predict: each customer with their own covariates
    let mut pargs = vec![
        "predict",
        "--model-file",
        model,
        "--input",
        CDNOW_SPEND,
        "--horizon",
        "39",
        "--covariates",
        &cov,
        "--frequency-col",
        "x",
        "--recency-col",
        "t_x",
    ];
    let out = ok(ltv().args(&pargs).output().unwrap());
    let expected = lib
        .conditional_expected_purchases(
            39.0,
            &ltv::models::CustomerBatch::from(&s)
                .with_covariates(&covariates)
                .unwrap(),
        )
        .unwrap();
    let alive = lib
        .probability_alive(
            &ltv::models::CustomerBatch::from(&s)
                .with_covariates(&covariates)
                .unwrap(),
        )
        .unwrap();
    let rows: Vec<&str> = out.lines().collect();
    assert_eq!(rows[0], "customer_id,expected_purchases,p_alive");
    assert_eq!(rows.len(), ids.len() + 1);
    for (i, row) in rows[1..].iter().enumerate() {
        let f: Vec<&str> = row.split(',').collect();
        assert_eq!(f[0], ids[i]);
        let (e, a): (f64, f64) = (f[1].parse().unwrap(), f[2].parse().unwrap());
        assert!((e - expected[i]).abs() <= 1e-9 * expected[i].max(1.0));
        assert!((a - alive[i]).abs() <= 1e-9);
    }

    // a covariate model without --covariates is a clear error
    pargs.truncate(7);
    pargs.extend(["--frequency-col", "x", "--recency-col", "t_x"]);
    let o = ltv().args(&pargs).output().unwrap();
    assert!(!o.status.success());
    assert!(stderr(&o).contains("--covariates"), "{}", stderr(&o));

    // clv: transaction model with covariates and a plain spend model
    let gg = dir.path().join("gg.json");
    let gg = gg.to_str().unwrap();
    let mut gargs = vec![
        "fit",
        "--model",
        "gamma-gamma",
        "--input",
        CDNOW_SPEND,
        "--output",
        gg,
    ];
    gargs.extend(CDNOW_SPEND_COLUMNS);
    ok(ltv().args(&gargs).output().unwrap());
    let mut cargs = vec![
        "clv",
        "--transaction-model",
        model,
        "--spend-model",
        gg,
        "--input",
        CDNOW_SPEND,
        "--months",
        "12",
        "--discount-rate",
        "0.01",
        "--covariates",
        &cov,
    ];
    cargs.extend(CDNOW_SPEND_COLUMNS);
    let out = ok(ltv().args(&cargs).output().unwrap());
    let rows: Vec<&str> = out.lines().collect();
    assert_eq!(rows[0], "customer_id,clv");
    // customer 1 by the library: model_for(z) and the crate's CLV function
    let spend: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(gg).unwrap()).unwrap();
    let p = &spend["params"];
    let g = ltv::models::gamma_gamma::GammaGamma::new(
        p["p"].as_f64().unwrap(),
        p["q"].as_f64().unwrap(),
        p["v"].as_f64().unwrap(),
    )
    .unwrap();
    let settings = ltv::value::ClvSettings::new(
        ltv::Period::Week,
        ltv::value::Months::new(12),
        ltv::value::MonthlyDiscountRate::new(0.01).unwrap(),
    );
    let m = lib.model_for(covariates.row(0)).unwrap();
    let x = s.frequency()[0];
    let money = s.monetary_value().unwrap()[0];
    let want = ltv::value::gamma_gamma_customer_lifetime_value(
        &m,
        &g,
        &settings,
        &ltv::models::CustomerBatch::new(&[x], &[s.recency()[0]], &[s.t()[0]]).unwrap(),
        &[money],
    )
    .unwrap()[0];
    let got: f64 = rows[1].split(',').nth(1).unwrap().parse().unwrap();
    assert!(
        (got - want).abs() <= 1e-6 * want.max(1.0),
        "{got} vs {want}"
    );

    // a Gamma-Gamma spend model with covariates works too
    let ggc = dir.path().join("ggc.json");
    let ggc = ggc.to_str().unwrap();
    ok(ltv()
        .args(fit_args("gamma-gamma", &cov, ggc))
        .output()
        .unwrap());
    cargs[4] = ggc;
    let out = ok(ltv().args(&cargs).output().unwrap());
    assert_eq!(out.lines().count(), ids.len() + 1);
}

#[test]
fn bad_covariate_files_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("m.json");
    let out = out.to_str().unwrap();
    let run = |text: &str| {
        let cov = write(dir.path(), "cov.csv", text);
        let o = ltv().args(fit_args("bgnbd", &cov, out)).output().unwrap();
        assert!(!o.status.success());
        stderr(&o)
    };
    // a row for a customer not in the summary
    let (text, ..) = covariate_csv("99999,web,1\n");
    let e = run(&text);
    assert!(
        e.contains("customer `99999`") && e.contains("not in the summary"),
        "{e}"
    );
    // a summary customer without a row
    let (text, ..) = covariate_csv("");
    let e = run(&replace_row(&text, "17", ""));
    assert!(e.contains("customer `17`") && e.contains("no row"), "{e}");
    // a missing value
    let e = run(&replace_row(&text, "5", "5,,0"));
    assert!(e.contains("customer `5`"), "{e}");
    // a constant column
    let constant: String = text
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i == 0 {
                format!("{l},flag\n")
            } else {
                format!("{l},1\n")
            }
        })
        .collect();
    let e = run(&constant);
    assert!(
        e.contains("covariate `flag`") && e.contains("constant"),
        "{e}"
    );
    // a label in a numeric column
    let e = run(&replace_row(&text, "8", "8,web,high"));
    assert!(
        e.contains("covariate `score`") && e.contains("customer `8`"),
        "{e}"
    );

    // a level seen only at prediction time
    let (text, ..) = covariate_csv("");
    let cov = write(dir.path(), "cov.csv", &text);
    ok(ltv().args(fit_args("bgnbd", &cov, out)).output().unwrap());
    let unseen = write(dir.path(), "new.csv", &replace_row(&text, "2", "2,tv,0"));
    let o = ltv()
        .args([
            "predict",
            "--model-file",
            out,
            "--input",
            CDNOW_SPEND,
            "--horizon",
            "10",
            "--covariates",
            &unseen,
            "--frequency-col",
            "x",
            "--recency-col",
            "t_x",
        ])
        .output()
        .unwrap();
    assert!(!o.status.success());
    let e = stderr(&o);
    assert!(e.contains("customer `2`") && e.contains("not seen"), "{e}");
}
