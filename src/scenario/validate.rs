//! Second phase of loading: resolve names, apply defaults, check ranges. Every error names
//! the field path and carries the location found by [`super::locate`].

use super::defaults as d;
use super::error::ScenarioError;
use super::locate::Locations;
use super::raw::*;
use super::spec::*;

/// Most clients a scenario may hold (each costs about 200 bytes of state per run).
pub const MAX_CLIENTS: u64 = 10_000_000;
/// Most server replicas.
pub const MAX_REPLICAS: u32 = 1000;
/// Most tabs per browser.
pub const MAX_TABS: u32 = 100;
/// Most workload events a run may create (the event log holds each one's time).
pub const MAX_EVENTS_PER_RUN: u64 = 100_000_000;

/// Context for errors: the file name, its text and the located paths.
pub(crate) struct Checker<'a> {
    pub file: &'a str,
    pub text: &'a str,
    pub locations: &'a Locations,
    /// `--set` overrides: an error in a field they set names the override, not the file.
    pub overridden: &'a [super::Override],
}

impl Checker<'_> {
    pub(crate) fn error(&self, path: &str, message: impl Into<String>) -> ScenarioError {
        if let Some(o) = self.overridden.iter().rev().find(|o| o.dotted() == path) {
            return o.error(path, message);
        }
        ScenarioError::new(self.file, message)
            .at(self.text, self.locations.find(path))
            .field(path)
    }
}

