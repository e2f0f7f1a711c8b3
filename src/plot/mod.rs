//! Charts: built from results as [`Figure`]s, drawn as SVG (byte-identical for identical
//! inputs) or, with the `png` feature, PNG (see [`render`]).
//!
//! Every chart has a title, axes in words with their units, and a legend right of the data;
//! transports are drawn in the colour-blind-safe Okabe–Ito palette, in scenario order, each
//! with its own marker and dash pattern, so one variant looks the same in every chart of a
//! scenario and coinciding lines stay told apart. Nothing depends on a hash map's order or
//! the clock: equal results draw equal bytes.
//!
//! - [`charts`]: which charts results get, built from saved results.
//! - `lines`, `frontier`: the two kinds of figure; `axis`: ranges, ticks and number
//!   formats; `legend`: markers, dashes and the legend column; `words`: metrics and
//!   parameters in words.
//! - [`render`]: SVG, and PNG with the `png` feature.

mod axis;
pub mod charts;
mod frontier;
mod legend;
mod lines;
pub mod render;
pub(crate) mod words;

pub use axis::Scale;
pub use frontier::{FrontierFigure, FrontierPoint, cost_frontier, frontier, pareto_front};
pub use lines::{Line, LinesFigure, Mark, Panel, latency_cdf};
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

/// Size in pixels of a chart of one panel.
pub const SIZE: (u32, u32) = (800, 500);

/// A drawing error as text (plotters' errors carry the backend's error type).
pub(crate) fn failed(e: impl std::fmt::Display) -> String {
    format!("cannot draw the chart: {e}")
}
