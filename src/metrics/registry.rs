//! Metrics by name, for thresholds (`assert:`) and charts: each name reads one number
//! from a [`RunResult`] in a base unit (nanoseconds, bytes, a plain number or a fraction).

use super::RunResult;

/// What a metric's number is, so a threshold's value is read with the right unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetricUnit {
    /// Nanoseconds: thresholds are durations (`250ms`).
    Duration,
    /// Bytes: thresholds are sizes (`5MB`).
    Bytes,
    /// A share from 0 to 1: thresholds are percentages (`80%`) or plain numbers.
    Fraction,
    /// A plain number (`1000`).
    Number,
}

type Reader = fn(&RunResult) -> Option<f64>;

/// Every metric a threshold or a chart can name.
pub const METRICS: &[(&str, MetricUnit, Reader)] = &[
    ("latency.mean", MetricUnit::Duration, |r| {
        r.latency.as_ref().map(|l| l.mean_ms * 1e6)
    }),
    ("latency.p50", MetricUnit::Duration, |r| {
        r.latency.as_ref().map(|l| l.p50_ms * 1e6)
    }),
    ("latency.p90", MetricUnit::Duration, |r| {
        r.latency.as_ref().map(|l| l.p90_ms * 1e6)
    }),
    ("latency.p99", MetricUnit::Duration, |r| {
        r.latency.as_ref().map(|l| l.p99_ms * 1e6)
    }),
    ("latency.max", MetricUnit::Duration, |r| {
        r.latency.as_ref().map(|l| l.max_ms * 1e6)
    }),
    ("first_response.mean", MetricUnit::Duration, |r| {
        r.first_response.as_ref().map(|l| l.mean_ms * 1e6)
    }),
    ("bytes_down_per_client_hour", MetricUnit::Bytes, |r| {
        Some(r.bytes_down_per_client_hour.total)
    }),
    ("bytes_up_per_client_hour", MetricUnit::Bytes, |r| {
        Some(r.bytes_up_per_client_hour.total)
    }),
    ("bytes_per_client_hour", MetricUnit::Bytes, |r| {
        Some(r.bytes_down_per_client_hour.total + r.bytes_up_per_client_hour.total)
    }),
    ("payload_efficiency", MetricUnit::Fraction, |r| {
        Some(r.payload_efficiency)
    }),
    ("requests_per_second", MetricUnit::Number, |r| {
        Some(r.requests_per_second)
    }),
    ("empty_response_share", MetricUnit::Fraction, |r| {
        r.empty_response_share
    }),
    ("energy.joules_per_client_hour", MetricUnit::Number, |r| {
        // Over every device with a radio, whatever its group.
        let devices: u64 = r.energy.iter().map(|g| g.report.radios).sum();
        (devices > 0).then(|| {
            let joules: f64 = r
                .energy
                .iter()
                .map(|g| g.joules_per_client_hour * g.report.radios as f64)
                .sum();
            joules / devices as f64
        })
    }),
    ("energy.high_power_share", MetricUnit::Fraction, |r| {
        let devices: u64 = r.energy.iter().map(|g| g.report.radios).sum();
        (devices > 0).then(|| {
            r.energy
                .iter()
                .map(|g| g.high_power_share * g.report.radios as f64)
                .sum::<f64>()
                / devices as f64
        })
    }),
    ("events.out_of_order", MetricUnit::Number, |r| {
        Some(r.ledger.out_of_order as f64)
    }),
    ("events.duplicates", MetricUnit::Number, |r| {
        Some(r.ledger.duplicates as f64)
    }),
    ("peak_open_connections", MetricUnit::Number, |r| {
        Some(r.peak_open_connections as f64)
    }),
    ("cpu_utilisation", MetricUnit::Fraction, |r| {
        Some(r.cpu_utilisation)
    }),
    ("cpu_queueing_delay", MetricUnit::Duration, |r| {
        Some(r.mean_cpu_queueing_delay_ms * 1e6)
    }),
    ("peak_memory", MetricUnit::Bytes, |r| {
        Some(r.peak_memory_bytes as f64)
    }),
    ("imbalance.connections", MetricUnit::Number, |r| {
        Some(r.imbalance.connections)
    }),
    ("imbalance.cpu", MetricUnit::Number, |r| {
        Some(r.imbalance.cpu)
    }),
    ("events.delivered", MetricUnit::Number, |r| {
        Some(r.ledger.delivered as f64)
    }),
    ("events.lost", MetricUnit::Number, |r| {
        Some(r.ledger.lost as f64)
    }),
    // Replaced by a newer event of their topic before being sent (`conflate: per_topic`,
    // issue 20): neither delivered nor lost. No value where none was (as `services.calls`
    // without calls), so the replications' statistics of other scenarios stay as they were.
    ("events.conflated", MetricUnit::Number, |r| {
        (r.ledger.conflated > 0).then_some(r.ledger.conflated as f64)
    }),
    ("events.in_flight", MetricUnit::Number, |r| {
        Some(r.ledger.in_flight as f64)
    }),
    ("delivered_share", MetricUnit::Fraction, |r| {
        (r.ledger.generated > 0).then(|| r.ledger.delivered as f64 / r.ledger.generated as f64)
    }),
    ("disconnected_clients", MetricUnit::Number, |r| {
        Some(r.disconnected_clients as f64)
    }),
    ("blocked_streams", MetricUnit::Number, |r| {
        Some(r.blocked_streams.blocked as f64)
    }),
    ("retransmitted_segments", MetricUnit::Number, |r| {
        Some(r.totals.retransmitted_segments as f64)
    }),
    ("packets_down", MetricUnit::Number, |r| {
        Some(r.totals.packets_down as f64)
    }),
    ("packets_up", MetricUnit::Number, |r| {
        Some(r.totals.packets_up as f64)
    }),
    ("messages.to_server_p99", MetricUnit::Duration, |r| {
        let m = r.messages.as_ref()?;
        m.to_server.as_ref().map(|l| l.p99_ms * 1e6)
    }),
    ("messages.end_to_end_p50", MetricUnit::Duration, |r| {
        let m = r.messages.as_ref()?;
        m.end_to_end.as_ref().map(|l| l.p50_ms * 1e6)
    }),
    ("messages.end_to_end_p99", MetricUnit::Duration, |r| {
        let m = r.messages.as_ref()?;
        m.end_to_end.as_ref().map(|l| l.p99_ms * 1e6)
    }),
    ("messages.lost", MetricUnit::Number, |r| {
        r.messages.as_ref().map(|m| m.lost as f64)
    }),
    ("messages.bytes_up", MetricUnit::Bytes, |r| {
        r.messages.as_ref().map(|m| m.bytes_up_per_message)
    }),
    ("webhooks.attempts_per_delivery", MetricUnit::Number, |r| {
        r.webhooks.as_ref().map(|w| w.attempts_per_delivery)
    }),
    ("webhooks.duplicate_share", MetricUnit::Fraction, |r| {
        r.webhooks.as_ref().map(|w| w.duplicate_share)
    }),
    ("webhooks.given_up", MetricUnit::Number, |r| {
        r.webhooks.as_ref().map(|w| w.given_up as f64)
    }),
    ("webhooks.acknowledged_p99", MetricUnit::Duration, |r| {
        let w = r.webhooks.as_ref()?;
        w.acknowledged.as_ref().map(|l| l.p99_ms * 1e6)
    }),
    ("history.recovered", MetricUnit::Number, |r| {
        r.history.as_ref().map(|h| h.events_recovered as f64)
    }),
    ("fallback.clients", MetricUnit::Number, |r| {
        r.fallback.as_ref().map(|f| f.on_fallback as f64)
    }),
    // Internal service tiers: over every tier the variant called (none: no value).
    ("services.calls", MetricUnit::Number, |r| {
        let calls: u64 = r.services.iter().map(|t| t.calls).sum();
        (calls > 0).then_some(calls as f64)
    }),
    ("services.bytes_per_call", MetricUnit::Bytes, |r| {
        let calls: u64 = r.services.iter().map(|t| t.calls).sum();
        let bytes: u64 = r.services.iter().map(|t| t.bytes_up + t.bytes_down).sum();
        (calls > 0).then(|| bytes as f64 / calls as f64)
    }),
    ("services.call_time", MetricUnit::Duration, |r| {
        let calls: u64 = r.services.iter().map(|t| t.calls).sum();
        let weighted: f64 = r
            .services
            .iter()
            .map(|t| t.mean_call_ms * t.calls as f64)
            .sum();
        (calls > 0).then(|| weighted / calls as f64 * 1e6)
    }),
    ("services.cpu_utilisation", MetricUnit::Fraction, |r| {
        // The busiest tier's: the one that saturates first.
        r.services
            .iter()
            .filter(|t| t.calls > 0)
            .map(|t| t.cpu_utilisation)
            .reduce(f64::max)
    }),
];

/// The metric named `name`.
pub fn metric(name: &str) -> Option<(MetricUnit, Reader)> {
    METRICS
        .iter()
        .find(|(n, _, _)| *n == name)
        .map(|(_, unit, read)| (*unit, *read))
}

/// The names, for error messages.
pub fn names() -> String {
    METRICS
        .iter()
        .map(|(n, _, _)| *n)
        .collect::<Vec<_>>()
        .join(", ")
}