/// Turns a parsed scenario into a runnable one.
pub(crate) fn validate(raw: &RawScenario, c: &Checker) -> Result<Scenario, ScenarioError> {
    // Every size, count, rate and duration within its bound first, so that nothing below
    // computes with a value its arithmetic cannot hold.
    super::bounds::check(raw, c)?;
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
    // Nothing in this version warns; the mechanism stays for parameters parsed ahead of
    // their model.
    let mut warnings = Vec::new();

    if raw.network.is_empty() {
        return Err(c.error("network", "needs at least one link profile"));
    }
    let mut links = Vec::new();
    for (name, link) in &raw.network {
        let path = format!("network.{name}");
        if link.bandwidth.bits_per_second() == 0 {
            return Err(c.error(&format!("{path}.bandwidth"), "must be greater than 0"));
        }
        if link.upload.is_some_and(|u| u.bits_per_second() == 0) {
            return Err(c.error(&format!("{path}.upload"), "must be greater than 0"));
        }
        let loss_ppm = link.loss.map_or(0, |l| l.parts_per_million());
        let radio = link
            .radio
            .as_ref()
            .map(|r| super::radio::radio(r, &format!("{path}.radio"), c))
            .transpose()?;
        links.push(LinkProfile {
            name: name.clone(),
            latency: link.latency.as_nanos(),
            jitter: link.jitter.map_or(0, |j| j.as_nanos()),
            down_bps: link.bandwidth.bits_per_second(),
            up_bps: link.upload.unwrap_or(link.bandwidth).bits_per_second(),
            loss_ppm,
            radio,
        });
    }

    let raw_tcp = raw.tcp.clone().unwrap_or_default();
    let tcp = TcpParams {
        mss: raw_tcp.mss.map_or(d::TCP_MSS, |v| v.bytes()),
        header: raw_tcp.header.map_or(d::TCP_HEADER, |v| v.bytes()),
        syn: raw_tcp.syn.map_or(d::TCP_SYN, |v| v.bytes()),
        delayed_ack: raw_tcp
            .delayed_ack
            .map_or(d::TCP_DELAYED_ACK, |v| v.as_nanos()),
    };
    if tcp.mss < 64 {
        return Err(c.error("tcp.mss", "must be at least 64B"));
    }

    if raw.clients.is_empty() {
        return Err(c.error("clients", "needs at least one client group"));
    }
    let mut proxies = Vec::new();
    for (name, proxy) in raw.proxies.iter().flatten() {
        let path = format!("proxies.{name}");
        if proxy.idle_timeout.is_some_and(|t| t.as_nanos() == 0) {
            return Err(c.error(&format!("{path}.idle_timeout"), "must be greater than 0s"));
        }
        if proxy.buffering.is_some_and(|b| b.bytes() == 0) {
            return Err(c.error(&format!("{path}.buffering"), "must be at least 1B"));
        }
        if proxy.max_lifetime.is_some_and(|t| t.as_nanos() == 0) {
            return Err(c.error(&format!("{path}.max_lifetime"), "must be greater than 0s"));
        }
        if proxy.capacity == Some(0) {
            return Err(c.error(&format!("{path}.capacity"), "must be at least 1"));
        }
        let deny_websocket = match proxy.websocket.as_deref() {
            None | Some("allow") => false,
            Some("deny") => true,
            Some(other) => {
                return Err(c.error(
                    &format!("{path}.websocket"),
                    format!("unknown setting \"{other}\"; expected one of: allow, deny"),
                ));
            }
        };
        proxies.push(ProxySpec {
            name: name.clone(),
            idle_timeout: Some(
                proxy
                    .idle_timeout
                    .map_or(d::PROXY_IDLE_TIMEOUT, |t| t.as_nanos()),
            ),
            buffering: proxy.buffering.map(|b| b.bytes()),
            latency: proxy.latency.map_or(0, |l| l.as_nanos()),
            max_lifetime: proxy.max_lifetime.map(|t| t.as_nanos()),
            capacity: proxy.capacity,
            deny_websocket,
        });
    }

    let mut groups = Vec::new();
    for (name, group) in &raw.clients {
        let path = format!("clients.{name}");
        if group.count == 0 {
            return Err(c.error(&format!("{path}.count"), "must be at least 1"));
        }
        let link = links
            .iter()
            .position(|l| l.name == group.link)
            .ok_or_else(|| {
                c.error(
                    &format!("{path}.link"),
                    format!(
                        "unknown link profile \"{}\"; expected one of: {}",
                        group.link,
                        names(raw.network.keys())
                    ),
                )
            })?;
        let ramp = group.ramp.map_or(0, |r| r.as_nanos());
        if ramp >= duration {
            return Err(c.error(&format!("{path}.ramp"), "must be shorter than duration"));
        }
        groups.push(ClientGroup {
            name: name.clone(),
            count: group.count,
            link: LinkId(link as u32),
            ramp,
            tls: group.tls.unwrap_or_default(),
            tabs: group.tabs.unwrap_or(1),
            path: GroupPath::default(),
        });
        if !(1..=MAX_TABS).contains(&group.tabs.unwrap_or(1)) {
            return Err(c.error(
                &format!("{path}.tabs"),
                format!("must be between 1 and {MAX_TABS}"),
            ));
        }
    }

    let (topology_links, mut group_paths, receiver_paths) =
        super::topology::paths(raw, &proxies, c)?;
    for group in &mut groups {
        group.path = group_paths.remove(&group.name).unwrap_or_default();
    }

    let total_clients: u64 = groups.iter().map(|g| g.count as u64 * g.tabs as u64).sum();
    if total_clients > MAX_CLIENTS {
        return Err(c.error(
            "clients",
            format!("{total_clients} clients in all; at most {MAX_CLIENTS} per scenario"),
        ));
    }

    let raw_server = raw.server.clone().unwrap_or_default();
    let cost = raw_server.cost.clone().unwrap_or_default();
    let exponential_costs = match raw_server.cost_distribution.as_deref() {
        None | Some("fixed") => false,
        Some("exponential") => true,
        Some(other) => {
            return Err(c.error(
                "server.cost_distribution",
                format!("unknown distribution \"{other}\"; expected one of: fixed, exponential"),
            ));
        }
    };
    let replicas = raw_server.replicas.unwrap_or(1);
    if !(1..=MAX_REPLICAS).contains(&replicas) {
        return Err(c.error(
            "server.replicas",
            format!("must be between 1 and {MAX_REPLICAS}"),
        ));
    }
    if raw_server.max_connections == Some(0) {
        return Err(c.error("server.max_connections", "must be at least 1"));
    }
    let server = ServerSpec {
        replicas,
        max_connections: raw_server.max_connections,
        cores: raw_server.cores.unwrap_or(d::SERVER_CORES),
        exponential_costs,
        cost: CpuCosts {
            accept: cost.accept.map_or(d::COST_ACCEPT, |v| v.as_nanos()),
            request: cost.request.map_or(d::COST_REQUEST, |v| v.as_nanos()),
            push: cost.push.map_or(d::COST_PUSH, |v| v.as_nanos()),
            ping: cost.ping.map_or(d::COST_PING, |v| v.as_nanos()),
            tls_handshake: cost
                .tls_handshake
                .map_or(d::COST_TLS_HANDSHAKE, |v| v.as_nanos()),
        },
        memory_per_connection: raw_server
            .memory_per_connection
            .map_or(d::MEMORY_PER_CONNECTION, |v| v.bytes()),
        send_buffer: match &raw_server.send_buffer {
            None => None,
            Some(b) => Some(SendBuffer {
                limit: b.limit.bytes(),
                policy: match b.policy.as_str() {
                    "buffer" => SlowConsumerPolicy::Buffer,
                    "drop_oldest" => SlowConsumerPolicy::DropOldest,
                    "disconnect" => SlowConsumerPolicy::Disconnect,
                    other => {
                        return Err(c.error(
                            "server.send_buffer.policy",
                            format!(
                                "unknown policy \"{other}\"; expected one of: buffer, drop_oldest, disconnect"
                            ),
                        ));
                    }
                },
            }),
        },
        keepalive_timeout: match raw_server.keepalive_timeout {
            None => Some(d::KEEPALIVE_TIMEOUT),
            Some(t) if t.as_nanos() == 0 => None,
            Some(t) => Some(t.as_nanos()),
        },
    };
    if server.cores == 0 || server.cores > 4096 {
        return Err(c.error("server.cores", "must be between 1 and 4096"));
    }

    let client_count = groups.iter().map(|g| g.count as u64 * g.tabs as u64).sum();
    let workload = super::workload::workload(raw, duration, client_count, c)?;
    let rest = super::two_way::rest(raw, &server, c)?;
    if let Some(trace) = workload.trace.as_ref().filter(|t| t.beyond_end > 0) {
        warnings.push(format!(
            "the trace {} has {} events after the run's end ({}); they are left out",
            trace.file, trace.beyond_end, raw.duration
        ));
    }

    let raw_http2 = raw.http2.clone().unwrap_or_default();
    let http2 = Http2Params {
        huffman_ppm: raw_http2
            .huffman
            .map_or(d::HTTP2_HUFFMAN_PPM, |p| p.parts_per_million()),
        repeated_request_headers: raw_http2
            .repeated_request_headers
            .map_or(d::HTTP2_REPEATED_REQUEST_HEADERS, |v| v.bytes()),
        repeated_response_headers: raw_http2
            .repeated_response_headers
            .map_or(d::HTTP2_REPEATED_RESPONSE_HEADERS, |v| v.bytes()),
        window: raw_http2.window.map_or(d::HTTP2_WINDOW, |v| v.bytes()),
        ping: raw_http2.ping.map(|v| v.as_nanos()),
    };
    if http2.ping == Some(0) {
        return Err(c.error("http2.ping", "must be greater than 0s"));
    }
    if http2.window < 2 {
        return Err(c.error("http2.window", "must be at least 2B"));
    }

    if raw.transports.is_empty() {
        return Err(c.error("transports", "needs at least one transport variant"));
    }
    let mut transports: Vec<TransportSpec> = Vec::new();
    for (index, t) in raw.transports.iter().enumerate() {
        let path = format!("transports[{index}]");
        let spec = transport(t, &path, http2, c)?;
        if let Some(earlier) = transports.iter().position(|e| e.label == spec.label) {
            return Err(c.error(
                &path,
                format!(
                    "duplicate label \"{}\" (also transports[{earlier}]); give each variant a unique `label`",
                    spec.label
                ),
            ));
        }
        transports.push(spec);
    }
    super::two_way::check_transports(&transports, &workload, c)?;
    let receivers =
        super::webhook::receivers(raw.receivers.as_ref(), &links, &receiver_paths, duration, c)?;
    if let Some(warning) = super::webhook::check(raw, &transports, &receivers, &workload, c)? {
        warnings.push(warning);
    }

    let balancer = balancer(raw, replicas, duration, c)?;
    let most_replicas = balancer
        .scale
        .iter()
        .map(|(_, n)| *n)
        .chain([replicas])
        .max()
        .unwrap_or(replicas);
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
    let broker = raw.broker.as_ref().map(|b| BrokerSpec {
        latency: b.latency.map_or(d::BROKER_LATENCY, |v| v.as_nanos()),
        cost: b.cost.map_or(d::BROKER_COST, |v| v.as_nanos()),
    });
    // A gRPC stream held back by flow control keeps a backlog of pending events, which only
    // a broker (every event at every replica with subscribers) can serve in order.
    if broker.is_none()
        && most_replicas > 1
        && let Some(i) = transports
            .iter()
            .position(|t| matches!(t.kind, TransportKind::Grpc { .. }))
    {
        return Err(c.error(
            &format!("transports[{i}].grpc"),
            "gRPC streams on several replicas need a `broker` (without one, events reach one replica each)",
        ));
    }

    let raw_tls = raw.tls.clone().unwrap_or_default();
    let tls = TlsSizes {
        client_hello: raw_tls
            .client_hello
            .map_or(d::TLS_CLIENT_HELLO, |v| v.bytes()),
        server_hello: raw_tls
            .server_hello
            .map_or(d::TLS_SERVER_HELLO, |v| v.bytes()),
        resumption: raw_tls.resumption.unwrap_or(true),
        resumed_server_hello: raw_tls
            .resumed_server_hello
            .map_or(d::TLS_RESUMED_SERVER_HELLO, |v| v.bytes()),
    };

    let labels: Vec<String> = transports.iter().map(|t| t.label.clone()).collect();
    let assertions =
        super::assertions::parse(raw.assertions.as_deref().unwrap_or(&[]), &labels, c)?;
    let charts = raw
        .charts
        .as_ref()
        .map(|entries| {
            entries
                .iter()
                .enumerate()
                .map(|(i, text)| {
                    super::charts::ChartRequest::parse(text)
                        .map_err(|m| c.error(&format!("charts[{i}]"), m))
                })
                .collect::<Result<Vec<_>, _>>()
        })
        .transpose()?;

    Ok(Scenario {
        name: raw.name.clone(),
        description: raw.description.clone().unwrap_or_default(),
        seed: raw.seed.unwrap_or(d::SEED),
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
        assertions,
        charts,
        faults,
        warnings,
    })
}

