//! Tracking chart: actual vs expected repeat purchases of the whole cohort over calendar time,
//! cumulative and per period, with the end of the calibration period marked (Fader, Hardie &
//! Lee's note 008; lifetimes `plot_cumulative_transactions` and
//! `plot_incremental_transactions`).

use crate::data::{Period, Timestamp, TransactionLog};
use crate::error::{Error, Result};
use crate::models::{
    actual_cumulative_transactions, expected_cumulative_transactions, first_purchase_periods,
    TransactionModel,
};

/// The series of the tracking chart. Periods are counted from the period holding the log's
/// first transaction (period 0), in the summary's period ([`crate::models`]'s tracking
/// conventions: at most one repeat transaction per customer and period, first periods not
/// counted).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct TrackingData {
    /// Plural unit of the periods (`weeks`, ...), for axis titles.
    pub unit: String,
    /// Date of the log's first transaction (period 0 holds it), `YYYY-MM-DD`.
    pub origin: String,
    /// `τ = 1, 2, ..., horizon`: entry `k` refers to the first `τ = k + 1` periods.
    pub periods: Vec<f64>,
    /// Observed repeat transactions in the first `τ` periods
    /// ([`actual_cumulative_transactions`]).
    pub actual_cumulative: Vec<f64>,
    /// The model's expected repeat transactions in the first `τ` periods
    /// ([`expected_cumulative_transactions`]).
    pub expected_cumulative: Vec<f64>,
    /// Observed repeat transactions in period `τ − 1` (differences of the cumulative series).
    pub actual_incremental: Vec<f64>,
    /// Expected repeat transactions in period `τ − 1`.
    pub expected_incremental: Vec<f64>,
    /// End of the period holding the calibration end (`τ` at which the holdout starts).
    pub calibration_end: f64,
}

fn differences(cumulative: &[f64]) -> Vec<f64> {
    let mut prev = 0.0;
    cumulative
        .iter()
        .map(|&c| {
            let d = c - prev;
            prev = c;
            d
        })
        .collect()
}

impl TrackingData {
    /// Tracking series of `log` over the first `horizon` periods of `period`, for a `model`
    /// fitted on the summary of `log` up to `calibration_end` (in the same period).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for a zero horizon or one above 10⁸ periods;
    /// [`Error::InvalidDate`] for a calibration end before the first transaction; numerical
    /// errors of the model.
    pub fn new<M: TransactionModel + ?Sized>(
        log: &TransactionLog,
        period: Period,
        model: &M,
        calibration_end: Timestamp,
        horizon: u32,
    ) -> Result<Self> {
        if horizon == 0 {
            return Err(Error::invalid_parameter(
                "horizon",
                0.0,
                "at least one period",
            ));
        }
        let origin = log.first_timestamp();
        if calibration_end < origin {
            return Err(Error::InvalidDate {
                value: calibration_end.to_string(),
                rule: format!("calibration end before the first transaction ({origin})"),
            });
        }
        let actual: Vec<f64> = actual_cumulative_transactions(log, period, horizon)?
            .into_iter()
            .map(|v| v as f64)
            .collect();
        let expected =
            expected_cumulative_transactions(model, &first_purchase_periods(log, period), horizon)?;
        let k = period.index_from(origin, calibration_end) - period.index_from(origin, origin);
        Ok(Self {
            unit: super::period_unit(period),
            origin: origin.to_string(),
            periods: (1..=horizon).map(f64::from).collect(),
            actual_incremental: differences(&actual),
            expected_incremental: differences(&expected),
            actual_cumulative: actual,
            expected_cumulative: expected,
            calibration_end: (k + 1) as f64,
        })
    }
}

#[cfg(feature = "plot")]
mod draw {
    use plotters::prelude::*;

    use super::TrackingData;
    use crate::error::{Error, Result};
    use crate::plot::canvas::{
        extent, from_zero, legend, legend_line, line, palette, panel, render, DrawResult, Layout,
        Panel, Root,
    };
    use crate::plot::{Chart, ChartOptions};

