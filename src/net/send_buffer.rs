//! Slow consumers: a stream's send buffer at the server, where writes wait for a client's
//! busy link, and the policy when it overflows its limit — keep buffering (memory grows),
//! drop the oldest waiting messages, or disconnect the stream.
//!
//! Owns: the waiting messages in order and their bytes on the wire; whether a write goes
//! out now or waits (it waits while the link is busy or something waits before it); the
//! one pending link-free wake-up per buffer; which messages an overflow drops; and taking
//! out the waiting messages a newer write replaces (conflation). Does not
//! own: when the link is free ([`crate::net::network::Network`] says, and the caller hands
//! it in); which writes replace which (the caller's, from the event log); what a dropped
//! or replaced message's events become, or what a disconnect does to the stream
//! and its client (the simulation's: it counts them lost, or ends the stream).

use std::collections::VecDeque;

use serde::Serialize;

use crate::net::connections::Carried;
use crate::time::SimTime;

/// A stream's send buffer and its overflow policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SendBuffer {
    /// Bytes.
    pub limit: u64,
    pub policy: SlowConsumerPolicy,
}

/// What a stream's send buffer does when it is full.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SlowConsumerPolicy {
    Buffer,
    DropOldest,
    Disconnect,
}

/// What becomes of a write offered to a send buffer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Offer<M> {
    /// The link is free and nothing waits: it goes on the wire now.
    Transmit(M),
    /// It waits, with `queued` bytes in the buffer now (itself included). `wake`: a
    /// link-free event to schedule at that time (none when one is pending already).
    /// `overflow`: the buffer is over its limit (see [`Waiting::overflow`]).
    Waits {
        queued: u64,
        wake: Option<SimTime>,
        overflow: bool,
    },
}

/// What the policy does about a buffer over its limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Overflow<M> {
    /// `policy: buffer`: everything stays (the server's memory grows).
    Keep,
    /// `policy: drop_oldest`: these messages, oldest first, were taken out until the rest
    /// fit (the newest one too, if it alone is over the limit).
    Dropped(Vec<M>),
    /// `policy: disconnect`: the stream ends (its waiting messages stay for the caller to
    /// take back).
    Disconnect,
}

/// What a link-free event does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkFree<M> {
    /// Nothing waits.
    Idle,
    /// Another stream's bytes took the link meanwhile: wake again at this time.
    Busy(SimTime),
    /// The oldest waiting message goes on the wire now.
    Send(M),
}

/// The messages waiting in one stream's send buffer.
#[derive(Debug, Clone)]
pub struct Waiting<M> {
    messages: VecDeque<M>,
    /// Their bytes on the wire.
    queued: u64,
    /// A link-free event is pending.
    armed: bool,
}

impl<M> Default for Waiting<M> {
    fn default() -> Self {
        Waiting {
            messages: VecDeque::new(),
            queued: 0,
            armed: false,
        }
    }
}

impl<M: Carried> Waiting<M> {
    /// Offers `msg` at `now`, its link free from `free_at`, under `spec`.
    pub fn offer(&mut self, msg: M, free_at: SimTime, now: SimTime, spec: SendBuffer) -> Offer<M> {
        if free_at <= now && self.messages.is_empty() {
            return Offer::Transmit(msg);
        }
        self.queued += msg.wire();
        self.messages.push_back(msg);
        Offer::Waits {
            queued: self.queued,
            wake: self.arm(free_at.max(now)),
            overflow: self.queued > spec.limit,
        }
    }

    /// The buffer is over `spec`'s limit: what its policy does. Out of line: a rare path,
    /// kept out of the caller's write path (inlined, it cost every write instructions).
    #[inline(never)]
    pub fn overflow(&mut self, spec: SendBuffer) -> Overflow<M> {
        match spec.policy {
            SlowConsumerPolicy::Buffer => Overflow::Keep,
            SlowConsumerPolicy::DropOldest => {
                let mut dropped = Vec::new();
                while self.queued > spec.limit {
                    let Some(msg) = self.pop() else {
                        break;
                    };
                    dropped.push(msg);
                }
                Overflow::Dropped(dropped)
            }
            SlowConsumerPolicy::Disconnect => Overflow::Disconnect,
        }
    }

