//! Every chart drawn on the CDNOW data (the report and backtest charts on simulated apps),
//! rasterised with the embedded font, and checked: the picture is not blank, and the extremes
//! of the data land inside the axes and are painted.

#![cfg(feature = "plot")]

mod report_common;

use std::sync::OnceLock;

use ltv::data::{Period, Timestamp, TransactionLog};
use ltv::datasets;
use ltv::fit::FitOptions;
use ltv::models::bgnbd::BgNbd;
use ltv::models::SavedModel;
use ltv::plot::raster::{rasterize, Raster};
use ltv::plot::*;
use ltv::report::{CampaignReport, CohortBy};
use ltv::summary::{CalibrationHoldout, SummaryOptions};

struct Fixture {
    log: TransactionLog,
    split: CalibrationHoldout,
    model: SavedModel,
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let log = datasets::cdnow_master().unwrap();
        let split = SummaryOptions::new(Period::Week)
            .observation_end(ts("1998-06-30"))
            .calibration_holdout(&log, ts("1997-09-30"))
            .unwrap();
        let fitted = BgNbd::fit(&split.calibration().compress(), &FitOptions::default()).unwrap();
        Fixture {
            log,
            split,
            model: fitted.into(),
        }
    })
}

fn ts(s: &str) -> Timestamp {
    Timestamp::parse(s).unwrap()
}

/// Pixels that are not (nearly) white.
fn inked(r: &Raster) -> usize {
    r.rgba
        .chunks(4)
        .filter(|p| p[0] < 240 || p[1] < 240 || p[2] < 240)
        .count()
}

fn check(name: &str, chart: &Chart) -> Raster {
    let raster = rasterize(&chart.svg).unwrap();
    assert_eq!((raster.width, raster.height), (chart.width, chart.height));
    let total = (raster.width * raster.height) as usize;
    let ink = inked(&raster);
    assert!(
        ink > total / 50,
        "{name}: only {ink} of {total} pixels drawn"
    );
    assert!(!chart.areas.is_empty(), "{name}: no plotting area");
    assert!(chart.marks.len() >= 2, "{name}: extremes not recorded");
    for m in &chart.marks {
        assert!(
            m.area.contains(m.x, m.y),
            "{name}: {} at {:?} drawn at ({}, {}) outside the axes {:?}",
            m.label,
            m.value,
            m.x,
            m.y,
            m.area
        );
        // something is painted at (or right next to) the extreme
        let painted = (-2..=2).any(|dx| {
            (-2..=2).any(|dy| {
                raster
                    .pixel(m.x + dx, m.y + dy)
                    .is_some_and(|p| p[0] < 230 || p[1] < 230 || p[2] < 230)
            })
        });
        assert!(
            painted,
            "{name}: nothing painted at {} ({}, {})",
            m.label, m.x, m.y
        );
    }
    if let Ok(dir) = std::env::var("LTV_PLOT_DIR") {
        std::fs::write(format!("{dir}/{name}.png"), chart.to_png().unwrap()).unwrap();
    }
    raster
}

fn model() -> &'static dyn ltv::models::TransactionModel {
    fixture().model.as_transaction_model().unwrap()
}

#[test]
fn tracking() {
    let f = fixture();
    let data = TrackingData::new(&f.log, Period::Week, model(), ts("1997-09-30"), 78).unwrap();
    check("tracking", &data.draw(&ChartOptions::default()).unwrap());
}

#[test]
fn calibration_holdout() {
    let data = CalibrationHoldoutData::new(&fixture().split, model(), 7).unwrap();
    check(
        "calibration-holdout",
        &data.draw(&ChartOptions::default()).unwrap(),
    );
}

#[test]
fn matrices() {
    let pa = ModelMatrix::probability_alive(model(), "weeks", 20, 39).unwrap();
    check("p-alive", &pa.draw(&ChartOptions::default()).unwrap());
    let fr = ModelMatrix::expected_purchases(model(), "weeks", 4.0, 20, 39).unwrap();
    check(
        "frequency-recency",
        &fr.draw(&ChartOptions::default()).unwrap(),
    );
}

