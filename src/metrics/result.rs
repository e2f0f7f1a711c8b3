//! The result of one run of one transport variant: every number the reports show.

use serde::{Deserialize, Serialize};

use crate::net::wire::{LayerBytes, WireBytes};

/// Delivery latency (event creation to receipt by the client), milliseconds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LatencySummary {
    pub samples: u64,
    pub mean_ms: f64,
    pub p50_ms: f64,
    pub p90_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

/// Bytes per client per hour of one direction, by layer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BytesPerClientHour {
    pub payload: f64,
    pub framing: f64,
    pub tls: f64,
    pub tcpip: f64,
    pub retransmit: f64,
    pub total: f64,
}

impl BytesPerClientHour {
    pub fn from_window(bytes: LayerBytes, clients: u64, window_ns: u64) -> Self {
        let scale = 3600e9 / window_ns as f64 / clients.max(1) as f64;
        let per_hour = |b: u64| fixed(b as f64 * scale, 1);
        BytesPerClientHour {
            payload: per_hour(bytes.payload),
            framing: per_hour(bytes.framing),
            tls: per_hour(bytes.tls),
            tcpip: per_hour(bytes.tcpip),
            retransmit: per_hour(bytes.retransmit),
            total: per_hour(bytes.total()),
        }
    }
}

/// `value` rounded to `decimals` places, so reports do not carry floating-point noise
/// such as `1260823.2000000002` (the exact counts are in [`WindowTotals`]).
pub fn fixed(value: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    (value * scale).round() / scale
}

/// Webhook delivery: how the (event, receiver) pairs of events created within the window
/// fared.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WebhookResult {
    /// Attempts started per pair.
    pub attempts_per_delivery: f64,
    /// The attempt that first reached the receiver: mean and largest number.
    pub delivering_attempt_mean: f64,
    pub delivering_attempt_max: u32,
    /// Attempts that failed: no response within the timeout; a refused SYN; a reset of
    /// an open connection (an outage began).
    pub timeouts: u64,
    pub refusals: u64,
    pub resets: u64,
    /// Processings beyond each pair's first, and their share of the deliveries.
    pub duplicates: u64,
    pub duplicate_share: f64,
    /// Pairs the sender gave up on: never processed (lost), or processed though the
    /// sender never heard back.
    pub given_up: u64,
    pub given_up_after_delivery: u64,
    /// From an event's creation to the sender's receiving a response.
    pub acknowledged: Option<LatencySummary>,
    pub receivers: Vec<ReceiverResult>,
}

/// One webhook receiver's ledger and latency.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReceiverResult {
    pub name: String,
    pub generated: u64,
    pub delivered: u64,
    pub given_up: u64,
    pub in_flight: u64,
    pub duplicates: u64,
    pub out_of_order: u64,
    pub latency: Option<LatencySummary>,
}

/// Where the clients of a variant with a fallback chain ended: on its own transport, or
/// on each step of the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FallbackResult {
    /// The variant's own transport (`websocket`) and the clients still on it.
    pub primary: String,
    pub on_primary: u64,
    /// Clients on any step of the chain, and on each.
    pub on_fallback: u64,
    pub steps: Vec<FallbackCount>,
}

/// Clients that ended on one step of a fallback chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FallbackCount {
    pub transport: String,
    pub clients: u64,
}

/// Long-polling sessions held on one replica (`long_polling.session`, a `websocket`
/// variant's long-polling fallback), within the window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionResult {
    /// Requests that reached a replica not holding their session (answered `400 Session
    /// ID unknown`).
    pub missed_requests: u64,
    /// Handshakes that opened a new session after a miss.
    pub handshakes: u64,
    /// Events lost to the misses (the ledger's `lost_by_reason.session`, whole run).
    pub events_lost: u64,
}

