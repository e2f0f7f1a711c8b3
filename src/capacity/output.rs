//! A capacity search as `capacity.md`, `capacity.json` and the chart `capacity.svg`: the
//! answer for each variant, the figure just below (or above) it and at it, every probe with
//! its figure and verdict, and when the probes are not monotone, which ones disagree.
//! Fixed order and number formatting: the same search gives the same bytes.

use super::search::Find;
use super::{Capacity, Outcome, Probe, Question, VariantCapacity, bound};
use crate::metrics::interval::Interval;
use crate::metrics::registry::MetricUnit;
use crate::plot::{Figure, Line, LinesFigure, Mark, Panel, Scale};
use crate::recommend::judge::MONTHLY_COST;
use crate::recommend::output::show;

fn show_interval(metric: &str, i: &Interval) -> String {
    format!("{} ± {}", show(metric, i.mean), show(metric, i.half_width))
}

/// A probe's figure and bound in words, or why it has none.
fn figure_text(q: &Question, p: &Probe) -> String {
    let metric = q.objective.metric;
    let mut text = match &p.figure {
        Some(f) => format!(
            "{} (bound {})",
            show_interval(metric, f),
            show(metric, bound(q.objective.goal, f))
        ),
        None => "not measured".to_string(),
    };
    if !p.complete {
        text.push_str("; a run stopped before the end (saturated)");
    }
    text
}

fn verdict(p: &Probe) -> &'static str {
    if p.passed { "meets" } else { "**fails**" }
}

/// What the search looks for, in words.
fn sought(q: &Question) -> &'static str {
    match q.find {
        Find::Smallest => "the smallest value",
        Find::Largest => "the largest value",
    }
}

/// One sentence on a variant's outcome.
pub fn sentence(c: &Capacity, v: &VariantCapacity) -> String {
    let q = &c.question;
    let axis = &q.axis;
    match &v.outcome {
        Outcome::Answer(value) => {
            let at = v.probes.iter().find(|p| p.value == *value);
            let neighbour = match q.find {
                Find::Smallest => value.checked_sub(1),
                Find::Largest => value.checked_add(1),
            };
            let beyond = neighbour.and_then(|n| v.probes.iter().find(|p| p.value == n));
            let mut s = format!(
                "`{}`: {axis} = {} meets {} {}",
                v.label,
                q.written(*value),
                q.objective.name,
                q.objective.written
            );
            if let Some(at) = at {
                s.push_str(&format!(" ({})", figure_text(q, at)));
            }
            match beyond {
                Some(b) => s.push_str(&format!(
                    "; {} does not ({}).",
                    q.written(b.value),
                    figure_text(q, b)
                )),
                None => s.push_str(&format!(
                    "; it is the {} bound, so the true answer may lie beyond it.",
                    if q.find == Find::Smallest {
                        "lower"
                    } else {
                        "upper"
                    }
                )),
            }
            s
        }
        Outcome::NoneMeets => {
            let best = match q.find {
                Find::Smallest => q.to,
                Find::Largest => q.from,
            };
            let figure = v
                .probes
                .iter()
                .find(|p| p.value == best)
                .map(|p| figure_text(q, p))
                .unwrap_or_default();
            format!(
                "`{}`: no value of {axis} from {} to {} meets {} {}: at {}, the best end, {figure}.",
                v.label,
                q.written(q.from),
                q.written(q.to),
                q.objective.name,
                q.objective.written,
                q.written(best)
            )
        }
        Outcome::NotMonotone(pairs) => {
            let name = q.objective.name;
            let figure = |value: u64| {
                v.probes
                    .iter()
                    .find(|p| p.value == value)
                    .map(|p| figure_text(q, p))
                    .unwrap_or_default()
            };
            let listed: Vec<String> = pairs
                .iter()
                .map(|d| {
                    format!(
                        "at {} {} against {} at {}",
                        q.written(d.lower),
                        figure(d.lower),
                        figure(d.higher),
                        q.written(d.higher)
                    )
                })
                .collect();
            format!(
                "`{}`: refused, {name} is not monotone along {axis} ({name} should {} as \
                 {axis} grows), so bisection could return a wrong bound. The probes that \
                 disagree: {}.",
                v.label,
                match q.find {
                    Find::Smallest => "get no worse",
                    Find::Largest => "get no better",
                },
                listed.join("; ")
            )
        }
    }
}

