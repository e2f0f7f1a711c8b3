//! Which charts a run or a sweep gets, built from saved results (so `rtsim plot` can draw
//! them again without running anything), and the scenario's `charts:` choice among them.
//!
//! Charts speak in words and units (see `plot/words.rs`), scale values to the unit
//! they read best in (ms, MB, %), keep variants that have nothing to show in the legend, and
//! leave out a chart whose every value is one and the same number: it would say nothing.

use super::axis::Scale;
use super::frontier::{FrontierPoint, bytes_unit};
use super::lines::{Mark, Panel, and_list};
use super::{Chart, Figure, Line, LinesFigure, frontier, latency_cdf, words};
use crate::metrics::registry::{self, MetricUnit};
use crate::metrics::{FaultResult, RunResult};
use crate::replication::Replications;
use crate::report::sweep::SweepSummary;
use crate::scenario::charts::ChartRequest;
use crate::scenario::sweep::numeric;

/// The metrics drawn against every swept parameter: the "at scale" charts.
pub const HEADLINE_METRICS: [&str; 4] = [
    "latency.p99",
    "bytes_per_client_hour",
    "cpu_utilisation",
    "peak_open_connections",
];

/// Up to this many combinations of the other swept parameters, a chart against one
/// parameter has a panel for each; beyond, one line per variant and combination.
const MAX_PANELS: usize = 6;

/// The run charts among `charts` that `wanted` names (all of them when the scenario lists
/// no charts).
pub fn chosen(charts: Vec<Chart>, wanted: Option<&[ChartRequest]>) -> Vec<Chart> {
    let Some(wanted) = wanted else {
        return charts;
    };
    charts
        .into_iter()
        .filter(|c| wanted.contains(&ChartRequest::Run(c.name.clone())))
        .collect()
}

/// A run's charts: the latency distribution and the tradeoff frontier.
pub fn run_charts(scenario: &str, results: &[RunResult]) -> Vec<Chart> {
    replicated_run_charts(scenario, results, None)
}

/// [`run_charts`] of a run with replications: the latency distribution is replication 0's
/// (`results`); the frontier puts each variant at its means over the replications, with
/// error bars of their 95% confidence intervals.
pub fn replicated_run_charts(
    scenario: &str,
    results: &[RunResult],
    replications: Option<&Replications>,
) -> Vec<Chart> {
    let cdf: Vec<Line> = results
        .iter()
        .enumerate()
        .map(|(i, r)| Line {
            empty_because: Some("delivered nothing".into()),
            ..Line::new(&r.label, i, r.latency_cdf.clone())
        })
        .collect();
    let points: Vec<FrontierPoint> = results
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let point = FrontierPoint {
                label: r.label.clone(),
                colour: i,
                bytes: r.bytes_down_per_client_hour.total + r.bytes_up_per_client_hour.total,
                p99_ms: r.latency.as_ref().map(|l| l.p99_ms),
                bytes_interval: None,
                p99_interval_ms: None,
            };
            let Some(intervals) = replications.and_then(|reps| reps.variant(&r.label)) else {
                return point;
            };
            let bytes = intervals.metric("bytes_per_client_hour");
            let p99 = intervals.metric("latency.p99");
            FrontierPoint {
                bytes: bytes.map_or(point.bytes, |i| i.mean),
                bytes_interval: bytes.map(|i| (i.low(), i.high())),
                p99_ms: p99.map(|i| i.mean / 1e6),
                p99_interval_ms: p99.map(|i| (i.low() / 1e6, i.high() / 1e6)),
                ..point
            }
        })
        .collect();
    vec![
        Chart {
            name: "latency-cdf".into(),
            figure: latency_cdf(&format!("{scenario}: delivery latency distribution"), &cdf),
        },
        Chart {
            name: "frontier".into(),
            figure: frontier(
                &format!("{scenario}: p99 latency against bytes per client"),
                &points,
            ),
        },
    ]
}

