//! Broken scenarios and arguments, run through the real binary: each must exit with code 2
//! and an error that names the file, the right line, the offending field or value and what
//! was expected, without a panic.
//!
//! Every scenario here is a small valid one ([`BASE`]) with one deliberate mistake; the
//! expected line is computed from the text written, never hard-coded.

use std::path::PathBuf;

use assert_cmd::Command;
use tempfile::TempDir;

/// Exit code of any scenario or argument error.
const EXIT_INPUT: i32 = 2;

/// A small valid scenario; each test breaks one thing in it.
const BASE: &str = "\
name: broken
seed: 3
duration: 20s
warmup: 2s
network:
  dsl: { latency: 20ms, bandwidth: 10Mbit/s }
clients:
  users: { count: 5, link: dsl }
workload:
  events: { source: poisson, rate: 1/s, payload: 100B }
transports:
  - { label: poll, polling: { interval: 1s } }
  - { label: ws, websocket: {} }
";

/// [`BASE`] with `from` replaced by `to`; `from` must occur exactly once.
fn broken(from: &str, to: &str) -> String {
    assert_eq!(
        BASE.matches(from).count(),
        1,
        "test bug: `{from}` must occur once in BASE"
    );
    BASE.replacen(from, to, 1)
}

/// The 1-based number of the only line of `text` containing `token`.
fn line_of(text: &str, token: &str) -> usize {
    let lines: Vec<usize> = text
        .lines()
        .enumerate()
        .filter(|(_, line)| line.contains(token))
        .map(|(index, _)| index + 1)
        .collect();
    assert_eq!(
        lines.len(),
        1,
        "test bug: `{token}` must be on exactly one line of:\n{text}"
    );
    lines[0]
}

/// A scenario written to a temporary file.
struct ScenarioFile {
    dir: TempDir,
    path: PathBuf,
    text: String,
}

impl ScenarioFile {
    /// Writes `text` to `<tempdir>/<name>.yaml`; the name makes the file easy to spot in
    /// error messages.
    fn new(name: &str, text: &str) -> Self {
        let dir = tempfile::tempdir().expect("create a temporary folder");
        let path = dir.path().join(format!("{name}.yaml"));
        std::fs::write(&path, text).expect("write the scenario");
        ScenarioFile {
            dir,
            path,
            text: text.to_string(),
        }
    }

    /// Writes `bytes`, which need not be text, to `<tempdir>/<name>.yaml`.
    fn from_bytes(name: &str, bytes: &[u8]) -> Self {
        let dir = tempfile::tempdir().expect("create a temporary folder");
        let path = dir.path().join(format!("{name}.yaml"));
        std::fs::write(&path, bytes).expect("write the scenario");
        ScenarioFile {
            dir,
            path,
            text: String::from_utf8_lossy(bytes).into_owned(),
        }
    }

    /// `rtsim check FILE [extra...]`.
    fn check(&self, extra: &[&str]) -> Failure {
        let mut cmd = Command::cargo_bin("rtsim").expect("the rtsim binary");
        cmd.arg("check").arg(&self.path).args(extra);
        Failure::from(cmd).of_file(self.shown())
    }

    /// `rtsim run FILE --out <tempdir>/out [extra...]`; also asserts nothing was written.
    fn run(&self, extra: &[&str]) -> Failure {
        let out = self.dir.path().join("out");
        let mut cmd = Command::cargo_bin("rtsim").expect("the rtsim binary");
        cmd.arg("run")
            .arg(&self.path)
            .arg("--out")
            .arg(&out)
            .args(extra);
        let failure = Failure::from(cmd).of_file(self.shown());
        assert!(
            !out.join("summary.json").exists(),
            "a failed run must not write results; found {}",
            out.join("summary.json").display()
        );
        failure
    }

    /// The file as the binary names it in messages.
    fn shown(&self) -> String {
        self.path.display().to_string()
    }

    /// Asserts `failure` is located at the line containing `token`, with that line shown.
    fn assert_at(&self, failure: &Failure, token: &str) {
        let line = line_of(&self.text, token);
        failure.assert_location(&self.shown(), line);
        let source = self.text.lines().nth(line - 1).expect("line exists");
        failure.assert_contains(&format!(" {line} | {source}"));
    }
}

/// The outcome of a command that must fail with an input error.
struct Failure {
    stderr: String,
    /// The scenario's path, left out of substring checks: a file named `tab.yaml` must not
    /// satisfy a check that the message says "tab".
    file: Option<String>,
}

impl Failure {
    /// Runs the command and checks the properties every input error has: exit code 2, an
    /// `error:` message, no panic.
    fn from(mut cmd: Command) -> Self {
        let output = cmd.output().expect("run rtsim");
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        assert_eq!(
            output.status.code(),
            Some(EXIT_INPUT),
            "expected exit code {EXIT_INPUT}; stderr:\n{stderr}"
        );
        assert!(!stderr.contains("panicked"), "rtsim panicked:\n{stderr}");
        assert!(
            stderr.starts_with("error: "),
            "expected an `error:` message, got:\n{stderr}"
        );
        Failure { stderr, file: None }
    }

    /// Marks `file` as the scenario path, to be left out of substring checks.
    fn of_file(mut self, file: String) -> Self {
        self.file = Some(file);
        self
    }

    /// stderr with the scenario path replaced by `<file>`.
    fn text(&self) -> String {
        match &self.file {
            Some(file) => self.stderr.replace(file.as_str(), "<file>"),
            None => self.stderr.clone(),
        }
    }

    /// The first line: `error: <where>: <message>`.
    fn headline(&self) -> &str {
        self.stderr.lines().next().unwrap_or_default()
    }

    fn assert_contains(&self, needle: &str) -> &Self {
        assert!(
            self.text().contains(needle),
            "stderr should contain {needle:?}; it is:\n{}",
            self.stderr
        );
        self
    }

    fn assert_lacks(&self, needle: &str) -> &Self {
        assert!(
            !self.text().contains(needle),
            "stderr should not contain {needle:?}; it is:\n{}",
            self.stderr
        );
        self
    }

    /// Asserts the headline starts `error: <file>:<line>:<column>: `.
    fn assert_location(&self, file: &str, line: usize) -> &Self {
        let prefix = format!("error: {file}:{line}:");
        let rest = self.headline().strip_prefix(&prefix).unwrap_or_else(|| {
            panic!(
                "expected the error at {file}, line {line}; stderr:\n{}",
                self.stderr
            )
        });
        let column: String = rest.chars().take_while(char::is_ascii_digit).collect();
        assert!(
            !column.is_empty() && rest[column.len()..].starts_with(": "),
            "expected `<line>:<column>: ` after the file name; stderr:\n{}",
            self.stderr
        );
        self
    }
}

/// Checks a broken copy of [`BASE`] with `check`: located at the line containing `token`,
/// stderr containing every `expected` substring.
fn assert_check_fails(name: &str, text: &str, token: &str, expected: &[&str]) -> ScenarioFile {
    let file = ScenarioFile::new(name, text);
    let failure = file.check(&[]);
    file.assert_at(&failure, token);
    for needle in expected {
        failure.assert_contains(needle);
    }
    file
}

/// As [`assert_check_fails`], and the same error from `run --out DIR`.
fn assert_check_and_run_fail(name: &str, text: &str, token: &str, expected: &[&str]) {
    let file = assert_check_fails(name, text, token, expected);
    let failure = file.run(&[]);
    file.assert_at(&failure, token);
    for needle in expected {
        failure.assert_contains(needle);
    }
}

#[test]
fn base_scenario_is_valid() {
    let file = ScenarioFile::new("base", BASE);
    Command::cargo_bin("rtsim")
        .expect("the rtsim binary")
        .arg("check")
        .arg(&file.path)
        .assert()
        .success();
}

// ---- Unknown fields ----

#[test]
fn unknown_nested_field() {
    let text = broken("latency: 20ms", "latncy: 20ms");
    assert_check_fails(
        "unknown-nested-field",
        &text,
        "latncy",
        &[
            "`latncy`",
            "expected one of latency, jitter, bandwidth, upload, loss",
        ],
    );
}

#[test]
fn unknown_top_level_field_is_reported_as_misspelt_not_missing() {
    let text = broken("duration: 20s", "durration: 20s");
    let file = assert_check_fails(
        "misspelt-top-level",
        &text,
        "durration",
        &[
            "field `durration`",
            "unknown top-level field",
            "expected one of:",
            "duration",
        ],
    );
    file.check(&[]).assert_lacks("missing field");
}

