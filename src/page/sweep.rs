//! The report of `rtsim sweep` (or of `rtsim merge`, which completes one): built from
//! `sweep.json`, `scenario.yaml` and `provenance.json`. A sweep can have millions of
//! points: its tables show the first [`MAX_ROWS`] points and say where the rest are.

use std::fmt::Write as _;

use super::{Page, PropertyRow, Source, escape, measured, verdict};
use crate::metrics::registry;
use crate::plot::charts::{self, HEADLINE_METRICS};
use crate::report::checks::shown;
use crate::report::sweep::SweepSummary;

/// The most points a table of the report lists.
pub const MAX_ROWS: usize = 100;

/// Values of an axis listed before "…".
const MAX_VALUES: usize = 12;

/// The page of a whole sweep (a shard's page would show a slice: the CLI refuses it).
pub fn sweep_report(sweep: &SweepSummary, source: Source) -> String {
    let version = source.provenance.map(|p| p.rtsim.clone());
    let variants: Vec<&str> = sweep
        .points
        .first()
        .map(|p| p.results.iter().map(|r| r.label.as_str()).collect())
        .unwrap_or_default();
    let mut page = Page {
        title: sweep.scenario.clone(),
        subtitle: escape(&format!(
            "sweep of {} point{} × {} transport variant{} · seed {}{}",
            sweep.points_total,
            if sweep.points_total == 1 { "" } else { "s" },
            variants.len(),
            if variants.len() == 1 { "" } else { "s" },
            sweep.seed,
            version
                .as_deref()
                .map_or(String::new(), |v| format!(" · rtsim {v}"))
        )),
        notice: notice(sweep),
        sections: Vec::new(),
        version,
    };
    let description = source.provenance.map_or("", |p| p.description.as_str());
    page.section("question", "Question", super::question(description, source));
    page.section("parameters", "Swept parameters", parameters(sweep));
    page.section("comparison", "Comparison", comparison(sweep, &variants));
    page.section("thresholds", "Thresholds", thresholds(sweep));
    page.section(
        "charts",
        "Charts",
        super::charts(&charts::sweep_charts(sweep)),
    );
    let first = sweep.points.first();
    let mut faults = String::new();
    if let Some(point) = first.filter(|p| p.results.iter().any(|r| !r.faults.is_empty())) {
        let _ = writeln!(
            faults,
            "<p>The faults of point {} ({}); every point's are in <code>sweep.json</code>.</p>",
            point.point,
            escape(&crate::scenario::sweep::describe(&point.params))
        );
    }
    faults.push_str(&super::faults(first.map_or(&[], |p| &p.results), None));
    page.section("faults", "Fault timeline", faults);
    let results = first.map_or(&[][..], |p| &p.results[..]);
    let rows = crate::report::properties::property_rows(results);
    let rows: Vec<PropertyRow> = rows
        .iter()
        .map(|p| PropertyRow {
            property: p.property,
            values: p.values.clone(),
            source: p.source,
        })
        .collect();
    page.section(
        "properties",
        "Transports' properties",
        super::properties(&variants, &rows),
    );
    let extra = "<p>To rerun one point alone, with the same numbers: <code>rtsim run scenario.yaml --point K</code> (with the same <code>--set</code> and <code>--seed</code>).</p>\n";
    page.section(
        "reproduce",
        "Reproduce",
        super::reproduce(
            source,
            &format!(
                "{} (master seed; each point's seed is in <code>sweep.json</code> and <code>sweep.csv</code>)",
                sweep.seed
            ),
            extra,
        ),
    );
    page.finish()
}

/// A warning at the top when a run stopped before the end.
fn notice(sweep: &SweepSummary) -> String {
    let stopped: Vec<String> = sweep
        .points
        .iter()
        .flat_map(|p| {
            p.results.iter().filter_map(move |r| {
                r.stopped.as_ref().map(|s| {
                    format!(
                        "point {} variant `{}` stopped at {:.3} s simulated ({}): {}",
                        p.point,
                        r.label,
                        s.simulated_s,
                        s.reason.as_str(),
                        s.detail
                    )
                })
            })
        })
        .collect();
    if stopped.is_empty() {
        return String::new();
    }
    let mut out = format!(
        "<div class=\"notice\" role=\"note\">\n<p><strong>INCOMPLETE: {} run{} stopped before the end; their figures cover only the time they ran.</strong></p>\n<ul>\n",
        stopped.len(),
        if stopped.len() == 1 { "" } else { "s" }
    );
    for line in stopped.iter().take(MAX_ROWS) {
        let _ = writeln!(out, "<li>{}</li>", escape(line));
    }
    out.push_str("</ul>\n</div>\n");
    out
}

fn parameters(sweep: &SweepSummary) -> String {
    let header = vec!["parameter".to_string(), "values".to_string()];
    let rows: Vec<Vec<String>> = sweep
        .axes
        .iter()
        .map(|axis| {
            let mut values: Vec<String> = axis
                .values
                .iter()
                .take(MAX_VALUES)
                .map(|v| format!("<code>{}</code>", escape(&v)))
                .collect();
            if axis.values.len() > MAX_VALUES {
                values.push(format!("… ({} values)", axis.values.len()));
            }
            vec![
                format!("<code>{}</code>", escape(&axis.path)),
                values.join(", "),
            ]
        })
        .collect();
    let mut out = String::from(
        "<p>Every combination of these values is a point, numbered from 0 with the last parameter changing fastest.</p>\n",
    );
    out.push_str(&super::table(&header, &[], &rows));
    out
}

