//! The event ledger's end-of-run rule: where the events still waiting at the server for a
//! client go. For a client that will get them (it is connected, or it will resume from its
//! cursor) they are in flight; for one that never will (disconnected, or away and resuming
//! without replay) they are lost, by that reason.
//!
//! Owns: that settlement for one client ([`ClientLedger::settle`]) and the loss reasons it
//! adds ([`LostByReason::add_abandoned`]), so the identity generated = delivered + lost +
//! in flight holds for every client. Does not own: the counts themselves (the simulation
//! reads each client's cursor, deliveries and jobs), nor whether a client abandons what
//! waits for it (its transport and connection say).

use crate::metrics::{ClientLedger, LostByReason};

/// What a registered client's ledger is made of at the end of a run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LedgerParts {
    /// Events for it since it registered.
    pub generated: u64,
    pub delivered: u64,
    /// Lost on the way so far (no broker, a full send buffer, an outage, …).
    pub lost: u64,
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

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(abandons: bool) -> LedgerParts {
        LedgerParts {
            generated: 100,
            delivered: 80,
            lost: 3,
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
                generated: 100,
                delivered: 80,
                lost: 3,
                in_flight: 7 + 4 + 5 + 1,
            }
        );
        let abandoned = ClientLedger::settle(parts(true));
        assert_eq!(abandoned.lost, 3 + 7);
        assert_eq!(abandoned.in_flight, 4 + 5 + 1);
        for l in [kept, abandoned] {
            assert_eq!(l.generated, l.delivered + l.lost + l.in_flight);
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
}
