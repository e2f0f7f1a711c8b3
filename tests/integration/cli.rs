//! The command line as a user meets it: help texts, `check`, and `run` with its output
//! folder, formats, `--set`, `--seed` and warnings. Scenarios are tiny so debug builds stay
//! fast.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;
use tempfile::TempDir;

use crate::support::SMALL;

/// The labels of [`SMALL`]'s variants, in order.
const SMALL_LABELS: [&str; 3] = ["poll-1s", "sse-feed", "ws"];

/// A finished command's exit status and text output.
struct Outcome {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Outcome {
    fn assert_success(self) -> Self {
        assert_eq!(
            self.code,
            Some(0),
            "expected success; stderr:\n{}\nstdout:\n{}",
            self.stderr,
            self.stdout
        );
        assert!(
            !self.stderr.contains("panicked"),
            "rtsim panicked:\n{}",
            self.stderr
        );
        self
    }
}

fn rtsim(args: &[&str]) -> Outcome {
    rtsim_in(args, Path::new(env!("CARGO_MANIFEST_DIR")))
}

/// Runs the binary with `dir` as working directory.
fn rtsim_in(args: &[&str], dir: &Path) -> Outcome {
    let output = Command::cargo_bin("rtsim")
        .expect("the rtsim binary")
        .current_dir(dir)
        .args(args)
        .output()
        .expect("run rtsim");
    Outcome {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// A temporary folder holding a scenario file and room for output.
struct Workspace {
    dir: TempDir,
    scenario: PathBuf,
}

impl Workspace {
    fn new(text: &str) -> Self {
        let dir = tempfile::tempdir().expect("create a temporary folder");
        let scenario = dir.path().join("scenario.yaml");
        std::fs::write(&scenario, text).expect("write the scenario");
        Workspace { dir, scenario }
    }

    fn scenario(&self) -> &str {
        self.scenario.to_str().expect("UTF-8 temporary path")
    }

    fn out(&self) -> PathBuf {
        self.dir.path().join("out")
    }

    /// `rtsim run SCENARIO --out OUT --format FORMAT [extra...]`.
    fn run(&self, format: &str, extra: &[&str]) -> Outcome {
        let out = self.out();
        let out = out.to_str().expect("UTF-8 temporary path");
        let mut args = vec!["run", self.scenario(), "--out", out, "--format", format];
        args.extend_from_slice(extra);
        rtsim_in(&args, self.dir.path())
    }

    /// The written summary.json, parsed.
    fn summary(&self) -> Value {
        let text = std::fs::read_to_string(self.out().join("summary.json"))
            .expect("summary.json was written");
        serde_json::from_str(&text).expect("summary.json is JSON")
    }
}

// ---- Help ----

#[test]
fn help_lists_the_subcommands() {
    let outcome = rtsim(&["--help"]).assert_success();
    let commands: Vec<&str> = outcome
        .stdout
        .lines()
        .skip_while(|line| !line.starts_with("Commands:"))
        .skip(1)
        .take_while(|line| line.starts_with(' '))
        .filter_map(|line| line.split_whitespace().next())
        .collect();
    for subcommand in ["run", "check", "sweep", "merge", "plot", "report"] {
        assert!(
            commands.contains(&subcommand),
            "`rtsim --help` should list `{subcommand}`; it lists {commands:?}:\n{}",
            outcome.stdout
        );
    }
}

/// `Cargo.toml`'s description, which is also the first line of `rtsim --help`, names every
/// transport rtsim compares and the files it writes (it once listed four transports and
/// no files).
#[test]
fn the_description_names_every_transport_and_the_outputs() {
    let outcome = rtsim(&["--help"]).assert_success();
    let description = env!("CARGO_PKG_DESCRIPTION");
    assert!(
        outcome.stdout.starts_with(description),
        "{}",
        outcome.stdout
    );
    for named in [
        "short and long polling",
        "SSE",
        "WebSocket",
        "gRPC",
        "webhooks",
        "JSON",
        "CSV",
        "SVG charts",
        "HTML report",
    ] {
        assert!(description.contains(named), "{named}: {description}");
    }
}

/// The description of `flag` in a clap help text: the rest of its line and the indented
/// lines under it, up to the next option.
fn flag_description(help: &str, flag: &str) -> Option<String> {
    let lines: Vec<&str> = help.lines().collect();
    let start = lines.iter().position(|line| {
        let trimmed = line.trim_start();
        trimmed
            .strip_prefix(flag)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '<', '=']))
    })?;
    let first = lines[start].trim_start();
    // The flag and its value name, then (in short help) two spaces and the description.
    let mut description = first
        .split_once("  ")
        .map(|(_, text)| text.trim().to_string())
        .unwrap_or_default();
    for line in &lines[start + 1..] {
        let trimmed = line.trim();
        if trimmed.starts_with('-') || (!line.starts_with(' ') && !trimmed.is_empty()) {
            break;
        }
        description.push(' ');
        description.push_str(trimmed);
    }
    Some(description)
}

