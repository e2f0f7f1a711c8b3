//! Every example scenario in `scenarios/`: its summary table is snapshotted (a change in any
//! number shows up as a diff to review) and every client's ledger balances. The large ones
//! run scaled down with `--set`-style overrides, listed here, so the debug-build test suite
//! stays quick; the snapshot names the overrides it used.

use rtsim::report::markdown;
use rtsim::scenario::{self, Override};
use rtsim::sim::{DEFAULT_LIMITS, run_variant_with_ledgers};
use rtsim::workload::EventLog;

/// Each example (file name without `.yaml`) and the overrides it runs with here.
const EXAMPLES: &[(&str, &[&str])] = &[
    ("default", &[]),
    (
        "server-architectures",
        &[
            "clients.browsers.count=300",
            "server.io=thread_per_connection",
        ],
    ),
    ("replications", &[]),
    ("capacity", &["clients.browsers.count=600"]),
    ("monthly-cost", &["clients.browsers.count=400"]),
    ("buffering-proxy", &[]),
    ("corporate-proxy", &[]),
    ("network-fidelity", &[]),
    ("no-broker", &[]),
    ("topology", &[]),
    ("slow-consumers", &[]),
    ("scale-out", &["clients.browsers.count=1000"]),
    ("sticky-sessions", &["load_balancer.affinity=none"]),
    ("serverless", &["clients.browsers.count=50"]),
    ("office-uplink", &["clients.office.count=200"]),
    ("reconnect-storm", &["clients.browsers.count=300"]),
    ("replica-crash", &["clients.browsers.count=400"]),
    ("deploy-under-load", &["clients.browsers.count=300"]),
    (
        "partition",
        &["clients.branch.count=100", "clients.head.count=100"],
    ),
    (
        "flaky-mobile",
        &["clients.phones.count=100", "clients.commuters.count=25"],
    ),
    ("trace-replay", &["clients.members.count=50"]),
    ("webhooks", &["clients.dashboards.count=40", "duration=20m"]),
    (
        "locked-down-office",
        &[
            "clients.office.count=60",
            "clients.home.count=60",
            "duration=3m",
        ],
    ),
    ("telemetry", &["clients.devices.count=200", "duration=2m"]),
    ("game-room", &[]),
    ("collab-editing", &[]),
    (
        "stock-ticker",
        &["clients.desktop.count=40", "clients.phones.count=20"],
    ),
    ("ci-logs", &[]),
    (
        "health-monitoring",
        &["clients.fleet.count=180", "clients.rack.count=20"],
    ),
    (
        "weather",
        &["clients.phones.count=40", "clients.desktops.count=10"],
    ),
    (
        "personal-alerts",
        &[
            "clients.phones.count=300",
            "workload.events.rate=3/s",
            "duration=3m",
        ],
    ),
    (
        "team-feeds",
        &[
            "clients.desktop.count=120",
            "clients.phones.count=80",
            "duration=2m",
        ],
    ),
    (
        "chat",
        &[
            "clients.desktop.count=60",
            "clients.phones.count=20",
            "duration=2m",
        ],
    ),
    (
        "chat-channels",
        &[
            "clients.desktop.count=45",
            "clients.phones.count=15",
            "duration=2m",
        ],
    ),
    ("trading-desk", &["clients.traders.count=40", "duration=2m"]),
    ("microservices", &["clients.browsers.count=200"]),
    (
        "live-scores",
        &["clients.desktop.count=90", "clients.phones.count=60"],
    ),
    (
        "compression",
        &[
            "clients.desktop.count=70",
            "clients.phones.count=30",
            "duration=2m",
        ],
    ),
    ("batching", &["clients.desktop.count=100", "duration=1m"]),
    (
        "grpc-streaming",
        &[
            "clients.fast.count=180",
            "clients.slow.count=20",
            "duration=4m",
        ],
    ),
    (
        "dashboard",
        &[
            "clients.office.count=80",
            "clients.home.count=20",
            "duration=2m",
            "warmup=30s",
        ],
    ),
    (
        "notification-feed",
        &["clients.users.count=200", "duration=15m", "warmup=1m"],
    ),
    ("at-scale", &["clients.browsers.count=200", "duration=1m"]),
    (
        "bench-polling-10k",
        &["clients.browsers.count=100", "duration=2m"],
    ),
    (
        "bench-websocket-100k",
        &["clients.browsers.count=200", "duration=1m"],
    ),
];

