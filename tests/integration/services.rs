//! Internal service tiers (`services:`): a front request that calls a tier completes only
//! when the replies are back, so the client's latency holds the internal round trips and
//! the tier's CPU; each call's bytes come from the gRPC and HTTP sizing; a tier with too
//! few cores is the bottleneck while the front idles; bad input is refused with its
//! location.

use rtsim::RunResult;
use rtsim::transport::grpc::{MESSAGE_PREFIX, TRAILERS_FIRST, TRAILERS_REPEATED};
use rtsim::transport::http2::{CLIENT_PREFACE, FRAME_HEADER, SERVER_PREFACE};

use super::support::{folder_with, rtsim_in, run, scenario};

const US: f64 = 1e-3; // a microsecond in milliseconds

/// One client polling every 5 s over a 10 ms link (polls at 0 s and 5 s: two requests);
/// `services` appended as written.
fn one_client(services: &str) -> RunResult {
    let text = format!(
        "name: tier
duration: 10s
network:
  lan: {{ latency: 10ms, bandwidth: 1Gbit/s }}
clients:
  u: {{ count: 1, link: lan }}
server: {{ cores: 1 }}
workload:
  events: {{ source: periodic, rate: 1/s, payload: 100B }}
transports:
  - {{ label: poll, polling: {{ interval: 5s }} }}
{services}"
    );
    run(&scenario(&text)).remove(0)
}

/// The tier `users` of `replicas` replicas with 1 core each, over `transport` (`grpc` or
/// `rest` with its fields), called twice per request; every other figure its default.
fn users(replicas: u32, transport: &str) -> String {
    format!(
        "services:
  tiers:
    users: {{ replicas: {replicas}, cores: 1, {transport} }}
  calls:
    request: {{ users: 2 }}
"
    )
}

/// By hand from the defaults: 250 µs each way, 120 µs of handler, a 200 B request and a
/// 1 KiB reply as JSON; protobuf is 35 % of it rounded up (70 B, 359 B). The encoding work
/// per call (each side): JSON 10 µs/KiB, protobuf 1 µs/KiB, rounded down to the ns.
const LATENCY: f64 = 250.0 * US;
const HANDLER: f64 = 120.0 * US;
const GRPC_CODEC: f64 = ((70 + 359) * 1000 / 1024) as f64 * 1e-6; // 418 ns
const REST_CODEC: f64 = ((200 + 1024) * 10_000 / 1024) as f64 * 1e-6; // 11,953 ns

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-6
}

#[test]
fn a_polls_latency_gains_the_front_encoding_the_round_trips_and_the_tiers_cpu() {
    let base = one_client("");
    let grpc = one_client(&users(2, "transport: grpc"));
    let rest = one_client(&users(2, "transport: rest"));
    let pooled = one_client(&users(2, "transport: rest, max_connections: 1"));
    let first = |r: &RunResult| r.first_response.as_ref().unwrap().mean_ms;
    let last = |r: &RunResult| r.latency.as_ref().unwrap().max_ms;
    // The first poll: both calls at once, each on a new connection to its own replica
    // (round robin): SYN and SYN-ACK, the call, the handler, the reply: 4 latencies.
    let grpc_first = 2.0 * GRPC_CODEC + 4.0 * LATENCY + HANDLER + GRPC_CODEC;
    assert!(
        close(first(&grpc) - first(&base), grpc_first),
        "{} against {grpc_first}",
        first(&grpc) - first(&base)
    );
    let rest_first = 2.0 * REST_CODEC + 4.0 * LATENCY + HANDLER + REST_CODEC;
    assert!(close(first(&rest) - first(&base), rest_first));
    // One pooled connection: the second call waits for the first reply, then goes on the
    // open connection: 4 latencies and a call, then 2 latencies and a call.
    let pooled_first = 2.0 * REST_CODEC + 6.0 * LATENCY + 2.0 * (HANDLER + REST_CODEC);
    assert!(close(first(&pooled) - first(&base), pooled_first));
    // The second poll (at 5 s) answers the latest events: the connections are open, so
    // one round trip.
    let grpc_next = 2.0 * GRPC_CODEC + 2.0 * LATENCY + HANDLER + GRPC_CODEC;
    assert!(close(last(&grpc) - last(&base), grpc_next));
    let pooled_next = 2.0 * REST_CODEC + 4.0 * LATENCY + 2.0 * (HANDLER + REST_CODEC);
    assert!(close(last(&pooled) - last(&base), pooled_next));
    // Counted: 2 polls × 2 calls; gRPC opened a connection per replica, the pool one.
    for (r, connections) in [(&grpc, 2), (&rest, 2), (&pooled, 1)] {
        let tier = &r.services[0];
        assert_eq!((tier.calls, tier.connections), (4, connections));
    }
    assert!(
        base.services.is_empty(),
        "no tiers, no services in the result"
    );
}

