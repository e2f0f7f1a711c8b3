//! The world's side of two-way workloads: routing only. The clients' messages reach the
//! server over their stream, as a REST `POST` beside it or as a gRPC unary call (a
//! channel of its own), and the server publishes each to every client as an event.
//!
//! [`crate::transport::outbox`] decides the way up (which REST client is whose, what
//! waits, what a REST request carries, when a lost one goes again);
//! [`crate::metrics::messages`] counts and times the messages and notes which event
//! carries which. This file asks them and carries out what they say: it sends uploads and
//! REST requests, runs the server's CPU job, publishes a message into the run's event log
//! and answers a REST request.

use super::World;
use crate::engine::Scheduler;
use crate::ids::{EventNo, MessageNo, ReplicaId};
use crate::metrics::MessageResult;
use crate::metrics::messages::MessageMetrics;
use crate::net::wire::{Direction, LayerBytes};
use crate::sim::event::ConnInfo;
use crate::sim::event::{ClientId, Event, Job, MsgKind};
use crate::time::SimTime;
use crate::transport::outbox::{Outbox, RestSizes, Route, Serving};
use crate::transport::spec::HttpHeaders;
use crate::transport::{grpc, history};
use crate::workload::{Audience, streams};

/// The two-way parts of a run (empty when the workload has no messages and no REST).
#[derive(Debug, Default)]
pub(super) struct TwoWay {
    pub outbox: Outbox,
    pub metrics: MessageMetrics,
    /// The sizes of an upload's `POST` and its answer.
    pub rest_sizes: RestSizes,
    /// The header sizes of the gRPC unary calls that send the messages, when a gRPC
    /// channel sends them.
    pub unary: Option<HttpHeaders>,
}

impl TwoWay {
    /// The two-way parts of `clients` push clients, of which `owners` (first, count) have
    /// a REST client each when `rest`, and a gRPC unary client each when `unary` (its
    /// calls' header sizes) is set.
    pub(super) fn new(
        clients: usize,
        owners: (usize, usize),
        rest: bool,
        uploads_rest: bool,
        rest_sizes: RestSizes,
        unary: Option<HttpHeaders>,
    ) -> Self {
        let blocks = usize::from(rest) + usize::from(unary.is_some());
        TwoWay {
            outbox: Outbox::with_owners(clients, owners, (rest, unary.is_some()), uploads_rest),
            metrics: MessageMetrics::new(clients + blocks * owners.1),
            rest_sizes,
            unary,
        }
    }
}

