//! Line charts: latency distributions, metrics against a swept parameter (one panel per value
//! of the other parameters), time series with their faults marked.
//!
//! Every variant keeps its colour, marker and dash pattern (see [`legend`](super::legend)),
//! so lines that coincide stay told apart; the legend sits right of the data and ends with
//! notes: which lines are identical or nearly so, what a band or a dashed vertical line
//! means. A line without points (a variant that delivered nothing) keeps its legend entry,
//! greyed, saying why.

use plotters::coord::Shift;
use plotters::element::{DashedPathElement, EmptyElement, PathElement, Polygon, Text};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::axis::{Axis, Scale};
use super::legend::{self, Entry};
use super::{Figure, colour, failed};

/// Lines with more points than this (long time series) get a marker every few points only;
/// a marker on each would merge into a band.
const MARKERS_UP_TO: usize = 60;
/// Markers on a long line.
const MARKERS_PER_LONG_LINE: usize = 12;

/// One line: its legend, its variant's index (colour, marker, dash), its points.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub label: String,
    pub colour: usize,
    pub points: Vec<(f64, f64)>,
    /// A shaded band behind the line: (x, low, high), e.g. the per-second range around a
    /// moving mean.
    pub band: Vec<(f64, f64, f64)>,
    /// Why the line has no points (e.g. "delivered nothing"): said in the legend.
    pub empty_because: Option<String>,
}

impl Line {
    pub fn new(label: &str, colour: usize, points: Vec<(f64, f64)>) -> Line {
        Line {
            label: label.to_string(),
            colour,
            points,
            band: Vec::new(),
            empty_because: None,
        }
    }
}

/// One panel of a chart: a title (empty for a chart of one panel) and its lines.
#[derive(Debug, Clone, PartialEq)]
pub struct Panel {
    pub title: String,
    pub lines: Vec<Line>,
}

/// A vertical line across the data at `at` on the x axis, labelled: a fault.
#[derive(Debug, Clone, PartialEq)]
pub struct Mark {
    pub at: f64,
    pub label: String,
}

/// A line chart, ready to draw in any format. Panels share their axes' ranges.
#[derive(Debug, Clone, PartialEq)]
pub struct LinesFigure {
    title: String,
    x_label: String,
    y_label: String,
    x_scale: Scale,
    y_scale: Scale,
    panels: Vec<Panel>,
    marks: Vec<Mark>,
    /// A horizontal line across the data (a limit): its height and its label.
    limit: Option<Mark>,
    notes: Vec<String>,
}

impl LinesFigure {
    /// A chart of `panels` (one panel for a plain chart) with axes described by the labels
    /// (in words, with their units) and drawn as the scales say.
    pub fn new(
        title: &str,
        (x_label, x_scale): (&str, Scale),
        (y_label, y_scale): (&str, Scale),
        panels: Vec<Panel>,
    ) -> LinesFigure {
        LinesFigure {
            title: title.into(),
            x_label: x_label.into(),
            y_label: y_label.into(),
            x_scale,
            y_scale,
            panels,
            marks: Vec::new(),
            limit: None,
            notes: Vec::new(),
        }
    }

    /// Adds vertical marks (faults), explained in the legend's notes.
    pub fn with_marks(mut self, marks: Vec<Mark>, meaning: &str) -> LinesFigure {
        if !marks.is_empty() {
            self.notes.push(meaning.to_string());
        }
        self.marks = marks;
        self
    }

    /// Adds a horizontal dashed line at `limit.at` on the y axis (a limit), labelled, and
    /// explained in the legend's notes; the y axis reaches it.
    pub fn with_limit(mut self, limit: Mark, meaning: &str) -> LinesFigure {
        self.notes.push(meaning.to_string());
        self.limit = Some(limit);
        self
    }

    /// Adds a note under the legend.
    pub fn with_note(mut self, note: &str) -> LinesFigure {
        self.notes.push(note.to_string());
        self
    }

