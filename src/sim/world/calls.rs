//! The front's calls to the internal service tiers: a front job that calls services (a
//! request, a client's message; `per_request`, `per_message`) does not complete when its
//! CPU is done. It makes its calls, all at once (a fan-out), and waits: when the last reply
//! is back, the job completes as it would have without them (a continuation), so the
//! client's latency holds the internal round trips, the connection waits and the tiers'
//! queueing. The front's share of each call (encoding the request, decoding the reply) is
//! added to the CPU of the job that makes it.
//!
//! Owns: the jobs waiting on calls and the calls in progress (their slots are reused, in
//! order, so a run stays deterministic), and the tiers of the run. Does not own: a tier's
//! replicas, connections and sizes ([`crate::infra::services`]).

use super::World;
use crate::engine::Scheduler;
use crate::infra::services::{Dispatch, Tier};
use crate::metrics::ServiceResult;
use crate::scenario::Scenario;
use crate::sim::event::{ClientId, Event, Job, PUSH_EPOCH_MASK};
use crate::time::{Nanos, SimTime};

/// A front job waiting for its calls' replies.
#[derive(Debug, Clone, Copy)]
struct Waiting {
    client: ClientId,
    job: Job,
    epoch: u32,
    replies_due: u32,
}

/// One call in progress.
#[derive(Debug, Clone, Copy)]
struct Call {
    waiting: u32,
    tier: u32,
    front: u32,
    replica: u32,
    conn: u32,
    made: SimTime,
    sent: SimTime,
}

/// The run's tiers and the calls between them and the front.
#[derive(Debug, Clone)]
pub(super) struct Calls {
    tiers: Vec<Tier>,
    waiting: Vec<Waiting>,
    free_waiting: Vec<u32>,
    calls: Vec<Call>,
    free_calls: Vec<u32>,
}

impl Calls {
    /// The tiers variant `label` calls, or `None` if it calls none (or the scenario has
    /// no `services:`).
    pub(super) fn of(scenario: &Scenario, label: &str) -> Option<Box<Calls>> {
        let fronts = scenario.max_replicas();
        let tiers: Vec<Tier> = (scenario.services.iter())
            .filter_map(|spec| spec.for_variant(label))
            .map(|spec| Tier::new(&spec, fronts, (scenario.warmup, scenario.duration)))
            .collect();
        if tiers.is_empty() {
            return None;
        }
        Some(Box::new(Calls {
            tiers,
            waiting: Vec::new(),
            free_waiting: Vec::new(),
            calls: Vec::new(),
            free_calls: Vec::new(),
        }))
    }

    /// Calls tier `t` takes for `job`.
    fn calls_for(&self, t: usize, job: Job) -> u32 {
        let spec = self.tiers[t].spec();
        match job {
            Job::Request(_) => spec.per_request,
            Job::Message(_) => spec.per_message,
            _ => 0,
        }
    }

    /// Whether `job` calls any tier.
    pub(super) fn calls(&self, job: Job) -> bool {
        (0..self.tiers.len()).any(|t| self.calls_for(t, job) > 0)
    }

    /// The front's CPU for `job`'s calls: each call's encoding work.
    pub(super) fn front_cpu(&self, job: Job) -> Nanos {
        (0..self.tiers.len())
            .map(|t| {
                u64::from(self.calls_for(t, job)).saturating_mul(self.tiers[t].spec().codec_cpu())
            })
            .fold(0, Nanos::saturating_add)
    }

    /// A replica of a tier that is saturated stops the run, as a front replica does (see
    /// [`crate::infra::server`]).
    pub(super) fn halt(&self) -> Option<(crate::engine::StopReason, String)> {
        self.tiers.iter().find_map(|tier| {
            let (r, saturation) = tier.saturation()?;
            let spec = tier.spec();
            Some((
                crate::engine::StopReason::Saturated,
                format!(
                    "replica {r} of service `{}` is saturated: at {:.3} s simulated it was \
                     offered {:.2} cores' worth of CPU work per second on {} core(s), and a \
                     call would wait {:.1} s for a core (more than {} s); its run queue only \
                     grows",
                    spec.name,
                    saturation.at.as_nanos() as f64 / 1e9,
                    saturation.offered_cores,
                    spec.cores,
                    saturation.wait as f64 / 1e9,
                    crate::infra::server::SATURATION_WAIT / 1_000_000_000,
                ),
            ))
        })
    }

    pub(super) fn results(&self) -> Vec<ServiceResult> {
        self.tiers.iter().map(Tier::result).collect()
    }

    fn slot<T>(items: &mut Vec<T>, free: &mut Vec<u32>, item: T) -> u32 {
        match free.pop() {
            Some(k) => {
                items[k as usize] = item;
                k
            }
            None => {
                items.push(item);
                (items.len() - 1) as u32
            }
        }
    }
}

