//! Each client's transport state: its step in the variant's fallback chain, its failed
//! attempts in a row and reconnects since it was last connected, whether its request is
//! out and its stream open, whether it gave up for good (a WebSocket without a reconnect
//! policy), and (long polling) the server's hold on its request. A small fixed-size record per client ([`ClientState`]),
//! kept in one vector indexed by [`ClientId`] ([`Clients`]); the simulation asks a record
//! for the [`Facts`] a machine reads, and moves it only through the transitions the
//! commands and the wire make.
//!
//! Owns: those fields and their rules (a fallback restarts the failure count and forgets
//! the request; every hold gets a new generation, so that a timeout or an answer meant for
//! an earlier hold can be told apart; a lost connection was a failed attempt when it
//! closed before its first answer or its upgrade was denied, [`ClientState::lost_connection`]). Does not own: any decision (the machines' and the
//! chain's), nor the connection, the replica's counts of held requests and streams, or the
//! events waiting for the client, which are the simulation's. At the end of a run it says
//! where the clients ended on the chain ([`Clients::fallback_result`]).

use std::ops::{Index, IndexMut};

use crate::ids::{ClientId, Generation};
use crate::metrics::{FallbackCount, FallbackResult};
use crate::transport::Chain;
use crate::transport::machine::{Facts, Hold};

/// One client's transport state: sixteen bytes (three counters, its step, its hold and
/// four flags), read by a machine only through [`ClientState::facts`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ClientState {
    /// Long polling: generation of the request held now (or last held); bumped by each hold.
    hold_generation: Generation,
    /// Connection attempts that failed in a row (reset when it is connected or falls back).
    failed_attempts: u32,
    /// Reconnects since it was last connected (the backoff's attempt number).
    reconnects: u32,
    /// Its step in the variant's fallback chain (0: the variant's own transport).
    stage: u8,
    /// Long polling: whether the server holds its request, and writes its answer.
    hold: Hold,
    /// [`REQUEST_OUTSTANDING`], [`STREAMING`], [`UPGRADE_DENIED`] and [`DISCONNECTED`]:
    /// flags in one byte, so that the record keeps to sixteen.
    flags: u8,
}

/// What a client's lost connection was, as its transport hears it
/// ([`crate::transport::Input::Lost`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LostConnection {
    /// A failed attempt: it closed before its first response or stream start, or a proxy
    /// denied its upgrade.
    pub failed: bool,
    /// A proxy or balancer denied its WebSocket upgrade.
    pub denied: bool,
}

/// An HTTP request of it is on its way or being answered.
const REQUEST_OUTSTANDING: u8 = 1;
/// Its stream (SSE, WebSocket, gRPC) is open at the server.
const STREAMING: u8 = 1 << 1;
/// The connection it lost last was refused with a denied upgrade.
const UPGRADE_DENIED: u8 = 1 << 2;
/// It lost its connection and does not reconnect (a WebSocket without a reconnect policy:
/// the browser API has no built-in reconnect).
const DISCONNECTED: u8 = 1 << 3;

impl ClientState {
    /// What its transport may read of it when it decides.
    #[inline]
    pub fn facts(&self) -> Facts {
        Facts {
            request_outstanding: self.request_outstanding(),
            hold: self.hold,
            failed_attempts: self.failed_attempts,
        }
    }

    #[inline]
    fn set(&mut self, flag: u8, on: bool) {
        if on {
            self.flags |= flag;
        } else {
            self.flags &= !flag;
        }
    }

    /// Clears `flag`; whether it was set.
    #[inline]
    fn take(&mut self, flag: u8) -> bool {
        let was = self.flags & flag != 0;
        self.flags &= !flag;
        was
    }

    /// Its step in the fallback chain (0: the variant's own transport).
    #[inline]
    pub fn stage(&self) -> u8 {
        self.stage
    }

    /// It starts at `stage` of its chain: its channel's step, in a variant of several
    /// channels ([`crate::transport::Chain::channels`]), where it stays.
    pub fn start_at(&mut self, stage: u8) {
        self.stage = stage;
    }

