//! WebSocket (RFC 6455): an HTTP/1.1 upgrade, then one unmasked binary-or-text frame per
//! event from the server; optional server pings, each answered by a masked pong. The
//! clients' messages go up the same connection as masked frames. A variant may list
//! fallbacks (SSE, long polling; SignalR's client tries WebSockets, then Server-Sent
//! Events, then long polling) taken when a proxy denies the upgrade or attempts keep
//! failing; a client that fell back behaves exactly as a client of that transport.

use crate::engine::Scheduler;
use crate::scenario::defaults::WS_RECONNECT_DELAY;
use crate::scenario::faults::{Backoff, Jitter};
use crate::scenario::{ReconnectPolicy, TransportKind};
use crate::sim::{ClientId, ConnInfo, Event, MsgKind, Protocol, Sharing, Uploads, World};
use crate::time::Nanos;
use crate::transport::framing::websocket_header;
use crate::transport::{LongPolling, Sse};
use crate::workload::EventLog;

#[derive(Debug, Clone, Copy)]
pub struct WebSocket {
    ping: Option<Nanos>,
    upgrade_request: u64,
    upgrade_response: u64,
    reconnect: Option<ReconnectPolicy>,
    replay: bool,
    /// The fallback chain, in order (`None` past its end).
    steps: [Option<Step>; MAX_STEPS],
}

/// Most steps of a fallback chain (SSE and long polling, once each).
pub const MAX_STEPS: usize = 2;

/// A transport a client may fall back to.
#[derive(Debug, Clone, Copy)]
enum Target {
    Sse(Sse),
    LongPolling(LongPolling),
}

/// One step of the chain: taken after `after` failed attempts in a row of the step before.
#[derive(Debug, Clone, Copy)]
struct Step {
    target: Target,
    after: u32,
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
                ref fallback,
            } => {
                let mut steps = [None; MAX_STEPS];
                for (slot, step) in steps.iter_mut().zip(fallback) {
                    let target = match step.kind {
                        TransportKind::Sse { .. } => Target::Sse(Sse::new(&step.kind)),
                        _ => Target::LongPolling(LongPolling::new(&step.kind)),
                    };
                    *slot = Some(Step {
                        target,
                        after: step.after,
                    });
                }
                WebSocket {
                    ping,
                    upgrade_request,
                    upgrade_response,
                    reconnect,
                    replay,
                    steps,
                }
            }
            _ => unreachable!("WebSocket::new is given a WebSocket variant"),
        }
    }
}

impl WebSocket {
    /// The transport of a client at `stage` (`None`: WebSocket itself).
    fn target(&self, stage: u8) -> Option<Target> {
        let index = usize::from(stage).checked_sub(1)?;
        self.steps.get(index).copied().flatten().map(|s| s.target)
    }

    /// The step after `stage`, if the chain has one.
    fn next(&self, stage: u8) -> Option<Step> {
        self.steps.get(usize::from(stage)).copied().flatten()
    }

    fn has_long_polling(&self) -> bool {
        self.steps
            .iter()
            .flatten()
            .any(|s| matches!(s.target, Target::LongPolling(_)))
    }
}

impl Protocol for WebSocket {
    fn size(&self, kind: MsgKind, log: &EventLog, conn: ConnInfo) -> (u64, u64) {
        match self.target(conn.stage) {
            Some(Target::Sse(sse)) => return sse.message_size(kind, log, conn),
            Some(Target::LongPolling(lp)) => return lp.message_size(kind, log, conn),
            None => {}
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

    fn sharing_at(&self, stage: u8) -> Sharing {
        match self.target(stage) {
            Some(Target::Sse(sse)) => sse.connection_sharing(),
            Some(Target::LongPolling(lp)) => lp.connection_sharing(),
            None => self.sharing(),
        }
    }

    fn keepalive_at(&self, stage: u8) -> Option<Nanos> {
        match self.target(stage) {
            Some(Target::Sse(sse)) => sse.heartbeat(),
            Some(Target::LongPolling(_)) => None,
            None => self.ping,
        }
    }

    fn keepalive_answered_at(&self, stage: u8) -> bool {
        stage == 0
    }

    fn is_stream_body_at(&self, stage: u8, kind: MsgKind) -> bool {
        matches!(self.target(stage), Some(Target::Sse(_))) && Sse::writes_body(kind)
    }

    fn loses_outage_at(&self, stage: u8) -> bool {
        stage == 0 && self.loses_outage()
    }

    /// Browsers' WebSocket API has no reconnect: without an application policy the client
    /// stays disconnected and misses every later event; with one it opens a new socket.
    /// With a fallback chain, a denied upgrade (at once) or `after` failed attempts in a
    /// row move the client to the next step; a client on a step retries as that transport
    /// does until its own failures reach the next step's `after`. Without a policy,
    /// WebSocket attempts before a fallback are retried after socket.io's first delay.
    fn connection_lost(w: &mut World<Self>, c: ClientId, now: Nanos, s: &mut Scheduler<Event>) {
        let me = w.protocol;
        let stage = w.stage(c);
        let (failed, denied) = w.attempt_failed(c);
        if let Some(next) = me.next(stage)
            && failed
        {
            let failures = w.note_failed_attempt(c);
            if (denied && stage == 0) || failures >= next.after {
                w.fall_back(c);
                w.send_request(c, now, s);
                return;
            }
        }
        match me.target(stage) {
            Some(Target::Sse(sse)) => return sse.lost(w, c, now, s),
            Some(Target::LongPolling(lp)) => return lp.lost(w, c, now, s),
            None => {}
        }
        match (me.reconnect, me.next(0).is_some() && failed) {
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
        match w.protocol.target(w.stage(c)) {
            Some(Target::Sse(sse)) => return sse.handled(w, c, now, s),
            Some(Target::LongPolling(lp)) => return lp.handled(w, c, now, s),
            None => {}
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
        if w.protocol.has_long_polling() {
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

    fn answer(
        w: &mut World<Self>,
        c: ClientId,
        generation: u32,
        now: Nanos,
        s: &mut Scheduler<Event>,
    ) {
        LongPolling::answered(w, c, generation, now, s);
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
