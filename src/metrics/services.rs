//! What one internal service tier measured in a run ([`ServiceResult`]); present in a
//! run's result only when the scenario has `services:`. The tier itself is
//! [`crate::infra::services`]'s.

use serde::{Deserialize, Serialize};

/// One service tier's load and traffic within the measurement window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceResult {
    pub name: String,
    /// `grpc` or `rest`.
    pub transport: String,
    pub replicas: u32,
    pub cores: u32,
    /// Calls that reached the tier.
    pub calls: u64,
    /// Share of the tier's cores busy.
    pub cpu_utilisation: f64,
    /// Mean wait of a call for a core of its replica.
    pub mean_cpu_queueing_delay_ms: f64,
    /// Mean time from the front making a call to its reply arriving (connection wait,
    /// handshake, both latencies, queueing and the call's CPU).
    pub mean_call_ms: f64,
    /// Mean wait of a call for a pooled connection (REST with every connection busy).
    pub mean_connection_wait_ms: f64,
    /// Bytes of the calls (front to tier) and of the replies, above TCP.
    pub bytes_up: u64,
    pub bytes_down: u64,
    pub bytes_per_call: f64,
    /// Connections the front replicas opened to the tier (all stay open).
    pub connections: u64,
}
