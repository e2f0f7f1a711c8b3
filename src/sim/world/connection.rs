//! Routing for a connection's life: the handshakes' flights and the TLS session are
//! [`crate::net::handshake`]'s and the keep-alive idle timer [`crate::net::idle`]'s, kept
//! per client in [`crate::net::connections::Connections`]; here the world sends the
//! flights it is told to, admits a SYN at the front end, runs the server's handshake CPU
//! (an early request waits for it), and closes the connection with the FIN exchange.

use super::World;
use crate::engine::Scheduler;
use crate::ids::Generation;
use crate::infra::fleet::Endpoint;
use crate::metrics::recorder::Count;
use crate::net::handshake::{Flight, ServerStep, fin_exchange};
use crate::net::idle::IdleVerdict;
use crate::net::tcp::PureAcks;
use crate::net::tls::TlsVersion;
use crate::net::wire::{Direction, LayerBytes};
use crate::sim::event::{ClientId, ConnInfo, Event, Job, MsgKind};
use crate::time::{Nanos, SimTime};
use crate::transport::Hold;

/// Connection state of one client, on both ends.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Connection {
    /// A TCP connection exists or is being opened.
    pub open: bool,
    /// The front end admitted its SYN: it counts among the open connections of the front
    /// end, of the proxies on its path and (layer 4) of its replica until it closes.
    pub admitted: bool,
    /// The server has accepted it (paid the accept cost).
    pub accepted: bool,
    /// The endpoint whose memory per connection its replica holds for it (or, at layer 7,
    /// for its request in progress).
    pub charged_as: Endpoint,
    /// When the client opened it, until its first response arrives.
    pub opened_at: Option<SimTime>,
    /// Server: the TLS handshake job has not finished yet.
    pub tls_pending: bool,
    /// Server: a request of this connection is in the CPU.
    pub request_in_job: bool,
    /// Server: a request (TLS 1.3 early data) arrived before the handshake job finished.
    pub early_request: bool,
    /// A request that came as early data is refused (a proxy's `403` to a WebSocket
    /// upgrade, a layer-7 balancer's `503` when no replica can take it): the refusal
    /// follows the handshake, as the refusing hop answers inside the TLS session it
    /// terminates. Answering before the server's TLS flight would let that flight reach a
    /// closed connection.
    pub early_refusal: Option<MsgKind>,
    /// Requests and responses so far on this connection.
    pub info: ConnInfo,
    /// Connections opened so far by this client: the generation of per-connection timers
    /// (HTTP/2 PINGs, heartbeats).
    pub generation: Generation,
}

impl Connection {
    /// The server's process died: a TLS job, a request in the CPU and what came as early
    /// data are gone with it.
    pub fn server_work_lost(&mut self) {
        self.tls_pending = false;
        self.request_in_job = false;
        self.early_request = false;
        self.early_refusal = None;
    }
}

