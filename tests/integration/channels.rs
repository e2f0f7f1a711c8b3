//! Several channels per client (issue 17): each channel's bytes and latency against a hand
//! computation for one user, the browser's connection limits across a user's channels, and
//! the per-channel results adding up to the variant's totals.

use rtsim::RunResult;
use rtsim::infra::costs::{
    FRAMING_PER_BYTE, SSE_FRAMING_BYTES, SSE_SCAN_PER_KIB, WEBSOCKET_FRAMING_BYTES,
};
use rtsim::metrics::channels::ChannelResult;

use crate::support::{run, scenario};

/// One user on a 5 ms, 100 Mbit/s link without TLS; one server core whose push costs
/// 100 µs; workload events every 10 s of 40 B, the user's messages (3/min, 100 B) published
/// back to it; `transports` are the variants.
fn one_user(duration: &str, transports: &str) -> String {
    format!(
        "name: channels
seed: 3
duration: {duration}
network:
  link: {{ latency: 5ms, bandwidth: 100Mbit/s }}
clients:
  users: {{ count: 1, link: link }}
server: {{ cores: 1, cost: {{ push: 100us }} }}
workload:
  events: {{ source: periodic, rate: 6/min, payload: 40B }}
  messages: {{ rate: 3/min, payload: 100B, deliver_to: all }}
rest: {{ history: 5 }}
transports:
{transports}"
    )
}

const CHAT: &str = "  - label: chat
    channels:
      - { receives: [messages], sends: messages, websocket: {} }
      - { receives: [events], sse: {} }
      - { rest: {}, carries: [history] }
";

fn channel<'r>(r: &'r RunResult, transport: &str) -> &'r ChannelResult {
    r.channels
        .iter()
        .find(|ch| ch.transport == transport)
        .unwrap_or_else(|| panic!("no {transport} channel"))
}

/// The done-when test: one user, three channels, each one's bytes and latency by hand.
///
/// - WebSocket (the messages, both ways): the 500 B upgrade and its 129 B `101`; each of
///   the M messages goes up as a masked frame (2 B header + 4 B mask) and comes back as a
///   2 B-header frame. TCP/IP: the SYN and SYN-ACK (60 B each), the handshake's pure ACK
///   up, one 52 B segment per message, the server's quick pure ACK of the upgrade request
///   (its first data), and the client's quick pure ACK for each message down (the first 16
///   segments of a connection, and after each silence longer than the RTO); the server,
///   interactive since it answered the upgrade at once, delays its ACK of each upload,
///   which rides on the message it pushes back (issue 18: Linux's ACK policy). Latency of a message pushed back:
///   the push (100 µs, plus WebSocket's framing work in the cost table) + its 154 B at 100 Mbit/s (12.32 µs) + 5 ms.
/// - SSE (the 5 events at 10, 20, ... 50 s): one 450 B `GET`, 220 B of response headers,
///   each event `id: N\ndata: <40 B>\n\n` (54 B, ids below 10) in a chunk `36\r\n...\r\n`
///   (60 B); its TCP/IP as the WebSocket's (handshake ACK, the server's quick ACK of the
///   `GET`, the client's quick ACK of everything down). Latency: 100 µs (plus SSE's framing and scan work) + (60 + 52) B at 100 Mbit/s (8.96 µs) + 5 ms.
/// - REST (history): one fetch when the WebSocket opens (nothing older to fetch): a 450 B
///   request, a 220 B answer with the empty array `[]`; TCP/IP: SYN, the handshake ACK, the
///   request and the quick ACK of the answer up, SYN-ACK, the quick ACK of the request and
///   the answer down.
///
/// The channels' bytes add up to the run's totals.
#[test]
fn one_user_three_channels_match_the_hand_computation() {
    let r = run(&scenario(&one_user("55500ms", CHAT))).remove(0);
    assert_eq!(r.channels.len(), 3);
    let m = r.messages.as_ref().expect("a two-way run").written;
    let events = 5;
    assert!(
        m >= 1 && m + events < 10,
        "{m} messages: the ids stay one digit"
    );

    let ws = channel(&r, "websocket");
    assert!(ws.sends && ws.receives == ["messages"]);
    let (down, up) = (ws.bytes.down, ws.bytes.up);
    assert_eq!(down.payload, 100 * m);
    assert_eq!(down.framing, 129 + 2 * m);
    assert_eq!(down.tcpip, 60 + 52 + 52 * (1 + m));
    assert_eq!(up.payload, 100 * m);
    assert_eq!(up.framing, 500 + 6 * m);
    assert_eq!(up.tcpip, 60 + 52 + 52 + 52 * m + 52 * (1 + m));
    let latency = ws.latency.as_ref().expect("messages delivered");
    assert_eq!(latency.samples, m);
    // The push: the scenario's 100 µs plus WebSocket's own framing work in the default
    // per-transport cost table (4 framing bytes at 1 ns each).
    let ws_push = 0.1 + (WEBSOCKET_FRAMING_BYTES * FRAMING_PER_BYTE) as f64 / 1e6;
    assert!((latency.mean_ms - (ws_push + 154.0 * 8.0 / 100e6 * 1e3 + 5.0)).abs() < 1e-6);

    let sse = channel(&r, "sse");
    assert!(!sse.sends && sse.receives == ["events"]);
    let (down, up) = (sse.bytes.down, sse.bytes.up);
    assert_eq!(down.payload, 40 * events);
    assert_eq!(down.framing, 220 + (60 - 40) * events);
    assert_eq!(down.tcpip, 60 + 52 + 52 * (1 + events));
    assert_eq!((up.payload, up.framing), (0, 450));
    assert_eq!(up.tcpip, 60 + 52 + 52 + 52 * (1 + events));
    let latency = sse.latency.as_ref().expect("events delivered");
    assert_eq!(latency.samples, events);
    // The push: 100 µs plus SSE's framing work (14 bytes at 1 ns) and its line scan
    // (100 ns per KiB of the 40 B payload, rounded down: 3 ns).
    let sse_push =
        0.1 + (SSE_FRAMING_BYTES * FRAMING_PER_BYTE + 40 * SSE_SCAN_PER_KIB / 1024) as f64 / 1e6;
    assert!((latency.mean_ms - (sse_push + 112.0 * 8.0 / 100e6 * 1e3 + 5.0)).abs() < 1e-6);

    let rest = channel(&r, "rest");
    assert!(rest.history && rest.latency.is_none());
    assert_eq!((rest.bytes.up.framing, rest.bytes.down.framing), (450, 222));
    assert_eq!(
        (rest.bytes.up.tcpip, rest.bytes.down.tcpip),
        (60 + 52 + 52 + 52, 60 + 52 + 52)
    );
    assert_eq!(r.history.as_ref().map(|h| h.fetches), Some(1));

    // Each channel opened one connection; the totals are the channels' sum.
    for ch in &r.channels {
        assert_eq!(ch.connections_opened, 1, "{}", ch.transport);
    }
    let sum = |f: fn(&ChannelResult) -> u64| r.channels.iter().map(f).sum::<u64>();
    assert_eq!(sum(|ch| ch.bytes.down.total()), r.totals.bytes.down.total());
    assert_eq!(sum(|ch| ch.bytes.up.total()), r.totals.bytes.up.total());
    assert_eq!(sum(|ch| ch.connections_opened), r.totals.connections_opened);
    let samples = sum(|ch| ch.latency.as_ref().map_or(0, |l| l.samples));
    assert_eq!(Some(samples), r.latency.as_ref().map(|l| l.samples));
    assert_eq!(r.ledger.delivered, m + events);
    assert_eq!(r.ledger.lost + r.ledger.in_flight, 0);
}

