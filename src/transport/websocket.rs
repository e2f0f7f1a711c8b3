//! WebSocket (RFC 6455): an HTTP/1.1 upgrade, then one unmasked binary-or-text frame per
//! event from the server; optional server pings, each answered by a masked pong. The
//! clients' messages go up the same connection as masked frames. A variant may list
//! fallbacks (SSE, long polling; SignalR's client tries WebSockets, then Server-Sent
//! Events, then long polling) taken when a proxy denies the upgrade or attempts keep
//! failing; a client that fell back behaves exactly as a client of that transport.
//!
//! With permessage-deflate (RFC 7692) the `101` accepts the extension and every data
//! message, both ways, is compressed (RSV1 set, a bit of the header it has anyway), its
//! length field counting the compressed bytes and the tail a sync flush leaves; control
//! frames (ping, pong) never are (RFC 7692 section 6).

use crate::ids::{ClientId, EventNo};
use crate::time::Nanos;
use crate::transport::compression::Deflate;
use crate::transport::framing::{json_array_overhead, websocket_header};
use crate::transport::machine::{Command, Commands, Input};
use crate::transport::message::{ConnInfo, MsgKind};
use crate::transport::spec::ReconnectPolicy;
use crate::transport::spec::WS_RECONNECT_DELAY;
use crate::transport::spec::{Backoff, Jitter};
use crate::workload::{Encoding, EventLog};

/// WebSocket's settings and behaviour. The fallback chain is its variant's
/// ([`crate::transport::Chain`]); a WebSocket only knows whether it has one.
#[derive(Debug, Clone, Copy)]
pub struct WebSocket {
    pub ping: Option<Nanos>,
    pub upgrade_request: u64,
    pub upgrade_response: u64,
    pub reconnect: Option<ReconnectPolicy>,
    pub replay: bool,
    /// Its variant lists fallbacks.
    pub has_fallback: bool,
    /// permessage-deflate (RFC 7692), when negotiated.
    pub deflate: Option<Deflate>,
    /// Bytes of the application's envelope around each data message (naming its logical
    /// stream); 0: none.
    pub envelope: u64,
    /// The application batch window: the events of a window go out as one frame at its
    /// end ([`crate::transport::batch`]); `None`: one frame per event.
    pub batch: Option<Nanos>,
    /// Carried by a serverless server's managed gateway ([`crate::infra::gateway`]).
    pub gateway: bool,
}

/// The header bytes a WebSocket upgrade adds to a plain GET of the same browser: 50 B,
/// the default upgrade request (500 B: Upgrade, Connection: Upgrade,
/// Sec-WebSocket-Key/Version/Extensions on top of what every request carries) less the
/// default request headers (450 B, [`crate::transport::spec::DEFAULT_HTTP_REQUEST_HEADERS`]).
/// A client group's own `request_headers` (cookies, a token: a browser sends its cookies
/// with the upgrade, RFC 6455 section 4.1, item 12) plus these size its upgrades.
pub const UPGRADE_OWN_HEADERS: u64 = 50;

/// The application envelope naming an event's stream (of a `name_len`-byte name) when
/// several share one socket: `{"stream":"<name>","data":` before the payload and `}` after
/// it, 21 bytes and the name. The shape is Phoenix Channels' and Socket.IO's (a topic or
/// event name beside the data in one JSON message); the field names are this model's.
pub fn stream_envelope(name_len: u64) -> u64 {
    r#"{"stream":"","data":}"#.len() as u64 + name_len
}

