//! A recommendation as `recommendation.md` and `recommendation.json`: the winner, every
//! candidate with pass or fail per objective and the figure behind it, why each loser
//! lost, where the answer changes along the clients' send rate, and when nothing passes the
//! nearest miss and the cheapest change that makes it pass. Fixed order and number
//! formatting: the same recommendation gives the same bytes.

use serde::Serialize;

use super::judge::{self, Judged};
use super::requirements::{Goal, Requirements};
use super::{Flip, NearestMiss, Recommendation};
use crate::metrics::interval::Interval;
use crate::report::{human_bytes, human_ms};

/// A figure in its unit, for people: the metric's base unit turned into ms, bytes, % or $.
pub fn show(metric: &str, value: f64) -> String {
    match metric {
        judge::MONTHLY_COST => crate::report::cost::human_usd(value),
        "latency.p99" | "messages.to_server_p99" => human_ms(value / 1e6),
        "bytes_per_client_hour" => human_bytes(value),
        "delivered_share" | "cpu_utilisation" => format!("{:.2}%", value * 100.0),
        "energy.joules_per_client_hour" => format!("{value:.1} J"),
        _ => format!("{value}"),
    }
}

fn show_interval(metric: &str, i: &Interval) -> String {
    format!("{} ± {}", show(metric, i.mean), show(metric, i.half_width))
}

#[derive(Serialize)]
struct Json<'a> {
    requirements: &'a str,
    description: &'a str,
    seed: u64,
    replications: u32,
    clients: u32,
    client_kind: super::requirements::ClientKind,
    winner: Option<&'a str>,
    /// Passing candidates, best first.
    ranking: Vec<&'a str>,
    candidates: Vec<JsonCandidate<'a>>,
    what_would_change: &'a [Flip],
    probes: Vec<JsonProbe<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    nearest_miss: Option<&'a NearestMiss>,
}

#[derive(Serialize)]
struct JsonCandidate<'a> {
    #[serde(flatten)]
    judged: &'a Judged,
    why_not: String,
}

#[derive(Serialize)]
struct JsonProbe<'a> {
    client_sends_per_hour: u64,
    winner: Option<&'a str>,
}

/// `recommendation.json`.
pub fn json(req: &Requirements, rec: &Recommendation) -> String {
    let winner = rec.round.winner();
    let doc = Json {
        requirements: &req.name,
        description: &req.description,
        seed: req.seed,
        replications: req.replications,
        clients: req.count,
        client_kind: req.kind,
        winner: winner.map(|w| w.candidate.label.as_str()),
        ranking: rec
            .round
            .ranking
            .iter()
            .map(|&i| rec.round.judged[i].candidate.label.as_str())
            .collect(),
        candidates: rec
            .round
            .judged
            .iter()
            .map(|j| JsonCandidate {
                judged: j,
                why_not: why_not(j, winner, req),
            })
            .collect(),
        what_would_change: &rec.flips,
        probes: rec
            .probes
            .iter()
            .map(|(rate, w)| JsonProbe {
                client_sends_per_hour: *rate,
                winner: w.as_deref(),
            })
            .collect(),
        nearest_miss: rec.nearest_miss.as_ref(),
    };
    let mut text = serde_json::to_string_pretty(&doc).expect("a recommendation serializes");
    text.push('\n');
    text
}

fn why_not(j: &Judged, winner: Option<&Judged>, req: &Requirements) -> String {
    if winner.is_some_and(|w| w.candidate.label == j.candidate.label) {
        return String::new();
    }
    judge::why_lost(j, winner, &req.objectives, &show)
}

fn per_second(per_hour: u64) -> String {
    let s = per_hour as f64 / 3600.0;
    if s >= 10.0 {
        format!("{s:.0}/s")
    } else if s >= 0.1 {
        format!("{s:.2}/s")
    } else {
        format!("{per_hour}/h")
    }
}

/// One sentence for a flip.
pub fn flip_sentence(f: &Flip) -> String {
    let to = f
        .new_winner
        .as_deref()
        .unwrap_or("nothing (no candidate passes)");
    if f.at_per_hour > f.from_per_hour && f.last_same_per_hour == 0 {
        // The bisection's finest step sending still flips it: the winner holds only while
        // nothing is sent (a webhook has no way up at all).
        format!(
            "`{}` wins only while the clients do not send; at {} per client, {to} wins.",
            f.winner,
            per_second(f.at_per_hour)
        )
    } else if f.at_per_hour > f.from_per_hour {
        format!(
            "`{}` wins up to a client send rate of {} per client; from {} on, {to} wins.",
            f.winner,
            per_second(f.last_same_per_hour),
            per_second(f.at_per_hour)
        )
    } else {
        format!(
            "`{}` wins down to a client send rate of {} per client; at {} or less, {to} wins.",
            f.winner,
            per_second(f.last_same_per_hour),
            per_second(f.at_per_hour)
        )
    }
}