/// Reads a WebSocket variant's fallback chain: one to two steps, SSE and long polling at
/// most once each, over HTTP/1.1.
fn fallback_chain(
    steps: &[super::raw::RawFallback],
    path: &str,
    http2: Http2Params,
    c: &Checker,
) -> Result<Vec<FallbackStep>, ScenarioError> {
    if steps.is_empty() || steps.len() > 2 {
        return Err(c.error(
            &format!("{path}.fallback"),
            "expected one or two steps (sse, long_polling)",
        ));
    }
    let mut chain: Vec<FallbackStep> = Vec::new();
    for (k, step) in steps.iter().enumerate() {
        let here = if steps.len() == 1 {
            format!("{path}.fallback")
        } else {
            format!("{path}.fallback[{k}]")
        };
        let raw = match (&step.sse, &step.long_polling) {
            (Some(sse), None) => RawTransport {
                sse: Some(sse.clone()),
                ..RawTransport::default()
            },
            (None, Some(lp)) => RawTransport {
                long_polling: Some(lp.clone()),
                ..RawTransport::default()
            },
            _ => {
                return Err(c.error(
                    &here,
                    "a step names exactly one transport: `sse` or `long_polling`",
                ));
            }
        };
        let kind = transport(&raw, &here, http2, c)?.kind;
        let (name, http) = match &kind {
            TransportKind::Sse { http, .. } => ("sse", http),
            TransportKind::LongPolling { http, .. } => ("long_polling", http),
            _ => unreachable!("a step reads as SSE or long polling"),
        };
        if http.http2.is_some() {
            return Err(c.error(
                &format!("{here}.{name}.http2"),
                "a fallback over HTTP/2 is not modelled; fallbacks use HTTP/1.1",
            ));
        }
        if chain.iter().any(|s| s.kind.name() == name) {
            return Err(c.error(&here, format!("`{name}` comes twice in the chain")));
        }
        let after = step.after.unwrap_or(1);
        if after == 0 {
            return Err(c.error(
                &format!("{here}.after"),
                "must be at least 1 (a denied upgrade falls back at once anyway)",
            ));
        }
        chain.push(FallbackStep { kind, after });
    }
    Ok(chain)
}

