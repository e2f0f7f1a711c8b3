//! The monthly cost of each variant in the reports: measures a run's [`Usage`] from the
//! scenario and its [`RunResult`], prices it with the scenario's `cost:` section
//! ([`crate::cost::monthly()`]) and writes it for `summary.json` and as rows of the
//! comparison table. Present only when the scenario has a `cost:` section, so that other
//! scenarios' outputs stay as they were.
//!
//! It owns the measurement (which counter stands for which billed quantity), not the prices
//! or the arithmetic ([`crate::cost`]).

use serde::Serialize;

use crate::cost::{Carrier, CostItem, CostSpec, GatewayUsage, Line, MonthlyCost, Usage, monthly};
use crate::metrics::RunResult;
use crate::metrics::interval::Interval;
use crate::metrics::result::fixed;
use crate::scenario::{PollFraming, Polling, Scenario, TransportKind};

/// Which managed service could carry the variant labelled `label`.
fn carrier(scenario: &Scenario, label: &str) -> Carrier {
    if scenario.server.serverless.is_some() {
        return Carrier::Functions;
    }
    match scenario
        .transports
        .iter()
        .find(|t| t.label == label)
        .map(|t| &t.kind)
    {
        Some(TransportKind::WebSocket(_)) => Carrier::WebSocket,
        Some(TransportKind::Polling(Polling {
            framing: PollFraming::Http,
            ..
        })) => Carrier::ShortPolling,
        _ => Carrier::Fleet,
    }
}

/// Replicas in service, mean over the measurement window: the server's replicas, changed by
/// the balancer's scale steps at their times (a crashed replica is still paid for).
pub fn mean_replicas(scenario: &Scenario) -> f64 {
    let (start, end) = (scenario.warmup, scenario.duration);
    let mut steps = vec![(0, scenario.server.replicas)];
    steps.extend(scenario.balancer.scale.iter().copied());
    let mut replica_ns = 0u128;
    for (i, (at, count)) in steps.iter().enumerate() {
        let until = steps.get(i + 1).map_or(end, |(next, _)| *next);
        let (from, to) = ((*at).max(start), until.min(end));
        if to > from {
            replica_ns += u128::from(to - from) * u128::from(*count);
        }
    }
    replica_ns as f64 / (end - start) as f64
}

/// What `result` (a run of `scenario`) used, as rates over the window.
pub fn usage(scenario: &Scenario, result: &RunResult) -> Usage {
    let window_s = scenario.window() as f64 / 1e9;
    let duration_s = scenario.duration as f64 / 1e9;
    let bytes = &result.totals.bytes;
    // The per-second level of open connections over the window's seconds; a result read
    // back from JSON has no series, and then its peak stands in.
    let first = (scenario.warmup / 1_000_000_000) as usize;
    let last = (scenario.duration / 1_000_000_000) as usize;
    let seconds = result
        .series
        .connections
        .get(first..last.min(result.series.connections.len()))
        .unwrap_or_default();
    let open_connections = if seconds.is_empty() {
        result.peak_open_connections as f64
    } else {
        seconds.iter().sum::<u64>() as f64 / seconds.len() as f64
    };
    // The ledger and the clients' messages count the whole run.
    let written = result.messages.as_ref().map_or(0, |m| m.written);
    Usage {
        carrier: carrier(scenario, &result.label),
        replicas: mean_replicas(scenario),
        egress_bytes_per_second: bytes.down.total() as f64 / window_s,
        processed_bytes_per_second: (bytes.down.total() + bytes.up.total()) as f64 / window_s,
        new_connections_per_second: result.totals.connections_opened as f64 / window_s,
        open_connections,
        messages_per_second: (result.ledger.delivered + written) as f64 / duration_s,
        requests_per_second: result.totals.requests as f64 / window_s,
        // Functions bill short polling only: its row's CPU per request.
        request_cpu_ns: scenario
            .server
            .costs
            .row(crate::infra::costs::ServerTransport::Polling)
            .cpu
            .request,
        invocations_per_second: result
            .serverless
            .as_ref()
            .map_or(0.0, |f| f.invocations as f64 / window_s),
        billed_seconds_per_second: result
            .serverless
            .as_ref()
            .map_or(0.0, |f| f.billed_seconds / window_s),
        gateway: result
            .serverless
            .as_ref()
            .and_then(|f| f.gateway.as_ref())
            .map(|g| GatewayUsage {
                messages_per_second: g.messages as f64 / window_s,
                connection_minutes_per_second: g.connection_minutes / window_s,
            }),
    }
}

