//! The run's invariant checker, run after every event when a run asks for it
//! (`rtsim run --check-invariants`, and the property tests in
//! `tests/integration/invariants.rs`).
//!
//! Checked, in this order (the first broken one is kept, in words): simulated time never
//! goes back; every client's ledger balances (each (event, client) pair generated is
//! delivered, lost or in flight, exactly once); once the measurement window has opened, its
//! ledger balances too (carried in + generated in it = delivered + lost in it + in flight:
//! the counts it subtracts from never fell below their opening values); no count of open connections or waiting
//! work is below zero (an unsigned count that went below zero shows as more than could
//! ever have been opened or created); no browser's access link carried more bytes than its
//! bandwidth allows in the window.
//!
//! Owns: the checks, what they keep between events (the last time seen, the first broken
//! invariant, the bytes each browser's access link carried in the window) and the wording
//! of a broken one. Does not own: the quantities themselves (the world hands them in as a
//! read-only [`View`], built after each event) and what a run does with a broken
//! invariant (the run reports it as an error, see
//! [`crate::engine::EngineError::InvariantBroken`]). Building the view is a pass over every
//! client per event, so checking is for tests and for hunting a defect, not for
//! production runs.

use std::fmt::Debug;

use crate::ids::{BrowserId, GroupId};
use crate::metrics::ledger::{LedgerMark, WindowLedger};
use crate::metrics::{ClientLedger, EventLedger};
use crate::net::wire::Direction;
use crate::time::{Nanos, SimTime};

/// The quantities the checks read, as the world has them after one event.
#[derive(Debug, Clone, Default)]
pub struct View {
    /// Simulated time of the event just handled.
    pub now: SimTime,
    /// Per visible client: its ledger at this moment.
    pub ledgers: Vec<ClientLedger>,
    /// The ledger's counts when the measurement window opened, once it has.
    pub window_opening: Option<LedgerMark>,
    /// Connections the front end ever admitted: no count of open connections exceeds it.
    pub admitted: u64,
    /// Connections open at the front end, at each replica, through each proxy.
    pub open_at_front: u64,
    pub open_at_replicas: Vec<u64>,
    pub open_at_proxies: Vec<u32>,
    /// (event, client) pairs created so far: no client waits on more events than this.
    pub pairs_created: u64,
    /// Per client (REST clients too): its events in push jobs, on the wire, in stale jobs.
    pub waiting: Vec<[u64; 3]>,
    /// Per group: the bandwidth, in bits per second by [`Direction::index`], that bounds
    /// what its access links carry (after a network switch, the scenario's fastest).
    pub link_bits_per_second: Vec<[u64; 2]>,
    /// Length of the measurement window.
    pub window: Nanos,
}

/// The checker of one run.
#[derive(Debug, Clone, Default)]
pub struct Invariants {
    /// Per browser: its group (whose links are its access link's).
    browser_group: Vec<GroupId>,
    last_time: SimTime,
    /// The first invariant found broken, in words.
    broken: Option<String>,
    /// Per browser, by [`Direction::index`]: bytes its access link carried in the window.
    carried: Vec<[u64; 2]>,
}

/// Where a client's events wait, by the index of [`View::waiting`].
const WAITING_PLACES: [&str; 3] = ["in push jobs", "on the wire", "in stale jobs"];

impl Invariants {
    /// A checker for a run whose browsers are in groups `browser_group` (by browser).
    pub fn new(browser_group: Vec<GroupId>) -> Self {
        Invariants {
            browser_group,
            ..Invariants::default()
        }
    }

    /// Browser `b`'s access link carried `bytes` in the window, in `direction`.
    pub fn carried(&mut self, b: BrowserId, direction: Direction, bytes: u64) {
        if self.carried.len() <= b.index() {
            self.carried.resize(b.index() + 1, [0; 2]);
        }
        self.carried[b][direction.index()] += bytes;
    }

    /// The first invariant broken so far, in words.
    pub fn broken(&self) -> Option<&str> {
        self.broken.as_deref()
    }

    /// Checks every invariant on `view`, taken after `event`; keeps the first broken one
    /// (and checks nothing more once one is).
    pub fn check(&mut self, view: &View, event: &impl Debug) {
        if self.broken.is_some() {
            return;
        }
        let found = self.first_broken(view);
        self.last_time = view.now;
        if let Some(what) = found {
            self.broken = Some(format!(
                "at simulated time {:.9} s, after {event:?}: {what}",
                view.now.as_nanos() as f64 / 1e9
            ));
        }
    }