// ---- Types and units ----

#[test]
fn wrong_type_for_a_count() {
    let text = broken("count: 5", "count: ten");
    assert_check_fails(
        "count-ten",
        &text,
        "count: ten",
        &["field `clients.users.count`", "expected a whole number"],
    );
}

#[test]
fn negative_count() {
    let text = broken("count: 5", "count: -3");
    assert_check_fails(
        "count-negative",
        &text,
        "count: -3",
        &["field `clients.users.count`", "expected a whole number"],
    );
}

#[test]
fn bad_duration_unit() {
    let text = broken("duration: 20s", "duration: 20 parsecs");
    assert_check_and_run_fail(
        "duration-parsecs",
        &text,
        "parsecs",
        &[
            "field `duration`",
            "\"20 parsecs\"",
            "unknown unit \"parsecs\"",
            "ns, us, ms, s, m, h",
        ],
    );
}

#[test]
fn negative_duration() {
    let text = broken("duration: 20s", "duration: -5s");
    assert_check_fails(
        "duration-negative",
        &text,
        "-5s",
        &["field `duration`", "cannot be negative"],
    );
}

#[test]
fn bytes_without_a_unit() {
    let text = broken("payload: 100B", "payload: 180");
    assert_check_fails(
        "payload-no-unit",
        &text,
        "payload: 180",
        &[
            "field `workload.events.payload`",
            "\"180\"",
            "missing unit",
            "B, KB",
        ],
    );
}

#[test]
fn bad_bandwidth_unit() {
    let text = broken("bandwidth: 10Mbit/s", "bandwidth: 10Mfurlong/s");
    assert_check_fails(
        "bandwidth-unit",
        &text,
        "Mfurlong",
        &[
            "field `network.dsl.bandwidth`",
            "\"10Mfurlong/s\"",
            "Mbit/s",
        ],
    );
}

#[test]
fn bad_rate_unit() {
    let text = broken("rate: 1/s", "rate: 1/fortnight");
    assert_check_fails(
        "rate-unit",
        &text,
        "fortnight",
        &[
            "field `workload.events.rate`",
            "\"1/fortnight\"",
            "\"10/s\"",
        ],
    );
}

#[test]
fn rate_without_a_time_unit() {
    let text = broken("rate: 1/s", "rate: 2");
    assert_check_fails(
        "rate-no-slash",
        &text,
        "rate: 2,",
        &["field `workload.events.rate`", "missing unit", "\"/\""],
    );
}

#[test]
fn percent_over_100() {
    let text = broken("bandwidth: 10Mbit/s }", "bandwidth: 10Mbit/s, loss: 150% }");
    assert_check_and_run_fail(
        "loss-150",
        &text,
        "150%",
        &[
            "field `network.dsl.loss`",
            "\"150%\"",
            "between 0% and 100%",
        ],
    );
}

// ---- Names ----

#[test]
fn unknown_link_in_a_client_group() {
    let text = broken("link: dsl", "link: fiber");
    assert_check_and_run_fail(
        "unknown-link",
        &text,
        "fiber",
        &[
            "field `clients.users.link`",
            "\"fiber\"",
            "expected one of: dsl",
        ],
    );
}

#[test]
fn unknown_event_source() {
    let text = broken("source: poisson", "source: gaussian");
    let file = assert_check_fails(
        "unknown-source",
        &text,
        "gaussian",
        &[
            "field `workload.events.source`",
            "\"gaussian\"",
            "poisson, periodic, bursty",
        ],
    );
    // A scenario without a sweep has no sweep points to name.
    file.check(&[]).assert_lacks("sweep point");
}

/// Payload distributions and bursty sources: each mistake named at its line.
#[test]
fn payload_distributions_and_bursts_are_checked() {
    for (name, to, token, expected) in [
        (
            "payload-two-dists",
            "payload: { uniform: [1B, 2B], lognormal: { median: 1B, sigma: 1 } }",
            "uniform",
            vec!["exactly one distribution", "lognormal"],
        ),
        (
            "payload-uniform",
            "payload: { uniform: [2KB, 1KB] }",
            "uniform",
            vec!["maximum (1000 B) is below the minimum (2000 B)"],
        ),
        (
            "payload-sigma",
            "payload: { lognormal: { median: 300B, sigma: -1 } }",
            "lognormal",
            vec!["sigma must be a number from 0 to 5, found -1"],
        ),
        (
            "payload-unit",
            "payload: { uniform: [100, 1KB] }",
            "uniform",
            vec!["missing unit"],
        ),
    ] {
        assert_check_fails(name, &broken("payload: 100B", to), token, &expected);
    }
    assert_check_fails(
        "bursty-no-on",
        &broken("source: poisson", "source: bursty, off_time: 5s"),
        "bursty",
        &["a bursty source needs `on_time`"],
    );
    assert_check_fails(
        "on-not-bursty",
        &broken("source: poisson", "source: poisson, on_time: 5s"),
        "on_time: 5s",
        &["workload.events.on_time", "only to `source: bursty`"],
    );
}

/// Issue 16: `on` and `off` were renamed `on_time` and `off_time` (YAML 1.1 tools read the
/// old keys as booleans). Scenarios written before the rename still run, with a warning
/// naming the new key, in the file and through `--set`; both spellings at once are refused,
/// located; the schema knows only the new keys.
#[test]
fn the_old_bursty_keys_still_read_with_a_warning_naming_the_new_one() {
    // `rtsim check FILE [extra...]` must pass; its standard error.
    let passes = |file: &ScenarioFile, extra: &[&str]| {
        let mut cmd = Command::cargo_bin("rtsim").expect("the rtsim binary");
        let output = cmd.arg("check").arg(&file.path).args(extra).output();
        let output = output.expect("run rtsim");
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        assert_eq!(output.status.code(), Some(0), "{stderr}");
        stderr
    };
    for (old, new) in [("on", "on_time"), ("off", "off_time")] {
        let other = if old == "on" { "off_time" } else { "on_time" };
        let to = format!("source: bursty, {old}: 5s, {other}: 5s");
        let file = ScenarioFile::new(&format!("renamed-{old}"), &broken("source: poisson", &to));
        let warned = passes(&file, &[]);
        assert!(
            warned.contains(&format!(
                "warning: `workload.events.{old}` is the old name of `{new}`"
            )) && warned.contains("as a boolean"),
            "{warned}"
        );
        let both = format!("source: bursty, {old}: 5s, {new}: 4s, {other}: 5s");
        assert_check_fails(
            &format!("renamed-both-{old}"),
            &broken("source: poisson", &both),
            &format!("{old}: 5s"),
            &[
                &format!("field `workload.events.{old}`"),
                &format!("`{old}` is the old name of `{new}`, which is also given"),
            ],
        );
    }
    let base = ScenarioFile::new(
        "renamed-set",
        &broken(
            "source: poisson",
            "source: bursty, on_time: 5s, off_time: 5s",
        ),
    );
    let set = [
        "--set",
        "workload.events.on_time=",
        "--set",
        "workload.events.on=3s",
    ];
    let warned = passes(&base, &set);
    assert!(
        warned.contains("warning: `workload.events.on` is the old name of `on_time`"),
        "{warned}"
    );
}

// ---- Malformed YAML ----

/// Whether the message (the headline after the file name) says a flow mapping was left open.
fn says_unclosed_mapping(failure: &Failure) -> bool {
    let headline = failure.text();
    let headline = headline.lines().next().unwrap_or_default();
    let message = headline.strip_prefix("error: <file>").unwrap_or(headline);
    ["'}'", "'{'", "`}`", "`{`", "flow mapping", "unclosed"]
        .iter()
        .any(|hint| message.contains(hint))
}

/// An unclosed `{` is reported as unclosed, at the line where it was opened — also when
/// the parser only notices lines later, and when the next line's key is read into a value
/// with a unit (the error must not blame the unit).
#[test]
fn unclosed_flow_mappings() {
    let cases = [
        (
            "flow-at-end",
            "{ label: ws, websocket: {} }",
            "{ label: ws, websocket: {}",
            "label: ws",
        ),
        ("flow-before-key", "link: dsl }", "link: dsl", "users: {"),
        (
            "flow-after-unit",
            "bandwidth: 10Mbit/s }",
            "bandwidth: 10Mbit/s",
            "dsl: {",
        ),
    ];
    for (name, from, to, opened_on) in cases {
        let text = broken(from, to);
        let file = ScenarioFile::new(name, &text);
        let failure = file.check(&[]);
        assert!(
            says_unclosed_mapping(&failure),
            "{name}: the error should say the `{{` is not closed:\n{}",
            failure.stderr
        );
        file.assert_at(&failure, opened_on);
    }
}

