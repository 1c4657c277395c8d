use super::*;
use crate::models::pareto_nbd::ParetoNbd;
use crate::models::CustomerBatch;
use serde_json::Value;

fn lifetimes_json() -> Value {
    serde_json::from_str(include_str!(
        "../../../tests/reference/cdnow_lifetimes.json"
    ))
    .unwrap()
}

fn clv_json() -> Value {
    serde_json::from_str(include_str!("../../../tests/reference/clv_reference.json")).unwrap()
}

/// CDNOW with mean repeat spend: (id, x, t_x, T, zbar).
fn cdnow() -> Vec<(String, f64, f64, f64, f64)> {
    let s = crate::datasets::cdnow_summary_with_transactions().unwrap();
    (0..s.len())
        .map(|i| {
            (
                s.customer_ids()[i].clone(),
                s.frequency()[i],
                s.recency()[i],
                s.t()[i],
                s.monetary_value().unwrap()[i],
            )
        })
        .collect()
}

/// lifetimes' `conditional_expected_average_profit` at the Gamma-Gamma parameters of the
/// reference JSON: `p (v + x m) / (p x + q - 1)`.
fn gamma_gamma_value(x: f64, m: f64) -> f64 {
    let g = &lifetimes_json()["models"]["gamma_gamma"]["params"];
    let (p, q, v) = (
        g["p"].as_f64().unwrap(),
        g["q"].as_f64().unwrap(),
        g["v"].as_f64().unwrap(),
    );
    p * (v + x * m) / (p * x + q - 1.0)
}

fn pareto_nbd_at_lifetimes() -> ParetoNbd {
    let p = &lifetimes_json()["models"]["pareto_nbd"]["params"];
    ParetoNbd::new(
        p["r"].as_f64().unwrap(),
        p["alpha"].as_f64().unwrap(),
        p["s"].as_f64().unwrap(),
        p["beta"].as_f64().unwrap(),
    )
    .unwrap()
}

/// CDNOW columns with the Gamma-Gamma expected value per purchase.
struct Columns {
    ids: Vec<String>,
    x: Vec<f64>,
    tx: Vec<f64>,
    t: Vec<f64>,
    m: Vec<f64>,
}

fn columns() -> Columns {
    let rows = cdnow();
    Columns {
        ids: rows.iter().map(|r| r.0.clone()).collect(),
        x: rows.iter().map(|r| r.1).collect(),
        tx: rows.iter().map(|r| r.2).collect(),
        t: rows.iter().map(|r| r.3).collect(),
        m: rows.iter().map(|r| gamma_gamma_value(r.1, r.4)).collect(),
    }
}

fn rel(a: f64, b: f64) -> f64 {
    (a - b).abs() / b.abs()
}

#[test]
fn pareto_nbd_clv_matches_lifetimes() {
    let model = pareto_nbd_at_lifetimes();
    let Columns { ids, x, tx, t, m } = columns();
    for case in clv_json()["cases"].as_array().unwrap() {
        let settings = ClvSettings {
            period: Period::Week,
            horizon: Months::new(case["months"].as_u64().unwrap() as u32),
            discount: MonthlyDiscountRate::new(case["discount_rate"].as_f64().unwrap()).unwrap(),
        };
        let clv = customer_lifetime_value(
            &model,
            &settings,
            &CustomerBatch::new(&x, &tx, &t).unwrap(),
            &m,
        )
        .unwrap();
        // 1e-9 relative: same formulas in double precision (the issue asks for 1e-6)
        for (id, want) in case["values"].as_object().unwrap() {
            let i = ids.iter().position(|s| s == id).unwrap();
            assert!(
                rel(clv[i], want.as_f64().unwrap()) < 1e-9,
                "{case}: id {id} {}",
                clv[i]
            );
        }
        let total: f64 = clv.iter().sum();
        assert!(
            rel(total, case["total"].as_f64().unwrap()) < 1e-9,
            "total {total}"
        );
    }
}

