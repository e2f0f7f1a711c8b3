//! Faults: a replica crash and its reconnect storm, resuming across an outage, health
//! checks, and conservation of every event through all of it.

use rtsim::RunResult;

use crate::support::{run, scenario};

/// Every client's events are accounted for: generated = delivered + lost + in flight, and
/// the reasons add up to the lost ones.
fn balanced(r: &RunResult) {
    let l = &r.ledger;
    assert_eq!(
        l.generated,
        l.delivered + l.lost + l.in_flight,
        "{}: {l:?}",
        r.label
    );
    assert_eq!(l.lost, l.lost_by_reason.total(), "{}: {l:?}", r.label);
    // Resuming after a fault never delivers an event twice or out of order.
    assert_eq!((l.out_of_order, l.duplicates), (0, 0), "{}: {l:?}", r.label);
}

/// 10,000 WebSocket clients on two replicas; replica 0 crashes at 30 s and its 5,000
/// clients come back after exponential backoff from 10 s: all at once without jitter, spread
/// over the first delay with full jitter.
#[test]
fn full_jitter_flattens_the_reconnect_storm_after_a_crash() {
    let text = "name: storm
seed: 4
duration: 80s
warmup: 0s
network: { net: { latency: 20ms, bandwidth: 50Mbit/s } }
clients: { users: { count: 10000, link: net, ramp: 10s } }
server: { replicas: 2, cores: 2, cost: { accept: 400us, request: 600us } }
broker: {}
load_balancer: { layer: 4, algorithm: least_connections }
workload: { events: { source: periodic, rate: 6/min, payload: 100B } }
faults: [ { at: 30500ms, crash: { replica: 0, restart_after: 20s } } ]
transports:
  - { label: sync, websocket: { reconnect: { backoff: exponential, delay: 10s, max: 60s } } }
  - { label: jitter, websocket: { reconnect: { backoff: exponential, delay: 10s, max: 60s, jitter: full } } }
";
    let results = run(&scenario(text));
    let (sync, jitter) = (&results[0].faults[0], &results[1].faults[0]);
    for (r, f) in results.iter().zip([sync, jitter]) {
        balanced(r);
        assert_eq!(f.clients_affected, 5000, "{}", r.label);
        assert_eq!(f.clients_recovered, 5000, "{}", r.label);
        assert_eq!(r.disconnected_clients, 0);
        // Without replay, the events sent while a client was away are lost to it.
        assert!(r.ledger.lost_by_reason.outage > 0);
        assert_eq!(r.ledger.lost, r.ledger.lost_by_reason.outage);
    }
    // Without jitter the 5,000 come back within one second, 10 s after the crash; the
    // last of their upgrades waits 2.5 s for the CPU.
    assert!(sync.peak_new_connections_per_s >= 4900, "{sync:?}");
    let back = sync.recovered_after_s.unwrap();
    assert!((12.0..13.0).contains(&back), "{sync:?}");
    // With full jitter the same backoff spreads them over 10 s: about 500 a second.
    assert!(
        sync.peak_new_connections_per_s >= 5 * jitter.peak_new_connections_per_s,
        "{sync:?} against {jitter:?}"
    );
    assert!(jitter.recovered_after_s.unwrap() < back);
    // 5,000 accepts and upgrades (5 s of CPU) at once saturate two cores for 2.5 s;
    // spread, never.
    assert!(sync.seconds_cpu_saturated >= 2, "{sync:?}");
    assert_eq!(jitter.seconds_cpu_saturated, 0, "{jitter:?}");
    assert!(sync.peak_cpu_utilisation > 2.0 * jitter.peak_cpu_utilisation);
}

/// One replica down for 30 s. SSE resumes with `Last-Event-ID`: nothing lost when the
/// replay buffer holds the outage's events, exactly those beyond it when it does not.
/// WebSocket reconnecting at the same moments without replay loses exactly the outage.
#[test]
fn resuming_across_a_30s_outage() {
    let text = "name: outage
seed: 8
duration: 150s
warmup: 0s
network: { net: { latency: 10ms, bandwidth: 50Mbit/s } }
clients: { users: { count: 50, link: net } }
workload: { events: { source: periodic, rate: 1/s, payload: 100B } }
faults: [ { at: 60500ms, crash: { restart_after: 30s } } ]
transports:
  - { label: sse, sse: {} }
  - { label: sse-10, sse: { replay_buffer: 10 } }
  - { label: ws, websocket: { reconnect: { delay: 3s } } }
  - { label: ws-replay, websocket: { reconnect: { delay: 3s }, resume: replay } }
";
    let results = run(&scenario(text));
    let (sse, sse10, ws, replay) = (&results[0], &results[1], &results[2], &results[3]);
    for r in &results {
        balanced(r);
        assert_eq!(r.faults[0].clients_affected, 50);
        assert_eq!(r.faults[0].clients_recovered, 50);
        // Every attempt during the outage is refused (no replica in service).
        assert!(
            r.totals.refused >= 50 * 9,
            "{}: {}",
            r.label,
            r.totals.refused
        );
    }
    assert_eq!(sse.ledger.lost, 0);
    assert_eq!(replay.ledger.lost, 0);
    // The clients came back at the same moment: each missed the same events, 30 to 34.
    let missed = ws.ledger.lost_by_reason.outage;
    assert_eq!(ws.ledger.lost, missed);
    assert_eq!(missed % 50, 0, "{missed}");
    assert!((30..=34).contains(&(missed / 50)), "{missed}");
    assert_eq!(sse.ledger.delivered - ws.ledger.delivered, missed);
    // The 10-event buffer replays the last 10 of them.
    assert_eq!(sse10.ledger.lost_by_reason.replay_buffer, missed - 50 * 10);
    assert_eq!(sse10.ledger.lost, sse10.ledger.lost_by_reason.replay_buffer);
    assert_eq!(sse.ledger.delivered - sse10.ledger.delivered, missed - 500);
}

