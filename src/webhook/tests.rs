//! Behaviour of whole webhook runs: retries across an outage, duplicates from lost
//! responses, the cost of connections, slow receivers, queueing, determinism, the ledger.
//!
//! Event logs are built as traces (exact times and sizes) through `EventLog::generate`, so
//! no constructor is needed on `EventLog`.

use super::*;
use crate::engine::rng::{self, RngExt};
use crate::net::link::LinkParams;
use crate::net::tcp::segments;
use crate::net::tls::{CLIENT_FINISHED_1_3, TlsVersion};
use crate::time::Nanos;
use crate::workload::{
    AudienceSpec, Encoding, EventLog, EventSource, Inputs, PayloadSpec, Trace, TraceAudience,
    WorkloadSpec,
};

const US: Nanos = 1_000;
const MS: Nanos = 1_000_000;
const SECOND: Nanos = 1_000_000_000;
const MINUTE: Nanos = 60 * SECOND;
const MAX_EVENTS: u64 = 50_000_000;
use crate::engine::Limits;

/// An event log with events at `times`, each of `payload` bytes.
fn log(times: &[Nanos], payload: u64) -> EventLog {
    log_of(times.iter().map(|t| (*t, payload)).collect())
}

/// An event log of (time, payload bytes) rows.
fn log_of(events: Vec<(Nanos, u64)>) -> EventLog {
    let spec = WorkloadSpec {
        source: EventSource::Trace,
        encoding: Encoding::Json,
        rate_per_second: 0.0,
        payload: PayloadSpec::FromTrace,
        protobuf_size: None,
        trace: Some(Trace {
            file: "<webhook test>".into(),
            audiences: vec![TraceAudience::All; events.len()],
            events,
            beyond_end: 0,
        }),
        messages: None,
        audience: AudienceSpec::All,
        stream_names: crate::workload::streams::StreamNames::short(),
        more_streams: Vec::new(),
        named_streams: false,
    };
    EventLog::generate(Inputs {
        seed: 1,
        duration: u64::MAX,
        spec: &spec,
        groups: Vec::new(),
    })
}

/// A symmetric path of `bits_per_second`, one-way `latency` and `jitter`.
fn path(bits_per_second: u64, latency: Nanos, jitter: Nanos) -> [LinkParams; 2] {
    let params = LinkParams {
        bits_per_second,
        latency,
        jitter,
        loss_ppm: 0,
    };
    [params, params]
}

/// Bytes on the wire of a message of `bytes` above TCP (not a SYN).
fn on_wire(config: &WebhookConfig, bytes: u64) -> u64 {
    bytes + segments(bytes, config.tcp.mss) * config.tcp.header
}

fn run_ok(config: &WebhookConfig, log: &EventLog) -> WebhookOutcome {
    run(config, log, &Limits::events(MAX_EVENTS))
        .unwrap_or_else(|e| panic!("run failed (seed {}): {e}", config.seed))
}

fn assert_ledger(outcome: &WebhookOutcome) {
    for receiver in &outcome.receivers {
        let c = &receiver.counts;
        assert!(
            c.balances(),
            "{}: generated {} != delivered {} + given up {} + in flight {} (seed {})",
            receiver.name,
            c.generated,
            c.delivered,
            c.given_up,
            c.in_flight,
            outcome.seed
        );
    }
    assert!(outcome.total.balances(), "total (seed {})", outcome.seed);
}