    /// The image size in pixels: 800x500 for one panel, larger for a grid of panels.
    pub(crate) fn size(&self) -> (u32, u32) {
        match grid(self.panels.len()) {
            (1, 1) => super::SIZE,
            (rows, _) => (1000, 60 + 300 * rows as u32),
        }
    }

    pub(crate) fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
    ) -> Result<(), String> {
        draw(self, root)
    }

    /// One legend entry a label, in the variants' order (a variant drawn once in a panel of
    /// its own, after the others, keeps its place).
    fn entries(&self) -> Vec<Entry> {
        let mut entries: Vec<Entry> = Vec::new();
        let mut seen: Vec<&str> = Vec::new();
        for line in self.panels.iter().flat_map(|p| &p.lines) {
            if seen.contains(&line.label.as_str()) {
                continue;
            }
            seen.push(&line.label);
            let absent = line.points.is_empty();
            let label = match (&line.empty_because, absent) {
                (Some(why), true) => format!("{} ({why})", line.label),
                _ => line.label.clone(),
            };
            entries.push(Entry {
                label,
                index: line.colour,
                line: true,
                filled: false,
                absent,
            });
        }
        entries.sort_by_key(|e| e.index);
        entries
    }
}

/// The latency CDF of each variant: the share of events (%) delivered within x milliseconds.
/// `lines` come as (quantile, ms).
pub fn latency_cdf(title: &str, lines: &[Line]) -> Figure {
    let flipped: Vec<Line> = lines
        .iter()
        .map(|l| Line {
            points: l
                .points
                .iter()
                .map(|(q, ms)| (ms.max(1e-3), q * 100.0))
                .collect(),
            ..l.clone()
        })
        .collect();
    Figure::Lines(LinesFigure::new(
        title,
        ("delivery latency (ms)", Scale::Auto),
        ("events delivered within that time (%)", Scale::Percent),
        vec![Panel {
            title: String::new(),
            lines: flipped,
        }],
    ))
}

/// Rows and columns for `n` panels.
fn grid(n: usize) -> (usize, usize) {
    match n {
        0 | 1 => (1, 1),
        2 => (1, 2),
        3 | 4 => (2, 2),
        _ => (n.div_ceil(3), 3),
    }
}

/// Notes on lines that coincide: identical in every panel, or within 1 % of each other.
fn coincidences(panels: &[Panel]) -> Vec<String> {
    let mut labels: Vec<&str> = Vec::new();
    for line in panels.iter().flat_map(|p| &p.lines) {
        if !line.points.is_empty() && !labels.contains(&line.label.as_str()) {
            labels.push(&line.label);
        }
    }
    let find = |panel: &'_ Panel, label: &str| -> Option<Vec<(f64, f64)>> {
        panel
            .lines
            .iter()
            .find(|l| l.label == label)
            .map(|l| l.points.clone())
    };
    let same = |a: &str, b: &str, close: &dyn Fn(f64, f64) -> bool| {
        panels.iter().all(|p| match (find(p, a), find(p, b)) {
            (None, None) => true,
            (Some(pa), Some(pb)) => {
                pa.len() == pb.len()
                    && pa
                        .iter()
                        .zip(&pb)
                        .all(|(u, v)| u.0 == v.0 && close(u.1, v.1))
            }
            _ => false,
        })
    };
    let exact = |u: f64, v: f64| u == v;
    let near = |u: f64, v: f64| (u - v).abs() <= 0.01 * u.abs().max(v.abs());
    let mut notes = Vec::new();
    for (kind, close) in [
        (
            "identical values, drawn over each other",
            &exact as &dyn Fn(f64, f64) -> bool,
        ),
        ("within 1 % of each other", &near),
    ] {
        let mut grouped: Vec<&str> = Vec::new();
        for (i, a) in labels.iter().enumerate() {
            if grouped.contains(a) {
                continue;
            }
            // Lines already noted as identical are not noted again as near.
            let group: Vec<&str> = labels[i + 1..]
                .iter()
                .filter(|b| !grouped.contains(b) && same(a, b, close))
                .filter(|b| kind.starts_with("identical") || !same(a, b, &exact))
                .copied()
                .collect();
            if group.is_empty() {
                continue;
            }
            grouped.push(a);
            grouped.extend(&group);
            let mut names = vec![*a];
            names.extend(group);
            notes.push(format!("{}: {kind}", and_list(&names)));
        }
    }
    notes
}

