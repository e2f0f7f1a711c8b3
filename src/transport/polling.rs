//! Short polling: the client asks every interval (plus jitter, from a random phase) on a
//! keep-alive connection; the server answers at once with every event since the last poll.
//!
//! The schedule is fixed like `setInterval`: a tick that finds the previous poll still
//! unanswered is skipped (and counted), since HTTP/1.1 carries one request at a time.

use serde::Serialize;

use crate::engine::rng::{RngExt, uniform_below};
use crate::time::Nanos;
use crate::transport::empty::EmptyPoll;
use crate::transport::grpc::unary_exchange_size;
use crate::transport::http::{bodiless_response_size, exchange_size};
use crate::transport::machine::{Command, Commands, Facts, Input};
use crate::transport::message::{ConnInfo, MsgKind};
use crate::transport::spec::{HttpHeaders, PollFraming};
use crate::workload::EventLog;

/// When a polling client polls first (`transports[].polling.phase`).
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, serde::Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum PollPhase {
    /// Uniform over the first interval after the client starts (the default).
    #[default]
    Random,
    /// The moment the client starts: clients that start together poll together.
    Aligned,
}

impl PollPhase {
    fn is_random(&self) -> bool {
        *self == PollPhase::Random
    }
}

#[derive(Debug, Clone, Copy, Serialize)]
pub struct Polling {
    /// Time between polls, and the largest random shift of each (uniform in ±jitter).
    pub interval: Nanos,
    pub jitter: Nanos,
    /// When the client polls first.
    #[serde(skip_serializing_if = "PollPhase::is_random")]
    pub phase: PollPhase,
    /// Header sizes of a poll and its answer.
    pub http: HttpHeaders,
    /// `304 Not Modified` header bytes when polls are conditional.
    pub not_modified: Option<u64>,
    /// Plain HTTP, or gRPC unary calls (over HTTP/2).
    pub framing: PollFraming,
    /// How a poll that finds nothing is answered (without conditional requests).
    #[serde(skip_serializing_if = "EmptyPoll::is_empty_array")]
    pub empty: EmptyPoll,
}

/// `ETag: "<16 hex digits>"\r\n`, added to a `200` of conditional polling.
pub const ETAG: u64 = "ETag: \"0123456789abcdef\"\r\n".len() as u64;
/// `If-None-Match: "<16 hex digits>"\r\n`, added to every conditional poll.
pub const IF_NONE_MATCH: u64 = "If-None-Match: \"0123456789abcdef\"\r\n".len() as u64;