    fn series(xs: &[f64], ys: &[f64]) -> Vec<(f64, f64)> {
        xs.iter().copied().zip(ys.iter().copied()).collect()
    }

    #[allow(clippy::too_many_arguments)]
    fn draw_panel(
        area: &Root<'_>,
        layout: &mut Layout,
        title: &str,
        x_desc: &str,
        y_desc: &str,
        actual: &[(f64, f64)],
        expected: &[(f64, f64)],
        calibration_end: f64,
        name: &str,
        legend_at: SeriesLabelPosition,
    ) -> DrawResult<()> {
        let x_max = actual.last().map_or(1.0, |p| p.0);
        let (lo, hi) = extent(actual.iter().chain(expected).map(|p| p.1)).unwrap_or((0.0, 1.0));
        let y = from_zero(lo, hi);
        let mut chart: Panel<'_, '_> = panel(area, title, 0.0..x_max, y.clone(), x_desc, y_desc)?;
        layout.area(&chart);
        let dotted = line(palette::BLACK, 1);
        chart
            .draw_series(DashedLineSeries::new(
                vec![(calibration_end, y.start), (calibration_end, y.end)],
                4,
                4,
                dotted,
            ))?
            .label("calibration end")
            .legend(legend_line(dotted));
        let a = line(palette::BLUE, 3);
        chart
            .draw_series(LineSeries::new(actual.iter().copied(), a))?
            .label("actual")
            .legend(legend_line(a));
        let e = line(palette::VERMILLION, 3);
        chart
            .draw_series(DashedLineSeries::new(expected.iter().copied(), 10, 5, e))?
            .label("model")
            .legend(legend_line(e));
        legend(&mut chart, legend_at)?;
        layout.mark_extremes(&chart, &format!("actual {name}"), actual);
        layout.mark_extremes(&chart, &format!("model {name}"), expected);
        Ok(())
    }

    impl TrackingData {
        /// Draws the cumulative (top) and per-period (bottom) panels, 800 × 800 by default.
        ///
        /// # Errors
        /// [`Error::NoChartData`] when the series are empty; [`Error::Draw`] when drawing
        /// fails.
        pub fn draw(&self, options: &ChartOptions) -> Result<Chart> {
            if self.periods.is_empty() {
                return Err(Error::NoChartData {
                    chart: "tracking".into(),
                    what: "no period".into(),
                });
            }
            let title = options.title_or("Tracking: repeat purchases, actual vs model");
            let mut x_desc = format!("{} since the first purchase ({})", self.unit, self.origin);
            x_desc[..1].make_ascii_uppercase();
            let cumulative_actual = series(&self.periods, &self.actual_cumulative);
            let cumulative_expected = series(&self.periods, &self.expected_cumulative);
            // per-period values are drawn at the period's middle
            let mid: Vec<f64> = self.periods.iter().map(|t| t - 0.5).collect();
            let incremental_actual = series(&mid, &self.actual_incremental);
            let incremental_expected = series(&mid, &self.expected_incremental);
            render("tracking", options.size_or((800, 800)), |root, layout| {
                let (top, bottom) = root.split_vertically(root.dim_in_pixel().1 / 2);
                draw_panel(
                    &top,
                    layout,
                    &title,
                    &x_desc,
                    "Cumulative repeat purchases",
                    &cumulative_actual,
                    &cumulative_expected,
                    self.calibration_end,
                    "cumulative",
                    SeriesLabelPosition::UpperLeft,
                )?;
                draw_panel(
                    &bottom,
                    layout,
                    "",
                    &x_desc,
                    &format!("Repeat purchases per {}", self.unit.trim_end_matches('s')),
                    &incremental_actual,
                    &incremental_expected,
                    self.calibration_end,
                    "per period",
                    SeriesLabelPosition::UpperRight,
                )
            })
        }
    }
}
