//! Frequency–recency matrices of a model: P(alive), or the expected number of purchases in the
//! next `t` periods, for every whole frequency and recency at a common age `T` (lifetimes
//! `plot_probability_alive_matrix` and `plot_frequency_recency_matrix`).

use crate::error::{Error, Result};
use crate::models::{probability_alive_matrix, TransactionModel};

/// What a [`ModelMatrix`] holds.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MatrixKind {
    /// P(alive) at the end of observation.
    ProbabilityAlive,
    /// Expected repeat purchases in the next `t` periods.
    ExpectedPurchases {
        /// The horizon `t` in periods.
        t: f64,
    },
}

/// A model's predictions over a frequency × recency grid, all customers of age `T =
/// max_recency` periods: `values[r][f]` for recency `r = 0..=max_recency` and frequency
/// `f = 0..=max_frequency` (whole periods and purchases). Cells with frequency 0 and recency
/// above 0 are impossible histories; they hold NaN and are drawn grey.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ModelMatrix {
    /// What the cells are.
    pub kind: MatrixKind,
    /// Plural unit of the periods (`weeks`, ...).
    pub unit: String,
    /// The model's name (`bgnbd`, ...).
    pub model: String,
    /// Largest frequency (columns `0..=max_frequency`).
    pub max_frequency: u32,
    /// Largest recency, and the customers' age `T` (rows `0..=max_recency`).
    pub max_recency: u32,
    /// Row-major values, `values[r][f]`.
    pub values: Vec<Vec<f64>>,
}

fn check_grid(max_frequency: u32, max_recency: u32) -> Result<()> {
    let cells = (u64::from(max_frequency) + 1) * (u64::from(max_recency) + 1);
    if cells > 1_000_000 {
        return Err(Error::invalid_parameter(
            "max_frequency",
            f64::from(max_frequency),
            format!("a matrix of {cells} cells is too large to draw (at most 1e6)"),
        ));
    }
    Ok(())
}

fn blank_impossible(mut values: Vec<Vec<f64>>) -> Vec<Vec<f64>> {
    for row in values.iter_mut().skip(1) {
        if let Some(v) = row.first_mut() {
            *v = f64::NAN;
        }
    }
    values
}

impl ModelMatrix {
    /// P(alive) of every (frequency, recency) history of a customer aged `max_recency`
    /// periods ([`probability_alive_matrix`]).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for a grid above 10⁶ cells; numerical errors of the model.
    pub fn probability_alive<M: TransactionModel + ?Sized>(
        model: &M,
        unit: &str,
        max_frequency: u32,
        max_recency: u32,
    ) -> Result<Self> {
        check_grid(max_frequency, max_recency)?;
        let m = probability_alive_matrix(model, max_frequency, max_recency)?;
        let values = m.outer_iter().map(|row| row.to_vec()).collect();
        Ok(Self {
            kind: MatrixKind::ProbabilityAlive,
            unit: unit.to_string(),
            model: model.name().to_string(),
            max_frequency,
            max_recency,
            values: blank_impossible(values),
        })
    }

    /// Expected repeat purchases in the next `t` periods of every (frequency, recency)
    /// history of a customer aged `max_recency` periods
    /// ([`TransactionModel::conditional_expected_purchases_one`]).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for a grid above 10⁶ cells or a `t` that is not finite
    /// and > 0; numerical errors of the model.
    pub fn expected_purchases<M: TransactionModel + ?Sized>(
        model: &M,
        unit: &str,
        t: f64,
        max_frequency: u32,
        max_recency: u32,
    ) -> Result<Self> {
        check_grid(max_frequency, max_recency)?;
        if !(t.is_finite() && t > 0.0) {
            return Err(Error::invalid_parameter("t", t, "must be finite and > 0"));
        }
        let age = f64::from(max_recency);
        let mut values = Vec::with_capacity(max_recency as usize + 1);
        for r in 0..=max_recency {
            let mut row = Vec::with_capacity(max_frequency as usize + 1);
            for f in 0..=max_frequency {
                row.push(model.conditional_expected_purchases_one(
                    t,
                    f64::from(f),
                    f64::from(r),
                    age,
                )?);
            }
            values.push(row);
        }
        Ok(Self {
            kind: MatrixKind::ExpectedPurchases { t },
            unit: unit.to_string(),
            model: model.name().to_string(),
            max_frequency,
            max_recency,
            values: blank_impossible(values),
        })
    }
}

#[cfg(feature = "plot")]
mod draw {
    use plotters::prelude::*;

    use super::{MatrixKind, ModelMatrix};
    use crate::error::{Error, Result};
    use crate::plot::canvas::{extent, format_tick, palette, panel_with, render, FONT, LABEL_SIZE};
    use crate::plot::{Chart, ChartOptions};