#[test]
fn grpc_bytes_per_call_are_the_unary_sizing_and_rest_json_the_http_one() {
    let grpc = one_client(&users(2, "transport: grpc"));
    let rest = one_client(&users(2, "transport: rest"));
    // gRPC, a repeated call: HEADERS of 30 B (HPACK-indexed), a DATA frame with the
    // 5-byte prefix and 70 B; the reply: HEADERS of 20 B, DATA with the prefix and 359 B,
    // trailers indexed.
    let up = FRAME_HEADER + 30 + FRAME_HEADER + MESSAGE_PREFIX + 70;
    let down = FRAME_HEADER + 20 + FRAME_HEADER + MESSAGE_PREFIX + 359 + TRAILERS_REPEATED;
    assert_eq!((up, down), (123, 412));
    // A connection's first call: 200 B and 80 B of header text Huffman-coded to 80 %,
    // the prefaces, the trailers spelled out.
    let up_first = FRAME_HEADER + 160 + CLIENT_PREFACE + FRAME_HEADER + MESSAGE_PREFIX + 70;
    let down_first =
        FRAME_HEADER + 64 + SERVER_PREFACE + FRAME_HEADER + MESSAGE_PREFIX + 359 + TRAILERS_FIRST;
    let tier = &grpc.services[0];
    assert_eq!(tier.bytes_up, 2 * up_first + 2 * up);
    assert_eq!(tier.bytes_down, 2 * down_first + 2 * down);
    // REST/JSON over HTTP/1.1: 180 B of request headers and the 200 B body; 110 B of
    // reply headers and the 1,024 B body, on every call.
    let tier = &rest.services[0];
    assert_eq!((tier.bytes_up, tier.bytes_down), (4 * 380, 4 * 1134));
    assert_eq!(tier.bytes_per_call, 1514.0);
    assert!(grpc.services[0].bytes_per_call < 0.5 * 1514.0);
}

/// 50 clients polling every second, 2 calls per poll to a tier of one replica whose calls
/// cost 12 ms each on `cores` cores.
fn bottleneck(cores: u32) -> RunResult {
    let text = format!(
        "name: bottleneck
seed: 5
duration: 30s
warmup: 10s
network:
  lan: {{ latency: 5ms, bandwidth: 1Gbit/s }}
clients:
  u: {{ count: 50, link: lan }}
server: {{ cores: 4 }}
workload:
  events: {{ source: poisson, rate: 2/s, payload: 100B }}
transports:
  - {{ label: poll, polling: {{ interval: 1s }} }}
services:
  tiers:
    slow: {{ cores: {cores}, cost: 12ms }}
  calls:
    request: {{ slow: 2 }}
"
    );
    run(&scenario(&text)).remove(0)
}

#[test]
fn a_tier_with_too_few_cores_is_the_bottleneck_while_the_front_idles() {
    // Offered: 50 polls/s × 2 calls × 12 ms = 1.2 cores of work. On one core the tier is
    // saturated: polls wait, later ticks are skipped while one is outstanding, and the
    // bottleneck law caps the requests at 1 / (2 × 12 ms) = 41.7/s.
    let one = bottleneck(1);
    let tier = &one.services[0];
    assert!(tier.cpu_utilisation > 0.97, "{}", tier.cpu_utilisation);
    assert!(
        one.requests_per_second <= 1000.0 / 24.0 * 1.01,
        "{}",
        one.requests_per_second
    );
    assert!(one.polls_skipped > 0);
    assert!(tier.mean_cpu_queueing_delay_ms > 100.0, "{tier:?}");
    // The front does its 120 µs per poll: well under 1 % of 4 cores, no queue.
    assert!(one.cpu_utilisation < 0.01 && one.mean_cpu_queueing_delay_ms < 0.01);
    // On four cores the tier is 30 % busy: every poll goes through, little queueing.
    let four = bottleneck(4);
    let tier4 = &four.services[0];
    assert!(
        (tier4.cpu_utilisation - 0.3).abs() < 0.03,
        "{}",
        tier4.cpu_utilisation
    );
    assert!((four.requests_per_second - 50.0).abs() < 1.0);
    assert!(tier4.mean_cpu_queueing_delay_ms < 12.0);
    let p99 = |r: &RunResult| r.latency.as_ref().unwrap().p99_ms;
    assert!(p99(&one) > p99(&four) + 100.0);
}

#[test]
fn an_unknown_service_or_zero_replicas_is_refused_with_its_location() {
    let base = "name: bad
duration: 10s
network:
  lan: { latency: 10ms, bandwidth: 1Gbit/s }
clients:
  u: { count: 1, link: lan }
workload:
  events: { source: periodic, rate: 1/s, payload: 100B }
transports:
  - { label: poll, polling: { interval: 5s } }
services:
  tiers:
    users: { replicas: REPLICAS }
  calls:
    request: { NAME: 2 }
";
    let cases = [
        (
            base.replace("REPLICAS", "2").replace("NAME", "userz"),
            "s.yaml:15:",
            "services.calls.request.userz",
            "unknown service \"userz\"; expected one of: users",
        ),
        (
            base.replace("REPLICAS", "0").replace("NAME", "users"),
            "s.yaml:13:",
            "services.tiers.users.replicas",
            "0 replicas",
        ),
        (
            base.replace("REPLICAS", "2")
                .replace("NAME", "users")
                .replace("workload:", "server: { kind: serverless }\nworkload:"),
            "s.yaml:13:",
            "services",
            "internal services behind `server.kind: serverless` are not modelled",
        ),
    ];
    for (text, at, field, message) in cases {
        let dir = folder_with(&text);
        let (code, _, stderr) = rtsim_in(dir.path(), &["check", "s.yaml"]);
        assert_eq!(code, 2, "{stderr}");
        for needle in [at, field, message] {
            assert!(stderr.contains(needle), "{needle} not in {stderr}");
        }
    }
}
