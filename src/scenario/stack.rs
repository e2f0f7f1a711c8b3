//! `tcp:`, `tls:` and `http2:`: the protocol stack's parameters, shared by every
//! connection (or every variant that uses HTTP/2), each with a sourced default.

use serde::Deserialize;

use super::checker::Checker;
use super::defaults as d;
use super::error::ScenarioError;
use super::spec::{Http2Params, TcpParams, TlsSizes};
use crate::net::tcp::{AckPolicy, TcpSide};
use crate::units::{ByteSize, Duration, Percent};

/// TCP/IP parameters.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawTcp {
    /// Maximum segment size. Default 1448B (1500-byte MTU less 52 bytes of headers).
    pub mss: Option<ByteSize>,
    /// IP + TCP header bytes per segment. Default 52B: IPv4 20 (RFC 791) + TCP 20
    /// (RFC 9293) + the timestamps option 12 (RFC 7323, on by default in Linux).
    pub header: Option<ByteSize>,
    /// Bytes of a SYN or SYN-ACK segment. Default 60B: IPv4 20 + TCP 20 + options 20
    /// (MSS 4, SACK-permitted 2, timestamps 10, window scale 3, one NOP).
    pub syn: Option<ByteSize>,
    /// The clients' TCP behaviour (browsers): ACK policy, delayed-ACK timer, Nagle.
    pub client: Option<RawTcpSide>,
    /// The server's TCP behaviour: ACK policy, delayed-ACK timer, Nagle.
    pub server: Option<RawTcpSide>,
}

/// One side's TCP behaviour.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawTcpSide {
    /// When the side acknowledges what it receives. Default linux.
    pub ack: Option<RawAckPolicy>,
    /// Its delayed-ACK timer: how long a lone segment's ACK waits for data to ride on.
    /// Default 40ms under linux (TCP_DELACK_MIN, include/net/tcp.h; at most 200ms,
    /// TCP_DELACK_MAX), 200ms under rfc1122 (the common implementations' delay, Stevens
    /// TCP/IP Illustrated Vol. 1 §19.3; RFC 1122 §4.2.3.2 requires less than 500ms).
    /// Refused under immediate, which has no timer.
    pub delayed_ack: Option<Duration>,
    /// TCP_NODELAY: Nagle's algorithm off. With false, a write smaller than a segment
    /// waits until the previous small segment is acknowledged (RFC 896; the 40 ms stall of
    /// write-write-read against delayed ACKs). Default true: browsers (Chromium's
    /// SetTCPNoDelay) and most servers (nginx tcp_nodelay on, Go's net package) set it.
    pub nodelay: Option<bool>,
}

/// A receiver's ACK policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum RawAckPolicy {
    // (Plain comments, not docs: the schema then lists the words as an `enum`.)
    // Linux: quick ACKs for the first 16 segments and after an idle gap longer than the
    // RTO (not while interactive), an ACK once more than one full segment is owed, a lone
    // segment delayed by the timer (40ms).
    Linux,
    // RFC 1122 §4.2.3.2: an ACK for every second segment, a lone one after the timer
    // (200ms).
    Rfc1122,
    // An ACK for every segment at once.
    Immediate,
}

/// HTTP/2 parameters, for variants with `http2: true`.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawHttp2 {
    /// A header block's size on first use on a connection, relative to its HTTP/1.1 text
    /// (HPACK Huffman coding). Default 80%.
    pub huffman: Option<Percent>,
    /// A request header block once the dynamic table holds its fields. Default 30B.
    pub repeated_request_headers: Option<ByteSize>,
    /// A response header block once the dynamic table holds its fields. Default 20B.
    pub repeated_response_headers: Option<ByteSize>,
    /// The client's connection flow-control window; the client sends a 13-byte
    /// WINDOW_UPDATE each time it has consumed half of it. Default 15MiB (Chrome's).
    pub window: Option<ByteSize>,
    /// Interval of the PING frames (17 bytes) the server sends on each HTTP/2 connection,
    /// each answered by a PING ACK; each costs `server.cost.ping`. Default: none.
    pub ping: Option<Duration>,
}

/// Sizes of the TLS handshake's first flights.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawTls {
    /// The client's ClientHello record. Default 517B.
    pub client_hello: Option<ByteSize>,
    /// The server's first flight: ServerHello and certificate chain (with
    /// EncryptedExtensions, CertificateVerify and Finished in 1.3; ServerKeyExchange and
    /// ServerHelloDone in 1.2). Default 4KB.
    pub server_hello: Option<ByteSize>,
    /// Whether a client reconnecting resumes its TLS session: one round trip less (TLS 1.3
    /// then sends its request as 0-RTT early data with the ClientHello). Default true.
    pub resumption: Option<bool>,
    /// The server's first flight when resuming (no certificate chain). Default 200B.
    pub resumed_server_hello: Option<ByteSize>,
}

/// Reads `tcp`: a segment of at least 64 bytes.
pub(crate) fn tcp(raw: Option<&RawTcp>, c: &Checker) -> Result<TcpParams, ScenarioError> {
    let raw_tcp = raw.cloned().unwrap_or_default();
    let tcp = TcpParams {
        mss: raw_tcp.mss.map_or(d::TCP_MSS, |v| v.bytes()),
        header: raw_tcp.header.map_or(d::TCP_HEADER, |v| v.bytes()),
        syn: raw_tcp.syn.map_or(d::TCP_SYN, |v| v.bytes()),
        client: tcp_side(raw_tcp.client.as_ref(), "tcp.client", c)?,
        server: tcp_side(raw_tcp.server.as_ref(), "tcp.server", c)?,
    };
    if tcp.mss < 64 {
        return Err(c.error("tcp.mss", "must be at least 64B"));
    }
    Ok(tcp)
}

