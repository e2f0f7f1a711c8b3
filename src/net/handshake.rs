//! A connection's handshakes: the TCP and TLS flights that open it, full or resumed, what
//! each end sends when a flight reaches it, the TLS bytes of each flight, and the FIN
//! exchange that closes it.
//!
//! TLS round trips before the first request: 1.3 one (ClientHello; the server's whole
//! flight; the client's Finished travels with its first request), 1.2 two (ClientHello;
//! ServerHello…ServerHelloDone; ClientKeyExchange, ChangeCipherSpec, Finished; the
//! server's ChangeCipherSpec and Finished). A resumed session takes one less: 1.3 then
//! sends the request as early data with its ClientHello, 1.2 gets the server's Finished in
//! its first flight.
//!
//! Owns: per client, whether it holds a TLS session it can resume and whether its current
//! connection resumed one; the client's and the server's answer to each flight; each
//! flight's TLS bytes. Does not own: whether the server admits a SYN (the fleet's), the
//! server's handshake CPU (the caller runs it before the server's first flight), sending
//! anything (the caller sends what these functions name), or the bytes below TLS
//! ([`crate::net::tcp`]).

use crate::net::tls::{
    CLIENT_FINISHED_1_2, CLIENT_FINISHED_1_3, END_OF_EARLY_DATA, SERVER_FINISHED_1_2, TlsSizes,
    TlsVersion,
};
use crate::net::wire::Direction;

/// A flight of the handshakes that open a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flight {
    Syn,
    SynAck,
    ClientHello,
    /// The server's first TLS flight (ServerHello to ServerHelloDone, or to Finished).
    ServerHello,
    /// The client's second TLS flight (its key exchange and Finished).
    ClientFinished,
    /// TLS 1.2's server ChangeCipherSpec and Finished.
    ServerFinished,
}

/// The FIN exchange that closes a connection, by the direction of each of its three
/// header-only segments: the closing side's FIN (sent in `closer`), the other side's FIN
/// with its ACK, the last ACK.
pub fn fin_exchange(closer: Direction) -> [Direction; 3] {
    [closer, closer.reverse(), closer]
}

/// What the client does when a flight of the server's reaches it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientStep {
    /// The flight it sends back.
    pub send: Option<Flight>,
    /// The connection is ready for its request now (which follows `send`).
    pub ready: bool,
}

/// What the server does when a flight of the client's reaches it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServerStep {
    /// A SYN: if admitted, answer with a SYN-ACK.
    Accept,
    /// A ClientHello: run the handshake's CPU, then send [`Flight::ServerHello`].
    Handshake,
    /// Send this flight now.
    Send(Flight),
    /// Nothing to answer.
    Nothing,
}

/// One client's TLS session, across its connections.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TlsSession {
    /// The client holds a session it can resume.
    held: bool,
    /// The current connection resumed it.
    resumed: bool,
}

impl TlsSession {
    /// The current connection resumed a session.
    #[inline]
    pub fn resumed(&self) -> bool {
        self.resumed
    }

    /// TLS round trips of the current handshake under `version`.
    pub fn round_trips(&self, version: TlsVersion) -> u32 {
        let full = version.handshake_round_trips();
        if self.resumed {
            full.saturating_sub(1)
        } else {
            full
        }
    }

    /// TLS bytes of `flight` on the current connection.
    pub fn tls_bytes(&self, flight: Flight, version: TlsVersion, sizes: &TlsSizes) -> u64 {
        match (flight, version, self.resumed) {
            (Flight::ClientHello, _, _) => sizes.client_hello,
            (Flight::ServerHello, _, false) => sizes.server_hello,
            (Flight::ServerHello, _, true) => sizes.resumed_server_hello,
            (Flight::ClientFinished, TlsVersion::V1_2, false) => CLIENT_FINISHED_1_2,
            // Resumed 1.2: the client's ChangeCipherSpec and Finished only.
            (Flight::ClientFinished, TlsVersion::V1_2, true) => SERVER_FINISHED_1_2,
            (Flight::ClientFinished, _, false) => CLIENT_FINISHED_1_3,
            (Flight::ClientFinished, _, true) => CLIENT_FINISHED_1_3 + END_OF_EARLY_DATA,
            (Flight::ServerFinished, _, _) => SERVER_FINISHED_1_2,
            (Flight::Syn | Flight::SynAck, _, _) => 0,
        }
    }