#[test]
fn tab_indentation() {
    let text = broken("  users:", "\tusers:");
    assert_check_fails("tab", &text, "\tusers", &["tab"]);
}

#[test]
fn unknown_anchor_alias() {
    let text = broken("interval: 1s }", "interval: 1s, <<: *nope }");
    assert_check_fails("unknown-alias", &text, "*nope", &["anchor"]);
}

/// The message must speak to the scenario's author, not to the programmer embedding the
/// YAML library (serde-saphyr suggests "set DuplicateKeyPolicy in Options").
#[test]
fn duplicate_key() {
    let text = broken("seed: 3\n", "seed: 3\nseed: 4\n");
    let file = ScenarioFile::new("duplicate-key", &text);
    let failure = file.check(&[]);
    file.assert_at(&failure, "seed: 4");
    failure
        .assert_contains("duplicate")
        .assert_contains("seed")
        .assert_lacks("DuplicateKeyPolicy")
        .assert_lacks("Options");
}

#[test]
fn empty_file_is_reported_at_line_1() {
    for (name, text) in [("empty", ""), ("blank", "\n  \n\n")] {
        let file = ScenarioFile::new(name, text);
        for failure in [file.check(&[]), file.run(&[])] {
            failure
                .assert_location(&file.shown(), 1)
                .assert_contains("empty")
                .assert_contains("name, duration, network, clients, workload and transports");
        }
    }
}

// ---- Ranges and consistency ----

#[test]
fn zero_duration() {
    let text = broken("duration: 20s", "duration: 0s");
    assert_check_fails(
        "duration-zero",
        &text,
        "duration: 0s",
        &["field `duration`", "greater than 0"],
    );
}

#[test]
fn warmup_not_shorter_than_duration() {
    for warmup in ["20s", "30s", "1m"] {
        let text = broken("warmup: 2s", &format!("warmup: {warmup}"));
        assert_check_fails(
            &format!("warmup-{warmup}"),
            &text,
            "warmup:",
            &["field `warmup`", "shorter than duration (20s)", warmup],
        );
    }
}

#[test]
fn polling_jitter_not_shorter_than_interval() {
    for jitter in ["1s", "1500ms"] {
        let text = broken(
            "interval: 1s }",
            &format!("interval: 1s, jitter: {jitter} }}"),
        );
        assert_check_fails(
            &format!("jitter-{jitter}"),
            &text,
            "jitter:",
            &[
                "field `transports[0].polling.jitter`",
                "shorter than the interval (1s)",
            ],
        );
    }
}

#[test]
fn transport_entry_naming_two_transports() {
    let text = broken("websocket: {} }", "websocket: {}, sse: {} }");
    assert_check_and_run_fail(
        "two-transports",
        &text,
        "label: ws",
        &[
            "field `transports[1]`",
            "more than one transport",
            "polling, long_polling, sse, websocket",
        ],
    );
}

#[test]
fn transport_entry_naming_none() {
    let text = broken("{ label: ws, websocket: {} }", "{ label: ws }");
    assert_check_fails(
        "no-transport",
        &text,
        "label: ws",
        &[
            "field `transports[1]`",
            "names no transport",
            "polling, long_polling, sse, websocket",
        ],
    );
}

#[test]
fn duplicate_labels() {
    let text = broken("label: ws", "label: poll");
    assert_check_fails(
        "duplicate-labels",
        &text,
        "websocket",
        &[
            "field `transports[1]`",
            "duplicate label \"poll\"",
            "transports[0]",
            "unique",
        ],
    );
}

// ---- YAML anchors and merge keys ----

/// Polling and long polling share their header sizes through an `x-` anchor, once in a
/// flow mapping and once in a block mapping.
const WITH_ANCHOR: &str = "\
name: anchors
duration: 20s
x-http: &http
  request_headers: 450B
  response_headers: 220B
network:
  dsl: { latency: 20ms, bandwidth: 10Mbit/s }
clients:
  users: { count: 5, link: dsl }
workload:
  events: { source: poisson, rate: 1/s, payload: 100B }
transports:
  - { label: poll, polling: { interval: 1s, <<: *http } }
  - label: lp
    long_polling:
      <<: *http
      timeout: 10s
";

#[test]
fn merge_keys_from_an_x_anchor_are_accepted() {
    let file = ScenarioFile::new("anchors", WITH_ANCHOR);
    let output = Command::cargo_bin("rtsim")
        .expect("the rtsim binary")
        .arg("check")
        .arg(&file.path)
        .output()
        .expect("run rtsim");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "check failed:\n{stderr}");
    assert!(stdout.contains("variants: poll, lp"), "stdout:\n{stdout}");
}

#[test]
fn misspelt_field_inside_a_merged_anchor() {
    let text = WITH_ANCHOR.replacen("  response_headers: 220B", "  respones_headers: 220B", 1);
    assert_check_fails(
        "anchor-misspelt",
        &text,
        "respones_headers",
        &["`respones_headers`", "response_headers"],
    );
}

/// A bad value inside an anchor: the message must name the field that holds it (not a
/// sibling merged from the same anchor), say where the value is written, and not be cut
/// short.
#[test]
fn bad_unit_inside_a_merged_anchor() {
    let text = WITH_ANCHOR.replacen("response_headers: 220B", "response_headers: 220 bytes", 1);
    let file = ScenarioFile::new("anchor-bad-unit", &text);
    let failure = file.check(&[]);
    let value_line = line_of(&text, "220 bytes");
    let headline = failure.headline().to_string();
    assert!(
        headline.starts_with(&format!("error: {}:{value_line}:", file.shown()))
            || headline.contains(&format!("line {value_line}")),
        "the error should point at line {value_line}, where the bad value is written:\n{}",
        failure.stderr
    );
    failure
        .assert_contains("\"220 bytes\"")
        .assert_contains("field `transports[0].polling.response_headers`")
        .assert_lacks("request_headers");
    assert!(
        !headline.trim_end().ends_with("(used"),
        "the message is cut short:\n{}",
        failure.stderr
    );
}

// ---- `--set` ----

#[test]
fn set_with_an_unknown_field() {
    let file = ScenarioFile::new("set-unknown", BASE);
    for failure in [
        file.check(&["--set", "clients.users.cuont=3"]),
        file.run(&["--set", "clients.users.cuont=3"]),
    ] {
        failure
            .assert_contains("error: --set clients.users.cuont=3: ")
            .assert_contains("`cuont`")
            .assert_contains("`count`");
    }
    file.check(&["--set", "durration=5s"])
        .assert_contains("error: --set durration=5s: ")
        .assert_contains("unknown top-level field `durration`")
        .assert_contains("duration");
}

#[test]
fn set_with_a_value_of_the_wrong_type() {
    let file = ScenarioFile::new("set-type", BASE);
    file.check(&["--set", "clients.users.count=ten"])
        .assert_contains("error: --set clients.users.count=ten: ")
        .assert_contains("\"ten\"")
        .assert_contains("expected");
    file.check(&["--set", "duration=5parsecs"])
        .assert_contains("error: --set duration=5parsecs: ")
        .assert_contains("unknown unit \"parsecs\"")
        .assert_contains("ns, us, ms, s, m, h");
}

#[test]
fn set_with_a_value_out_of_range_names_the_argument() {
    let file = ScenarioFile::new("set-range", BASE);
    file.check(&["--set", "clients.users.count=0"])
        .assert_contains("error: --set clients.users.count=0: ")
        .assert_contains("field `clients.users.count`")
        .assert_contains("at least 1");
}

#[test]
fn set_without_equals() {
    let file = ScenarioFile::new("set-no-equals", BASE);
    file.check(&["--set", "clients.users.count"])
        .assert_contains("error: --set clients.users.count: ")
        .assert_contains("missing `=`")
        .assert_contains("PATH=VALUE");
}

// ---- Files and arguments ----

