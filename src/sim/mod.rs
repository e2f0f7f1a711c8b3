//! One run: the world of clients, links and server that a transport variant runs in, and
//! the glue that turns engine events into protocol steps.
//!
//! The world owns the mechanics every transport shares: sending a message over a client's
//! link with its bytes counted by layer, TCP handshakes and ACKs, CPU jobs on the server,
//! delivery and the event ledger. A transport machine (one per transport, in
//! [`crate::transport`]) decides what to send and when; the world tells it what happened
//! and carries out its commands.

pub mod budget;
mod build;
mod event;
mod invariants;
mod trace;
mod webhook;
mod world;

use world::World;

use crate::engine::{self, EngineError, Limits, Scheduler};
use crate::metrics::{ClientLedger, RunResult, Stopped};
use crate::scenario::machines::Driver;
use crate::scenario::{Scenario, TransportKind, TransportSpec};
use crate::time::SimTime;
use crate::transport::Chain;
use crate::workload::EventLog;

/// Default limit on events handled in one run.
pub const DEFAULT_MAX_EVENTS: u64 = 2_000_000_000;

/// The limits of a run given no budget but the default event limit.
pub const DEFAULT_LIMITS: Limits = Limits {
    max_events: DEFAULT_MAX_EVENTS,
    deadline: None,
    memory_bytes: u64::MAX,
    progress: None,
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
    let run = dispatch(scenario, log, variant, limits, Watch::default())?;
    Ok((run.result, run.ledgers))
}

/// [`run_variant_with_ledgers`], checking the run's invariants after every event (see
/// `invariants.rs`): a broken one ends in [`EngineError::InvariantBroken`]. A pass
/// over every client per event: for tests and for hunting a defect.
pub fn run_variant_checked(
    scenario: &Scenario,
    log: &EventLog,
    variant: &TransportSpec,
    limits: &Limits,
) -> Result<(RunResult, Vec<ClientLedger>), EngineError> {
    let watch = Watch {
        check_invariants: true,
        trace: false,
    };
    let run = dispatch(scenario, log, variant, limits, watch)?;
    Ok((run.result, run.ledgers))
}

/// [`run_variant`], also returning the run's event trace: one line per event handled, its
/// simulated time and the event, in the order handled. For tests that pin the order of
/// events of small scenarios; a webhook variant (its own model) gives no trace.
pub fn run_variant_traced(
    scenario: &Scenario,
    log: &EventLog,
    variant: &TransportSpec,
    limits: &Limits,
) -> Result<(RunResult, Vec<String>), EngineError> {
    let watch = Watch {
        check_invariants: false,
        trace: true,
    };
    let run = dispatch(scenario, log, variant, limits, watch)?;
    Ok((run.result, run.trace))
}

/// What a run watches besides its result.
#[derive(Debug, Clone, Copy, Default)]
struct Watch {
    check_invariants: bool,
    trace: bool,
}

/// A run's result, its clients' ledgers and, when asked, its trace.
struct Run {
    result: RunResult,
    ledgers: Vec<ClientLedger>,
    trace: Vec<String>,
}

fn dispatch(
    scenario: &Scenario,
    log: &EventLog,
    variant: &TransportSpec,
    limits: &Limits,
    watch: Watch,
) -> Result<Run, EngineError> {
    match variant.kind.driver() {
        Driver::Chain(chain) => drive(*chain, scenario, log, variant, limits, watch),
        Driver::Webhook(sender) => {
            let (result, ledgers) = webhook::run(scenario, log, variant, sender, limits)?;
            Ok(Run {
                result,
                ledgers,
                trace: Vec::new(),
            })
        }
    }
}

fn drive(
    chain: Chain,
    scenario: &Scenario,
    log: &EventLog,
    variant: &TransportSpec,
    limits: &Limits,
    watch: Watch,
) -> Result<Run, EngineError> {
    // A variant of several channels: one step per push channel (`Chain::channels`).
    let mut channels = Vec::new();
    let mut machines = Vec::new();
    for ch in &variant.channels {
        channels.push(crate::transport::channels::Channel {
            receives: ch.receives,
            rest: ch.is_rest(),
            grpc: ch.unary.is_some(),
            sends: ch.sends,
        });
        if let Some(chain) = ch.transport.as_ref().and_then(TransportKind::chain) {
            machines.push(*chain.primary());
        }
    }
    let chain = if machines.is_empty() {
        chain
    } else {
        Chain::channels(&machines)
    };
    let unary = variant.channels.iter().find_map(|ch| ch.unary);
    // A variant that conflates reads its own copy of the log, which says so.
    let conflating = variant.conflate.is_on().then(|| log.conflating());
    let log = conflating.as_ref().unwrap_or(log);
    let world = World::new(scenario, log, &chain, (&channels, unary)).with_services(&variant.label);
    run_world(world, scenario, variant, limits, watch)
}

/// Runs `world` to the scenario's end (or its limits) and settles its result.
fn run_world(
    mut world: World<'_>,
    scenario: &Scenario,
    variant: &TransportSpec,
    limits: &Limits,
    watch: Watch,
) -> Result<Run, EngineError> {
    let mut scheduler = Scheduler::new();
    world.schedule_start(&mut scheduler);
    if watch.check_invariants {
        world.check_invariants_every_event();
    }
    let end = SimTime::last_of_run(scenario.duration);
    let (stats, trace) = if watch.trace {
        let mut traced = trace::Traced::new(&mut world);
        let stats = engine::run(&mut traced, &mut scheduler, end, limits);
        (stats, traced.into_lines())
    } else {
        let stats = engine::run(&mut world, &mut scheduler, end, limits);
        (stats, Vec::new())
    };
    if let Some(what) = world.broken_invariant() {
        return Err(EngineError::InvariantBroken(what.to_string()));
    }
    let ledgers = world.client_ledgers();
    let mut result = world.finish(variant, stats.events);
    result.stopped = stats.stopped.as_ref().map(Stopped::from_stop);
    Ok(Run {
        result,
        ledgers,
        trace,
    })
}