/// The short form reports no channels (its outputs are what they were).
#[test]
fn one_transport_reports_no_channels() {
    let r = run(&scenario(&one_user("30s", "  - { websocket: {} }\n"))).remove(0);
    assert!(r.channels.is_empty());
    let json = serde_json::to_string(&r).unwrap();
    assert!(!json.contains("\"channels\""));
}

/// A browser of `tabs` tabs, each with an SSE channel (events), a long-polling channel
/// (messages) and a REST channel (the tab's messages up); `http2`: SSE and long polling
/// over HTTP/2.
fn tabs(tabs: u32, http2: bool) -> RunResult {
    let text = format!(
        "name: tabs
seed: 2
duration: 60s
network:
  link: {{ latency: 5ms, bandwidth: 100Mbit/s }}
clients:
  users: {{ count: 1, link: link, tabs: {tabs} }}
workload:
  events: {{ source: poisson, rate: 1/s, payload: 40B }}
  messages: {{ rate: 6/min, payload: 100B, deliver_to: all }}
transports:
  - channels:
      - {{ receives: [events], sse: {{ http2: {http2} }} }}
      - {{ receives: [messages], long_polling: {{ http2: {http2} }} }}
      - {{ rest: {{}}, sends: messages }}
"
    );
    run(&scenario(&text)).remove(0)
}

/// HTTP/1.1's six connections per origin count every channel of every tab: two tabs hold
/// four (a stream and a held request each) and their REST calls take the other two; with
/// three tabs the streams and held requests take all six, and the REST calls wait for
/// ever (an SSE stream and REST calls share the limit, as issue 17 says).
#[test]
fn the_six_connections_per_origin_count_every_channel() {
    let two = tabs(2, false);
    assert_eq!(two.blocked_streams.blocked, 0);
    assert!(two.messages.as_ref().unwrap().published > 0);
    let three = tabs(3, false);
    assert_eq!(
        three.blocked_streams.blocked, 3,
        "each tab's REST client waits"
    );
    assert_eq!(three.blocked_streams.still_blocked, 3);
    assert_eq!(three.messages.as_ref().unwrap().published, 0);
}

/// Over HTTP/2 a tab's SSE stream and its long-polling requests are streams of the
/// browser's one connection: one connection for both channels of every tab, beside the
/// REST channel's HTTP/1.1 ones.
#[test]
fn http2_channels_share_the_browsers_one_connection() {
    let r = tabs(3, true);
    assert_eq!(r.blocked_streams.blocked, 0);
    let pushed: u64 = r.channels[..2].iter().map(|ch| ch.connections_opened).sum();
    assert_eq!(pushed, 1, "one HTTP/2 connection for six streams");
    assert!(r.channels[2].connections_opened >= 1);
    assert!(r.messages.as_ref().unwrap().published > 0);
    assert_eq!(r.ledger.lost, 0);
}
