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

use super::World;
use crate::engine::Scheduler;
use crate::engine::rng::RngExt;
use crate::ids::{FaultId, ProxyId, ReplicaId};
use crate::metrics::FaultResult;
use crate::scenario::ReconnectPolicy;
use crate::scenario::faults::FaultKind;
use crate::sim::event::{ClientId, Event};
use crate::time::{Nanos, SimTime};

impl World<'_> {
    /// Schedules the faults and, with health checks, each replica's probes.
    pub(super) fn schedule_faults(&self, s: &mut Scheduler<Event>) {
        for (k, fault) in self.scenario.faults.iter().enumerate() {
            s.at(SimTime::from_nanos(fault.at), Event::Fault(FaultId::at(k)));
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
        now: Nanos,
        s: &mut Scheduler<Event>,
    ) {
        let attempt = self.transports[c].reconnect_attempt();
        let rng = &mut self.reconnect_rng;
        let delay = policy.delay(attempt, |bound| rng.random_range(0..=bound));
        self.reconnect_after(c, delay, now, s);
    }

    /// Whether `c`'s lost connection was a failed attempt (it closed before its first
    /// response or stream start), and whether a proxy denied its upgrade.
    pub(super) fn attempt_failed(&mut self, c: ClientId) -> (bool, bool) {
        let client = &mut self.clients[c];
        let denied = self.transports[c].take_denied();
        (client.connection.opened_at.is_some() || denied, denied)
    }

    /// `c` moves to the next step of its fallback chain for the rest of the run; its
    /// failure count starts again.
    pub(super) fn fall_back(&mut self, c: ClientId) {
        self.transports[c].fall_back();
    }

    /// `c` is connected again (its stream opened, or a response arrived): its backoff
    /// restarts, and a fault waiting for it counts it as recovered.
    #[inline]
    pub(super) fn connected_again(&mut self, c: ClientId, now: Nanos) {
        self.transports[c].connected();
        self.recovered(c, now);
    }

    /// `c` is back from the fault it was waiting on, if any.
    fn recovered(&mut self, c: ClientId, now: Nanos) {
        let awaiting = std::mem::take(&mut self.clients[c].awaiting_recovery);
        if awaiting == 0 {
            return;
        }
        self.fault_recovery
            .recovered(FaultId::new(awaiting - 1), now);
    }

    /// Whether replica `r`'s process is down.
    pub(super) fn replica_down(&self, r: ReplicaId) -> bool {
        self.fleet.is_down(r)
    }

    pub(super) fn fault(&mut self, k: FaultId, now: Nanos, s: &mut Scheduler<Event>) {
        match self.scenario.faults[k].kind {
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
            FaultKind::Deploy { drain, restart } => {
                let replicas = self.fleet.active();
                self.fault_recovery.deploys(k, replicas);
                for i in 0..replicas {
                    let start = now + i as Nanos * (drain + restart);
                    s.at(
                        SimTime::from_nanos(start),
                        Event::Deploy {
                            fault: k,
                            step: 3 * i,
                        },
                    );
                    s.at(
                        SimTime::from_nanos(start + drain),
                        Event::Deploy {
                            fault: k,
                            step: 3 * i + 1,
                        },
                    );
                    s.at(
                        SimTime::from_nanos(start + drain + restart),
                        Event::Deploy {
                            fault: k,
                            step: 3 * i + 2,
                        },
                    );
                }
            }
            FaultKind::Partition { group, .. } => {
                for c in ClientId::all(self.clients.len()) {
                    let client = &self.clients[c];
                    if client.group == group && client.registered {
                        self.affect(k, c);
                    }
                }
            }
            FaultKind::NetworkSwitch { group, to } => {
                self.network.switch_links(
                    group as usize,
                    crate::sim::build::link_params(&self.scenario.links[to as usize]),
                );
                let radio = self.scenario.links[to as usize].radio;
                self.devices
                    .switch(group as usize, radio.map(|r| r.params), now);
                for c in ClientId::all(self.clients.len()) {
                    let client = &self.clients[c];
                    if client.group == group && client.connection.open && !client.crashed {
                        self.affect(k, c);
                        self.crash_client(c, now, s);
                    }
                }
            }
            FaultKind::Restart { proxy, down_for } => {
                self.middleboxes.set_down(proxy.map(ProxyId::new), true);
                for c in ClientId::all(self.clients.len()) {
                    let client = &self.clients[c];
                    let through = match proxy {
                        Some(p) => self.scenario.groups[client.group as usize]
                            .path
                            .proxies
                            .contains(&p),
                        None => true,
                    };
                    if through && client.connection.open && !client.crashed {
                        self.affect(k, c);
                        self.crash_client(c, now, s);
                    }
                }
                s.after(down_for, Event::MiddleboxBack(k));
            }
        }
    }

    /// A step of a rolling deploy (see [`Event::Deploy`]).
    pub(super) fn deploy_step(&mut self, k: FaultId, step: u32, s: &mut Scheduler<Event>) {
        let r = ReplicaId::new(step / 3);
        match step % 3 {
            0 => self.fleet.set_out(r, true),
            1 => {
                let closed = self.close_on_replicas(|rep| rep == r, k.get() + 1, s);
                self.fault_recovery.cut_off_later(k, closed);
            }
            _ => self.fleet.set_out(r, false),
        }
    }

    /// The proxy or balancer restarted by fault `k` takes connections again.
    pub(super) fn middlebox_back(&mut self, k: FaultId) {
        if let FaultKind::Restart { proxy, .. } = self.scenario.faults[k].kind {
            self.middleboxes.set_down(proxy.map(ProxyId::new), false);
        }
    }

    /// A message reached client `c`: if it was cut off by a partition, it is back.
    pub(super) fn heard_from_server(&mut self, c: ClientId, now: Nanos) {
        let awaiting = self.clients[c].awaiting_recovery;
        if awaiting != 0
            && matches!(
                self.scenario.faults[awaiting as usize - 1].kind,
                FaultKind::Partition { .. }
            )
        {
            self.recovered(c, now);
        }
    }

    /// Replica `r`'s process crashes; false if it was down already (nothing happens).
    fn crash(&mut self, k: FaultId, r: ReplicaId, now: Nanos, s: &mut Scheduler<Event>) -> bool {
        let Some(voided) = self.fleet.crash(r, now) else {
            return false;
        };
        for (from, to) in voided {
            self.recorder.series().cpu_void(from, to);
        }
        let layer7 = self.fleet.layer() == 7;
        for c in ClientId::all(self.clients.len()) {
            let client = &self.clients[c];
            let on_it = client.replica == r
                && if layer7 {
                    client.active_on_replica
                } else {
                    client.connection.open && !client.crashed
                };
            if on_it {
                self.affect(k, c);
                self.crash_client(c, now, s);
            }
        }
        true
    }

    /// When replica `r` is down, from the fault list: a crash while it is down changes
    /// nothing (as [`Self::crash`] does).
    pub(super) fn down_intervals(&self, r: ReplicaId) -> Vec<(Nanos, Nanos)> {
        let end = self.scenario.duration;
        let mut out: Vec<(Nanos, Nanos)> = Vec::new();
        for fault in &self.scenario.faults {
            let FaultKind::Crash {
                replica,
                restart_after,
            } = fault.kind
            else {
                continue;
            };
            if replica != r.get() || out.last().is_some_and(|(_, to)| *to > fault.at) {
                continue;
            }
            out.push((
                fault.at,
                restart_after.map_or(end, |d| (fault.at + d).min(end)),
            ));
        }
        out
    }

    /// Replicas among the first `in_service` that are down at `t`.
    pub(super) fn down_at(&self, t: Nanos, in_service: u32) -> u32 {
        ReplicaId::all(in_service)
            .filter(|r| {
                self.down_intervals(*r)
                    .iter()
                    .any(|(from, to)| *from <= t && t < *to)
            })
            .count() as u32
    }

    /// `c`'s connection dies with its replica: what the server held for it is gone, what
    /// is on the wire still arrives, then the connection closes.
    /// Fault `k` hits client `c`, which counts until it recovers; REST clients' faults
    /// show in the messages' metrics instead.
    fn affect(&mut self, k: FaultId, c: ClientId) {
        if !self.is_rest(c) {
            self.fault_recovery.cut_off(k);
            self.clients[c].awaiting_recovery = k.get() + 1;
        }
    }

    fn crash_client(&mut self, c: ClientId, now: Nanos, s: &mut Scheduler<Event>) {
        self.messages_crashed(c);
        let client = &mut self.clients[c];
        client.job_epoch = client.job_epoch.wrapping_add(1);
        // The job writing a held request's answer died with the process.
        self.transports[c].answer_lost();
        client.connection.tls_pending = false;
        client.connection.request_in_job = false;
        client.connection.early_request = false;
        client.connection.early_refusal = None;
        // Its push jobs died with the process.
        self.withdraw_handed_out(c, true);
        self.server_forgets(c);
        let client = &mut self.clients[c];
        client.crashed = true;
        client.closing = true;
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

    /// Fault `k` in words.
    fn describe(&self, k: FaultId) -> String {
        let time = |t: Nanos| crate::units::Duration::from_nanos(t).to_string();
        let fault = &self.scenario.faults[k];
        match fault.kind {
            FaultKind::Crash {
                replica,
                restart_after,
            } => {
                let restart =
                    restart_after.map_or(String::new(), |d| format!(", restart after {}", time(d)));
                format!("crash of replica {replica}{restart}")
            }
            FaultKind::Deploy { drain, restart } => format!(
                "rolling deploy of {} replicas (drain {}, restart {})",
                self.fault_recovery.deployed(k),
                time(drain),
                time(restart)
            ),
            FaultKind::Partition { group, lasts } => format!(
                "partition of group {} for {}",
                self.scenario.groups[group as usize].name,
                time(lasts)
            ),
            FaultKind::NetworkSwitch { group, to } => format!(
                "network switch of group {} to {}",
                self.scenario.groups[group as usize].name, self.scenario.links[to as usize].name
            ),
            FaultKind::Restart { proxy, down_for } => match proxy {
                Some(p) => format!(
                    "restart of proxy {} (down {})",
                    self.scenario.proxies[p as usize].name,
                    time(down_for)
                ),
                None => format!("restart of the load balancer (down {})", time(down_for)),
            },
        }
    }

    /// Each fault's result, read from the counters and the finished time series.
    pub(super) fn fault_results(
        &self,
        series: &crate::metrics::series::TimeSeries,
    ) -> Vec<FaultResult> {
        let faults = (0..self.scenario.faults.len())
            .map(FaultId::at)
            .map(|k| (self.scenario.faults[k].at, self.describe(k)));
        self.fault_recovery.results(faults, series)
    }
}