#[test]
fn nonexistent_file() {
    let dir = tempfile::tempdir().expect("create a temporary folder");
    let missing = dir.path().join("no-such-scenario.yaml");
    let out = dir.path().join("out");
    let mut check = Command::cargo_bin("rtsim").expect("the rtsim binary");
    check.arg("check").arg(&missing);
    let mut run = Command::cargo_bin("rtsim").expect("the rtsim binary");
    run.arg("run").arg(&missing).arg("--out").arg(&out);
    for cmd in [check, run] {
        Failure::from(cmd)
            .assert_contains(&format!("error: {}: ", missing.display()))
            .assert_contains("cannot read the file");
    }
    assert!(
        !out.exists(),
        "a failed run must not create its output folder"
    );
}

#[test]
fn bad_command_line_arguments() {
    let file = ScenarioFile::new("args", BASE);
    file.run(&["--format", "xml"]).assert_contains("xml");
    file.check(&["--seed", "many"]).assert_contains("many");
}

/// Sizes that would exhaust memory are refused up front, with the limit named.
#[test]
fn scenarios_too_large_to_hold_are_refused() {
    let text = broken("rate: 1/s", "rate: 100000000/s");
    assert_check_and_run_fail(
        "huge-rate",
        &text,
        "100000000/s",
        &["would create about", "at most"],
    );
    let text = broken("count: 5", "count: 4000000000");
    assert_check_fails(
        "huge-count",
        &text,
        "users:",
        &["4000000000 clients", "at most"],
    );
}

/// A missing required field is named as missing, at the top of the file for a top-level
/// field and at its mapping for a nested one; no unrelated field is blamed.
#[test]
fn missing_required_fields() {
    let text = broken("duration: 20s\n", "");
    let file = ScenarioFile::new("missing-duration", &text);
    let failure = file.check(&[]);
    failure
        .assert_location(&file.shown(), 1)
        .assert_contains("missing required field `duration`")
        .assert_lacks("field `network`");
    let text = broken("latency: 20ms, ", "");
    assert_check_fails(
        "missing-latency",
        &text,
        "dsl:",
        &["missing required field `latency`"],
    );
}

#[test]
fn unknown_payload_encoding() {
    let text = broken("payload: 100B", "payload: 100B, encoding: protobuf");
    assert_check_fails(
        "encoding",
        &text,
        "protobuf",
        &["\"protobuf\"", "json, binary"],
    );
}

#[test]
fn not_modified_headers_without_conditional_polling() {
    let text = broken(
        "polling: { interval: 1s }",
        "polling: { interval: 1s, not_modified_headers: 100B }",
    );
    assert_check_fails(
        "not-modified",
        &text,
        "not_modified_headers",
        &["conditional: true"],
    );
}

/// `charts:` entries: an unknown chart or metric lists the valid names; a chart against a
/// parameter that is not swept, or swept over values that make no axis, is refused at the
/// entry's line.
#[test]
fn charts_name_known_charts_and_swept_parameters() {
    for (name, charts, token, expected) in [
        (
            "chart-kind",
            "charts: [latency-cdf, latency_cdf]\n",
            "latency_cdf]",
            vec![
                "charts[1]",
                "unknown chart \"latency_cdf\"",
                "latency-cdf, frontier",
            ],
        ),
        (
            "chart-metric",
            "charts:\n  - latency.p98 vs clients.users.count\n",
            "latency.p98",
            vec!["charts[0]", "unknown metric \"latency.p98\"", "latency.p99"],
        ),
        (
            "chart-no-sweep",
            "charts:\n  - latency.p99 vs clients.users.count\n",
            "latency.p99 vs",
            vec!["`clients.users.count`", "the scenario has no `sweep:`"],
        ),
        (
            "chart-not-swept",
            "sweep: { clients.users.count: [5, 10] }\ncharts:\n  - latency.p99 vs seed\n",
            "latency.p99 vs",
            vec![
                "`seed`, which is not swept",
                "swept parameters: clients.users.count",
            ],
        ),
        (
            "chart-not-numeric",
            "sweep: { network.dsl.latency: [20ms, fast] }\ncharts:\n  - latency.p99 vs network.dsl.latency\n",
            "latency.p99 vs",
            vec!["20ms, fast", "not all numbers"],
        ),
    ] {
        assert_check_fails(name, &format!("{BASE}{charts}"), token, &expected);
    }
}

/// Faults, reconnect policies, health checks and radios: each mistake is named at its line
/// with what was expected.
#[test]
fn faults_reconnects_and_radios_are_checked() {
    let cases: [(&str, &str, &str, &str, &[&str]); 8] = [
        (
            "crash-replica",
            "  - { label: ws, websocket: {} }\n",
            "  - { label: ws, websocket: {} }\nfaults: [ { at: 5s, crash: { replica: 3 } } ]\n",
            "replica: 3",
            &[
                "faults[0].crash.replica",
                "no replica 3",
                "1 (numbered from 0)",
            ],
        ),
        (
            "fault-late",
            "  - { label: ws, websocket: {} }\n",
            "  - { label: ws, websocket: {} }\nfaults: [ { at: 25s, crash: {} } ]\n",
            "at: 25s",
            &["faults[0].at", "before the end of the run"],
        ),
        (
            "fault-kind",
            "  - { label: ws, websocket: {} }\n",
            "  - { label: ws, websocket: {} }\nfaults: [ { at: 5s } ]\n",
            "at: 5s",
            &["names no fault", "crash"],
        ),
        (
            "backoff",
            "websocket: {} }",
            "websocket: { reconnect: { backoff: linear } } }",
            "linear",
            &["unknown backoff \"linear\"", "fixed or exponential"],
        ),
        (
            "max-fixed",
            "websocket: {} }",
            "websocket: { reconnect: { delay: 1s, max: 10s } } }",
            "max: 10s",
            &["reconnect.max", "only to `backoff: exponential`"],
        ),
        (
            "resume-alone",
            "websocket: {} }",
            "websocket: { resume: replay } }",
            "resume: replay",
            &["websocket.resume", "only with a `reconnect` policy"],
        ),
        (
            "radio-tech",
            "dsl: { latency: 20ms, bandwidth: 10Mbit/s }",
            "dsl: { latency: 20ms, bandwidth: 10Mbit/s, radio: { technology: 5g } }",
            "5g",
            &["unknown radio technology \"5g\"", "lte, 3g or wifi"],
        ),
        (
            "radio-power",
            "dsl: { latency: 20ms, bandwidth: 10Mbit/s }",
            "dsl: { latency: 20ms, bandwidth: 10Mbit/s, radio: { technology: lte, tail_mw: -5 } }",
            "tail_mw",
            &["network.dsl.radio.tail_mw", "at least 0, found -5"],
        ),
    ];
    for (name, from, to, token, expected) in cases {
        assert_check_fails(name, &broken(from, to), token, expected);
    }
}

/// A trace's mistakes are named by file and line.
#[test]
fn trace_files_are_checked_row_by_row() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "bad-time",
            "time,size\n1,10\nsoon,10\n",
            "line 3: time: \"soon\"",
        ),
        (
            "backwards",
            "time,size\n2,10\n1,10\n",
            "line 3: times must not decrease",
        ),
        (
            "audience",
            "time,size,audience\n1,10,topic:scores\n",
            "audience \"topic:scores\": expected `all`, `user:<client index>` or `topic:<topic index>`",
        ),
        (
            "audience-topics",
            "time,size,audience\n1,10,topic:3\n",
            "topics need `workload.events.audience: { topics: N, ... }`",
        ),
        (
            "audience-user",
            "time,size,audience\n1,10,user:5\n",
            "the scenario has 5 clients (numbered from 0)",
        ),
        (
            "header",
            "when,bytes\n1,10\n",
            "line 1: expected the header `time,size,audience`",
        ),
        (
            "size",
            "time,size\n1,0\n",
            "line 2: size: an event has at least 1 byte",
        ),
    ];
    for (name, csv, expected) in cases {
        std::fs::write(dir.path().join(format!("{name}.csv")), csv).unwrap();
        let text = BASE.replace(
            "events: { source: poisson, rate: 1/s, payload: 100B }",
            &format!("events: {{ source: trace, trace: {name}.csv }}"),
        );
        let file = dir.path().join(format!("{name}.yaml"));
        std::fs::write(&file, text).unwrap();
        let e = rtsim::scenario::load_file(&file, &[])
            .unwrap_err()
            .to_string();
        assert!(e.contains(expected), "{name}: {e}");
        assert!(e.contains("workload.events.trace"), "{name}: {e}");
    }
    // A trace gives the times and sizes: `rate` with it is a mistake; without a trace, a
    // missing `rate` is named.
    assert_check_fails(
        "trace-rate",
        &broken(
            "source: poisson, rate: 1/s, payload: 100B",
            "source: trace, trace: x.csv, rate: 1/s",
        ),
        "source: trace",
        &["workload.events.rate", "does not apply to `source: trace`"],
    );
    assert_check_fails(
        "no-rate",
        &broken(
            "source: poisson, rate: 1/s, payload: 100B",
            "source: poisson, payload: 100B",
        ),
        "source: poisson",
        &["missing required field `rate`"],
    );
}

