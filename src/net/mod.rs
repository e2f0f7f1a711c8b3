//! The network: client access links, TCP segment accounting and byte counters by layer.

pub mod connections;
pub mod grpc;
pub mod link;
pub mod loss;
pub mod network;
pub mod tcp;
pub mod tls;
pub mod wire;
