//! Diagnostic charts of the transaction models and the HTML campaign report.
//!
//! Each chart has two halves:
//!
//! * **its data**, a plain struct of series built from the crate's own computations
//!   ([`TrackingData`], [`CalibrationHoldoutData`], [`ModelMatrix`],
//!   [`PeriodTransactionsData`], [`HistoryAliveData`], [`HeterogeneityData`]), always compiled
//!   and serialisable, so the Python package or any other tool can draw it its own way;
//! * **its drawing** (feature `plot`): a `draw` method returning a [`Chart`], an SVG document
//!   (text as `<text>`, so browsers use their own fonts) that [`Chart::to_png`] rasterises
//!   with resvg and an embedded font, so PNGs need no system font.
//!
//! Axis titles name the summary's period (`weeks since 1997-01-01`); observed data is blue
//! and solid, the model vermillion and dashed (the Okabe–Ito palette, [`palette`]); matrices
//! use viridis. Pictures are laid out for 800 pixels wide.
//!
//! | chart | data | what it shows | lifetimes counterpart |
//! |---|---|---|---|
//! | `tracking` | [`TrackingData`] | cumulative and per-period repeat purchases, actual vs model, calibration end marked | `plot_cumulative_transactions`, `plot_incremental_transactions` |
//! | `calibration-holdout` | [`CalibrationHoldoutData`] | mean holdout purchases by calibration frequency, actual vs predicted | `plot_calibration_purchases_vs_holdout_purchases` |
//! | `frequency-recency` | [`ModelMatrix`] | expected purchases in the next `t` periods by frequency and recency | `plot_frequency_recency_matrix` |
//! | `p-alive` | [`ModelMatrix`] | P(alive) by frequency and recency | `plot_probability_alive_matrix` |
//! | `period-transactions` | [`PeriodTransactionsData`] | customers by number of repeat purchases, actual vs model | `plot_period_transactions` |
//! | `history-alive` | [`HistoryAliveData`] | one customer's P(alive) over time, purchases marked | `plot_history_alive` |
//! | `heterogeneity` | [`HeterogeneityData`] | the fitted distributions of the purchase rate and of dropout | `plot_transaction_rate_heterogeneity`, `plot_dropout_rate_heterogeneity` |
//! | `ltv backtest --chart` | [`BacktestChartData`] | the report's estimated vs realised future revenue across as-of dates, overall and per group | — |
//!
//! ```
//! use ltv::data::{Period, Timestamp};
//! use ltv::datasets;
//! use ltv::fit::FitOptions;
//! use ltv::models::bgnbd::BgNbd;
//! use ltv::plot::TrackingData;
//! use ltv::summary::SummaryOptions;
//!
//! let log = datasets::cdnow_master()?;
//! let calibration_end = Timestamp::parse("1997-09-30")?;
//! let split = SummaryOptions::new(Period::Week)
//!     .observation_end(Timestamp::parse("1998-06-30")?)
//!     .calibration_holdout(&log, calibration_end)?;
//! let model = BgNbd::fit(&split.calibration().compress(), &FitOptions::default())?;
//! let tracking = TrackingData::new(&log, Period::Week, &model, calibration_end, 78)?;
//! assert_eq!(tracking.periods.len(), 78);
//! assert_eq!(tracking.unit, "weeks");
//! # Ok::<(), ltv::Error>(())
//! ```

mod backtest;
mod calibration_holdout;
mod heterogeneity;
mod history_alive;
mod matrix;
mod period_transactions;
mod report_charts;
mod tracking;

pub use backtest::{BacktestChartData, BacktestSeries};
pub use calibration_holdout::CalibrationHoldoutData;
pub use heterogeneity::{Density, HeterogeneityData};
pub use history_alive::HistoryAliveData;
pub use matrix::{MatrixKind, ModelMatrix};
pub use period_transactions::PeriodTransactionsData;
pub use report_charts::{CohortBar, CohortChartData, RoasBar, RoasChartData};
pub use tracking::TrackingData;

#[cfg(feature = "plot")]
mod canvas;
#[cfg(feature = "plot")]
pub mod html;
#[cfg(feature = "plot")]
pub mod raster;

#[cfg(feature = "plot")]
pub use backtest::backtest_html;
#[cfg(feature = "plot")]
pub use canvas::{palette, Chart, ChartOptions, Mark, PixelRect, DEFAULT_SIZE};

/// The plural unit of a period for axis titles (`weeks`, `days`, ...), as the charts write it.
pub fn period_unit(period: crate::data::Period) -> String {
    use crate::data::Period;
    match period {
        Period::Hour => "hours".into(),
        Period::Day => "days".into(),
        Period::Week => "weeks".into(),
        Period::Month => "months".into(),
        Period::Custom { seconds } => format!("periods of {seconds} s"),
    }
}
