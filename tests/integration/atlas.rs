//! `rtsim atlas`: the committed atlas page is what the runs give (at another thread count
//! than it was written with), the answer on a tiny atlas is the one the figures give, a
//! stale page fails the check, and a bad atlas file is an input error with its location.

use std::path::Path;

use crate::support::rtsim_in;

/// One tiny scenario: two clients for a minute, three replications; SSE against polling
/// every 5 s.
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

const ATLAS: &str = "\
documents:
  notes: { title: Notes, file: notes.md }
use_cases:
  - id: feed
    title: A feed
    asks: Which is fresher?
    named_by: [notes]
    measured:
      scenario: tiny.yaml
      decide: [{ lowest: latency.p50 }]
      show: [bytes_per_client_hour]
      chart: chart.svg
  - id: internal
    title: Internal calls
    asks: gRPC or REST?
    named_by: [notes]
    not_modelled: { why: no internal tier }
";

fn folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("tiny.yaml"), SCENARIO).unwrap();
    std::fs::write(dir.path().join("atlas.yaml"), ATLAS).unwrap();
    std::fs::write(dir.path().join("chart.svg"), "<svg/>").unwrap();
    dir
}

/// The page in the repository is the one `rtsim atlas` writes, here at one thread: the
/// test fails when a change to the model, a scenario or atlas/atlas.yaml moves a figure or
/// an answer and the page was not regenerated.
#[test]
fn the_committed_atlas_page_is_fresh() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (code, _, stderr) = rtsim_in(root, &["atlas", "--check", "--jobs", "1"]);
    assert_eq!(
        code, 0,
        "{stderr}\nregenerate the page with `cargo run --release -- atlas`"
    );
    // Every use case of the comparisons is on it, the ones without a scenario with why.
    let page = std::fs::read_to_string(root.join("docs/atlas.md")).unwrap();
    let rows = page.lines().filter(|l| l.starts_with("| [")).count();
    assert_eq!(rows, 14, "{page}");
    // Microservices, measured since the internal service tiers (issue 17): gRPC's calls
    // are the smaller, as the sizing functions say (535 B against 1.51 KB).
    assert!(page.contains(
        "| [Microservices (an internal call graph)](#microservices-an-internal-call-graph) | [`microservices.yaml`](../scenarios/microservices.yaml) | **grpc**: lowest `services.bytes_per_call` (535 B"
    ), "{page}");
}

#[test]
fn a_page_derives_each_answer_and_a_stale_one_fails_the_check() {
    let dir = folder();
    let (code, _, stderr) = rtsim_in(dir.path(), &["atlas", "atlas.yaml", "--out", "page.md"]);
    assert_eq!(code, 0, "{stderr}");
    let page = std::fs::read_to_string(dir.path().join("page.md")).unwrap();
    // An event waits for the next 5 s poll: about 2.5 s on average, so a median far above
    // SSE's one path delay (10 ms plus the server) in every replication: sse alone.
    assert!(
        page.contains(
            "| [A feed](#a-feed) | [`tiny.yaml`](tiny.yaml) | **sse**: lowest `latency.p50` ("
        ),
        "{page}"
    );
    assert!(
        page.contains("every other is worse beyond the margin and the noise"),
        "{page}"
    );
    assert!(page.contains("![A feed: chart.svg](chart.svg)"), "{page}");
    assert!(page.contains("| [Internal calls](#internal-calls) | — | not modelled yet |"));
    assert!(page.contains("**Not modelled yet.** no internal tier"));

    // The same page at four threads.
    let (code, _, stderr) = rtsim_in(
        dir.path(),
        &[
            "atlas",
            "atlas.yaml",
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
        page.replace("**sse**", "**poll-5s**"),
    )
    .unwrap();
    let (code, _, stderr) = rtsim_in(
        dir.path(),
        &["atlas", "atlas.yaml", "--out", "page.md", "--check"],
    );
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("page.md is stale"), "{stderr}");
}

#[test]
fn bad_atlases_are_input_errors_with_their_place() {
    let dir = folder();
    let cases = [
        (
            ATLAS.replace(
                "named_by: [notes]\n    measured:",
                "named_by: [nope]\n    measured:",
            ),
            "atlas.yaml:7:",
            "unknown document `nope`",
        ),
        (
            ATLAS.replace("lowest: latency.p50", "lowest: latency.p42"),
            "atlas.yaml:",
            "unknown metric `latency.p42`",
        ),
        (
            ATLAS.replace("chart: chart.svg", "chart: missing.svg"),
            "atlas.yaml:",
            "no chart at",
        ),
        (
            ATLAS.replace(
                "{ lowest: latency.p50 }",
                "{ lowest: latency.p50, highest: latency.p99 }",
            ),
            "atlas.yaml:",
            "exactly one of `lowest` and `highest`",
        ),
        (
            ATLAS.replace("title: A feed", "titel: A feed"),
            "atlas.yaml:",
            "titel",
        ),
    ];
    for (text, place, words) in cases {
        std::fs::write(dir.path().join("atlas.yaml"), &text).unwrap();
        let (code, _, stderr) = rtsim_in(dir.path(), &["atlas", "atlas.yaml", "--out", "p.md"]);
        assert_eq!(code, 2, "{stderr}");
        assert!(stderr.contains(place), "{place} not in {stderr}");
        assert!(stderr.contains(words), "{words} not in {stderr}");
        assert!(!dir.path().join("p.md").exists());
    }
    // A scenario with one replication cannot be judged (exit 2, naming the file).
    std::fs::write(dir.path().join("atlas.yaml"), ATLAS).unwrap();
    std::fs::write(
        dir.path().join("tiny.yaml"),
        SCENARIO.replace("replications: 3\n", ""),
    )
    .unwrap();
    let (code, _, stderr) = rtsim_in(dir.path(), &["atlas", "atlas.yaml", "--out", "p.md"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("tiny.yaml: a page's scenario needs `replications:`"),
        "{stderr}"
    );
}
