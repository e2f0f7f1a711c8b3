//! Webhook delivery: the application's server POSTs every workload event to every receiver
//! endpoint over HTTP/1.1 + TLS + TCP, at least once, retrying on failure — a
//! server-to-server way for updates to reach their users, beside the browser transports.
//!
//! Its own discrete-event model ([`run`]), driven by the shared engine over the shared
//! event log. What it promises:
//!
//! - **Deliveries.** Each event is one delivery per receiver (an *(event, receiver) pair*);
//!   its first attempt starts when the event is created. Each attempt spends `send_cost`
//!   of the sender's CPU, then needs a connection: an idle keep-alive one (with reuse), or
//!   a new one (SYN, SYN-ACK, then the TLS flights as in the main simulator; with 1.3 the
//!   request follows the client's Finished). One request at a time per connection, no limit
//!   on connections per receiver.
//! - **Failures.** An attempt fails when no response arrives within `timeout` of it going
//!   on the network (handshakes included), or when a reset arrives (a SYN met a receiver
//!   that was down, or an outage reset the connection). The sender then drops the
//!   connection and retries per [`RetrySchedule`], or gives up. Late responses of abandoned
//!   attempts are ignored.
//! - **At least once, in no particular order.** The receiver processes whatever reaches
//!   its workers, including requests whose sender already timed out, and a response may be
//!   lost after processing: both make duplicates. Retries make out-of-order processing.
//! - **Ledger.** Every pair of an event created within the window is delivered, given up or
//!   in flight at the end (see [`outcome`]).
//! - **Determinism.** Integer nanoseconds; seeded streams named
//!   `webhook-{link-down,link-up,response-loss}:<receiver>`; no hash-map order reaches
//!   results.
//!
//! - **One wire.** Messages travel on [`crate::net::connections::Connections`] over a
//!   [`crate::net::network::Network`] of the receivers' paths: the same in-order delivery,
//!   serializers and jitter as the clients' connections.
//!
//! Simplifications: the sender's own network link is not a bottleneck (each receiver's path
//! has its serializer per direction); segment loss is not modelled (only whole responses
//! are lost); pure ACKs are not counted; TLS sessions are never resumed; the receiver's
//! handshake CPU is free; a sender's reset of an abandoned connection is counted as one
//! segment: requests already queued at the receiver are still processed, while anything
//! still on its way on that connection is dropped with it.

pub mod config;
mod connection;
mod event;
mod message;
mod model;
pub mod outcome;
mod receiver;
pub mod retry;

#[cfg(test)]
mod tests;

use std::fmt;

pub use config::{ReceiverConfig, WebhookConfig, WebhookSpec};
pub use outcome::{DeliveryCounts, PairRecord, ReceiverOutcome, WebhookOutcome};
pub use retry::RetrySchedule;

use crate::engine::{self, EngineError, Scheduler};
use crate::time::SimTime;
use crate::workload::EventLog;

/// Why a webhook run did not produce an outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WebhookError {
    /// The configuration asks for something the model cannot do; the text says what.
    InvalidConfig(String),
    /// The engine stopped the run.
    Engine(EngineError),
}

impl fmt::Display for WebhookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WebhookError::InvalidConfig(reason) => {
                write!(f, "invalid webhook configuration: {reason}")
            }
            WebhookError::Engine(error) => error.fmt(f),
        }
    }
}

impl std::error::Error for WebhookError {}

impl From<EngineError> for WebhookError {
    fn from(error: EngineError) -> Self {
        WebhookError::Engine(error)
    }
}

/// Delivers every event of `log` to every receiver of `config` until `config.duration`
/// (its last instant is the one before: [`SimTime::last_of_run`]),
/// within `limits` (a run stopped by
/// one says so in [`WebhookOutcome::stopped`]).
pub fn run(
    config: &WebhookConfig,
    log: &EventLog,
    limits: &engine::Limits,
) -> Result<WebhookOutcome, WebhookError> {
    config
        .validate(log.len())
        .map_err(WebhookError::InvalidConfig)?;
    let mut world = model::Webhook::new(config, log);
    let mut scheduler = Scheduler::new();
    world.schedule_start(&mut scheduler);
    let end = SimTime::last_of_run(config.duration);
    let stats = engine::run(&mut world, &mut scheduler, end, limits);
    let mut outcome = world.finish(stats.events);
    outcome.stopped = stats.stopped;
    Ok(outcome)
}
