//! The requirements file of `rtsim recommend`: who the clients are, what flows, and the
//! objectives (each a hard limit or "minimise"). Raw serde types (unknown fields denied)
//! and their validation into [`Requirements`], with errors that name the file, line,
//! column and field path, as a scenario's do. It does not generate the candidates
//! ([`super::candidates`]) nor judge them ([`super::judge`]).

use serde::Deserialize;

use crate::cost::CostSpec;
use crate::scenario::ScenarioError;
use crate::scenario::locate::Locations;
use crate::scenario::prices::RawPrices;
use crate::scenario::validate::Checker;
use crate::units::{ByteSize, Duration, Percent, Rate};

/// Replications of every candidate when the file does not say: 3, the fewest that give a
/// confidence interval whose Student t quantile (4.30) is not absurdly wide.
pub const DEFAULT_REPLICATIONS: u32 = 3;
/// Simulated time of every candidate's run: 2 minutes, with 20 s of warmup.
pub const DEFAULT_DURATION: u64 = 120_000_000_000;
pub const DEFAULT_WARMUP: u64 = 20_000_000_000;

/// The JSON Schema of a requirements file, from the same types (and doc comments) that
/// read it; `schema/requirements.schema.json` is a copy, so editors with the YAML language
/// server check and complete the files under `scenarios/requirements/`.
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(RawRequirements);
    let mut text = serde_json::to_string_pretty(&schema).expect("a schema serializes to JSON");
    text.push('\n');
    text
}

/// A requirements file.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawRequirements {
    /// Names the output folder `out/<name>-recommendation/`. Required.
    pub name: String,
    /// Free text: the product the question is about.
    pub description: Option<String>,
    /// Master seed of the candidates' runs. Default 1.
    pub seed: Option<u64>,
    /// Independent runs of every candidate (limits are judged on the confidence bound).
    /// Default 3; at least 2.
    pub replications: Option<u32>,
    /// Simulated time of each run. Default 2m.
    pub duration: Option<Duration>,
    /// Start of the measurement window. Default 20s.
    pub warmup: Option<Duration>,
    pub clients: RawClients,
    pub flow: RawFlow,
    /// The servers. Default 1 replica of 2 cores (the instance the default price is for).
    pub servers: Option<RawServers>,
    pub objectives: RawObjectives,
    /// Prices, as a scenario's `cost:` section. Default: its example list prices.
    pub cost: Option<RawPrices>,
}

/// The clients.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawClients {
    /// `browser`, `native` (an app), `mobile` (an app on LTE: energy is measured) or
    /// `service` (another server). Required.
    pub kind: String,
    /// How many. Required, 1 to 100,000.
    pub count: u32,
    /// `broadband`, `office` or `lte`. Default `broadband` (`lte` for `mobile`).
    pub network: Option<String>,
    /// `none`, `idle_timeout` (a proxy closing connections idle for 60 s) or
    /// `deny_upgrades` (a proxy refusing WebSocket upgrades). Default `none`.
    pub proxy: Option<String>,
}

/// What flows.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawFlow {
    /// Events per unit time, all clients receive each. Required.
    pub events: Rate,
    /// Payload of an event. Required.
    pub payload: ByteSize,
    /// Messages each client sends per unit time. Default: none.
    pub client_sends: Option<Rate>,
    /// Payload of a client's message. Default 100B.
    pub client_payload: Option<ByteSize>,
}

/// The servers.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawServers {
    /// Default 1 (more get a layer-4 balancer and a broker).
    pub replicas: Option<u32>,
    /// Default 2.
    pub cores: Option<u32>,
}

/// An objective: `{ max: <value> }`, `{ min: <value> }` or `{ minimise: true }`.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawLimit<T> {
    pub max: Option<T>,
    pub min: Option<T>,
    pub minimise: Option<bool>,
}

