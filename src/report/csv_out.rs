//! `runs.csv`: one row per run with every measure as a plain number.

use crate::metrics::RunResult;

const HEADER: &[&str] = &[
    "run",
    "label",
    "transport",
    "seed",
    "clients",
    "latency_mean_ms",
    "latency_p50_ms",
    "latency_p90_ms",
    "latency_p99_ms",
    "latency_max_ms",
    "first_response_mean_ms",
    "down_payload_per_client_hour",
    "down_framing_per_client_hour",
    "down_tls_per_client_hour",
    "down_tcpip_per_client_hour",
    "down_retransmit_per_client_hour",
    "down_total_per_client_hour",
    "up_payload_per_client_hour",
    "up_framing_per_client_hour",
    "up_tls_per_client_hour",
    "up_tcpip_per_client_hour",
    "up_retransmit_per_client_hour",
    "up_total_per_client_hour",
    "payload_efficiency",
    "requests_per_second",
    "empty_response_share",
    "polls_skipped",
    "blocked_streams",
    "still_blocked_streams",
    "connections_opened",
    "retransmitted_segments",
    "idle_closes",
    "peak_open_connections",
    "cpu_utilisation",
    "mean_cpu_queueing_delay_ms",
    "peak_memory_bytes",
    "events",
    "generated",
    "delivered",
    "lost",
    "in_flight",
    "imbalance_connections",
    "imbalance_cpu",
    "broker_messages",
    "messages_to_server_p99_ms",
    "messages_end_to_end_p99_ms",
    "messages_lost",
    "message_bytes_up",
    "message_bytes_down",
    "webhook_attempts_per_delivery",
    "webhook_duplicates",
    "webhook_given_up",
    "history_events_recovered",
    "clients_on_fallback",
];

/// The CSV text of one scenario's runs.
pub fn runs_csv(results: &[RunResult]) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(HEADER).expect("writing to memory");
    for (index, r) in results.iter().enumerate() {
        let mut record = vec![index.to_string()];
        record.extend(measures(r));
        writer.write_record(&record).expect("writing to memory");
    }
    String::from_utf8(writer.into_inner().expect("flushing memory")).expect("CSV of UTF-8 fields")
}

/// The CSV text of a sweep: run index, point, the swept parameters, then every measure.
pub fn sweep_csv(axes: &[String], rows: &[(usize, usize, Vec<String>, &RunResult)]) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["run".to_string(), "point".to_string()];
    header.extend(axes.iter().cloned());
    header.extend(HEADER[1..].iter().map(|h| h.to_string()));
    writer.write_record(&header).expect("writing to memory");
    for (run, point, params, r) in rows {
        let mut record = vec![run.to_string(), point.to_string()];
        record.extend(params.iter().cloned());
        record.extend(measures(r));
        writer.write_record(&record).expect("writing to memory");
    }
    String::from_utf8(writer.into_inner().expect("flushing memory")).expect("CSV of UTF-8 fields")
}

/// Every measure of a run after the run index, in [`HEADER`]'s order.
fn measures(r: &RunResult) -> Vec<String> {
    let l = r.latency.as_ref();
    let opt = |v: Option<f64>| v.map_or(String::new(), |x| x.to_string());
    let (d, u) = (&r.bytes_down_per_client_hour, &r.bytes_up_per_client_hour);
    let (m, w) = (r.messages.as_ref(), r.webhooks.as_ref());
    let record = vec![
        r.label.clone(),
        r.transport.clone(),
        r.seed.to_string(),
        r.clients.to_string(),
        opt(l.map(|l| l.mean_ms)),
        opt(l.map(|l| l.p50_ms)),
        opt(l.map(|l| l.p90_ms)),
        opt(l.map(|l| l.p99_ms)),
        opt(l.map(|l| l.max_ms)),
        opt(r.first_response.as_ref().map(|l| l.mean_ms)),
        d.payload.to_string(),
        d.framing.to_string(),
        d.tls.to_string(),
        d.tcpip.to_string(),
        d.retransmit.to_string(),
        d.total.to_string(),
        u.payload.to_string(),
        u.framing.to_string(),
        u.tls.to_string(),
        u.tcpip.to_string(),
        u.retransmit.to_string(),
        u.total.to_string(),
        r.payload_efficiency.to_string(),
        r.requests_per_second.to_string(),
        opt(r.empty_response_share),
        r.polls_skipped.to_string(),
        r.blocked_streams.blocked.to_string(),
        r.blocked_streams.still_blocked.to_string(),
        r.totals.connections_opened.to_string(),
        r.totals.retransmitted_segments.to_string(),
        r.totals.idle_closes.to_string(),
        r.peak_open_connections.to_string(),
        r.cpu_utilisation.to_string(),
        r.mean_cpu_queueing_delay_ms.to_string(),
        r.peak_memory_bytes.to_string(),
        r.ledger.events.to_string(),
        r.ledger.generated.to_string(),
        r.ledger.delivered.to_string(),
        r.ledger.lost.to_string(),
        r.ledger.in_flight.to_string(),
        r.imbalance.connections.to_string(),
        r.imbalance.cpu.to_string(),
        r.broker_messages.to_string(),
        opt(m.and_then(|m| m.to_server.as_ref()).map(|l| l.p99_ms)),
        opt(m.and_then(|m| m.end_to_end.as_ref()).map(|l| l.p99_ms)),
        opt(m.map(|m| m.lost as f64)),
        opt(m.map(|m| m.bytes_up_per_message)),
        opt(m.map(|m| m.bytes_down_per_message)),
        opt(w.map(|w| w.attempts_per_delivery)),
        opt(w.map(|w| w.duplicates as f64)),
        opt(w.map(|w| w.given_up as f64)),
        opt(r.history.as_ref().map(|h| h.events_recovered as f64)),
        opt(r.fallback.as_ref().map(|f| f.on_fallback as f64)),
    ];
    debug_assert_eq!(record.len() + 1, HEADER.len());
    record
}
