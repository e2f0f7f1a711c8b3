//! Long polling: the server holds each request until an event arrives (then answers with
//! every pending event) or the timeout passes (then answers empty); the client asks again
//! as soon as an answer arrives, on the same keep-alive connection. Events that land
//! between two requests wait at the server and go into the next answer.

use serde::Serialize;

use crate::time::Nanos;
use crate::transport::empty::EmptyPoll;
use crate::transport::http::exchange_size;
use crate::transport::machine::{Command, Commands, Facts, Hold, Input};
use crate::transport::message::{ConnInfo, MsgKind};
use crate::transport::session::{OPEN_PACKET, Session};
use crate::transport::spec::{HttpHeaders, ReconnectPolicy};
use crate::workload::EventLog;

/// Long polling's settings and behaviour (a WebSocket variant may fall back to it).
#[derive(Debug, Clone, Copy, Serialize)]
pub struct LongPolling {
    /// How long the server holds a request before answering it empty.
    pub timeout: Nanos,
    /// Header sizes of a request and its answer.
    pub http: HttpHeaders,
    pub reconnect: ReconnectPolicy,
    /// Session state on the replica that opened it (Socket.IO-style); `None`: every
    /// request is stateless and any replica answers it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session: Option<Session>,
    /// How a request the timeout answers (finding no event) is answered.
    #[serde(skip_serializing_if = "EmptyPoll::is_empty_array")]
    pub empty: EmptyPoll,
}

impl LongPolling {
    /// Application-layer sizes of its messages.
    pub fn size(&self, kind: MsgKind, log: &EventLog, conn: ConnInfo) -> (u64, u64) {
        let http = &self.http;
        if kind == MsgKind::SessionOpen {
            // The handshake's answer: the response headers and the open packet.
            return (
                0,
                http.response_bytes(http.response, conn)
                    + OPEN_PACKET
                    + http.body_bytes(OPEN_PACKET),
            );
        }
        if let Some(sizes) = self.empty.size_of(kind, log, http, conn) {
            return sizes;
        }
        exchange_size(http, http.request, http.response, kind, log, conn)
    }

