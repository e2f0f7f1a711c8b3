//! A connection's life: TCP and TLS handshakes (full or resumed), the server's keep-alive
//! idle timeout and the FIN exchange that closes it.
//!
//! TLS round trips before the first request: 1.3 one, 1.2 two; a resumed session one less
//! (1.3 then sends the request as early data with its ClientHello). The server's handshake
//! CPU runs before its first flight; an early request waits for it.

use super::World;
use crate::engine::Scheduler;
use crate::metrics::recorder::Count;
use crate::net::tls::{
    CLIENT_FINISHED_1_2, CLIENT_FINISHED_1_3, END_OF_EARLY_DATA, SERVER_FINISHED_1_2, TlsVersion,
};
use crate::net::wire::{Direction, LayerBytes};
use crate::sim::event::{ClientId, ConnInfo, Event, Job, MsgKind};
use crate::time::Nanos;
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
    /// When the client opened it, until its first response arrives.
    pub opened_at: Option<Nanos>,
    /// The client holds a TLS session it can resume.
    pub tls_session: bool,
    /// The current connection resumed a session.
    pub tls_resumed: bool,
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
    /// Server: the connection's last use (request arrival or response).
    pub last_active: Nanos,
    /// Server: an idle-timer event is pending for this connection.
    pub idle_timer_armed: bool,
    /// Requests and responses so far on this connection.
    pub info: ConnInfo,
    /// HTTP/2 DATA bytes the client consumed since its last WINDOW_UPDATE.
    pub unacknowledged_data: u64,
    /// Connections opened so far by this client: the generation of per-connection timers
    /// (HTTP/2 PINGs, heartbeats).
    pub generation: u32,
    /// The last bytes through a proxy, and whether the proxy's idle timer is pending.
    pub last_traffic: Nanos,
    pub proxy_timer_armed: bool,
}

