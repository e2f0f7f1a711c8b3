//! A variant's monthly cost: its measured [`Usage`] (rates over the measurement window)
//! priced by a [`CostSpec`] and scaled to a month of [`HOURS_PER_MONTH`] hours, split by
//! item.
//!
//! The scaling assumes the window is a typical stretch of the month: its rates (bytes,
//! connections, requests, messages per second) and mean levels (replicas, open
//! connections) hold for all 730 hours. A run of five minutes priced as a month says what
//! a month *at that load* costs, not what a month with daily peaks and quiet nights does.
//!
//! What each item is charged on:
//! - instances: mean replicas in service × 730 h × the hourly price — not charged for a
//!   short-polling variant when `serverless` is priced (its requests run as functions);
//! - egress: bytes the servers sent (every layer: payload, framing, TLS, TCP/IP,
//!   retransmissions) × the price per GB (10⁹ bytes);
//! - balancer: when the scenario has one, its hourly price, plus its capacity units (ALB
//!   LCUs) per hour: the largest of new connections per second / 25, mean open
//!   connections / 3,000 and GB processed (both directions) per hour / 1 — the fourth
//!   dimension, rule evaluations, is 0 for a balancer of at most the 10 free rules, which
//!   is all rtsim models. A WebSocket variant on the gateway does not pass through it;
//! - gateway (WebSocket variants, when priced): messages (events delivered and clients'
//!   messages; each counted once, as a message under the 32 KB billing increment) per
//!   million, and connection-minutes (mean open connections × the month's minutes) per
//!   million;
//! - a serverless server (`server.kind: serverless`, every variant): egress, and the
//!   invocations measured (per million) and their billed duration (each rounded up to
//!   1 ms, a long poll's hold and a stream's life included) × the memory in GiB, at
//!   `cost.serverless`'s prices or Lambda's; no replicas, no balancer (API Gateway's own
//!   per-request price is not charged); a WebSocket variant through the managed gateway
//!   (`websocket.gateway: true`) adds the gateway's messages (measured: pushes
//!   sent and clients' messages) per million and its connection-minutes (measured: each
//!   connection's time in the window) per million, at `cost.websocket_gateway`'s prices or
//!   API Gateway's;
//! - serverless (short-polling variants, when priced): invocations (HTTP requests) per
//!   million, and GB-seconds: each request's CPU time rounded up to 1 ms × the function's
//!   memory in GiB.

use serde::Serialize;

use super::prices::{
    CostSpec, GatewayPrices, HOURS_PER_MONTH, LCU_ACTIVE_CONNECTIONS, LCU_BYTES_PER_HOUR,
    LCU_NEW_CONNECTIONS_PER_SECOND, SERVERLESS_BILLING_STEP_NS, ServerlessPrices,
};

/// Which of the managed services could carry the variant instead of the fleet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Carrier {
    /// WebSocket: a managed gateway could hold the connections.
    WebSocket,
    /// Short polling: each poll could be a function invocation.
    ShortPolling,
    /// Anything else runs on the fleet.
    Fleet,
    /// Every variant of a serverless server (`server.kind: serverless`): billed per measured
    /// invocation and billed duration, no replicas.
    Functions,
}

/// What a variant used, as rates over the measurement window.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Usage {
    pub carrier: Carrier,
    /// Replicas in service, mean over the window.
    pub replicas: f64,
    /// Bytes the servers sent, every layer, per second.
    pub egress_bytes_per_second: f64,
    /// Bytes through the balancer, both directions, per second.
    pub processed_bytes_per_second: f64,
    pub new_connections_per_second: f64,
    /// Client connections open, mean over the window.
    pub open_connections: f64,
    /// Messages a gateway would carry (events delivered, clients' messages) per second.
    pub messages_per_second: f64,
    /// HTTP requests reaching the server per second.
    pub requests_per_second: f64,
    /// Server CPU time per request (a function's duration before rounding), nanoseconds.
    pub request_cpu_ns: u64,
    /// A serverless server's invocations per second (0 on a fleet).
    pub invocations_per_second: f64,
    /// A serverless server's billed duration (each invocation rounded up to 1 ms), seconds
    /// per second (0 on a fleet).
    pub billed_seconds_per_second: f64,
    /// A serverless server's managed WebSocket gateway, measured (`None`: none).
    pub gateway: Option<GatewayUsage>,
}