#[test]
fn period_transactions() {
    let data =
        PeriodTransactionsData::from_model(fixture().split.calibration(), &fixture().model, 7)
            .unwrap();
    check(
        "period-transactions",
        &data.draw(&ChartOptions::default()).unwrap(),
    );
}

#[test]
fn history_alive() {
    let f = fixture();
    let data =
        HistoryAliveData::new(&f.log, "00005", Period::Week, model(), ts("1998-06-30")).unwrap();
    check(
        "history-alive",
        &data.draw(&ChartOptions::default()).unwrap(),
    );
}

#[test]
fn heterogeneity() {
    let data = HeterogeneityData::from_model(&fixture().model, "weeks").unwrap();
    check(
        "heterogeneity",
        &data.draw(&ChartOptions::default()).unwrap(),
    );
}

fn report(cohort: CohortBy) -> CampaignReport {
    let mut config = report_common::config();
    config.cohort = cohort;
    CampaignReport::build(
        &report_common::inputs(),
        &config,
        &report_common::DoubleRevenue,
    )
    .unwrap()
}

#[test]
fn report_charts() {
    let r = report(CohortBy::Day);
    let roas = RoasChartData::from_report(&r, 20);
    assert!(roas.bars.len() >= 3, "{roas:?}");
    // the chart's data are the report's own numbers
    let first = r.rows.iter().find(|x| x.estimated_roas.is_some()).unwrap();
    assert_eq!(roas.bars[0].estimated_roas, first.estimated_roas.unwrap());
    assert_eq!(roas.bars[0].upper, first.estimated_roas_upper);
    check("report-roas", &roas.draw(&ChartOptions::default()).unwrap());
    let cohorts = CohortChartData::from_report(&r);
    assert_eq!(cohorts.cohorts.len(), 2, "{cohorts:?}");
    let cost: f64 = cohorts.cohorts.iter().map(|c| c.cost).sum();
    assert!((cost - r.meta.cost).abs() < 1e-9 * r.meta.cost.max(1.0));
    check(
        "report-cohorts",
        &cohorts.draw(&ChartOptions::default()).unwrap(),
    );
}

#[test]
fn html_report_is_self_contained_and_its_charts_render() {
    let r = report(CohortBy::All);
    let page = html::report_html(&r, &html::HtmlOptions::default()).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(page.contains("name=\"viewport\""));
    assert!(page.contains("As of <b>2024-03-02</b>"));
    assert!(page.contains("model: every fit converged"));
    // no script, no external resource: the only URL is the SVG namespace
    for banned in ["<script", "<link", "src=", "@import", "url("] {
        assert!(!page.contains(banned), "found {banned}");
    }
    let urls = page.matches("http").count();
    let namespaces = page.matches("http://www.w3.org/2000/svg").count();
    assert_eq!(urls, namespaces);
    // every row of the report is in the table
    assert_eq!(page.matches("<tr").count(), r.rows.len() + 1);
    // both charts, each rasterised from the page itself
    let svgs: Vec<&str> = page
        .split("<svg")
        .skip(1)
        .map(|s| &s[..s.find("</svg>").unwrap() + 6])
        .collect();
    assert_eq!(svgs.len(), 2);
    for (i, body) in svgs.iter().enumerate() {
        let svg = format!("<svg{body}");
        let raster = rasterize(&svg).unwrap();
        let total = (raster.width * raster.height) as usize;
        assert!(
            raster.width >= 600 && inked(&raster) > total / 50,
            "chart {i} blank"
        );
    }
    if let Ok(dir) = std::env::var("LTV_PLOT_DIR") {
        std::fs::write(format!("{dir}/report.html"), &page).unwrap();
    }
}

#[test]
fn html_report_flags_unconverged_rows_and_escapes_names() {
    let mut r = report(CohortBy::All);
    r.meta.fit_status = ltv::report::FitStatus::NotConverged;
    r.rows[0].fit_status = Some(ltv::report::FitStatus::NotConverged);
    r.rows[0].group[0] = "<b>&co</b>".into();
    let page = html::report_html(&r, &html::HtmlOptions::default()).unwrap();
    assert!(page.contains("did not converge"));
    assert!(page.contains("class=\"nc\""));
    assert!(page.contains("&lt;b&gt;&amp;co&lt;/b&gt;"));
    assert!(!page.contains("<b>&co</b>"));
}

