//! Faults and recovery: replica crashes and restarts, rolling deploys, partitions of a
//! group's links, proxy and balancer restarts; the load balancer's health checks, the
//! clients' reconnect policies, and how long the clients take to come back.
//!
//! A crash is a process crash on a host that stays up: the kernel closes the replica's
//! sockets, so each client learns of it one trip after what was already on the wire to it
//! has arrived. The replica's queued CPU work is lost: push jobs' events go back to waiting
//! at the server (a client resuming from its cursor gets them again), other jobs are
//! void (recognised by the client's job epoch). Until the balancer takes the replica out
//! of service — at once without health checks, after `unhealthy_threshold` failed probes
//! with them — new connections routed to it are refused (layer 4) or answered 502 (layer
//! 7), and the clients take their failure path again.
//!
//! A rolling deploy takes the replicas in service out one at a time: no new work, its
//! connections closed at their next quiet moment after `drain`, back `restart` later. A
//! partition holds every message on a group's access links: TCP retransmits with
//! exponential backoff, so a message gets through at its first retransmission after the
//! partition ends; connections survive it. A proxy or balancer restart closes every
//! connection through it like a crash does (the server side's work for them is void) and
//! refuses new ones until it is back.
//!
//! Routing only: whom a fault hits, a deploy's steps and times, when a replica is down and
//! each fault in words are [`crate::infra::faults::FaultPlan`]'s; what a fault did is
//! [`crate::metrics::faults::FaultRecovery`]'s. The world schedules, asks and carries out.

use super::World;
use crate::engine::Scheduler;
use crate::engine::rng::RngExt;
use crate::ids::{FaultId, GroupId, MaybeFault, ProxyId, ReplicaId};
use crate::infra::faults::{DeployStep, FaultKind, Hit};
use crate::metrics::FaultResult;
use crate::scenario::ReconnectPolicy;
use crate::sim::event::{ClientId, Event};
use crate::time::SimTime;

