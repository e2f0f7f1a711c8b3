//! A receiving endpoint's application: `capacity` workers in front of an unbounded FIFO
//! queue, each request taking the same `service_time`, and outages that wipe both.
//!
//! With one service time for all, requests finish in the order they started, so the
//! in-service requests form a queue too and a completion event need only name the
//! receiver; an outage bumps the receiver's epoch so completions scheduled before it are
//! ignored.

use std::collections::VecDeque;

use super::event::{ConnRef, PairId};
use crate::ids::EventNo;
use crate::time::{Nanos, SimTime};

/// A request the receiver holds, with what it needs to answer it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Request {
    pub conn: ConnRef,
    pub pair: PairId,
    /// The attempt number (from 1) that sent it.
    pub attempt: u32,
}

#[derive(Debug, Clone)]
pub(super) struct Receiver {
    capacity: usize,
    service_time: Nanos,
    /// Down now (between an outage's start and end).
    pub down: bool,
    /// Outages started so far: the generation of completion events.
    pub epoch: u32,
    waiting: VecDeque<Request>,
    /// In the order they started, which is the order they finish.
    in_service: VecDeque<Request>,
    /// The highest event number processed so far, for out-of-order counts.
    pub highest_processed: Option<EventNo>,
}

impl Receiver {
    pub fn new(capacity: u32, service_time: Nanos) -> Self {
        Receiver {
            capacity: capacity as usize,
            service_time,
            down: false,
            epoch: 0,
            waiting: VecDeque::new(),
            in_service: VecDeque::new(),
            highest_processed: None,
        }
    }

    /// A request arrived at `now`: it starts at once if a worker is free (returns when it
    /// finishes), else it waits.
    pub fn admit(&mut self, request: Request, now: SimTime) -> Option<SimTime> {
        if self.in_service.len() < self.capacity {
            self.in_service.push_back(request);
            Some(now + self.service_time)
        } else {
            self.waiting.push_back(request);
            None
        }
    }

    /// The oldest request in service finished at `now`; the next waiting one (if any)
    /// starts, and its finishing time comes back with the finished request.
    pub fn finish(&mut self, now: SimTime) -> Option<(Request, Option<SimTime>)> {
        let done = self.in_service.pop_front()?;
        let next = self.waiting.pop_front().map(|request| {
            self.in_service.push_back(request);
            now + self.service_time
        });
        Some((done, next))
    }

    /// An outage starts: every request held is lost unprocessed; returns how many.
    pub fn go_down(&mut self) -> usize {
        self.down = true;
        self.epoch = self.epoch.wrapping_add(1);
        let lost = self.waiting.len() + self.in_service.len();
        self.waiting.clear();
        self.in_service.clear();
        lost
    }

    /// Whether processing event `n` now is out of order (a later event was processed
    /// before), remembering it.
    pub fn note_processed(&mut self, n: EventNo) -> bool {
        let late = self.highest_processed.is_some_and(|highest| highest > n);
        self.highest_processed = Some(self.highest_processed.map_or(n, |h| h.max(n)));
        late
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::Generation;

    /// The instant `nanos` after the run began.
    fn t(nanos: Nanos) -> SimTime {
        SimTime::from_nanos(nanos)
    }

    fn request(pair: u32) -> Request {
        let pair = PairId::new(pair);
        Request {
            conn: ConnRef {
                slot: 0,
                generation: Generation::default(),
            },
            pair,
            attempt: 1,
        }
    }

    #[test]
    fn two_workers_then_fifo() {
        let mut r = Receiver::new(2, 100);
        assert_eq!(r.admit(request(0), t(0)), Some(t(100)));
        assert_eq!(r.admit(request(1), t(10)), Some(t(110)));
        assert_eq!(r.admit(request(2), t(20)), None);
        assert_eq!(r.finish(t(100)), Some((request(0), Some(t(200)))));
        assert_eq!(r.finish(t(110)), Some((request(1), None)));
        assert_eq!(r.finish(t(200)), Some((request(2), None)));
        assert_eq!(r.finish(t(300)), None);
    }

    #[test]
    fn an_outage_loses_everything_held() {
        let mut r = Receiver::new(1, 100);
        r.admit(request(0), t(0));
        r.admit(request(1), t(0));
        assert_eq!(r.go_down(), 2);
        assert_eq!(r.epoch, 1);
        assert_eq!(r.finish(t(100)), None);
    }

    #[test]
    fn out_of_order_means_after_a_later_event() {
        let mut r = Receiver::new(1, 1);
        let n = EventNo::new;
        assert!(!r.note_processed(n(3)));
        assert!(r.note_processed(n(1)));
        assert!(
            !r.note_processed(n(3)),
            "the same event again is a duplicate, not late"
        );
        assert!(!r.note_processed(n(4)));
    }
}
