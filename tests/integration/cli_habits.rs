//! Habits of the command line: progress lines when standard error is not a terminal (a CI
//! log), colour only on a terminal and never with `NO_COLOR`, and sweep `FAIL` lines that
//! give the measured value and the limit; the gallery script runs rtsim quietly.

use std::path::Path;
use std::process::{Command, Stdio};

use crate::support::{folder_with as setup, rtsim_env};

/// Two variants over a grid of six points, one threshold that fails at every point.
const FAILING: &str = "name: habits
duration: 20s
network: { n: { latency: 10ms, bandwidth: 10Mbit/s } }
clients: { u: { count: 10, link: n } }
workload: { events: { source: poisson, rate: 1/s, payload: 100B } }
transports:
  - { label: poll, polling: { interval: 1s } }
  - { label: sse, sse: {} }
sweep:
  clients.u.count: [10, 20, 30]
  workload.events.payload: [100B, 1KB]
assert:
  - sse.latency.p99 < 1ms
";

/// [`FAILING`] without its threshold: a sweep that succeeds.
fn passing() -> String {
    FAILING.replace("assert:\n  - sse.latency.p99 < 1ms\n", "")
}

/// Runs rtsim in `dir`, standard output and error piped: (exit code, stdout, stderr).
fn rtsim(dir: &Path, args: &[&str]) -> (i32, String, String) {
    rtsim_env(dir, args, &[])
}

