//! A webhook variant's run: the scenario's server, receivers and workload handed to the
//! webhook model ([`crate::webhook`]), and its outcome in the shape of every variant's
//! [`RunResult`] (receivers in the place of clients).

use crate::engine::EngineError;
use crate::metrics::series::TimeSeries;
use crate::metrics::{
    BlockedStreams, BytesPerClientHour, ClientLedger, EventLedger, HopBytes, Imbalance,
    LostByReason, ReceiverResult, RunResult, SlowConsumers, WebhookResult, WindowTotals, fixed,
};
use crate::net::link::LinkParams;
use crate::net::wire::WireBytes;
use crate::scenario::{Scenario, TransportSpec};
use crate::webhook::{self, ReceiverConfig, WebhookConfig, WebhookError, WebhookSpec};
use crate::workload::EventLog;

/// Runs webhook variant `variant` of `scenario`, whose sender has the settings `sender`,
/// over `log`; one ledger per receiver.
pub fn run(
    scenario: &Scenario,
    log: &EventLog,
    variant: &TransportSpec,
    sender: &WebhookSpec,
    limits: &crate::engine::Limits,
) -> Result<(RunResult, Vec<ClientLedger>), EngineError> {
    let config = config(scenario, sender);
    let outcome = webhook::run(&config, log, limits).map_err(|e| match e {
        WebhookError::Engine(e) => e,
        WebhookError::InvalidConfig(reason) => EngineError::Refused(reason),
    })?;
    let receivers = outcome.receivers.len() as u64;
    let window = scenario.window();
    let total = &outcome.total;
    let bytes = outcome.bytes;
    let all = bytes.down.total() + bytes.up.total();
    let mut series = TimeSeries::new(scenario.duration);
    for receiver in &outcome.receivers {
        for (pair, created) in receiver.pairs.iter().zip(&log.times) {
            if let Some(at) = pair.processed_at {
                series.delivered(crate::time::SimTime::from_nanos(at), at - created);
            }
        }
    }
    let cores = scenario.server.cores as u64;
    series.finish(|_| cores);
    let ledgers = outcome
        .receivers
        .iter()
        .map(|r| ClientLedger {
            generated: r.counts.generated,
            delivered: r.counts.delivered,
            lost: r.counts.given_up,
            conflated: 0,
            in_flight: r.counts.in_flight,
        })
        .collect();
    let result = RunResult {
        label: variant.label.clone(),
        transport: variant.kind.name().to_string(),
        grpc_mode: None,
        seed: scenario.seed,
        clients: receivers,
        latency: outcome.latency.summary(),
        latency_cdf: outcome.latency.cdf(),
        first_response: None,
        blocked_streams: BlockedStreams {
            blocked: 0,
            still_blocked: 0,
            wait: None,
        },
        bytes_down_per_client_hour: BytesPerClientHour::from_window(bytes.down, receivers, window),
        bytes_up_per_client_hour: BytesPerClientHour::from_window(bytes.up, receivers, window),
        payload_efficiency: if all == 0 {
            0.0
        } else {
            fixed(
                (bytes.down.payload + bytes.up.payload) as f64 / all as f64,
                6,
            )
        },
        requests_per_second: fixed(outcome.requests_per_second(), 3),
        empty_response_share: None,
        polls_skipped: 0,
        peak_open_connections: outcome.peak_open_connections,
        cpu_utilisation: fixed(outcome.sender_utilisation, 6),
        mean_cpu_queueing_delay_ms: outcome.sender_queueing_delay as f64 / 1e6,
        peak_memory_bytes: outcome.peak_open_connections
            * scenario
                .server
                .costs
                .row(crate::infra::costs::ServerTransport::Webhook)
                .memory_per_connection,
        replicas: Vec::new(),
        proxies: Vec::new(),
        faults: Vec::new(),
        energy: Vec::new(),
        messages: None,
        fallback: None,
        sessions: None,
        serverless: None,
        history: None,
        imbalance: Imbalance {
            connections: 1.0,
            cpu: 1.0,
        },
        broker_messages: 0,
        disconnected_clients: 0,
        slow_consumers: SlowConsumers {
            dropped_messages: 0,
            disconnects: 0,
            peak_send_buffer_bytes: 0,
        },
        ledger: EventLedger {
            events: log.len() as u64,
            generated: total.generated,
            delivered: total.delivered,
            lost: total.given_up,
            in_flight: total.in_flight,
            conflated: 0,
            lost_by_reason: LostByReason {
                given_up: total.given_up,
                ..LostByReason::default()
            },
            out_of_order: total.out_of_order,
            duplicates: total.duplicates,
        },
        // The webhook model keeps its own per-pair outcomes and takes no opening mark.
        window_ledger: None,
        totals: WindowTotals {
            bytes,
            requests: total.requests_in_window,
            responses: 0,
            empty_responses: 0,
            connections_opened: total.connections_opened,
            proxy_closes: 0,
            lifetime_closes: 0,
            drain_closes: 0,
            age_closes: 0,
            refused: total.refusals,
            denied: 0,
            reconnects: 0,
            segments_sent: 0,
            retransmitted_segments: 0,
            packets_down: 0,
            packets_up: 0,
            idle_closes: 0,
            queued_at_end: Default::default(),
        },
        hops: hops(scenario, &outcome),
        webhooks: Some(WebhookResult {
            attempts_per_delivery: fixed(total.attempts_per_pair().unwrap_or(0.0), 4),
            delivering_attempt_mean: fixed(total.mean_delivering_attempt().unwrap_or(0.0), 4),
            delivering_attempt_max: total.max_delivering_attempt(),
            timeouts: total.timeouts,
            refusals: total.refusals,
            resets: total.resets,
            duplicates: total.duplicates,
            duplicate_share: fixed(total.duplicate_ratio().unwrap_or(0.0), 6),
            given_up: total.given_up,
            given_up_after_delivery: total.given_up_after_delivery,
            acknowledged: outcome.acknowledged_latency.summary(),
            receivers: outcome
                .receivers
                .iter()
                .map(|r| ReceiverResult {
                    name: r.name.clone(),
                    generated: r.counts.generated,
                    delivered: r.counts.delivered,
                    given_up: r.counts.given_up,
                    in_flight: r.counts.in_flight,
                    duplicates: r.counts.duplicates,
                    out_of_order: r.counts.out_of_order,
                    latency: r.latency.summary(),
                })
                .collect(),
        }),
        series,
        channels: Vec::new(),
        services: Vec::new(),
        sim_events: outcome.sim_events,
        stopped: outcome
            .stopped
            .as_ref()
            .map(crate::metrics::Stopped::from_stop),
    };
    Ok((result, ledgers))
}