#[test]
fn run_help_describes_every_flag() {
    for help_flag in ["--help", "-h"] {
        let outcome = rtsim(&["run", help_flag]).assert_success();
        for flag in [
            "--out",
            "--set",
            "--seed",
            "--format",
            "--jobs",
            "--max-events",
        ] {
            let description = flag_description(&outcome.stdout, flag).unwrap_or_else(|| {
                panic!(
                    "`rtsim run {help_flag}` does not mention {flag}:\n{}",
                    outcome.stdout
                )
            });
            let words = description
                .split_whitespace()
                .filter(|w| w.chars().any(char::is_alphabetic))
                .count();
            assert!(
                words >= 3,
                "{flag} needs a description in `rtsim run {help_flag}`, found {description:?}"
            );
        }
    }
}

#[test]
fn check_help_describes_set_and_seed() {
    let outcome = rtsim(&["check", "--help"]).assert_success();
    for flag in ["--set", "--seed"] {
        let description = flag_description(&outcome.stdout, flag)
            .unwrap_or_else(|| panic!("`rtsim check --help` does not mention {flag}"));
        assert!(
            description.split_whitespace().count() >= 3,
            "{flag}: {description:?}"
        );
    }
}

// ---- check ----

#[test]
fn check_without_a_file_validates_the_built_in_default() {
    let default = rtsim::scenario::load_str("<default>", rtsim::scenario::DEFAULT_SCENARIO, &[])
        .expect("the built-in default scenario is valid");
    // From a folder without scenario files: the default must not be read from disk.
    let elsewhere = tempfile::tempdir().expect("create a temporary folder");
    let outcome = rtsim_in(&["check"], elsewhere.path()).assert_success();
    assert!(
        outcome.stdout.contains(&format!("`{}`", default.name)),
        "`rtsim check` should name the default scenario `{}`:\n{}",
        default.name,
        outcome.stdout
    );
    assert!(
        outcome.stdout.starts_with("ok:"),
        "stdout:\n{}",
        outcome.stdout
    );
}

#[test]
fn check_accepts_the_shipped_default_scenario_file() {
    let outcome = rtsim(&["check", "scenarios/default.yaml"]).assert_success();
    assert!(
        outcome.stdout.contains("`default`"),
        "stdout:\n{}",
        outcome.stdout
    );
    assert!(
        outcome.stderr.is_empty(),
        "no warnings expected:\n{}",
        outcome.stderr
    );
}

#[test]
fn check_reports_the_small_scenario() {
    let workspace = Workspace::new(SMALL);
    let outcome = rtsim(&["check", workspace.scenario()]).assert_success();
    assert!(
        outcome.stdout.contains("`small`"),
        "stdout:\n{}",
        outcome.stdout
    );
    assert!(
        outcome.stdout.contains("5 clients"),
        "stdout:\n{}",
        outcome.stdout
    );
    assert!(
        outcome.stdout.contains(&SMALL_LABELS.join(", ")),
        "stdout should list the variants:\n{}",
        outcome.stdout
    );
    assert!(!workspace.out().exists(), "check must not write output");
}