impl World<'_> {
    pub(super) fn tls_version(&self, c: ClientId) -> TlsVersion {
        self.clients[c].tls
    }

    /// TLS bytes of a set-up message on `c`'s connection.
    pub(super) fn tls_setup_bytes(&self, c: ClientId, kind: MsgKind) -> u64 {
        flight(kind).map_or(0, |flight| {
            let version = self.tls_version(c);
            self.connections
                .tls(c.index())
                .tls_bytes(flight, version, &self.scenario.tls)
        })
    }

    /// The client sends its HTTP request, opening a connection first if it has none (the
    /// request then leaves when the handshakes allow).
    pub(super) fn send_request(&mut self, c: ClientId, now: SimTime, s: &mut Scheduler<Event>) {
        let client = &mut self.clients[c];
        self.transports[c].request_sent();
        if client.connection.open {
            self.send_up(c, MsgKind::Request, now, s);
        } else {
            self.request_connection(c, now, s);
        }
    }

    /// A set-up message reached the server.
    pub(super) fn server_setup(
        &mut self,
        c: ClientId,
        kind: MsgKind,
        now: SimTime,
        s: &mut Scheduler<Event>,
    ) {
        let Some(flight) = flight(kind) else {
            unreachable!("{kind:?} is not a client set-up message")
        };
        let version = self.tls_version(c);
        match self
            .connections
            .tls(c.index())
            .server_receives(flight, version)
        {
            ServerStep::Accept => {
                if !self.client_connection_opened(c, now) {
                    self.recorder.count(Count::Refused, now);
                    self.send_down(c, MsgKind::Refused, now, s);
                    return;
                }
                self.recorder.count(Count::ConnectionsOpened, now);
                if let Some(per_channel) = &mut self.per_channel
                    && self.recorder.in_window(now)
                {
                    per_channel.connection_opened(self.layout.channel_of(c));
                }
                self.recorder.series().connection_opened(now);
                self.recorder
                    .series()
                    .connections_now(now, self.fleet.open_connections());
                self.start_lifetime(c, s);
                self.send_down(c, MsgKind::SynAck, now, s);
            }
            ServerStep::Handshake => {
                self.clients[c].connection.tls_pending = true;
                self.run_job(c, Job::TlsHandshake, now, s);
            }
            ServerStep::Send(reply) => self.send_down(c, kind_of(reply), now, s),
            ServerStep::Nothing => {}
        }
    }

    /// The server's handshake CPU is done: its first flight leaves, and an early request
    /// may now be handled.
    pub(super) fn tls_handshake_done(
        &mut self,
        c: ClientId,
        now: SimTime,
        s: &mut Scheduler<Event>,
    ) {
        self.send_down(c, MsgKind::TlsServerHello, now, s);
        let connection = &mut self.clients[c].connection;
        connection.tls_pending = false;
        if let Some(refusal) = connection.early_refusal.take() {
            self.send_down(c, refusal, now, s);
        } else if std::mem::take(&mut connection.early_request) {
            self.handle_request(c, now, s);
        }
    }

    /// A set-up message reached the client. The TCP handshake's final ACK rides on the next
    /// flight.
    pub(super) fn client_setup(
        &mut self,
        c: ClientId,
        kind: MsgKind,
        now: SimTime,
        s: &mut Scheduler<Event>,
    ) {
        if kind == MsgKind::Refused {
            // The SYN met a reset: no connection, and the transport's failure path.
            self.clients[c].connection.open = false;
            self.connection_closed(c, now, s);
            self.connection_lost(c, now, s);
            return;
        }
        let Some(flight) = flight(kind) else {
            unreachable!("{kind:?} is not a server set-up message")
        };
        if flight == Flight::SynAck {
            // The handshake's last ACK goes alone at once: a browser's connect is
            // non-blocking, so no write is pending when the SYN-ACK arrives (Linux's
            // `tcp_rcv_synsent_state_process` delays it only for a pending write).
            let ack = PureAcks {
                expired: None,
                immediate: 1,
            };
            self.count_pure_acks(c, ack, now, Direction::Up);
        }
        let (version, resumption) = (self.tls_version(c), self.scenario.tls.resumption);
        let step = self
            .connections
            .tls_mut(c.index())
            .client_receives(flight, version, resumption);
        if let Some(reply) = step.send {
            self.send_up(c, kind_of(reply), now, s);
        }
        if step.ready {
            self.connection_ready(c, now, s);
        }
    }

    /// Starts the server's HTTP/2 PINGs on `c`'s new connection.
    pub(super) fn start_http2_pings(&mut self, c: ClientId, s: &mut Scheduler<Event>) {
        if let Some(interval) = self.chain.at(self.transports[c].stage()).http2_ping() {
            let generation = self.clients[c].connection.generation;
            s.after(
                interval,
                Event::Http2PingTimer {
                    client: c,
                    generation,
                },
            );
        }
    }

    /// The PING timer of `c`'s connection fired: if that connection is still open, the
    /// server writes a PING (costing `ping` CPU) and sets the next timer.
    pub(super) fn http2_ping_timer(
        &mut self,
        c: ClientId,
        generation: Generation,
        now: SimTime,
        s: &mut Scheduler<Event>,
    ) {
        let connection = &self.clients[c].connection;
        let (Some(interval), true) = (
            self.chain.at(self.transports[c].stage()).http2_ping(),
            connection.open && connection.generation == generation,
        ) else {
            return;
        };
        s.after(
            interval,
            Event::Http2PingTimer {
                client: c,
                generation,
            },
        );
        self.run_job(c, Job::Http2Ping, now, s);
    }

    /// The keep-alive idle timeout of `c`'s connections: its group's, or the server's.
    #[inline]
    fn keepalive_timeout(&self, c: ClientId) -> Option<Nanos> {
        self.keepalive[self.clients[c].group]
    }

    /// Whether `c`'s connection closes after each response (its group sends
    /// `Connection: close`): a REST client's, or an HTTP/1.1 poll's or long poll's (not a
    /// gRPC unary client's: HTTP/2 has no `Connection` header).
    #[inline]
    pub(super) fn closes_after_response(&self, c: ClientId) -> bool {
        self.scenario.groups[self.clients[c].group.index()].connection_close
            && ((self.is_rest(c) && !self.is_unary(c))
                || self
                    .chain
                    .at(self.transports[c].stage())
                    .is_http1_exchange())
    }

    /// `c` read a response with `Connection: close`: the connection closes (the server's
    /// FIN follows the response), and its next request opens a new one.
    pub(super) fn close_after_response(
        &mut self,
        c: ClientId,
        now: SimTime,
        s: &mut Scheduler<Event>,
    ) {
        if self.clients[c].connection.open && self.is_quiet(c) {
            let tabs = self.tabs_on_connection(c);
            self.close_connection(c, &tabs, now, s);
        }
    }

    /// The server answered `c`: its connection may now go idle (see [`crate::net::idle`]).
    pub(super) fn arm_idle_timer(&mut self, c: ClientId, now: SimTime, s: &mut Scheduler<Event>) {
        if let Some(timeout) = self.keepalive_timeout(c)
            && self.connections.idle_mut(c.index()).answered(now)
        {
            s.after(timeout, Event::IdleTimeout(c));
        }
    }

    /// The connection was used at `now`.
    pub(super) fn touch(&mut self, c: ClientId, now: SimTime) {
        self.connections.idle_mut(c.index()).touch(now);
    }

    /// The idle timer fired: the connection closes if it has been idle for the whole
    /// timeout (see [`crate::net::idle`]).
    pub(super) fn idle_timeout(&mut self, c: ClientId, now: SimTime, s: &mut Scheduler<Event>) {
        let Some(timeout) = self.keepalive_timeout(c) else {
            return;
        };
        let open = self.clients[c].connection.open;
        // Over HTTP/2 the connection is idle only when every tab's stream on it is.
        let tabs = if open {
            self.tabs_on_connection(c)
        } else {
            Vec::new()
        };
        let busy: Vec<(usize, bool)> = tabs
            .iter()
            .map(|t| {
                (
                    t.index(),
                    self.transports[*t].request_outstanding() || self.middleboxes.holds(*t),
                )
            })
            .collect();
        match self
            .connections
            .idle_fired(c.index(), open, &busy, now, timeout)
        {
            IdleVerdict::Gone | IdleVerdict::Busy => {}
            IdleVerdict::Rearm(deadline) => s.at(deadline, Event::IdleTimeout(c)),
            IdleVerdict::Close => {
                self.recorder.count(Count::IdleCloses, now);
                self.close_connection(c, &tabs, now, s);
            }
        }
    }

    /// Closes `c`'s connection (carrying `tabs`' streams) with a FIN exchange: FIN from the
    /// closing side, the other's FIN with its ACK, the last ACK — three segments, counted
    /// on the access link. Owed delayed ACKs are settled first.
    pub(super) fn close_connection(
        &mut self,
        c: ClientId,
        tabs: &[ClientId],
        now: SimTime,
        s: &mut Scheduler<Event>,
    ) {
        let header = self.scenario.tcp.header;
        let segment = LayerBytes {
            tcpip: header,
            ..LayerBytes::default()
        };
        // Counted as the server's close, whichever side closes.
        for direction in fin_exchange(Direction::Down) {
            self.count(c, now, direction, segment);
            self.count_packets(direction, now, 1);
        }
        for t in tabs {
            self.client_connection_closed(*t);
        }
        self.recorder
            .series()
            .connections_now(now, self.fleet.open_connections());
        for t in tabs {
            self.settle_acks(*t, now);
            self.clients[*t].crashed = false;
            let connection = &mut self.clients[*t].connection;
            connection.open = false;
            connection.accepted = false;
            self.connections.tls_mut(t.index()).closed();
        }
        self.connection_closed(c, now, s);
    }
}

