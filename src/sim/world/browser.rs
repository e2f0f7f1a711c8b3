//! Browsers and their tabs: the access link the tabs share, and how their HTTP streams get
//! connections.
//!
//! Over HTTP/1.1 a browser keeps at most six connections per origin (Chrome and Firefox;
//! RFC 9112 section 9.4 leaves the limit to the client), shared by all its tabs: a tab that
//! needs a seventh waits until one closes — for SSE, whose stream never ends, possibly for
//! ever. Over HTTP/2 the tabs share one connection, each tab a stream on it. WebSocket
//! connections are not in the HTTP pool: each tab has its own.

use std::collections::VecDeque;

use super::World;
use crate::engine::Scheduler;
use crate::sim::event::{ClientId, ConnInfo, Event, MsgKind};
use crate::time::Nanos;
use crate::transport::Input;

use crate::transport::Sharing;

/// One browser: its tabs are consecutive clients.
#[derive(Debug, Clone, Default)]
pub(super) struct Browser {
    pub first_tab: ClientId,
    pub tabs: u32,
    /// HTTP/1.1: connections open.
    open_connections: u32,
    /// HTTP/1.1: tabs waiting for a connection, in order.
    waiting: VecDeque<ClientId>,
    /// HTTP/2: the tab that opened the shared connection.
    opener: Option<ClientId>,
    /// HTTP/2: the shared connection is ready for requests.
    ready: bool,
    /// HTTP/2: tabs waiting for it to be ready.
    waiting_for_shared: Vec<ClientId>,
}

impl Browser {
    pub(super) fn new(first_tab: ClientId, tabs: u32) -> Self {
        Browser {
            first_tab,
            tabs,
            ..Browser::default()
        }
    }
}

impl World<'_> {
    /// How `c` gets connections: as its protocol's tabs do, except that a REST client
    /// beside an HTTP/2 stream opens its own (rtsim does not multiplex it on the stream's).
    fn sharing_of(&self, c: ClientId) -> Sharing {
        match self.chain.profile(self.clients[c].stage).sharing {
            Sharing::Shared if self.is_rest(c) => Sharing::PerTab,
            sharing => sharing,
        }
    }

    /// `c` lost its connection (refused, reset, closed under it): what its client does.
    pub(super) fn connection_lost(&mut self, c: ClientId, now: Nanos, s: &mut Scheduler<Event>) {
        if self.is_rest(c) {
            self.rest_connection_lost(c, s);
        } else {
            let (failed, denied) = self.attempt_failed(c);
            self.tell(c, Input::Lost { failed, denied }, now, s);
        }
    }

    fn browser_of(&self, c: ClientId) -> usize {
        self.clients[c].browser as usize
    }

    /// The client whose connection carries `c`'s messages (for in-order delivery).
    pub(super) fn connection_owner(&self, c: ClientId) -> ClientId {
        match self.sharing_of(c) {
            Sharing::Shared => self.browsers[self.browser_of(c)].opener.unwrap_or(c),
            _ => c,
        }
    }

    /// `c` needs a connection for its request (it has none).
    pub(super) fn request_connection(&mut self, c: ClientId, now: Nanos, s: &mut Scheduler<Event>) {
        let b = self.browser_of(c);
        match self.sharing_of(c) {
            Sharing::PerTab => self.open_connection(c, now, s),
            Sharing::Limited(limit) => {
                if self.browsers[b].open_connections < limit {
                    self.browsers[b].open_connections += 1;
                    self.open_connection(c, now, s);
                } else {
                    self.browsers[b].waiting.push_back(c);
                    self.clients[c].blocked_since = Some(now);
                    self.recorder.blocked();
                }
            }
            Sharing::Shared => {
                let browser = &mut self.browsers[b];
                if browser.ready {
                    self.attach(c, now, s);
                } else if browser.opener.is_none() {
                    browser.opener = Some(c);
                    self.open_connection(c, now, s);
                } else {
                    browser.waiting_for_shared.push(c);
                }
            }
        }
    }

    /// Opens a TCP connection for `c`; its request leaves when the handshakes allow.
    fn open_connection(&mut self, c: ClientId, now: Nanos, s: &mut Scheduler<Event>) {
        let connection = &mut self.clients[c].connection;
        connection.open = true;
        connection.opened_at = Some(now);
        // A new connection: new HTTP/2 state (HPACK tables, settings, window).
        connection.info = ConnInfo::default();
        connection.unacknowledged_data = 0;
        connection.generation += 1;
        self.send_up(c, MsgKind::Syn, now, s);
    }

    /// HTTP/2: `c` opens a stream on its browser's ready connection. The connection's
    /// prefaces and the HPACK table's first entries are already there.
    fn attach(&mut self, c: ClientId, now: Nanos, s: &mut Scheduler<Event>) {
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
    pub(super) fn connection_ready(&mut self, c: ClientId, now: Nanos, s: &mut Scheduler<Event>) {
        let request = self.request_kind(c);
        self.send_up(c, request, now, s);
        if !self.is_rest(c) {
            self.start_http2_pings(c, s);
        }
        let b = self.browser_of(c);
        if self.sharing_of(c) == Sharing::Shared && self.browsers[b].opener == Some(c) {
            self.browsers[b].ready = true;
            for waiting in std::mem::take(&mut self.browsers[b].waiting_for_shared) {
                self.attach(waiting, now, s);
            }
        }
    }

    /// The tabs whose streams ride on `c`'s connection (itself included).
    pub(super) fn tabs_on_connection(&self, c: ClientId) -> Vec<ClientId> {
        let browser = &self.browsers[self.browser_of(c)];
        match self.sharing_of(c) {
            Sharing::Shared => browser
                .first_tab
                .up_to(browser.first_tab.plus(browser.tabs))
                .filter(|t| self.clients[*t].connection.open)
                .collect(),
            _ => vec![c],
        }
    }

    /// `c`'s connection was closed: over HTTP/1.1 a waiting tab may open one now; over
    /// HTTP/2 the next request opens a new shared connection.
    pub(super) fn connection_closed(&mut self, c: ClientId, now: Nanos, s: &mut Scheduler<Event>) {
        let b = self.browser_of(c);
        match self.sharing_of(c) {
            Sharing::PerTab => {}
            Sharing::Limited(_) => {
                self.browsers[b].open_connections -= 1;
                if let Some(next) = self.browsers[b].waiting.pop_front() {
                    let since = self.clients[next].blocked_since.take();
                    if let Some(since) = since {
                        self.recorder.unblocked(now - since);
                    }
                    self.browsers[b].open_connections += 1;
                    self.open_connection(next, now, s);
                }
            }
            Sharing::Shared => {
                let browser = &mut self.browsers[b];
                browser.opener = None;
                browser.ready = false;
                // Tabs that waited for a connection that never became ready fail with it.
                for waiting in std::mem::take(&mut browser.waiting_for_shared) {
                    self.connection_lost(waiting, now, s);
                }
            }
        }
    }

    /// At the end of a run: tabs still waiting for a connection, with how long they waited.
    pub(super) fn still_blocked(&self, end: Nanos) -> Vec<Nanos> {
        self.clients
            .iter()
            .filter_map(|client| client.blocked_since.map(|since| end - since))
            .collect()
    }
}
