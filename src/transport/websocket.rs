//! WebSocket (RFC 6455): an HTTP/1.1 upgrade, then one unmasked binary-or-text frame per
//! event from the server; optional server pings, each answered by a masked pong. The
//! clients' messages go up the same connection as masked frames.

use crate::engine::{Nanos, Scheduler};
use crate::scenario::{ReconnectPolicy, TransportKind};
use crate::sim::{ClientId, ConnInfo, Event, MsgKind, Protocol, Uploads, World};
use crate::transport::framing::websocket_header;
use crate::workload::EventLog;

pub struct WebSocket {
    ping: Option<Nanos>,
    upgrade_request: u64,
    upgrade_response: u64,
    reconnect: Option<ReconnectPolicy>,
    replay: bool,
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
            } => WebSocket {
                ping,
                upgrade_request,
                upgrade_response,
                reconnect,
                replay,
            },
            _ => unreachable!("WebSocket::new is given a WebSocket variant"),
        }
    }
}

impl Protocol for WebSocket {
    fn size(&self, kind: MsgKind, log: &EventLog, _conn: ConnInfo) -> (u64, u64) {
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

    /// Browsers' WebSocket API has no reconnect: without an application policy the client
    /// stays disconnected and misses every later event; with one it opens a new socket.
    fn connection_lost(w: &mut World<Self>, c: ClientId, now: Nanos, s: &mut Scheduler<Event>) {
        match w.protocol.reconnect {
            Some(policy) => w.reconnect(c, &policy, now, s),
            None => w.clients[c as usize].disconnected = true,
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
        w.register(c);
        w.register_stream(c);
        w.send_down(c, MsgKind::StreamOpen, now, s);
        w.start_keepalive(c, s);
        if w.protocol.replay {
            w.replay_pending(c, None, now, s);
        } else {
            w.skip_pending(c);
        }
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
