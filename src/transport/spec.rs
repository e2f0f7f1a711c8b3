//! The transports' own settings, as the machines read them: HTTP header sizes and HTTP/2
//! parameters, how a poll travels, the reconnect policy, and the defaults that belong to
//! a transport's client library. The scenario reads them from YAML, checks them and
//! re-exports them; nothing here imports the scenario.
//!
//! Owns: the types and the transports' library defaults, each with its source. Does not
//! own: reading or checking them (`crate::scenario`).

use serde::Serialize;

use crate::time::Nanos;

const MS: Nanos = 1_000_000;

/// A WebSocket application's first reconnect delay: socket.io's client default
/// `reconnectionDelay` (1000 ms).
pub const WS_RECONNECT_DELAY: Nanos = 1_000 * MS;

/// How a poll travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PollFraming {
    /// An HTTP GET answered with a JSON array.
    Http,
    /// A gRPC unary call: the request message in a prefixed DATA frame, the events as one
    /// protobuf message with a repeated field, then trailers.
    GrpcUnary { request_message: u64 },
}

/// HTTP/1.1 request headers of a cookie-less `fetch()` to an API from a browser (request
/// line, Host, User-Agent, Accept, Accept-Encoding, Accept-Language, Origin, Referer,
/// Connection). The SPDY white paper reports 700-800 bytes with cookies.
pub const DEFAULT_HTTP_REQUEST_HEADERS: u64 = 450;
/// HTTP/1.1 response headers (status line, Date, Content-Type, Content-Length or
/// Transfer-Encoding, Cache-Control, Server).
pub const DEFAULT_HTTP_RESPONSE_HEADERS: u64 = 220;

/// HTTP/1.1 header sizes of a transport's requests and responses.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct HttpHeaders {
    pub request: u64,
    pub response: u64,
    /// HTTP/2 instead of HTTP/1.1, with these parameters.
    pub http2: Option<Http2Params>,
    /// gzip content coding of the responses (and of an SSE stream), when asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gzip: Option<crate::transport::compression::Deflate>,
}

/// HTTP/2 parameters shared by every variant that uses it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Http2Params {
    /// Size of a header block on its first use on a connection, in parts per million of its
    /// HTTP/1.1 text (Huffman coding).
    pub huffman_ppm: u32,
    /// Bytes of a request header block once the dynamic table holds its fields.
    pub repeated_request_headers: u64,
    /// Bytes of a response header block once the dynamic table holds its fields.
    pub repeated_response_headers: u64,
    /// The client's connection flow-control window: it sends a WINDOW_UPDATE each time it
    /// has consumed half of it.
    pub window: u64,
    /// Interval of the server's PING frames on each connection.
    pub ping: Option<Nanos>,
}

/// How long a client waits before each new attempt after losing its connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ReconnectPolicy {
    pub backoff: Backoff,
    /// The first delay (every delay when fixed).
    pub delay: Nanos,
    /// The cap of exponential backoff.
    pub max: Nanos,
    pub jitter: Jitter,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Backoff {
    Fixed,
    Exponential,
}

/// Randomisation of each delay (AWS Architecture Blog, "Exponential Backoff And Jitter",
/// 2015).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Jitter {
    None,
    /// Uniform in [0, delay].
    Full,
    /// delay/2 plus uniform in [0, delay/2].
    Equal,
}

impl ReconnectPolicy {
    /// A fixed delay without jitter (EventSource's own policy, long polling's retry).
    pub fn fixed(delay: Nanos) -> Self {
        ReconnectPolicy {
            backoff: Backoff::Fixed,
            delay,
            max: delay,
            jitter: Jitter::None,
        }
    }

    /// The delay before attempt `attempt` (0 for the first after a loss), before jitter.
    pub fn base_delay(&self, attempt: u32) -> Nanos {
        match self.backoff {
            Backoff::Fixed => self.delay,
            Backoff::Exponential => {
                let factor = 1u64.checked_shl(attempt.min(63)).unwrap_or(u64::MAX);
                self.delay.saturating_mul(factor).min(self.max)
            }
        }
    }

    /// The delay before attempt `attempt`, with jitter drawn from `uniform`, which maps an
    /// upper bound `b` to a uniform draw in [0, b].
    pub fn delay(&self, attempt: u32, uniform: impl FnOnce(Nanos) -> Nanos) -> Nanos {
        let base = self.base_delay(attempt);
        match self.jitter {
            Jitter::None => base,
            Jitter::Full => uniform(base),
            Jitter::Equal => base / 2 + uniform(base - base / 2),
        }
    }
}