    /// The client asks at once and again as soon as an answer arrives. The server answers
    /// at once if events wait, else holds the request until one arrives (the simulation
    /// answers the requests a replica holds when it gets an event) or the timeout passes;
    /// writing the answer is a CPU job. A failed request is asked again after the
    /// reconnect policy's pause (the seeds' `setTimeout(longPoll, 2000)`).
    #[inline(always)]
    pub fn on(&self, input: Input, facts: &Facts, out: &mut impl Commands) {
        match input {
            Input::Start | Input::Timer | Input::ResponseReceived => out.push(Command::SendRequest),
            Input::RequestHandled => {
                out.push(Command::Register);
                out.push(Command::RespondOrHold {
                    timeout: self.timeout,
                });
            }
            Input::HoldTimeout { current } => {
                if facts.hold == Hold::Held && current {
                    out.push(Command::ScheduleAnswer);
                }
            }
            Input::AnswerReady { current } => {
                // A dropped connection voids its answer.
                if facts.hold == Hold::Answering && current {
                    out.push(Command::AnswerHeld);
                }
            }
            Input::Lost { .. } => {
                if facts.request_outstanding {
                    out.push(Command::Reconnect(self.reconnect));
                }
            }
            Input::WindowUpdate { .. } => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::transport::machine::testing::{chain, decide};
    use crate::transport::{Command, Delivery, Facts, Hold, Input};

    const SECOND: u64 = 1_000_000_000;

    /// Issue 18: the answer to a request the timeout ends is sized like an empty short
    /// poll's, `200` with `[]` by default, `204` 43 B shorter and bodiless, or another body;
    /// an answer that carries events is unchanged.
    #[test]
    fn a_timed_out_request_is_answered_as_its_empty_answer_says() {
        use crate::ids::EventNo;
        use crate::transport::machine::testing::log_of;
        use crate::transport::message::{ConnInfo, MsgKind};
        let log = log_of(vec![(1, 40)]);
        let conn = ConnInfo::default();
        let timed_out = MsgKind::Response {
            first: EventNo::new(1),
            count: 0,
        };
        let answered = MsgKind::Response {
            first: EventNo::new(0),
            count: 1,
        };
        let size = |yaml: &str, kind| chain(yaml).primary().size(kind, &log, conn);
        assert_eq!(size("long_polling: {}", timed_out), (0, 220 + 2));
        let no_content = "long_polling: { empty: 204 }";
        assert_eq!(size(no_content, timed_out), (0, 220 - 43));
        assert_eq!(size(no_content, answered), (40, 222));
        let object = r#"long_polling: { empty_body: '{"events":[]}' }"#;
        assert_eq!(size(object, timed_out), (0, 220 + 13));
    }

    #[test]
    fn asks_at_once_and_again_after_each_answer() {
        let lp = chain("long_polling: { timeout: 30s }");
        for input in [Input::Start, Input::Timer, Input::ResponseReceived] {
            assert_eq!(
                decide(&lp, 0, input, Facts::default()),
                [Command::SendRequest]
            );
        }
    }

    #[test]
    fn the_server_answers_or_holds_until_the_timeout() {
        let lp = chain("long_polling: { timeout: 30s }");
        assert_eq!(
            decide(&lp, 0, Input::RequestHandled, Facts::default()),
            [
                Command::Register,
                Command::RespondOrHold {
                    timeout: 30 * SECOND
                }
            ]
        );
        assert_eq!(
            lp.delivery(),
            Delivery {
                held_requests: true,
                ..Delivery::default()
            }
        );
    }

    #[test]
    fn a_timeout_answers_only_the_request_held_now() {
        let lp = chain("long_polling: { timeout: 30s }");
        let held = Facts {
            hold: Hold::Held,
            ..Facts::default()
        };
        let timeout = |current| Input::HoldTimeout { current };
        assert_eq!(
            decide(&lp, 0, timeout(true), held),
            [Command::ScheduleAnswer]
        );
        // A timer set for an earlier request, or a request already being answered.
        assert_eq!(decide(&lp, 0, timeout(false), held), []);
        let answering = Facts {
            hold: Hold::Answering,
            ..held
        };
        assert_eq!(decide(&lp, 0, timeout(true), answering), []);
        assert_eq!(decide(&lp, 0, timeout(true), Facts::default()), []);
    }

    #[test]
    fn a_written_answer_is_sent_unless_its_request_was_dropped() {
        let lp = chain("long_polling: { timeout: 30s }");
        let answering = Facts {
            hold: Hold::Answering,
            ..Facts::default()
        };
        let ready = |current| Input::AnswerReady { current };
        assert_eq!(
            decide(&lp, 0, ready(true), answering),
            [Command::AnswerHeld]
        );
        assert_eq!(decide(&lp, 0, ready(false), answering), []);
        assert_eq!(decide(&lp, 0, ready(true), Facts::default()), []);
    }

    #[test]
    fn a_failed_request_is_asked_again_after_the_reconnect_delay() {
        let lp = chain("long_polling: { timeout: 30s, reconnect: { backoff: fixed, delay: 2s } }");
        let lost = Input::Lost {
            failed: false,
            denied: false,
        };
        let waiting = Facts {
            request_outstanding: true,
            ..Facts::default()
        };
        let [Command::Reconnect(policy)] = decide(&lp, 0, lost, waiting)[..] else {
            panic!("a lost request is retried");
        };
        assert_eq!(policy.delay, 2 * SECOND);
        // Nothing was outstanding (the connection closed between requests): nothing to do.
        assert_eq!(decide(&lp, 0, lost, Facts::default()), []);
    }
}