    /// It moves to the next step of the chain for the rest of the run: its failure count
    /// starts again, and the request of the step it leaves is forgotten.
    pub fn fall_back(&mut self) {
        self.stage += 1;
        self.failed_attempts = 0;
        self.set(REQUEST_OUTSTANDING, false);
    }

    /// One more connection attempt failed in a row.
    #[inline]
    pub fn count_failed_attempt(&mut self) {
        self.failed_attempts += 1;
    }

    /// It is connected (its stream opened, or a response arrived): no attempt has failed
    /// since, and its reconnect backoff starts again.
    #[inline]
    pub fn connected(&mut self) {
        self.failed_attempts = 0;
        self.reconnects = 0;
    }

    /// It reconnects: the attempt number of this reconnect since it was last connected
    /// (0 for the first), counted.
    #[inline]
    pub fn reconnect_attempt(&mut self) -> u32 {
        let attempt = self.reconnects;
        self.reconnects = attempt.saturating_add(1);
        attempt
    }

    /// An HTTP request of it is on its way or being answered.
    #[inline]
    pub fn request_outstanding(&self) -> bool {
        self.flags & REQUEST_OUTSTANDING != 0
    }

    /// It sends a request.
    #[inline]
    pub fn request_sent(&mut self) {
        self.set(REQUEST_OUTSTANDING, true);
    }

    /// Its request is over: answered, failed, or forgotten by the server.
    #[inline]
    pub fn request_answered(&mut self) {
        self.set(REQUEST_OUTSTANDING, false);
    }

    /// Its stream is open at the server.
    #[inline]
    pub fn is_streaming(&self) -> bool {
        self.flags & STREAMING != 0
    }

    /// The server opened its stream.
    #[inline]
    pub fn stream_opened(&mut self) {
        self.set(STREAMING, true);
    }

    /// The server ends its stream; whether it had one open.
    #[inline]
    pub fn stream_ended(&mut self) -> bool {
        self.take(STREAMING)
    }

    /// A proxy or balancer refused its connection; `denied`: it denied a WebSocket upgrade.
    #[inline]
    pub fn refused(&mut self, denied: bool) {
        self.set(UPGRADE_DENIED, denied);
    }

    /// Whether the connection it lost was refused with a denied upgrade (asked once per
    /// lost connection: the answer is forgotten).
    #[inline]
    pub fn take_denied(&mut self) -> bool {
        self.take(UPGRADE_DENIED)
    }

    /// It lost its connection; `unanswered`: the connection had not yet brought its first
    /// response or stream start. The lost connection was a failed attempt when it closed
    /// unanswered or a proxy denied its upgrade; the denial is told once ([`Self::take_denied`]).
    #[inline]
    pub fn lost_connection(&mut self, unanswered: bool) -> LostConnection {
        let denied = self.take_denied();
        LostConnection {
            failed: unanswered || denied,
            denied,
        }
    }

    /// It lost its connection for good ([`crate::transport::Command::Disconnect`]).
    #[inline]
    pub fn disconnect(&mut self) {
        self.set(DISCONNECTED, true);
    }

    /// Whether it lost its connection for good.
    #[inline]
    pub fn is_disconnected(&self) -> bool {
        self.flags & DISCONNECTED != 0
    }

    /// Whether the events waiting for it at the server will never reach it, at a run's
    /// end (`chain`: its variant's): it is disconnected, or its step loses the events of
    /// an outage (a WebSocket or gRPC stream without replay) and its stream is not open.
    /// Then what waits is lost, not in flight ([`crate::metrics::ledger`]).
    pub fn abandons(&self, chain: &Chain) -> bool {
        self.is_disconnected() || (chain.profile(self.stage).loses_outage && !self.is_streaming())
    }

    /// Long polling: whether the server holds its request, and writes its answer.
    #[inline]
    pub fn hold(&self) -> Hold {
        self.hold
    }

    /// Long polling: the generation of the request held now (or held last).
    #[inline]
    pub fn hold_generation(&self) -> Generation {
        self.hold_generation
    }

    /// The server holds its request; the hold's generation, new to this hold.
    #[inline]
    pub fn hold_request(&mut self) -> Generation {
        self.hold = Hold::Held;
        self.hold_generation = self.hold_generation.next();
        self.hold_generation
    }