/// A serverless server's invocations (`server.kind: serverless`), within the window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServerlessResult {
    /// Invocations started (cold and warm): one per request reaching the function.
    pub invocations: u64,
    /// Invocations that started a new instance.
    pub cold_starts: u64,
    /// Invocations on an idle warm instance.
    pub warm_starts: u64,
    /// Requests refused at the concurrency limit (`429`; also among `refused`).
    pub throttled: u64,
    /// Invocations in progress at once, at most (whole run).
    pub peak_concurrency: u32,
    /// Long polls answered at `max_duration` (their hold was longer).
    pub cut_long_polls: u64,
    /// Streams closed at `max_duration` (the client reconnects).
    pub cut_streams: u64,
    /// The invocations' duration, each rounded up to 1 ms (what Lambda bills), seconds.
    pub billed_seconds: f64,
    /// A WebSocket variant through a managed gateway (`websocket.gateway: true` on
    /// `server.kind: serverless`) only: what the gateway carried.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gateway: Option<GatewayResult>,
}

/// What a managed WebSocket gateway carried within the window. Its invocations
/// (`$connect`, each push's sender, each client message's route, `$disconnect`) are among
/// the [`ServerlessResult`]'s.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GatewayResult {
    /// Data messages both ways: pushes sent to clients and clients' messages (billed).
    pub messages: u64,
    /// Connections opened (`$connect` answered).
    pub connects: u64,
    /// Connections closed (`$disconnect` run), whatever closed them.
    pub disconnects: u64,
    /// The connections' time inside the window, minutes (billed).
    pub connection_minutes: f64,
    /// Connections closed after the idle timeout without a message.
    pub idle_closes: u64,
    /// Connections closed at the maximum connection duration.
    pub duration_closes: u64,
}

/// History over REST (`rest.history`), over the whole run (first connects come early).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryResult {
    /// History answers received.
    pub fetches: u64,
    /// Events fetched that came before the client subscribed (outside the ledger).
    pub events_fetched: u64,
    /// Missed events delivered over REST after a reconnect (in the ledger's delivered).
    pub events_recovered: u64,
    /// From the stream's opening at the client to its history's arrival.
    pub latency: Option<LatencySummary>,
}

/// The clients' messages of a two-way workload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MessageResult {
    /// Messages the clients wrote during the run: each was published by the server, lost
    /// (in a crashed replica, or on a stream that died), or still on its way at the end.
    pub written: u64,
    pub published: u64,
    pub lost: u64,
    pub in_flight: u64,
    /// From a client's writing a message to the server's publishing it (messages written
    /// within the window).
    pub to_server: Option<LatencySummary>,
    /// From a client's writing a message to another client's receiving it.
    pub end_to_end: Option<LatencySummary>,
    /// Bytes on the wire per message written within the window, all layers: the uploads
    /// (the frame or the request with its headers); over REST also the answers,
    /// handshakes, ACKs and closes of the REST connections.
    pub bytes_up_per_message: f64,
    pub bytes_down_per_message: f64,
}

/// Every generated (event, client) pair is delivered, lost, conflated or still in flight at
/// the end.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventLedger {
    /// Events created during the run.
    pub events: u64,
    /// (event, client) pairs: each event is generated for every client subscribed then.
    pub generated: u64,
    pub delivered: u64,
    /// Never delivered, for one of the reasons in `lost_by_reason`.
    pub lost: u64,
    /// Waiting at the server, in a CPU job or on the wire when the run ended.
    pub in_flight: u64,
    /// Replaced, while waiting at the server, by a newer event of the same topic that the
    /// client got instead (`conflate: per_topic`, issue 20): neither delivered nor lost.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub conflated: u64,
    pub lost_by_reason: LostByReason,
    /// Deliveries of an event after a later one had reached the same client.
    pub out_of_order: u64,
    /// Deliveries of an event that had already reached the same client. (They would also
    /// break generated = delivered + lost + in flight.)
    pub duplicates: u64,
}

