//! The simulator's pending-event queue: a monotone radix heap keyed by simulated time.
//!
//! # Contract
//!
//! - **Order.** Items pop in increasing `(time, seq)` order, where `time` is simulated time in
//!   `u64` nanoseconds and `seq` is the queue's global insertion counter. Items scheduled for
//!   the same instant therefore pop first-in, first-out, which is what makes a run
//!   reproducible. The order is exact: it never depends on allocation, hashing or capacity.
//! - **Monotone time.** [`EventQueue::now`] is the time of the last popped item (0 before the
//!   first pop) and never decreases. [`EventQueue::push`] requires `time >= now()`: the engine
//!   cannot schedule into the past, so a violation is an internal bug. Debug builds panic
//!   (`debug_assert!`); release builds clamp the time to `now()`, so the item runs as soon as
//!   possible, after every item already due at `now()` (it still takes the next `seq`).
//! - **Cost.** `push`, `peek_time`, `len` and `now` are O(1). `pop` is O(1) amortised: an
//!   item enters at the level of the highest base-64 digit in which its time differs from
//!   `now()`, and each later move takes it at least one level down, so it moves at most 11
//!   times, and only a few for delays much shorter than the 2^60 ns of the top level. Once
//!   the buckets have grown to their working sizes the queue stops allocating: a bucket keeps
//!   its buffer when it empties, up to `KEPT_BUCKET_CAPACITY` (4,096) items (a larger one is given
//!   back, and regrown when the bucket fills again). Memory is therefore the items pending
//!   and at most that much room per bucket.
//!
//! # How it works
//!
//! A radix heap exploits monotone time. Write times in base 64 (6-bit digits). The queue
//! keeps a run queue of the items due exactly at `now`, and one bucket per (level, digit): an
//! item whose time first differs from `now` in digit `level` goes to the bucket for that
//! level and for its own digit there. Every time in a level is smaller than every time in the
//! next level up, and within a level the buckets are ordered by digit, so the earliest item
//! lives in the first non-empty bucket, found with two `trailing_zeros` over occupancy masks.
//!
//! When the run queue is empty, `pop` takes that bucket, advances `now` to its earliest time
//! (tracked per bucket, which also keeps `peek_time` O(1) and `&self`) and redistributes its
//! items by their distance to the new `now`: they share every digit from `level` up with it,
//! so each lands in a lower level or in the run queue. Every other item keeps its bucket,
//! because the new `now` agrees with the old one in all digits above `level`, and a bucket is
//! named by the item's own digit, not by its distance. (Base 2 is the textbook radix heap;
//! base 64 moves items fewer times, each move dropping a whole digit, and one level's
//! occupancy fits a `u64` mask.)
//!
//! # Why FIFO among equal times holds without storing `seq`
//!
//! Invariant: the run queue and every bucket hold their items in increasing `seq` order.
//! - `push` appends the newest item, whose `seq` is larger than that of every pending item.
//! - A redistribution walks the source bucket in order and appends into the run queue and
//!   lower levels, which are all empty at that moment: the run queue because redistribution
//!   only happens when it is empty, the lower levels because the source is the first
//!   non-empty bucket. Each destination thus receives a subsequence of a sorted sequence.
//!
//! All items due at the new `now` come from the source bucket (every other bucket holds later
//! times), so the run queue holds exactly the items due at `now`, in `seq` order, and `pop`
//! takes from its front. Keeping `seq` out of the entries saves 8 bytes per item on every
//! move. The differential test below checks this against a `(time, seq)` binary heap.
//!
//! A textbook radix heap pops its "bucket 0" from the back, which reverses equal-time items;
//! that is the trap this layout avoids.

use std::collections::VecDeque;

/// Bits per digit of a time; 64 buckets per level, so one `u64` masks a level's occupancy.
const DIGIT_BITS: u32 = 6;
const BUCKETS_PER_LEVEL: usize = 1 << DIGIT_BITS;
const DIGIT_MASK: u64 = (1 << DIGIT_BITS) - 1;
/// Levels needed to cover a `u64` time: ten full digits and a top digit of 4 bits.
const LEVELS: usize = u64::BITS.div_ceil(DIGIT_BITS) as usize;
const BUCKETS: usize = LEVELS * BUCKETS_PER_LEVEL;

/// A pending item not yet due at `now`, with its absolute time.
struct Scheduled<T> {
    time: u64,
    item: T,
}

