//! `clients:` named groups of identical clients: how many, on which link profile, how
//! they ramp up, their browser tabs, proxy and TLS.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::checker::Checker;
use super::error::ScenarioError;
use super::spec::{ClientGroup, GroupPath, LinkId, LinkProfile};
use crate::net::tls::TlsVersion;
use crate::time::Nanos;
use crate::units::{ByteSize, Duration};

/// Most clients a scenario may hold (each costs about 200 bytes of state per run).
pub const MAX_CLIENTS: u64 = 10_000_000;
/// Most tabs per browser.
pub const MAX_TABS: u32 = 100;

/// A group of identical clients.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawClientGroup {
    /// Number of clients in the group. Required, ≥ 1.
    pub count: u32,
    /// Name of a profile under `network`. Required.
    pub link: String,
    /// Clients start uniformly at random within [0, ramp). Default 0s (all at time 0).
    pub ramp: Option<Duration>,
    /// Tabs per client (browser), each running the transport and counted as a client; they
    /// share the browser's access link and, over HTTP/1.1, its six connections per origin
    /// (see Browsers and tabs on the TCP, TLS and HTTP page). Default 1; at most 100.
    pub tabs: Option<u32>,
    /// Name of a proxy under `proxies` that the group's connections pass through: shorthand
    /// for a path without a `topology` (with one, the proxies are those on the group's
    /// path). Default: none.
    pub via: Option<String>,
    /// TLS on the group's connections: `none`, `"1.2"` or `"1.3"`. Default none.
    pub tls: Option<TlsVersion>,
    /// The keep-alive idle timeout of the group's connections, in place of
    /// `server.keepalive_timeout` (clients, a NAT or a middlebox that drop idle
    /// connections sooner than the server does; shorter than the poll interval, every poll
    /// opens a new TCP (and TLS) connection). `0s` for none. Default: the server's.
    pub keepalive_timeout: Option<Duration>,
    /// `false`: HTTP/1.0-style `Connection: close` on every request and response of the
    /// group's HTTP/1.1 request/response traffic (polling, long polling, REST): the server
    /// closes the connection after each response, so each request opens a new TCP (and
    /// TLS) connection. Streams (SSE, WebSocket, gRPC) and HTTP/2 (which has no
    /// `Connection` header, RFC 9113 section 8.2.2) keep theirs. Default true (HTTP/1.1's
    /// persistent connections, RFC 9112 section 9.3).
    pub keep_alive: Option<bool>,
    /// HTTP/1.1 request header bytes (request line to the blank line) of the group's
    /// requests, in place of the transport's: a group whose requests carry cookies or an
    /// auth token (the SPDY white paper reports 700-800 B of request headers with cookies;
    /// a JWT in an `Authorization: Bearer` header adds several hundred bytes). They size
    /// the GETs of polling, long polling and SSE (in place of `request_headers`;
    /// conditional polling's `If-None-Match` still comes on top, and HTTP/2 compresses them
    /// as any headers), a WebSocket's upgrade (these plus the upgrade's own 50 B, in place
    /// of `upgrade_request`) and the REST client's requests (history GETs these, `POST`s
    /// these plus 50 B of `Content-Type` and `Content-Length`, in place of
    /// `rest.request_headers`). gRPC's headers keep their own sizes. Default: the
    /// transport's (450B unless set there).
    pub request_headers: Option<ByteSize>,
}

/// Reads `clients` (its paths through the topology come later): at least one client per
/// group, a known link profile, a ramp shorter than the run, 1 to [`MAX_TABS`] tabs.
pub(crate) fn groups(
    clients: &BTreeMap<String, RawClientGroup>,
    links: &[LinkProfile],
    duration: Nanos,
    c: &Checker,
) -> Result<Vec<ClientGroup>, ScenarioError> {
    let mut groups = Vec::new();
    for (name, group) in clients {
        let path = format!("clients.{name}");
        if group.count == 0 {
            return Err(c.error(&format!("{path}.count"), "must be at least 1"));
        }
        let link = links
            .iter()
            .position(|l| l.name == group.link)
            .ok_or_else(|| {
                let names: Vec<&str> = links.iter().map(|l| l.name.as_str()).collect();
                c.error(
                    &format!("{path}.link"),
                    format!(
                        "unknown link profile \"{}\"; expected one of: {}",
                        group.link,
                        names.join(", ")
                    ),
                )
            })?;
        let ramp = group.ramp.map_or(0, |r| r.as_nanos());
        if ramp >= duration {
            return Err(c.error(&format!("{path}.ramp"), "must be shorter than duration"));
        }
        if !(1..=MAX_TABS).contains(&group.tabs.unwrap_or(1)) {
            return Err(c.error(
                &format!("{path}.tabs"),
                format!("must be between 1 and {MAX_TABS}"),
            ));
        }
        groups.push(ClientGroup {
            name: name.clone(),
            count: group.count,
            link: LinkId(link as u32),
            ramp,
            tls: group.tls.unwrap_or_default(),
            tabs: group.tabs.unwrap_or(1),
            path: GroupPath::default(),
            keepalive_timeout: group
                .keepalive_timeout
                .map(|t| (t.as_nanos() > 0).then(|| t.as_nanos())),
            connection_close: group.keep_alive == Some(false),
            request_headers: group.request_headers.map(|v| v.bytes()),
        });
    }
    Ok(groups)
}

