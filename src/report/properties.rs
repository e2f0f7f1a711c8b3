//! The transports' documented properties that a simulation cannot measure (which browsers
//! have the API, which way data flows, binary frames, built-in reconnect), each with its
//! source, printed next to the measured rows. Where rtsim measures the consequence of a
//! property (a proxy denying upgrades, the six-connection limit, reconnects), the row says
//! where to look.

use serde::Serialize;

use crate::metrics::RunResult;

/// One documented property: its value for each transport kind, and where it comes from.
struct Property {
    name: &'static str,
    /// (transport kind, value), for every kind rtsim runs.
    values: [(&'static str, &'static str); 6],
    /// (gRPC mode, value) where the mode changes the gRPC value.
    grpc_modes: &'static [(&'static str, &'static str)],
    source: &'static str,
}

const PROPERTIES: &[Property] = &[
    Property {
        name: "direction",
        values: [
            ("polling", "client pulls; server answers"),
            (
                "long_polling",
                "client pulls; server answers when it has news",
            ),
            ("sse", "server to client only"),
            ("websocket", "both ways, full duplex"),
            ("grpc", "server to client (server streaming)"),
            (
                "webhook",
                "server to server: a POST per event to each receiver",
            ),
        ],
        grpc_modes: &[
            ("unary", "client asks, server answers (unary calls)"),
            (
                "bidirectional",
                "both ways on one stream (bidirectional streaming)",
            ),
            (
                "client_streaming",
                "client to server; one answer at the end (client streaming)",
            ),
        ],
        source: "WHATWG HTML Living Standard, server-sent events (9.2); RFC 6455 section 1.1; gRPC core concepts (four RPC kinds); GitHub and Stripe webhook documentation",
    },
    Property {
        name: "browser API",
        values: [
            ("polling", "fetch / XMLHttpRequest"),
            ("long_polling", "fetch / XMLHttpRequest"),
            ("sse", "EventSource"),
            ("websocket", "WebSocket"),
            ("grpc", "none: native clients, or gRPC-Web through a proxy"),
            (
                "webhook",
                "none: the receivers are other services' HTTP endpoints",
            ),
        ],
        grpc_modes: &[],
        source: "WHATWG Fetch, HTML (EventSource) and WebSockets standards",
    },
    Property {
        name: "browser support",
        values: [
            ("polling", "every browser"),
            ("long_polling", "every browser"),
            ("sse", "every current browser (not Internet Explorer)"),
            (
                "websocket",
                "every current browser (Internet Explorer from 10)",
            ),
            (
                "grpc",
                "browsers only through gRPC-Web and a translating proxy",
            ),
            ("webhook", "not applicable: server to server"),
        ],
        grpc_modes: &[],
        source: "MDN Web Docs browser compatibility tables for EventSource and WebSocket; grpc.io, gRPC-Web",
    },
    Property {
        name: "binary payloads",
        values: [
            ("polling", "yes (a binary body; base64 inside JSON)"),
            ("long_polling", "yes (a binary body; base64 inside JSON)"),
            ("sse", "no: UTF-8 text only (base64; measured as framing)"),
            ("websocket", "yes: binary frames"),
            ("grpc", "yes: protobuf messages"),
            ("webhook", "yes: any request body"),
        ],
        grpc_modes: &[],
        source: "WHATWG HTML 9.2.5 (the event stream is UTF-8); RFC 6455 section 5.6 (opcode 0x2)",
    },
    Property {
        name: "built-in reconnect",
        values: [
            ("polling", "not needed: every poll is a new request"),
            (
                "long_polling",
                "no: the application loops (measured: totals.reconnects)",
            ),
            ("sse", "yes, after `retry` (default 3 s; measured)"),
            ("websocket", "no: the application's policy (measured)"),
            (
                "grpc",
                "the channel reconnects with backoff; the stream is re-opened (measured)",
            ),
            (
                "webhook",
                "the sender retries each event on its schedule (measured: attempts, given up)",
            ),
        ],
        grpc_modes: &[],
        source: "WHATWG HTML 9.2.3 (EventSource reestablishes the connection); WHATWG WebSockets (no reconnect); gRPC connection-backoff spec",
    },
    Property {
        name: "resume after a gap",
        values: [
            ("polling", "a cursor in the request (application)"),
            ("long_polling", "a cursor in the request (application)"),
            (
                "sse",
                "Last-Event-ID header, sent by the browser (measured)",
            ),
            ("websocket", "application-defined (measured: resume)"),
            ("grpc", "application-defined cursor (measured: resume)"),
            (
                "webhook",
                "retries until the schedule's maximum age; at least once (measured: duplicates)",
            ),
        ],
        grpc_modes: &[],
        source: "WHATWG HTML 9.2.4 (Last-Event-ID)",
    },
    Property {
        name: "through HTTP proxies",
        values: [
            ("polling", "plain HTTP requests"),
            (
                "long_polling",
                "plain HTTP; held requests meet idle timeouts (measured)",
            ),
            ("sse", "plain HTTP; buffering proxies stall it (measured)"),
            (
                "websocket",
                "needs the proxy to pass Upgrade (measured: denied)",
            ),
            ("grpc", "needs HTTP/2 end to end (trailers)"),
            (
                "webhook",
                "plain HTTPS POST; the receiver must be reachable from the sender",
            ),
        ],
        grpc_modes: &[],
        source: "RFC 9110 section 7.8 (Upgrade); RFC 6455 section 4.1",
    },
    Property {
        name: "connections per browser (HTTP/1.1)",
        values: [
            ("polling", "shares the 6 per origin; each poll is brief"),
            ("long_polling", "holds 1 of the 6 per origin per tab"),
            (
                "sse",
                "holds 1 of the 6 per origin per tab (measured: blocked streams)",
            ),
            ("websocket", "outside the 6-per-origin limit"),
            ("grpc", "one HTTP/2 connection, streams multiplexed"),
            (
                "webhook",
                "not applicable: the sender keeps a keep-alive pool per receiver",
            ),
        ],
        grpc_modes: &[],
        source: "Chromium and Firefox: 6 connections per host over HTTP/1.1; MDN EventSource notes",
    },
];

