//! A serverless server (issue 17): `server.kind: serverless` — an instance per concurrent
//! invocation with cold and warm starts, the concurrency limit (`429`), and
//! `max_duration` cutting long polls and streams, and WebSocket through a managed gateway
//! (`websocket.gateway: true`: each route and push an invocation, the gateway's
//! messages, connection-minutes and limits). Each figure is counted by hand.

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

/// A WebSocket client that reconnects 1 s after losing its connection and resumes.
const GATEWAY_WS: &str = "{ label: ws, websocket: { gateway: true, reconnect: { backoff: fixed, delay: 1s }, resume: replay } }";

#[test]
fn through_the_gateway_each_push_is_an_invocation_and_a_message() {
    // One client, an event every 10 s (at 10 s, ..., 90 s: nine in 100 s). The client's
    // SYN reaches the gateway at 10 ms, its upgrade at 30 ms; `$connect` starts cold
    // (300 ms) and is answered at ~330 ms: its invocation ends there, the gateway holds
    // the connection to the end (100 s; never cut at the 29 s `max_duration`). Each push
    // is the sender's invocation, warm (the instance is kept an hour): 1 + 9 = 10
    // invocations, 1 cold, 9 warm, 9 gateway messages, no `$disconnect` (the connection is
    // still open at the end). Connection time: 100 s − 0.33 s = 99.67 s = 1.661 min.
    // Billed: 0.301 s ($connect: 300 ms + its CPU, up to the next ms) + 9 × 1 ms.
    let events = "{ source: periodic, rate: 0.1/s, payload: 100B }";
    let platform = "cold_start: 300ms, keep_warm: 1h";
    let r = &on_functions(1, "100s", platform, events, &[GATEWAY_WS])[0];
    let f = r.serverless.as_ref().unwrap();
    let g = f.gateway.as_ref().expect("a gateway result");
    assert_eq!(r.ledger.delivered, 9);
    assert_eq!((f.invocations, f.cold_starts, f.warm_starts), (10, 1, 9));
    assert_eq!((g.messages, g.connects, g.disconnects), (9, 1, 0));
    assert_eq!(
        f.cut_streams, 0,
        "the gateway holds the stream past max_duration"
    );
    assert!(
        (g.connection_minutes - 99.67 / 60.0).abs() < 0.001,
        "{}",
        g.connection_minutes
    );
    assert!(
        (f.billed_seconds - 0.31).abs() < 1e-9,
        "{}",
        f.billed_seconds
    );
    // Warm pushes cost no start: an event reaches the client in its 10 ms.
    let p99 = r.latency.as_ref().unwrap().p99_ms;
    assert!(p99 < 11.0, "{p99}");
    // With keep_warm 5 s every push's sender starts cold: 300 ms later at the client.
    let cold = "cold_start: 300ms, keep_warm: 5s";
    let r = &on_functions(1, "100s", cold, events, &[GATEWAY_WS])[0];
    let f = r.serverless.as_ref().unwrap();
    assert_eq!((f.cold_starts, f.warm_starts), (10, 0));
    let p50 = r.latency.as_ref().unwrap().p50_ms;
    assert!((310.0..312.0).contains(&p50), "{p50}");
}

#[test]
fn through_the_gateway_each_client_message_is_an_invocation_and_a_message() {
    // No event; the client writes messages (uploads only). Each message that reaches the
    // gateway is one message and one invocation of its route: invocations = 1 ($connect)
    // + messages.
    let events = "{ source: periodic, rate: 1/h, payload: 100B }\n  messages: { rate: 6/min, payload: 50B, deliver_to: none }";
    let platform = "";
    let r = &on_functions(1, "120s", platform, events, &[GATEWAY_WS])[0];
    let f = r.serverless.as_ref().unwrap();
    let g = f.gateway.as_ref().unwrap();
    assert!(g.messages >= 5, "about 12 at 6/min: {}", g.messages);
    assert_eq!(f.invocations, 1 + g.messages);
    let written = r.messages.as_ref().unwrap().written;
    assert!(
        written >= g.messages && written <= g.messages + 1,
        "{written} written, {} at the gateway",
        g.messages
    );
}

