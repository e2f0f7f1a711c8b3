//! How a variant is drawn (colour, marker shape, dash pattern, all chosen by its index in
//! the scenario, so it looks the same in every chart) and the legend: a column right of the
//! data area, so it never hides a line, with notes under it.

use plotters::coord::Shift;
use plotters::element::{DashedPathElement, PathElement};
use plotters::prelude::*;
use plotters::style::ShapeStyle;

use super::{colour, failed};

/// Text size of legend entries and notes.
pub(crate) const FONT: u32 = 13;
const ROW: i32 = 18;
/// Legend column width: at least and at most.
const WIDTH: (u32, u32) = (150, 250);

/// Dash and gap in pixels of the variant at each index (solid first); the pattern cycles
/// with a period prime to the palette's and the markers', so two variants differ in at least
/// two of colour, marker and dash.
const DASHES: [Option<(i32, i32)>; 5] = [
    None,
    Some((9, 5)),
    Some((2, 4)),
    Some((16, 5)),
    Some((6, 3)),
];

/// Marker outlines (pixel offsets from the point), one a variant index, cycling.
const MARKERS: usize = 7;

/// The outline of marker `shape`, a closed path around (0, 0).
pub(crate) fn marker_outline(shape: usize) -> Vec<(i32, i32)> {
    let closed = |mut p: Vec<(i32, i32)>| {
        p.push(p[0]);
        p
    };
    match shape % MARKERS {
        // Circle, as a 12-gon (pixel offsets, so fixed for every format).
        0 => closed(vec![
            (4, 0),
            (3, 2),
            (2, 3),
            (0, 4),
            (-2, 3),
            (-3, 2),
            (-4, 0),
            (-3, -2),
            (-2, -3),
            (0, -4),
            (2, -3),
            (3, -2),
        ]),
        1 => closed(vec![(-4, -4), (4, -4), (4, 4), (-4, 4)]),
        2 => closed(vec![(0, -5), (5, 4), (-5, 4)]),
        3 => closed(vec![(0, -5), (5, 0), (0, 5), (-5, 0)]),
        4 => closed(vec![(0, 5), (5, -4), (-5, -4)]),
        // A cross: drawn as one path through the centre.
        5 => vec![(-4, -4), (4, 4), (0, 0), (4, -4), (-4, 4)],
        _ => vec![(-5, 0), (5, 0), (0, 0), (0, -5), (0, 5)],
    }
}

/// The stroke of the variant at `index`.
pub(crate) fn stroke(index: usize, width: u32) -> ShapeStyle {
    colour(index).stroke_width(width)
}

/// The dash pattern of the variant at `index`, `None` for a solid line.
pub(crate) fn dash(index: usize) -> Option<(i32, i32)> {
    DASHES[index % DASHES.len()]
}

/// One legend entry.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Entry {
    pub label: String,
    /// The variant's index: colour, marker and dash.
    pub index: usize,
    /// A line sample (line charts) or a marker alone (the frontier).
    pub line: bool,
    /// The marker filled (the frontier's optimal points).
    pub filled: bool,
    /// Nothing of the entry is drawn in the chart (it says why in its label): greyed.
    pub absent: bool,
}

/// Text of `width` pixels or less in lines, broken at spaces.
fn wrap<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, text: &str, width: u32) -> Vec<String> {
    let style = ("sans-serif", FONT).into_text_style(area);
    let fits = |s: &str| {
        area.estimate_text_size(s, &style)
            .map(|(w, _)| w <= width)
            .unwrap_or(true)
    };
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in text.split(' ') {
        let candidate = if current.is_empty() {
            word.to_string()
        } else {
            format!("{current} {word}")
        };
        if current.is_empty() || fits(&candidate) {
            current = candidate;
        } else {
            lines.push(std::mem::replace(&mut current, word.to_string()));
        }
    }
    if !current.is_empty() {
        lines.push(current);
    }
    lines
}

/// The legend column's width for `entries`, between 150 and 250 pixels.
pub(crate) fn width<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, entries: &[Entry]) -> u32 {
    let style = ("sans-serif", FONT).into_text_style(area);
    let widest = entries
        .iter()
        .map(|e| {
            area.estimate_text_size(&e.label, &style)
                .map_or(0, |(w, _)| w)
        })
        .max()
        .unwrap_or(0);
    (widest + 50).clamp(WIDTH.0, WIDTH.1)
}

/// Draws `entries` and then `notes` down the column `area`, from `top` pixels down.
pub(crate) fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    top: i32,
    entries: &[Entry],
    notes: &[String],
) -> Result<(), String> {
    let (w, _) = area.dim_in_pixel();
    let text_width = w.saturating_sub(48);
    let mut y = top;
    for entry in entries {
        let lines = wrap(area, &entry.label, text_width);
        let text_colour = if entry.absent {
            RGBColor(110, 110, 110)
        } else {
            BLACK
        };
        let style = ("sans-serif", FONT).into_font().color(&text_colour).pos(
            plotters::style::text_anchor::Pos::new(
                plotters::style::text_anchor::HPos::Left,
                plotters::style::text_anchor::VPos::Center,
            ),
        );
        let centre = (20, y);
        if entry.line && !entry.absent {
            let path = vec![(4, y), (36, y)];
            match dash(entry.index) {
                None => area
                    .draw(&PathElement::new(path, stroke(entry.index, 2)))
                    .map_err(failed)?,
                Some((on, off)) => area
                    .draw(&DashedPathElement::new(
                        path,
                        on,
                        off,
                        stroke(entry.index, 2),
                    ))
                    .map_err(failed)?,
            }
        }
        draw_marker(area, entry.index, centre, entry.filled, !entry.absent)?;
        for (i, text) in lines.iter().enumerate() {
            area.draw_text(text, &style, (44, y + i as i32 * (FONT as i32 + 2)))
                .map_err(failed)?;
        }
        y += ROW + (lines.len() as i32 - 1) * (FONT as i32 + 2);
    }
    y += ROW / 2;
    let note_style = ("sans-serif", FONT)
        .into_font()
        .color(&RGBColor(60, 60, 60))
        .pos(plotters::style::text_anchor::Pos::new(
            plotters::style::text_anchor::HPos::Left,
            plotters::style::text_anchor::VPos::Center,
        ));
    for note in notes {
        for text in wrap(area, note, w.saturating_sub(10)) {
            area.draw_text(&text, &note_style, (4, y)).map_err(failed)?;
            y += FONT as i32 + 3;
        }
        y += 4;
    }
    Ok(())
}

/// The marker of variant `index` centred at pixel `at` of a plain area.
pub(crate) fn draw_marker<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    index: usize,
    at: (i32, i32),
    filled: bool,
    coloured: bool,
) -> Result<(), String> {
    let colour = if coloured {
        colour(index)
    } else {
        RGBColor(150, 150, 150)
    };
    let outline: Vec<(i32, i32)> = marker_outline(index)
        .into_iter()
        .map(|(dx, dy)| (at.0 + dx, at.1 + dy))
        .collect();
    if filled && index % MARKERS < 5 {
        area.draw(&Polygon::new(outline.clone(), colour.filled()))
            .map_err(failed)?;
    }
    area.draw(&PathElement::new(outline, colour.stroke_width(2)))
        .map_err(failed)
}