/// One variant's monthly cost in `summary.json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VariantCost {
    pub label: String,
    /// US dollars per 730-hour month (replication 0), four decimals.
    pub total_usd: f64,
    /// The total over every replication, with more than one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_usd_interval: Option<Interval>,
    /// Item by item (replication 0).
    pub items: Vec<CostLine>,
}

/// One item of a variant's bill.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CostLine {
    pub item: &'static str,
    pub quantity: f64,
    pub unit: &'static str,
    pub usd: f64,
}

impl From<&Line> for CostLine {
    fn from(line: &Line) -> Self {
        CostLine {
            item: line.item.name(),
            quantity: fixed(line.quantity, 4),
            unit: line.item.unit(),
            usd: fixed(line.usd, 4),
        }
    }
}

/// The bill of `result` at `prices`.
pub fn bill(scenario: &Scenario, prices: &CostSpec, result: &RunResult) -> MonthlyCost {
    monthly(prices, &usage(scenario, result))
}

/// Every variant's monthly cost over `runs` (`runs[i]`: replication i's results), in
/// scenario order; `None` without a `cost:` section.
pub fn variant_costs(scenario: &Scenario, runs: &[&[RunResult]]) -> Option<Vec<VariantCost>> {
    let prices = scenario.cost.as_ref()?;
    let first = runs.first().copied().unwrap_or_default();
    Some(
        first
            .iter()
            .enumerate()
            .map(|(v, result)| {
                let monthly = bill(scenario, prices, result);
                let totals: Vec<f64> = runs
                    .iter()
                    .filter_map(|rep| rep.get(v))
                    .map(|r| bill(scenario, prices, r).total())
                    .collect();
                VariantCost {
                    label: result.label.clone(),
                    total_usd: fixed(monthly.total(), 4),
                    total_usd_interval: (runs.len() > 1).then(|| Interval::of(&totals)).flatten(),
                    items: monthly.lines.iter().map(CostLine::from).collect(),
                }
            })
            .collect(),
    )
}

/// Dollars as the table writes them: cents below $1,000, whole dollars above.
pub fn human_usd(usd: f64) -> String {
    if usd.abs() >= 1000.0 {
        format!("${usd:.0}")
    } else {
        format!("${usd:.2}")
    }
}

/// The table's rows for the costs: the month's total (± its interval over replications)
/// and each item that applies to some variant. Empty without a `cost:` section.
pub fn cost_rows(scenario: &Scenario, runs: &[&[RunResult]]) -> Vec<super::table::Row> {
    let Some(costs) = variant_costs(scenario, runs) else {
        return Vec::new();
    };
    let mut rows = vec![(
        "monthly cost (730 h at the window's rates)".to_string(),
        costs
            .iter()
            .map(|c| match c.total_usd_interval {
                Some(i) => format!("{} ± {}", human_usd(i.mean), human_usd(i.half_width)),
                None => human_usd(c.total_usd),
            })
            .collect(),
    )];
    let items = [
        CostItem::Instances,
        CostItem::Egress,
        CostItem::Balancer,
        CostItem::BalancerCapacity,
        CostItem::GatewayMessages,
        CostItem::GatewayConnectionMinutes,
        CostItem::ServerlessInvocations,
        CostItem::ServerlessCompute,
    ];
    for item in items {
        let cells: Vec<Option<f64>> = costs
            .iter()
            .map(|c| {
                c.items
                    .iter()
                    .find(|l| l.item == item.name())
                    .map(|l| l.usd)
            })
            .collect();
        if cells.iter().all(Option::is_none) {
            continue;
        }
        rows.push((
            format!("  {}", item.name().replace('_', " ")),
            cells
                .into_iter()
                .map(|c| c.map_or_else(|| "-".to_string(), human_usd))
                .collect(),
        ));
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replicas_are_averaged_over_the_window_by_scale_step() {
        let text = "name: t\nduration: 100s\nwarmup: 20s\nnetwork: { l: { latency: 1ms, bandwidth: 1Mbit/s } }\nclients: { c: { count: 1, link: l } }\nserver: { replicas: 2 }\nload_balancer: { layer: 4, scale: [{ at: 60s, replicas: 4 }] }\nworkload: { events: { source: poisson, rate: 1/s, payload: 10B } }\ntransports: [{ label: sse, sse: {} }]\n";
        let scenario = crate::scenario::load_str("t.yaml", text, &[]).unwrap();
        // 40 s of 2 replicas and 40 s of 4 over an 80 s window: 3.
        assert_eq!(mean_replicas(&scenario), 3.0);
        assert_eq!(human_usd(12.345), "$12.35");
        assert_eq!(human_usd(12_345.6), "$12346");
    }
}
