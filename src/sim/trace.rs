//! A run's event trace (`run_variant_traced`, the event-trace snapshots): a model that
//! writes one line per event and hands the event on to the model it wraps.
//!
//! Owns: the trace's lines and their format. Does not own: what an event does (the
//! wrapped model's). A wrapper, not a field of the world, so that a run without a trace
//! pays nothing for it on each event: the engine is built once for each model.

use crate::engine::{Model, Scheduler, StopReason};
use crate::time::Nanos;

/// `model`, with every event it handles written down first.
pub struct Traced<'m, M> {
    model: &'m mut M,
    lines: Vec<String>,
}

impl<'m, M: Model> Traced<'m, M>
where
    M::Event: std::fmt::Debug,
{
    pub fn new(model: &'m mut M) -> Self {
        Traced {
            model,
            lines: Vec::new(),
        }
    }

    /// The lines written, one per event handled, in order.
    pub fn into_lines(self) -> Vec<String> {
        self.lines
    }
}

impl<M: Model> Model for Traced<'_, M>
where
    M::Event: std::fmt::Debug,
{
    type Event = M::Event;

    fn handle(&mut self, now: Nanos, event: M::Event, scheduler: &mut Scheduler<M::Event>) {
        self.lines.push(line(now, &event));
        self.model.handle(now, event, scheduler);
    }

    fn halt(&self, now: Nanos) -> Option<(StopReason, String)> {
        self.model.halt(now)
    }

    fn grown_bytes(&self) -> u64 {
        self.model.grown_bytes()
    }
}

/// One line of a trace: the simulated time in seconds to the microsecond, then the event.
fn line(now: Nanos, event: &impl std::fmt::Debug) -> String {
    format!(
        "{:>4}.{:06} s  {event:?}",
        now / 1_000_000_000,
        now % 1_000_000_000 / 1_000
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Limits, Packed};

    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    struct Tick(u32);

    impl Packed for Tick {
        fn pack(self) -> u64 {
            u64::from(self.0)
        }
        fn unpack(bits: u64) -> Self {
            Tick(bits as u32)
        }
    }

    /// Ticks three times, 1.5 ms apart.
    struct Ticker(u32);

    impl Model for Ticker {
        type Event = Tick;
        fn handle(&mut self, _now: Nanos, event: Tick, s: &mut Scheduler<Tick>) {
            self.0 += 1;
            if event.0 < 2 {
                s.after(1_500_000, Tick(event.0 + 1));
            }
        }
    }

    #[test]
    fn writes_a_line_per_event_and_hands_each_on() {
        let mut ticker = Ticker(0);
        let mut s = Scheduler::new();
        s.at(2_000_000_000, Tick(0));
        let mut traced = Traced::new(&mut ticker);
        crate::engine::run(&mut traced, &mut s, 10_000_000_000, &Limits::events(100));
        assert_eq!(
            traced.into_lines(),
            [
                "   2.000000 s  Tick(0)",
                "   2.001500 s  Tick(1)",
                "   2.003000 s  Tick(2)"
            ]
        );
        assert_eq!(ticker.0, 3, "every event reached the wrapped model");
    }
}
