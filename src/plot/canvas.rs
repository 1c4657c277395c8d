//! What every chart shares: the drawn [`Chart`] (SVG text plus where its data landed), the
//! colour-blind-safe palette, font sizes for an 800-pixel-wide picture, and the frame (axes,
//! grid, titles) of a Cartesian panel.

use std::ops::Range;
use std::path::Path;

use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;

use crate::error::{Error, Result};

/// Default picture size in pixels: readable at 800 px wide (a laptop window, a phone turned
/// sideways, a chat preview).
pub const DEFAULT_SIZE: (u32, u32) = (800, 500);

/// The Okabe–Ito palette (Okabe & Ito 2008, "Color Universal Design"): eight colours that
/// people with the common colour-vision deficiencies tell apart. Observed data is drawn in
/// [`palette::BLUE`] with solid lines, the model in [`palette::VERMILLION`] with dashes, so the
/// two also differ without colour.
pub mod palette {
    use plotters::style::RGBColor;

    /// Black (axes, text).
    pub const BLACK: RGBColor = RGBColor(0, 0, 0);
    /// Orange.
    pub const ORANGE: RGBColor = RGBColor(230, 159, 0);
    /// Sky blue.
    pub const SKY_BLUE: RGBColor = RGBColor(86, 180, 233);
    /// Bluish green.
    pub const BLUISH_GREEN: RGBColor = RGBColor(0, 158, 115);
    /// Yellow.
    pub const YELLOW: RGBColor = RGBColor(240, 228, 66);
    /// Blue: what was observed.
    pub const BLUE: RGBColor = RGBColor(0, 114, 178);
    /// Vermillion: what the model expects.
    pub const VERMILLION: RGBColor = RGBColor(213, 94, 0);
    /// Reddish purple.
    pub const REDDISH_PURPLE: RGBColor = RGBColor(204, 121, 167);
    /// Grid lines.
    pub const GRID: RGBColor = RGBColor(225, 225, 225);

    /// Viridis (perceptually uniform, readable in grey and by colour-blind readers) at
    /// `t` in [0, 1]: dark purple at 0, yellow at 1. NaN is drawn grey.
    pub fn viridis(t: f64) -> RGBColor {
        // the matplotlib viridis map at 0, 1/8, ..., 1
        const STOPS: [(u8, u8, u8); 9] = [
            (68, 1, 84),
            (71, 44, 122),
            (59, 81, 139),
            (44, 113, 142),
            (33, 144, 141),
            (39, 173, 129),
            (92, 200, 99),
            (170, 220, 50),
            (253, 231, 37),
        ];
        if t.is_nan() {
            return RGBColor(160, 160, 160);
        }
        let x = t.clamp(0.0, 1.0) * 8.0;
        let i = (x.floor() as usize).min(7);
        let f = x - i as f64;
        let lerp = |a: u8, b: u8| (f64::from(a) + (f64::from(b) - f64::from(a)) * f).round() as u8;
        let (a, b) = (STOPS[i], STOPS[i + 1]);
        RGBColor(lerp(a.0, b.0), lerp(a.1, b.1), lerp(a.2, b.2))
    }
}

/// Font family written into the SVG; browsers use their own sans-serif, PNGs use the
/// embedded DejaVu Sans (see [`crate::plot::raster`]).
pub(crate) const FONT: &str = "sans-serif";
/// Title size (plotters' size; the SVG font size is this / 1.24).
pub(crate) const TITLE_SIZE: f64 = 24.0;
/// Axis title size.
pub(crate) const AXIS_TITLE_SIZE: f64 = 19.0;
/// Tick label and legend size.
pub(crate) const LABEL_SIZE: f64 = 17.0;

/// A rectangle in pixels of the picture (x to the right, y down), bounds inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct PixelRect {
    /// Leftmost column.
    pub left: i32,
    /// Top row.
    pub top: i32,
    /// Rightmost column.
    pub right: i32,
    /// Bottom row.
    pub bottom: i32,
}