/// The objectives; each a hard limit (judged on the 95 % confidence bound nearer failing)
/// or `minimise` (a ranking key after the monthly cost, in this order).
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawObjectives {
    /// p99 delivery latency of events: `max` or `minimise`.
    pub latency_p99: Option<RawLimit<Duration>>,
    /// p99 time from a client's sending to the server's having its message: `max` or
    /// `minimise` (with `client_sends`).
    pub message_latency_p99: Option<RawLimit<Duration>>,
    /// Share of the events delivered: `min`.
    pub delivered_share: Option<RawLimit<Percent>>,
    /// Bytes per client-hour, both directions, every layer: `max` or `minimise`.
    pub bytes_per_client_hour: Option<RawLimit<ByteSize>>,
    /// Server CPU utilisation (100 % less the headroom wanted): `max`.
    pub cpu_utilisation: Option<RawLimit<Percent>>,
    /// Phone radio energy, joules per client-hour: `max` or `minimise` (`mobile` clients).
    pub energy_per_client_hour: Option<RawLimit<f64>>,
    /// US dollars per 730-hour month: `max` (candidates are always ranked by it).
    pub monthly_cost: Option<RawLimit<f64>>,
}

/// Who the clients are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ClientKind {
    Browser,
    Native,
    Mobile,
    Service,
}

/// A proxy on the clients' path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Proxy {
    None,
    IdleTimeout,
    DenyUpgrades,
}

/// Which way a limit goes.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Goal {
    /// The upper confidence bound must be at most this.
    Max(f64),
    /// The lower confidence bound must be at least this.
    Min(f64),
    Minimise,
}

/// One objective: a registry metric (or `monthly_cost`), in its base unit.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Objective {
    /// Its name in the requirements file.
    pub name: &'static str,
    /// The metric of [`crate::metrics::registry`] it reads (`monthly_cost`: the bill).
    pub metric: &'static str,
    pub goal: Goal,
    /// How a value is written (the limit as the file wrote it, for the report).
    pub written: String,
}

/// Validated requirements.
#[derive(Debug, Clone)]
pub struct Requirements {
    pub file: String,
    pub name: String,
    pub description: String,
    pub seed: u64,
    pub replications: u32,
    pub duration: u64,
    pub warmup: u64,
    pub kind: ClientKind,
    pub count: u32,
    pub network: String,
    pub proxy: Proxy,
    pub events: Rate,
    pub payload: u64,
    pub client_sends: Option<Rate>,
    pub client_payload: u64,
    pub replicas: u32,
    pub cores: u32,
    /// In the file's order of [`RawObjectives`].
    pub objectives: Vec<Objective>,
    pub prices: CostSpec,
}

/// Reads and validates a requirements file.
pub fn load_file(path: &std::path::Path) -> Result<Requirements, ScenarioError> {
    let (file, text) = crate::scenario::read_document(path)?;
    load_str(&file, &text)
}

/// Parses and validates requirements text; `file` names it in errors.
pub fn load_str(file: &str, text: &str) -> Result<Requirements, ScenarioError> {
    let (raw, locations): (RawRequirements, Locations) =
        crate::scenario::parse_document(file, text)?;
    let c = Checker {
        file,
        text,
        locations: &locations,
        overridden: &[],
    };
    validate(file, &raw, &c)
}