fn transport(
    t: &RawTransport,
    path: &str,
    http2: Http2Params,
    c: &Checker,
) -> Result<TransportSpec, ScenarioError> {
    let given = [
        t.polling.is_some(),
        t.long_polling.is_some(),
        t.sse.is_some(),
        t.websocket.is_some(),
        t.grpc.is_some(),
        t.webhook.is_some(),
    ];
    let kinds = "polling, long_polling, sse, websocket, grpc, webhook";
    match given.iter().filter(|g| **g).count() {
        0 => {
            return Err(c.error(
                path,
                format!("names no transport; expected one of: {kinds}"),
            ));
        }
        1 => {}
        _ => {
            return Err(c.error(
                path,
                format!("names more than one transport; a variant has exactly one of: {kinds}"),
            ));
        }
    }
    let http = |req: Option<crate::units::ByteSize>,
                resp: Option<crate::units::ByteSize>,
                use_http2: Option<bool>| HttpHeaders {
        request: req.map_or(d::HTTP_REQUEST_HEADERS, |v| v.bytes()),
        response: resp.map_or(d::HTTP_RESPONSE_HEADERS, |v| v.bytes()),
        http2: (use_http2 == Some(true)).then_some(http2),
    };
    let positive = |value: crate::units::Duration, field: &str| {
        if value.as_nanos() == 0 {
            Err(c.error(&format!("{path}.{field}"), "must be greater than 0s"))
        } else {
            Ok(value.as_nanos())
        }
    };
    let kind = if let Some(p) = &t.polling {
        let interval = positive(p.interval, "polling.interval")?;
        let jitter = p.jitter.map_or(0, |j| j.as_nanos());
        if jitter >= interval {
            return Err(c.error(
                &format!("{path}.polling.jitter"),
                format!("must be shorter than the interval ({})", p.interval),
            ));
        }
        if p.not_modified_headers.is_some() && p.conditional != Some(true) {
            return Err(c.error(
                &format!("{path}.polling.not_modified_headers"),
                "applies only to conditional polling; add `conditional: true`",
            ));
        }
        TransportKind::Polling {
            framing: PollFraming::Http,
            interval,
            jitter,
            http: http(p.request_headers, p.response_headers, p.http2),
            not_modified: (p.conditional == Some(true)).then(|| {
                p.not_modified_headers
                    .map_or(d::HTTP_NOT_MODIFIED_HEADERS, |v| v.bytes())
            }),
        }
    } else if let Some(p) = &t.long_polling {
        let timeout = match p.timeout {
            Some(v) => positive(v, "long_polling.timeout")?,
            None => d::LONG_POLL_TIMEOUT,
        };
        let reconnect = match &p.reconnect {
            Some(r) => super::faults::reconnect(
                r,
                &format!("{path}.long_polling.reconnect"),
                d::LONG_POLL_RETRY,
                c,
            )?,
            None => ReconnectPolicy::fixed(d::LONG_POLL_RETRY),
        };
        TransportKind::LongPolling {
            timeout,
            http: http(p.request_headers, p.response_headers, p.http2),
            reconnect,
        }
    } else if let Some(p) = &t.sse {
        let heartbeat = p
            .heartbeat
            .map(|v| positive(v, "sse.heartbeat"))
            .transpose()?;
        let retry = p.retry.map(|v| v.as_nanos());
        let browser_delay = retry.unwrap_or(d::SSE_RETRY);
        let reconnect = match &p.reconnect {
            Some(r) => {
                super::faults::reconnect(r, &format!("{path}.sse.reconnect"), browser_delay, c)?
            }
            None => ReconnectPolicy::fixed(browser_delay),
        };
        if p.replay_buffer == Some(0) {
            return Err(c.error(
                &format!("{path}.sse.replay_buffer"),
                "must be at least 1 event (leave it out for no limit)",
            ));
        }
        TransportKind::Sse {
            heartbeat,
            retry,
            http: http(p.request_headers, p.response_headers, p.http2),
            reconnect,
            replay_buffer: p.replay_buffer,
        }
    } else if let Some(p) = &t.websocket {
        let ping = p.ping.map(|v| positive(v, "websocket.ping")).transpose()?;
        let reconnect = p
            .reconnect
            .as_ref()
            .map(|r| {
                super::faults::reconnect(
                    r,
                    &format!("{path}.websocket.reconnect"),
                    d::WS_RECONNECT_DELAY,
                    c,
                )
            })
            .transpose()?;
        let replay = match p.resume.as_deref() {
            None | Some("none") => false,
            Some("replay") => true,
            Some(other) => {
                return Err(c.error(
                    &format!("{path}.websocket.resume"),
                    format!("unknown resume \"{other}\"; expected none or replay"),
                ));
            }
        };
        if p.resume.is_some() && reconnect.is_none() {
            return Err(c.error(
                &format!("{path}.websocket.resume"),
                "applies only with a `reconnect` policy (without one a lost client stays disconnected)",
            ));
        }
        let fallback = match &t.fallback {
            None => Vec::new(),
            Some(f) => fallback_chain(f.steps(), path, http2, c)?,
        };
        TransportKind::WebSocket {
            reconnect,
            replay,
            fallback,
            ping,
            upgrade_request: p
                .upgrade_request
                .map_or(d::WS_UPGRADE_REQUEST, |v| v.bytes()),
            upgrade_response: p
                .upgrade_response
                .map_or(d::WS_UPGRADE_RESPONSE, |v| v.bytes()),
        }
    } else if let Some(p) = &t.grpc {
        super::grpc::grpc(p, path, http2, c)?
    } else if let Some(p) = &t.webhook {
        super::webhook::webhook(p, path, c)?
    } else {
        unreachable!("exactly one transport kind was checked above")
    };
    if t.fallback.is_some() && !matches!(kind, TransportKind::WebSocket { .. }) {
        return Err(c.error(
            &format!("{path}.fallback"),
            "a fallback is modelled for `websocket` variants only (falling back to SSE or long polling)",
        ));
    }
    let label = t.label.clone().unwrap_or_else(|| kind.name().to_string());
    if label.trim().is_empty() {
        return Err(c.error(&format!("{path}.label"), "must not be empty"));
    }
    Ok(TransportSpec { label, kind })
}