/// `a`, `a and b`, `a, b and c`.
pub(super) fn and_list<S: AsRef<str>>(names: &[S]) -> String {
    match names {
        [] => String::new(),
        [one] => one.as_ref().to_string(),
        [rest @ .., last] => {
            let rest: Vec<&str> = rest.iter().map(AsRef::as_ref).collect();
            format!("{} and {}", rest.join(", "), last.as_ref())
        }
    }
}

fn draw<DB: DrawingBackend>(
    figure: &LinesFigure,
    root: &DrawingArea<DB, Shift>,
) -> Result<(), String> {
    root.fill(&WHITE).map_err(failed)?;
    let body = root
        .titled(&figure.title, ("sans-serif", 20))
        .map_err(failed)?;
    let entries = figure.entries();
    let (width, _) = body.dim_in_pixel();
    let legend_width = legend::width(&body, &entries);
    let (plot, legend_area) = body.split_horizontally(width - legend_width);

    let points = || figure.panels.iter().flat_map(|p| &p.lines);
    let x = Axis::fit(
        figure.x_scale,
        points().flat_map(|l| l.points.iter().map(|p| p.0)),
    );
    let y = Axis::fit(
        figure.y_scale,
        points()
            .flat_map(|l| {
                l.points
                    .iter()
                    .map(|p| p.1)
                    .chain(l.band.iter().flat_map(|b| [b.1, b.2]))
            })
            .chain(figure.limit.iter().map(|l| l.at)),
    );
    let areas = plot.split_evenly(grid(figure.panels.len()));
    for (panel, area) in figure.panels.iter().zip(&areas) {
        draw_panel(figure, panel, area, &x, &y)?;
    }
    let mut notes = coincidences(&figure.panels);
    notes.extend(figure.notes.iter().cloned());
    legend::draw(&legend_area, 16, &entries, &notes)?;
    root.present().map_err(failed)?;
    Ok(())
}

