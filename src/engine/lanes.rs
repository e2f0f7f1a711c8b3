//! Event lanes: FIFO queues for events that are scheduled in time order, merged with the
//! radix heap ([`super::queue`]) so that the pop order is exactly the heap's.
//!
//! Owns the choice between a lane and the heap for each push, and the merge. It does not
//! own which lane an event belongs to (the caller names it: the engine uses the event's
//! kind, [`super::Packed::lane`]) nor the heap itself.
//!
//! # Contract
//!
//! - **Order.** Items pop in increasing `(time, seq)` order, `seq` being the queue's global
//!   insertion counter: the same order as [`EventQueue`](super::queue::EventQueue) alone,
//!   whatever lane each item was pushed to. Lanes change the cost, never the order.
//! - **Monotone time.** As for the heap: `push` requires `time >= now()`; release builds
//!   clamp an earlier time to `now()`.
//! - **Cost.** `push` is O(1). `pop` is O(1) for the heap part plus one comparison per
//!   non-empty lane when it pops from a lane (at most 32), and a search of the group's four
//!   lanes on a push. A lane never moves its
//!   items after the push: it appends at the back and pops at the front of a ring buffer,
//!   so the millions of link arrivals, job completions and timers of a large run touch
//!   memory in order, where the radix heap would move each of them several times.
//!
//! # Why the order is the heap's
//!
//! An item goes to its lane only when its time is not earlier than the time of the lane's
//! last item; otherwise it goes to the heap (an *overflow*). So each lane holds its items in
//! increasing `(time, seq)` order (times never decrease along it, and `seq` increases with
//! every push), and its front is its least item. The heap pops its own items in `(time,
//! seq)` order ([`EventQueue`](super::queue::EventQueue)'s contract), and every heap item
//! carries its `seq`. The least pending item is therefore the least of the lanes' fronts and
//! the heap's front, compared by `(time, seq)`: that is what `pop` takes.
//!
//! The heap's front `seq` is only needed when the heap's earliest time equals the least lane
//! front's time; reading it advances the heap's clock to that time, which is safe because
//! the item popped next is at that very time, so no later push can precede it. Otherwise the
//! heap's clock never runs ahead of the queue's. The differential test below checks all of
//! this against a `(time, seq)` binary heap, with lanes and heap mixed.
//!
//! Which events go in which lane only decides how many overflow: events of one kind that
//! are scheduled a constant delay after the current time (a poll interval, a one-way link
//! delay, a hold or idle timeout, FIFO job completions) arrive in time order and never do.
//! A group of four lanes serves each kind (the caller's lane index): a push goes to the
//! lane whose last item is the latest not after it (best fit), so a kind made of a few
//! interleaved in-order streams (the job completions of several replicas, say) keeps one
//! lane per stream. Some kinds are not in order at all: link arrivals with jitter land
//! anywhere in a window of a few milliseconds. A group counts the pushes that found no lane
//! over windows of [`WINDOW`] pushes and, when more than a quarter of a window's did not,
//! sends the next window's pushes straight to the heap (it keeps choosing lanes as if it
//! still appended, to tell when order returns). That too only moves items between lanes
//! and heap: every item appended to a lane is still
//! not earlier than the one before it, so the order argument above holds unchanged.

use std::collections::VecDeque;

use super::queue::EventQueue;

/// Groups of lanes; the caller's lane index (an event kind) is taken modulo this.
pub const GROUPS: usize = 8;
/// Lanes per group.
const LANES_PER_GROUP: usize = 4;
/// Lanes in all; one `u32` masks their occupancy.
const LANES: usize = GROUPS * LANES_PER_GROUP;

/// An item with its time and global sequence number, as a lane holds it.
struct Entry<T> {
    time: u64,
    seq: u64,
    item: T,
}

/// An item in the heap, with its global sequence number for ties with a lane's front.
struct Tagged<T> {
    seq: u64,
    item: T,
}

/// Priority queue of simulation events in `(time, insertion order)`, with FIFO lanes for
/// events pushed in time order. See the [module documentation](self).
pub struct LanedQueue<T> {
    lanes: Box<[VecDeque<Entry<T>>]>,
    /// `(time, seq)` of each lane's front, `(u64::MAX, u64::MAX)` when it is empty: the
    /// merge reads this dense array instead of every lane's ring buffer.
    fronts: Box<[(u64, u64)]>,
    /// Bit `l` set iff lane `l` is non-empty.
    occupied: u32,
    /// The non-empty lane with the least front, when any lane is non-empty.
    best: usize,
    /// Each group's lanes' last times and how often its pushes find a lane.
    groups: Box<[Group]>,
    /// Items that did not fit their lane, and those of lanes that rarely fit.
    heap: EventQueue<Tagged<T>>,
    /// Time of the last popped item; 0 before the first pop.
    now: u64,
    /// Items pending in lanes and heap.
    pending: usize,
    /// Items ever pushed; the next item's `seq`.
    pushed_total: u64,
    /// Pushes that went to the heap because they were earlier than their lane's last item.
    overflow_pushes: u64,
}