#[test]
fn an_outage_is_bridged_by_the_exponential_schedule_exactly() {
    // Fast links, so that serialization never makes two deliveries' messages meet: the
    // probe's times below assume an idle path.
    let mut receiver = ReceiverConfig::new("hooks", path(10_000_000_000, 20 * MS, 0));
    receiver.downtime = vec![(5 * MINUTE, 10 * MINUTE)];
    receiver.service_time = 2 * MS;
    let mut config = WebhookConfig::new(vec![receiver]);
    config.sender.reuse_connections = false;
    config.sender_cores = 1;
    config.sender.send_cost = 50 * US;
    config.sender.retry = RetrySchedule::Exponential {
        initial: 10 * SECOND,
        factor: 2,
        cap: 10 * MINUTE,
        max_attempts: 10,
        max_age: 60 * MINUTE,
    };
    config.duration = 30 * MINUTE;
    let times: Vec<Nanos> = (1..=900).map(|k| k * SECOND).collect();
    let outcome = run_ok(&config, &log(&times, 300));

    let counts = &outcome.total;
    assert_eq!(counts.generated, 900);
    assert_eq!(counts.delivered, 900, "every event gets through");
    assert_eq!((counts.given_up, counts.in_flight), (0, 0));
    assert_eq!(counts.duplicates, 0);
    assert_eq!(counts.timeouts, 0, "a down receiver refuses at once");
    assert!(counts.refusals > 0);
    assert_ledger(&outcome);

    // The event created at the outage's start (event 299, at 300 s): each attempt's SYN
    // meets a reset, then the schedule waits 10, 20, 40, 80, 160 s after each failure.
    let down = &config.receivers[0].link[0];
    let up = &config.receivers[0].link[1];
    let tcp = config.tcp;
    let refused =
        down.serialization(tcp.syn) + down.latency + up.serialization(tcp.header) + up.latency;
    let mut starts = vec![5 * MINUTE];
    for delay in [10, 20, 40, 80, 160] {
        let failed = starts[starts.len() - 1] + config.sender.send_cost + refused;
        starts.push(failed + delay * SECOND);
    }
    assert!(starts[4] < 10 * MINUTE && starts[5] > 10 * MINUTE);
    // Attempt 6: TCP and TLS 1.3 handshakes, the client's Finished and the POST together.
    let request = config.sender.request_headers + 300;
    let request = on_wire(&config, request + TlsVersion::V1_3.record_bytes(request));
    let response = config.sender.response_bytes;
    let response = on_wire(&config, response + TlsVersion::V1_3.record_bytes(response));
    let client_hello = on_wire(&config, config.tls_sizes.client_hello);
    let server_hello = on_wire(&config, config.tls_sizes.server_hello);
    let finished = on_wire(&config, CLIENT_FINISHED_1_3);
    let syn_ack_at = starts[5]
        + config.sender.send_cost
        + down.serialization(tcp.syn)
        + down.latency
        + up.serialization(tcp.syn)
        + up.latency;
    let server_hello_at = syn_ack_at
        + down.serialization(client_hello)
        + down.latency
        + up.serialization(server_hello)
        + up.latency;
    let request_at =
        server_hello_at + down.serialization(finished) + down.serialization(request) + down.latency;
    let processed = request_at + config.receivers[0].service_time;
    let probe = outcome.receivers[0].pairs[299];
    assert_eq!(probe.attempts, 6);
    assert_eq!(probe.delivered_by, 6);
    assert_eq!(probe.processed_at, Some(processed));
    assert_eq!(
        probe.acknowledged_at,
        Some(processed + up.serialization(response) + up.latency)
    );
    assert_eq!(counts.max_delivering_attempt(), 6);

    // Retries deliver the outage's events after newer ones: the receiver's out-of-order
    // count matches the order of first processings.
    let pairs = &outcome.receivers[0].pairs;
    let mut order: Vec<(Nanos, usize)> = pairs
        .iter()
        .enumerate()
        .map(|(n, p)| (p.processed_at.unwrap_or(Nanos::MAX), n))
        .collect();
    order.sort_unstable();
    let mut highest = None;
    let mut late = 0;
    for (_, n) in order {
        late += u64::from(highest.is_some_and(|h| h > n));
        highest = highest.max(Some(n));
    }
    assert!(late > 250, "{late}");
    assert_eq!(counts.out_of_order, late);
}

/// A receiver whose responses are lost with `loss_ppm`, 10,000 events at 20 a second.
fn lossy(loss_ppm: u32) -> (WebhookConfig, EventLog) {
    let mut receiver = ReceiverConfig::new("lossy", path(100_000_000, 20 * MS, 2 * MS));
    receiver.response_loss_ppm = loss_ppm;
    let mut config = WebhookConfig::new(vec![receiver]);
    config.sender.retry = RetrySchedule::Exponential {
        initial: SECOND,
        factor: 2,
        cap: MINUTE,
        max_attempts: 20,
        max_age: 60 * MINUTE,
    };
    config.duration = 500 * SECOND + 30 * MINUTE;
    config.seed = 11;
    let times: Vec<Nanos> = (1..=10_000).map(|k| k * 50 * MS).collect();
    (config, log(&times, 400))
}