impl Polling {
    /// Application-layer sizes of its messages.
    pub fn size(&self, kind: MsgKind, log: &EventLog, conn: ConnInfo) -> (u64, u64) {
        let http = &self.http;
        if let PollFraming::GrpcUnary { request_message } = self.framing {
            return unary_exchange_size(http, request_message, kind, log, conn);
        }
        let Some(not_modified) = self.not_modified else {
            if let Some(sizes) = self.empty.size_of(kind, log, http, conn) {
                return sizes;
            }
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

    /// The client starts at a random phase of the interval (or at once, `aligned`), then
    /// ticks every interval (plus or minus the jitter); a tick that finds its poll
    /// unanswered is skipped. The server answers every poll at once. A failed poll is not
    /// retried: the next tick asks.
    #[inline(always)]
    pub fn on(&self, input: Input, facts: &Facts, out: &mut impl Commands) {
        match input {
            Input::Start => {
                let phase = match self.phase {
                    PollPhase::Random => uniform_below(&mut out.rng().phase, self.interval),
                    PollPhase::Aligned => 0,
                };
                out.push(Command::SetTimer(phase));
            }
            Input::Timer => {
                let gap = if self.jitter == 0 {
                    self.interval
                } else {
                    let offset: u64 = out.rng().jitter.random_range(0..=2 * self.jitter);
                    self.interval - self.jitter + offset
                };
                out.push(Command::SetTimer(gap));
                out.push(if facts.request_outstanding {
                    Command::PollSkipped
                } else {
                    Command::SendRequest
                });
            }
            Input::Lost { .. } => out.push(Command::RequestFailed),
            Input::RequestHandled => {
                out.push(Command::Register);
                out.push(Command::Respond);
            }
            Input::ResponseReceived
            | Input::HoldTimeout { .. }
            | Input::AnswerReady { .. }
            | Input::WindowUpdate { .. } => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::transport::machine::testing::{Recorded, chain, decide};
    use crate::transport::{Command, Facts, Input, Sharing};

    const MS: u64 = 1_000_000;

    #[test]
    fn starts_at_a_random_phase_of_the_interval() {
        let polling = chain("polling: { interval: 1s }");
        let mut phases = Vec::new();
        let mut recorded = Recorded::new();
        for _ in 0..200 {
            recorded.out = Default::default();
            polling.on(0, Input::Start, &Facts::default(), &mut recorded);
            let out = recorded.out;
            let [Command::SetTimer(phase)] = out.as_slice()[..] else {
                panic!("a start sets one timer: {:?}", out.as_slice());
            };
            assert!(phase < 1000 * MS);
            phases.push(phase);
        }
        // Spread over the interval, not bunched (a uniform phase's mean is half of it).
        let mean = phases.iter().sum::<u64>() / phases.len() as u64;
        assert!((400 * MS..600 * MS).contains(&mean), "mean phase {mean}");
    }

    /// `phase: aligned`: every client's first poll is set for the moment it starts, and
    /// the phase stream is not drawn from.
    #[test]
    fn an_aligned_phase_polls_at_once() {
        let polling = chain("polling: { interval: 1s, phase: aligned }");
        for _ in 0..3 {
            assert_eq!(
                decide(&polling, 0, Input::Start, Facts::default()),
                [Command::SetTimer(0)]
            );
        }
    }

    #[test]
    fn ticks_every_interval_plus_or_minus_the_jitter() {
        let exact = chain("polling: { interval: 2s }");
        let idle = Facts::default();
        assert_eq!(
            decide(&exact, 0, Input::Timer, idle),
            [Command::SetTimer(2000 * MS), Command::SendRequest]
        );
        let jittered = chain("polling: { interval: 1s, jitter: 100ms }");
        let mut recorded = Recorded::new();
        let (mut low, mut high) = (u64::MAX, 0);
        for _ in 0..500 {
            recorded.out = Default::default();
            jittered.on(0, Input::Timer, &idle, &mut recorded);
            let out = recorded.out;
            let [Command::SetTimer(gap), Command::SendRequest] = out.as_slice()[..] else {
                panic!("{:?}", out.as_slice());
            };
            low = low.min(gap);
            high = high.max(gap);
        }
        assert!(low >= 900 * MS && high <= 1100 * MS, "{low}..{high}");
        assert!(
            low < 920 * MS && high > 1080 * MS,
            "the whole range is drawn"
        );
    }

    #[test]
    fn a_tick_with_the_poll_unanswered_is_skipped() {
        let polling = chain("polling: { interval: 1s }");
        let waiting = Facts {
            request_outstanding: true,
            ..Facts::default()
        };
        assert_eq!(
            decide(&polling, 0, Input::Timer, waiting),
            [Command::SetTimer(1000 * MS), Command::PollSkipped]
        );
    }

    #[test]
    fn the_server_answers_at_once_and_a_failed_poll_waits_for_the_next_tick() {
        let polling = chain("polling: { interval: 1s }");
        let facts = Facts::default();
        assert_eq!(
            decide(&polling, 0, Input::RequestHandled, facts),
            [Command::Register, Command::Respond]
        );
        let lost = Input::Lost {
            failed: true,
            denied: false,
        };
        assert_eq!(decide(&polling, 0, lost, facts), [Command::RequestFailed]);
        assert_eq!(decide(&polling, 0, Input::ResponseReceived, facts), []);
    }

    /// Issue 18, an empty poll's status: the bytes of each answer, spelled out.
    #[test]
    fn an_empty_poll_is_sized_as_its_status_headers_and_body_are() {
        use crate::ids::EventNo;
        use crate::transport::machine::testing::log_of;
        use crate::transport::message::{ConnInfo, MsgKind};
        // One event (40 bytes) in the log: a poll over [0, 1) carries it, one over [1, 1)
        // finds nothing.
        let log = log_of(vec![(1, 40)]);
        let conn = ConnInfo::default();
        let empty = MsgKind::Response {
            first: EventNo::new(1),
            count: 0,
        };
        let full = MsgKind::Response {
            first: EventNo::new(0),
            count: 1,
        };
        let size = |yaml: &str, kind| chain(yaml).primary().size(kind, &log, conn);
        // Default: `200 OK` with `[]`: the 220 B of response headers and 2 B of body.
        assert_eq!(size("polling: { interval: 1s }", empty), (0, 220 + 2));
        assert_eq!(
            size("polling: { interval: 1s, empty: 200 }", empty),
            (0, 222)
        );
        // `204`: "HTTP/1.1 204 No Content\r\n" (25) for "HTTP/1.1 200 OK\r\n" (17), and no
        // "Content-Type: application/json\r\n" (32) nor "Content-Length: 2\r\n" (19):
        // 220 - 17 - 32 - 19 + 25 = 177, no body.
        let no_content = "polling: { interval: 1s, empty: 204 }";
        assert_eq!(size(no_content, empty), (0, 177));
        let h1 = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n";
        let h2 = "HTTP/1.1 204 No Content\r\n";
        assert_eq!(220 - h1.len() as u64 + h2.len() as u64, 177);
        // An answer with the event is unchanged: 220 + `[` + 40 + `]`.
        assert_eq!(size(no_content, full), (40, 222));
        // `200` with `{"events":[]}` (13 bytes).
        let object = r#"polling: { interval: 1s, empty_body: '{"events":[]}' }"#;
        assert_eq!(size(object, empty), (0, 220 + 13));
        // Over HTTP/2 a 204 is a HEADERS frame that ends the stream, with no DATA frame:
        // the 9-byte frame header and the Huffman-coded 177 bytes (80 %: 141.6, rounded up
        // to 142), after the server's preface on a connection's first response.
        let h2 = "polling: { interval: 1s, empty: 204, http2: true }";
        let preface = crate::transport::http2::SERVER_PREFACE;
        assert_eq!(size(h2, empty), (0, preface + 9 + 142));
    }

    #[test]
    fn http1_polls_share_six_connections_per_browser() {
        let polling = chain("polling: { interval: 1s }");
        assert_eq!(polling.primary().sharing(), Sharing::Limited(6));
        assert_eq!(polling.primary().keepalive(), None);
    }
}
