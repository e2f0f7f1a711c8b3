//! Two-way workloads: the clients' messages reach the server over their stream (a
//! WebSocket frame, a gRPC message) or as a REST `POST` beside it (SSE, polling, long
//! polling), and the server publishes each to every client as an event.
//!
//! A REST request travels on a connection of its own: each client has a *REST client*
//! beside it (a hidden client of the same browser, after all the visible ones), which
//! shares its access link, radio and (over HTTP/1.1) the browser's six connections per
//! origin, and goes through the same proxies and balancer. It sends one request at a time,
//! keeps its connection alive between them (until an idle timeout closes it), and retries a
//! failed request after [`REST_RETRY`].
//!
//! Events are numbered as the server creates them: a published message gets the next
//! number, so in a two-way run the run keeps its own event log (workload events and
//! messages in creation order).

use std::collections::VecDeque;

use super::World;
use crate::engine::Scheduler;
use crate::metrics::{LatencyRecorder, MessageResult, fixed};
use crate::net::wire::{Direction, LayerBytes, WireBytes};
use crate::sim::event::{ClientId, Event, Job, MsgKind};
use crate::time::Nanos;
use crate::workload::Audience;

/// A REST client's wait before sending a failed request again: an assumption (a `fetch()`
/// has no retry of its own; applications retry after about a second).
pub const REST_RETRY: Nanos = 1_000_000_000;

/// No message: the event is the workload's.
const NO_MESSAGE: u32 = u32::MAX;
/// A REST client's request being served is a history request.
const HISTORY: u32 = u32::MAX - 1;

/// The two-way state of a run (empty when the workload has no messages).
#[derive(Debug, Default)]
pub(super) struct TwoWay {
    /// The first REST client (one per client, in client order), when the variant sends
    /// over REST.
    pub first_rest: Option<ClientId>,
    /// The clients send their messages with REST requests (not on their streams).
    uploads_rest: bool,
    /// Per client: its messages waiting to be sent (the stream is not open, or a REST
    /// request is on its way), in order; a REST client's front is the one it is sending.
    outbox: Vec<VecDeque<u32>>,
    /// Per client: 1 + the generation of the connection whose stream the client saw open
    /// (messages may go on it); 0 for none.
    stream_open_on: Vec<u32>,
    /// Per client: the message its REST request carries, as the server read it.
    serving: Vec<u32>,
    /// Per client or REST client: its messages in the server's CPU (a crash voids them).
    in_jobs: Vec<u32>,
    /// Per event of the run: the message it publishes, or [`NO_MESSAGE`].
    event_message: Vec<u32>,
    /// Messages written by the clients, published by the server, lost on the way (whole
    /// run).
    written: u64,
    published: u64,
    lost: u64,
    /// Within the window: messages written, and their bytes by direction and layer (the
    /// uploads; for REST also its answers, handshakes and ACKs).
    written_in_window: u64,
    bytes: WireBytes,
    /// Written → published at the server; written → delivered to another client.
    to_server: LatencyRecorder,
    end_to_end: LatencyRecorder,
}

impl TwoWay {
    pub(super) fn new(clients: usize, rest: bool, uploads_rest: bool) -> Self {
        TwoWay {
            first_rest: rest.then_some(ClientId::at(clients)),
            uploads_rest,
            outbox: vec![VecDeque::new(); clients],
            stream_open_on: vec![0; clients],
            serving: vec![NO_MESSAGE; clients],
            in_jobs: vec![0; if rest { 2 * clients } else { clients }],
            ..TwoWay::default()
        }
    }
}

impl TwoWay {
    /// Whether the clients' messages go as REST requests.
    pub(super) fn uploads_rest(&self) -> bool {
        self.uploads_rest
    }
}

