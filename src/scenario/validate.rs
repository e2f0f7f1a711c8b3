//! Second phase of loading: the driver that turns a parsed [`RawScenario`] into a runnable
//! [`Scenario`]. Each section is read and checked by its own file (`network.rs`,
//! `clients.rs`, `server.rs`, `transports.rs`, ...); here are the order they run in (an
//! input with several mistakes reports the first in this order), the top-level fields and
//! the checks that span sections. Every error names the field path and carries the
//! location found by [`super::locate`], through the `Checker`.

use super::defaults as d;
use super::error::ScenarioError;
use super::raw::RawScenario;
use super::spec::{Scenario, TransportKind, TransportSpec};
use super::tree::Node;
use super::{balancer, clients, network, proxies, server, stack, transports};

pub(crate) use super::checker::Checker;
pub use super::clients::{MAX_CLIENTS, MAX_TABS};
pub use super::server::MAX_REPLICAS;
pub use super::workload::MAX_EVENTS_PER_RUN;

/// Turns a parsed scenario into a runnable one; `tree` is the value tree `raw` was read
/// from (with the same overrides).
pub(crate) fn validate(
    raw: &RawScenario,
    tree: &Node,
    c: &Checker,
) -> Result<Scenario, ScenarioError> {
    // Every size, count, rate and duration within its bound first, so that nothing below
    // computes with a value its arithmetic cannot hold.
    super::bounds::check(tree, c)?;
    let duration = raw.duration.as_nanos();
    if duration == 0 {
        return Err(c.error("duration", "must be greater than 0s"));
    }
    let warmup = raw.warmup.map_or(0, |w| w.as_nanos());
    if warmup >= duration {
        return Err(c.error(
            "warmup",
            format!(
                "must be shorter than duration ({}), found {}",
                raw.duration,
                raw.warmup.map(|w| w.to_string()).unwrap_or_default()
            ),
        ));
    }
    let mut warnings: Vec<String> = raw
        .workload
        .events
        .as_ref()
        .map(|events| events.renamed_keys_warnings())
        .unwrap_or_default();

    let links = network::links(&raw.network, c)?;
    let tcp = stack::tcp(raw.tcp.as_ref(), c)?;
    if raw.clients.is_empty() {
        return Err(c.error("clients", "needs at least one client group"));
    }
    let proxies = proxies::proxies(raw.proxies.as_ref(), c)?;
    let mut groups = clients::groups(&raw.clients, &links, duration, c)?;
    let (topology_links, mut group_paths, receiver_paths) =
        super::topology::paths(raw, &proxies, c)?;
    for group in &mut groups {
        group.path = group_paths.remove(&group.name).unwrap_or_default();
    }
    clients::check_total(&groups, c)?;

    let server = server::server(raw.server.as_ref(), c)?;
    let client_count = groups.iter().map(|g| g.count as u64 * g.tabs as u64).sum();
    let workload = super::workload::workload(raw, duration, client_count, c)?;
    let rest = super::two_way::rest(raw, &server, c)?;
    if let Some(trace) = workload.trace.as_ref().filter(|t| t.beyond_end > 0) {
        warnings.push(format!(
            "the trace {} has {} events after the run's end ({}); they are left out",
            trace.file, trace.beyond_end, raw.duration
        ));
    }

    let http2 = stack::http2(raw.http2.as_ref(), c)?;
    let mut transports = transports::transports(&raw.transports, http2, workload.encoding, c)?;
    super::two_way::check_transports(&transports, &workload, c)?;
    transports::check_zero_byte_events(&transports, &workload, c)?;
    clients::check_request_headers(&groups, &transports, &rest, c)?;
    super::channels::check(&mut transports, &workload, &rest, c)?;
    if rest.history.is_some()
        && let Some(i) = transports.iter().position(|t| t.conflate.is_on())
    {
        return Err(c.error(
            &format!("transports[{i}].conflate"),
            "conflation with `rest.history` is not modelled (a history answer carries every \
             event); expected `none`, or no history fetch",
        ));
    }
    let receivers =
        super::webhook::receivers(raw.receivers.as_ref(), &links, &receiver_paths, duration, c)?;
    if let Some(warning) = super::webhook::check(raw, &transports, &receivers, &workload, c)? {
        warnings.push(warning);
    }

    if server.serverless.is_some() {
        if raw.load_balancer.is_some() {
            return Err(c.error(
                "load_balancer",
                "does not apply to `server.kind: serverless` (the platform balances each request)",
            ));
        }
        if let Some(i) =
            (transports.iter()).position(|t| matches!(t.kind, TransportKind::Webhook(_)))
        {
            return Err(c.error(
                &format!("transports[{i}]"),
                "webhooks are not modelled on `server.kind: serverless` (their sender is a fixed server)",
            ));
        }
    }
    check_gateway_variants(&transports, server.serverless.as_ref(), c)?;
    let balancer = balancer::balancer(raw.load_balancer.as_ref(), server.replicas, duration, c)?;
    let most_replicas = balancer
        .scale
        .iter()
        .map(|(_, n)| *n)
        .chain([server.replicas])
        .max()
        .unwrap_or(server.replicas);
    let group_names: Vec<String> = groups.iter().map(|g| g.name.clone()).collect();
    let proxy_names: Vec<String> = proxies.iter().map(|p| p.name.clone()).collect();
    let link_names: Vec<String> = links.iter().map(|l| l.name.clone()).collect();
    let mut faults = super::faults::faults(
        raw.faults.as_deref().unwrap_or(&[]),
        &super::faults::FaultTargets {
            replicas: most_replicas,
            groups: &group_names,
            proxies: &proxy_names,
            links: &link_names,
        },
        duration,
        c,
    )?;
    faults.sort_by_key(|f| f.at);
    let broker = server::broker(raw.broker.as_ref());
    transports::check_grpc_broker(&transports, broker.is_some(), most_replicas, c)?;
    transports::check_batch_broker(&transports, broker.is_some(), most_replicas, c)?;
    let tls = stack::tls(raw.tls.as_ref());

    let labels: Vec<String> = transports.iter().map(|t| t.label.clone()).collect();
    let services = super::services::services(
        raw.services.as_ref(),
        http2,
        (workload.messages.is_some(), &labels),
        c,
    )?;
    if !services.is_empty() && server.serverless.is_some() {
        return Err(c.error(
            "services",
            "internal services behind `server.kind: serverless` are not modelled (a function's \
             invocation would wait for its calls: the billed duration and the concurrency \
             are not computed for it); use a fixed fleet or drop `services`",
        ));
    }
    if !services.is_empty() && transports.iter().any(|t| t.kind.name() == "webhook") {
        warnings.push(
            "services are not called by webhook variants: the webhook model does not run the \
             server's jobs"
                .to_string(),
        );
    }
    let assertions =
        super::assertions::parse(raw.assertions.as_deref().unwrap_or(&[]), &labels, c)?;
    let charts = super::charts::requests(raw.charts.as_deref(), c)?;
    let cost = super::prices::cost(raw.cost.as_ref(), raw.load_balancer.is_some(), c)?;

    Ok(Scenario {
        name: raw.name.clone(),
        description: raw.description.clone().unwrap_or_default(),
        seed: raw.seed.unwrap_or(d::SEED),
        replications: replications(raw.replications, c)?,
        duration,
        warmup,
        links,
        tcp,
        tls,
        proxies,
        topology_links,
        groups,
        server,
        balancer,
        broker,
        workload,
        rest,
        receivers,
        transports,
        services,
        assertions,
        charts,
        cost,
        faults,
        warnings,
    })
}

