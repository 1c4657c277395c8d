//! The backtest chart: the report's estimate of each group's future revenue against the
//! revenue that then arrived, across the replayed as-of dates.
//!
//! The data come from a [`Backtest`] (the report replayed at earlier as-of dates, see
//! [`crate::report::backtest`]); nothing is recomputed. For each as-of date `d` the
//! *estimated* value is the report's estimate of the revenue its users pay over the horizon
//! after `d`, the *realised* value what they then paid up to `d + horizon`. The top panel
//! shows the sum over all groups, the bottom panel each group (the groups with the largest
//! cost first, at most `max_groups`).

use chrono::NaiveDate;

use crate::report::backtest::Backtest;

/// One line pair of the chart: estimated and realised future revenue per as-of date.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct BacktestSeries {
    /// The group's values joined with ` / `, or `overall`.
    pub label: String,
    /// Estimated future revenue over the horizon at each as-of date (`None`: the group had no
    /// user at that date).
    pub estimated: Vec<Option<f64>>,
    /// Revenue its users then paid over the horizon at each as-of date.
    pub realised: Vec<Option<f64>>,
    /// Cost up to each as-of date (what the groups are ordered by).
    pub cost: Vec<Option<f64>>,
}

/// The backtest chart's data: as-of dates in order, the overall series and one series per
/// group.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct BacktestChartData {
    /// The replayed as-of dates (`YYYY-MM-DD`), ascending.
    pub dates: Vec<String>,
    /// Days from the first as-of date to each (the x coordinate).
    pub days: Vec<f64>,
    /// Days of the horizon over which revenue is realised.
    pub horizon_days: i64,
    /// All groups summed.
    pub overall: BacktestSeries,
    /// The groups with the largest total cost over the dates, at most `max_groups`, largest
    /// first.
    pub groups: Vec<BacktestSeries>,
    /// Groups left out by `max_groups`.
    pub omitted: usize,
}

impl BacktestChartData {
    /// The series of `backtest`: overall and per group (the `max_groups` groups with the
    /// largest total cost across dates; ties by group name).
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use ltv::plot::BacktestChartData;
    /// use ltv::report::backtest::{Backtest, BacktestRow, Score};
    /// let d = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
    /// let row = |g: &str, est: f64, real: f64| BacktestRow {
    ///     as_of: d, realised_until: d + chrono::Days::new(30), group: vec![g.into()],
    ///     users: 10, cost: 5.0, revenue_to_date: 1.0, estimated_future_revenue: est,
    ///     realised_future_revenue: real, estimated_roas: None, realised_roas: None,
    ///     roas_error: None, future_revenue_error: None,
    /// };
    /// let b = Backtest {
    ///     rows: vec![row("a", 2.0, 3.0), row("b", 4.0, 1.0)],
    ///     by_date: vec![(d, Score::of(&[], &[]))], overall: Score::of(&[], &[]),
    ///     skipped: vec![],
    /// };
    /// let data = BacktestChartData::from_backtest(&b, 10);
    /// assert_eq!(data.overall.estimated, vec![Some(6.0)]);
    /// assert_eq!(data.overall.realised, vec![Some(4.0)]);
    /// assert_eq!(data.horizon_days, 30);
    /// assert_eq!(data.groups.len(), 2);
    /// ```
    pub fn from_backtest(backtest: &Backtest, max_groups: usize) -> Self {
        let mut dates: Vec<NaiveDate> = backtest.rows.iter().map(|r| r.as_of).collect();
        dates.sort_unstable();
        dates.dedup();
        let at = |d: NaiveDate| dates.binary_search(&d).unwrap_or(0);
        let n = dates.len();
        let empty = |label: String| BacktestSeries {
            label,
            estimated: vec![None; n],
            realised: vec![None; n],
            cost: vec![None; n],
        };
        let add = |slot: &mut Option<f64>, v: f64| *slot = Some(slot.unwrap_or(0.0) + v);
        let mut overall = empty("overall".into());
        let mut groups: std::collections::BTreeMap<Vec<String>, BacktestSeries> =
            Default::default();
        for r in &backtest.rows {
            let i = at(r.as_of);
            let g = groups
                .entry(r.group.clone())
                .or_insert_with(|| empty(r.group.join(" / ")));
            for s in [&mut overall, g] {
                add(&mut s.estimated[i], r.estimated_future_revenue);
                add(&mut s.realised[i], r.realised_future_revenue);
                add(&mut s.cost[i], r.cost);
            }
        }
        let mut groups: Vec<BacktestSeries> = groups.into_values().collect();
        let total = |s: &BacktestSeries| s.cost.iter().flatten().sum::<f64>();
        // stable: equal costs keep the order of the group names
        groups.sort_by(|a, b| total(b).total_cmp(&total(a)));
        let omitted = groups.len().saturating_sub(max_groups);
        groups.truncate(max_groups);
        let horizon_days = backtest
            .rows
            .first()
            .map_or(0, |r| (r.realised_until - r.as_of).num_days());
        let first = dates.first().copied();
        Self {
            days: dates
                .iter()
                .map(|d| first.map_or(0.0, |f| (*d - f).num_days() as f64))
                .collect(),
            dates: dates.iter().map(|d| d.to_string()).collect(),
            horizon_days,
            overall,
            groups,
            omitted,
        }
    }
}

