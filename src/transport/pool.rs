//! Browsers' connection pools: how the tabs of one browser get connections to the origin.
//!
//! Over HTTP/1.1 a browser keeps at most six connections per origin (Chrome and Firefox;
//! RFC 9112 section 9.4 leaves the limit to the client), shared by all its tabs: a tab that
//! needs a seventh waits until one closes — for SSE, whose stream never ends, possibly for
//! ever. Over HTTP/2 the tabs share one connection, each tab a stream on it: the first tab
//! that needs it opens it, the others wait until it is ready. WebSocket connections are not
//! in the HTTP pool: each tab has its own ([`Sharing`]).
//!
//! Owns: per browser, its tabs, its open HTTP/1.1 connections and the tabs waiting for one,
//! and the shared HTTP/2 connection's opener, readiness and waiting tabs. Does not own: the
//! connections themselves (the simulation opens them, as each [`Grant`] says), nor how long
//! a tab waited (the simulation counts it).

use std::collections::VecDeque;

use crate::ids::{BrowserId, ClientId};
use crate::transport::Sharing;

/// What a tab that needs a connection gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grant {
    /// A connection of its own: open it now.
    Open,
    /// HTTP/1.1: the browser is at its limit; the tab waits for a connection to close.
    Wait,
    /// HTTP/2: the shared connection is ready; open a stream on it.
    Attach,
    /// HTTP/2: another tab is opening the shared connection; wait until it is ready.
    WaitShared,
}

/// What follows when a tab's connection closes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Freed {
    /// Nothing for the other tabs.
    Nothing,
    /// HTTP/1.1: this waiting tab takes the freed place; open its connection now.
    Next(ClientId),
    /// HTTP/2: the shared connection is gone; these tabs waited for it and fail with it.
    Failed(Vec<ClientId>),
}

/// One browser: its tabs are consecutive clients.
#[derive(Debug, Clone)]
struct Browser {
    first_tab: ClientId,
    tabs: u32,
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

/// The connection pools of a run's browsers.
#[derive(Debug, Clone, Default)]
pub struct Pools {
    browsers: Vec<Browser>,
    /// Channels per tab (`transport::channels`; 0 or 1: one): a tab's channel in slot `j`
    /// is the client `j × stride` after it, and shares the browser's pool.
    channels: u32,
    stride: u32,
}

impl Pools {
    /// Adds a browser whose `tabs` tabs are the clients from `first_tab` on; returns its
    /// index.
    pub fn add(&mut self, first_tab: ClientId, tabs: u32) -> BrowserId {
        self.browsers.push(Browser {
            first_tab,
            tabs,
            open_connections: 0,
            waiting: VecDeque::new(),
            opener: None,
            ready: false,
            waiting_for_shared: Vec::new(),
        });
        BrowserId::at(self.browsers.len() - 1)
    }

    /// Browsers so far.
    pub fn len(&self) -> usize {
        self.browsers.len()
    }

    /// No browser yet.
    pub fn is_empty(&self) -> bool {
        self.browsers.is_empty()
    }

    /// Browser `b`'s first tab.
    pub fn first_tab(&self, b: BrowserId) -> ClientId {
        self.browsers[b].first_tab
    }

    /// Each tab has `channels` channels, the one in slot `j` the client `j × stride` after
    /// the tab's first ([`crate::transport::channels`]'s numbering).
    pub fn set_channels(&mut self, channels: usize, stride: usize) {
        self.channels = channels as u32;
        self.stride = stride as u32;
    }

    /// Browser `b`'s tabs, each channel of each (slot by slot).
    pub fn tabs(&self, b: BrowserId) -> impl Iterator<Item = ClientId> + Clone {
        let browser = &self.browsers[b];
        let (first, tabs, stride) = (browser.first_tab, browser.tabs, self.stride);
        (0..self.channels.max(1)).flat_map(move |j| {
            let slot_first = first.plus(j * stride);
            slot_first.up_to(slot_first.plus(tabs))
        })
    }

    /// Tab `c` of browser `b`, which gets connections by `sharing`, needs one.
    pub fn request(&mut self, b: BrowserId, c: ClientId, sharing: Sharing) -> Grant {
        let browser = &mut self.browsers[b];
        match sharing {
            Sharing::PerTab => Grant::Open,
            Sharing::Limited(limit) if browser.open_connections < limit => {
                browser.open_connections += 1;
                Grant::Open
            }
            Sharing::Limited(_) => {
                browser.waiting.push_back(c);
                Grant::Wait
            }
            Sharing::Shared if browser.ready => Grant::Attach,
            Sharing::Shared if browser.opener.is_none() => {
                browser.opener = Some(c);
                Grant::Open
            }
            Sharing::Shared => {
                browser.waiting_for_shared.push(c);
                Grant::WaitShared
            }
        }
    }

    /// The tab whose connection carries tab `c`'s messages over browser `b`'s shared
    /// connection (its opener), or `c` itself before there is one.
    pub fn shared_owner(&self, b: BrowserId, c: ClientId) -> ClientId {
        self.browsers[b].opener.unwrap_or(c)
    }

