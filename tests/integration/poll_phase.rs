//! Issue 18, "poll phases": polling clients' first polls spread at random over the
//! interval (the default) or `aligned` (a thundering herd), seen in the requests-over-time
//! series.

use crate::support::{Simple, run, scenario};

/// 1,000 clients starting together (no ramp), polling every 10 s with `extra` settings,
/// over 60 s; a few events so that polls find something now and then.
fn requests_per_second(extra: &str) -> Vec<u64> {
    let text = Simple {
        clients: 1000,
        latency: "20ms",
        bandwidth: "100Mbit/s",
        source: "poisson",
        rate: "0.2/s",
        payload: "100B",
        duration: "60s",
        warmup: "0s",
    }
    .yaml(&[&format!(
        "{{ label: poll, polling: {{ interval: 10s{extra} }} }}"
    )]);
    let results = run(&scenario(&text));
    results[0].series.requests.clone()
}

/// With random phases each client's first poll is uniform over the first 10 s: each second
/// sees Binomial(1000, 0.1) first polls, mean 100, standard deviation √(1000 × 0.1 × 0.9)
/// ≈ 9.5; later polls repeat them every 10 s ± 1 s of jitter, so every second of the run
/// stays near 100 — no start-up burst and no oscillation after it. Every second within
/// 100 ± 45 (more than 4.7 standard deviations; a herd puts 1,000 in one second and 0 in
/// the next nine).
#[test]
fn jittered_polling_with_random_phases_has_a_flat_request_rate_from_the_start() {
    let series = requests_per_second(", jitter: 1s");
    // 60 seconds, and the run's end instant's own (empty) bin.
    assert_eq!(series.len(), 61);
    for (second, n) in series.iter().take(60).enumerate() {
        assert!(
            (55..=145).contains(n),
            "second {second}: {n} requests (series {series:?})"
        );
    }
    let total: u64 = series.iter().sum();
    // 1,000 clients × 6 polls each in 60 s, give or take the jitter at the end.
    assert!((5_800..=6_200).contains(&total), "{total}");
}

/// `phase: aligned` without jitter: every client polls at 0 s, 10 s, …, 50 s; the server
/// reads each request 20 ms later (one way, on the connection opened just before: 1 RTT
/// of TCP handshake first, so the first at 60 ms), in the same second: 1,000 requests in
/// seconds 0, 10, …, 50 and none between — the herd.
#[test]
fn aligned_phases_make_a_thundering_herd() {
    let series = requests_per_second(", phase: aligned");
    for (second, n) in series.iter().enumerate() {
        // (The 61st bin is the run's end instant's: nothing runs then.)
        let expected = if second % 10 == 0 && second < 60 {
            1000
        } else {
            0
        };
        assert_eq!(*n, expected, "second {second} (series {series:?})");
    }
}