impl World<'_> {
    /// Whether `c` is a REST client.
    #[inline]
    pub(super) fn is_rest(&self, c: ClientId) -> bool {
        self.two_way.first_rest.is_some_and(|first| c >= first)
    }

    /// The visible client a REST client sends for (itself for a visible one).
    fn owner_of(&self, c: ClientId) -> ClientId {
        match self.two_way.first_rest {
            Some(first) if c >= first => ClientId::new(c.get() - first.get()),
            _ => c,
        }
    }

    /// Whether the run numbers its events as it creates them (messages are published).
    pub(super) fn numbers_at_run_time(&self) -> bool {
        self.scenario.workload.messages.is_some_and(|m| m.broadcast)
    }

    /// Client message `k` is written.
    pub(super) fn message_written(&mut self, k: u32, now: Nanos, s: &mut Scheduler<Event>) {
        let c = ClientId::new(self.source.messages[k as usize].client);
        self.two_way.written += 1;
        if self.in_window(now) {
            self.two_way.written_in_window += 1;
        }
        match self
            .two_way
            .first_rest
            .filter(|_| self.two_way.uploads_rest)
        {
            Some(first) => {
                self.two_way.outbox[c].push_back(k);
                let r = first.plus(c.get());
                if !self.transports[r].request_outstanding() {
                    self.rest_send_next(r, now, s);
                }
            }
            None if self.stream_ready(c) && self.two_way.outbox[c].is_empty() => {
                self.send_upload(c, k, now, s);
            }
            None => self.two_way.outbox[c].push_back(k),
        }
    }

    fn stream_ready(&self, c: ClientId) -> bool {
        let connection = &self.clients[c].connection;
        connection.open && self.two_way.stream_open_on[c] == connection.generation + 1
    }

    fn upload(&self, k: u32) -> MsgKind {
        MsgKind::Upload {
            message: k,
            payload: self.source.messages[k as usize].payload,
        }
    }

    fn send_upload(&mut self, c: ClientId, k: u32, now: Nanos, s: &mut Scheduler<Event>) {
        let upload = self.upload(k);
        self.send_up(c, upload, now, s);
    }

    /// `c`'s stream is open at the client: what waited for it goes now.
    pub(super) fn stream_opened(&mut self, c: ClientId, now: Nanos, s: &mut Scheduler<Event>) {
        if self.source.messages.is_empty() || self.two_way.uploads_rest {
            return;
        }
        self.two_way.stream_open_on[c] = self.clients[c].connection.generation + 1;
        while let Some(k) = self.two_way.outbox[c].pop_front() {
            self.send_upload(c, k, now, s);
        }
    }

    /// The request `c` sends when its connection is ready: a REST client's upload, else
    /// the transport's request.
    pub(super) fn request_kind(&self, c: ClientId) -> MsgKind {
        if self.is_rest(c) {
            let owner = self.owner_of(c);
            if self.history_pending(owner) {
                return MsgKind::HistoryRequest;
            }
            match self.two_way.outbox[owner].front() {
                Some(k) => self.upload(*k),
                None => unreachable!("a REST client connects only to send"),
            }
        } else {
            MsgKind::Request
        }
    }

    /// REST client `r` sends the first message waiting in its outbox, if any.
    pub(super) fn rest_send_next(&mut self, r: ClientId, now: Nanos, s: &mut Scheduler<Event>) {
        let owner = self.owner_of(r);
        if self.two_way.outbox[owner].is_empty() && !self.history_pending(owner) {
            return;
        }
        let client = &mut self.clients[r];
        self.transports[r].request_sent();
        if client.connection.open {
            let upload = self.request_kind(r);
            self.send_up(r, upload, now, s);
        } else {
            self.request_connection(r, now, s);
        }
    }

    /// An upload reached the server on `c`'s stream: a CPU job reads it (the cost of a
    /// push: one frame).
    pub(super) fn upload_arrived(
        &mut self,
        c: ClientId,
        k: u32,
        now: Nanos,
        s: &mut Scheduler<Event>,
    ) {
        self.touch(c, now);
        self.two_way.in_jobs[c] += 1;
        self.run_job(c, Job::Message(k), now, s);
    }

    /// The server read REST client `r`'s request for message `k` (its handling follows
    /// the request path).
    pub(super) fn rest_request_read(&mut self, r: ClientId, k: u32) {
        let owner = self.owner_of(r);
        self.two_way.serving[owner] = k;
        self.two_way.in_jobs[r] += 1;
    }

    /// The server read REST client `r`'s history request.
    pub(super) fn rest_history_read(&mut self, r: ClientId) {
        let owner = self.owner_of(r);
        self.two_way.serving[owner] = HISTORY;
    }

    /// REST client `r`'s history arrived: its client has it; the next request goes.
    pub(super) fn rest_history_received(
        &mut self,
        r: ClientId,
        now: Nanos,
        s: &mut Scheduler<Event>,
    ) {
        let owner = self.owner_of(r);
        self.transports[r].request_answered();
        self.history_arrived(owner, now);
        self.rest_send_next(r, now, s);
    }

    /// The server handled `c`'s stream message `k`.
    pub(super) fn message_handled(
        &mut self,
        c: ClientId,
        k: u32,
        now: Nanos,
        s: &mut Scheduler<Event>,
    ) {
        self.two_way.in_jobs[c] -= 1;
        let origin = self.replica_of(c) as u32;
        self.publish(k, origin, now, s);
    }

    /// The server handled REST client `r`'s request: it publishes the message and answers.
    pub(super) fn rest_handled(&mut self, r: ClientId, now: Nanos, s: &mut Scheduler<Event>) {
        let owner = self.owner_of(r);
        let k = std::mem::replace(&mut self.two_way.serving[owner], NO_MESSAGE);
        if k == HISTORY {
            let answer = self.history_answer(owner);
            self.send_down(r, answer, now, s);
            self.request_completed(r);
            self.arm_idle_timer(r, now, s);
            return;
        }
        self.two_way.in_jobs[r] -= 1;
        let origin = self.replica_of(r) as u32;
        self.publish(k, origin, now, s);
        self.send_down(r, MsgKind::RestResponse, now, s);
        self.request_completed(r);
        self.arm_idle_timer(r, now, s);
    }

    /// REST client `r` got its answer: the message is done; the next one goes.
    pub(super) fn rest_answered(&mut self, r: ClientId, now: Nanos, s: &mut Scheduler<Event>) {
        let owner = self.owner_of(r);
        self.transports[r].request_answered();
        self.two_way.outbox[owner].pop_front();
        self.rest_send_next(r, now, s);
    }

    /// REST client `r`'s request job ended with its connection gone: the server never
    /// published its message (the client sends it again, as after a crash).
    pub(super) fn rest_request_voided(&mut self, r: ClientId) {
        let owner = self.owner_of(r);
        let k = std::mem::replace(&mut self.two_way.serving[owner], NO_MESSAGE);
        if k != HISTORY && k != NO_MESSAGE {
            self.two_way.in_jobs[r] -= 1;
        }
    }

    /// REST client `r`'s connection failed (refused, reset, closed under it): the message
    /// it carried goes again after [`REST_RETRY`].
    pub(super) fn rest_connection_lost(&mut self, r: ClientId, s: &mut Scheduler<Event>) {
        let client = &mut self.transports[r];
        if client.request_outstanding() {
            client.request_answered();
            s.after(REST_RETRY, Event::ClientTimer(r));
        }
    }

    /// REST client `r`'s retry timer.
    pub(super) fn rest_timer(&mut self, r: ClientId, now: Nanos, s: &mut Scheduler<Event>) {
        if !self.transports[r].request_outstanding() {
            self.rest_send_next(r, now, s);
        }
    }

    /// `c`'s replica crashed: the messages in its CPU are gone; REST clients send theirs
    /// again (they never got an answer), stream clients' are lost.
    pub(super) fn messages_crashed(&mut self, c: ClientId) {
        if self.two_way.in_jobs.is_empty() {
            return;
        }
        let in_jobs = std::mem::take(&mut self.two_way.in_jobs[c]);
        if !self.is_rest(c) {
            self.two_way.lost += in_jobs as u64;
        }
    }

    /// An upload reached a crashed connection: nobody reads it.
    pub(super) fn upload_dropped(&mut self, c: ClientId) {
        if !self.is_rest(c) {
            self.two_way.lost += 1;
        }
    }

    /// Message `k` reached the application at `now`: to every client as an event (when
    /// the workload broadcasts), from replica `origin`.
    fn publish(&mut self, k: u32, origin: u32, now: Nanos, s: &mut Scheduler<Event>) {
        let message = self.source.messages[k as usize];
        self.two_way.published += 1;
        if message.at >= self.scenario.warmup && message.at < self.scenario.duration {
            self.two_way.to_server.record(now - message.at);
        }
        if self.numbers_at_run_time() {
            let n = self
                .log
                .to_mut()
                .push(now, message.payload as u64, Audience::All);
            self.two_way.event_message.push(k);
            self.event_created(n, origin, now, s);
        }
    }

    /// Workload event `k` of the scenario's log happens: its number in this run.
    pub(super) fn number_workload_event(&mut self, k: u32, now: Nanos) -> u32 {
        if !self.numbers_at_run_time() {
            return k;
        }
        let payload = self.source.payload(k);
        self.two_way.event_message.push(NO_MESSAGE);
        let audience = self.source.audience(k);
        self.log.to_mut().push(now, payload, audience)
    }

    /// Event `n` reached client `c` at `now`: if it carries another client's message, the
    /// end-to-end latency from that client's writing it.
    #[inline]
    pub(super) fn message_delivered(&mut self, c: ClientId, n: u32, now: Nanos) {
        let Some(&k) = self.two_way.event_message.get(n as usize) else {
            return;
        };
        if k == NO_MESSAGE {
            return;
        }
        let message = self.source.messages[k as usize];
        if message.client != c.get() && message.at >= self.scenario.warmup {
            self.two_way.end_to_end.record(now - message.at);
        }
    }

    /// Counts `bytes` of message traffic (an upload, or anything of a REST client's).
    #[inline]
    pub(super) fn count_message_bytes(&mut self, direction: Direction, bytes: LayerBytes) {
        self.two_way.bytes.direction_mut(direction).add(bytes);
    }

    /// The sizes of a REST client's messages (`None` for other clients).
    pub(super) fn rest_size(&self, c: ClientId, kind: MsgKind) -> Option<(u64, u64)> {
        if !self.is_rest(c) {
            return None;
        }
        let rest = &self.scenario.rest;
        Some(match kind {
            MsgKind::Upload { payload, .. } => (payload as u64, rest.request_headers),
            MsgKind::RestResponse => (0, rest.response_headers),
            MsgKind::HistoryRequest | MsgKind::Response { .. } => {
                self.history_size(self.owner_of(c), kind)
            }
            other => unreachable!("{other:?} is not a REST message"),
        })
    }

    /// What the run measured of the clients' messages (`None` without any).
    pub(super) fn message_result(&self) -> Option<MessageResult> {
        self.scenario.workload.messages?;
        let t = &self.two_way;
        let per_message = |bytes: u64| {
            if t.written_in_window == 0 {
                0.0
            } else {
                fixed(bytes as f64 / t.written_in_window as f64, 1)
            }
        };
        Some(MessageResult {
            written: t.written,
            published: t.published,
            lost: t.lost,
            in_flight: t.written - t.published - t.lost,
            to_server: t.to_server.summary(),
            end_to_end: t.end_to_end.summary(),
            bytes_up_per_message: per_message(t.bytes.up.total()),
            bytes_down_per_message: per_message(t.bytes.down.total()),
        })
    }
}
