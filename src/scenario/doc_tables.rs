//! Two tables of the docs, written from the code rather than by hand:
//! `docs/defaults-and-sources.md` (every default of the model, its value and where it comes
//! from) and the bounds table of `docs/limits.md` (every limit on a scenario, its value and
//! its reason).
//!
//! Each value is formatted from the constant the simulator uses ([`super::defaults`], the
//! webhook defaults, the REST retry delay [`crate::transport::outbox::REST_RETRY`],
//! [`super::limits`], [`super::bounds`] and the totals beside their sections), so a
//! changed constant changes the page; the sources and reasons are the constants'
//! citations, kept here beside the value they explain. Each row names the constants it
//! shows, and a test fails when a constant of `defaults.rs`, the webhook defaults, the
//! outbox, `limits.rs` or `bounds.rs` has no row; another (in `tests/integration/docs.rs`)
//! fails when the committed pages differ from what this module writes. Regenerate them with
//!
//! ```text
//! RTSIM_WRITE_DOCS=1 cargo test --test integration generated_docs
//! ```

use super::{bounds, clients, defaults as d, limits, server, sweep, workload};
use crate::net::tls::TlsVersion;
use crate::time::Nanos;
use crate::transport::compression;
use crate::transport::outbox::REST_RETRY;
use crate::webhook::{RetrySchedule, config as webhook};

/// The command that rewrites the generated pages, as the pages and the test say it.
pub const REGENERATE: &str = "RTSIM_WRITE_DOCS=1 cargo test --test integration generated_docs";

/// The line before the generated bounds table in `docs/limits.md`.
pub const BOUNDS_BEGIN: &str = "<!-- The table below is generated from the constants of src/scenario/limits.rs, bounds.rs and the sections' totals (by src/scenario/doc_tables.rs); do not edit it by hand. Regenerate with `RTSIM_WRITE_DOCS=1 cargo test --test integration generated_docs`. -->";
/// The line after it.
pub const BOUNDS_END: &str = "<!-- End of the generated table. -->";

/// One row of a table: what it is, its value (from the constants), where the value comes
/// from, and the names of the constants it shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub what: &'static str,
    pub value: String,
    pub source: String,
    pub constants: &'static [&'static str],
}