    /// The server's `flight` reached the client, whose connection uses `version`;
    /// `resumption`: the scenario lets a held session be resumed.
    ///
    /// # Panics
    /// On a flight the client sends.
    pub fn client_receives(
        &mut self,
        flight: Flight,
        version: TlsVersion,
        resumption: bool,
    ) -> ClientStep {
        let rounds = self.round_trips(version);
        match flight {
            Flight::SynAck if version == TlsVersion::None => ClientStep {
                send: None,
                ready: true,
            },
            Flight::SynAck => {
                self.resumed = resumption && self.held;
                ClientStep {
                    send: Some(Flight::ClientHello),
                    // Early data: the request travels with the ClientHello.
                    ready: self.round_trips(version) == 0,
                }
            }
            Flight::ServerHello => {
                self.held = true;
                ClientStep {
                    send: Some(Flight::ClientFinished),
                    ready: rounds == 1,
                }
            }
            Flight::ServerFinished => ClientStep {
                send: None,
                ready: true,
            },
            other => panic!("{other:?} is not a server flight"),
        }
    }

    /// The client's `flight` reached the server.
    ///
    /// # Panics
    /// On a flight the server sends.
    pub fn server_receives(&self, flight: Flight, version: TlsVersion) -> ServerStep {
        match flight {
            Flight::Syn => ServerStep::Accept,
            Flight::ClientHello => ServerStep::Handshake,
            Flight::ClientFinished if self.round_trips(version) == 2 => {
                ServerStep::Send(Flight::ServerFinished)
            }
            Flight::ClientFinished => ServerStep::Nothing,
            other => panic!("{other:?} is not a client flight"),
        }
    }

