//! The tradeoff frontier: p99 latency against bytes per client per hour (or, with
//! [`cost_frontier`], against the monthly cost), one labelled point per variant. The Pareto-optimal ones (no other variant both faster and cheaper) are
//! filled and joined by a dashed line; the lower left corner, which is better, says so. A
//! variant that delivered nothing has no latency: it is listed in the legend, greyed.

use plotters::coord::Shift;
use plotters::element::{DashedPathElement, EmptyElement, PathElement, Polygon};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::axis::{Axis, Scale};
use super::legend::{self, Entry};
use super::{Figure, colour, failed};

/// Indices of the Pareto-optimal points among (cost, latency) pairs: lower is better in
/// both; a point is dominated when another is no worse in both and better in one.
pub fn pareto_front(points: &[(f64, f64)]) -> Vec<usize> {
    (0..points.len())
        .filter(|i| {
            let (a, b) = points[*i];
            !points
                .iter()
                .enumerate()
                .any(|(j, (c, d))| j != *i && *c <= a && *d <= b && (*c < a || *d < b))
        })
        .collect()
}

/// One variant on the frontier.
#[derive(Debug, Clone, PartialEq)]
pub struct FrontierPoint {
    pub label: String,
    /// The variant's index: colour and marker.
    pub colour: usize,
    /// Bytes per client per hour, both directions (on a [`cost_frontier`]: US dollars a
    /// month).
    pub bytes: f64,
    /// p99 delivery latency in milliseconds; `None` when the variant delivered nothing.
    pub p99_ms: Option<f64>,
    /// With replications (`bytes` and `p99_ms` are then their means): the ends of each
    /// one's 95% confidence interval, (low, high), drawn as error bars.
    pub bytes_interval: Option<(f64, f64)>,
    pub p99_interval_ms: Option<(f64, f64)>,
}

/// The frontier chart, ready to draw in any format.
#[derive(Debug, Clone, PartialEq)]
pub struct FrontierFigure {
    title: String,
    points: Vec<FrontierPoint>,
    /// The horizontal axis is the monthly cost in US dollars rather than bytes.
    cost: bool,
}

pub fn frontier(title: &str, points: &[FrontierPoint]) -> Figure {
    Figure::Frontier(FrontierFigure {
        title: title.into(),
        points: points.to_vec(),
        cost: false,
    })
}

/// The frontier with the monthly cost (US dollars, in each point's `bytes`) as the
/// horizontal axis: latency against what it costs to run.
pub fn cost_frontier(title: &str, points: &[FrontierPoint]) -> Figure {
    Figure::Frontier(FrontierFigure {
        title: title.into(),
        points: points.to_vec(),
        cost: true,
    })
}

/// Bytes in the unit their largest value reads best in: the divisor and the unit.
pub(crate) fn bytes_unit(largest: f64) -> (f64, &'static str) {
    match largest {
        v if v >= 1e9 => (1e9, "GB"),
        v if v >= 1e6 => (1e6, "MB"),
        v if v >= 1e3 => (1e3, "kB"),
        _ => (1.0, "bytes"),
    }
}

impl FrontierFigure {
    pub(crate) fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
    ) -> Result<(), String> {
        draw(self, root)
    }
}

