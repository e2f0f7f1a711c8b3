//! History over REST (`rest.history`): when a client's stream opens, its REST client
//! GETs the events it should see but has not: the first time, the latest ones created
//! before it subscribed (what a chat shows on opening: outside the ledger, a cost only);
//! after a reconnect without replay, the ones it missed while away (recovered: delivered
//! over REST instead of lost, the newest `history` of them; older ones stay lost). A
//! poller asks once, when its first answer arrives. Streams that resume (SSE's
//! Last-Event-ID, replay) miss nothing and ask nothing on a reconnect.
//!
//! A client recovering missed events applies them before the live events that reach it
//! while the fetch is on its way, as a chat client merges history before the live feed:
//! those live events wait at the client (in flight in its ledger) and are delivered, in
//! order, when the history arrives. So a reconnect with history never delivers out of
//! order; the live events pay the fetch's time in their latency instead.

use super::World;
use crate::engine::Scheduler;
use crate::metrics::{HistoryResult, LatencyRecorder};
use crate::scenario::HttpHeaders;
use crate::scenario::defaults as d;
use crate::sim::event::{ClientId, ConnInfo, Event, MsgKind};
use crate::time::Nanos;
use crate::transport::http::exchange_size;

/// A history request: the events numbered in `[first, first + count)` that are for the
/// client; `recover`: they are the client's missed events (delivered), not old ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Ask {
    first: u32,
    count: u32,
    recover: bool,
    /// When the client asked.
    at: Nanos,
}

/// Per client: its pending ask, whether it asked its first history yet, and its missed
/// events travelling over REST (in flight in its ledger).
#[derive(Debug, Default)]
pub(super) struct History {
    asks: Vec<Option<Ask>>,
    started: Vec<bool>,
    in_flight: Vec<u32>,
    /// Per client: live events that reached it while it waits for its missed ones, as
    /// `(first, count)` ranges in arrival order, and how many of its events they hold.
    held: Vec<Vec<(u32, u32)>>,
    held_events: Vec<u32>,
    fetches: u64,
    fetched: u64,
    recovered: u64,
    latency: LatencyRecorder,
}

impl History {
    pub(super) fn new(clients: usize) -> Self {
        History {
            asks: vec![None; clients],
            started: vec![false; clients],
            in_flight: vec![0; clients],
            held: vec![Vec::new(); clients],
            held_events: vec![0; clients],
            ..History::default()
        }
    }
}

/// A plain HTTP/1.1 GET and its JSON answer.
const HISTORY_HTTP: HttpHeaders = HttpHeaders {
    request: d::HTTP_REQUEST_HEADERS,
    response: d::HTTP_RESPONSE_HEADERS,
    http2: None,
};