#[test]
fn png_needs_no_system_font() {
    // the PNG encoder output starts with the PNG signature, and text is drawn: a title-only
    // strip of the picture has ink
    let data = HeterogeneityData::from_model(&fixture().model, "weeks").unwrap();
    let chart = data.draw(&ChartOptions::default()).unwrap();
    let png = chart.to_png().unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    let raster = rasterize(&chart.svg).unwrap();
    let title_ink = (0..30)
        .flat_map(|y| (0..raster.width as i32).map(move |x| (x, y)))
        .filter(|&(x, y)| raster.pixel(x, y).unwrap()[0] < 128)
        .count();
    assert!(title_ink > 200, "title not drawn: {title_ink} dark pixels");
}

// ---- the data behind the pictures: invariants on CDNOW ------------------------------------

const CDNOW_CUSTOMERS: f64 = 23_570.0;

#[test]
fn chart_data_add_up() {
    let f = fixture();
    // tracking: the actual series is the crate's own count, and per-period values sum back
    let t = TrackingData::new(&f.log, Period::Week, model(), ts("1997-09-30"), 78).unwrap();
    let actual = ltv::models::actual_cumulative_transactions(&f.log, Period::Week, 78).unwrap();
    assert_eq!(
        t.actual_cumulative,
        actual.iter().map(|&v| v as f64).collect::<Vec<_>>()
    );
    let sum: f64 = t.expected_incremental.iter().sum();
    assert!((sum - t.expected_cumulative[77]).abs() < 1e-6 * sum);
    // 1997-09-30 is in week 39 counted from the week of 1997-01-01
    assert_eq!(t.calibration_end, 40.0);

    // calibration-holdout: every customer in one bin, bins in order
    let c = CalibrationHoldoutData::new(&f.split, model(), 7).unwrap();
    assert_eq!(c.customers.iter().sum::<f64>(), CDNOW_CUSTOMERS);
    assert_eq!(c.labels.last().unwrap(), "7+");
    assert_eq!(c.holdout_length, 39.0);

    // period transactions with exact probabilities: the model's bins add up to the customers
    let p = PeriodTransactionsData::from_model(f.split.calibration(), &f.model, 7).unwrap();
    assert_eq!(p.actual.iter().sum::<f64>(), CDNOW_CUSTOMERS);
    let expected: f64 = p.expected.iter().sum();
    assert!(
        (expected - CDNOW_CUSTOMERS).abs() < 1e-6 * CDNOW_CUSTOMERS,
        "{expected}"
    );
    assert_eq!(p.method, "exact");

    // matrices: probabilities in [0, 1], impossible histories NaN, expected purchases rise
    // with frequency at the largest recency
    let pa = ModelMatrix::probability_alive(model(), "weeks", 10, 39).unwrap();
    for (r, row) in pa.values.iter().enumerate() {
        for (x, &v) in row.iter().enumerate() {
            if x == 0 && r > 0 {
                assert!(v.is_nan());
            } else {
                assert!((0.0..=1.0).contains(&v), "P(alive)[{r}][{x}] = {v}");
            }
        }
    }
    let fr = ModelMatrix::expected_purchases(model(), "weeks", 4.0, 10, 39).unwrap();
    assert!(fr.values[39][1..].windows(2).all(|w| w[1] > w[0]));

    // history: one P(alive) per week from the first purchase to the observation end
    let h =
        HistoryAliveData::new(&f.log, "00005", Period::Week, model(), ts("1998-06-30")).unwrap();
    assert_eq!(h.ages.len(), h.p_alive.len());
    assert_eq!(h.purchases[0], 0.0);
    assert!(h.p_alive.iter().all(|p| (0.0..=1.0).contains(p)));
    assert!(
        HistoryAliveData::new(&f.log, "nobody", Period::Week, model(), ts("1998-06-30")).is_err()
    );

    // heterogeneity: each density carries 99% of its mass on its grid (trapezoid rule, in
    // log10 units for the log-scale rate)
    let het = HeterogeneityData::from_model(&f.model, "weeks").unwrap();
    for d in [&het.purchase, &het.dropout] {
        let x: Vec<f64> = if d.log_scale {
            d.x.iter().map(|v| v.log10()).collect()
        } else {
            d.x.clone()
        };
        let mass: f64 = x
            .windows(2)
            .zip(d.density.windows(2))
            .map(|(x, y)| (x[1] - x[0]) * (y[0] + y[1]) / 2.0)
            .sum();
        assert!((mass - 0.99).abs() < 0.01, "{}: mass {mass}", d.label);
    }
}