impl<T> LanedQueue<T> {
    /// An empty queue with the clock at time 0.
    pub fn new() -> Self {
        Self {
            lanes: std::iter::repeat_with(VecDeque::new).take(LANES).collect(),
            fronts: vec![(u64::MAX, u64::MAX); LANES].into_boxed_slice(),
            occupied: 0,
            best: 0,
            groups: vec![Group::default(); GROUPS].into_boxed_slice(),
            heap: EventQueue::new(),
            now: 0,
            pending: 0,
            pushed_total: 0,
            overflow_pushes: 0,
        }
    }

    /// Schedules `item` at `time` in a lane of group `lane` (taken modulo [`GROUPS`]), or in
    /// the heap when `time` precedes the last item of each of the group's lanes (or the
    /// group is bypassed).
    ///
    /// `time` must not precede [`now`](Self::now): debug builds panic, release builds
    /// schedule the item at `now()` instead, after every item already due then.
    #[inline]
    pub fn push(&mut self, lane: usize, time: u64, item: T) {
        debug_assert!(
            time >= self.now,
            "event scheduled in the past: time {time} ns < now {} ns",
            self.now
        );
        let time = time.max(self.now);
        let seq = self.pushed_total;
        self.pushed_total += 1;
        self.pending += 1;
        let group = lane % GROUPS;
        let fit = &mut self.groups[group];
        let chosen = fit.choose(time);
        if chosen.is_none() || fit.bypass {
            self.overflow_pushes += u64::from(chosen.is_none());
            self.heap.push(time, Tagged { seq, item });
            return;
        }
        let lane = group * LANES_PER_GROUP + chosen.unwrap_or_default();
        let queue = &mut self.lanes[lane];
        if queue.is_empty() {
            self.fronts[lane] = (time, seq);
            // Its seq is the largest pending, so it only leads on a strictly earlier time.
            if self.occupied == 0 || time < self.fronts[self.best].0 {
                self.best = lane;
            }
            self.occupied |= 1 << lane;
        }
        queue.push_back(Entry { time, seq, item });
    }

    /// Removes and returns the least item by `(time, seq)` with its time, advancing
    /// [`now`](Self::now) to that time.
    #[inline]
    pub fn pop(&mut self) -> Option<(u64, T)> {
        let from_heap = match (self.heap.peek_time(), self.occupied != 0) {
            (None, false) => return None,
            (Some(_), false) => true,
            (None, true) => false,
            (Some(heap_time), true) => {
                let (lane_time, lane_seq) = self.fronts[self.best];
                heap_time < lane_time
                    || (heap_time == lane_time && self.heap_front_seq() < lane_seq)
            }
        };
        let (time, item) = if from_heap {
            let (time, tagged) = self.heap.pop().expect("the heap has a front");
            (time, tagged.item)
        } else {
            self.pop_best_lane()
        };
        self.pending -= 1;
        self.now = time;
        Some((time, item))
    }

    /// Time of the item [`pop`](Self::pop) would return next, without removing it.
    pub fn peek_time(&self) -> Option<u64> {
        let lane_time = (self.occupied != 0).then(|| self.fronts[self.best].0);
        match (self.heap.peek_time(), lane_time) {
            (Some(heap), Some(lane)) => Some(heap.min(lane)),
            (heap, lane) => heap.or(lane),
        }
    }

    /// Number of pending items.
    pub fn len(&self) -> usize {
        self.pending
    }

    /// Whether no item is pending.
    pub fn is_empty(&self) -> bool {
        self.pending == 0
    }

    /// Simulated time of the last popped item, in nanoseconds; 0 before the first pop.
    pub fn now(&self) -> u64 {
        self.now
    }

    /// Number of items ever pushed.
    pub fn pushed_total(&self) -> u64 {
        self.pushed_total
    }

    /// Pushes that went to the heap because they were earlier than their lane's last item.
    pub fn overflow_pushes(&self) -> u64 {
        self.overflow_pushes
    }

    /// `seq` of the heap's front. Called only when the heap's earliest time equals the
    /// least lane front's time, the time of the next pop (see the module documentation).
    #[cold]
    fn heap_front_seq(&mut self) -> u64 {
        self.heap
            .peek_front()
            .map(|(_, tagged)| tagged.seq)
            .expect("the heap has a front")
    }