fn draw_panel<DB: DrawingBackend>(
    figure: &LinesFigure,
    panel: &Panel,
    area: &DrawingArea<DB, Shift>,
    x: &Axis,
    y: &Axis,
) -> Result<(), String> {
    let mut builder = ChartBuilder::on(area);
    builder
        .margin(10)
        .x_label_area_size(45)
        .y_label_area_size(75);
    if !panel.title.is_empty() {
        builder.caption(&panel.title, ("sans-serif", 15));
    }
    let mut chart = builder
        .build_cartesian_2d(x.clone(), y.clone())
        .map_err(failed)?;
    chart
        .configure_mesh()
        .x_desc(figure.x_label.as_str())
        .y_desc(figure.y_label.as_str())
        .x_label_formatter(&|v| x.label(*v))
        .y_label_formatter(&|v| y.label(*v))
        .draw()
        .map_err(failed)?;

    // Marks first, under the data, each label a line lower than the one before.
    let grey = RGBColor(90, 90, 90);
    for (i, mark) in figure.marks.iter().enumerate() {
        let Some(at) = x.coord(mark.at) else { continue };
        chart
            .draw_series(std::iter::once(DashedPathElement::new(
                vec![(at, y.lo), (at, y.hi)],
                5,
                4,
                grey.stroke_width(1),
            )))
            .map_err(failed)?;
        let right_half = (at - x.lo) > 0.6 * (x.hi - x.lo);
        let (anchor, dx) = if right_half {
            (HPos::Right, -4)
        } else {
            (HPos::Left, 4)
        };
        let style = ("sans-serif", 12)
            .into_font()
            .color(&grey)
            .pos(Pos::new(anchor, VPos::Top));
        chart
            .draw_series(std::iter::once(
                EmptyElement::at((at, y.hi))
                    + Text::new(mark.label.clone(), (dx, 4 + 14 * i as i32), style),
            ))
            .map_err(failed)?;
    }

    if let Some(limit) = &figure.limit
        && let Some(at) = y.coord(limit.at)
    {
        chart
            .draw_series(std::iter::once(DashedPathElement::new(
                vec![(x.lo, at), (x.hi, at)],
                8,
                4,
                RGBColor(200, 0, 0).stroke_width(1),
            )))
            .map_err(failed)?;
        let style = ("sans-serif", 12)
            .into_font()
            .color(&RGBColor(200, 0, 0))
            .pos(Pos::new(HPos::Left, VPos::Bottom));
        chart
            .draw_series(std::iter::once(
                EmptyElement::at((x.lo, at)) + Text::new(limit.label.clone(), (4, -2), style),
            ))
            .map_err(failed)?;
    }

    let on_axes = |(px, py): (f64, f64)| Some((x.coord(px)?, y.coord(py)?));
    for line in &panel.lines {
        let band: Vec<(f64, f64, f64)> = line
            .band
            .iter()
            .filter_map(|(bx, lo, hi)| Some((x.coord(*bx)?, y.coord(*lo)?, y.coord(*hi)?)))
            .collect();
        if band.len() > 1 {
            let outline: Vec<(f64, f64)> = band
                .iter()
                .map(|b| (b.0, b.2))
                .chain(band.iter().rev().map(|b| (b.0, b.1)))
                .collect();
            chart
                .draw_series(std::iter::once(Polygon::new(
                    outline,
                    colour(line.colour).mix(0.18).filled(),
                )))
                .map_err(failed)?;
        }
    }
    for line in &panel.lines {
        let points: Vec<(f64, f64)> = line.points.iter().filter_map(|p| on_axes(*p)).collect();
        let style = legend::stroke(line.colour, 2);
        match legend::dash(line.colour) {
            None => chart
                .draw_series(std::iter::once(PathElement::new(points.clone(), style)))
                .map_err(failed)?,
            Some((on, off)) => chart
                .draw_series(std::iter::once(DashedPathElement::new(
                    points.clone(),
                    on,
                    off,
                    style,
                )))
                .map_err(failed)?,
        };
        let outline = legend::marker_outline(line.colour);
        let marked: Vec<(f64, f64)> = if points.len() <= MARKERS_UP_TO {
            points
        } else {
            // A few markers, staggered between variants so they do not sit on each other.
            let step = points.len() / MARKERS_PER_LONG_LINE;
            let offset = (line.colour * step / 5) % step;
            points.into_iter().skip(offset).step_by(step).collect()
        };
        chart
            .draw_series(marked.into_iter().map(|p| {
                EmptyElement::at(p)
                    + PathElement::new(outline.clone(), colour(line.colour).stroke_width(2))
            }))
            .map_err(failed)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn panel(lines: Vec<Line>) -> Panel {
        Panel {
            title: String::new(),
            lines,
        }
    }

    #[test]
    fn coinciding_lines_are_noted() {
        let a = Line::new("sse", 3, vec![(1.0, 10.0), (2.0, 20.0)]);
        let b = Line::new("ws", 4, vec![(1.0, 10.0), (2.0, 20.0)]);
        let c = Line::new("long-poll", 2, vec![(1.0, 10.05), (2.0, 20.0)]);
        let d = Line::new("poll", 0, vec![(1.0, 50.0), (2.0, 20.0)]);
        let notes = coincidences(&[panel(vec![d, a, b, c])]);
        assert_eq!(
            notes,
            [
                "sse and ws: identical values, drawn over each other",
                "sse and long-poll: within 1 % of each other"
            ]
        );
    }

    #[test]
    fn grids() {
        assert_eq!(grid(1), (1, 1));
        assert_eq!(grid(2), (1, 2));
        assert_eq!(grid(4), (2, 2));
        assert_eq!(grid(5), (2, 3));
    }
}