// ---- the backtest chart ------------------------------------------------------------------

fn simulated_backtest() -> ltv::report::backtest::Backtest {
    use ltv::report::simulation::{AppSpec, SimulatedApp};
    let mut spec = AppSpec::default();
    spec.old_installs_per_day = 3.0;
    spec.new_installs_per_day = 8.0;
    let app = SimulatedApp::generate(&spec, 21).unwrap();
    let mut c = ltv::report::ReportConfig::new(app.spec.as_of);
    c.group_by = "network".parse().unwrap();
    c.horizon.months = 1;
    let d = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    let end = app.spec.as_of + chrono::Days::new(u64::from(app.spec.future_days));
    ltv::report::backtest::backtest(
        &app.inputs,
        &c,
        &ltv::report::BuyTillYouDieValue::default(),
        &[d("2025-04-30"), d("2025-05-31"), d("2025-06-30")],
        end,
    )
    .unwrap()
}

#[test]
fn backtest_chart() {
    let b = simulated_backtest();
    let data = BacktestChartData::from_backtest(&b, 6);
    assert_eq!(data.dates, ["2025-04-30", "2025-05-31", "2025-06-30"]);
    assert_eq!(data.days, [0.0, 31.0, 61.0]);
    assert_eq!(data.horizon_days, 30);
    // the chart's numbers are the backtest's: overall = sum of the rows of each date, and each
    // group's point is its row
    for (i, date) in data.dates.iter().enumerate() {
        let rows: Vec<_> = b
            .rows
            .iter()
            .filter(|r| r.as_of.to_string() == *date)
            .collect();
        let est: f64 = rows.iter().map(|r| r.estimated_future_revenue).sum();
        let real: f64 = rows.iter().map(|r| r.realised_future_revenue).sum();
        assert!((data.overall.estimated[i].unwrap() - est).abs() <= 1e-9 * est);
        assert!((data.overall.realised[i].unwrap() - real).abs() <= 1e-9 * real);
        for g in &data.groups {
            let row = rows.iter().find(|r| r.group.join(" / ") == g.label);
            assert_eq!(g.estimated[i], row.map(|r| r.estimated_future_revenue));
            assert_eq!(g.realised[i], row.map(|r| r.realised_future_revenue));
        }
    }
    assert!(data.groups.len() >= 2, "{data:?}");
    let chart = data.draw(&ChartOptions::default()).unwrap();
    assert_eq!(chart.areas.len(), 2);
    check("backtest", &chart);
    // fewer groups drawn: the rest are counted
    let two = BacktestChartData::from_backtest(&b, 1);
    assert_eq!(two.groups.len(), 1);
    assert_eq!(two.omitted, data.groups.len() + data.omitted - 1);
    // one date only still draws
    let mut single = b.clone();
    let last = single.rows.last().unwrap().as_of;
    single.rows.retain(|r| r.as_of == last);
    check(
        "backtest-single-date",
        &BacktestChartData::from_backtest(&single, 6)
            .draw(&ChartOptions::default())
            .unwrap(),
    );
    // the HTML page: self-contained, the chart renders, every row in the table
    let page = backtest_html(&b, 6).unwrap();
    for banned in ["<script", "<link", "src=", "@import", "url("] {
        assert!(!page.contains(banned), "found {banned}");
    }
    let body = &page[page.find("<svg").unwrap()..page.find("</svg>").unwrap() + 6];
    let raster = rasterize(body).unwrap();
    assert!(inked(&raster) > (raster.width * raster.height) as usize / 50);
    assert_eq!(
        page.matches("<tr>").count(),
        b.rows.len() + b.by_date.len() + 2
    );
}