    fn first_broken(&self, view: &View) -> Option<String> {
        let last_time = self.last_time;
        if view.now < last_time {
            return Some(format!("time went back from {} ns", last_time.as_nanos()));
        }
        for (c, l) in view.ledgers.iter().enumerate() {
            if !l.balances() {
                return Some(format!(
                    "client {c}'s ledger does not balance: generated {} != delivered {} + lost {} + conflated {} + in flight {}",
                    l.generated, l.delivered, l.lost, l.conflated, l.in_flight
                ));
            }
        }
        if let Some(opening) = &view.window_opening {
            let window = WindowLedger::between(opening, &total(&view.ledgers));
            if !window.balances() {
                return Some(format!(
                    "the window's ledger does not balance: carried in {} + generated {} != delivered {} + lost {} + conflated {} + in flight {}",
                    window.carried_in,
                    window.generated,
                    window.delivered,
                    window.lost,
                    window.conflated,
                    window.in_flight
                ));
            }
        }
        // Every count of things open or waiting is at most what could ever have been
        // created: an unsigned count that went below zero wraps far above it.
        let opened = view.admitted;
        if view.open_at_front > opened {
            return Some(format!(
                "{} connections open at the front end, but only {opened} were ever admitted",
                view.open_at_front
            ));
        }
        for (r, open) in view.open_at_replicas.iter().enumerate() {
            if *open > opened {
                return Some(format!(
                    "{open} connections open at replica {r}, but only {opened} were ever admitted"
                ));
            }
        }
        for (p, open) in view.open_at_proxies.iter().enumerate() {
            if u64::from(*open) > opened {
                return Some(format!(
                    "{open} connections open at proxy {p}, but only {opened} were ever admitted"
                ));
            }
        }
        if let Some(what) = self.link_over_capacity(view) {
            return Some(what);
        }
        let generated = view.pairs_created;
        for (c, counts) in view.waiting.iter().enumerate() {
            for (place, count) in WAITING_PLACES.iter().zip(counts) {
                if *count > generated {
                    return Some(format!(
                        "client {c} has {count} events {place}, more than the {generated} (event, client) pairs created"
                    ));
                }
            }
        }
        None
    }

    /// An access link that carried more bytes in the window than its bandwidth allows in
    /// it.
    fn link_over_capacity(&self, view: &View) -> Option<String> {
        let window = u128::from(view.window);
        for (b, carried) in self.carried.iter().enumerate() {
            let group = self.browser_group[b];
            for (d, carried) in carried.iter().enumerate() {
                let bits_per_second = view.link_bits_per_second[group][d];
                let capacity = u128::from(bits_per_second) * window / 8_000_000_000;
                if u128::from(*carried) > capacity {
                    return Some(format!(
                        "browser {b}'s access link carried {carried} bytes in direction {d} within the window, more than the {capacity} its bandwidth allows"
                    ));
                }
            }
        }
        None
    }
}