/// Lost (event, client) pairs by reason; they add up to the ledger's `lost`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LostByReason {
    /// The client's replica never received the event (no broker).
    pub no_broker: u64,
    /// Dropped from a full send buffer (`drop_oldest`).
    pub slow_consumer: u64,
    /// Sent while a WebSocket client without replay was away (or still away at the end).
    pub outage: u64,
    /// Older than the SSE replay buffer reached when the client came back.
    pub replay_buffer: u64,
    /// Waiting for a client that will never reconnect.
    pub disconnected: u64,
    /// A webhook sender gave up (its retry schedule ran out) and the receiver never had it.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub given_up: u64,
    /// Still in a push job or send buffer when its stream ended, behind a later event the
    /// client had already been sent (or lost): the stream resumes after that later one.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub overtaken: u64,
    /// For a client that never connected (refused, its handshake failed, a proxy denied
    /// it, ...): every event for it since it started (issue 18).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub never_connected: u64,
    /// Published between a long-polling client's last answer and its new session, after
    /// a request reached a replica that did not hold its session (no replay).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub session: u64,
}

pub(crate) fn is_zero(value: &u64) -> bool {
    *value == 0
}

impl LostByReason {
    pub fn total(&self) -> u64 {
        self.no_broker
            + self.slow_consumer
            + self.outage
            + self.replay_buffer
            + self.disconnected
            + self.given_up
            + self.overtaken
            + self.never_connected
            + self.session
    }

    /// The losses since `earlier` (a count of the same run, taken before), reason by
    /// reason; saturating, as counts that only grow never need it.
    pub fn since(&self, earlier: &LostByReason) -> LostByReason {
        LostByReason {
            no_broker: self.no_broker.saturating_sub(earlier.no_broker),
            slow_consumer: self.slow_consumer.saturating_sub(earlier.slow_consumer),
            outage: self.outage.saturating_sub(earlier.outage),
            replay_buffer: self.replay_buffer.saturating_sub(earlier.replay_buffer),
            disconnected: self.disconnected.saturating_sub(earlier.disconnected),
            given_up: self.given_up.saturating_sub(earlier.given_up),
            overtaken: self.overtaken.saturating_sub(earlier.overtaken),
            never_connected: self.never_connected.saturating_sub(earlier.never_connected),
            session: self.session.saturating_sub(earlier.session),
        }
    }
}

/// The mobile radios of one client group: their energy over the whole run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupEnergy {
    pub group: String,
    /// `lte`, `3g` or `wifi`; after network switches, each one used, in order (`wifi, lte`).
    pub technology: String,
    /// Joules per device per hour of the run.
    pub joules_per_client_hour: f64,
    /// Share of the devices' time out of idle (promotion, active, tail, FACH).
    pub high_power_share: f64,
    /// Time and energy per radio state, summed over the group's devices.
    pub report: crate::energy::RadioReport,
}

impl GroupEnergy {
    /// Group `group`'s energy over a run ending at `end`, from its devices' summed
    /// `report`; `technologies` are the radio technologies its devices used, in order.
    pub fn new(
        group: String,
        technologies: &[&str],
        report: crate::energy::RadioReport,
        end: crate::time::Nanos,
    ) -> Self {
        GroupEnergy {
            group,
            technology: technologies.join(", "),
            joules_per_client_hour: fixed(report.joules_per_client_hour(end), 6),
            high_power_share: fixed(report.high_power_share, 6),
            report,
        }
    }
}

/// One scheduled fault and the recovery from it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FaultResult {
    pub at_s: f64,
    /// What happened, in words.
    pub fault: String,
    /// Clients whose connection, request or stream the fault cut.
    pub clients_affected: u64,
    /// Of those, clients connected again by the end (a stream open again, or a response
    /// received).
    pub clients_recovered: u64,
    /// Seconds from the fault until 99% of the affected clients were connected again;
    /// `null` if that never happened.
    pub recovered_after_s: Option<f64>,
    /// The most new connections in one second, from the fault's second on.
    pub peak_new_connections_per_s: u64,
    /// The busiest second's CPU utilisation (over the cores in service), from the fault on.
    pub peak_cpu_utilisation: f64,
    /// Seconds from the fault on with CPU utilisation of 95% or more.
    pub seconds_cpu_saturated: u64,
}