impl World<'_> {
    /// Whether `c` is a request client: a REST client, or the gRPC unary client of a
    /// channel that sends the messages ([`Self::is_unary`]).
    #[inline]
    pub(super) fn is_rest(&self, c: ClientId) -> bool {
        self.two_way.outbox.is_rest(c)
    }

    /// Whether `c` is a gRPC unary client (it sends its user's messages, one call each,
    /// on an HTTP/2 connection of its own).
    #[inline]
    pub(super) fn is_unary(&self, c: ClientId) -> bool {
        self.two_way.outbox.is_grpc(c)
    }

    /// Whether the run numbers its events as it creates them (messages are published).
    pub(super) fn numbers_at_run_time(&self) -> bool {
        self.scenario.workload.messages.is_some_and(|m| m.broadcast)
    }

    /// Client message `k` is written.
    pub(super) fn message_written(&mut self, k: MessageNo, now: SimTime, s: &mut Scheduler<Event>) {
        let c = self
            .layout
            .writer(ClientId::new(self.source.messages[k].client));
        let in_window = self.in_window(now);
        self.two_way.metrics.written(in_window);
        let connection = &self.clients[c].connection;
        let ready = self
            .two_way
            .outbox
            .stream_ready(c, connection.open, connection.generation);
        match self.two_way.outbox.written(c, k, ready) {
            Route::Rest(r) => {
                if !self.transports[r].request_outstanding() {
                    self.rest_send_next(r, now, s);
                }
            }
            Route::Stream => self.send_upload(c, k, now, s),
            Route::Wait => {}
        }
    }

    fn upload(&self, k: MessageNo) -> MsgKind {
        MsgKind::Upload {
            message: k,
            payload: self.source.messages[k].payload,
        }
    }

    fn send_upload(&mut self, c: ClientId, k: MessageNo, now: SimTime, s: &mut Scheduler<Event>) {
        let upload = self.upload(k);
        self.send_up(c, upload, now, s);
    }

    /// `c`'s stream is open at the client: what waited for it goes now.
    pub(super) fn stream_opened(&mut self, c: ClientId, now: SimTime, s: &mut Scheduler<Event>) {
        if self.source.messages.is_empty() {
            return;
        }
        let generation = self.clients[c].connection.generation;
        for k in self.two_way.outbox.stream_opened(c, generation) {
            self.send_upload(c, k, now, s);
        }
    }

    /// The request `c` sends when its connection is ready: a request client's history
    /// ask or upload, else the transport's request.
    pub(super) fn request_kind(&self, c: ClientId) -> MsgKind {
        if self.is_rest(c) {
            let owner = self.two_way.outbox.owner_of(c);
            if self.asks_history(c, owner) {
                return MsgKind::HistoryRequest;
            }
            match self.next_upload(c, owner) {
                Some(k) => self.upload(k),
                None => unreachable!("a request client connects only to send"),
            }
        } else {
            MsgKind::Request
        }
    }

    /// Whether request client `r` (of `owner`) has a history ask to send: only a REST
    /// client asks.
    fn asks_history(&self, r: ClientId, owner: ClientId) -> bool {
        !self.is_unary(r) && self.history_pending(owner)
    }

    /// The message request client `r` (of `owner`) sends next, if it sends them.
    fn next_upload(&self, r: ClientId, owner: ClientId) -> Option<MessageNo> {
        self.two_way.outbox.next_request(r, owner)
    }

    /// Request client `r` sends the first message (or history ask) waiting for it, if any.
    pub(super) fn rest_send_next(&mut self, r: ClientId, now: SimTime, s: &mut Scheduler<Event>) {
        let owner = self.two_way.outbox.owner_of(r);
        if self.next_upload(r, owner).is_none() && !self.asks_history(r, owner) {
            return;
        }
        self.transports[r].request_sent();
        if self.clients[r].connection.open {
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
        k: MessageNo,
        now: SimTime,
        s: &mut Scheduler<Event>,
    ) {
        self.touch(c, now);
        self.two_way.metrics.job_started(c);
        self.run_job(c, Job::Message(k), now, s);
    }

    /// The server read REST client `r`'s request for message `k` (its handling follows
    /// the request path).
    pub(super) fn rest_request_read(&mut self, r: ClientId, k: MessageNo) {
        self.two_way.outbox.read(r, k);
        self.two_way.metrics.job_started(r);
    }

    /// The server read REST client `r`'s history request.
    pub(super) fn rest_history_read(&mut self, r: ClientId) {
        self.two_way.outbox.read_history(r);
    }

    /// REST client `r`'s history arrived: its client has it; the next request goes.
    pub(super) fn rest_history_received(
        &mut self,
        r: ClientId,
        now: SimTime,
        s: &mut Scheduler<Event>,
    ) {
        let owner = self.two_way.outbox.owner_of(r);
        self.transports[r].request_answered();
        self.history_arrived(owner, now);
        self.rest_send_next(r, now, s);
    }

    /// The server handled `c`'s stream message `k`.
    pub(super) fn message_handled(
        &mut self,
        c: ClientId,
        k: MessageNo,
        now: SimTime,
        s: &mut Scheduler<Event>,
    ) {
        self.two_way.metrics.job_ended(c);
        let origin = self.replica_of(c);
        self.publish(k, origin, now, s);
    }

    /// The server handled request client `r`'s request: it publishes the message and
    /// answers. A REST connection's keep-alive idle timer starts; a gRPC unary client's
    /// connection has none (gRPC servers keep an idle connection open by default:
    /// grpc-go's `MaxConnectionIdle` and grpc-java's `maxConnectionIdle` are infinite).
    pub(super) fn rest_handled(&mut self, r: ClientId, now: SimTime, s: &mut Scheduler<Event>) {
        let owner = self.two_way.outbox.owner_of(r);
        let answer = match self.two_way.outbox.take_serving(r) {
            Serving::History => self.history_answer(owner),
            Serving::Message(k) => {
                self.two_way.metrics.job_ended(r);
                let origin = self.replica_of(r);
                self.publish(k, origin, now, s);
                MsgKind::RestResponse
            }
            Serving::Nothing => unreachable!("a REST request is handled after it is read"),
        };
        self.send_down(r, answer, now, s);
        self.request_completed(r, now);
        if !self.is_unary(r) {
            self.arm_idle_timer(r, now, s);
        }
    }

    /// REST client `r` got its answer: the message is done; the next one goes.
    pub(super) fn rest_answered(&mut self, r: ClientId, now: SimTime, s: &mut Scheduler<Event>) {
        let owner = self.two_way.outbox.owner_of(r);
        self.transports[r].request_answered();
        self.two_way.outbox.answered(owner);
        self.rest_send_next(r, now, s);
    }

    /// REST client `r`'s request job ended with its connection gone: the server never
    /// published its message (the client sends it again, as after a crash).
    pub(super) fn rest_request_voided(&mut self, r: ClientId) {
        if let Serving::Message(_) = self.two_way.outbox.take_serving(r) {
            self.two_way.metrics.job_ended(r);
        }
    }

    /// REST client `r`'s connection failed (refused, reset, closed under it): the message
    /// it carried goes again after the outbox's retry delay.
    pub(super) fn rest_connection_lost(&mut self, r: ClientId, s: &mut Scheduler<Event>) {
        let client = &mut self.transports[r];
        if let Some(delay) = Outbox::retry_after(client.request_outstanding()) {
            client.request_answered();
            s.after(delay, Event::ClientTimer(r));
        }
    }

    /// REST client `r`'s retry timer.
    pub(super) fn rest_timer(&mut self, r: ClientId, now: SimTime, s: &mut Scheduler<Event>) {
        if !self.transports[r].request_outstanding() {
            self.rest_send_next(r, now, s);
        }
    }

    /// `c`'s replica crashed: the messages in its CPU are gone; REST clients send theirs
    /// again (they never got an answer), stream clients' are lost.
    pub(super) fn messages_crashed(&mut self, c: ClientId) {
        let lost = !self.is_rest(c);
        self.two_way.metrics.crashed(c, lost);
    }

    /// An upload reached a crashed connection: nobody reads it.
    pub(super) fn upload_dropped(&mut self, c: ClientId) {
        if !self.is_rest(c) {
            self.two_way.metrics.dropped();
        }
    }

    /// Message `k` reached the application at `now`: to every client as an event (when
    /// the workload broadcasts), from replica `origin`.
    fn publish(&mut self, k: MessageNo, origin: ReplicaId, now: SimTime, s: &mut Scheduler<Event>) {
        let message = self.source.messages[k];
        let written_at = SimTime::from_nanos(message.at);
        self.two_way
            .metrics
            .published(written_at, now, self.recorder.window());
        if self.numbers_at_run_time() {
            let audience = if self.layout.several() {
                Audience::Stream(streams::MESSAGES)
            } else {
                Audience::All
            };
            let n = self.log.to_mut().push(
                now.as_nanos(),
                message.payload as u64,
                audience,
                streams::MESSAGES,
            );
            self.two_way.metrics.numbered_message(k);
            self.event_created(n, origin, now, s);
        }
    }

    /// Workload event `k` of the scenario's log happens: its number in this run.
    pub(super) fn number_workload_event(&mut self, k: EventNo, now: SimTime) -> EventNo {
        if !self.numbers_at_run_time() {
            return k;
        }
        let payload = self.source.payload(k);
        self.two_way.metrics.numbered_workload_event();
        let stream = self.source.stream_of(k);
        let audience = if self.layout.several() {
            Audience::Stream(stream)
        } else {
            self.source.audience(k)
        };
        self.log
            .to_mut()
            .push(now.as_nanos(), payload, audience, stream)
    }

    /// Event `n` reached client `c` at `now`: if it carries another client's message, the
    /// end-to-end latency from that client's writing it.
    #[inline]
    pub(super) fn message_delivered(&mut self, c: ClientId, n: EventNo, now: SimTime) {
        let Some(k) = self.two_way.metrics.message_of(n) else {
            return;
        };
        let message = self.source.messages[k];
        let writer = (
            ClientId::new(message.client),
            SimTime::from_nanos(message.at),
        );
        let (warmup, _) = self.recorder.window();
        self.two_way.metrics.delivered(writer, c, now, warmup);
    }

    /// Counts `bytes` of message traffic (an upload, or anything of a REST client's).
    #[inline]
    pub(super) fn count_message_bytes(&mut self, direction: Direction, bytes: LayerBytes) {
        self.two_way.metrics.count_bytes(direction, bytes);
    }

    /// The sizes of a request client's messages (`None` for other clients): a REST
    /// client's, or a gRPC unary client's calls (one per message, sized by
    /// [`crate::transport::grpc`] as the unary polling call is).
    pub(super) fn rest_size(&self, c: ClientId, kind: MsgKind) -> Option<(u64, u64)> {
        if !self.is_rest(c) {
            return None;
        }
        if let (Some(http), true) = (&self.two_way.unary, self.is_unary(c)) {
            let conn = ConnInfo {
                client: c,
                ..self.clients[c].connection.info
            };
            return Some(match kind {
                MsgKind::Upload { payload, .. } => {
                    grpc::unary_upload_size(http, u64::from(payload), &self.log, conn)
                }
                MsgKind::RestResponse => grpc::unary_upload_reply_size(http, conn),
                other => unreachable!("{other:?} is not part of a gRPC unary upload"),
            });
        }
        let own = self.own_request_headers(c);
        let sizes = match own {
            Some(text) => self.two_way.rest_sizes.with_request_headers(text),
            None => self.two_way.rest_sizes,
        };
        Some(match kind {
            MsgKind::Upload { payload, .. } => sizes.upload(payload),
            MsgKind::RestResponse => sizes.answer(),
            MsgKind::HistoryRequest | MsgKind::Response { .. } => {
                let owner = self.two_way.outbox.owner_of(c);
                history::exchange_size(kind, &self.log, owner, own)
            }
            other => unreachable!("{other:?} is not a REST message"),
        })
    }

    /// What the run measured of the clients' messages (`None` without any).
    pub(super) fn message_result(&self) -> Option<MessageResult> {
        self.scenario.workload.messages?;
        Some(self.two_way.metrics.result())
    }
}
