//! The event ledger's end-of-run rule: where the events still waiting at the server for a
//! client go. For a client that will get them (it is connected, or it will resume from its
//! cursor) they are in flight; for one that never will (disconnected, or away and resuming
//! without replay) they are lost, by that reason.
//!
//! Owns: that settlement for one client ([`ClientLedger::settle`]) and the loss reasons it
//! adds ([`LostByReason::add_abandoned`]), so the identity generated = delivered + lost +
//! in flight holds for every client; and the ledger's measurement window
//! ([`WindowLedger::between`]): what happened to the (event, client) pairs within
//! `[warmup, duration)`, from the run's counts at the window's opening ([`LedgerMark`]) and
//! at its end. Does not own: the counts themselves (the simulation reads each client's
//! cursor, deliveries and jobs), nor whether a client abandons what waits for it (its
//! transport and connection say), nor when the mark is taken (the simulation takes it
//! before the first event at or after the warm-up).
//!
//! **The window's rule (issue 18).** Bytes, requests and responses count what happens in
//! the window; the whole-run ledger counts every pair of the run. The window ledger counts
//! the same way the bytes do: pairs generated in the window, deliveries and losses that
//! happen in it, and, as its opening balance, the pairs `carried_in` (generated before the
//! warm-up, neither delivered nor counted lost at its end). So
//! `carried_in + generated = delivered + lost + in_flight`, exactly, from counts that only
//! grow. A cohort ledger (the window's events followed to their fate) would need every
//! loss to name its events, and a stream that ends hands its events back by count
//! ([`crate::sim`]'s `rewind_cursor`), not by number.

use serde::{Deserialize, Serialize};

use crate::metrics::{ClientLedger, EventLedger, LostByReason};

/// What a registered client's ledger is made of at the end of a run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LedgerParts {
    /// Events for it since it registered.
    pub generated: u64,
    pub delivered: u64,
    /// Lost on the way so far (no broker, a full send buffer, an outage, …).
    pub lost: u64,
    /// Replaced by a newer event of the same topic before they were sent (issue 20).
    pub conflated: u64,
    /// Still waiting at the server (past its cursor).
    pub waiting: u64,
    /// It will never get what waits for it.
    pub abandons: bool,
    /// In the server's CPU, on the wire, or in a history fetch.
    pub in_jobs: u64,
    pub on_wire: u64,
    pub in_history: u64,
}

impl ClientLedger {
    /// The ledger of a client the server never counted events for.
    pub fn unregistered(delivered: u64, lost: u64) -> Self {
        ClientLedger {
            generated: 0,
            delivered,
            lost,
            conflated: 0,
            in_flight: 0,
        }
    }

    /// A registered client's ledger: what waits for it is in flight, or lost if it
    /// abandons it.
    pub fn settle(parts: LedgerParts) -> Self {
        let (waiting, abandoned) = if parts.abandons {
            (0, parts.waiting)
        } else {
            (parts.waiting, 0)
        };
        ClientLedger {
            generated: parts.generated,
            delivered: parts.delivered,
            lost: parts.lost + abandoned,
            conflated: parts.conflated,
            in_flight: waiting + parts.in_jobs + parts.on_wire + parts.in_history,
        }
    }
}

impl LostByReason {
    /// `waiting` events wait at the server for a client: a disconnected client's are lost
    /// as `disconnected`, those of another one that `abandons` them as `outage`.
    pub fn add_abandoned(&mut self, waiting: u64, disconnected: bool, abandons: bool) {
        if disconnected {
            self.disconnected += waiting;
        } else if abandons {
            self.outage += waiting;
        }
    }
}

/// The run's ledger counts at one instant, all of them counts that only grow: pairs
/// generated, delivered and counted lost (losses the simulation has counted, not what waits
/// for a client that abandons it: that is settled at the end), the counted losses by
/// reason, and the late and repeated deliveries. Taken at the window's opening.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LedgerMark {
    pub generated: u64,
    pub delivered: u64,
    pub lost: u64,
    pub conflated: u64,
    pub lost_by_reason: LostByReason,
    pub out_of_order: u64,
    pub duplicates: u64,
}

/// The event ledger of the measurement window `[warmup, duration)`, counted the way its
/// bytes are: what happened within it (see the module's doc).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WindowLedger {
    /// Pairs generated before the window and still open at its start: neither delivered
    /// nor counted lost.
    pub carried_in: u64,
    /// Pairs generated within the window (events created in it, for the clients
    /// subscribed then).
    pub generated: u64,
    /// Deliveries within the window (of pairs carried in or generated in it).
    pub delivered: u64,
    /// Pairs lost within the window, and those still waiting at the end for a client that
    /// will never get them.
    pub lost: u64,
    /// Pairs replaced within the window by a newer event of their topic (issue 20).
    #[serde(default, skip_serializing_if = "crate::metrics::result::is_zero")]
    pub conflated: u64,
    /// Open at the end: waiting at the server, in a CPU job, on the wire or in a history
    /// fetch (the whole-run ledger's `in_flight`).
    pub in_flight: u64,
    /// `lost` by reason.
    pub lost_by_reason: LostByReason,
    /// Late and repeated deliveries within the window.
    pub out_of_order: u64,
    pub duplicates: u64,
}

