//! `report.html` (issue 16, "One HTML report"): written by `run`, `sweep` and `merge`,
//! self-contained (no script, nothing loaded from the network), escaped, deterministic at
//! any `--jobs`, and rebuilt byte for byte by `rtsim report DIR`; a bad DIR is an input
//! error naming it.

use std::path::Path;

use crate::support::{folder_with as setup, rtsim_in as rtsim};

/// A scenario whose name and description try to inject markup, with a threshold that
/// passes, one that fails and a fault.
const HOSTILE: &str = "\
# Question: does <script>alert(1)</script> & friends stay text?
# - `a` & <b>
name: \"<script>alert('name')</script> & co\"
description: \"Five users & a <b>bold</b> claim; </p><script>x()</script>\"
seed: 11
duration: 20s
warmup: 2s
network:
  dsl: { latency: 20ms, bandwidth: 10Mbit/s }
clients:
  users: { count: 5, link: dsl }
workload:
  events: { source: poisson, rate: 1/s, payload: 100B }
faults:
  - { at: 10s, partition: { group: users, for: 2s } }
transports:
  - { label: poll-1s, polling: { interval: 1s } }
  - { label: sse-feed, sse: {} }
assert:
  - \"sse-feed.latency.p99 < 10s\"
  - \"poll-1s.latency.p99 < 1ms\"
";

const SWEEP: &str = "\
# Question: how does a second user change things?
name: swept
duration: 10s
network: { n: { latency: 10ms, bandwidth: 10Mbit/s } }
clients: { u: { count: 2, link: n } }
workload: { events: { source: poisson, rate: 1/s, payload: 100B } }
transports:
  - { label: poll, polling: { interval: 1s } }
  - { label: sse, sse: {} }
assert:
  - sse.latency.p99 < 1s
sweep:
  clients.u.count: [2, 3, 4]
";

fn read(dir: &Path) -> String {
    std::fs::read_to_string(dir.join("report.html")).expect("report.html was written")
}

/// The page loads nothing and runs nothing: no script, no external resource of any kind.
fn assert_self_contained(html: &str) {
    let lower = html.to_ascii_lowercase();
    for banned in [
        "<script", "http://", "https://", " src=", "<link", "@import", "<iframe", "<object",
        "<embed", "<img",
        " on", // event-handler attributes (onload=, onclick=) come as ` on...=`
    ] {
        let found = if banned == " on" {
            lower.match_indices(" on").any(|(at, _)| {
                let rest = &lower[at + 3..];
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_alphabetic())
                    .collect();
                !name.is_empty() && rest[name.len()..].starts_with('=')
            })
        } else {
            lower.contains(banned)
        };
        assert!(!found, "report.html contains {banned:?}");
    }
    for url in lower.match_indices("url(") {
        assert!(
            lower[url.0..].starts_with("url(#"),
            "report.html refers to an outside resource"
        );
    }
    assert!(html.starts_with("<!DOCTYPE html>\n") && html.ends_with("</html>\n"));
    assert!(html.contains("<style>"), "inline CSS");
}

#[test]
fn a_run_writes_an_escaped_self_contained_report_the_same_at_any_jobs() {
    let dir = setup(HOSTILE);
    let d = dir.path();
    let (code, _, err) = rtsim(d, &["run", "s.yaml", "--out", "one", "--jobs", "1"]);
    assert_eq!(code, 1, "one threshold fails: {err}");
    let (code, _, err) = rtsim(d, &["run", "s.yaml", "--out", "two", "--jobs", "2"]);
    assert_eq!(code, 1, "{err}");
    let html = read(&d.join("one"));
    assert_eq!(html, read(&d.join("two")), "the same bytes at any --jobs");
    assert_self_contained(&html);
    // The scenario's text is text: escaped wherever it appears.
    assert!(html.contains("&lt;script&gt;alert(&#39;name&#39;)&lt;/script&gt; &amp; co"));
    assert!(html.contains("Five users &amp; a &lt;b&gt;bold&lt;/b&gt; claim"));
    assert!(html.contains("Question: does &lt;script&gt;alert(1)&lt;/script&gt; &amp; friends"));
    assert!(!html.contains("<b>"));
    // Every part is there.
    for part in [
        "id=\"question\"",
        "id=\"comparison\"",
        "id=\"thresholds\"",
        "id=\"charts\"",
        "id=\"faults\"",
        "id=\"properties\"",
        "id=\"reproduce\"",
    ] {
        assert!(html.contains(part), "{part}");
    }
    // Thresholds with verdicts and measured values.
    assert!(html.contains("1 of 2 thresholds passed"));
    assert!(html.contains("<code>poll-1s.latency.p99 &lt; 1ms</code>"));
    assert!(html.contains("✘ FAIL") && html.contains("✔ PASS"));
    // Every chart the run drew is inline.
    let svgs: Vec<_> = std::fs::read_dir(d.join("one"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".svg"))
        .collect();
    assert!(svgs.len() >= 2);
    for svg in &svgs {
        let name = svg.trim_end_matches(".svg");
        assert!(
            html.contains(&format!("<figcaption>{name}.svg</figcaption>")),
            "{svg}"
        );
    }
    assert_eq!(
        html.matches("<svg role=\"img\" width=\"800\"").count(),
        svgs.len()
    );
    // The fault, its timeline and its effect per variant.
    assert!(
        html.contains("partition of group users for 2s")
            || html.contains("partition of group users")
    );
    assert!(html.contains("class=\"timeline\""));
    // How to reproduce it: version, seed, command, the scenario as read.
    assert!(html.contains(&format!("version {}", env!("CARGO_PKG_VERSION"))));
    assert!(html.contains("<pre><code>rtsim run scenario.yaml</code></pre>"));
    assert!(html.contains("<dd>11 (every variant runs with it"));
    assert_eq!(
        std::fs::read_to_string(d.join("one/scenario.yaml")).unwrap(),
        HOSTILE
    );
    // No path of this machine.
    assert!(!html.contains(d.to_str().unwrap()));
}

