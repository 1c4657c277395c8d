//! The campaign report's charts: estimated vs to-date ROAS per group with interval bars, and
//! cost and return per install cohort. The data come from a built
//! [`CampaignReport`]; nothing is recomputed.

use crate::report::{CampaignReport, FitStatus};

/// One group's ROAS: to date, estimated over the horizon, and the estimate's interval.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RoasBar {
    /// Group values joined with ` / `, and the cohort unless it is `all`.
    pub label: String,
    /// Revenue to date / cost.
    pub roas_to_date: f64,
    /// Estimated total revenue / cost.
    pub estimated_roas: f64,
    /// Lower interval bound of the estimate (`None` without covariance).
    pub lower: Option<f64>,
    /// Upper interval bound of the estimate.
    pub upper: Option<f64>,
    /// Whether the estimate rests on a fit that did not converge.
    pub not_converged: bool,
}

/// The ROAS chart's data: the report's rows with a cost, in the report's order (by cohort,
/// then rank), at most `max_rows`.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RoasChartData {
    /// As-of date of the report.
    pub as_of: String,
    /// Months of the estimate's horizon.
    pub horizon_months: u32,
    /// Interval coverage (0.95 = 95%).
    pub interval_level: f64,
    /// One bar per group.
    pub bars: Vec<RoasBar>,
    /// Rows with a cost left out by `max_rows`.
    pub omitted: usize,
}

/// One install cohort's money.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CohortBar {
    /// Cohort label (`all`, a day, a week's Monday, a month).
    pub cohort: String,
    /// Spend.
    pub cost: f64,
    /// Revenue to date.
    pub revenue_to_date: f64,
    /// Revenue to date plus estimated future revenue.
    pub estimated_total_revenue: f64,
}

/// The cohort chart's data: cost, revenue to date and estimated total revenue per install
/// cohort, summed over the report's rows, in cohort order.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CohortChartData {
    /// The report currency.
    pub currency: String,
    /// One entry per cohort.
    pub cohorts: Vec<CohortBar>,
}

/// A row's label: group values, and the cohort unless it is `all`.
pub(crate) fn row_label(group: &[String], cohort: &str) -> String {
    let mut label = group.join(" / ");
    if cohort != "all" {
        label.push_str(" · ");
        label.push_str(cohort);
    }
    label
}

impl RoasChartData {
    /// The bars of the rows of `report` that have a ROAS (a cost), first `max_rows` of them.
    pub fn from_report(report: &CampaignReport, max_rows: usize) -> Self {
        let mut bars = Vec::new();
        let mut omitted = 0;
        for r in &report.rows {
            let (Some(to_date), Some(estimated)) = (r.roas_to_date, r.estimated_roas) else {
                continue;
            };
            if bars.len() == max_rows {
                omitted += 1;
                continue;
            }
            bars.push(RoasBar {
                label: row_label(&r.group, &r.cohort),
                roas_to_date: to_date,
                estimated_roas: estimated,
                lower: r.estimated_roas_lower,
                upper: r.estimated_roas_upper,
                not_converged: r.fit_status == Some(FitStatus::NotConverged),
            });
        }
        Self {
            as_of: report.meta.as_of.clone(),
            horizon_months: report.meta.horizon.months,
            interval_level: report.meta.horizon.interval_level,
            bars,
            omitted,
        }
    }
}

impl CohortChartData {
    /// Sums the rows of `report` per cohort.
    pub fn from_report(report: &CampaignReport) -> Self {
        let mut cohorts: Vec<CohortBar> = Vec::new();
        for r in &report.rows {
            let i = match cohorts.iter().position(|c| c.cohort == r.cohort) {
                Some(i) => i,
                None => {
                    cohorts.push(CohortBar {
                        cohort: r.cohort.clone(),
                        cost: 0.0,
                        revenue_to_date: 0.0,
                        estimated_total_revenue: 0.0,
                    });
                    cohorts.len() - 1
                }
            };
            let c = &mut cohorts[i];
            c.cost += r.cost;
            c.revenue_to_date += r.revenue_to_date;
            c.estimated_total_revenue += r.estimated_total_revenue;
        }
        cohorts.sort_by(|a, b| a.cohort.cmp(&b.cohort));
        Self {
            currency: report.meta.currency.clone(),
            cohorts,
        }
    }
}

#[cfg(feature = "plot")]
mod draw {
    use plotters::prelude::*;
    use plotters::style::text_anchor::{HPos, Pos, VPos};

    use super::{CohortChartData, RoasChartData};
    use crate::error::{Error, Result};
    use crate::plot::canvas::{
        extent, format_tick, legend, legend_box, legend_line, line, palette, render,
        AXIS_TITLE_SIZE, FONT, LABEL_SIZE, TITLE_SIZE,
    };
    use crate::plot::{Chart, ChartOptions};