fn read(dir: &Path, file: &str) -> String {
    std::fs::read_to_string(dir.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// Whether `text` holds an ANSI colour (SGR) sequence: ESC `[`, digits and `;`, then `m`.
/// (Cursor movements of the progress bar end in other letters.)
fn has_colour(text: &str) -> bool {
    text.split('\x1b').skip(1).any(|rest| {
        rest.strip_prefix('[').is_some_and(|codes| {
            let end = codes
                .find(|c: char| !c.is_ascii_digit() && c != ';')
                .unwrap_or(codes.len());
            codes[end..].starts_with('m')
        })
    })
}

#[test]
fn colour_sequences_are_recognised() {
    assert!(has_colour("\x1b[1;31mFAIL\x1b[0m"));
    assert!(has_colour("x \x1b[0m"));
    assert!(!has_colour("\x1b[2K\x1b[1A plain"));
    assert!(!has_colour("FAIL point 0"));
}

/// With standard error a pipe, `--progress-every 0s` prints a line at every finished run
/// (points and runs done of the total, the time elapsed and left) and a closing line; the
/// output files and standard output are the same bytes as with `--quiet`.
#[test]
fn progress_lines_when_stderr_is_not_a_terminal_change_no_output() {
    let dir = setup(&passing());
    let d = dir.path();
    let (code, quiet_out, quiet_err) = rtsim(d, &["sweep", "s.yaml", "--out", "q", "--quiet"]);
    assert_eq!(code, 0, "{quiet_err}");
    assert!(!quiet_err.contains("sweep:"), "{quiet_err}");
    let (code, out, err) = rtsim(
        d,
        &["sweep", "s.yaml", "--out", "p", "--progress-every", "0s"],
    );
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = err.lines().filter(|l| l.starts_with("sweep: ")).collect();
    // One at each of the 12 runs' end (and more while they run), then the closing line.
    assert!(lines.len() >= 13, "{err}");
    let (closing, progress) = lines.split_last().unwrap();
    for line in progress {
        assert!(
            line.contains("/6 points, ")
                && line.contains("/12 runs (")
                && line.contains("%), ")
                && line.contains(" elapsed, ")
                && (line.ends_with(" left") || line.ends_with("time left not known yet")),
            "{line}"
        );
    }
    assert!(
        progress
            .last()
            .unwrap()
            .starts_with("sweep: 6/6 points, 12/12 runs (100%), "),
        "{err}"
    );
    assert!(
        closing.starts_with("sweep: 6/6 points, 12/12 runs, done in "),
        "{err}"
    );
    assert!(!has_colour(&err), "no colour into a pipe: {err:?}");
    assert_eq!(out.replace("p/{", "q/{"), quiet_out);
    for file in ["sweep.json", "sweep.csv", "report.html"] {
        assert_eq!(read(&d.join("q"), file), read(&d.join("p"), file), "{file}");
    }

    // `run`: the simulated time done of the total, and the same files.
    let (code, quiet_out, quiet_err) = rtsim(
        d,
        &["run", "s.yaml", "--point", "5", "--out", "rq", "--quiet"],
    );
    assert_eq!(code, 0, "{quiet_err}");
    let (code, out, err) = rtsim(
        d,
        &[
            "run",
            "s.yaml",
            "--point",
            "5",
            "--out",
            "rp",
            "--progress-every",
            "0s",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let last = err
        .lines()
        .rfind(|l| l.starts_with("run: "))
        .unwrap_or_else(|| panic!("no progress line: {err}"));
    assert!(
        last.starts_with("run: 40.0 of 2 × 20 s simulated, done in "),
        "{err}"
    );
    assert_eq!(out.replace("rp/{", "rq/{"), quiet_out);
    for file in [
        "summary.json",
        "summary.md",
        "runs.csv",
        "series.json",
        "report.html",
    ] {
        assert_eq!(
            read(&d.join("rq"), file),
            read(&d.join("rp"), file),
            "{file}"
        );
    }
}

/// Short commands print no progress at the default interval (5 s), and a bad interval is an
/// argument error naming the flag.
#[test]
fn short_commands_print_no_progress_and_bad_intervals_are_refused() {
    let dir = setup(&passing());
    let d = dir.path();
    let (code, _, err) = rtsim(d, &["run", "s.yaml", "--point", "0", "--out", "r"]);
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("run: "), "{err}");
    for bad in ["-1", "soon", "5 parsecs"] {
        let (code, _, err) = rtsim(d, &["sweep", "s.yaml", "--progress-every", bad]);
        assert_eq!(code, 2, "{bad}: {err}");
        assert!(err.contains("--progress-every"), "{bad}: {err}");
    }
}

/// A failed threshold of a sweep names the point, the threshold, the measured value and the
/// limit, with units.
#[test]
fn sweep_fail_lines_give_the_measured_value_and_the_limit() {
    let dir = setup(FAILING);
    let d = dir.path();
    let (code, _, err) = rtsim(d, &["sweep", "s.yaml", "--out", "o", "--quiet"]);
    assert_eq!(code, 1, "{err}");
    let fails: Vec<&str> = err.lines().filter(|l| l.starts_with("FAIL ")).collect();
    assert_eq!(fails.len(), 6, "{err}");
    let first = fails[0];
    assert!(
        first.starts_with(
            "FAIL point 0 (clients.u.count=10, workload.events.payload=100B): sse.latency.p99 < 1ms: measured "
        ),
        "{first}"
    );
    assert!(first.ends_with(" ms, limit < 1.00 ms"), "{first}");
    assert!(
        err.contains("error: 6 of 6 threshold checks failed"),
        "{err}"
    );
    // `merge` says the same of the shards' points.
    for k in 1..=2 {
        let (out, shard) = (format!("part{k}"), format!("{k}/2"));
        let args = [
            "sweep", "s.yaml", "--out", &out, "--shard", &shard, "--quiet",
        ];
        assert_eq!(rtsim(d, &args).0, 1);
    }
    let (code, _, merged) = rtsim(d, &["merge", "part1", "part2", "--out", "m"]);
    assert_eq!(code, 1, "{merged}");
    let merged_fails: Vec<&str> = merged.lines().filter(|l| l.starts_with("FAIL ")).collect();
    assert_eq!(merged_fails, fails);
}

/// `command` run by `script` on a pseudo-terminal (stdout and stderr both the terminal) in
/// `dir`, with `env` set and NO_COLOR removed first: what the terminal showed. None when
/// util-linux's `script` is not installed (it is on Debian and Ubuntu: bsdutils).
fn on_a_terminal(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Option<String> {
    let binary = assert_cmd::cargo::cargo_bin("rtsim");
    let quote = |s: &str| format!("'{}'", s.replace('\'', r"'\''"));
    let mut line = quote(&binary.display().to_string());
    for arg in args {
        line.push(' ');
        line.push_str(&quote(arg));
    }
    let mut cmd = Command::new("script");
    cmd.args(["-qec", &line, "/dev/null"])
        .current_dir(dir)
        .stdin(Stdio::null())
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env("TERM", "xterm-256color");
    for (k, v) in env {
        cmd.env(k, v);
    }
    match cmd.output() {
        Ok(out) => Some(String::from_utf8_lossy(&out.stdout).into_owned()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => panic!("cannot run script: {e}"),
    }
}

/// Colour on a terminal (the `FAIL`s and `error:` in red, clap's help in bold), none with
/// NO_COLOR set to a non-empty value (https://no-color.org), and the empty value does not
/// count as set. Into a pipe, never.
#[test]
fn colour_only_on_a_terminal_and_never_with_no_color() {
    let dir = setup(FAILING);
    let d = dir.path();
    let (code, _, piped) = rtsim(d, &["sweep", "s.yaml", "--out", "o", "--quiet"]);
    assert_eq!(code, 1);
    assert!(!has_colour(&piped), "{piped:?}");
    let sweep = ["sweep", "s.yaml", "--out", "t"];
    let Some(coloured) = on_a_terminal(d, &sweep, &[]) else {
        eprintln!(
            "skipped: the terminal half of this test needs util-linux's `script` (apt-get install bsdutils)"
        );
        return;
    };
    assert!(
        coloured.contains("\x1b[1;31mFAIL\x1b[0m point 0"),
        "{coloured:?}"
    );
    assert!(
        coloured.contains("\x1b[1;31merror:\x1b[0m 6 of 6"),
        "{coloured:?}"
    );
    for no_color in ["1", "0", "false"] {
        let plain = on_a_terminal(d, &sweep, &[("NO_COLOR", no_color)]).unwrap();
        assert!(plain.contains("FAIL point 0"), "{plain:?}");
        assert!(!has_colour(&plain), "NO_COLOR={no_color}: {plain:?}");
    }
    let empty = on_a_terminal(d, &sweep, &[("NO_COLOR", "")]).unwrap();
    assert!(
        has_colour(&empty),
        "NO_COLOR= (empty) is not set: {empty:?}"
    );
    // Clap's help follows the same rule.
    let help = on_a_terminal(d, &["--help"], &[]).unwrap();
    assert!(has_colour(&help), "{help:?}");
    let help = on_a_terminal(d, &["--help"], &[("NO_COLOR", "1")]).unwrap();
    assert!(help.contains("Usage:") && !has_colour(&help), "{help:?}");
}

/// `rtsim run`'s verdicts are coloured on a terminal as a sweep's are (`PASS` green, `FAIL`
/// bold red), never into a pipe or with NO_COLOR; the text is the same either way.
#[test]
fn run_verdicts_are_coloured_on_a_terminal_only() {
    let text = FAILING.replace(
        "  - sse.latency.p99 < 1ms\n",
        "  - sse.latency.p99 < 1ms\n  - sse.latency.p99 < 10s\n",
    );
    let dir = setup(&text);
    let d = dir.path();
    let run = ["run", "s.yaml", "--point", "0", "--out", "o"];
    let (code, _, piped) = rtsim(d, &run);
    assert_eq!(code, 1, "{piped}");
    assert!(!has_colour(&piped), "{piped:?}");
    assert!(
        piped.contains("FAIL sse.latency.p99 < 1ms (measured ")
            && piped.contains("PASS sse.latency.p99 < 10s (measured "),
        "{piped}"
    );
    let Some(coloured) = on_a_terminal(d, &run, &[]) else {
        eprintln!(
            "skipped: the terminal half of this test needs util-linux's `script` (apt-get install bsdutils)"
        );
        return;
    };
    assert!(
        coloured.contains("\x1b[1;31mFAIL\x1b[0m sse.latency.p99 < 1ms (measured "),
        "{coloured:?}"
    );
    assert!(
        coloured.contains("\x1b[32mPASS\x1b[0m sse.latency.p99 < 10s (measured "),
        "{coloured:?}"
    );
    let plain = on_a_terminal(d, &run, &[("NO_COLOR", "1")]).unwrap();
    assert!(
        plain.contains("FAIL sse.latency.p99 < 1ms") && !has_colour(&plain),
        "{plain:?}"
    );
}

/// `tools/regenerate-plots.sh` runs rtsim for every scenario; its output is the charts, so
/// each `run` and `sweep` it starts is `--quiet` (no progress lines interleaved with its own
/// one line per scenario).
#[test]
fn the_gallery_script_runs_rtsim_quietly() {
    let script = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tools/regenerate-plots.sh"),
    )
    .unwrap();
    let calls: Vec<&str> = script
        .lines()
        .filter(|l| l.trim_start().starts_with("\"$rtsim\""))
        .collect();
    assert_eq!(calls.len(), 2, "a run and a sweep: {calls:?}");
    for call in calls {
        assert!(call.contains(" --quiet"), "{call}");
    }
}