impl World<'_> {
    /// The run is of variant `label`: its calls to the service tiers.
    pub(crate) fn with_services(mut self, label: &str) -> Self {
        self.calls = Calls::of(self.scenario, label);
        self
    }

    /// `c`'s `job` finished its CPU at `now` (its epoch current): it completes now, or
    /// after its calls. Inlined where the job ends, so a run without tiers pays one check
    /// (the default scenario's count of instructions, issue 22).
    #[inline(always)]
    pub(super) fn job_finished(
        &mut self,
        c: ClientId,
        job: Job,
        epoch: u32,
        now: SimTime,
        s: &mut Scheduler<Event>,
    ) {
        match &self.calls {
            Some(calls) if calls.calls(job) => self.make_calls(c, job, epoch, now, s),
            _ => self.job_done(c, job, now, s),
        }
    }

    /// The front's CPU for the calls `job` makes (0 without tiers).
    #[inline(always)]
    pub(super) fn calls_cpu(&self, job: Job) -> Nanos {
        self.calls.as_ref().map_or(0, |calls| calls.front_cpu(job))
    }

    /// Whether a job of `epoch` is still `c`'s: a crash of its replica voids older ones.
    pub(super) fn epoch_current(&self, c: ClientId, job: Job, epoch: u32) -> bool {
        let current = self.clients[c].job_epoch;
        let current = if job.short_epoch() {
            current & PUSH_EPOCH_MASK
        } else {
            current
        };
        epoch == current
    }

    #[inline(never)]
    fn make_calls(
        &mut self,
        c: ClientId,
        job: Job,
        epoch: u32,
        now: SimTime,
        s: &mut Scheduler<Event>,
    ) {
        let front = self.replica_of(c).get();
        let calls = self.calls.as_mut().expect("tiers");
        let total = (0..calls.tiers.len())
            .map(|t| calls.calls_for(t, job))
            .sum();
        let w = Calls::slot(
            &mut calls.waiting,
            &mut calls.free_waiting,
            Waiting {
                client: c,
                job,
                epoch,
                replies_due: total,
            },
        );
        for t in 0..calls.tiers.len() {
            for _ in 0..calls.calls_for(t, job) {
                let call = Call {
                    waiting: w,
                    tier: t as u32,
                    front,
                    replica: 0,
                    conn: 0,
                    made: now,
                    sent: now,
                };
                let k = Calls::slot(&mut calls.calls, &mut calls.free_calls, call);
                if let Some(d) = calls.tiers[t].dispatch(front, k, now) {
                    Self::call_sent(calls, k, d, now, s);
                }
            }
        }
    }

    /// Call `k` left at `at` (or, on a fresh connection, `at` plus the handshake) as `d` says.
    fn call_sent(calls: &mut Calls, k: u32, d: Dispatch, at: SimTime, s: &mut Scheduler<Event>) {
        let call = &mut calls.calls[k as usize];
        call.replica = d.replica;
        call.conn = d.conn;
        call.sent = at;
        s.at(d.arrives, Event::CallArrived { call: k });
    }

    /// Call `k` reached its replica: it runs there.
    pub(super) fn call_arrived(&mut self, k: u32, now: SimTime, s: &mut Scheduler<Event>) {
        let calls = self.calls.as_mut().expect("tiers");
        let call = calls.calls[k as usize];
        let done = calls.tiers[call.tier as usize].serve(call.replica, now);
        s.at(done, Event::CallServed { call: k });
    }

    /// Call `k` was served: its reply goes back.
    pub(super) fn call_served(&mut self, k: u32, now: SimTime, s: &mut Scheduler<Event>) {
        let calls = self.calls.as_mut().expect("tiers");
        let call = calls.calls[k as usize];
        let arrives = calls.tiers[call.tier as usize].reply_sent(call.conn, now);
        s.at(arrives, Event::ReplyArrived { call: k });
    }

    /// The reply to call `k` is back at its front replica: its connection takes the next
    /// waiting call, and the job that made it completes with its last reply.
    pub(super) fn reply_arrived(&mut self, k: u32, now: SimTime, s: &mut Scheduler<Event>) {
        let calls = self.calls.as_mut().expect("tiers");
        let call = calls.calls[k as usize];
        calls.free_calls.push(k);
        let tier = &mut calls.tiers[call.tier as usize];
        if let Some((next, d)) =
            tier.reply_arrived(call.front, call.conn, (call.made, call.sent), now)
        {
            Self::call_sent(calls, next, d, now, s);
        }
        let waiting = &mut calls.waiting[call.waiting as usize];
        waiting.replies_due -= 1;
        if waiting.replies_due > 0 {
            return;
        }
        let Waiting {
            client, job, epoch, ..
        } = *waiting;
        calls.free_waiting.push(call.waiting);
        if self.epoch_current(client, job, epoch) {
            self.job_done(client, job, now, s);
        }
    }
}