/// Two-way workloads: each mistake in `workload.messages` and `rest` is named with its
/// line.
#[test]
fn two_way_mistakes_are_located_and_named() {
    let events = "events: { source: poisson, rate: 1/s, payload: 100B }";
    let messages = |m: &str| broken(events, &format!("messages: {m}"));
    assert_check_fails(
        "nothing-to-send",
        &broken(&format!("workload:\n  {events}"), "workload: {}"),
        "workload: {}",
        &["missing `events`", "`messages`"],
    );
    assert_check_fails(
        "message-rate-zero",
        &messages("{ rate: 0/s, payload: 100B }"),
        "messages:",
        &["workload.messages.rate", "must be greater than 0"],
    );
    assert_check_fails(
        "message-audience",
        &messages("{ rate: 1/s, payload: 100B, deliver_to: room }"),
        "messages:",
        &["workload.messages.deliver_to", "expected one of: all, none"],
    );
    assert_check_fails(
        "message-payload",
        &messages("{ rate: 1/s, payload: { uniform: [100B, 10B] } }"),
        "messages:",
        &["workload.messages.payload", "below the minimum"],
    );
    assert_check_fails(
        "message-field",
        &messages("{ rate: 1/s, payload: 100B, sizes: 3 }"),
        "sizes",
        &["unknown field `sizes`", "deliver_to"],
    );
    assert_check_fails(
        "message-flood",
        &messages("{ rate: 10000000/s, payload: 100B }"),
        "messages:",
        &["workload.messages.rate", "at most"],
    );
    assert_check_fails(
        "rest-without-messages",
        &broken("transports:", "rest: { cost: 1ms }\ntransports:"),
        "rest:",
        &["field `rest`", "needs `workload.messages`"],
    );
}

/// Webhooks: receivers and the webhook block are checked with their lines.
#[test]
fn webhook_mistakes_are_located_and_named() {
    let with_receivers = |receivers: &str, webhook: &str| {
        broken(
            "transports:\n",
            &format!(
                "receivers:\n{receivers}\ntransports:\n  - {{ label: hook, webhook: {webhook} }}\n"
            ),
        )
    };
    assert_check_fails(
        "webhook-without-receivers",
        &broken(
            "transports:\n",
            "transports:\n  - { label: hook, webhook: {} }\n",
        ),
        "label: hook",
        &["transports[0].webhook", "need `receivers`"],
    );
    assert_check_fails(
        "receivers-without-webhook",
        &broken(
            "transports:",
            "receivers:\n  partner: { link: dsl }\ntransports:",
        ),
        "partner: { link: dsl }",
        &["field `receivers`", "only by `webhook` variants"],
    );
    assert_check_fails(
        "receiver-link",
        &with_receivers("  partner: { link: fibre }", "{}"),
        "fibre",
        &[
            "receivers.partner.link",
            "unknown link profile \"fibre\"",
            "dsl",
        ],
    );
    assert_check_fails(
        "receiver-overlap",
        &with_receivers(
            "  partner: { link: dsl, downtime: [{ at: 5s, for: 10s }, { at: 8s, for: 1s }] }",
            "{}",
        ),
        "downtime",
        &["receivers.partner.downtime", "overlap"],
    );
    assert_check_fails(
        "retry-mixed",
        &with_receivers(
            "  partner: { link: dsl }",
            "{ retry: { schedule: [1s, 5s], initial: 1s } }",
        ),
        "retry",
        &["retry.initial", "a `schedule` lists every delay"],
    );
    assert_check_fails(
        "retry-empty",
        &with_receivers("  partner: { link: dsl }", "{ retry: { max_age: 1h } }"),
        "retry",
        &["expected `schedule: [delays...]` or exponential backoff"],
    );
    assert_check_fails(
        "webhook-field",
        &with_receivers("  partner: { link: dsl }", "{ timout: 5s }"),
        "timout",
        &["unknown field `timout`", "timeout"],
    );
}

/// Fallbacks: only from WebSocket, to HTTP/1.1 long polling, after at least one failure.
#[test]
fn fallback_mistakes_are_located_and_named() {
    assert_check_fails(
        "fallback-from-polling",
        &broken(
            "{ label: poll, polling: { interval: 1s } }",
            "{ label: poll, polling: { interval: 1s }, fallback: { long_polling: {} } }",
        ),
        "label: poll",
        &["transports[0].fallback", "`websocket` variants only"],
    );
    assert_check_fails(
        "fallback-after-zero",
        &broken(
            "{ label: ws, websocket: {} }",
            "{ label: ws, websocket: {}, fallback: { long_polling: {}, after: 0 } }",
        ),
        "label: ws",
        &["transports[1].fallback.after", "at least 1"],
    );
    assert_check_fails(
        "fallback-http2",
        &broken(
            "{ label: ws, websocket: {} }",
            "{ label: ws, websocket: {}, fallback: { long_polling: { http2: true } } }",
        ),
        "label: ws",
        &["fallback.long_polling.http2", "not modelled"],
    );
    assert_check_fails(
        "fallback-two-transports",
        &broken(
            "{ label: ws, websocket: {} }",
            "{ label: ws, websocket: {}, fallback: { sse: {}, long_polling: {} } }",
        ),
        "label: ws",
        &["transports[1].fallback", "exactly one transport"],
    );
    assert_check_fails(
        "fallback-twice",
        &broken(
            "{ label: ws, websocket: {} }",
            "{ label: ws, websocket: {}, fallback: [{ sse: {} }, { sse: {} }] }",
        ),
        "label: ws",
        &["transports[1].fallback[1]", "`sse` comes twice"],
    );
    assert_check_fails(
        "fallback-target",
        &broken(
            "{ label: ws, websocket: {} }",
            "{ label: ws, websocket: {}, fallback: { polling: { interval: 1s } } }",
        ),
        "label: ws",
        &["unknown field `polling`", "long_polling"],
    );
}

/// A fallback and client messages together are refused (not modelled), by name.
#[test]
fn a_fallback_with_messages_is_refused() {
    assert_check_fails(
        "fallback-messages",
        &broken(
            "{ label: ws, websocket: {} }",
            "{ label: ws, websocket: {}, fallback: { long_polling: {} } }",
        )
        .replace(
            "  events: { source: poisson, rate: 1/s, payload: 100B }",
            "  events: { source: poisson, rate: 1/s, payload: 100B }\n  messages: { rate: 1/s, payload: 10B }",
        ),
        "label: ws",
        &["transports[1].fallback", "not modelled"],
    );
}

/// Receivers in the topology: a receiver must be reachable from `servers`, and its name
/// must not be another node's.
#[test]
fn receiver_topology_mistakes_are_named() {
    let with = |receivers: &str, links: &str| {
        broken(
            "transports:\n",
            &format!(
                "topology:\n  links:\n    - {{ from: users, to: servers }}\n{links}receivers:\n{receivers}\ntransports:\n  - {{ label: hook, webhook: {{}} }}\n"
            ),
        )
    };
    assert_check_fails(
        "receiver-unreachable",
        &with(
            "  partner: { link: dsl }\n  other: { link: dsl }",
            "    - { from: partner, to: other }\n",
        ),
        "other: { link: dsl }",
        &[
            "receivers.other",
            "no chain of `topology.links` joins `servers`",
        ],
    );
    assert_check_fails(
        "receiver-name",
        &with("  users: { link: dsl }", ""),
        "users: { link: dsl }",
        &["receivers.users", "already a node of the topology"],
    );
}

// ---- Every input error says where and what ----

