//! The server's keep-alive idle timeout of one connection: when the connection was last
//! used, whether its timer event is pending, and what the timer decides when it fires.
//!
//! Owns: one timer event per connection at most, re-armed lazily — a response arms it only
//! when none is pending, and when it fires early (the connection was used since) it is set
//! again for the real deadline, so a poll every second costs one timer event per timeout,
//! not one per poll. Over HTTP/2 the connection is idle only when every tab's stream on it
//! is: the deadline is the latest of theirs. A busy connection (a request being answered,
//! or a message on its way: the server cannot see a request still on the wire, and rtsim
//! lets it arrive rather than model the reset and retry) is left alone; its next response
//! arms the timer again.
//!
//! Does not own: the timeout (the server's `keepalive_timeout`, handed in), what makes a
//! tab busy beyond its messages on the wire (the caller says), scheduling the event, or the
//! close itself (the FIN exchange, [`crate::net::handshake::fin_exchange`]).

use crate::time::{Nanos, SimTime};

/// One connection's idle timer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct IdleTimer {
    /// The connection's last use (a request's arrival or a response).
    last_active: SimTime,
    /// A timer event is pending.
    armed: bool,
}

/// What the idle timer decides when it fires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdleVerdict {
    /// The connection is closed already.
    Gone,
    /// A tab on it is busy: leave it; the next response arms the timer again.
    Busy,
    /// Used since the timer was set: it fires again at this time.
    Rearm(SimTime),
    /// Idle for the whole timeout: close it.
    Close,
}

impl IdleTimer {
    /// The connection was used at `now`.
    #[inline]
    pub fn touch(&mut self, now: SimTime) {
        self.last_active = now;
    }

    /// The server answered at `now`, so the connection may now go idle: true when a timer
    /// event must be set, one timeout from now (none is pending).
    #[inline]
    pub fn answered(&mut self, now: SimTime) -> bool {
        self.last_active = now;
        !std::mem::replace(&mut self.armed, true)
    }

    /// When this stream's timeout of `timeout` runs out, unless it is used before.
    #[inline]
    pub fn deadline(&self, timeout: Nanos) -> SimTime {
        self.last_active + timeout
    }
}

/// The timer of a connection fired at `now` (`timer`: the connection's, disarmed by the
/// firing); `open`: whether the connection is still open; `tabs`: for each stream on it,
/// its timer (for its last use) and whether it is busy.
pub fn fired(
    timer: &mut IdleTimer,
    open: bool,
    tabs: impl IntoIterator<Item = (IdleTimer, bool)>,
    now: SimTime,
    timeout: Nanos,
) -> IdleVerdict {
    timer.armed = false;
    if !open {
        return IdleVerdict::Gone;
    }
    let mut deadline = SimTime::ZERO;
    for (tab, busy) in tabs {
        if busy {
            return IdleVerdict::Busy;
        }
        deadline = deadline.max(tab.deadline(timeout));
    }
    if deadline > now {
        timer.armed = true;
        return IdleVerdict::Rearm(deadline);
    }
    IdleVerdict::Close
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECOND: Nanos = 1_000_000_000;
    /// nginx's default `keepalive_timeout`, 75 s.
    const TIMEOUT: Nanos = 75 * SECOND;

    /// The instant `seconds` seconds into the run.
    fn t(seconds: u64) -> SimTime {
        SimTime::from_nanos(seconds * SECOND)
    }

    #[test]
    fn a_response_arms_one_timer_and_later_ones_only_move_the_deadline() {
        let mut timer = IdleTimer::default();
        assert!(timer.answered(t(1)));
        // A poll answered every second: no new timer event, only a later deadline.
        for s in 2..=10 {
            assert!(!timer.answered(t(s)));
        }
        assert_eq!(timer.deadline(TIMEOUT), t(85));
    }

    #[test]
    fn a_timer_that_fires_early_is_set_again_for_the_real_deadline() {
        let mut timer = IdleTimer::default();
        timer.answered(t(1));
        timer.touch(t(10));
        // Set at 1 s for 76 s; the connection was used at 10 s: idle until 85 s.
        let tabs = [(timer, false)];
        assert_eq!(
            fired(&mut timer, true, tabs, t(76), TIMEOUT),
            IdleVerdict::Rearm(t(85))
        );
        assert!(!timer.answered(t(20)), "the re-set event is pending");
        let tabs = [(timer, false)];
        assert_eq!(
            fired(&mut timer, true, tabs, t(95), TIMEOUT),
            IdleVerdict::Close
        );
    }

    #[test]
    fn a_shared_connection_waits_for_its_latest_stream_and_a_busy_one_is_left_alone() {
        let mut owner = IdleTimer::default();
        owner.answered(t(0));
        let mut other = IdleTimer::default();
        other.touch(t(30));
        // Set at 0 s, fired at 75 s; the other tab's stream was used at 30 s.
        let tabs = [(owner, false), (other, false)];
        assert_eq!(
            fired(&mut owner, true, tabs, t(75), TIMEOUT),
            IdleVerdict::Rearm(t(105))
        );
        // One tab has a request out: no close, and no timer until the next response.
        let tabs = [(owner, false), (other, true)];
        assert_eq!(
            fired(&mut owner, true, tabs, t(105), TIMEOUT),
            IdleVerdict::Busy
        );
        assert!(
            owner.answered(t(110)),
            "disarmed: the next response sets it"
        );
        let tabs = [(owner, false)];
        assert_eq!(
            fired(&mut owner, false, tabs, t(185), TIMEOUT),
            IdleVerdict::Gone
        );
        assert!(
            owner.answered(t(190)),
            "a closed connection's timer is disarmed too"
        );
    }
}
