//! A resumed stream's replay: a stream that reconnects with the client's last event
//! (SSE's `Last-Event-ID`, a WebSocket or gRPC stream that resumes) gets the events it
//! has not received yet, as far back as the server's replay buffer keeps them
//! ([`crate::transport::Command::ReplayPending`]'s `buffer`, SSE's `replay_buffer`;
//! `None`: all of them). The older ones are lost to it (`lost_by_reason.replay_buffer`).
//!
//! Owns: that rule, as a pure split of the pending events ([`Replay::split`]) and where the
//! client's ledger is settled to ([`Replay::settled_to`]). Does not own: which events are
//! pending for the client (the event log and the simulation's cursor say), the push jobs
//! that replay them, or the loss counts (the simulation's).

use crate::ids::EventNo;

/// The events pending for a resuming client, split by the replay buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Replay<'a> {
    /// Older than the buffer reaches: lost to the client.
    pub lost: &'a [EventNo],
    /// Replayed, oldest first.
    pub replayed: &'a [EventNo],
}

impl<'a> Replay<'a> {
    /// Of `pending` (the client's events it has not received, oldest first), the newest
    /// `buffer` are replayed (`None`: all) and the older are lost.
    pub fn split(pending: &'a [EventNo], buffer: Option<u32>) -> Self {
        let kept = buffer.map_or(pending.len(), |b| pending.len().min(b as usize));
        let (lost, replayed) = pending.split_at(pending.len() - kept);
        Replay { lost, replayed }
    }

    /// Where the client's ledger is settled to: past its newest lost event (none lost:
    /// nothing to settle).
    pub fn settled_to(&self) -> Option<EventNo> {
        self.lost.last().map(|n| n.next())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn events(numbers: &[u32]) -> Vec<EventNo> {
        numbers.iter().map(|n| EventNo::new(*n)).collect()
    }

    #[test]
    fn the_newest_events_the_buffer_keeps_are_replayed_and_the_older_lost() {
        let pending = events(&[3, 5, 8, 9, 12]);
        let replay = Replay::split(&pending, Some(2));
        assert_eq!(replay.lost, events(&[3, 5, 8]));
        assert_eq!(replay.replayed, events(&[9, 12]));
        // Settled past the newest lost one (8), not past the last pending one.
        assert_eq!(replay.settled_to(), Some(EventNo::new(9)));
    }

    #[test]
    fn without_a_limit_or_within_it_nothing_is_lost() {
        let pending = events(&[3, 5]);
        for buffer in [None, Some(2), Some(100)] {
            let replay = Replay::split(&pending, buffer);
            assert!(replay.lost.is_empty(), "{buffer:?}");
            assert_eq!(replay.replayed, pending);
            assert_eq!(replay.settled_to(), None);
        }
        let none = Replay::split(&[], Some(1));
        assert!(none.lost.is_empty() && none.replayed.is_empty());
    }
}
