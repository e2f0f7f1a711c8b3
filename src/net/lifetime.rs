//! A connection's planned closes: a proxy's maximum lifetime and the server's maximum
//! connection age, set when the connection is accepted, and when one comes due, whether
//! the connection closes now or must wait for a quiet moment.
//!
//! Owns: the server's maximum connection age (the protocol's, handed in) and the draws of
//! its jitter (gRPC core's +-10 %, so that connections opened together do not close
//! together), and the rule that a planned close waits for a quiet connection, looked for
//! every [`QUIET_RECHECK`]. Does not own: the proxies' lifetimes (a group's path says,
//! [`crate::infra::middleboxes::Path::max_lifetime`]), what makes a connection busy (the
//! caller says: bytes held at a proxy, a job in the server's CPU), scheduling the event,
//! counting the close, or the close itself.

use crate::engine::rng::{Stream, uniform_below};
use crate::ids::Generation;
use crate::time::Nanos;

/// How often a planned close that found its connection busy looks again: every second
/// (an assumption of rtsim's: a server's graceful close waits for the connection's current
/// exchange; a second is short against the lifetimes and ages it applies to, minutes).
pub const QUIET_RECHECK: Nanos = 1_000_000_000;

/// The closes planned for a new connection, each as a delay from its acceptance.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Planned {
    /// Its proxies' maximum lifetime.
    pub lifetime: Option<Nanos>,
    /// The server's maximum connection age, jittered.
    pub age: Option<Nanos>,
}

/// What a planned close finds when it comes due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Due {
    /// The connection it was planned for is closed already (or replaced by a newer one).
    Gone,
    /// The connection is busy: look again this much later.
    Later(Nanos),
    /// The connection is quiet: close it now.
    Now,
}

/// The server's maximum connection age and the draws of its jitter.
#[derive(Debug)]
pub struct Lifetimes {
    max_age: Option<Nanos>,
    age_rng: Stream,
}

impl Lifetimes {
    /// Connections whose server closes them after `max_age` (none: never), its jitter
    /// drawn from `age_rng`.
    pub fn new(max_age: Option<Nanos>, age_rng: Stream) -> Self {
        Lifetimes { max_age, age_rng }
    }

    /// The closes a connection just accepted plans: its path's `max_lifetime`, and the
    /// server's maximum age unless the connection is exempt from it (a hidden REST client's:
    /// the age belongs to the push transport's server). An age is drawn uniformly from
    /// `age - age/10 ..= age - age/10 + age/5`; nothing is drawn without one.
    pub fn plan(&mut self, max_lifetime: Option<Nanos>, exempt_from_age: bool) -> Planned {
        let age = match (self.max_age, exempt_from_age) {
            (Some(age), false) => {
                let spread = age / 5;
                Some(age - age / 10 + uniform_below(&mut self.age_rng, spread + 1))
            }
            _ => None,
        };
        Planned {
            lifetime: max_lifetime,
            age,
        }
    }
}

/// A planned close of the connection of `generation` comes due: `current` is the
/// client's connection now (its generation, if one is open), `busy` says whether something
/// is on the wire or in the server's CPU for it (no message is cut in half; asked only of
/// the connection the close was planned for).
pub fn when_due(
    generation: Generation,
    current: Option<Generation>,
    busy: impl FnOnce() -> bool,
) -> Due {
    if current != Some(generation) {
        Due::Gone
    } else if busy() {
        Due::Later(QUIET_RECHECK)
    } else {
        Due::Now
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::rng::stream;

    const S: Nanos = 1_000_000_000;

    #[test]
    fn the_age_is_jittered_by_ten_percent_either_way() {
        let mut lifetimes = Lifetimes::new(Some(60 * S), stream(7, "connection-age"));
        let mut seen = (Nanos::MAX, 0);
        for _ in 0..2000 {
            let planned = lifetimes.plan(Some(300 * S), false);
            assert_eq!(planned.lifetime, Some(300 * S));
            let age = planned.age.expect("an age is planned");
            assert!((54 * S..=66 * S).contains(&age), "{age}");
            seen = (seen.0.min(age), seen.1.max(age));
        }
        // 2000 draws over 12 s: both ends are neared.
        assert!(seen.0 < 55 * S && seen.1 > 65 * S, "{seen:?}");
    }

    #[test]
    fn the_draws_are_those_of_the_stream() {
        let mut lifetimes = Lifetimes::new(Some(10 * S), stream(7, "connection-age"));
        let mut rng = stream(7, "connection-age");
        let by_hand = 10 * S - S + uniform_below(&mut rng, 2 * S + 1);
        assert_eq!(lifetimes.plan(None, false).age, Some(by_hand));
    }

    #[test]
    fn without_an_age_or_exempt_nothing_is_drawn() {
        let mut lifetimes = Lifetimes::new(Some(10 * S), stream(7, "connection-age"));
        assert_eq!(
            lifetimes.plan(Some(S), true),
            Planned {
                lifetime: Some(S),
                age: None
            }
        );
        // The exempt connection drew nothing: the next age is the stream's first draw.
        let mut rng = stream(7, "connection-age");
        let first = 9 * S + uniform_below(&mut rng, 2 * S + 1);
        assert_eq!(lifetimes.plan(None, false).age, Some(first));
        let mut none = Lifetimes::new(None, stream(7, "connection-age"));
        assert_eq!(none.plan(None, false), Planned::default());
    }

    #[test]
    fn a_due_close_waits_for_a_quiet_connection_of_its_generation() {
        let g = Generation::new;
        assert_eq!(when_due(g(3), Some(g(3)), || false), Due::Now);
        assert_eq!(
            when_due(g(3), Some(g(3)), || true),
            Due::Later(QUIET_RECHECK)
        );
        let unasked = || panic!("a gone connection's business is not asked");
        assert_eq!(
            when_due(g(3), Some(g(4)), unasked),
            Due::Gone,
            "a newer connection"
        );
        assert_eq!(when_due(g(3), None, unasked), Due::Gone, "closed already");
    }
}