/// Raw counts of the measurement window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct WindowTotals {
    /// Bytes sent within the window, by direction and layer.
    pub bytes: WireBytes,
    /// HTTP requests that reached the server.
    pub requests: u64,
    /// Complete HTTP responses sent (polling and long polling).
    pub responses: u64,
    /// Of those, responses without events.
    pub empty_responses: u64,
    /// TCP connections opened.
    pub connections_opened: u64,
    /// Connections a proxy closed after its idle timeout.
    pub proxy_closes: u64,
    /// Connections a proxy closed at its maximum lifetime.
    pub lifetime_closes: u64,
    /// Connections closed when their replica's drain period ended (scale-in).
    pub drain_closes: u64,
    /// Connections the server closed at their maximum age (gRPC `max_connection_age`).
    pub age_closes: u64,
    /// Connection attempts refused (a proxy or replica at its limit) and requests a layer-7
    /// balancer answered `503` (every replica at its limit).
    pub refused: u64,
    /// WebSocket upgrades a proxy denied.
    pub denied: u64,
    /// Requests sent anew after a lost connection (SSE reconnects, long-poll retries).
    pub reconnects: u64,
    /// Segments sent the first time (not pure ACKs), both directions.
    pub segments_sent: u64,
    /// Segments retransmitted after a loss, both directions.
    pub retransmitted_segments: u64,
    /// IP packets sent towards the clients: every segment (data, retransmissions, SYN-ACK,
    /// the FIN exchange's) and every pure ACK.
    #[serde(default)]
    pub packets_down: u64,
    /// IP packets sent towards the server, counted as `packets_down` (the SYN, the
    /// handshake's last ACK, requests, and the ACKs of what came down).
    #[serde(default)]
    pub packets_up: u64,
    /// Connections the server closed after its keep-alive idle timeout.
    pub idle_closes: u64,
    /// Bytes not yet carried when the run ended, by direction: still to serialize on the
    /// access links, or waiting in the server's send buffers (bytes count as the link
    /// carries them, so these are in no window total). Written only when not 0.
    #[serde(default, skip_serializing_if = "QueuedBytes::is_empty")]
    pub queued_at_end: QueuedBytes,
}

/// Bytes still queued when a run ends, by direction.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueuedBytes {
    pub down: u64,
    pub up: u64,
}

impl QueuedBytes {
    fn is_empty(&self) -> bool {
        self.down == 0 && self.up == 0
    }
}

/// Tabs whose stream had to wait for an HTTP/1.1 connection (the browser's per-origin limit).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BlockedStreams {
    /// Tabs that had to wait, over the whole run.
    pub blocked: u64,
    /// Of those, tabs still waiting when the run ended.
    pub still_blocked: u64,
    /// How long they waited; a tab still waiting counts until the end of the run.
    pub wait: Option<LatencySummary>,
}

/// One server replica's load.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReplicaResult {
    pub replica: u32,
    /// Open connections (layer 4) or active requests and streams (layer 7) at the end.
    pub connections_at_end: u64,
    pub peak_connections: u64,
    /// Requests it handled within the window.
    pub requests: u64,
    /// CPU utilisation over the window (0 before it entered service).
    pub cpu_utilisation: f64,
    /// CPU utilisation since the last scale step: the period the imbalance compares.
    pub cpu_since_last_scale: f64,
    pub mean_cpu_queueing_delay_ms: f64,
    pub peak_memory_bytes: u64,
}

/// One proxy: the connections through it and what it did to them. A close, refusal or
/// denial is credited to the proxy that caused it (the one with the shortest idle timeout
/// or lifetime on the path; the balancer's idle closes go to no proxy).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProxyResult {
    pub proxy: String,
    /// Client connections open through it at the end, and at most.
    pub connections_at_end: u64,
    pub peak_connections: u64,
    /// HTTP requests (and WebSocket upgrades) through it per second of the window.
    pub requests_per_second: f64,
    /// Within the window: connections it closed at its idle timeout and its maximum
    /// lifetime, connections it refused at its capacity, upgrades it denied.
    pub idle_closes: u64,
    pub lifetime_closes: u64,
    pub refused: u64,
    pub denied: u64,
    /// The most response bytes it held at once for buffering (all connections).
    pub peak_buffered_bytes: u64,
}

/// How unevenly the replicas in service at the end share the load: max / mean.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Imbalance {
    pub connections: f64,
    pub cpu: f64,
}

