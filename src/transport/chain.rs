//! A variant's transports in fallback order: its own transport, then the ones its clients
//! may fall back to (SignalR's client tries WebSockets, then Server-Sent Events, then long
//! polling). A client is at one step of the chain; a fallback moves it to the next step for
//! the rest of the run, and from then on it behaves exactly as a client of that transport.
//!
//! Owns: when a client falls back (a denied upgrade at once, or `after` failed attempts in
//! a row of the step before), and which step answers an input. Does not own: the steps'
//! behaviour ([`Machine`]) or the client's step, which its
//! [`ClientState`](crate::transport::ClientState) keeps.

use crate::infra::costs::ServerTransport;
use crate::time::Nanos;
use crate::transport::LongPolling;
use crate::transport::machine::{Command, Commands, Delivery, Facts, Input, Machine, Sharing};
use crate::transport::session::Session;

/// Most steps of a chain: the transport itself, then SSE and long polling once each.
pub const MAX_STEPS: usize = 3;

/// Slots of the per-step arrays: [`MAX_STEPS`] rounded up to a power of two, so that the
/// world's lookups of a step (on every message and decision) mask the index instead of
/// checking its bounds. Slots past the chain's length repeat the first step.
const SLOTS: usize = MAX_STEPS.next_power_of_two();

/// The slot of `stage`: the stage itself for every stage a chain has.
#[inline(always)]
fn slot(stage: u8) -> usize {
    usize::from(stage) & (SLOTS - 1)
}

/// A variant's transports in fallback order.
#[derive(Debug, Clone, Copy)]
pub struct Chain {
    /// The steps; slots past `len` repeat the first.
    steps: [Machine; SLOTS],
    /// Per step: failed attempts in a row of the step before that move a client to it.
    after: [u32; SLOTS],
    /// Per step: its properties, read once.
    profiles: [Profile; SLOTS],
    /// Whether any step shares one connection among a browser's tabs (if none does, a
    /// client's messages travel on its own connection).
    shares_connections: bool,
    /// Any step's HTTP/2 connection window (asked on every message received): none when
    /// no step runs over HTTP/2.
    http2_window: Option<u64>,
    /// Per step: its HTTP/2 connection window, if any.
    http2_windows: [Option<u64>; SLOTS],
    /// The steps whose request is a WebSocket upgrade (which a proxy may deny), one bit
    /// per step.
    upgrades: u8,
    /// The step that is long polling, if any (its held requests' inputs go to it), kept
    /// as itself so that they reach it without a dispatch on the step's kind.
    long_polling: Option<LongPolling>,
    len: u8,
    /// The steps a client may fall back through: `len` for a fallback chain, 1 for the
    /// channels of [`Chain::channels`] (a client stays at its channel's step).
    fallback_len: u8,
    /// Some step compresses what the server writes (asked on every server job).
    compresses: bool,
    /// Some step batches its pushes (asked on every push).
    batches: bool,
    /// Some step keeps a session on a replica (asked on every request handled).
    sessions: bool,
}

/// A step's properties, read from its machine once when the chain is built: the world asks
/// for them on every message and connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Profile {
    /// How its tabs get connections.
    pub sharing: Sharing,
    /// Interval of heartbeats or pings on an open stream, if any.
    pub keepalive: Option<Nanos>,
    /// The client answers a keepalive (a WebSocket pong).
    pub keepalive_answered: bool,
    /// A client that reconnects loses the events of its outage.
    pub loses_outage: bool,
    /// The inputs a client at this step may answer ([`Machine::hears`], with the chain's
    /// fallback and held requests).
    pub hears: u8,
    /// The row of the server's cost table its jobs and connections read.
    pub server_transport: ServerTransport,
    /// Its application batch window, if its pushes are batched.
    pub batch: Option<Nanos>,
    /// The session it keeps on a replica between requests, if any.
    pub session: Option<Session>,
}

impl Profile {
    fn of(machine: &Machine) -> Profile {
        Profile {
            sharing: machine.sharing(),
            keepalive: machine.keepalive(),
            keepalive_answered: machine.keepalive_answered(),
            loses_outage: machine.loses_outage(),
            hears: machine.hears(),
            server_transport: machine.server_transport(),
            batch: machine.batch(),
            session: machine.session(),
        }
    }
}

