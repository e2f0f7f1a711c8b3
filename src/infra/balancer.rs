//! The load balancer: which server replica gets a new connection (layer 4) or a request
//! (layer 7), and how many replicas are in service.
//!
//! Layer 4 pins a TCP connection to the replica chosen when it opened, so a long-lived
//! stream stays where it started even when replicas are added. Layer 7 terminates the
//! client's connection and balances each HTTP request (or HTTP/2 stream) on its own; a
//! streaming response or a WebSocket stays on the replica that took its request.
//!
//! Affinity (sticky sessions) overrides the algorithm for a client that has one: `cookie`
//! sends a client back to the replica named by the cookie the balancer set on its first
//! answer while that replica is in service and not full, else chooses anew and the cookie
//! moves (nginx's `sticky cookie`, AWS ALB's `lb_cookie`); `source_ip` hashes the
//! browser's address (every tab of one browser shares it), as nginx's `ip_hash` does.
//!
//! Owns: the choice and the cookies it has set. Does not own: what a replica holds for a
//! client (sessions are the transports' and the world's: [`crate::transport::session`]).

use serde::Serialize;

use crate::engine::rng::{RngExt, Stream};
use crate::time::Nanos;

const MS: Nanos = 1_000_000;

/// Load-balancer idle timeout: AWS Application and Classic Load Balancers default to 60 s.
pub const DEFAULT_IDLE_TIMEOUT: Nanos = 60_000 * MS;
/// Drain period of a removed replica: AWS target groups' default deregistration delay.
pub const DEFAULT_DRAIN: Nanos = 300_000 * MS;
/// Load-balancer health checks: AWS target groups' defaults (a probe every 30 s; 2
/// failures take a target out of service, 5 successes put it back).
pub const DEFAULT_HEALTH_CHECK_INTERVAL: Nanos = 30_000 * MS;
pub const DEFAULT_HEALTH_CHECK_UNHEALTHY: u32 = 2;
pub const DEFAULT_HEALTH_CHECK_HEALTHY: u32 = 5;

/// Affinity: none. AWS ALB target groups' `stickiness.enabled` defaults to false; nginx's
/// upstreams have none unless `sticky` or `ip_hash` is configured.
pub const DEFAULT_AFFINITY: Affinity = Affinity::None;

/// The load balancer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BalancerSpec {
    /// 4 or 7.
    pub layer: u8,
    pub algorithm: LbAlgorithm,
    /// (time, replicas in service from then on), in time order.
    pub scale: Vec<(Nanos, u32)>,
    /// How long removed replicas keep their connections. Default [`DEFAULT_DRAIN`].
    pub drain: Nanos,
    /// Idle timeout on every connection; none without a `load_balancer` section. Default
    /// [`DEFAULT_IDLE_TIMEOUT`].
    pub idle_timeout: Option<Nanos>,
    /// Active health checks; `None`: the balancer knows of a crash or restart at once.
    pub health_check: Option<HealthCheck>,
    /// Sticky sessions. Default [`DEFAULT_AFFINITY`].
    #[serde(skip_serializing_if = "Affinity::is_none")]
    pub affinity: Affinity,
}

/// Sticky sessions at the balancer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Affinity {
    /// Every request (layer 7) or connection (layer 4) is balanced by the algorithm.
    #[default]
    None,
    /// The balancer's cookie names the replica that last served the client (set on its
    /// first answer): the client goes back there while it is in service and not full,
    /// else the algorithm chooses and the cookie moves. nginx Plus `sticky cookie`
    /// (<https://nginx.org/en/docs/http/ngx_http_upstream_module.html#sticky>); AWS ALB
    /// duration-based stickiness, `lb_cookie`
    /// (<https://docs.aws.amazon.com/elasticloadbalancing/latest/application/sticky-sessions.html>):
    /// "If a target ... is unhealthy or has been deregistered, the load balancer routes the
    /// request to a new healthy target" and the cookie is updated. Layer 7 only.
    Cookie,
    /// A hash of the client's source address (its browser: all its tabs share it), modulo
    /// the replicas in service, as nginx's `ip_hash`
    /// (<https://nginx.org/en/docs/http/ngx_http_upstream_module.html#ip_hash>); a full
    /// replica passes the client to the next one.
    SourceIp,
}

