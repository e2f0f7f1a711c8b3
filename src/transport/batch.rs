//! Server-side batching of a stream's pushes: an application batch window (`batch: 100ms`
//! on an SSE, WebSocket or gRPC stream). The first event for a client opens a window; the
//! events for it that reach its replica until the window ends join the batch; at the end
//! one push job writes them all as one message (an SSE chunk, a WebSocket frame, a gRPC
//! message: [`crate::transport::MsgKind::Batch`], sized by each transport).
//!
//! Owns: per client, its open batch (the range of the event log it spans and how many of
//! those events are its), the closed batches whose push job is in the CPU (first in,
//! first out: a finishing job writes the oldest, so the events leave in order even when
//! jobs finish out of order), the jobs of an ended stream still in the CPU (`stale`,
//! dropped as they finish), and each window's generation (a window of an ended stream
//! never fires). Does not own: the clients' cursors and ledgers, the CPU jobs or the
//! sizes (the world's, the fleet's, the transports'). A batched stream's events leave
//! the batch only through [`Batches::withdraw`] (the stream ended: hand them back whole)
//! or [`Batches::finished`] (written).
//!
//! A side table: a run whose variant batches nothing keeps nothing here.

use std::collections::VecDeque;

use crate::ids::{ClientId, EventNo};
use crate::time::{Nanos, SimTime};

/// A span of the event log a batch covers: `[first, end)`, of which `events` are for its
/// client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub first: EventNo,
    pub end: EventNo,
    pub events: u32,
}

impl Span {
    /// Positions in the log the span covers (a message's `count`).
    pub fn len(&self) -> u32 {
        self.end.since(self.first)
    }

    pub fn is_empty(&self) -> bool {
        self.events == 0
    }
}

/// One client's batches.
#[derive(Debug, Clone, Default)]
struct ClientBatches {
    open: Option<Span>,
    /// When the open window ends.
    due: SimTime,
    /// Closed batches whose push job runs, oldest first.
    in_jobs: VecDeque<Span>,
    /// Push jobs of batches of an ended stream still in the CPU.
    stale: u32,
    /// Bumped when a window opens or its stream ends: a window's due event carries it.
    generation: u32,
}

/// What an event joining a batch did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Added {
    /// It came at the end of the open window, which closed: this batch goes to a push job.
    pub closed: Option<Span>,
    /// It opened a window ending at this time, of this generation.
    pub opened: Option<(SimTime, u32)>,
}

/// What a finished batch push job does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Finished {
    /// Write this batch.
    Write(Span),
    /// Its stream ended while it ran (its events were handed back): drop it.
    Stale,
}

/// Every client's batches (empty when the variant batches nothing).
#[derive(Debug, Clone, Default)]
pub struct Batches {
    clients: Vec<ClientBatches>,
}

impl Batches {
    /// Batches for `clients` clients, or none at all when nothing batches.
    pub fn new(clients: usize, batching: bool) -> Batches {
        Batches {
            clients: if batching {
                vec![ClientBatches::default(); clients]
            } else {
                Vec::new()
            },
        }
    }

    /// Event `n`, for `c`, joins `c`'s batch at `now`. A window is `[opened, opened +
    /// window)`: an event at its end or later opens the next one. Returns what the caller
    /// does: schedule the new window's end, and first write the batch the event closed.
    pub fn add(&mut self, c: ClientId, n: EventNo, now: SimTime, window: Nanos) -> Added {
        let b = &mut self.clients[c.index()];
        let mut closed = None;
        if let Some(span) = &mut b.open {
            if now < b.due {
                debug_assert!(n >= span.end, "events join a batch in order");
                span.end = n.next();
                span.events += 1;
                return Added {
                    closed: None,
                    opened: None,
                };
            }
            // Its window ended at this very instant, its end not handled yet.
            let span = b.open.take().expect("open");
            b.in_jobs.push_back(span);
            closed = Some(span);
        }
        b.generation = b.generation.wrapping_add(1);
        b.due = now + window;
        b.open = Some(Span {
            first: n,
            end: n.next(),
            events: 1,
        });
        Added {
            closed,
            opened: Some((b.due, b.generation)),
        }
    }

    /// The window of `generation` ended: its batch closes and goes to a push job (returned),
    /// unless its stream ended since (then nothing).
    pub fn due(&mut self, c: ClientId, generation: u32) -> Option<Span> {
        let b = &mut self.clients[c.index()];
        if b.generation != generation {
            return None;
        }
        let span = b.open.take()?;
        b.in_jobs.push_back(span);
        Some(span)
    }

    /// The batch whose job starts now (the newest closed), for the job's cost.
    pub fn newest_in_job(&self, c: ClientId) -> Option<Span> {
        self.clients[c.index()].in_jobs.back().copied()
    }

    /// A batch push job of `c` finished: write its oldest batch, or drop a stale job.
    pub fn finished(&mut self, c: ClientId) -> Finished {
        let b = &mut self.clients[c.index()];
        if b.stale > 0 {
            b.stale -= 1;
            return Finished::Stale;
        }
        match b.in_jobs.pop_front() {
            Some(span) => Finished::Write(span),
            None => unreachable!("a batch job finished with no batch in a job"),
        }
    }