// ---- run ----

#[test]
fn checking_invariants_changes_no_result() {
    let plain = Workspace::new(SMALL);
    plain.run("json", &[]).assert_success();
    let checked = Workspace::new(SMALL);
    checked
        .run("json", &["--check-invariants"])
        .assert_success();
    assert_eq!(plain.summary(), checked.summary());
}

/// Issue 22: `--stats` prints the run's cost to standard error and changes no output file.
#[test]
fn stats_print_peak_memory_events_and_bytes_per_client_to_stderr_only() {
    let plain = Workspace::new(SMALL);
    let without = plain.run("json", &[]).assert_success();
    assert!(!without.stderr.contains("stats:"), "{}", without.stderr);
    let measured = Workspace::new(SMALL);
    let with = measured.run("json", &["--stats"]).assert_success();
    assert_eq!(plain.summary(), measured.summary());
    assert_eq!(without.stdout, with.stdout, "the stats go to stderr only");
    for file in ["runs.csv", "series.csv"] {
        let read = |w: &Workspace| std::fs::read(w.out().join(file)).expect("written");
        assert_eq!(read(&plain), read(&measured), "{file}");
    }
    // The events line is the sum of the variants' `sim_events` in summary.json.
    let summary = measured.summary();
    let events: u64 = summary["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| r["sim_events"].as_u64().expect("sim_events"))
        .sum();
    assert!(events > 0);
    assert!(
        with.stderr.contains(&format!("stats: events {events}\n")),
        "{}",
        with.stderr
    );
    for line in [
        "stats: peak memory ",
        "stats: events/s ",
        "stats: bytes per client ",
    ] {
        assert!(
            with.stderr.contains(line),
            "no `{line}` in:\n{}",
            with.stderr
        );
    }
    // SMALL has 5 clients.
    assert!(with.stderr.contains("/ 5 clients"), "{}", with.stderr);
    if cfg!(target_os = "linux") {
        assert!(!with.stderr.contains("not available"), "{}", with.stderr);
    }
}

#[test]
fn run_json_writes_the_output_folder_and_prints_the_summary() {
    let workspace = Workspace::new(SMALL);
    let outcome = workspace.run("json", &[]).assert_success();
    let out = workspace.out();
    for file in ["summary.json", "summary.md", "runs.csv"] {
        let path = out.join(file);
        let size = std::fs::metadata(&path)
            .unwrap_or_else(|e| panic!("{} was not written: {e}", path.display()))
            .len();
        assert!(size > 0, "{} is empty", path.display());
    }
    let printed: Value = serde_json::from_str(&outcome.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", outcome.stdout));
    assert_eq!(
        printed,
        workspace.summary(),
        "stdout differs from summary.json"
    );
    let written = std::fs::read_to_string(out.join("summary.json")).expect("summary.json");
    assert_eq!(
        outcome.stdout, written,
        "stdout should be summary.json byte for byte"
    );

    assert_eq!(printed["scenario"], "small");
    assert_eq!(printed["seed"], 3);
    assert_eq!(printed["clients"], 5);
    let labels: Vec<&str> = printed["results"]
        .as_array()
        .expect("results is a list")
        .iter()
        .map(|r| r["label"].as_str().expect("a label"))
        .collect();
    assert_eq!(labels, SMALL_LABELS);

    let csv = std::fs::read_to_string(out.join("runs.csv")).expect("runs.csv");
    assert_eq!(
        csv.lines().count(),
        1 + SMALL_LABELS.len(),
        "runs.csv: a header and one row per variant:\n{csv}"
    );
    let markdown = std::fs::read_to_string(out.join("summary.md")).expect("summary.md");
    for label in SMALL_LABELS {
        assert!(
            markdown.contains(label),
            "summary.md lacks {label}:\n{markdown}"
        );
    }
}

/// The documented (not simulated) properties sit under the measured table, one column per
/// variant with its kind's values, each property with its source; summary.json carries them.
#[test]
fn summaries_list_each_transport_s_documented_properties_with_sources() {
    let workspace = Workspace::new(SMALL);
    workspace.run("table", &[]).assert_success();
    let out = workspace.out();
    let markdown = std::fs::read_to_string(out.join("summary.md")).unwrap();
    let (measured, documented) = markdown
        .split_once("## Documented properties (not simulated)")
        .expect("a properties section");
    assert!(measured.contains("| latency p99 |"));
    assert!(documented.contains("| property | poll-1s | sse-feed | ws |"));
    assert!(
        documented.contains("| browser API | fetch / XMLHttpRequest | EventSource | WebSocket |")
    );
    assert!(documented.contains(
        "| binary payloads | yes (a binary body; base64 inside JSON) | no: UTF-8 text only"
    ));
    assert!(documented.contains("- built-in reconnect: WHATWG HTML 9.2.3"));
    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    let direction = &json["properties"][0];
    assert_eq!(direction["property"], "direction");
    assert_eq!(direction["values"][1], "server to client only");
    assert_eq!(direction["values"][2], "both ways, full duplex");
}

#[test]
fn run_markdown_prints_a_table_with_a_column_per_variant() {
    let workspace = Workspace::new(SMALL);
    let outcome = workspace.run("markdown", &[]).assert_success();
    let header = outcome
        .stdout
        .lines()
        .find(|line| line.trim_start().starts_with('|'))
        .unwrap_or_else(|| panic!("no Markdown table in stdout:\n{}", outcome.stdout));
    let cells: Vec<&str> = header
        .trim()
        .trim_matches('|')
        .split('|')
        .map(str::trim)
        .collect();
    for label in SMALL_LABELS {
        assert!(
            cells.contains(&label),
            "the header row {header:?} lacks a `{label}` column"
        );
    }
    let separator = outcome
        .stdout
        .lines()
        .skip_while(|line| *line != header)
        .nth(1)
        .unwrap_or_default();
    assert!(
        separator.starts_with('|') && separator.contains("---"),
        "the header row must be followed by a separator row, found {separator:?}"
    );
    assert!(workspace.out().join("summary.json").exists());
}

#[test]
fn run_table_is_the_default_format() {
    let workspace = Workspace::new(SMALL);
    let out = workspace.out();
    let out = out.to_str().expect("UTF-8 temporary path");
    let outcome = rtsim(&["run", workspace.scenario(), "--out", out]).assert_success();
    for label in SMALL_LABELS {
        assert!(
            outcome.stdout.contains(label),
            "stdout lacks {label}:\n{}",
            outcome.stdout
        );
    }
    assert!(
        outcome.stdout.contains("seed 3"),
        "stdout:\n{}",
        outcome.stdout
    );
    assert!(serde_json::from_str::<Value>(&outcome.stdout).is_err());
}

/// Issue 15: `--set` works on the YAML tree, typed by the schema: a text field takes a
/// number-looking value as text, a block the file does not write is added, a boolean is a
/// boolean, and a proxy (all of whose fields default) is made by its first value.
#[test]
fn set_values_take_the_type_of_their_field() {
    let workspace = Workspace::new(SMALL);
    let out = rtsim(&[
        "check",
        workspace.scenario(),
        "--set",
        "transports[0].label=5",
        "--set",
        "server.cost.push=30us",
        "--set",
        "transports[1].sse.http2=true",
        "--set",
        "proxies.corp.idle_timeout=30s",
        "--set",
        "clients.users.via=corp",
        "--set",
        "description=2024.10",
    ])
    .assert_success();
    assert!(
        out.stdout.contains("variants: 5, sse-feed, ws"),
        "{}",
        out.stdout
    );
    workspace
        .run(
            "json",
            &[
                "--set",
                "description=2024.10",
                "--set",
                "transports[0].label=0x10",
            ],
        )
        .assert_success();
    let summary = workspace.summary();
    // As written, not as the numbers YAML reads them as (2024.1, 16).
    assert_eq!(summary["description"], "2024.10", "{summary:#}");
    assert_eq!(summary["results"][0]["label"], "0x10", "{summary:#}");
}

#[test]
fn set_changes_the_client_count() {
    let workspace = Workspace::new(SMALL);
    workspace
        .run("json", &["--set", "clients.users.count=7"])
        .assert_success();
    let summary = workspace.summary();
    assert_eq!(summary["clients"], 7, "summary.json: {summary:#}");
    for result in summary["results"].as_array().expect("results is a list") {
        assert_eq!(result["clients"], 7, "result: {result:#}");
    }
}

#[test]
fn seed_flag_replaces_the_scenario_seed() {
    let workspace = Workspace::new(SMALL);
    workspace.run("json", &["--seed", "4242"]).assert_success();
    let summary = workspace.summary();
    assert_eq!(summary["seed"], 4242, "summary.json: {summary:#}");
}

#[test]
fn jobs_and_max_events_are_accepted() {
    let workspace = Workspace::new(SMALL);
    let single = workspace
        .run("json", &["--jobs", "1", "--max-events", "10000000"])
        .assert_success();
    let parallel = workspace.run("json", &["--jobs", "3"]).assert_success();
    assert_eq!(
        single.stdout, parallel.stdout,
        "results must not depend on --jobs"
    );
}

// ---- Loss ----

/// Loss is modelled (issue 3): no warning any more, and the run reports retransmissions.
#[test]
fn loss_is_modelled_without_a_warning() {
    let lossy = SMALL.replacen(
        "bandwidth: 10Mbit/s }",
        "bandwidth: 10Mbit/s, loss: 5% }",
        1,
    );
    assert_ne!(lossy, SMALL, "test bug: the replacement did not apply");
    let workspace = Workspace::new(&lossy);
    let check = rtsim(&["check", workspace.scenario()]).assert_success();
    assert!(
        !check.stderr.contains("warning:"),
        "stderr:\n{}",
        check.stderr
    );
    workspace.run("json", &[]).assert_success();
    let summary = workspace.summary();
    assert!(summary["warnings"].as_array().is_some_and(|w| w.is_empty()));
    let resent: u64 = summary["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["totals"]["retransmitted_segments"].as_u64().unwrap())
        .sum();
    assert!(resent > 0, "5% loss retransmits something");
}

/// Every example scenario shipped in `scenarios/` is valid and says which question it
/// answers in its opening comment.
#[test]
fn every_shipped_scenario_checks_and_opens_with_its_question() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut checked = 0;
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
    {
        let text = std::fs::read_to_string(path).unwrap();
        assert!(
            text.starts_with('#'),
            "{} opens without a comment",
            path.display()
        );
        let scenario = rtsim::scenario::load_file(path, &[])
            .unwrap_or_else(|e| panic!("{} is invalid: {e}", path.display()));
        assert!(
            scenario.warnings.is_empty(),
            "{}: {:?}",
            path.display(),
            scenario.warnings
        );
        checked += 1;
    }
    assert!(checked >= 3, "only {checked} scenarios found");
}

/// Thresholds: each is reported pass or fail, and one failure makes `run` exit 1.
#[test]
fn thresholds_pass_or_fail_the_run() {
    let passing =
        format!("{SMALL}assert:\n  - \"sse-feed.latency.p99 < 1s\"\n  - \"ws.events.lost <= 0\"\n");
    let workspace = Workspace::new(&passing);
    let ok = workspace.run("table", &[]).assert_success();
    assert!(
        ok.stderr.contains("PASS sse-feed.latency.p99 < 1s"),
        "{}",
        ok.stderr
    );
    let summary = workspace.summary();
    assert_eq!(summary["assertions"].as_array().unwrap().len(), 2);
    assert!(
        summary["assertions"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["passed"] == true)
    );

    let failing = format!("{SMALL}assert:\n  - \"poll-1s.bytes_down_per_client_hour < 1KB\"\n");
    let workspace = Workspace::new(&failing);
    let out = workspace.run("table", &[]);
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    assert!(
        out.stderr
            .contains("FAIL poll-1s.bytes_down_per_client_hour < 1KB"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("1 of 1 thresholds failed"),
        "{}",
        out.stderr
    );
}

/// An unknown label or metric in a threshold is an input error listing the valid names.
#[test]
fn thresholds_with_unknown_names_are_input_errors() {
    for (threshold, expected) in [
        ("\"ssefeed.latency.p99 < 1s\"", "poll-1s, sse-feed, ws"),
        ("\"ws.latency.p98 < 1s\"", "latency.p99"),
        ("\"ws.latency.p99 < 1 parsec\"", "invalid duration"),
    ] {
        let text = format!("{SMALL}assert:\n  - {threshold}\n");
        let workspace = Workspace::new(&text);
        let out = rtsim(&["check", workspace.scenario()]);
        assert_eq!(out.code, Some(2), "{}", out.stderr);
        assert!(out.stderr.contains(expected), "{threshold}: {}", out.stderr);
        assert!(out.stderr.contains("assert[0]"), "{}", out.stderr);
    }
}

/// The scenario reference in `docs/` is what `rtsim schema --markdown` prints: it is written
/// from the schema, never by hand (issue 16).
#[test]
fn the_scenario_reference_is_generated_and_current() {
    let printed = rtsim(&["schema", "--markdown"]).assert_success().stdout;
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/scenario-reference.md");
    let committed = std::fs::read_to_string(&path).unwrap();
    assert!(
        printed == committed,
        "{} is stale: run `cargo run -- schema --markdown > docs/scenario-reference.md`",
        path.display()
    );
    // Every field of the schema has its row.
    let schema: Value = serde_json::from_str(&rtsim(&["schema"]).assert_success().stdout).unwrap();
    for field in schema["properties"].as_object().unwrap().keys() {
        assert!(printed.contains(&format!("| `{field}` |")), "{field}");
    }
    for (name, def) in schema["$defs"].as_object().unwrap() {
        for field in def["properties"]
            .as_object()
            .into_iter()
            .flat_map(|p| p.keys())
        {
            assert!(
                printed.contains(&format!(".{field}` |")),
                "{name}.{field} has no row"
            );
        }
    }
}

/// The committed requirements schema is what `rtsim schema --requirements` prints, and
/// every example requirements file points editors at it (issue 20).
#[test]
fn the_requirements_schema_is_current_and_every_requirements_file_uses_it() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let printed = rtsim(&["schema", "--requirements"]).assert_success().stdout;
    let committed = std::fs::read_to_string(root.join("schema/requirements.schema.json")).unwrap();
    assert_eq!(
        printed, committed,
        "regenerate: rtsim schema --requirements > schema/requirements.schema.json"
    );
    let schema: Value = serde_json::from_str(&printed).unwrap();
    assert_eq!(schema["title"], "RawRequirements");
    for field in ["name", "clients", "flow", "objectives", "cost"] {
        assert!(
            schema["properties"][field].is_object(),
            "{field} is in the schema"
        );
    }
    // Unknown fields are refused by the schema as by the reader.
    assert_eq!(schema["additionalProperties"], false);
    let mut files = 0;
    for entry in std::fs::read_dir(root.join("scenarios/requirements")).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.starts_with(
                "# yaml-language-server: $schema=../../schema/requirements.schema.json\n"
            ),
            "{}",
            path.display()
        );
        files += 1;
    }
    assert!(files >= 3, "the example requirements files");
}