#[test]
fn report_rebuilds_a_run_s_page_byte_for_byte() {
    let dir = setup(HOSTILE);
    let d = dir.path();
    let (code, _, err) = rtsim(
        d,
        &[
            "run",
            "s.yaml",
            "--out",
            "out",
            "--seed",
            "5",
            "--set",
            "clients.users.count=4",
        ],
    );
    assert_eq!(code, 1, "{err}");
    let written = read(&d.join("out"));
    assert!(
        written.contains("rtsim run scenario.yaml --seed 5 --set clients.users.count=4"),
        "the command names what was given"
    );
    std::fs::remove_file(d.join("out/report.html")).unwrap();
    let (code, stdout, err) = rtsim(d, &["report", "out"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(stdout, "wrote out/report.html\n");
    assert_eq!(read(&d.join("out")), written);
}

#[test]
fn sweeps_and_merged_shards_write_the_same_report_and_report_rebuilds_it() {
    let dir = setup(SWEEP);
    let d = dir.path();
    let (code, _, err) = rtsim(
        d,
        &["sweep", "s.yaml", "--out", "all", "--quiet", "--jobs", "1"],
    );
    assert_eq!(code, 0, "{err}");
    let html = read(&d.join("all"));
    assert_self_contained(&html);
    for part in [
        "id=\"parameters\"",
        "id=\"comparison\"",
        "id=\"thresholds\"",
        "id=\"charts\"",
        "id=\"reproduce\"",
        "3 of 3 threshold checks passed",
        "<pre><code>rtsim sweep scenario.yaml</code></pre>",
        "Question: how does a second user change things?",
    ] {
        assert!(html.contains(part), "{part}");
    }
    for k in 1..=2 {
        let (code, _, err) = rtsim(
            d,
            &[
                "sweep",
                "s.yaml",
                "--out",
                &format!("part{k}"),
                "--shard",
                &format!("{k}/2"),
                "--quiet",
            ],
        );
        assert_eq!(code, 0, "{err}");
        // A shard's page would show a slice: it has none, and `report` refuses it.
        assert!(!d.join(format!("part{k}/report.html")).exists());
    }
    let (code, _, err) = rtsim(d, &["report", "part1"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("part1 holds shard 1 of 2") && err.contains("rtsim merge"),
        "{err}"
    );
    let (code, _, err) = rtsim(d, &["merge", "part2", "part1", "--out", "merged"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(read(&d.join("merged")), html, "merged = unsharded");
    std::fs::remove_file(d.join("all/report.html")).unwrap();
    let (code, _, err) = rtsim(d, &["report", "all"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(read(&d.join("all")), html);
}

#[test]
fn report_of_a_folder_that_is_not_a_results_folder_is_an_input_error() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (code, _, err) = rtsim(d, &["report", "nowhere"]);
    assert_eq!(code, 2);
    assert_eq!(
        err,
        "error: nowhere: no such folder; expected a results folder written by `rtsim run` (holding summary.json) or `rtsim sweep` (holding sweep.json)\n"
    );
    std::fs::create_dir(d.join("empty")).unwrap();
    let (code, _, err) = rtsim(d, &["report", "empty"]);
    assert_eq!(code, 2);
    assert!(
        err.starts_with(
            "error: empty is not a results folder: it holds neither summary.json nor sweep.json"
        ),
        "{err}"
    );
    std::fs::write(d.join("file"), "x").unwrap();
    let (code, _, err) = rtsim(d, &["report", "file"]);
    assert_eq!(code, 2);
    assert!(err.contains("file is a file, not a folder"), "{err}");
    std::fs::create_dir(d.join("broken")).unwrap();
    std::fs::write(d.join("broken/summary.json"), "{}").unwrap();
    let (code, _, err) = rtsim(d, &["report", "broken"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("broken/summary.json: not what rtsim writes there"),
        "{err}"
    );
    assert!(!d.join("empty/report.html").exists());
}

/// Every file a run and a sweep write is in the outputs page's table.
#[test]
fn docs_list_every_file_run_and_sweep_write() {
    let outputs =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/outputs.md")).unwrap();
    let dir = setup(SWEEP);
    let d = dir.path();
    rtsim(d, &["sweep", "s.yaml", "--out", "sweep", "--quiet"]);
    rtsim(d, &["run", "s.yaml", "--point", "0", "--out", "run"]);
    for folder in ["sweep", "run"] {
        for entry in std::fs::read_dir(d.join(folder)).unwrap() {
            let name = entry.unwrap().file_name().into_string().unwrap();
            if name.ends_with(".svg") {
                continue;
            }
            assert!(
                outputs.contains(&format!("| `{name}` |")),
                "docs/outputs.md lists {name}"
            );
        }
    }
}

/// A Chromium to open reports with: `RTSIM_CHROMIUM`, else the first of the usual names on
/// the PATH.
fn chromium() -> Option<std::path::PathBuf> {
    if let Some(path) = std::env::var_os("RTSIM_CHROMIUM") {
        return Some(path.into());
    }
    let path = std::env::var_os("PATH")?;
    [
        "chromium",
        "chromium-browser",
        "google-chrome",
        "google-chrome-stable",
    ]
    .iter()
    .flat_map(|name| std::env::split_paths(&path).map(move |dir| dir.join(name)))
    .find(|candidate| candidate.is_file())
}

/// Runs headless Chromium on `page` with `args`, for at most two minutes: (stdout, stderr).
/// Its output goes to files, not pipes, which a page's DOM would fill before it exits.
fn headless(chromium: &Path, page: &Path, args: &[&str]) -> (String, String) {
    let scratch = tempfile::tempdir().unwrap();
    let (stdout, stderr) = (scratch.path().join("out"), scratch.path().join("err"));
    let mut child = std::process::Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox", // tests may run as root, where the sandbox refuses to start
            "--disable-gpu",
            "--no-first-run",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!(
            "--user-data-dir={}",
            scratch.path().join("profile").display()
        ))
        .args(args)
        .arg(format!("file://{}", page.display()))
        .stdout(std::fs::File::create(&stdout).unwrap())
        .stderr(std::fs::File::create(&stderr).unwrap())
        .spawn()
        .expect("start Chromium");
    let started = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > std::time::Duration::from_secs(120) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("Chromium did not finish within two minutes");
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let read = |file: &Path| String::from_utf8_lossy(&std::fs::read(file).unwrap()).into_owned();
    (read(&stdout), read(&stderr))
}

/// Measures a report's sections, tables, figures and SVGs in headless Chromium: the ones
/// laid out with no area, `visibility` other than visible, or opacity 0, by tag and id
/// (empty when all are visible). Runs a copy of `html` without its content security policy
/// and with a measuring script at the end of the body; checks that it saw `parts` of them.
fn invisible_parts(chromium: &Path, html: &str, parts: usize) -> String {
    const POLICY: &str = "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">";
    const MEASURE: &str = "<script>
const parts = document.querySelectorAll('section, table, figure, svg');
const hidden = [];
for (const el of parts) {
  const box = el.getBoundingClientRect();
  const style = getComputedStyle(el);
  if (box.width < 1 || box.height < 1 || style.visibility !== 'visible'
      || Number(style.opacity) === 0) {
    hidden.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : ''));
  }
}
document.body.setAttribute('data-parts', String(parts.length));
document.body.setAttribute('data-hidden', hidden.join(' '));
</script></body>";
    assert!(
        html.contains(POLICY),
        "the report's policy changed: update this test"
    );
    let measured = html.replace(POLICY, "").replace("</body>", MEASURE);
    let scratch = tempfile::tempdir().unwrap();
    let copy = scratch.path().join("measured.html");
    std::fs::write(&copy, measured).unwrap();
    let (dom, log) = headless(chromium, &copy, &["--window-size=1200,6000", "--dump-dom"]);
    let attribute = |name: &str| {
        let start = format!("{name}=\"");
        dom.split_once(&start)
            .and_then(|(_, rest)| rest.split_once('"'))
            .map(|(value, _)| value.to_string())
            .unwrap_or_else(|| panic!("the measuring script did not run ({name}): {log}"))
    };
    assert_eq!(attribute("data-parts"), parts.to_string(), "parts measured");
    attribute("data-hidden")
}

/// Issue 16: the report in a real browser. Headless Chromium loads it with no console
/// message (the page's content security policy makes any load it attempted one), its DOM
/// holds every section, table and chart, each laid out visible (with an area, not hidden,
/// not transparent), and a screenshot is saved to look at
/// (`target/tmp/report.png`). Without Chromium the test says how to get it and passes,
/// unless RTSIM_REQUIRE_CHROMIUM is set (as CI should).
#[test]
fn the_report_loads_in_headless_chromium_with_every_part() {
    let Some(chromium) = chromium() else {
        eprintln!(
            "skipped: no Chromium found (chromium, chromium-browser or google-chrome on the PATH, \
             or RTSIM_CHROMIUM); install it with `apt-get install chromium` (Debian, Ubuntu) or \
             `brew install --cask chromium` (macOS)"
        );
        assert!(
            std::env::var_os("RTSIM_REQUIRE_CHROMIUM").is_none(),
            "RTSIM_REQUIRE_CHROMIUM is set, and no Chromium was found"
        );
        return;
    };
    let dir = setup(HOSTILE);
    let d = dir.path();
    let (code, _, err) = rtsim(d, &["run", "s.yaml", "--out", "out"]);
    assert_eq!(code, 1, "{err}");
    let page = d.join("out/report.html");
    let (dom, log) = headless(&chromium, &page, &["--dump-dom"]);
    let console: Vec<&str> = log.lines().filter(|l| l.contains(":CONSOLE")).collect();
    assert!(console.is_empty(), "console messages: {console:#?}");
    let charts = std::fs::read_dir(d.join("out"))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "svg")
        })
        .count();
    assert_eq!(
        dom.matches("<figure id=\"chart-").count(),
        charts,
        "every chart is on the page"
    );
    // The charts, and the fault timeline.
    assert_eq!(dom.matches("<svg ").count(), charts + 1);
    for section in [
        "question",
        "comparison",
        "thresholds",
        "charts",
        "faults",
        "properties",
        "reproduce",
    ] {
        assert!(
            dom.contains(&format!("<section id=\"{section}\">")),
            "{section}"
        );
    }
    // Comparison, thresholds, one per fault, properties.
    assert_eq!(dom.matches("<table>").count(), 4);
    assert!(!dom.contains("<script"));
    // Visible, not only present: a copy of the page with a script (the report has none, and
    // its policy forbids one) that measures every section, table, chart and SVG as laid out
    // in a 1200-pixel window and lists those with no area, hidden or transparent.
    let parts = ["<section", "<table", "<figure", "<svg"]
        .iter()
        .map(|tag| dom.matches(tag).count())
        .sum();
    let hidden = invisible_parts(&chromium, &std::fs::read_to_string(&page).unwrap(), parts);
    assert!(hidden.is_empty(), "laid out but not visible: {hidden}");
    let shot = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("report.png");
    let _ = std::fs::remove_file(&shot);
    let (_, log) = headless(
        &chromium,
        &page,
        &[
            "--hide-scrollbars",
            "--window-size=1200,6000",
            &format!("--screenshot={}", shot.display()),
        ],
    );
    let png = std::fs::read(&shot).unwrap_or_else(|e| panic!("no screenshot ({e}): {log}"));
    assert!(png.starts_with(b"\x89PNG") && png.len() > 50_000, "{log}");
    eprintln!("screenshot of the report: {}", shot.display());
}

/// A run stopped by a budget says so at the top of its page, and the command to reproduce
/// it carries the budget that decided where it stopped.
#[test]
fn an_incomplete_run_s_page_says_so_and_keeps_its_budget() {
    let dir = setup(HOSTILE);
    let d = dir.path();
    let (code, _, err) = rtsim(d, &["run", "s.yaml", "--out", "out", "--max-events", "50"]);
    // (A failed threshold's exit 1 comes before a stop's 3.)
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("INCOMPLETE"), "{err}");
    let html = read(&d.join("out"));
    let notice = html.find("<div class=\"notice\"").expect("a notice");
    assert!(
        notice < html.find("<section").unwrap(),
        "above every section"
    );
    assert!(html[notice..].contains("INCOMPLETE: variant `poll-1s` stopped at"));
    assert!(html.contains("<pre><code>rtsim run scenario.yaml --max-events 50</code></pre>"));
}