impl Chain {
    /// The chain that starts with `first` and falls back to `fallback`'s machines in order,
    /// each after its count of failed attempts in a row of the step before (at most
    /// [`MAX_STEPS`] steps in all; later ones are ignored).
    pub fn new(first: Machine, fallback: &[(Machine, u32)]) -> Chain {
        let mut steps = vec![(first, 0)];
        steps.extend(fallback.iter().take(MAX_STEPS - 1).copied());
        let len = steps.len() as u8;
        let mut chain = Chain::of(&steps, len);
        // The variant's own transport decides its HTTP/2 window for every step (fallbacks
        // run over HTTP/1.1).
        chain.http2_windows = [first.http2_window(); SLOTS];
        chain.http2_window = first.http2_window();
        chain
    }

    /// The channels of a variant of several (issue 17): one step per channel that receives
    /// events, in order (at most `SLOTS`, four), each client at its channel's step for the
    /// whole run ([`crate::transport::ClientState::start_at`]); no step falls back to
    /// another (a channel has no fallback).
    pub fn channels(machines: &[Machine]) -> Chain {
        assert!(
            !machines.is_empty() && machines.len() <= SLOTS,
            "1 to {SLOTS} channels"
        );
        let steps: Vec<(Machine, u32)> = machines.iter().map(|m| (*m, 0)).collect();
        let mut chain = Chain::of(&steps, 1);
        for (k, machine) in machines.iter().enumerate() {
            chain.http2_windows[k] = machine.http2_window();
            chain.http2_window = chain.http2_window.or(machine.http2_window());
        }
        chain
    }

    /// The chain of `steps` (each machine with its `after`), of which the first
    /// `fallback_len` are a fallback chain.
    fn of(steps: &[(Machine, u32)], fallback_len: u8) -> Chain {
        let first = steps[0].0;
        let mut chain = Chain {
            steps: [first; SLOTS],
            after: [0; SLOTS],
            profiles: [Profile::of(&first); SLOTS],
            shares_connections: false,
            http2_window: first.http2_window(),
            http2_windows: [first.http2_window(); SLOTS],
            upgrades: 0,
            long_polling: None,
            len: steps.len() as u8,
            fallback_len,
            compresses: false,
            batches: false,
            sessions: false,
        };
        for (k, (machine, after)) in steps.iter().enumerate() {
            chain.steps[k] = *machine;
            chain.after[k] = *after;
            chain.profiles[k] = Profile::of(machine);
            if machine.is_upgrade() {
                chain.upgrades |= 1 << k;
            }
        }
        chain.long_polling = chain.steps[..usize::from(chain.len)]
            .iter()
            .find_map(|m| match m {
                Machine::LongPolling(long_polling) => Some(*long_polling),
                _ => None,
            });
        // Every step hears a lost connection before the last it may fall back through
        // (it may fall back), and the held requests of the chain's long polling whatever
        // its step.
        let lost = Input::Lost {
            failed: false,
            denied: false,
        };
        let held = chain.long_polling.map_or(0, |m| {
            Machine::LongPolling(m).hears()
                & (Input::HoldTimeout { current: false }.bit()
                    | Input::AnswerReady { current: false }.bit())
        });
        for k in 0..usize::from(chain.len) {
            chain.profiles[k].hears |= held;
            if k + 1 < usize::from(chain.fallback_len) {
                chain.profiles[k].hears |= lost.bit();
            }
        }
        let first = chain.profiles[0];
        chain.profiles[usize::from(chain.len)..].fill(first);
        chain.shares_connections = chain.profiles[..usize::from(chain.len)]
            .iter()
            .any(|p| p.sharing == Sharing::Shared);
        chain.compresses = chain.steps[..usize::from(chain.len)]
            .iter()
            .any(|m| m.stream_compressor().is_some() || m.response_compressor().is_some());
        chain.batches = chain.profiles[..usize::from(chain.len)]
            .iter()
            .any(|p| p.batch.is_some());
        chain.sessions = chain.profiles[..usize::from(chain.len)]
            .iter()
            .any(|p| p.session.is_some());
        chain
    }

    /// Whether some step keeps a session on a replica (then [`Profile::session`] says
    /// which).
    #[inline(always)]
    pub fn sessions(&self) -> bool {
        self.sessions
    }

    /// Whether some step batches its pushes (then [`Profile::batch`] says which).
    #[inline(always)]
    pub fn batches(&self) -> bool {
        self.batches
    }

    /// Whether some step compresses what the server writes.
    #[inline(always)]
    pub fn compresses(&self) -> bool {
        self.compresses
    }

    /// Every step's transport, the variant's own first.
    pub fn steps(&self) -> impl Iterator<Item = &Machine> {
        (0..self.len).map(|stage| self.at(stage))
    }

    /// The variant's own transport: it alone decides the variant-wide properties
    /// (HTTP/2 window and pings, how messages go up, whether a request is an upgrade).
    pub fn primary(&self) -> &Machine {
        &self.steps[0]
    }

