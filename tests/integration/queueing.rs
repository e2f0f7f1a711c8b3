//! The server's FIFO multi-core queue against queueing theory (M/M/c, Erlang C).

use rtsim::engine::rng::{exponential, stream};
use rtsim::infra::costs::{CostTable, TransportCosts};
use rtsim::infra::server::Server;
use rtsim::scenario::ServerSpec;
use rtsim::time::SimTime;

/// Erlang C: the mean wait in queue of an M/M/c system with arrival rate `lambda` and
/// service rate `mu` per core.
fn erlang_c_wait(c: u32, lambda: f64, mu: f64) -> f64 {
    let a = lambda / mu; // offered load in Erlangs
    let rho = a / c as f64;
    let mut term = 1.0; // a^k / k!
    let mut sum = 0.0;
    for k in 0..c {
        if k > 0 {
            term *= a / k as f64;
        }
        sum += term;
    }
    let top = term * a / c as f64 / (1.0 - rho); // a^c / c! / (1 - rho)
    let p_wait = top / (sum + top);
    p_wait / (c as f64 * mu - lambda)
}

fn simulated_wait(c: u32, rho: f64, jobs: u64, seed: u64) -> f64 {
    let mean_service = 1_000_000.0; // 1 ms
    let lambda = rho * c as f64 / mean_service; // per ns
    let spec = ServerSpec {
        cores: c,
        costs: CostTable::uniform(TransportCosts::FREE),
        exponential_costs: true,
        io: rtsim::infra::io::IoModel::EventLoop,
        keepalive_timeout: None,
        send_buffer: None,
        serverless: None,
        replicas: 1,
        max_connections: None,
    };
    let mut server = Server::new(&spec, 0, u64::MAX);
    let mut arrivals = stream(seed, "arrivals");
    let mut service = stream(seed, "service");
    let mut now = SimTime::ZERO;
    for _ in 0..jobs {
        now += exponential(&mut arrivals, 1.0 / lambda);
        server.execute(now, exponential(&mut service, mean_service));
    }
    server.mean_queueing_delay() as f64
}

#[test]
fn mean_queueing_delay_matches_erlang_c() {
    let c = 4;
    for (rho, jobs) in [(0.5, 400_000), (0.8, 1_000_000), (0.95, 4_000_000)] {
        let theory = erlang_c_wait(c, rho * c as f64 / 1e6, 1.0 / 1e6);
        let measured = simulated_wait(c, rho, jobs, 17);
        let error = (measured - theory).abs() / theory;
        assert!(
            error < 0.05,
            "rho {rho}: simulated {measured:.0} ns, Erlang C {theory:.0} ns ({:.1}% off)",
            error * 100.0
        );
    }
}

#[test]
fn erlang_c_formula_is_right() {
    // Known value: M/M/1 waits rho / (mu - lambda); at rho 0.5, mu 1: 1.
    assert!((erlang_c_wait(1, 0.5, 1.0) - 1.0).abs() < 1e-12);
    // M/M/2 at a = 1 (rho 0.5): P_wait = 1/3, Wq = (1/3) / (2 - 1) = 1/3.
    assert!((erlang_c_wait(2, 1.0, 1.0) - 1.0 / 3.0).abs() < 1e-12);
}
