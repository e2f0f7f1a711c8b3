//! `cost:` the prices a variant's monthly cost is computed with (see [`crate::cost`]):
//! their raw form, their defaults and their checks. Without the section no cost is
//! computed and no report shows one.

use serde::Deserialize;

use super::checker::Checker;
use super::error::ScenarioError;
use crate::cost::prices as p;
use crate::cost::{BalancerPrices, CostSpec, GatewayPrices, ServerlessPrices};
use crate::units::ByteSize;

/// The highest price rtsim accepts for any item: $1,000,000 per unit, far above any list
/// price, so that a month's sum stays a finite, readable number.
pub const MAX_PRICE_USD: f64 = 1e6;

/// Prices, in US dollars, for each variant's monthly cost (a 730-hour month at the
/// measurement window's rates). Every default is an AWS us-east-1 list price read on
/// 2026-12-07 — an example to replace with your own prices (sources in the Monthly cost
/// page).
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawPrices {
    /// Price of one server replica per hour, USD. Default 0.0816 (EC2 `m7g.large`, 2 vCPU,
    /// 8 GiB, Linux on demand).
    pub instance_per_hour: Option<f64>,
    /// Price per GB (10⁹ bytes) the servers send, USD. Default 0.09 (EC2 data transfer
    /// out to the internet, first 10 TB a month).
    pub egress_per_gb: Option<f64>,
    /// The load balancer's prices, charged when the scenario has a `load_balancer`.
    /// Default: an Application Load Balancer's.
    pub balancer: Option<RawBalancerPrices>,
    /// Carry WebSocket variants on a managed gateway (it replaces the load balancer for
    /// them; the replicas behind it are still paid). Default: none (they run on the
    /// fleet); `{}` takes API Gateway's prices.
    pub websocket_gateway: Option<RawGatewayPrices>,
    /// Run short-polling variants' requests as functions instead of replicas. Default:
    /// none; `{}` takes AWS Lambda's prices.
    pub serverless: Option<RawServerlessPrices>,
}

/// A load balancer billed per hour and per capacity unit.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawBalancerPrices {
    /// USD per hour. Default 0.0225 (AWS Application Load Balancer).
    pub per_hour: Option<f64>,
    /// USD per load-balancer capacity unit (LCU) hour; an LCU is 25 new connections/s,
    /// 3,000 active connections or 1 GB processed per hour, whichever is largest. Default
    /// 0.008 (AWS Application Load Balancer).
    pub per_lcu_hour: Option<f64>,
}

/// A managed WebSocket gateway.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawGatewayPrices {
    /// USD per million messages (both ways). Default 1.00 (AWS API Gateway WebSocket APIs).
    pub per_million_messages: Option<f64>,
    /// USD per million connection-minutes. Default 0.25 (AWS API Gateway WebSocket APIs).
    pub per_million_connection_minutes: Option<f64>,
}

/// Functions billed per invocation and per GB-second.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawServerlessPrices {
    /// USD per million invocations. Default 0.20 (AWS Lambda, x86).
    pub per_million_invocations: Option<f64>,
    /// USD per GB-second (memory in GiB × billed seconds, each invocation's CPU time
    /// rounded up to 1 ms). Default 0.0000166667 (AWS Lambda, x86).
    pub per_gb_second: Option<f64>,
    /// The function's memory. Default 128MiB (Lambda's default).
    pub memory: Option<ByteSize>,
}