impl PixelRect {
    /// Whether pixel `(x, y)` is inside (bounds included).
    pub fn contains(&self, x: i32, y: i32) -> bool {
        (self.left..=self.right).contains(&x) && (self.top..=self.bottom).contains(&y)
    }
}

/// Where a data value was drawn: the pixel of a series' extreme and the plotting area it
/// belongs to. Charts record the extremes of their data so that tests (and anyone checking a
/// picture) can see that no value fell off the axes.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Mark {
    /// What the value is (`"actual cumulative, max"`, ...).
    pub label: String,
    /// The value's data coordinates.
    pub value: (f64, f64),
    /// Its pixel column.
    pub x: i32,
    /// Its pixel row.
    pub y: i32,
    /// The plotting area (inside the axes) it was drawn in.
    pub area: PixelRect,
}

/// A drawn chart: standalone SVG text, its size, its plotting areas and where the extremes of
/// its data were drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    /// Standalone SVG document (text as `<text>`, so a browser uses its own fonts).
    pub svg: String,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// The plotting areas (inside the axes), one per panel.
    pub areas: Vec<PixelRect>,
    /// Where the extremes of the data were drawn.
    pub marks: Vec<Mark>,
}

impl Chart {
    /// The chart as PNG bytes, rasterised with the embedded font (no system font needed).
    ///
    /// # Errors
    /// [`Error::Draw`] if the SVG cannot be parsed or encoded.
    pub fn to_png(&self) -> Result<Vec<u8>> {
        crate::plot::raster::svg_to_png(&self.svg)
    }

    /// The SVG for inlining in an HTML page: the fixed width and height are replaced by a
    /// width of 100% (the `viewBox` keeps the aspect ratio), so the chart shrinks on a phone.
    pub fn inline_svg(&self) -> String {
        let head = format!(
            "<svg width=\"{}\" height=\"{}\" viewBox",
            self.width, self.height
        );
        let inline = format!(
            "<svg role=\"img\" style=\"width:100%;height:auto;max-width:{}px\" viewBox",
            self.width
        );
        let body = self.svg.replacen(&head, &inline, 1);
        // drop the XML prolog when present; HTML does not want it
        match body.find("<svg") {
            Some(i) => body[i..].to_string(),
            None => body,
        }
    }

    /// Writes the chart to `path`: PNG when the name ends in `.png` (any case), SVG otherwise.
    ///
    /// # Errors
    /// [`Error::Io`] when the file cannot be written, [`Error::Draw`] when rasterising fails.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<()> {
        let path = path.as_ref();
        let is_png = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e.eq_ignore_ascii_case("png"));
        let bytes = if is_png {
            self.to_png()?
        } else {
            self.svg.clone().into_bytes()
        };
        std::fs::write(path, bytes).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })
    }
}

/// Size and title of a chart.
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct ChartOptions {
    /// Width and height in pixels (`None`: the chart's default, 800 wide).
    pub size: Option<(u32, u32)>,
    /// Title above the chart (`None`: the chart's own title).
    pub title: Option<String>,
}

impl ChartOptions {
    /// The title, or `default` when none was set.
    pub(crate) fn title_or(&self, default: &str) -> String {
        self.title.clone().unwrap_or_else(|| default.to_string())
    }

    /// The size, or `default` when none was set.
    pub(crate) fn size_or(&self, default: (u32, u32)) -> (u32, u32) {
        self.size.unwrap_or(default)
    }
}

/// The error type of drawing on the SVG backend.
pub(crate) type DrawResult<T> = std::result::Result<T, DrawingAreaErrorKind<std::io::Error>>;

/// The root area charts draw on.
pub(crate) type Root<'a> = DrawingArea<SVGBackend<'a>, Shift>;

/// A Cartesian panel with f64 axes.
pub(crate) type Panel<'a, 'b> =
    ChartContext<'a, SVGBackend<'b>, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// Collects what a chart records while it draws.
