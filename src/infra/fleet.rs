//! The server replicas and the load balancer in front of them: which replica takes a new
//! connection or request, the CPU that runs each job (with its cost drawn from the cost
//! model), crashes, restarts and health checks, scaling, and the front end's count of open
//! connections.
//!
//! Owns: every replica's [`Server`] (CPU, memory, connections), the [`Balancer`], which
//! replicas are down or out of rotation, the CPU cost draws, and the front end's open /
//! peak / admitted connection counts. Does not own: the clients and their connections, nor
//! which client sits on which replica (the simulation keeps that and asks the fleet).

use crate::engine::rng::{Stream, exponential};
use crate::ids::ClientId;
use crate::infra::balancer::Balancer;
use crate::infra::balancer::BalancerSpec;
use crate::infra::server::Server;
use crate::infra::server::ServerSpec;
use crate::time::Nanos;

/// The balancer's view of a replica under health checks: consecutive failed and passed
/// probes.
#[derive(Debug, Clone, Copy, Default)]
struct Health {
    fails: u32,
    passes: u32,
}

/// The replicas and their balancer, for one run.
#[derive(Debug, Clone)]
pub struct Fleet {
    /// The most replicas ever in service (the balancer says how many are).
    servers: Vec<Server>,
    balancer: Balancer,
    spec: BalancerSpec,
    /// The most connections (layer 4) or requests and streams (layer 7) a replica takes.
    max_connections: Option<u64>,
    /// Draws of exponentially distributed CPU costs, when the costs are exponential.
    exponential_costs: bool,
    cpu_rng: Stream,
    /// Per replica: its process is down; the balancer leaves it out of rotation (at once
    /// without health checks, after failed probes with them; also while it is deployed).
    down: Vec<bool>,
    out: Vec<bool>,
    health: Vec<Health>,
    /// Client connections open at the front end, their peak, and all ever admitted.
    open: u64,
    peak: u64,
    admitted: u64,
}

impl Fleet {
    /// `replicas` replicas (the most ever in service) of `server`, measured over
    /// `[warmup, duration)`, behind a balancer of `spec` in service with
    /// `server.replicas`; `balancer_rng` and `cpu_rng` are the run's streams for them.
    pub fn new(
        server: &ServerSpec,
        spec: BalancerSpec,
        replicas: u32,
        (warmup, duration): (Nanos, Nanos),
        balancer_rng: Stream,
        cpu_rng: Stream,
    ) -> Self {
        let n = replicas as usize;
        Fleet {
            servers: (0..n)
                .map(|_| Server::new(server, warmup, duration))
                .collect(),
            balancer: Balancer::new(spec.clone(), server.replicas, balancer_rng),
            spec,
            max_connections: server.max_connections.map(u64::from),
            exponential_costs: server.exponential_costs,
            cpu_rng,
            down: vec![false; n],
            out: vec![false; n],
            health: vec![Health::default(); n],
            open: 0,
            peak: 0,
            admitted: 0,
        }
    }

    /// The balancer's layer: 4 pins a connection to a replica, 7 balances each request.
    #[inline]
    pub fn layer(&self) -> u8 {
        self.balancer.layer()
    }

    /// Replicas in service: `0..active()`.
    #[inline]
    pub fn active(&self) -> u32 {
        self.balancer.active()
    }

    /// Every replica, in service or not.
    pub fn servers(&self) -> &[Server] {
        &self.servers
    }

    /// Replica `r`.
    #[inline]
    pub fn server(&mut self, r: usize) -> &mut Server {
        &mut self.servers[r]
    }

    /// The balancer's pick for `client` among the replicas in rotation and below their
    /// connection limit; `None` if all are full, or if the pick is a crashed replica the
    /// balancer has not noticed yet (the connection is refused, the request answered 502).
    pub fn choose(&mut self, client: ClientId) -> Option<u32> {
        let servers = &self.servers;
        let out = &self.out;
        let limit = self.max_connections;
        let r = self.balancer.choose(
            client.get(),
            |r| servers[r as usize].open_connections(),
            |r| {
                out[r as usize]
                    || limit.is_some_and(|max| servers[r as usize].open_connections() >= max)
            },
        )?;
        (!self.down[r as usize]).then_some(r)
    }

    /// Runs a job of mean cost `mean` on replica `r` from `now`: its drawn cost, and when
    /// it is done.
    #[inline]
    pub fn run(&mut self, r: usize, mean: Nanos, now: Nanos) -> (Nanos, Nanos) {
        let cost = if self.exponential_costs {
            exponential(&mut self.cpu_rng, mean as f64)
        } else {
            mean
        };
        (cost, self.servers[r].execute(now, cost))
    }

    /// `count` replicas are in service from `now`; every replica's imbalance window
    /// restarts.
    pub fn scale_to(&mut self, count: u32, now: Nanos) {
        self.balancer.scale_to(count);
        for server in &mut self.servers {
            server.mark(now);
        }
    }

    /// Whether replica `r`'s process is down.
    #[inline]
    pub fn is_down(&self, r: u32) -> bool {
        self.down[r as usize]
    }