impl World<'_> {
    /// Schedules the faults and, with health checks, each replica's probes.
    pub(super) fn schedule_faults(&self, s: &mut Scheduler<Event>) {
        for k in (0..self.faults.len()).map(FaultId::at) {
            s.at(self.faults.at(k), Event::Fault(k));
        }
        if let Some(check) = self.scenario.balancer.health_check {
            for r in ReplicaId::all(self.fleet.servers().len() as u32) {
                s.at(SimTime::ZERO + check.interval, Event::HealthProbe(r));
            }
        }
    }

    /// The client tries again after its policy's delay for this attempt (attempts count
    /// from the last time it was connected).
    pub(super) fn reconnect(
        &mut self,
        c: ClientId,
        policy: &ReconnectPolicy,
        now: SimTime,
        s: &mut Scheduler<Event>,
    ) {
        let attempt = self.transports[c].reconnect_attempt();
        let rng = &mut self.reconnect_rng;
        let delay = policy.delay(attempt, |bound| rng.random_range(0..=bound));
        self.reconnect_after(c, delay, now, s);
    }

    /// `c` moves to the next step of its fallback chain for the rest of the run; its
    /// failure count starts again.
    pub(super) fn fall_back(&mut self, c: ClientId) {
        self.transports[c].fall_back();
    }

    /// `c` is connected again (its stream opened, or a response arrived): its backoff
    /// restarts, and a fault waiting for it counts it as recovered.
    #[inline]
    pub(super) fn connected_again(&mut self, c: ClientId, now: SimTime) {
        self.transports[c].connected();
        self.recovered(c, now);
    }

    /// `c` is back from the fault it was waiting on, if any.
    fn recovered(&mut self, c: ClientId, now: SimTime) {
        let Some(k) = self.clients[c].awaiting_recovery.take() else {
            return;
        };
        self.fault_recovery.recovered(k, now);
    }

    /// Whether replica `r`'s process is down.
    pub(super) fn replica_down(&self, r: ReplicaId) -> bool {
        self.fleet.is_down(r)
    }

    /// Fault `k` strikes: the world carries out what it does to the fleet, the network
    /// and the middleboxes, and asks the plan whom it hits.
    pub(super) fn fault(&mut self, k: FaultId, now: SimTime, s: &mut Scheduler<Event>) {
        match self.faults.kind(k) {
            FaultKind::Crash {
                replica,
                restart_after,
            } => {
                let replica = ReplicaId::new(replica);
                if self.crash(k, replica, now, s)
                    && let Some(delay) = restart_after
                {
                    s.after(delay, Event::Restart(replica));
                }
            }
            FaultKind::Deploy { .. } => {
                let replicas = self.fleet.active();
                self.fault_recovery.deploys(k, replicas);
                for (at, step) in self.faults.deploy_steps(k, now, replicas) {
                    s.at(at, Event::Deploy { fault: k, step });
                }
            }
            FaultKind::Partition { .. } => self.strike(k, now, s),
            FaultKind::NetworkSwitch { group, to } => {
                let group = GroupId::new(group);
                self.network.switch_links(
                    group,
                    crate::sim::build::link_params(&self.scenario.links[to as usize]),
                );
                let radio = self.scenario.links[to as usize].radio;
                self.devices.switch(group, radio.map(|r| r.params), now);
                self.strike(k, now, s);
            }
            FaultKind::Restart { proxy, down_for } => {
                self.middleboxes.set_down(proxy.map(ProxyId::new), true);
                self.strike(k, now, s);
                s.after(down_for, Event::MiddleboxBack(k));
            }
        }
    }

    /// Fault `k` hits each client the plan says it hits, in client order.
    fn strike(&mut self, k: FaultId, now: SimTime, s: &mut Scheduler<Event>) {
        for c in ClientId::all(self.clients.len()) {
            match self.faults.hit(k, &self.clients[c].exposure()) {
                Hit::Spared => {}
                Hit::CutOff => self.affect(k, c),
                Hit::Closed => {
                    self.affect(k, c);
                    self.crash_client(c, now, s);
                }
            }
        }
    }

    /// A step of a rolling deploy (see [`Event::Deploy`]).
    pub(super) fn deploy_step(&mut self, k: FaultId, step: u32, s: &mut Scheduler<Event>) {
        match DeployStep::of(step) {
            DeployStep::Out { replica } => self.fleet.set_out(replica, true),
            DeployStep::Drained { replica } => {
                let closed = self.close_on_replicas(|r| r == replica, Some(k), s);
                self.fault_recovery.cut_off_later(k, closed);
            }
            DeployStep::Back { replica } => self.fleet.set_out(replica, false),
        }
    }

    /// The proxy or balancer restarted by fault `k` takes connections again.
    pub(super) fn middlebox_back(&mut self, k: FaultId) {
        if let FaultKind::Restart { proxy, .. } = self.faults.kind(k) {
            self.middleboxes.set_down(proxy.map(ProxyId::new), false);
        }
    }

    /// A message reached client `c`: if it was cut off by a partition, it is back.
    pub(super) fn heard_from_server(&mut self, c: ClientId, now: SimTime) {
        let awaiting = self.clients[c].awaiting_recovery.get();
        if awaiting.is_some_and(|k| self.faults.is_partition(k)) {
            self.recovered(c, now);
        }
    }

    /// Replica `r`'s process crashes; false if it was down already (nothing happens).
    fn crash(&mut self, k: FaultId, r: ReplicaId, now: SimTime, s: &mut Scheduler<Event>) -> bool {
        let Some(voided) = self.fleet.crash(r, now) else {
            return false;
        };
        for (from, to) in voided {
            self.recorder.series().cpu_void(from, to);
        }
        self.strike(k, now, s);
        true
    }

    /// Fault `k` hits client `c`, which counts until it recovers; REST clients' faults
    /// show in the messages' metrics instead.
    fn affect(&mut self, k: FaultId, c: ClientId) {
        if !self.is_rest(c) {
            self.fault_recovery.cut_off(k);
            self.clients[c].awaiting_recovery = MaybeFault::some(k);
        }
    }

    /// `c`'s connection dies with its replica: what the server held for it is gone, what
    /// is on the wire still arrives, then the connection closes.
    fn crash_client(&mut self, c: ClientId, now: SimTime, s: &mut Scheduler<Event>) {
        self.messages_crashed(c);
        self.clients[c].process_died();
        // The job writing a held request's answer died with the process.
        self.transports[c].answer_lost();
        // Its push jobs died with the process.
        self.withdraw_handed_out(c, true);
        self.server_forgets(c, now);
        self.clients[c].connection_died();
        self.finish_close_if_drained(c, now, s);
    }

    pub(super) fn restart(&mut self, r: ReplicaId) {
        self.fleet.restart(r);
    }

    /// A health probe of replica `r`: a crashed process refuses it at once; a running one
    /// passes.
    pub(super) fn health_probe(&mut self, r: ReplicaId, s: &mut Scheduler<Event>) {
        if let Some(next) = self.fleet.probe(r) {
            s.after(next, Event::HealthProbe(r));
        }
    }

    /// Each fault's result, read from the counters and the finished time series.
    pub(super) fn fault_results(
        &self,
        series: &crate::metrics::series::TimeSeries,
    ) -> Vec<FaultResult> {
        let faults = (0..self.faults.len()).map(FaultId::at).map(|k| {
            let words = self.faults.describe(k, self.fault_recovery.deployed(k));
            (self.faults.at(k), words)
        });
        self.fault_recovery.results(faults, series)
    }
}
