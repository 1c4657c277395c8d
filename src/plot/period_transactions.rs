//! Period transactions chart: how many customers made 0, 1, 2, ... repeat purchases, observed
//! and expected by the model for customers of the same ages (lifetimes
//! `plot_period_transactions`, which simulates; here the model's own probabilities are used
//! where it has them).

use crate::error::{Error, ModelFileRule, Result};
use crate::models::SavedModel;
use crate::summary::RfmSummary;

/// The series of the period transactions chart: bins `0, 1, ..., max_frequency − 1` repeat
/// purchases and a last bin for `max_frequency` and more.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PeriodTransactionsData {
    /// The model's name (`bgnbd`, ...).
    pub model: String,
    /// How the expected counts were computed (`exact` probabilities or `simulated`).
    pub method: String,
    /// Bin labels (`"0"`, ..., `"7+"`).
    pub labels: Vec<String>,
    /// Customers with that many repeat purchases (sum of row weights).
    pub actual: Vec<f64>,
    /// Customers the model expects in each bin, given each customer's age `T`.
    pub expected: Vec<f64>,
}

fn labels(max_frequency: u32) -> Vec<String> {
    (0..=max_frequency)
        .map(|b| {
            if b == max_frequency {
                format!("{b}+")
            } else {
                b.to_string()
            }
        })
        .collect()
}

fn observed(summary: &RfmSummary, bins: usize) -> Vec<f64> {
    let mut actual = vec![0.0; bins];
    for (i, &x) in summary.frequency().iter().enumerate() {
        actual[(x as usize).min(bins - 1)] += summary.weight(i);
    }
    actual
}

impl PeriodTransactionsData {
    /// Counts with the model's probabilities `probability(t, n)` = P(n repeat purchases in
    /// `(0, t]`) of a new customer, summed over the customers of `summary` at their ages `T`
    /// (the last bin gets the rest of the probability).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for `max_frequency` 0; errors of `probability`.
    pub fn from_probabilities(
        summary: &RfmSummary,
        model: &str,
        max_frequency: u32,
        probability: impl Fn(f64, f64) -> Result<f64>,
    ) -> Result<Self> {
        if max_frequency == 0 {
            return Err(Error::invalid_parameter("max_frequency", 0.0, "at least 1"));
        }
        let bins = max_frequency as usize + 1;
        // customers sharing an age are evaluated once
        let mut ages: Vec<(f64, f64)> = summary
            .t()
            .iter()
            .enumerate()
            .map(|(i, &t)| (t, summary.weight(i)))
            .collect();
        ages.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut expected = vec![0.0; bins];
        let mut i = 0;
        while i < ages.len() {
            let t = ages[i].0;
            let mut w = 0.0;
            while i < ages.len() && ages[i].0 == t {
                w += ages[i].1;
                i += 1;
            }
            let mut rest = 1.0;
            for (n, e) in expected.iter_mut().take(bins - 1).enumerate() {
                let p = probability(t, n as f64)?;
                *e += w * p;
                rest -= p;
            }
            expected[bins - 1] += w * rest.max(0.0);
        }
        Ok(Self {
            model: model.to_string(),
            method: "exact".into(),
            labels: labels(max_frequency),
            actual: observed(summary, bins),
            expected,
        })
    }

    /// Counts with a model drawn `replicates` times for the customers' ages (seeded: the
    /// same seed gives the same counts), averaged.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for `max_frequency` or `replicates` 0; errors of
    /// `simulate`.
    pub fn from_simulation(
        summary: &RfmSummary,
        model: &str,
        max_frequency: u32,
        replicates: u32,
        simulate: impl Fn(&[f64], u64) -> Result<RfmSummary>,
    ) -> Result<Self> {
        if max_frequency == 0 || replicates == 0 {
            return Err(Error::invalid_parameter(
                "max_frequency",
                f64::from(max_frequency.min(replicates)),
                "max_frequency and replicates must be at least 1",
            ));
        }
        let bins = max_frequency as usize + 1;
        let mut expected = vec![0.0; bins];
        for seed in 0..u64::from(replicates) {
            let sim = simulate(summary.t(), seed)?;
            for (i, &x) in sim.frequency().iter().enumerate() {
                expected[(x as usize).min(bins - 1)] += summary.weight(i);
            }
        }
        for e in &mut expected {
            *e /= f64::from(replicates);
        }
        Ok(Self {
            model: model.to_string(),
            method: format!("simulated ({replicates} replicates)"),
            labels: labels(max_frequency),
            actual: observed(summary, bins),
            expected,
        })
    }

