//! The transports, one file each: the framing rules that size their messages and their
//! client and server behaviour as a state machine ([`Machine`]: told what happened, it
//! answers with commands). A variant's transports in fallback order form a [`Chain`];
//! each client's place in it and the state its machine reads are a [`ClientState`] of
//! [`Clients`].
//! Nothing here touches the simulation's world; `sim` executes the commands. [`pool`]
//! holds the browsers' connection pools (six per origin over HTTP/1.1, one shared over
//! HTTP/2); [`history`] each client's history over REST; [`outbox`] each client's messages
//! on their way up in a two-way workload (over its stream or its REST client); [`replay`]
//! which of a resuming stream's pending events are replayed and which are lost; [`batch`]
//! the streams' open and written batches under an application batch window; [`session`]
//! which replica holds a long-polling client's session, and what a request elsewhere gets.

pub mod batch;
pub mod chain;
pub mod channels;
pub mod clients;
pub mod compression;
pub mod empty;
pub mod framing;
pub mod grpc;
pub mod history;
pub mod http;
pub mod http2;
mod long_polling;
pub mod machine;
pub mod message;
pub mod outbox;
pub mod polling;
pub mod pool;
pub mod replay;
pub mod session;
pub mod spec;
mod sse;
mod websocket;

pub use chain::Chain;
pub use clients::{ClientState, Clients};
pub use empty::EmptyPoll;
pub use grpc::GrpcStream;
pub use long_polling::LongPolling;
pub use machine::{
    CONNECTIONS_PER_ORIGIN, Command, Commands, Delivery, Facts, Hold, Input, Machine, Out, PollRng,
    Sharing, Uploads,
};
pub use message::MsgKind;
pub use polling::{PollPhase, Polling};
pub use sse::Sse;
pub use websocket::{UPGRADE_OWN_HEADERS, WebSocket};
