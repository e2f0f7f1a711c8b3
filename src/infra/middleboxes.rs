//! The HTTP proxies and the load balancer's front door between the clients and the
//! replicas: which connections they let through (capacity, a restart in progress), what
//! each group's path does to its connections (latency, idle timeout, maximum lifetime,
//! response buffering, denied WebSocket upgrades) and what happened at each proxy.
//!
//! Owns: the per-path properties, the per-proxy connection counts and statistics, the
//! restart state of the proxies and the balancer, the streamed responses a buffering
//! proxy holds per client ([`crate::infra::buffering`]; generic over the message type `M`,
//! of which it needs only the byte count the caller gives), and per client the path's idle
//! timer: when bytes last crossed it, whether its event is pending, and what it decides
//! when it fires (close, or look again at a time), by the same timer as the server's
//! keep-alive ([`crate::net::idle::fired_in_middlebox`]). A side table like the buffers: a
//! run whose paths have no idle timeout keeps nothing per client. Does not own: the
//! connections (whether one is open or busy, its other timers and its bytes are the
//! simulation's; so are scheduling the timer's event and the close), nor how a path is
//! read from the scenario (the simulation hands each group's [`Path`] in, already
//! resolved).

use crate::ids::{ClientId, GroupId, ProxyId};
use crate::infra::buffering::{Buffers, Flush};
use crate::metrics::{ProxyResult, fixed};
use crate::net::idle::{self, IdleTimer, IdleVerdict};
use crate::time::{Nanos, SimTime};

/// What the middleboxes on a group's path do, as the hot path needs it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Path {
    /// The proxies on the path (indices into the run's proxies), client side first.
    pub proxies: Vec<ProxyId>,
    /// The shortest idle timeout of the proxies and the load balancer.
    pub idle_timeout: Option<Nanos>,
    /// One-way delay of the topology links and the proxies on the path.
    pub latency: Nanos,
    /// The smallest response-buffering flush size of the proxies on the path.
    pub buffering: Option<u64>,
    /// The shortest maximum connection lifetime of the proxies on the path.
    pub max_lifetime: Option<Nanos>,
    /// A proxy on the path denies WebSocket upgrades.
    pub deny_websocket: bool,
    /// The proxies credited with what the path does: the one whose idle timeout is
    /// shortest (`None` when the balancer's is shorter), whose lifetime is shortest, which
    /// buffers with the smallest flush size, which denies.
    pub idle_closer: Option<ProxyId>,
    pub lifetime_closer: Option<ProxyId>,
    pub buffering_proxy: Option<ProxyId>,
    pub denier: Option<ProxyId>,
}

/// What happened at one proxy during a run.
#[derive(Debug, Clone, Default)]
struct ProxyStats {
    open: u32,
    peak: u32,
    /// Within the window.
    requests: u64,
    idle_closes: u64,
    lifetime_closes: u64,
    refused: u64,
    denied: u64,
    /// Response bytes held for buffering now, and at most.
    buffered: u64,
    peak_buffered: u64,
}

/// The proxies and the balancer's front door of one run, carrying messages of type `M`.
#[derive(Debug, Clone)]
pub struct Middleboxes<M> {
    /// Per client group.
    paths: Vec<Path>,
    /// Per proxy: the most connections it holds, if limited.
    capacity: Vec<Option<u32>>,
    stats: Vec<ProxyStats>,
    /// Per proxy, and the balancer: restarting now (refusing connections).
    proxy_down: Vec<bool>,
    balancer_down: bool,
    /// Per client: what a buffering proxy on its path holds of its streamed response.
    buffers: Buffers<M>,
    /// Per client whose path has an idle timeout (grown on its first bytes): its idle
    /// timer.
    idle: Vec<IdleTimer>,
}

impl<M> Middleboxes<M> {
    /// The middleboxes of a run: each group's path, and each proxy's capacity.
    pub fn new(paths: Vec<Path>, capacity: Vec<Option<u32>>) -> Self {
        Middleboxes {
            paths,
            stats: vec![ProxyStats::default(); capacity.len()],
            proxy_down: vec![false; capacity.len()],
            capacity,
            balancer_down: false,
            buffers: Buffers::default(),
            idle: Vec::new(),
        }
    }

    /// What group `group`'s path does.
    #[inline]
    pub fn path(&self, group: GroupId) -> &Path {
        &self.paths[group]
    }