fn validate(file: &str, raw: &RawRequirements, c: &Checker) -> Result<Requirements, ScenarioError> {
    let kind = match raw.clients.kind.as_str() {
        "browser" => ClientKind::Browser,
        "native" => ClientKind::Native,
        "mobile" => ClientKind::Mobile,
        "service" => ClientKind::Service,
        other => {
            return Err(c.error(
                "clients.kind",
                format!(
                    "unknown kind \"{other}\"; expected one of: browser, native, mobile, service"
                ),
            ));
        }
    };
    if !(1..=100_000).contains(&raw.clients.count) {
        return Err(c.error("clients.count", "expected 1 to 100000 clients"));
    }
    let default_network = if kind == ClientKind::Mobile {
        "lte"
    } else {
        "broadband"
    };
    let network = raw.clients.network.as_deref().unwrap_or(default_network);
    if !["broadband", "office", "lte"].contains(&network) {
        return Err(c.error(
            "clients.network",
            format!("unknown network \"{network}\"; expected one of: broadband, office, lte"),
        ));
    }
    let proxy = match raw.clients.proxy.as_deref() {
        None | Some("none") => Proxy::None,
        Some("idle_timeout") => Proxy::IdleTimeout,
        Some("deny_upgrades") => Proxy::DenyUpgrades,
        Some(other) => {
            return Err(c.error(
                "clients.proxy",
                format!(
                    "unknown proxy \"{other}\"; expected one of: none, idle_timeout, deny_upgrades"
                ),
            ));
        }
    };
    let replications = raw.replications.unwrap_or(DEFAULT_REPLICATIONS);
    if !(2..=100).contains(&replications) {
        return Err(c.error(
            "replications",
            format!("{replications}: expected 2 to 100 (limits are judged on a confidence bound, which needs at least 2)"),
        ));
    }
    let duration = raw.duration.map_or(DEFAULT_DURATION, |d| d.as_nanos());
    let warmup = raw.warmup.map_or(DEFAULT_WARMUP, |d| d.as_nanos());
    if duration == 0 || duration > 86_400_000_000_000 {
        return Err(c.error("duration", "expected more than 0s and at most 1 day"));
    }
    if warmup >= duration {
        return Err(c.error("warmup", "must be shorter than duration"));
    }
    if raw.flow.events.per_second() <= 0.0 {
        return Err(c.error("flow.events", "must be more than 0"));
    }
    if raw.flow.payload.0 == 0 {
        return Err(c.error("flow.payload", "must be at least 1B"));
    }
    if raw.flow.client_sends.is_some_and(|r| r.per_second() <= 0.0) {
        return Err(c.error(
            "flow.client_sends",
            "must be more than 0 (leave it out for none)",
        ));
    }
    let client_payload = raw.flow.client_payload.map_or(100, |b| b.0);
    if client_payload == 0 {
        return Err(c.error("flow.client_payload", "must be at least 1B"));
    }
    let servers = raw.servers.clone().unwrap_or(RawServers {
        replicas: None,
        cores: None,
    });
    let replicas = servers.replicas.unwrap_or(1);
    let cores = servers.cores.unwrap_or(2);
    if !(1..=64).contains(&replicas) {
        return Err(c.error("servers.replicas", "expected 1 to 64"));
    }
    if !(1..=256).contains(&cores) {
        return Err(c.error("servers.cores", "expected 1 to 256"));
    }
    let objectives = objectives(&raw.objectives, kind, raw.flow.client_sends.is_some(), c)?;
    let prices = crate::scenario::prices::cost(
        Some(raw.cost.as_ref().unwrap_or(&RawPrices::default())),
        replicas > 1,
        c,
    )?
    .expect("a cost section was given");
    Ok(Requirements {
        file: file.to_string(),
        name: raw.name.clone(),
        description: raw.description.clone().unwrap_or_default(),
        seed: raw.seed.unwrap_or(1),
        replications,
        duration,
        warmup,
        kind,
        count: raw.clients.count,
        network: network.to_string(),
        proxy,
        events: raw.flow.events,
        payload: raw.flow.payload.0,
        client_sends: raw.flow.client_sends,
        client_payload,
        replicas,
        cores,
        objectives,
        prices,
    })
}

/// Every objective's name (in the requirements file and `rtsim capacity --objective`), the
/// metric of [`crate::metrics::registry`] it reads (`monthly_cost`: the bill) and the goals
/// it admits, in the order of [`RawObjectives`].
pub const OBJECTIVES: [(&str, &str, Admits); 7] = [
    ("latency_p99", "latency.p99", Admits::MaxOrMinimise),
    (
        "message_latency_p99",
        "messages.to_server_p99",
        Admits::MaxOrMinimise,
    ),
    ("delivered_share", "delivered_share", Admits::Min),
    (
        "bytes_per_client_hour",
        "bytes_per_client_hour",
        Admits::MaxOrMinimise,
    ),
    ("cpu_utilisation", "cpu_utilisation", Admits::Max),
    (
        "energy_per_client_hour",
        "energy.joules_per_client_hour",
        Admits::MaxOrMinimise,
    ),
    ("monthly_cost", "monthly_cost", Admits::Max),
];