#[test]
fn a_gateway_connection_idle_past_its_timeout_is_closed_and_reconnects() {
    // No event and no message for 25 min: the connection opened at ~0.33 s is closed at
    // ~600.33 s (10 min idle); the client reconnects 1 s later (its new connection's
    // `$connect` answered at ~601.4 s), closed idle at ~1201.4 s, and a third opens at
    // ~1202.5 s, still open at 1500 s. 3 connects, 2 idle closes, 2 `$disconnect`s:
    // 5 invocations; the connection time is the run less the three gaps (~0.33 s + 2 ×
    // ~1.07 s): ~24.96 min.
    let platform = "cold_start: 300ms";
    let r = &on_functions(1, "1500s", platform, QUIET, &[GATEWAY_WS])[0];
    let f = r.serverless.as_ref().unwrap();
    let g = f.gateway.as_ref().unwrap();
    assert_eq!((g.connects, g.idle_closes, g.disconnects), (3, 2, 2));
    assert_eq!(g.duration_closes, 0);
    assert_eq!(f.invocations, 5);
    assert_eq!(r.totals.reconnects, 2);
    assert!(
        g.connection_minutes > 24.9 && g.connection_minutes < 25.0,
        "{}",
        g.connection_minutes
    );
    // A message every 5 min keeps it open: one connection, no idle close.
    let events = "{ source: periodic, rate: 12/h, payload: 100B }";
    let busy = &on_functions(1, "1500s", platform, events, &[GATEWAY_WS])[0];
    let g = busy.serverless.as_ref().unwrap().gateway.as_ref().unwrap();
    assert_eq!((g.connects, g.idle_closes), (1, 0));
}

#[test]
fn a_gateway_connection_is_cut_at_two_hours() {
    // An event a minute keeps the connection from idling; it opens at ~0.33 s and is cut
    // at ~7200.33 s (2 h), the client reconnecting 1 s later: 2 connects, 1 close at the
    // limit, 1 `$disconnect`, 0 idle closes over 2 h 10 min.
    let events = "{ source: periodic, rate: 1/min, payload: 100B }";
    let platform = "";
    let r = &on_functions(1, "130m", platform, events, &[GATEWAY_WS])[0];
    let g = r.serverless.as_ref().unwrap().gateway.as_ref().unwrap();
    assert_eq!(
        (g.connects, g.duration_closes, g.disconnects, g.idle_closes),
        (2, 1, 1, 0)
    );
    assert_eq!(r.ledger.lost, 0, "replay resumes after the cut");
}

#[test]
fn the_gateway_bill_is_its_counts_times_the_prices() {
    // The 100 s run of the first gateway test with `cost: {}`: the month scales the
    // window's counts by 2,628,000 s / 100 s = 26,280. Messages: 9 × 26,280 = 236,520 ×
    // $1 per million = $0.23652. Connection-minutes: 1.661 × 26,280 = 43,651 × $0.25 per
    // million = $0.0109. Invocations: 10 × 26,280 = 262,800 × $0.20 per million.
    let s = scenario(
        "name: gateway-bill
seed: 3
duration: 100s
warmup: 0s
network: { net: { latency: 10ms, bandwidth: 100Mbit/s } }
clients: { users: { count: 1, link: net } }
server: { kind: serverless, serverless: { cold_start: 300ms, keep_warm: 1h } }
workload: { events: { source: periodic, rate: 0.1/s, payload: 100B } }
transports:
  - { label: ws, websocket: { gateway: true, reconnect: { backoff: fixed, delay: 1s }, resume: replay } }
cost: {}
",
    );
    let results = crate::support::run(&s);
    let g = results[0]
        .serverless
        .as_ref()
        .unwrap()
        .gateway
        .clone()
        .unwrap();
    let prices = s.cost.as_ref().unwrap();
    let bill = rtsim::report::cost::bill(&s, prices, &results[0]);
    let month = 730.0 * 3600.0 / 100.0;
    let close = |a: f64, b: f64| (a - b).abs() < 1e-9 * b.max(1.0);
    use rtsim::cost::CostItem;
    assert!(close(
        bill.of(CostItem::GatewayMessages),
        9.0 * month / 1e6 * 1.00
    ));
    assert!(close(
        bill.of(CostItem::GatewayConnectionMinutes),
        g.connection_minutes * month / 1e6 * 0.25
    ));
    assert!(close(
        bill.of(CostItem::ServerlessInvocations),
        10.0 * month / 1e6 * 0.20
    ));
    assert!((bill.of(CostItem::GatewayMessages) - 0.23652).abs() < 1e-9);
    // A function-held WebSocket has no gateway lines.
    let function = scenario(&s_text_without_gateway());
    let results = crate::support::run(&function);
    let bill = rtsim::report::cost::bill(&function, function.cost.as_ref().unwrap(), &results[0]);
    assert_eq!(bill.of(CostItem::GatewayMessages), 0.0);
    assert!(results[0].serverless.as_ref().unwrap().gateway.is_none());
}

fn s_text_without_gateway() -> String {
    "name: function-bill
seed: 3
duration: 100s
warmup: 0s
network: { net: { latency: 10ms, bandwidth: 100Mbit/s } }
clients: { users: { count: 1, link: net } }
server: { kind: serverless }
workload: { events: { source: periodic, rate: 0.1/s, payload: 100B } }
transports:
  - { label: ws, websocket: {} }
cost: {}
"
    .to_string()
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
