//! Faults and recovery: replica crashes and restarts, the load balancer's health checks,
//! the clients' reconnect policies, and how long the clients take to come back.
//!
//! A crash is a process crash on a host that stays up: the kernel closes the replica's
//! sockets, so each client learns of it one trip after what was already on the wire to it
//! has arrived. The replica's queued CPU work is lost: push jobs' events go back to waiting
//! at the server (a client resuming from its cursor gets them again), other jobs are
//! void (recognised by the client's job epoch). Until the balancer takes the replica out
//! of service — at once without health checks, after `unhealthy_threshold` failed probes
//! with them — new connections routed to it are refused (layer 4) or answered 502 (layer
//! 7), and the clients take their failure path again.

use super::{Protocol, World};
use crate::engine::rng::RngExt;
use crate::engine::{Nanos, Scheduler};
use crate::metrics::{FaultResult, fixed};
use crate::scenario::ReconnectPolicy;
use crate::scenario::faults::FaultKind;
use crate::sim::event::{ClientId, Event};

/// Share of the affected clients that counts as recovered.
const RECOVERED_SHARE: f64 = 0.99;
/// CPU utilisation of a second that counts as saturated.
const SATURATED: f64 = 0.95;

/// What happened to one fault's clients.
#[derive(Debug, Clone, Default)]
pub(super) struct FaultStats {
    affected: u64,
    recovered: u64,
    recovered_at: Option<Nanos>,
}

/// The balancer's view of a replica under health checks: consecutive failed and passed
/// probes.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Health {
    fails: u32,
    passes: u32,
}