impl Affinity {
    pub fn is_none(&self) -> bool {
        *self == Affinity::None
    }
}

/// Who is asking the balancer for a replica.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Asker {
    /// The client (the key of its cookie, and of `hash`).
    pub client: u32,
    /// Its browser (the source address `source_ip` hashes).
    pub browser: u32,
}

/// How the balancer picks a replica.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LbAlgorithm {
    RoundRobin,
    LeastConnections,
    Random,
    Hash,
}

/// Active health checks (defaults: the `DEFAULT_HEALTH_CHECK_*` above).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct HealthCheck {
    pub interval: Nanos,
    pub unhealthy_threshold: u32,
    pub healthy_threshold: u32,
}

/// The balancer's state during a run.
#[derive(Debug, Clone)]
pub struct Balancer {
    spec: BalancerSpec,
    /// Replicas in service: 0..active.
    active: u32,
    next_round_robin: u32,
    rng: Stream,
    /// With `cookie` affinity: per client, the replica its cookie names (`NO_COOKIE`
    /// before its first answer); grown as clients ask.
    cookies: Vec<u32>,
}

/// A client without a cookie yet.
const NO_COOKIE: u32 = u32::MAX;

impl Balancer {
    pub fn new(spec: BalancerSpec, initial: u32, rng: Stream) -> Self {
        Balancer {
            spec,
            active: initial,
            next_round_robin: 0,
            rng,
            cookies: Vec::new(),
        }
    }

    pub fn layer(&self) -> u8 {
        self.spec.layer
    }

    /// Replicas in service.
    pub fn active(&self) -> u32 {
        self.active
    }

    /// Puts replicas `0..count` in service (scale-out adds them empty).
    pub fn scale_to(&mut self, count: u32) {
        self.active = count;
    }

    /// Picks a replica for `client` among those in service that are not `full` (at their
    /// connection limit), as nginx skips an upstream at its `max_conns`; `None` when every
    /// one is full. `load(r)` is replica r's open connections (layer 4) or active requests
    /// and streams (layer 7), for least-connections, whose ties rotate round robin (as
    /// nginx's `least_conn` does), so idle replicas share the work. Affinity first: see
    /// [`Affinity`].
    pub fn choose(
        &mut self,
        asker: Asker,
        load: impl Fn(u32) -> u64,
        full: impl Fn(u32) -> bool,
    ) -> Option<u32> {
        match self.spec.affinity {
            Affinity::None => self.by_algorithm(asker.client, load, full),
            Affinity::SourceIp => hashed(asker.browser, self.active, full),
            Affinity::Cookie => {
                let c = asker.client as usize;
                if c >= self.cookies.len() {
                    self.cookies.resize(c + 1, NO_COOKIE);
                }
                let named = self.cookies[c];
                if named < self.active && !full(named) {
                    return Some(named);
                }
                let r = self.by_algorithm(asker.client, load, full)?;
                self.cookies[c] = r;
                Some(r)
            }
        }
    }

    /// The algorithm's choice for `client`.
    fn by_algorithm(
        &mut self,
        client: u32,
        load: impl Fn(u32) -> u64,
        full: impl Fn(u32) -> bool,
    ) -> Option<u32> {
        let n = self.active;
        match self.spec.algorithm {
            LbAlgorithm::RoundRobin => {
                let start = self.next_round_robin % n;
                let r = (0..n).map(|i| (start + i) % n).find(|r| !full(*r))?;
                self.next_round_robin = (r + 1) % n;
                Some(r)
            }
            LbAlgorithm::LeastConnections => {
                let start = self.next_round_robin % n;
                let r = (0..n)
                    .map(|i| (start + i) % n)
                    .filter(|r| !full(*r))
                    .min_by_key(|r| load(*r))?;
                self.next_round_robin = (r + 1) % n;
                Some(r)
            }
            LbAlgorithm::Random => {
                let open: Vec<u32> = (0..n).filter(|r| !full(*r)).collect();
                if open.is_empty() {
                    return None;
                }
                Some(open[self.rng.random_range(0..open.len())])
            }
            // A fixed mix of the client id, modulo the replicas in service (not consistent
            // hashing: adding replicas moves most clients); a full replica passes the client
            // to the next one.
            LbAlgorithm::Hash => hashed(client, n, full),
        }
    }
}