#[test]
fn lost_responses_make_duplicates_in_proportion() {
    let (config, events) = lossy(100_000);
    let outcome = run_ok(&config, &events);
    let counts = &outcome.total;
    assert_eq!(counts.generated, 10_000);
    assert_eq!(counts.delivered, 10_000);
    assert_eq!(counts.given_up, 0);
    // Each attempt's response is lost with p = 0.1: (1 - p)^-1 - 1 = 0.111 retries (each a
    // duplicate) per pair.
    let ratio = counts.duplicate_ratio().unwrap_or(0.0);
    assert!(
        (0.08..0.12).contains(&ratio),
        "duplicates per delivery {ratio}"
    );
    assert_eq!(
        counts.timeouts, counts.duplicates,
        "every duplicate follows a timeout"
    );
    assert_eq!(counts.acknowledged, 10_000);
    assert_ledger(&outcome);

    let (config, events) = lossy(0);
    let clean = run_ok(&config, &events);
    assert_eq!(clean.total.delivered, 10_000);
    assert_eq!((clean.total.duplicates, clean.total.timeouts), (0, 0));
    assert_eq!(clean.total.delivering_attempt, vec![10_000]);
}

/// Events at k + 0.5 s for k = 0..100, one receiver that never closes idle connections.
fn steady(reuse: bool, warmup: Nanos) -> (WebhookConfig, EventLog) {
    let mut receiver = ReceiverConfig::new("steady", path(100_000_000, 20 * MS, 0));
    receiver.keepalive_timeout = None;
    let mut config = WebhookConfig::new(vec![receiver]);
    config.sender.reuse_connections = reuse;
    config.warmup = warmup;
    config.duration = 100 * SECOND;
    let times: Vec<Nanos> = (0..100).map(|k| k * SECOND + 500 * MS).collect();
    (config, log(&times, 1_000))
}

#[test]
fn reuse_saves_exactly_the_handshakes() {
    let (config, events) = steady(true, 10 * SECOND);
    let reused = run_ok(&config, &events);
    let (config, events) = steady(false, 10 * SECOND);
    let fresh = run_ok(&config, &events);
    for outcome in [&reused, &fresh] {
        assert_eq!(outcome.total.generated, 90);
        assert_eq!(outcome.total.delivered, 90);
        assert_eq!(outcome.total.attempts, 90);
    }
    // The one reused connection was opened before the window; without reuse, one per
    // attempt.
    assert_eq!(reused.total.connections_opened, 0);
    assert_eq!(fresh.total.connections_opened, 90);
    let (config, events) = steady(true, 0);
    assert_eq!(run_ok(&config, &events).total.connections_opened, 1);

    // Per delivery: SYN, ClientHello, client Finished and two FIN-exchange segments down;
    // SYN-ACK, the server's flight and one FIN-exchange segment up.
    let tcp = config.tcp;
    let tls = &config.tls_sizes;
    let handshake_down = tcp.syn
        + on_wire(&config, tls.client_hello)
        + on_wire(&config, CLIENT_FINISHED_1_3)
        + 2 * tcp.header;
    let handshake_up = tcp.syn + on_wire(&config, tls.server_hello) + tcp.header;
    assert_eq!(
        fresh.bytes.down.total() - reused.bytes.down.total(),
        90 * handshake_down
    );
    assert_eq!(
        fresh.bytes.up.total() - reused.bytes.up.total(),
        90 * handshake_up
    );
    assert_eq!(fresh.bytes.down.payload, reused.bytes.down.payload);
    assert_eq!(fresh.bytes.down.framing, reused.bytes.down.framing);
    assert_eq!(
        fresh.bytes.up.tls - reused.bytes.up.tls,
        90 * tls.server_hello
    );
    // With reuse, a delivery is just the POST and its response.
    let request = 1_000 + config.sender.request_headers;
    let response = config.sender.response_bytes;
    assert_eq!(
        reused.bytes.down.total() + reused.bytes.up.total(),
        90 * (on_wire(&config, request + 22) + on_wire(&config, response + 22))
    );
}