/// A property with its value for each variant, in scenario order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PropertyRow {
    pub property: &'static str,
    pub values: Vec<&'static str>,
    pub source: &'static str,
}

/// The property table for `results`' variants.
pub fn property_rows(results: &[RunResult]) -> Vec<PropertyRow> {
    PROPERTIES
        .iter()
        .map(|p| PropertyRow {
            property: p.name,
            values: results
                .iter()
                .map(|r| {
                    let by_mode = r.grpc_mode.and_then(|mode| {
                        p.grpc_modes
                            .iter()
                            .find(|(m, _)| *m == mode.name())
                            .map(|(_, v)| *v)
                    });
                    by_mode.unwrap_or_else(|| {
                        p.values
                            .iter()
                            .find(|(kind, _)| *kind == r.transport)
                            .map_or("-", |(_, v)| *v)
                    })
                })
                .collect(),
            source: p.source,
        })
        .collect()
}

/// The table in GitHub Markdown, with its sources underneath.
pub fn properties_markdown(results: &[RunResult]) -> String {
    let rows = property_rows(results);
    let mut out = String::from("## Documented properties (not simulated)\n\n| property |");
    for r in results {
        out.push_str(&format!(" {} |", r.label));
    }
    out.push_str("\n|---|");
    for _ in results {
        out.push_str("---|");
    }
    out.push('\n');
    for row in &rows {
        out.push_str(&format!("| {} |", row.property));
        for v in &row.values {
            out.push_str(&format!(" {v} |"));
        }
        out.push('\n');
    }
    out.push_str("\nSources:\n\n");
    for row in &rows {
        out.push_str(&format!("- {}: {}\n", row.property, row.source));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_property_covers_every_transport_kind() {
        for p in PROPERTIES {
            let kinds: Vec<&str> = p.values.iter().map(|(k, _)| *k).collect();
            assert_eq!(
                kinds,
                [
                    "polling",
                    "long_polling",
                    "sse",
                    "websocket",
                    "grpc",
                    "webhook"
                ],
                "{}",
                p.name
            );
            assert!(!p.source.is_empty());
        }
    }
}