    impl ModelMatrix {
        /// Draws the matrix as a heat map (frequency across, recency up, viridis colours, the
        /// colour scale on the right); 800 × 600 by default.
        ///
        /// # Errors
        /// [`Error::NoChartData`] when no cell is finite; [`Error::Draw`] when drawing fails.
        pub fn draw(&self, options: &ChartOptions) -> Result<Chart> {
            let chart_name = match self.kind {
                MatrixKind::ProbabilityAlive => "p-alive",
                MatrixKind::ExpectedPurchases { .. } => "frequency-recency",
            };
            let (lo, hi) = extent(self.values.iter().flatten().copied()).ok_or_else(|| {
                Error::NoChartData {
                    chart: chart_name.into(),
                    what: "no finite cell".into(),
                }
            })?;
            // P(alive) on its natural scale [0, 1]; purchases from 0 to the largest value
            let (lo, hi) = match self.kind {
                MatrixKind::ProbabilityAlive => (0.0, 1.0),
                MatrixKind::ExpectedPurchases { .. } => (lo.min(0.0), hi.max(lo + 1e-12)),
            };
            let (default_title, scale_title) = match self.kind {
                MatrixKind::ProbabilityAlive => (
                    format!(
                        "Probability alive, by frequency and recency ({})",
                        self.model
                    ),
                    "P(alive)".to_string(),
                ),
                MatrixKind::ExpectedPurchases { t } => (
                    format!(
                        "Expected purchases in the next {} {} ({})",
                        format_tick(t),
                        self.unit,
                        self.model
                    ),
                    "purchases".to_string(),
                ),
            };
            let title = options.title_or(&default_title);
            let nf = f64::from(self.max_frequency);
            let nr = f64::from(self.max_recency);
            let x_desc = format!(
                "Frequency (repeat purchases), customers aged {} {}",
                self.max_recency, self.unit
            );
            let y_desc = format!("Recency ({} at the last purchase)", self.unit);
            let (width, height) = options.size_or((800, 600));
            render(chart_name, (width, height), |root, layout| {
                let (main, side) = root.split_horizontally(width.saturating_sub(110));
                let mut chart = panel_with(
                    &main,
                    &title,
                    -0.5..nf + 0.5,
                    -0.5..nr + 0.5,
                    &x_desc,
                    &y_desc,
                    |v| format_tick(*v),
                    |v| format_tick(*v),
                )?;
                layout.area(&chart);
                let mut cells = Vec::new();
                for (r, row) in self.values.iter().enumerate() {
                    for (f, &v) in row.iter().enumerate() {
                        let (x, y) = (f as f64, r as f64);
                        let color = palette::viridis((v - lo) / (hi - lo));
                        cells.push(Rectangle::new(
                            [(x - 0.5, y - 0.5), (x + 0.5, y + 0.5)],
                            color.filled(),
                        ));
                    }
                }
                chart.draw_series(cells)?;
                // the extremes of the finite cells
                let finite = self.values.iter().enumerate().flat_map(|(r, row)| {
                    row.iter()
                        .enumerate()
                        .filter(|(_, v)| v.is_finite())
                        .map(move |(f, &v)| (f as f64, r as f64, v))
                });
                let min = finite.clone().min_by(|a, b| a.2.total_cmp(&b.2));
                let max = finite.max_by(|a, b| a.2.total_cmp(&b.2));
                for (name, cell) in [("min", min), ("max", max)] {
                    if let Some((x, y, _)) = cell {
                        layout.mark(&chart, format!("cell {name}"), x, y);
                    }
                }
                // colour scale
                let mut scale = ChartBuilder::on(&side)
                    .margin_top(60)
                    .margin_bottom(70)
                    .margin_right(10)
                    .y_label_area_size(52)
                    .build_cartesian_2d(0.0..1.0, lo..hi)?;
                scale
                    .configure_mesh()
                    .disable_x_mesh()
                    .disable_x_axis()
                    .y_labels(6)
                    .y_label_formatter(&|v| format_tick(*v))
                    .label_style((FONT, LABEL_SIZE))
                    .bold_line_style(TRANSPARENT)
                    .light_line_style(TRANSPARENT)
                    .draw()?;
                let steps = 100;
                scale.draw_series((0..steps).map(|i| {
                    let a = lo + (hi - lo) * i as f64 / steps as f64;
                    let b = lo + (hi - lo) * (i + 1) as f64 / steps as f64;
                    let c = palette::viridis((i as f64 + 0.5) / steps as f64);
                    Rectangle::new([(0.0, a), (1.0, b)], c.filled())
                }))?;
                side.draw_text(
                    &scale_title,
                    &(FONT, LABEL_SIZE).into_font().color(&palette::BLACK),
                    (8, 30),
                )?;
                Ok(())
            })
        }
    }
}