/// A sweep's charts: those its scenario listed, or else each headline metric against each
/// numeric parameter; one line per variant, one panel per value of the other parameters (a
/// variant those do not change drawn once, in a panel of its own).
pub fn sweep_charts(summary: &SweepSummary) -> Vec<Chart> {
    let numeric_axes = summary
        .axes
        .iter()
        .enumerate()
        .filter(|(_, axis)| axis.values.all_numeric());
    let pairs: Vec<(&str, usize)> = match &summary.charts {
        None => numeric_axes
            .flat_map(|(a, _)| HEADLINE_METRICS.iter().map(move |m| (*m, a)))
            .collect(),
        Some(wanted) => wanted
            .iter()
            .filter_map(|request| match request {
                ChartRequest::Against { metric, parameter } => summary
                    .axes
                    .iter()
                    .position(|axis| axis.path == *parameter)
                    .map(|a| (metric.as_str(), a)),
                ChartRequest::Run(_) => None,
            })
            .collect(),
    };
    pairs
        .into_iter()
        .filter_map(|(metric, a)| against(summary, metric, a))
        .collect()
}

/// A swept parameter's values in the unit they read best in: the divisor and the unit
/// (empty for plain numbers), from the unit `numeric` reads them in and the largest value.
fn parameter_unit(base_unit: &str, largest: f64) -> (f64, &'static str) {
    match base_unit {
        " (s)" if largest < 1.0 => (1e-3, "ms"),
        " (s)" => (1.0, "s"),
        " (bytes)" => bytes_unit(largest),
        " (bit/s)" => match largest {
            v if v >= 1e9 => (1e9, "Gbit/s"),
            v if v >= 1e6 => (1e6, "Mbit/s"),
            v if v >= 1e3 => (1e3, "kbit/s"),
            _ => (1.0, "bit/s"),
        },
        _ => (1.0, ""),
    }
}

fn with_unit(words: &str, unit: &str) -> String {
    if unit.is_empty() {
        words.to_string()
    } else {
        format!("{words} ({unit})")
    }
}

/// A point of a line in a metric's base unit: (x, value, low, high), low and high the ends
/// of the value's confidence interval (the value itself without replications).
type Sample = (f64, f64, f64, f64);

