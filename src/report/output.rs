//! Writing the report: CSV, JSON, and a short table for people at a terminal.
//!
//! Numbers are written in full precision (Rust's shortest round-trip form), so re-running a
//! report on the same inputs gives byte-identical files. Missing values are empty in CSV and
//! `null` in JSON.

use crate::error::{Error, Result};
use crate::report::aggregate::{FitStatus, ReportRow};
use crate::report::campaign_report::{CampaignReport, EstimateStatus};
use serde::ser::{SerializeMap, Serializer};
use std::io::Write;

/// The metric columns after the group levels and `cohort`, in output order.
pub const METRIC_COLUMNS: [&str; 23] = [
    "users",
    "payers",
    "cost",
    "cost_per_install",
    "revenue_to_date",
    "estimated_future_revenue",
    "estimated_future_revenue_lower",
    "estimated_future_revenue_upper",
    "estimated_total_revenue",
    "roas_to_date",
    "estimated_roas",
    "estimated_roas_lower",
    "estimated_roas_upper",
    "impressions",
    "clicks",
    "ctr",
    "cvr",
    "ecpm",
    "network_installs",
    "credit",
    "score",
    "rank",
    "fit_status",
];

/// The `fit_status` of a row with users when the report has no estimates.
pub const UNAVAILABLE: &str = "unavailable";

enum Cell {
    Int(u64),
    Num(f64),
    Text(&'static str),
    Missing,
}

fn opt(x: Option<f64>) -> Cell {
    x.map_or(Cell::Missing, Cell::Num)
}

/// The metric cells of a row, in [`METRIC_COLUMNS`] order (the array types keep the two in
/// step).
///
/// Without estimates ([`EstimateStatus::Unavailable`]) the estimate cells are missing and
/// `fit_status` says `unavailable` for rows with users.
fn cells(r: &ReportRow, estimates: &EstimateStatus) -> [Cell; METRIC_COLUMNS.len()] {
    let available = estimates.is_available();
    let estimate = |x: f64| {
        if available {
            Cell::Num(x)
        } else {
            Cell::Missing
        }
    };
    let status = match r.fit_status {
        Some(f) => Cell::Text(f.name()),
        None if !available && r.users > 0 => Cell::Text(UNAVAILABLE),
        None => Cell::Missing,
    };
    [
        Cell::Int(r.users),
        Cell::Int(r.payers),
        Cell::Num(r.cost),
        opt(r.cost_per_install),
        Cell::Num(r.revenue_to_date),
        estimate(r.estimated_future_revenue),
        opt(r.estimated_future_revenue_lower),
        opt(r.estimated_future_revenue_upper),
        estimate(r.estimated_total_revenue),
        opt(r.roas_to_date),
        opt(r.estimated_roas),
        opt(r.estimated_roas_lower),
        opt(r.estimated_roas_upper),
        opt(r.impressions),
        opt(r.clicks),
        opt(r.ctr),
        opt(r.cvr),
        opt(r.ecpm),
        opt(r.network_installs),
        opt(r.credit),
        opt(r.score),
        r.rank.map_or(Cell::Missing, |k| Cell::Int(u64::from(k))),
        status,
    ]
}

fn io_err(e: std::io::Error) -> Error {
    Error::Io {
        path: "<report output>".into(),
        source: e,
    }
}

/// The CSV header: the group-by levels, `cohort`, then [`METRIC_COLUMNS`].
pub fn csv_header(report: &CampaignReport) -> Vec<String> {
    report
        .levels
        .iter()
        .map(|l| l.name().to_string())
        .chain(std::iter::once("cohort".to_string()))
        .chain(METRIC_COLUMNS.iter().map(|c| c.to_string()))
        .collect()
}

/// Writes the rows as CSV with [`csv_header`].
pub fn write_csv<W: Write>(report: &CampaignReport, out: W) -> Result<()> {
    let mut w = csv::Writer::from_writer(out);
    let err = |source: csv::Error| Error::CsvWrite {
        what: "the report".into(),
        source,
    };
    w.write_record(csv_header(report)).map_err(err)?;
    for r in &report.rows {
        let mut rec: Vec<String> = r.group.clone();
        rec.push(r.cohort.clone());
        rec.extend(cells(r, &report.meta.estimates).iter().map(|c| match c {
            Cell::Int(i) => i.to_string(),
            Cell::Num(x) => x.to_string(),
            Cell::Text(t) => t.to_string(),
            Cell::Missing => String::new(),
        }));
        w.write_record(&rec).map_err(err)?;
    }
    w.flush().map_err(io_err)
}

struct JsonRow<'a>(&'a CampaignReport, &'a ReportRow);

impl serde::Serialize for JsonRow<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let (report, r) = (self.0, self.1);
        let mut m = s.serialize_map(None)?;
        for (l, v) in report.levels.iter().zip(&r.group) {
            m.serialize_entry(l.name(), v)?;
        }
        m.serialize_entry("cohort", &r.cohort)?;
        for (name, c) in METRIC_COLUMNS.iter().zip(cells(r, &report.meta.estimates)) {
            match c {
                Cell::Int(i) => m.serialize_entry(name, &i)?,
                Cell::Num(x) => m.serialize_entry(name, &x)?,
                Cell::Text(t) => m.serialize_entry(name, t)?,
                Cell::Missing => m.serialize_entry(name, &())?,
            }
        }
        m.end()
    }
}