    /// Whether a new connection of group `group` gets through: not while the balancer or a
    /// proxy on the path restarts, nor past a proxy's capacity (counted as a refusal when
    /// `in_window`). An admitted connection still has to be [`Self::opened`].
    pub fn admits(&mut self, group: GroupId, in_window: bool) -> bool {
        let path = &self.paths[group];
        if self.balancer_down || path.proxies.iter().any(|p| self.proxy_down[*p]) {
            return false;
        }
        for &p in &path.proxies {
            if self.capacity[p].is_some_and(|cap| self.stats[p].open >= cap) {
                self.stats[p].refused += u64::from(in_window);
                return false;
            }
        }
        true
    }

    /// A connection of group `group` is open through its proxies.
    pub fn opened(&mut self, group: GroupId) {
        for p in &self.paths[group].proxies {
            let stats = &mut self.stats[*p];
            stats.open += 1;
            stats.peak = stats.peak.max(stats.open);
        }
    }

    /// A connection of group `group` that was [`Self::opened`] closed.
    pub fn closed(&mut self, group: GroupId) {
        for p in &self.paths[group].proxies {
            self.stats[*p].open -= 1;
        }
    }

    /// A request of group `group` went through its proxies (in the window).
    pub fn saw_request(&mut self, group: GroupId) {
        for p in &self.paths[group].proxies {
            self.stats[*p].requests += 1;
        }
    }

    /// The path's idle timeout, its maximum lifetime or its denial closed a connection of
    /// group `group` (in the window): the proxy responsible counts it.
    pub fn idle_closed(&mut self, group: GroupId) {
        if let Some(p) = self.paths[group].idle_closer {
            self.stats[p].idle_closes += 1;
        }
    }

    pub fn lifetime_closed(&mut self, group: GroupId) {
        if let Some(p) = self.paths[group].lifetime_closer {
            self.stats[p].lifetime_closes += 1;
        }
    }

    pub fn denied(&mut self, group: GroupId) {
        if let Some(p) = self.paths[group].denier {
            self.stats[p].denied += 1;
        }
    }

    /// Bytes of client `c`'s connection crossed group `group`'s path at `now`: it is not
    /// idle. When the path has an idle timeout and no timer event of `c` is pending, the
    /// delay after which one must fire (the timeout).
    #[inline]
    pub fn traffic(&mut self, group: GroupId, c: ClientId, now: SimTime) -> Option<Nanos> {
        let timeout = self.paths[group].idle_timeout?;
        self.idle_timer(c).answered(now).then_some(timeout)
    }

    /// The idle timer of client `c`, on group `group`'s path, fired at `now`; `open`: its
    /// connection is still open, `busy`: something of it is on the wire, held at a proxy or
    /// in the server's CPU. What follows ([`idle::fired_in_middlebox`]): close it, look
    /// again at a time, or nothing (it is closed already); `None` on a path without an
    /// idle timeout.
    #[inline]
    pub fn idle_fired(
        &mut self,
        group: GroupId,
        c: ClientId,
        open: bool,
        busy: bool,
        now: SimTime,
    ) -> Option<IdleVerdict> {
        let timeout = self.paths[group].idle_timeout?;
        let timer = self.idle_timer(c);
        Some(idle::fired_in_middlebox(timer, open, busy, now, timeout))
    }

    /// Client `c`'s idle timer (a new one on its first use).
    #[inline]
    fn idle_timer(&mut self, c: ClientId) -> &mut IdleTimer {
        if self.idle.len() <= c.index() {
            self.grow_idle(c);
        }
        &mut self.idle[c.index()]
    }

    /// Room in the side table for client `c`'s idle timer (once per client at most).
    #[cold]
    #[inline(never)]
    fn grow_idle(&mut self, c: ClientId) {
        self.idle.resize(c.index() + 1, IdleTimer::default());
    }

    /// Response buffering: `msg`, `bytes` of a streamed response to client `c` of group
    /// `group`, waits at the buffering proxy on the path until the path's flush size has
    /// gathered. Returns the messages to forward now: none while the buffer fills, all of
    /// them in the order they came when it is full (`msg` alone on a path that does not
    /// buffer).
    pub fn buffer(&mut self, group: GroupId, c: ClientId, msg: M, bytes: u64) -> Vec<M> {
        let path = &self.paths[group];
        let Some(flush) = path.buffering else {
            return vec![msg];
        };
        let flushed = self.buffers.hold(c.index(), msg, bytes, flush);
        if let Some(p) = path.buffering_proxy {
            let stats = &mut self.stats[p];
            stats.buffered += bytes;
            stats.peak_buffered = stats.peak_buffered.max(stats.buffered);
            if let Flush::Full { bytes, .. } = flushed {
                stats.buffered -= bytes;
            }
        }
        match flushed {
            Flush::Holding => Vec::new(),
            Flush::Full { messages, .. } => messages,
        }
    }

