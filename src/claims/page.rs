//! The claims page (`docs/claims.md`) as Markdown: a summary of the verdicts, the documents,
//! and per topic each claim with its sources, the figures rtsim measured and the verdict.
//!
//! Owns: the page's text, deterministic for the same findings. Does not own: the
//! findings ([`super::evaluate`]).

use std::fmt::Write as _;

use super::evaluate::{Finding, Point};
use super::judge::{Outcome, Statement, Verdict, shown};
use super::{Claim, Claims, Evidence, Topic};

/// The page for `claims` and their `findings` (in the same order). `claims_file` is the
/// claims file as the page names it, `link_prefix` the path from the page's folder to the
/// claims file's folder (`../claims/`).
pub fn render(
    claims: &Claims,
    findings: &[Finding],
    claims_file: &str,
    link_prefix: &str,
) -> String {
    let mut out = String::new();
    let w = &mut out;
    let _ = writeln!(w, "# Claims, and what rtsim measures\n");
    let _ = writeln!(
        w,
        "<!-- Written by `rtsim claims` from `{claims_file}`: do not edit by hand; \
         `rtsim claims --check` (run by the tests) fails when this page is stale. -->\n"
    );
    let _ = writeln!(
        w,
        "The comparisons of polling, long polling, SSE, WebSocket, gRPC and webhooks that \
         people read before they choose make claims about latency, bandwidth, server load, \
         scale, proxies, phones and more. This page lists every claim of those documents \
         and, for each, the scenario and the figure rtsim measures for it and the verdict:\n"
    );
    let _ = writeln!(
        w,
        "- **supports**: the figures show what the claim says, beyond the margin and the \
         noise of the replications;\n\
         - **contradicts**: they show the opposite, or no difference that matters;\n\
         - **depends**: the claim holds for some values of an input and not for others; \
         the page names the values between which it flips;\n\
         - **not measurable**: a simulation cannot measure it (browser support, how easy \
         code is to write or debug); the entry says why and where the answer is found.\n"
    );
    let _ = writeln!(
        w,
        "How a statement is judged: every scenario runs each variant over several \
         replications (independent seeds). A comparison of two variants is *paired*: in each \
         replication both ran over the same events, so the verdict reads the 95 % confidence \
         interval (Student t) of the per-replication difference. A difference smaller than \
         the claim's margin (5 % of the compared figure unless the claim says otherwise: the \
         widest tolerance rtsim's validation accepts against theory) is no difference. A \
         threshold is met or missed only when the whole interval is on one side of it. See \
         [Replications and confidence intervals](replications.md).\n"
    );
    let _ = writeln!(
        w,
        "The verdicts are about the scenario named with each claim, with its stated inputs: \
         where a claim depends on an input, the `over` rows show it. Regenerate the page \
         with `rtsim claims` after a change to the model or to `{claims_file}`.\n"
    );

    // Summary.
    let count = |word: &str| findings.iter().filter(|f| verdict_word(f) == word).count();
    let _ = writeln!(w, "| verdict | claims |\n|---|---|");
    for word in ["supports", "contradicts", "depends", "not measurable"] {
        let _ = writeln!(w, "| {word} | {} |", count(word));
    }
    let _ = writeln!(w, "| all | {} |\n", findings.len());

    let _ = writeln!(w, "## The documents\n");
    let _ = writeln!(w, "| key | document | file |\n|---|---|---|");
    for (key, d) in &claims.documents {
        let _ = writeln!(w, "| `{key}` | {} | `{}` |", d.title, d.file);
    }
    let _ = writeln!(w);

    let mut topics: Vec<Topic> = claims.claims.iter().map(|c| c.topic).collect();
    topics.sort();
    topics.dedup();
    for topic in topics {
        let _ = writeln!(w, "## {}\n", topic.title());
        for (claim, finding) in claims.claims.iter().zip(findings) {
            if claim.topic == topic {
                entry(w, claims, claim, finding, link_prefix);
            }
        }
    }
    out
}

fn verdict_word(f: &Finding) -> &'static str {
    match f {
        Finding::Measured { verdict, .. } => verdict.word(),
        Finding::NotMeasurable => "not measurable",
    }
}

