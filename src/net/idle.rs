//! The server's keep-alive idle timeout of one connection: when the connection was last
//! used, whether its timer event is pending, and what the timer decides when it fires.
//! The same timer serves a middlebox's idle timeout (a proxy's, the load balancer's):
//! every message through it is a use, and only what it does with a busy connection
//! differs ([`fired_in_middlebox`]).
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
//! Does not own: the timeout (the server's `keepalive_timeout` or the middlebox path's
//! `idle_timeout`, handed in), what makes a tab busy beyond its messages on the wire (the
//! caller says), scheduling the event, or the close itself (the FIN exchange,
//! [`crate::net::handshake::fin_exchange`]; a middlebox's close and what the client does
//! then are the simulation's).

use crate::time::{Nanos, SimTime};

/// One connection's idle timer, in one word: eight bytes per connection (or per client, in
/// a middlebox's side table).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct IdleTimer {
    /// The connection's last use (a request's arrival or a response) in nanoseconds since
    /// the run began, with [`ARMED`] set while a timer event is pending.
    word: u64,
}

/// The bit of [`IdleTimer::word`] that says a timer event is pending: simulated times stay
/// far below 2^63 ns (292 years).
const ARMED: u64 = 1 << 63;

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
        let now = now.as_nanos();
        debug_assert!(now < ARMED, "a time beyond 2^63 ns");
        self.word = now | (self.word & ARMED);
    }

    /// A timer event is pending.
    #[inline]
    fn armed(&self) -> bool {
        self.word & ARMED != 0
    }

    #[inline]
    fn set_armed(&mut self, armed: bool) {
        self.word = if armed {
            self.word | ARMED
        } else {
            self.word & !ARMED
        };
    }

    /// The server answered at `now` (for a middlebox's timer: bytes crossed it), so the
    /// connection may now go idle: true when a timer event must be set, one timeout from
    /// now (none is pending).
    #[inline]
    pub fn answered(&mut self, now: SimTime) -> bool {
        let now = now.as_nanos();
        debug_assert!(now < ARMED, "a time beyond 2^63 ns");
        let was_armed = self.armed();
        self.word = now | ARMED;
        !was_armed
    }

    /// When this stream's timeout of `timeout` runs out, unless it is used before.
    #[inline]
    pub fn deadline(&self, timeout: Nanos) -> SimTime {
        SimTime::from_nanos(self.word & !ARMED) + timeout
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
    timer.set_armed(false);
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
        timer.set_armed(true);
        return IdleVerdict::Rearm(deadline);
    }
    IdleVerdict::Close
}

/// A middlebox's idle timer of a connection fired at `now` (`timer`: disarmed by the
/// firing); `open`: whether the connection is still open; `busy`: whether anything of it
/// is on the wire, held at the middlebox or in the server's CPU. As [`fired`] for a
/// connection of one stream, except that a busy connection is not left alone: silent but
/// busy, it is looked at again a full timeout later ([`IdleVerdict::Rearm`]), since the
/// middlebox closes only between messages and no message need cross it to arm the timer
/// again. Never [`IdleVerdict::Busy`].
#[inline]
pub fn fired_in_middlebox(
    timer: &mut IdleTimer,
    open: bool,
    busy: bool,
    now: SimTime,
    timeout: Nanos,
) -> IdleVerdict {
    match fired(timer, open, [(*timer, busy)], now, timeout) {
        IdleVerdict::Busy => {
            timer.set_armed(true);
            IdleVerdict::Rearm(now + timeout)
        }
        verdict => verdict,
    }
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

    #[test]
    fn the_timer_keeps_to_one_word_and_its_flag_leaves_the_time_alone() {
        assert_eq!(size_of::<IdleTimer>(), 8);
        let mut timer = IdleTimer::default();
        assert!(timer.answered(t(7)));
        timer.touch(t(9));
        assert!(!timer.answered(t(9)), "touching keeps it armed");
        assert_eq!(timer.deadline(TIMEOUT), t(84));
        let tabs = [(timer, false)];
        assert_eq!(
            fired(&mut timer, true, tabs, t(84), TIMEOUT),
            IdleVerdict::Close
        );
        assert_eq!(timer.deadline(0), t(9), "disarmed, the time is kept");
    }

    /// nginx's `proxy_read_timeout`, 60 s (the middlebox tests' timeout).
    const PROXY_TIMEOUT: Nanos = 60 * SECOND;

    #[test]
    fn a_middlebox_closes_a_connection_silent_for_its_whole_timeout() {
        let mut timer = IdleTimer::default();
        assert!(timer.answered(t(0)), "the first message arms it");
        assert!(!timer.answered(t(20)), "pending: only the deadline moves");
        // Fired at 60 s, one timeout after the first message; silent since 20 s.
        assert_eq!(
            fired_in_middlebox(&mut timer, true, false, t(60), PROXY_TIMEOUT),
            IdleVerdict::Rearm(t(80))
        );
        assert_eq!(
            fired_in_middlebox(&mut timer, true, false, t(80), PROXY_TIMEOUT),
            IdleVerdict::Close
        );
        assert!(timer.answered(t(81)), "fired: the next message arms it");
    }

    #[test]
    fn a_middlebox_looks_again_a_full_timeout_after_a_busy_connection() {
        let mut timer = IdleTimer::default();
        timer.answered(t(0));
        // Silent for the whole timeout but busy (a job in the server's CPU): not closed,
        // and looked at again a full timeout later, not at its (past) deadline.
        assert_eq!(
            fired_in_middlebox(&mut timer, true, true, t(70), PROXY_TIMEOUT),
            IdleVerdict::Rearm(t(130))
        );
        assert!(!timer.answered(t(100)), "re-armed: an event is pending");
        // Busy again before its deadline at 160 s: a full timeout from now still.
        assert_eq!(
            fired_in_middlebox(&mut timer, true, true, t(130), PROXY_TIMEOUT),
            IdleVerdict::Rearm(t(190))
        );
        assert_eq!(
            fired_in_middlebox(&mut timer, false, true, t(190), PROXY_TIMEOUT),
            IdleVerdict::Gone,
            "a closed connection is gone, busy or not"
        );
        assert!(timer.answered(t(200)), "gone: disarmed");
    }
}
