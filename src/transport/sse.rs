//! Server-Sent Events: one `GET` opens a chunked `text/event-stream` response that stays
//! open; each event is one chunk holding `id:` and `data:` lines; optional `:` comment
//! heartbeats keep intermediaries from closing an idle stream. With `retry` set, the
//! server announces the reconnection time in the first chunk.
//!
//! gzip'd (`Content-Encoding: gzip`), the stream is one gzip member: its header goes in
//! the first chunk, and every write (an event, a heartbeat) is compressed in the stream's
//! context and ends with a sync flush so the browser can read it at once; the fields are
//! compressed with the payload.

use serde::Serialize;

use crate::ids::{ClientId, EventNo};
use crate::time::Nanos;
use crate::transport::compression::{CONTENT_ENCODING_GZIP, GZIP_HEADER};
use crate::transport::framing::{
    SSE_HEARTBEAT, sse_event_fields, sse_event_type_field, sse_retry_field,
};
use crate::transport::http2::PING;
use crate::transport::machine::{Command, Commands, Input};
use crate::transport::message::{ConnInfo, MsgKind};
use crate::transport::spec::{HttpHeaders, ReconnectPolicy};
use crate::workload::EventLog;

/// SSE's settings and behaviour (a WebSocket variant may fall back to it).
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Sse {
    /// Interval of the server's heartbeat comments on an open stream, if any.
    pub heartbeat: Option<Nanos>,
    /// The `retry:` field the server sends: the EventSource's reconnect delay.
    pub retry: Option<Nanos>,
    /// Header sizes of the stream's request and response.
    pub http: HttpHeaders,
    pub reconnect: ReconnectPolicy,
    /// Events kept for `Last-Event-ID` replay; `None`: all.
    pub replay_buffer: Option<u32>,
    /// Bytes of the `event: <type>` line every event carries (0: none, the default
    /// `message` type). A stream carrying several named streams types each event by its
    /// stream instead ([`crate::workload::EventLog::stream_name_len`]).
    #[serde(skip_serializing_if = "is_zero")]
    pub event_field: u64,
    /// The application batch window: the events of a window go out as one chunk at its
    /// end ([`crate::transport::batch`]); `None`: one chunk per event.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub batch: Option<Nanos>,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

impl Sse {
    /// Event `n`'s `event:` line for `client`: with several named streams on this stream,
    /// its stream's name (`event: <name>`, as `addEventListener(name)` reads them), else
    /// the scenario's `event` (none by default). A batch types each event alike.
    #[inline]
    fn event_field_of(&self, log: &EventLog, n: EventNo, client: ClientId) -> u64 {
        match log.stream_name_len(n, client) {
            Some(len) => sse_event_type_field(len),
            None => self.event_field,
        }
    }

    /// Application-layer sizes of its messages.
    pub fn size(&self, kind: MsgKind, log: &EventLog, conn: ConnInfo) -> (u64, u64) {
        let http = &self.http;
        match kind {
            MsgKind::Request => (0, http.request_bytes(http.request, conn)),
            MsgKind::StreamOpen => {
                let field = self.retry.map_or(0, |r| sse_retry_field(r / 1_000_000));
                let Some(gzip) = http.gzip else {
                    let retry = if field > 0 {
                        field + http.stream_write_bytes(field)
                    } else {
                        0
                    };
                    return (0, http.response_bytes(http.response, conn) + retry);
                };
                // The gzip header opens the body, with the `retry:` field if any.
                let first = GZIP_HEADER
                    + if field > 0 {
                        let (compressed, flush) = gzip.stream_write(field);
                        compressed + flush
                    } else {
                        0
                    };
                (
                    0,
                    http.response_bytes(http.response + CONTENT_ENCODING_GZIP, conn)
                        + first
                        + http.stream_write_bytes(first),
                )
            }
            MsgKind::Event(n) => {
                // The data line carries text: a binary payload as base64.
                let (payload, inflation) = (log.payload(n), log.text_inflation(n));
                let fields = sse_event_fields(u64::from(n.get()) + 1)
                    + self.event_field_of(log, n, conn.client);
                match http.gzip {
                    None => (
                        payload,
                        fields + http.stream_write_bytes(fields + payload + inflation) + inflation,
                    ),
                    Some(gzip) => {
                        let (compressed, flush) = gzip.stream_write(fields + payload + inflation);
                        (
                            compressed,
                            flush + http.stream_write_bytes(compressed + flush),
                        )
                    }
                }
            }
            MsgKind::Batch { first, count } => {
                // One chunk holding each event's `id:`, `event:` and `data:` lines, in order
                // (the ids stay per event, so `Last-Event-ID` resumes as without batching;
                // each event typed as an unbatched one is).
                let mut payload = 0;
                let mut text = 0;
                for n in log.matching(conn.client, first, count) {
                    payload += log.payload(n);
                    text += log.text_inflation(n)
                        + sse_event_fields(u64::from(n.get()) + 1)
                        + self.event_field_of(log, n, conn.client);
                }
                match http.gzip {
                    None => (payload, text + http.stream_write_bytes(text + payload)),
                    Some(gzip) => {
                        let (compressed, flush) = gzip.stream_write(text + payload);
                        (
                            compressed,
                            flush + http.stream_write_bytes(compressed + flush),
                        )
                    }
                }
            }
            MsgKind::Keepalive => match http.gzip {
                None => (0, SSE_HEARTBEAT + http.stream_write_bytes(SSE_HEARTBEAT)),
                Some(gzip) => {
                    let (compressed, flush) = gzip.stream_write(SSE_HEARTBEAT);
                    (
                        0,
                        compressed + flush + http.stream_write_bytes(compressed + flush),
                    )
                }
            },
            MsgKind::WindowUpdate(_) => (0, http.window_update_bytes()),
            MsgKind::Http2Ping | MsgKind::Http2PingAck => (0, PING),
            other => unreachable!("{other:?} is not an SSE message"),
        }
    }

    /// Whether a message is a write of the stream's body (held by a buffering proxy).
    pub fn writes_body(kind: MsgKind) -> bool {
        matches!(
            kind,
            MsgKind::Event(_) | MsgKind::Batch { .. } | MsgKind::Keepalive
        )
    }

    /// The client opens the stream at once. The server registers it, starts the stream
    /// (announcing `retry` in its first chunk) and its heartbeats, and resumes from the
    /// client's `Last-Event-ID` as far as the replay buffer reaches. EventSource
    /// reconnects after its retry time (or the scenario's policy).
    #[inline(always)]
    pub fn on(&self, input: Input, out: &mut impl Commands) {
        match input {
            Input::Start | Input::Timer => out.push(Command::SendRequest),
            Input::RequestHandled => {
                out.push(Command::Register);
                out.push(Command::RegisterStream);
                out.push(Command::SendStreamOpen);
                out.push(Command::StartKeepalive);
                out.push(Command::ReplayPending {
                    buffer: self.replay_buffer,
                });
            }
            Input::Lost { .. } => out.push(Command::Reconnect(self.reconnect)),
            Input::ResponseReceived
            | Input::HoldTimeout { .. }
            | Input::AnswerReady { .. }
            | Input::WindowUpdate { .. } => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::ids::EventNo;
    use crate::transport::machine::testing::{chain, decide};
    use crate::transport::{Command, Facts, Input, MsgKind};

    const SECOND: u64 = 1_000_000_000;

    #[test]
    fn the_stream_opens_with_heartbeats_and_resumes_from_last_event_id() {
        let sse = chain("sse: { heartbeat: 15s, replay_buffer: 100 }");
        assert_eq!(
            decide(&sse, 0, Input::Start, Facts::default()),
            [Command::SendRequest]
        );
        assert_eq!(
            decide(&sse, 0, Input::RequestHandled, Facts::default()),
            [
                Command::Register,
                Command::RegisterStream,
                Command::SendStreamOpen,
                Command::StartKeepalive,
                Command::ReplayPending { buffer: Some(100) },
            ]
        );
        assert_eq!(sse.primary().keepalive(), Some(15 * SECOND));
        // Heartbeats are comments: nobody answers them.
        assert!(!sse.primary().keepalive_answered());
    }

    #[test]
    fn event_source_reconnects_after_its_retry_time() {
        let sse = chain("sse: { retry: 3s }");
        let lost = Input::Lost {
            failed: false,
            denied: false,
        };
        let [Command::Reconnect(policy)] = decide(&sse, 0, lost, Facts::default())[..] else {
            panic!("EventSource reconnects");
        };
        assert_eq!(policy.delay, 3 * SECOND);
    }

    #[test]
    fn events_and_heartbeats_are_stream_body() {
        let sse = chain("sse: { heartbeat: 15s }");
        let sse = sse.primary();
        assert!(sse.is_stream_body(MsgKind::Event(EventNo::FIRST)));
        assert!(sse.is_stream_body(MsgKind::Keepalive));
        assert!(!sse.is_stream_body(MsgKind::StreamOpen));
        assert!(!sse.loses_outage(), "Last-Event-ID resumes it");
    }
}
