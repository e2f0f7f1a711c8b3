//! The server CPU that compression adds to a job: the input bytes of what the job writes
//! times the compressor's CPU per byte (`crate::transport::compression::Deflate::cpu`).
//! Asked only when the variant compresses ([`crate::transport::Chain::compresses`]), so a
//! run without compression never comes here.
//!
//! Owns: which bytes a job compresses: a push job its event's payload (a batch's, its events') (SSE fields and
//! heartbeats are left out: a few bytes each), a poll's request job or a long poll's
//! answer job the payloads of the events waiting for the client when the job starts (the
//! response it leads to carries them). Does not own: the cost table (`crate::infra::fleet`)
//! or the compressed sizes (the transports'). The client's own compression and the
//! server's decompression of the client's messages are not charged.

use super::World;
use crate::ids::ClientId;
use crate::sim::event::Job;
use crate::time::Nanos;

impl World<'_> {
    /// The CPU compressing what `job` writes for client `c` costs.
    pub(super) fn compression_cpu(&self, c: ClientId, job: Job) -> Nanos {
        if self.is_rest(c) {
            return 0;
        }
        let machine = self.chain.at(self.transports[c].stage());
        match job {
            Job::Push(n) => machine
                .stream_compressor()
                .map_or(0, |d| d.cpu(self.log.payload(n))),
            Job::Request(_) | Job::Answer(_) => machine.response_compressor().map_or(0, |d| {
                let first = self.clients[c].cursor;
                let count = self.events_so_far.since(first);
                d.cpu(self.log.payloads_for(c, first, count))
            }),
            Job::Batch => machine
                .stream_compressor()
                .map_or(0, |d| d.cpu(self.batch_payload(c))),
            Job::Keepalive | Job::TlsHandshake | Job::Http2Ping | Job::Message(_) => 0,
        }
    }
}