/// A receiver taking 15 s per request against a 10 s timeout, one event a second for a
/// minute.
fn slow(capacity: u32, max_attempts: u32, duration: Nanos) -> WebhookOutcome {
    let mut receiver = ReceiverConfig::new("slow", path(100_000_000, 20 * MS, 0));
    receiver.service_time = 15 * SECOND;
    receiver.capacity = capacity;
    let mut config = WebhookConfig::new(vec![receiver]);
    config.sender.timeout = 10 * SECOND;
    config.sender.retry = RetrySchedule::Exponential {
        initial: SECOND,
        factor: 2,
        cap: MINUTE,
        max_attempts,
        max_age: 60 * MINUTE,
    };
    config.duration = duration;
    let times: Vec<Nanos> = (1..=60).map(|k| k * SECOND).collect();
    run_ok(&config, &log(&times, 200))
}

#[test]
fn a_receiver_slower_than_the_timeout_gets_every_attempt() {
    // Workers for everything: every attempt is processed, late, and times out.
    let outcome = slow(1_000, 4, 10 * MINUTE);
    let c = &outcome.total;
    assert_eq!(c.generated, 60);
    assert_eq!(c.delivered, 60);
    assert_eq!(c.attempts, 4 * 60);
    assert_eq!(c.timeouts, 4 * 60);
    assert_eq!(
        c.duplicates,
        3 * 60,
        "each of the four attempts is processed"
    );
    assert_eq!(c.acknowledged, 0);
    assert_eq!(c.given_up, 0, "given up by the sender, but delivered");
    assert_eq!(c.given_up_after_delivery, 60);
    assert_eq!(c.delivering_attempt, vec![60]);
    assert_ledger(&outcome);

    // One worker: the queue grows with every retry, and two attempts are not enough.
    let outcome = slow(1, 2, 5 * MINUTE);
    let c = &outcome.total;
    assert_eq!(c.generated, 60);
    assert!(c.given_up > 30, "given up {}", c.given_up);
    assert!(c.duplicates > 0);
    assert!(c.attempts_per_pair().unwrap_or(0.0) > 1.0);
    // One 15 s worker, busy from the first request (about 1.1 s) to the end at 300 s.
    let processings: u64 = outcome.receivers[0]
        .pairs
        .iter()
        .map(|p| u64::from(p.processings))
        .sum();
    assert_eq!(processings, 19);
    assert_ledger(&outcome);
}

#[test]
fn a_burst_queues_behind_a_single_worker() {
    let mut receiver = ReceiverConfig::new("single", path(100_000_000, 20 * MS, 0));
    receiver.capacity = 1;
    receiver.service_time = 100 * MS;
    let mut config = WebhookConfig::new(vec![receiver]);
    config.duration = MINUTE;
    let outcome = run_ok(&config, &log(&[SECOND; 10], 500));
    let pairs = &outcome.receivers[0].pairs;
    let processed: Vec<Nanos> = pairs.iter().filter_map(|p| p.processed_at).collect();
    assert_eq!(processed.len(), 10);
    // All ten arrive within a millisecond; the worker takes them one after the other, in
    // the order they were sent.
    for pair in processed.windows(2) {
        assert_eq!(pair[1] - pair[0], 100 * MS);
    }
    assert_eq!(outcome.total.out_of_order, 0);
    // Queueing shows in the latency: the last waited nine service times more.
    let latency = &outcome.receivers[0].latency;
    assert_eq!(latency.count(), 10);
    let first = processed[0] - SECOND;
    assert_eq!(
        latency.summary().map(|s| s.max_ms),
        Some((first + 900 * MS) as f64 / 1e6)
    );
}

/// Two receivers with jitter, lost responses, an outage and a tight worker pool, over
/// Poisson arrivals: everything that can happen, happens.
fn messy(seed: u64) -> (WebhookConfig, EventLog) {
    let mut flaky = ReceiverConfig::new("flaky", path(20_000_000, 40 * MS, 10 * MS));
    flaky.response_loss_ppm = 50_000;
    flaky.downtime = [(60, 90), (150, 151), (170, 171), (185, 186)]
        .iter()
        .map(|(start, end)| (start * SECOND, end * SECOND))
        .collect();
    flaky.capacity = 8;
    flaky.service_time = 100 * MS;
    flaky.keepalive_timeout = Some(2 * SECOND);
    let steady = ReceiverConfig::new("steady", path(1_000_000_000, 5 * MS, MS));
    let mut config = WebhookConfig::new(vec![flaky, steady]);
    config.sender.timeout = 2 * SECOND;
    config.sender.retry = RetrySchedule::Fixed {
        delays: vec![SECOND, 5 * SECOND, 20 * SECOND],
        max_age: Some(MINUTE),
    };
    config.seed = seed;
    config.warmup = 10 * SECOND;
    config.duration = 200 * SECOND;
    let mut stream = rng::stream(seed, "webhook-test-arrivals");
    let mut events = Vec::new();
    let mut t = 0;
    while t < 200 * SECOND {
        t += rng::exponential(&mut stream, 0.1e9).max(1);
        events.push((t, stream.random_range(100..2_000u64)));
    }
    (config, log_of(events))
}

