//! Every chart drawn on the CDNOW data, rasterised with the embedded font, and checked: the
//! picture is not blank, and the extremes of the data land inside the axes and are painted.

#![cfg(feature = "plot")]

use std::sync::OnceLock;

use ltv::data::{datasets, Period, Timestamp, TransactionLog};
use ltv::fit::FitOptions;
use ltv::models::bgnbd::BgNbd;
use ltv::models::SavedModel;
use ltv::plot::raster::{rasterize, Raster};
use ltv::plot::*;
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
    assert!(ink > total / 50, "{name}: only {ink} of {total} pixels drawn");
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
        assert!(painted, "{name}: nothing painted at {} ({}, {})", m.label, m.x, m.y);
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
    check("calibration-holdout", &data.draw(&ChartOptions::default()).unwrap());
}

#[test]
fn matrices() {
    let pa = ModelMatrix::probability_alive(model(), "weeks", 20, 39).unwrap();
    check("p-alive", &pa.draw(&ChartOptions::default()).unwrap());
    let fr = ModelMatrix::expected_purchases(model(), "weeks", 4.0, 20, 39).unwrap();
    check("frequency-recency", &fr.draw(&ChartOptions::default()).unwrap());
}

#[test]
fn period_transactions() {
    let data =
        PeriodTransactionsData::from_model(fixture().split.calibration(), &fixture().model, 7)
            .unwrap();
    check("period-transactions", &data.draw(&ChartOptions::default()).unwrap());
}

#[test]
fn history_alive() {
    let f = fixture();
    let data =
        HistoryAliveData::new(&f.log, "00005", Period::Week, model(), ts("1998-06-30")).unwrap();
    check("history-alive", &data.draw(&ChartOptions::default()).unwrap());
}

#[test]
fn heterogeneity() {
    let data = HeterogeneityData::from_model(&fixture().model, "weeks").unwrap();
    check("heterogeneity", &data.draw(&ChartOptions::default()).unwrap());
}
