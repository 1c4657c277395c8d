//! Heterogeneity chart: the fitted distributions of the customers' latent purchase rate and of
//! their dropout (lifetimes `plot_transaction_rate_heterogeneity` and
//! `plot_dropout_rate_heterogeneity`).
//!
//! | model | purchase rate | dropout |
//! |---|---|---|
//! | BG/NBD, MBG/NBD | `λ ~ Gamma(r, α)` per period | `p ~ Beta(a, b)` per repeat purchase |
//! | Pareto/NBD | `λ ~ Gamma(r, α)` per period | `μ ~ Gamma(s, β)` per period |
//! | BG/BB | `p ~ Beta(α, β)` per opportunity | `θ ~ Beta(γ, δ)` per opportunity |
//!
//! Gamma-distributed rates span orders of magnitude (CDNOW's `r` is 0.24: most customers
//! barely buy, a few buy weekly), so they are drawn on a log axis as the density of
//! `log10(λ)`, `ln(10) · λ · f(λ)`, which stays finite where `f` itself does not. Beta
//! distributions are drawn as plain densities on [0, 1], except those whose density diverges
//! at 0 (first shape parameter below 1), which are drawn on a log axis the same way.

use statrs::distribution::{Beta, Continuous, ContinuousCDF, Gamma};

use crate::error::{Error, ModelFileRule, Result};
use crate::models::SavedModel;

/// One fitted mixing distribution, evaluated on a grid between its 0.5% and 99.5% quantiles.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Density {
    /// What the variable is (`purchase rate λ per week`, ...).
    pub label: String,
    /// The distribution with its fitted parameters (`Gamma(r = 0.243, α = 4.41)`).
    pub distribution: String,
    /// Whether `x` is to be read on a log axis (`density` is then per log10 unit).
    pub log_scale: bool,
    /// Grid of the variable.
    pub x: Vec<f64>,
    /// Density at `x` (of `log10(x)` when `log_scale`).
    pub density: Vec<f64>,
    /// Mean of the variable.
    pub mean: f64,
}

/// The two mixing distributions of a fitted transaction model.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct HeterogeneityData {
    /// The model's name (`bgnbd`, ...).
    pub model: String,
    /// Distribution of the purchase rate (or probability).
    pub purchase: Density,
    /// Distribution of the dropout rate (or probability).
    pub dropout: Density,
}

const POINTS: usize = 241;

fn stat_err(what: &str, e: impl std::fmt::Display) -> Error {
    Error::invalid_parameter(what, crate::error::ParamValue::None, e.to_string())
}

fn gamma_density(label: String, names: (&str, &str), shape: f64, rate: f64) -> Result<Density> {
    let d = Gamma::new(shape, rate).map_err(|e| stat_err(names.0, e))?;
    let (lo, hi) = (d.inverse_cdf(0.005), d.inverse_cdf(0.995));
    let (lo, hi) = (lo.max(hi * 1e-12).log10(), hi.log10());
    let x: Vec<f64> = (0..POINTS)
        .map(|i| 10f64.powf(lo + (hi - lo) * i as f64 / (POINTS - 1) as f64))
        .collect();
    let density = x
        .iter()
        .map(|&v| std::f64::consts::LN_10 * v * d.pdf(v))
        .collect();
    Ok(Density {
        label,
        distribution: format!(
            "Gamma({} = {}, {} = {})",
            names.0,
            sig(shape),
            names.1,
            sig(rate)
        ),
        log_scale: true,
        x,
        density,
        mean: shape / rate,
    })
}

fn beta_density(label: String, names: (&str, &str), a: f64, b: f64) -> Result<Density> {
    let d = Beta::new(a, b).map_err(|e| stat_err(names.0, e))?;
    let (lo, hi) = (d.inverse_cdf(0.005), d.inverse_cdf(0.995));
    // a density that diverges at 0 (a < 1) is drawn on a log axis, like the Gamma rates
    let log_scale = a < 1.0;
    let x: Vec<f64> = if log_scale {
        let (lo, hi) = (lo.max(hi * 1e-12).log10(), hi.log10());
        (0..POINTS)
            .map(|i| 10f64.powf(lo + (hi - lo) * i as f64 / (POINTS - 1) as f64))
            .collect()
    } else {
        (0..POINTS)
            .map(|i| lo + (hi - lo) * i as f64 / (POINTS - 1) as f64)
            .collect()
    };
    let density = x
        .iter()
        .map(|&v| {
            if log_scale {
                std::f64::consts::LN_10 * v * d.pdf(v)
            } else {
                d.pdf(v)
            }
        })
        .collect();
    Ok(Density {
        label,
        distribution: format!("Beta({} = {}, {} = {})", names.0, sig(a), names.1, sig(b)),
        log_scale,
        x,
        density,
        mean: a / (a + b),
    })
}

/// Three significant digits.
fn sig(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return v.to_string();
    }
    let digits = (2 - v.abs().log10().floor() as i32).max(0) as usize;
    format!("{v:.digits$}")
}

