//! What a webhook run is given: the sender's HTTP client settings, the retry policy and the
//! receivers, in integer units (nanoseconds, bytes), with documented defaults and a
//! validation that turns every impossible setting into an error instead of a panic.

use super::retry::RetrySchedule;
use crate::engine::rng;
use crate::infra::server;
use crate::net::link::LinkParams;
use crate::net::tcp::TcpParams;
use crate::net::tls::{self, TlsSizes, TlsVersion};
use crate::time::Nanos;

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

/// Everything one webhook run needs besides the event log.
#[derive(Debug, Clone)]
pub struct WebhookConfig {
    /// Time the sender waits for a response, per attempt, counted from the moment the
    /// attempt starts using the network (its SYN, or its POST on a reused connection):
    /// the handshakes count toward it, as with a total request deadline (Go's
    /// `http.Client.Timeout`). Default [`DEFAULT_TIMEOUT`] (10 s).
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
    /// (framing). Default [`DEFAULT_RESPONSE_BYTES`].
    pub response_bytes: u64,
    /// TLS version of every connection. Default 1.3.
    pub tls: TlsVersion,
    /// Segment size and header sizes. Default [`TcpParams::default`], as in scenarios.
    pub tcp: TcpParams,
    /// Sizes of the TLS handshake's first flights (resumption is not modelled: every
    /// handshake is full). Defaults as in scenarios.
    pub tls_sizes: TlsSizes,
    /// Cores of the sender's CPU. Default [`DEFAULT_SENDER_CORES`].
    pub sender_cores: u32,
    /// CPU time per attempt at the sender, spent before the attempt touches the network.
    /// Default [`DEFAULT_SEND_COST`].
    pub send_cost: Nanos,
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
            timeout: DEFAULT_TIMEOUT,
            retry: RetrySchedule::default(),
            reuse_connections: true,
            request_headers: DEFAULT_REQUEST_HEADERS,
            response_bytes: DEFAULT_RESPONSE_BYTES,
            tls: TlsVersion::V1_3,
            tcp: TcpParams::default(),
            tls_sizes: TlsSizes {
                client_hello: tls::DEFAULT_CLIENT_HELLO,
                server_hello: tls::DEFAULT_SERVER_HELLO,
                resumption: false,
                resumed_server_hello: tls::DEFAULT_RESUMED_SERVER_HELLO,
            },
            sender_cores: DEFAULT_SENDER_CORES,
            send_cost: DEFAULT_SEND_COST,
            receivers,
            seed: rng::DEFAULT_SEED,
            warmup: 0,
            duration: 3_600 * SECOND,
        }
    }

    /// Whether `time` lies in the measurement window `[warmup, duration)`.
    pub fn in_window(&self, time: Nanos) -> bool {
        time >= self.warmup && time < self.duration
    }

    /// Checks what the model relies on; `events` is the length of the event log.
    pub fn validate(&self, events: usize) -> Result<(), String> {
        if self.warmup >= self.duration {
            return Err(format!(
                "warmup ({} ns) must be shorter than duration ({} ns)",
                self.warmup, self.duration
            ));
        }
        if self.tcp.mss == 0 {
            return Err("tcp.mss must be at least 1 byte".into());
        }
        if self.sender_cores == 0 {
            return Err("sender_cores must be at least 1".into());
        }
        if self.timeout == 0 {
            return Err("timeout must be longer than 0".into());
        }
        self.retry.validate()?;
        let pairs = events as u64 * self.receivers.len() as u64;
        if pairs > MAX_PAIRS {
            return Err(format!(
                "{events} events x {} receivers = {pairs} deliveries; at most {MAX_PAIRS} fit one run",
                self.receivers.len()
            ));
        }
        for (i, receiver) in self.receivers.iter().enumerate() {
            if self.receivers[..i].iter().any(|r| r.name == receiver.name) {
                return Err(format!("receiver name \"{}\" is used twice", receiver.name));
            }
            receiver
                .validate()
                .map_err(|e| format!("receiver \"{}\": {e}", receiver.name))?;
        }
        Ok(())
    }
}

impl ReceiverConfig {
    fn validate(&self) -> Result<(), String> {
        if self.capacity == 0 {
            return Err("capacity must be at least 1".into());
        }
        for (direction, link) in ["down", "up"].iter().zip(&self.link) {
            if link.bits_per_second == 0 {
                return Err(format!("the {direction} link needs a bandwidth above 0"));
            }
            if link.loss_ppm != 0 {
                return Err(format!(
                    "the {direction} link has loss_ppm {}; segment loss is not modelled for \
                     webhooks (use response_loss_ppm)",
                    link.loss_ppm
                ));
            }
        }
        if self.response_loss_ppm > 1_000_000 {
            return Err(format!(
                "response_loss_ppm {} exceeds 1000000 (100 %)",
                self.response_loss_ppm
            ));
        }
        let mut previous_end = 0;
        for (i, (start, end)) in self.downtime.iter().enumerate() {
            if start >= end {
                return Err(format!(
                    "downtime {i} is empty or reversed ({start}..{end} ns)"
                ));
            }
            if i > 0 && *start < previous_end {
                return Err(format!(
                    "downtime {i} starts before the previous one ends; expected windows in \
                     time order, not overlapping"
                ));
            }
            previous_end = *end;
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
    fn defaults_validate_and_mistakes_are_named() {
        let config = WebhookConfig::new(vec![ReceiverConfig::new("a", link())]);
        assert_eq!(config.validate(10), Ok(()));

        let mut twice = config.clone();
        twice.receivers.push(ReceiverConfig::new("a", link()));
        assert!(twice.validate(10).unwrap_err().contains("used twice"));

        let mut overlapping = config.clone();
        overlapping.receivers[0].downtime = vec![(10, 20), (15, 30)];
        assert!(
            overlapping
                .validate(10)
                .unwrap_err()
                .contains("not overlapping")
        );

        let mut lossy = config.clone();
        lossy.receivers[0].link[1].loss_ppm = 5;
        assert!(
            lossy
                .validate(10)
                .unwrap_err()
                .contains("response_loss_ppm")
        );

        let mut no_window = config.clone();
        no_window.warmup = no_window.duration;
        assert!(no_window.validate(10).is_err());

        assert!(config.validate(MAX_PAIRS as usize + 1).is_err());
    }
}
