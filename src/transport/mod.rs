//! The transports, one file each: the framing rules that size their messages and the
//! client and server behaviour that decides what is sent when.

pub mod framing;
pub mod grpc;
pub mod http;
pub mod http2;
mod long_polling;
mod polling;
mod sse;
mod websocket;

pub use grpc::GrpcStream;
pub use long_polling::LongPolling;
pub use polling::Polling;
pub use sse::Sse;
pub use websocket::WebSocket;