struct JsonReport<'a>(&'a CampaignReport);

impl serde::Serialize for JsonReport<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(2))?;
        if self.0.meta.estimates.is_available() {
            m.serialize_entry("meta", &self.0.meta)?;
        } else {
            // no estimates: the totals that rest on them are null, not 0
            let mut meta = serde_json::to_value(&self.0.meta).map_err(serde::ser::Error::custom)?;
            if let Some(o) = meta.as_object_mut() {
                o.insert("estimated_future_revenue".into(), serde_json::Value::Null);
                o.insert("fit_status".into(), UNAVAILABLE.into());
            }
            m.serialize_entry("meta", &meta)?;
        }
        let rows: Vec<JsonRow<'_>> = self.0.rows.iter().map(|r| JsonRow(self.0, r)).collect();
        m.serialize_entry("rows", &rows)?;
        m.end()
    }
}

/// Writes `{"meta": {...}, "rows": [{level: value, ..., "cohort": ..., metric: value, ...}]}`,
/// pretty-printed.
pub fn write_json<W: Write>(report: &CampaignReport, mut out: W) -> Result<()> {
    serde_json::to_writer_pretty(&mut out, &JsonReport(report)).map_err(|source| Error::Json {
        what: "writing the report as JSON".into(),
        source,
    })?;
    out.write_all(b"\n").map_err(io_err)?;
    out.flush().map_err(io_err)
}

fn money(x: f64) -> String {
    let a = x.abs();
    if a >= 1e6 {
        format!("{:.2}M", x / 1e6)
    } else if a >= 1e4 {
        format!("{:.1}k", x / 1e3)
    } else {
        format!("{x:.0}")
    }
}

fn pct(x: Option<f64>) -> String {
    x.map_or("-".into(), |v| format!("{:.0}%", 100.0 * v))
}

fn truncate(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(width.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// A short human-readable table of the first `max_rows` rows (ranked order): group, cohort,
/// users, payers, cost, revenue to date, estimated total, ROAS to date, estimated ROAS with its
/// interval, score. Money rounded, ROAS in percent. An estimated ROAS resting on a fit that did
/// not converge is marked `!`, with a note under the table naming the fits.
pub fn table(report: &CampaignReport, max_rows: usize) -> String {
    let m = &report.meta;
    let available = m.estimates.is_available();
    let head = [
        "#",
        "group",
        "cohort",
        "users",
        "payers",
        "cost",
        "revenue",
        "est.total",
        "roas",
        "est.roas",
        "interval",
        "score",
    ];
    let mut lines: Vec<[String; 12]> = vec![head.map(String::from)];
    for r in report.rows.iter().take(max_rows) {
        let group = if r.group.is_empty() {
            "(all)".to_string()
        } else {
            r.group.join(" / ")
        };
        let interval = match (r.estimated_roas_lower, r.estimated_roas_upper) {
            (Some(l), Some(u)) => format!("{:.0}–{:.0}%", 100.0 * l, 100.0 * u),
            _ => "-".into(),
        };
        lines.push([
            r.rank.map_or("-".into(), |k| k.to_string()),
            truncate(&group, 36),
            r.cohort.clone(),
            r.users.to_string(),
            r.payers.to_string(),
            money(r.cost),
            money(r.revenue_to_date),
            if available {
                money(r.estimated_total_revenue)
            } else {
                "-".into()
            },
            pct(r.roas_to_date),
            match r.fit_status {
                Some(FitStatus::NotConverged) => format!("{}!", pct(r.estimated_roas)),
                _ => pct(r.estimated_roas),
            },
            interval,
            r.score.map_or("-".into(), |s| format!("{s:.2}")),
        ]);
    }
    let mut width = [0usize; 12];
    for l in &lines {
        for (w, c) in width.iter_mut().zip(l) {
            *w = (*w).max(c.chars().count());
        }
    }
    let mut out = format!(
        "Campaign report as of {} ({}), {} · {} users, {} payers · cost {} · revenue {} · est. future {} over {} months\n",
        m.as_of,
        m.time_zone,
        m.currency,
        m.users,
        m.payers,
        money(m.cost),
        money(m.revenue_to_date),
        if available {
            money(m.estimated_future_revenue)
        } else {
            "unavailable".into()
        },
        m.horizon.months
    );
    for l in &lines {
        let mut line = String::new();
        for (i, (c, w)) in l.iter().zip(width).enumerate() {
            let pad = w - c.chars().count();
            if i == 1 || i == 2 {
                line.push_str(c);
                line.push_str(&" ".repeat(pad));
            } else {
                line.push_str(&" ".repeat(pad));
                line.push_str(c);
            }
            line.push_str("  ");
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    if report.rows.len() > max_rows {
        out.push_str(&format!("… {} more rows\n", report.rows.len() - max_rows));
    }
    if let EstimateStatus::Unavailable { reason } = &m.estimates {
        out.push_str(&format!("no estimates: {reason}\n"));
    }
    if !m.unconverged_fits.is_empty() {
        let fits: Vec<String> = m
            .unconverged_fits
            .iter()
            .map(|f| format!("{} {}", f.fit, f.model))
            .collect();
        out.push_str(&format!(
            "! estimate rests on a fit that did NOT converge ({}): fit_status not_converged\n",
            fits.join(", ")
        ));
    }
    out
}