/// Priority queue of simulation events, ordered by `(time, insertion order)`.
///
/// Items an emptied bucket keeps room for (64 KiB of 16-byte entries): a larger buffer
/// is given back when the bucket empties, so that the queue's memory follows the items
/// pending, not the sum of every bucket's high-water mark. Regrowing a bucket costs at most
/// one more copy of each item that passes through it; the order never depends on it.
const KEPT_BUCKET_CAPACITY: usize = 4096;
/// The lowest level whose buckets give large buffers back: level 4, whose digit turns
/// every 2^24 ns (16.8 ms), so a bucket there empties at most 60 times a simulated second.
const RELEASING_LEVEL: u32 = 4;

/// See the [module documentation](self) for the ordering and monotonicity contract.
pub struct EventQueue<T> {
    /// Items due exactly at `now`, in insertion order. Their time is `now`, so it is not
    /// stored.
    due_now: VecDeque<T>,
    /// Indexed by [`Bucket::index`]; each bucket holds its items in insertion order. Boxed so
    /// that moving the queue does not copy 700 vector headers.
    buckets: Box<[Vec<Scheduled<T>>]>,
    /// Which buckets are occupied and their earliest times.
    occupancy: Occupancy,
    /// Time of the last popped item: the simulation clock.
    now: u64,
    /// Number of pending items (run queue plus buckets).
    pending: usize,
    /// Items ever pushed; the next item's `seq`.
    pushed_total: u64,
}

impl<T> EventQueue<T> {
    /// An empty queue with the clock at time 0.
    pub fn new() -> Self {
        Self::with_capacity(0)
    }