    /// Pops the front of the lane with the least front and finds the next such lane.
    #[inline]
    fn pop_best_lane(&mut self) -> (u64, T) {
        let lane = self.best;
        let queue = &mut self.lanes[lane];
        let entry = queue.pop_front().expect("the best lane is non-empty");
        match queue.front() {
            Some(next) => self.fronts[lane] = (next.time, next.seq),
            None => {
                self.fronts[lane] = (u64::MAX, u64::MAX);
                self.occupied &= !(1 << lane);
            }
        }
        // The least front among the non-empty lanes (ties of time broken by seq).
        let mut rest = self.occupied;
        let mut best = lane;
        let mut best_front = (u64::MAX, u64::MAX);
        while rest != 0 {
            let candidate = rest.trailing_zeros() as usize;
            rest &= rest - 1;
            let front = self.fronts[candidate];
            if front < best_front {
                best_front = front;
                best = candidate;
            }
        }
        self.best = best;
        (entry.time, entry.item)
    }
}

/// Pushes of a group per measuring window.
const WINDOW: u32 = 256;
/// Pushes per window that find no lane above which the group's pushes go to the heap for
/// the next window: a quarter. Such a push costs the lane search on top of the heap push.
const BYPASS_ABOVE: u32 = WINDOW / 4;

/// The lanes of one group (one event kind, or the kinds that share a group): their last
/// times and the counts of the current window.
#[derive(Clone, Copy, Default)]
struct Group {
    /// The time of the last item appended to each lane (or that would have been, while the
    /// group is bypassed): an item earlier than this would break the lane's order. At most
    /// `now` once the lane has emptied, so any later push fits it then.
    backs: [u64; LANES_PER_GROUP],
    pushes: u32,
    misfits: u32,
    /// The group's pushes go straight to the heap during this window.
    bypass: bool,
}

impl Group {
    /// The lane an item at `time` is appended to: the one whose last time is the latest not
    /// after `time` (best fit, as in patience sorting: it keeps the other lanes' earlier
    /// backs free for earlier items, so a kind made of a few interleaved in-order streams,
    /// such as the job completions of several replicas, fills one lane per stream), or
    /// `None` when every lane's last time is later. Counts the push and, at the end of a
    /// window, decides whether the next window bypasses the group.
    #[inline(always)]
    fn choose(&mut self, time: u64) -> Option<usize> {
        let mut chosen = None;
        let mut chosen_back = 0;
        for (lane, &back) in self.backs.iter().enumerate() {
            if back <= time && (chosen.is_none() || back > chosen_back) {
                chosen = Some(lane);
                chosen_back = back;
            }
        }
        if let Some(lane) = chosen {
            self.backs[lane] = time;
        }
        self.misfits += u32::from(chosen.is_none());
        self.pushes += 1;
        if self.pushes == WINDOW {
            self.bypass = self.misfits > BYPASS_ABOVE;
            self.pushes = 0;
            self.misfits = 0;
        }
        chosen
    }
}