impl WindowLedger {
    /// The window from `opening` (the counts at its start) to `closing` (the whole run's
    /// ledger, settled at its end). Every count at the end is at least the opening's (they
    /// only grow); the subtractions saturate all the same, so a broken count shows as an
    /// unbalanced window ([`WindowLedger::balances`]), never as a wrapped one.
    pub fn between(opening: &LedgerMark, closing: &EventLedger) -> Self {
        WindowLedger {
            carried_in: opening
                .generated
                .saturating_sub(opening.delivered)
                .saturating_sub(opening.lost)
                .saturating_sub(opening.conflated),
            generated: closing.generated.saturating_sub(opening.generated),
            delivered: closing.delivered.saturating_sub(opening.delivered),
            lost: closing.lost.saturating_sub(opening.lost),
            conflated: closing.conflated.saturating_sub(opening.conflated),
            in_flight: closing.in_flight,
            lost_by_reason: closing.lost_by_reason.since(&opening.lost_by_reason),
            out_of_order: closing.out_of_order.saturating_sub(opening.out_of_order),
            duplicates: closing.duplicates.saturating_sub(opening.duplicates),
        }
    }

    /// Whether `carried_in + generated = delivered + lost + conflated + in_flight`.
    pub fn balances(&self) -> bool {
        self.carried_in.checked_add(self.generated)
            == self
                .delivered
                .checked_add(self.lost)
                .and_then(|n| n.checked_add(self.conflated))
                .and_then(|n| n.checked_add(self.in_flight))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(abandons: bool) -> LedgerParts {
        LedgerParts {
            generated: 102,
            delivered: 80,
            lost: 3,
            conflated: 2,
            waiting: 7,
            abandons,
            in_jobs: 4,
            on_wire: 5,
            in_history: 1,
        }
    }

    #[test]
    fn what_waits_is_in_flight_unless_the_client_abandons_it() {
        let kept = ClientLedger::settle(parts(false));
        assert_eq!(
            kept,
            ClientLedger {
                generated: 102,
                delivered: 80,
                lost: 3,
                conflated: 2,
                in_flight: 7 + 4 + 5 + 1,
            }
        );
        let abandoned = ClientLedger::settle(parts(true));
        assert_eq!(abandoned.lost, 3 + 7);
        assert_eq!(abandoned.in_flight, 4 + 5 + 1);
        for l in [kept, abandoned] {
            assert!(l.balances(), "{l:?}");
        }
        let never = ClientLedger::unregistered(2, 1);
        assert_eq!((never.generated, never.in_flight), (0, 0));
    }

    #[test]
    fn abandoned_events_are_lost_as_disconnected_or_outage() {
        let mut lost = LostByReason {
            outage: 1,
            ..LostByReason::default()
        };
        lost.add_abandoned(5, true, true);
        lost.add_abandoned(7, false, true);
        lost.add_abandoned(11, false, false);
        assert_eq!((lost.disconnected, lost.outage), (5, 1 + 7));
    }

    /// Hand computation: 10 events before the warm-up for 3 clients (30 pairs), of which
    /// 22 are delivered and 3 counted lost (`outage`) at the window's opening: 30 - 22 - 3
    /// = 5 are carried in. 12 events in the window for the 3 clients: 36 pairs. At the end
    /// 60 are delivered (38 in the window), 6 lost (3 in it: 1 more `outage`, 2
    /// `disconnected` settled at the end), 1 in flight: 66 + 1 = 67 generated overall, so
    /// one pair more in the window (a client subscribed in it): 37.
    /// 5 + 37 = 38 + 3 + 1 = 42.
    #[test]
    fn the_window_ledger_balances_with_what_was_carried_in() {
        let opening = LedgerMark {
            generated: 30,
            delivered: 22,
            lost: 3,
            conflated: 0,
            lost_by_reason: LostByReason {
                outage: 3,
                ..LostByReason::default()
            },
            out_of_order: 1,
            duplicates: 0,
        };
        let closing = EventLedger {
            events: 22,
            generated: 67,
            delivered: 60,
            lost: 6,
            in_flight: 1,
            conflated: 0,
            lost_by_reason: LostByReason {
                outage: 4,
                disconnected: 2,
                ..LostByReason::default()
            },
            out_of_order: 2,
            duplicates: 1,
        };
        assert_eq!(
            closing.generated,
            closing.delivered + closing.lost + closing.in_flight
        );
        let window = WindowLedger::between(&opening, &closing);
        assert_eq!(
            window,
            WindowLedger {
                carried_in: 5,
                generated: 37,
                delivered: 38,
                lost: 3,
                in_flight: 1,
                conflated: 0,
                lost_by_reason: LostByReason {
                    outage: 1,
                    disconnected: 2,
                    ..LostByReason::default()
                },
                out_of_order: 1,
                duplicates: 1,
            }
        );
        assert!(window.balances());
        assert_eq!(window.lost_by_reason.total(), window.lost);
    }

    #[test]
    fn a_count_that_shrank_unbalances_the_window_instead_of_wrapping() {
        let opening = LedgerMark {
            generated: 10,
            delivered: 8,
            lost: 2,
            ..LedgerMark::default()
        };
        // Fewer losses at the end than at the opening: a broken count.
        let closing = EventLedger {
            events: 10,
            generated: 10,
            delivered: 9,
            lost: 1,
            in_flight: 0,
            conflated: 0,
            lost_by_reason: LostByReason::default(),
            out_of_order: 0,
            duplicates: 0,
        };
        let window = WindowLedger::between(&opening, &closing);
        assert_eq!((window.carried_in, window.lost), (0, 0));
        assert!(!window.balances(), "0 + 0 != 1 + 0 + 0");
    }
}