impl World<'_> {
    /// Nothing of `c`'s connection is in flight in either direction or held at a proxy.
    pub(super) fn is_quiet(&self, c: ClientId) -> bool {
        self.connections.is_quiet(c.index()) && !self.middleboxes.holds(c)
    }

    /// Something of `c`'s connection is on the wire, at a proxy or in the server's CPU (a
    /// request, a TLS handshake, pushes, a held request's answer): a proxy's idle or
    /// lifetime close waits for it to finish, as a graceful close between requests does.
    /// An open batch is not: its events wait for their window, in no job, and a close
    /// hands them back whole (else a stream whose window is always open would never be
    /// quiet).
    pub(super) fn is_busy(&self, c: ClientId) -> bool {
        let client = &self.clients[c];
        !self.is_quiet(c)
            || client.events_in_jobs > self.batches.open_events(c)
            || self.transports[c].hold() == Hold::Answering
            || client.connection.request_in_job
            || client.connection.tls_pending
    }
}

/// The handshake flight a set-up message is (a refusal is none).
fn flight(kind: MsgKind) -> Option<Flight> {
    Some(match kind {
        MsgKind::Syn => Flight::Syn,
        MsgKind::SynAck => Flight::SynAck,
        MsgKind::TlsClientHello => Flight::ClientHello,
        MsgKind::TlsServerHello => Flight::ServerHello,
        MsgKind::TlsClientFinished => Flight::ClientFinished,
        MsgKind::TlsServerFinished => Flight::ServerFinished,
        _ => return None,
    })
}

/// The set-up message that carries `flight`.
fn kind_of(flight: Flight) -> MsgKind {
    match flight {
        Flight::Syn => MsgKind::Syn,
        Flight::SynAck => MsgKind::SynAck,
        Flight::ClientHello => MsgKind::TlsClientHello,
        Flight::ServerHello => MsgKind::TlsServerHello,
        Flight::ClientFinished => MsgKind::TlsClientFinished,
        Flight::ServerFinished => MsgKind::TlsServerFinished,
    }
}
