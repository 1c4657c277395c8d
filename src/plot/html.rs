//! The campaign report as one self-contained HTML page (feature `plot`): inline CSS and inline
//! SVG charts, no script, no network, readable on a phone.
//!
//! The header holds the as-of date, time zone, currency, horizon and the model status (every
//! fit converged, or which did not), then the report-wide totals and the warnings; then the
//! ROAS chart ([`RoasChartData`]), the cohort chart ([`CohortChartData`]) and the report
//! table.
//!
//! Build the report as in [`crate::report`], then
//! `std::fs::write("report.html", report_html(&report, &HtmlOptions::default())?)`; the CLI
//! does it with `ltv report ... --html report.html`.

use std::fmt::Write as _;

use crate::error::{Error, Result};
use crate::plot::report_charts::row_label;
use crate::plot::{ChartOptions, CohortChartData, RoasChartData};
use crate::report::{CampaignReport, FitStatus};

/// Width of the page's charts in pixels: narrower than the 800 of standalone pictures, so
/// that their text stays readable when a phone scales them down to its width.
const CHART_WIDTH: u32 = 640;

/// Options of [`report_html`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct HtmlOptions {
    /// Page title (default `Campaign report`).
    pub title: String,
    /// Groups shown in the ROAS chart (the table shows every row).
    pub max_chart_rows: usize,
}

impl Default for HtmlOptions {
    fn default() -> Self {
        Self {
            title: "Campaign report".into(),
            max_chart_rows: 20,
        }
    }
}

/// Escapes text for HTML content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Money with two decimals and thousands separators (`12,345.67`).
fn money(v: f64) -> String {
    if !v.is_finite() {
        return "–".into();
    }
    let s = format!("{:.2}", v.abs());
    let (int, frac) = s.split_once('.').unwrap_or((&s, "00"));
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{}{grouped}.{frac}", if v < 0.0 { "−" } else { "" })
}

fn ratio(v: Option<f64>) -> String {
    v.map_or_else(|| "–".into(), |x| format!("{x:.2}"))
}