/// The clients' ledgers summed (no losses by reason, no order counts: the window's balance
/// reads neither).
fn total(ledgers: &[ClientLedger]) -> EventLedger {
    let mut sum = EventLedger {
        events: 0,
        generated: 0,
        delivered: 0,
        lost: 0,
        in_flight: 0,
        conflated: 0,
        lost_by_reason: Default::default(),
        out_of_order: 0,
        duplicates: 0,
    };
    for l in ledgers {
        sum.generated += l.generated;
        sum.delivered += l.delivered;
        sum.lost += l.lost;
        sum.conflated += l.conflated;
        sum.in_flight += l.in_flight;
    }
    sum
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two clients, one replica, one proxy, one group of 8 Mbit/s down and 1 Mbit/s up,
    /// one second's window: every invariant holds.
    fn sound() -> View {
        let ledger = ClientLedger {
            generated: 10,
            delivered: 6,
            lost: 1,
            conflated: 0,
            in_flight: 3,
        };
        View {
            now: SimTime::from_nanos(2_000),
            ledgers: vec![ledger, ledger],
            // At the window's opening: 12 pairs, 8 delivered, 2 lost; 2 carried in.
            window_opening: Some(LedgerMark {
                generated: 12,
                delivered: 8,
                lost: 2,
                ..LedgerMark::default()
            }),
            admitted: 5,
            open_at_front: 2,
            open_at_replicas: vec![2],
            open_at_proxies: vec![2],
            pairs_created: 20,
            waiting: vec![[1, 2, 0], [3, 0, 0]],
            link_bits_per_second: vec![[8_000_000, 1_000_000]],
            window: 1_000_000_000,
        }
    }

    /// A checker of one browser in group 0 that has seen `sound()` at time 1000.
    fn checker() -> Invariants {
        let mut checker = Invariants::new(vec![GroupId::new(0)]);
        checker.check(
            &View {
                now: SimTime::from_nanos(1_000),
                ..sound()
            },
            &"Start",
        );
        checker
    }

    /// What the checker says of `view` after `checker()`.
    fn verdict(view: View) -> Option<String> {
        let mut checker = checker();
        checker.check(&view, &"Created(7)");
        checker.broken().map(str::to_string)
    }

    #[test]
    fn a_sound_run_breaks_nothing() {
        assert_eq!(verdict(sound()), None);
        assert_eq!(
            verdict(View {
                now: SimTime::from_nanos(1_000),
                ..sound()
            }),
            None,
            "time may stand"
        );
    }

    #[test]
    fn time_going_back_is_caught_with_when_and_after_what() {
        assert_eq!(
            verdict(View {
                now: SimTime::from_nanos(999),
                ..sound()
            })
            .as_deref(),
            Some(
                "at simulated time 0.000000999 s, after \"Created(7)\": time went back from 1000 ns"
            )
        );
    }

    #[test]
    fn a_ledger_that_does_not_balance_is_caught() {
        let mut view = sound();
        view.ledgers[1].delivered += 1;
        let what = verdict(view).unwrap();
        assert!(
            what.ends_with(
                "client 1's ledger does not balance: generated 10 != delivered 7 + lost 1 + conflated 0 + in flight 3"
            ),
            "{what}"
        );
    }

    #[test]
    fn a_window_whose_counts_fell_below_their_opening_is_caught() {
        // The two clients have lost 2 in all; an opening of 3 lost means a loss count
        // shrank. The window's lost saturates at 0 and it cannot balance: carried in
        // 12 - 8 - 3 = 1, generated 20 - 12 = 8, delivered 12 - 8 = 4, lost 0, in flight
        // 6: 1 + 8 != 4 + 0 + 6. (With the sound opening of 2 lost: 2 + 8 = 4 + 0 + 6.)
        let mut view = sound();
        view.window_opening = Some(LedgerMark {
            generated: 12,
            delivered: 8,
            lost: 3,
            ..LedgerMark::default()
        });
        let what = verdict(view).unwrap();
        assert!(
            what.ends_with(
                "the window's ledger does not balance: carried in 1 + generated 8 != delivered 4 + lost 0 + conflated 0 + in flight 6"
            ),
            "{what}"
        );
    }

    #[test]
    fn a_count_below_zero_is_caught_wherever_it_is() {
        let wrapped = 0u64.wrapping_sub(1);
        let mut view = sound();
        view.open_at_front = wrapped;
        let what = verdict(view).unwrap();
        assert!(
            what.ends_with(&format!(
                "{wrapped} connections open at the front end, but only 5 were ever admitted"
            )),
            "{what}"
        );
        let mut view = sound();
        view.open_at_replicas[0] = wrapped;
        assert!(verdict(view).unwrap().contains("at replica 0,"));
        let mut view = sound();
        view.open_at_proxies[0] = u32::MAX;
        assert!(
            verdict(view)
                .unwrap()
                .contains("4294967295 connections open at proxy 0,")
        );
        let mut view = sound();
        view.waiting[1][2] = wrapped;
        let what = verdict(view).unwrap();
        assert!(
            what.ends_with(&format!(
                "client 1 has {wrapped} events in stale jobs, more than the 20 (event, client) pairs created"
            )),
            "{what}"
        );
    }

    #[test]
    fn bytes_over_a_links_capacity_are_caught_per_direction() {
        // 1 Mbit/s up for one second: 125,000 bytes at most.
        let mut checker = checker();
        checker.carried(BrowserId::new(0), Direction::Up, 125_000);
        checker.carried(BrowserId::new(0), Direction::Down, 1_000_000);
        checker.check(&sound(), &"Arrive");
        assert_eq!(
            checker.broken(),
            None,
            "exactly at capacity in both directions"
        );
        checker.carried(BrowserId::new(0), Direction::Up, 1);
        checker.check(
            &View {
                now: SimTime::from_nanos(3_000),
                ..sound()
            },
            &"Arrive",
        );
        let what = checker.broken().unwrap();
        assert!(
            what.ends_with(
                "browser 0's access link carried 125001 bytes in direction 1 within the window, more than the 125000 its bandwidth allows"
            ),
            "{what}"
        );
    }

    #[test]
    fn the_first_broken_invariant_is_kept() {
        let mut checker = checker();
        checker.check(
            &View {
                now: SimTime::from_nanos(10),
                ..sound()
            },
            &"First",
        );
        checker.check(
            &View {
                now: SimTime::from_nanos(5),
                ..sound()
            },
            &"Second",
        );
        let what = checker.broken().unwrap();
        assert!(
            what.contains("after \"First\": time went back from 1000 ns"),
            "{what}"
        );
    }
}
