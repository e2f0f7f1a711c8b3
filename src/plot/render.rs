//! Drawing a [`Figure`] as SVG (always) or PNG (with the `png` cargo feature).
//!
//! SVG names its font family and leaves the text to the viewer, so it needs no font. PNG
//! rasterises the text itself, with DejaVu Sans built into the binary (the `dejavu` crate),
//! so the output does not depend on the fonts installed on the machine. With the `png`
//! feature, plotters measures text with that font for SVG too, so legend boxes and label
//! areas differ slightly from the default build's SVG (each build is deterministic).

use plotters::coord::Shift;
use plotters::prelude::*;

use super::frontier::FrontierFigure;
use super::lines::LinesFigure;

/// What a chart shows, ready to draw in any format.
#[derive(Debug, Clone, PartialEq)]
pub enum Figure {
    Lines(LinesFigure),
    Frontier(FrontierFigure),
}

/// An image format for charts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageFormat {
    Svg,
    Png,
}

impl ImageFormat {
    pub fn extension(self) -> &'static str {
        match self {
            ImageFormat::Svg => "svg",
            ImageFormat::Png => "png",
        }
    }

    /// Whether this build can write the format.
    pub fn available(self) -> bool {
        self == ImageFormat::Svg || cfg!(feature = "png")
    }
}

/// A chart: its name (the file name without extension, e.g. `latency-cdf`) and its figure.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    pub name: String,
    pub figure: Figure,
}

impl Chart {
    /// The file name in `format`.
    pub fn file_name(&self, format: ImageFormat) -> String {
        format!("{}.{}", self.name, format.extension())
    }

    /// The chart's bytes in `format`.
    pub fn render(&self, format: ImageFormat) -> Result<Vec<u8>, String> {
        match format {
            ImageFormat::Svg => self.figure.svg().map(String::into_bytes),
            ImageFormat::Png => self.figure.png(),
        }
    }
}

impl Figure {
    /// The image size in pixels.
    pub fn size(&self) -> (u32, u32) {
        match self {
            Figure::Lines(figure) => figure.size(),
            Figure::Frontier(_) => super::SIZE,
        }
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        fonts::register()?;
        match self {
            Figure::Lines(figure) => figure.draw(root),
            Figure::Frontier(figure) => figure.draw(root),
        }
    }

    /// SVG text, byte-identical for identical figures.
    pub fn svg(&self) -> Result<String, String> {
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, self.size()).into_drawing_area();
            self.draw(&root)?;
        }
        Ok(svg)
    }

    /// PNG bytes, byte-identical for identical figures on the same build.
    #[cfg(feature = "png")]
    pub fn png(&self) -> Result<Vec<u8>, String> {
        use image::ImageEncoder;
        let (w, h) = self.size();
        let mut pixels = vec![0u8; (w * h * 3) as usize];
        {
            let root = plotters::backend::BitMapBackend::with_buffer(&mut pixels, (w, h))
                .into_drawing_area();
            self.draw(&root)?;
        }
        let mut png = Vec::new();
        image::codecs::png::PngEncoder::new(&mut png)
            .write_image(&pixels, w, h, image::ExtendedColorType::Rgb8)
            .map_err(super::failed)?;
        Ok(png)
    }

    /// Without the `png` feature: an error that says how to get it.
    #[cfg(not(feature = "png"))]
    pub fn png(&self) -> Result<Vec<u8>, String> {
        Err(NO_PNG.into())
    }
}

/// What to tell a user who asks for PNG from a build without it.
pub const NO_PNG: &str = "this rtsim was built without PNG support; build it with `cargo build --release --features png` (or run `cargo run --release --features png -- ...`)";

#[cfg(feature = "png")]
mod fonts {
    use plotters::style::FontStyle;

    /// Registers DejaVu Sans as plotters' "sans-serif", once per process.
    pub fn register() -> Result<(), String> {
        static REGISTERED: std::sync::OnceLock<Result<(), String>> = std::sync::OnceLock::new();
        REGISTERED
            .get_or_init(|| {
                for (style, bytes) in [
                    (FontStyle::Normal, dejavu::sans::regular()),
                    (FontStyle::Bold, dejavu::sans::bold()),
                ] {
                    plotters::style::register_font("sans-serif", style, bytes)
                        .map_err(|_| "the embedded DejaVu Sans font does not load".to_string())?;
                }
                Ok(())
            })
            .clone()
    }
}

#[cfg(not(feature = "png"))]
mod fonts {
    /// Without the `png` feature plotters measures text with its built-in estimate.
    pub fn register() -> Result<(), String> {
        Ok(())
    }
}
