//! Which charts a run or a sweep gets, built from saved results (so `rtsim plot` can draw
//! them again without running anything).

use super::{Line, frontier, latency_cdf, metric_against_parameter};
use crate::metrics::RunResult;
use crate::metrics::registry::{self, MetricUnit};
use crate::report::sweep::SweepSummary;
use crate::units::{Bandwidth, ByteSize, Duration};

/// The metrics drawn against every swept parameter: the "at scale" charts.
pub const HEADLINE_METRICS: [&str; 4] = [
    "latency.p99",
    "bytes_per_client_hour",
    "cpu_utilisation",
    "peak_open_connections",
];

/// A file name and its SVG text.
pub type Chart = (String, String);

/// A run's charts: the latency CDF and the tradeoff frontier.
pub fn run_charts(scenario: &str, results: &[RunResult]) -> Result<Vec<Chart>, String> {
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
    Ok(vec![
        (
            "latency-cdf.svg".into(),
            latency_cdf(&format!("{scenario}: delivery latency"), &cdf)?,
        ),
        (
            "frontier.svg".into(),
            frontier(&format!("{scenario}: latency against bytes"), &points)?,
        ),
    ])
}

/// A sweep's charts: each headline metric against each numeric parameter, one line per
/// variant (and per value of the other parameters).
pub fn sweep_charts(summary: &SweepSummary) -> Result<Vec<Chart>, String> {
    let mut charts = Vec::new();
    for (a, axis) in summary.axes.iter().enumerate() {
        let Some((_, x_unit)) = axis.values.first().and_then(|v| numeric(v)) else {
            continue;
        };
        if axis.values.iter().any(|v| numeric(v).is_none()) {
            continue;
        }
        for metric in HEADLINE_METRICS {
            let (unit, read) = registry::metric(metric).expect("headline metrics exist");
            let mut lines: Vec<Line> = Vec::new();
            for point in &summary.points {
                let others: Vec<String> = point
                    .params
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| *i != a)
                    .map(|(_, (p, v))| format!("{p}={v}"))
                    .collect();
                let x = numeric(&point.params[a].1).expect("checked numeric").0;
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
            let name = format!("{}-vs-{}.svg", file_part(metric), file_part(&axis.path));
            let title = format!("{}: {metric} against {}", summary.scenario, axis.path);
            let x_label = format!("{}{x_unit}", axis.path);
            charts.push((
                name,
                metric_against_parameter(&title, &x_label, &y_label(metric, unit), &lines)?,
            ));
        }
    }
    Ok(charts)
}

/// A swept value as a number and the unit its axis is labelled in.
fn numeric(value: &str) -> Option<(f64, &'static str)> {
    if let Ok(x) = value.parse::<f64>() {
        return Some((x, ""));
    }
    if let Ok(d) = value.parse::<Duration>() {
        return Some((d.as_nanos() as f64 / 1e9, " (s)"));
    }
    if let Ok(b) = value.parse::<ByteSize>() {
        return Some((b.bytes() as f64, " (bytes)"));
    }
    if let Ok(b) = value.parse::<Bandwidth>() {
        return Some((b.bits_per_second() as f64, " (bit/s)"));
    }
    None
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
pub fn series_charts(scenario: &str, runs: &[LabelledSeries]) -> Result<Vec<Chart>, String> {
    type Pick = fn(&crate::metrics::series::TimeSeries, usize) -> Option<f64>;
    let charts: [(&str, &str, &str, Pick); 4] = [
        (
            "connections-over-time.svg",
            "open connections",
            "connections",
            |s, i| Some(s.connections[i] as f64),
        ),
        (
            "requests-over-time.svg",
            "requests per second",
            "requests/s",
            |s, i| Some(s.requests[i] as f64),
        ),
        (
            "cpu-over-time.svg",
            "server CPU",
            "CPU utilisation (%)",
            |s, i| s.cpu_utilisation.get(i).map(|u| u * 100.0),
        ),
        (
            "latency-over-time.svg",
            "mean delivery latency",
            "latency (ms)",
            |s, i| s.latency_mean_ms.get(i).copied().flatten(),
        ),
    ];
    let mut out = Vec::new();
    for (file, what, y_label, pick) in charts {
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
        out.push((
            file.to_string(),
            metric_against_parameter(&title, "simulated time (s)", y_label, &lines)?,
        ));
    }
    Ok(out)
}