/// `key`'s home among `n` replicas by a fixed mix (not consistent hashing: adding
/// replicas moves most keys); a full replica passes it to the next one.
fn hashed(key: u32, n: u32, full: impl Fn(u32) -> bool) -> Option<u32> {
    let home = (mix(key) % n as u64) as u32;
    (0..n).map(|i| (home + i) % n).find(|r| !full(*r))
}

fn mix(x: u32) -> u64 {
    let mut z = x as u64 ^ 0x9e37_79b9_7f4a_7c15;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::rng::stream;

    /// Client `c`, alone in its browser.
    fn me(c: u32) -> Asker {
        Asker {
            client: c,
            browser: c,
        }
    }

    fn balancer(algorithm: LbAlgorithm) -> Balancer {
        sticky(algorithm, Affinity::None)
    }

    fn sticky(algorithm: LbAlgorithm, affinity: Affinity) -> Balancer {
        let spec = BalancerSpec {
            affinity,
            layer: 7,
            algorithm,
            scale: Vec::new(),
            idle_timeout: None,
            drain: 0,
            health_check: None,
        };
        Balancer::new(spec, 3, stream(1, "lb"))
    }

    #[test]
    fn round_robin_cycles_through_the_active_replicas() {
        let mut b = balancer(LbAlgorithm::RoundRobin);
        let picks: Vec<u32> = (0..7)
            .map(|c| b.choose(me(c), |_| 0, |_| false).unwrap())
            .collect();
        assert_eq!(picks, vec![0, 1, 2, 0, 1, 2, 0]);
        b.scale_to(4);
        let picks: Vec<u32> = (0..4)
            .map(|c| b.choose(me(c), |_| 0, |_| false).unwrap())
            .collect();
        assert_eq!(picks, vec![1, 2, 3, 0]);
    }

    #[test]
    fn least_connections_picks_the_emptiest() {
        let mut b = balancer(LbAlgorithm::LeastConnections);
        assert_eq!(
            b.choose(me(0), |r| [5, 2, 2][r as usize], |_| false)
                .unwrap(),
            1
        );
        // The tie between 1 and 2 rotates.
        assert_eq!(
            b.choose(me(0), |r| [5, 2, 2][r as usize], |_| false)
                .unwrap(),
            2
        );
        assert_eq!(
            b.choose(me(0), |r| [0, 2, 2][r as usize], |_| false)
                .unwrap(),
            0
        );
        let picks: Vec<u32> = (0..4)
            .map(|c| b.choose(me(c), |_| 0, |_| false).unwrap())
            .collect();
        assert_eq!(picks, vec![1, 2, 0, 1]);
    }

    #[test]
    fn hashing_is_sticky_and_random_spreads() {
        let mut b = balancer(LbAlgorithm::Hash);
        let first: Vec<u32> = (0..50)
            .map(|c| b.choose(me(c), |_| 0, |_| false).unwrap())
            .collect();
        let again: Vec<u32> = (0..50)
            .map(|c| b.choose(me(c), |_| 0, |_| false).unwrap())
            .collect();
        assert_eq!(first, again);
        let mut r = balancer(LbAlgorithm::Random);
        let mut counts = [0; 3];
        for c in 0..3000 {
            counts[r.choose(me(c), |_| 0, |_| false).unwrap() as usize] += 1;
        }
        assert!(counts.iter().all(|n| (900..1100).contains(n)), "{counts:?}");
    }

    #[test]
    fn full_replicas_are_passed_over() {
        let full = |r: u32| r == 1;
        let mut b = balancer(LbAlgorithm::RoundRobin);
        let picks: Vec<Option<u32>> = (0..4).map(|c| b.choose(me(c), |_| 0, full)).collect();
        assert_eq!(picks, [Some(0), Some(2), Some(0), Some(2)]);
        let mut b = balancer(LbAlgorithm::LeastConnections);
        assert_eq!(b.choose(me(0), |r| [5, 0, 2][r as usize], full), Some(2));
        let mut b = balancer(LbAlgorithm::Hash);
        for c in 0..50 {
            let pick = b.choose(me(c), |_| 0, full).unwrap();
            assert_ne!(pick, 1);
            let home = b.choose(me(c), |_| 0, |_| false).unwrap();
            assert!(pick == home || (home == 1 && pick == 2), "client {c}");
        }
        let mut b = balancer(LbAlgorithm::Random);
        assert!((0..100).all(|c| b.choose(me(c), |_| 0, full) != Some(1)));
        for algorithm in [
            LbAlgorithm::RoundRobin,
            LbAlgorithm::LeastConnections,
            LbAlgorithm::Random,
            LbAlgorithm::Hash,
        ] {
            assert_eq!(balancer(algorithm).choose(me(0), |_| 0, |_| true), None);
        }
    }

    #[test]
    fn a_cookie_brings_a_client_back_until_its_replica_is_full_or_removed() {
        let mut b = sticky(LbAlgorithm::RoundRobin, Affinity::Cookie);
        // First requests: round robin sets the cookies 0, 1, 2, 0.
        let first: Vec<u32> = (0..4)
            .map(|c| b.choose(me(c), |_| 0, |_| false).unwrap())
            .collect();
        assert_eq!(first, [0, 1, 2, 0]);
        // Later requests follow the cookie, whatever the round robin's turn.
        for _ in 0..3 {
            let again: Vec<u32> = (0..4)
                .map(|c| b.choose(me(c), |_| 0, |_| false).unwrap())
                .collect();
            assert_eq!(again, first);
        }
        // Replica 0 full: clients 0 and 3 are chosen anew (round robin's next turns are
        // 1 and 2) and their cookies move, so they stay there once 0 has room again.
        let full = |r: u32| r == 0;
        assert_eq!(b.choose(me(0), |_| 0, full), Some(1));
        assert_eq!(b.choose(me(3), |_| 0, full), Some(2));
        assert_eq!(b.choose(me(0), |_| 0, |_| false), Some(1));
        assert_eq!(b.choose(me(3), |_| 0, |_| false), Some(2));
        // Scaled in to 2: client 2's replica left service, so it moves (to 0, the next turn).
        b.scale_to(2);
        assert_eq!(b.choose(me(2), |_| 0, |_| false), Some(0));
        // Scaled out to 4: nobody moves (the price of affinity after a scale-out).
        b.scale_to(4);
        let after: Vec<u32> = (0..4)
            .map(|c| b.choose(me(c), |_| 0, |_| false).unwrap())
            .collect();
        assert_eq!(after, [1, 1, 0, 2]);
    }

    #[test]
    fn source_ip_hashes_the_browser_not_the_tab() {
        let mut b = sticky(LbAlgorithm::RoundRobin, Affinity::SourceIp);
        for browser in 0..20 {
            let tabs: Vec<u32> = (0..3)
                .map(|tab| {
                    let asker = Asker {
                        client: browser * 3 + tab,
                        browser,
                    };
                    b.choose(asker, |_| 0, |_| false).unwrap()
                })
                .collect();
            assert!(
                tabs.iter().all(|r| *r == tabs[0]),
                "browser {browser}: {tabs:?}"
            );
            // The same home as `hash` of the browser's number.
            assert_eq!(Some(tabs[0]), hashed(browser, 3, |_| false));
        }
        // The browsers spread: not all on one replica.
        let homes: std::collections::BTreeSet<u32> = (0..20)
            .map(|browser| hashed(browser, 3, |_| false).unwrap())
            .collect();
        assert_eq!(homes.len(), 3);
    }
}
