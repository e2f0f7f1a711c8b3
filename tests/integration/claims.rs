//! `rtsim claims`: the committed claims page is what the runs give (at another thread
//! count than it was written with), a stale page fails the check, and a bad claims file is
//! an input error with its location.

use std::path::Path;

use crate::support::rtsim_in;

/// A small claims file over one tiny scenario: two clients, one minute, three
/// replications; SSE and polling every 5 s.
const SCENARIO: &str = "\
name: tiny
seed: 5
duration: 1m
warmup: 10s
replications: 3
network:
  lan: { latency: 10ms, bandwidth: 10Mbit/s }
clients:
  users: { count: 2, link: lan }
workload:
  events: { source: poisson, rate: 0.5/s, payload: 100B }
transports:
  - { label: poll-5s, polling: { interval: 5s } }
  - { label: sse, sse: { heartbeat: 15s } }
";

const CLAIMS: &str = "\
documents:
  notes: { title: Notes, file: notes.md }
claims:
  - id: sse-faster
    topic: latency
    says: SSE is faster than polling.
    sources: [notes]
    measured: { scenario: tiny.yaml, holds: \"sse.latency.p50 < poll-5s.latency.p50\" }
  - id: polling-wastes
    topic: bandwidth
    says: Polls mostly come back empty.
    sources: [notes]
    measured:
      scenario: tiny.yaml
      holds: \"poll-5s.empty_response_share > 50%\"
      over: { field: workload.events.rate, values: [0.01/s, 2/s] }
  - id: browsers
    topic: browser_support
    says: Works everywhere.
    sources: [notes]
    not_measurable: { why: an API fact, source: the HTML standard }
";

fn folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("tiny.yaml"), SCENARIO).unwrap();
    std::fs::write(dir.path().join("claims.yaml"), CLAIMS).unwrap();
    dir
}

/// The page in the repository is the one `rtsim claims` writes, here at one thread (it
/// was written at the machine's core count): the tests fail when a change to the model
/// or to claims/claims.yaml moves a figure and the page was not regenerated.
#[test]
fn the_committed_claims_page_is_fresh() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (code, _, stderr) = rtsim_in(root, &["claims", "--check", "--jobs", "1"]);
    assert_eq!(
        code, 0,
        "{stderr}\nregenerate the page with `cargo run --release -- claims`"
    );
}

#[test]
fn a_page_judges_each_claim_and_a_stale_one_fails_the_check() {
    let dir = folder();
    let (code, _, stderr) = rtsim_in(dir.path(), &["claims", "claims.yaml", "--out", "page.md"]);
    assert_eq!(code, 0, "{stderr}");
    let page = std::fs::read_to_string(dir.path().join("page.md")).unwrap();
    assert!(page.contains("### `sse-faster`: supports"), "{page}");
    // At 0.01/s most 5 s polls find nothing (e^-0.05 = 95 %); at 2/s none do.
    assert!(page.contains("### `polling-wastes`: depends"), "{page}");
    assert!(page.contains("changes between 0.01/s and 2/s"), "{page}");
    assert!(page.contains("### `browsers`: not measurable"), "{page}");
    assert!(page.contains(
        "| supports | 1 |\n| contradicts | 0 |\n| depends | 1 |\n| not measurable | 1 |"
    ));

    // The same page at four threads.
    let (code, _, stderr) = rtsim_in(
        dir.path(),
        &[
            "claims",
            "claims.yaml",
            "--out",
            "page.md",
            "--check",
            "--jobs",
            "4",
        ],
    );
    assert_eq!(code, 0, "{stderr}");

    std::fs::write(
        dir.path().join("page.md"),
        page.replace("supports", "contradicts"),
    )
    .unwrap();
    let (code, _, stderr) = rtsim_in(
        dir.path(),
        &["claims", "claims.yaml", "--out", "page.md", "--check"],
    );
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("page.md is stale"), "{stderr}");
}

#[test]
fn bad_claims_are_input_errors_with_their_place() {
    let dir = folder();
    let cases = [
        (
            CLAIMS.replace(
                "sources: [notes]\n    measured: {",
                "sources: [nope]\n    measured: {",
            ),
            "claims.yaml:7:",
            "unknown document `nope`",
        ),
        (
            CLAIMS.replace(
                "sse.latency.p50 < poll-5s.latency.p50",
                "sse.latency.p50 < ws.latency.p50",
            ),
            "claims.yaml:8:",
            "names no transport variant",
        ),
        (
            CLAIMS.replace("topic: latency", "topic: speed"),
            "claims.yaml:5:",
            "speed",
        ),
    ];
    for (text, place, words) in cases {
        std::fs::write(dir.path().join("claims.yaml"), &text).unwrap();
        let (code, _, stderr) = rtsim_in(dir.path(), &["claims", "claims.yaml", "--out", "p.md"]);
        assert_eq!(code, 2, "{stderr}");
        assert!(stderr.contains(place), "{place} not in {stderr}");
        assert!(stderr.contains(words), "{words} not in {stderr}");
        assert!(!dir.path().join("p.md").exists());
    }
}