#[cfg(feature = "plot")]
mod draw {
    use chrono::{Days, NaiveDate};
    use plotters::prelude::*;

    use super::{BacktestChartData, BacktestSeries};
    use crate::error::{Error, Result};
    use crate::plot::canvas::{
        extent, format_tick, from_zero, legend, line, palette, render, DrawResult, Layout, Panel,
        Root, AXIS_TITLE_SIZE, FONT, LABEL_SIZE, TITLE_SIZE,
    };
    use crate::plot::{Chart, ChartOptions};

    /// Colours of the groups (Okabe–Ito, black kept for the overall panel).
    const GROUP_COLORS: [RGBColor; 7] = [
        palette::BLUE,
        palette::VERMILLION,
        palette::BLUISH_GREEN,
        palette::ORANGE,
        palette::REDDISH_PURPLE,
        palette::SKY_BLUE,
        palette::BLACK,
    ];

    fn points(days: &[f64], values: &[Option<f64>]) -> Vec<(f64, f64)> {
        days.iter()
            .zip(values)
            .filter_map(|(&x, v)| v.map(|y| (x, y)))
            .collect()
    }

    /// The x range: the dates' span with a margin (a single date gets ±3 days).
    fn x_range(days: &[f64]) -> std::ops::Range<f64> {
        let hi = days.last().copied().unwrap_or(0.0);
        let pad = if hi > 0.0 { 0.06 * hi } else { 3.0 };
        -pad..hi + pad
    }

    #[allow(clippy::too_many_arguments)]
    fn frame<'a, 'b>(
        area: &'a Root<'b>,
        title: &str,
        first: NaiveDate,
        days: &[f64],
        y: std::ops::Range<f64>,
        x_desc: &str,
        y_desc: &str,
    ) -> DrawResult<Panel<'a, 'b>> {
        let mut builder = ChartBuilder::on(area);
        builder
            .margin(12)
            .margin_right(24)
            .x_label_area_size(58)
            .y_label_area_size(78);
        if !title.is_empty() {
            builder.caption(title, (FONT, TITLE_SIZE).into_font().color(&palette::BLACK));
        }
        let mut chart = builder.build_cartesian_2d(x_range(days), y)?;
        // dates of 10 characters: at most 5 labels fit 800 pixels
        let label = |v: &f64| {
            let k = v.round();
            if (v - k).abs() > 1e-6 || k < 0.0 {
                String::new()
            } else {
                first
                    .checked_add_days(Days::new(k as u64))
                    .map_or(String::new(), |d| d.to_string())
            }
        };
        chart
            .configure_mesh()
            .x_desc(x_desc)
            .y_desc(y_desc)
            .x_labels(5)
            .y_labels(7)
            .x_label_formatter(&label)
            .y_label_formatter(&|v| format_tick(*v))
            .label_style((FONT, LABEL_SIZE))
            .axis_desc_style((FONT, AXIS_TITLE_SIZE))
            .bold_line_style(palette::GRID)
            .light_line_style(TRANSPARENT)
            .axis_style(palette::BLACK)
            .draw()?;
        Ok(chart)
    }