impl WebSocket {
    /// Application-layer sizes of its messages.
    pub fn size(&self, kind: MsgKind, log: &EventLog, conn: ConnInfo) -> (u64, u64) {
        match kind {
            MsgKind::Request => (0, self.upgrade_request),
            MsgKind::StreamOpen => (
                0,
                self.upgrade_response + self.deflate.map_or(0, |d| d.accepted_extension()),
            ),
            MsgKind::Event(n) => {
                let envelope = self.envelope_of(log, n, conn.client);
                self.data_frame(log.payload(n), envelope, false)
            }
            MsgKind::Batch { first, count } => self.batch_frame(log, conn.client, first, count),
            // Empty ping from the server; the pong echoes it from the client, masked.
            MsgKind::Keepalive => (0, websocket_header(0, false)),
            MsgKind::Pong => (0, websocket_header(0, true)),
            // A client's message: a masked frame (RFC 6455 5.3).
            MsgKind::Upload { payload, .. } => self.data_frame(payload as u64, self.envelope, true),
            other => unreachable!("{other:?} is not a WebSocket message"),
        }
    }

    /// The envelope around event `n` for `client`: the scenario's `envelope`, or, when
    /// several named streams share this socket and the scenario gives none, one naming
    /// the event's stream ([`stream_envelope`]). A batch wraps each of its events alike.
    #[inline]
    fn envelope_of(&self, log: &EventLog, n: EventNo, client: ClientId) -> u64 {
        match log.stream_name_len(n, client) {
            Some(len) if self.envelope == 0 => stream_envelope(len),
            _ => self.envelope,
        }
    }

    /// `(payload, framing)` of a one-frame data message of `payload` bytes in the
    /// application's envelope, compressed (envelope and all) when the extension is on.
    #[inline]
    fn data_frame(&self, payload: u64, envelope: u64, masked: bool) -> (u64, u64) {
        match self.deflate {
            None => (
                payload,
                envelope + websocket_header(payload + envelope, masked),
            ),
            Some(d) => {
                let (compressed, tail) = d.websocket_message(payload + envelope);
                (
                    compressed,
                    websocket_header(compressed + tail, masked) + tail,
                )
            }
        }
    }

    /// `(payload, framing)` of one data message holding a batch: a JSON array of the
    /// events for `client` among `count` from `first`, each in its envelope (as
    /// [`Self::envelope_of`] gives it, the per-stream one included)
    /// (a binary payload as a base64 string, as a polling response carries it:
    /// [`crate::transport::http::exchange_size`]'s rule), compressed as one message when
    /// the extension is on.
    fn batch_frame(
        &self,
        log: &EventLog,
        client: ClientId,
        first: EventNo,
        count: u32,
    ) -> (u64, u64) {
        let payload = log.payloads_for(client, first, count);
        let matched = u64::from(log.count_for(client, first, first + count));
        let strings = match log.encoding {
            Encoding::Json => 0,
            Encoding::Binary => log.text_inflations_for(client, first, count) + 2 * matched,
        };
        // Each event in its envelope, as an unbatched frame carries it.
        let envelopes = if self.envelope == 0 && log.tags.is_some() {
            log.matching(client, first, count)
                .map(|n| self.envelope_of(log, n, client))
                .sum()
        } else {
            self.envelope * matched
        };
        let text = json_array_overhead(matched) + strings + envelopes;
        match self.deflate {
            None => (payload, text + websocket_header(payload + text, false)),
            Some(d) => {
                let (compressed, tail) = d.websocket_message(payload + text);
                (
                    compressed,
                    websocket_header(compressed + tail, false) + tail,
                )
            }
        }
    }