    /// The transport of a client at `stage` (0: the variant's own). A client only reaches
    /// a stage the chain has ([`Command::FallBack`] is decided only before the last).
    #[inline]
    pub fn at(&self, stage: u8) -> &Machine {
        &self.steps[slot(stage)]
    }

    /// The properties of the transport at `stage`.
    #[inline]
    pub fn profile(&self, stage: u8) -> &Profile {
        &self.profiles[slot(stage)]
    }

    /// Whether any step shares one connection among a browser's tabs.
    #[inline]
    pub fn shares_connections(&self) -> bool {
        self.shares_connections
    }

    /// Whether any step runs over HTTP/2 (then [`Chain::http2_window`] says which).
    #[inline]
    pub fn any_http2(&self) -> bool {
        self.http2_window.is_some()
    }

    /// The HTTP/2 connection window of a client at `stage`, if it runs over HTTP/2.
    #[inline]
    pub fn http2_window(&self, stage: u8) -> Option<u64> {
        self.http2_windows[slot(stage)]
    }

    /// Whether any step asks with a WebSocket upgrade (then [`Chain::upgrades_at`] says
    /// which).
    #[inline]
    pub fn any_upgrade(&self) -> bool {
        self.upgrades != 0
    }

    /// Whether a client at `stage` asks with a WebSocket upgrade (which a proxy may deny).
    #[inline]
    pub fn upgrades_at(&self, stage: u8) -> bool {
        self.upgrades & (1 << slot(stage)) != 0
    }

    /// Whether a client at `stage` may answer `input` with a command (if not, telling it
    /// is a no-op).
    #[inline]
    pub fn hears(&self, stage: u8, input: Input) -> bool {
        self.profile(stage).hears & input.bit() != 0
    }

    /// Decides what to do about `input` to a client at `stage` whose state is `facts`.
    #[inline(always)]
    pub fn on(&self, stage: u8, input: Input, facts: &Facts, out: &mut impl Commands) {
        if let Input::Lost {
            failed: true,
            denied,
        } = input
            && stage + 1 < self.fallback_len
        {
            out.push(Command::CountFailedAttempt);
            let failures = facts.failed_attempts + 1;
            if (denied && stage == 0) || failures >= self.after[slot(stage + 1)] {
                out.push(Command::FallBack);
                out.push(Command::SendRequest);
                return;
            }
        }
        match input {
            // A held request is long polling's, whatever step the client is at now.
            Input::HoldTimeout { .. } | Input::AnswerReady { .. } => {
                if let Some(long_polling) = &self.long_polling {
                    long_polling.on(input, facts, out);
                }
            }
            _ => self.at(stage).on(input, facts, out),
        }
    }

