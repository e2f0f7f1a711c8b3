//! What a two-way run measured of the clients' messages: how many were written, published
//! and lost, their latencies (written → published at the server, written → delivered to
//! another client), and the bytes they cost; and, when the server publishes them as
//! events, which event of the run carries which message.
//!
//! Events are numbered as the server creates them: in a run that publishes messages, the
//! run keeps its own event log (workload events and published messages in creation order),
//! and this module notes for each number the message it publishes, or none, so that a
//! delivery can be traced back to its writer. That note serves only the end-to-end
//! latency, so it lives here with the other measurements rather than in the workload,
//! which draws the messages once per scenario and never sees a run.
//!
//! Owns: the run's message counts, the messages inside the server's CPU per client (a crash
//! voids them), the per-event message note, the latency recorders and the window's byte
//! counts. Does not own: the messages themselves (the workload's), the event log, the
//! measurement window (the caller passes its bounds or says whether a moment is in it), or
//! whether a lost REST request is sent again (the outbox's decision,
//! [`crate::transport::outbox`]).

use crate::ids::{ClientId, EventNo, MessageNo};
use crate::metrics::{LatencyRecorder, MessageResult, fixed};
use crate::net::wire::{Direction, LayerBytes, WireBytes};
use crate::time::SimTime;

/// An event that publishes no message: the workload's.
const NO_MESSAGE: MessageNo = MessageNo::new(u32::MAX);

/// The message measurements of one run.
#[derive(Debug, Default)]
pub struct MessageMetrics {
    /// Per client or REST client: its messages in the server's CPU.
    in_jobs: Vec<u32>,
    /// Per event of the run: the message it publishes, or [`NO_MESSAGE`].
    event_message: Vec<MessageNo>,
    /// Messages written by the clients, published by the server, lost on the way (whole
    /// run).
    written: u64,
    published: u64,
    lost: u64,
    /// Within the window: messages written, and their bytes by direction and layer.
    written_in_window: u64,
    bytes: WireBytes,
    to_server: LatencyRecorder,
    end_to_end: LatencyRecorder,
}

impl MessageMetrics {
    /// The measurements of `senders` clients (visible and REST) that may have messages
    /// in the server's CPU; nothing counted yet.
    pub fn new(senders: usize) -> Self {
        MessageMetrics {
            in_jobs: vec![0; senders],
            ..MessageMetrics::default()
        }
    }

    /// A client wrote a message; `in_window`: at a moment inside the measurement window.
    pub fn written(&mut self, in_window: bool) {
        self.written += 1;
        if in_window {
            self.written_in_window += 1;
        }
    }

    /// A CPU job of the server reads a message sent by `c`.
    pub fn job_started(&mut self, c: ClientId) {
        self.in_jobs[c] += 1;
    }

    /// The server is done with a message `c` sent (handled, or its request voided).
    pub fn job_ended(&mut self, c: ClientId) {
        self.in_jobs[c] -= 1;
    }

    /// `c`'s replica crashed with its messages in the CPU: they are gone, and `lost` says
    /// whether they count as lost (a REST client sends them again: it never got an answer).
    pub fn crashed(&mut self, c: ClientId, lost: bool) {
        if self.in_jobs.is_empty() {
            return;
        }
        let in_jobs = std::mem::take(&mut self.in_jobs[c]);
        if lost {
            self.lost += u64::from(in_jobs);
        }
    }

    /// A message reached a crashed connection: nobody reads it.
    pub fn dropped(&mut self) {
        self.lost += 1;
    }

    /// A message written at `written_at` was published at `now`; its latency to the
    /// server counts when it was written within the window `[warmup, end)`.
    pub fn published(
        &mut self,
        written_at: SimTime,
        now: SimTime,
        (warmup, end): (SimTime, SimTime),
    ) {
        self.published += 1;
        if written_at >= warmup && written_at < end {
            self.to_server.record(now.since(written_at));
        }
    }

    /// The run's next event is a workload event (it publishes no message).
    pub fn numbered_workload_event(&mut self) {
        self.event_message.push(NO_MESSAGE);
    }

    /// The run's next event publishes message `k`.
    pub fn numbered_message(&mut self, k: MessageNo) {
        self.event_message.push(k);
    }

    /// The message event `n` publishes (`None` for a workload event, or when the run does
    /// not number its events).
    #[inline]
    pub fn message_of(&self, n: EventNo) -> Option<MessageNo> {
        match self.event_message.get(n.index()) {
            Some(&k) if k != NO_MESSAGE => Some(k),
            _ => None,
        }
    }

    /// A message that `writer` wrote at `written_at` reached client `to` at `now`: its
    /// end-to-end latency counts when it reached another client and was written after
    /// `warmup`.
    #[inline]
    pub fn delivered(
        &mut self,
        (writer, written_at): (ClientId, SimTime),
        to: ClientId,
        now: SimTime,
        warmup: SimTime,
    ) {
        if writer != to && written_at >= warmup {
            self.end_to_end.record(now.since(written_at));
        }
    }

