//! History of one customer: P(alive) period after period since their first purchase, with their
//! purchases marked (lifetimes `plot_history_alive`).

use crate::data::{Period, Timestamp, TransactionLog};
use crate::error::{Error, Result};
use crate::models::TransactionModel;

/// The series of the history-alive chart of one customer. Ages are whole periods since the
/// period of the first purchase; frequency and recency at each age follow the summaries' rules
/// (one purchase per period counts, the first period is not a repeat purchase).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct HistoryAliveData {
    /// The customer id.
    pub customer: String,
    /// Plural unit of the periods (`weeks`, ...).
    pub unit: String,
    /// Date of the customer's first purchase, `YYYY-MM-DD`.
    pub first_purchase: String,
    /// Ages `0, 1, ..., T` in periods.
    pub ages: Vec<f64>,
    /// P(alive) at the end of each age, given the purchases up to it.
    pub p_alive: Vec<f64>,
    /// Ages (periods) with a purchase, the first purchase (age 0) included, each once.
    pub purchases: Vec<f64>,
}

impl HistoryAliveData {
    /// P(alive) of customer `customer` of `log` at ages `0..=T` periods, `T` the age at
    /// `end` (inclusive), under `model` (in the same period).
    ///
    /// # Errors
    /// [`Error::EmptyInput`] when the customer has no transaction; [`Error::InvalidDate`]
    /// when `end` is before their first purchase; [`Error::InvalidParameter`] for an age
    /// above 10⁶ periods; numerical errors of the model.
    pub fn new<M: TransactionModel + ?Sized>(
        log: &TransactionLog,
        customer: &str,
        period: Period,
        model: &M,
        end: Timestamp,
    ) -> Result<Self> {
        let index = log
            .customer_ids()
            .iter()
            .position(|c| c == customer)
            .ok_or_else(|| Error::EmptyInput {
                what: format!("no transaction of customer `{customer}`"),
            })? as u32;
        let times: Vec<Timestamp> = log
            .customer_index()
            .iter()
            .zip(log.timestamps())
            .filter(|(&c, &t)| c == index && t <= end)
            .map(|(_, &t)| t)
            .collect();
        let first = *times.iter().min().ok_or_else(|| Error::InvalidDate {
            value: end.to_string(),
            rule: format!("before the first purchase of customer `{customer}`"),
        })?;
        let rel = |t: Timestamp| period.index_from(first, t) - period.index_from(first, first);
        let mut purchases: Vec<i64> = times.iter().map(|&t| rel(t)).collect();
        purchases.sort_unstable();
        purchases.dedup();
        let age_end = rel(end);
        if age_end > 1_000_000 {
            return Err(Error::invalid_parameter(
                "end",
                age_end as f64,
                "at most 1e6 periods after the first purchase",
            ));
        }
        let mut ages = Vec::with_capacity(age_end as usize + 1);
        let mut p_alive = Vec::with_capacity(age_end as usize + 1);
        let (mut frequency, mut recency, mut next) = (0.0, 0.0, 1);
        for age in 0..=age_end {
            while next < purchases.len() && purchases[next] <= age {
                frequency += 1.0;
                recency = purchases[next] as f64;
                next += 1;
            }
            ages.push(age as f64);
            p_alive.push(model.probability_alive_one(frequency, recency, age as f64)?);
        }
        Ok(Self {
            customer: customer.to_string(),
            unit: super::period_unit(period),
            first_purchase: first.to_string(),
            ages,
            p_alive,
            purchases: purchases.into_iter().map(|p| p as f64).collect(),
        })
    }
}

#[cfg(feature = "plot")]
mod draw {
    use plotters::prelude::*;

    use super::HistoryAliveData;
    use crate::error::{Error, Result};
    use crate::plot::canvas::{legend, legend_line, line, palette, panel, render};
    use crate::plot::{Chart, ChartOptions};

    impl HistoryAliveData {
        /// Draws P(alive) (blue step line) against age, purchases as dashed vertical lines;
        /// 800 × 500 by default.
        ///
        /// # Errors
        /// [`Error::NoChartData`] without ages; [`Error::Draw`] when drawing fails.
        pub fn draw(&self, options: &ChartOptions) -> Result<Chart> {
            if self.ages.is_empty() {
                return Err(Error::NoChartData {
                    chart: "history-alive".into(),
                    what: "no age".into(),
                });
            }
            let title = options.title_or(&format!("History of customer {}", self.customer));
            let x_max = self.ages.last().copied().unwrap_or(1.0).max(1.0);
            let points: Vec<(f64, f64)> = self
                .ages
                .iter()
                .copied()
                .zip(self.p_alive.iter().copied())
                .collect();
            let x_desc = format!(
                "{} since the first purchase ({})",
                capitalised(&self.unit),
                self.first_purchase
            );
            render(
                "history-alive",
                options.size_or((800, 500)),
                |root, layout| {
                    let mut chart = panel(
                        root,
                        &title,
                        -0.02 * x_max..x_max * 1.02,
                        -0.05..1.05,
                        &x_desc,
                        "P(alive)",
                    )?;
                    layout.area(&chart);
                    let p = line(palette::VERMILLION, 1);
                    for (k, &a) in self.purchases.iter().enumerate() {
                        let s = chart.draw_series(DashedLineSeries::new(
                            vec![(a, -0.05), (a, 1.05)],
                            6,
                            4,
                            p,
                        ))?;
                        if k == 0 {
                            s.label("purchase").legend(legend_line(p));
                        }
                    }
                    let a = line(palette::BLUE, 3);
                    chart
                        .draw_series(LineSeries::new(points.iter().copied(), a))?
                        .label("P(alive)")
                        .legend(legend_line(a));
                    legend(&mut chart, SeriesLabelPosition::LowerLeft)?;
                    layout.mark_extremes(&chart, "P(alive)", &points);
                    Ok(())
                },
            )
        }
    }

    fn capitalised(s: &str) -> String {
        let mut c = s.chars();
        match c.next() {
            Some(f) => f.to_uppercase().chain(c).collect(),
            None => String::new(),
        }
    }
}
