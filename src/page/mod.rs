//! `report.html`: one self-contained page per results folder, for a reader who was not
//! there when it ran. It holds the scenario's question and text, the comparison, the
//! thresholds' verdicts with the measured values, every chart (inline SVG), the fault
//! timeline, the transports' documented properties, and the rtsim version, seed and
//! command that reproduce it.
//!
//! Promises:
//! - Self-contained: CSS in a `<style>` element, charts as inline `<svg>`, no `<script>`,
//!   no external resource of any kind; it reads the same with JavaScript off, offline, and
//!   printed.
//! - Deterministic: built only from what the folder's files hold (see [`run`] and
//!   [`sweep`]), so the same results give the same bytes, at any `--jobs`, whether the run
//!   writes it or `rtsim report` rebuilds it; no time, path or host appears in it.
//! - Every text that comes from the scenario (names, labels, descriptions, the file itself)
//!   is HTML-escaped ([`escape`]).

pub mod run;
pub mod sweep;

use std::fmt::Write as _;

use crate::metrics::RunResult;
use crate::plot::Chart;
use crate::report::provenance::{Provenance, SCENARIO_FILE};

pub use run::{SavedRun, run_report};
pub use sweep::sweep_report;

/// The report's file name in a results folder.
pub const REPORT_FILE: &str = "report.html";

/// What a results folder holds besides its results: the scenario text as read and how it
/// was run. Either is `None` in a folder an older rtsim wrote; the report then says so.
#[derive(Debug, Clone, Copy, Default)]
pub struct Source<'a> {
    pub scenario_text: Option<&'a str>,
    pub provenance: Option<&'a Provenance>,
}

/// `text` with `&`, `<`, `>`, `"` and `'` replaced by their character references: safe as
/// element content and inside a quoted attribute.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Escaped `text` with each pair of backticks turned into `<code>` (as the scenarios'
/// comments and descriptions mark names); an unpaired backtick stays as it is.
fn prose(text: &str) -> String {
    let parts: Vec<&str> = text.split('`').collect();
    let paired = parts.len() - (parts.len() + 1) % 2;
    let mut out = String::new();
    for (i, part) in parts.iter().enumerate() {
        if i % 2 == 1 && i < paired {
            let _ = write!(out, "<code>{}</code>", escape(part));
        } else {
            if i % 2 == 1 {
                out.push('`');
            }
            out.push_str(&escape(part));
        }
    }
    out
}

/// The page: a title, a line under it, then sections listed in a table of contents.
struct Page {
    title: String,
    /// Escaped HTML under the title.
    subtitle: String,
    /// Escaped HTML before the sections (a warning that the results are incomplete).
    notice: String,
    /// (anchor, heading, escaped HTML).
    sections: Vec<(&'static str, &'static str, String)>,
    /// The rtsim that ran the scenario, when known.
    version: Option<String>,
}

impl Page {
    fn section(&mut self, anchor: &'static str, heading: &'static str, html: String) {
        self.sections.push((anchor, heading, html));
    }

    fn finish(self) -> String {
        let title = escape(&self.title);
        let generator = self.version.as_deref().map_or(String::new(), |v| {
            format!(
                "<meta name=\"generator\" content=\"rtsim {}\">\n",
                escape(v)
            )
        });
        let mut out = format!(
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             {generator}<title>{title} — rtsim report</title>\n<style>\n{STYLE}</style>\n\
             </head>\n<body>\n<header>\n<p class=\"kicker\">rtsim report</p>\n\
             <h1>{title}</h1>\n<p class=\"subtitle\">{}</p>\n</header>\n",
            self.subtitle
        );
        out.push_str("<nav aria-label=\"Contents\">\n<ol>\n");
        for (anchor, heading, _) in &self.sections {
            let _ = writeln!(out, "<li><a href=\"#{anchor}\">{heading}</a></li>");
        }
        out.push_str("</ol>\n</nav>\n<main>\n");
        out.push_str(&self.notice);
        for (anchor, heading, html) in &self.sections {
            let _ = write!(
                out,
                "<section id=\"{anchor}\">\n<h2>{heading}</h2>\n{html}</section>\n"
            );
        }
        let by = self
            .version
            .as_deref()
            .map_or("rtsim".to_string(), |v| format!("rtsim {}", escape(v)));
        let _ = write!(
            out,
            "</main>\n<footer>\n<p>Written by {by} from the files of its results folder; \
             <code>rtsim report DIR</code> writes it again from them.</p>\n</footer>\n\
             </body>\n</html>\n"
        );
        out
    }
}

