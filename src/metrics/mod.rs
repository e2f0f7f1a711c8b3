//! What a run measured: latency distribution, bytes by layer, server load and the event
//! ledger, gathered into a [`RunResult`].

pub mod channels;
pub mod faults;
pub mod hops;
pub mod interval;
pub mod latency;
pub mod ledger;
pub mod messages;
pub mod order;
pub mod recorder;
pub mod registry;
pub mod result;
pub mod series;
pub mod services;

pub use latency::LatencyRecorder;
pub use result::*;
pub use services::ServiceResult;
