//! WebSocket (RFC 6455): an HTTP/1.1 upgrade, then one unmasked binary-or-text frame per
//! event from the server; optional server pings, each answered by a masked pong. The
//! clients' messages go up the same connection as masked frames. A variant may fall back
//! to long polling (as SignalR's and socket.io's clients do) when a proxy denies the
//! upgrade or attempts keep failing; such a client then behaves exactly as long polling.

use crate::engine::{Nanos, Scheduler};
use crate::scenario::defaults::WS_RECONNECT_DELAY;
use crate::scenario::faults::{Backoff, Jitter};
use crate::scenario::{ReconnectPolicy, TransportKind};
use crate::sim::{ClientId, ConnInfo, Event, MsgKind, Protocol, Sharing, Uploads, World};
use crate::transport::LongPolling;
use crate::transport::framing::websocket_header;
use crate::workload::EventLog;

#[derive(Debug, Clone, Copy)]
pub struct WebSocket {
    ping: Option<Nanos>,
    upgrade_request: u64,
    upgrade_response: u64,
    reconnect: Option<ReconnectPolicy>,
    replay: bool,
    /// Long polling to fall back to, after this many failed attempts in a row.
    fallback: Option<(LongPolling, u32)>,
}

impl WebSocket {
    pub fn new(kind: &TransportKind) -> Self {
        match *kind {
            TransportKind::WebSocket {
                ping,
                upgrade_request,
                upgrade_response,
                reconnect,
                replay,
                fallback,
            } => WebSocket {
                ping,
                upgrade_request,
                upgrade_response,
                reconnect,
                replay,
                fallback: fallback.map(|f| (LongPolling::fallback(&f), f.after)),
            },
            _ => unreachable!("WebSocket::new is given a WebSocket variant"),
        }
    }
}

impl WebSocket {
    /// The client's connection failed (`failed`: before its upgrade was answered; `denied`:
    /// a proxy refused the upgrade): whether it now falls back to long polling.
    fn falls_back(&self, w: &mut World<Self>, c: ClientId, failed: bool, denied: bool) -> bool {
        let Some((_, after)) = self.fallback else {
            return false;
        };
        if !failed {
            return false;
        }
        let failures = w.note_failed_attempt(c);
        denied || failures >= after
    }
}

impl Protocol for WebSocket {
    fn size(&self, kind: MsgKind, log: &EventLog, conn: ConnInfo) -> (u64, u64) {
        if let (true, Some((lp, _))) = (conn.fallback, &self.fallback) {
            return lp.message_size(kind, log, conn);
        }
        match kind {
            MsgKind::Request => (0, self.upgrade_request),
            MsgKind::StreamOpen => (0, self.upgrade_response),
            MsgKind::Event(n) => {
                let payload = log.payload(n);
                (payload, websocket_header(payload, false))
            }
            // Empty ping from the server; the pong echoes it from the client, masked.
            MsgKind::Keepalive => (0, websocket_header(0, false)),
            MsgKind::Pong => (0, websocket_header(0, true)),
            // A client's message: a masked frame (RFC 6455 5.3).
            MsgKind::Upload { payload, .. } => {
                (payload as u64, websocket_header(payload as u64, true))
            }
            other => unreachable!("{other:?} is not a WebSocket message"),
        }
    }

    fn keepalive(&self) -> Option<Nanos> {
        self.ping
    }

    fn keepalive_answered(&self) -> bool {
        true
    }

    fn uploads(&self) -> Uploads {
        Uploads::Stream
    }

    fn is_upgrade(&self) -> bool {
        true
    }

    fn fallback_sharing(&self) -> Option<Sharing> {
        self.fallback.map(|(lp, _)| lp.connection_sharing())
    }

    /// Browsers' WebSocket API has no reconnect: without an application policy the client
    /// stays disconnected and misses every later event; with one it opens a new socket.
    /// With a fallback, a denied upgrade, or `after` failed attempts in a row, move the
    /// client to long polling instead; a client on long polling retries as long polling
    /// does. Without a policy, attempts before the fallback are retried after socket.io's
    /// first delay.
    fn connection_lost(w: &mut World<Self>, c: ClientId, now: Nanos, s: &mut Scheduler<Event>) {
        let me = w.protocol;
        if w.fell_back(c) {
            if let Some((lp, _)) = me.fallback {
                lp.lost(w, c, now, s);
            }
            return;
        }
        let (failed, denied) = w.attempt_failed(c);
        if me.falls_back(w, c, failed, denied) {
            w.fall_back(c);
            w.send_request(c, now, s);
            return;
        }
        match (me.reconnect, me.fallback.is_some() && failed) {
            (Some(policy), _) => w.reconnect(c, &policy, now, s),
            (None, true) => {
                let policy = ReconnectPolicy {
                    backoff: Backoff::Fixed,
                    delay: WS_RECONNECT_DELAY,
                    max: WS_RECONNECT_DELAY,
                    jitter: Jitter::None,
                };
                w.reconnect(c, &policy, now, s)
            }
            (None, false) => w.clients[c as usize].disconnected = true,
        }
    }

    fn client_timer(w: &mut World<Self>, c: ClientId, now: Nanos, s: &mut Scheduler<Event>) {
        w.send_request(c, now, s);
    }

    /// Without replay, the events sent while the client was away are lost to it.
    fn loses_outage(&self) -> bool {
        self.reconnect.is_some() && !self.replay
    }

    fn start(w: &mut World<Self>, c: ClientId, now: Nanos, s: &mut Scheduler<Event>) {
        w.send_request(c, now, s);
    }

    fn request_handled(w: &mut World<Self>, c: ClientId, now: Nanos, s: &mut Scheduler<Event>) {
        if let (true, Some((lp, _))) = (w.fell_back(c), w.protocol.fallback) {
            lp.handled(w, c, now, s);
            return;
        }
        w.register(c);
        w.register_stream(c);
        w.send_down(c, MsgKind::StreamOpen, now, s);
        w.start_keepalive(c, s);
        if w.protocol.replay {
            w.replay_pending(c, None, now, s);
        } else {
            w.skip_pending(c, now);
        }
    }

    fn on_event(w: &mut World<Self>, replica: u32, n: u32, now: Nanos, s: &mut Scheduler<Event>) {
        w.push_to_streams(replica, n, now, s);
        if w.protocol.fallback.is_some() {
            LongPolling::event_at(w, replica, n, now, s);
        }
    }

    fn hold_timeout(
        w: &mut World<Self>,
        c: ClientId,
        generation: u32,
        now: Nanos,
        s: &mut Scheduler<Event>,
    ) {
        LongPolling::timed_out(w, c, generation, now, s);
    }

    fn answer(w: &mut World<Self>, c: ClientId, now: Nanos, s: &mut Scheduler<Event>) {
        LongPolling::answered(w, c, now, s);
    }

    /// A long-polling answer arrived (a client that fell back): ask again.
    fn response_received(w: &mut World<Self>, c: ClientId, now: Nanos, s: &mut Scheduler<Event>) {
        w.send_request(c, now, s);
    }

    fn event_missed(w: &mut World<Self>, replica: u32, n: u32) {
        w.lose_for_streams(replica, n);
    }

    fn has_subscribers(w: &World<Self>, replica: u32) -> bool {
        w.has_streams(replica) || w.held_on[replica as usize] > 0
    }
}
