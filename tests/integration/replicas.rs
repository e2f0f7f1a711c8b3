//! Replicas behind a load balancer, scale-out, and the broker.

use rtsim::RunResult;

use crate::support::{run, scenario};

fn cluster(clients: u32, extra: &str, transports: &[&str]) -> Vec<RunResult> {
    let mut text = format!(
        "name: cluster
seed: 9
duration: 4m
warmup: 10s
network:
  net: {{ latency: 10ms, bandwidth: 50Mbit/s }}
clients:
  users: {{ count: {clients}, link: net, ramp: 5s }}
workload:
  events: {{ source: poisson, rate: 1/s, payload: 100B }}
{extra}transports:
"
    );
    for t in transports {
        text.push_str(&format!("  - {t}\n"));
    }
    run(&scenario(&text))
}

#[test]
fn layer_4_pins_connections_while_layer_7_spreads_requests_after_scale_out() {
    let scale = "server: { replicas: 2 }
broker: {}
load_balancer: { layer: LAYER, algorithm: least_connections, scale: [ { at: 2m, replicas: 4 } ] }
";
    let l4 = cluster(400, &scale.replace("LAYER", "4"), &["{ websocket: {} }"]);
    let l7 = cluster(
        400,
        &scale.replace("LAYER", "7"),
        &["{ polling: { interval: 2s } }"],
    );
    let (ws, poll) = (&l4[0], &l7[0]);
    // WebSocket connections opened before the scale-out stay on replicas 0 and 1.
    assert_eq!(ws.replicas.len(), 4);
    assert_eq!(
        ws.replicas[2].connections_at_end + ws.replicas[3].connections_at_end,
        0
    );
    assert_eq!(
        ws.replicas[0].connections_at_end + ws.replicas[1].connections_at_end,
        400
    );
    assert!(
        (ws.imbalance.connections - 2.0).abs() < 0.05,
        "{:?}",
        ws.imbalance
    );
    // Polls behind layer 7 are balanced one by one: the new replicas take their share.
    assert!(poll.replicas[2].requests > 0 && poll.replicas[3].requests > 0);
    assert!(
        (poll.imbalance.cpu - 1.0).abs() < 0.1,
        "{:?}",
        poll.imbalance
    );
    // Everything is still delivered.
    for r in [ws, poll] {
        assert_eq!(r.ledger.lost, 0);
        assert_eq!(r.ledger.generated, r.ledger.delivered + r.ledger.in_flight);
    }
}

#[test]
fn the_broker_sends_each_event_to_every_replica_with_subscribers() {
    for replicas in [1u32, 2, 3, 5] {
        let extra = format!(
            "server: {{ replicas: {replicas} }}\nbroker: {{ latency: 2ms, cost: 50us }}\nload_balancer: {{ layer: 4 }}\n"
        );
        let r = &cluster(50, &extra, &["{ sse: {} }"])[0];
        let events_in_window = r.totals.bytes.down.payload / 100 / 50;
        // One broker message per event per replica (all replicas hold some of 50 clients).
        let per_event = r.broker_messages as f64 / events_in_window as f64;
        assert!(
            (per_event - replicas as f64).abs() < 0.05,
            "{replicas} replicas: {per_event}"
        );
        assert_eq!(r.ledger.lost, 0);
    }
}

#[test]
fn without_a_broker_streams_miss_the_events_of_other_replicas() {
    let extra = "server: { replicas: 2 }\nload_balancer: { layer: 4 }\n";
    let results = cluster(
        100,
        extra,
        &[
            "{ label: ws, websocket: {} }",
            "{ label: lp, long_polling: { timeout: 20s } }",
        ],
    );
    let (ws, lp) = (&results[0], &results[1]);
    // Events originate on the two replicas in turn: each stream misses every other one.
    let share = ws.ledger.lost as f64 / ws.ledger.generated as f64;
    assert!((share - 0.5).abs() < 0.02, "{share}");
    assert_eq!(
        ws.ledger.generated,
        ws.ledger.delivered + ws.ledger.lost + ws.ledger.in_flight
    );
    // Long polling reads a shared store: nothing is lost, but a request held on the other
    // replica learns of the event only at its timeout, so the latency tail grows.
    assert_eq!(lp.ledger.lost, 0);
    assert!(
        lp.latency.as_ref().unwrap().p90_ms > 1000.0,
        "{:?}",
        lp.latency
    );
}

#[test]
fn one_replica_without_balancer_or_broker_is_the_plain_server() {
    let plain = cluster(30, "", &["{ websocket: {} }"]);
    let explicit = cluster(
        30,
        "server: { replicas: 1 }\nload_balancer: { layer: 7 }\n",
        &["{ websocket: {} }"],
    );
    assert_eq!(plain[0].latency, explicit[0].latency);
    assert_eq!(plain[0].ledger, explicit[0].ledger);
}

