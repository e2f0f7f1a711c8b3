//! Routing for server-side batching (an application batch window on a stream): which
//! events a client's open batch holds, and when it closes, are
//! [`crate::transport::batch::Batches`]'s; here the world opens a window as the first
//! event joins (a [`Event::BatchDue`] at its end), runs one push job per closed batch (the
//! per-message cost once, the per-byte cost on every event's payload), and writes the
//! batch as one message ([`MsgKind::Batch`], sized by the transport) when the job is done.
//!
//! A batched event is handed out as a push job's is: the client's cursor passes it and it
//! counts in `events_in_jobs` until its batch is on the wire, so an ended stream hands the
//! open batch and the batches in jobs back whole ([`World::withdraw_handed_out`]).

use super::World;
use crate::engine::Scheduler;
use crate::ids::EventNo;
use crate::sim::event::{ClientId, Event, Job, MsgKind};
use crate::time::{Nanos, SimTime};
use crate::transport::batch::{Finished, Span};
use crate::transport::grpc::repeated_field;

impl World<'_> {
    /// The batch window of `c`'s step, if its pushes are batched.
    #[inline(always)]
    pub(super) fn batch_window(&self, c: ClientId) -> Option<Nanos> {
        if !self.chain.batches() {
            return None;
        }
        self.chain.profile(self.transports[c].stage()).batch
    }

    /// Event `n`, handed out to `c` (its cursor passed it, counted in its jobs), joins its
    /// batch; the first of a batch opens a window of `window`. An event at the very end of
    /// a window closes it (its push job starts) and opens the next.
    pub(super) fn batch_event(
        &mut self,
        c: ClientId,
        n: EventNo,
        window: Nanos,
        now: SimTime,
        s: &mut Scheduler<Event>,
    ) {
        let added = self.batches.add(c, n, now, window);
        if let Some(span) = added.closed {
            self.batch_closed(c, span, now, s);
        }
        if let Some((due, generation)) = added.opened {
            s.at(
                due,
                Event::BatchDue {
                    client: c,
                    generation,
                },
            );
        }
    }

    /// The window of `generation` of `c`'s batch ended: one push job writes the batch
    /// (nothing when its stream ended since, its events handed back, or an event at the
    /// window's end closed it already).
    pub(super) fn batch_due(
        &mut self,
        c: ClientId,
        generation: u32,
        now: SimTime,
        s: &mut Scheduler<Event>,
    ) {
        if let Some(span) = self.batches.due(c, generation) {
            self.batch_closed(c, span, now, s);
        }
    }

    /// `c`'s batch `span` closed: one push job writes it. Under HTTP/2 flow control (gRPC)
    /// the window, charged each event's element of the repeated field as it joined, is
    /// charged the message's prefix and frame headers now.
    fn batch_closed(&mut self, c: ClientId, span: Span, now: SimTime, s: &mut Scheduler<Event>) {
        if self.delivery.window.is_some() {
            let info = self.clients[c].connection.info;
            let kind = MsgKind::Batch {
                first: span.first,
                count: span.len(),
            };
            let machine = self.chain.at(self.transports[c].stage());
            let (payload, framing) = machine.size(kind, &self.log, info);
            let elements: u64 = (self.log)
                .matching(c, span.first, span.len())
                .map(|n| repeated_field(self.log.protobuf(n)))
                .sum();
            self.connections
                .window_mut(c.index())
                .wrote((payload + framing).saturating_sub(elements));
        }
        self.run_job(c, Job::Batch, now, s);
    }

    /// The bytes of event `n` an HTTP/2 window is charged as it joins `c`'s batch: its
    /// element of the batch message's repeated field.
    pub(super) fn batched_window_bytes(&self, n: EventNo) -> u64 {
        repeated_field(self.log.protobuf(n))
    }

    /// The payload bytes of `c`'s batch whose job starts now (what the per-byte cost and a
    /// compressor see).
    pub(super) fn batch_payload(&self, c: ClientId) -> u64 {
        let span = (self.batches.newest_in_job(c))
            .expect("a batch job starts right after its batch closes");
        self.log.payloads_for(c, span.first, span.len())
    }

    /// A batch push job of `c` finished: its batch goes on the wire as one message, or —
    /// its stream ended while it ran — the job is dropped.
    pub(super) fn batch_written(&mut self, c: ClientId, now: SimTime, s: &mut Scheduler<Event>) {
        match self.batches.finished(c) {
            Finished::Stale => self.finish_close_if_drained(c, now, s),
            Finished::Write(span) => {
                let client = &mut self.clients[c];
                client.events_in_jobs -= u64::from(span.events);
                let kind = MsgKind::Batch {
                    first: span.first,
                    count: span.len(),
                };
                self.send_down(c, kind, now, s);
            }
        }
    }
}
