//! Segment loss: retransmission delays the tail of the latency distribution, not its
//! middle, and the retransmission count follows the loss rate.

use crate::support::{Simple, run, scenario};

fn websocket(loss: &str) -> rtsim::RunResult {
    let text = Simple {
        clients: 200,
        latency: "20ms",
        bandwidth: "100Mbit/s",
        source: "poisson",
        rate: "2/s",
        payload: "180B",
        duration: "5m",
        warmup: "10s",
    }
    .yaml(&["{ label: ws, websocket: {} }"])
    .replace(
        "bandwidth: 100Mbit/s }",
        &format!("bandwidth: 100Mbit/s, loss: {loss} }}"),
    );
    assert!(text.contains("loss:"));
    run(&scenario(&text)).remove(0)
}

#[test]
fn two_percent_loss_raises_the_tail_by_more_than_a_round_trip() {
    let clean = websocket("0%");
    let lossy = websocket("2%");
    let (c, l) = (clean.latency.unwrap(), lossy.latency.unwrap());
    let rtt_ms = 40.0;
    // A lost event waits for the retransmission timeout (at least 200 ms), and holds the
    // events behind it on the same connection.
    assert!(
        l.p99_ms - c.p99_ms >= rtt_ms,
        "p99 {} -> {}",
        c.p99_ms,
        l.p99_ms
    );
    assert!(
        l.p99_ms - c.p99_ms >= 150.0,
        "the 200 ms RTO floor shows: {} -> {}",
        c.p99_ms,
        l.p99_ms
    );
    // The median is untouched and the mean moves by about 2% of the RTO.
    assert!(
        (l.p50_ms - c.p50_ms).abs() < 1.0,
        "p50 {} -> {}",
        c.p50_ms,
        l.p50_ms
    );
    assert!(
        l.mean_ms - c.mean_ms < 10.0,
        "mean {} -> {}",
        c.mean_ms,
        l.mean_ms
    );
    assert_eq!(clean.totals.retransmitted_segments, 0);
    assert_eq!(clean.totals.bytes.down.retransmit, 0);
}

#[test]
fn retransmissions_match_the_loss_rate() {
    let lossy = websocket("2%");
    let t = lossy.totals;
    // Each transmission is lost with p = 2%, retransmissions included: p / (1 - p) per segment.
    let expected = t.segments_sent as f64 * 0.02 / 0.98;
    let measured = t.retransmitted_segments as f64;
    assert!(t.segments_sent > 100_000, "{}", t.segments_sent);
    assert!(
        (measured - expected).abs() / expected < 0.1,
        "{measured} vs {expected}"
    );
    // Retransmitted bytes: whole event segments, 180 + 4 (a 16-bit-length frame header above
    // 125 bytes) + 52; nothing else is sent in this run after the upgrade.
    assert_eq!(
        t.bytes.down.retransmit,
        (180 + 4 + 52) * t.retransmitted_segments
    );
}

#[test]
fn loss_is_deterministic_per_seed() {
    assert_eq!(websocket("2%"), websocket("2%"));
}