/// `capacity.md`.
pub fn markdown(c: &Capacity) -> String {
    let q = &c.question;
    let mut out = format!("# Capacity: {}\n\n", c.scenario);
    out.push_str(&format!(
        "{} of `{}` from {} to {} that meets {} {}, by bisection; {} replications at each \
         probe (seed {}); judged on the 95% confidence bound nearer failing, and a run that \
         stopped before the end fails.\n\n",
        capitalised(sought(q)),
        q.axis,
        q.written(q.from),
        q.written(q.to),
        q.objective.name,
        q.objective.written,
        c.replications,
        c.seed
    ));
    out.push_str("| variant | answer | probes |\n|---|---:|---:|\n");
    for v in &c.variants {
        let answer = match &v.outcome {
            Outcome::Answer(value) => format!("**{}**", q.written(*value)),
            Outcome::NoneMeets => "none in the bounds".to_string(),
            Outcome::NotMonotone(_) => "refused: not monotone".to_string(),
        };
        out.push_str(&format!(
            "| {} | {answer} | {} |\n",
            v.label,
            v.probes.len()
        ));
    }
    out.push('\n');
    for v in &c.variants {
        out.push_str(&format!("- {}\n", sentence(c, v)));
    }
    for v in &c.variants {
        out.push_str(&format!(
            "\n## {}\n\n| {} | {} | verdict | probed |\n|---:|---|---|---:|\n",
            v.label, q.axis, q.objective.name
        ));
        for p in v.by_value() {
            let order = v
                .probes
                .iter()
                .position(|o| o.value == p.value)
                .expect("a probe of the variant")
                + 1;
            out.push_str(&format!(
                "| {} | {} | {} | {order} |\n",
                q.written(p.value),
                figure_text(q, p),
                verdict(p)
            ));
        }
    }
    out
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// `capacity.json`.
pub fn json(c: &Capacity) -> String {
    let mut text = serde_json::to_string_pretty(c).expect("a capacity search serializes");
    text.push('\n');
    text
}

/// How the chart shows the objective's metric: the divisor from the base unit, the unit's
/// name and the scale.
fn y_unit(metric: &str) -> (f64, &'static str, Scale) {
    if metric == MONTHLY_COST {
        return (1.0, "US$ a month", Scale::Linear);
    }
    let unit = crate::metrics::registry::METRICS
        .iter()
        .find(|(name, _, _)| *name == metric)
        .map(|(_, unit, _)| *unit)
        .expect("objectives read registry metrics");
    match unit {
        MetricUnit::Duration => (1e6, "ms", Scale::Linear),
        MetricUnit::Fraction => (0.01, "%", Scale::Percent),
        MetricUnit::Bytes => (1e3, "kB", Scale::Linear),
        MetricUnit::Number => (1.0, crate::plot::words::metric(metric).1, Scale::Linear),
    }
}

/// `capacity.svg`: each variant's figure (mean, and its 95 % interval as a band) against
/// the axis at the probed values, the limit as a dashed line, each answer as a vertical
/// mark. Colours follow the variants' order in the scenario.
pub fn chart(c: &Capacity) -> Figure {
    let q = &c.question;
    let metric = q.objective.metric;
    let (divisor, unit, scale) = y_unit(metric);
    let metric_words = if metric == MONTHLY_COST {
        "monthly cost".to_string()
    } else {
        crate::plot::words::metric(metric).0
    };
    let labels: Vec<&str> = c.variants.iter().map(|v| v.label.as_str()).collect();
    let axis_words = crate::plot::words::parameter_of(&q.axis, &labels);
    let with_unit = |words: &str, unit: &str| {
        if unit.is_empty() {
            words.to_string()
        } else {
            format!("{words} ({unit})")
        }
    };
    let lines: Vec<Line> = c
        .variants
        .iter()
        .map(|v| {
            let measured: Vec<(u64, Interval)> = v
                .by_value()
                .into_iter()
                .filter_map(|p| p.figure.map(|f| (p.value, f)))
                .collect();
            Line {
                band: measured
                    .iter()
                    .map(|(x, f)| (*x as f64, f.low() / divisor, f.high() / divisor))
                    .collect(),
                empty_because: Some("measured nothing".into()),
                ..Line::new(
                    &v.label,
                    v.index,
                    measured
                        .iter()
                        .map(|(x, f)| (*x as f64, f.mean / divisor))
                        .collect(),
                )
            }
        })
        .collect();
    let limit = match q.objective.goal {
        crate::recommend::requirements::Goal::Max(l)
        | crate::recommend::requirements::Goal::Min(l) => l,
        crate::recommend::requirements::Goal::Minimise => 0.0,
    };
    let marks: Vec<Mark> = c
        .variants
        .iter()
        .filter_map(|v| {
            v.answer().map(|a| Mark {
                at: a as f64,
                label: format!("{}: {}", v.label, q.written(a)),
            })
        })
        .collect();
    Figure::Lines(
        LinesFigure::new(
            &format!("{}: {metric_words} against {axis_words}", c.scenario),
            (&with_unit(&axis_words, q.unit.trim()), Scale::Linear),
            (&with_unit(&metric_words, unit), scale),
            vec![Panel {
                title: String::new(),
                lines,
            }],
        )
        .with_limit(
            Mark {
                at: limit / divisor,
                label: format!("{} {}", q.objective.name, q.objective.written),
            },
            "Dashed red line: the limit.",
        )
        .with_marks(marks, "Dashed vertical lines: each variant's answer.")
        .with_note(&format!(
            "Lines: the mean over {} replications at each probed value; bands: its 95% \
             confidence interval.",
            c.replications
        )),
    )
}