#[test]
fn discounting_and_units_behave() {
    let model = pareto_nbd_at_lifetimes();
    let Columns { x, tx, t, .. } = columns();
    let s = |months: u32, d: f64, period: Period| ClvSettings {
        period,
        horizon: Months::new(months),
        discount: MonthlyDiscountRate::new(d).unwrap(),
    };
    // no horizon, no value
    let zero = discounted_expected_purchases(
        &model,
        &s(0, 0.01, Period::Week),
        &CustomerBatch::new(&x, &tx, &t).unwrap(),
    )
    .unwrap();
    assert!(zero.iter().all(|&v| v == 0.0));
    // undiscounted D over N months is E(N f)
    let d = discounted_expected_purchases(
        &model,
        &s(6, 0.0, Period::Week),
        &CustomerBatch::new(&x, &tx, &t).unwrap(),
    )
    .unwrap();
    for i in 0..20 {
        let e = model
            .conditional_expected_purchases_one(6.0 * 4.345, x[i], tx[i], t[i])
            .unwrap();
        assert!((d[i] - e).abs() <= 1e-12 * e.max(1e-300));
    }
    // discounting lowers value; a longer horizon raises it
    let d1 = discounted_expected_purchases(
        &model,
        &s(6, 0.05, Period::Week),
        &CustomerBatch::new(&x, &tx, &t).unwrap(),
    )
    .unwrap();
    let d2 = discounted_expected_purchases(
        &model,
        &s(12, 0.05, Period::Week),
        &CustomerBatch::new(&x, &tx, &t).unwrap(),
    )
    .unwrap();
    for i in 0..x.len() {
        assert!(d1[i] <= d[i] && d2[i] >= d1[i]);
    }
}

#[test]
fn bad_inputs_are_typed_errors() {
    let model = pareto_nbd_at_lifetimes();
    let s = ClvSettings {
        period: Period::Week,
        horizon: Months::new(12),
        discount: MonthlyDiscountRate::new(0.01).unwrap(),
    };
    let two = CustomerBatch::new(&[1.0, 2.0], &[1.0, 3.0], &[5.0, 5.0]).unwrap();
    let r = customer_lifetime_value(&model, &s, &two, &[1.0]);
    assert!(matches!(r, Err(Error::LengthMismatch { .. })));
    let r = customer_lifetime_value(
        &model,
        &s,
        &CustomerBatch::new(&[1.0], &[1.0], &[5.0]).unwrap(),
        &[f64::NAN],
    );
    assert!(matches!(r, Err(Error::InvalidField { line: 1, .. })));
    // an invalid row is refused where the batch is built, naming the row
    let r = CustomerBatch::new(&[1.0, 1.0], &[1.0, 7.0], &[5.0, 5.0]);
    assert!(matches!(r, Err(Error::InvalidField { line: 2, .. })));
    // customers in days are not valued with weekly settings
    let daily = CustomerBatch::new(&[1.0], &[1.0], &[5.0])
        .unwrap()
        .with_period(Period::Day);
    let r = customer_lifetime_value(&model, &s, &daily, &[1.0]);
    assert!(matches!(
        r,
        Err(Error::PeriodMismatch {
            settings: Period::Week,
            data: Period::Day
        })
    ));
    let r = discounted_expected_purchases(&model, &s, &daily);
    assert!(matches!(r, Err(Error::PeriodMismatch { .. })));
    // the same customers in weeks are valued
    let weekly = CustomerBatch::new(&[1.0], &[1.0], &[5.0])
        .unwrap()
        .with_period(Period::Week);
    assert!(customer_lifetime_value(&model, &s, &weekly, &[1.0]).is_ok());
}

#[test]
fn bgnbd_clv_matches_the_shared_lifetimes_reference() {
    // ../shared/reference/cdnow_lifetimes.json: GammaGammaFitter.customer_lifetime_value with
    // BG/NBD, 12 months, weekly data, monthly discount 0.01 — values and total, 1e-6
    // relative (the issue's criterion; the BG/NBD expectation is h-models').
    let json = lifetimes_json();
    let p = &json["models"]["bgnbd"]["params"];
    let model = crate::models::bgnbd::BgNbd::new(
        p["r"].as_f64().unwrap(),
        p["alpha"].as_f64().unwrap(),
        p["a"].as_f64().unwrap(),
        p["b"].as_f64().unwrap(),
    )
    .unwrap();
    let Columns { ids, x, tx, t, m } = columns();
    let settings = ClvSettings {
        period: Period::Week,
        horizon: Months::new(12),
        discount: MonthlyDiscountRate::new(0.01).unwrap(),
    };
    let clv = customer_lifetime_value(
        &model,
        &settings,
        &CustomerBatch::new(&x, &tx, &t).unwrap(),
        &m,
    )
    .unwrap();
    let gg = &json["models"]["gamma_gamma"];
    for (id, want) in gg["clv_12_months_weekly_data_discount_0.01_with_bgnbd"]
        .as_object()
        .unwrap()
    {
        let i = ids.iter().position(|s| s == id).unwrap();
        assert!(
            rel(clv[i], want.as_f64().unwrap()) < 1e-6,
            "id {id}: {}",
            clv[i]
        );
    }
    let total: f64 = clv.iter().sum();
    let want = gg["clv_total_all_customers"].as_f64().unwrap();
    assert!(rel(total, want) < 1e-6, "total {total} vs {want}");
    println!(
        "BG/NBD CLV total {total} vs lifetimes {want}: rel {:e}",
        rel(total, want)
    );
}
