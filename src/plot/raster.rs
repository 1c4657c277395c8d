//! SVG to pixels with resvg and an embedded font, so a PNG looks the same on a machine without
//! any system font (a fresh CI runner, a container).
//!
//! The font is a subset of DejaVu Sans (Latin, Latin-1, Greek lowercase and a few symbols;
//! licence in `assets/fonts/LICENSE`). Every generic family (`sans-serif`, `serif`, ...) maps
//! to it.

use std::sync::{Arc, OnceLock};

use resvg::tiny_skia;
use resvg::usvg;

use crate::error::{Error, Result};

/// The embedded font.
const FONT_DATA: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-subset.ttf");
/// Its family name.
const FONT_FAMILY: &str = "DejaVu Sans";

/// A rasterised picture: straight (not premultiplied) RGBA, row after row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Raster {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// `4 · width · height` bytes: red, green, blue, alpha of each pixel, row after row.
    pub rgba: Vec<u8>,
}

impl Raster {
    /// The RGBA of pixel `(x, y)`, or `None` outside the picture.
    pub fn pixel(&self, x: i32, y: i32) -> Option<[u8; 4]> {
        if x < 0 || y < 0 || x as u32 >= self.width || y as u32 >= self.height {
            return None;
        }
        let i = 4 * (y as usize * self.width as usize + x as usize);
        Some([
            self.rgba[i],
            self.rgba[i + 1],
            self.rgba[i + 2],
            self.rgba[i + 3],
        ])
    }
}

fn font_database() -> Arc<usvg::fontdb::Database> {
    static DB: OnceLock<Arc<usvg::fontdb::Database>> = OnceLock::new();
    DB.get_or_init(|| {
        let mut db = usvg::fontdb::Database::new();
        db.load_font_data(FONT_DATA.to_vec());
        db.set_sans_serif_family(FONT_FAMILY);
        db.set_serif_family(FONT_FAMILY);
        db.set_monospace_family(FONT_FAMILY);
        db.set_cursive_family(FONT_FAMILY);
        db.set_fantasy_family(FONT_FAMILY);
        Arc::new(db)
    })
    .clone()
}

fn raster_error(e: impl std::error::Error + Send + Sync + 'static) -> Error {
    Error::Draw {
        chart: "rasterise".into(),
        source: Box::new(e),
    }
}

fn render_pixmap(svg: &str) -> Result<tiny_skia::Pixmap> {
    let options = usvg::Options {
        font_family: FONT_FAMILY.into(),
        fontdb: font_database(),
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_str(svg, &options).map_err(raster_error)?;
    let size = tree.size().to_int_size();
    let mut pixmap =
        tiny_skia::Pixmap::new(size.width(), size.height()).ok_or_else(|| Error::NoChartData {
            chart: "rasterise".into(),
            what: format!("picture of {} x {} pixels", size.width(), size.height()),
        })?;
    pixmap.fill(tiny_skia::Color::WHITE);
    resvg::render(&tree, tiny_skia::Transform::default(), &mut pixmap.as_mut());
    Ok(pixmap)
}

/// Rasterises an SVG document on a white background, at its own size.
///
/// # Errors
/// [`Error::Draw`] when the SVG cannot be parsed; [`Error::NoChartData`] for a zero size.
pub fn rasterize(svg: &str) -> Result<Raster> {
    let pixmap = render_pixmap(svg)?;
    let rgba = pixmap
        .pixels()
        .iter()
        .flat_map(|p| {
            let c = p.demultiply();
            [c.red(), c.green(), c.blue(), c.alpha()]
        })
        .collect();
    Ok(Raster {
        width: pixmap.width(),
        height: pixmap.height(),
        rgba,
    })
}

/// Rasterises an SVG document (as [`rasterize`]) and encodes it as PNG.
///
/// # Errors
/// As [`rasterize`]; [`Error::Draw`] when encoding fails.
pub fn svg_to_png(svg: &str) -> Result<Vec<u8>> {
    render_pixmap(svg)?.encode_png().map_err(raster_error)
}