/// `rtsim check` of the built-in default scenario with `args`.
fn check_default(args: &[&str]) -> Failure {
    let mut cmd = Command::cargo_bin("rtsim").expect("the rtsim binary");
    cmd.arg("check").args(args);
    Failure::from(cmd)
}

/// A file that is not UTF-8 is located at its first bad byte (line, column and byte
/// offset), not refused as a whole.
#[test]
fn a_file_that_is_not_utf8_is_located_at_its_first_bad_byte() {
    let text = broken("seed: 3\n", "seed: 3\ndescription: caf\u{e9} au lait\n");
    let mut bytes = text.into_bytes();
    // é as Latin-1: one byte 0xE9 instead of UTF-8's two.
    let at = bytes
        .windows(2)
        .position(|w| w == [0xC3, 0xA9])
        .expect("the é");
    bytes.splice(at..at + 2, [0xE9]);
    let file = ScenarioFile::from_bytes("latin1", &bytes);
    let failure = file.check(&[]);
    failure
        .assert_location(&file.shown(), line_of(&file.text, "description"))
        .assert_contains(&format!("byte offset {at}"))
        .assert_contains("not UTF-8")
        .assert_lacks("stream did not contain valid UTF-8");
    assert!(
        failure.headline().contains(":3:17: "),
        "expected the column of the byte (17):\n{}",
        failure.stderr
    );
}

/// A file far larger than any scenario is refused before it is read, with the limit.
#[test]
fn a_file_larger_than_the_limit_is_refused_with_it() {
    let huge = format!("{BASE}{}", "# padding\n".repeat(17 * 1024 * 1024 / 10));
    let file = ScenarioFile::new("huge", &huge);
    file.check(&[])
        .assert_contains("larger than 16 MiB")
        .assert_contains("the limit");
}

/// YAML's `.nan` and `.inf` are valid YAML: the field they were written for says it must
/// be finite (not "malformed YAML", not the parser's "configured policy").
#[test]
fn non_finite_numbers_name_their_field_and_say_finite() {
    for (name, from, to, field) in [
        (
            "nan-duration",
            "duration: 20s",
            "duration: .nan",
            "field `duration`",
        ),
        (
            "inf-rate",
            "rate: 1/s",
            "rate: .inf",
            "field `workload.events.rate`",
        ),
        (
            "nan-size",
            "payload: 100B",
            "payload: .NaN",
            "field `workload.events.payload`",
        ),
    ] {
        let file = assert_check_fails(
            name,
            &broken(from, to),
            to,
            &[field, "must be a finite number"],
        );
        file.check(&[])
            .assert_lacks("configured policy")
            .assert_lacks("malformed");
    }
}

/// The same through `--set` (on a file and on the built-in scenario) and a sweep value.
#[test]
fn non_finite_numbers_through_set_and_sweep_say_finite() {
    let file = ScenarioFile::new("set-nan", BASE);
    file.check(&["--set", "duration=.nan"])
        .assert_contains("error: --set duration=.nan: field `duration`: ")
        .assert_contains("must be a finite number");
    check_default(&["--set", "network.broadband.latency=.inf"])
        .assert_contains("field `network.broadband.latency`")
        .assert_contains("must be a finite number, not infinity");
    let text = format!("{BASE}sweep:\n  network.dsl.latency: [10ms, .nan]\n");
    assert_check_fails(
        "sweep-nan",
        &text,
        ".nan]",
        &["field `network.dsl.latency`", "must be a finite number"],
    );
}

/// The parser's limits are named in words with their values, at the place where they were
/// exceeded, never as its debug output (`budget breached: Depth { depth: 65 }`).
#[test]
fn parser_limits_are_named_in_words() {
    // The top-level mapping is the first level: 63 more pass, 64 more do not.
    let nested = |levels: usize| {
        format!(
            "{BASE}x-deep: {}1{}\n",
            "{a: ".repeat(levels),
            "}".repeat(levels)
        )
    };
    let file = ScenarioFile::new("nested-63", &nested(63));
    Command::cargo_bin("rtsim")
        .expect("the rtsim binary")
        .arg("check")
        .arg(&file.path)
        .assert()
        .success();
    let file = assert_check_fails(
        "nested-64",
        &nested(64),
        "x-deep",
        &["nested more than 64 levels deep", "the limit is 64 levels"],
    );
    file.check(&[])
        .assert_lacks("budget breached")
        .assert_lacks("Depth {");
    let values = vec!["1"; 250_001].join(", ");
    assert_check_fails(
        "too-many-nodes",
        &format!("{BASE}x-many: [{values}]\n"),
        "x-many",
        &["more than 250000 YAML nodes", "the limit is 250000"],
    );
    // Counted once the whole file is read, so located where it ends.
    let aliases = vec!["*one"; 101].join(", ");
    let file = ScenarioFile::new(
        "alias-ratio",
        &format!("{BASE}x-one: &one 1\nx-uses: [{aliases}]\n"),
    );
    let failure = file.check(&[]);
    assert!(
        failure
            .headline()
            .starts_with(&format!("error: {}:", file.shown())),
        "expected a location:\n{}",
        failure.stderr
    );
    failure
        .assert_contains("101 aliases")
        .assert_contains("for 1 anchors")
        .assert_contains("the limit is 10 aliases per anchor");
}

/// An unclosed `[` is reported where it opens, like an unclosed `{`, also when the parser
/// only notices lines later with a message about something else.
#[test]
fn an_unclosed_list_is_reported_where_it_opens() {
    let text = broken(
        "transports:\n  - { label: poll, polling: { interval: 1s } }\n  - { label: ws, websocket: {} }\n",
        "transports: [ { label: poll, polling: { interval: 1s } },\n  { label: ws, websocket: {} }\nfaults: []\n",
    );
    assert_check_fails(
        "unclosed-list",
        &text,
        "transports: [",
        &["this `[` is never closed", "the parser noticed at line 13"],
    );
}

/// A value of the wrong shape names its field, the shape expected (and how to write it)
/// and the shape found.
#[test]
fn a_value_of_the_wrong_shape_names_its_field_and_the_shape_expected() {
    let text = broken(
        "transports:\n  - { label: poll, polling: { interval: 1s } }\n  - { label: ws, websocket: {} }\n",
        "transports:\n  poll: { polling: { interval: 1s } }\n",
    );
    let file = ScenarioFile::new("transports-as-mapping", &text);
    let failure = file.check(&[]);
    failure
        .assert_location(&file.shown(), line_of(&text, "poll:"))
        .assert_contains(
            "field `transports`: expected a list (`- item` lines, or `[a, b]`), found a mapping",
        )
        .assert_lacks("sequence start");
    assert_check_fails(
        "network-as-list",
        &broken("  dsl: { latency", "  - dsl: { latency"),
        "- dsl",
        &["field `network`", "expected a mapping", "found a list"],
    );
    assert_check_fails(
        "link-as-value",
        &broken("{ latency: 20ms, bandwidth: 10Mbit/s }", "fast"),
        "dsl: fast",
        &[
            "field `network.dsl`",
            "expected a mapping",
            "found a single value",
        ],
    );
    assert_check_fails(
        "count-as-list",
        &broken("count: 5", "count: [5]"),
        "count: [5]",
        &[
            "field `clients.users.count`",
            "expected a single value",
            "found a list",
        ],
    );
    assert_check_fails(
        "duration-as-list",
        &broken("duration: 20s", "duration: [20s]"),
        "duration: [20s]",
        &["field `duration`", "expected a duration", "found a list"],
    );
}

/// A misspelt first key of a block mapping keeps its full path (the mapping starts where
/// its first key does, which used to make the position name two fields).
#[test]
fn a_misspelt_first_key_of_a_block_keeps_its_path() {
    let cases = [
        (
            "  dsl: { latency: 20ms, bandwidth: 10Mbit/s }",
            "  dsl:\n    latncy: 20ms\n    bandwidth: 10Mbit/s",
            "latncy",
            "field `network.dsl.latncy`",
        ),
        (
            "  users: { count: 5, link: dsl }",
            "  users:\n    cuont: 5\n    link: dsl",
            "cuont",
            "field `clients.users.cuont`",
        ),
        (
            "  events: { source: poisson, rate: 1/s, payload: 100B }",
            "  events:\n    sorce: poisson\n    rate: 1/s",
            "sorce",
            "field `workload.events.sorce`",
        ),
        (
            "  - { label: ws, websocket: {} }",
            "  - label: ws\n    websocket:\n      heartbeats: 1s",
            "heartbeats",
            "field `transports[1].websocket.heartbeats`",
        ),
    ];
    for (from, to, token, field) in cases {
        assert_check_fails(
            "first-key",
            &broken(from, to),
            token,
            &[field, "unknown field"],
        );
    }
    assert_check_fails(
        "server-first-key",
        &format!("{BASE}server:\n  coers: 2\n"),
        "coers",
        &["field `server.coers`", "unknown field"],
    );
}

