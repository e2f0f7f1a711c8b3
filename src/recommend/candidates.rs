//! The candidates `rtsim recommend` compares, their simplicity rank, and the scenario that
//! runs them: a scenario text written from the requirements, loaded and validated like any
//! file, so a candidate is exactly what a user could write and run with `rtsim run`.
//!
//! Each candidate is a [`Mechanism`]; its simplicity rank (1 simplest) breaks ties between
//! candidates whose figures the replications cannot tell apart. Webhooks are a candidate
//! only when the clients are services that do not send (a webhook reaches a server's
//! endpoint, never a browser or an app).

use serde::Serialize;

use super::mechanism::Mechanism;
use super::requirements::{ClientKind, Proxy, Requirements};
use crate::scenario::{Scenario, ScenarioError};
use crate::units::Rate;

/// One candidate: its label, its mechanism in words and its transport entry (the YAML
/// flow mapping of a `transports:` item without the label).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Candidate {
    pub label: String,
    pub mechanism: &'static str,
    pub simplicity: u32,
    #[serde(skip)]
    pub entry: String,
}

impl Candidate {
    /// Whether the candidate posts webhooks (its scenario then needs `receivers:`).
    pub fn is_webhook(&self) -> bool {
        self.entry.starts_with("webhook:")
    }
}

/// Changes to the generated scenario: what "the cheapest change that makes it pass" tries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Changes {
    /// Multiply the replicas by this (1: as required).
    pub replicas_factor: u32,
    /// Multiply the cores per replica by this.
    pub cores_factor: u32,
    /// Multiply polling intervals by this.
    pub interval_factor: u32,
    /// Give every HTTP variant HTTP/2.
    pub http2: bool,
}

impl Changes {
    pub const NONE: Changes = Changes {
        replicas_factor: 1,
        cores_factor: 1,
        interval_factor: 1,
        http2: false,
    };
}

const RECONNECT: &str = "reconnect: { backoff: exponential, delay: 1s, max: 30s, jitter: full }";

/// Every candidate for these requirements, in simplicity order (then label), when the
/// clients send messages (`sends`) or not. WebSocket with a fallback is left out when they
/// send: rtsim does not model a fallen-back client's REST uploads.
pub fn candidates(req: &Requirements, changes: Changes, sends: bool) -> Vec<Candidate> {
    let h2 = if changes.http2 { ", http2: true" } else { "" };
    let mut out = Vec::new();
    for seconds in [1u32, 5, 30] {
        let interval = seconds * changes.interval_factor.max(1);
        out.push(Candidate {
            label: format!("poll-{seconds}s"),
            mechanism: Mechanism::ShortPolling.words(),
            simplicity: Mechanism::ShortPolling.rank(),
            entry: format!("polling: {{ interval: {interval}s{h2} }}"),
        });
    }
    if req.kind == ClientKind::Service && !sends {
        out.push(Candidate {
            label: "webhook".into(),
            mechanism: Mechanism::Webhooks.words(),
            simplicity: Mechanism::Webhooks.rank(),
            entry: "webhook: {}".into(),
        });
    }
    out.push(Candidate {
        label: "sse".into(),
        mechanism: Mechanism::Sse.words(),
        simplicity: Mechanism::Sse.rank(),
        entry: format!("sse: {{ heartbeat: 15s{h2} }}"),
    });
    out.push(Candidate {
        label: "sse-h2".into(),
        mechanism: Mechanism::SseOverHttp2.words(),
        simplicity: Mechanism::SseOverHttp2.rank(),
        entry: "sse: { heartbeat: 15s, http2: true }".into(),
    });
    out.push(Candidate {
        label: "long-poll".into(),
        mechanism: Mechanism::LongPolling.words(),
        simplicity: Mechanism::LongPolling.rank(),
        entry: format!("long_polling: {{ timeout: 30s{h2} }}"),
    });
    out.push(Candidate {
        label: "ws".into(),
        mechanism: Mechanism::WebSocket.words(),
        simplicity: Mechanism::WebSocket.rank(),
        entry: format!("websocket: {{ ping: 30s, {RECONNECT} }}"),
    });
    if !sends {
        out.push(Candidate {
            label: "ws+fallback".into(),
            mechanism: Mechanism::WebSocketWithFallback.words(),
            simplicity: Mechanism::WebSocketWithFallback.rank(),
            entry: format!(
                "websocket: {{ ping: 30s, {RECONNECT} }}, fallback: {{ sse: {{ heartbeat: 15s }} }}"
            ),
        });
    }
    // Browsers cannot open a gRPC stream (gRPC-Web has no client or bidirectional streams).
    if req.kind != ClientKind::Browser {
        let mode = if sends {
            "bidirectional"
        } else {
            "server_streaming"
        };
        out.push(Candidate {
            label: "grpc".into(),
            mechanism: Mechanism::GrpcStreaming.words(),
            simplicity: Mechanism::GrpcStreaming.rank(),
            entry: format!("grpc: {{ mode: {mode}, resume: replay }}"),
        });
    }
    out
}

