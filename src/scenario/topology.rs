//! The topology: named nodes (client groups, proxies, the `balancer`, the `servers`, and
//! webhook receivers) and links between them, as a petgraph graph; each group's path to
//! the servers, given or the one of least latency; each linked receiver's path from the
//! servers, the one of least latency; and its validation (unknown names, unreachable
//! servers or receivers, loops).

use std::collections::BTreeMap;

use petgraph::algo::astar;
use petgraph::graph::{NodeIndex, UnGraph};
use serde::Deserialize;

use super::checker::Checker;
use super::error::ScenarioError;
use super::raw::RawScenario;
use super::spec::{GroupPath, ProxySpec, TopologyLink};
use crate::net::shared_link::{DEFAULT_BUFFER, SharedParams};
use crate::time::Nanos;
use crate::units::{Bandwidth, ByteSize, Duration};

/// The topology: links between nodes and, optionally, explicit paths.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawTopology {
    /// Undirected links between named nodes: client groups, proxies, `balancer` (when there
    /// is a `load_balancer`), `servers` and webhook `receivers`, each with a one-way
    /// latency. A receiver that a link names is reached from `servers` by the path of least
    /// latency, whose latency adds to its `link` profile's (each way); a group's path may
    /// not pass through a receiver. Default: none.
    #[serde(default)]
    #[schemars(extend("default" = []))]
    pub links: Vec<RawTopologyLink>,
    /// Per group: the nodes after the group, ending with `servers`; a path must follow
    /// links, not loop, not cross another group, and pass the `balancer` if there is one.
    /// Default: the path of least latency.
    pub paths: Option<BTreeMap<String, Vec<String>>>,
}

/// A link between two nodes.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawTopologyLink {
    pub from: String,
    pub to: String,
    /// One-way delay on the link. Default 0s.
    pub latency: Option<Duration>,
    /// Makes the link one that every connection crossing it shares (an office uplink, a
    /// server NIC, a region's egress): its bandwidth toward the clients. Every message of
    /// every group whose path crosses the link queues in one FIFO with a drop-tail buffer
    /// (see the Network page). Default: none (the link adds only its latency).
    pub bandwidth: Option<Bandwidth>,
    /// Its bandwidth toward the servers, when it differs from `bandwidth`. Needs
    /// `bandwidth`. Default: `bandwidth`.
    pub upload: Option<Bandwidth>,
    /// The drop-tail buffer of each direction: bytes beyond it are dropped and resent
    /// after TCP's retransmission timeout. At least 1500B (one full Ethernet frame). Needs
    /// `bandwidth`. Default 1.5MB (1,000 packets of 1,500 B: Linux's default `txqueuelen`,
    /// ip-link(8)).
    pub buffer: Option<ByteSize>,
}

/// The smallest buffer a shared link may have: one full Ethernet frame, so that a
/// segment always fits in an empty buffer.
const MIN_BUFFER: u64 = 1_500;

/// A link's sharing, `[toward the clients, toward the servers]`, when it has a bandwidth.
fn shared(
    link: &RawTopologyLink,
    path: &str,
    c: &Checker,
) -> Result<Option<[SharedParams; 2]>, ScenarioError> {
    let Some(down) = link.bandwidth else {
        for (given, field) in [
            (link.upload.is_some(), "upload"),
            (link.buffer.is_some(), "buffer"),
        ] {
            if given {
                return Err(c.error(
                    &format!("{path}.{field}"),
                    "needs `bandwidth`: only a link with a bandwidth is shared and queues",
                ));
            }
        }
        return Ok(None);
    };
    let up = link.upload.unwrap_or(down);
    for (rate, field) in [(down, "bandwidth"), (up, "upload")] {
        if rate.bits_per_second() == 0 {
            return Err(c.error(&format!("{path}.{field}"), "must be greater than 0"));
        }
    }
    let buffer = link.buffer.map_or(DEFAULT_BUFFER, |b| b.0);
    if buffer < MIN_BUFFER {
        return Err(c.error(
            &format!("{path}.buffer"),
            format!("must be at least {MIN_BUFFER}B (one full Ethernet frame), got {buffer}B"),
        ));
    }
    let params = |rate: Bandwidth| SharedParams {
        bits_per_second: rate.bits_per_second(),
        buffer,
    };
    Ok(Some([params(down), params(up)]))
}