#[test]
fn the_balancer_idle_timeout_closes_silent_connections() {
    // Default 60 s (AWS's load balancers): a WebSocket without pings, with one event every
    // two minutes, is cut after its first quiet minute; `idle_timeout: 0s` turns it off.
    let rare = |extra: &str| {
        let text = format!(
            "name: lb-idle
duration: 6m
network:
  net: {{ latency: 10ms, bandwidth: 50Mbit/s }}
clients:
  users: {{ count: 10, link: net }}
workload:
  events: {{ source: periodic, rate: 30/h, payload: 100B }}
load_balancer: {{ layer: 4{extra} }}
transports:
  - {{ label: silent, websocket: {{}} }}
  - {{ label: pinging, websocket: {{ ping: 25s }} }}
"
        );
        run(&scenario(&text))
    };
    let default = rare("");
    assert_eq!(default[0].disconnected_clients, 10);
    assert!(default[0].ledger.lost > 0);
    assert_eq!(default[1].disconnected_clients, 0);
    let off = rare(", idle_timeout: 0s");
    assert_eq!(off[0].disconnected_clients, 0);
    assert_eq!(off[0].ledger.lost, 0);
}

#[test]
fn a_replica_at_its_connection_limit_refuses_more() {
    let extra = "server: { replicas: 2, max_connections: 15 }\nbroker: {}\nload_balancer: { layer: 4, algorithm: least_connections }\n";
    let results = cluster(40, extra, &["{ websocket: {} }"]);
    let r = &results[0];
    // (The refusals happen during the warmup, so the window's `refused` is 0.)
    assert_eq!(r.peak_open_connections, 30);
    assert!(r.replicas.iter().all(|p| p.peak_connections == 15));
    assert_eq!(r.disconnected_clients, 10);
}

/// Behind layer 7 the limit counts requests and streams in progress on a replica (each
/// holds one of the balancer's connections to it): streams fill both replicas and the rest
/// get `503` (WebSocket gives up; EventSource retries and is refused again while full),
/// while 40 clients polling never come near 30 requests at once.
#[test]
fn a_layer_7_balancer_answers_503_when_every_replica_is_full() {
    let extra = "server: { replicas: 2, max_connections: 15 }\nbroker: {}\nload_balancer: { layer: 7, algorithm: round_robin }\n";
    let results = cluster(
        40,
        extra,
        &[
            "{ label: ws, websocket: {} }",
            "{ label: sse, sse: {} }",
            "{ label: poll, polling: { interval: 2s } }",
        ],
    );
    let (ws, sse, poll) = (&results[0], &results[1], &results[2]);
    for streams in [ws, sse] {
        assert!(streams.replicas.iter().all(|r| r.peak_connections == 15));
        assert!(streams.replicas.iter().all(|r| r.connections_at_end == 15));
    }
    assert_eq!(ws.disconnected_clients, 10);
    // Ten EventSources retry every 3 s (plus the round trip) for the 230 s window.
    assert!(
        (650..=770).contains(&sse.totals.refused),
        "{}",
        sse.totals.refused
    );
    // Issue 18: those ten never connect, so every event for them from their first refusal
    // on is lost as `never_connected` (before, they were outside the ledger).
    assert!(sse.ledger.lost > 0);
    assert_eq!(sse.ledger.lost, sse.ledger.lost_by_reason.never_connected);
    assert_eq!(poll.totals.refused, 0);
    assert_eq!(
        poll.ledger.delivered + poll.ledger.in_flight,
        poll.ledger.generated
    );
    assert!(poll.replicas.iter().all(|r| r.peak_connections < 15));
}

#[test]
fn scaling_in_drains_the_removed_replicas() {
    let extra = "server: { replicas: 4 }
broker: {}
load_balancer: { layer: 4, algorithm: round_robin, drain: 30s, scale: [ { at: 1m, replicas: 2 } ] }
";
    let results = cluster(
        80,
        extra,
        &[
            "{ label: sse, sse: { heartbeat: 15s } }",
            "{ label: ws, websocket: { ping: 20s } }",
        ],
    );
    let (sse, ws) = (&results[0], &results[1]);
    // Half the streams sat on replicas 2 and 3; 30 s after the scale-in they are closed.
    assert_eq!(sse.totals.drain_closes, 40);
    // EventSource reconnects to the two replicas left, and loses nothing.
    assert_eq!(
        sse.replicas[2].connections_at_end + sse.replicas[3].connections_at_end,
        0
    );
    assert_eq!(
        sse.replicas[0].connections_at_end + sse.replicas[1].connections_at_end,
        80
    );
    assert_eq!(sse.ledger.lost, 0);
    assert_eq!(
        sse.ledger.generated,
        sse.ledger.delivered + sse.ledger.in_flight
    );
    // A WebSocket client has no reconnect: the drained half is gone.
    assert_eq!(ws.totals.drain_closes, 40);
    assert_eq!(ws.disconnected_clients, 40);
    assert!(ws.ledger.lost > 0);
    assert_eq!(
        ws.ledger.generated,
        ws.ledger.delivered + ws.ledger.lost + ws.ledger.in_flight
    );
}
