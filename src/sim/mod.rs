//! One run: the world of clients, links and server that a transport variant runs in, and
//! the glue that turns engine events into protocol steps.
//!
//! The world owns the mechanics every transport shares: sending a message over a client's
//! link with its bytes counted by layer, TCP handshakes and ACKs, CPU jobs on the server,
//! delivery and the event ledger. A transport machine (one per transport, in
//! [`crate::transport`]) decides what to send and when; the world tells it what happened
//! and carries out its commands.

pub mod budget;
mod event;
mod webhook;
mod world;

use world::World;

use crate::engine::{self, EngineError, Limits, Scheduler};
use crate::metrics::{ClientLedger, RunResult, Stopped};
use crate::scenario::{Scenario, TransportSpec};
use crate::transport::Chain;
use crate::workload::EventLog;

/// Default limit on events handled in one run.
pub const DEFAULT_MAX_EVENTS: u64 = 2_000_000_000;

/// The limits of a run given no budget but the default event limit.
pub const DEFAULT_LIMITS: Limits = Limits {
    max_events: DEFAULT_MAX_EVENTS,
    deadline: None,
    memory_bytes: u64::MAX,
};

/// Runs one transport variant of `scenario` over the shared event `log`.
pub fn run_variant(
    scenario: &Scenario,
    log: &EventLog,
    variant: &TransportSpec,
    limits: &Limits,
) -> Result<RunResult, EngineError> {
    run_variant_with_ledgers(scenario, log, variant, limits).map(|(result, _)| result)
}

/// [`run_variant`], also returning every client's ledger at the end of the run.
pub fn run_variant_with_ledgers(
    scenario: &Scenario,
    log: &EventLog,
    variant: &TransportSpec,
    limits: &Limits,
) -> Result<(RunResult, Vec<ClientLedger>), EngineError> {
    dispatch(scenario, log, variant, limits, false)
}

/// [`run_variant_with_ledgers`], checking the run's invariants after every event (see
/// `world/invariants.rs`): a broken one ends in [`EngineError::InvariantBroken`]. A pass
/// over every client per event: for tests and for hunting a defect.
pub fn run_variant_checked(
    scenario: &Scenario,
    log: &EventLog,
    variant: &TransportSpec,
    limits: &Limits,
) -> Result<(RunResult, Vec<ClientLedger>), EngineError> {
    dispatch(scenario, log, variant, limits, true)
}

fn dispatch(
    scenario: &Scenario,
    log: &EventLog,
    variant: &TransportSpec,
    limits: &Limits,
    checked: bool,
) -> Result<(RunResult, Vec<ClientLedger>), EngineError> {
    let limits = (limits, checked);
    match Chain::new(&variant.kind) {
        Some(chain) => drive(chain, scenario, log, variant, limits),
        None => webhook::run(scenario, log, variant, limits.0),
    }
}

fn drive(
    chain: Chain,
    scenario: &Scenario,
    log: &EventLog,
    variant: &TransportSpec,
    (limits, checked): (&Limits, bool),
) -> Result<(RunResult, Vec<ClientLedger>), EngineError> {
    let mut world = World::new(scenario, log, chain);
    let mut scheduler = Scheduler::new();
    world.schedule_start(&mut scheduler);
    if checked {
        world.check_invariants_every_event();
    }
    let stats = engine::run(&mut world, &mut scheduler, scenario.duration, limits);
    if let Some(what) = world.broken_invariant() {
        return Err(EngineError::InvariantBroken(what.to_string()));
    }
    let ledgers = world.client_ledgers();
    let mut result = world.finish(variant, stats.events);
    result.stopped = stats.stopped.as_ref().map(Stopped::from_stop);
    Ok((result, ledgers))
}
