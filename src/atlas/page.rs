//! The atlas page (`docs/atlas.md`) as Markdown: a table of every use case with its
//! scenario and one-line answer, then per use case its question, the documents that name
//! it, its chart, the figures of every variant and how the answer was derived (or why it
//! has no scenario yet).
//!
//! Owns: the page's text, deterministic for the same findings. Does not own: the findings
//! ([`super::evaluate`]) nor how a figure is shown ([`crate::claims::judge::shown`], shared
//! with the claims page).

use std::fmt::Write as _;

use super::answer::Answer;
use super::{Atlas, Finding, UseCase};
use crate::claims::judge::{DEFAULT_MARGIN, shown};
use crate::metrics::interval::Interval;

/// The page for `atlas` and its `findings` (in the same order). `atlas_file` is the atlas
/// file as the page names it, `link_prefix` the path from the page's folder to the atlas
/// file's folder (`../atlas/`).
pub fn render(
    atlas: &Atlas,
    findings: &[Option<Finding>],
    atlas_file: &str,
    link_prefix: &str,
) -> String {
    let mut out = String::new();
    let w = &mut out;
    let _ = writeln!(w, "# The use-case atlas\n");
    let _ = writeln!(
        w,
        "<!-- Written by `rtsim atlas` from `{atlas_file}`: do not edit by hand; \
         `rtsim atlas --check` (run by the tests) fails when this page is stale. -->\n"
    );
    let _ = writeln!(
        w,
        "The comparisons people read before they choose a transport name the products they \
         have in mind: chat, games, live dashboards, tickers, notifications. This page takes \
         each of those use cases, the example scenario that asks its question, one of its \
         charts, and the answer rtsim's run gives.\n"
    );
    let _ = writeln!(
        w,
        "How an answer is derived (not typed in): each use case names the figures that \
         matter for it, in order. Every variant of its scenario runs over several \
         replications (independent seeds). On the first figure the variant with the best \
         mean leads; any other variant whose paired difference from the leader is within \
         {} of the leader's figure or within the noise of the replications (the 95 % \
         confidence interval of the per-replication difference straddles zero) ties with \
         it, as on the [claims page](claims.md). The next figure is read among the leader \
         and its ties only, and so on. When variants still tie after the last figure, the \
         answer is the simplest of them, by `rtsim recommend`'s [simplicity \
         rank](recommend.md#the-simplicity-rank) (a variant of several channels ranks as its \
         hardest channel, then by how many it runs; on equal ranks, the last leader): the \
         figures cannot tell them apart, so the one with less to build and run is the \
         better choice.\n",
        percent(DEFAULT_MARGIN)
    );
    let _ = writeln!(
        w,
        "The answers are about the scenarios as written (their client counts, rates and \
         links; some run here scaled down with the overrides shown): change an input that \
         matters and the answer may change. The charts are the gallery's \
         (`tools/regenerate-plots.sh`), drawn from the scenario as written.\n"
    );

    let _ = writeln!(w, "| use case | scenario | answer |\n|---|---|---|");
    for (u, f) in atlas.use_cases.iter().zip(findings) {
        let (scenario, answer) = match (&u.scenario, f) {
            (Some(m), Some(f)) => (
                format!(
                    "[`{}`]({})",
                    file_name(&m.scenario),
                    link(link_prefix, &m.scenario)
                ),
                one_line(&f.answer),
            ),
            _ => ("—".to_string(), "not modelled yet".to_string()),
        };
        let _ = writeln!(
            w,
            "| [{}](#{}) | {scenario} | {answer} |",
            u.title,
            anchor(&u.title)
        );
    }
    let _ = writeln!(w);

    for (u, f) in atlas.use_cases.iter().zip(findings) {
        entry(w, atlas, u, f.as_ref(), link_prefix);
    }

    let _ = writeln!(w, "## The documents\n");
    let _ = writeln!(w, "| key | document | file |\n|---|---|---|");
    for (key, d) in &atlas.documents {
        let _ = writeln!(w, "| `{key}` | {} | `{}` |", d.title, d.file);
    }
    out
}

/// The answer in one line: the winner, then each figure read in turn: the winner's value
/// on it, or the leader's when the winner only tied with it, and what it tied with.
pub fn one_line(answer: &Answer) -> String {
    let winner = answer.winner();
    let mut line = format!("**{winner}**: ");
    for (k, step) in answer.steps.iter().enumerate() {
        if k > 0 {
            line.push_str("; of those, ");
        }
        let value = pm(&step.interval, &step.criterion.metric);
        if step.leader == winner {
            let _ = write!(line, "{} ({value})", step.criterion.words());
            if !step.tied.is_empty() {
                let _ = write!(line, ", tied with {}", names(&step.tied));
            }
        } else {
            let others: Vec<String> = step
                .tied
                .iter()
                .filter(|l| *l != winner)
                .cloned()
                .chain(std::iter::once(step.leader.clone()))
                .collect();
            let _ = write!(
                line,
                "tied on {} ({value} for **{}**) with {}",
                step.criterion.words(),
                step.leader,
                names(&others)
            );
        }
    }
    if let Some(simplest) = &answer.simplest {
        let _ = write!(
            line,
            "; of those, the simplest ({})",
            simplest.simplicity.words()
        );
    }
    line
}