    /// The link-free event fired at `now`, the link free from `free_at`.
    pub fn link_free(&mut self, free_at: SimTime, now: SimTime) -> LinkFree<M> {
        self.armed = false;
        if self.messages.is_empty() {
            return LinkFree::Idle;
        }
        if free_at > now {
            self.armed = true;
            return LinkFree::Busy(free_at);
        }
        LinkFree::Send(self.pop().expect("checked non-empty"))
    }

    /// A message left for the link, which is now free from `free_at`: the link-free event
    /// to schedule for the next waiting one, if any waits and none is pending.
    pub fn sent(&mut self, free_at: SimTime) -> Option<SimTime> {
        if self.messages.is_empty() {
            None
        } else {
            self.arm(free_at)
        }
    }

    /// The oldest waiting message, taken out.
    pub fn pop(&mut self) -> Option<M> {
        let msg = self.messages.pop_front()?;
        self.queued -= msg.wire();
        Some(msg)
    }

    /// Takes out, oldest first, the waiting messages a newer write replaces (`replaced`
    /// says which: conflation, latest value wins); the rest keep their order.
    pub fn take_replaced(&mut self, mut replaced: impl FnMut(&M) -> bool) -> Vec<M> {
        let mut taken = Vec::new();
        let mut kept = VecDeque::with_capacity(self.messages.len());
        for msg in self.messages.drain(..) {
            if replaced(&msg) {
                self.queued -= msg.wire();
                taken.push(msg);
            } else {
                kept.push_back(msg);
            }
        }
        self.messages = kept;
        taken
    }

    /// Bytes waiting.
    #[inline]
    pub fn queued(&self) -> u64 {
        self.queued
    }

