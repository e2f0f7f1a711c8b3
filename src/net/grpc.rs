//! gRPC's four kinds of call, as a variant makes them and a result names them.

use serde::{Deserialize, Serialize};

/// The gRPC call a variant makes (RPC types of the gRPC core concepts guide).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GrpcMode {
    /// One request, then the server's messages: the events.
    ServerStreaming,
    /// Both sides stream: events down, the clients' messages up, on one call.
    Bidirectional,
    /// The clients stream their messages up; the server answers once, at the end.
    ClientStreaming,
    /// One request, one response (polled at an interval: `TransportKind::Polling`).
    Unary,
}

impl GrpcMode {
    /// The YAML name of the mode.
    pub fn name(self) -> &'static str {
        match self {
            GrpcMode::ServerStreaming => "server_streaming",
            GrpcMode::Bidirectional => "bidirectional",
            GrpcMode::ClientStreaming => "client_streaming",
            GrpcMode::Unary => "unary",
        }
    }
}