/// `metric` against axis `a`; `None` when the metric is unknown, the axis not numeric, or
/// every value the same.
fn against(summary: &SweepSummary, metric: &str, a: usize) -> Option<Chart> {
    let axis = &summary.axes[a];
    let (metric_unit, read) = registry::metric(metric)?;
    let xs: Vec<(f64, &str)> = summary
        .points
        .iter()
        .map(|p| numeric(&p.params[a].1))
        .collect::<Option<_>>()?;
    let base_unit = xs.first().map_or("", |x| x.1);
    let (x_divisor, x_unit) = parameter_unit(base_unit, xs.iter().map(|x| x.0).fold(0.0, f64::max));

    // The values of the other parameters, one group (a panel or a set of lines) each, in
    // the order the sweep first reaches them.
    let others = |params: &[(String, String)]| -> Vec<(String, String)> {
        params
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != a)
            .map(|(_, p)| p.clone())
            .collect()
    };
    let mut groups: Vec<Vec<(String, String)>> = Vec::new();
    for point in &summary.points {
        let key = others(&point.params);
        if !groups.contains(&key) {
            groups.push(key);
        }
    }
    let variants: Vec<&str> = summary
        .points
        .first()
        .map(|p| p.results.iter().map(|r| r.label.as_str()).collect())
        .unwrap_or_default();

    // raw[group][variant]: (x, value, low, high) in the base unit, sorted by x; with
    // replications the value is the mean over them, and low and high the ends of its 95%
    // confidence interval (without, all three the run's value).
    let replicated = summary.points.iter().any(|p| p.replications.is_some());
    let mut raw: Vec<Vec<Vec<Sample>>> = vec![vec![Vec::new(); variants.len()]; groups.len()];
    for (point, x) in summary.points.iter().zip(&xs) {
        let g = groups.iter().position(|k| *k == others(&point.params))?;
        let x = x.0 / x_divisor;
        for (v, r) in point.results.iter().enumerate().take(variants.len()) {
            match &point.replications {
                Some(replications) => {
                    let interval = replications
                        .variant(&r.label)
                        .and_then(|intervals| intervals.metric(metric));
                    if let Some(i) = interval {
                        raw[g][v].push((x, i.mean, i.low(), i.high()));
                    }
                }
                None => {
                    if let Some(y) = read(r) {
                        raw[g][v].push((x, y, y, y));
                    }
                }
            }
        }
    }
    for line in raw.iter_mut().flatten() {
        line.sort_by(|p, q| p.0.total_cmp(&q.0));
    }
    let values = || raw.iter().flatten().flatten().map(|p| p.1);
    let first = values().next()?;
    if values().all(|v| v == first) {
        return None;
    }
    let largest = values().fold(0.0, |m: f64, v| m.max(v.abs()));
    let (y_divisor, y_unit, y_scale) = match metric_unit {
        MetricUnit::Duration => (1e6, "ms", Scale::Auto),
        MetricUnit::Fraction => (0.01, "%", Scale::Percent),
        MetricUnit::Bytes => {
            let (d, u) = bytes_unit(largest);
            (d, u, Scale::Auto)
        }
        MetricUnit::Number => (1.0, words::metric(metric).1, Scale::Auto),
    };
    let missing = if words::missing_means_nothing_delivered(metric) {
        "delivered nothing"
    } else {
        "no value"
    };
    // With replications, the band of each line's confidence intervals.
    let line = |label: &str, style: usize, points: &[Sample]| Line {
        empty_because: Some(missing.into()),
        band: if replicated {
            points
                .iter()
                .map(|(x, _, lo, hi)| (*x, lo / y_divisor, hi / y_divisor))
                .collect()
        } else {
            Vec::new()
        },
        ..Line::new(
            label,
            style,
            points
                .iter()
                .map(|(x, y, _, _)| (*x, y / y_divisor))
                .collect(),
        )
    };
    let describe = |key: &[(String, String)]| -> String {
        key.iter()
            .map(|(path, value)| {
                format!(
                    "{} = {}",
                    words::parameter_of(path, &variants),
                    value_text(value)
                )
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let other_words: Vec<String> = groups
        .first()
        .map(|key| {
            key.iter()
                .map(|(p, _)| words::parameter_of(p, &variants))
                .collect()
        })
        .unwrap_or_default();
    let mut notes = Vec::new();
    // A variant whose values are the same at every combination of the other parameters
    // (the polling interval of one variant leaves the others alone) is drawn once.
    let unaffected: Vec<bool> = (0..variants.len())
        .map(|v| groups.len() > 1 && raw.iter().all(|g| g[v] == raw[0][v]))
        .collect();
    let others_words = and_list(&other_words);
    let panels: Vec<Panel> = if groups.len() <= MAX_PANELS {
        let lines_of = |lines: &[Vec<Sample>], keep: &dyn Fn(usize) -> bool| -> Vec<Line> {
            variants
                .iter()
                .zip(lines)
                .enumerate()
                .filter(|(v, _)| keep(*v))
                .map(|(v, (label, points))| line(label, v, points))
                .collect()
        };
        let once: Vec<&str> = (0..variants.len())
            .filter(|v| unaffected[*v])
            .map(|v| variants[v])
            .collect();
        if groups.len() > 1 && once.len() == variants.len() {
            // Nothing changes from panel to panel: one panel.
            notes.push(format!(
                "The same at any {others_words}: each line drawn once."
            ));
            vec![Panel {
                title: String::new(),
                lines: lines_of(&raw[0], &|_| true),
            }]
        } else {
            let mut panels: Vec<Panel> = groups
                .iter()
                .zip(&raw)
                .map(|(key, lines)| Panel {
                    title: if groups.len() == 1 {
                        String::new()
                    } else {
                        describe(key)
                    },
                    lines: lines_of(lines, &|v| !unaffected[v]),
                })
                .collect();
            if !once.is_empty() {
                let title = format!("any {others_words}");
                notes.push(format!(
                    "{} the same at any {others_words}: drawn once, in the panel \"{title}\".",
                    match once.as_slice() {
                        [one] => format!("{one} is"),
                        many => format!("{} are", and_list(many)),
                    }
                ));
                panels.push(Panel {
                    title,
                    lines: lines_of(&raw[0], &|v| unaffected[v]),
                });
            }
            panels
        }
    } else {
        // Too many combinations for panels: one line per variant and combination, and one
        // line for a variant the other parameters do not change.
        let mut lines = Vec::new();
        for (v, label) in variants.iter().enumerate() {
            if unaffected[v] {
                let label = format!("{label} (any {})", other_words.join(", "));
                lines.push(line(&label, lines.len(), &raw[0][v]));
                continue;
            }
            for (key, group) in groups.iter().zip(&raw) {
                let values: Vec<String> = key.iter().map(|(_, value)| value_text(value)).collect();
                let label = format!("{label}, {}", values.join(", "));
                lines.push(line(&label, lines.len(), &group[v]));
            }
        }
        notes.push(format!(
            "One line per variant and {}; a variant they do not change is drawn once.",
            other_words.join(", ")
        ));
        vec![Panel {
            title: String::new(),
            lines,
        }]
    };

    let (metric_words, _) = words::metric(metric);
    let parameter_words = words::parameter_of(&axis.path, &variants);
    let title = format!(
        "{}: {metric_words} against {parameter_words}",
        summary.scenario
    );
    let mut figure = LinesFigure::new(
        &title,
        (&with_unit(&parameter_words, x_unit), Scale::Auto),
        (&with_unit(&metric_words, y_unit), y_scale),
        panels,
    );
    if replicated {
        let counts: std::collections::BTreeSet<u32> = summary
            .points
            .iter()
            .map(|p| p.replications.as_ref().map_or(1, |r| r.count))
            .collect();
        let counts: Vec<String> = counts.iter().map(u32::to_string).collect();
        notes.push(format!(
            "Lines: the mean over {} replications; bands: its 95% confidence interval.",
            and_list(&counts)
        ));
    }
    for note in &notes {
        figure = figure.with_note(note);
    }
    Some(Chart {
        name: format!("{}-vs-{}", file_part(metric), file_part(&axis.path)),
        figure: Figure::Lines(figure),
    })
}

/// A swept value as shown: a plain number with its thousands grouped, anything else as
/// written (`500ms`).
fn value_text(value: &str) -> String {
    match value.parse::<f64>() {
        Ok(x) if x.fract() == 0.0 && x.abs() < 1e15 => super::axis::grouped(x, 0),
        _ => value.to_string(),
    }
}

fn file_part(name: &str) -> String {
    name.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect::<String>()
        .trim_matches('-')
        .to_string()
}

/// One variant's time series, as saved in series.json.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LabelledSeries {
    pub label: String,
    pub series: crate::metrics::series::TimeSeries,
}

/// The time-series charts of a run: connections, requests per second, CPU and mean latency
/// over simulated time, one line per variant.
pub fn series_charts(scenario: &str, runs: &[LabelledSeries]) -> Vec<Chart> {
    series_charts_with_faults(scenario, runs, &[])
}

/// [`series_charts`] with the run's `faults` marked at their times: a dashed vertical line
/// each, labelled with what happened.
pub fn series_charts_with_faults(
    scenario: &str,
    runs: &[LabelledSeries],
    faults: &[FaultResult],
) -> Vec<Chart> {
    let charts = [
        SeriesChart {
            file: "connections-over-time",
            what: "open connections",
            y_label: "open connections",
            y_scale: Scale::Linear,
            smooth: false,
            missing: None,
            pick: |s, i| Some(s.connections[i] as f64),
        },
        SeriesChart {
            file: "requests-over-time",
            what: "requests per second",
            y_label: "requests per second",
            y_scale: Scale::Linear,
            smooth: true,
            missing: None,
            pick: |s, i| Some(s.requests[i] as f64),
        },
        SeriesChart {
            file: "cpu-over-time",
            what: "server CPU",
            y_label: "server CPU (%)",
            y_scale: Scale::Percent,
            smooth: true,
            missing: None,
            pick: |s, i| s.cpu_utilisation.get(i).map(|u| u * 100.0),
        },
        SeriesChart {
            file: "latency-over-time",
            what: "mean delivery latency",
            y_label: "mean delivery latency (ms)",
            y_scale: Scale::Auto,
            smooth: true,
            missing: Some("delivered nothing"),
            pick: |s, i| s.latency_mean_ms.get(i).copied().flatten(),
        },
    ];
    let marks: Vec<Mark> = faults
        .iter()
        .map(|f| Mark {
            at: f.at_s,
            label: f.fault.clone(),
        })
        .collect();
    let mut out = Vec::new();
    for SeriesChart {
        file,
        what,
        y_label,
        y_scale,
        smooth,
        missing,
        pick,
    } in charts
    {
        let raw: Vec<Vec<(f64, f64)>> = runs
            .iter()
            .map(|run| {
                (0..run.series.connections.len())
                    .filter_map(|i| pick(&run.series, i).map(|y| (i as f64, y)))
                    .collect()
            })
            .collect();
        let values = || raw.iter().flatten().map(|p| p.1);
        let Some(first) = values().next() else {
            continue;
        };
        if values().all(|v| v == first) {
            continue;
        }
        let window = if smooth && spiky(&raw) {
            smoothing_window(raw.iter().map(Vec::len).max().unwrap_or(0))
        } else {
            1
        };
        let lines: Vec<Line> = runs
            .iter()
            .zip(&raw)
            .enumerate()
            .map(|(v, (run, points))| {
                let mut line = Line::new(&run.label, v, points.clone());
                line.empty_because = missing.map(String::from);
                if window > 1 {
                    (line.points, line.band) = moving_mean(points, window);
                }
                line
            })
            .collect();
        let mut figure = LinesFigure::new(
            &format!("{scenario}: {what} over time"),
            ("simulated time (s)", Scale::Span),
            (y_label, y_scale),
            vec![Panel {
                title: String::new(),
                lines,
            }],
        )
        .with_marks(marks.clone(), "Dashed vertical lines: faults.");
        if window > 1 {
            figure = figure.with_note(&format!(
                "Spiky per second: lines are {window} s moving means, shading the lowest to \
                 the highest second around each."
            ));
        }
        out.push(Chart {
            name: file.to_string(),
            figure: Figure::Lines(figure),
        });
    }
    out
}

/// One time-series chart: its file name, what it shows, its y axis, whether a spiky series
/// is smoothed, what a variant without values did, and the value of second `i`.
struct SeriesChart {
    file: &'static str,
    what: &'static str,
    y_label: &'static str,
    y_scale: Scale,
    smooth: bool,
    missing: Option<&'static str>,
    pick: fn(&crate::metrics::series::TimeSeries, usize) -> Option<f64>,
}

/// Points and the band around them: (x, low, high).
type Smoothed = (Vec<(f64, f64)>, Vec<(f64, f64, f64)>);

/// Whether some line jumps from second to second by more than a quarter of its mean level
/// on average: then it is smoothed, else drawn as it is.
fn spiky(lines: &[Vec<(f64, f64)>]) -> bool {
    lines.iter().any(|points| {
        if points.len() < 20 {
            return false;
        }
        let mean = points.iter().map(|p| p.1.abs()).sum::<f64>() / points.len() as f64;
        let jumps = points
            .windows(2)
            .map(|w| (w[1].1 - w[0].1).abs())
            .sum::<f64>()
            / (points.len() - 1) as f64;
        mean > 0.0 && jumps > 0.25 * mean
    })
}

/// Seconds a moving mean spans for a series of `seconds`: 10 for long runs, 5 for short
/// ones, none below 40 s.
fn smoothing_window(seconds: usize) -> usize {
    match seconds {
        0..40 => 1,
        40..200 => 5,
        _ => 10,
    }
}

/// The centred moving mean of `points` over `window` consecutive seconds (fewer at the
/// ends, and only over seconds with a value), and the band of the lowest to the highest
/// second in each window.
fn moving_mean(points: &[(f64, f64)], window: usize) -> Smoothed {
    let half = window as f64 / 2.0;
    let mut means = Vec::with_capacity(points.len());
    let mut band = Vec::with_capacity(points.len());
    for (x, _) in points {
        let near: Vec<f64> = points
            .iter()
            .filter(|(px, _)| *px >= x - half && *px < x + half)
            .map(|p| p.1)
            .collect();
        let mean = near.iter().sum::<f64>() / near.len() as f64;
        let lo = near.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = near.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        means.push((*x, mean));
        band.push((*x, lo, hi));
    }
    (means, band)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_moving_mean_keeps_the_level_and_bands_the_range() {
        let points: Vec<(f64, f64)> = (0..20)
            .map(|i| (i as f64, if i % 2 == 0 { 0.0 } else { 10.0 }))
            .collect();
        assert!(spiky(std::slice::from_ref(&points)));
        let (means, band) = moving_mean(&points, 10);
        assert_eq!(means[10], (10.0, 5.0));
        assert_eq!(band[10], (10.0, 0.0, 10.0));
        let steady: Vec<(f64, f64)> = (0..50)
            .map(|i| (i as f64, 100.0 + (i % 3) as f64))
            .collect();
        assert!(!spiky(&[steady]));
    }

    #[test]
    fn parameters_read_in_their_best_unit() {
        assert_eq!(parameter_unit(" (s)", 0.25), (1e-3, "ms"));
        assert_eq!(parameter_unit(" (bit/s)", 5e7), (1e6, "Mbit/s"));
        assert_eq!(parameter_unit("", 1e5), (1.0, ""));
    }
}