#[derive(Default)]
pub(crate) struct Layout {
    areas: Vec<PixelRect>,
    marks: Vec<Mark>,
}

impl Layout {
    /// Records a panel's plotting area.
    pub(crate) fn area(&mut self, panel: &Panel<'_, '_>) -> PixelRect {
        let (xs, ys) = panel.plotting_area().get_pixel_range();
        let rect = PixelRect {
            left: xs.start,
            top: ys.start,
            right: xs.end - 1,
            bottom: ys.end - 1,
        };
        self.areas.push(rect);
        rect
    }

    /// Records where the data point `(x, y)` of `panel` lands.
    pub(crate) fn mark(&mut self, panel: &Panel<'_, '_>, label: impl Into<String>, x: f64, y: f64) {
        let (xs, ys) = panel.plotting_area().get_pixel_range();
        let area = PixelRect {
            left: xs.start,
            top: ys.start,
            right: xs.end - 1,
            bottom: ys.end - 1,
        };
        let (px, py) = panel.backend_coord(&(x, y));
        self.marks.push(Mark {
            label: label.into(),
            value: (x, y),
            x: px,
            y: py,
            area,
        });
    }

    /// Records the lowest and highest point of a series.
    pub(crate) fn mark_extremes(
        &mut self,
        panel: &Panel<'_, '_>,
        label: &str,
        points: &[(f64, f64)],
    ) {
        let finite = points.iter().filter(|p| p.0.is_finite() && p.1.is_finite());
        let lo = finite.clone().min_by(|a, b| a.1.total_cmp(&b.1));
        let hi = finite.max_by(|a, b| a.1.total_cmp(&b.1));
        if let Some(&(x, y)) = lo {
            self.mark(panel, format!("{label}, min"), x, y);
        }
        if let Some(&(x, y)) = hi {
            self.mark(panel, format!("{label}, max"), x, y);
        }
    }
}

/// Draws a chart of `size` on an SVG string with `draw`, and returns it with its layout.
pub(crate) fn render(
    chart: &str,
    size: (u32, u32),
    draw: impl FnOnce(&Root<'_>, &mut Layout) -> DrawResult<()>,
) -> Result<Chart> {
    let mut svg = String::new();
    let mut layout = Layout::default();
    {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        root.fill(&WHITE).map_err(|e| draw_error(chart, e))?;
        draw(&root, &mut layout).map_err(|e| draw_error(chart, e))?;
        root.present().map_err(|e| draw_error(chart, e))?;
    }
    Ok(Chart {
        svg,
        width: size.0,
        height: size.1,
        areas: layout.areas,
        marks: layout.marks,
    })
}

/// Wraps a drawing error.
pub(crate) fn draw_error(chart: &str, e: impl std::error::Error + Send + Sync + 'static) -> Error {
    Error::Draw {
        chart: chart.to_string(),
        source: Box::new(e),
    }
}

/// The smallest and largest finite value, or `None` when there is none.
pub(crate) fn extent(values: impl IntoIterator<Item = f64>) -> Option<(f64, f64)> {
    values
        .into_iter()
        .filter(|v| v.is_finite())
        .fold(None, |acc, v| match acc {
            None => Some((v, v)),
            Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
        })
}

/// An axis range holding `[lo, hi]` with a margin of 5% of the span on each side (so that
/// extremes are not drawn on the axis line); a zero span becomes ±1 around the value (or
/// ±5% of it).
pub(crate) fn padded(lo: f64, hi: f64) -> Range<f64> {
    let span = hi - lo;
    if span > 0.0 {
        (lo - 0.05 * span)..(hi + 0.05 * span)
    } else {
        let d = if lo == 0.0 { 1.0 } else { 0.05 * lo.abs() };
        (lo - d)..(hi + d)
    }
}

/// [`padded`], but starting at zero when every value is ≥ 0 (counts, rates, money), with the
/// margin only at the top.
pub(crate) fn from_zero(lo: f64, hi: f64) -> Range<f64> {
    if lo >= 0.0 {
        let hi = if hi > 0.0 { hi } else { 1.0 };
        0.0..hi * 1.08
    } else {
        padded(lo, hi)
    }
}

/// Builds a panel on `area` with a title, axis titles, a light grid and readable labels.
pub(crate) fn panel<'a, 'b>(
    area: &'a Root<'b>,
    title: &str,
    x: Range<f64>,
    y: Range<f64>,
    x_desc: &str,
    y_desc: &str,
) -> DrawResult<Panel<'a, 'b>> {
    panel_with(
        area,
        title,
        x,
        y,
        x_desc,
        y_desc,
        |v| format_tick(*v),
        |v| format_tick(*v),
    )
}

/// [`panel`] with custom tick label formatters.
#[allow(clippy::too_many_arguments)]
pub(crate) fn panel_with<'a, 'b>(
    area: &'a Root<'b>,
    title: &str,
    x: Range<f64>,
    y: Range<f64>,
    x_desc: &str,
    y_desc: &str,
    x_fmt: impl Fn(&f64) -> String,
    y_fmt: impl Fn(&f64) -> String,
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
    let mut chart = builder.build_cartesian_2d(x, y)?;
    chart
        .configure_mesh()
        .x_desc(x_desc)
        .y_desc(y_desc)
        .x_labels(8)
        .y_labels(7)
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&y_fmt)
        .label_style((FONT, LABEL_SIZE))
        .axis_desc_style((FONT, AXIS_TITLE_SIZE))
        .bold_line_style(palette::GRID)
        .light_line_style(TRANSPARENT)
        .axis_style(palette::BLACK)
        .draw()?;
    Ok(chart)
}