/// What a managed WebSocket gateway in front of functions carried, as rates over the
/// window.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GatewayUsage {
    pub messages_per_second: f64,
    /// Connection-minutes per second.
    pub connection_minutes_per_second: f64,
}

/// One line of a monthly bill.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CostItem {
    Instances,
    Egress,
    Balancer,
    BalancerCapacity,
    GatewayMessages,
    GatewayConnectionMinutes,
    ServerlessInvocations,
    ServerlessCompute,
}

impl CostItem {
    /// The item's name in reports (its JSON name).
    pub fn name(self) -> &'static str {
        match self {
            CostItem::Instances => "instances",
            CostItem::Egress => "egress",
            CostItem::Balancer => "balancer",
            CostItem::BalancerCapacity => "balancer_capacity",
            CostItem::GatewayMessages => "gateway_messages",
            CostItem::GatewayConnectionMinutes => "gateway_connection_minutes",
            CostItem::ServerlessInvocations => "serverless_invocations",
            CostItem::ServerlessCompute => "serverless_compute",
        }
    }

    /// The unit its quantity is counted in.
    pub fn unit(self) -> &'static str {
        match self {
            CostItem::Instances => "replica-hours",
            CostItem::Egress => "GB",
            CostItem::Balancer => "hours",
            CostItem::BalancerCapacity => "LCU-hours",
            CostItem::GatewayMessages => "million messages",
            CostItem::GatewayConnectionMinutes => "million connection-minutes",
            CostItem::ServerlessInvocations => "million invocations",
            CostItem::ServerlessCompute => "GB-seconds",
        }
    }
}

/// One item of the bill: how much of it a month uses, and its price.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Line {
    pub item: CostItem,
    pub quantity: f64,
    pub usd: f64,
}

/// A month's cost, item by item (only the items that apply, in [`CostItem`] order).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MonthlyCost {
    pub lines: Vec<Line>,
}

impl MonthlyCost {
    /// The month's total, US dollars.
    pub fn total(&self) -> f64 {
        self.lines.iter().map(|l| l.usd).sum()
    }

    /// The dollars of `item` (0 when it does not apply).
    pub fn of(&self, item: CostItem) -> f64 {
        self.lines
            .iter()
            .filter(|l| l.item == item)
            .map(|l| l.usd)
            .sum()
    }
}

const SECONDS_PER_MONTH: f64 = HOURS_PER_MONTH * 3600.0;

