//! Server-Sent Events: one `GET` opens a chunked `text/event-stream` response that stays
//! open; each event is one chunk holding `id:` and `data:` lines; optional `:` comment
//! heartbeats keep intermediaries from closing an idle stream. With `retry` set, the
//! server announces the reconnection time in the first chunk.

use crate::engine::Scheduler;
use crate::scenario::{HttpHeaders, ReconnectPolicy, TransportKind};
use crate::sim::{ClientId, ConnInfo, Event, MsgKind, Protocol, Sharing, World};
use crate::time::Nanos;
use crate::transport::framing::{SSE_HEARTBEAT, sse_event_fields, sse_retry_field};
use crate::transport::http2::PING;
use crate::workload::EventLog;

/// SSE's settings; its behaviour works in any world (a WebSocket variant may fall back to
/// it), so it is written over the world's protocol type `Q`.
#[derive(Debug, Clone, Copy)]
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

    /// Application-layer sizes of its messages.
    pub fn message_size(&self, kind: MsgKind, log: &EventLog, conn: ConnInfo) -> (u64, u64) {
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

    /// How its tabs get connections.
    pub fn connection_sharing(&self) -> Sharing {
        self.http.sharing()
    }

    /// The heartbeat interval.
    pub fn heartbeat(&self) -> Option<Nanos> {
        self.heartbeat
    }

    /// Whether a message is a write of the stream's body (held by a buffering proxy).
    pub fn writes_body(kind: MsgKind) -> bool {
        matches!(kind, MsgKind::Event(_) | MsgKind::Keepalive)
    }

    /// The server handled `c`'s request: its stream opens and resumes from its
    /// `Last-Event-ID`, as far as the replay buffer reaches.
    pub fn handled<Q: Protocol>(
        &self,
        w: &mut World<Q>,
        c: ClientId,
        now: Nanos,
        s: &mut Scheduler<Event>,
    ) {
        w.register(c);
        w.register_stream(c);
        w.send_down(c, MsgKind::StreamOpen, now, s);
        w.start_keepalive(c, s);
        w.replay_pending(c, self.replay_buffer, now, s);
    }

    /// EventSource reconnects after its retry time (or the scenario's policy) and sends
    /// `Last-Event-ID`.
    pub fn lost<Q: Protocol>(
        &self,
        w: &mut World<Q>,
        c: ClientId,
        now: Nanos,
        s: &mut Scheduler<Event>,
    ) {
        w.reconnect(c, &self.reconnect, now, s);
    }
}

impl Protocol for Sse {
    fn size(&self, kind: MsgKind, log: &EventLog, conn: ConnInfo) -> (u64, u64) {
        self.message_size(kind, log, conn)
    }

    fn http2_window(&self) -> Option<u64> {
        self.http.http2_window()
    }

    fn sharing(&self) -> Sharing {
        self.connection_sharing()
    }

    fn http2_ping(&self) -> Option<Nanos> {
        self.http.http2_ping()
    }

    fn keepalive(&self) -> Option<Nanos> {
        self.heartbeat
    }

    fn is_stream_body(&self, kind: MsgKind) -> bool {
        Self::writes_body(kind)
    }

    fn connection_lost(w: &mut World<Self>, c: ClientId, now: Nanos, s: &mut Scheduler<Event>) {
        let me = w.protocol;
        me.lost(w, c, now, s);
    }

    fn client_timer(w: &mut World<Self>, c: ClientId, now: Nanos, s: &mut Scheduler<Event>) {
        w.send_request(c, now, s);
    }

    fn start(w: &mut World<Self>, c: ClientId, now: Nanos, s: &mut Scheduler<Event>) {
        w.send_request(c, now, s);
    }

    fn request_handled(w: &mut World<Self>, c: ClientId, now: Nanos, s: &mut Scheduler<Event>) {
        let me = w.protocol;
        me.handled(w, c, now, s);
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