    /// Counts for a saved model: exact probabilities for BG/NBD and MBG/NBD, 20 seeded
    /// simulations for Pareto/NBD.
    ///
    /// # Errors
    /// [`Error::ModelFormat`] for BG/BB and Gamma-Gamma (no purchase-count distribution
    /// here); as [`PeriodTransactionsData::from_probabilities`].
    pub fn from_model(
        summary: &RfmSummary,
        model: &SavedModel,
        max_frequency: u32,
    ) -> Result<Self> {
        match model {
            SavedModel::BgNbd(m) => {
                Self::from_probabilities(summary, "bgnbd", max_frequency, |t, n| {
                    m.model().probability_of_purchases(t, n)
                })
            }
            SavedModel::MbgNbd(m) => {
                Self::from_probabilities(summary, "mbgnbd", max_frequency, |t, n| {
                    m.model().probability_of_purchases(t, n)
                })
            }
            SavedModel::ParetoNbd(m) => {
                Self::from_simulation(summary, "pareto-nbd", max_frequency, 20, |t, seed| {
                    m.model().simulate_summary(t, seed)
                })
            }
            other => Err(Error::model_format(ModelFileRule::NotContinuousTime {
                use_: "period transactions",
                model: other.name().to_string(),
            })),
        }
    }
}

#[cfg(feature = "plot")]
mod draw {
    use plotters::prelude::*;

    use super::PeriodTransactionsData;
    use crate::error::{Error, Result};
    use crate::plot::canvas::{
        extent, format_tick, from_zero, legend, legend_box, palette, panel_with, render,
    };
    use crate::plot::{Chart, ChartOptions};

    impl PeriodTransactionsData {
        /// Draws side-by-side bars, observed (blue) and model (vermillion, hatched by its
        /// lighter fill), per number of repeat purchases; 800 × 500 by default.
        ///
        /// # Errors
        /// [`Error::NoChartData`] without bins; [`Error::Draw`] when drawing fails.
        pub fn draw(&self, options: &ChartOptions) -> Result<Chart> {
            if self.labels.is_empty() {
                return Err(Error::NoChartData {
                    chart: "period-transactions".into(),
                    what: "no bin".into(),
                });
            }
            let title = options.title_or("Customers by number of repeat purchases");
            let (lo, hi) =
                extent(self.actual.iter().chain(&self.expected).copied()).unwrap_or((0.0, 1.0));
            let n = self.labels.len();
            let labels = self.labels.clone();
            render(
                "period-transactions",
                options.size_or((800, 500)),
                |root, layout| {
                    let mut chart = panel_with(
                        root,
                        &title,
                        -0.5..n as f64 - 0.5,
                        from_zero(lo, hi),
                        "Repeat purchases (frequency)",
                        "Customers",
                        |v| {
                            let k = v.round();
                            if (v - k).abs() > 1e-9 || k < 0.0 || k as usize >= labels.len() {
                                String::new()
                            } else {
                                labels[k as usize].clone()
                            }
                        },
                        |v| format_tick(*v),
                    )?;
                    layout.area(&chart);
                    let bars = |values: &[f64], offset: f64| -> Vec<(f64, f64, f64)> {
                        values
                            .iter()
                            .enumerate()
                            .map(|(i, &v)| (i as f64 + offset - 0.18, i as f64 + offset + 0.18, v))
                            .collect()
                    };
                    let actual = bars(&self.actual, -0.19);
                    let expected = bars(&self.expected, 0.19);
                    chart
                        .draw_series(actual.iter().map(|&(a, b, v)| {
                            Rectangle::new([(a, 0.0), (b, v)], palette::BLUE.filled())
                        }))?
                        .label("actual")
                        .legend(legend_box(palette::BLUE));
                    chart
                        .draw_series(expected.iter().map(|&(a, b, v)| {
                            Rectangle::new([(a, 0.0), (b, v)], palette::VERMILLION.filled())
                        }))?
                        .label(format!("model ({})", self.model))
                        .legend(legend_box(palette::VERMILLION));
                    legend(&mut chart, SeriesLabelPosition::UpperRight)?;
                    let top = |s: &[(f64, f64, f64)]| -> Vec<(f64, f64)> {
                        s.iter().map(|&(a, b, v)| ((a + b) / 2.0, v)).collect()
                    };
                    layout.mark_extremes(&chart, "actual", &top(&actual));
                    layout.mark_extremes(&chart, "model", &top(&expected));
                    Ok(())
                },
            )
        }
    }
}
