//! What charts call things: metrics and swept parameters in words, never as the field paths
//! a scenario or a threshold uses (`latency.p99`, `clients.browsers.count`).

/// Every metric of the [registry](crate::metrics::registry) in words, and the unit of a plain
/// number (a duration, size or share gets its unit from the chart: ms, bytes, %).
const METRICS: &[(&str, &str, &str)] = &[
    ("latency.mean", "mean delivery latency", ""),
    ("latency.p50", "median delivery latency", ""),
    ("latency.p90", "p90 delivery latency", ""),
    ("latency.p99", "p99 delivery latency", ""),
    ("latency.max", "longest delivery latency", ""),
    ("first_response.mean", "mean time to first response", ""),
    (
        "bytes_down_per_client_hour",
        "bytes down per client per hour",
        "",
    ),
    (
        "bytes_up_per_client_hour",
        "bytes up per client per hour",
        "",
    ),
    ("bytes_per_client_hour", "bytes per client per hour", ""),
    ("payload_efficiency", "payload share of all bytes", ""),
    ("requests_per_second", "requests per second", "requests/s"),
    ("empty_response_share", "responses without events", ""),
    (
        "energy.joules_per_client_hour",
        "radio energy per client per hour",
        "J",
    ),
    ("energy.high_power_share", "radio time out of idle", ""),
    (
        "events.out_of_order",
        "events delivered out of order",
        "events",
    ),
    ("events.duplicates", "events delivered twice", "events"),
    (
        "peak_open_connections",
        "peak open connections",
        "connections",
    ),
    ("cpu_utilisation", "server CPU", ""),
    ("cpu_queueing_delay", "mean CPU queueing delay", ""),
    ("peak_memory", "peak server memory", ""),
    (
        "imbalance.connections",
        "connection imbalance across replicas",
        "max / mean",
    ),
    (
        "imbalance.cpu",
        "CPU imbalance across replicas",
        "max / mean",
    ),
    ("events.delivered", "events delivered", "events"),
    ("events.lost", "events lost", "events"),
    (
        "events.conflated",
        "events replaced by a newer one of their topic",
        "events",
    ),
    ("events.in_flight", "events in flight at the end", "events"),
    ("delivered_share", "events delivered", ""),
    (
        "disconnected_clients",
        "clients disconnected at the end",
        "clients",
    ),
    (
        "blocked_streams",
        "streams blocked by the browser's connection limit",
        "streams",
    ),
    (
        "retransmitted_segments",
        "retransmitted TCP segments",
        "segments",
    ),
    ("packets_down", "IP packets to the clients", "packets"),
    ("packets_up", "IP packets to the server", "packets"),
    (
        "messages.to_server_p99",
        "p99 message latency to the server",
        "",
    ),
    (
        "messages.end_to_end_p50",
        "median message latency end to end",
        "",
    ),
    (
        "messages.end_to_end_p99",
        "p99 message latency end to end",
        "",
    ),
    ("messages.lost", "messages lost", "messages"),
    ("messages.bytes_up", "bytes up per message", ""),
    (
        "webhooks.attempts_per_delivery",
        "webhook attempts per delivery",
        "attempts",
    ),
    ("webhooks.duplicate_share", "webhooks delivered twice", ""),
    ("webhooks.given_up", "webhooks given up", "webhooks"),
    (
        "webhooks.acknowledged_p99",
        "p99 time to a webhook's acknowledgement",
        "",
    ),
    (
        "history.recovered",
        "events recovered from history",
        "events",
    ),
    (
        "fallback.clients",
        "clients on a fallback transport",
        "clients",
    ),
    ("services.calls", "calls to internal services", "calls"),
    (
        "services.bytes_per_call",
        "bytes per internal service call",
        "",
    ),
    ("services.call_time", "mean internal service call time", ""),
    (
        "services.cpu_utilisation",
        "CPU utilisation of the busiest service tier",
        "",
    ),
];

/// `metric` in words, and the unit of its plain number (empty for durations, sizes, shares
/// and unknown metrics). An unknown name is shown with its dots and underscores as spaces.
pub(crate) fn metric(metric: &str) -> (String, &'static str) {
    match METRICS.iter().find(|(name, _, _)| *name == metric) {
        Some((_, words, unit)) => (words.to_string(), unit),
        None => (metric.replace(['.', '_'], " "), ""),
    }
}

/// Whether a metric without a value means that nothing was delivered (a latency of no
/// events), rather than that it does not apply to the variant.
pub(crate) fn missing_means_nothing_delivered(metric: &str) -> bool {
    metric.starts_with("latency.") || metric == "delivered_share"
}

/// A swept parameter's path in words, without the unit: `clients.browsers.count` is
/// "clients in group browsers", `network.broadband.latency` "latency of link broadband"; a
/// variant given by its index (`transports.0.polling.interval`) is named by its label among
/// `variants`.
pub(crate) fn parameter_of(path: &str, variants: &[&str]) -> String {
    let parts: Vec<&str> = path.split('.').collect();
    let spaced = |s: &str| s.replace('_', " ");
    match parts.as_slice() {
        ["clients", group, "count"] => format!("clients in group {group}"),
        ["clients", group, field] => format!("{} of group {group}", spaced(field)),
        ["network", link, field] => format!("{} of link {link}", spaced(field)),
        ["workload", stream, field] => format!("{} of {stream}", spaced(field)),
        ["transports", variant, rest @ ..] if !rest.is_empty() => {
            let rest: Vec<String> = rest.iter().map(|s| spaced(s)).collect();
            let variant = variant
                .parse::<usize>()
                .ok()
                .and_then(|i| variants.get(i))
                .unwrap_or(variant);
            format!("{} of {variant}", rest.join(" "))
        }
        _ => parts
            .iter()
            .map(|s| spaced(s))
            .collect::<Vec<_>>()
            .join(" "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A metric added to the registry gets words here (else this fails).
    #[test]
    fn every_registered_metric_has_words() {
        for (name, _, _) in crate::metrics::registry::METRICS {
            assert!(
                METRICS.iter().any(|(n, _, _)| n == name),
                "{name} has no words in src/plot/words.rs"
            );
        }
    }

    fn parameter(path: &str) -> String {
        parameter_of(path, &[])
    }

    #[test]
    fn parameters_in_words() {
        assert_eq!(
            parameter("clients.browsers.count"),
            "clients in group browsers"
        );
        assert_eq!(parameter("network.n.bandwidth"), "bandwidth of link n");
        assert_eq!(parameter("server.cores"), "server cores");
        assert_eq!(
            parameter_of("transports.1.polling.interval", &["ws", "poll"]),
            "polling interval of poll"
        );
        assert_eq!(parameter("workload.events.payload"), "payload of events");
    }
}
