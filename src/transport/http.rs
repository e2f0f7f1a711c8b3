//! HTTP message sizes shared by polling, long polling and SSE, over HTTP/1.1 or HTTP/2.
//!
//! HTTP/1.1 sends header text as configured and streams bodies with chunked coding; HTTP/2
//! sends HEADERS frames with HPACK-compressed blocks (the connection preface ahead of each
//! side's first) and bodies in DATA frames. With gzip a response's body is one gzip
//! member, its headers one `Content-Encoding` longer (`crate::transport::compression`).

use crate::time::Nanos;
use crate::transport::compression::CONTENT_ENCODING_GZIP;
use crate::transport::framing::{chunk_overhead, json_array_overhead};
use crate::transport::http2::{
    CLIENT_PREFACE, PING, SERVER_PREFACE, WINDOW_UPDATE, data_frames_overhead,
};
use crate::transport::machine::{CONNECTIONS_PER_ORIGIN, Sharing};
use crate::transport::message::{ConnInfo, MsgKind};
use crate::transport::spec::HttpHeaders;
use crate::workload::Encoding;
use crate::workload::EventLog;

/// `Connection: close\r\n`: the header a request and its response carry when the
/// connection closes after the response (RFC 9112 section 9.6), an HTTP/1.0-style client
/// without keep-alive.
pub const CONNECTION_CLOSE: u64 = 19;

impl HttpHeaders {
    /// A request's header bytes for `text` bytes of HTTP/1.1 header text.
    pub fn request_bytes(&self, text: u64, conn: ConnInfo) -> u64 {
        match self.http2 {
            None => text,
            Some(h2) => {
                let first = conn.requests_before == 0;
                h2.request_headers(text, first) + if first { CLIENT_PREFACE } else { 0 }
            }
        }
    }

    /// A response's header bytes for `text` bytes of HTTP/1.1 header text.
    pub fn response_bytes(&self, text: u64, conn: ConnInfo) -> u64 {
        match self.http2 {
            None => text,
            Some(h2) => {
                let first = conn.responses_before == 0;
                h2.response_headers(text, first) + if first { SERVER_PREFACE } else { 0 }
            }
        }
    }

    /// Framing around a complete body of `len` bytes: HTTP/1.1 sends it as is (with a
    /// Content-Length header, counted in the headers); HTTP/2 in DATA frames.
    pub fn body_bytes(&self, len: u64) -> u64 {
        match self.http2 {
            None => 0,
            Some(_) => data_frames_overhead(len),
        }
    }

    /// Framing around one write of `len` bytes on a streamed response: an HTTP/1.1 chunk or
    /// HTTP/2 DATA frames.
    pub fn stream_write_bytes(&self, len: u64) -> u64 {
        match self.http2 {
            None => chunk_overhead(len),
            Some(_) => data_frames_overhead(len),
        }
    }

    /// HTTP/2 only: the client's WINDOW_UPDATE frame.
    pub fn window_update_bytes(&self) -> u64 {
        debug_assert!(self.http2.is_some(), "WINDOW_UPDATE exists only in HTTP/2");
        WINDOW_UPDATE
    }

    /// How a browser's tabs get connections: HTTP/2 shares one, HTTP/1.1 has a limit.
    pub fn sharing(&self) -> Sharing {
        match self.http2 {
            Some(_) => Sharing::Shared,
            None => Sharing::Limited(CONNECTIONS_PER_ORIGIN),
        }
    }

    /// The interval of the server's HTTP/2 PINGs, if any.
    pub fn http2_ping(&self) -> Option<Nanos> {
        self.http2.and_then(|h2| h2.ping)
    }

    /// The client's flow-control window, when it speaks HTTP/2.
    pub fn http2_window(&self) -> Option<u64> {
        self.http2.map(|h2| h2.window)
    }
}

/// Sizes of the request/response exchange of polling and long polling: a GET with headers
/// only (`request_text` bytes of header text), and a response (`response_text`) whose body is
/// a JSON array of the events.
pub fn exchange_size(
    http: &HttpHeaders,
    request_text: u64,
    response_text: u64,
    kind: MsgKind,
    log: &EventLog,
    conn: ConnInfo,
) -> (u64, u64) {
    match kind {
        MsgKind::Request => (0, http.request_bytes(request_text, conn)),
        MsgKind::Response { first, count } => {
            // The events of the range that are for this client (the newest of each topic
            // when the variant conflates).
            let payload = log.carried_payloads(conn.client, first, count);
            let matched = log.carried_count(conn.client, first, count) as u64;
            // A binary payload travels as a base64 JSON string: inflation plus two quotes.
            let strings = match log.encoding {
                Encoding::Json => 0,
                Encoding::Binary => log.carried_inflations(conn.client, first, count) + 2 * matched,
            };
            let body_framing = json_array_overhead(matched) + strings;
            response_with_body(http, response_text, payload, body_framing, conn)
        }
        MsgKind::WindowUpdate(_) => (0, http.window_update_bytes()),
        MsgKind::Http2Ping | MsgKind::Http2PingAck => (0, PING),
        other => unreachable!("{other:?} is not part of an HTTP request/response exchange"),
    }
}

/// Sizes of a complete response of `response_text` bytes of header text whose body is
/// `payload` bytes of events and `body_framing` bytes around them (JSON punctuation, or
/// the whole of a body without events, as an empty poll's `[]`). gzip'd, the body is
/// compressed as one and the headers carry `Content-Encoding`.
pub fn response_with_body(
    http: &HttpHeaders,
    response_text: u64,
    payload: u64,
    body_framing: u64,
    conn: ConnInfo,
) -> (u64, u64) {
    let body = payload + body_framing;
    match http.gzip.and_then(|gzip| gzip.gzip_body(body)) {
        None => (
            payload,
            http.response_bytes(response_text, conn) + body_framing + http.body_bytes(body),
        ),
        Some((compressed, gzip_framing)) => (
            compressed,
            http.response_bytes(response_text + CONTENT_ENCODING_GZIP, conn)
                + gzip_framing
                + http.body_bytes(compressed + gzip_framing),
        ),
    }
}

/// A response without a body (HTTP/2: a HEADERS frame that ends the stream).
pub fn bodiless_response_size(http: &HttpHeaders, text: u64, conn: ConnInfo) -> (u64, u64) {
    (0, http.response_bytes(text, conn))
}
