//! The report of `rtsim run`: built from `summary.json` (as read back), `series.json`,
//! `scenario.yaml` and `provenance.json`, so that the run and `rtsim report` write the
//! same bytes.

use std::fmt::Write as _;

use serde::Deserialize;

use super::{Page, PropertyRow, Source, escape, measured, verdict};
use crate::metrics::RunResult;
use crate::plot::charts::{self, LabelledSeries};
use crate::report::checks::CheckOutcome;
use crate::scenario::charts::ChartRequest;

/// `summary.json` as read back: what the report of a run shows. (Keys the report does not
/// use are ignored.)
#[derive(Debug, Clone, Deserialize)]
pub struct SavedRun {
    pub scenario: String,
    pub description: String,
    pub seed: u64,
    pub duration_s: f64,
    pub warmup_s: f64,
    pub clients: u64,
    pub warnings: Vec<String>,
    pub results: Vec<RunResult>,
    /// With more than one replication: the others and every metric's interval.
    #[serde(default)]
    pub replications: Option<crate::replication::Replications>,
    pub assertions: Vec<CheckOutcome>,
    pub properties: Vec<SavedProperty>,
    #[serde(default)]
    pub charts: Option<Vec<ChartRequest>>,
}

/// A documented property as `summary.json` holds it.
#[derive(Debug, Clone, Deserialize)]
pub struct SavedProperty {
    pub property: String,
    pub values: Vec<String>,
    pub source: String,
}

/// The page of a run: `run` is summary.json, `series` series.json (its charts are left
/// out without it).
pub fn run_report(run: &SavedRun, series: Option<&[LabelledSeries]>, source: Source) -> String {
    let version = source.provenance.map(|p| p.rtsim.clone());
    let mut page = Page {
        title: run.scenario.clone(),
        subtitle: escape(&format!(
            "{} clients · {} simulated ({} warmup) · {} transport variant{} · seed {}{}",
            run.clients,
            super::seconds(run.duration_s),
            super::seconds(run.warmup_s),
            run.results.len(),
            if run.results.len() == 1 { "" } else { "s" },
            run.seed,
            version
                .as_deref()
                .map_or(String::new(), |v| format!(" · rtsim {v}"))
        )),
        notice: notice(run),
        sections: Vec::new(),
        version,
    };
    page.section(
        "question",
        "Question",
        super::question(&run.description, source),
    );
    page.section("comparison", "Comparison", comparison(run));
    page.section("thresholds", "Thresholds", thresholds(&run.assertions));
    let mut drawn =
        charts::replicated_run_charts(&run.scenario, &run.results, run.replications.as_ref());
    if let Some(series) = series {
        let faults = run.results.first().map_or(&[][..], |r| &r.faults[..]);
        drawn.extend(charts::series_charts_with_faults(
            &run.scenario,
            series,
            faults,
        ));
    }
    let drawn = charts::chosen(drawn, run.charts.as_deref());
    page.section("charts", "Charts", super::charts(&drawn));
    page.section(
        "faults",
        "Fault timeline",
        super::faults(&run.results, Some((run.duration_s, run.warmup_s))),
    );
    let labels: Vec<&str> = run.results.iter().map(|r| r.label.as_str()).collect();
    let rows: Vec<PropertyRow> = run
        .properties
        .iter()
        .map(|p| PropertyRow {
            property: &p.property,
            values: p.values.iter().map(String::as_str).collect(),
            source: &p.source,
        })
        .collect();
    page.section(
        "properties",
        "Transports' properties",
        super::properties(&labels, &rows),
    );
    if let Some(warnings) = super::warnings(&run.warnings) {
        page.section("warnings", "Warnings", warnings);
    }
    // The variants share the master seed (one event log for all); list them if not.
    let mut seeds = String::new();
    if run.results.iter().any(|r| r.seed != run.seed) {
        seeds.push_str("<p>Each variant's run seed:</p>\n<ul>\n");
        for r in &run.results {
            let _ = writeln!(
                seeds,
                "<li>{}: <code>{}</code></li>",
                escape(&r.label),
                r.seed
            );
        }
        seeds.push_str("</ul>\n");
    }
    let seed_line = if seeds.is_empty() {
        format!(
            "{} (every variant runs with it, over the same events)",
            run.seed
        )
    } else {
        format!("{} (master seed)", run.seed)
    };
    page.section(
        "reproduce",
        "Reproduce",
        super::reproduce(source, &seed_line, &seeds),
    );
    page.finish()
}

/// A warning at the top when a variant stopped before the end.
fn notice(run: &SavedRun) -> String {
    let lines = crate::report::incomplete_lines(&run.results, run.duration_s);
    if lines.is_empty() {
        return String::new();
    }
    let mut out = String::from("<div class=\"notice\" role=\"note\">\n");
    for line in lines {
        let _ = writeln!(out, "<p><strong>{}</strong></p>", escape(&line));
    }
    out.push_str("</div>\n");
    out
}

fn comparison(run: &SavedRun) -> String {
    let mut out = String::from(
        "<p>One column per transport variant, all over the same events and clients. Latency is from an event's creation to its arrival at a client; bytes are per client per hour of the measurement window, by direction and layer.</p>\n",
    );
    let runs = match &run.replications {
        Some(replications) => {
            let _ = writeln!(
                out,
                "<p>Each figure is the mean over {} replications (independent seeds) ± the half-width of its 95% confidence interval (Student's t).</p>",
                replications.count
            );
            replications.all(&run.results)
        }
        None => vec![&run.results[..]],
    };
    out.push_str(&super::comparison(&runs));
    out
}

/// A verdict's measured value; with replications, what it is (`mean`, `bound`) and the
/// interval it comes from.
fn judged(o: &CheckOutcome) -> String {
    let value = measured(&o.metric, o.value);
    match (&o.interval, o.judged_on) {
        (Some(i), Some(on)) => format!(
            "{value} ({} of {} ± {} over {})",
            match on {
                crate::scenario::assertions::On::Mean => "mean",
                crate::scenario::assertions::On::Bound => "95% bound",
            },
            measured(&o.metric, Some(i.mean)),
            measured(&o.metric, Some(i.half_width)),
            i.n
        ),
        (None, Some(crate::scenario::assertions::On::Bound)) => {
            format!("{value} (one run: its value is the bound)")
        }
        _ => value,
    }
}

/// Each threshold with its variant, measured value and verdict.
fn thresholds(outcomes: &[CheckOutcome]) -> String {
    if outcomes.is_empty() {
        return "<p class=\"muted\">The scenario sets no thresholds (<code>assert:</code>).</p>\n"
            .to_string();
    }
    let passed = outcomes.iter().filter(|o| o.passed).count();
    let mut out = format!(
        "<p class=\"verdict\">{} <strong>{passed} of {} thresholds passed.</strong></p>\n",
        super::verdict(passed == outcomes.len()),
        outcomes.len()
    );
    let header: Vec<String> = ["threshold", "variant", "measured", "verdict"]
        .iter()
        .map(|h| h.to_string())
        .collect();
    let rows: Vec<Vec<String>> = outcomes
        .iter()
        .map(|o| {
            vec![
                format!("<code>{}</code>", escape(&o.assertion)),
                escape(&o.label),
                judged(o),
                verdict(o.passed).to_string(),
            ]
        })
        .collect();
    out.push_str(&super::table(&header, &[false, false, true, false], &rows));
    out
}