/// Health checks every 5 s, two failures to take a replica out: for about 10 s after the
/// crash, reconnects routed to the dead replica are refused and recovery waits; without
/// health checks the balancer knows at once.
#[test]
fn health_checks_decide_how_long_a_dead_replica_gets_connections() {
    let scenario_with = |check: &str| {
        format!(
            "name: health
seed: 6
duration: 60s
warmup: 0s
network: {{ net: {{ latency: 10ms, bandwidth: 50Mbit/s }} }}
clients: {{ users: {{ count: 200, link: net }} }}
server: {{ replicas: 2 }}
broker: {{}}
load_balancer: {{ layer: 4, algorithm: round_robin{check} }}
workload: {{ events: {{ source: periodic, rate: 1/s, payload: 100B }} }}
faults: [ {{ at: 30500ms, crash: {{ replica: 0 }} }} ]
transports:
  - {{ label: ws, websocket: {{ reconnect: {{ delay: 1s }}, resume: replay }} }}
"
        )
    };
    let with = &run(&scenario(&scenario_with(
        ", health_check: { interval: 5s, unhealthy_threshold: 2 }",
    )))[0];
    let without = &run(&scenario(&scenario_with("")))[0];
    for r in [with, without] {
        balanced(r);
        assert_eq!(r.faults[0].clients_affected, 100);
        assert_eq!(r.faults[0].clients_recovered, 100);
        assert_eq!(r.ledger.lost, 0);
    }
    assert_eq!(without.totals.refused, 0);
    let quick = without.faults[0].recovered_after_s.unwrap();
    assert!(quick < 1.5, "{quick}");
    // Probes at 35 s and 40 s fail; until 40 s, round robin sends every other attempt to
    // the dead replica, refused.
    // 50 of the 100 on the first attempt, 25 on the second, ...: about 100 in all.
    assert!(
        (90..=110).contains(&with.totals.refused),
        "{}",
        with.totals.refused
    );
    let slow = with.faults[0].recovered_after_s.unwrap();
    assert!((5.0..=10.5).contains(&slow), "{slow}");
}

/// A rolling deploy over three replicas: each in turn leaves service, its streams are
/// closed after the drain and reconnect to the others, and nothing is lost.
#[test]
fn a_rolling_deploy_moves_every_stream_without_losing_events() {
    let text = "name: deploy
seed: 12
duration: 3m
warmup: 0s
network: { net: { latency: 10ms, bandwidth: 50Mbit/s } }
clients: { users: { count: 300, link: net } }
server: { replicas: 3 }
broker: {}
load_balancer: { layer: 4, algorithm: least_connections }
workload: { events: { source: poisson, rate: 2/s, payload: 100B } }
faults: [ { at: 60s, deploy: { drain: 10s, restart: 10s } } ]
transports:
  - { label: sse, sse: { heartbeat: 15s } }
  - { label: ws, websocket: { ping: 15s, reconnect: { delay: 1s }, resume: replay } }
";
    for r in run(&scenario(text)) {
        balanced(&r);
        let f = &r.faults[0];
        assert_eq!(
            f.fault,
            "rolling deploy of 3 replicas (drain 10s, restart 10s)"
        );
        // Replica 0's 100 streams, then replica 1's (its own and half of replica 0's),
        // then replica 2's: every close is one reconnect.
        assert_eq!(f.clients_affected, r.totals.drain_closes, "{}", r.label);
        assert!(f.clients_affected >= 300, "{f:?}");
        assert_eq!(f.clients_recovered, f.clients_affected);
        assert_eq!(r.ledger.lost, 0, "{}", r.label);
        // Streams do not move back: the replica deployed last ends up empty, the others
        // hold 150 each.
        let at_end: Vec<u64> = r.replicas.iter().map(|p| p.connections_at_end).collect();
        assert_eq!(at_end, [150, 150, 0], "{}", r.label);
    }
}