/// A legend in the upper left (or `position`) with a translucent white background.
pub(crate) fn legend<'a, 'b: 'a>(
    panel: &mut Panel<'a, 'b>,
    position: SeriesLabelPosition,
) -> DrawResult<()> {
    panel
        .configure_series_labels()
        .position(position)
        .background_style(WHITE.mix(0.85))
        .border_style(palette::BLACK)
        .label_font((FONT, LABEL_SIZE))
        .margin(10)
        .draw()
}

/// Tick labels: thousands with a `k`, whole numbers without decimals, others with up to
/// three decimals (trailing zeros dropped), very small numbers as `1e-5`.
pub(crate) fn format_tick(v: f64) -> String {
    let a = v.abs();
    let trim = |s: String| {
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s
        }
    };
    if a >= 1000.0 {
        format!("{}k", trim(format!("{:.1}", v / 1000.0)))
    } else if (v - v.round()).abs() < 1e-9 {
        format!("{}", v.round())
    } else if a >= 10.0 {
        trim(format!("{v:.1}"))
    } else if a >= 0.001 {
        trim(format!("{v:.3}"))
    } else {
        let e = a.log10().floor();
        let m = v / 10f64.powf(e);
        if (m - m.round()).abs() < 1e-6 {
            format!("{}e{}", m.round(), e)
        } else {
            format!("{m:.1}e{e}")
        }
    }
}

/// A solid line style of `color` and `width` pixels.
pub(crate) fn line(color: RGBColor, width: u32) -> ShapeStyle {
    ShapeStyle {
        color: color.to_rgba(),
        filled: false,
        stroke_width: width,
    }
}

/// A legend entry drawing a short line of `style`.
pub(crate) fn legend_line(style: ShapeStyle) -> impl Fn((i32, i32)) -> PathElement<(i32, i32)> {
    move |(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], style)
}

/// A legend entry drawing a filled square of `color`.
pub(crate) fn legend_box(color: RGBColor) -> impl Fn((i32, i32)) -> Rectangle<(i32, i32)> {
    move |(x, y)| Rectangle::new([(x, y - 6), (x + 14, y + 6)], color.filled())
}
