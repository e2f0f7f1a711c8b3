//! What a webhook run measured, per receiver and in total.
//!
//! Scope of the counts: the *pairs* are (event, receiver) deliveries of events created
//! within the window `[warmup, duration)`; everything counted per pair (delivered,
//! duplicates, attempts, timeouts, ...) covers those pairs, whenever it happens before the
//! end of the run. Bytes, connections opened and requests per second cover what happens
//! within the window, whichever event it serves, as in the main simulator.
//!
//! The ledger: every pair is exactly one of delivered (processed at least once by the
//! receiver), given up (the sender stopped trying and the receiver never processed it) or
//! in flight (neither, at the end of the run).

use crate::metrics::latency::LatencyRecorder;
use crate::net::wire::WireBytes;
use crate::time::Nanos;

/// What happened to one (event, receiver) pair over the whole run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PairRecord {
    /// Attempts the sender started.
    pub attempts: u32,
    /// When the receiver first processed it.
    pub processed_at: Option<Nanos>,
    /// The number (from 1) of the attempt whose request was processed first; 0 if none.
    pub delivered_by: u32,
    /// Times the receiver processed it (more than once: duplicates).
    pub processings: u32,
    /// When a response reached the sender.
    pub acknowledged_at: Option<Nanos>,
    /// The sender stopped trying (the receiver may have processed it all the same).
    pub gave_up: bool,
}

/// Counts of one receiver or of all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeliveryCounts {
    /// Pairs of events created within the window.
    pub generated: u64,
    /// Pairs the receiver processed at least once.
    pub delivered: u64,
    /// Pairs the sender gave up on and the receiver never processed: lost.
    pub given_up: u64,
    /// Pairs neither delivered nor given up at the end of the run.
    pub in_flight: u64,
    /// Pairs the sender gave up on although the receiver had processed them (its
    /// responses were lost or late). Part of `delivered`.
    pub given_up_after_delivery: u64,
    /// Processings beyond each pair's first.
    pub duplicates: u64,
    /// Pairs processed for the first time after a later event was processed at the same
    /// receiver.
    pub out_of_order: u64,
    /// Pairs whose sender got a response.
    pub acknowledged: u64,
    /// Attempts started.
    pub attempts: u64,
    /// Attempts whose response did not arrive within the timeout.
    pub timeouts: u64,
    /// Attempts whose SYN was refused with a reset (the receiver was down).
    pub refusals: u64,
    /// Attempts whose established connection was reset (an outage began).
    pub resets: u64,
    /// Delivered pairs by the number of the attempt that delivered them: index 0 counts
    /// pairs first processed from attempt 1, index 1 from attempt 2, ...
    pub delivering_attempt: Vec<u64>,
    /// TCP connections the sender opened (SYNs sent, refused ones included) within the
    /// window.
    pub connections_opened: u64,
    /// Attempts that went on the network within the window (any pair's; an attempt whose
    /// SYN is refused counts, though its POST never leaves).
    pub requests_in_window: u64,
}

impl DeliveryCounts {
    /// generated == delivered + given_up + in_flight.
    pub fn balances(&self) -> bool {
        self.generated == self.delivered + self.given_up + self.in_flight
    }

    /// Mean attempt number that delivered a pair, over delivered pairs.
    pub fn mean_delivering_attempt(&self) -> Option<f64> {
        let pairs: u64 = self.delivering_attempt.iter().sum();
        let weighted: u64 = self
            .delivering_attempt
            .iter()
            .enumerate()
            .map(|(i, count)| (i as u64 + 1) * count)
            .sum();
        (pairs > 0).then(|| weighted as f64 / pairs as f64)
    }

    /// The highest attempt number that delivered a pair (0: nothing delivered).
    pub fn max_delivering_attempt(&self) -> u32 {
        self.delivering_attempt
            .iter()
            .rposition(|count| *count > 0)
            .map_or(0, |i| i as u32 + 1)
    }

    /// Attempts per generated pair.
    pub fn attempts_per_pair(&self) -> Option<f64> {
        (self.generated > 0).then(|| self.attempts as f64 / self.generated as f64)
    }

    /// Duplicates per delivered pair.
    pub fn duplicate_ratio(&self) -> Option<f64> {
        (self.delivered > 0).then(|| self.duplicates as f64 / self.delivered as f64)
    }

    /// Adds the ledger of `pairs` whose events were created at `created` (index by
    /// event), counting only those for which `in_window` holds.
    pub(super) fn add_pairs(
        &mut self,
        pairs: &[PairRecord],
        created: &[Nanos],
        in_window: impl Fn(Nanos) -> bool,
    ) {
        for (record, time) in pairs.iter().zip(created) {
            if !in_window(*time) {
                continue;
            }
            self.generated += 1;
            self.attempts += u64::from(record.attempts);
            self.acknowledged += u64::from(record.acknowledged_at.is_some());
            if record.processed_at.is_some() {
                self.delivered += 1;
                self.duplicates += u64::from(record.processings.saturating_sub(1));
                self.given_up_after_delivery += u64::from(record.gave_up);
                let index = record.delivered_by.saturating_sub(1) as usize;
                if self.delivering_attempt.len() <= index {
                    self.delivering_attempt.resize(index + 1, 0);
                }
                self.delivering_attempt[index] += 1;
            } else if record.gave_up {
                self.given_up += 1;
            } else {
                self.in_flight += 1;
            }
        }
    }

