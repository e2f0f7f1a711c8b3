//! Same scenario and seed, same bytes; other seeds, other numbers; variant order and
//! thread count do not matter.

use rtsim::report::summary_json;
use rtsim::scenario::{self, DEFAULT_SCENARIO, Override};

use crate::support::{run, summary_on_threads};

fn small_default(extra: &[&str]) -> rtsim::Scenario {
    let mut overrides = vec![
        Override::parse("clients.browsers.count=60").unwrap(),
        Override::parse("duration=90s").unwrap(),
    ];
    overrides.extend(extra.iter().map(|o| Override::parse(o).unwrap()));
    scenario::load_str("default", DEFAULT_SCENARIO, &overrides).unwrap()
}

#[test]
fn same_seed_gives_byte_identical_summaries() {
    let s = small_default(&[]);
    let first = summary_json(&s, &run(&s));
    let second = summary_json(&s, &run(&s));
    assert_eq!(first, second);
}

#[test]
fn another_seed_gives_other_latencies() {
    let a = small_default(&[]);
    let b = small_default(&["seed=8"]);
    let (ra, rb) = (run(&a), run(&b));
    for (x, y) in ra.iter().zip(&rb) {
        assert_ne!(x.latency, y.latency, "variant {}", x.label);
    }
}

#[test]
fn reordering_variants_changes_no_result() {
    let s = small_default(&[]);
    let mut reversed = s.clone();
    reversed.transports.reverse();
    let forward = run(&s);
    let backward = run(&reversed);
    assert_eq!(forward.len(), backward.len());
    for r in &forward {
        let twin = backward.iter().find(|b| b.label == r.label).unwrap();
        assert_eq!(r, twin, "variant {}", r.label);
    }
}

#[test]
fn thread_count_does_not_change_results() {
    let s = small_default(&[]);
    assert_eq!(summary_on_threads(&s, 1), summary_on_threads(&s, 2));
}

#[test]
fn every_variant_sees_the_same_events() {
    let s = small_default(&[]);
    let results = run(&s);
    let events = results[0].ledger.events;
    assert!(events > 100);
    assert!(results.iter().all(|r| r.ledger.events == events));
}
