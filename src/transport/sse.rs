//! Server-Sent Events: one `GET` opens a chunked `text/event-stream` response that stays
//! open; each event is one chunk holding `id:` and `data:` lines; optional `:` comment
//! heartbeats keep intermediaries from closing an idle stream. With `retry` set, the
//! server announces the reconnection time in the first chunk.

use crate::engine::{Nanos, Scheduler};
use crate::scenario::{HttpHeaders, ReconnectPolicy, TransportKind};
use crate::sim::{ClientId, ConnInfo, Event, MsgKind, Protocol, Sharing, World};
use crate::transport::framing::{SSE_HEARTBEAT, sse_event_fields, sse_retry_field};
use crate::transport::http2::PING;
use crate::workload::EventLog;

pub struct Sse {
    heartbeat: Option<Nanos>,
    retry: Option<Nanos>,
    http: HttpHeaders,
    reconnect: ReconnectPolicy,
    replay_buffer: Option<u32>,
}

impl Sse {
    pub fn new(kind: &TransportKind) -> Self {
        match *kind {
            TransportKind::Sse {
                heartbeat,
                retry,
                http,
                reconnect,
                replay_buffer,
            } => Sse {
                heartbeat,
                retry,
                http,
                reconnect,
                replay_buffer,
            },
            _ => unreachable!("Sse::new is given an SSE variant"),
        }
    }
}

impl Protocol for Sse {
    fn size(&self, kind: MsgKind, log: &EventLog, conn: ConnInfo) -> (u64, u64) {
        let http = &self.http;
        match kind {
            MsgKind::Request => (0, http.request_bytes(http.request, conn)),
            MsgKind::StreamOpen => {
                let retry = self.retry.map_or(0, |r| {
                    let field = sse_retry_field(r / 1_000_000);
                    field + http.stream_write_bytes(field)
                });
                (0, http.response_bytes(http.response, conn) + retry)
            }
            MsgKind::Event(n) => {
                // The data line carries text: a binary payload as base64.
                let (payload, inflation) = (log.payload(n), log.text_inflation(n));
                let fields = sse_event_fields(n as u64 + 1);
                (
                    payload,
                    fields + http.stream_write_bytes(fields + payload + inflation) + inflation,
                )
            }
            MsgKind::Keepalive => (0, SSE_HEARTBEAT + http.stream_write_bytes(SSE_HEARTBEAT)),
            MsgKind::WindowUpdate(_) => (0, http.window_update_bytes()),
            MsgKind::Http2Ping | MsgKind::Http2PingAck => (0, PING),
            other => unreachable!("{other:?} is not an SSE message"),
        }
    }

    fn http2_window(&self) -> Option<u64> {
        self.http.http2_window()
    }

    fn sharing(&self) -> Sharing {
        self.http.sharing()
    }

    fn http2_ping(&self) -> Option<Nanos> {
        self.http.http2_ping()
    }

    fn keepalive(&self) -> Option<Nanos> {
        self.heartbeat
    }

    fn is_stream_body(&self, kind: MsgKind) -> bool {
        matches!(kind, MsgKind::Event(_) | MsgKind::Keepalive)
    }

    /// EventSource reconnects after its retry time (or the scenario's policy) and sends
    /// `Last-Event-ID`; the server resumes from there, as far as its replay buffer reaches.
    fn connection_lost(w: &mut World<Self>, c: ClientId, now: Nanos, s: &mut Scheduler<Event>) {
        let policy = w.protocol.reconnect;
        w.reconnect(c, &policy, now, s);
    }

    fn client_timer(w: &mut World<Self>, c: ClientId, now: Nanos, s: &mut Scheduler<Event>) {
        w.send_request(c, now, s);
    }

    fn start(w: &mut World<Self>, c: ClientId, now: Nanos, s: &mut Scheduler<Event>) {
        w.send_request(c, now, s);
    }

    fn request_handled(w: &mut World<Self>, c: ClientId, now: Nanos, s: &mut Scheduler<Event>) {
        w.register(c);
        w.register_stream(c);
        w.send_down(c, MsgKind::StreamOpen, now, s);
        w.start_keepalive(c, s);
        let limit = w.protocol.replay_buffer;
        w.replay_pending(c, limit, now, s);
    }

    fn on_event(w: &mut World<Self>, replica: u32, n: u32, now: Nanos, s: &mut Scheduler<Event>) {
        w.push_to_streams(replica, n, now, s);
    }

    fn event_missed(w: &mut World<Self>, replica: u32, n: u32) {
        w.lose_for_streams(replica, n);
    }

    fn has_subscribers(w: &World<Self>, replica: u32) -> bool {
        w.has_streams(replica)
    }
}
