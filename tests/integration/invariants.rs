//! The property test of the run's invariants: random scenarios mixing every transport,
//! faults (crashes, restarts, deploys, partitions, proxy restarts, network switches), TLS,
//! layer-4 and layer-7 balancing with health checks, replicas, send-buffer policies, REST
//! messages and history, each run with its invariants checked after every event (see
//! `src/sim/invariants.rs`): ledgers balance, no count below zero, time moves on.
//!
//! `cargo test` runs a slice of [`QUICK`] scenarios; CI runs [`LONG`] of them optimised with
//! overflow checks on (`cargo test --profile checked --test integration -- --ignored
//! invariants::`). A failure names the seed; `scenario_for(seed)` rebuilds its scenario.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rtsim::scenario;
use rtsim::sim::{DEFAULT_LIMITS, run_variant_checked};
use rtsim::workload::EventLog;

const QUICK: u64 = 12;
const LONG: u64 = 300;

/// The text of random scenario number `seed`.
fn scenario_for(seed: u64) -> String {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let pick =
        |rng: &mut ChaCha8Rng, items: &[&'static str]| items[rng.random_range(0..items.len())];
    let replicas: u32 = rng.random_range(1..=3);
    let tls = pick(&mut rng, &["", ", tls: \"1.3\"", ", tls: \"1.2\""]);
    let tabs = pick(&mut rng, &["", ", tabs: 2"]);
    let (mut broker, mut messages) = (replicas == 1, false);
    let via = if rng.random_bool(0.5) {
        ", via: edge"
    } else {
        ""
    };
    let mut text = format!(
        "name: random-{seed}
seed: {seed}
duration: {}s
warmup: 5s
network:
  home: {{ latency: 20ms, jitter: 5ms, bandwidth: {}, upload: 2Mbit/s, loss: {} }}
  lte: {{ latency: 50ms, jitter: 15ms, bandwidth: 5Mbit/s, loss: 0.5%, radio: {{ technology: lte }} }}
proxies:
  edge: {{ idle_timeout: {}s, max_lifetime: {}s }}
clients:
  home: {{ count: {}, link: home, ramp: 5s{tls}{tabs}{via} }}
  mobile: {{ count: {}, link: lte, ramp: 5s{via} }}
server:
  replicas: {replicas}
  cores: {}
",
        rng.random_range(30..=90),
        pick(&mut rng, &["256kbit/s", "2Mbit/s", "20Mbit/s"]),
        pick(&mut rng, &["0%", "1%", "3%"]),
        rng.random_range(10..=60),
        rng.random_range(20..=120),
        rng.random_range(1..=12),
        rng.random_range(1..=8),
        rng.random_range(1..=2),
    );
    if rng.random_bool(0.5) {
        let policy = pick(&mut rng, &["drop_oldest", "disconnect", "buffer"]);
        text += &format!("  send_buffer: {{ limit: 16KiB, policy: {policy} }}\n");
    }
    if replicas > 1 {
        text += pick(
            &mut rng,
            &[
                "load_balancer: { layer: 4 }\n",
                "load_balancer: { layer: 7, algorithm: least_connections }\n",
                "load_balancer: { layer: 7, algorithm: least_connections, health_check: { interval: 5s, unhealthy_threshold: 2, healthy_threshold: 2 } }\n",
            ],
        );
        if rng.random_bool(0.5) {
            text += "broker: {}\n";
            broker = true;
        }
    }
    text += &format!(
        "workload:\n  events: {{ source: {}, rate: {}/s, payload: {} }}\n",
        pick(&mut rng, &["poisson", "bursty, on_time: 5s, off_time: 10s"]),
        rng.random_range(1..=20),
        pick(
            &mut rng,
            &["200B", "{ lognormal: { median: 2KB, sigma: 1 } }", "20KB"]
        ),
    );
    if rng.random_bool(0.5) {
        text += "  messages: { rate: 0.1/s, payload: 200B }\n";
        messages = true;
    }
    if rng.random_bool(0.4) {
        text += "rest: { history: 50 }\n";
    }
    let mut faults = Vec::new();
    for _ in 0..rng.random_range(0..=3) {
        let at = rng.random_range(6..=25);
        faults.push(match rng.random_range(0..5) {
            0 => format!(
                "  - {{ at: {at}s, crash: {{ replica: {}, restart_after: 8s }} }}",
                rng.random_range(0..replicas)
            ),
            1 if !via.is_empty() => {
                format!("  - {{ at: {at}s, restart: {{ node: edge, down_for: 3s }} }}")
            }
            2 => format!("  - {{ at: {at}s, partition: {{ group: mobile, for: 6s }} }}"),
            3 => format!("  - {{ at: {at}s, network_switch: {{ group: home, to: lte }} }}"),
            _ if replicas > 1 => {
                format!("  - {{ at: {at}s, deploy: {{ drain: 3s, restart: 3s }} }}")
            }
            _ => format!("  - {{ at: {at}s, crash: {{ replica: 0, restart_after: 5s }} }}"),
        });
    }
    if !faults.is_empty() {
        faults.sort();
        text += &format!("faults:\n{}\n", faults.join("\n"));
    }
    text += "transports:
  - { label: poll, polling: { interval: 3s, jitter: 1s } }
  - { label: long-poll, long_polling: { timeout: 20s } }
  - { label: sse, sse: { heartbeat: 15s, replay_buffer: 20 } }
  - { label: ws-replay, websocket: { ping: 20s, reconnect: { backoff: exponential, delay: 1s, max: 10s, jitter: full }, resume: replay } }
  - { label: ws-none, websocket: { ping: 20s, reconnect: { backoff: fixed, delay: 2s } } }
";
    // gRPC streams need a broker on several replicas, and a bidirectional call to carry
    // the clients' messages.
    match (broker, messages) {
        (false, _) => {}
        (true, false) => text += "  - { label: grpc, grpc: { resume: replay } }\n",
        (true, true) => text += "  - { label: grpc, grpc: { mode: bidirectional } }\n",
    }
    text
}

/// Runs every variant of random scenarios `seeds` with the invariants checked.
fn check(seeds: std::ops::Range<u64>) {
    let mut invalid = 0;
    for seed in seeds.clone() {
        let text = scenario_for(seed);
        let loaded = scenario::load_str("<random>", &text, &[]);
        if let Err(e) = &loaded {
            eprintln!("random scenario {seed} refused: {e}");
        }
        let Ok(s) = loaded else {
            // A combination the format refuses (it says why): not a run to check.
            invalid += 1;
            continue;
        };
        let log = EventLog::generate(&s);
        for variant in &s.transports {
            if let Err(e) = run_variant_checked(&s, &log, variant, &DEFAULT_LIMITS) {
                panic!("random scenario {seed}, {}: {e}\n{text}", variant.label);
            }
        }
    }
    let total = seeds.end - seeds.start;
    assert!(
        invalid * 10 <= total,
        "{invalid} of {total} random scenarios were refused"
    );
}

#[test]
fn random_scenarios_keep_every_invariant() {
    check(0..QUICK);
    // Found by the long run: a network switch to a slower link (the capacity check took
    // the group's link after the switch for the whole window).
    check(281..282);
}

#[test]
#[ignore = "300 scenarios: run optimised, `cargo test --profile checked -- --ignored invariants::`"]
fn many_random_scenarios_keep_every_invariant() {
    check(QUICK..QUICK + LONG);
}

/// Issue 18: random scenario 281's `grpc` variant with the radio's promotion delay on (an
/// LTE group, a network switch, a send buffer that disconnects, `rest: { history }`, client
/// messages on a bidirectional stream). Its delays let a history answer reach the REST
/// client while a message waited for the stream to reopen: the REST client sent that
/// message too, the server published it twice, and `in_flight = written - published -
/// lost` underflowed. Each message is now published at most once.
#[test]
fn issue_18_a_message_waiting_for_its_stream_is_published_once() {
    let text = scenario_for(281);
    assert!(text.contains("radio: { technology: lte }") && text.contains("history"));
    let s = scenario::load_str("<random>", &text, &[]).expect("scenario 281 loads");
    let log = EventLog::generate(&s);
    let grpc = s
        .transports
        .iter()
        .find(|v| v.label == "grpc")
        .expect("281 has a gRPC variant");
    let (result, _) = run_variant_checked(&s, &log, grpc, &DEFAULT_LIMITS)
        .unwrap_or_else(|e| panic!("random scenario 281, grpc: {e}"));
    let m = result.messages.expect("281 writes messages");
    assert!(
        m.published + m.lost <= m.written,
        "a message counted twice: {m:?}"
    );
    assert_eq!(m.written, m.published + m.lost + m.in_flight, "{m:?}");
    assert!(m.published > 0, "{m:?}");
}

/// Issue 20: conflated variants of every kind that conflates (polls' answers, send
/// buffers under `drop_oldest`, gRPC's window) keep every invariant, the ledger's
/// `generated = delivered + lost + conflated + in flight` per client and in the window
/// among them.
#[test]
fn issue_20_conflation_keeps_every_invariant() {
    let text = "name: conflate-invariants
seed: 21
duration: 40s
warmup: 5s
network:
  thin: { latency: 60ms, jitter: 20ms, bandwidth: 150kbit/s, loss: 1% }
clients:
  phones: { count: 15, link: thin, ramp: 3s }
server: { send_buffer: { limit: 64KiB, policy: drop_oldest } }
workload:
  events: { source: poisson, rate: 60/s, payload: 300B, audience: { topics: 6, subscriptions: 2 } }
faults:
  - { at: 20s, crash: { replica: 0, restart_after: 2s } }
transports:
  - { label: poll, conflate: per_topic, polling: { interval: 1s } }
  - { label: long-poll, conflate: per_topic, long_polling: { timeout: 20s } }
  - { label: sse, conflate: per_topic, sse: { retry: 1s } }
  - { label: ws, conflate: per_topic, websocket: { reconnect: { delay: 1s } } }
  - { label: grpc, conflate: per_topic, grpc: {} }
";
    let s = scenario::load_str("<conflation>", text, &[]).expect("the scenario loads");
    let log = EventLog::generate(&s);
    for variant in &s.transports {
        let (result, ledgers) = run_variant_checked(&s, &log, variant, &DEFAULT_LIMITS)
            .unwrap_or_else(|e| panic!("{} (seed 21): {e}", variant.label));
        assert!(ledgers.iter().all(|l| l.balances()), "{}", variant.label);
        assert!(
            result.ledger.conflated > 0,
            "{}: {:?}",
            variant.label,
            result.ledger
        );
    }
}