    /// The server starts writing the answer to its held request; the hold's generation.
    #[inline]
    pub fn answer_scheduled(&mut self) -> Generation {
        self.hold = Hold::Answering;
        self.hold_generation
    }

    /// The answer being written to its held request died with its replica: the request
    /// is held again, waiting (a held request waiting already stays so).
    #[inline]
    pub fn answer_lost(&mut self) {
        if self.hold == Hold::Answering {
            self.hold = Hold::Held;
        }
    }

    /// The server lets go of its request (answered, or forgotten with its connection);
    /// whether it held one.
    #[inline]
    pub fn release(&mut self) -> bool {
        std::mem::take(&mut self.hold).is_held()
    }
}

/// Every client's [`ClientState`], indexed by [`ClientId`].
#[derive(Debug, Clone, Default)]
pub struct Clients {
    states: Vec<ClientState>,
}

impl Clients {
    /// `count` clients, each at the variant's own transport, with nothing outstanding.
    pub fn new(count: usize) -> Clients {
        Clients {
            states: vec![ClientState::default(); count],
        }
    }

    /// How many clients it holds.
    pub fn len(&self) -> usize {
        self.states.len()
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.states.is_empty()
    }

    /// How many of the first `first` clients are at `stage` of their chain.
    pub fn count_on_step(&self, stage: u8, first: usize) -> usize {
        self.states[..first]
            .iter()
            .filter(|state| state.stage == stage)
            .count()
    }

    /// How many clients lost their connection for good.
    pub fn disconnected(&self) -> usize {
        self.states
            .iter()
            .filter(|state| state.is_disconnected())
            .count()
    }

    /// Where the first `first` clients ended on a fallback chain from `primary` over
    /// `steps` (the chain's later steps, by name, in order); `None` without a later step.
    pub fn fallback_result(
        &self,
        primary: &str,
        steps: &[&str],
        first: usize,
    ) -> Option<FallbackResult> {
        if steps.is_empty() {
            return None;
        }
        let steps: Vec<FallbackCount> = steps
            .iter()
            .enumerate()
            .map(|(k, step)| FallbackCount {
                transport: step.to_string(),
                clients: self.count_on_step(k as u8 + 1, first) as u64,
            })
            .collect();
        let on_fallback = steps.iter().map(|s| s.clients).sum::<u64>();
        Some(FallbackResult {
            primary: primary.to_string(),
            on_primary: first as u64 - on_fallback,
            on_fallback,
            steps,
        })
    }
}

impl Index<ClientId> for Clients {
    type Output = ClientState;
    #[inline]
    fn index(&self, c: ClientId) -> &ClientState {
        &self.states[c.index()]
    }
}