impl HeterogeneityData {
    /// The mixing distributions of a saved transaction model; `unit` is the plural period
    /// unit (`weeks`) the model was fitted in.
    ///
    /// # Errors
    /// [`Error::ModelFormat`] for the Gamma-Gamma spend model.
    pub fn from_model(model: &SavedModel, unit: &str) -> Result<Self> {
        let per = unit.trim_end_matches('s');
        let p = model.fit().params().to_vec();
        let rate = format!("Purchase rate λ (purchases per {per})");
        let (purchase, dropout) = match model {
            SavedModel::BgNbd(_) | SavedModel::MbgNbd(_) => (
                gamma_density(rate, ("r", "α"), p[0], p[1])?,
                beta_density(
                    "Dropout probability p (after each repeat purchase)".into(),
                    ("a", "b"),
                    p[2],
                    p[3],
                )?,
            ),
            SavedModel::ParetoNbd(_) => (
                gamma_density(rate, ("r", "α"), p[0], p[1])?,
                gamma_density(
                    format!("Dropout rate μ (per {per})"),
                    ("s", "β"),
                    p[2],
                    p[3],
                )?,
            ),
            SavedModel::BgBb(_) => (
                beta_density(
                    "Purchase probability p (per opportunity)".into(),
                    ("α", "β"),
                    p[0],
                    p[1],
                )?,
                beta_density(
                    "Dropout probability θ (per opportunity)".into(),
                    ("γ", "δ"),
                    p[2],
                    p[3],
                )?,
            ),
            other => {
                return Err(Error::model_format(ModelFileRule::NotTransactionModel {
                    model: other.name().to_string(),
                }))
            }
        };
        Ok(Self {
            model: model.name().to_string(),
            purchase,
            dropout,
        })
    }
}

#[cfg(feature = "plot")]
mod draw {
    use plotters::prelude::*;

    use super::{Density, HeterogeneityData};
    use crate::error::{Error, Result};
    use crate::plot::canvas::{
        extent, format_tick, legend, legend_line, line, palette, panel_with, render, DrawResult,
        Layout, Root,
    };
    use crate::plot::{Chart, ChartOptions};

    fn draw_density(
        area: &Root<'_>,
        layout: &mut Layout,
        title: &str,
        d: &Density,
        color: RGBColor,
    ) -> DrawResult<()> {
        // log-scale variables are drawn against log10(x), labelled with x
        let tx = |v: f64| if d.log_scale { v.log10() } else { v };
        let points: Vec<(f64, f64)> =
            d.x.iter()
                .zip(&d.density)
                .map(|(&x, &y)| (tx(x), y))
                .collect();
        let (x_lo, x_hi) = extent(points.iter().map(|p| p.0)).unwrap_or((0.0, 1.0));
        let (_, y_hi) = extent(points.iter().map(|p| p.1)).unwrap_or((0.0, 1.0));
        let x_range = if d.log_scale {
            x_lo.floor()..x_hi.ceil()
        } else {
            0.0..1.0
        };
        let log = d.log_scale;
        let y_desc = if log {
            "Density per log10 unit"
        } else {
            "Density"
        };
        let mut chart = panel_with(
            area,
            title,
            x_range,
            0.0..y_hi * 1.12,
            &d.label,
            y_desc,
            move |v| {
                if log {
                    if (v - v.round()).abs() > 1e-9 {
                        String::new()
                    } else {
                        format_tick(10f64.powf(v.round()))
                    }
                } else {
                    format_tick(*v)
                }
            },
            |v| format_tick(*v),
        )?;
        layout.area(&chart);
        let s = line(color, 3);
        chart
            .draw_series(LineSeries::new(points.iter().copied(), s))?
            .label(d.distribution.clone())
            .legend(legend_line(s));
        let m = line(palette::BLACK, 1);
        chart
            .draw_series(DashedLineSeries::new(
                vec![(tx(d.mean), 0.0), (tx(d.mean), y_hi * 1.12)],
                6,
                4,
                m,
            ))?
            .label(format!("mean {}", format_tick(d.mean)))
            .legend(legend_line(m));
        // log-scale densities peak on the right, the others (b > a) on the left
        let at = if log {
            SeriesLabelPosition::UpperLeft
        } else {
            SeriesLabelPosition::UpperRight
        };
        legend(&mut chart, at)?;
        layout.mark_extremes(&chart, &d.label, &points);
        Ok(())
    }

    impl HeterogeneityData {
        /// Draws the purchase (top) and dropout (bottom) distributions; 800 × 800 by default.
        ///
        /// # Errors
        /// [`Error::NoChartData`] for an empty grid; [`Error::Draw`] when drawing fails.
        pub fn draw(&self, options: &ChartOptions) -> Result<Chart> {
            if self.purchase.x.is_empty() || self.dropout.x.is_empty() {
                return Err(Error::NoChartData {
                    chart: "heterogeneity".into(),
                    what: "empty grid".into(),
                });
            }
            let title = options.title_or(&format!(
                "Customer heterogeneity ({}): fitted distributions",
                self.model
            ));
            render(
                "heterogeneity",
                options.size_or((800, 800)),
                |root, layout| {
                    let (top, bottom) = root.split_vertically(root.dim_in_pixel().1 / 2);
                    draw_density(&top, layout, &title, &self.purchase, palette::BLUE)?;
                    draw_density(&bottom, layout, "", &self.dropout, palette::BLUISH_GREEN)
                },
            )
        }
    }
}