/// A file with no YAML in it, or with something other than a mapping, says so at line 1.
#[test]
fn a_file_without_a_scenario_mapping_says_what_it_holds() {
    for (name, text, says) in [
        (
            "comments-only",
            "# a scenario\n#\n  # to be written\n",
            "the file holds only comments",
        ),
        (
            "list",
            "- name: x\n",
            "the file holds a list, not a mapping",
        ),
        (
            "value",
            "hello\n",
            "the file holds a single value, not a mapping",
        ),
    ] {
        let file = ScenarioFile::new(name, text);
        file.check(&[])
            .assert_location(&file.shown(), 1)
            .assert_contains(says)
            .assert_contains("expected a YAML mapping with at least name, duration, network, clients, workload and transports")
            .assert_lacks("unexpected end of input");
    }
}

/// `--set` errors name the field path as well as the argument.
#[test]
fn set_errors_name_the_field_path() {
    let file = ScenarioFile::new("set-path", BASE);
    file.check(&["--set", "network.dsl.latncy=20ms"])
        .assert_contains("error: --set network.dsl.latncy=20ms: field `network.dsl.latncy`: ")
        .assert_contains("unknown field `latncy`");
    check_default(&["--set", "clients.browsers.count=ten"])
        .assert_contains("field `clients.browsers.count`")
        .assert_contains("\"ten\"");
}

/// Issue 16: a `--set` on a client group or link profile that does not exist says so and
/// lists those that do, rather than making half a group ("missing field `link`"); an index
/// past a list's end and a path through a single value say what is there.
#[test]
fn set_on_a_missing_group_lists_the_groups() {
    let file = ScenarioFile::new(
        "set-groups",
        &broken(
            "  users: { count: 5, link: dsl }\n",
            "  users: { count: 5, link: dsl }\n  phones: { count: 2, link: dsl }\n",
        ),
    );
    file.check(&["--set", "clients.usres.count=3"])
        .assert_contains("error: --set clients.usres.count=3: field `clients.usres`: ")
        .assert_contains("there is no client group `usres`; the client groups are: users, phones")
        .assert_lacks("missing field");
    file.check(&["--set", "network.fibre.latency=5ms"])
        .assert_contains(
            "field `network.fibre`: there is no link profile `fibre`; the link profiles are: dsl",
        );
    file.check(&["--set", "transports[3].polling.interval=2s"])
        .assert_contains(
            "field `transports`: has 2 items, so there is no [3] (items are [0] to [1])",
        );
    file.check(&["--set", "duration.seconds=5"])
        .assert_contains("field `duration`: holds a single value, not a mapping");
    file.check(&["--set", "clients.users=5"])
        .assert_contains("field `clients.users`: is a mapping; --set sets single values");
    // The same in a sweep, located at the swept path.
    let swept = format!("{BASE}sweep:\n  clients.usres.count: [1, 2]\n");
    assert_check_fails(
        "sweep-missing-group",
        &swept,
        "[1, 2]",
        &["there is no client group `usres`; the client groups are: users"],
    );
}

/// Issue 15: a `--set` value is typed by what the schema says the field takes, and refused
/// with the words a file gets: what was expected, and (there being no line to show) what
/// was found.
#[test]
fn set_values_are_typed_by_the_schema_and_refused_as_in_a_file() {
    let file = ScenarioFile::new("set-types", BASE);
    file.check(&["--set", "clients.users.count=5.5"])
        .assert_contains("field `clients.users.count`: expected a whole number from 0 to 4294967295, found \"5.5\"");
    file.check(&["--set", "transports[0].polling.http2=maybe"])
        .assert_contains(
            "field `transports[0].polling.http2`: expected true or false, found \"maybe\"",
        );
    file.check(&["--set", "transports[0].polling.interval=true"])
        .assert_contains("invalid duration \"true\"");
    // The file's own words for the same mistake.
    assert_check_fails(
        "file-count-float",
        &broken("count: 5", "count: 5.5"),
        "5.5",
        &[
            "field `clients.users.count`",
            "expected a whole number from 0 to 4294967295",
        ],
    );
}

/// A bad value in `sweep:` is reported at its line in the file, not as a `--set` argument
/// the user never gave; so is a bad axis.
#[test]
fn sweep_mistakes_are_located_in_the_file() {
    let text = format!("{BASE}sweep:\n  network.dsl.latency: [10ms, 20 parsecs]\n");
    let file = assert_check_fails(
        "sweep-bad-unit",
        &text,
        "20 parsecs",
        &[
            "field `network.dsl.latency`",
            "sweep point 1",
            "unknown unit \"parsecs\"",
        ],
    );
    file.check(&[]).assert_lacks("--set");
    let text = format!("{BASE}sweep:\n  network.dsl.latncy: [10ms, 20ms]\n");
    let file = assert_check_fails(
        "sweep-bad-field",
        &text,
        "latncy",
        &["field `network.dsl.latncy`", "unknown field `latncy`"],
    );
    file.check(&[]).assert_lacks("--set");
    assert_check_fails(
        "sweep-empty-axis",
        &format!("{BASE}sweep:\n  network.dsl.latency: []\n"),
        "latency: []",
        &["field `sweep.network.dsl.latency`", "at least one value"],
    );
}

// ---- Compression (issue 17) ----

#[test]
fn compression_settings_out_of_range_or_misplaced() {
    let cases = [
        (
            "deflate-window-16",
            "{ label: ws, websocket: {} }",
            "{ label: ws, websocket: { permessage_deflate: { window_bits: 16 } } }",
            "window_bits: 16",
            vec![
                "field `transports[1].websocket.permessage_deflate.window_bits`",
                "must be from 9 to 15",
            ],
        ),
        (
            "gzip-ratio-0",
            "polling: { interval: 1s }",
            "polling: { interval: 1s, gzip: { ratio: 0% } }",
            "ratio: 0%",
            vec![
                "field `transports[0].polling.gzip.ratio`",
                "must be above 0%",
            ],
        ),
        (
            "gzip-mem-level-0",
            "polling: { interval: 1s }",
            "polling: { interval: 1s, gzip: { mem_level: 0 } }",
            "mem_level: 0",
            vec![
                "field `transports[0].polling.gzip.mem_level`",
                "must be from 1 to 9",
            ],
        ),
        (
            "threshold-with-takeover",
            "{ label: ws, websocket: {} }",
            "{ label: ws, websocket: { permessage_deflate: { threshold: 100B } } }",
            "threshold: 100B",
            vec![
                "field `transports[1].websocket.permessage_deflate.threshold`",
                "context_takeover: false",
            ],
        ),
        (
            "sse-min-length",
            "{ label: ws, websocket: {} }",
            "{ label: ws, sse: { gzip: { min_length: 100B } } }",
            "min_length: 100B",
            vec!["field `transports[1].sse.gzip.min_length`", "polling"],
        ),
    ];
    for (name, from, to, token, expected) in cases {
        let text = broken(from, to);
        assert_check_and_run_fail(name, &text, token, &expected);
    }
    // An unknown field inside the block is refused by name.
    let text = broken(
        "{ label: ws, websocket: {} }",
        "{ label: ws, websocket: { permessage_deflate: { level: 9 } } }",
    );
    assert_check_fails("deflate-level", &text, "level: 9", &["level"]);
}

#[test]
fn an_empty_sse_event_type_is_refused() {
    let text = broken(
        "{ label: ws, websocket: {} }",
        "{ label: ws, sse: { event: \"\" } }",
    );
    assert_check_and_run_fail(
        "sse-event-empty",
        &text,
        "event: \"\"",
        &["field `transports[1].sse.event`", "not empty"],
    );
}

// ---- Batch windows (issue 17) ----

#[test]
fn a_batch_window_must_be_positive() {
    let text = broken("websocket: {}", "websocket: { batch: 0s }");
    assert_check_and_run_fail(
        "zero-batch",
        &text,
        "batch: 0s",
        &["transports[1].websocket.batch", "must be greater than 0s"],
    );
}