impl IndexMut<ClientId> for Clients {
    #[inline]
    fn index_mut(&mut self, c: ClientId) -> &mut ClientState {
        &mut self.states[c.index()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transport::machine::testing;

    fn facts(state: &ClientState) -> (bool, Hold, u32) {
        let f = state.facts();
        (f.request_outstanding, f.hold, f.failed_attempts)
    }

    #[test]
    fn a_new_client_is_at_its_own_transport_with_nothing_outstanding() {
        let clients = Clients::new(3);
        assert_eq!(clients.len(), 3);
        let state = &clients[ClientId::new(2)];
        assert_eq!(state.stage(), 0);
        assert_eq!(facts(state), (false, Hold::Free, 0));
        assert!(!state.is_streaming());
        assert_eq!(state.hold_generation(), Generation::new(0));
    }

    #[test]
    fn failed_attempts_count_up_and_restart_when_connected() {
        let mut state = ClientState::default();
        state.count_failed_attempt();
        state.count_failed_attempt();
        assert_eq!(state.facts().failed_attempts, 2);
        state.connected();
        assert_eq!(state.facts().failed_attempts, 0);
        assert_eq!(state.stage(), 0, "being connected does not move it");
    }

    #[test]
    fn a_fallback_moves_one_step_restarts_the_count_and_forgets_the_request() {
        let mut state = ClientState::default();
        state.request_sent();
        state.count_failed_attempt();
        state.count_failed_attempt();
        state.count_failed_attempt();
        state.fall_back();
        assert_eq!(state.stage(), 1);
        assert_eq!(facts(&state), (false, Hold::Free, 0));
        state.count_failed_attempt();
        state.fall_back();
        assert_eq!(state.stage(), 2);
        assert_eq!(state.facts().failed_attempts, 0);
    }

    #[test]
    fn a_request_is_outstanding_from_sent_to_answered() {
        let mut state = ClientState::default();
        state.request_sent();
        assert!(state.request_outstanding());
        assert!(state.facts().request_outstanding);
        state.request_answered();
        assert!(!state.request_outstanding());
        assert!(!state.facts().request_outstanding);
    }

    #[test]
    fn a_stream_ends_once() {
        let mut state = ClientState::default();
        assert!(!state.stream_ended(), "no stream to end");
        state.stream_opened();
        assert!(state.is_streaming());
        assert!(state.stream_ended());
        assert!(!state.is_streaming());
        assert!(!state.stream_ended(), "ended already");
    }

    #[test]
    fn a_denied_upgrade_is_told_once() {
        let mut state = ClientState::default();
        state.refused(true);
        assert!(state.take_denied());
        assert!(!state.take_denied(), "forgotten once told");
        state.refused(true);
        state.refused(false);
        assert!(!state.take_denied(), "the last refusal decides");
    }

    #[test]
    fn a_lost_connection_failed_if_unanswered_or_denied() {
        let mut state = ClientState::default();
        let answered = state.lost_connection(false);
        assert_eq!(
            answered,
            LostConnection {
                failed: false,
                denied: false
            },
            "it had answered: a connection lost later, not a failed attempt"
        );
        let unanswered = state.lost_connection(true);
        assert!(unanswered.failed && !unanswered.denied);
        state.refused(true);
        let denied = state.lost_connection(false);
        assert_eq!(
            denied,
            LostConnection {
                failed: true,
                denied: true
            },
            "a denied upgrade is a failed attempt"
        );
        assert!(
            !state.lost_connection(false).denied,
            "the denial is told once"
        );
    }

    #[test]
    fn every_hold_gets_a_new_generation_and_its_answer_carries_it() {
        let mut state = ClientState::default();
        assert_eq!(state.hold_request(), Generation::new(1));
        assert_eq!(state.hold(), Hold::Held);
        assert_eq!(state.facts().hold, Hold::Held);
        assert_eq!(state.answer_scheduled(), Generation::new(1));
        assert_eq!(state.hold(), Hold::Answering);
        assert!(state.release());
        assert_eq!(state.hold(), Hold::Free);
        assert_eq!(
            state.hold_generation(),
            Generation::new(1),
            "released, the generation stays"
        );
        assert_eq!(state.hold_request(), Generation::new(2));
        assert_eq!(
            state.hold_request(),
            Generation::new(3),
            "a hold replaced counts too"
        );
        assert_eq!(state.hold_generation(), Generation::new(3));
    }

    #[test]
    fn a_release_says_whether_a_request_was_held() {
        let mut state = ClientState::default();
        assert!(!state.release(), "nothing held");
        state.hold_request();
        assert!(state.release(), "held, waiting");
        state.hold_request();
        state.answer_scheduled();
        assert!(state.release(), "held, being answered");
        assert_eq!(state.hold(), Hold::Free);
    }

    #[test]
    fn an_answer_lost_with_its_replica_leaves_the_request_held() {
        let mut state = ClientState::default();
        state.answer_lost();
        assert_eq!(state.hold(), Hold::Free, "nothing held stays free");
        state.hold_request();
        state.answer_scheduled();
        state.answer_lost();
        assert_eq!(state.hold(), Hold::Held);
        assert_eq!(state.hold_generation(), Generation::new(1), "the same hold");
        state.answer_lost();
        assert_eq!(state.hold(), Hold::Held, "a waiting hold stays waiting");
    }

    #[test]
    fn counts_the_clients_at_a_stage_among_the_first_ones() {
        let mut clients = Clients::new(4);
        clients[ClientId::new(1)].fall_back();
        clients[ClientId::new(3)].fall_back();
        clients[ClientId::new(3)].fall_back();
        assert_eq!(clients.count_on_step(0, 4), 2);
        assert_eq!(clients.count_on_step(1, 4), 1);
        assert_eq!(clients.count_on_step(2, 4), 1);
        assert_eq!(
            clients.count_on_step(2, 3),
            0,
            "client 3 is not among the first three"
        );
    }

    #[test]
    fn reconnect_attempts_count_from_zero_until_connected() {
        let mut state = ClientState::default();
        assert_eq!(state.reconnect_attempt(), 0);
        assert_eq!(state.reconnect_attempt(), 1);
        assert_eq!(state.reconnect_attempt(), 2);
        state.connected();
        assert_eq!(
            state.reconnect_attempt(),
            0,
            "connected: the backoff starts again"
        );
    }

    #[test]
    fn the_fallback_result_counts_where_the_first_clients_ended() {
        let mut clients = Clients::new(6);
        for (c, steps) in [(0, 1), (1, 2), (2, 1), (5, 1)] {
            for _ in 0..steps {
                clients[ClientId::new(c)].fall_back();
            }
        }
        // Client 5 is a hidden REST client: not among the first five.
        let result = clients
            .fallback_result("websocket", &["sse", "long_polling"], 5)
            .expect("a chain with later steps");
        let counts: Vec<(&str, u64)> = result
            .steps
            .iter()
            .map(|s| (s.transport.as_str(), s.clients))
            .collect();
        assert_eq!(counts, [("sse", 2), ("long_polling", 1)]);
        assert_eq!(result.primary, "websocket");
        assert_eq!((result.on_primary, result.on_fallback), (2, 3));
        assert_eq!(clients.fallback_result("websocket", &[], 5), None);
    }

    #[test]
    fn the_flags_are_independent() {
        let mut state = ClientState::default();
        state.request_sent();
        state.stream_opened();
        state.refused(true);
        state.request_answered();
        assert!(
            state.is_streaming(),
            "answering a request leaves the stream"
        );
        assert!(state.take_denied());
        assert!(state.is_streaming(), "telling the denial leaves the stream");
        state.request_sent();
        assert!(state.stream_ended());
        assert!(
            state.request_outstanding(),
            "ending the stream leaves the request"
        );
    }

    #[test]
    fn a_disconnected_client_abandons_what_waits_whatever_its_transport() {
        let sse = testing::chain("sse: { heartbeat: 15s }");
        let mut clients = Clients::new(3);
        let c = ClientId::new(1);
        assert!(!clients[c].abandons(&sse), "SSE resumes with Last-Event-ID");
        clients[c].stream_opened();
        clients[c].disconnect();
        assert!(clients[c].is_disconnected());
        assert!(
            clients[c].abandons(&sse),
            "gone for good, even with a stream"
        );
        assert_eq!(clients.disconnected(), 1);
        assert!(!clients[ClientId::new(0)].is_disconnected());
    }

    #[test]
    fn a_step_that_loses_its_outage_abandons_what_waits_while_its_stream_is_closed() {
        let lossy = testing::chain("websocket: { reconnect: { backoff: fixed, delay: 1s } }");
        let replay = testing::chain(
            "websocket: { reconnect: { backoff: fixed, delay: 1s }, resume: replay }",
        );
        let mut state = ClientState::default();
        assert!(state.abandons(&lossy), "away: its outage is lost");
        assert!(!state.abandons(&replay), "replay resumes it");
        state.stream_opened();
        assert!(
            !state.abandons(&lossy),
            "streaming: what waits is on its way"
        );
        state.stream_ended();
        assert!(state.abandons(&lossy));
    }

    #[test]
    fn the_step_decides_whether_an_outage_is_lost() {
        // WebSocket without replay, falling back to long polling, which keeps its events.
        let chain = testing::chain(
            "websocket: { reconnect: { backoff: fixed, delay: 1s } }\n    fallback:\n      \
             - { long_polling: { timeout: 30s } }",
        );
        let mut state = ClientState::default();
        assert!(state.abandons(&chain));
        state.fall_back();
        assert!(
            !state.abandons(&chain),
            "long polling asks for what it missed"
        );
    }

    #[test]
    fn the_record_keeps_to_sixteen_bytes() {
        assert_eq!(std::mem::size_of::<ClientState>(), 16);
    }
}