fn draw<DB: DrawingBackend>(
    figure: &FrontierFigure,
    root: &DrawingArea<DB, Shift>,
) -> Result<(), String> {
    // (index into figure.points, bytes in the unit, p99 ms) of the variants with a latency.
    let largest = figure.points.iter().map(|p| p.bytes).fold(0.0, f64::max);
    let (divisor, unit) = if figure.cost {
        (1.0, "")
    } else {
        bytes_unit(largest)
    };
    let drawn: Vec<(usize, f64, f64)> = figure
        .points
        .iter()
        .enumerate()
        .filter_map(|(i, p)| Some((i, p.bytes / divisor, p.p99_ms?)))
        .collect();
    let pairs: Vec<(f64, f64)> = drawn.iter().map(|d| (d.1, d.2)).collect();
    let optimal: Vec<usize> = pareto_front(&pairs)
        .into_iter()
        .map(|k| drawn[k].0)
        .collect();

    root.fill(&WHITE).map_err(failed)?;
    let body = root
        .titled(&figure.title, ("sans-serif", 20))
        .map_err(failed)?;
    let entries: Vec<Entry> = figure
        .points
        .iter()
        .enumerate()
        .map(|(i, p)| Entry {
            label: match (p.p99_ms, optimal.contains(&i)) {
                (None, _) => format!("{} (delivered nothing)", p.label),
                (Some(_), true) => format!("{} (optimal)", p.label),
                (Some(_), false) => p.label.clone(),
            },
            index: p.colour,
            line: false,
            filled: optimal.contains(&i),
            absent: p.p99_ms.is_none(),
        })
        .collect();
    let (width, _) = body.dim_in_pixel();
    let legend_width = legend::width(&body, &entries);
    let (plot, legend_area) = body.split_horizontally(width - legend_width);

    // Room around the points: a tenth of the span (linear) or widened decades (log).
    let padded = |values: Vec<f64>| {
        let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        if !lo.is_finite() {
            return vec![1.0, 10.0];
        }
        vec![lo * 0.8, hi * 1.25]
    };
    // The error bars' ends, in the axes' units, beside the points.
    let x_ends = drawn
        .iter()
        .filter_map(|d| figure.points[d.0].bytes_interval);
    let y_ends = drawn
        .iter()
        .filter_map(|d| figure.points[d.0].p99_interval_ms);
    let x = Axis::fit(
        Scale::Auto,
        padded(
            pairs
                .iter()
                .map(|p| p.0)
                .chain(
                    x_ends
                        .flat_map(|(lo, hi)| [lo / divisor, hi / divisor])
                        .filter(|v| *v > 0.0),
                )
                .collect(),
        )
        .into_iter(),
    );
    let y = Axis::fit(
        Scale::Auto,
        padded(
            pairs
                .iter()
                .map(|p| p.1)
                .chain(y_ends.flat_map(|(lo, hi)| [lo, hi]).filter(|v| *v > 0.0))
                .collect(),
        )
        .into_iter(),
    );
    let x_label = if figure.cost {
        "monthly cost (US dollars, 730 h at the window's rates)".to_string()
    } else {
        format!("bytes per client per hour, both directions ({unit})")
    };
    let mut chart = ChartBuilder::on(&plot)
        .margin(10)
        .x_label_area_size(45)
        .y_label_area_size(75)
        .build_cartesian_2d(x.clone(), y.clone())
        .map_err(failed)?;
    chart
        .configure_mesh()
        .x_desc(x_label.as_str())
        .y_desc("p99 delivery latency (ms)")
        .x_label_formatter(&|v| x.label(*v))
        .y_label_formatter(&|v| y.label(*v))
        .draw()
        .map_err(failed)?;

    let coord = |bx: f64, ms: f64| (x.coord(bx).unwrap_or(x.lo), y.coord(ms).unwrap_or(y.lo));
    // The front, left to right.
    let mut front: Vec<(f64, f64)> = drawn
        .iter()
        .filter(|d| optimal.contains(&d.0))
        .map(|d| coord(d.1, d.2))
        .collect();
    front.sort_by(|a, b| a.0.total_cmp(&b.0).then(b.1.total_cmp(&a.1)));
    if front.len() > 1 {
        chart
            .draw_series(std::iter::once(DashedPathElement::new(
                front,
                6,
                4,
                RGBColor(150, 150, 150).stroke_width(1),
            )))
            .map_err(failed)?;
    }
    // Error bars (replications): each 95% interval as a line with short caps, under the
    // markers.
    let mut error_bars = false;
    for (i, bx, ms) in &drawn {
        let p = &figure.points[*i];
        let style = colour(p.colour).stroke_width(1);
        let mut bar = |from: (f64, f64), to: (f64, f64), cap: (i32, i32)| {
            let (from, to) = (coord(from.0, from.1), coord(to.0, to.1));
            let caps = [from, to].map(|end| {
                EmptyElement::at(end) + PathElement::new(vec![(-cap.0, -cap.1), cap], style)
            });
            chart
                .draw_series(std::iter::once(PathElement::new(vec![from, to], style)))
                .map_err(failed)?;
            chart.draw_series(caps).map(|_| ()).map_err(failed)
        };
        if let Some((lo, hi)) = p.bytes_interval {
            bar((lo / divisor, *ms), (hi / divisor, *ms), (0, 4))?;
            error_bars = true;
        }
        if let Some((lo, hi)) = p.p99_interval_ms {
            bar((*bx, lo), (*bx, hi), (4, 0))?;
            error_bars = true;
        }
    }
    for (i, bx, ms) in &drawn {
        let p = &figure.points[*i];
        let c = colour(p.colour);
        let outline: Vec<(i32, i32)> = legend::marker_outline(p.colour)
            .into_iter()
            .map(|(dx, dy)| (dx * 3 / 2, dy * 3 / 2))
            .collect();
        let at = coord(*bx, *ms);
        if optimal.contains(i) {
            chart
                .draw_series(std::iter::once(
                    EmptyElement::at(at) + Polygon::new(outline.clone(), c.filled()),
                ))
                .map_err(failed)?;
        }
        chart
            .draw_series(std::iter::once(
                EmptyElement::at(at) + PathElement::new(outline, c.stroke_width(2)),
            ))
            .map_err(failed)?;
    }

    // Labels beside the points, moved down (or up) a line when they would overlap.
    let style = ("sans-serif", legend::FONT).into_text_style(root);
    let area = chart.plotting_area().get_pixel_range();
    let mut taken: Vec<(i32, i32, i32, i32)> = Vec::new();
    for (i, bx, ms) in &drawn {
        let label = &figure.points[*i].label;
        let (px, py) = chart.backend_coord(&coord(*bx, *ms));
        let (w, h) = root.estimate_text_size(label, &style).map_err(failed)?;
        let (w, h) = (w as i32, h as i32);
        let left = if px + 12 + w < area.0.end {
            px + 12
        } else {
            px - 12 - w
        };
        let overlaps = |top: i32, taken: &[(i32, i32, i32, i32)]| {
            taken
                .iter()
                .any(|t| left < t.2 && t.0 < left + w && top < t.3 && t.1 < top + h)
        };
        let mut top = py - h / 2;
        for k in 1..8 {
            if !overlaps(top, &taken) {
                break;
            }
            let shift = (k + 1) / 2 * (h + 2);
            top = if k % 2 == 1 {
                py - h / 2 + shift
            } else {
                py - h / 2 - shift
            };
        }
        taken.push((left, top, left + w, top + h));
        root.draw_text(
            label,
            &style.pos(Pos::new(HPos::Left, VPos::Top)),
            (left, top),
        )
        .map_err(failed)?;
    }
    // Which corner is better, in the lower left corner.
    let better = ("sans-serif", legend::FONT)
        .into_font()
        .color(&RGBColor(60, 60, 60))
        .pos(Pos::new(HPos::Left, VPos::Bottom));
    root.draw_text(
        "\u{2199} better: fewer bytes and lower latency",
        &better,
        (area.0.start + 6, area.1.end - 6),
    )
    .map_err(failed)?;

    let mut notes = vec![
        "Filled and joined by the dashed line: Pareto-optimal, no other variant both \
         cheaper and faster."
            .to_string(),
    ];
    if error_bars {
        notes.push(
            "Points: means over the replications; bars: their 95% confidence intervals."
                .to_string(),
        );
    }
    legend::draw(&legend_area, 16, &entries, &notes)?;
    root.present().map_err(failed)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_front_keeps_only_undominated_points() {
        // (bytes, latency): a cheap-slow, b dear-fast, c dominated by a, d equal to a.
        let points = [(1.0, 100.0), (10.0, 1.0), (2.0, 200.0), (1.0, 100.0)];
        assert_eq!(pareto_front(&points), vec![0, 1, 3]);
    }
}