impl<P: Protocol> World<'_, P> {
    /// Schedules the faults and, with health checks, each replica's probes.
    pub(super) fn schedule_faults(&self, s: &mut Scheduler<Event>) {
        for (k, fault) in self.scenario.faults.iter().enumerate() {
            s.at(fault.at, Event::Fault(k as u32));
        }
        if let Some(check) = self.scenario.balancer.health_check {
            for r in 0..self.servers.len() as u32 {
                s.at(check.interval, Event::HealthProbe(r));
            }
        }
    }

    /// The client tries again after its policy's delay for this attempt (attempts count
    /// from the last time it was connected).
    pub fn reconnect(
        &mut self,
        c: ClientId,
        policy: &ReconnectPolicy,
        now: Nanos,
        s: &mut Scheduler<Event>,
    ) {
        let client = &mut self.clients[c as usize];
        let attempt = client.attempts;
        client.attempts = attempt.saturating_add(1);
        let rng = &mut self.reconnect_rng;
        let delay = policy.delay(attempt, |bound| rng.random_range(0..=bound));
        self.reconnect_after(c, delay, now, s);
    }

    /// `c` is connected again (its stream opened, or a response arrived): its backoff
    /// restarts, and a fault waiting for it counts it as recovered.
    pub(super) fn connected_again(&mut self, c: ClientId, now: Nanos) {
        let client = &mut self.clients[c as usize];
        client.attempts = 0;
        let awaiting = std::mem::take(&mut client.awaiting_recovery);
        if awaiting == 0 {
            return;
        }
        let stats = &mut self.fault_stats[awaiting as usize - 1];
        stats.recovered += 1;
        let needed = (stats.affected as f64 * RECOVERED_SHARE).ceil() as u64;
        if stats.recovered_at.is_none() && stats.recovered >= needed {
            stats.recovered_at = Some(now);
        }
    }

    /// Whether replica `r`'s process is down.
    pub(super) fn replica_down(&self, r: u32) -> bool {
        self.down[r as usize]
    }

    pub(super) fn fault(&mut self, k: u32, now: Nanos, s: &mut Scheduler<Event>) {
        match self.scenario.faults[k as usize].kind {
            FaultKind::Crash {
                replica,
                restart_after,
            } => {
                if self.crash(k, replica, now, s)
                    && let Some(delay) = restart_after
                {
                    s.after(delay, Event::Restart(replica));
                }
            }
        }
    }

    /// Replica `r`'s process crashes; false if it was down already (nothing happens).
    fn crash(&mut self, k: u32, r: u32, now: Nanos, s: &mut Scheduler<Event>) -> bool {
        if self.down[r as usize] {
            return false;
        }
        self.down[r as usize] = true;
        if self.scenario.balancer.health_check.is_none() {
            self.lb_out[r as usize] = true;
        }
        for (from, to) in self.servers[r as usize].crash(now) {
            self.series.cpu_void(from, to);
        }
        let layer7 = self.balancer.layer() == 7;
        for c in 0..self.clients.len() as ClientId {
            let client = &self.clients[c as usize];
            let on_it = client.replica == r
                && if layer7 {
                    client.active_on_replica
                } else {
                    client.connection.open && !client.crashed
                };
            if on_it {
                self.fault_stats[k as usize].affected += 1;
                self.clients[c as usize].awaiting_recovery = k + 1;
                self.crash_client(c, now, s);
            }
        }
        true
    }

    /// When replica `r` is down, from the fault list: a crash while it is down changes
    /// nothing (as [`Self::crash`] does).
    pub(super) fn down_intervals(&self, r: u32) -> Vec<(Nanos, Nanos)> {
        let end = self.scenario.duration;
        let mut out: Vec<(Nanos, Nanos)> = Vec::new();
        for fault in &self.scenario.faults {
            let FaultKind::Crash {
                replica,
                restart_after,
            } = fault.kind;
            if replica != r || out.last().is_some_and(|(_, to)| *to > fault.at) {
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
        (0..in_service)
            .filter(|r| {
                self.down_intervals(*r)
                    .iter()
                    .any(|(from, to)| *from <= t && t < *to)
            })
            .count() as u32
    }

    /// `c`'s connection dies with its replica: what the server held for it is gone, what
    /// is on the wire still arrives, then the connection closes.
    fn crash_client(&mut self, c: ClientId, now: Nanos, s: &mut Scheduler<Event>) {
        let client = &mut self.clients[c as usize];
        client.job_epoch = client.job_epoch.wrapping_add(1);
        client.answer_scheduled = false;
        client.connection.tls_pending = false;
        client.connection.early_request = false;
        // Push jobs hold the last events handed out, just before the cursor.
        let in_jobs = std::mem::take(&mut client.events_in_jobs);
        client.cursor -= in_jobs as u32;
        self.discard_waiting(c);
        self.server_forgets(c);
        let client = &mut self.clients[c as usize];
        client.crashed = true;
        client.closing = true;
        self.finish_close_if_drained(c, now, s);
    }

    pub(super) fn restart(&mut self, r: u32) {
        self.down[r as usize] = false;
        if self.scenario.balancer.health_check.is_none() {
            self.lb_out[r as usize] = false;
        }
    }

    /// A health probe of replica `r`: a crashed process refuses it at once; a running one
    /// passes.
    pub(super) fn health_probe(&mut self, r: u32, s: &mut Scheduler<Event>) {
        let Some(check) = self.scenario.balancer.health_check else {
            return;
        };
        let health = &mut self.health[r as usize];
        if self.down[r as usize] {
            health.fails += 1;
            health.passes = 0;
            if health.fails >= check.unhealthy_threshold {
                self.lb_out[r as usize] = true;
            }
        } else {
            health.passes += 1;
            health.fails = 0;
            if health.passes >= check.healthy_threshold {
                self.lb_out[r as usize] = false;
            }
        }
        s.after(check.interval, Event::HealthProbe(r));
    }

    /// Each fault's result, read from the counters and the finished time series.
    pub(super) fn fault_results(
        &self,
        series: &crate::metrics::series::TimeSeries,
    ) -> Vec<FaultResult> {
        self.scenario
            .faults
            .iter()
            .zip(&self.fault_stats)
            .map(|(fault, stats)| {
                let from = (fault.at / 1_000_000_000) as usize;
                let cpu = series.cpu_utilisation.get(from..).unwrap_or(&[]);
                let FaultKind::Crash {
                    replica,
                    restart_after,
                } = fault.kind;
                let restart = restart_after.map_or(String::new(), |d| {
                    format!(", restart after {}", crate::units::Duration::from_nanos(d))
                });
                FaultResult {
                    at_s: fault.at as f64 / 1e9,
                    fault: format!("crash of replica {replica}{restart}"),
                    clients_affected: stats.affected,
                    clients_recovered: stats.recovered,
                    recovered_after_s: stats.recovered_at.map(|t| (t - fault.at) as f64 / 1e9),
                    peak_new_connections_per_s: series
                        .new_connections
                        .get(from..)
                        .unwrap_or(&[])
                        .iter()
                        .copied()
                        .max()
                        .unwrap_or(0),
                    peak_cpu_utilisation: fixed(cpu.iter().copied().fold(0.0, f64::max), 6),
                    seconds_cpu_saturated: cpu.iter().filter(|u| **u >= SATURATED).count() as u64,
                }
            })
            .collect()
    }
}
