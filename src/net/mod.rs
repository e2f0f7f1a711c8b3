//! The network: client access links, TCP segment accounting and byte counters by layer.

pub mod connections;
pub mod fifo_arena;
pub mod flow_control;
pub mod grpc;
pub mod handshake;
pub mod idle;
pub mod lifetime;
pub mod link;
pub mod loss;
pub mod nagle;
pub mod network;
pub mod send_buffer;
pub mod shared_link;
pub mod tcp;
pub mod tls;
pub mod wire;
