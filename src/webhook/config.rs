//! What a webhook run is given: the sender's settings ([`WebhookSpec`], the one validated
//! form of a scenario's `webhook` block), the receivers and the run's window, in integer
//! units (nanoseconds, bytes), with documented defaults.
//!
//! Contract: the scenario's validation (`scenario/webhook.rs` and its neighbours) checks
//! every setting with its YAML location before a run, so a [`WebhookConfig`] built from a
//! scenario is valid. Only the limit on events × receivers depends on the event log and is
//! checked when the run starts ([`WebhookConfig::validate`]).

use super::retry::RetrySchedule;
use crate::engine::rng;
use crate::infra::server;
use crate::net::link::LinkParams;
use crate::net::tcp::TcpParams;
use crate::net::tls::{self, TlsSizes, TlsVersion};
use crate::time::{Nanos, SimTime};

const MS: Nanos = 1_000_000;
const SECOND: Nanos = 1_000 * MS;

/// Default response timeout per attempt: GitHub documents that it expects a webhook's 2XX
/// response within 10 s; many senders use the same order of magnitude.
pub const DEFAULT_TIMEOUT: Nanos = 10 * SECOND;
/// Default request line and headers of a webhook POST: Host, User-Agent, Content-Type,
/// Content-Length, an event type, a delivery id and a signature header come to roughly
/// 600-800 bytes in the wild.
pub const DEFAULT_REQUEST_HEADERS: u64 = 700;
/// Default whole response: `HTTP/1.1 200 OK`, Date, Content-Length, Content-Type and a
/// tiny body.
pub const DEFAULT_RESPONSE_BYTES: u64 = 150;
/// Default CPU the sender spends per attempt (serialising and signing the body, the HTTP
/// client's work; TLS crypto of new connections included).
pub const DEFAULT_SEND_COST: Nanos = 50_000;
/// Default cores of the sender.
pub const DEFAULT_SENDER_CORES: u32 = 4;
/// Default requests a receiver processes at once.
pub const DEFAULT_CAPACITY: u32 = 16;
/// Default processing time of one request at a receiver.
pub const DEFAULT_SERVICE_TIME: Nanos = 5 * MS;

/// Limit on (event, receiver) pairs in one run: pair and connection ids travel through the
/// event queue in 26 bits (see `event.rs`). Live connections never outnumber pairs.
pub const MAX_PAIRS: u64 = 1 << 26;

/// The sender's settings of a webhook variant: the HTTP client, the retry policy and the
/// sizes. Built once, validated, from a scenario's `webhook` block; the scenario's
/// `TransportKind::Webhook` carries it and the run reads it as it is.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct WebhookSpec {
    /// Time the sender waits for a response, per attempt, counted from the moment the
    /// attempt starts using the network (its SYN, or its POST on a reused connection):
    /// the handshakes count toward it, as with a total request deadline (Go's
    /// `http.Client.Timeout`). Above 0. Default [`DEFAULT_TIMEOUT`] (10 s).
    pub timeout: Nanos,
    /// When failed attempts are retried and when the sender gives up.
    /// Default [`RetrySchedule::default`].
    pub retry: RetrySchedule,
    /// Keep connections open after a response and reuse them (an HTTP/1.1 keep-alive pool
    /// per receiver, most recently used first); otherwise every attempt opens a new TCP
    /// (and TLS) connection and closes it after the response. Default true.
    pub reuse_connections: bool,
    /// Bytes of the POST's request line and headers (framing). Default
    /// [`DEFAULT_REQUEST_HEADERS`].
    pub request_headers: u64,
    /// Bytes of the receiver's whole response: status line, headers and small body
    /// (framing). Default [`DEFAULT_RESPONSE_BYTES`]. Serialized as `response`, its key in
    /// the scenario.
    #[serde(rename = "response")]
    pub response_bytes: u64,
    /// CPU time per attempt at the sender, spent before the attempt touches the network.
    /// Default [`DEFAULT_SEND_COST`]. Serialized as `cost`, its key in the scenario.
    #[serde(rename = "cost")]
    pub send_cost: Nanos,
    /// TLS version of every connection. Default 1.3.
    pub tls: TlsVersion,
}

impl Default for WebhookSpec {
    fn default() -> Self {
        WebhookSpec {
            timeout: DEFAULT_TIMEOUT,
            retry: RetrySchedule::default(),
            reuse_connections: true,
            request_headers: DEFAULT_REQUEST_HEADERS,
            response_bytes: DEFAULT_RESPONSE_BYTES,
            send_cost: DEFAULT_SEND_COST,
            tls: TlsVersion::V1_3,
        }
    }
}

/// Everything one webhook run needs besides the event log.
#[derive(Debug, Clone)]
pub struct WebhookConfig {
    /// The sender's settings. Default [`WebhookSpec::default`].
    pub sender: WebhookSpec,
    /// Segment size and header sizes. Default [`TcpParams::default`], as in scenarios.
    pub tcp: TcpParams,
    /// Sizes of the TLS handshake's first flights (resumption is not modelled: every
    /// handshake is full). Defaults as in scenarios.
    pub tls_sizes: TlsSizes,
    /// Cores of the sender's CPU. Default [`DEFAULT_SENDER_CORES`].
    pub sender_cores: u32,
    /// The endpoints every event is posted to; names must be unique (they name the
    /// random streams).
    pub receivers: Vec<ReceiverConfig>,
    /// Master seed of the run's random streams. Default [`rng::DEFAULT_SEED`].
    pub seed: u64,
    /// Start of the measurement window. Default 0.
    pub warmup: Nanos,
    /// End of the run and of the measurement window. Default 1 hour.
    pub duration: Nanos,
}