    /// The client sends the upgrade at once. The server registers the stream, sends the
    /// `101`, starts its pings and, with replay, resumes from the client's last event;
    /// without, the client starts at the newest event.
    ///
    /// Browsers' WebSocket API has no reconnect: without an application policy a lost
    /// client stays disconnected and misses every later event; with one it opens a new
    /// socket. Before a fallback, failed attempts without a policy are retried after
    /// socket.io's first delay.
    #[inline(always)]
    pub fn on(&self, input: Input, out: &mut impl Commands) {
        match input {
            Input::Start | Input::Timer => out.push(Command::SendRequest),
            Input::RequestHandled => {
                out.push(Command::Register);
                out.push(Command::RegisterStream);
                out.push(Command::SendStreamOpen);
                out.push(Command::StartKeepalive);
                out.push(if self.replay {
                    Command::ReplayPending { buffer: None }
                } else {
                    Command::SkipPending
                });
            }
            Input::Lost { failed, .. } => {
                out.push(match (self.reconnect, self.has_fallback && failed) {
                    (Some(policy), _) => Command::Reconnect(policy),
                    (None, true) => Command::Reconnect(ReconnectPolicy {
                        backoff: Backoff::Fixed,
                        delay: WS_RECONNECT_DELAY,
                        max: WS_RECONNECT_DELAY,
                        jitter: Jitter::None,
                    }),
                    (None, false) => Command::Disconnect,
                })
            }
            Input::ResponseReceived
            | Input::HoldTimeout { .. }
            | Input::AnswerReady { .. }
            | Input::WindowUpdate { .. } => {}
        }
    }
}

#[cfg(test)]
mod envelope_tests {
    #[test]
    fn the_stream_envelope_is_the_json_around_the_payload() {
        let text = r#"{"stream":"prices","data":}"#;
        assert_eq!(super::stream_envelope(6), text.len() as u64);
        assert_eq!(super::stream_envelope(6), 27);
    }
}

#[cfg(test)]
mod tests {
    use crate::transport::machine::testing::{chain, decide};
    use crate::transport::spec::WS_RECONNECT_DELAY;
    use crate::transport::{Command, Facts, Input, Sharing};

    const SECOND: u64 = 1_000_000_000;
    const LOST: Input = Input::Lost {
        failed: false,
        denied: false,
    };

    #[test]
    fn pings_are_answered_by_pongs() {
        let ws = chain("websocket: { ping: 30s }");
        let ws = ws.primary();
        assert_eq!(ws.keepalive(), Some(30 * SECOND));
        assert!(ws.keepalive_answered());
        assert!(ws.is_upgrade());
        assert_eq!(ws.sharing(), Sharing::PerTab);
    }

    #[test]
    fn without_a_policy_a_lost_socket_stays_closed() {
        let ws = chain("websocket: { ping: 30s }");
        assert_eq!(
            decide(&ws, 0, LOST, Facts::default()),
            [Command::Disconnect]
        );
    }

    #[test]
    fn with_replay_the_stream_resumes_and_without_it_skips_the_outage() {
        let policy = "reconnect: { backoff: fixed, delay: 1s }";
        let replay = chain(&format!("websocket: {{ {policy}, resume: replay }}"));
        let opened = decide(&replay, 0, Input::RequestHandled, Facts::default());
        assert_eq!(
            opened.last(),
            Some(&Command::ReplayPending { buffer: None })
        );
        assert!(!replay.primary().loses_outage());
        let plain = chain(&format!("websocket: {{ {policy} }}"));
        let opened = decide(&plain, 0, Input::RequestHandled, Facts::default());
        assert_eq!(
            opened,
            [
                Command::Register,
                Command::RegisterStream,
                Command::SendStreamOpen,
                Command::StartKeepalive,
                Command::SkipPending,
            ]
        );
        assert!(plain.primary().loses_outage());
        let [Command::Reconnect(p)] = decide(&plain, 0, LOST, Facts::default())[..] else {
            panic!("a policy reconnects");
        };
        assert_eq!(p.delay, SECOND);
    }

    #[test]
    fn before_a_fallback_failed_attempts_retry_after_socket_io_s_delay() {
        let ws = chain(
            "websocket: { ping: 30s }\n    fallback: { long_polling: { timeout: 30s }, after: 3 }",
        );
        let failed = Input::Lost {
            failed: true,
            denied: false,
        };
        let decided = decide(&ws, 0, failed, Facts::default());
        let [Command::CountFailedAttempt, Command::Reconnect(p)] = decided[..] else {
            panic!("{decided:?}");
        };
        assert_eq!(p.delay, WS_RECONNECT_DELAY);
    }
}