/// A headline metric in words, for a table's heading.
fn metric_heading(metric: &str) -> &str {
    match metric {
        "latency.p99" => "p99 delivery latency",
        "bytes_per_client_hour" => "bytes per client per hour (both directions)",
        "cpu_utilisation" => "server CPU",
        "peak_open_connections" => "peak open connections",
        other => other,
    }
}

/// One table per headline metric: a row per point, a column per variant.
fn comparison(sweep: &SweepSummary, variants: &[&str]) -> String {
    let mut out = String::new();
    let shown_points = sweep.points.len().min(MAX_ROWS);
    if sweep.points.len() > MAX_ROWS {
        let _ = writeln!(
            out,
            "<p>The first {MAX_ROWS} of {} points; every point is in <code>sweep.csv</code>.</p>",
            sweep.points.len()
        );
    }
    for metric in HEADLINE_METRICS {
        let Some((unit, read)) = registry::metric(metric) else {
            continue;
        };
        let _ = writeln!(
            out,
            "<h3>{} <code>{}</code></h3>",
            escape(metric_heading(metric)),
            escape(metric)
        );
        let mut header = vec!["point".to_string()];
        header.extend(
            sweep
                .axes
                .iter()
                .map(|a| format!("<code>{}</code>", escape(&a.path))),
        );
        header.extend(variants.iter().map(|v| escape(v)));
        let numeric: Vec<bool> = (0..header.len())
            .map(|i| i == 0 || i > sweep.axes.len())
            .collect();
        let rows: Vec<Vec<String>> = sweep.points[..shown_points]
            .iter()
            .map(|point| {
                let mut row = vec![point.point.to_string()];
                row.extend(point.params.iter().map(|(_, v)| escape(v)));
                // With replications: the mean ± the half-width of its 95% interval.
                row.extend(point.results.iter().map(|r| {
                    let interval = point
                        .replications
                        .as_ref()
                        .map(|reps| reps.variant(&r.label).and_then(|v| v.metric(metric)));
                    match interval {
                        Some(Some(i)) => escape(&format!(
                            "{} ± {}",
                            shown(i.mean, unit),
                            shown(i.half_width, unit)
                        )),
                        Some(None) => "-".to_string(),
                        None => read(r).map_or("-".to_string(), |v| escape(&shown(v, unit))),
                    }
                }));
                row
            })
            .collect();
        out.push_str(&super::table(&header, &numeric, &rows));
    }
    out
}

/// Each threshold's verdict over the points: how many passed, and the failures.
fn thresholds(sweep: &SweepSummary) -> String {
    // (assertion, passed, checked), in the order they first appear.
    let mut tally: Vec<(&str, usize, usize)> = Vec::new();
    let mut failures = Vec::new();
    for point in &sweep.points {
        for check in &point.assertions {
            let at = match tally.iter().position(|(a, _, _)| *a == check.assertion) {
                Some(at) => at,
                None => {
                    tally.push((&check.assertion, 0, 0));
                    tally.len() - 1
                }
            };
            tally[at].2 += 1;
            if check.passed {
                tally[at].1 += 1;
            } else {
                failures.push((point, check));
            }
        }
    }
    if tally.is_empty() {
        return "<p class=\"muted\">The scenario sets no thresholds (<code>assert:</code>).</p>\n"
            .to_string();
    }
    let checked: usize = tally.iter().map(|t| t.2).sum();
    let mut out = format!(
        "<p class=\"verdict\">{} <strong>{} of {checked} threshold checks passed</strong> (each threshold on each point).</p>\n",
        verdict(failures.is_empty()),
        checked - failures.len()
    );
    let header: Vec<String> = ["threshold", "points passed", "verdict"]
        .iter()
        .map(|h| h.to_string())
        .collect();
    let rows: Vec<Vec<String>> = tally
        .iter()
        .map(|(assertion, passed, checked)| {
            vec![
                format!("<code>{}</code>", escape(assertion)),
                format!("{passed} of {checked}"),
                verdict(passed == checked).to_string(),
            ]
        })
        .collect();
    out.push_str(&super::table(&header, &[false, true, false], &rows));
    if !failures.is_empty() {
        out.push_str("<h3>Failures</h3>\n");
        if failures.len() > MAX_ROWS {
            let _ = writeln!(
                out,
                "<p>The first {MAX_ROWS} of {}; every verdict is in <code>sweep.json</code>.</p>",
                failures.len()
            );
        }
        let header: Vec<String> = ["point", "parameters", "threshold", "measured"]
            .iter()
            .map(|h| h.to_string())
            .collect();
        let rows: Vec<Vec<String>> = failures
            .iter()
            .take(MAX_ROWS)
            .map(|(point, check)| {
                vec![
                    point.point.to_string(),
                    escape(&crate::scenario::sweep::describe(&point.params)),
                    format!("<code>{}</code>", escape(&check.assertion)),
                    measured(&check.metric, check.value),
                ]
            })
            .collect();
        out.push_str(&super::table(&header, &[true, false, false, true], &rows));
    }
    out
}