/// The monthly cost of `usage` at `prices`.
pub fn monthly(prices: &CostSpec, usage: &Usage) -> MonthlyCost {
    let mut lines = Vec::new();
    let mut line = |item, quantity: f64, unit_price: f64| {
        lines.push(Line {
            item,
            quantity,
            usd: quantity * unit_price,
        })
    };
    let serverless = prices
        .serverless
        .filter(|_| usage.carrier == Carrier::ShortPolling);
    let gateway = prices
        .websocket_gateway
        .filter(|_| usage.carrier == Carrier::WebSocket);
    if usage.carrier == Carrier::Functions {
        let functions = prices.serverless.unwrap_or(ServerlessPrices::LAMBDA);
        line(
            CostItem::Egress,
            usage.egress_bytes_per_second * SECONDS_PER_MONTH / 1e9,
            prices.egress_per_gb,
        );
        if let Some(carried) = usage.gateway {
            let gateway = prices
                .websocket_gateway
                .unwrap_or(GatewayPrices::API_GATEWAY);
            line(
                CostItem::GatewayMessages,
                carried.messages_per_second * SECONDS_PER_MONTH / 1e6,
                gateway.per_million_messages,
            );
            line(
                CostItem::GatewayConnectionMinutes,
                carried.connection_minutes_per_second * SECONDS_PER_MONTH / 1e6,
                gateway.per_million_connection_minutes,
            );
        }
        line(
            CostItem::ServerlessInvocations,
            usage.invocations_per_second * SECONDS_PER_MONTH / 1e6,
            functions.per_million_invocations,
        );
        let gib = functions.memory_bytes as f64 / (1u64 << 30) as f64;
        line(
            CostItem::ServerlessCompute,
            usage.billed_seconds_per_second * SECONDS_PER_MONTH * gib,
            functions.per_gb_second,
        );
        return MonthlyCost { lines };
    }
    if serverless.is_none() {
        line(
            CostItem::Instances,
            usage.replicas * HOURS_PER_MONTH,
            prices.instance_per_hour,
        );
    }
    line(
        CostItem::Egress,
        usage.egress_bytes_per_second * SECONDS_PER_MONTH / 1e9,
        prices.egress_per_gb,
    );
    if let (Some(balancer), None) = (prices.balancer, gateway) {
        line(CostItem::Balancer, HOURS_PER_MONTH, balancer.per_hour);
        let units = (usage.new_connections_per_second / LCU_NEW_CONNECTIONS_PER_SECOND)
            .max(usage.open_connections / LCU_ACTIVE_CONNECTIONS)
            .max(usage.processed_bytes_per_second * 3600.0 / LCU_BYTES_PER_HOUR);
        line(
            CostItem::BalancerCapacity,
            units * HOURS_PER_MONTH,
            balancer.per_lcu_hour,
        );
    }
    if let Some(gateway) = gateway {
        line(
            CostItem::GatewayMessages,
            usage.messages_per_second * SECONDS_PER_MONTH / 1e6,
            gateway.per_million_messages,
        );
        line(
            CostItem::GatewayConnectionMinutes,
            usage.open_connections * HOURS_PER_MONTH * 60.0 / 1e6,
            gateway.per_million_connection_minutes,
        );
    }
    if let Some(functions) = serverless {
        let invocations = usage.requests_per_second * SECONDS_PER_MONTH;
        line(
            CostItem::ServerlessInvocations,
            invocations / 1e6,
            functions.per_million_invocations,
        );
        let billed_ns = usage
            .request_cpu_ns
            .div_ceil(SERVERLESS_BILLING_STEP_NS)
            .max(1)
            * SERVERLESS_BILLING_STEP_NS;
        let gib = functions.memory_bytes as f64 / (1u64 << 30) as f64;
        line(
            CostItem::ServerlessCompute,
            invocations * billed_ns as f64 / 1e9 * gib,
            functions.per_gb_second,
        );
    }
    MonthlyCost { lines }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cost::prices::*;

    fn prices() -> CostSpec {
        CostSpec {
            instance_per_hour: 0.1,
            egress_per_gb: 0.09,
            balancer: Some(BalancerPrices {
                per_hour: 0.0225,
                per_lcu_hour: 0.008,
            }),
            websocket_gateway: Some(GatewayPrices {
                per_million_messages: 1.0,
                per_million_connection_minutes: 0.25,
            }),
            serverless: Some(ServerlessPrices {
                per_million_invocations: 0.2,
                per_gb_second: 0.0000166667,
                memory_bytes: 512 << 20,
            }),
        }
    }

    fn usage(carrier: Carrier) -> Usage {
        Usage {
            carrier,
            replicas: 2.0,
            // 10 kB/s out: 26.28 GB a month.
            egress_bytes_per_second: 10_000.0,
            // 1 MB/s through the balancer: 3.6 GB an hour, 3.6 LCU.
            processed_bytes_per_second: 1_000_000.0,
            new_connections_per_second: 5.0,
            open_connections: 1_500.0,
            messages_per_second: 100.0,
            requests_per_second: 50.0,
            request_cpu_ns: 120_000,
            invocations_per_second: 0.0,
            billed_seconds_per_second: 0.0,
            gateway: None,
        }
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9 * b.abs().max(1.0)
    }

    #[test]
    fn a_fleet_variant_by_hand() {
        let bill = monthly(&prices(), &usage(Carrier::Fleet));
        // 2 replicas × 730 h × $0.1 = $146.
        assert!(close(bill.of(CostItem::Instances), 146.0));
        // 10 kB/s × 2,628,000 s = 26.28 GB × $0.09 = $2.3652.
        assert!(close(bill.of(CostItem::Egress), 2.3652));
        // 730 h × $0.0225 = $16.425.
        assert!(close(bill.of(CostItem::Balancer), 16.425));
        // LCUs: max(5/25 = 0.2, 1500/3000 = 0.5, 3.6 GB/h) = 3.6; × 730 h × $0.008 = $21.024.
        assert!(close(bill.of(CostItem::BalancerCapacity), 21.024));
        assert_eq!(bill.lines.len(), 4, "no gateway or function items");
        assert!(close(bill.total(), 146.0 + 2.3652 + 16.425 + 21.024));
    }

    #[test]
    fn a_websocket_variant_on_the_gateway_by_hand() {
        let bill = monthly(&prices(), &usage(Carrier::WebSocket));
        // 100 messages/s × 2,628,000 s = 262.8 million × $1 = $262.8.
        assert!(close(bill.of(CostItem::GatewayMessages), 262.8));
        // 1,500 connections × 43,800 min = 65.7 million connection-minutes × $0.25.
        assert!(close(bill.of(CostItem::GatewayConnectionMinutes), 16.425));
        // The gateway replaces the balancer; the fleet behind it is still paid.
        assert_eq!(bill.of(CostItem::Balancer), 0.0);
        assert!(close(bill.of(CostItem::Instances), 146.0));
    }

    #[test]
    fn a_serverless_server_by_hand() {
        let bill = monthly(
            &prices(),
            &Usage {
                invocations_per_second: 10.0,
                // Half the time billed: 0.5 s per second.
                billed_seconds_per_second: 0.5,
                ..usage(Carrier::Functions)
            },
        );
        // 10/s × 2,628,000 s = 26.28 million × $0.2 = $5.256.
        assert!(close(bill.of(CostItem::ServerlessInvocations), 5.256));
        // 0.5 × 2,628,000 s × 0.5 GiB = 657,000 GB-s × $0.0000166667.
        assert!(close(
            bill.of(CostItem::ServerlessCompute),
            657_000.0 * 0.0000166667
        ));
        let items: Vec<_> = bill.lines.iter().map(|l| l.item).collect();
        assert_eq!(
            items,
            vec![
                CostItem::Egress,
                CostItem::ServerlessInvocations,
                CostItem::ServerlessCompute
            ],
            "no replicas, balancer or gateway"
        );
    }

    #[test]
    fn a_serverless_websocket_through_the_gateway_by_hand() {
        let bill = monthly(
            &CostSpec {
                websocket_gateway: None,
                ..prices()
            },
            &Usage {
                invocations_per_second: 10.0,
                billed_seconds_per_second: 0.01,
                gateway: Some(GatewayUsage {
                    messages_per_second: 10.0,
                    // 100 connections open: 100 connection-minutes a minute.
                    connection_minutes_per_second: 100.0 / 60.0,
                }),
                ..usage(Carrier::Functions)
            },
        );
        // API Gateway's list prices without `cost.websocket_gateway`: 10/s × 2,628,000 s =
        // 26.28 million messages × $1 = $26.28.
        assert!(close(bill.of(CostItem::GatewayMessages), 26.28));
        // 100 connections × 43,800 min = 4.38 million connection-minutes × $0.25 = $1.095.
        assert!(close(bill.of(CostItem::GatewayConnectionMinutes), 1.095));
        assert!(close(bill.of(CostItem::ServerlessInvocations), 5.256));
        let items: Vec<_> = bill.lines.iter().map(|l| l.item).collect();
        assert_eq!(
            items,
            vec![
                CostItem::Egress,
                CostItem::GatewayMessages,
                CostItem::GatewayConnectionMinutes,
                CostItem::ServerlessInvocations,
                CostItem::ServerlessCompute
            ]
        );
    }

    #[test]
    fn a_polling_variant_as_functions_by_hand() {
        let bill = monthly(&prices(), &usage(Carrier::ShortPolling));
        // 50 requests/s × 2,628,000 s = 131.4 million invocations × $0.2 = $26.28.
        assert!(close(bill.of(CostItem::ServerlessInvocations), 26.28));
        // 120 µs rounds up to 1 ms; 131.4e6 × 0.001 s × 0.5 GiB = 65,700 GB-s × $0.0000166667.
        assert!(close(
            bill.of(CostItem::ServerlessCompute),
            65_700.0 * 0.0000166667
        ));
        assert_eq!(bill.of(CostItem::Instances), 0.0, "no fleet to pay for");
        // Without the managed services, every variant is on the fleet.
        let plain = CostSpec {
            websocket_gateway: None,
            serverless: None,
            balancer: None,
            ..prices()
        };
        let bill = monthly(&plain, &usage(Carrier::ShortPolling));
        let items: Vec<_> = bill.lines.iter().map(|l| l.item).collect();
        assert_eq!(items, vec![CostItem::Instances, CostItem::Egress]);
    }
}
