//! Calibration vs holdout chart: the mean number of repeat purchases in the holdout period of
//! the customers with each calibration frequency, observed and predicted by a model fitted on
//! the calibration period (lifetimes `plot_calibration_purchases_vs_holdout_purchases`).

use crate::error::{Error, Result};
use crate::models::TransactionModel;
use crate::summary::CalibrationHoldout;

/// The series of the calibration–holdout chart: one bin per calibration frequency
/// `0, 1, ..., max_frequency − 1`, and a last bin for `max_frequency` and above.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CalibrationHoldoutData {
    /// Plural unit of the periods (`weeks`, ...).
    pub unit: String,
    /// Length of the holdout period in periods (of the first customer; the same for every
    /// customer with calendar periods).
    pub holdout_length: f64,
    /// Calibration frequency of each bin (the last bin holds this value and above).
    pub frequency: Vec<f64>,
    /// Bin labels (`"0"`, `"1"`, ..., `"7+"`).
    pub labels: Vec<String>,
    /// Customers in each bin (sum of row weights).
    pub customers: Vec<f64>,
    /// Mean observed repeat purchases in the holdout period.
    pub actual: Vec<f64>,
    /// Mean predicted repeat purchases in the holdout period
    /// ([`TransactionModel::conditional_expected_purchases_one`] over each customer's
    /// holdout length).
    pub predicted: Vec<f64>,
}

impl CalibrationHoldoutData {
    /// Bins the customers of `split` by calibration frequency (`max_frequency ≥ 1`; the last
    /// bin gathers `max_frequency` and above) and averages their holdout purchases, observed
    /// and predicted by `model` (fitted on `split.calibration()`). Empty bins are dropped.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for `max_frequency` 0; numerical errors of the model.
    pub fn new<M: TransactionModel + ?Sized>(
        split: &CalibrationHoldout,
        model: &M,
        max_frequency: u32,
    ) -> Result<Self> {
        if max_frequency == 0 {
            return Err(Error::invalid_parameter("max_frequency", 0.0, "at least 1"));
        }
        let cal = split.calibration();
        let bins = max_frequency as usize + 1;
        let (mut n, mut act, mut pred) = (vec![0.0; bins], vec![0.0; bins], vec![0.0; bins]);
        for i in 0..cal.len() {
            let (x, tx, t) = (cal.frequency()[i], cal.recency()[i], cal.t()[i]);
            let w = cal.weight(i);
            let bin = (x as usize).min(bins - 1);
            let duration = split.duration_holdout()[i];
            n[bin] += w;
            act[bin] += w * split.frequency_holdout()[i];
            pred[bin] += w * model.conditional_expected_purchases_one(duration, x, tx, t)?;
        }
        let mut out = Self {
            unit: super::period_unit(split.stats().period),
            holdout_length: split.duration_holdout().first().copied().unwrap_or(0.0),
            frequency: Vec::new(),
            labels: Vec::new(),
            customers: Vec::new(),
            actual: Vec::new(),
            predicted: Vec::new(),
        };
        for b in 0..bins {
            if n[b] > 0.0 {
                out.frequency.push(b as f64);
                out.labels.push(if b == bins - 1 {
                    format!("{b}+")
                } else {
                    b.to_string()
                });
                out.customers.push(n[b]);
                out.actual.push(act[b] / n[b]);
                out.predicted.push(pred[b] / n[b]);
            }
        }
        Ok(out)
    }
}

#[cfg(feature = "plot")]
mod draw {
    use plotters::prelude::*;

    use super::CalibrationHoldoutData;
    use crate::error::{Error, Result};
    use crate::plot::canvas::{
        extent, from_zero, legend, legend_line, line, palette, panel_with, render,
    };
    use crate::plot::{Chart, ChartOptions};

    impl CalibrationHoldoutData {
        /// Draws observed (solid, dots) and predicted (dashed) mean holdout purchases against
        /// the calibration frequency; 800 × 500 by default.
        ///
        /// # Errors
        /// [`Error::NoChartData`] without bins; [`Error::Draw`] when drawing fails.
        pub fn draw(&self, options: &ChartOptions) -> Result<Chart> {
            if self.frequency.is_empty() {
                return Err(Error::NoChartData {
                    chart: "calibration-holdout".into(),
                    what: "no customer".into(),
                });
            }
            let title = options.title_or("Holdout purchases by calibration frequency");
            let actual: Vec<(f64, f64)> = self
                .frequency
                .iter()
                .copied()
                .zip(self.actual.iter().copied())
                .collect();
            let predicted: Vec<(f64, f64)> = self
                .frequency
                .iter()
                .copied()
                .zip(self.predicted.iter().copied())
                .collect();
            let (lo, hi) =
                extent(self.actual.iter().chain(&self.predicted).copied()).unwrap_or((0.0, 1.0));
            let x_max = self.frequency.last().copied().unwrap_or(1.0);
            let last_label = self.labels.last().cloned().unwrap_or_default();
            let x_desc = "Repeat purchases in the calibration period (frequency)";
            let y_desc = format!(
                "Mean purchases in the {:.0}-{} holdout",
                self.holdout_length,
                self.unit.trim_end_matches('s')
            );
            render(
                "calibration-holdout",
                options.size_or((800, 500)),
                |root, layout| {
                    let mut chart = panel_with(
                        root,
                        &title,
                        -0.5..x_max + 0.5,
                        from_zero(lo, hi),
                        x_desc,
                        &y_desc,
                        |v| {
                            if (v - v.round()).abs() > 1e-9 || *v < 0.0 || *v > x_max {
                                String::new()
                            } else if *v == x_max {
                                last_label.clone()
                            } else {
                                format!("{}", v.round())
                            }
                        },
                        |v| crate::plot::canvas::format_tick(*v),
                    )?;
                    layout.area(&chart);
                    let a = line(palette::BLUE, 3);
                    chart
                        .draw_series(LineSeries::new(actual.iter().copied(), a))?
                        .label("actual")
                        .legend(legend_line(a));
                    chart.draw_series(
                        actual
                            .iter()
                            .map(|&p| Circle::new(p, 5, palette::BLUE.filled())),
                    )?;
                    let p = line(palette::VERMILLION, 3);
                    chart
                        .draw_series(DashedLineSeries::new(predicted.iter().copied(), 10, 5, p))?
                        .label("model")
                        .legend(legend_line(p));
                    chart.draw_series(
                        predicted
                            .iter()
                            .map(|&q| TriangleMarker::new(q, 6, palette::VERMILLION.filled())),
                    )?;
                    legend(&mut chart, SeriesLabelPosition::UpperLeft)?;
                    layout.mark_extremes(&chart, "actual", &actual);
                    layout.mark_extremes(&chart, "model", &predicted);
                    Ok(())
                },
            )
        }
    }
}