/// A group's `request_headers` needs requests it sizes: a browser's HTTP/1.1 requests,
/// that is a step (a fallback's too) that is polling, long polling, SSE or WebSocket (its
/// upgrade), or the REST client's history asks. Only gRPC has its own headers.
pub(crate) fn check_request_headers(
    groups: &[ClientGroup],
    transports: &[super::spec::TransportSpec],
    rest: &super::spec::RestSpec,
    c: &Checker,
) -> Result<(), ScenarioError> {
    let Some(group) = groups.iter().find(|g| g.request_headers.is_some()) else {
        return Ok(());
    };
    let sized = rest.history.is_some()
        || transports
            .iter()
            .filter_map(|t| t.kind.chain())
            .any(|chain| chain.steps().any(|m| m.with_request_headers(0).is_some()));
    if sized {
        return Ok(());
    }
    Err(c.error(
        &format!("clients.{}.request_headers", group.name),
        REQUEST_HEADERS_UNUSED,
    ))
}

/// Why a group's `request_headers` size nothing.
const REQUEST_HEADERS_UNUSED: &str = "sizes a browser's HTTP/1.1 requests (polling, long polling, SSE, a WebSocket upgrade, REST), and every transport variant is gRPC, whose headers are its own";

/// Checks the number of clients over all groups (tabs counted): at most [`MAX_CLIENTS`].
pub(crate) fn check_total(groups: &[ClientGroup], c: &Checker) -> Result<(), ScenarioError> {
    let total_clients: u64 = groups.iter().map(|g| g.count as u64 * g.tabs as u64).sum();
    if total_clients > MAX_CLIENTS {
        return Err(c.error(
            "clients",
            format!("{total_clients} clients in all; at most {MAX_CLIENTS} per scenario"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::checker::check_section;

    fn dsl() -> Vec<LinkProfile> {
        vec![LinkProfile {
            name: "dsl".into(),
            latency: 0,
            jitter: 0,
            down_bps: 1,
            up_bps: 1,
            loss_ppm: 0,
            radio: None,
        }]
    }

    #[test]
    fn a_group_names_its_link_and_tabs() {
        let text = "clients:\n  office: { count: 5, link: dsl, tabs: 3, ramp: 1s }\n";
        let error = check_section(text, "clients", |g, c| groups(g, &dsl(), 10, c)).unwrap_err();
        assert_eq!(error.field.as_deref(), Some("clients.office.ramp"));
        assert_eq!(error.message, "must be shorter than duration");
        let read =
            check_section(text, "clients", |g, c| groups(g, &dsl(), 2_000_000_000, c)).unwrap();
        assert_eq!((read[0].count, read[0].tabs), (5, 3));
        assert_eq!(read[0].link, LinkId(0));
    }

    /// A group's `request_headers` with only gRPC variants would size nothing; a
    /// WebSocket variant's upgrade takes them.
    #[test]
    fn group_request_headers_need_a_transport_they_size() {
        let text = |transport: &str| {
            format!(
                "name: t\nduration: 10s\nnetwork:\n  lan: {{ latency: 1ms, bandwidth: 10Mbit/s }}\n\
                 clients:\n  c: {{ count: 1, link: lan, request_headers: 800B }}\n\
                 workload:\n  events: {{ source: periodic, rate: 1/s, payload: 10B }}\n\
                 transports:\n  - {transport}\n"
            )
        };
        let load = |t: &str| crate::scenario::load_str("<headers test>", &text(t), &[]);
        let error = load("{ grpc: { mode: server_streaming } }").unwrap_err();
        assert_eq!(error.field.as_deref(), Some("clients.c.request_headers"));
        assert_eq!(error.message, REQUEST_HEADERS_UNUSED);
        let scenario = load("{ websocket: {} }").unwrap();
        assert_eq!(scenario.groups[0].request_headers, Some(800));
    }

    #[test]
    fn refuses_an_unknown_link_and_too_many_clients() {
        let text = "clients:\n  office: { count: 5, link: lte }\n";
        let error = check_section(text, "clients", |g, c| groups(g, &dsl(), 10, c)).unwrap_err();
        assert_eq!(error.field.as_deref(), Some("clients.office.link"));
        assert_eq!(
            error.message,
            "unknown link profile \"lte\"; expected one of: dsl"
        );
        let text = "clients:\n  all: { count: 5000000, link: dsl, tabs: 3 }\n";
        let error = check_section(text, "clients", |g, c| {
            check_total(&groups(g, &dsl(), 10, c).unwrap(), c)
        })
        .unwrap_err();
        assert_eq!(
            error.message,
            "15000000 clients in all; at most 10000000 per scenario"
        );
    }
}