/// The links a requirements' `network` names: broadband (the default scenario's), an
/// office LAN behind a WAN, and LTE with its radio (the flaky-mobile example's figures).
fn link(network: &str) -> &'static str {
    match network {
        "office" => "{ latency: 8ms, jitter: 2ms, bandwidth: 100Mbit/s, upload: 20Mbit/s }",
        "lte" => {
            "{ latency: 45ms, jitter: 15ms, bandwidth: 20Mbit/s, upload: 5Mbit/s, radio: { technology: lte } }"
        }
        _ => "{ latency: 20ms, jitter: 3ms, bandwidth: 50Mbit/s, upload: 10Mbit/s }",
    }
}

/// The scenario text that runs `candidates` for `req` with the client send rate
/// `client_sends` (the requirements' own, or a probe's), under `changes`.
pub fn scenario_text(
    req: &Requirements,
    candidates: &[Candidate],
    client_sends: Option<Rate>,
    changes: Changes,
) -> String {
    let replicas = req.replicas * changes.replicas_factor.max(1);
    let cores = req.cores * changes.cores_factor.max(1);
    let mut text = format!(
        "name: {name}\nseed: {seed}\nreplications: {reps}\nduration: {dur}ns\nwarmup: {warm}ns\n\
         network:\n  access: {link}\n",
        name = serde_json::to_string(&req.name).expect("a string"),
        seed = req.seed,
        reps = req.replications,
        dur = req.duration,
        warm = req.warmup,
        link = link(&req.network),
    );
    let via = match req.proxy {
        Proxy::None => "",
        Proxy::IdleTimeout => {
            text.push_str("proxies:\n  proxy: { idle_timeout: 60s }\n");
            ", via: proxy"
        }
        Proxy::DenyUpgrades => {
            text.push_str("proxies:\n  proxy: { websocket: deny, idle_timeout: 10m }\n");
            ", via: proxy"
        }
    };
    let tls = if req.kind == ClientKind::Service {
        ""
    } else {
        ", tls: \"1.3\""
    };
    text.push_str(&format!(
        "clients:\n  clients: {{ count: {}, link: access, ramp: 5s{via}{tls} }}\n",
        req.count
    ));
    text.push_str(&format!(
        "server: {{ replicas: {replicas}, cores: {cores} }}\n"
    ));
    if replicas > 1 {
        text.push_str("load_balancer: { layer: 4 }\nbroker: { latency: 1ms }\n");
    }
    text.push_str(&format!(
        "workload:\n  events: {{ source: poisson, rate: {}, payload: {}B, audience: all }}\n",
        req.events, req.payload
    ));
    if let Some(rate) = client_sends {
        text.push_str(&format!(
            "  messages: {{ rate: {rate}, payload: {}B, deliver_to: none }}\n",
            req.client_payload
        ));
    }
    if candidates.iter().any(Candidate::is_webhook) {
        // Every client is also a receiver on its own access link, so a webhook candidate
        // posts each event to as many endpoints as the others have clients.
        text.push_str("receivers:\n");
        for k in 0..req.count {
            text.push_str(&format!("  r{k}: {{ link: access }}\n"));
        }
    }
    text.push_str("transports:\n");
    for c in candidates {
        text.push_str(&format!("  - {{ label: {}, {} }}\n", c.label, c.entry));
    }
    text
}

/// The scenario of `candidates`, validated, with the requirements' prices.
pub fn scenario(
    req: &Requirements,
    candidates: &[Candidate],
    client_sends: Option<Rate>,
    changes: Changes,
) -> Result<Scenario, ScenarioError> {
    let text = scenario_text(req, candidates, client_sends, changes);
    let file = format!("{} (the scenario generated from it)", req.file);
    let mut scenario = crate::scenario::load_str(&file, &text, &[])?;
    let mut prices = req.prices.clone();
    // A replica of k times the cores is the instance k sizes up, which AWS lists at k
    // times the price (m7g.large $0.0816, m7g.xlarge $0.1632 an hour).
    prices.instance_per_hour *= f64::from(changes.cores_factor.max(1));
    if replicas_with(req, changes) > 1 && prices.balancer.is_none() {
        prices.balancer = Some(crate::cost::BalancerPrices {
            per_hour: crate::cost::prices::BALANCER_PER_HOUR,
            per_lcu_hour: crate::cost::prices::BALANCER_PER_LCU_HOUR,
        });
    }
    scenario.cost = Some(prices);
    Ok(scenario)
}

fn replicas_with(req: &Requirements, changes: Changes) -> u32 {
    req.replicas * changes.replicas_factor.max(1)
}