    /// Tab `c`'s connection is ready. If it is browser `b`'s shared connection, the tabs
    /// that waited for it are returned, to open their streams now.
    pub fn ready(&mut self, b: BrowserId, c: ClientId, sharing: Sharing) -> Vec<ClientId> {
        let browser = &mut self.browsers[b];
        if sharing == Sharing::Shared && browser.opener == Some(c) {
            browser.ready = true;
            std::mem::take(&mut browser.waiting_for_shared)
        } else {
            Vec::new()
        }
    }

    /// A connection of browser `b`, which its tabs get by `sharing`, closed.
    pub fn closed(&mut self, b: BrowserId, sharing: Sharing) -> Freed {
        let browser = &mut self.browsers[b];
        match sharing {
            Sharing::PerTab => Freed::Nothing,
            Sharing::Limited(_) => match browser.waiting.pop_front() {
                // The waiting tab takes the place at once.
                Some(next) => Freed::Next(next),
                None => {
                    browser.open_connections -= 1;
                    Freed::Nothing
                }
            },
            Sharing::Shared => {
                browser.opener = None;
                browser.ready = false;
                Freed::Failed(std::mem::take(&mut browser.waiting_for_shared))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tab(n: u32) -> ClientId {
        ClientId::new(n)
    }

    /// Two tabs with two channels each (clients 0-1 and, 10 further on, 10-11): the
    /// browser's tabs are all four, and its HTTP/1.1 limit counts them all.
    #[test]
    fn the_channels_of_a_browser_share_its_pool() {
        let mut pools = Pools::default();
        let b = pools.add(tab(0), 2);
        pools.set_channels(2, 10);
        let tabs: Vec<ClientId> = pools.tabs(b).collect();
        assert_eq!(tabs, vec![tab(0), tab(1), tab(10), tab(11)]);
        let limited = Sharing::Limited(3);
        assert_eq!(pools.request(b, tab(0), limited), Grant::Open);
        assert_eq!(pools.request(b, tab(10), limited), Grant::Open);
        assert_eq!(pools.request(b, tab(11), limited), Grant::Open);
        assert_eq!(pools.request(b, tab(1), limited), Grant::Wait);
        // Over HTTP/2 a channel attaches to the connection another channel opened.
        let shared = Sharing::Shared;
        assert_eq!(pools.request(b, tab(10), shared), Grant::Open);
        assert_eq!(pools.ready(b, tab(10), shared), Vec::<ClientId>::new());
        assert_eq!(pools.request(b, tab(0), shared), Grant::Attach);
        assert_eq!(pools.shared_owner(b, tab(0)), tab(10));
    }

    #[test]
    fn an_http1_browser_opens_six_connections_and_the_seventh_tab_waits_for_a_close() {
        let mut pools = Pools::default();
        let b = pools.add(tab(0), 8);
        let limited = Sharing::Limited(6);
        for t in 0..6 {
            assert_eq!(pools.request(b, tab(t), limited), Grant::Open);
        }
        assert_eq!(pools.request(b, tab(6), limited), Grant::Wait);
        assert_eq!(pools.request(b, tab(7), limited), Grant::Wait);
        // Each close hands the place to the next waiting tab, in order.
        assert_eq!(pools.closed(b, limited), Freed::Next(tab(6)));
        assert_eq!(pools.closed(b, limited), Freed::Next(tab(7)));
        // With nobody waiting, a close frees a place for a later request.
        assert_eq!(pools.closed(b, limited), Freed::Nothing);
        assert_eq!(pools.request(b, tab(0), limited), Grant::Open);
        assert_eq!(pools.request(b, tab(1), limited), Grant::Wait);
    }

    #[test]
    fn http2_tabs_wait_for_the_shared_connection_then_attach() {
        let mut pools = Pools::default();
        let b = pools.add(tab(10), 3);
        assert_eq!(
            pools.tabs(b).collect::<Vec<_>>(),
            [tab(10), tab(11), tab(12)]
        );
        let shared = Sharing::Shared;
        assert_eq!(pools.request(b, tab(10), shared), Grant::Open);
        assert_eq!(pools.request(b, tab(11), shared), Grant::WaitShared);
        assert_eq!(pools.shared_owner(b, tab(11)), tab(10));
        // Another tab's connection being ready changes nothing.
        assert_eq!(pools.ready(b, tab(11), shared), Vec::<ClientId>::new());
        assert_eq!(pools.ready(b, tab(10), shared), vec![tab(11)]);
        assert_eq!(pools.request(b, tab(12), shared), Grant::Attach);
    }

    #[test]
    fn tabs_waiting_for_a_shared_connection_that_closes_fail_with_it() {
        let mut pools = Pools::default();
        let b = pools.add(tab(0), 3);
        let shared = Sharing::Shared;
        pools.request(b, tab(0), shared);
        pools.request(b, tab(1), shared);
        pools.request(b, tab(2), shared);
        assert_eq!(pools.closed(b, shared), Freed::Failed(vec![tab(1), tab(2)]));
        // The next request opens a new shared connection.
        assert_eq!(pools.shared_owner(b, tab(1)), tab(1));
        assert_eq!(pools.request(b, tab(1), shared), Grant::Open);
    }

    #[test]
    fn websocket_tabs_each_open_their_own() {
        let mut pools = Pools::default();
        let b = pools.add(tab(0), 20);
        for t in 0..20 {
            assert_eq!(pools.request(b, tab(t), Sharing::PerTab), Grant::Open);
        }
        assert_eq!(pools.closed(b, Sharing::PerTab), Freed::Nothing);
    }
}
