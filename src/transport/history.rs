//! A client's history over REST (`rest.history`), as the client keeps it: what it asks
//! for, the missed events on their way to it, and the live events it holds back until
//! they arrive; and what the fetches did over the run.
//!
//! When a client's stream opens, its REST client GETs the events it should see but has
//! not: the first time, the latest ones created before it subscribed (what a chat shows on
//! opening: outside the ledger, a cost only); after a reconnect without replay, the ones it
//! missed while away (recovered: delivered over REST instead of lost). A client recovering
//! missed events applies them before the live events that reach it meanwhile, as a chat
//! client merges history before the live feed, so a reconnect with history never delivers
//! out of order.
//!
//! Owns: per client, its pending ask, whether it asked its first history, the events in
//! flight to it over REST and the live ones it holds; the run's fetch counts and latency;
//! the sizes of an ask's exchange on the wire ([`exchange_size`]: a plain HTTP/1.1 `GET`
//! and its JSON answer). Does not own: which events are for which client (the event log
//! says, and the caller counts), sending the REST requests that carry the asks, or the
//! delivery of the events (the simulation does both, and asks this store what to deliver).

use crate::ids::{ClientId, EventNo};
use crate::metrics::{HistoryResult, LatencyRecorder};
use crate::time::SimTime;
use crate::transport::http;
use crate::transport::message::{ConnInfo, MsgKind};
use crate::transport::spec::{
    DEFAULT_HTTP_REQUEST_HEADERS, DEFAULT_HTTP_RESPONSE_HEADERS, HttpHeaders,
};
use crate::workload::EventLog;

/// A history ask on the wire: a plain HTTP/1.1 GET and its JSON answer, with the default
/// header sizes whatever the variant's transport sends.
const HISTORY_HTTP: HttpHeaders = HttpHeaders {
    gzip: None,
    request: DEFAULT_HTTP_REQUEST_HEADERS,
    response: DEFAULT_HTTP_RESPONSE_HEADERS,
    http2: None,
};

/// Sizes (payload, headers and framing) of `owner`'s history exchange: its ask
/// ([`MsgKind::HistoryRequest`]) is a GET, the answer ([`MsgKind::Response`]) a JSON array
/// of the events of its range that are for `owner`. `request_headers`: the owner's
/// group's own (cookies, a token) in place of a plain browser's.
pub fn exchange_size(
    kind: MsgKind,
    log: &EventLog,
    owner: ClientId,
    request_headers: Option<u64>,
) -> (u64, u64) {
    let conn = ConnInfo {
        client: owner,
        ..ConnInfo::default()
    };
    let request = match kind {
        MsgKind::HistoryRequest => MsgKind::Request,
        other => other,
    };
    http::exchange_size(
        &HISTORY_HTTP,
        request_headers.unwrap_or(HISTORY_HTTP.request),
        HISTORY_HTTP.response,
        request,
        log,
        conn,
    )
}

/// A history request: the events numbered in `[first, first + count)` that are for the
/// client; `recover`: they are the client's missed events (delivered), not old ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ask {
    pub first: EventNo,
    pub count: u32,
    pub recover: bool,
    /// When the client asked.
    at: SimTime,
}

/// What a client does when its history arrives: the events of its ask, delivered when
/// it recovers missed ones, then the live ones it held back, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arrival {
    pub ask: Ask,
    /// `(first, count)` ranges of live events held back, in arrival order.
    pub held: Vec<(EventNo, u32)>,
}

/// Every client's history, for one run.
#[derive(Debug, Default)]
pub struct History {
    asks: Vec<Option<Ask>>,
    started: Vec<bool>,
    /// Per client: its missed events on their way over REST.
    in_flight: Vec<u32>,
    /// Per client: live events that reached it while it waits for its missed ones, as
    /// `(first, count)` ranges in arrival order, and how many of its events they hold.
    held: Vec<Vec<(EventNo, u32)>>,
    held_events: Vec<u32>,
    fetches: u64,
    fetched: u64,
    recovered: u64,
    latency: LatencyRecorder,
}