#[test]
fn the_ledger_balances_whatever_happens() {
    for seed in 1..=4 {
        let (config, events) = messy(seed);
        let outcome = run_ok(&config, &events);
        assert_ledger(&outcome);
        let in_window = events
            .times
            .iter()
            .filter(|t| config.in_window(SimTime::from_nanos(**t)))
            .count() as u64;
        for receiver in &outcome.receivers {
            let c = &receiver.counts;
            assert_eq!(c.generated, in_window, "seed {seed}");
            let window_pairs = receiver
                .pairs
                .iter()
                .zip(&events.times)
                .filter(|(_, t)| config.in_window(SimTime::from_nanos(**t)));
            let (mut delivered, mut gave_up) = (0, 0);
            for (pair, _) in window_pairs {
                delivered += u64::from(pair.processed_at.is_some());
                gave_up += u64::from(pair.gave_up);
            }
            assert_eq!(c.delivered, delivered, "seed {seed}");
            assert_eq!(
                c.given_up + c.given_up_after_delivery,
                gave_up,
                "seed {seed}"
            );
            assert_eq!(receiver.latency.count(), c.delivered, "seed {seed}");
        }
        let flaky = &outcome.receivers[0].counts;
        assert!(flaky.duplicates > 0 && flaky.refusals > 0 && flaky.resets > 0);
        assert!(flaky.timeouts > 0 && flaky.out_of_order > 0);
    }
}

#[test]
fn runs_are_reproducible_and_follow_the_seed() {
    let (config, events) = messy(5);
    let first = run_ok(&config, &events);
    let second = run_ok(&config, &events);
    assert_eq!(first, second);
    let mut other = config.clone();
    other.seed = 6;
    assert_ne!(run_ok(&other, &events), first);
}

/// The settings themselves are checked, located, when the scenario is read; what only the
/// event log decides, the deliveries of one run, is an error at its start, and a limit
/// stops a run cleanly.
#[test]
fn too_many_deliveries_are_an_error_not_a_panic() {
    let receiver = ReceiverConfig::new("r", path(100_000_000, 20 * MS, 0));
    let config = WebhookConfig::new(vec![receiver; 1 << 13]);
    let times: Vec<Nanos> = (1..=(1 << 13) + 1).map(|k| k * MS).collect();
    let error = run(&config, &log(&times, 100), &Limits::events(MAX_EVENTS)).unwrap_err();
    assert_eq!(
        error.to_string(),
        "invalid webhook configuration: 8193 events x 8192 receivers = 67117056 deliveries; \
         at most 67108864 fit one run"
    );
    let (config, events) = messy(1);
    let stopped = run(&config, &events, &Limits::events(10)).expect("stops cleanly");
    assert_eq!(
        stopped.stopped.map(|s| s.reason),
        Some(crate::engine::StopReason::MaxEvents)
    );
}

/// 100,000 events to three receivers: for timing by hand in release
/// (`cargo test --release --lib webhook::tests::large -- --ignored`).
#[test]
#[ignore]
fn large() {
    let receivers = (0..3)
        .map(|i| {
            let mut r = ReceiverConfig::new(format!("r{i}"), path(100_000_000, 20 * MS, 2 * MS));
            r.response_loss_ppm = 10_000;
            r
        })
        .collect();
    let mut config = WebhookConfig::new(receivers);
    config.duration = 2_000 * SECOND;
    let times: Vec<Nanos> = (1..=100_000).map(|k| k * 10 * MS).collect();
    let outcome = run_ok(&config, &log(&times, 500));
    assert_ledger(&outcome);
    assert_eq!(outcome.total.generated, 300_000);
    eprintln!(
        "{} engine events, delivered {}, duplicates {}",
        outcome.sim_events, outcome.total.delivered, outcome.total.duplicates
    );
}