/// Reads `cost`: every price a finite number from 0 to [`MAX_PRICE_USD`]; the balancer's
/// prices only when the scenario has a balancer.
pub(crate) fn cost(
    raw: Option<&RawPrices>,
    has_balancer: bool,
    c: &Checker,
) -> Result<Option<CostSpec>, ScenarioError> {
    let Some(raw) = raw else {
        return Ok(None);
    };
    let price = |value: Option<f64>, default: f64, path: &str| -> Result<f64, ScenarioError> {
        match value {
            None => Ok(default),
            Some(v) if v.is_finite() && (0.0..=MAX_PRICE_USD).contains(&v) => Ok(v),
            Some(v) => Err(c.error(
                path,
                format!("{v}: expected a price in US dollars from 0 to {MAX_PRICE_USD}"),
            )),
        }
    };
    let balancer = raw.balancer.clone().unwrap_or_default();
    let balancer = BalancerPrices {
        per_hour: price(
            balancer.per_hour,
            p::BALANCER_PER_HOUR,
            "cost.balancer.per_hour",
        )?,
        per_lcu_hour: price(
            balancer.per_lcu_hour,
            p::BALANCER_PER_LCU_HOUR,
            "cost.balancer.per_lcu_hour",
        )?,
    };
    let websocket_gateway = match &raw.websocket_gateway {
        None => None,
        Some(g) => Some(GatewayPrices {
            per_million_messages: price(
                g.per_million_messages,
                p::GATEWAY_PER_MILLION_MESSAGES,
                "cost.websocket_gateway.per_million_messages",
            )?,
            per_million_connection_minutes: price(
                g.per_million_connection_minutes,
                p::GATEWAY_PER_MILLION_CONNECTION_MINUTES,
                "cost.websocket_gateway.per_million_connection_minutes",
            )?,
        }),
    };
    let serverless = match &raw.serverless {
        None => None,
        Some(s) => {
            let memory_bytes = s.memory.map_or(p::SERVERLESS_MEMORY_BYTES, |m| m.0);
            if memory_bytes == 0 {
                return Err(c.error("cost.serverless.memory", "must be more than 0B"));
            }
            Some(ServerlessPrices {
                per_million_invocations: price(
                    s.per_million_invocations,
                    p::SERVERLESS_PER_MILLION_INVOCATIONS,
                    "cost.serverless.per_million_invocations",
                )?,
                per_gb_second: price(
                    s.per_gb_second,
                    p::SERVERLESS_PER_GB_SECOND,
                    "cost.serverless.per_gb_second",
                )?,
                memory_bytes,
            })
        }
    };
    Ok(Some(CostSpec {
        instance_per_hour: price(
            raw.instance_per_hour,
            p::INSTANCE_PER_HOUR,
            "cost.instance_per_hour",
        )?,
        egress_per_gb: price(raw.egress_per_gb, p::EGRESS_PER_GB, "cost.egress_per_gb")?,
        balancer: has_balancer.then_some(balancer),
        websocket_gateway,
        serverless,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::checker::check_section;

    #[test]
    fn an_empty_section_takes_the_list_prices() {
        let spec = check_section("cost: {}\n", "cost", |r, c| cost(Some(r), true, c))
            .unwrap()
            .unwrap();
        assert_eq!(spec.instance_per_hour, 0.0816);
        assert_eq!(spec.egress_per_gb, 0.09);
        assert_eq!(spec.balancer.unwrap().per_lcu_hour, 0.008);
        assert_eq!(spec.websocket_gateway, None);
        assert_eq!(spec.serverless, None);
        let spec = check_section(
            "cost: { serverless: { memory: 512MiB }, websocket_gateway: {} }\n",
            "cost",
            |r, c| cost(Some(r), false, c),
        )
        .unwrap()
        .unwrap();
        assert_eq!(spec.balancer, None, "no balancer in the scenario");
        assert_eq!(spec.serverless.unwrap().memory_bytes, 512 << 20);
        assert_eq!(spec.websocket_gateway.unwrap().per_million_messages, 1.0);
    }

    #[test]
    fn a_negative_price_is_refused_at_its_field() {
        let text = "cost:\n  balancer: { per_hour: -1 }\n";
        let error = check_section(text, "cost", |r, c| cost(Some(r), true, c)).unwrap_err();
        assert_eq!(error.field.as_deref(), Some("cost.balancer.per_hour"));
        assert_eq!(
            error.message,
            "-1: expected a price in US dollars from 0 to 1000000"
        );
        assert_eq!(error.position.map(|p| p.line), Some(2));
    }
}