impl History {
    /// The history of `clients` clients, none of which has asked yet.
    pub fn new(clients: usize) -> Self {
        History {
            asks: vec![None; clients],
            started: vec![false; clients],
            in_flight: vec![0; clients],
            held: vec![Vec::new(); clients],
            held_events: vec![0; clients],
            ..History::default()
        }
    }

    /// Whether `c` has an ask waiting to be answered.
    #[inline]
    pub fn is_asking(&self, c: ClientId) -> bool {
        self.asks[c].is_some()
    }

    /// `c` missed the events numbered `[first, to)` and asks for them at `now`; `events`
    /// of them are for it (on their way to it from now on).
    pub fn ask_missed(
        &mut self,
        c: ClientId,
        (first, to): (EventNo, EventNo),
        events: u32,
        now: SimTime,
    ) {
        self.asks[c] = Some(Ask {
            first,
            count: to.since(first),
            recover: true,
            at: now,
        });
        self.in_flight[c] += events;
    }

    /// Whether `c` asked for its first history yet.
    pub fn started(&self, c: ClientId) -> bool {
        self.started[c]
    }

    /// `c` asks for its first history: the events numbered `[first, to)`, old ones (a
    /// cost only) — unless it already asks for missed ones, which come first.
    pub fn ask_first(&mut self, c: ClientId, (first, to): (EventNo, EventNo), now: SimTime) {
        self.started[c] = true;
        if self.asks[c].is_none() {
            self.asks[c] = Some(Ask {
                first,
                count: to.since(first),
                recover: false,
                at: now,
            });
        }
    }

    /// `c`'s ask, if any, is sent at `now` (its latency counts from then); whether it has
    /// one.
    pub fn send(&mut self, c: ClientId, now: SimTime) -> bool {
        match &mut self.asks[c] {
            Some(ask) => {
                ask.at = now;
                true
            }
            None => false,
        }
    }

    /// `c`'s ask, for the server to answer.
    pub fn ask(&self, c: ClientId) -> Option<Ask> {
        self.asks[c]
    }

    /// `c`'s history arrived at `now`, `events` of its ask's events being for it: what it
    /// now delivers (nothing when it had no ask).
    pub fn arrived(&mut self, c: ClientId, events: u32, now: SimTime) -> Option<Arrival> {
        let ask = self.asks[c].take()?;
        let held = if ask.recover {
            self.in_flight[c] -= events;
            self.held_events[c] = 0;
            std::mem::take(&mut self.held[c])
        } else {
            Vec::new()
        };
        // Over the whole run: first connects come early, often before the window.
        self.fetches += 1;
        self.latency.record(now.since(ask.at));
        if ask.recover {
            self.recovered += u64::from(events);
        } else {
            self.fetched += u64::from(events);
        }
        Some(Arrival { ask, held })
    }

    /// `c`'s missed events on their way over REST, and the live ones it holds until they
    /// arrive (in flight in its ledger).
    pub fn in_flight(&self, c: ClientId) -> u64 {
        u64::from(self.in_flight[c]) + u64::from(self.held_events[c])
    }

    /// Whether `c` waits for its missed events: it holds back live ones meanwhile.
    #[inline]
    pub fn holds(&self, c: ClientId) -> bool {
        self.asks
            .get(c.index())
            .is_some_and(|ask| ask.is_some_and(|ask| ask.recover))
    }

    /// `c` holds back the live events numbered `[first, first + count)`, `events` of which
    /// are for it, until its history arrives.
    pub fn hold(&mut self, c: ClientId, first: EventNo, count: u32, events: u32) {
        self.held[c].push((first, count));
        self.held_events[c] += events;
    }