    /// Adds another receiver's counts.
    pub fn add(&mut self, other: &DeliveryCounts) {
        self.generated += other.generated;
        self.delivered += other.delivered;
        self.given_up += other.given_up;
        self.in_flight += other.in_flight;
        self.given_up_after_delivery += other.given_up_after_delivery;
        self.duplicates += other.duplicates;
        self.out_of_order += other.out_of_order;
        self.acknowledged += other.acknowledged;
        self.attempts += other.attempts;
        self.timeouts += other.timeouts;
        self.refusals += other.refusals;
        self.resets += other.resets;
        if self.delivering_attempt.len() < other.delivering_attempt.len() {
            self.delivering_attempt
                .resize(other.delivering_attempt.len(), 0);
        }
        for (mine, theirs) in self
            .delivering_attempt
            .iter_mut()
            .zip(&other.delivering_attempt)
        {
            *mine += theirs;
        }
        self.connections_opened += other.connections_opened;
        self.requests_in_window += other.requests_in_window;
    }
}

/// One receiver's results.
#[derive(Debug, Clone)]
pub struct ReceiverOutcome {
    pub name: String,
    pub counts: DeliveryCounts,
    /// Bytes between sender and this receiver within the window (`down`: sender →
    /// receiver).
    pub bytes: WireBytes,
    /// Creation → first processing at the receiver, of the window's pairs (retries
    /// included).
    pub latency: LatencyRecorder,
    /// Creation → the sender's first successful response, of the window's pairs.
    pub acknowledged_latency: LatencyRecorder,
    /// Every event of the log's pair with this receiver, by event number (window or not).
    pub pairs: Vec<PairRecord>,
}

/// The results of one webhook run.
#[derive(Debug, Clone)]
pub struct WebhookOutcome {
    /// The run's master seed.
    pub seed: u64,
    /// Length of the measurement window.
    pub window: Nanos,
    pub receivers: Vec<ReceiverOutcome>,
    /// Sums over the receivers.
    pub total: DeliveryCounts,
    pub bytes: WireBytes,
    pub latency: LatencyRecorder,
    pub acknowledged_latency: LatencyRecorder,
    /// Share of the sender's cores busy within the window, 0 to 1.
    pub sender_utilisation: f64,
    /// Mean wait of an attempt for a sender core.
    pub sender_queueing_delay: Nanos,
    /// Most connections open at once, all receivers.
    pub peak_open_connections: u64,
    /// Engine events handled.
    pub sim_events: u64,
    /// Why the run stopped before its end (a limit of [`crate::engine::Limits`]); `None`
    /// for a complete run.
    pub stopped: Option<crate::engine::Stop>,
}

impl WebhookOutcome {
    /// Attempts that went on the network per second of the window, all receivers.
    pub fn requests_per_second(&self) -> f64 {
        self.total.requests_in_window as f64 / (self.window as f64 / 1e9)
    }
}

/// Recorders hold no `PartialEq`; two are equal here when every summary figure and the
/// whole percentile curve are.
fn same_latency(a: &LatencyRecorder, b: &LatencyRecorder) -> bool {
    a.count() == b.count() && a.summary() == b.summary() && a.cdf() == b.cdf()
}

impl PartialEq for ReceiverOutcome {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
            && self.counts == other.counts
            && self.bytes == other.bytes
            && same_latency(&self.latency, &other.latency)
            && same_latency(&self.acknowledged_latency, &other.acknowledged_latency)
            && self.pairs == other.pairs
    }
}

impl PartialEq for WebhookOutcome {
    fn eq(&self, other: &Self) -> bool {
        self.seed == other.seed
            && self.window == other.window
            && self.receivers == other.receivers
            && self.total == other.total
            && self.bytes == other.bytes
            && same_latency(&self.latency, &other.latency)
            && self.sender_queueing_delay == other.sender_queueing_delay
            && self.peak_open_connections == other.peak_open_connections
            && same_latency(&self.acknowledged_latency, &other.acknowledged_latency)
            && self.sender_utilisation == other.sender_utilisation
            && self.sim_events == other.sim_events
            && self.stopped == other.stopped
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_fall_into_exactly_one_ledger_column() {
        let delivered_twice = PairRecord {
            attempts: 3,
            processed_at: Some(50),
            delivered_by: 2,
            processings: 2,
            acknowledged_at: None,
            gave_up: true,
        };
        let lost = PairRecord {
            attempts: 4,
            gave_up: true,
            ..PairRecord::default()
        };
        let pending = PairRecord {
            attempts: 1,
            ..PairRecord::default()
        };
        let before_window = PairRecord::default();
        let mut counts = DeliveryCounts::default();
        counts.add_pairs(
            &[before_window, delivered_twice, lost, pending],
            &[5, 10, 20, 30],
            |t| t >= 10,
        );
        assert_eq!(
            (
                counts.generated,
                counts.delivered,
                counts.given_up,
                counts.in_flight
            ),
            (3, 1, 1, 1)
        );
        assert!(counts.balances());
        assert_eq!(counts.duplicates, 1);
        assert_eq!(counts.given_up_after_delivery, 1);
        assert_eq!(counts.attempts, 8);
        assert_eq!(counts.delivering_attempt, vec![0, 1]);
        assert_eq!(counts.max_delivering_attempt(), 2);
        assert_eq!(counts.mean_delivering_attempt(), Some(2.0));

        let mut total = DeliveryCounts::default();
        total.add(&counts);
        total.add(&counts);
        assert_eq!(total.generated, 6);
        assert_eq!(total.delivering_attempt, vec![0, 2]);
        assert!(total.balances());
    }
}
