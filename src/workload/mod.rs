//! The workload: when server-to-client events happen and how large they are.
//!
//! The event log is generated once per scenario from the `workload` random stream and
//! shared by every transport variant, so all variants deliver the very same events
//! (common random numbers).

use crate::engine::rng;
use crate::scenario::{Encoding, EventSource, Nanos, Scenario};
use crate::transport::framing::base64_len;

/// Every event of a run, in time order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventLog {
    /// Creation time of each event; event `i` has SSE id `i + 1`.
    pub times: Vec<Nanos>,
    /// Payload bytes of every event.
    pub payload: u64,
    pub encoding: Encoding,
    /// Bytes of every event as a protobuf message (gRPC).
    pub protobuf_size: u64,
}

impl EventLog {
    /// The events of `scenario` within `[0, duration]`.
    pub fn generate(scenario: &Scenario) -> Self {
        let w = &scenario.workload;
        let mean_gap_ns = 1e9 / w.rate_per_second;
        let mut times = Vec::new();
        match w.source {
            EventSource::Periodic => {
                let gap = (mean_gap_ns.round() as Nanos).max(1);
                let mut t = gap;
                while t <= scenario.duration {
                    times.push(t);
                    t += gap;
                }
            }
            EventSource::Poisson => {
                let mut stream = rng::stream(scenario.seed, "workload");
                let mut t: Nanos = 0;
                loop {
                    let gap = rng::exponential(&mut stream, mean_gap_ns);
                    t = t.saturating_add(gap.max(1));
                    if t > scenario.duration {
                        break;
                    }
                    times.push(t);
                }
            }
        }
        EventLog {
            times,
            payload: w.payload,
            encoding: w.encoding,
            protobuf_size: w.protobuf_size,
        }
    }

    /// Bytes a text-only transport adds to carry one payload: none for JSON; base64's
    /// inflation for binary.
    pub fn text_inflation(&self) -> u64 {
        match self.encoding {
            Encoding::Json => 0,
            Encoding::Binary => base64_len(self.payload) - self.payload,
        }
    }

    pub fn len(&self) -> usize {
        self.times.len()
    }

    pub fn is_empty(&self) -> bool {
        self.times.is_empty()
    }
}