fn balancer(
    raw: &RawScenario,
    replicas: u32,
    duration: Nanos,
    c: &Checker,
) -> Result<BalancerSpec, ScenarioError> {
    let Some(lb) = &raw.load_balancer else {
        if replicas > 1 {
            return Err(c.error(
                "server.replicas",
                format!("{replicas} replicas need a `load_balancer` in front of them"),
            ));
        }
        return Ok(BalancerSpec {
            layer: 4,
            algorithm: LbAlgorithm::RoundRobin,
            scale: Vec::new(),
            idle_timeout: None,
            drain: d::BALANCER_DRAIN,
            health_check: None,
        });
    };
    if lb.layer != 4 && lb.layer != 7 {
        return Err(c.error("load_balancer.layer", "expected 4 or 7"));
    }
    let algorithm = match lb.algorithm.as_deref() {
        None | Some("round_robin") => LbAlgorithm::RoundRobin,
        Some("least_connections") => LbAlgorithm::LeastConnections,
        Some("random") => LbAlgorithm::Random,
        Some("hash") => LbAlgorithm::Hash,
        Some(other) => {
            return Err(c.error(
                "load_balancer.algorithm",
                format!(
                    "unknown algorithm \"{other}\"; expected one of: round_robin, least_connections, random, hash"
                ),
            ));
        }
    };
    let mut scale = Vec::new();
    let (mut last_at, mut last_count) = (0, replicas);
    for (i, step) in lb.scale.iter().flatten().enumerate() {
        let path = format!("load_balancer.scale[{i}]");
        let at = step.at.as_nanos();
        if at >= duration || (i > 0 && at <= last_at) {
            return Err(c.error(
                &format!("{path}.at"),
                "steps must be in time order and before the end of the run",
            ));
        }
        if step.replicas == last_count || step.replicas == 0 {
            return Err(c.error(
                &format!("{path}.replicas"),
                format!("must differ from the {last_count} replicas before it and be at least 1"),
            ));
        }
        if step.replicas > MAX_REPLICAS {
            return Err(c.error(
                &format!("{path}.replicas"),
                format!("must be at most {MAX_REPLICAS}"),
            ));
        }
        scale.push((at, step.replicas));
        (last_at, last_count) = (at, step.replicas);
    }
    Ok(BalancerSpec {
        layer: lb.layer,
        algorithm,
        scale,
        drain: lb.drain.map_or(d::BALANCER_DRAIN, |t| t.as_nanos()),
        idle_timeout: match lb.idle_timeout {
            None => Some(d::BALANCER_IDLE_TIMEOUT),
            Some(t) if t.as_nanos() == 0 => None,
            Some(t) => Some(t.as_nanos()),
        },
        health_check: lb
            .health_check
            .as_ref()
            .map(|h| super::faults::health_check(h, c))
            .transpose()?,
    })
}

fn names<'a>(keys: impl Iterator<Item = &'a String>) -> String {
    keys.map(|k| k.as_str()).collect::<Vec<_>>().join(", ")
}