impl World<'_> {
    /// The last `limit` of `c`'s events numbered below `to` and from `from` on: the
    /// first number of the range holding exactly them, and how many there are.
    fn newest(&self, c: ClientId, from: u32, to: u32, limit: u32) -> (u32, u32) {
        let mut first = to;
        let mut found = 0;
        while first > from && found < limit {
            first -= 1;
            if self.log.is_for(first, c) {
                found += 1;
            }
        }
        (first, found)
    }

    /// A stream that starts from now (no replay): with history, its missed events are
    /// fetched over REST, the newest `history` of them; returns how many stay lost.
    pub(super) fn recover_missed(&mut self, c: ClientId, missed: u32, now: Nanos) -> u32 {
        let (Some(limit), Some(history)) = (self.scenario.rest.history, &self.history) else {
            return missed;
        };
        if missed == 0 || history.asks[c].is_some() {
            return missed;
        }
        let (from, to) = (self.clients[c].cursor, self.events_so_far);
        let (first, count) = self.newest(c, from, to, limit);
        let history = self.history.as_mut().expect("checked above");
        history.asks[c] = Some(Ask {
            first,
            count: to - first,
            recover: true,
            at: now,
        });
        history.in_flight[c] += count;
        missed - count
    }

    /// `c`'s stream opened at the client (or a poller's first answer arrived): it asks
    /// for its first history, or for what it missed.
    pub(super) fn history_on_open(&mut self, c: ClientId, now: Nanos, s: &mut Scheduler<Event>) {
        let (Some(limit), Some(first_rest)) = (self.scenario.rest.history, self.two_way.first_rest)
        else {
            return;
        };
        if self.is_rest(c) {
            return;
        }
        let history = self.history.as_ref().expect("history is on");
        if !history.started[c] {
            let registered = self.clients[c].first_event;
            let (first, _) = self.newest(c, 0, registered, limit);
            let history = self.history.as_mut().expect("history is on");
            history.started[c] = true;
            if history.asks[c].is_none() {
                history.asks[c] = Some(Ask {
                    first,
                    count: registered - first,
                    recover: false,
                    at: now,
                });
            }
        }
        let history = self.history.as_mut().expect("history is on");
        match &mut history.asks[c] {
            Some(ask) => ask.at = now,
            None => return,
        }
        let r = first_rest.plus(c.get());
        if !self.transports[r].request_outstanding() {
            self.rest_send_next(r, now, s);
        }
    }

    /// Whether the visible client `owner` has a history ask waiting.
    pub(super) fn history_pending(&self, owner: ClientId) -> bool {
        self.history
            .as_ref()
            .is_some_and(|h| h.asks[owner].is_some())
    }

    /// The server answers REST client `r`'s history request for `owner`.
    pub(super) fn history_answer(&mut self, owner: ClientId) -> MsgKind {
        let ask = self
            .history
            .as_ref()
            .and_then(|h| h.asks[owner])
            .expect("a history request has its ask");
        MsgKind::Response {
            first: ask.first,
            count: ask.count,
        }
    }

    /// Sizes of a history exchange for `owner`: a GET, answered by a JSON array.
    pub(super) fn history_size(&self, owner: ClientId, kind: MsgKind) -> (u64, u64) {
        let conn = ConnInfo {
            client: owner,
            ..ConnInfo::default()
        };
        let request = match kind {
            MsgKind::HistoryRequest => MsgKind::Request,
            other => other,
        };
        exchange_size(
            &HISTORY_HTTP,
            HISTORY_HTTP.request,
            HISTORY_HTTP.response,
            request,
            &self.log,
            conn,
        )
    }

    /// `owner`'s history arrived at `now`: missed events are delivered; old ones are
    /// counted as fetched.
    pub(super) fn history_arrived(&mut self, owner: ClientId, now: Nanos) {
        let Some(ask) = self.history.as_mut().and_then(|h| h.asks[owner].take()) else {
            return;
        };
        let events = self.log.count_for(owner, ask.first, ask.first + ask.count);
        if ask.recover {
            let history = self.history.as_mut().expect("history is on");
            history.in_flight[owner] -= events;
            history.held_events[owner] = 0;
            let held = std::mem::take(&mut history.held[owner]);
            self.deliver(owner, ask.first, ask.count, now);
            for (first, count) in held {
                self.deliver(owner, first, count, now);
            }
        }
        // Over the whole run: first connects come early, often before the window.
        let history = self.history.as_mut().expect("history is on");
        history.fetches += 1;
        history.latency.record(now - ask.at);
        if ask.recover {
            history.recovered += events as u64;
        } else {
            history.fetched += events as u64;
        }
    }

    /// `c`'s missed events on their way over REST, and the live ones it holds until they
    /// arrive (in flight in its ledger).
    pub(super) fn history_in_flight(&self, c: ClientId) -> u64 {
        self.history
            .as_ref()
            .map_or(0, |h| h.in_flight[c] as u64 + h.held_events[c] as u64)
    }

    /// Whether visible client `c` waits for its missed events over REST: it holds back
    /// live ones meanwhile.
    #[inline]
    pub(super) fn holds_for_history(&self, c: ClientId) -> bool {
        self.history.as_ref().is_some_and(|h| {
            h.asks
                .get(c.index())
                .is_some_and(|ask| ask.is_some_and(|ask| ask.recover))
        })
    }

    /// `c` holds the live events among `[first, first + count)` until its history arrives.
    pub(super) fn hold_for_history(&mut self, c: ClientId, first: u32, count: u32) {
        let events = self.log.count_for(c, first, first + count);
        let history = self.history.as_mut().expect("holding needs history");
        history.held[c].push((first, count));
        history.held_events[c] += events;
    }

    /// What the history fetches did (`None` without history).
    pub(super) fn history_result(&self) -> Option<HistoryResult> {
        let h = self.history.as_ref()?;
        Some(HistoryResult {
            fetches: h.fetches,
            events_fetched: h.fetched,
            events_recovered: h.recovered,
            latency: h.latency.summary(),
        })
    }
}