/// The page's content security policy: nothing may load or run; only the inline `<style>`
/// applies. A browser refuses (and reports) anything else, should the page ever ask.
const CSP: &str = "default-src 'none'; style-src 'unsafe-inline'";

/// The page's CSS: plain, readable on screen and on paper, no web fonts.
const STYLE: &str = "\
:root { color-scheme: light; }
body { margin: 0; background: #fff; color: #1d1d1f;
  font: 15px/1.5 system-ui, -apple-system, \"Segoe UI\", Roboto, \"DejaVu Sans\", sans-serif; }
header, nav, main, footer { max-width: 1080px; margin: 0 auto; padding: 0 24px; }
header { padding-top: 24px; }
.kicker { margin: 0; color: #5b5b60; text-transform: uppercase; letter-spacing: .08em; font-size: 12px; }
h1 { margin: 4px 0 6px; font-size: 30px; line-height: 1.2; overflow-wrap: anywhere; }
.subtitle { margin: 0 0 12px; color: #3d3d42; }
nav ol { margin: 0; padding: 10px 0 14px; list-style: none; display: flex; flex-wrap: wrap;
  gap: 4px 18px; border-bottom: 1px solid #d9d9de; }
nav a { color: #0a58a8; text-decoration: none; }
nav a:hover { text-decoration: underline; }
section { margin: 28px 0 8px; }
h2 { font-size: 21px; margin: 0 0 10px; padding-bottom: 4px; border-bottom: 2px solid #0072b2; }
h3 { font-size: 16px; margin: 20px 0 6px; }
p { margin: 6px 0 10px; max-width: 78ch; }
code, pre { font-family: ui-monospace, \"SFMono-Regular\", Menlo, Consolas, \"DejaVu Sans Mono\", monospace; font-size: 13px; }
code { background: #f1f2f4; padding: 0 3px; border-radius: 3px; }
pre { background: #f6f7f9; border: 1px solid #e2e4e8; padding: 10px 12px; overflow-x: auto;
  line-height: 1.4; }
pre code { background: none; padding: 0; }
.question { border-left: 4px solid #0072b2; background: #f3f8fc; padding: 6px 14px; }
.question p, .question ul { max-width: 78ch; }
.description { font-size: 16px; }
.scroll { overflow-x: auto; margin: 6px 0 12px; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
th, td { padding: 4px 10px; border-bottom: 1px solid #e2e4e8; vertical-align: top; }
thead th { border-bottom: 2px solid #9a9aa2; background: #f6f7f9; position: sticky; top: 0; }
th { text-align: left; font-weight: 600; }
td.num, th.num { text-align: right; }
td.num { white-space: nowrap; }
td.long { white-space: normal; }
tbody th { white-space: nowrap; }
.mark { display: inline-block; min-width: 20px; height: 20px; border-radius: 10px; background: #d55e00;
  color: #fff; font-size: 12px; text-align: center; line-height: 20px; margin-right: 4px; }
tbody tr:nth-child(even) { background: #fafafb; }
td.text { max-width: 26ch; }
.pass { color: #0b6b34; font-weight: 700; }
.fail { color: #b00020; font-weight: 700; }
.verdict { font-size: 16px; }
.notice { border-left: 4px solid #d55e00; background: #fff3ea; padding: 8px 14px; margin: 16px 0; }
.muted { color: #5b5b60; }
figure { margin: 14px 0 22px; }
figure svg { display: block; width: 100%; max-width: 800px; height: auto; border: 1px solid #e2e4e8; }
figcaption { color: #5b5b60; font-size: 13px; margin-top: 4px; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 6px 0 12px; }
dt { font-weight: 600; }
dd { margin: 0; }
details summary { cursor: pointer; color: #0a58a8; }
.timeline { max-width: 800px; width: 100%; height: auto; }
footer { margin-top: 32px; padding-bottom: 32px; color: #5b5b60; font-size: 13px;
  border-top: 1px solid #d9d9de; }
@media print { nav { display: none; } thead th { position: static; } }
";

/// The opening comment of a scenario file (its question and what it shows), as blocks.
#[derive(Debug, PartialEq)]
enum Block {
    Paragraph(String),
    Item(String),
    Code(String),
}

/// The comment lines at the top of `text`, without the editor's schema line: paragraphs
/// (split at an empty comment line), `- ` list items (with their indented continuation
/// lines) and indented lines (commands, kept as written).
fn opening_comment(text: &str) -> Vec<Block> {
    let mut blocks: Vec<Block> = Vec::new();
    let mut open = false;
    for line in text.lines() {
        let Some(rest) = line.strip_prefix('#') else {
            break;
        };
        if rest.trim_start().starts_with("yaml-language-server:") {
            continue;
        }
        let rest = rest.strip_prefix(' ').unwrap_or(rest);
        if rest.trim().is_empty() {
            open = false;
            continue;
        }
        let indented = rest.starts_with("  ");
        match (blocks.last_mut(), open) {
            _ if rest.starts_with("- ") => blocks.push(Block::Item(rest[2..].to_string())),
            (Some(Block::Item(item)), true) if indented => {
                item.push(' ');
                item.push_str(rest.trim());
            }
            (Some(Block::Code(code)), true) if indented => {
                code.push('\n');
                code.push_str(rest.trim());
            }
            _ if indented => blocks.push(Block::Code(rest.trim().to_string())),
            (Some(Block::Paragraph(paragraph)), true) => {
                paragraph.push(' ');
                paragraph.push_str(rest.trim());
            }
            _ => blocks.push(Block::Paragraph(rest.trim().to_string())),
        }
        open = true;
    }
    blocks
}

/// The question section: the scenario file's opening comment and its description.
fn question(description: &str, source: Source) -> String {
    let mut out = String::new();
    let blocks = source
        .scenario_text
        .map(opening_comment)
        .unwrap_or_default();
    if !blocks.is_empty() {
        out.push_str("<div class=\"question\">\n");
        let mut in_list = false;
        for block in &blocks {
            let item = matches!(block, Block::Item(_));
            if item != in_list {
                out.push_str(if item { "<ul>\n" } else { "</ul>\n" });
                in_list = item;
            }
            match block {
                Block::Paragraph(text) => {
                    let _ = writeln!(out, "<p>{}</p>", prose(text));
                }
                Block::Item(text) => {
                    let _ = writeln!(out, "<li>{}</li>", prose(text));
                }
                Block::Code(text) => {
                    let _ = writeln!(out, "<pre><code>{}</code></pre>", escape(text));
                }
            }
        }
        if in_list {
            out.push_str("</ul>\n");
        }
        out.push_str("</div>\n");
    }
    if !description.trim().is_empty() {
        let _ = writeln!(
            out,
            "<p class=\"description\">{}</p>",
            prose(description.trim())
        );
    }
    if out.is_empty() {
        out.push_str("<p class=\"muted\">The scenario states no question (no opening comment, no <code>description</code>).</p>\n");
    }
    out
}

/// A table: header cells, then rows; `numeric[i]` right-aligns column `i`. Cells are
/// escaped HTML already.
fn table(header: &[String], numeric: &[bool], rows: &[Vec<String>]) -> String {
    // Numbers stay on one line; a long compound value ("32.8 s / 10.1 s / ...") may wrap.
    let class = |i: usize, cell: &str| match numeric.get(i).copied().unwrap_or(false) {
        true if cell.len() > 24 => " class=\"num long\"",
        true => " class=\"num\"",
        false => "",
    };
    let mut out = String::from("<div class=\"scroll\">\n<table>\n<thead><tr>");
    for (i, cell) in header.iter().enumerate() {
        let _ = write!(out, "<th scope=\"col\"{}>{cell}</th>", class(i, ""));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in rows {
        out.push_str("<tr>");
        for (i, cell) in row.iter().enumerate() {
            if i == 0 {
                let _ = write!(out, "<th scope=\"row\">{cell}</th>");
            } else {
                let _ = write!(out, "<td{}>{cell}</td>", class(i, cell));
            }
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n</div>\n");
    out
}

/// The comparison table: one row per measure, one column per variant; over replications
/// (`runs[i]`: replication i's results), each number as mean ± half-width.
fn comparison(runs: &[&[RunResult]]) -> String {
    let results = runs.first().copied().unwrap_or_default();
    let mut header = vec!["measure".to_string()];
    header.extend(results.iter().map(|r| escape(&r.label)));
    let numeric: Vec<bool> = (0..header.len()).map(|i| i > 0).collect();
    let rows: Vec<Vec<String>> = crate::report::interval_rows(runs)
        .into_iter()
        .map(|(label, cells)| {
            std::iter::once(escape(&label))
                .chain(cells.iter().map(|c| escape(c)))
                .collect()
        })
        .collect();
    table(&header, &numeric, &rows)
}

/// A threshold's measured value in readable units, or "no value".
fn measured(metric: &str, value: Option<f64>) -> String {
    escape(&crate::report::checks::measured(metric, value))
}

fn verdict(passed: bool) -> &'static str {
    if passed {
        "<span class=\"pass\">✔ PASS</span>"
    } else {
        "<span class=\"fail\">✘ FAIL</span>"
    }
}

/// The charts, each as inline SVG with its file name under it.
fn charts(charts: &[Chart]) -> String {
    if charts.is_empty() {
        return "<p class=\"muted\">No charts: the scenario's <code>charts:</code> list names none that this results folder can draw.</p>\n".to_string();
    }
    let mut out = String::new();
    for (i, chart) in charts.iter().enumerate() {
        let name = escape(&chart.name);
        let drawn = match chart.figure.svg() {
            Ok(svg) => inline_svg(&svg, i),
            Err(e) => format!("<p class=\"fail\">{}</p>", escape(&e)),
        };
        let _ = write!(
            out,
            "<figure id=\"chart-{name}\">\n{drawn}\n<figcaption>{name}.svg</figcaption>\n</figure>\n"
        );
    }
    out
}

/// A chart's SVG document as an element of the page: without the XML namespace
/// declaration (HTML's parser supplies it) and with any `id` made unique to chart
/// `index`, so that two charts' ids cannot clash. What is drawn is not changed.
fn inline_svg(svg: &str, index: usize) -> String {
    let mut svg = svg
        .trim()
        .replacen(" xmlns=\"http://www.w3.org/2000/svg\"", "", 1)
        .replacen("<svg ", "<svg role=\"img\" ", 1);
    if svg.contains(" id=\"") {
        let prefix = format!("c{index}-");
        svg = svg
            .replace(" id=\"", &format!(" id=\"{prefix}"))
            .replace("url(#", &format!("url(#{prefix}"))
            .replace("href=\"#", &format!("href=\"#{prefix}"));
    }
    svg
}

/// Seconds as written in the report: up to three decimals, no trailing zeros.
fn seconds(s: f64) -> String {
    let text = format!("{s:.3}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    format!("{text} s")
}

/// The fault timeline: a strip of the run's time with each fault marked (when the run's
/// length is known), then per fault a table of what it did to each variant.
fn faults(results: &[RunResult], window: Option<(f64, f64)>) -> String {
    let Some(first) = results.iter().find(|r| !r.faults.is_empty()) else {
        return "<p class=\"muted\">No faults: the scenario schedules none (<code>faults:</code>).</p>\n".to_string();
    };
    let mut out = String::new();
    if let Some((duration_s, warmup_s)) = window {
        out.push_str(&timeline(duration_s, warmup_s, &first.faults));
    }
    let header: Vec<String> = [
        "variant",
        "clients cut",
        "back (99 %) after",
        "peak new conn/s",
        "peak CPU",
        "CPU-saturated s",
    ]
    .iter()
    .map(|h| h.to_string())
    .collect();
    let numeric = [false, true, true, true, true, true];
    for (i, fault) in first.faults.iter().enumerate() {
        let _ = writeln!(
            out,
            "<h3><span class=\"mark\">{}</span> at {}: {}</h3>",
            i + 1,
            seconds(fault.at_s),
            escape(&fault.fault)
        );
        let rows: Vec<Vec<String>> = results
            .iter()
            .filter_map(|r| {
                let f = r.faults.get(i)?;
                let back = match f.recovered_after_s {
                    Some(s) => seconds(s),
                    None => format!(
                        "never ({} of {} back)",
                        f.clients_recovered, f.clients_affected
                    ),
                };
                Some(vec![
                    escape(&r.label),
                    f.clients_affected.to_string(),
                    back,
                    f.peak_new_connections_per_s.to_string(),
                    format!("{:.1} %", f.peak_cpu_utilisation * 100.0),
                    f.seconds_cpu_saturated.to_string(),
                ])
            })
            .collect();
        out.push_str(&table(&header, &numeric, &rows));
    }
    out.push_str("<p class=\"muted\">Clients cut: whose connection, request or stream the fault ended. Back after: until 99 % of them were connected again. Peaks and CPU-saturated seconds (95 % or more) count from the fault's second on.</p>\n");
    out
}

/// A step between ticks that gives at most ten ticks over `span`: 1, 2 or 5 times a power
/// of ten.
fn tick_step(span: f64) -> f64 {
    let raw = (span / 10.0).max(1e-9);
    let power = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * power)
        .find(|step| *step >= raw)
        .unwrap_or(10.0 * power)
}

/// An SVG strip of simulated time from 0 to `duration_s`: ticks, the warmup shaded, each
/// fault a numbered mark (the numbers of the tables below it).
fn timeline(duration_s: f64, warmup_s: f64, faults: &[crate::metrics::FaultResult]) -> String {
    const LEFT: f64 = 30.0;
    const RIGHT: f64 = 770.0;
    const AXIS: f64 = 62.0;
    let x = |s: f64| LEFT + (RIGHT - LEFT) * (s / duration_s.max(1e-9)).clamp(0.0, 1.0);
    let text = "font-family=\"sans-serif\" fill=\"#3d3d42\"";
    let mut out = format!(
        "<svg class=\"timeline\" role=\"img\" width=\"800\" height=\"100\" viewBox=\"0 0 800 100\" \
         aria-label=\"Fault timeline: {} fault(s) over {} of simulated time\">\n",
        faults.len(),
        seconds(duration_s)
    );
    if warmup_s > 0.0 {
        let _ = writeln!(
            out,
            "<rect x=\"{LEFT}\" y=\"{}\" width=\"{:.1}\" height=\"14\" fill=\"#d9dce1\"/>",
            AXIS - 14.0,
            x(warmup_s) - LEFT
        );
    }
    let _ = writeln!(
        out,
        "<line x1=\"{LEFT}\" y1=\"{AXIS}\" x2=\"{RIGHT}\" y2=\"{AXIS}\" stroke=\"#1d1d1f\" stroke-width=\"1.5\"/>"
    );
    let step = tick_step(duration_s);
    let ticks = (duration_s / step).floor() as usize;
    for k in 0..=ticks {
        let s = k as f64 * step;
        let _ = writeln!(
            out,
            "<line x1=\"{0:.1}\" y1=\"{AXIS}\" x2=\"{0:.1}\" y2=\"{1}\" stroke=\"#1d1d1f\"/>\
             <text x=\"{0:.1}\" y=\"{2}\" font-size=\"12\" text-anchor=\"middle\" {text}>{3}</text>",
            x(s),
            AXIS + 5.0,
            AXIS + 19.0,
            tick_label(s)
        );
    }
    let _ = writeln!(
        out,
        "<text x=\"{RIGHT}\" y=\"{}\" font-size=\"12\" text-anchor=\"end\" {text}>simulated time (s); grey: warmup, not measured</text>",
        AXIS + 35.0
    );
    for (i, f) in faults.iter().enumerate() {
        // Alternate heights, so that faults close in time keep their numbers readable.
        let label_y = if i % 2 == 0 { 18.0 } else { 34.0 };
        let _ = writeln!(
            out,
            "<line x1=\"{0:.1}\" y1=\"{1}\" x2=\"{0:.1}\" y2=\"{AXIS}\" stroke=\"#d55e00\" stroke-width=\"2\"/>\
             <circle cx=\"{0:.1}\" cy=\"{2}\" r=\"8\" fill=\"#d55e00\"/>\
             <text x=\"{0:.1}\" y=\"{3}\" font-size=\"11\" font-weight=\"bold\" text-anchor=\"middle\" fill=\"#fff\" font-family=\"sans-serif\">{4}</text>",
            x(f.at_s),
            label_y + 8.0,
            label_y,
            label_y + 4.0,
            i + 1
        );
    }
    out.push_str("</svg>\n");
    out
}

/// A tick's number of seconds: whole where it is whole.
fn tick_label(s: f64) -> String {
    seconds(s).trim_end_matches(" s").to_string()
}

/// A property of the transports: name, one value per variant, source.
struct PropertyRow<'a> {
    property: &'a str,
    values: Vec<&'a str>,
    source: &'a str,
}

/// The documented properties (not simulated), one column per variant, sources below.
fn properties(labels: &[&str], rows: &[PropertyRow]) -> String {
    if rows.is_empty() {
        return "<p class=\"muted\">This results folder lists no documented properties.</p>\n"
            .to_string();
    }
    let mut header = vec!["property".to_string()];
    header.extend(labels.iter().map(|l| escape(l)));
    let body: Vec<Vec<String>> = rows
        .iter()
        .map(|row| {
            std::iter::once(escape(row.property))
                .chain(row.values.iter().map(|v| prose(v)))
                .collect()
        })
        .collect();
    let mut out = String::from(
        "<p>What a simulation cannot measure, from the standards and browsers' documentation. Where rtsim measures the consequence, the value says where to look.</p>\n",
    );
    out.push_str(&table(&header, &[], &body));
    out.push_str("<h3>Sources</h3>\n<ul>\n");
    for row in rows {
        let _ = writeln!(
            out,
            "<li><strong>{}</strong>: {}</li>",
            escape(row.property),
            escape(row.source)
        );
    }
    out.push_str("</ul>\n");
    out
}

/// The scenario's warnings (what it says that this version does not model).
fn warnings(warnings: &[String]) -> Option<String> {
    if warnings.is_empty() {
        return None;
    }
    let mut out = String::from("<ul>\n");
    for w in warnings {
        let _ = writeln!(out, "<li>{}</li>", escape(w));
    }
    out.push_str("</ul>\n");
    Some(out)
}

/// How to run it again: the rtsim version, the seed, the command, the scenario text.
fn reproduce(source: Source, seed_line: &str, extra: &str) -> String {
    let mut out = String::from("<dl>\n");
    match source.provenance {
        Some(p) => {
            let _ = write!(
                out,
                "<dt>rtsim</dt><dd>version {}</dd>\n<dt>seed</dt><dd>{seed_line}</dd>\n\
                 <dt>command</dt><dd>in this results folder (it holds the scenario as read, <code>{SCENARIO_FILE}</code>):\
                 <pre><code>{}</code></pre></dd>\n",
                escape(&p.rtsim),
                escape(&p.command_line())
            );
        }
        None => {
            let _ = write!(
                out,
                "<dt>seed</dt><dd>{seed_line}</dd>\n<dt>command</dt><dd class=\"muted\">not recorded: \
                 this folder has no <code>provenance.json</code> (an older rtsim wrote it)</dd>\n"
            );
        }
    }
    out.push_str("</dl>\n");
    out.push_str(extra);
    match source.scenario_text {
        Some(text) => {
            let _ = write!(
                out,
                "<details open>\n<summary>The scenario file as read (<code>{SCENARIO_FILE}</code>; <code>--set</code> and <code>--seed</code> apply on top)</summary>\n\
                 <pre><code>{}</code></pre>\n</details>\n",
                escape(text)
            );
        }
        None => {
            let _ = writeln!(
                out,
                "<p class=\"muted\">The scenario text was not saved in this folder (no <code>{SCENARIO_FILE}</code>; an older rtsim wrote it).</p>"
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_covers_markup_and_quotes() {
        assert_eq!(
            escape("<script>alert(\"x&y\")</script>'"),
            "&lt;script&gt;alert(&quot;x&amp;y&quot;)&lt;/script&gt;&#39;"
        );
        assert_eq!(
            prose("use `a<b>` & `c"),
            "use <code>a&lt;b&gt;</code> &amp; `c"
        );
        assert_eq!(prose("`x`"), "<code>x</code>");
    }

    #[test]
    fn the_opening_comment_reads_as_paragraphs_items_and_commands() {
        let text = "\
# yaml-language-server: $schema=../schema/rtsim.schema.json
# Question: how fast
# is it?
#
# Look at:
# - `a`: one,
#   still one;
# - b.
# Time it with
#   cargo build --release
#   rtsim run x.yaml
name: x
# not this
";
        assert_eq!(
            opening_comment(text),
            vec![
                Block::Paragraph("Question: how fast is it?".into()),
                Block::Paragraph("Look at:".into()),
                Block::Item("`a`: one, still one;".into()),
                Block::Item("b.".into()),
                Block::Paragraph("Time it with".into()),
                Block::Code("cargo build --release\nrtsim run x.yaml".into()),
            ]
        );
    }

    #[test]
    fn inline_charts_lose_the_namespace_and_keep_unique_ids() {
        let svg = "<svg width=\"800\" height=\"500\" viewBox=\"0 0 800 500\" xmlns=\"http://www.w3.org/2000/svg\">\n<clipPath id=\"a\"/><rect clip-path=\"url(#a)\"/></svg>\n";
        let inline = inline_svg(svg, 3);
        assert!(!inline.contains("http"), "{inline}");
        assert!(inline.starts_with("<svg role=\"img\" width=\"800\""));
        assert!(inline.contains("id=\"c3-a\"") && inline.contains("url(#c3-a)"));
    }

    #[test]
    fn timeline_ticks_are_round() {
        assert_eq!(tick_step(1200.0), 200.0);
        assert_eq!(tick_step(20.0), 2.0);
        assert_eq!(tick_step(300.0), 50.0);
        assert_eq!(tick_step(7.0), 1.0);
    }

    #[test]
    fn seconds_drop_trailing_zeros() {
        assert_eq!(seconds(120.0), "120 s");
        assert_eq!(seconds(1.5), "1.5 s");
        assert_eq!(seconds(0.1234), "0.123 s");
    }
}
