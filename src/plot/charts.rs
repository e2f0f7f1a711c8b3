//! Which charts a run or a sweep gets, built from saved results (so `rtsim plot` can draw
//! them again without running anything), and the scenario's `charts:` choice among them.

use super::{Chart, Line, frontier, latency_cdf, metric_against_parameter};
use crate::metrics::RunResult;
use crate::metrics::registry::{self, MetricUnit};
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

/// A run's charts: the latency CDF and the tradeoff frontier.
pub fn run_charts(scenario: &str, results: &[RunResult]) -> Vec<Chart> {
    let cdf: Vec<Line> = results
        .iter()
        .enumerate()
        .filter(|(_, r)| !r.latency_cdf.is_empty())
        .map(|(i, r)| Line {
            label: r.label.clone(),
            colour: i,
            points: r.latency_cdf.clone(),
        })
        .collect();
    let points: Vec<(String, usize, f64, f64)> = results
        .iter()
        .enumerate()
        .filter_map(|(i, r)| {
            let p99 = r.latency.as_ref()?.p99_ms;
            let bytes = r.bytes_down_per_client_hour.total + r.bytes_up_per_client_hour.total;
            Some((r.label.clone(), i, bytes, p99))
        })
        .collect();
    vec![
        Chart {
            name: "latency-cdf".into(),
            figure: latency_cdf(&format!("{scenario}: delivery latency"), &cdf),
        },
        Chart {
            name: "frontier".into(),
            figure: frontier(&format!("{scenario}: latency against bytes"), &points),
        },
    ]
}

/// A sweep's charts: those its scenario listed, or else each headline metric against each
/// numeric parameter; one line per variant (and per value of the other parameters).
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

/// `metric` against axis `a`; `None` when the metric is unknown or the axis not numeric.
fn against(summary: &SweepSummary, metric: &str, a: usize) -> Option<Chart> {
    let axis = &summary.axes[a];
    let (_, x_unit) = axis.values.first().and_then(|v| numeric(&v))?;
    let (unit, read) = registry::metric(metric)?;
    let mut lines: Vec<Line> = Vec::new();
    for point in &summary.points {
        let others: Vec<String> = point
            .params
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != a)
            .map(|(_, (p, v))| format!("{p}={v}"))
            .collect();
        let x = numeric(&point.params[a].1)?.0;
        for (v, r) in point.results.iter().enumerate() {
            let Some(y) = read(r) else { continue };
            let label = if others.is_empty() {
                r.label.clone()
            } else {
                format!("{} ({})", r.label, others.join(", "))
            };
            match lines.iter_mut().find(|l| l.label == label) {
                Some(line) => line.points.push((x, shown(y, unit))),
                None => lines.push(Line {
                    label,
                    colour: v,
                    points: vec![(x, shown(y, unit))],
                }),
            }
        }
    }
    for line in &mut lines {
        line.points.sort_by(|p, q| p.0.total_cmp(&q.0));
    }
    let title = format!("{}: {metric} against {}", summary.scenario, axis.path);
    let x_label = format!("{}{x_unit}", axis.path);
    Some(Chart {
        name: format!("{}-vs-{}", file_part(metric), file_part(&axis.path)),
        figure: metric_against_parameter(&title, &x_label, &y_label(metric, unit), &lines),
    })
}

/// A metric value in its chart unit: milliseconds, bytes, percent or a number.
fn shown(value: f64, unit: MetricUnit) -> f64 {
    match unit {
        MetricUnit::Duration => value / 1e6,
        MetricUnit::Fraction => value * 100.0,
        MetricUnit::Bytes | MetricUnit::Number => value,
    }
}

fn y_label(metric: &str, unit: MetricUnit) -> String {
    match unit {
        MetricUnit::Duration => format!("{metric} (ms)"),
        MetricUnit::Bytes => format!("{metric} (bytes)"),
        MetricUnit::Fraction => format!("{metric} (%)"),
        MetricUnit::Number => metric.to_string(),
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
    type Pick = fn(&crate::metrics::series::TimeSeries, usize) -> Option<f64>;
    let charts: [(&str, &str, &str, Pick); 4] = [
        (
            "connections-over-time",
            "open connections",
            "connections",
            |s, i| Some(s.connections[i] as f64),
        ),
        (
            "requests-over-time",
            "requests per second",
            "requests/s",
            |s, i| Some(s.requests[i] as f64),
        ),
        (
            "cpu-over-time",
            "server CPU",
            "CPU utilisation (%)",
            |s, i| s.cpu_utilisation.get(i).map(|u| u * 100.0),
        ),
        (
            "latency-over-time",
            "mean delivery latency",
            "latency (ms)",
            |s, i| s.latency_mean_ms.get(i).copied().flatten(),
        ),
    ];
    let mut out = Vec::new();
    for (name, what, y_label, pick) in charts {
        let lines: Vec<Line> = runs
            .iter()
            .enumerate()
            .map(|(v, run)| Line {
                label: run.label.clone(),
                colour: v,
                points: (0..run.series.connections.len())
                    .filter_map(|i| pick(&run.series, i).map(|y| (i as f64, y)))
                    .collect(),
            })
            .collect();
        let title = format!("{scenario}: {what} over time");
        out.push(Chart {
            name: name.to_string(),
            figure: metric_against_parameter(&title, "simulated time (s)", y_label, &lines),
        });
    }
    out
}
