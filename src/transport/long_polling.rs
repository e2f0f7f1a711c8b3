//! Long polling: the server holds each request until an event arrives (then answers with
//! every pending event) or the timeout passes (then answers empty); the client asks again
//! as soon as an answer arrives, on the same keep-alive connection. Events that land
//! between two requests wait at the server and go into the next answer.

use crate::engine::Scheduler;
use crate::scenario::{HttpHeaders, ReconnectPolicy, TransportKind};
use crate::sim::{ClientId, ConnInfo, EVENT_MASK, Event, Job, MsgKind, Protocol, Sharing, World};
use crate::time::Nanos;
use crate::transport::http::exchange_size;
use crate::workload::EventLog;

/// Long polling's settings; its behaviour works in any world (a WebSocket variant falls
/// back to it), so it is written over the world's protocol type `Q`.
#[derive(Debug, Clone, Copy)]
pub struct LongPolling {
    timeout: Nanos,
    http: HttpHeaders,
    reconnect: ReconnectPolicy,
}

impl LongPolling {
    pub fn new(kind: &TransportKind) -> Self {
        match *kind {
            TransportKind::LongPolling {
                timeout,
                http,
                reconnect,
            } => LongPolling {
                timeout,
                http,
                reconnect,
            },
            _ => unreachable!("LongPolling::new is given a long-polling variant"),
        }
    }

    /// Application-layer sizes of its messages.
    pub fn message_size(&self, kind: MsgKind, log: &EventLog, conn: ConnInfo) -> (u64, u64) {
        let http = &self.http;
        exchange_size(http, http.request, http.response, kind, log, conn)
    }

    /// How its tabs get connections.
    pub fn connection_sharing(&self) -> Sharing {
        self.http.sharing()
    }

    /// Queues the answer to `c`'s held request (writing it costs one push).
    fn schedule_answer<Q: Protocol>(
        c: ClientId,
        w: &mut World<Q>,
        now: Nanos,
        s: &mut Scheduler<Event>,
    ) {
        let client = &mut w.clients[c as usize];
        client.answer_scheduled = true;
        let generation = client.hold_generation & EVENT_MASK;
        let cost = w.scenario.server.cost.push;
        w.run_job(c, Job::Answer(generation), cost, now, s);
    }

    /// The server handled `c`'s request: answer at once if events wait, else hold it.
    pub fn handled<Q: Protocol>(
        &self,
        w: &mut World<Q>,
        c: ClientId,
        now: Nanos,
        s: &mut Scheduler<Event>,
    ) {
        w.register(c);
        if w.pending_events(c) > 0 {
            w.respond(c, now, s);
            return;
        }
        let client = &mut w.clients[c as usize];
        client.held = true;
        client.hold_generation += 1;
        w.held_on[client.replica as usize] += 1;
        let generation = client.hold_generation;
        s.after(self.timeout, Event::HoldTimeout(c, generation));
    }

    /// Event `n` is at `replica`: answers the requests held there by clients it is for.
    /// (Requests held elsewhere without a broker learn of the event only when their
    /// timeout answers them from the shared store.)
    pub fn event_at<Q: Protocol>(
        w: &mut World<Q>,
        replica: u32,
        n: u32,
        now: Nanos,
        s: &mut Scheduler<Event>,
    ) {
        for i in 0..w.subscribers.len() {
            let c = w.subscribers[i];
            let client = &w.clients[c as usize];
            if client.held
                && !client.answer_scheduled
                && client.replica == replica
                && w.log.is_for(n, c)
            {
                Self::schedule_answer(c, w, now, s);
            }
        }
    }

    /// `c`'s held request timed out (if it is still the one held).
    pub fn timed_out<Q: Protocol>(
        w: &mut World<Q>,
        c: ClientId,
        generation: u32,
        now: Nanos,
        s: &mut Scheduler<Event>,
    ) {
        let client = &w.clients[c as usize];
        if client.held && client.hold_generation == generation && !client.answer_scheduled {
            Self::schedule_answer(c, w, now, s);
        }
    }

    /// The answer job for the request of hold `generation` is done: that request is
    /// answered, if the server still holds it (a dropped connection voids its answer).
    pub fn answered<Q: Protocol>(
        w: &mut World<Q>,
        c: ClientId,
        generation: u32,
        now: Nanos,
        s: &mut Scheduler<Event>,
    ) {
        let client = &mut w.clients[c as usize];
        let current = client.hold_generation & EVENT_MASK == generation;
        if !(client.held && client.answer_scheduled && current) {
            return;
        }
        client.held = false;
        client.answer_scheduled = false;
        w.held_on[client.replica as usize] -= 1;
        w.respond(c, now, s);
    }

    /// A failed request is asked again after a pause (the seeds' `setTimeout(longPoll,
    /// 2000)`).
    pub fn lost<Q: Protocol>(
        &self,
        w: &mut World<Q>,
        c: ClientId,
        now: Nanos,
        s: &mut Scheduler<Event>,
    ) {
        if w.clients[c as usize].request_outstanding {
            w.reconnect(c, &self.reconnect, now, s);
        }
    }
}

impl Protocol for LongPolling {
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

    fn start(w: &mut World<Self>, c: ClientId, now: Nanos, s: &mut Scheduler<Event>) {
        w.send_request(c, now, s);
    }

    fn request_handled(w: &mut World<Self>, c: ClientId, now: Nanos, s: &mut Scheduler<Event>) {
        let me = w.protocol;
        me.handled(w, c, now, s);
    }

    fn on_event(w: &mut World<Self>, replica: u32, n: u32, now: Nanos, s: &mut Scheduler<Event>) {
        Self::event_at(w, replica, n, now, s);
    }

    fn has_subscribers(w: &World<Self>, replica: u32) -> bool {
        w.held_on[replica as usize] > 0
    }

    fn hold_timeout(
        w: &mut World<Self>,
        c: ClientId,
        generation: u32,
        now: Nanos,
        s: &mut Scheduler<Event>,
    ) {
        Self::timed_out(w, c, generation, now, s);
    }

    fn answer(
        w: &mut World<Self>,
        c: ClientId,
        generation: u32,
        now: Nanos,
        s: &mut Scheduler<Event>,
    ) {
        Self::answered(w, c, generation, now, s);
    }

    fn connection_lost(w: &mut World<Self>, c: ClientId, now: Nanos, s: &mut Scheduler<Event>) {
        let me = w.protocol;
        me.lost(w, c, now, s);
    }

    fn client_timer(w: &mut World<Self>, c: ClientId, now: Nanos, s: &mut Scheduler<Event>) {
        w.send_request(c, now, s);
    }

    fn response_received(w: &mut World<Self>, c: ClientId, now: Nanos, s: &mut Scheduler<Event>) {
        w.send_request(c, now, s);
    }
}
