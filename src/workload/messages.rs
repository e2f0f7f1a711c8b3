//! What the clients send in a two-way workload: each client's messages, a Poisson process
//! at the scenario's per-client rate from the moment the client starts.
//!
//! Like the event log, they are drawn once per scenario and shared by every variant, so
//! every transport carries the very same messages: from the `messages:<group>` stream for
//! the times and `message-size:<group>` for the sizes.

use super::{Inputs, draw_size};
use crate::engine::rng::{self, exponential, uniform_below};
use crate::time::Nanos;

/// One message: who sends it, when, and its payload bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientMessage {
    pub client: u32,
    pub at: Nanos,
    pub payload: u32,
}

/// When each client (tab) starts: a browser's tabs start together, at a uniform draw from
/// its group's ramp (`client-start:<group>`).
pub fn client_starts<'a>(inputs: impl Into<Inputs<'a>>) -> Vec<Nanos> {
    starts(&inputs.into())
}

fn starts(inputs: &Inputs) -> Vec<Nanos> {
    let mut starts = Vec::with_capacity(inputs.client_count() as usize);
    for group in &inputs.groups {
        let mut stream = rng::stream(inputs.seed, &format!("client-start:{}", group.name));
        for _ in 0..group.count {
            let start = uniform_below(&mut stream, group.ramp);
            starts.extend(std::iter::repeat_n(start, group.tabs as usize));
        }
    }
    starts
}

/// Every client's messages within the run, client by client (each client's in time order).
pub fn generate(inputs: &Inputs) -> Vec<ClientMessage> {
    let Some(spec) = inputs.spec.messages else {
        return Vec::new();
    };
    let starts = starts(inputs);
    let mean_gap = 1e9 / spec.rate_per_second;
    let mut messages = Vec::new();
    let mut client = 0u32;
    for group in &inputs.groups {
        let mut times = rng::stream(inputs.seed, &format!("messages:{}", group.name));
        let mut sizes = rng::stream(inputs.seed, &format!("message-size:{}", group.name));
        for _ in 0..group.count * group.tabs {
            let mut t = starts[client as usize];
            loop {
                t = t.saturating_add(exponential(&mut times, mean_gap).max(1));
                if t >= inputs.duration {
                    break;
                }
                let payload = draw_size(spec.payload, &mut sizes);
                messages.push(ClientMessage {
                    client,
                    at: t,
                    payload: u32::try_from(payload).unwrap_or(u32::MAX),
                });
            }
            client += 1;
        }
    }
    messages
}