impl World<'_> {
    pub(super) fn tls_version(&self, c: ClientId) -> TlsVersion {
        self.clients[c].tls
    }

    /// TLS round trips of `c`'s current handshake.
    fn tls_round_trips(&self, c: ClientId) -> u32 {
        let full = self.tls_version(c).handshake_round_trips();
        if self.clients[c].connection.tls_resumed {
            full.saturating_sub(1)
        } else {
            full
        }
    }

    /// TLS bytes of a set-up message on `c`'s connection.
    pub(super) fn tls_setup_bytes(&self, c: ClientId, kind: MsgKind) -> u64 {
        let sizes = &self.scenario.tls;
        let resumed = self.clients[c].connection.tls_resumed;
        match (kind, self.tls_version(c), resumed) {
            (MsgKind::TlsClientHello, _, _) => sizes.client_hello,
            (MsgKind::TlsServerHello, _, false) => sizes.server_hello,
            (MsgKind::TlsServerHello, _, true) => sizes.resumed_server_hello,
            (MsgKind::TlsClientFinished, TlsVersion::V1_2, false) => CLIENT_FINISHED_1_2,
            // Resumed 1.2: the client's ChangeCipherSpec and Finished only.
            (MsgKind::TlsClientFinished, TlsVersion::V1_2, true) => SERVER_FINISHED_1_2,
            (MsgKind::TlsClientFinished, _, false) => CLIENT_FINISHED_1_3,
            (MsgKind::TlsClientFinished, _, true) => CLIENT_FINISHED_1_3 + END_OF_EARLY_DATA,
            (MsgKind::TlsServerFinished, _, _) => SERVER_FINISHED_1_2,
            _ => 0,
        }
    }

    /// The client sends its HTTP request, opening a connection first if it has none (the
    /// request then leaves when the handshakes allow).
    pub(super) fn send_request(&mut self, c: ClientId, now: Nanos, s: &mut Scheduler<Event>) {
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
        now: Nanos,
        s: &mut Scheduler<Event>,
    ) {
        match kind {
            MsgKind::Syn => {
                if !self.client_connection_opened(c, now) {
                    self.recorder.count(Count::Refused, now);
                    self.send_down(c, MsgKind::Refused, now, s);
                    return;
                }
                self.recorder.count(Count::ConnectionsOpened, now);
                self.recorder.series().connection_opened(now);
                self.recorder
                    .series()
                    .connections_now(now, self.fleet.open_connections());
                self.start_lifetime(c, s);
                self.send_down(c, MsgKind::SynAck, now, s);
            }
            MsgKind::TlsClientHello => {
                self.clients[c].connection.tls_pending = true;
                self.run_job(c, Job::TlsHandshake, now, s);
            }
            MsgKind::TlsClientFinished => {
                if self.tls_round_trips(c) == 2 {
                    self.send_down(c, MsgKind::TlsServerFinished, now, s);
                }
            }
            other => unreachable!("{other:?} is not a client set-up message"),
        }
    }

    /// The server's handshake CPU is done: its first flight leaves, and an early request
    /// may now be handled.
    pub(super) fn tls_handshake_done(&mut self, c: ClientId, now: Nanos, s: &mut Scheduler<Event>) {
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
        now: Nanos,
        s: &mut Scheduler<Event>,
    ) {
        let rounds = self.tls_round_trips(c);
        match kind {
            MsgKind::SynAck => {
                if self.tls_version(c) == TlsVersion::None {
                    self.connection_ready(c, now, s);
                    return;
                }
                let resumed =
                    self.scenario.tls.resumption && self.clients[c].connection.tls_session;
                self.clients[c].connection.tls_resumed = resumed;
                self.send_up(c, MsgKind::TlsClientHello, now, s);
                if self.tls_round_trips(c) == 0 {
                    // Early data: the request travels with the ClientHello.
                    self.connection_ready(c, now, s);
                }
            }
            MsgKind::TlsServerHello => {
                self.clients[c].connection.tls_session = true;
                self.send_up(c, MsgKind::TlsClientFinished, now, s);
                if rounds == 1 {
                    self.connection_ready(c, now, s);
                }
            }
            MsgKind::TlsServerFinished => self.connection_ready(c, now, s),
            MsgKind::Refused => {
                // The SYN met a reset: no connection, and the transport's failure path.
                self.clients[c].connection.open = false;
                self.connection_closed(c, now, s);
                self.connection_lost(c, now, s);
            }
            other => unreachable!("{other:?} is not a server set-up message"),
        }
    }

    /// Starts the server's HTTP/2 PINGs on `c`'s new connection.
    pub(super) fn start_http2_pings(&mut self, c: ClientId, s: &mut Scheduler<Event>) {
        if let Some(interval) = self.chain.primary().http2_ping() {
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
        generation: u32,
        now: Nanos,
        s: &mut Scheduler<Event>,
    ) {
        let connection = &self.clients[c].connection;
        let (Some(interval), true) = (
            self.chain.primary().http2_ping(),
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

    /// The server answered `c`: its connection may now go idle. One timer event per
    /// connection is pending at most; it re-arms itself lazily if the connection was used
    /// since (so a poll every second costs one timer event per timeout, not one per poll).
    pub(super) fn arm_idle_timer(&mut self, c: ClientId, now: Nanos, s: &mut Scheduler<Event>) {
        if let Some(timeout) = self.scenario.server.keepalive_timeout {
            let connection = &mut self.clients[c].connection;
            connection.last_active = now;
            if !connection.idle_timer_armed {
                connection.idle_timer_armed = true;
                s.after(timeout, Event::IdleTimeout(c));
            }
        }
    }

    /// The connection was used at `now`.
    pub(super) fn touch(&mut self, c: ClientId, now: Nanos) {
        self.clients[c].connection.last_active = now;
    }

    /// The idle timer fired: close the connection if it has been idle for the whole
    /// timeout. A busy connection (a request being answered, or a message on its way: the
    /// server cannot see a request still on the wire, and rtsim lets it arrive rather than
    /// model the reset and retry) is left alone; its next response re-arms the timer.
    pub(super) fn idle_timeout(&mut self, c: ClientId, now: Nanos, s: &mut Scheduler<Event>) {
        let Some(timeout) = self.scenario.server.keepalive_timeout else {
            return;
        };
        self.clients[c].connection.idle_timer_armed = false;
        if !self.clients[c].connection.open {
            return;
        }
        // Over HTTP/2 the connection is idle only when every tab's stream on it is.
        let tabs = self.tabs_on_connection(c);
        let mut deadline = 0;
        for t in &tabs {
            let tab = &self.clients[*t];
            if self.transports[*t].request_outstanding() || !self.is_quiet(*t) {
                return;
            }
            deadline = deadline.max(tab.connection.last_active + timeout);
        }
        if deadline > now {
            self.clients[c].connection.idle_timer_armed = true;
            s.at(deadline, Event::IdleTimeout(c));
            return;
        }
        self.recorder.count(Count::IdleCloses, now);
        self.close_connection(c, &tabs, now, s);
    }

    /// Closes `c`'s connection (carrying `tabs`' streams) with a FIN exchange: FIN from the
    /// closing side, the other's FIN with its ACK, the last ACK — three segments, counted
    /// on the access link. Owed delayed ACKs are settled first.
    pub(super) fn close_connection(
        &mut self,
        c: ClientId,
        tabs: &[ClientId],
        now: Nanos,
        s: &mut Scheduler<Event>,
    ) {
        let header = self.scenario.tcp.header;
        let segment = LayerBytes {
            tcpip: header,
            ..LayerBytes::default()
        };
        self.count(c, now, Direction::Down, segment);
        self.count(c, now, Direction::Up, segment);
        self.count(c, now, Direction::Down, segment);
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
            connection.tls_resumed = false;
        }
        self.connection_closed(c, now, s);
    }
}

impl World<'_> {
    /// Nothing of `c`'s connection is in flight in either direction or held at a proxy.
    pub(super) fn is_quiet(&self, c: ClientId) -> bool {
        self.connections.is_quiet(c.index()) && self.clients[c].proxy_held.is_empty()
    }

    /// Something of `c`'s connection is on the wire, at a proxy or in the server's CPU (a
    /// request, a TLS handshake, pushes, a held request's answer): a proxy's idle or
    /// lifetime close waits for it to finish, as a graceful close between requests does.
    pub(super) fn is_busy(&self, c: ClientId) -> bool {
        let client = &self.clients[c];
        !self.is_quiet(c)
            || client.events_in_jobs > 0
            || self.transports[c].hold() == Hold::Answering
            || client.connection.request_in_job
            || client.connection.tls_pending
    }
}