/// The committed schema is what `rtsim schema` prints, and every example scenario points
/// editors at it.
#[test]
fn the_schema_is_current_and_every_scenario_uses_it() {
    let printed = rtsim(&["schema"]).assert_success().stdout;
    let committed = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/rtsim.schema.json"),
    )
    .unwrap();
    assert_eq!(
        printed, committed,
        "regenerate: rtsim schema > schema/rtsim.schema.json"
    );
    let schema: Value = serde_json::from_str(&printed).unwrap();
    for field in [
        "duration",
        "network",
        "clients",
        "transports",
        "sweep",
        "assert",
    ] {
        assert!(
            schema["properties"][field].is_object(),
            "{field} is in the schema"
        );
    }
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        // (Only scenarios: `traces/` holds their data.)
        if path.extension().is_none_or(|e| e != "yaml") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.starts_with("# yaml-language-server: $schema=../schema/rtsim.schema.json\n"),
            "{}",
            path.display()
        );
    }
}

// The outputs page's tables of columns are checked in `outputs.rs`.

// ---- Numeric flags ----

/// Issue jobs-0: `--jobs 0` was accepted (rayon reads 0 as "all cores"); it is refused by
/// name, in `run` and in `sweep`.
#[test]
fn jobs_zero_is_refused_naming_the_flag() {
    let workspace = Workspace::new(SMALL);
    let out = workspace.run("json", &["--jobs", "0"]);
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    assert!(
        out.stderr
            .starts_with("error: invalid value '0' for '--jobs <N>'"),
        "{}",
        out.stderr
    );
    let sweep = format!("{SMALL}sweep:\n  clients.users.count: [5, 6]\n");
    let workspace = Workspace::new(&sweep);
    let out = rtsim_in(
        &["sweep", workspace.scenario(), "--jobs", "0", "--quiet"],
        workspace.dir.path(),
    );
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    assert!(out.stderr.contains("'--jobs <N>'"), "{}", out.stderr);
    assert!(!workspace.dir.path().join("out").exists());
}