const CSS: &str = "\
:root{color-scheme:light;--fg:#1a1a1a;--muted:#555;--line:#ddd;--warn:#D55E00;--ok:#009E73}
*{box-sizing:border-box}
body{margin:0;font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',sans-serif;color:var(--fg);background:#fff}
main{max-width:980px;margin:0 auto;padding:16px}
h1{font-size:1.5em;margin:0 0 4px}
h2{font-size:1.15em;margin:28px 0 8px}
.meta{color:var(--muted);margin:0 0 12px}
.status{display:inline-block;padding:2px 10px;border-radius:12px;font-weight:600;color:#fff}
.status.ok{background:var(--ok)}.status.bad{background:var(--warn)}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(140px,1fr));gap:8px;margin:12px 0}
.card{border:1px solid var(--line);border-radius:8px;padding:8px 10px}
.card b{display:block;font-size:1.2em}
.card span{color:var(--muted);font-size:.85em}
.warnings{border-left:4px solid var(--warn);padding:4px 12px;margin:12px 0;background:#fff6f0}
figure{margin:0 0 8px}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch}
table{border-collapse:collapse;width:100%;font-size:.9em;font-variant-numeric:tabular-nums}
th,td{padding:5px 8px;border-bottom:1px solid var(--line);white-space:nowrap}
th{text-align:left;background:#f5f5f5;position:sticky;top:0}
td.n{text-align:right}
tr.nc td{background:#fff6f0}
footer{color:var(--muted);font-size:.85em;margin-top:24px}
";

/// The report as a standalone HTML page.
///
/// # Errors
/// [`Error::Draw`] when a chart cannot be drawn. A report without any row with a cost (no
/// ROAS) is drawn without the ROAS chart, one without rows without either chart.
pub fn report_html(report: &CampaignReport, options: &HtmlOptions) -> Result<String> {
    let m = &report.meta;
    let mut h = String::new();
    let title = escape(&options.title);
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title} — as of {}</title>\n<style>\n{CSS}</style>\n</head>\n<body>\n<main>\n",
        escape(&m.as_of)
    );
    // header
    let _ = writeln!(h, "<header>\n<h1>{title}</h1>");
    let (status_class, status_text) = match m.fit_status {
        FitStatus::Converged => ("ok", "model: every fit converged".to_string()),
        FitStatus::NotConverged => (
            "bad",
            format!(
                "model: {} fit(s) did not converge — read flagged rows with care",
                m.unconverged_fits.len()
            ),
        ),
    };
    let _ = writeln!(
        h,
        "<p class=\"meta\">As of <b>{}</b> ({}) · currency {} · estimates over {} months, \
         {} periods, {:.0}% intervals · grouped by {} · cohorts: {}</p>",
        escape(&m.as_of),
        escape(&m.time_zone),
        escape(&m.currency),
        m.horizon.months,
        m.horizon.period,
        m.horizon.interval_level * 100.0,
        escape(&m.group_by.join(", ")),
        escape(&serde_json::to_value(m.cohort).map_or_else(
            |_| "?".to_string(),
            |v| v.as_str().map_or_else(|| v.to_string(), str::to_string)
        )),
    );
    let _ = writeln!(
        h,
        "<p><span class=\"status {status_class}\">{}</span></p>",
        escape(&status_text)
    );
    let roas = |num: f64| {
        if m.cost > 0.0 {
            format!("{:.2}", num / m.cost)
        } else {
            "–".into()
        }
    };
    let cards = [
        ("users", m.users.to_string()),
        ("payers", m.payers.to_string()),
        ("cost", money(m.cost)),
        ("revenue to date", money(m.revenue_to_date)),
        (
            "estimated future revenue",
            money(m.estimated_future_revenue),
        ),
        ("ROAS to date", roas(m.revenue_to_date)),
        (
            "estimated ROAS",
            roas(m.revenue_to_date + m.estimated_future_revenue),
        ),
    ];
    h.push_str("<div class=\"cards\">\n");
    for (label, value) in cards {
        let _ = writeln!(
            h,
            "<div class=\"card\"><b>{}</b><span>{}</span></div>",
            escape(&value),
            escape(label)
        );
    }
    h.push_str("</div>\n");
    if !m.warnings.is_empty() {
        h.push_str("<div class=\"warnings\"><b>Warnings</b><ul>\n");
        for w in &m.warnings {
            let _ = writeln!(h, "<li>{}</li>", escape(w));
        }
        h.push_str("</ul></div>\n");
    }
    h.push_str("</header>\n");

    // charts
    let roas_data = RoasChartData::from_report(report, options.max_chart_rows);
    if !roas_data.bars.is_empty() {
        let chart = roas_data.draw(&ChartOptions {
            size: Some((CHART_WIDTH, roas_data.default_height())),
            title: None,
        })?;
        h.push_str("<h2>Return on ad spend</h2>\n<figure>\n");
        h.push_str(&chart.inline_svg());
        if roas_data.omitted > 0 {
            let _ = write!(
                h,
                "<figcaption class=\"meta\">The first {} groups; {} more in the table.</figcaption>",
                roas_data.bars.len(),
                roas_data.omitted
            );
        }
        h.push_str("</figure>\n");
    }
    let cohorts = CohortChartData::from_report(report);
    if !cohorts.cohorts.is_empty() {
        let chart = cohorts.draw(&ChartOptions {
            size: Some((CHART_WIDTH, 420)),
            title: None,
        })?;
        h.push_str("<h2>Cost and return per install cohort</h2>\n<figure>\n");
        h.push_str(&chart.inline_svg());
        h.push_str("</figure>\n");
    }

    // table
    h.push_str("<h2>Report</h2>\n<div class=\"scroll\">\n<table>\n<thead><tr>");
    let mut head: Vec<String> = report.levels.iter().map(|l| l.name().to_string()).collect();
    head.extend(
        [
            "cohort",
            "rank",
            "users",
            "payers",
            "cost",
            "revenue to date",
            "est. future revenue",
            "ROAS to date",
            "est. ROAS",
            "interval",
            "fit",
        ]
        .map(String::from),
    );
    for c in &head {
        let _ = write!(h, "<th>{}</th>", escape(c));
    }
    h.push_str("</tr></thead>\n<tbody>\n");
    for r in &report.rows {
        let nc = r.fit_status == Some(FitStatus::NotConverged);
        let _ = write!(
            h,
            "<tr{} title=\"{}\">",
            if nc { " class=\"nc\"" } else { "" },
            escape(&row_label(&r.group, &r.cohort))
        );
        for g in &r.group {
            let _ = write!(h, "<td>{}</td>", escape(g));
        }
        let interval = match (r.estimated_roas_lower, r.estimated_roas_upper) {
            (Some(a), Some(b)) => format!("{a:.2}–{b:.2}"),
            _ => "–".into(),
        };
        let cells = [
            (false, r.cohort.clone()),
            (true, r.rank.map_or_else(|| "–".into(), |k| k.to_string())),
            (true, r.users.to_string()),
            (true, r.payers.to_string()),
            (true, money(r.cost)),
            (true, money(r.revenue_to_date)),
            (true, money(r.estimated_future_revenue)),
            (true, ratio(r.roas_to_date)),
            (true, ratio(r.estimated_roas)),
            (true, interval),
            (false, r.fit_status.map_or("–", |f| f.name()).to_string()),
        ];
        for (numeric, text) in cells {
            let _ = write!(
                h,
                "<td{}>{}</td>",
                if numeric { " class=\"n\"" } else { "" },
                escape(&text)
            );
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</tbody>\n</table>\n</div>\n");
    let _ = writeln!(
        h,
        "<footer>Made by ltv {} from the report's rows; ROAS = revenue / cost in {}. \
         Rows shaded orange rest on a fit that did not converge.</footer>",
        env!("CARGO_PKG_VERSION"),
        escape(&m.currency)
    );
    h.push_str("</main>\n</body>\n</html>\n");
    Ok(h)
}

/// Writes [`report_html`] to `path`.
///
/// # Errors
/// As [`report_html`]; [`Error::Io`] when the file cannot be written.
pub fn write_report_html(
    report: &CampaignReport,
    options: &HtmlOptions,
    path: &std::path::Path,
) -> Result<()> {
    let page = report_html(report, options)?;
    std::fs::write(path, page).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_groups_thousands() {
        assert_eq!(money(1234567.891), "1,234,567.89");
        assert_eq!(money(-12.5), "−12.50");
        assert_eq!(money(0.0), "0.00");
        assert_eq!(money(999.999), "1,000.00");
    }

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }
}