    /// Cuts a label to `n` characters with an ellipsis.
    fn clip(s: &str, n: usize) -> String {
        if s.chars().count() <= n {
            s.to_string()
        } else {
            let mut t: String = s.chars().take(n - 1).collect();
            t.push('…');
            t
        }
    }

    /// Rows of empty space below the bars that hold the legend.
    const LEGEND_BAND: f64 = 2.4;

    impl RoasChartData {
        /// Height in pixels of the chart when none is given: 38 pixels per group.
        pub fn default_height(&self) -> u32 {
            150 + (38.0 * (self.bars.len() as f64 + LEGEND_BAND)) as u32
        }

        /// Horizontal bars of ROAS to date (sky blue), the estimated ROAS as a vermillion dot
        /// (hollow when its fit did not converge) with its interval as a line, and break-even
        /// (ROAS 1) dashed; 800 wide, 38 pixels per group.
        ///
        /// # Errors
        /// [`Error::NoChartData`] without a row with a cost; [`Error::Draw`] when drawing
        /// fails.
        pub fn draw(&self, options: &ChartOptions) -> Result<Chart> {
            if self.bars.is_empty() {
                return Err(Error::NoChartData {
                    chart: "roas".into(),
                    what: "no row with a cost".into(),
                });
            }
            let n = self.bars.len();
            let title = options.title_or(&format!(
                "ROAS by group: to date and estimated at {} months",
                self.horizon_months
            ));
            let values = self.bars.iter().flat_map(|b| {
                [
                    Some(b.roas_to_date),
                    Some(b.estimated_roas),
                    b.lower,
                    b.upper,
                ]
                .into_iter()
                .flatten()
            });
            let (_, hi) = extent(values.chain([1.0])).unwrap_or((0.0, 1.0));
            let x_max = hi * 1.1;
            let labels: Vec<String> = self.bars.iter().map(|b| clip(&b.label, 28)).collect();
            let label_width =
                labels.iter().map(|l| l.chars().count()).max().unwrap_or(4) as u32 * 9 + 16;
            let band = LEGEND_BAND;
            let size = options.size_or((800, self.default_height()));
            render("roas", size, |root, layout| {
                let mut chart = ChartBuilder::on(root)
                    .caption(&title, (FONT, TITLE_SIZE))
                    .margin(12)
                    .margin_right(24)
                    .x_label_area_size(58)
                    .y_label_area_size(label_width.min(280))
                    .build_cartesian_2d(0.0..x_max, -0.6 - band..n as f64 - 0.4)?;
                chart
                    .configure_mesh()
                    .disable_y_mesh()
                    .x_labels(8)
                    // rows are labelled one by one below, at their own heights
                    .y_labels(0)
                    .x_label_formatter(&|v| format_tick(*v))
                    .x_desc(format!("ROAS (revenue / cost) as of {}", self.as_of))
                    .label_style((FONT, LABEL_SIZE))
                    .axis_desc_style((FONT, AXIS_TITLE_SIZE * 0.85))
                    .bold_line_style(palette::GRID)
                    .light_line_style(TRANSPARENT)
                    .axis_style(palette::BLACK)
                    .draw()?;
                layout.area(&chart);
                let y = |i: usize| n as f64 - 1.0 - i as f64;
                let label_style = (FONT, LABEL_SIZE)
                    .into_font()
                    .color(&palette::BLACK)
                    .pos(Pos::new(HPos::Right, VPos::Center));
                for (i, label) in labels.iter().enumerate() {
                    let (px, py) = chart.backend_coord(&(0.0, y(i)));
                    root.draw(&Text::new(label.clone(), (px - 8, py), label_style.clone()))?;
                }
                chart
                    .draw_series(self.bars.iter().enumerate().map(|(i, b)| {
                        Rectangle::new(
                            [(0.0, y(i) - 0.3), (b.roas_to_date, y(i) + 0.3)],
                            palette::SKY_BLUE.filled(),
                        )
                    }))?
                    .label("ROAS to date")
                    .legend(legend_box(palette::SKY_BLUE));
                let even = line(palette::BLACK, 1);
                chart
                    .draw_series(DashedLineSeries::new(
                        vec![(1.0, -0.6 - band), (1.0, n as f64 - 0.4)],
                        6,
                        4,
                        even,
                    ))?
                    .label("break-even")
                    .legend(legend_line(even));
                let whisker = line(palette::VERMILLION, 2);
                for (i, b) in self.bars.iter().enumerate() {
                    if let (Some(lo), Some(up)) = (b.lower, b.upper) {
                        let yy = y(i);
                        chart.draw_series(std::iter::once(PathElement::new(
                            vec![(lo, yy), (up, yy)],
                            whisker,
                        )))?;
                        for x in [lo, up] {
                            chart.draw_series(std::iter::once(PathElement::new(
                                vec![(x, yy - 0.15), (x, yy + 0.15)],
                                whisker,
                            )))?;
                        }
                    }
                }
                chart
                    .draw_series(self.bars.iter().enumerate().map(|(i, b)| {
                        let style = if b.not_converged {
                            palette::VERMILLION.stroke_width(2)
                        } else {
                            palette::VERMILLION.filled()
                        };
                        Circle::new((b.estimated_roas, y(i)), 6, style)
                    }))?
                    .label(format!(
                        "estimated, {:.0}% interval",
                        self.interval_level * 100.0
                    ))
                    .legend(|(x, yy)| Circle::new((x + 7, yy), 6, palette::VERMILLION.filled()));
                legend(&mut chart, SeriesLabelPosition::LowerRight)?;
                let to_date: Vec<(f64, f64)> = self
                    .bars
                    .iter()
                    .enumerate()
                    .map(|(i, b)| (b.roas_to_date, y(i)))
                    .collect();
                let estimated: Vec<(f64, f64)> = self
                    .bars
                    .iter()
                    .enumerate()
                    .map(|(i, b)| (b.estimated_roas, y(i)))
                    .collect();
                let upper: Vec<(f64, f64)> = self
                    .bars
                    .iter()
                    .enumerate()
                    .filter_map(|(i, b)| b.upper.map(|u| (u, y(i))))
                    .collect();
                for (name, pts) in [
                    ("ROAS to date", &to_date),
                    ("estimated ROAS", &estimated),
                    ("interval upper bound", &upper),
                ] {
                    let lo = pts.iter().min_by(|a, b| a.0.total_cmp(&b.0));
                    let hi = pts.iter().max_by(|a, b| a.0.total_cmp(&b.0));
                    for (end, p) in [("min", lo), ("max", hi)] {
                        if let Some(&(x, yy)) = p {
                            layout.mark(&chart, format!("{name}, {end}"), x, yy);
                        }
                    }
                }
                Ok(())
            })
        }
    }