    /// Replica `r`'s process crashes at `now`: the CPU time its unfinished jobs would have
    /// used, `(from, to)` each, or `None` if it was down already (nothing happens).
    /// Without health checks the balancer takes it out of rotation at once.
    pub fn crash(&mut self, r: u32, now: Nanos) -> Option<Vec<(Nanos, Nanos)>> {
        let r = r as usize;
        if self.down[r] {
            return None;
        }
        self.down[r] = true;
        if self.spec.health_check.is_none() {
            self.out[r] = true;
        }
        Some(self.servers[r].crash(now))
    }

    /// Replica `r`'s process is back; without health checks, in rotation at once.
    pub fn restart(&mut self, r: u32) {
        self.down[r as usize] = false;
        if self.spec.health_check.is_none() {
            self.out[r as usize] = false;
        }
    }

    /// Replica `r` leaves rotation (a deploy drains it) or comes back.
    pub fn set_out(&mut self, r: u32, out: bool) {
        self.out[r as usize] = out;
    }

    /// The balancer probes replica `r`: a crashed process fails, a running one passes;
    /// enough in a row take it out of or back into rotation. Returns when to probe next
    /// (`None` without health checks).
    pub fn probe(&mut self, r: u32) -> Option<Nanos> {
        let check = self.spec.health_check?;
        let r = r as usize;
        let health = &mut self.health[r];
        if self.down[r] {
            health.fails += 1;
            health.passes = 0;
            if health.fails >= check.unhealthy_threshold {
                self.out[r] = true;
            }
        } else {
            health.passes += 1;
            health.fails = 0;
            if health.passes >= check.healthy_threshold {
                self.out[r] = false;
            }
        }
        Some(check.interval)
    }

    /// A client connection was admitted at the front end.
    pub fn admit(&mut self) {
        self.open += 1;
        self.admitted += 1;
        self.peak = self.peak.max(self.open);
    }

    /// An admitted client connection closed.
    pub fn release(&mut self) {
        self.open -= 1;
    }

    /// Client connections open at the front end now, at most, and ever admitted.
    pub fn open_connections(&self) -> u64 {
        self.open
    }

    pub fn peak_connections(&self) -> u64 {
        self.peak
    }

    pub fn connections_admitted(&self) -> u64 {
        self.admitted
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::infra::balancer::{HealthCheck, LbAlgorithm};
    use crate::infra::server::CpuCosts;

    const S: Nanos = 1_000_000_000;

    fn server(replicas: u32) -> ServerSpec {
        ServerSpec {
            cores: 1,
            cost: CpuCosts::FREE,
            memory_per_connection: 1000,
            keepalive_timeout: None,
            send_buffer: None,
            replicas,
            max_connections: Some(1),
            exponential_costs: false,
        }
    }

    fn fleet(health_check: Option<HealthCheck>) -> Fleet {
        let spec = BalancerSpec {
            layer: 4,
            algorithm: LbAlgorithm::RoundRobin,
            scale: Vec::new(),
            drain: 0,
            idle_timeout: None,
            health_check,
        };
        Fleet::new(
            &server(2),
            spec,
            3,
            (0, 60 * S),
            crate::engine::rng::stream(1, "lb"),
            crate::engine::rng::stream(1, "cpu"),
        )
    }

    #[test]
    fn round_robin_passes_over_full_and_crashed_replicas() {
        let mut f = fleet(None);
        assert_eq!(f.active(), 2);
        assert_eq!(f.choose(ClientId::new(0)), Some(0));
        f.server(0).connection_opened();
        // Replica 0 is at its limit of one: the next picks go to 1.
        assert_eq!(f.choose(ClientId::new(1)), Some(1));
        f.server(1).connection_opened();
        assert_eq!(f.choose(ClientId::new(2)), None, "every replica is full");
        f.server(1).connection_closed();
        assert_eq!(f.crash(1, S).map(|v| v.len()), Some(0));
        assert_eq!(f.crash(1, S), None, "down already");
        assert_eq!(
            f.choose(ClientId::new(3)),
            None,
            "out of rotation at once without health checks"
        );
        f.restart(1);
        assert_eq!(f.choose(ClientId::new(4)), Some(1));
    }

    #[test]
    fn health_checks_take_a_crashed_replica_out_after_failed_probes() {
        let check = HealthCheck {
            interval: 5 * S,
            unhealthy_threshold: 2,
            healthy_threshold: 1,
        };
        let mut f = fleet(Some(check));
        f.crash(0, S);
        assert!(f.is_down(0));
        // Still in rotation until two probes fail: the pick lands on it and is refused.
        assert_eq!(f.choose(ClientId::new(0)), None);
        assert_eq!(f.probe(0), Some(5 * S));
        assert_eq!(f.probe(0), Some(5 * S));
        assert_eq!(
            f.choose(ClientId::new(1)),
            Some(1),
            "out of rotation after the second failure"
        );
        f.restart(0);
        f.probe(0);
        assert_eq!(
            f.choose(ClientId::new(2)),
            Some(0),
            "back after one passing probe"
        );
    }

    #[test]
    fn the_front_end_counts_open_peak_and_admitted() {
        let mut f = fleet(None);
        f.admit();
        f.admit();
        f.release();
        f.admit();
        assert_eq!(
            (
                f.open_connections(),
                f.peak_connections(),
                f.connections_admitted()
            ),
            (2, 2, 3)
        );
        let (cost, done) = f.run(0, 7, 10);
        assert_eq!((cost, done), (7, 17), "a fixed cost on an idle core");
    }
}
