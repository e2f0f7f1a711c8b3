//! Issue 18, shared bottleneck links: a topology link with a `bandwidth` is one FIFO with a
//! drop-tail buffer for every connection that crosses it (`net::shared_link`, whose unit
//! tests check it against theory: 1/N shares, buffer/rate at saturation, M/D/1).

use rtsim::RunResult;

use crate::support::{run, scenario};

/// `n` SSE clients on a fast, jitter-free LAN, one `payload` event every 5 s to all, the
/// LAN joined to the servers by one topology link (`link` is its flow mapping's fields).
fn office(n: u32, payload: &str, link: &str) -> RunResult {
    let text = format!(
        "name: office\nseed: 3\nduration: 61s\nwarmup: 10s\n\
         network:\n  lan: {{ latency: 1ms, bandwidth: 1Gbit/s }}\n\
         topology:\n  links:\n    - {{ from: office, to: servers, latency: 10ms{link} }}\n\
         clients:\n  office: {{ count: {n}, link: lan, ramp: 1s }}\n\
         server: {{ cores: 8 }}\n\
         workload:\n  events: {{ source: periodic, rate: 0.2/s, payload: {payload} }}\n\
         transports:\n  - {{ label: sse, sse: {{ heartbeat: 2m }} }}\n"
    );
    run(&scenario(&text)).remove(0)
}

/// The slowest delivery, ms.
fn max_ms(r: &RunResult) -> f64 {
    r.latency.as_ref().expect("deliveries").max_ms
}

fn queue(r: &RunResult) -> [rtsim::metrics::HopQueue; 2] {
    let hop = r
        .hops
        .iter()
        .find(|h| h.hop == "link:office-servers")
        .unwrap();
    hop.queue.expect("a shared link reports its queue")
}

#[test]
fn a_broadcast_queues_on_a_shared_link_one_message_behind_another() {
    // 50 clients, a 1,000 B event: each message is one segment of W bytes on the wire
    // (W = the link's bytes / messages, a little above 1,000 B). At 1 Mbit/s a message
    // takes W × 8 µs; all 50 of a broadcast enter within the server's push jobs (tens of
    // µs each, on 8 cores), so the last waits for nearly the 49 before it.
    let free = office(50, "1000B", "");
    let shared = office(50, "1000B", ", bandwidth: 1Mbit/s");
    let [down, up] = queue(&shared);
    assert_eq!(
        free.hops[1].queue, None,
        "a link without bandwidth has no queue"
    );
    // 10 broadcasts in the window [10 s, 61 s) (at 10, 15, ..., 55 and 60 s: 11), 50 each.
    assert_eq!(down.messages, 11 * 50);
    assert_eq!((down.dropped_segments, up.dropped_segments), (0, 0));
    // (Messages differ by a byte or two: the SSE `id:` grows a digit.)
    let w = down.bytes / down.messages + 2;
    assert!((1_000..1_200).contains(&w), "{w}");
    let serialization = w * 8_000; // ns at 1 Mbit/s
    // The 50th waits 49 serializations, less at most 50 push jobs' spacing (< 100 µs each).
    assert!(down.queueing_max_ns <= 49 * serialization, "{down:?}");
    assert!(
        down.queueing_max_ns >= 49 * serialization - 50 * 100_000,
        "{down:?}"
    );
    // So the slowest delivery is later by that much, and the fastest by one message.
    let slower = max_ms(&shared) - max_ms(&free);
    let expected = (down.queueing_max_ns + serialization) as f64 / 1e6;
    assert!(
        (slower - expected).abs() < 0.2,
        "{slower} ms against {expected} ms"
    );
    // The link carries every group's bytes down: its hop's bytes are the queue's.
    let hop = shared
        .hops
        .iter()
        .find(|h| h.hop == "link:office-servers")
        .unwrap();
    assert!(hop.bytes.down.total() >= down.bytes);
}

#[test]
fn a_small_buffer_drops_the_tail_of_a_burst_and_tcp_resends_it_after_its_timeout() {
    // The same broadcast into a 10,000 B buffer: about 9 messages fit behind the first,
    // the other 40 are dropped and resent one RTO (at least 200 ms, Linux's minimum)
    // later, which the clients' retransmit layer and the latency show.
    let big = office(50, "1000B", ", bandwidth: 1Mbit/s");
    let small = office(50, "1000B", ", bandwidth: 1Mbit/s, buffer: 10000B");
    let [down, _] = queue(&small);
    assert!(down.peak_backlog_bytes <= 10_000);
    let per_burst = down.dropped_segments / 11;
    assert!((38..=42).contains(&per_burst), "{down:?}");
    // The clients resend what was dropped; a resend that the full buffer drops again
    // (40 resends due together) is counted by the link, not again by the client.
    let resent = small.totals.bytes.down.retransmit;
    assert!(
        resent > 0 && resent <= down.dropped_bytes,
        "{resent} {down:?}"
    );
    assert_eq!(big.totals.bytes.down.retransmit, 0);
    // A dropped message arrives no sooner than Linux's minimum RTO (200 ms) after it
    // was sent, plus the path (11 ms); with the big buffer the slowest took the 49
    // messages' queue (about 430 ms) and nothing more.
    assert!(max_ms(&small) > 211.0);
    assert!(max_ms(&big) < 11.0 + 50.0 * 9.6);
    // Every event still arrives.
    assert_eq!(small.ledger.lost, 0);
}

/// Issue 18, a reconnect storm through a shared server NIC (`scenarios/reconnect-storm.yaml`,
/// scaled to 600 clients and a 10 Mbit/s link to keep its load): the replica is down 2 s,
/// then every client that comes back needs the server's first TLS flight (the scenario
/// turns resumption off: 4,000 B, `tls.server_hello`'s default) to pass the NIC toward the
/// clients. 99 % of 600 is 594 clients: 594 × 4,000 B × 8 / 10 Mbit/s = 1.90 s of the
/// link's time at least, so no variant recovers within 2 s + 1.90 s of the crash. Backoff
/// without jitter sends the whole storm at once into the 1.5 MB buffer and drops; full
/// jitter spreads it and drops nothing.
#[test]
fn a_reconnect_storm_takes_at_least_its_handshakes_time_through_the_nic() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/reconnect-storm.yaml"
    );
    let text = std::fs::read_to_string(path).unwrap();
    let s = rtsim::scenario::load_str(
        path,
        &text,
        &[
            "clients.browsers.count=600",
            "topology.links[1].bandwidth=10Mbit/s",
        ]
        .map(|o| rtsim::scenario::Override::parse(o).unwrap()),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let results = run(&s);
    let recovering = 594.0 * 4_000.0 * 8.0 / 10e6;
    assert!((recovering - 1.9008f64).abs() < 1e-9);
    let bound = 2.0 + recovering;
    for r in &results {
        let fault = &r.faults[0];
        assert_eq!(fault.clients_affected, 600, "{}", r.label);
        let back = fault
            .recovered_after_s
            .unwrap_or_else(|| panic!("{}: never recovered", r.label));
        assert!(
            back >= bound,
            "{}: back after {back} s < {bound} s",
            r.label
        );
    }
    let dropped = |label: &str| {
        let r = results.iter().find(|r| r.label == label).unwrap();
        let hop = r
            .hops
            .iter()
            .find(|h| h.hop == "link:balancer-servers")
            .unwrap();
        hop.queue.expect("a shared link reports its queue")[0].dropped_segments
    };
    assert!(dropped("ws-backoff") > 0);
    assert_eq!(dropped("ws-jitter"), 0);
}
