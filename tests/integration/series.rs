//! Per-second time series: they add up to the run's totals, and show a proxy's idle
//! timeout as reconnects at the seconds it fires.

use crate::support::{run, scenario};

const SECONDS: usize = 120;

fn proxied(transport: &str) -> rtsim::RunResult {
    let text = format!(
        "name: series
seed: 5
duration: {SECONDS}s
warmup: 0s
network: {{ office: {{ latency: 10ms, bandwidth: 50Mbit/s }} }}
proxies: {{ corp: {{ idle_timeout: 30s }} }}
clients: {{ staff: {{ count: 20, link: office, via: corp }} }}
workload: {{ events: {{ source: periodic, rate: 1/m, payload: 200B }} }}
transports:
  - {transport}
"
    );
    run(&scenario(&text)).remove(0)
}

#[test]
fn per_second_counts_add_up_to_the_run_totals() {
    let r = proxied("{ label: poll, polling: { interval: 2s } }");
    let s = &r.series;
    // One bin per simulated second, plus the instant at the end.
    assert_eq!(s.requests.len(), SECONDS + 1);
    let requests: u64 = s.requests.iter().sum();
    let total: u64 = r.replicas.iter().map(|x| x.requests).sum();
    assert_eq!(requests, total);
    assert_eq!(
        s.new_connections.iter().sum::<u64>(),
        r.totals.connections_opened
    );
    assert_eq!(
        s.connections.iter().copied().max(),
        Some(r.peak_open_connections)
    );
    // 20 clients polling every 2 s: 20 requests in every two consecutive seconds.
    for pair in s.requests[..SECONDS].windows(2) {
        assert_eq!(pair[0] + pair[1], 20, "{:?}", s.requests);
    }
    // CPU per whole second averages to the run's utilisation.
    let mean = s.cpu_utilisation[..SECONDS].iter().sum::<f64>() / SECONDS as f64;
    assert!(
        (mean - r.cpu_utilisation).abs() <= 0.02 * r.cpu_utilisation.max(1e-6),
        "{mean} vs {}",
        r.cpu_utilisation
    );
}

#[test]
fn idle_timeout_reconnects_appear_in_the_seconds_they_happen() {
    let r = proxied("{ label: silent, sse: {} }");
    let s = &r.series;
    assert_eq!(s.reconnects.iter().sum::<u64>(), r.totals.reconnects);
    assert!(r.totals.reconnects > 0);
    // Streams open in the first seconds and fall silent; none is closed before 30 s of
    // silence, so no reconnect comes in the first 30 seconds.
    assert!(
        s.reconnects[..30].iter().all(|&n| n == 0),
        "{:?}",
        s.reconnects
    );
    // A stream closed in second t is opened again in second t + 3 (EventSource's 3 s retry).
    for t in 1..SECONDS - 3 {
        assert_eq!(s.reconnects[t], s.new_connections[t + 3], "second {t}");
    }
    // Events come at 60 s and 120 s; the one at 60 s reaches every client over the open
    // streams in one 10 ms link delay plus transmission, the one at 120 s is still in
    // flight when the run ends.
    let seconds: Vec<_> = (0..=SECONDS)
        .filter(|&t| s.latency_mean_ms[t].is_some())
        .collect();
    assert_eq!(seconds, vec![60]);
    let mean = s.latency_mean_ms[60].unwrap();
    assert!((10.0..11.0).contains(&mean), "{mean} ms");
    assert_eq!(r.ledger.delivered, 20);
}