/// The `replications` field, checked: 1 to [`super::bounds::MAX_REPLICATIONS`].
fn replications(raw: Option<u32>, c: &Checker) -> Result<u32, ScenarioError> {
    use super::bounds::MAX_REPLICATIONS;
    match raw {
        None => Ok(d::REPLICATIONS),
        Some(n) if (1..=MAX_REPLICATIONS).contains(&n) => Ok(n),
        Some(n) => Err(c.error(
            "replications",
            format!("{n} replications: expected a whole number from 1 to {MAX_REPLICATIONS}"),
        )),
    }
}

/// The managed gateway (`websocket.gateway: true`): only on a serverless server, and not
/// beside what it does not do: server pings (API Gateway sends none) or a fallback chain
/// (its steps would run on the functions while the gateway holds only WebSocket
/// connections); its limits (`server.serverless.gateway`) only with a variant on it.
fn check_gateway_variants(
    transports: &[TransportSpec],
    serverless: Option<&crate::infra::serverless::ServerlessSpec>,
    c: &Checker,
) -> Result<(), ScenarioError> {
    let mut any = false;
    for (i, t) in transports.iter().enumerate() {
        let TransportKind::WebSocket(ws) = &t.kind else {
            continue;
        };
        if !ws.gateway {
            continue;
        }
        any = true;
        if serverless.is_none() {
            return Err(c.error(
                &format!("transports[{i}].websocket.gateway"),
                "applies only on `server.kind: serverless` (the managed gateway invokes functions)",
            ));
        }
        if ws.ping.is_some() {
            return Err(c.error(
                &format!("transports[{i}].websocket.ping"),
                "does not apply with `gateway: true` (API Gateway sends no pings; a connection idle for `server.serverless.gateway.idle_timeout` is closed)",
            ));
        }
        if !ws.fallback.is_empty() {
            return Err(c.error(
                &format!("transports[{i}].fallback"),
                "is not modelled with `websocket.gateway: true` (the gateway holds WebSocket connections only)",
            ));
        }
    }
    if !any && serverless.is_some_and(|f| f.gateway.is_some()) {
        return Err(c.error(
            "server.serverless.gateway",
            "applies only with a `websocket` variant with `gateway: true`",
        ));
    }
    Ok(())
}