impl<T> Default for LanedQueue<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> std::fmt::Debug for LanedQueue<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LanedQueue")
            .field("now", &self.now)
            .field("pending", &self.pending)
            .field("pushed_total", &self.pushed_total)
            .field("overflow_pushes", &self.overflow_pushes)
            .field("next_time", &self.peek_time())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{RngExt, SeedableRng};
    use rand_chacha::ChaCha8Rng;
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;

    /// Reference model: a binary heap keyed by `(time, seq)`, the contract verbatim.
    #[derive(Default)]
    struct ReferenceQueue {
        heap: BinaryHeap<Reverse<(u64, u64, u64)>>,
        next_seq: u64,
    }

    impl ReferenceQueue {
        fn push(&mut self, time: u64, id: u64) {
            self.heap.push(Reverse((time, self.next_seq, id)));
            self.next_seq += 1;
        }

        fn pop(&mut self) -> Option<(u64, u64)> {
            self.heap.pop().map(|Reverse((time, _, id))| (time, id))
        }
    }

    /// A push as a simulation makes them: lane `l` mostly at a constant delay of its own
    /// (so it stays in order, as link arrivals and timers do), sometimes at a jittered
    /// delay (so it overflows to the heap, as out-of-order job completions do), and some
    /// lanes at delay 0 or the same instants as others (ties across lanes and the heap).
    fn random_push(rng: &mut ChaCha8Rng, now: u64, lanes: usize) -> (usize, u64) {
        let lane = rng.random_range(0..lanes);
        let constant = [0, 1, 3, 10, 25, 64, 1_000, 40_000][lane % 8];
        let delay = match rng.random_range(0..100u32) {
            0..70 => constant,
            70..85 => rng.random_range(0..4),
            85..98 => rng.random_range(0..100_000),
            _ => rng.random_range(0..1u64 << 40),
        };
        (lane, now + delay)
    }

    /// Runs a random interleaving of pushes and pops on both queues and checks that they
    /// agree on every pop, peek and length.
    fn check_against_reference(seed: u64, lanes: usize, steps: usize, max_burst: u32) {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut queue = LanedQueue::new();
        let mut reference = ReferenceQueue::default();
        let push_percent = rng.random_range(35..65u32);
        for step in 0..steps {
            if rng.random_range(0..100) < push_percent {
                for _ in 0..rng.random_range(1..=max_burst) {
                    let (lane, time) = random_push(&mut rng, queue.now(), lanes);
                    queue.push(lane, time, reference.next_seq);
                    reference.push(time, reference.next_seq);
                }
            } else {
                let expected_next = reference.heap.peek().map(|Reverse((time, ..))| *time);
                assert_eq!(queue.peek_time(), expected_next, "seed {seed} step {step}");
                let popped = queue.pop();
                assert_eq!(popped, reference.pop(), "seed {seed} step {step}");
                if let Some((time, _)) = popped {
                    assert_eq!(queue.now(), time, "seed {seed} step {step}");
                }
            }
            assert_eq!(queue.len(), reference.heap.len(), "seed {seed} step {step}");
        }
        while let Some(expected) = reference.pop() {
            assert_eq!(queue.pop(), Some(expected), "seed {seed} drain");
        }
        assert_eq!(queue.pop(), None, "seed {seed}");
        assert!(queue.is_empty());
        assert_eq!(queue.pushed_total(), reference.next_seq);
    }

    #[test]
    fn matches_reference_heap_with_lanes_and_heap_mixed() {
        for seed in 0..300 {
            // 1 group (kinds mixed, many overflow), a few, and more than GROUPS (groups
            // shared modulo GROUPS).
            let lanes = [1, 3, 8, 40][seed as usize % 4];
            check_against_reference(seed, lanes, 3_000, 6);
        }
    }

    #[test]
    fn in_order_pushes_never_overflow_and_ties_keep_push_order() {
        // Two lanes at constant delays 10 and 20 from a clock that advances by pops: every
        // push is at or after its lane's last, so nothing overflows. The items at time 20
        // come from both lanes (lane 0 pushed at now 10, lane 1 at now 0) and pop in push
        // order: lane 1's (pushed first, seq 1) before lane 0's (seq 2).
        let mut queue = LanedQueue::new();
        queue.push(0, 10, "a@10");
        queue.push(1, 20, "b@20");
        assert_eq!(queue.pop(), Some((10, "a@10")));
        queue.push(0, 20, "a@20");
        queue.push(1, 30, "b@30");
        assert_eq!(queue.pop(), Some((20, "b@20")));
        assert_eq!(queue.pop(), Some((20, "a@20")));
        assert_eq!(queue.pop(), Some((30, "b@30")));
        assert_eq!(queue.pop(), None);
        assert_eq!(queue.overflow_pushes(), 0);
    }

    #[test]
    fn a_push_behind_every_lane_of_its_group_goes_to_the_heap_and_still_pops_in_order() {
        let mut queue = LanedQueue::new();
        // Group 0's four lanes each end at 50.
        for id in ['p', 'q', 'r', 'x'] {
            queue.push(0, 50, id);
        }
        assert_eq!(queue.overflow_pushes(), 0, "best fit: all four in one lane");
        // A second stream ending earlier gets its own lane: no overflow either.
        queue.push(0, 30, 'a');
        assert_eq!(queue.overflow_pushes(), 0);
        queue.push(0, 20, 'b'); // a third lane
        queue.push(0, 10, 'c'); // the fourth
        queue.push(0, 5, 'y'); // earlier than every lane's last: heap
        assert_eq!(queue.overflow_pushes(), 1);
        queue.push(0, 50, 'z'); // at the first lane's last: lane, after 'x'
        queue.push(1, 5, 'w'); // ties with the heap's 'y', pushed later
        assert_eq!(queue.overflow_pushes(), 1);
        assert_eq!(queue.peek_time(), Some(5));
        let order: Vec<_> = std::iter::from_fn(|| queue.pop()).collect();
        assert_eq!(
            order,
            [
                (5, 'y'),
                (5, 'w'),
                (10, 'c'),
                (20, 'b'),
                (30, 'a'),
                (50, 'p'),
                (50, 'q'),
                (50, 'r'),
                (50, 'x'),
                (50, 'z')
            ]
        );
    }

    #[test]
    #[cfg(not(debug_assertions))]
    fn pushing_into_the_past_clamps_to_now_in_release() {
        let mut queue = LanedQueue::new();
        queue.push(0, 10, 'a');
        queue.push(1, 10, 'b');
        queue.pop();
        queue.push(2, 9, 'c');
        assert_eq!(queue.pop(), Some((10, 'b')));
        assert_eq!(queue.pop(), Some((10, 'c')));
    }
}
