//! Line charts: latency distributions, and a metric against a swept parameter.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::{Figure, colour, failed, tick, wants_log};

/// Lines with more points than this (long time series) are drawn without point markers,
/// which would merge into a band.
const MARKERS_UP_TO: usize = 120;

/// One line: its legend, its colour index, its points.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub label: String,
    pub colour: usize,
    pub points: Vec<(f64, f64)>,
}

/// A line chart, ready to draw in any format.
#[derive(Debug, Clone, PartialEq)]
pub struct LinesFigure {
    title: String,
    x_label: String,
    y_label: String,
    lines: Vec<Line>,
    /// A fixed y range (a share from 0 to 1) instead of one fitted to the points.
    y_fixed: Option<(f64, f64)>,
    /// The legend at the lower right (under a rising CDF) instead of the upper left.
    legend_lower_right: bool,
}

/// The latency CDF of each variant: share of events delivered within x milliseconds.
pub fn latency_cdf(title: &str, lines: &[Line]) -> Figure {
    // The CDF comes as (quantile, ms): draw x = ms, y = quantile.
    let flipped: Vec<Line> = lines
        .iter()
        .map(|l| Line {
            label: l.label.clone(),
            colour: l.colour,
            points: l.points.iter().map(|(q, ms)| (ms.max(1e-3), *q)).collect(),
        })
        .collect();
    Figure::Lines(LinesFigure {
        title: title.into(),
        x_label: "delivery latency (ms)".into(),
        y_label: "share of events delivered".into(),
        lines: flipped,
        y_fixed: Some((0.0, 1.0)),
        legend_lower_right: true,
    })
}

/// A metric (`y_label`, with its unit) against a swept parameter (`x_label`).
pub fn metric_against_parameter(
    title: &str,
    x_label: &str,
    y_label: &str,
    lines: &[Line],
) -> Figure {
    Figure::Lines(LinesFigure {
        title: title.into(),
        x_label: x_label.into(),
        y_label: y_label.into(),
        lines: lines.to_vec(),
        y_fixed: None,
        legend_lower_right: false,
    })
}

fn bounds(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for v in values.filter(|v| v.is_finite()) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if !lo.is_finite() {
        return (0.0, 1.0);
    }
    if lo == hi {
        let pad = if lo == 0.0 { 1.0 } else { lo.abs() * 0.1 };
        return (lo - pad, hi + pad);
    }
    (lo, hi)
}

impl LinesFigure {
    pub(crate) fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
    ) -> Result<(), String> {
        draw(self, root)
    }
}

fn draw<DB: DrawingBackend>(
    figure: &LinesFigure,
    root: &DrawingArea<DB, Shift>,
) -> Result<(), String> {
    let LinesFigure {
        title,
        x_label,
        y_label,
        lines,
        y_fixed,
        legend_lower_right,
    } = figure;
    let y_fixed = *y_fixed;
    let legend = if *legend_lower_right {
        SeriesLabelPosition::LowerRight
    } else {
        SeriesLabelPosition::UpperLeft
    };
    let (x0, x1) = bounds(lines.iter().flat_map(|l| l.points.iter().map(|p| p.0)));
    let (y0, y1) =
        y_fixed.unwrap_or_else(|| bounds(lines.iter().flat_map(|l| l.points.iter().map(|p| p.1))));
    let x_log = wants_log(x0, x1);
    let y_log = y_fixed.is_none() && wants_log(y0, y1);
    let y0 = if y_log || y_fixed.is_some() {
        y0
    } else {
        y0.min(0.0)
    };
    // Headroom above the highest point, so a line along the top stays visible.
    let y1 = match (y_fixed, y_log) {
        (Some(_), _) => y1,
        (None, true) => y1 * 1.5,
        (None, false) => y1 + (y1 - y0) * 0.08,
    };
    {
        let mut builder = super::chart_builder(root, title)?;
        // Four combinations of linear and logarithmic axes, one code path each.
        macro_rules! plot {
            ($x:expr, $y:expr) => {{
                let mut chart = builder.build_cartesian_2d($x, $y).map_err(failed)?;
                chart
                    .configure_mesh()
                    .x_desc(x_label.as_str())
                    .y_desc(y_label.as_str())
                    .x_label_formatter(&|v| tick(*v))
                    .y_label_formatter(&|v| tick(*v))
                    .draw()
                    .map_err(failed)?;
                for line in lines_to_draw(lines, &x_log, &y_log) {
                    let style = colour(line.colour).stroke_width(2);
                    chart
                        .draw_series(LineSeries::new(line.points.clone(), style))
                        .map_err(failed)?
                        .label(line.label.clone())
                        .legend(move |(x, y)| {
                            PathElement::new(
                                vec![(x, y), (x + 20, y)],
                                colour(line.colour).stroke_width(2),
                            )
                        });
                    if line.points.len() <= MARKERS_UP_TO {
                        chart
                            .draw_series(
                                line.points
                                    .iter()
                                    .map(|p| Circle::new(*p, 3, colour(line.colour).filled())),
                            )
                            .map_err(failed)?;
                    }
                }
                chart
                    .configure_series_labels()
                    .position(legend)
                    .background_style(WHITE.mix(0.8))
                    .border_style(BLACK)
                    .draw()
                    .map_err(failed)?;
            }};
        }
        match (x_log, y_log) {
            (false, false) => plot!(x0..x1, y0..y1),
            (true, false) => plot!((x0..x1).log_scale(), y0..y1),
            (false, true) => plot!(x0..x1, (y0..y1).log_scale()),
            (true, true) => plot!((x0..x1).log_scale(), (y0..y1).log_scale()),
        }
        root.present().map_err(failed)?;
    }
    Ok(())
}

/// On a logarithmic axis, points at or below zero cannot be drawn: leave them out.
fn lines_to_draw<'a>(lines: &'a [Line], x_log: &bool, y_log: &bool) -> Vec<Line> {
    lines
        .iter()
        .map(|l: &'a Line| Line {
            label: l.label.clone(),
            colour: l.colour,
            points: l
                .points
                .iter()
                .copied()
                .filter(|(x, y)| (!*x_log || *x > 0.0) && (!*y_log || *y > 0.0))
                .collect(),
        })
        .collect()
}