    /// Draws one series pair: realised solid with dots, estimated dashed with squares, in
    /// `color`; records its extremes.
    fn pair<'a, 'b: 'a>(
        chart: &mut Panel<'a, 'b>,
        layout: &mut Layout,
        days: &[f64],
        s: &BacktestSeries,
        color: RGBColor,
        width: u32,
        legend_names: Option<(&str, &str)>,
    ) -> DrawResult<()> {
        let real = points(days, &s.realised);
        let est = points(days, &s.estimated);
        let solid = line(color, width);
        let drawn = chart.draw_series(LineSeries::new(real.iter().copied(), solid))?;
        match legend_names {
            Some((r, _)) => {
                drawn
                    .label(r)
                    .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], solid));
            }
            None => {
                drawn.label(s.label.clone()).legend(move |(x, y)| {
                    Rectangle::new([(x, y - 6), (x + 14, y + 6)], color.filled())
                });
            }
        }
        chart.draw_series(real.iter().map(|&p| Circle::new(p, 4, color.filled())))?;
        let dashed = chart.draw_series(DashedLineSeries::new(est.iter().copied(), 8, 5, solid))?;
        if let Some((_, e)) = legend_names {
            dashed.label(e).legend(move |(x, y)| {
                EmptyElement::at((x, y))
                    + PathElement::new(vec![(0, 0), (9, 0)], solid)
                    + PathElement::new(vec![(15, 0), (24, 0)], solid)
            });
        }
        chart
            .draw_series(est.iter().map(|&p| {
                EmptyElement::at(p) + Rectangle::new([(-4, -4), (4, 4)], color.filled())
            }))?;
        layout.mark_extremes(chart, &format!("{} realised", s.label), &real);
        layout.mark_extremes(chart, &format!("{} estimated", s.label), &est);
        Ok(())
    }

    impl BacktestChartData {
        /// Two panels, 800 × 800 by default: overall estimated (dashed, squares) vs realised
        /// (solid, dots) future revenue by as-of date on top, each group in its own colour
        /// below (same line styles).
        ///
        /// # Errors
        /// [`Error::NoChartData`] without an as-of date; [`Error::Draw`] when drawing fails.
        pub fn draw(&self, options: &ChartOptions) -> Result<Chart> {
            let first = match self.dates.first().map(|d| d.parse::<NaiveDate>()) {
                Some(Ok(d)) => d,
                _ => {
                    return Err(Error::NoChartData {
                        chart: "backtest".into(),
                        what: "no as-of date".into(),
                    })
                }
            };
            let title = options.title_or("Backtest: estimated vs realised future revenue");
            let x_desc = format!(
                "As-of date (revenue realised over the next {} days)",
                self.horizon_days
            );
            let days = &self.days;
            let all = |s: &BacktestSeries| {
                s.estimated
                    .iter()
                    .chain(&s.realised)
                    .flatten()
                    .copied()
                    .collect::<Vec<f64>>()
            };
            let (lo, hi) = extent(all(&self.overall)).unwrap_or((0.0, 1.0));
            let top_y = from_zero(lo, hi * 1.25);
            let (glo, ghi) = extent(self.groups.iter().flat_map(all)).unwrap_or((0.0, 1.0));
            let bottom_y = from_zero(glo, ghi * 1.25);
            render("backtest", options.size_or((800, 800)), |root, layout| {
                let (top, bottom) = root.split_vertically(root.dim_in_pixel().1 / 2);
                let mut chart = frame(
                    &top,
                    &title,
                    first,
                    days,
                    top_y,
                    &x_desc,
                    "Future revenue, all groups",
                )?;
                layout.area(&chart);
                pair(
                    &mut chart,
                    layout,
                    days,
                    &self.overall,
                    palette::BLACK,
                    3,
                    Some(("realised", "estimated")),
                )?;
                legend(&mut chart, SeriesLabelPosition::UpperLeft)?;
                let subtitle = if self.omitted > 0 {
                    format!(
                        "By group (largest {} by cost; {} more left out)",
                        self.groups.len(),
                        self.omitted
                    )
                } else {
                    "By group: solid realised, dashed estimated".to_string()
                };
                let mut chart = frame(
                    &bottom,
                    &subtitle,
                    first,
                    days,
                    bottom_y,
                    &x_desc,
                    "Future revenue per group",
                )?;
                layout.area(&chart);
                for (i, g) in self.groups.iter().enumerate() {
                    let color = GROUP_COLORS[i % GROUP_COLORS.len()];
                    pair(&mut chart, layout, days, g, color, 2, None)?;
                }
                legend(&mut chart, SeriesLabelPosition::UpperLeft)?;
                Ok(())
            })
        }
    }
}

