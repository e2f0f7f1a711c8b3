//! Server replicas behind the load balancer, and how events reach them: through the
//! broker, or — without one — only on the replica where each event originates.
//!
//! Polling and long-polling answers read every event from a shared store, so any replica
//! can answer them. A push needs the event at the replica that holds the stream (or the
//! held request): with a broker, every replica with a subscriber receives each event after
//! the broker's latency and spends its CPU cost on it; without one, an event reaches only
//! the replica it originates on (events originate round robin), and streams elsewhere miss
//! it — counted as lost. That is the seeds' "WebSockets need sticky sessions or pub/sub".
//!
//! Routing only: where an event originates, which replicas the broker brings it to, and
//! the walk over a replica's streams that an event never reaches are
//! [`crate::infra::fanout::Fanout`]'s; the world walks each replica's streams to push, and
//! moves the clients' cursors.

use super::World;
use crate::engine::Scheduler;
use crate::ids::{EventNo, FaultId, MaybeFault, ReplicaId};
use crate::infra::fanout::{Fanout, Subscribers};
use crate::infra::fleet::{Endpoint, Work};
use crate::metrics::recorder::Count;
use crate::sim::event::{ClientId, CloseReason, Event, Job, MsgKind};
use crate::time::SimTime;

impl World<'_> {
    /// Replica serving `c` now.
    pub(super) fn replica_of(&self, c: ClientId) -> ReplicaId {
        self.clients[c].replica
    }

    /// The endpoint `c`'s jobs and connection are for: the REST endpoint for a REST
    /// client, gRPC's for a gRPC unary client, else the transport of the step `c` is at
    /// (its row of the cost table).
    #[inline(always)]
    pub(super) fn endpoint(&self, c: ClientId) -> Endpoint {
        let rest = self.is_rest(c);
        if rest && self.is_unary(c) {
            // A gRPC unary client's calls are the gRPC endpoint's requests.
            return Endpoint::Transport(crate::infra::costs::ServerTransport::Grpc);
        }
        let transport = self
            .chain
            .profile(self.transports[c].stage())
            .server_transport;
        Endpoint::of(rest, transport)
    }

    /// `c`'s connection (or, at layer 7, request) opens on replica `r`: it holds its
    /// endpoint's memory there until it closes, whatever step `c` is at by then.
    fn charge_connection(&mut self, c: ClientId, r: ReplicaId) {
        let endpoint = self.endpoint(c);
        self.clients[c].connection.charged_as = endpoint;
        let memory = self.fleet.memory_per_connection(endpoint);
        self.fleet.server(r).connection_opened(memory);
    }

    /// `c`'s connection (or request) on replica `r` closed: its memory is free.
    fn release_connection(&mut self, c: ClientId, r: ReplicaId) {
        let endpoint = self.clients[c].connection.charged_as;
        let memory = self.fleet.memory_per_connection(endpoint);
        self.fleet.server(r).connection_closed(memory);
    }

    /// A client's TCP connection reached the front end (the balancer, or the only
    /// replica). Layer 4 pins it to a replica now.
    /// Returns false when the connection is refused: a proxy on the path or the chosen
    /// replica is at its limit.
    pub(super) fn client_connection_opened(&mut self, c: ClientId, now: SimTime) -> bool {
        let group = self.clients[c].group;
        // A restarting balancer or proxy on the way refuses it, as does a full proxy.
        if !self.middleboxes.admits(group, self.in_window(now)) {
            return false;
        }
        if self.fleet.layer() == 4 {
            let Some(r) = self.fleet.choose(c, self.clients[c].browser) else {
                return false;
            };
            self.clients[c].replica = r;
            self.charge_connection(c, r);
        }
        self.middleboxes.opened(group);
        self.fleet.admit();
        self.clients[c].connection.admitted = true;
        true
    }

    /// A client's TCP connection closed: if the front end had admitted it, it no longer
    /// counts there (a connection closed before its SYN arrived, or refused, never did).
    pub(super) fn client_connection_closed(&mut self, c: ClientId) {
        if !std::mem::take(&mut self.clients[c].connection.admitted) {
            return;
        }
        self.fleet.release();
        let group = self.clients[c].group;
        self.middleboxes.closed(group);
        if self.fleet.layer() == 4 {
            let r = self.replica_of(c);
            self.release_connection(c, r);
        }
    }

    /// A request arrived: layer 7 balances it on its own; the replica counts it as active
    /// until it is answered (a stream stays active); on a serverless server it starts an
    /// invocation. Returns the refusal when layer 7 finds every replica at its connection
    /// limit (the balancer answers `503`) or a serverless server its concurrency limit
    /// (`429`).
    pub(super) fn request_arrived(&mut self, c: ClientId, now: SimTime) -> Result<(), MsgKind> {
        if self.fleet.layer() == 7 {
            let Some(r) = self.fleet.choose(c, self.clients[c].browser) else {
                return Err(MsgKind::Unavailable);
            };
            if !self.invocation_starts(c, now) {
                return Err(MsgKind::Throttled);
            }
            let client = &mut self.clients[c];
            client.replica = r;
            client.active_on_replica = true;
            self.charge_connection(c, r);
        }
        let r = self.replica_of(c);
        let in_window = self.in_window(now);
        self.fleet.server(r).request_arrived(in_window);
        self.recorder.series().request(now);
        Ok(())
    }

    /// A request was answered (or its stream or connection ended): layer 7 releases it,
    /// and a serverless invocation ends.
    pub(super) fn request_completed(&mut self, c: ClientId, now: SimTime) {
        let client = &mut self.clients[c];
        if client.active_on_replica {
            client.active_on_replica = false;
            let r = client.replica;
            self.release_connection(c, r);
            self.invocation_ends(c, now);
        }
    }

    /// Client `c`'s stream (SSE, WebSocket) now lives on its replica (on a function,
    /// until `max_duration`).
    pub(super) fn register_stream(&mut self, c: ClientId, now: SimTime, s: &mut Scheduler<Event>) {
        let r = self.replica_of(c);
        self.fanout.stream_opened(r, c);
        self.transports[c].stream_opened();
        self.limit_stream(c, now, s);
    }

    /// Workload event `k` happens; without a broker it reaches one replica (each event
    /// its own, in turn).
    pub(super) fn workload_event(&mut self, k: EventNo, now: SimTime, s: &mut Scheduler<Event>) {
        let n = self.number_workload_event(k, now);
        let origin = Fanout::origin(n, self.fleet.active());
        self.event_created(n, origin, now, s);
    }

    /// Event `n` was created at replica `origin`: the broker brings it to every replica
    /// with subscribers; without one, only `origin`'s subscribers get it.
    pub(super) fn event_created(
        &mut self,
        n: EventNo,
        origin: ReplicaId,
        now: SimTime,
        s: &mut Scheduler<Event>,
    ) {
        self.events_so_far = n.next();
        let active = self.fleet.active();
        match self.scenario.broker {
            Some(broker) => {
                let subscribers = Subscribers {
                    streams: self.delivery.streams,
                    held_requests: self.delivery.held_requests,
                };
                for r in self.fanout.broker_targets(active, subscribers) {
                    self.recorder.count(Count::BrokerMessages, now);
                    s.after(
                        broker.latency,
                        Event::BrokerDelivery {
                            replica: r,
                            event: n,
                        },
                    );
                }
            }
            None => {
                self.event_at_replica(origin, n, now, s);
                for r in Fanout::missed_by(origin, active) {
                    self.event_missed(r, n);
                }
            }
        }
    }

    /// A broker message for event `n` reached replica `r`: it costs the replica CPU before
    /// the replica can act on it.
    pub(super) fn broker_delivery(
        &mut self,
        r: ReplicaId,
        n: EventNo,
        now: SimTime,
        s: &mut Scheduler<Event>,
    ) {
        if self.replica_down(r) {
            return;
        }
        let (cost, done) = self.fleet.run(r, Work::BrokerMessage, Endpoint::Rest, now);
        self.recorder.series().cpu(done - cost, done);
        s.at(
            done,
            Event::BrokerDone {
                replica: r,
                event: n,
            },
        );
    }

    /// Queues a push job of event `n` for every stream on replica `r` that has not passed
    /// it: a stream that subscribed after `n` was created (while the broker carried `n` to
    /// this replica) starts after it.
    pub(super) fn push_to_streams(
        &mut self,
        r: ReplicaId,
        n: EventNo,
        now: SimTime,
        s: &mut Scheduler<Event>,
    ) {
        let mut i = 0;
        while let Some(c) = self.fanout.stream(r, i) {
            i += 1;
            let for_it = self.log.is_for(n, c);
            let client = &mut self.clients[c];
            if client.passes(n) && for_it {
                client.events_in_jobs += 1;
                match self.batch_window(c) {
                    None => self.run_job(c, Job::Push(n), now, s),
                    Some(window) => self.batch_event(c, n, window, now, s),
                }
            }
        }
    }

    /// Streams on replica `r` never receive event `n` (no broker brought it there): each
    /// one that has not passed it counts it lost.
    pub(super) fn lose_for_streams(&mut self, r: ReplicaId, n: EventNo) {
        let (clients, log) = (&mut self.clients, &self.log);
        let lost = self.fanout.missed_on_streams(r, |c| {
            let for_it = log.is_for(n, c);
            clients[c].misses(n, for_it)
        });
        self.recorder.lost().no_broker += lost;
    }

    /// Scale step `step` takes effect: more replicas in service; the imbalance window of
    /// every replica restarts now.
    pub(super) fn scale(&mut self, step: u32, now: SimTime, s: &mut Scheduler<Event>) {
        let (_, replicas) = self.scenario.balancer.scale[step as usize];
        let before = self.fleet.active();
        self.fleet.scale_to(replicas, now);
        if replicas < before {
            // Removed replicas take no new work; after the drain period their connections
            // are closed.
            s.after(
                self.scenario.balancer.drain,
                Event::DrainEnd(ReplicaId::new(replicas)),
            );
        }
    }

    /// The drain period of the replicas from `first_removed` on ended: every connection
    /// still on them is closed at its next quiet moment.
    pub(super) fn drain_end(&mut self, first_removed: ReplicaId, s: &mut Scheduler<Event>) {
        let active = ReplicaId::new(self.fleet.active());
        self.close_on_replicas(|r| r >= first_removed && r >= active, None, s);
    }

    /// Closes, each at its next quiet moment, every connection (layer 4) or stream and held
    /// request (layer 7) on the replicas `which` picks; marks those clients as awaiting
    /// recovery from fault `awaiting`, if any. Returns how many.
    pub(super) fn close_on_replicas(
        &mut self,
        which: impl Fn(ReplicaId) -> bool,
        awaiting: Option<FaultId>,
        s: &mut Scheduler<Event>,
    ) -> u64 {
        let mut closed = 0;
        for c in ClientId::all(self.clients.len()) {
            let client = &self.clients[c];
            let transport = &self.transports[c];
            let holds_work = transport.is_streaming() || transport.hold().is_held();
            let closes = self.fleet.drain_closes(client.connection.open, holds_work);
            if which(client.replica) && closes {
                let visible = !self.is_rest(c);
                closed += u64::from(visible);
                s.after(
                    0,
                    Event::CloseWhenQuiet {
                        client: c,
                        generation: client.connection.generation,
                        reason: CloseReason::Drain as u32,
                    },
                );
                if awaiting.is_some() && visible {
                    self.clients[c].awaiting_recovery = MaybeFault::from(awaiting);
                }
            }
        }
        closed
    }

    /// Schedules the scale steps.
    pub(super) fn schedule_scaling(&self, s: &mut Scheduler<Event>) {
        for (step, (at, _)) in self.scenario.balancer.scale.iter().enumerate() {
            s.at(SimTime::from_nanos(*at), Event::Scale { step: step as u32 });
        }
    }
}