fn row(what: &'static str, value: String, source: &str, constants: &'static [&'static str]) -> Row {
    Row {
        what,
        value,
        source: source.to_string(),
        constants,
    }
}

/// Every default of the model, in the order of the page: the network, HTTP and TLS sizes,
/// the transports' timers, the infrastructure, the server, two-way and webhooks.
pub fn defaults() -> Vec<Row> {
    let retries = match RetrySchedule::default() {
        RetrySchedule::Exponential {
            initial,
            factor,
            cap,
            max_attempts,
            max_age,
        } => format!(
            "from {}, ×{factor} each time, at most {} apart, within {} (at most {max_attempts} attempts)",
            duration(initial),
            duration(cap),
            duration(max_age)
        ),
        RetrySchedule::Fixed { delays, .. } => {
            let delays: Vec<String> = delays.iter().map(|d| duration(*d)).collect();
            format!("after {}", delays.join(", "))
        }
    };
    vec![
        row(
            "TCP header",
            bytes(d::TCP_HEADER),
            "IPv4 20 (RFC 791) + TCP 20 (RFC 9293) + timestamps option 12 (RFC 7323, on by default in Linux)",
            &["TCP_HEADER"],
        ),
        row(
            "MSS",
            bytes(d::TCP_MSS),
            &format!("1500-byte Ethernet MTU − {}", d::TCP_HEADER),
            &["TCP_MSS"],
        ),
        row(
            "SYN / SYN-ACK",
            bytes(d::TCP_SYN),
            "40 bytes of headers + 20 of options (MSS, SACK-permitted, timestamps, window scale) as Linux sends them",
            &["TCP_SYN"],
        ),
        row(
            "ACK policy (`tcp.client.ack`, `tcp.server.ack`)",
            "linux".to_string(),
            "Linux's delayed ACKs with quick-ACK mode: the servers' kernel and most clients' (Android, ChromeOS)",
            &["TCP_ACK_POLICY"],
        ),
        row(
            "delayed ACK (`linux`)",
            duration(d::TCP_DELAYED_ACK),
            "Linux's delayed-ACK timeout (`TCP_DELACK_MIN` = `TCP_ATO_MIN`, `include/net/tcp.h`)",
            &["TCP_DELAYED_ACK"],
        ),
        row(
            "longest delayed ACK (`linux`)",
            duration(d::TCP_LINUX_MAX_DELAYED_ACK),
            "Linux's `TCP_DELACK_MAX` (`include/net/tcp.h`)",
            &["TCP_LINUX_MAX_DELAYED_ACK"],
        ),
        row(
            "quick ACKs (`linux`)",
            d::TCP_LINUX_QUICKACKS.to_string(),
            "`TCP_MAX_QUICKACKS` (`include/net/tcp.h`), granted at the first data and after a silence longer than the RTO (`tcp_event_data_recv`)",
            &["TCP_LINUX_QUICKACKS"],
        ),
        row(
            "first estimate of the sender's MSS (`linux`)",
            bytes(d::TCP_LINUX_INITIAL_RCV_MSS),
            "`TCP_MSS_DEFAULT` (`tcp_initialize_rcv_mss`); an ACK goes at once when more than this is owed",
            &["TCP_LINUX_INITIAL_RCV_MSS"],
        ),
        row(
            "delayed ACK (`rfc1122`)",
            format!(
                "{} (less than {})",
                duration(d::TCP_RFC1122_DELAYED_ACK),
                duration(d::TCP_RFC1122_MAX_DELAYED_ACK)
            ),
            "the 200 ms of common implementations (Stevens, TCP/IP Illustrated Vol. 1 §19.3; BSD, Windows); RFC 1122 §4.2.3.2 requires less than 0.5 s",
            &["TCP_RFC1122_DELAYED_ACK", "TCP_RFC1122_MAX_DELAYED_ACK"],
        ),
        row(
            "`TCP_NODELAY` (Nagle off), both sides",
            d::TCP_NODELAY.to_string(),
            "browsers set it (Chromium's `SetTCPNoDelay`), and so do most servers (nginx `tcp_nodelay on`, Go's `net` package)",
            &["TCP_NODELAY"],
        ),
        row(
            "shared link buffer (`topology.links[].buffer`), each direction",
            bytes(d::SHARED_LINK_BUFFER),
            "1,000 packets of 1,500 B: Linux's default transmit queue (`txqueuelen` 1000, ip-link(8)) of full Ethernet frames",
            &["SHARED_LINK_BUFFER"],
        ),
        row(
            "HTTP request headers",
            bytes(d::HTTP_REQUEST_HEADERS),
            "a cookie-less browser `fetch()` to an API (request line, Host, User-Agent, Accept*, Origin, Referer, Connection); the SPDY white paper measured 700–800 B with cookies",
            &["HTTP_REQUEST_HEADERS"],
        ),
        row(
            "HTTP response headers",
            bytes(d::HTTP_RESPONSE_HEADERS),
            "status line, Date, Content-Type, Content-Length or Transfer-Encoding, Cache-Control, Server",
            &["HTTP_RESPONSE_HEADERS"],
        ),
        row(
            "`304 Not Modified` headers",
            bytes(d::HTTP_NOT_MODIFIED_HEADERS),
            "status line, Date, ETag, Cache-Control, Server, without Content-Type or Content-Length",
            &["HTTP_NOT_MODIFIED_HEADERS"],
        ),
        row(
            "empty poll answer (`polling.empty`)",
            format!("200 with `[]` ({})", bytes(d::POLL_EMPTY_BODY)),
            "an API that answers a JSON array, empty or not (RFC 8259 section 5); `204` (RFC 9110 section 15.3.5: no body, no Content-Type or Content-Length) is 43 B shorter",
            &["POLL_EMPTY_BODY"],
        ),
        row(
            "WebSocket upgrade request",
            bytes(d::WS_UPGRADE_REQUEST),
            "a browser's GET with Upgrade, Connection, Sec-WebSocket-Key/Version/Extensions, Origin, User-Agent: the 450 B request headers and the upgrade's own 50 B (`UPGRADE_OWN_HEADERS`, added to a client group's own `request_headers` too)",
            &["WS_UPGRADE_REQUEST", "UPGRADE_OWN_HEADERS"],
        ),
        row(
            "WebSocket `101` response",
            bytes(d::WS_UPGRADE_RESPONSE),
            "exactly the example response of RFC 6455 section 1.3",
            &["WS_UPGRADE_RESPONSE"],
        ),
        row(
            "TLS ClientHello",
            bytes(d::TLS_CLIENT_HELLO),
            &format!(
                "Chrome's ClientHello before post-quantum key shares, padded to {} bytes by the padding extension (RFC 7685)",
                d::TLS_CLIENT_HELLO
            ),
            &["TLS_CLIENT_HELLO"],
        ),
        row(
            "TLS server flight",
            bytes(d::TLS_SERVER_HELLO),
            "ServerHello and handshake messages around a two-certificate chain (RSA-2048 leaf and intermediate, about 1.3–1.8 KB each)",
            &["TLS_SERVER_HELLO"],
        ),
        row(
            "resumed TLS server flight",
            bytes(d::TLS_RESUMED_SERVER_HELLO),
            "ServerHello with its pre-shared-key extension (about 120 B) plus EncryptedExtensions and Finished, or ChangeCipherSpec and Finished",
            &["TLS_RESUMED_SERVER_HELLO"],
        ),
        row(
            "TLS record overhead",
            format!(
                "{} (1.3), {} (1.2)",
                bytes(TlsVersion::V1_3.record_overhead()),
                bytes(TlsVersion::V1_2.record_overhead())
            ),
            "RFC 8446 section 5.2 and RFC 5246 section 6.2.3.3 with AES-GCM (RFC 5288)",
            &[],
        ),
        row(
            "TLS handshake CPU",
            duration(d::COST_TLS_HANDSHAKE),
            "an ECDHE key exchange and an ECDSA P-256 signature: on the order of 100–300 µs per core in OpenSSL's `speed` figures",
            &["COST_TLS_HANDSHAKE"],
        ),
        row(
            "HPACK first use",
            format!("{} % of the header text", d::HTTP2_HUFFMAN_PPM / 10_000),
            "HPACK's Huffman code (RFC 7541 Appendix B) gives the most common header characters 5–6 bits",
            &["HTTP2_HUFFMAN_PPM"],
        ),
        row(
            "HPACK repeated blocks",
            format!(
                "{} request, {} response",
                bytes(d::HTTP2_REPEATED_REQUEST_HEADERS),
                bytes(d::HTTP2_REPEATED_RESPONSE_HEADERS)
            ),
            "one-byte indexed references for unchanged fields plus short literals for the few that change (`:path` with a cursor, `date`)",
            &[
                "HTTP2_REPEATED_REQUEST_HEADERS",
                "HTTP2_REPEATED_RESPONSE_HEADERS",
            ],
        ),
        row(
            "HTTP/2 window",
            bytes(d::HTTP2_WINDOW),
            "Chrome's connection window (sent in its first WINDOW_UPDATE)",
            &["HTTP2_WINDOW"],
        ),
        row(
            "gRPC header text (before HPACK)",
            format!(
                "{} request, {} response",
                bytes(d::GRPC_REQUEST_HEADERS),
                bytes(d::GRPC_RESPONSE_HEADERS)
            ),
            "estimates: the request headers of the gRPC over HTTP/2 protocol (:method, :scheme, :path, :authority, content-type, te, user-agent, grpc-accept-encoding, grpc-timeout) with a short service path; the response's :status, content-type, grpc-encoding, grpc-accept-encoding",
            &["GRPC_REQUEST_HEADERS", "GRPC_RESPONSE_HEADERS"],
        ),
        row(
            "gRPC subscription request",
            bytes(d::GRPC_REQUEST_MESSAGE),
            "a topic and a cursor: an estimate",
            &["GRPC_REQUEST_MESSAGE"],
        ),
        row(
            "gRPC keepalive",
            duration(d::GRPC_KEEPALIVE),
            "gRPC core's server keepalive time (`GRPC_ARG_KEEPALIVE_TIME_MS` for servers); clients send none by default",
            &["GRPC_KEEPALIVE"],
        ),
        row(
            "gRPC reconnect",
            format!(
                "{} first delay, doubling, {} cap",
                duration(d::GRPC_RECONNECT_DELAY),
                duration(d::GRPC_RECONNECT_MAX)
            ),
            "gRPC's connection backoff (doc/connection-backoff.md: 1 s initial, ×1.6, ±20 % jitter, 120 s max), approximated by doubling with equal jitter",
            &["GRPC_RECONNECT_DELAY", "GRPC_RECONNECT_MAX"],
        ),
        row(
            "keep-alive idle timeout",
            duration(d::KEEPALIVE_TIMEOUT),
            "nginx's default `keepalive_timeout`",
            &["KEEPALIVE_TIMEOUT"],
        ),
        row(
            "long-poll timeout",
            duration(d::LONG_POLL_TIMEOUT),
            "below the 60 s idle timeout common in load balancers",
            &["LONG_POLL_TIMEOUT"],
        ),
        row(
            "EventSource reconnection time",
            duration(d::SSE_RETRY),
            "Chromium and WebKit (Firefox: 5 s); the server's `retry:` field overrides it",
            &["SSE_RETRY"],
        ),
        row(
            "long-poll retry after a failure",
            duration(d::LONG_POLL_RETRY),
            "the seeds' example, `setTimeout(longPoll, 2000)`",
            &["LONG_POLL_RETRY"],
        ),
        row(
            "WebSocket reconnect (when the scenario asks for one)",
            format!(
                "{} first delay, {} cap",
                duration(d::WS_RECONNECT_DELAY),
                duration(d::RECONNECT_MAX)
            ),
            "socket.io client's `reconnectionDelay` and `reconnectionDelayMax`",
            &["WS_RECONNECT_DELAY", "RECONNECT_MAX"],
        ),
        row(
            "compression (permessage-deflate, gzip)",
            "off".to_string(),
            "Node's `ws` disables permessage-deflate on the server by default (doc/ws.md); engine.io 4 turned it off for its memory per connection; nginx ships `gzip off`",
            &[],
        ),
        row(
            "deflate window and memory level",
            format!(
                "windowBits {}, memLevel {}",
                compression::DEFAULT_WINDOW_BITS,
                compression::DEFAULT_MEM_LEVEL
            ),
            "zlib's defaults (`MAX_WBITS`, `DEF_MEM_LEVEL`), which Node's zlib and `ws` use",
            &["DEFAULT_WINDOW_BITS", "DEFAULT_MEM_LEVEL"],
        ),
        row(
            "compressor memory held per connection",
            format!(
                "{} deflate + {} inflate (WebSocket with context takeover); {} (gzip'd SSE); none without context takeover or per response",
                binary_bytes(deflate_state()),
                binary_bytes(1 << compression::DEFAULT_WINDOW_BITS),
                binary_bytes(deflate_state()),
            ),
            "zlib's zconf.h: deflate `(1 << (windowBits+2)) + (1 << (memLevel+9))`, inflate `1 << windowBits` (its few KiB of small objects left out)",
            &[],
        ),
        row(
            "compressed size of JSON in a stream's context",
            ppm(compression::JSON_RATIO_IN_CONTEXT_PPM),
            "python-websockets' Compression guide: a stream of JSON messages compresses \"by more than 80%\" with context takeover",
            &["JSON_RATIO_IN_CONTEXT_PPM"],
        ),
        row(
            "compressed size of JSON compressed alone",
            ppm(compression::JSON_RATIO_ALONE_PPM),
            "C. Brunhuber, IETF HTTP WG list, 10 April 2014: a 1,082-byte document, gzip level 6, 1,082 → 523 B per frame and per stream alike",
            &["JSON_RATIO_ALONE_PPM"],
        ),
        row(
            "compressed size of binary payloads",
            ppm(compression::BINARY_RATIO_PPM),
            "taken as already compressed: deflate falls back to stored blocks (RFC 1951 section 3.2.4)",
            &["BINARY_RATIO_PPM"],
        ),
        row(
            "compression CPU",
            format!("{} per input byte", duration(compression::CPU_PER_BYTE)),
            "zlib level 6 at 30 MB/s on the Silesia corpus's `webster` (original zlib, x64, Core i7-8700; matbech/zlib-perf Results.md)",
            &["CPU_PER_BYTE"],
        ),
        row(
            "permessage-deflate threshold (without context takeover)",
            bytes(u64::from(compression::WS_THRESHOLD)),
            "`ws`'s `threshold`: smaller payloads are not compressed if context takeover is disabled",
            &["WS_THRESHOLD"],
        ),
        row(
            "gzip minimum response body",
            bytes(u64::from(compression::NGINX_MIN_LENGTH)),
            "nginx's `gzip_min_length` default",
            &["NGINX_MIN_LENGTH"],
        ),
        row(
            "proxy idle timeout",
            duration(d::PROXY_IDLE_TIMEOUT),
            "nginx's `proxy_read_timeout` default, also the idle timeout of common cloud load balancers and corporate proxies",
            &["PROXY_IDLE_TIMEOUT"],
        ),
        row(
            "load-balancer idle timeout",
            duration(d::BALANCER_IDLE_TIMEOUT),
            "AWS Application and Classic Load Balancers' default",
            &["BALANCER_IDLE_TIMEOUT"],
        ),
        row(
            "load-balancer affinity",
            "none".to_string(),
            "AWS ALB target groups' stickiness is off by default; nginx's upstreams have none without `sticky` or `ip_hash`",
            &["BALANCER_AFFINITY"],
        ),
        row(
            "long polling's answer to an unknown session",
            bytes(d::SESSION_UNKNOWN_RESPONSE),
            "Socket.IO's `400 {\"code\":1,\"message\":\"Session ID unknown\"}` (troubleshooting guide, error code 1): an 80 B HTTP/1.1 status line and headers and the 41 B body",
            &["SESSION_UNKNOWN_RESPONSE"],
        ),
        row(
            "long polling's session handshake: open packet",
            bytes(d::SESSION_OPEN_PACKET),
            "the handshake example of the Engine.IO protocol, version 4 (`0{\"sid\":...,\"maxPayload\":1000000}`), after the variant's response headers",
            &["SESSION_OPEN_PACKET"],
        ),
        row(
            "load-balancer drain of a removed replica",
            duration(d::BALANCER_DRAIN),
            "AWS target groups' default deregistration delay",
            &["BALANCER_DRAIN"],
        ),
        row(
            "health checks",
            format!(
                "every {}; out after {} failures, back after {} passes",
                duration(d::HEALTH_CHECK_INTERVAL),
                d::HEALTH_CHECK_UNHEALTHY,
                d::HEALTH_CHECK_HEALTHY
            ),
            "AWS target groups' defaults",
            &[
                "HEALTH_CHECK_INTERVAL",
                "HEALTH_CHECK_UNHEALTHY",
                "HEALTH_CHECK_HEALTHY",
            ],
        ),
        row(
            "deploy: drain of each replica",
            duration(d::DEPLOY_DRAIN),
            "Kubernetes' default termination grace period",
            &["DEPLOY_DRAIN"],
        ),
        row(
            "restart of a proxy or load balancer",
            duration(d::MIDDLEBOX_RESTART),
            "an assumption (a process restart of a few seconds); set your own",
            &["MIDDLEBOX_RESTART"],
        ),
        row(
            "server cores, CPU costs",
            format!(
                "{}; {}/{}/{}/{} µs (accept/request/push/ping), {} ns per KiB pushed",
                d::SERVER_CORES,
                d::COST_ACCEPT / 1_000,
                d::COST_REQUEST / 1_000,
                d::COST_PUSH / 1_000,
                d::COST_PING / 1_000,
                d::COST_PUSH_PER_KIB
            ),
            "rtsim's assumptions for an event-loop application server (a few thousand to tens of thousands of requests per second per core); set your own for a CPU question. The application's work, the base of every transport's row of the cost table",
            &[
                "SERVER_CORES",
                "COST_ACCEPT",
                "COST_REQUEST",
                "COST_PUSH",
                "COST_PING",
                "COST_PUSH_PER_KIB",
            ],
        ),
        row(
            "memory per connection",
            bytes(d::MEMORY_PER_CONNECTION),
            "an assumption within the 10–50 KiB per connection reported for tuned Linux servers holding many connections",
            &["MEMORY_PER_CONNECTION"],
        ),
        row(
            "thread per connection: threads, stack, context switch",
            format!(
                "{}; {}; {} per job",
                d::MAX_THREADS,
                bytes(d::THREAD_STACK),
                duration(d::CONTEXT_SWITCH)
            ),
            "Tomcat's HTTP connector `maxThreads` (200); HotSpot's `ThreadStackSize` on 64-bit Linux (1 MiB reserved per thread); thread switches of a few microseconds on Linux servers (B. Sigoure, \"How long does it take to make a context switch?\", 2010), rtsim's round figure",
            &["MAX_THREADS", "THREAD_STACK", "CONTEXT_SWITCH"],
        ),
        row(
            "serverless: cold start; warm start",
            format!(
                "{}; {}",
                duration(d::SERVERLESS_COLD_START),
                duration(d::SERVERLESS_WARM_START)
            ),
            "a Node.js function of 128 MB on AWS Lambda, `Init Duration: 303.63 ms` (kkloudtarus.net, \"Cold Start: Measure It for Real\", read 2026-12-07; AWS's \"Operating Lambda\" gives under 100 ms to over 1 s); a warm environment calls the handler at once (AWS Lambda developer guide, execution environment lifecycle)",
            &["SERVERLESS_COLD_START", "SERVERLESS_WARM_START"],
        ),
        row(
            "serverless: an idle instance kept warm",
            duration(d::SERVERLESS_KEEP_WARM),
            "not documented by AWS; Yan Cui's measurement (theburningmonk.com, June 2017): 45–60 min of inactivity, sometimes less",
            &["SERVERLESS_KEEP_WARM"],
        ),
        row(
            "serverless: concurrency; maximum duration",
            format!(
                "{}; {}",
                d::SERVERLESS_CONCURRENCY,
                duration(d::SERVERLESS_MAX_DURATION)
            ),
            "AWS Lambda's default concurrency quota per account and region (1,000); API Gateway's REST API integration timeout (29 s; Lambda's own maximum, 15 min, bounds the field) — AWS developer guides' quota pages, read 2026-12-07",
            &["SERVERLESS_CONCURRENCY", "SERVERLESS_MAX_DURATION"],
        ),
        row(
            "serverless gateway: connection duration; idle timeout",
            format!(
                "{}; {}",
                duration(d::GATEWAY_CONNECTION_DURATION),
                duration(d::GATEWAY_IDLE_TIMEOUT)
            ),
            "API Gateway's WebSocket API quotas \"Connection duration for WebSocket API\" (2 hours) and \"Idle Connection Timeout\" (10 minutes), neither increasable: AWS API Gateway developer guide, \"Amazon API Gateway quotas\", read 2026-12-07",
            &["GATEWAY_CONNECTION_DURATION", "GATEWAY_IDLE_TIMEOUT"],
        ),
        row(
            "broker delivery delay",
            duration(d::BROKER_LATENCY),
            "a publish and a delivery within one data centre (Redis pub/sub, NATS) take well under a millisecond each; 1 ms leaves room for a hop",
            &["BROKER_LATENCY"],
        ),
        row(
            "broker message CPU",
            duration(d::BROKER_COST),
            "an assumption of the same order as a push",
            &["BROKER_COST"],
        ),
        row(
            "internal service: one-way latency",
            duration(d::SERVICE_LATENCY),
            "round trips between hosts of one availability zone are well under a millisecond (0.1-0.5 ms in AWS EC2 placement-group and Google Cloud intra-zone figures); rtsim's round figure, at the upper end",
            &["SERVICE_LATENCY"],
        ),
        row(
            "internal call: request / reply body (JSON)",
            format!(
                "{} / {}",
                bytes(d::SERVICE_REQUEST),
                bytes(d::SERVICE_REPLY)
            ),
            "estimates: a small lookup (an id and a few fields) and one record of a few dozen fields; gRPC sends 35 % of each as protobuf",
            &["SERVICE_REQUEST", "SERVICE_REPLY"],
        ),
        row(
            "internal REST call: request / reply headers",
            format!(
                "{} / {}",
                bytes(d::SERVICE_REST_REQUEST_HEADERS),
                bytes(d::SERVICE_REST_RESPONSE_HEADERS)
            ),
            "estimates: `POST` line, Host, User-Agent (`Go-http-client/1.1`), Content-Type, Content-Length, Accept, Accept-Encoding; status line, Content-Type, Content-Length, Date",
            &[
                "SERVICE_REST_REQUEST_HEADERS",
                "SERVICE_REST_RESPONSE_HEADERS",
            ],
        ),
        row(
            "internal REST pool per front replica",
            d::SERVICE_MAX_CONNECTIONS.to_string(),
            "Apache HttpClient's `PoolingHttpClientConnectionManager`: 2 connections per route by default",
            &["SERVICE_MAX_CONNECTIONS"],
        ),
        row(
            "encoding CPU per KiB: JSON / protobuf",
            format!(
                "{} / {}",
                duration(d::SERVICE_JSON_PER_KIB),
                duration(d::SERVICE_PROTOBUF_PER_KIB)
            ),
            "about 100 MB/s (the order of Go's `encoding/json` in its `BenchmarkCodeDecoder`/`BenchmarkCodeEncoder`) and about 1 GB/s (the order of golang/protobuf's marshal and unmarshal benchmarks); rtsim's round figures",
            &["SERVICE_JSON_PER_KIB", "SERVICE_PROTOBUF_PER_KIB"],
        ),
        row(
            "REST `POST` headers",
            bytes(d::REST_REQUEST_HEADERS),
            &format!(
                "the {} of a browser `fetch()` plus `Content-Type: application/json` (32 B) and `Content-Length` (about 20 B), rounded to 50 B (`POST_OWN_HEADERS`, added to a client group's own `request_headers` too)",
                bytes(d::HTTP_REQUEST_HEADERS)
            ),
            &["REST_REQUEST_HEADERS", "POST_OWN_HEADERS"],
        ),
        row(
            "REST answer",
            bytes(d::REST_RESPONSE_HEADERS),
            "`204 No Content`: status line, Date, Server, Cache-Control (as a `304`)",
            &["REST_RESPONSE_HEADERS"],
        ),
        row(
            "REST retry after a failure",
            duration(REST_RETRY),
            "an assumption: `fetch()` has no retry of its own; applications retry after about a second",
            &["REST_RETRY"],
        ),
        row(
            "protobuf size",
            format!("{} % of the JSON payload", d::PROTOBUF_FACTOR_PERCENT),
            "22–37 % in N. Larsgård's comparison of protobuf and JSON sizes (field names gone, numbers as varints)",
            &["PROTOBUF_FACTOR_PERCENT"],
        ),
        row(
            "topic popularity (Zipf exponent)",
            d::TOPIC_ZIPF.to_string(),
            "Breslau et al., \"Web Caching and Zipf-like Distributions\" (INFOCOM 1999), measured 0.64 to 0.83 for web requests",
            &["TOPIC_ZIPF"],
        ),
        row(
            "webhook timeout",
            duration(webhook::DEFAULT_TIMEOUT),
            "GitHub expects a webhook's 2XX response within 10 s",
            &["webhook::DEFAULT_TIMEOUT"],
        ),
        row(
            "webhook retries",
            retries,
            "Stripe retries webhooks with exponential backoff for up to three days; the first delay, the cap and the attempt limit are rtsim's choice",
            &[],
        ),
        row(
            "webhook POST headers",
            bytes(webhook::DEFAULT_REQUEST_HEADERS),
            "Host, User-Agent, Content-Type, Content-Length, an event type, a delivery id and a signature: roughly 600–800 B in the wild (an estimate)",
            &["webhook::DEFAULT_REQUEST_HEADERS"],
        ),
        row(
            "webhook response",
            bytes(webhook::DEFAULT_RESPONSE_BYTES),
            "`200 OK`, Date, Content-Length, Content-Type and a tiny body (an estimate)",
            &["webhook::DEFAULT_RESPONSE_BYTES"],
        ),
        row(
            "webhook sender cores, CPU",
            format!(
                "{}; {} per attempt",
                webhook::DEFAULT_SENDER_CORES,
                duration(webhook::DEFAULT_SEND_COST)
            ),
            "assumptions (serialising and signing the body, the HTTP client)",
            &[
                "webhook::DEFAULT_SENDER_CORES",
                "webhook::DEFAULT_SEND_COST",
            ],
        ),
        row(
            "receiver workers, service time",
            format!(
                "{}; {}",
                webhook::DEFAULT_CAPACITY,
                duration(webhook::DEFAULT_SERVICE_TIME)
            ),
            "assumptions; set the receiver's own",
            &["webhook::DEFAULT_CAPACITY", "webhook::DEFAULT_SERVICE_TIME"],
        ),
        row(
            "receiver keep-alive timeout",
            duration(d::KEEPALIVE_TIMEOUT),
            "nginx's default `keepalive_timeout`",
            &["KEEPALIVE_TIMEOUT"],
        ),
        row(
            "seed",
            d::SEED.to_string(),
            "fixed, so an unseeded scenario is still reproducible",
            &["SEED"],
        ),
        row(
            "replications",
            d::REPLICATIONS.to_string(),
            "one run per variant, as before replications existed: replication 0 keeps the scenario's seed, so one replication is exactly that run",
            &["REPLICATIONS"],
        ),
    ]
}

/// Every bound on a scenario, in the order of the table: the file, the values, the totals.
pub fn bounds() -> Vec<Row> {
    use bounds as b;
    use limits as l;
    vec![
        row(
            "scenario file size",
            mebibytes(l::MAX_FILE_BYTES),
            "scenarios are a few kilobytes; a log file or `/dev/zero` given by mistake is refused, not loaded",
            &["MAX_FILE_BYTES"],
        ),
        row(
            "trace file size (`workload.events.trace`)",
            mebibytes(l::MAX_TRACE_BYTES),
            "several million rows of 10 to 30 bytes, more than a run's events; read with this limit, never all at once",
            &["MAX_TRACE_BYTES"],
        ),
        row(
            "YAML nesting",
            format!("{} levels", l::MAX_DEPTH),
            "serde's recursion, and so the stack, grows with it",
            &["MAX_DEPTH"],
        ),
        row(
            "YAML nodes / parser events",
            format!("{} / {}", l::MAX_NODES, l::MAX_EVENTS),
            "a scenario has a few hundred",
            &["MAX_NODES", "MAX_EVENTS"],
        ),
        row(
            "aliases / anchors / merge keys",
            format!(
                "{} / {} / {}",
                l::MAX_ALIASES,
                l::MAX_ANCHORS,
                l::MAX_MERGE_KEYS
            ),
            "as above",
            &["MAX_ALIASES", "MAX_ANCHORS", "MAX_MERGE_KEYS"],
        ),
        row(
            "text of all values",
            mebibytes(l::MAX_SCALAR_BYTES as u64),
            "as the file",
            &["MAX_SCALAR_BYTES"],
        ),
        row(
            "alias expansion",
            format!(
                "{} nodes, {} levels of nesting, {} aliases per anchor from {} aliases on",
                l::MAX_ALIAS_EXPANSION,
                l::MAX_ALIAS_NESTING,
                l::MAX_ALIASES_PER_ANCHOR,
                l::ALIAS_RATIO_FROM
            ),
            "what an alias bomb exceeds",
            &[
                "MAX_ALIAS_EXPANSION",
                "MAX_ALIAS_NESTING",
                "MAX_ALIASES_PER_ANCHOR",
                "ALIAS_RATIO_FROM",
            ],
        ),
        row(
            "any duration (the run's, latencies, timeouts, intervals, delays)",
            duration(b::MAX_DURATION),
            &format!(
                "a weekly cycle is the longest question asked of a feed; {} of nanoseconds (2^{:.1}) leave 2^{} of headroom in the `u64` time arithmetic",
                duration(b::MAX_DURATION),
                (b::MAX_DURATION as f64).log2(),
                (u64::MAX / b::MAX_DURATION).ilog2()
            ),
            &["MAX_DURATION"],
        ),
        row(
            "payload of an event or message (a size, a `uniform` bound, a `lognormal` median, a trace row), and every other size not below (buffers, memory per connection, `protobuf_size`, gRPC `request_message`, a webhook `response`)",
            binary_bytes(b::MAX_PAYLOAD_BYTES),
            &format!(
                "larger than any HTTP message a browser or server accepts by default (nginx `client_max_body_size` 1 MiB, gRPC 4 MiB); 2^{} bytes leave 2^{} messages of headroom in a `u64` byte count. `lognormal` draws are cut at it",
                b::MAX_PAYLOAD_BYTES.ilog2(),
                64 - b::MAX_PAYLOAD_BYTES.ilog2()
            ),
            &["MAX_PAYLOAD_BYTES"],
        ),
        row(
            "header blocks (`*_headers`, TLS hellos, WebSocket `upgrade_*`)",
            binary_bytes(b::MAX_HEADER_BYTES),
            "16 times the largest header section servers accept (nginx 4 × 8 KiB, Node.js 16 KiB)",
            &["MAX_HEADER_BYTES"],
        ),
        row(
            "`tcp.mss`",
            format!("{} B", b::MAX_MSS_BYTES),
            "the largest IPv4 datagram (65535 B) less the IPv4 and TCP headers (20 B each)",
            &["MAX_MSS_BYTES"],
        ),
        row(
            "`tcp.header`, `tcp.syn`",
            format!("{} B", b::MAX_TCP_HEADER_BYTES),
            "more than IPv6 (40 B) plus the longest TCP header (60 B) plus link framing",
            &["MAX_TCP_HEADER_BYTES"],
        ),
        row(
            "`http2.window`",
            format!("{} B", b::MAX_HTTP2_WINDOW_BYTES),
            "the largest flow-control window RFC 9113 (§6.9.1) allows",
            &["MAX_HTTP2_WINDOW_BYTES"],
        ),
        row(
            "link bandwidth",
            bandwidth(b::MAX_BANDWIDTH_BITS_PER_SECOND),
            "above the fastest Ethernet standard (800 Gbit/s)",
            &["MAX_BANDWIDTH_BITS_PER_SECOND"],
        ),
        row(
            "workload events per run (rate × duration, or a trace's rows)",
            workload::MAX_EVENTS_PER_RUN.to_string(),
            "the event log holds each event's time before the run; this bounds every rate",
            &["MAX_EVENTS_PER_RUN"],
        ),
        row(
            "client messages per run (rate × clients × duration)",
            workload::MAX_EVENTS_PER_RUN.to_string(),
            "as events",
            &["MAX_EVENTS_PER_RUN"],
        ),
        row(
            "expected payload bytes per run (events × mean payload × clients, plus messages × mean payload × receivers)",
            format!(
                "2^{} ({})",
                b::MAX_PAYLOAD_BYTES_PER_RUN.log2(),
                binary_bytes(b::MAX_PAYLOAD_BYTES_PER_RUN as u64)
            ),
            &format!(
                "{} times below the `u64` limit, leaving headroom for headers and retransmissions in byte totals",
                (u64::MAX as f64 + 1.0) / b::MAX_PAYLOAD_BYTES_PER_RUN
            ),
            &["MAX_PAYLOAD_BYTES_PER_RUN"],
        ),
        row(
            "clients (counts × tabs, summed over groups)",
            clients::MAX_CLIENTS.to_string(),
            "each costs about 200 bytes of state per run",
            &["MAX_CLIENTS"],
        ),
        row(
            "tabs per browser",
            clients::MAX_TABS.to_string(),
            "",
            &["MAX_TABS"],
        ),
        row(
            "server replicas (also in `load_balancer.scale`)",
            server::MAX_REPLICAS.to_string(),
            "",
            &["MAX_REPLICAS"],
        ),
        row(
            "server cores",
            server::MAX_CORES.to_string(),
            "",
            &["MAX_CORES"],
        ),
        row(
            "replications (`replications`, `--replications`)",
            b::MAX_REPLICATIONS.to_string(),
            "Student's t quantile is tabled up to 1000 degrees of freedom, and an interval's width falls only as 1/√R: a thousand runs of every variant is far more than a comparison needs",
            &["MAX_REPLICATIONS"],
        ),
        row(
            "topics (`workload.events.audience.topics`)",
            b::MAX_TOPICS.to_string(),
            "a list per topic (24 bytes each); a Zipf law over a million topics gives the last a weight of 1/14 millionth of the first's",
            &["MAX_TOPICS"],
        ),
        row(
            "subscriptions per client",
            b::MAX_SUBSCRIPTIONS_PER_CLIENT.to_string(),
            "more than any feed lets a user follow (X allows 5000 accounts)",
            &["MAX_SUBSCRIPTIONS_PER_CLIENT"],
        ),
        row(
            "subscriptions in all (clients × subscriptions)",
            b::MAX_SUBSCRIPTIONS.to_string(),
            "a million clients following 5 topics; 20 MB of topic numbers, drawn in about 4 s of CPU at worst, and each delivery looks subscriptions up",
            &["MAX_SUBSCRIPTIONS"],
        ),
        row(
            "webhook `retry.attempts`, entries of `retry.schedule`",
            b::MAX_RETRY_ATTEMPTS.to_string(),
            "ten times the default of 100 (three days of backoff capped at 1 h)",
            &["MAX_RETRY_ATTEMPTS"],
        ),
        row(
            "webhook `retry.factor`",
            b::MAX_RETRY_FACTOR.to_string(),
            "each delay is the previous times it, capped by `max`; senders use 2",
            &["MAX_RETRY_FACTOR"],
        ),
        row(
            "any other count (`max_connections`, capacities, `replay_buffer`, `history`, `after`, health-check thresholds)",
            b::MAX_COUNT.to_string(),
            "the most clients a scenario holds",
            &["MAX_COUNT"],
        ),
        row(
            "sweep points (the product of the axes' sizes, `MAX_SWEEP_POINTS` in `src/scenario/sweep.rs`)",
            sweep::MAX_SWEEP_POINTS.to_string(),
            "a billion points are days of work even at a millisecond each; counted with checked arithmetic and built one at a time, never as a whole grid",
            &["MAX_SWEEP_POINTS"],
        ),
        row(
            "memory of a run (estimated before it starts, and its pending events and send buffers while it runs)",
            "`--memory-limit`; by default 80 % of `MemTotal`, or 75 % of `ulimit -v` when lower"
                .to_string(),
            "a run that would not fit is refused (exit 1) naming the largest term; one that grows past it stops, marked incomplete (exit 3); see [Runs under budgets](limits.md#runs-under-budgets)",
            &[],
        ),
    ]
}

/// The hand-written part of `docs/defaults-and-sources.md`, above the table.
const DEFAULTS_INTRO: &str = "\
# Defaults and their sources

<!-- Generated from the constants of the code by src/scenario/doc_tables.rs; do not edit by
hand. Regenerate with `RTSIM_WRITE_DOCS=1 cargo test --test integration generated_docs`. -->

Every default of the model, its value and where it comes from. A default marked as an
assumption is rtsim's choice where no measurement settles it: set your own when the
question depends on it. The defaults of each field are also in the
[scenario reference](scenario-reference.md); the mobile radios' parameters and their
sources are in [Mobile radio energy](energy.md). The values are written from the constants
the simulator uses, so this page cannot fall behind them.
";

/// The whole of `docs/defaults-and-sources.md` (with a trailing newline).
pub fn defaults_page() -> String {
    format!(
        "{DEFAULTS_INTRO}\n{}\n{COSTS_INTRO}\n{}",
        table(["default", "value", "source"], &defaults()),
        cost_table()
    )
}

/// The text above the per-transport cost table.
const COSTS_INTRO: &str = "\
## Server costs per transport

Each transport's row of the server's cost table with every default: the application's
work (the base, `server.cost` and `server.memory_per_connection`, the same for all) plus
the transport's protocol work. The protocol figures are those of one reference stack —
Go's `net/http` (polling, long polling, SSE), gorilla/websocket on a hijacked `net/http`
connection, grpc-go, on Linux — whose per-connection buffers are documented in their
source and docs. No published measurement separates SSE's push CPU from WebSocket's, so
the CPU differences are derived from the work that differs: the framing bytes composed
per message (at 1 ns a byte, rtsim's estimate), SSE's scan of the payload for line breaks
(0.1 ns a byte), one more socket read for a ping that is answered (2 µs, rtsim's
estimate), and WebSocket's unmasking of each client frame (0.25 ns a byte read). Any
figure can be set per transport (`server.cost.websocket: { push: 12us }`);
see [Infrastructure](infrastructure.md#per-transport-costs).
";

/// The per-transport cost table with every default, each row with its derivation.
fn cost_table() -> String {
    use crate::infra::costs::{self, CostTable, Overrides, ServerTransport as T};
    let base = crate::infra::server::CpuCosts {
        accept: d::COST_ACCEPT,
        request: d::COST_REQUEST,
        push: d::COST_PUSH,
        push_per_kib: d::COST_PUSH_PER_KIB,
        read_per_kib: 0,
        ping: d::COST_PING,
        tls_handshake: d::COST_TLS_HANDSHAKE,
    };
    let table = CostTable::build(base, d::MEMORY_PER_CONNECTION, costs::protocol, |_| {
        Overrides::default()
    });
    let why = |t: T| match t {
        T::Polling => {
            "the base; a keep-alive connection adds its goroutine (2 KiB, Go's `stackMin`) and `net/http`'s 4 KiB read and 4 KiB write buffers"
        }
        T::LongPolling => {
            "each answer is a whole response: 220 B of headers composed (+220 ns); a held request keeps `net/http`'s 2 KiB response buffer (`bufferBeforeChunkingSize`)"
        }
        T::Sse => {
            "`data: `, the blank line and the HTTP/1.1 chunk's size line: 14 B composed per event (+14 ns); the payload scanned for line breaks (+100 ns per KiB); an open response holds the 2 KiB response buffer"
        }
        T::WebSocket => {
            "a 2–10 B unmasked header per frame (RFC 6455 §5.3: servers do not mask; +4 ns, nothing per byte); each client frame unmasked as it is read (+250 ns per KiB read: a word-at-a-time XOR at about 4 GB/s, as gorilla's `maskBytes` and Netty's decoder do it); the upgrade's SHA-1 `Sec-WebSocket-Accept` (+1 µs); each ping's pong read (+2 µs); gorilla reuses `net/http`'s buffers, with a reader and a writer goroutine"
        }
        T::Grpc => {
            "5 B length prefix and 9 B DATA frame header per message (+14 ns); the HTTP/2 preface and SETTINGS exchange on accept and each PING's ACK read (+2 µs each); grpc-go's 32 KB read buffer, 32 KB write buffer allocated twice, both HPACK tables (4 KiB each, RFC 7541) and three goroutines"
        }
        T::Webhook => {
            "the sender's outgoing `http.Transport` connection: read and write loop goroutines and 4 KiB buffers each way (its CPU is not modelled)"
        }
    };
    let us = |ns: Nanos| {
        if ns.is_multiple_of(1_000) {
            format!("{} µs", ns / 1_000)
        } else {
            format!("{} µs", fixed_decimal(ns, 3))
        }
    };
    let mut out = String::from(
        "| transport | accept | request | push | push per KiB | read per KiB | ping | TLS handshake | memory per connection | derivation |\n|---|---|---|---|---|---|---|---|---|---|\n",
    );
    for t in T::ALL {
        let row = table.row(t);
        let c = &row.cpu;
        out += &format!(
            "| {} | {} | {} | {} | {} ns | {} ns | {} | {} | {} | {} |\n",
            t.name(),
            us(c.accept),
            us(c.request),
            us(c.push),
            c.push_per_kib,
            c.read_per_kib,
            us(c.ping),
            us(c.tls_handshake),
            bytes(row.memory_per_connection),
            why(t)
        );
    }
    out
}

/// `ns` nanoseconds in units of 10^`places` ns with `places` decimals, trailing zeros
/// dropped (`15220, 3` → `15.22`).
fn fixed_decimal(ns: Nanos, places: u32) -> String {
    let unit = 10u64.pow(places);
    let text = format!(
        "{}.{:0width$}",
        ns / unit,
        ns % unit,
        width = places as usize
    );
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// The bounds table of `docs/limits.md`, between [`BOUNDS_BEGIN`] and [`BOUNDS_END`].
pub fn bounds_table() -> String {
    table(["limit", "value", "reason"], &bounds())
}

/// `page` (the text of `docs/limits.md`) with its bounds table written afresh; an error
/// when the page lacks the lines around the table.
pub fn limits_page(page: &str) -> Result<String, String> {
    let (before, rest) = page
        .split_once(&format!("{BOUNDS_BEGIN}\n\n"))
        .ok_or_else(|| format!("docs/limits.md lacks the line `{BOUNDS_BEGIN}`"))?;
    let (_, after) = rest
        .split_once(&format!("\n{BOUNDS_END}\n"))
        .ok_or_else(|| format!("docs/limits.md lacks the line `{BOUNDS_END}`"))?;
    Ok(format!(
        "{before}{BOUNDS_BEGIN}\n\n{}\n{BOUNDS_END}\n{after}",
        bounds_table()
    ))
}

fn table(header: [&str; 3], rows: &[Row]) -> String {
    let mut out = format!(
        "| {} | {} | {} |\n|---|---|---|\n",
        header[0], header[1], header[2]
    );
    for r in rows {
        let cells = [r.what, &r.value, &r.source];
        let cells: Vec<String> = cells
            .iter()
            .map(|c| {
                if c.is_empty() {
                    " ".into()
                } else {
                    format!(" {c} ")
                }
            })
            .collect();
        out.push_str(&format!("|{}|\n", cells.join("|")));
    }
    out
}

/// `52 B`, `4,000 B`, `32 KiB`, `15 MiB`: whole kibibytes and mebibytes named as such.
/// A proportion in parts per million as a percentage (`48.3 %`).
fn ppm(parts: u32) -> String {
    let tenths = parts / 1_000;
    if tenths.is_multiple_of(10) {
        format!("{} %", tenths / 10)
    } else {
        format!("{}.{} %", tenths / 10, tenths % 10)
    }
}

/// zlib's deflate state at the default window and memory level.
fn deflate_state() -> u64 {
    (1 << (compression::DEFAULT_WINDOW_BITS + 2)) + (1 << (compression::DEFAULT_MEM_LEVEL + 9))
}

fn bytes(n: u64) -> String {
    const KIB: u64 = 1024;
    match n {
        _ if n >= KIB * KIB && n.is_multiple_of(KIB * KIB) => format!("{} MiB", n / (KIB * KIB)),
        _ if n >= 16 * KIB && n.is_multiple_of(KIB) => format!("{} KiB", n / KIB),
        _ => format!("{} B", grouped(n)),
    }
}

/// `1 GiB`, `1 EiB`, `1 MiB`: a power of two in its binary unit.
fn binary_bytes(n: u64) -> String {
    const UNITS: [&str; 7] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    let mut value = n;
    let mut unit = 0;
    while unit + 1 < UNITS.len() && value >= 1024 && value.is_multiple_of(1024) {
        value /= 1024;
        unit += 1;
    }
    format!("{} {}", grouped(value), UNITS[unit])
}

/// `16 MiB`, or the exact bytes.
fn mebibytes(n: u64) -> String {
    limits::mebibytes(n)
}

/// `200 µs`, `40 ms`, `75 s`, `2 h`, `3 days`, `7 days`: the largest unit it is a whole
/// number of.
fn duration(ns: Nanos) -> String {
    const US: Nanos = 1_000;
    const MS: Nanos = 1_000 * US;
    const S: Nanos = 1_000 * MS;
    const H: Nanos = 3_600 * S;
    const DAY: Nanos = 24 * H;
    let whole = |unit: Nanos| ns >= unit && ns.is_multiple_of(unit);
    match ns {
        _ if whole(DAY) && ns / DAY > 1 => format!("{} days", ns / DAY),
        _ if whole(H) => format!("{} h", ns / H),
        _ if whole(S) => format!("{} s", ns / S),
        _ if whole(MS) => format!("{} ms", ns / MS),
        _ if whole(US) => format!("{} µs", ns / US),
        _ => format!("{ns} ns"),
    }
}

/// `1 Tbit/s`, `800 Gbit/s`.
fn bandwidth(bits_per_second: u64) -> String {
    let mut value = bits_per_second;
    for unit in ["bit/s", "kbit/s", "Mbit/s", "Gbit/s"] {
        if value < 1000 || !value.is_multiple_of(1000) {
            return format!("{value} {unit}");
        }
        value /= 1000;
    }
    format!("{value} Tbit/s")
}

/// `4,000`: thousands grouped.
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The constants a source file declares: `pub const NAME` and `pub use ...::{A as B, C}`
    /// (the name it is known by here).
    fn declared(source: &str) -> Vec<String> {
        let mut names = Vec::new();
        let mut rest = source;
        while let Some(at) = rest.find("pub ") {
            rest = &rest[at + 4..];
            if let Some(after) = rest.strip_prefix("const ") {
                let name: String = after
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                names.push(name);
            } else if let Some(after) = rest.strip_prefix("use ") {
                let statement = &after[..after.find(';').unwrap()];
                let list = match statement.find('{') {
                    Some(open) => &statement[open + 1..statement.rfind('}').unwrap()],
                    None => &statement[statement.rfind("::").unwrap() + 2..],
                };
                for item in list.split(',').map(str::trim).filter(|i| !i.is_empty()) {
                    names.push(item.rsplit(' ').next().unwrap().to_string());
                }
            }
        }
        names
    }

    fn shown(rows: &[Row]) -> Vec<&'static str> {
        rows.iter()
            .flat_map(|r| r.constants.iter().copied())
            .collect()
    }

    /// A default added to `defaults.rs` or to the webhook's defaults needs a row (else this
    /// fails), so the page lists every default.
    #[test]
    fn every_default_has_a_row() {
        let rows = defaults();
        let shown = shown(&rows);
        let mut expected = declared(include_str!("defaults.rs"));
        expected.extend(
            declared(include_str!("../webhook/config.rs"))
                .into_iter()
                .filter(|n| n.starts_with("DEFAULT_"))
                .map(|n| format!("webhook::{n}")),
        );
        // The REST client's retry delay lives with the outbox that retries.
        expected.extend(declared(include_str!("../transport/outbox.rs")));
        assert!(expected.contains(&"REST_RETRY".to_string()));
        assert!(expected.len() > 40, "{expected:?}");
        for name in &expected {
            assert!(
                shown.contains(&name.as_str()),
                "{name} has no row in doc_tables::defaults()"
            );
        }
    }

    /// A limit added to `limits.rs` or `bounds.rs` needs a row (else this fails).
    #[test]
    fn every_bound_has_a_row() {
        let rows = bounds();
        let shown = shown(&rows);
        let mut expected = declared(include_str!("limits.rs"));
        expected.extend(declared(include_str!("bounds.rs")));
        assert!(expected.len() > 20, "{expected:?}");
        for name in &expected {
            assert!(
                shown.contains(&name.as_str()),
                "{name} has no row in doc_tables::bounds()"
            );
        }
    }

    /// The pages say how to regenerate them, as the failing test does.
    #[test]
    fn the_pages_name_the_command() {
        assert!(BOUNDS_BEGIN.contains(REGENERATE));
        assert!(DEFAULTS_INTRO.replace('\n', " ").contains(REGENERATE));
        let page = format!("intro\n\n{BOUNDS_BEGIN}\n\n| old |\n\n{BOUNDS_END}\nrest\n");
        let written = limits_page(&page).unwrap();
        assert!(written.starts_with(&format!("intro\n\n{BOUNDS_BEGIN}\n\n| limit |")));
        assert!(written.ends_with(&format!("|\n\n{BOUNDS_END}\nrest\n")));
        assert!(limits_page("no markers").is_err());
    }

    #[test]
    fn values_read_as_written() {
        assert_eq!(bytes(1448), "1,448 B");
        assert_eq!(bytes(32 * 1024), "32 KiB");
        assert_eq!(bytes(15 * 1024 * 1024), "15 MiB");
        assert_eq!(binary_bytes(1 << 60), "1 EiB");
        assert_eq!(binary_bytes((1 << 31) - 1), "2,147,483,647 B");
        assert_eq!(duration(40_000_000), "40 ms");
        assert_eq!(duration(7 * 24 * 3_600_000_000_000), "7 days");
        assert_eq!(duration(2 * 3_600_000_000_000), "2 h");
        assert_eq!(duration(200_000), "200 µs");
        assert_eq!(bandwidth(1_000_000_000_000), "1 Tbit/s");
        assert_eq!(bandwidth(800_000_000_000), "800 Gbit/s");
    }
}
