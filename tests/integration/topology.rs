//! The topology: paths through named nodes, their latency and per-hop bytes, and the
//! validation of links and paths.

use rtsim::scenario;

use crate::support::{run, scenario as load};

const BASE: &str = "name: topo
duration: 60s
network:
  office: { latency: 10ms, bandwidth: 50Mbit/s }
proxies:
  corp: { idle_timeout: 10m }
  cdn: { idle_timeout: 10m }
clients:
  staff: { count: 5, link: office }
workload:
  events: { source: periodic, rate: 1/s, payload: 100B }
transports:
  - { websocket: {} }
";

fn with_topology(topology: &str) -> String {
    format!("{BASE}topology:\n{topology}")
}

#[test]
fn the_shortest_path_is_taken_and_its_latency_added() {
    let direct = run(&load(BASE)).remove(0);
    let text = with_topology(
        "  links:
    - { from: staff, to: corp, latency: 2ms }
    - { from: corp, to: servers, latency: 8ms }
    - { from: staff, to: cdn, latency: 1ms }
    - { from: cdn, to: servers, latency: 30ms }
",
    );
    let s = load(&text);
    // staff - corp - servers (10 ms) beats staff - cdn - servers (31 ms).
    assert_eq!(s.groups[0].path.latency, 10_000_000);
    assert_eq!(s.groups[0].path.proxies.len(), 1);
    assert_eq!(s.proxies[s.groups[0].path.proxies[0] as usize].name, "corp");
    let routed = run(&s).remove(0);
    let (a, b) = (direct.latency.unwrap(), routed.latency.unwrap());
    // Events travel the extra 10 ms one way.
    assert!(
        (b.mean_ms - a.mean_ms - 10.0).abs() < 0.01,
        "{} -> {}",
        a.mean_ms,
        b.mean_ms
    );
    // Every hop on the path carries the connection's bytes; the unused ones carry none.
    let hop = |name: &str| routed.hops.iter().find(|h| h.hop == name).unwrap().bytes;
    assert_eq!(hop("link:staff-corp"), routed.totals.bytes);
    assert_eq!(hop("link:corp-servers"), routed.totals.bytes);
    assert_eq!(hop("access:office"), routed.totals.bytes);
    assert_eq!(hop("link:staff-cdn").down.total(), 0);
}

#[test]
fn an_explicit_path_is_followed() {
    let text = with_topology(
        "  links:
    - { from: staff, to: corp, latency: 2ms }
    - { from: corp, to: servers, latency: 8ms }
    - { from: staff, to: cdn, latency: 1ms }
    - { from: cdn, to: servers, latency: 30ms }
  paths:
    staff: [cdn, servers]
",
    );
    let s = load(&text);
    assert_eq!(s.groups[0].path.latency, 31_000_000);
    assert_eq!(s.proxies[s.groups[0].path.proxies[0] as usize].name, "cdn");
}

fn error(text: &str) -> String {
    scenario::load_str("t.yaml", text, &[])
        .unwrap_err()
        .to_string()
}

#[test]
fn bad_topologies_are_reported_with_their_location() {
    let text = with_topology("  links:\n    - { from: staff, to: proxyy }\n");
    let line = text.lines().position(|l| l.contains("proxyy")).unwrap() + 1;
    let unknown = error(&text);
    assert!(unknown.starts_with(&format!("t.yaml:{line}:")), "{unknown}");
    assert!(unknown.contains("unknown node \"proxyy\""), "{unknown}");
    assert!(
        unknown.contains("corp") && unknown.contains("servers"),
        "lists the nodes: {unknown}"
    );

    let unreachable = error(&with_topology(
        "  links:\n    - { from: staff, to: corp }\n",
    ));
    assert!(
        unreachable.contains("cannot reach the servers"),
        "{unreachable}"
    );
    assert!(unreachable.contains("clients.staff"), "{unreachable}");

    let loops = error(&with_topology(
        "  links:
    - { from: staff, to: corp }
    - { from: corp, to: cdn }
    - { from: cdn, to: servers }
  paths:
    staff: [corp, cdn, corp, servers]
",
    ));
    assert!(
        loops.contains("the path loops") && loops.contains("\"corp\""),
        "{loops}"
    );
    assert!(loops.contains("topology.paths.staff"), "{loops}");

    let gap = error(&with_topology(
        "  links:
    - { from: staff, to: corp }
    - { from: cdn, to: servers }
  paths:
    staff: [corp, servers]
",
    ));
    assert!(
        gap.contains("no link joins \"corp\" and \"servers\""),
        "{gap}"
    );

    let self_link = error(&with_topology("  links:\n    - { from: corp, to: corp }\n"));
    assert!(self_link.contains("two different nodes"), "{self_link}");
}
