//! The composition root: the parts of a run built from its scenario, before the first
//! event (each group's middlebox path, its partitions, its links' parameters).
//!
//! Owns: how scenario fields become the parts' inputs (a path's smallest proxy settings and
//! the proxies credited with them, a partition's window, a link profile's parameters by
//! direction). Does not own: the parts themselves (each keeps its own state and rules) nor
//! the run's state (the [`super::world::World`] builds itself from what these return).
//! Every function here is pure: the same scenario gives the same parts.

use crate::ids::{GroupId, ProxyId};
use crate::infra::faults::{FaultNames, FaultPlan};
use crate::infra::middleboxes::{Middleboxes, Path};
use crate::infra::server::ServerSpec;
use crate::metrics::hops::Hop;
use crate::net::link::LinkParams;
use crate::net::network::SharedLinks;
use crate::net::shared_link::SharedQueue;
use crate::scenario::faults::FaultKind;
use crate::scenario::{LinkProfile, ProxySpec, Scenario};
use crate::time::{Nanos, SimTime};
use crate::transport::Chain;

/// The server of a run of `chain`: the scenario's, every row's memory per connection grown by
/// what the variant's compressor holds for a connection
/// ([`crate::transport::Machine::compression_memory`], the variant's own transport's).
pub(super) fn server_of(scenario: &Scenario, chain: &Chain) -> ServerSpec {
    let mut server = scenario.server;
    let compressor = chain.primary().compression_memory();
    for t in crate::infra::costs::ServerTransport::ALL {
        server.costs.row_mut(t).memory_per_connection += compressor;
    }
    server
}

/// The balancer in front of the replicas: the scenario's, or for a serverless server one
/// that balances each request on its own (layer 7, as API Gateway invokes a function per
/// request).
pub(super) fn balancer_of(scenario: &Scenario) -> crate::infra::balancer::BalancerSpec {
    let mut spec = scenario.balancer.clone();
    if scenario.server.serverless.is_some() {
        spec.layer = 7;
    }
    spec
}

/// A link profile's parameters by [`crate::net::wire::Direction::index`].
pub(super) fn link_params(profile: &LinkProfile) -> [LinkParams; 2] {
    let params = |bits_per_second| LinkParams {
        bits_per_second,
        latency: profile.latency,
        jitter: profile.jitter,
        loss_ppm: profile.loss_ppm,
    };
    [params(profile.down_bps), params(profile.up_bps)]
}

/// Per group: its partitions' windows, in time order.
pub(super) fn partitions_of(scenario: &Scenario) -> Vec<Vec<(SimTime, SimTime)>> {
    let mut out = vec![Vec::new(); scenario.groups.len()];
    for fault in &scenario.faults {
        if let FaultKind::Partition { group, lasts } = fault.kind {
            let from = SimTime::from_nanos(fault.at);
            out[group as usize].push((from, from + lasts));
        }
    }
    out
}

/// The run's fault plan: its faults, with each group's proxies and the names that
/// describe them.
pub(super) fn fault_plan_of(scenario: &Scenario) -> FaultPlan {
    let names = |names: &mut dyn Iterator<Item = &String>| names.cloned().collect();
    FaultPlan::new(
        scenario.faults.clone(),
        scenario.duration,
        scenario.balancer.layer,
        scenario
            .groups
            .iter()
            .map(|group| group.path.proxies.clone())
            .collect(),
        FaultNames {
            groups: names(&mut scenario.groups.iter().map(|g| &g.name)),
            proxies: names(&mut scenario.proxies.iter().map(|p| &p.name)),
            links: names(&mut scenario.links.iter().map(|l| &l.name)),
        },
    )
}

/// The shared links of the topology (those with a bandwidth), each direction a queue that
/// counts over the measurement window, and per group the ones its path crosses toward
/// the servers; empty when no link is shared (every group then skips them at no cost).
pub(super) fn shared_links_of(scenario: &Scenario) -> SharedLinks {
    let window = (
        SimTime::from_nanos(scenario.warmup),
        SimTime::from_nanos(scenario.duration),
    );
    let mut index = vec![None; scenario.topology_links.len()];
    let mut queues = Vec::new();
    for (l, link) in scenario.topology_links.iter().enumerate() {
        if let Some([down, up]) = link.shared {
            index[l] = Some(queues.len() as u32);
            queues.push([SharedQueue::new(down, window), SharedQueue::new(up, window)]);
        }
    }
    if queues.is_empty() {
        return (queues, Vec::new());
    }
    let crossing = (scenario.groups.iter())
        .map(|g| {
            g.path
                .links
                .iter()
                .filter_map(|&l| index[l as usize])
                .collect()
        })
        .collect();
    (queues, crossing)
}