/// One receiving endpoint.
#[derive(Debug, Clone)]
pub struct ReceiverConfig {
    /// Unique name; names the receiver's random streams and its outcome row.
    pub name: String,
    /// The path between sender and receiver by [`crate::net::wire::Direction::index`]:
    /// `Down` (0) carries sender → receiver, `Up` (1) receiver → sender. Bandwidth,
    /// one-way latency and jitter are used; `loss_ppm` must be 0 (segment loss is not
    /// modelled here; use `response_loss_ppm`).
    pub link: [LinkParams; 2],
    /// Requests processed at once (workers); more wait in a FIFO queue without limit.
    /// Default [`DEFAULT_CAPACITY`].
    pub capacity: u32,
    /// Processing time of one request. Default [`DEFAULT_SERVICE_TIME`].
    pub service_time: Nanos,
    /// Outages as `[start, end)`, in time order and not overlapping. While down, SYNs are
    /// refused with a reset; at an outage's start every connection is reset and requests
    /// queued or in service are lost unprocessed. Default none.
    pub downtime: Vec<(Nanos, Nanos)>,
    /// Share of responses lost after the receiver processed the event, parts per million:
    /// the connection breaks silently and the sender's timeout fires. Default 0.
    pub response_loss_ppm: u32,
    /// The receiver closes a keep-alive connection idle this long (counted from the
    /// response's arrival at the sender, which then never picks a connection about to
    /// close); `None`: never. Default [`server::DEFAULT_KEEPALIVE_TIMEOUT`] (nginx's 75 s).
    pub keepalive_timeout: Option<Nanos>,
}

impl ReceiverConfig {
    /// A receiver named `name` behind `link`, with the defaults above.
    pub fn new(name: impl Into<String>, link: [LinkParams; 2]) -> Self {
        ReceiverConfig {
            name: name.into(),
            link,
            capacity: DEFAULT_CAPACITY,
            service_time: DEFAULT_SERVICE_TIME,
            downtime: Vec::new(),
            response_loss_ppm: 0,
            keepalive_timeout: Some(server::DEFAULT_KEEPALIVE_TIMEOUT),
        }
    }
}

impl WebhookConfig {
    /// A configuration posting to `receivers`, with every other field at its default.
    pub fn new(receivers: Vec<ReceiverConfig>) -> Self {
        WebhookConfig {
            sender: WebhookSpec::default(),
            tcp: TcpParams::default(),
            tls_sizes: TlsSizes {
                client_hello: tls::DEFAULT_CLIENT_HELLO,
                server_hello: tls::DEFAULT_SERVER_HELLO,
                resumption: false,
                resumed_server_hello: tls::DEFAULT_RESUMED_SERVER_HELLO,
            },
            sender_cores: DEFAULT_SENDER_CORES,
            receivers,
            seed: rng::DEFAULT_SEED,
            warmup: 0,
            duration: 3_600 * SECOND,
        }
    }

    /// Whether `time` lies in the measurement window `[warmup, duration)`.
    pub fn in_window(&self, time: SimTime) -> bool {
        (self.warmup..self.duration).contains(&time.as_nanos())
    }

    /// Checks the one thing the scenario's validation cannot know: that the `events` of
    /// the event log times the receivers fit [`MAX_PAIRS`]. Everything else this model
    /// relies on (a window, a segment size, cores, a timeout, a retry schedule that ends,
    /// receivers with unique names, capacity, bandwidth, no segment loss, outages in order)
    /// is checked with its location when the scenario is read; see the module's contract.
    pub fn validate(&self, events: usize) -> Result<(), String> {
        let pairs = events as u64 * self.receivers.len() as u64;
        if pairs > MAX_PAIRS {
            return Err(format!(
                "{events} events x {} receivers = {pairs} deliveries; at most {MAX_PAIRS} fit one run",
                self.receivers.len()
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link() -> [LinkParams; 2] {
        let params = LinkParams {
            bits_per_second: 1_000_000_000,
            latency: MS,
            jitter: 0,
            loss_ppm: 0,
        };
        [params, params]
    }

    #[test]
    fn defaults_validate_and_too_many_deliveries_are_refused() {
        let config = WebhookConfig::new(vec![ReceiverConfig::new("a", link())]);
        assert_eq!(config.validate(10), Ok(()));
        assert_eq!(config.validate(MAX_PAIRS as usize), Ok(()));
        assert_eq!(
            config.validate(MAX_PAIRS as usize + 1),
            Err(format!(
                "{} events x 1 receivers = {} deliveries; at most {MAX_PAIRS} fit one run",
                MAX_PAIRS + 1,
                MAX_PAIRS + 1
            ))
        );
    }
}