    /// What the fetches did over the run.
    pub fn result(&self) -> HistoryResult {
        HistoryResult {
            fetches: self.fetches,
            events_fetched: self.fetched,
            events_recovered: self.recovered,
            latency: self.latency.summary(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transport::machine::testing::log_of;

    #[test]
    fn a_history_exchange_is_a_plain_get_and_a_json_array() {
        let log = log_of(vec![(1, 100), (2, 120), (3, 80)]);
        let owner = ClientId::new(0);
        // The ask: headers only, the default 450 bytes of a browser's fetch().
        assert_eq!(
            exchange_size(MsgKind::HistoryRequest, &log, owner, None),
            (0, 450)
        );
        // A group's own 900 bytes (cookies) in their place; the answer is the server's.
        assert_eq!(
            exchange_size(MsgKind::HistoryRequest, &log, owner, Some(900)),
            (0, 900)
        );
        // The answer for events 1 and 2 (numbered from 0): their 120 + 80 payload bytes in
        // `[a,b]` (3 bytes of brackets and comma) after the default 220 bytes of response
        // headers.
        assert_eq!(
            exchange_size(
                MsgKind::Response {
                    first: EventNo::new(1),
                    count: 2
                },
                &log,
                owner,
                Some(900)
            ),
            (200, 220 + 3)
        );
        // An empty answer is `[]`.
        assert_eq!(
            exchange_size(
                MsgKind::Response {
                    first: EventNo::new(3),
                    count: 0
                },
                &log,
                owner,
                Some(900)
            ),
            (0, 220 + 2)
        );
    }

    const MS: u64 = 1_000_000;

    /// The events `from..to`, as an ask names them.
    fn events(from: u32, to: u32) -> (EventNo, EventNo) {
        (EventNo::new(from), EventNo::new(to))
    }

    /// The instant `n` nanoseconds into the run.
    fn at(n: u64) -> SimTime {
        SimTime::from_nanos(n)
    }

    #[test]
    fn missed_events_are_in_flight_until_they_arrive_then_the_held_ones_follow() {
        let c = ClientId::new(1);
        let mut h = History::new(2);
        assert!(!h.is_asking(c) && !h.holds(c));
        h.ask_missed(c, events(10, 20), 4, at(100 * MS));
        assert!(h.is_asking(c) && h.holds(c));
        h.hold(c, EventNo::new(20), 2, 2);
        h.hold(c, EventNo::new(22), 1, 1);
        assert_eq!(h.in_flight(c), 4 + 3);
        assert!(h.send(c, at(150 * MS)));
        let arrival = h.arrived(c, 4, at(190 * MS)).expect("it asked");
        assert_eq!(
            (arrival.ask.first, arrival.ask.count),
            (EventNo::new(10), 10)
        );
        assert!(arrival.ask.recover);
        assert_eq!(arrival.held, [(EventNo::new(20), 2), (EventNo::new(22), 1)]);
        assert_eq!(h.in_flight(c), 0);
        assert!(!h.is_asking(c) && !h.holds(c));
        let result = h.result();
        assert_eq!((result.fetches, result.events_recovered), (1, 4));
        assert_eq!(result.events_fetched, 0);
        // Latency from the send, not from the ask: 40 ms.
        let mean = result.latency.expect("one fetch").mean_ms;
        assert!((mean - 40.0).abs() < 0.1, "{mean}");
        assert_eq!(
            h.arrived(c, 0, at(200 * MS)),
            None,
            "nothing more to arrive"
        );
    }

    #[test]
    fn a_first_history_is_a_cost_and_waits_behind_a_recovery() {
        let c = ClientId::new(0);
        let mut h = History::new(1);
        h.ask_missed(c, events(5, 8), 3, at(0));
        h.ask_first(c, events(0, 5), at(0));
        assert!(h.started(c));
        assert_eq!(
            h.ask(c).map(|a| a.recover),
            Some(true),
            "the recovery stays"
        );
        h.arrived(c, 3, at(MS));
        h.ask_first(c, events(0, 5), at(2 * MS));
        let old = h.ask(c).expect("asks its first history now");
        assert!(!old.recover && !h.holds(c));
        let arrival = h.arrived(c, 5, at(3 * MS)).expect("it asked");
        assert!(arrival.held.is_empty());
        let result = h.result();
        assert_eq!(
            (
                result.fetches,
                result.events_fetched,
                result.events_recovered
            ),
            (2, 5, 3)
        );
    }
}
