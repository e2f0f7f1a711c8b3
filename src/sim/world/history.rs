//! The world's side of history over REST ([`crate::transport::history`], which says what
//! it is and keeps each client's asks): it finds the events an ask covers in the event
//! log, sends the ask on the client's REST connection and delivers what arrives (the
//! exchange's sizes are [`crate::transport::history::exchange_size`]'s).

use super::World;
use crate::engine::Scheduler;
use crate::ids::EventNo;
use crate::metrics::HistoryResult;
use crate::sim::event::{ClientId, Event, MsgKind};
use crate::time::SimTime;

impl World<'_> {
    /// A stream that starts from now (no replay): with history, its missed events are
    /// fetched over REST, the newest `history` of them; returns how many stay lost.
    pub(super) fn recover_missed(&mut self, c: ClientId, missed: u32, now: SimTime) -> u32 {
        let (Some(limit), Some(history)) = (self.scenario.rest.history, &self.history) else {
            return missed;
        };
        // Only the owner slot's channel fetches history (every client, in the short form).
        if missed == 0 || history.is_asking(c) || self.two_way.outbox.rest_client_of(c).is_none() {
            return missed;
        }
        let (from, to) = (self.clients[c].cursor, self.events_so_far);
        let (first, count) = self.log.newest_for(c, from, to, limit);
        let history = self.history.as_mut().expect("checked above");
        history.ask_missed(c, (first, to), count, now);
        missed - count
    }

    /// `c`'s stream opened at the client (or a poller's first answer arrived): it asks
    /// for its first history, or for what it missed.
    pub(super) fn history_on_open(&mut self, c: ClientId, now: SimTime, s: &mut Scheduler<Event>) {
        let Some(limit) = self.scenario.rest.history else {
            return;
        };
        let Some(r) = self.two_way.outbox.rest_client_of(c) else {
            return;
        };
        if self.is_rest(c) {
            return;
        }
        let history = self.history.as_mut().expect("history is on");
        if !history.started(c) {
            let registered = self.clients[c].first_event;
            let (first, _) = self.log.newest_for(c, EventNo::FIRST, registered, limit);
            let history = self.history.as_mut().expect("history is on");
            history.ask_first(c, (first, registered), now);
        }
        let history = self.history.as_mut().expect("history is on");
        if !history.send(c, now) {
            return;
        }
        if !self.transports[r].request_outstanding() {
            self.rest_send_next(r, now, s);
        }
    }

    /// Whether the visible client `owner` has a history ask waiting.
    pub(super) fn history_pending(&self, owner: ClientId) -> bool {
        self.history.as_ref().is_some_and(|h| h.is_asking(owner))
    }

    /// The server answers REST client `r`'s history request for `owner`.
    pub(super) fn history_answer(&mut self, owner: ClientId) -> MsgKind {
        let ask = self
            .history
            .as_ref()
            .and_then(|h| h.ask(owner))
            .expect("a history request has its ask");
        MsgKind::Response {
            first: ask.first,
            count: ask.count,
        }
    }

    /// `owner`'s history arrived at `now`: missed events are delivered, then the live ones
    /// it held back; old ones are counted as fetched.
    pub(super) fn history_arrived(&mut self, owner: ClientId, now: SimTime) {
        let Some(ask) = self.history.as_ref().and_then(|h| h.ask(owner)) else {
            return;
        };
        let events = self.log.count_for(owner, ask.first, ask.first + ask.count);
        let history = self.history.as_mut().expect("it asked");
        let Some(arrival) = history.arrived(owner, events, now) else {
            return;
        };
        if arrival.ask.recover {
            self.deliver(owner, ask.first, ask.count, now);
            for (first, count) in arrival.held {
                self.deliver(owner, first, count, now);
            }
        }
    }

    /// `c`'s missed events on their way over REST, and the live ones it holds until they
    /// arrive (in flight in its ledger).
    pub(super) fn history_in_flight(&self, c: ClientId) -> u64 {
        self.history.as_ref().map_or(0, |h| h.in_flight(c))
    }

    /// Whether visible client `c` waits for its missed events over REST: it holds back
    /// live ones meanwhile.
    #[inline]
    pub(super) fn holds_for_history(&self, c: ClientId) -> bool {
        self.history.as_ref().is_some_and(|h| h.holds(c))
    }

    /// `c` holds the live events among `[first, first + count)` until its history arrives.
    pub(super) fn hold_for_history(&mut self, c: ClientId, first: EventNo, count: u32) {
        let events = self.log.count_for(c, first, first + count);
        let history = self.history.as_mut().expect("holding needs history");
        history.hold(c, first, count, events);
    }

    /// What the history fetches did (`None` without history).
    pub(super) fn history_result(&self) -> Option<HistoryResult> {
        self.history.as_ref().map(|h| h.result())
    }
}
