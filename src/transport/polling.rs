//! Short polling: the client asks every interval (plus jitter, from a random phase) on a
//! keep-alive connection; the server answers at once with every event since the last poll.
//!
//! The schedule is fixed like `setInterval`: a tick that finds the previous poll still
//! unanswered is skipped (and counted), since HTTP/1.1 carries one request at a time.

use crate::engine::Scheduler;
use crate::engine::rng::{RngExt, uniform_below};
use crate::scenario::{HttpHeaders, PollFraming, TransportKind};
use crate::sim::{ClientId, ConnInfo, Event, MsgKind, Protocol, Sharing, World};
use crate::time::Nanos;
use crate::transport::grpc::unary_exchange_size;
use crate::transport::http::{bodiless_response_size, exchange_size};
use crate::workload::EventLog;

pub struct Polling {
    interval: Nanos,
    jitter: Nanos,
    http: HttpHeaders,
    /// `304 Not Modified` header bytes when polls are conditional.
    not_modified: Option<u64>,
    framing: PollFraming,
}

impl Polling {
    pub fn new(kind: &TransportKind) -> Self {
        match *kind {
            TransportKind::Polling {
                interval,
                jitter,
                http,
                not_modified,
                framing,
            } => Polling {
                interval,
                jitter,
                http,
                not_modified,
                framing,
            },
            _ => unreachable!("Polling::new is given a polling variant"),
        }
    }
}

/// `ETag: "<16 hex digits>"\r\n`, added to a `200` of conditional polling.
pub const ETAG: u64 = "ETag: \"0123456789abcdef\"\r\n".len() as u64;
/// `If-None-Match: "<16 hex digits>"\r\n`, added to every conditional poll.
pub const IF_NONE_MATCH: u64 = "If-None-Match: \"0123456789abcdef\"\r\n".len() as u64;

impl Protocol for Polling {
    fn size(&self, kind: MsgKind, log: &EventLog, conn: ConnInfo) -> (u64, u64) {
        let http = &self.http;
        if let PollFraming::GrpcUnary { request_message } = self.framing {
            return unary_exchange_size(http, request_message, kind, log, conn);
        }
        let Some(not_modified) = self.not_modified else {
            return exchange_size(http, http.request, http.response, kind, log, conn);
        };
        // Conditional: the client holds the entity tag of the state it loaded, so every
        // poll revalidates it.
        match kind {
            MsgKind::Response { count: 0, .. } => bodiless_response_size(http, not_modified, conn),
            _ => exchange_size(
                http,
                http.request + IF_NONE_MATCH,
                http.response + ETAG,
                kind,
                log,
                conn,
            ),
        }
    }

    fn http2_window(&self) -> Option<u64> {
        self.http.http2_window()
    }

    fn sharing(&self) -> Sharing {
        self.http.sharing()
    }

    fn http2_ping(&self) -> Option<Nanos> {
        self.http.http2_ping()
    }

    fn start(w: &mut World<Self>, c: ClientId, _now: Nanos, s: &mut Scheduler<Event>) {
        let group = w.clients[c as usize].group as usize;
        let phase = uniform_below(&mut w.poll_rng[group].0, w.protocol.interval);
        s.after(phase, Event::ClientTimer(c));
    }

    fn client_timer(w: &mut World<Self>, c: ClientId, now: Nanos, s: &mut Scheduler<Event>) {
        let group = w.clients[c as usize].group as usize;
        let (interval, jitter) = (w.protocol.interval, w.protocol.jitter);
        let gap = if jitter == 0 {
            interval
        } else {
            let offset: u64 = w.poll_rng[group].1.random_range(0..=2 * jitter);
            interval - jitter + offset
        };
        s.after(gap, Event::ClientTimer(c));
        if w.clients[c as usize].request_outstanding {
            w.poll_skipped(now);
        } else {
            w.send_request(c, now, s);
        }
    }

    /// A failed poll: the next tick tries again.
    fn connection_lost(w: &mut World<Self>, c: ClientId, _now: Nanos, _s: &mut Scheduler<Event>) {
        w.clients[c as usize].request_outstanding = false;
    }

    fn request_handled(w: &mut World<Self>, c: ClientId, now: Nanos, s: &mut Scheduler<Event>) {
        w.register(c);
        w.respond(c, now, s);
    }
}