/// The hops whose bytes the result shows: each access-link profile, then each topology
/// link, with the groups whose path crosses it.
pub(super) fn hops_of(scenario: &Scenario) -> Vec<Hop> {
    let groups = &scenario.groups;
    let using = |crosses: &dyn Fn(usize) -> bool| {
        (0..groups.len())
            .filter(|g| crosses(*g))
            .map(GroupId::at)
            .collect()
    };
    let access = scenario.links.iter().enumerate().map(|(l, link)| Hop {
        name: format!("access:{}", link.name),
        groups: using(&|g| groups[g].link.0 as usize == l),
    });
    let topology = scenario
        .topology_links
        .iter()
        .enumerate()
        .map(|(l, link)| Hop {
            name: format!("link:{}-{}", link.from, link.to),
            groups: using(&|g| groups[g].path.links.contains(&(l as u32))),
        });
    access.chain(topology).collect()
}

/// The radio technologies group `g`'s devices use over the run: its link's, then those of
/// the profiles its network switches move it to, each once.
pub(super) fn technologies_of(
    scenario: &Scenario,
    faults: &FaultPlan,
    g: GroupId,
) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    let profiles = std::iter::once(scenario.groups[g].link.0).chain(faults.switches_of(g));
    for p in profiles {
        if let Some(spec) = scenario.links[p as usize].radio
            && !out.contains(&spec.technology)
        {
            out.push(spec.technology);
        }
    }
    out
}

/// What the middleboxes on each group's path do, looked up once per run (they are
/// consulted on every message).
pub(super) fn middleboxes_of<M>(scenario: &Scenario) -> Middleboxes<M> {
    let capacity = scenario.proxies.iter().map(|p| p.capacity).collect();
    Middleboxes::new(paths_of(scenario), capacity)
}

/// Each group's [`Path`]: its proxies' latencies added to the topology's, and each proxy
/// setting at its smallest value on the path with the proxy that has it.
fn paths_of(scenario: &Scenario) -> Vec<Path> {
    scenario
        .groups
        .iter()
        .map(|group| {
            let proxies: Vec<&ProxySpec> = group
                .path
                .proxies
                .iter()
                .map(|p| &scenario.proxies[*p as usize])
                .collect();
            // The smallest value of a proxy setting on the path, and the proxy with it.
            let least = |value: fn(&ProxySpec) -> Option<u64>| {
                group
                    .path
                    .proxies
                    .iter()
                    .filter_map(|p| {
                        value(&scenario.proxies[*p as usize]).map(|v| (v, ProxyId::new(*p)))
                    })
                    .min()
            };
            let proxy_idle = least(|p| p.idle_timeout);
            let idle_timeout = proxy_idle
                .map(|(t, _)| t)
                .into_iter()
                .chain(scenario.balancer.idle_timeout)
                .min();
            let idle_closer = proxy_idle
                .filter(|(t, _)| Some(*t) == idle_timeout)
                .map(|(_, p)| p);
            let buffering = least(|p| p.buffering);
            let lifetime = least(|p| p.max_lifetime);
            let denier = group
                .path
                .proxies
                .iter()
                .copied()
                .find(|p| scenario.proxies[*p as usize].deny_websocket)
                .map(ProxyId::new);
            Path {
                proxies: group
                    .path
                    .proxies
                    .iter()
                    .copied()
                    .map(ProxyId::new)
                    .collect(),
                idle_timeout,
                latency: group.path.latency + proxies.iter().map(|p| p.latency).sum::<Nanos>(),
                buffering: buffering.map(|(b, _)| b),
                max_lifetime: lifetime.map(|(t, _)| t),
                deny_websocket: denier.is_some(),
                idle_closer,
                lifetime_closer: lifetime.map(|(_, p)| p),
                buffering_proxy: buffering.map(|(_, p)| p),
                denier,
            }
        })
        .collect()
}