    impl CohortChartData {
        /// Grouped bars per install cohort: cost (orange), revenue to date (blue), estimated
        /// total revenue (bluish green); 800 × 450 by default.
        ///
        /// # Errors
        /// [`Error::NoChartData`] without a cohort; [`Error::Draw`] when drawing fails.
        pub fn draw(&self, options: &ChartOptions) -> Result<Chart> {
            if self.cohorts.is_empty() {
                return Err(Error::NoChartData {
                    chart: "cohorts".into(),
                    what: "no cohort".into(),
                });
            }
            let n = self.cohorts.len();
            let title = options.title_or("Cost and return per install cohort");
            let (_, hi) = extent(
                self.cohorts
                    .iter()
                    .flat_map(|c| [c.cost, c.revenue_to_date, c.estimated_total_revenue]),
            )
            .unwrap_or((0.0, 1.0));
            let hi = if hi > 0.0 { hi } else { 1.0 };
            let labels: Vec<String> = self.cohorts.iter().map(|c| c.cohort.clone()).collect();
            let currency = self.currency.clone();
            render("cohorts", options.size_or((800, 450)), |root, layout| {
                let mut chart = crate::plot::canvas::panel_with(
                    root,
                    &title,
                    -0.5..n as f64 - 0.5,
                    0.0..hi * 1.25,
                    "Install cohort",
                    &format!("Amount ({currency})"),
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
                let series: [(&str, RGBColor, f64, Vec<f64>); 3] = [
                    (
                        "cost",
                        palette::ORANGE,
                        -0.27,
                        self.cohorts.iter().map(|c| c.cost).collect(),
                    ),
                    (
                        "revenue to date",
                        palette::BLUE,
                        0.0,
                        self.cohorts.iter().map(|c| c.revenue_to_date).collect(),
                    ),
                    (
                        "estimated total revenue",
                        palette::BLUISH_GREEN,
                        0.27,
                        self.cohorts
                            .iter()
                            .map(|c| c.estimated_total_revenue)
                            .collect(),
                    ),
                ];
                for (name, color, offset, values) in &series {
                    let w = 0.12;
                    chart
                        .draw_series(values.iter().enumerate().map(|(i, &v)| {
                            let x = i as f64 + offset;
                            Rectangle::new([(x - w, 0.0), (x + w, v)], color.filled())
                        }))?
                        .label(*name)
                        .legend(legend_box(*color));
                    let tops: Vec<(f64, f64)> = values
                        .iter()
                        .enumerate()
                        .map(|(i, &v)| (i as f64 + offset, v))
                        .collect();
                    layout.mark_extremes(&chart, name, &tops);
                }
                legend(&mut chart, SeriesLabelPosition::UpperRight)?;
                Ok(())
            })
        }
    }
}