/// Reads one side of `tcp` at `path`: a delayed-ACK timer above zero and within its
/// policy's bound, none under `immediate`.
fn tcp_side(raw: Option<&RawTcpSide>, path: &str, c: &Checker) -> Result<TcpSide, ScenarioError> {
    let raw = raw.cloned().unwrap_or_default();
    let ack = match raw.ack {
        None => d::TCP_ACK_POLICY,
        Some(RawAckPolicy::Linux) => AckPolicy::Linux,
        Some(RawAckPolicy::Rfc1122) => AckPolicy::Rfc1122,
        Some(RawAckPolicy::Immediate) => AckPolicy::Immediate,
    };
    let field = format!("{path}.delayed_ack");
    let delayed_ack = match (ack, raw.delayed_ack.map(|v| v.as_nanos())) {
        (AckPolicy::Immediate, Some(_)) => {
            return Err(c.error(
                &field,
                "has no effect with `ack: immediate` (an ACK for every segment at once): remove it",
            ));
        }
        (_, None) => ack.default_delayed_ack(),
        (_, Some(0)) => return Err(c.error(&field, "must be greater than 0s")),
        (AckPolicy::Linux, Some(v)) if v > d::TCP_LINUX_MAX_DELAYED_ACK => {
            return Err(c.error(
                &field,
                "must be at most 200ms under `ack: linux` (TCP_DELACK_MAX)",
            ));
        }
        (AckPolicy::Rfc1122, Some(v)) if v >= d::TCP_RFC1122_MAX_DELAYED_ACK => {
            return Err(c.error(
                &field,
                "must be less than 500ms under `ack: rfc1122` (RFC 1122 §4.2.3.2)",
            ));
        }
        (_, Some(v)) => v,
    };
    Ok(TcpSide {
        ack,
        delayed_ack,
        nodelay: raw.nodelay.unwrap_or(d::TCP_NODELAY),
    })
}

/// Reads `http2`: PINGs at an interval above zero, a window of at least 2 bytes.
pub(crate) fn http2(raw: Option<&RawHttp2>, c: &Checker) -> Result<Http2Params, ScenarioError> {
    let raw_http2 = raw.cloned().unwrap_or_default();
    let http2 = Http2Params {
        huffman_ppm: raw_http2
            .huffman
            .map_or(d::HTTP2_HUFFMAN_PPM, |p| p.parts_per_million()),
        repeated_request_headers: raw_http2
            .repeated_request_headers
            .map_or(d::HTTP2_REPEATED_REQUEST_HEADERS, |v| v.bytes()),
        repeated_response_headers: raw_http2
            .repeated_response_headers
            .map_or(d::HTTP2_REPEATED_RESPONSE_HEADERS, |v| v.bytes()),
        window: raw_http2.window.map_or(d::HTTP2_WINDOW, |v| v.bytes()),
        ping: raw_http2.ping.map(|v| v.as_nanos()),
    };
    if http2.ping == Some(0) {
        return Err(c.error("http2.ping", "must be greater than 0s"));
    }
    if http2.window < 2 {
        return Err(c.error("http2.window", "must be at least 2B"));
    }
    Ok(http2)
}

/// Reads `tls`: every size has a default, nothing to refuse.
pub(crate) fn tls(raw: Option<&RawTls>) -> TlsSizes {
    let raw_tls = raw.cloned().unwrap_or_default();
    TlsSizes {
        client_hello: raw_tls
            .client_hello
            .map_or(d::TLS_CLIENT_HELLO, |v| v.bytes()),
        server_hello: raw_tls
            .server_hello
            .map_or(d::TLS_SERVER_HELLO, |v| v.bytes()),
        resumption: raw_tls.resumption.unwrap_or(true),
        resumed_server_hello: raw_tls
            .resumed_server_hello
            .map_or(d::TLS_RESUMED_SERVER_HELLO, |v| v.bytes()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::checker::check_section;

    #[test]
    fn defaults_fill_what_is_not_given() {
        let tcp = check_section("tcp: { mss: 1000B }\n", "tcp", |t, c| tcp(Some(t), c)).unwrap();
        assert_eq!((tcp.mss, tcp.header), (1000, d::TCP_HEADER));
        let http2 =
            check_section("http2: { ping: 10s }\n", "http2", |h, c| http2(Some(h), c)).unwrap();
        assert_eq!(
            (http2.ping, http2.window),
            (Some(10_000_000_000), d::HTTP2_WINDOW)
        );
        let tls = tls(Some(&RawTls {
            resumption: Some(false),
            ..RawTls::default()
        }));
        assert!(!tls.resumption);
        assert_eq!(tls.client_hello, d::TLS_CLIENT_HELLO);
    }

    #[test]
    fn refuses_a_tiny_segment_and_a_zero_ping() {
        let mss = check_section("tcp: { mss: 63B }\n", "tcp", |t, c| tcp(Some(t), c)).unwrap_err();
        assert_eq!(mss.field.as_deref(), Some("tcp.mss"));
        assert_eq!(mss.message, "must be at least 64B");
        let ping =
            check_section("http2: { ping: 0s }\n", "http2", |h, c| http2(Some(h), c)).unwrap_err();
        assert_eq!(ping.message, "must be greater than 0s");
        let window = check_section("http2: { window: 1B }\n", "http2", |h, c| http2(Some(h), c))
            .unwrap_err();
        assert_eq!(window.message, "must be at least 2B");
    }
}