/// Slow consumers: what the streams' send buffers did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlowConsumers {
    /// Messages dropped from full send buffers (`drop_oldest`).
    pub dropped_messages: u64,
    /// Streams disconnected for a full send buffer (`disconnect`).
    pub disconnects: u64,
    /// The largest send buffer of any stream.
    pub peak_send_buffer_bytes: u64,
}

/// Bytes that crossed one hop.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HopBytes {
    pub hop: String,
    pub bytes: WireBytes,
    /// A shared topology link's queue over the window, toward the clients then toward the
    /// servers; absent for the other hops.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue: Option<[HopQueue; 2]>,
}

/// One direction of a shared link over the measurement window: the messages that entered
/// it then ([`crate::net::shared_link`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct HopQueue {
    pub messages: u64,
    /// Bytes it carried, and the segments and bytes its full buffer dropped (resent after
    /// TCP's retransmission timeout).
    pub bytes: u64,
    pub dropped_segments: u64,
    pub dropped_bytes: u64,
    /// Time a message waited behind others: mean and maximum, nanoseconds.
    pub queueing_mean_ns: u64,
    pub queueing_max_ns: u64,
    /// The most bytes its buffer held.
    pub peak_backlog_bytes: u64,
}

impl From<&crate::net::shared_link::SharedCounters> for HopQueue {
    fn from(c: &crate::net::shared_link::SharedCounters) -> Self {
        HopQueue {
            messages: c.messages,
            bytes: c.bytes,
            dropped_segments: c.dropped_segments,
            dropped_bytes: c.dropped_bytes,
            queueing_mean_ns: c
                .queueing_total
                .checked_div(u128::from(c.messages))
                .map_or(0, |m| m as u64),
            queueing_max_ns: c.queueing_max,
            peak_backlog_bytes: c.peak_backlog,
        }
    }
}

/// Per-client ledger at the end of a run: (event, client) pairs generated for the client,
/// delivered to it, and in flight.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ClientLedger {
    pub generated: u64,
    pub delivered: u64,
    pub lost: u64,
    /// Replaced by a newer event of the same topic before it was sent (issue 20).
    pub conflated: u64,
    pub in_flight: u64,
}

impl ClientLedger {
    /// Whether generated = delivered + lost + conflated + in flight.
    pub fn balances(&self) -> bool {
        Some(self.generated)
            == self
                .delivered
                .checked_add(self.lost)
                .and_then(|n| n.checked_add(self.conflated))
                .and_then(|n| n.checked_add(self.in_flight))
    }
}