/// The node every path ends at.
pub const SERVERS: &str = "servers";
/// The load balancer's node, when there is one.
pub const BALANCER: &str = "balancer";

/// The links, every group's path, and the path from the servers of every receiver that a
/// link names (others reach the servers directly).
pub(crate) type Paths = (
    Vec<TopologyLink>,
    BTreeMap<String, GroupPath>,
    BTreeMap<String, GroupPath>,
);

/// Builds the links and every group's path. Without a `topology` section a group goes
/// straight to the servers, through its `via` proxy if it names one.
pub(crate) fn paths(
    raw: &RawScenario,
    proxies: &[ProxySpec],
    c: &Checker,
) -> Result<Paths, ScenarioError> {
    let proxy_index = |name: &str| {
        proxies
            .iter()
            .position(|p| p.name == name)
            .map(|i| i as u32)
    };
    let Some(topology) = &raw.topology else {
        let mut paths = BTreeMap::new();
        for (name, group) in &raw.clients {
            let mut path = GroupPath::default();
            if let Some(via) = &group.via {
                let proxy = proxy_index(via).ok_or_else(|| {
                    c.error(
                        &format!("clients.{name}.via"),
                        if proxies.is_empty() {
                            format!(
                                "unknown proxy \"{via}\"; no proxies are defined under `proxies`"
                            )
                        } else {
                            format!(
                                "unknown proxy \"{via}\"; expected one of: {}",
                                proxies
                                    .iter()
                                    .map(|p| p.name.as_str())
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            )
                        },
                    )
                })?;
                path.proxies.push(proxy);
            }
            paths.insert(name.clone(), path);
        }
        return Ok((Vec::new(), paths, BTreeMap::new()));
    };

    // The nodes, in a fixed order: groups, proxies, balancer, servers.
    let mut graph: UnGraph<String, Nanos> = UnGraph::new_undirected();
    let mut index: BTreeMap<String, NodeIndex> = BTreeMap::new();
    let mut add = |graph: &mut UnGraph<String, Nanos>, name: &str| {
        index.insert(name.to_string(), graph.add_node(name.to_string()));
    };
    for name in raw.clients.keys() {
        add(&mut graph, name);
    }
    for proxy in proxies {
        add(&mut graph, &proxy.name);
    }
    let has_balancer = raw.load_balancer.is_some();
    if has_balancer {
        add(&mut graph, BALANCER);
    }
    add(&mut graph, SERVERS);
    let receivers: Vec<String> = raw
        .receivers
        .as_ref()
        .map(|r| r.keys().cloned().collect())
        .unwrap_or_default();
    for name in &receivers {
        let taken = raw.clients.contains_key(name)
            || proxies.iter().any(|p| &p.name == name)
            || name == BALANCER
            || name == SERVERS;
        if taken {
            return Err(c.error(
                &format!("receivers.{name}"),
                format!("the name \"{name}\" is already a node of the topology; give the receiver another"),
            ));
        }
        add(&mut graph, name);
    }
    let known = index.keys().cloned().collect::<Vec<_>>().join(", ");

    let mut links = Vec::new();
    for (i, link) in topology.links.iter().enumerate() {
        let path = format!("topology.links[{i}]");
        let node = |name: &str, field: &str| {
            index.get(name).copied().ok_or_else(|| {
                c.error(
                    &format!("{path}.{field}"),
                    format!("unknown node \"{name}\"; expected one of: {known}"),
                )
            })
        };
        let (a, b) = (node(&link.from, "from")?, node(&link.to, "to")?);
        if a == b {
            return Err(c.error(
                &format!("{path}.to"),
                "a link must join two different nodes",
            ));
        }
        let latency = link.latency.map_or(0, |l| l.as_nanos());
        graph.add_edge(a, b, latency);
        links.push(TopologyLink {
            from: link.from.clone(),
            to: link.to.clone(),
            latency,
            shared: shared(link, &path, c)?,
        });
    }
    let link_between = |a: &str, b: &str| {
        links
            .iter()
            .position(|l| (l.from == a && l.to == b) || (l.from == b && l.to == a))
    };

    let servers = index[SERVERS];
    let explicit = topology.paths.clone().unwrap_or_default();
    for name in explicit.keys() {
        if !raw.clients.contains_key(name) {
            return Err(c.error(
                &format!("topology.paths.{name}"),
                format!(
                    "unknown client group \"{name}\"; expected one of: {}",
                    raw.clients.keys().cloned().collect::<Vec<_>>().join(", ")
                ),
            ));
        }
    }
    let mut paths = BTreeMap::new();
    for (name, group) in &raw.clients {
        if group.via.is_some() {
            return Err(c.error(
                &format!("clients.{name}.via"),
                "with a `topology`, a group's proxies are the ones on its path; remove `via`",
            ));
        }
        let field = format!("topology.paths.{name}");
        let nodes: Vec<String> = match explicit.get(name) {
            Some(nodes) => nodes.clone(),
            None => {
                let start = index[name];
                let found = astar(&graph, start, |n| n == servers, |e| *e.weight(), |_| 0);
                let Some((_, route)) = found else {
                    return Err(c.error(
                        &format!("clients.{name}"),
                        "cannot reach the servers: no chain of `topology.links` joins this group to `servers`",
                    ));
                };
                route[1..].iter().map(|n| graph[*n].clone()).collect()
            }
        };
        let mut path = GroupPath::default();
        let mut previous = name.clone();
        let mut seen = vec![name.clone()];
        for node in &nodes {
            if !index.contains_key(node) {
                return Err(c.error(
                    &field,
                    format!("unknown node \"{node}\"; expected one of: {known}"),
                ));
            }
            if seen.contains(node) {
                return Err(c.error(&field, format!("the path loops: \"{node}\" comes twice")));
            }
            if raw.clients.contains_key(node) {
                return Err(c.error(
                    &field,
                    format!("a path cannot pass through another client group (\"{node}\")"),
                ));
            }
            if receivers.contains(node) {
                return Err(c.error(
                    &field,
                    format!("a path cannot pass through a webhook receiver (\"{node}\")"),
                ));
            }
            let link = link_between(&previous, node).ok_or_else(|| {
                c.error(
                    &field,
                    format!("no link joins \"{previous}\" and \"{node}\""),
                )
            })?;
            path.links.push(link as u32);
            path.latency += links[link].latency;
            if let Some(proxy) = proxy_index(node) {
                path.proxies.push(proxy);
            }
            seen.push(node.clone());
            previous = node.clone();
        }
        if previous != SERVERS {
            return Err(c.error(&field, "a path must end at `servers`"));
        }
        if has_balancer && !seen.iter().any(|n| n == BALANCER) {
            return Err(c.error(&field, "the path must pass through the `balancer`"));
        }
        paths.insert(name.clone(), path);
    }
    let mut receiver_paths = BTreeMap::new();
    for name in &receivers {
        if !links.iter().any(|l| &l.from == name || &l.to == name) {
            continue;
        }
        let target = index[name];
        let found = astar(&graph, servers, |n| n == target, |e| *e.weight(), |_| 0);
        let Some((_, route)) = found else {
            return Err(c.error(
                &format!("receivers.{name}"),
                "cannot be reached: no chain of `topology.links` joins `servers` to this receiver",
            ));
        };
        let mut path = GroupPath::default();
        for pair in route.windows(2) {
            let (a, b) = (&graph[pair[0]], &graph[pair[1]]);
            if raw.clients.contains_key(a) || raw.clients.contains_key(b) {
                return Err(c.error(
                    &format!("receivers.{name}"),
                    "its shortest path from `servers` passes through a client group; link it to `servers` (or a proxy) directly",
                ));
            }
            let link = link_between(a, b).expect("an edge of the graph is a link");
            if links[link].shared.is_some() {
                return Err(c.error(
                    &format!("topology.links[{link}].bandwidth"),
                    format!("the webhook receiver \"{name}\" is reached through this link; a shared link on a receiver's path is not modelled (webhooks take no queue): leave out its `bandwidth`, or link the receiver another way"),
                ));
            }
            path.links.push(link as u32);
            path.latency += links[link].latency;
        }
        receiver_paths.insert(name.clone(), path);
    }
    Ok((links, paths, receiver_paths))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::checker::check_scenario;

    const BASE: &str = "name: t\nduration: 1m\nnetwork: { dsl: { latency: 10ms, bandwidth: 10Mbit/s } }\nclients: { web: { count: 10, link: dsl } }\ntransports: [{ sse: {} }]\n";
    const EVENTS: &str = "workload: { events: { source: poisson, rate: 1/s, payload: 1B } }\n";

    #[test]
    fn a_group_takes_the_path_of_least_latency() {
        let text = format!(
            "{BASE}{EVENTS}topology:\n  links: [{{ from: web, to: servers, latency: 5ms }}]\n"
        );
        let (links, groups, _) = check_scenario(&text, |raw, c| paths(raw, &[], c)).unwrap();
        assert_eq!(links.len(), 1);
        assert_eq!(groups["web"].latency, 5_000_000);
    }

    #[test]
    fn a_link_with_a_bandwidth_is_shared_with_its_buffer_each_way() {
        let text = format!(
            "{BASE}{EVENTS}topology:\n  links: [{{ from: web, to: servers, bandwidth: 20Mbit/s, upload: 5Mbit/s }}]\n"
        );
        let (links, _, _) = check_scenario(&text, |raw, c| paths(raw, &[], c)).unwrap();
        let [down, up] = links[0].shared.unwrap();
        assert_eq!(
            (down.bits_per_second, up.bits_per_second),
            (20_000_000, 5_000_000)
        );
        assert_eq!((down.buffer, up.buffer), (DEFAULT_BUFFER, DEFAULT_BUFFER));
        let text = format!("{BASE}{EVENTS}topology:\n  links: [{{ from: web, to: servers }}]\n");
        let (links, _, _) = check_scenario(&text, |raw, c| paths(raw, &[], c)).unwrap();
        assert_eq!(links[0].shared, None);
    }

    #[test]
    fn refuses_a_buffer_without_a_bandwidth_and_one_below_a_frame() {
        for (link, field, message) in [
            ("buffer: 64KB", "buffer", "needs `bandwidth`"),
            ("upload: 1Mbit/s", "upload", "needs `bandwidth`"),
            (
                "bandwidth: 1Mbit/s, buffer: 1000B",
                "buffer",
                "must be at least 1500B",
            ),
            ("bandwidth: 0Mbit/s", "bandwidth", "must be greater than 0"),
        ] {
            let text = format!(
                "{BASE}{EVENTS}topology:\n  links: [{{ from: web, to: servers, {link} }}]\n"
            );
            let error = check_scenario(&text, |raw, c| paths(raw, &[], c)).unwrap_err();
            assert_eq!(
                error.field.as_deref(),
                Some(format!("topology.links[0].{field}").as_str())
            );
            assert!(error.message.starts_with(message), "{error}");
        }
    }

    #[test]
    fn refuses_a_link_to_an_unknown_node() {
        let text = format!("{BASE}{EVENTS}topology:\n  links: [{{ from: web, to: cloud }}]\n");
        let error = check_scenario(&text, |raw, c| paths(raw, &[], c)).unwrap_err();
        assert_eq!(error.field.as_deref(), Some("topology.links[0].to"));
        assert!(
            error.message.starts_with("unknown node \"cloud\""),
            "{error}"
        );
    }
}
