//! Short polling: the client asks every interval (plus jitter, from a random phase) on a
//! keep-alive connection; the server answers at once with every event since the last poll.
//!
//! The schedule is fixed like `setInterval`: a tick that finds the previous poll still
//! unanswered is skipped (and counted), since HTTP/1.1 carries one request at a time.

use crate::engine::rng::{RngExt, uniform_below};
use crate::engine::{Nanos, Scheduler};
use crate::scenario::{Encoding, HttpHeaders, TransportKind};
use crate::sim::{ClientId, Event, MsgKind, Protocol, World};
use crate::transport::framing::json_array_overhead;
use crate::workload::EventLog;

pub struct Polling {
    interval: Nanos,
    jitter: Nanos,
    http: HttpHeaders,
    /// `304 Not Modified` header bytes when polls are conditional.
    not_modified: Option<u64>,
}

impl Polling {
    pub fn new(kind: &TransportKind) -> Self {
        match *kind {
            TransportKind::Polling {
                interval,
                jitter,
                http,
                not_modified,
            } => Polling {
                interval,
                jitter,
                http,
                not_modified,
            },
            _ => unreachable!("Polling::new is given a polling variant"),
        }
    }
}

/// `ETag: "<16 hex digits>"\r\n`, added to a `200` of conditional polling.
pub const ETAG: u64 = "ETag: \"0123456789abcdef\"\r\n".len() as u64;
/// `If-None-Match: "<16 hex digits>"\r\n`, added to every conditional poll.
pub const IF_NONE_MATCH: u64 = "If-None-Match: \"0123456789abcdef\"\r\n".len() as u64;

/// Sizes of the request/response exchange shared by polling and long polling: a GET with
/// headers only, and a response whose body is a JSON array of the events.
pub(crate) fn http_exchange_size(http: &HttpHeaders, kind: MsgKind, log: &EventLog) -> (u64, u64) {
    match kind {
        MsgKind::Request => (0, http.request),
        MsgKind::Response { count, .. } => {
            let count = count as u64;
            // A binary payload travels as a base64 JSON string: inflation plus two quotes.
            let per_event = match log.encoding {
                Encoding::Json => 0,
                Encoding::Binary => log.text_inflation() + 2,
            };
            (
                count * log.payload,
                http.response + json_array_overhead(count) + count * per_event,
            )
        }
        other => unreachable!("{other:?} is not part of an HTTP request/response exchange"),
    }
}

impl Protocol for Polling {
    fn size(&self, kind: MsgKind, log: &EventLog) -> (u64, u64) {
        let Some(not_modified) = self.not_modified else {
            return http_exchange_size(&self.http, kind, log);
        };
        // Conditional: the client holds the entity tag of the state it loaded, so every
        // poll revalidates it.
        match kind {
            MsgKind::Request => (0, self.http.request + IF_NONE_MATCH),
            MsgKind::Response { count: 0, .. } => (0, not_modified),
            _ => {
                let (payload, framing) = http_exchange_size(&self.http, kind, log);
                (payload, framing + ETAG)
            }
        }
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

    fn request_handled(w: &mut World<Self>, c: ClientId, now: Nanos, s: &mut Scheduler<Event>) {
        w.register(c);
        w.respond(c, now, s);
    }
}