    /// Whether a buffering proxy holds something of client `c`'s streamed response.
    #[inline]
    pub fn holds(&self, c: ClientId) -> bool {
        self.buffers.holds(c.index())
    }

    /// Proxy `proxy` (or, with `None`, the balancer) goes down for a restart, or is back.
    pub fn set_down(&mut self, proxy: Option<ProxyId>, down: bool) {
        match proxy {
            Some(p) => self.proxy_down[p] = down,
            None => self.balancer_down = down,
        }
    }

    /// Connections open through each proxy now, in proxy order.
    pub fn open(&self) -> impl Iterator<Item = u32> + '_ {
        self.stats.iter().map(|s| s.open)
    }

    /// Each proxy's figures, named by `names` in proxy order, over a window of `seconds`.
    pub fn results<'n>(
        &self,
        names: impl Iterator<Item = &'n str>,
        seconds: f64,
    ) -> Vec<ProxyResult> {
        names
            .zip(&self.stats)
            .map(|(name, stats)| ProxyResult {
                proxy: name.to_string(),
                connections_at_end: stats.open.into(),
                peak_connections: stats.peak.into(),
                requests_per_second: fixed(stats.requests as f64 / seconds, 3),
                idle_closes: stats.idle_closes,
                lifetime_closes: stats.lifetime_closes,
                refused: stats.refused,
                denied: stats.denied,
                peak_buffered_bytes: stats.peak_buffered,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The office's two groups.
    const G0: GroupId = GroupId::new(0);
    const G1: GroupId = GroupId::new(1);

    /// Two proxies: group 0 through both (the first holds at most two connections),
    /// group 1 direct.
    fn office() -> Middleboxes<&'static str> {
        let through = Path {
            proxies: vec![ProxyId::new(0), ProxyId::new(1)],
            buffering: Some(800),
            idle_closer: Some(ProxyId::new(1)),
            lifetime_closer: Some(ProxyId::new(0)),
            buffering_proxy: Some(ProxyId::new(1)),
            denier: Some(ProxyId::new(0)),
            ..Path::default()
        };
        Middleboxes::new(vec![through, Path::default()], vec![Some(2), None])
    }

    fn result(m: &Middleboxes<&str>) -> Vec<ProxyResult> {
        m.results(["corp", "isp"].into_iter(), 10.0)
    }

    #[test]
    fn a_full_proxy_refuses_and_counts_in_the_window() {
        let mut m = office();
        for _ in 0..2 {
            assert!(m.admits(G0, true));
            m.opened(G0);
        }
        assert!(!m.admits(G0, true));
        assert!(!m.admits(G0, false), "refused, but outside the window");
        assert!(m.admits(G1, true), "the direct group passes no proxy");
        m.closed(G0);
        assert!(m.admits(G0, true));
        let r = result(&m);
        assert_eq!(
            (r[0].refused, r[0].peak_connections, r[0].connections_at_end),
            (1, 2, 1)
        );
        assert_eq!(m.open().collect::<Vec<_>>(), [1, 1]);
    }

    #[test]
    fn a_restart_refuses_everything_through_it() {
        let mut m = office();
        m.set_down(Some(ProxyId::new(1)), true);
        assert!(!m.admits(G0, true));
        assert!(m.admits(G1, true));
        m.set_down(None, true);
        assert!(!m.admits(G1, true), "the balancer is on every path");
        m.set_down(None, false);
        m.set_down(Some(ProxyId::new(1)), false);
        assert!(m.admits(G0, true));
        assert_eq!(
            result(&m)[0].refused,
            0,
            "a restart is not a capacity refusal"
        );
    }

    #[test]
    fn closes_denials_and_buffering_are_credited_to_the_responsible_proxy() {
        let mut m = office();
        m.idle_closed(G0);
        m.lifetime_closed(G0);
        m.denied(G0);
        m.idle_closed(G1);
        m.saw_request(G0);
        m.saw_request(G0);
        assert!(m.buffer(G0, ClientId::new(7), "a", 300).is_empty());
        assert_eq!(m.buffer(G0, ClientId::new(7), "b", 500), ["a", "b"]);
        assert!(m.buffer(G0, ClientId::new(7), "c", 100).is_empty());
        let r = result(&m);
        assert_eq!(
            (r[0].lifetime_closes, r[0].denied, r[0].idle_closes),
            (1, 1, 0)
        );
        assert_eq!(r[1].idle_closes, 1);
        assert_eq!(r[1].peak_buffered_bytes, 800);
        assert_eq!(
            (r[0].requests_per_second, r[1].requests_per_second),
            (0.2, 0.2)
        );
    }

    #[test]
    fn buffering_holds_until_the_flush_size_and_keeps_the_peak_per_proxy() {
        let mut m = office();
        assert!(m.buffer(G0, ClientId::new(1), "a", 500).is_empty());
        assert!(m.buffer(G0, ClientId::new(2), "b", 700).is_empty());
        assert!(m.holds(ClientId::new(1)) && m.holds(ClientId::new(2)));
        assert_eq!(
            m.buffer(G0, ClientId::new(1), "c", 300),
            ["a", "c"],
            "client 1's buffer filled: its bytes leave in order"
        );
        assert!(!m.holds(ClientId::new(1)));
        assert!(m.holds(ClientId::new(2)), "client 2's bytes are still held");
        assert_eq!(
            result(&m)[1].peak_buffered_bytes,
            1500,
            "at the peak the proxy held both clients' bytes"
        );
        assert_eq!(
            result(&m)[0].peak_buffered_bytes,
            0,
            "the other proxy buffers nothing"
        );
        assert_eq!(
            m.buffer(G1, ClientId::new(3), "d", 10),
            ["d"],
            "a direct path passes at once"
        );
        assert!(!m.holds(ClientId::new(3)));
    }
    const SECOND: Nanos = 1_000_000_000;

    /// The instant `seconds` seconds into the run.
    fn t(seconds: u64) -> SimTime {
        SimTime::from_nanos(seconds * SECOND)
    }

    /// Group 0's path closes connections silent for 60 s; group 1's never.
    fn with_idle_timeout() -> Middleboxes<&'static str> {
        let idle = Path {
            idle_timeout: Some(60 * SECOND),
            ..Path::default()
        };
        Middleboxes::new(vec![idle, Path::default()], Vec::new())
    }

    #[test]
    fn the_first_bytes_arm_the_idle_timer_and_later_ones_only_move_its_deadline() {
        let mut m = with_idle_timeout();
        let c = ClientId::new(3);
        assert_eq!(
            m.traffic(G0, c, t(0)),
            Some(60 * SECOND),
            "armed: fire in 60 s"
        );
        assert_eq!(m.traffic(G0, c, t(10)), None, "pending already");
        assert_eq!(
            m.traffic(G0, ClientId::new(0), t(5)),
            Some(60 * SECOND),
            "each client has its own timer"
        );
        // Fired at 60 s; silent since 10 s: look again at 70 s, then close.
        assert_eq!(
            m.idle_fired(G0, c, true, false, t(60)),
            Some(IdleVerdict::Rearm(t(70)))
        );
        assert_eq!(
            m.idle_fired(G0, c, true, false, t(70)),
            Some(IdleVerdict::Close)
        );
        assert_eq!(m.traffic(G0, c, t(80)), Some(60 * SECOND), "re-armed");
    }

    #[test]
    fn a_busy_connection_is_looked_at_again_and_a_closed_one_is_gone() {
        let mut m = with_idle_timeout();
        let c = ClientId::new(0);
        m.traffic(G0, c, t(0));
        assert_eq!(
            m.idle_fired(G0, c, true, true, t(60)),
            Some(IdleVerdict::Rearm(t(120))),
            "busy: a full timeout later"
        );
        assert_eq!(
            m.idle_fired(G0, c, false, false, t(120)),
            Some(IdleVerdict::Gone)
        );
    }

    #[test]
    fn a_path_without_an_idle_timeout_keeps_no_timer() {
        let mut m = with_idle_timeout();
        let c = ClientId::new(9);
        assert_eq!(m.traffic(G1, c, t(0)), None);
        assert_eq!(m.idle_fired(G1, c, true, false, t(60)), None);
        assert!(m.idle.is_empty(), "nothing kept per client");
    }
}