/// Issue seed-negative: `--seed -1` was read as an unknown option `-1`, with clap's tip to
/// write `-- -1` (which makes -1 the scenario file). Every numeric flag now says which flag
/// takes what.
#[test]
fn negative_numbers_are_refused_naming_the_flag() {
    let workspace = Workspace::new(SMALL);
    let file = workspace.scenario();
    for (args, flag) in [
        (vec!["check", file, "--seed", "-1"], "--seed <SEED>"),
        (vec!["run", file, "--seed", "-1"], "--seed <SEED>"),
        (vec!["run", file, "--max-events", "-5"], "--max-events <N>"),
        (vec!["run", file, "--point", "-1"], "--point <K>"),
        (vec!["run", file, "--jobs", "-2"], "--jobs <N>"),
        (
            vec!["sweep", file, "--shard-count", "-3"],
            "--shard-count <N>",
        ),
        (
            vec!["sweep", file, "--max-events", "1.5"],
            "--max-events <N>",
        ),
    ] {
        let out = rtsim_in(&args, workspace.dir.path());
        assert_eq!(out.code, Some(2), "{args:?}: {}", out.stderr);
        let first = out.stderr.lines().next().unwrap_or("");
        let value = args.last().unwrap();
        assert!(
            first.starts_with(&format!("error: invalid value '{value}' for '{flag}'"))
                && first.contains("expected a whole number from 0 to"),
            "{args:?}: {}",
            out.stderr
        );
        assert!(!out.stderr.contains("'-- "), "{args:?}: {}", out.stderr);
    }
    let out = rtsim_in(&["sweep", file, "--shard", "-1/3"], workspace.dir.path());
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    assert!(
        out.stderr.contains("--shard -1/3: expected K/N"),
        "{}",
        out.stderr
    );
}