fn entry(w: &mut String, atlas: &Atlas, u: &UseCase, f: Option<&Finding>, link_prefix: &str) {
    let _ = writeln!(w, "## {}\n", u.title);
    let _ = writeln!(w, "> {}\n", u.asks.trim());
    let titles: Vec<&str> = u
        .named_by
        .iter()
        .map(|k| atlas.documents[k].title.as_str())
        .collect();
    let _ = writeln!(w, "Named in: {}.\n", titles.join("; "));
    let (Some(m), Some(f)) = (&u.scenario, f) else {
        let why = u.not_modelled.as_ref().map_or("", |n| n.why.trim());
        let _ = writeln!(w, "**Not modelled yet.** {why}\n");
        return;
    };
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
    let _ = writeln!(
        w,
        "Scenario: [`{}`]({}){set}, {} replications.\n",
        file_name(&m.scenario),
        link(link_prefix, &m.scenario),
        f.replications
    );
    let _ = writeln!(
        w,
        "![{}: {}]({})\n",
        u.title,
        file_name(&m.chart),
        link(link_prefix, &m.chart)
    );
    let columns = m.columns();
    let _ = writeln!(
        w,
        "| variant | {} |",
        columns
            .iter()
            .map(|c| format!("`{c}`"))
            .collect::<Vec<_>>()
            .join(" | ")
    );
    let _ = writeln!(w, "|---{}|", "|---".repeat(columns.len()));
    for (label, cells) in &f.rows {
        let cells: Vec<String> = cells
            .iter()
            .zip(&columns)
            .map(|(c, metric)| c.as_ref().map_or("—".to_string(), |i| pm(i, metric)))
            .collect();
        let _ = writeln!(w, "| {label} | {} |", cells.join(" | "));
    }
    let _ = writeln!(w);
    for (k, step) in f.answer.steps.iter().enumerate() {
        let among = if k == 0 {
            "every variant".to_string()
        } else {
            "those".to_string()
        };
        let ties = if step.tied.is_empty() {
            "every other is worse beyond the margin and the noise".to_string()
        } else {
            format!("{} cannot be told from it", names(&step.tied))
        };
        let without = if step.without.is_empty() {
            String::new()
        } else {
            format!(" (no value of it: {})", names(&step.without))
        };
        let _ = writeln!(
            w,
            "{}. {} among {among}{without}: **{}** ({}); {ties}.",
            k + 1,
            capitalised(&step.criterion.words()),
            step.leader,
            pm(&step.interval, &step.criterion.metric)
        );
    }
    if let Some(simplest) = &f.answer.simplest {
        let _ = writeln!(
            w,
            "{}. The simplest of those, by `rtsim recommend`'s rank: **{}** ({}).",
            f.answer.steps.len() + 1,
            simplest.label,
            simplest.simplicity.words()
        );
    }
    let _ = writeln!(w, "\nAnswer: {}.\n", one_line(&f.answer));
    if let Some(note) = &m.note {
        let _ = writeln!(w, "{}\n", note.trim());
    }
}

/// The anchor GitHub and mdBook give a heading: lowercase letters, digits, `-` and `_`
/// kept, spaces made dashes, everything else dropped.
fn anchor(heading: &str) -> String {
    heading
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

fn names(labels: &[String]) -> String {
    labels
        .iter()
        .map(|l| format!("**{l}**"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map_or(String::new(), |c| c.to_uppercase().chain(chars).collect())
}

fn pm(interval: &Interval, metric: &str) -> String {
    format!(
        "{} ± {}",
        shown(interval.mean, metric),
        shown(interval.half_width, metric)
    )
}

fn percent(share: f64) -> String {
    format!("{:.0} %", share * 100.0)
}

fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// `prefix` joined with `path` and `..` folded away lexically: `../atlas/` and
/// `../scenarios/chat.yaml` give `../scenarios/chat.yaml`.
pub fn link(prefix: &str, path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in prefix.split('/').chain(path.split('/')) {
        match part {
            "" | "." => {}
            ".." if parts.last().is_some_and(|p| *p != "..") => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchors_are_the_headings_as_github_writes_them() {
        assert_eq!(anchor("CI/CD live logs"), "cicd-live-logs");
        assert_eq!(
            anchor("Live feeds (news, scores, activity)"),
            "live-feeds-news-scores-activity"
        );
    }

    #[test]
    fn links_fold_parent_folders() {
        assert_eq!(
            link("../atlas/", "../scenarios/chat.yaml"),
            "../scenarios/chat.yaml"
        );
        assert_eq!(link("", "scenarios/chat.yaml"), "scenarios/chat.yaml");
        assert_eq!(link("../../", "../x.svg"), "../../../x.svg");
    }
}