/// The entry of [`OBJECTIVES`] named `name`.
pub fn objective(name: &str) -> Option<(&'static str, &'static str, Admits)> {
    OBJECTIVES.iter().copied().find(|(n, _, _)| *n == name)
}

/// Which goals an objective admits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admits {
    MaxOrMinimise,
    Min,
    Max,
}

fn objectives(
    raw: &RawObjectives,
    kind: ClientKind,
    sends: bool,
    c: &Checker,
) -> Result<Vec<Objective>, ScenarioError> {
    let mut out = Vec::new();
    let ns = |d: &Duration| d.as_nanos() as f64;
    let share = |p: &Percent| p.fraction();
    let bytes = |b: &ByteSize| b.0 as f64;
    let number = |x: &f64| *x;
    read(&mut out, raw.latency_p99.as_ref(), "latency_p99", ns, c)?;
    if raw.message_latency_p99.is_some() && !sends {
        return Err(c.error(
            "objectives.message_latency_p99",
            "needs `flow.client_sends`: without client messages there is nothing to measure",
        ));
    }
    read(
        &mut out,
        raw.message_latency_p99.as_ref(),
        "message_latency_p99",
        ns,
        c,
    )?;
    read(
        &mut out,
        raw.delivered_share.as_ref(),
        "delivered_share",
        share,
        c,
    )?;
    read(
        &mut out,
        raw.bytes_per_client_hour.as_ref(),
        "bytes_per_client_hour",
        bytes,
        c,
    )?;
    read(
        &mut out,
        raw.cpu_utilisation.as_ref(),
        "cpu_utilisation",
        share,
        c,
    )?;
    if raw.energy_per_client_hour.is_some() && kind != ClientKind::Mobile {
        return Err(c.error(
            "objectives.energy_per_client_hour",
            "needs `clients.kind: mobile`: only phones on LTE have a radio to measure",
        ));
    }
    read(
        &mut out,
        raw.energy_per_client_hour.as_ref(),
        "energy_per_client_hour",
        number,
        c,
    )?;
    read(
        &mut out,
        raw.monthly_cost.as_ref(),
        "monthly_cost",
        number,
        c,
    )?;
    Ok(out)
}

fn read<T: std::fmt::Display>(
    out: &mut Vec<Objective>,
    raw: Option<&RawLimit<T>>,
    name: &'static str,
    value: impl Fn(&T) -> f64,
    c: &Checker,
) -> Result<(), ScenarioError> {
    let Some(limit) = raw else {
        return Ok(());
    };
    let (name, metric, admits) = objective(name).expect("every raw objective is in OBJECTIVES");
    let path = format!("objectives.{name}");
    let expected = match admits {
        Admits::MaxOrMinimise => "`{ max: <value> }` or `{ minimise: true }`",
        Admits::Min => "`{ min: <value> }`",
        Admits::Max => "`{ max: <value> }`",
    };
    let (goal, written) = match (&limit.max, &limit.min, limit.minimise) {
        (Some(max), None, None) if !matches!(admits, Admits::Min) => {
            (Goal::Max(value(max)), format!("≤ {max}"))
        }
        (None, Some(min), None) if matches!(admits, Admits::Min) => {
            (Goal::Min(value(min)), format!("≥ {min}"))
        }
        (None, None, Some(true)) if matches!(admits, Admits::MaxOrMinimise) => {
            (Goal::Minimise, "minimise".to_string())
        }
        _ => return Err(c.error(&path, format!("expected {expected}"))),
    };
    if let Goal::Max(v) | Goal::Min(v) = goal
        && (!v.is_finite() || v < 0.0)
    {
        return Err(c.error(&path, "the limit must be a finite number of at least 0"));
    }
    out.push(Objective {
        name,
        metric,
        goal,
        written,
    });
    Ok(())
}
