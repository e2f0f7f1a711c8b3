//! Event traces of tiny scenarios, one client each: every event the run handles, in order,
//! with its simulated time. A change to the order or timing of events shows up here in
//! review, even when every summary figure stays the same (issue 15's redesign kept these
//! byte for byte).

use rtsim::scenario::Scenario;
use rtsim::sim::{DEFAULT_LIMITS, run_variant_traced};
use rtsim::workload::EventLog;

use crate::support::scenario;

/// One browser on a 20 ms link, two events in 3 s, the given transports.
fn tiny(extra: &str, transports: &str) -> Scenario {
    scenario(&format!(
        "name: trace\nseed: 3\nduration: 3s\n\
         network:\n  lan: {{ latency: 20ms, bandwidth: 10Mbit/s }}\n{extra}\
         server: {{ cores: 1, cost: {{ accept: 40us, request: 100us, push: 10us, ping: 5us }} }}\n\
         workload:\n  events: {{ source: poisson, rate: 0.7/s, payload: 120B }}\n\
         transports:\n{transports}"
    ))
}

/// The trace of every variant of `s`, one block per variant.
fn traces(s: &Scenario) -> String {
    let log = EventLog::generate(s);
    let mut out = String::new();
    for variant in &s.transports {
        let (result, trace) = run_variant_traced(s, &log, variant, &DEFAULT_LIMITS)
            .unwrap_or_else(|e| panic!("{}: {e}", variant.label));
        assert_eq!(
            result.sim_events as usize,
            trace.len(),
            "one line per event"
        );
        out.push_str(&format!("== {} ({} events)\n", variant.label, trace.len()));
        for line in trace {
            out.push_str(&line);
            out.push('\n');
        }
    }
    out
}

const ONE_CLIENT: &str = "clients:\n  b: { count: 1, link: lan }\n";

#[test]
fn one_client_per_transport() {
    let s = tiny(
        ONE_CLIENT,
        "  - { label: poll, polling: { interval: 1s } }\n\
         \x20 - { label: long-poll, long_polling: { timeout: 2s } }\n\
         \x20 - { label: sse, sse: { heartbeat: 1s } }\n\
         \x20 - { label: ws, websocket: { ping: 1s } }\n\
         \x20 - { label: grpc, grpc: { keepalive: 1s } }\n",
    );
    insta::assert_snapshot!("trace_one_client_per_transport", traces(&s));
}

#[test]
fn a_reconnect_after_a_proxy_closes_an_idle_stream() {
    let s = tiny(
        "proxies:\n  corp: { idle_timeout: 1s }\nclients:\n  b: { count: 1, link: lan, via: corp }\n",
        "  - { label: sse, sse: { retry: 300ms } }\n",
    );
    let trace = traces(&s);
    assert!(
        trace.contains("ProxyIdle"),
        "the proxy closes the quiet stream"
    );
    insta::assert_snapshot!("trace_reconnect", trace);
}

#[test]
fn a_denied_upgrade_falls_back_to_long_polling() {
    let s = tiny(
        "proxies:\n  corp: { websocket: deny }\nclients:\n  b: { count: 1, link: lan, via: corp }\n",
        "  - label: ws+fallback\n    websocket: { ping: 1s }\n    \
         fallback: { long_polling: { timeout: 2s } }\n",
    );
    let trace = traces(&s);
    assert!(
        trace.contains("HoldTimeout"),
        "the client holds long polls after the denial"
    );
    insta::assert_snapshot!("trace_fallback", trace);
}