    /// `c`'s stream ended: its open batch and the batches in jobs are handed back whole;
    /// returns how many of its events they held. The jobs still running are dropped as
    /// they finish, unless `jobs_void` (the process that ran them is gone). The open
    /// window never fires.
    pub fn withdraw(&mut self, c: ClientId, jobs_void: bool) -> u64 {
        let Some(b) = self.clients.get_mut(c.index()) else {
            return 0;
        };
        let open = b.open.take().map_or(0, |s| u64::from(s.events));
        let jobs = b.in_jobs.len() as u32;
        let in_jobs: u64 = b.in_jobs.drain(..).map(|s| u64::from(s.events)).sum();
        if !jobs_void {
            b.stale += jobs;
        }
        b.generation = b.generation.wrapping_add(1);
        open + in_jobs
    }

    /// Events of `c`'s open batch (waiting for their window's end, in no job yet).
    pub fn open_events(&self, c: ClientId) -> u64 {
        (self.clients.get(c.index()))
            .and_then(|b| b.open)
            .map_or(0, |span| u64::from(span.events))
    }

    /// Batch jobs of an ended stream of `c` still in the CPU.
    pub fn stale(&self, c: ClientId) -> u32 {
        self.clients.get(c.index()).map_or(0, |b| b.stale)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const C: ClientId = ClientId::new(0);
    fn n(k: u32) -> EventNo {
        EventNo::new(k)
    }

    const W: Nanos = 1_000;
    fn at(t: u64) -> SimTime {
        SimTime::from_nanos(t)
    }
    /// Adds `n` at `t`, expecting it to open a window; returns its generation.
    fn opens(b: &mut Batches, k: u32, t: u64) -> u32 {
        let added = b.add(C, n(k), at(t), W);
        let (due, generation) = added.opened.expect("opens a window");
        assert_eq!(due, at(t + W));
        generation
    }
    fn joins(b: &mut Batches, k: u32, t: u64) {
        let added = b.add(C, n(k), at(t), W);
        assert_eq!(
            added,
            Added {
                closed: None,
                opened: None
            }
        );
    }

    #[test]
    fn the_first_event_opens_a_window_and_the_rest_join_it_until_it_ends() {
        let mut b = Batches::new(1, true);
        let g = opens(&mut b, 3, 0);
        joins(&mut b, 4, 10);
        // Event 5 was for someone else: the span covers it, the count does not.
        joins(&mut b, 6, W - 1);
        let span = b.due(C, g).expect("closes");
        assert_eq!(
            span,
            Span {
                first: n(3),
                end: n(7),
                events: 3
            }
        );
        assert_eq!(span.len(), 4);
        assert_eq!(b.due(C, g), None, "a window ends once");
        // The next event opens a new window.
        let g2 = opens(&mut b, 8, 2 * W);
        assert_ne!(g, g2);
        assert_eq!(b.finished(C), Finished::Write(span));
    }

    #[test]
    fn an_event_at_the_end_of_a_window_closes_it_and_opens_the_next() {
        let mut b = Batches::new(1, true);
        let g = opens(&mut b, 0, 0);
        joins(&mut b, 1, W / 2);
        // At `W` exactly, before the window's end is handled: [0, W) holds events 0 and 1.
        let added = b.add(C, n(2), at(W), W);
        let first = Span {
            first: n(0),
            end: n(2),
            events: 2,
        };
        assert_eq!(added.closed, Some(first));
        let (due, g2) = added.opened.expect("the next window");
        assert_eq!(due, at(2 * W));
        assert_eq!(b.due(C, g), None, "the closed window's end does nothing");
        assert_eq!(b.newest_in_job(C), Some(first));
        let second = b.due(C, g2).expect("closes");
        assert_eq!(second.events, 1);
        assert_eq!(b.finished(C), Finished::Write(first));
        assert_eq!(b.finished(C), Finished::Write(second));
    }

    #[test]
    fn an_ended_stream_hands_its_batches_back_whole_and_drops_their_jobs() {
        let mut b = Batches::new(1, true);
        let g = opens(&mut b, 0, 0);
        joins(&mut b, 1, 1);
        b.due(C, g).unwrap();
        let g2 = opens(&mut b, 2, W);
        // Two events in a job, one in the open window: three handed back.
        assert_eq!(b.open_events(C), 1);
        assert_eq!(b.withdraw(C, false), 3);
        assert_eq!(b.open_events(C), 0);
        assert_eq!(b.stale(C), 1);
        assert_eq!(b.due(C, g2), None, "the open window never fires");
        assert_eq!(b.finished(C), Finished::Stale);
        assert_eq!(b.stale(C), 0);
        // A crash voids the jobs: nothing to drop later.
        let g3 = opens(&mut b, 5, 3 * W);
        b.due(C, g3).unwrap();
        assert_eq!(b.withdraw(C, true), 1);
        assert_eq!(b.stale(C), 0);
        assert_eq!(b.withdraw(C, false), 0, "nothing left");
    }

    #[test]
    fn a_run_without_batching_keeps_nothing() {
        let mut b = Batches::new(1000, false);
        assert_eq!(b.withdraw(C, false), 0);
        assert_eq!(b.stale(C), 0);
    }
}