/// A 30 s partition of one group: nothing gets through, TCP retransmits with backoff, and
/// the connections survive: no reconnect, no loss; the events wait and arrive at the first
/// retransmission after the partition. The other group does not notice.
#[test]
fn a_partition_holds_messages_until_the_first_retransmission_after_it() {
    let text = "name: partition
seed: 2
duration: 2m
warmup: 0s
network: { net: { latency: 20ms, bandwidth: 50Mbit/s } }
clients:
  cut: { count: 20, link: net }
  fine: { count: 20, link: net }
workload: { events: { source: periodic, rate: 1/s, payload: 100B } }
faults: [ { at: 40500ms, partition: { group: cut, for: 30s } } ]
transports:
  - { label: sse, sse: {} }
";
    let r = &run(&scenario(text))[0];
    balanced(r);
    assert_eq!(r.ledger.lost, 0);
    assert_eq!(r.totals.reconnects, 0);
    assert!(r.totals.retransmitted_segments > 0);
    let f = &r.faults[0];
    assert_eq!(f.fault, "partition of group cut for 30s");
    assert_eq!((f.clients_affected, f.clients_recovered), (20, 20));
    // The connection's round trips before gave its RTO a sample, so it sits at Linux's
    // 200 ms floor: the first event sent into the partition (at 41 s) is retried after
    // 0.2, 0.6, 1.4, 3, 6.2, 12.6, 25.4 and 51 s, the first retry after the partition's end
    // (70.5 s) gets through, 51 s after the event was sent, and the later ones with it.
    let back = f.recovered_after_s.unwrap();
    assert!((51.5..51.6).contains(&back), "{back}");
    let latency = r.latency.as_ref().unwrap();
    assert!(
        (51_000.0..51_100.0).contains(&latency.max_ms),
        "{latency:?}"
    );
}

/// A proxy restart closes every connection through it and refuses new ones while it is
/// down: EventSource is refused once, reconnects, and loses nothing.
#[test]
fn a_proxy_restart_closes_its_connections_and_refuses_new_ones_while_down() {
    let text = "name: proxy-restart
seed: 5
duration: 2m
warmup: 0s
network: { net: { latency: 10ms, bandwidth: 50Mbit/s } }
proxies: { corp: {} }
clients:
  office: { count: 20, link: net, via: corp }
  home: { count: 10, link: net }
workload: { events: { source: periodic, rate: 1/s, payload: 100B } }
faults: [ { at: 60s, restart: { node: corp, down_for: 5s } } ]
transports:
  - { label: sse, sse: {} }
";
    let r = &run(&scenario(text))[0];
    balanced(r);
    let f = &r.faults[0];
    assert_eq!(f.fault, "restart of proxy corp (down 5s)");
    assert_eq!((f.clients_affected, f.clients_recovered), (20, 20));
    assert_eq!(r.ledger.lost, 0);
    // Retry at 63 s: refused (down until 65 s); at 66 s: back.
    assert_eq!(r.totals.refused, 20);
    assert_eq!(r.proxies[0].refused, 0, "a down proxy is not at capacity");
    let back = f.recovered_after_s.unwrap();
    assert!((6.0..6.5).contains(&back), "{back}");
}

/// Phones leave WiFi for LTE at 60 s: their connections die, EventSource reconnects over
/// LTE and resumes from Last-Event-ID, a WebSocket without a policy is gone; the radio
/// account covers WiFi then LTE.
#[test]
fn a_network_switch_moves_phones_from_wifi_to_lte() {
    let text = "name: switch
seed: 9
duration: 3m
warmup: 0s
network:
  wifi: { latency: 5ms, bandwidth: 50Mbit/s, radio: { technology: wifi } }
  lte: { latency: 50ms, bandwidth: 20Mbit/s, radio: { technology: lte } }
clients: { phones: { count: 30, link: wifi, ramp: 2s } }
workload: { events: { source: periodic, rate: 1/s, payload: 100B } }
faults: [ { at: 60500ms, network_switch: { group: phones, to: lte } } ]
transports:
  - { label: sse, sse: {} }
  - { label: ws, websocket: {} }
";
    let results = run(&scenario(text));
    let (sse, ws) = (&results[0], &results[1]);
    for r in [sse, ws] {
        balanced(r);
        let f = &r.faults[0];
        assert_eq!(f.fault, "network switch of group phones to lte");
        assert_eq!(f.clients_affected, 30);
        let e = &r.energy[0];
        assert_eq!(e.technology, "wifi, lte");
        assert_eq!(e.report.radios, 30);
        // Every second of the run is in the account: WiFi's then LTE's.
        let s = &e.report.seconds_in;
        let total = s.idle + s.promotion + s.active + s.tail + s.fach + s.fach_promotion;
        assert!((total - 30.0 * 180.0).abs() < 1e-6, "{total}");
    }
    assert_eq!(sse.faults[0].clients_recovered, 30);
    assert_eq!(sse.ledger.lost, 0);
    // Over LTE the one-way delay is 50 ms instead of 5.
    assert!(sse.latency.as_ref().unwrap().p99_ms > 50.0);
    assert!(
        sse.energy[0].report.promotions >= 30,
        "LTE wakes after the switch"
    );
    assert_eq!(ws.faults[0].clients_recovered, 0);
    assert_eq!(ws.disconnected_clients, 30);
    assert!(ws.ledger.lost_by_reason.disconnected > 0);
}