    /// Nothing waits.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.messages.is_empty()
    }

    /// A link-free event at `at`, unless one is pending.
    fn arm(&mut self, at: SimTime) -> Option<SimTime> {
        (!std::mem::replace(&mut self.armed, true)).then_some(at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The instant `nanos` nanoseconds into the run.
    fn t(nanos: u64) -> SimTime {
        SimTime::from_nanos(nanos)
    }

    /// A message of `wire` bytes, named `id`.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    struct Write {
        id: u32,
        wire: u64,
    }

    impl Carried for Write {
        fn segments(&self) -> u64 {
            1
        }
        fn wire(&self) -> u64 {
            self.wire
        }
        fn data(&self) -> u64 {
            self.wire
        }
        fn sent_time(&self) -> SimTime {
            SimTime::ZERO
        }
        fn retransmitted(&self) -> bool {
            false
        }
        fn acknowledged(&self) -> bool {
            true
        }
        fn sent(&mut self, _at: SimTime, _retransmitted: bool) {}
    }

    fn write(id: u32, wire: u64) -> Write {
        Write { id, wire }
    }

    fn spec(limit: u64, policy: SlowConsumerPolicy) -> SendBuffer {
        SendBuffer { limit, policy }
    }

    /// Offers writes of 400, 400 and 400 bytes at time 0 on a link busy until 100 under a
    /// 1000-byte limit: the third takes the buffer to 1200 bytes, over it.
    fn over_the_limit(policy: SlowConsumerPolicy) -> Waiting<Write> {
        let mut waiting = Waiting::default();
        let spec = spec(1000, policy);
        assert_eq!(
            waiting.offer(write(1, 400), t(100), t(0), spec),
            Offer::Waits {
                queued: 400,
                wake: Some(t(100)),
                overflow: false
            }
        );
        assert_eq!(
            waiting.offer(write(2, 400), t(100), t(0), spec),
            Offer::Waits {
                queued: 800,
                wake: None,
                overflow: false
            },
            "one link-free event at a time"
        );
        assert_eq!(
            waiting.offer(write(3, 400), t(100), t(0), spec),
            Offer::Waits {
                queued: 1200,
                wake: None,
                overflow: true
            }
        );
        waiting
    }

    #[test]
    fn a_write_goes_out_at_once_only_on_a_free_link_with_nothing_waiting() {
        let mut waiting = Waiting::default();
        let spec = spec(1000, SlowConsumerPolicy::Buffer);
        assert_eq!(
            waiting.offer(write(1, 10), t(50), t(50), spec),
            Offer::Transmit(write(1, 10))
        );
        // Busy link: it waits, and the link-free event is for when the link is free.
        assert!(matches!(
            waiting.offer(write(2, 10), t(80), t(60), spec),
            Offer::Waits { wake: Some(at), .. } if at == t(80)
        ));
        // The link is free again, but a message waits: the next one queues behind it.
        assert!(matches!(
            waiting.offer(write(3, 10), t(0), t(90), spec),
            Offer::Waits { queued: 20, .. }
        ));
    }

    #[test]
    fn drop_oldest_takes_out_the_oldest_until_the_rest_fit() {
        let mut waiting = over_the_limit(SlowConsumerPolicy::DropOldest);
        let spec = spec(1000, SlowConsumerPolicy::DropOldest);
        // 1200 > 1000: dropping the first (400) leaves 800.
        assert_eq!(
            waiting.overflow(spec),
            Overflow::Dropped(vec![write(1, 400)])
        );
        assert_eq!(waiting.queued(), 800);
        // A single write larger than the limit is dropped itself, after the rest.
        waiting.offer(write(4, 1500), t(100), t(0), spec);
        assert_eq!(
            waiting.overflow(spec),
            Overflow::Dropped(vec![write(2, 400), write(3, 400), write(4, 1500)])
        );
        assert!(waiting.is_empty());
        assert_eq!(waiting.queued(), 0);
    }

    #[test]
    fn buffer_keeps_everything_and_disconnect_leaves_the_messages_to_take_back() {
        let mut waiting = over_the_limit(SlowConsumerPolicy::Buffer);
        assert_eq!(
            waiting.overflow(spec(1000, SlowConsumerPolicy::Buffer)),
            Overflow::Keep
        );
        assert_eq!(waiting.queued(), 1200);
        let mut waiting = over_the_limit(SlowConsumerPolicy::Disconnect);
        assert_eq!(
            waiting.overflow(spec(1000, SlowConsumerPolicy::Disconnect)),
            Overflow::Disconnect
        );
        let ids: Vec<u32> = std::iter::from_fn(|| waiting.pop()).map(|w| w.id).collect();
        assert_eq!(ids, [1, 2, 3]);
        assert_eq!(waiting.queued(), 0);
    }

    /// Conflation: writes 1, 2, 3 wait (1200 bytes); 1 and 3 are replaced by a newer
    /// write: 400 bytes (write 2) are left, in their place.
    #[test]
    fn replaced_writes_are_taken_out_and_the_rest_keep_their_order() {
        let mut waiting = over_the_limit(SlowConsumerPolicy::Buffer);
        let taken = waiting.take_replaced(|w| w.id != 2);
        assert_eq!(taken, vec![write(1, 400), write(3, 400)]);
        assert_eq!(waiting.queued(), 400);
        assert_eq!(waiting.pop(), Some(write(2, 400)));
        assert!(waiting.is_empty());
    }

    #[test]
    fn the_link_free_event_sends_the_oldest_or_waits_for_the_link() {
        let mut waiting = over_the_limit(SlowConsumerPolicy::Buffer);
        // At 100 another stream's bytes hold the link until 130: wait for them.
        assert_eq!(waiting.link_free(t(130), t(100)), LinkFree::Busy(t(130)));
        assert_eq!(waiting.sent(t(500)), None, "the wake-up at 130 is pending");
        assert_eq!(
            waiting.link_free(t(130), t(130)),
            LinkFree::Send(write(1, 400))
        );
        // Sent: the link is busy with it until 170; the next waits for that.
        assert_eq!(waiting.sent(t(170)), Some(t(170)));
        assert_eq!(
            waiting.link_free(t(170), t(170)),
            LinkFree::Send(write(2, 400))
        );
        assert_eq!(waiting.sent(t(210)), Some(t(210)));
        assert_eq!(
            waiting.link_free(t(210), t(210)),
            LinkFree::Send(write(3, 400))
        );
        assert_eq!(waiting.sent(t(250)), None, "nothing left to wake for");
        assert_eq!(waiting.link_free(t(250), t(300)), LinkFree::Idle);
    }
}
