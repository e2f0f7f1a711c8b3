//! Event-queue throughput: the engine's hold operation ("pop the next event, schedule a
//! follow-up") at steady state, for `rtsim::engine::queue::EventQueue` and for a plain
//! `BinaryHeap<Reverse<(time, seq, payload)>>` baseline with the same `(time, seq)` order.
//!
//! Each iteration is one pop plus one push, reported as one element, so criterion's
//! throughput reads directly as "hold operations per second". The queue is pre-filled with
//! `pending` events and keeps that size throughout. Follow-up delays come from a fixed table
//! of exponentially distributed delays (mean 100 ms, capped at 1 s, in nanoseconds), so the
//! run is identical for both structures and no RNG cost is measured.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rtsim::engine::queue::EventQueue;

/// Pending-event counts to measure at.
const PENDING_SIZES: [usize; 3] = [1_000, 100_000, 1_000_000];
/// Length of the delay table; a power of two so indexing is a mask.
const DELAY_TABLE_LEN: usize = 1 << 16;
const MEAN_DELAY_NS: f64 = 100e6;
const MAX_DELAY_NS: u64 = 1_000_000_000;

/// Exponentially distributed follow-up delays, as a simulation's timers and link delays
/// roughly are; the cap keeps the pending window at about one simulated second.
fn delay_table(seed: u64) -> Vec<u64> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    (0..DELAY_TABLE_LEN)
        .map(|_| {
            // 1 - u lies in (0, 1], so the logarithm is finite.
            let uniform: f64 = 1.0 - rng.random::<f64>();
            ((-uniform.ln() * MEAN_DELAY_NS) as u64).min(MAX_DELAY_NS)
        })
        .collect()
}

/// The two structures behind one interface, so both benchmarks run the same loop.
trait HoldQueue {
    fn push(&mut self, time: u64, payload: u64);
    fn pop(&mut self) -> Option<(u64, u64)>;
}

impl HoldQueue for EventQueue<u64> {
    fn push(&mut self, time: u64, payload: u64) {
        EventQueue::push(self, time, payload);
    }
    fn pop(&mut self) -> Option<(u64, u64)> {
        EventQueue::pop(self)
    }
}

/// Baseline: a binary heap of `(time, seq, payload)` entries.
#[derive(Default)]
struct BinaryHeapQueue {
    heap: BinaryHeap<Reverse<(u64, u64, u64)>>,
    next_seq: u64,
}

impl HoldQueue for BinaryHeapQueue {
    fn push(&mut self, time: u64, payload: u64) {
        self.heap.push(Reverse((time, self.next_seq, payload)));
        self.next_seq += 1;
    }
    fn pop(&mut self) -> Option<(u64, u64)> {
        self.heap
            .pop()
            .map(|Reverse((time, _, payload))| (time, payload))
    }
}

/// Fills `queue` with `pending` events at delays drawn from the table (as if all were
/// scheduled at time 0), then returns a closure performing one hold operation per call.
fn hold_loop<'a, Q: HoldQueue + 'a>(
    mut queue: Q,
    pending: usize,
    delays: &'a [u64],
) -> impl FnMut() + 'a {
    let mut rng = ChaCha8Rng::seed_from_u64(pending as u64);
    for payload in 0..pending as u64 {
        queue.push(delays[rng.random_range(0..DELAY_TABLE_LEN)], payload);
    }
    let mut next_delay = 0usize;
    move || {
        let (time, payload) = queue.pop().expect("the queue never drains");
        queue.push(
            time + delays[next_delay & (DELAY_TABLE_LEN - 1)],
            black_box(payload),
        );
        next_delay += 1;
    }
}

fn hold(c: &mut Criterion) {
    let delays = delay_table(0x5eed);
    let mut group = c.benchmark_group("queue_hold");
    group.throughput(Throughput::Elements(1));
    for pending in PENDING_SIZES {
        let mut radix = hold_loop(EventQueue::with_capacity(pending), pending, &delays);
        group.bench_function(BenchmarkId::new("radix_heap", pending), |b| {
            b.iter(&mut radix)
        });
        drop(radix);
        let mut binary = hold_loop(BinaryHeapQueue::default(), pending, &delays);
        group.bench_function(BenchmarkId::new("binary_heap", pending), |b| {
            b.iter(&mut binary)
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(20)
        .measurement_time(std::time::Duration::from_secs(3))
        .warm_up_time(std::time::Duration::from_secs(1));
    targets = hold
}
criterion_main!(benches);
