//! Session state a transport keeps on one replica between requests: Socket.IO's (Engine.IO)
//! HTTP long polling, the fallback of a `websocket` variant, and a long-polling variant
//! with `session: true`. The handshake's answer gives the client a session id; every later
//! request carries it, and only the replica that opened the session knows it. A request
//! that reaches another replica is answered `400 {"code":1,"message":"Session ID unknown"}`
//! (Socket.IO's troubleshooting guide, <https://socket.io/docs/v4/troubleshooting-connection-issues/>),
//! the client opens a new session with a handshake (one more round trip), and the events
//! published since its last answer are lost unless the variant replays them. That is why
//! Socket.IO behind several servers needs sticky sessions
//! (<https://socket.io/docs/v4/using-multiple-nodes/>).
//!
//! The first handshake is folded into the client's first request (its session opens on the
//! replica that answers it; the open packet's bytes are not counted), so a variant whose
//! requests always reach one replica runs exactly as without sessions: only a miss costs.
//!
//! Owns: which replica holds each client's session, the verdict on a request
//! ([`Sessions::request_at`]), and the sizes of the two messages a miss adds. Does not own:
//! the balancer's choice (`crate::infra::balancer`), the lost events' accounting, or the
//! messages' travel (the simulation's).

use crate::ids::{ClientId, ReplicaId};

/// The body of Engine.IO's answer to an unknown session id: `{"code":1,"message":"Session
/// ID unknown"}` (41 bytes; Socket.IO's troubleshooting guide, error code 1).
pub const SESSION_UNKNOWN_BODY: &str = r#"{"code":1,"message":"Session ID unknown"}"#;

/// The whole answer to an unknown session id: `HTTP/1.1 400 Bad Request\r\nContent-Type:
/// application/json\r\nContent-Length: 41\r\n\r\n` (80 bytes) and
/// [`SESSION_UNKNOWN_BODY`]: 121 bytes.
pub const SESSION_UNKNOWN_RESPONSE: u64 = 121;

/// The handshake's open packet, the body of its answer: the example of the Engine.IO
/// protocol, version 4 (<https://socket.io/docs/v4/engine-io-protocol/#handshake>):
/// `0{"sid":"lv_VI97HAXpY6yYWAAAC","upgrades":["websocket"],"pingInterval":25000,
/// "pingTimeout":20000,"maxPayload":1000000}`, 118 bytes.
pub const OPEN_PACKET: u64 = 118;

/// A long-polling step's sessions: what a new session does with the events published
/// while the client had none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Session {
    /// The application resumes from the client's last event (a `websocket` variant with
    /// `resume: replay`): nothing is lost. Otherwise those events are lost
    /// (`lost_by_reason.session`).
    pub replay: bool,
}

/// Where one client's session lives.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
enum Holder {
    /// No request handled yet: the first opens the session.
    #[default]
    Never,
    /// On this replica.
    At(ReplicaId),
    /// Its last request was answered "Session ID unknown": its next one is a handshake.
    Unknown,
}

/// What the replica handling a request does with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// It holds the client's session (or opens it with the client's first request): the
    /// request is served as usual.
    Known,
    /// Another replica holds it: the answer is [`SESSION_UNKNOWN_RESPONSE`].
    Unknown,
    /// The request is the handshake of a new session on this replica: the answer is the
    /// open packet, and the events since the client's last answer are lost or replayed.
    Handshake,
}

/// Per client, the replica holding its session (empty when no step has sessions).
#[derive(Debug, Clone, Default)]
pub struct Sessions {
    holders: Vec<Holder>,
}

impl Sessions {
    /// A table for `clients` clients.
    pub fn new(clients: usize) -> Self {
        Sessions {
            holders: vec![Holder::Never; clients],
        }
    }

    /// `c`'s request is handled at replica `r`: the verdict, and where the session lives
    /// from now on.
    pub fn request_at(&mut self, c: ClientId, r: ReplicaId) -> Verdict {
        let holder = &mut self.holders[c.index()];
        match *holder {
            Holder::Never => {
                *holder = Holder::At(r);
                Verdict::Known
            }
            Holder::At(at) if at == r => Verdict::Known,
            Holder::At(_) => {
                *holder = Holder::Unknown;
                Verdict::Unknown
            }
            Holder::Unknown => {
                *holder = Holder::At(r);
                Verdict::Handshake
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fixed_sizes_are_the_texts_they_cite() {
        assert_eq!(SESSION_UNKNOWN_BODY.len(), 41);
        let head = "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: 41\r\n\r\n";
        assert_eq!(
            (head.len() + SESSION_UNKNOWN_BODY.len()) as u64,
            SESSION_UNKNOWN_RESPONSE
        );
        let open = r#"0{"sid":"lv_VI97HAXpY6yYWAAAC","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}"#;
        assert_eq!(open.len() as u64, OPEN_PACKET);
    }

    #[test]
    fn a_request_elsewhere_misses_and_the_next_opens_a_new_session() {
        let (c, r0, r1) = (ClientId::new(3), ReplicaId::new(0), ReplicaId::new(1));
        let mut s = Sessions::new(4);
        // The first request opens the session where it lands.
        assert_eq!(s.request_at(c, r1), Verdict::Known);
        assert_eq!(s.request_at(c, r1), Verdict::Known);
        // Round robin over two replicas without affinity: a miss, then the handshake
        // lands on the other replica, and the next poll misses again — every second
        // request misses.
        let verdicts: Vec<Verdict> = [r0, r1, r0, r1]
            .iter()
            .map(|r| s.request_at(c, *r))
            .collect();
        assert_eq!(
            verdicts,
            [
                Verdict::Unknown,
                Verdict::Handshake,
                Verdict::Unknown,
                Verdict::Handshake
            ]
        );
        // The last handshake opened it on r1: requests there find it.
        assert_eq!(s.request_at(c, r1), Verdict::Known);
        // Other clients are untouched.
        assert_eq!(s.request_at(ClientId::new(0), r0), Verdict::Known);
    }
}
