//! The tradeoff frontier: p99 latency against bytes per client per hour, one point per
//! variant; the Pareto-optimal ones (no other variant both faster and cheaper) are filled
//! and named "optimal" in the legend.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::{Figure, colour, failed, wants_log};

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

/// The frontier chart, ready to draw in any format.
#[derive(Debug, Clone, PartialEq)]
pub struct FrontierFigure {
    title: String,
    /// (label, colour index, bytes per client per hour, p99 latency in ms).
    points: Vec<(String, usize, f64, f64)>,
}

/// `points`: (label, colour index, bytes per client per hour, p99 latency in ms).
pub fn frontier(title: &str, points: &[(String, usize, f64, f64)]) -> Figure {
    Figure::Frontier(FrontierFigure {
        title: title.into(),
        points: points.to_vec(),
    })
}

impl FrontierFigure {
    pub(crate) fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
    ) -> Result<(), String> {
        draw(&self.title, &self.points, root)
    }
}

fn draw<DB: DrawingBackend>(
    title: &str,
    points: &[(String, usize, f64, f64)],
    root: &DrawingArea<DB, Shift>,
) -> Result<(), String> {
    let pairs: Vec<(f64, f64)> = points.iter().map(|p| (p.2, p.3)).collect();
    let optimal = pareto_front(&pairs);
    let bound = |v: Vec<f64>| {
        let lo = v.iter().cloned().fold(f64::INFINITY, f64::min);
        let hi = v.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
        if !lo.is_finite() {
            (1.0, 10.0)
        } else {
            (lo * 0.8, hi * 1.25)
        }
    };
    let (x0, x1) = bound(pairs.iter().map(|p| p.0).collect());
    let (y0, y1) = bound(pairs.iter().map(|p| p.1).collect());
    {
        let mut builder = super::chart_builder(root, title)?;
        macro_rules! plot {
            ($x:expr, $y:expr) => {{
                let mut chart = builder.build_cartesian_2d($x, $y).map_err(failed)?;
                chart
                    .configure_mesh()
                    .x_desc("bytes per client per hour (both directions)")
                    .y_desc("p99 delivery latency (ms)")
                    .x_label_formatter(&|v| crate::report::human_bytes(*v))
                    .y_label_formatter(&|v| super::tick(*v))
                    .draw()
                    .map_err(failed)?;
                for (i, (label, c, x, y)) in points.iter().enumerate() {
                    let best = optimal.contains(&i);
                    let style = if best {
                        colour(*c).filled()
                    } else {
                        colour(*c).stroke_width(2)
                    };
                    let name = if best {
                        format!("{label} (optimal)")
                    } else {
                        label.clone()
                    };
                    chart
                        .draw_series(std::iter::once(Circle::new((*x, *y), 7, style)))
                        .map_err(failed)?
                        .label(name)
                        .legend(move |(lx, ly)| Circle::new((lx + 10, ly), 5, style));
                }
                chart
                    .configure_series_labels()
                    .position(SeriesLabelPosition::UpperRight)
                    .background_style(WHITE.mix(0.8))
                    .border_style(BLACK)
                    .draw()
                    .map_err(failed)?;
            }};
        }
        match (wants_log(x0, x1), wants_log(y0, y1)) {
            (false, false) => plot!(x0..x1, y0..y1),
            (true, false) => plot!((x0..x1).log_scale(), y0..y1),
            (false, true) => plot!(x0..x1, (y0..y1).log_scale()),
            (true, true) => plot!((x0..x1).log_scale(), (y0..y1).log_scale()),
        }
        root.present().map_err(failed)?;
    }
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
