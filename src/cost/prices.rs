//! The prices of the `cost:` section, validated: US dollars per unit, and the default list
//! prices each field takes when the section leaves it out.
//!
//! The defaults are **examples to replace with your own prices**: AWS on-demand list prices
//! in us-east-1 as read on 2026-12-07 from stored copies of public pages (the sources are
//! named on each constant and in `docs/cost.md`). They ignore free tiers, volume tiers,
//! savings plans and taxes. Owns the figures only; what each one is charged on is
//! [`super::monthly()`].

use serde::Serialize;

/// An instance of 2 vCPU and 8 GiB (`m7g.large`, Linux, on demand, us-east-1): $0.0816 per
/// hour. AWS EC2 on-demand price list (aws.amazon.com/ec2/pricing/on-demand), as reported
/// June 2026 by factualminds.com's pricing summary; read 2026-12-07.
pub const INSTANCE_PER_HOUR: f64 = 0.0816;
/// Data transfer out of EC2 to the internet, first 10 TB a month: $0.09 per GB. AWS EC2
/// data transfer pricing, as quoted by awsforengineers.com (May 2025); read 2026-12-07.
pub const EGRESS_PER_GB: f64 = 0.09;
/// Application Load Balancer, per hour: $0.0225. AWS Elastic Load Balancing pricing, as
/// quoted by cloud-horizons.com (May 2026); read 2026-12-07.
pub const BALANCER_PER_HOUR: f64 = 0.0225;
/// Application Load Balancer, per LCU-hour: $0.008 (same source).
pub const BALANCER_PER_LCU_HOUR: f64 = 0.008;
/// One ALB load-balancer capacity unit (LCU) is the largest of these dimensions, per hour:
/// 25 new connections per second, 3,000 active connections (per minute), 1 GB processed
/// per hour (1,000 rule evaluations per second is the fourth; see [`super::monthly()`]).
/// AWS Elastic Load Balancing pricing, "LCU details"; read 2026-12-07.
pub const LCU_NEW_CONNECTIONS_PER_SECOND: f64 = 25.0;
/// Active connections per LCU (same source).
pub const LCU_ACTIVE_CONNECTIONS: f64 = 3000.0;
/// Bytes processed per hour per LCU: 1 GB (same source).
pub const LCU_BYTES_PER_HOUR: f64 = 1e9;
/// API Gateway WebSocket APIs: $1.00 per million messages (first billion a month; billed
/// in 32 KB increments). AWS API Gateway pricing, as quoted by awsforengineers.com (May
/// 2025); read 2026-12-07.
pub const GATEWAY_PER_MILLION_MESSAGES: f64 = 1.00;
/// API Gateway WebSocket APIs: $0.25 per million connection-minutes (same source).
pub const GATEWAY_PER_MILLION_CONNECTION_MINUTES: f64 = 0.25;
/// AWS Lambda (x86): $0.20 per million requests. AWS whitepaper "How AWS Pricing Works",
/// Lambda section; read 2026-12-07.
pub const SERVERLESS_PER_MILLION_INVOCATIONS: f64 = 0.20;
/// AWS Lambda (x86): $0.0000166667 per GB-second (same source).
pub const SERVERLESS_PER_GB_SECOND: f64 = 0.000_016_666_7;
/// Memory of a function: 128 MiB, Lambda's default (and smallest) setting (AWS Lambda
/// developer guide, "Configuring Lambda function memory").
pub const SERVERLESS_MEMORY_BYTES: u64 = 128 << 20;
/// Lambda bills each invocation's duration rounded up to 1 ms (AWS Lambda pricing page).
pub const SERVERLESS_BILLING_STEP_NS: u64 = 1_000_000;
/// The month the costs are for: 730 hours (365 × 24 / 12), the month AWS's price
/// calculator and price lists use.
pub const HOURS_PER_MONTH: f64 = 730.0;

/// The validated `cost:` section.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CostSpec {
    /// Per replica per hour.
    pub instance_per_hour: f64,
    /// Per GB (10⁹ bytes) sent from the servers to the clients (and receivers).
    pub egress_per_gb: f64,
    /// The load balancer's prices; `None` when the scenario has no `load_balancer`.
    pub balancer: Option<BalancerPrices>,
    /// A managed WebSocket gateway, for WebSocket variants (`None`: they run on the fleet).
    pub websocket_gateway: Option<GatewayPrices>,
    /// Functions, for short-polling variants (`None`: they run on the fleet).
    pub serverless: Option<ServerlessPrices>,
}

/// A load balancer billed per hour and per capacity unit (ALB's LCU).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct BalancerPrices {
    pub per_hour: f64,
    pub per_lcu_hour: f64,
}

/// A managed WebSocket gateway (API Gateway WebSocket APIs).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct GatewayPrices {
    pub per_million_messages: f64,
    pub per_million_connection_minutes: f64,
}

impl GatewayPrices {
    /// API Gateway WebSocket APIs' list prices (the constants above): what a serverless
    /// server's WebSocket variant through the gateway (`websocket.gateway:
    /// true`) is billed when `cost.websocket_gateway` is not given.
    pub const API_GATEWAY: GatewayPrices = GatewayPrices {
        per_million_messages: GATEWAY_PER_MILLION_MESSAGES,
        per_million_connection_minutes: GATEWAY_PER_MILLION_CONNECTION_MINUTES,
    };
}

/// Functions billed per invocation and per GB-second (AWS Lambda).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ServerlessPrices {
    pub per_million_invocations: f64,
    pub per_gb_second: f64,
    /// Memory of the function, bytes.
    pub memory_bytes: u64,
}

impl ServerlessPrices {
    /// AWS Lambda's list prices and default memory (the constants above): what a
    /// serverless server (`server.kind: serverless`) is billed when `cost.serverless` is
    /// not given.
    pub const LAMBDA: ServerlessPrices = ServerlessPrices {
        per_million_invocations: SERVERLESS_PER_MILLION_INVOCATIONS,
        per_gb_second: SERVERLESS_PER_GB_SECOND,
        memory_bytes: SERVERLESS_MEMORY_BYTES,
    };
}