    /// How a replica hands a new event to the variant's clients, whatever their step.
    pub fn delivery(&self) -> Delivery {
        let mut delivery = Delivery::default();
        for step in &self.steps[..usize::from(self.len)] {
            let d = step.delivery();
            delivery.streams |= d.streams;
            delivery.window = delivery.window.or(d.window);
            delivery.held_requests |= d.held_requests;
        }
        delivery
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transport::Hold;
    use crate::transport::machine::testing::{chain, decide};
    use crate::transport::{Sharing, Uploads};

    const FAILED: Input = Input::Lost {
        failed: true,
        denied: false,
    };
    const DENIED: Input = Input::Lost {
        failed: true,
        denied: true,
    };

    fn ws_chain() -> Chain {
        chain(
            "websocket: { ping: 30s, reconnect: { backoff: fixed, delay: 2s } }\n    fallback:\n      \
             - { sse: { heartbeat: 15s } }\n      - { long_polling: { timeout: 30s }, after: 3 }",
        )
    }

    #[test]
    fn a_denied_upgrade_falls_back_at_once() {
        assert_eq!(
            decide(&ws_chain(), 0, DENIED, Facts::default()),
            [
                Command::CountFailedAttempt,
                Command::FallBack,
                Command::SendRequest
            ]
        );
    }

    #[test]
    fn failures_in_a_row_reach_the_next_step() {
        let chain = ws_chain();
        // At SSE (stage 1), the third failure in a row moves the client to long polling.
        let two_before = Facts {
            failed_attempts: 1,
            ..Facts::default()
        };
        let decided = decide(&chain, 1, FAILED, two_before);
        let [Command::CountFailedAttempt, Command::Reconnect(_)] = decided[..] else {
            panic!("the second failure retries as SSE does: {decided:?}");
        };
        let three = Facts {
            failed_attempts: 2,
            ..Facts::default()
        };
        assert_eq!(
            decide(&chain, 1, FAILED, three),
            [
                Command::CountFailedAttempt,
                Command::FallBack,
                Command::SendRequest
            ]
        );
        // The last step has nowhere to go: it retries as long polling does.
        let waiting = Facts {
            request_outstanding: true,
            failed_attempts: 9,
            ..Facts::default()
        };
        let decided = decide(&chain, 2, FAILED, waiting);
        let [Command::Reconnect(_)] = decided[..] else {
            panic!("{decided:?}");
        };
    }

    #[test]
    fn a_client_behaves_as_a_client_of_its_step() {
        let chain = ws_chain();
        assert_eq!(chain.at(0).sharing(), Sharing::PerTab);
        assert_eq!(chain.at(1).sharing(), Sharing::Limited(6));
        assert_eq!(chain.at(1).keepalive(), Some(15_000_000_000));
        assert_eq!(chain.at(2).keepalive(), None);
        assert!(chain.at(0).keepalive_answered() && !chain.at(1).keepalive_answered());
        assert_eq!(
            decide(&chain, 2, Input::ResponseReceived, Facts::default()),
            [Command::SendRequest]
        );
        // The variant-wide properties are the WebSocket's.
        assert!(chain.primary().is_upgrade());
        assert_eq!(chain.primary().uploads(), Uploads::Stream);
        // Replicas push to streams and answer held requests.
        assert_eq!(
            chain.delivery(),
            Delivery {
                streams: true,
                window: None,
                held_requests: true
            }
        );
    }

    #[test]
    fn a_chain_shares_connections_if_any_step_does() {
        // WebSocket, SSE and long polling over HTTP/1.1: every tab its own connection.
        assert!(!ws_chain().shares_connections());
        // gRPC runs over HTTP/2: a browser's tabs share one connection.
        assert!(chain_of("grpc: {}").shares_connections());
        // So does SSE over HTTP/2, and not polling over HTTP/1.1 (fallbacks are HTTP/1.1
        // only, so only the first step can share).
        let over_h2 = chain_of("sse: { heartbeat: 15s, http2: true }");
        assert_eq!(over_h2.at(0).sharing(), Sharing::Shared);
        assert!(over_h2.shares_connections());
        assert!(!chain_of("polling: { interval: 1s }").shares_connections());
    }

    #[test]
    fn held_requests_are_long_polling_s_at_any_step() {
        let chain = ws_chain();
        let held = Facts {
            hold: Hold::Held,
            ..Facts::default()
        };
        let timeout = Input::HoldTimeout { current: true };
        assert_eq!(decide(&chain, 1, timeout, held), [Command::ScheduleAnswer]);
        // Without long polling in the chain nobody holds requests.
        let plain = chain_of("websocket: { ping: 30s }");
        assert_eq!(decide(&plain, 0, timeout, held), []);
    }

    fn chain_of(transport: &str) -> Chain {
        chain(transport)
    }

    #[test]
    fn a_step_hears_every_input_it_answers() {
        let chains = crate::transport::machine::testing::chains(
            "  - { label: p, polling: { interval: 1s, jitter: 100ms } }\n\
             \x20 - { label: l, long_polling: { timeout: 30s } }\n\
             \x20 - { label: s, sse: { heartbeat: 15s } }\n\
             \x20 - { label: w, websocket: { ping: 30s } }\n\
             \x20 - { label: g, grpc: {} }\n",
        );
        let mut all = chains;
        all.push(ws_chain());
        let inputs = [
            Input::Start,
            Input::Timer,
            Input::RequestHandled,
            Input::ResponseReceived,
            FAILED,
            DENIED,
            Input::Lost {
                failed: false,
                denied: false,
            },
            Input::HoldTimeout { current: true },
            Input::AnswerReady { current: true },
            Input::WindowUpdate { credit: 1 },
        ];
        let mut silent = 0;
        for chain in &all {
            for stage in 0..chain.len {
                for input in inputs {
                    for bits in 0..8u32 {
                        let facts = Facts {
                            request_outstanding: bits & 1 != 0,
                            hold: [Hold::Free, Hold::Held, Hold::Answering][bits as usize % 3],
                            failed_attempts: bits,
                        };
                        if !chain.hears(stage, input) {
                            silent += 1;
                            assert_eq!(
                                decide(chain, stage, input, facts),
                                [],
                                "{input:?} at {stage}"
                            );
                        }
                    }
                }
            }
        }
        assert!(silent > 0, "some inputs are skipped");
    }
}
