//! The world's side of the browsers' connection pools ([`crate::transport::pool`]): a tab
//! that needs a connection asks its browser's pool and does what the pool grants; a closed
//! connection lets a waiting tab open one, or fails the tabs that waited for a shared one.

use super::World;
use crate::engine::Scheduler;
use crate::ids::BrowserId;
use crate::sim::event::{ClientId, ConnInfo, Event, MsgKind};
use crate::time::{Nanos, SimTime};
use crate::transport::Input;
use crate::transport::clients::LostConnection;
use crate::transport::pool::{Freed, Grant};
use crate::transport::{CONNECTIONS_PER_ORIGIN, Sharing};

impl World<'_> {
    /// How `c` gets connections: as its protocol's tabs do, except that a REST client
    /// beside an HTTP/2 stream opens its own (rtsim does not multiplex it on the stream's),
    /// that the REST channel of a variant of several channels makes HTTP/1.1 requests
    /// in the browser's pool (six connections per origin, shared with its other channels),
    /// and that a gRPC unary client opens one HTTP/2 connection of its own.
    fn sharing_of(&self, c: ClientId) -> Sharing {
        if self.layout.several() && self.is_rest(c) {
            // A gRPC unary client keeps an HTTP/2 connection of its own (a native
            // client's channel, outside the browser's pool).
            if self.is_unary(c) {
                return Sharing::PerTab;
            }
            return Sharing::Limited(CONNECTIONS_PER_ORIGIN);
        }
        match self.chain.profile(self.transports[c].stage()).sharing {
            Sharing::Shared if self.is_rest(c) => Sharing::PerTab,
            sharing => sharing,
        }
    }

    /// `c` lost its connection (refused, reset, closed under it): what its client does.
    pub(super) fn connection_lost(&mut self, c: ClientId, now: SimTime, s: &mut Scheduler<Event>) {
        self.failed_to_connect(c);
        if self.is_rest(c) {
            self.rest_connection_lost(c, s);
        } else {
            // Until its first response arrives, its connection keeps when it opened.
            let unanswered = self.clients[c].connection.opened_at.is_some();
            let LostConnection { failed, denied } = self.transports[c].lost_connection(unanswered);
            self.tell(c, Input::Lost { failed, denied }, now, s);
        }
    }

    fn browser_of(&self, c: ClientId) -> BrowserId {
        self.clients[c].browser
    }

    /// The client whose connection carries `c`'s messages (for in-order delivery).
    #[inline]
    pub(super) fn connection_owner(&self, c: ClientId) -> ClientId {
        if !self.chain.shares_connections() {
            return c;
        }
        match self.sharing_of(c) {
            Sharing::Shared => self.browsers.shared_owner(self.browser_of(c), c),
            _ => c,
        }
    }

    /// `c` needs a connection for its request (it has none).
    pub(super) fn request_connection(
        &mut self,
        c: ClientId,
        now: SimTime,
        s: &mut Scheduler<Event>,
    ) {
        let b = self.browser_of(c);
        match self.browsers.request(b, c, self.sharing_of(c)) {
            Grant::Open => self.open_connection(c, now, s),
            Grant::Wait => {
                self.clients[c].blocked_since = Some(now);
                self.recorder.blocked();
            }
            Grant::Attach => self.attach(c, now, s),
            Grant::WaitShared => {}
        }
    }

    /// Opens a TCP connection for `c`; its request leaves when the handshakes allow.
    fn open_connection(&mut self, c: ClientId, now: SimTime, s: &mut Scheduler<Event>) {
        let connection = &mut self.clients[c].connection;
        connection.open = true;
        connection.opened_at = Some(now);
        // A new connection: new HTTP/2 state (HPACK tables, settings, window).
        connection.info = ConnInfo::default();
        connection.generation = connection.generation.next();
        self.connections.window_mut(c.index()).open_connection();
        self.send_up(c, MsgKind::Syn, now, s);
    }

    /// HTTP/2: `c` opens a stream on its browser's ready connection. The connection's
    /// prefaces and the HPACK table's first entries are already there.
    fn attach(&mut self, c: ClientId, now: SimTime, s: &mut Scheduler<Event>) {
        let connection = &mut self.clients[c].connection;
        connection.open = true;
        connection.accepted = true;
        connection.opened_at = Some(now);
        connection.info = ConnInfo {
            requests_before: 1,
            responses_before: 1,
            client: c,
            stage: 0,
        };
        self.send_up(c, MsgKind::Request, now, s);
    }

    /// `c`'s connection finished its handshakes: its request leaves, and over HTTP/2 the
    /// tabs that waited for the connection open their streams.
    pub(super) fn connection_ready(&mut self, c: ClientId, now: SimTime, s: &mut Scheduler<Event>) {
        let request = self.request_kind(c);
        self.send_up(c, request, now, s);
        if !self.is_rest(c) {
            self.start_http2_pings(c, s);
        }
        let b = self.browser_of(c);
        for waiting in self.browsers.ready(b, c, self.sharing_of(c)) {
            self.attach(waiting, now, s);
        }
    }

    /// The tabs whose streams ride on `c`'s connection (itself included).
    pub(super) fn tabs_on_connection(&self, c: ClientId) -> Vec<ClientId> {
        match self.sharing_of(c) {
            Sharing::Shared => self
                .browsers
                .tabs(self.browser_of(c))
                .filter(|t| {
                    self.clients[*t].connection.open
                        && (!self.layout.several() || self.sharing_of(*t) == Sharing::Shared)
                })
                .collect(),
            _ => vec![c],
        }
    }

    /// `c`'s connection was closed: over HTTP/1.1 a waiting tab may open one now; over
    /// HTTP/2 the next request opens a new shared connection.
    pub(super) fn connection_closed(
        &mut self,
        c: ClientId,
        now: SimTime,
        s: &mut Scheduler<Event>,
    ) {
        let b = self.browser_of(c);
        match self.browsers.closed(b, self.sharing_of(c)) {
            Freed::Nothing => {}
            Freed::Next(next) => {
                if let Some(since) = self.clients[next].blocked_since.take() {
                    self.recorder.unblocked(now.since(since));
                }
                self.open_connection(next, now, s);
            }
            Freed::Failed(waiting) => {
                // Tabs that waited for a connection that never became ready fail with it.
                for tab in waiting {
                    self.connection_lost(tab, now, s);
                }
            }
        }
    }

    /// At the end of a run: tabs still waiting for a connection, with how long they waited.
    pub(super) fn still_blocked(&self, end: SimTime) -> Vec<Nanos> {
        self.clients
            .iter()
            .filter_map(|client| client.blocked_since.map(|since| end.since(since)))
            .collect()
    }
}