    /// The connection closed: the next one resumes only if the client decides so again.
    #[inline]
    pub fn closed(&mut self) {
        self.resumed = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::tls::{
        DEFAULT_CLIENT_HELLO, DEFAULT_RESUMED_SERVER_HELLO, DEFAULT_SERVER_HELLO,
    };

    const SIZES: TlsSizes = TlsSizes {
        client_hello: DEFAULT_CLIENT_HELLO,
        server_hello: DEFAULT_SERVER_HELLO,
        resumption: true,
        resumed_server_hello: DEFAULT_RESUMED_SERVER_HELLO,
    };

    /// A whole handshake between a client holding `session` and the server: each flight in
    /// order with its TLS bytes, and the round trips (client to server and back) before
    /// the client may send its request.
    fn handshake(
        session: &mut TlsSession,
        version: TlsVersion,
        resumption: bool,
    ) -> (Vec<(Flight, u64)>, u32) {
        let mut flights = vec![(Flight::Syn, 0)];
        assert_eq!(
            session.server_receives(Flight::Syn, version),
            ServerStep::Accept
        );
        let mut to_client = Some(Flight::SynAck);
        let mut round_trips = 0;
        loop {
            let Some(flight) = to_client.take() else {
                panic!("the handshake stalled before the connection was ready");
            };
            round_trips += 1;
            flights.push((flight, session.tls_bytes(flight, version, &SIZES)));
            let step = session.client_receives(flight, version, resumption);
            if let Some(reply) = step.send {
                flights.push((reply, session.tls_bytes(reply, version, &SIZES)));
                to_client = match session.server_receives(reply, version) {
                    ServerStep::Handshake => Some(Flight::ServerHello),
                    ServerStep::Send(flight) => Some(flight),
                    ServerStep::Accept => unreachable!("one SYN per connection"),
                    ServerStep::Nothing => None,
                };
            }
            if step.ready {
                // The TCP handshake's round trip is not TLS's.
                return (flights, round_trips - 1);
            }
        }
    }

    #[test]
    fn a_close_is_three_segments_starting_from_the_closer() {
        use Direction::{Down, Up};
        assert_eq!(fin_exchange(Down), [Down, Up, Down]);
        assert_eq!(fin_exchange(Up), [Up, Down, Up]);
    }

    #[test]
    fn plain_tcp_is_ready_after_the_syn_ack() {
        let mut session = TlsSession::default();
        let (flights, rounds) = handshake(&mut session, TlsVersion::None, true);
        assert_eq!(flights, [(Flight::Syn, 0), (Flight::SynAck, 0)]);
        assert_eq!(rounds, 0);
    }

    #[test]
    fn tls_1_3_takes_one_round_trip_and_its_finished_goes_with_the_request() {
        let mut session = TlsSession::default();
        let (flights, rounds) = handshake(&mut session, TlsVersion::V1_3, true);
        assert_eq!(rounds, 1);
        assert_eq!(
            flights,
            [
                (Flight::Syn, 0),
                (Flight::SynAck, 0),
                (Flight::ClientHello, 517),
                (Flight::ServerHello, 4000),
                // ChangeCipherSpec 6 + Finished 58.
                (Flight::ClientFinished, 64),
            ]
        );
    }

    #[test]
    fn tls_1_2_takes_two_round_trips() {
        let mut session = TlsSession::default();
        let (flights, rounds) = handshake(&mut session, TlsVersion::V1_2, true);
        assert_eq!(rounds, 2);
        assert_eq!(
            flights,
            [
                (Flight::Syn, 0),
                (Flight::SynAck, 0),
                (Flight::ClientHello, 517),
                (Flight::ServerHello, 4000),
                // ClientKeyExchange 42 + ChangeCipherSpec 6 + Finished 49.
                (Flight::ClientFinished, 97),
                // ChangeCipherSpec 6 + Finished 49.
                (Flight::ServerFinished, 55),
            ]
        );
    }

    #[test]
    fn a_resumed_1_3_session_sends_its_request_as_early_data() {
        let mut session = TlsSession::default();
        handshake(&mut session, TlsVersion::V1_3, true);
        session.closed();
        let (flights, rounds) = handshake(&mut session, TlsVersion::V1_3, true);
        assert!(session.resumed());
        assert_eq!(rounds, 0, "ready with the ClientHello");
        assert_eq!(
            flights,
            [
                (Flight::Syn, 0),
                (Flight::SynAck, 0),
                (Flight::ClientHello, 517)
            ]
        );
        // The flights that follow the early request: the short server flight, then the
        // client's Finished with EndOfEarlyData (64 + 26).
        assert_eq!(
            session.tls_bytes(Flight::ServerHello, TlsVersion::V1_3, &SIZES),
            200
        );
        assert_eq!(
            session.client_receives(Flight::ServerHello, TlsVersion::V1_3, true),
            ClientStep {
                send: Some(Flight::ClientFinished),
                ready: false
            }
        );
        assert_eq!(
            session.tls_bytes(Flight::ClientFinished, TlsVersion::V1_3, &SIZES),
            90
        );
    }

    #[test]
    fn a_resumed_1_2_session_takes_one_round_trip() {
        let mut session = TlsSession::default();
        handshake(&mut session, TlsVersion::V1_2, true);
        session.closed();
        let (flights, rounds) = handshake(&mut session, TlsVersion::V1_2, true);
        assert_eq!(rounds, 1);
        assert_eq!(
            flights,
            [
                (Flight::Syn, 0),
                (Flight::SynAck, 0),
                (Flight::ClientHello, 517),
                (Flight::ServerHello, 200),
                // The client's ChangeCipherSpec and Finished only.
                (Flight::ClientFinished, 55),
            ]
        );
        assert_eq!(
            session.server_receives(Flight::ClientFinished, TlsVersion::V1_2),
            ServerStep::Nothing
        );
    }

    #[test]
    fn without_resumption_or_a_held_session_the_handshake_is_full() {
        // Resumption off: the second connection pays the full handshake again.
        let mut session = TlsSession::default();
        handshake(&mut session, TlsVersion::V1_3, false);
        session.closed();
        let (_, rounds) = handshake(&mut session, TlsVersion::V1_3, false);
        assert!(!session.resumed());
        assert_eq!(rounds, 1);
        // A client that never finished a handshake holds no session to resume.
        let mut session = TlsSession::default();
        session.client_receives(Flight::SynAck, TlsVersion::V1_3, true);
        assert!(!session.resumed());
    }
}