/// Bytes per hop: each receiver's path, then each topology link with the bytes of the
/// receivers whose path crosses it.
fn hops(scenario: &Scenario, outcome: &webhook::WebhookOutcome) -> Vec<HopBytes> {
    let mut hops: Vec<HopBytes> = outcome
        .receivers
        .iter()
        .map(|r| HopBytes {
            hop: format!("receiver:{}", r.name),
            bytes: r.bytes,
            queue: None,
        })
        .collect();
    for (l, link) in scenario.topology_links.iter().enumerate() {
        let mut bytes = WireBytes::default();
        let mut crossed = false;
        for (spec, r) in scenario.receivers.iter().zip(&outcome.receivers) {
            if spec.path_links.contains(&(l as u32)) {
                crossed = true;
                bytes.down.add(r.bytes.down);
                bytes.up.add(r.bytes.up);
            }
        }
        if crossed {
            hops.push(HopBytes {
                hop: format!("link:{}-{}", link.from, link.to),
                bytes,
                queue: None,
            });
        }
    }
    hops
}

/// The webhook model's configuration for a variant of `scenario` whose sender has the
/// settings `sender`: the server's cores send, the scenario's TCP and TLS sizes apply (TLS
/// sessions are not resumed).
fn config(scenario: &Scenario, sender: &WebhookSpec) -> WebhookConfig {
    let receivers = scenario
        .receivers
        .iter()
        .map(|r| {
            let profile = &scenario.links[r.link.0 as usize];
            let params = |bits_per_second| LinkParams {
                bits_per_second,
                latency: profile.latency + r.path_latency,
                jitter: profile.jitter,
                loss_ppm: 0,
            };
            ReceiverConfig {
                name: r.name.clone(),
                link: [params(profile.down_bps), params(profile.up_bps)],
                capacity: r.capacity,
                service_time: r.service_time,
                downtime: r.downtime.clone(),
                response_loss_ppm: r.response_loss_ppm,
                keepalive_timeout: r.keepalive_timeout,
            }
        })
        .collect();
    WebhookConfig {
        sender: sender.clone(),
        tcp: scenario.tcp,
        tls_sizes: scenario.tls,
        sender_cores: scenario.server.cores,
        receivers,
        seed: scenario.seed,
        warmup: scenario.warmup,
        duration: scenario.duration,
    }
}