    /// Counts `bytes` of message traffic (an upload, or anything of a REST client's).
    #[inline]
    pub fn count_bytes(&mut self, direction: Direction, bytes: LayerBytes) {
        self.bytes.direction_mut(direction).add(bytes);
    }

    /// What the run measured.
    pub fn result(&self) -> MessageResult {
        let per_message = |bytes: u64| {
            if self.written_in_window == 0 {
                0.0
            } else {
                fixed(bytes as f64 / self.written_in_window as f64, 1)
            }
        };
        MessageResult {
            written: self.written,
            published: self.published,
            lost: self.lost,
            in_flight: self.written - self.published - self.lost,
            to_server: self.to_server.summary(),
            end_to_end: self.end_to_end.summary(),
            bytes_up_per_message: per_message(self.bytes.up.total()),
            bytes_down_per_message: per_message(self.bytes.down.total()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::time::Nanos;

    const MS: Nanos = 1_000_000;

    /// The instant `ms` milliseconds into the run.
    fn t(ms: u64) -> SimTime {
        SimTime::from_nanos(ms * MS)
    }

    fn id(c: u32) -> ClientId {
        ClientId::new(c)
    }

    #[test]
    fn counts_add_up_to_written() {
        let mut m = MessageMetrics::new(4);
        for in_window in [false, true, true, true] {
            m.written(in_window);
        }
        m.published(t(0), t(5), (t(0), t(100)));
        m.dropped();
        let r = m.result();
        assert_eq!((r.written, r.published, r.lost, r.in_flight), (4, 1, 1, 2));
    }

    /// A crash loses the stream messages in the CPU; a REST client's are not lost (it
    /// sends them again), and either way the CPU holds none after.
    #[test]
    fn a_crash_loses_stream_messages_in_the_cpu_only() {
        let mut m = MessageMetrics::new(4);
        for _ in 0..4 {
            m.written(true);
        }
        m.job_started(id(0));
        m.job_started(id(0));
        m.job_started(id(1));
        m.job_ended(id(1));
        m.job_started(id(3));
        m.crashed(id(0), true);
        m.crashed(id(3), false);
        assert_eq!(m.result().lost, 2);
        m.crashed(id(0), true);
        assert_eq!(m.result().lost, 2);
        // A run without messages has no CPU count to void.
        MessageMetrics::default().crashed(id(0), true);
    }

    #[test]
    fn latency_to_the_server_counts_messages_written_in_the_window() {
        let mut m = MessageMetrics::new(1);
        for _ in 0..3 {
            m.written(true);
        }
        m.published(t(5), t(8), (t(10), t(100)));
        m.published(t(100), t(130), (t(10), t(100)));
        assert_eq!(m.result().to_server, None);
        m.published(t(10), t(14), (t(10), t(100)));
        let summary = m.result().to_server.expect("one message in the window");
        assert_eq!(summary.samples, 1);
    }

    /// Events numbered at run time: workload events carry no message, published ones
    /// their message, in creation order.
    #[test]
    fn numbering_notes_which_event_carries_which_message() {
        let mut m = MessageMetrics::new(1);
        assert_eq!(m.message_of(EventNo::FIRST), None);
        m.numbered_workload_event();
        m.numbered_message(MessageNo::new(7));
        m.numbered_workload_event();
        m.numbered_message(MessageNo::new(2));
        assert_eq!(
            (0..5)
                .map(|n| m.message_of(EventNo::new(n)))
                .collect::<Vec<_>>(),
            [None, Some(7), None, Some(2), None].map(|k| k.map(MessageNo::new))
        );
    }

    #[test]
    fn end_to_end_counts_other_clients_after_the_warmup() {
        let mut m = MessageMetrics::new(2);
        // Its own writer, and a message written in the warmup: not counted.
        m.delivered((id(0), t(20)), id(0), t(30), t(10));
        m.delivered((id(0), t(5)), id(1), t(30), t(10));
        assert_eq!(m.result().end_to_end, None);
        m.delivered((id(0), t(20)), id(1), t(30), t(10));
        assert_eq!(m.result().end_to_end.expect("one").samples, 1);
    }

    #[test]
    fn bytes_are_per_message_written_in_the_window() {
        let mut m = MessageMetrics::new(1);
        assert_eq!(m.result().bytes_up_per_message, 0.0);
        m.written(true);
        m.written(true);
        m.written(false);
        let frame = LayerBytes {
            payload: 100,
            framing: 6,
            ..LayerBytes::default()
        };
        m.count_bytes(Direction::Up, frame);
        m.count_bytes(Direction::Up, frame);
        m.count_bytes(Direction::Down, frame);
        let r = m.result();
        assert_eq!(r.bytes_up_per_message, 106.0);
        assert_eq!(r.bytes_down_per_message, 53.0);
    }
}
