//! Charts: built from results as [`Figure`]s, drawn as SVG (byte-identical for identical
//! inputs) or, with the `png` feature, PNG (see [`render`]).
//!
//! Every chart has a title, axis labels with units and a legend; transports are drawn in
//! the colour-blind-safe Okabe–Ito palette, in scenario order, so one variant keeps its
//! colour in every chart of a scenario.

pub mod charts;
mod frontier;
mod lines;
pub mod render;

pub use frontier::{FrontierFigure, frontier, pareto_front};
pub use lines::{Line, LinesFigure, latency_cdf, metric_against_parameter};
pub use render::{Chart, Figure, ImageFormat};

use plotters::style::RGBColor;

/// Okabe & Ito's colour-blind-safe palette, reordered so the first colours contrast most on
/// white (yellow late).
pub const PALETTE: [RGBColor; 8] = [
    RGBColor(0, 114, 178),   // blue
    RGBColor(230, 159, 0),   // orange
    RGBColor(0, 158, 115),   // bluish green
    RGBColor(213, 94, 0),    // vermillion
    RGBColor(204, 121, 167), // reddish purple
    RGBColor(86, 180, 233),  // sky blue
    RGBColor(0, 0, 0),       // black
    RGBColor(240, 228, 66),  // yellow
];

/// The colour of the variant at `index` in its scenario.
pub fn colour(index: usize) -> RGBColor {
    PALETTE[index % PALETTE.len()]
}

/// Chart size in pixels.
pub const SIZE: (u32, u32) = (800, 500);

/// The frame every chart shares: a white background, the title, margins and room for the
/// axis labels.
pub(crate) fn chart_builder<'a, 'b, DB: plotters::prelude::DrawingBackend>(
    root: &'a plotters::prelude::DrawingArea<DB, plotters::coord::Shift>,
    title: &str,
) -> Result<plotters::prelude::ChartBuilder<'a, 'b, DB>, String> {
    use plotters::prelude::*;
    root.fill(&WHITE).map_err(failed)?;
    let mut builder = ChartBuilder::on(root);
    builder
        .caption(title, ("sans-serif", 20))
        .margin(15)
        .x_label_area_size(45)
        .y_label_area_size(75);
    Ok(builder)
}

/// A drawing error as text (plotters' errors carry the backend's error type).
pub(crate) fn failed(e: impl std::fmt::Display) -> String {
    format!("cannot draw the chart: {e}")
}

/// An axis tick: short, without a trailing `.0`, with k/M/G for large numbers.
pub(crate) fn tick(value: f64) -> String {
    let (scaled, suffix) = match value.abs() {
        v if v >= 1e9 => (value / 1e9, "G"),
        v if v >= 1e6 => (value / 1e6, "M"),
        v if v >= 1e4 => (value / 1e3, "k"),
        _ => (value, ""),
    };
    let text = if scaled.fract().abs() < 1e-9 {
        format!("{scaled:.0}")
    } else if scaled.abs() >= 10.0 {
        format!("{scaled:.1}")
    } else {
        format!("{scaled:.2}")
    };
    let text = if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    };
    format!("{text}{suffix}")
}

/// Whether values spanning `min..max` want a logarithmic axis (100x or more).
pub(crate) fn wants_log(min: f64, max: f64) -> bool {
    min > 0.0 && max / min >= 100.0
}

#[cfg(test)]
mod tests {
    use super::tick;

    #[test]
    fn ticks_are_short() {
        assert_eq!(tick(10_000.0), "10k");
        assert_eq!(tick(2_000_000.0), "2M");
        assert_eq!(tick(0.25), "0.25");
        assert_eq!(tick(100.0), "100");
        assert_eq!(tick(1_500.0), "1500");
    }
}