#[test]
fn a_batch_window_on_several_replicas_needs_a_broker() {
    let text = broken("websocket: {}", "websocket: { batch: 100ms }").replace(
        "transports:\n",
        "server: { replicas: 2 }\nload_balancer: { layer: 4 }\ntransports:\n",
    );
    assert_check_fails(
        "batch-without-broker",
        &text,
        "batch: 100ms",
        &["transports[1].websocket.batch", "needs a `broker`"],
    );
}

#[test]
fn a_batch_window_on_grpc_unary_calls_is_refused() {
    let text = broken(
        "websocket: {}",
        "grpc: { mode: unary, interval: 1s, batch: 100ms }",
    );
    assert_check_fails(
        "batch-on-unary",
        &text,
        "batch: 100ms",
        &[
            "transports[1].grpc.batch",
            "applies only to `mode: server_streaming`",
        ],
    );
}

/// Sticky sessions (issue 17): an unknown affinity, a cookie at layer 4, and `session` on
/// a transport without sessions, each located and named.
#[test]
fn affinity_and_session_mistakes_are_located_and_named() {
    let cluster = |lb: &str| {
        broken(
            "transports:\n",
            &format!(
                "server: {{ replicas: 2 }}\nload_balancer: {{ layer: 7, {lb} }}\ntransports:\n"
            ),
        )
    };
    assert_check_and_run_fail(
        "affinity-unknown",
        &cluster("affinity: sticky"),
        "affinity: sticky",
        &[
            "load_balancer.affinity",
            "unknown affinity \"sticky\"",
            "none, cookie, source_ip",
        ],
    );
    assert_check_fails(
        "affinity-cookie-layer-4",
        &cluster("affinity: cookie").replace("layer: 7", "layer: 4"),
        "affinity: cookie",
        &["load_balancer.affinity", "needs `layer: 7`"],
    );
    assert_check_fails(
        "affinity-source-ip-algorithm",
        &cluster("affinity: source_ip, algorithm: random"),
        "algorithm: random",
        &["load_balancer.algorithm", "leave `algorithm` out"],
    );
    assert_check_fails(
        "session-on-sse",
        &broken(
            "{ label: ws, websocket: {} }",
            "{ label: sse, sse: { session: true } }",
        ),
        "session: true",
        &["unknown field `session`"],
    );
    assert_check_fails(
        "session-on-polling",
        &broken(
            "{ label: poll, polling: { interval: 1s } }",
            "{ label: poll, polling: { interval: 1s, session: true } }",
        ),
        "session: true",
        &["unknown field `session`"],
    );
    assert_check_fails(
        "session-over-http2",
        &broken(
            "{ label: ws, websocket: {} }",
            "{ label: lp, long_polling: { session: true, http2: true } }",
        ),
        "session: true",
        &[
            "transports[1].long_polling.session",
            "HTTP/2 are not modelled",
        ],
    );
}

/// A serverless server (issue 17): an unknown kind, the platform on a fixed fleet,
/// replicas or a balancer beside a serverless server, and a maximum duration beyond
/// Lambda's 15 minutes, each located and named.
#[test]
fn serverless_mistakes_are_located_and_named() {
    let server = |yaml: &str| broken("transports:\n", &format!("{yaml}\ntransports:\n"));
    assert_check_and_run_fail(
        "serverless-kind-unknown",
        &server("server: { kind: lambda }"),
        "kind: lambda",
        &[
            "server.kind",
            "unknown server kind \"lambda\"",
            "fixed, serverless",
        ],
    );
    assert_check_fails(
        "serverless-on-a-fixed-fleet",
        &server("server: { serverless: { keep_warm: 5m } }"),
        "serverless: { keep_warm",
        &["server.serverless", "applies only to `kind: serverless`"],
    );
    assert_check_fails(
        "serverless-with-replicas",
        &server("server: { kind: serverless, replicas: 2 }"),
        "replicas: 2",
        &["server.replicas", "does not apply to `kind: serverless`"],
    );
    assert_check_fails(
        "serverless-max-duration",
        &server("server:\n  kind: serverless\n  serverless: { max_duration: 20m }"),
        "max_duration: 20m",
        &["server.serverless.max_duration", "between 1ms and 15m"],
    );
    assert_check_fails(
        "serverless-concurrency-zero",
        &server("server:\n  kind: serverless\n  serverless: { concurrency: 0 }"),
        "concurrency: 0",
        &["server.serverless.concurrency", "between 1 and 4096"],
    );
    assert_check_fails(
        "serverless-behind-a-balancer",
        &server("server: { kind: serverless }\nload_balancer: { layer: 7 }"),
        "load_balancer:",
        &[
            "load_balancer",
            "does not apply to `server.kind: serverless`",
        ],
    );
    assert_check_fails(
        "serverless-webhooks",
        &broken(
            "transports:\n",
            "server: { kind: serverless }\nreceivers:\n  partner: { link: dsl }\ntransports:\n  - { label: hook, webhook: {} }\n",
        ),
        "label: hook",
        &[
            "transports[0]",
            "webhooks are not modelled on `server.kind: serverless`",
        ],
    );
}

/// WebSocket through a managed gateway (issue 17, serverless part 3): the gateway on a
/// fixed fleet, its limits with no variant on it, a limit under a second, and a variant
/// asking for pings or a fallback the gateway does not give, each located and named.
#[test]
fn gateway_mistakes_are_located_and_named() {
    let ws = "transports:\n  - { label: poll, polling: { interval: 1s } }\n  - { label: ws, websocket: {} }\n";
    assert_check_and_run_fail(
        "gateway-on-a-fixed-fleet",
        &broken(
            ws,
            "transports:\n  - { label: ws, websocket: { gateway: true } }\n",
        ),
        "gateway: true",
        &[
            "transports[0].websocket.gateway",
            "applies only on `server.kind: serverless`",
        ],
    );
    assert_check_fails(
        "gateway-limits-without-a-variant",
        &broken(
            ws,
            "server:\n  kind: serverless\n  serverless: { gateway: { idle_timeout: 5m } }\ntransports:\n  - { label: ws, websocket: {} }\n",
        ),
        "idle_timeout: 5m",
        &[
            "server.serverless.gateway",
            "applies only with a `websocket` variant with `gateway: true`",
        ],
    );
    assert_check_fails(
        "gateway-idle-timeout-zero",
        &broken(
            ws,
            "server:\n  kind: serverless\n  serverless: { gateway: { idle_timeout: 0s } }\ntransports:\n  - { label: ws, websocket: { gateway: true } }\n",
        ),
        "idle_timeout: 0s",
        &["server.serverless.gateway.idle_timeout", "at least 1s"],
    );
    assert_check_fails(
        "gateway-with-pings",
        &broken(
            ws,
            "server: { kind: serverless }\ntransports:\n  - { label: ws, websocket: { gateway: true, ping: 30s } }\n",
        ),
        "ping: 30s",
        &["transports[0].websocket.ping", "API Gateway sends no pings"],
    );
    assert_check_fails(
        "gateway-with-a-fallback",
        &broken(
            ws,
            "server: { kind: serverless }\ntransports:\n  - label: ws\n    websocket: { gateway: true }\n    fallback: { long_polling: { timeout: 20s } }\n",
        ),
        "fallback: {",
        &[
            "transports[0].fallback",
            "the gateway holds WebSocket connections only",
        ],
    );
}

// ---- Conflation (issue 20) ----

/// A misspelt policy, and conflation where it is not modelled: each exits 2 at the line of
/// the `conflate` key, naming the field and what was expected.
#[test]
fn conflation_is_refused_where_it_is_not_modelled() {
    let misspelt = broken(
        "{ label: ws, websocket: {} }",
        "{ label: ws, conflate: latest, websocket: {} }",
    );
    assert_check_and_run_fail(
        "conflate-misspelt",
        &misspelt,
        "conflate: latest",
        &["latest", "none", "per_topic"],
    );
    let batched = broken(
        "{ label: ws, websocket: {} }",
        "{ label: ws, conflate: per_topic, websocket: { batch: 100ms } }",
    );
    assert_check_fails(
        "conflate-batch",
        &batched,
        "conflate: per_topic",
        &[
            "transports[1].conflate",
            "a `batch` window",
            "expected `none`",
        ],
    );
}
