//! A serverless server (issue 17): `server.kind: serverless` — an instance per concurrent
//! invocation with cold and warm starts, the concurrency limit (`429`), and
//! `max_duration` cutting long polls and streams. Each figure is counted by hand.

use rtsim::RunResult;

use crate::support::scenario;

/// `clients` browsers on a 10 ms link to a serverless server (`platform`: its
/// `serverless:` settings), events from `events`, for `duration` with no warm-up; each
/// variant run with its invariants checked after every event.
fn on_functions(
    clients: u32,
    duration: &str,
    platform: &str,
    events: &str,
    transports: &[&str],
) -> Vec<RunResult> {
    let mut text = format!(
        "name: functions
seed: 3
duration: {duration}
warmup: 0s
network:
  net: {{ latency: 10ms, bandwidth: 100Mbit/s }}
clients:
  users: {{ count: {clients}, link: net }}
server: {{ kind: serverless, serverless: {{ {platform} }} }}
workload:
  events: {events}
transports:
"
    );
    for t in transports {
        text.push_str(&format!("  - {t}\n"));
    }
    crate::support::run_checked(&scenario(&text))
}

/// No event within the runs below (one an hour, the first well after them).
const QUIET: &str = "{ source: periodic, rate: 1/h, payload: 100B }";

#[test]
fn polls_further_apart_than_keep_warm_start_cold_every_time_and_closer_ones_warm() {
    // Two clients polling together (aligned, no jitter) at 0 s, 10 s, ..., 50 s: twelve
    // requests, two at a time. With keep_warm 5 s shorter than the 10 s interval every
    // instance is gone by the next poll, and the two of one round arrive together (no
    // instance idle for the second): all twelve cold. With keep_warm 15 s the first round
    // starts the two instances cold and the five later rounds find both warm: 2 cold, 10
    // warm.
    let poll = "{ label: poll, polling: { interval: 10s, phase: aligned } }";
    let short = &on_functions(2, "60s", "keep_warm: 5s, cold_start: 300ms", QUIET, &[poll])[0];
    let long = &on_functions(
        2,
        "60s",
        "keep_warm: 15s, cold_start: 300ms",
        QUIET,
        &[poll],
    )[0];
    let short_f = short.serverless.as_ref().expect("a serverless result");
    let long_f = long.serverless.as_ref().expect("a serverless result");
    assert_eq!(short.totals.requests, 12, "six rounds of two polls");
    assert_eq!(
        (
            short_f.invocations,
            short_f.cold_starts,
            short_f.warm_starts
        ),
        (12, 12, 0)
    );
    assert_eq!(
        (long_f.invocations, long_f.cold_starts, long_f.warm_starts),
        (12, 2, 10)
    );
    assert_eq!((short_f.peak_concurrency, short_f.throttled), (2, 0));
    // Each cold invocation lasts its 300 ms start plus the request's CPU (well under a
    // millisecond), billed up to the next millisecond: 0.301 s; a warm one bills the
    // 1 ms minimum.
    assert!(
        (short_f.billed_seconds - 12.0 * 0.301).abs() < 1e-9,
        "{}",
        short_f.billed_seconds
    );
    assert!(
        (long_f.billed_seconds - (2.0 * 0.301 + 10.0 * 0.001)).abs() < 1e-9,
        "{}",
        long_f.billed_seconds
    );
    // The cold start is in every first response: the same poll on warm instances answers
    // 300 ms sooner on average over the polls that were warm.
    let first = |r: &RunResult| r.first_response.as_ref().unwrap().mean_ms;
    assert!(first(short) >= 300.0, "{}", first(short));
}

#[test]
fn a_long_poll_held_for_60s_is_cut_at_29s_and_polls_again() {
    // One client, hold 60 s, no event, 88 s. On a fixed server: requests at ~0 s and ~60 s.
    // On functions the invocation ends 29 s after it starts (the hold is what the limit
    // leaves after the 300 ms cold start): requests at ~0, ~29, ~58 and ~87 s, three cut
    // (the fourth is still held at the end). Had the cut been at 30 s, the fourth would
    // come after 88 s.
    let long_poll = "{ label: lp, long_polling: { timeout: 60s } }";
    let cut = &on_functions(1, "88s", "cold_start: 300ms", QUIET, &[long_poll])[0];
    let f = cut.serverless.as_ref().unwrap();
    assert_eq!(cut.totals.requests, 4);
    assert_eq!(f.cut_long_polls, 3);
    assert_eq!((f.cold_starts, f.warm_starts), (1, 3));
    // Billed: three invocations of exactly 29 s, and the fourth from its start (~87.1 s)
    // to the end of the run.
    assert!(
        f.billed_seconds > 87.0 && f.billed_seconds < 88.0,
        "{}",
        f.billed_seconds
    );
    // A hold within the limit is not cut: with max_duration 15 min, two requests.
    let whole = &on_functions(
        1,
        "88s",
        "cold_start: 300ms, max_duration: 15m",
        QUIET,
        &[long_poll],
    )[0];
    assert_eq!(whole.totals.requests, 2);
    assert_eq!(whole.serverless.as_ref().unwrap().cut_long_polls, 0);
}

#[test]
fn an_sse_stream_is_cut_at_max_duration_and_reconnects() {
    // One EventSource, retry 3 s, 100 s: each stream lives 29 s from its request's arrival,
    // then the client waits 3 s and reconnects (a new connection, ~40 ms of handshakes):
    // streams start at ~0, ~32, ~64 and ~96 s; the first three are cut.
    let sse = "{ label: sse, sse: { retry: 3s, heartbeat: 15s } }";
    let r = &on_functions(1, "100s", "cold_start: 300ms", QUIET, &[sse])[0];
    let f = r.serverless.as_ref().unwrap();
    assert_eq!(f.cut_streams, 3);
    assert_eq!(f.invocations, 4);
    assert_eq!(r.totals.reconnects, 3);
    assert_eq!(r.totals.connections_opened, 4);
}

#[test]
fn beyond_the_concurrency_limit_requests_are_throttled() {
    // Five EventSources, concurrency 2, streams never cut within the minute: the first two
    // hold both instances for the whole run; the other three are answered 429 on every
    // attempt (each retries after its 3 s `retry`).
    let sse = "{ label: sse, sse: { retry: 3s, heartbeat: 15s } }";
    let r = &on_functions(5, "60s", "concurrency: 2, max_duration: 15m", QUIET, &[sse])[0];
    let f = r.serverless.as_ref().unwrap();
    assert_eq!(f.invocations, 2);
    assert_eq!(f.peak_concurrency, 2);
    assert!(
        f.throttled >= 3 * 15,
        "three clients, every ~3.1 s: {}",
        f.throttled
    );
    assert_eq!(r.totals.refused, f.throttled, "a throttle is a refusal");
}

#[test]
fn a_fixed_server_reports_no_invocations() {
    let s = scenario(
        "name: fixed
duration: 10s
network: { net: { latency: 10ms, bandwidth: 10Mbit/s } }
clients: { users: { count: 2, link: net } }
workload: { events: { source: poisson, rate: 1/s, payload: 10B } }
transports: [ { polling: { interval: 1s } } ]
",
    );
    let results = crate::support::run(&s);
    assert!(results[0].serverless.is_none());
    let json = rtsim::report::summary_json(&s, &results);
    assert!(!json.contains("serverless"), "absent from the summary");
}