/// `recommendation.md`.
pub fn markdown(req: &Requirements, rec: &Recommendation) -> String {
    let winner = rec.round.winner();
    let mut out = format!("# Recommendation: {}\n\n", req.name);
    if !req.description.is_empty() {
        out.push_str(req.description.trim());
        out.push_str("\n\n");
    }
    out.push_str(&format!(
        "{} {} clients; {} replications of every candidate (seed {}); limits judged on the \
         95% confidence bound nearer failing; monthly cost for 730 hours at the window's \
         rates, at the requirements' prices.\n\n",
        req.count,
        serde_json::to_string(&req.kind)
            .expect("a kind")
            .trim_matches('"'),
        req.replications,
        req.seed
    ));
    match winner {
        Some(w) => out.push_str(&format!(
            "**Winner: `{}`** ({}, simplicity rank {}), {} a month.\n\n",
            w.candidate.label,
            w.candidate.mechanism,
            w.candidate.simplicity,
            show_interval(judge::MONTHLY_COST, &w.monthly_cost)
        )),
        None => out.push_str("**No candidate meets every limit.**\n\n"),
    }
    out.push_str("| candidate | mechanism | simplicity | monthly cost |");
    for o in &req.objectives {
        out.push_str(&format!(" {} ({}) |", o.name, o.written));
    }
    out.push_str(" verdict |\n|---|---|---:|---:|");
    for _ in &req.objectives {
        out.push_str("---:|");
    }
    out.push_str("---|\n");
    let place = |i: usize| rec.round.ranking.iter().position(|&r| r == i);
    for (i, j) in rec.round.judged.iter().enumerate() {
        out.push_str(&format!(
            "| {} | {} | {} | {} |",
            j.candidate.label,
            j.candidate.mechanism,
            j.candidate.simplicity,
            show_interval(judge::MONTHLY_COST, &j.monthly_cost)
        ));
        for (o, v) in req.objectives.iter().zip(&j.verdicts) {
            let figure = v
                .figure
                .map_or("not measured".to_string(), |f| show_interval(o.metric, &f));
            let mark = match o.goal {
                Goal::Minimise => "",
                _ if v.passed => " pass",
                _ => " **fail**",
            };
            out.push_str(&format!(" {figure}{mark} |"));
        }
        let verdict = match place(i) {
            Some(0) => "winner".to_string(),
            Some(p) => format!("passes, ranked {}", p + 1),
            None => "fails".to_string(),
        };
        out.push_str(&format!(" {verdict} |\n"));
    }
    out.push_str("\n## Why the others lost\n\n");
    for j in &rec.round.judged {
        if winner.is_some_and(|w| w.candidate.label == j.candidate.label) {
            continue;
        }
        out.push_str(&format!(
            "- `{}`: {}\n",
            j.candidate.label,
            why_not(j, winner, req)
        ));
    }
    out.push_str("\n## What would change the answer\n\n");
    if winner.is_some() {
        if rec.flips.is_empty() {
            let rates: Vec<String> = rec.probes.iter().map(|(r, _)| per_second(*r)).collect();
            out.push_str(&format!(
                "The winner stays the same at every client send rate probed ({}).\n",
                rates.join(", ")
            ));
        }
        for f in &rec.flips {
            out.push_str(&format!("- {}\n", flip_sentence(f)));
        }
    }
    if let Some(miss) = &rec.nearest_miss {
        out.push_str(&format!(
            "Nothing passes. The nearest miss is `{}` (its worst bound is {:.0}% of its limit).\n\n",
            miss.label,
            miss.worst_excess * 100.0
        ));
        for f in &miss.fixes {
            out.push_str(&format!(
                "- with {}: {} ({} a month)\n",
                f.change,
                if f.passes { "passes" } else { "still fails" },
                crate::report::cost::human_usd(f.monthly_cost_usd)
            ));
        }
        match &miss.cheapest_fix {
            Some(fix) => out.push_str(&format!(
                "\nThe cheapest change that makes `{}` pass: {fix}.\n",
                miss.label
            )),
            None => out.push_str("\nNo single change tried makes it pass.\n"),
        }
    }
    out.push_str(
        "\nSimplicity ranks (1 simplest): short polling 1, SSE over HTTP/1.1 2, SSE over \
         HTTP/2 3, long polling 4, WebSocket 5, WebSocket with a fallback 6, gRPC streaming 7 \
         (see docs/recommend.md). Figures whose confidence intervals overlap count as equal.\n",
    );
    out
}

/// `recommendation.svg`: every candidate's p99 latency against its monthly cost, with
/// their 95 % intervals; the legend marks the winner and the failures.
pub fn chart(req: &Requirements, rec: &Recommendation) -> crate::plot::Figure {
    let winner = rec.round.winner().map(|w| w.candidate.label.as_str());
    let points: Vec<crate::plot::FrontierPoint> = rec
        .round
        .judged
        .iter()
        .enumerate()
        .map(|(i, j)| crate::plot::FrontierPoint {
            label: if Some(j.candidate.label.as_str()) == winner {
                format!("{} (winner)", j.candidate.label)
            } else if j.passed {
                j.candidate.label.clone()
            } else {
                format!("{} (fails)", j.candidate.label)
            },
            colour: i,
            bytes: j.monthly_cost.mean,
            p99_ms: j.latency_p99.map(|l| l.mean / 1e6),
            bytes_interval: Some((j.monthly_cost.low(), j.monthly_cost.high())),
            p99_interval_ms: j.latency_p99.map(|l| (l.low() / 1e6, l.high() / 1e6)),
        })
        .collect();
    crate::plot::cost_frontier(
        &format!("{}: p99 latency against monthly cost", req.name),
        &points,
    )
}