/// Runs one example: checks every client's ledger and returns the summary table with the
/// overrides above it.
fn summary(name: &str) -> String {
    let (_, sets) = EXAMPLES
        .iter()
        .find(|(n, _)| *n == name)
        .expect("listed in EXAMPLES");
    let path = format!("{}/scenarios/{name}.yaml", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap();
    let overrides: Vec<Override> = sets.iter().map(|o| Override::parse(o).unwrap()).collect();
    let s = scenario::load_str(&path, &text, &overrides).unwrap_or_else(|e| panic!("{e}"));
    let log = EventLog::generate(&s);
    let mut results = Vec::new();
    for variant in &s.transports {
        let (result, ledgers) =
            run_variant_with_ledgers(&s, &log, variant, &DEFAULT_LIMITS).unwrap();
        for (c, l) in ledgers.iter().enumerate() {
            assert_eq!(
                l.generated,
                l.delivered + l.lost + l.conflated + l.in_flight,
                "{name} {}: client {c} ledger {l:?}",
                variant.label
            );
        }
        results.push(result);
    }
    let sets = if sets.is_empty() {
        "none".to_string()
    } else {
        sets.join(" ")
    };
    let table = if s.replications > 1 {
        // Every replication: the table shows mean ± half-width; replication 0 is the run
        // above, seed for seed.
        let (first, replications) =
            rtsim::replication::run(&s, &DEFAULT_LIMITS, false).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            first, results,
            "{name}: replication 0 is the scenario's own run"
        );
        let replications = replications.expect("more than one replication");
        rtsim::report::interval_markdown(&s.name, &s.description, &replications.all(&first))
    } else if s.cost.is_some() {
        // The monthly cost's rows at the foot, as `rtsim run` writes them.
        let runs: [&[rtsim::RunResult]; 1] = [&results];
        let rows = rtsim::report::cost::cost_rows(&s, &runs);
        rtsim::report::interval_markdown_with(&s.name, &s.description, &runs, rows)
    } else {
        markdown(&s.name, &s.description, &results)
    };
    format!("overrides: {sets}\n\n{table}")
}

macro_rules! examples {
    ($($test:ident => $name:literal),* $(,)?) => {
        $(
            #[test]
            fn $test() {
                insta::assert_snapshot!(concat!("example_", $name), summary($name));
            }
        )*

        /// Every file in `scenarios/` has a test above and an entry in [`EXAMPLES`].
        #[test]
        fn every_example_scenario_is_covered() {
            let tested = [$($name),*];
            let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios");
            let mut files: Vec<String> = std::fs::read_dir(dir)
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .filter_map(|n| n.strip_suffix(".yaml").map(str::to_string))
                .collect();
            files.sort();
            let mut listed: Vec<String> = EXAMPLES.iter().map(|(n, _)| n.to_string()).collect();
            listed.sort();
            let mut tested: Vec<String> = tested.iter().map(|n| n.to_string()).collect();
            tested.sort();
            assert_eq!(files, listed, "EXAMPLES lists every scenario file");
            assert_eq!(files, tested, "every scenario file has a snapshot test");
        }
    };
}

examples! {
    default_example => "default",
    replications_example => "replications",
    capacity_example => "capacity",
    monthly_cost => "monthly-cost",
    buffering_proxy => "buffering-proxy",
    corporate_proxy => "corporate-proxy",
    network_fidelity => "network-fidelity",
    no_broker => "no-broker",
    topology => "topology",
    slow_consumers => "slow-consumers",
    scale_out => "scale-out",
    sticky_sessions => "sticky-sessions",
    serverless_example => "serverless",
    office_uplink => "office-uplink",
    reconnect_storm => "reconnect-storm",
    replica_crash => "replica-crash",
    deploy_under_load => "deploy-under-load",
    partition => "partition",
    flaky_mobile => "flaky-mobile",
    grpc_streaming => "grpc-streaming",
    live_scores => "live-scores",
    compression_example => "compression",
    batching => "batching",
    trace_replay => "trace-replay",
    chat => "chat",
    chat_channels => "chat-channels",
    trading_desk => "trading-desk",
    microservices => "microservices",
    webhooks => "webhooks",
    team_feeds => "team-feeds",
    telemetry => "telemetry",
    personal_alerts => "personal-alerts",
    locked_down_office => "locked-down-office",
    dashboard => "dashboard",
    notification_feed => "notification-feed",
    at_scale => "at-scale",
    bench_polling_10k => "bench-polling-10k",
    bench_websocket_100k => "bench-websocket-100k",
    server_architectures => "server-architectures",
    game_room => "game-room",
    collab_editing => "collab-editing",
    stock_ticker => "stock-ticker",
    ci_logs => "ci-logs",
    health_monitoring => "health-monitoring",
    weather => "weather",
}