    /// An empty queue with room for `capacity` items due at the current instant without
    /// reallocating.
    ///
    /// Which bucket a later item lands in depends on its distance to `now`, so only the run
    /// queue can be sized up front; it is the one a simulation fills first when it schedules
    /// its initial events at time 0. The buckets grow on demand and keep their buffers (up to
    /// `KEPT_BUCKET_CAPACITY` items each), so the
    /// queue stops allocating after warm-up either way.
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            due_now: VecDeque::with_capacity(capacity),
            buckets: std::iter::repeat_with(Vec::new).take(BUCKETS).collect(),
            occupancy: Occupancy::new(),
            now: 0,
            pending: 0,
            pushed_total: 0,
        }
    }

    /// Schedules `item` at `time` (nanoseconds of simulated time).
    ///
    /// `time` must not precede [`now`](Self::now). A violation is an engine bug: it panics in
    /// debug builds and, in release builds, the item is scheduled at `now()` instead, after
    /// every item already due then.
    pub fn push(&mut self, time: u64, item: T) {
        debug_assert!(
            time >= self.now,
            "event scheduled in the past: time {time} ns < now {} ns",
            self.now
        );
        let time = time.max(self.now);
        self.pushed_total += 1;
        self.pending += 1;
        match Bucket::of(time, self.now) {
            None => self.due_now.push_back(item),
            Some(bucket) => {
                self.buckets[bucket.index()].push(Scheduled { time, item });
                self.occupancy.note_arrival(bucket, time);
            }
        }
    }

    /// Removes and returns the earliest item with its time, advancing [`now`](Self::now) to
    /// that time. Among items with equal times, the first pushed pops first.
    pub fn pop(&mut self) -> Option<(u64, T)> {
        if self.due_now.is_empty() {
            let source = self.occupancy.first()?;
            self.advance_to(source);
        }
        let item = self
            .due_now
            .pop_front()
            .expect("advancing to the earliest bucket moves its earliest item into due_now");
        self.pending -= 1;
        Some((self.now, item))
    }

    /// Time of the item [`pop`](Self::pop) would return next, without removing it.
    ///
    /// Takes `&self`: the earliest time of each bucket is maintained on push, so peeking
    /// never needs to reorganise the buckets.
    pub fn peek_time(&self) -> Option<u64> {
        if self.due_now.is_empty() {
            self.occupancy
                .first()
                .map(|bucket| self.occupancy.earliest[bucket.index()])
        } else {
            Some(self.now)
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
    /// Never decreases.
    pub fn now(&self) -> u64 {
        self.now
    }

    /// Number of items ever pushed: the queue's sequence counter, usable as an event count.
    pub fn pushed_total(&self) -> u64 {
        self.pushed_total
    }

    /// Moves the clock to the earliest time in `source`, the first occupied bucket, and
    /// redistributes that bucket around it. Requires an empty run queue.
    fn advance_to(&mut self, source: Bucket) {
        debug_assert!(self.due_now.is_empty());
        let now = self.occupancy.take(source);
        self.now = now;

        // Every item of `source` lands in a lower level, and all lower levels sit before
        // the source level in `buckets`, so splitting there lets us drain one side into the
        // other.
        let (lower_levels, source_level) = self
            .buckets
            .split_at_mut(source.level as usize * BUCKETS_PER_LEVEL);
        let from_source = &mut source_level[source.digit as usize];
        if source.level == 0 {
            // Level-0 items agree with `now` in every other digit, so all are due now.
            self.due_now
                .extend(from_source.drain(..).map(|scheduled| scheduled.item));
        } else {
            for scheduled in from_source.drain(..) {
                let time = scheduled.time;
                match Bucket::of(time, now) {
                    None => self.due_now.push_back(scheduled.item),
                    Some(bucket) => {
                        lower_levels[bucket.index()].push(scheduled);
                        self.occupancy.note_arrival(bucket, time);
                    }
                }
            }
        }
        // A large buffer of a high level goes back: such a bucket is filled once per turn
        // of its digit (a level-5 digit turns every 2^30 ns, about a second), so each of
        // the 64 buckets of the level would otherwise keep its own high-water mark for the
        // rest of the run. Low levels turn every few microseconds and reuse theirs.
        if source.level >= RELEASING_LEVEL && from_source.capacity() > KEPT_BUCKET_CAPACITY {
            from_source.shrink_to(KEPT_BUCKET_CAPACITY);
        }
    }
}

/// Which buckets hold items, and their earliest times; the part of the queue that finds
/// the next item without touching the buckets themselves.
struct Occupancy {
    /// Earliest time in each bucket (by [`Bucket::index`]), or `u64::MAX` when it is empty.
    earliest: Box<[u64]>,
    /// Bit `digit` of `digits[level]` is set iff that bucket is non-empty.
    digits: [u64; LEVELS],
    /// Bit `level` is set iff `digits[level] != 0`.
    levels: u32,
}

impl Occupancy {
    fn new() -> Self {
        Self {
            earliest: vec![u64::MAX; BUCKETS].into_boxed_slice(),
            digits: [0; LEVELS],
            levels: 0,
        }
    }

    /// The occupied bucket holding the earliest items: lowest level, then lowest digit.
    fn first(&self) -> Option<Bucket> {
        if self.levels == 0 {
            return None;
        }
        let level = self.levels.trailing_zeros();
        let digit = self.digits[level as usize].trailing_zeros();
        Some(Bucket { level, digit })
    }

    /// Records that an item at `time` was appended to `bucket`.
    fn note_arrival(&mut self, bucket: Bucket, time: u64) {
        let earliest = &mut self.earliest[bucket.index()];
        *earliest = (*earliest).min(time);
        self.digits[bucket.level as usize] |= 1 << bucket.digit;
        self.levels |= 1 << bucket.level;
    }

    /// Marks `bucket` empty (its items are about to be moved out) and returns its earliest
    /// time.
    fn take(&mut self, bucket: Bucket) -> u64 {
        let earliest = std::mem::replace(&mut self.earliest[bucket.index()], u64::MAX);
        let level = bucket.level as usize;
        self.digits[level] &= !(1 << bucket.digit);
        if self.digits[level] == 0 {
            self.levels &= !(1 << level);
        }
        earliest
    }
}

/// A bucket: the level of the first digit in which an item's time differs from `now`, and
/// the item's digit there.
#[derive(Clone, Copy, Debug)]
struct Bucket {
    level: u32,
    digit: u32,
}

impl Bucket {
    /// Bucket of an item at `time` relative to the clock `now` (`time >= now`), or `None`
    /// when the item is due at `now`.
    fn of(time: u64, now: u64) -> Option<Self> {
        let differing_bits = time ^ now;
        if differing_bits == 0 {
            return None;
        }
        let highest_differing_bit = u64::BITS - 1 - differing_bits.leading_zeros();
        let level = highest_differing_bit / DIGIT_BITS;
        let digit = ((time >> (level * DIGIT_BITS)) & DIGIT_MASK) as u32;
        Some(Self { level, digit })
    }

    /// Position in `EventQueue::buckets` and `Occupancy::earliest`: levels in order, digits
    /// in order within a level, which is the order of the times they hold.
    fn index(self) -> usize {
        self.level as usize * BUCKETS_PER_LEVEL + self.digit as usize
    }
}

impl<T> Default for EventQueue<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> std::fmt::Debug for EventQueue<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventQueue")
            .field("now", &self.now)
            .field("pending", &self.pending)
            .field("pushed_total", &self.pushed_total)
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
    struct ReferenceQueue {
        heap: BinaryHeap<Reverse<(u64, u64, u64)>>,
        next_seq: u64,
    }

    impl ReferenceQueue {
        fn push(&mut self, time: u64, event_id: u64) {
            self.heap.push(Reverse((time, self.next_seq, event_id)));
            self.next_seq += 1;
        }

        fn pop(&mut self) -> Option<(u64, u64)> {
            self.heap
                .pop()
                .map(|Reverse((time, _, event_id))| (time, event_id))
        }
    }

    /// A delay from `now`: mostly zero or tiny (to pile up equal times, which is where a
    /// radix heap can break FIFO), sometimes large, occasionally near the top of `u64`.
    fn random_delay(rng: &mut ChaCha8Rng, now: u64) -> u64 {
        match rng.random_range(0..100u32) {
            0..30 => 0,
            30..60 => rng.random_range(0..4),
            60..85 => rng.random_range(0..1_000),
            85..97 => rng.random_range(0..1_000_000_000),
            _ => rng.random_range(0..=(u64::MAX - now)),
        }
    }

    /// Runs a random interleaving of pushes and pops on both queues and checks that they
    /// agree on every pop, peek and length; `prefill` items are pushed first, then each of
    /// `steps` steps either pushes a burst of up to `max_burst` items or pops one.
    fn check_against_reference(seed: u64, prefill: usize, steps: usize, max_burst: u32) {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut queue = EventQueue::new();
        let mut reference = ReferenceQueue {
            heap: BinaryHeap::new(),
            next_seq: 0,
        };
        // Items are numbered in push order, so a pop sequence names exactly which item came out.
        let push_one =
            |queue: &mut EventQueue<u64>, reference: &mut ReferenceQueue, rng: &mut ChaCha8Rng| {
                let time = queue.now() + random_delay(rng, queue.now());
                queue.push(time, reference.next_seq);
                reference.push(time, reference.next_seq);
            };
        for _ in 0..prefill {
            push_one(&mut queue, &mut reference, &mut rng);
        }
        // Vary the push/pop mix per seed so the queue both grows and drains.
        let push_percent = rng.random_range(30..70u32);
        for step in 0..steps {
            if rng.random_range(0..100) < push_percent {
                for _ in 0..rng.random_range(1..=max_burst) {
                    push_one(&mut queue, &mut reference, &mut rng);
                }
            } else {
                let expected_next = reference.heap.peek().map(|Reverse((time, ..))| *time);
                assert_eq!(queue.peek_time(), expected_next, "seed {seed} step {step}");
                let clock_before = queue.now();
                let popped = queue.pop();
                assert_eq!(popped, reference.pop(), "seed {seed} step {step}");
                assert!(
                    queue.now() >= clock_before,
                    "seed {seed} step {step}: clock went back"
                );
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
        assert!(queue.is_empty(), "seed {seed}");
        assert_eq!(queue.pushed_total(), reference.next_seq, "seed {seed}");
    }

    #[test]
    fn matches_reference_heap_over_many_seeds() {
        for seed in 0..300 {
            check_against_reference(seed, 0, 2_000, 5);
        }
    }

    #[test]
    fn matches_reference_heap_with_many_pending() {
        // Large buckets exercise redistribution of long runs, where equal times arrive in
        // the run queue from many different pushes.
        for seed in 1_000..1_008 {
            check_against_reference(seed, 20_000, 20_000, 3);
        }
    }

    #[test]
    fn equal_times_pop_first_in_first_out() {
        let mut queue = EventQueue::new();
        // Equal times reach the run queue through different redistributions: some items
        // are pushed while the clock is at 0, others after it has advanced.
        for id in 0..4 {
            queue.push(1_000, id);
        }
        queue.push(999, 100);
        queue.push(7, 101);
        assert_eq!(queue.pop(), Some((7, 101)));
        for id in 4..8 {
            queue.push(1_000, id);
        }
        assert_eq!(queue.pop(), Some((999, 100)));
        for id in 8..12 {
            queue.push(1_000, id);
        }
        assert_eq!(queue.pop(), Some((1_000, 0)));
        // Pushed at `now` while earlier equal-time items are still pending: goes last.
        queue.push(1_000, 12);
        let order: Vec<_> = std::iter::from_fn(|| queue.pop()).collect();
        let expected: Vec<_> = (1..13).map(|id| (1_000, id)).collect();
        assert_eq!(order, expected);
    }

    #[test]
    fn empty_queue() {
        let mut queue: EventQueue<u32> = EventQueue::default();
        assert!(queue.is_empty());
        assert_eq!(queue.len(), 0);
        assert_eq!(queue.peek_time(), None);
        assert_eq!(queue.pop(), None);
        assert_eq!(queue.now(), 0);
        assert_eq!(queue.pushed_total(), 0);

        queue.push(5, 1);
        assert_eq!(queue.pop(), Some((5, 1)));
        assert!(queue.is_empty());
        assert_eq!(queue.pop(), None);
        assert_eq!(queue.peek_time(), None);
        // Popping an empty queue leaves the clock where the last item put it.
        assert_eq!(queue.now(), 5);
        assert_eq!(queue.pushed_total(), 1);
    }

    #[test]
    fn clock_is_monotone_and_follows_pops() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let mut queue = EventQueue::with_capacity(16);
        for id in 0..1_000u32 {
            queue.push(rng.random_range(0..1_000_000), id);
        }
        let mut previous = 0;
        while let Some(next) = queue.peek_time() {
            let (time, _) = queue.pop().expect("peek_time promised an item");
            assert_eq!(time, next);
            assert!(time >= previous);
            assert_eq!(queue.now(), time);
            previous = time;
            if rng.random_bool(0.5) {
                queue.push(time + rng.random_range(0..100), 0);
            }
            if queue.pushed_total() > 3_000 {
                break;
            }
        }
    }

    #[test]
    fn extreme_times() {
        let mut queue = EventQueue::new();
        queue.push(u64::MAX, 'c');
        queue.push(0, 'a');
        queue.push(u64::MAX, 'd');
        queue.push(1 << 63, 'b');
        assert_eq!(queue.pop(), Some((0, 'a')));
        assert_eq!(queue.pop(), Some((1 << 63, 'b')));
        assert_eq!(queue.pop(), Some((u64::MAX, 'c')));
        queue.push(u64::MAX, 'e');
        assert_eq!(queue.pop(), Some((u64::MAX, 'd')));
        assert_eq!(queue.pop(), Some((u64::MAX, 'e')));
        assert_eq!(queue.pop(), None);
    }

    /// A bucket of a high level that held many items gives its buffer back when it
    /// empties, down to `KEPT_BUCKET_CAPACITY`; low levels keep theirs.
    #[test]
    fn an_emptied_bucket_keeps_at_most_its_kept_capacity() {
        let mut queue = EventQueue::new();
        // 10,000 items a second ahead (level 5) and 10 at 1 ms (level 3).
        for id in 0..10_000u64 {
            queue.push(1_000_000_000 + id, id);
        }
        for id in 0..10u64 {
            queue.push(1_000_000 + id, id);
        }
        let popped: Vec<u64> = std::iter::from_fn(|| queue.pop().map(|(_, id)| id)).collect();
        assert_eq!(popped.len(), 10_010);
        assert_eq!(popped[..10], (0..10).collect::<Vec<_>>());
        assert_eq!(popped[10..], (0..10_000).collect::<Vec<_>>());
        let per_level = BUCKETS_PER_LEVEL;
        let high = &queue.buckets[RELEASING_LEVEL as usize * per_level..];
        let largest = high.iter().map(Vec::capacity).max().unwrap();
        assert!(
            (1..=KEPT_BUCKET_CAPACITY).contains(&largest),
            "the level-5 bucket's buffer, given back: {largest}"
        );
    }

    #[test]
    #[cfg(debug_assertions)]
    #[should_panic(expected = "event scheduled in the past")]
    fn pushing_into_the_past_panics_in_debug() {
        let mut queue = EventQueue::new();
        queue.push(10, ());
        queue.pop();
        queue.push(9, ());
    }

    #[test]
    #[cfg(not(debug_assertions))]
    fn pushing_into_the_past_clamps_to_now_in_release() {
        let mut queue = EventQueue::new();
        queue.push(10, 'a');
        queue.push(10, 'b');
        queue.pop();
        queue.push(9, 'c');
        assert_eq!(queue.pop(), Some((10, 'b')));
        assert_eq!(queue.pop(), Some((10, 'c')));
    }
}