fn entry(w: &mut String, claims: &Claims, claim: &Claim, finding: &Finding, link_prefix: &str) {
    let _ = writeln!(w, "### `{}`: {}\n", claim.id, verdict_word(finding));
    let _ = writeln!(w, "> {}\n", claim.says.trim());
    let titles: Vec<&str> = claim
        .sources
        .iter()
        .map(|s| claims.documents[s].title.as_str())
        .collect();
    let _ = writeln!(w, "Said in: {}.\n", titles.join("; "));
    match (&claim.evidence, finding) {
        (Evidence::NotMeasurable(n), _) => {
            let _ = writeln!(w, "Not measurable: {}\n", n.why.trim());
            let _ = writeln!(w, "Source: {}\n", n.source.trim());
        }
        (
            Evidence::Measured(m),
            Finding::Measured {
                statement,
                replications,
                points,
                verdict,
            },
        ) => {
            let set = if m.set.is_empty() {
                String::new()
            } else {
                format!(
                    " with {}",
                    m.set
                        .iter()
                        .map(|s| format!("`{s}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            let margin = match statement {
                Statement::Compare { .. } => format!(", margin {}", percent(m.margin)),
                Statement::Threshold { .. } => String::new(),
            };
            let _ = writeln!(
                w,
                "Measured: `{}` in [`{}`]({link_prefix}{}){set}, {replications} replications{margin}.\n",
                m.holds, m.scenario, m.scenario
            );
            table(
                w,
                statement,
                points,
                m.over.as_ref().map(|o| o.field.as_str()),
            );
            let _ = match verdict {
                Verdict::Supports => writeln!(w, "Verdict: **supports**.\n"),
                Verdict::Contradicts => writeln!(w, "Verdict: **contradicts**.\n"),
                Verdict::Depends {
                    flips_between: (a, b),
                } => writeln!(
                    w,
                    "Verdict: **depends** on `{}`: the outcome changes between {a} and {b}.\n",
                    m.over.as_ref().map_or("", |o| o.field.as_str())
                ),
            };
            if let Some(note) = &m.note {
                let _ = writeln!(w, "{}\n", note.trim());
            }
        }
        (Evidence::Measured(_), Finding::NotMeasurable) => {
            unreachable!("a measured claim has a measured finding")
        }
    }
}

/// Writes one table row's cells for a point.
type Cells = fn(&Statement, &Point, &str) -> String;

fn table(w: &mut String, statement: &Statement, points: &[Point], axis: Option<&str>) {
    let metric = statement.metric();
    let (head, cells): (String, Cells) = match statement {
        Statement::Compare { left, right, .. } => (
            format!(
                "| {} | {} | difference | outcome |\n|---|---|---|---|",
                left.label, right.label
            ),
            |_, p, metric| {
                format!(
                    "| {} | {} | {} | {} |",
                    pm(p.reading.left.mean, p.reading.left.half_width, metric),
                    pm(p.reading.right.mean, p.reading.right.half_width, metric),
                    signed(
                        p.reading.difference.mean,
                        p.reading.difference.half_width,
                        metric
                    ),
                    outcome(p.reading.outcome)
                )
            },
        ),
        Statement::Threshold { left, .. } => (
            format!("| {} | outcome |\n|---|---|", left.label),
            |_, p, metric| {
                format!(
                    "| {} | {} |",
                    pm(p.reading.left.mean, p.reading.left.half_width, metric),
                    match p.reading.outcome {
                        Outcome::Holds => "holds",
                        Outcome::Fails => "does not hold",
                        Outcome::NoDifference => "not shown: the interval straddles the limit",
                    }
                )
            },
        ),
    };
    match axis {
        None => {
            let _ = writeln!(w, "{head}");
            let _ = writeln!(w, "{}\n", cells(statement, &points[0], metric));
        }
        Some(field) => {
            let mut lines = head.lines();
            let _ = writeln!(w, "| `{field}` {}", lines.next().unwrap_or_default());
            let _ = writeln!(w, "|---{}", lines.next().unwrap_or_default());
            for p in points {
                let _ = writeln!(
                    w,
                    "| {} {}",
                    p.value.as_deref().unwrap_or_default(),
                    cells(statement, p, metric)
                );
            }
            let _ = writeln!(w);
        }
    }
}

fn pm(mean: f64, half_width: f64, metric: &str) -> String {
    format!("{} ± {}", shown(mean, metric), shown(half_width, metric))
}

fn signed(mean: f64, half_width: f64, metric: &str) -> String {
    let sign = if mean < 0.0 { "−" } else { "+" };
    format!(
        "{sign}{} ± {}",
        shown(mean.abs(), metric),
        shown(half_width, metric)
    )
}

fn outcome(o: Outcome) -> &'static str {
    match o {
        Outcome::Holds => "holds",
        Outcome::Fails => "the opposite holds",
        Outcome::NoDifference => "no difference",
    }
}

fn percent(share: f64) -> String {
    let p = share * 100.0;
    if p.fract() == 0.0 {
        format!("{p:.0} %")
    } else {
        format!("{p} %")
    }
}