/// One transport variant's results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunResult {
    pub label: String,
    pub transport: String,
    /// The gRPC call, for gRPC variants.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grpc_mode: Option<crate::net::grpc::GrpcMode>,
    pub seed: u64,
    pub clients: u64,
    /// Latency of events created within the measurement window.
    pub latency: Option<LatencySummary>,
    /// Its distribution: (quantile, milliseconds) at every percent, 99.5%, 99.9% and 100%.
    pub latency_cdf: Vec<(f64, f64)>,
    /// From opening a connection to its first response or stream start (TCP and TLS
    /// handshakes, the request, the server's handling), over every connection of the run.
    pub first_response: Option<LatencySummary>,
    /// Streams blocked by the browser's connection limit.
    pub blocked_streams: BlockedStreams,
    pub bytes_down_per_client_hour: BytesPerClientHour,
    pub bytes_up_per_client_hour: BytesPerClientHour,
    /// Payload bytes / all bytes, both directions.
    pub payload_efficiency: f64,
    /// HTTP requests arriving at the server per second (polls, long-poll requests, SSE
    /// subscribes, WebSocket upgrades).
    pub requests_per_second: f64,
    /// Share of responses that carried no event (polling and long polling only).
    pub empty_response_share: Option<f64>,
    /// Poll ticks skipped because the previous poll was still outstanding.
    pub polls_skipped: u64,
    pub peak_open_connections: u64,
    pub cpu_utilisation: f64,
    pub mean_cpu_queueing_delay_ms: f64,
    pub peak_memory_bytes: u64,
    /// Each replica ever in service.
    pub replicas: Vec<ReplicaResult>,
    /// Each proxy of the scenario, in scenario order (empty without proxies).
    pub proxies: Vec<ProxyResult>,
    /// Each scheduled fault, in time order (empty without faults).
    pub faults: Vec<FaultResult>,
    /// Per client group on a link with a mobile radio (empty without any).
    pub energy: Vec<GroupEnergy>,
    /// The clients' messages, in a two-way workload.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub messages: Option<MessageResult>,
    /// History over REST, when the scenario fetches it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub history: Option<HistoryResult>,
    /// Clients per final transport, for variants with a fallback.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fallback: Option<FallbackResult>,
    /// Session state on the replicas (a step with sessions only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sessions: Option<SessionResult>,
    /// A serverless server's invocations (`server.kind: serverless` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serverless: Option<ServerlessResult>,
    /// Webhook delivery, for webhook variants.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webhooks: Option<WebhookResult>,
    pub imbalance: Imbalance,
    /// Broker messages within the window (one per event per replica with subscribers).
    pub broker_messages: u64,
    /// Clients left without a connection at the end (WebSocket has no built-in reconnect).
    pub disconnected_clients: u64,
    pub slow_consumers: SlowConsumers,
    /// The whole run's ledger: every (event, client) pair of the run.
    pub ledger: EventLedger,
    /// The measurement window's ledger, counted as its bytes are (what happened within
    /// `[warmup, duration)`, see [`crate::metrics::ledger`]); absent from results written
    /// before issue 18.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window_ledger: Option<crate::metrics::ledger::WindowLedger>,
    /// Raw counts of the measurement window, all clients together.
    pub totals: WindowTotals,
    /// Bytes per hop of the path (for now each client group's access link, named
    /// `access:<profile>`), by direction and layer, within the window.
    pub hops: Vec<HopBytes>,
    /// Per channel, in the scenario's order, for a variant of several channels (absent for
    /// one transport).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub channels: Vec<super::channels::ChannelResult>,
    /// Per internal service tier, in name order (absent without `services:`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub services: Vec<super::services::ServiceResult>,
    /// What happened each simulated second (written to series.json, not summary.json).
    #[serde(skip)]
    pub series: super::series::TimeSeries,
    /// Simulation events handled (a measure of the run's cost, not of the system).
    pub sim_events: u64,
    /// Why the run stopped before the scenario's end; absent for a complete run. The figures
    /// of a stopped run count what happened up to `simulated_s`; its rates (per second, per
    /// client-hour, utilisation) are still over the scenario's whole window, so they are
    /// understated: compare only complete runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stopped: Option<Stopped>,
}

/// A run that stopped before the scenario's end (see [`RunResult::stopped`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stopped {
    pub reason: crate::engine::StopReason,
    /// Simulated time reached, in seconds.
    pub simulated_s: f64,
    /// What happened, in a sentence (the load and capacity of a saturated server, the limit
    /// reached).
    pub detail: String,
}

impl Stopped {
    pub fn from_stop(stop: &crate::engine::Stop) -> Self {
        Stopped {
            reason: stop.reason,
            simulated_s: fixed(stop.at.as_nanos() as f64 / 1e9, 3),
            detail: stop.detail.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::energy::RadioReport;

    #[test]
    fn a_groups_energy_per_device_hour_by_hand() {
        let report = RadioReport {
            radios: 4,
            joules: 36.0,
            high_power_share: 0.123_456_789,
            ..RadioReport::default()
        };
        // 36 J over 4 devices and half an hour: 18 J per device per hour.
        let half_hour = 1_800_000_000_000;
        let energy = GroupEnergy::new("mobile".into(), &["wifi", "lte"], report, half_hour);
        assert_eq!(energy.group, "mobile");
        assert_eq!(energy.technology, "wifi, lte");
        assert_eq!(energy.joules_per_client_hour, 18.0);
        assert_eq!(energy.high_power_share, 0.123457, "six decimals");
        assert_eq!(energy.report.radios, 4);
    }
}