/// The backtest as one self-contained HTML page (feature `plot`): the chart inline, the scores
/// per as-of date and overall, and every row; no script, no network.
#[cfg(feature = "plot")]
pub fn backtest_html(backtest: &Backtest, max_groups: usize) -> crate::error::Result<String> {
    use crate::plot::html::escape;
    use crate::plot::ChartOptions;
    use std::fmt::Write as _;

    let data = BacktestChartData::from_backtest(backtest, max_groups);
    let chart = data.draw(&ChartOptions {
        size: Some((640, 720)),
        title: None,
    })?;
    let pct = |v: f64| format!("{:+.1}%", 100.0 * v);
    let opt = |v: Option<f64>, f: &dyn Fn(f64) -> String| v.map_or("–".to_string(), f);
    let mut page = String::new();
    // `write!` into a String cannot fail
    let _ = write!(
        page,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>Backtest</title><style>\
body{{margin:0;font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',sans-serif;color:#1a1a1a}}\
main{{max-width:980px;margin:0 auto;padding:16px}}h1{{font-size:1.5em;margin:0 0 4px}}\
.meta{{color:#555}}.scroll{{overflow-x:auto}}table{{border-collapse:collapse;font-size:13px}}\
th,td{{padding:3px 8px;border-bottom:1px solid #ddd;text-align:right;white-space:nowrap}}\
th:nth-child(-n+2),td:nth-child(-n+2){{text-align:left}}\
</style></head><body><main>\n<h1>Backtest: estimated vs realised</h1>\n\
<p class=\"meta\">As-of dates <b>{}</b> to <b>{}</b>; revenue realised over the next {} days. \
Overall: median |ROAS error| {:.1}%, bias {}, group pairs ordered right {}/{}.</p>\n",
        escape(data.dates.first().map_or("", String::as_str)),
        escape(data.dates.last().map_or("", String::as_str)),
        data.horizon_days,
        100.0 * backtest.overall.median_abs_error,
        pct(backtest.overall.bias),
        backtest.overall.pairs_right,
        backtest.overall.pairs,
    );
    page.push_str(&chart.inline_svg());
    page.push_str("\n<h2>Scores by as-of date</h2>\n<div class=\"scroll\"><table><tr><th>as of</th><th>groups</th><th>median |error|</th><th>bias</th><th>pairs right</th></tr>\n");
    for (d, s) in &backtest.by_date {
        let _ = writeln!(
            page,
            "<tr><td>{d}</td><td>{}</td><td>{:.1}%</td><td>{}</td><td>{}/{}</td></tr>",
            s.groups,
            100.0 * s.median_abs_error,
            pct(s.bias),
            s.pairs_right,
            s.pairs
        );
    }
    page.push_str("</table></div>\n<h2>Rows</h2>\n<div class=\"scroll\"><table><tr><th>as of</th><th>group</th><th>users</th><th>cost</th><th>to date</th><th>est. future</th><th>realised future</th><th>est. ROAS</th><th>realised ROAS</th><th>error</th></tr>\n");
    for r in &backtest.rows {
        let _ = writeln!(
            page,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{:.2}</td><td>{:.2}</td><td>{:.2}</td><td>{:.2}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            r.as_of,
            escape(&r.group.join(" / ")),
            r.users,
            r.cost,
            r.revenue_to_date,
            r.estimated_future_revenue,
            r.realised_future_revenue,
            opt(r.estimated_roas, &|v| format!("{v:.3}")),
            opt(r.realised_roas, &|v| format!("{v:.3}")),
            opt(r.roas_error, &pct),
        );
    }
    page.push_str("</table></div>\n</main></body></html>\n");
    Ok(page)
}
