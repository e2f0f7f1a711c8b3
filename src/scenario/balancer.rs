//! `load_balancer:` the balancer in front of the replicas: layer, algorithm, affinity,
//! idle timeout, drain, scale steps and active health checks.

use serde::Deserialize;

use super::checker::Checker;
use super::defaults as d;
use super::error::ScenarioError;
use super::server::MAX_REPLICAS;
use super::spec::{BalancerSpec, LbAlgorithm};
use crate::infra::balancer::{Affinity, HealthCheck};
use crate::time::Nanos;
use crate::units::Duration;

/// The load balancer.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawBalancer {
    /// 4: a client connection is pinned to the replica chosen when it opened; 7: each
    /// request (or HTTP/2 stream) is balanced on its own, and a stream stays where its
    /// request went. Required.
    #[schemars(extend("enum" = [4, 7]))]
    pub layer: u8,
    /// `round_robin`, `least_connections` (counts open connections at layer 4, active
    /// requests and streams at layer 7; ties rotate round robin), `random` or `hash` (of
    /// the client id, modulo the replicas in service). Default `round_robin`.
    #[schemars(extend("enum" = ["round_robin", "least_connections", "random", "hash", null]))]
    pub algorithm: Option<String>,
    /// Sticky sessions: `none`, `cookie` (layer 7: a client goes back to the replica that
    /// served it while that replica is in service and not full, else the algorithm chooses
    /// and the cookie moves; nginx's `sticky cookie`, AWS ALB's `lb_cookie`) or `source_ip`
    /// (a hash of the browser's address, all its tabs alike, instead of the algorithm;
    /// nginx's `ip_hash`). Default `none` (ALB target groups' stickiness is off by default).
    #[schemars(extend("enum" = ["none", "cookie", "source_ip", null]))]
    pub affinity: Option<String>,
    /// Closes a connection that carried no bytes this long. Default 60s (the default of
    /// AWS's Application and Classic Load Balancers); `0s` for none.
    pub idle_timeout: Option<Duration>,
    /// How long a replica removed by a scale step keeps its connections before they are
    /// closed. Default 300s (AWS target groups' deregistration delay).
    pub drain: Option<Duration>,
    /// Scale steps: from `at` on, that many replicas are in service; added ones start
    /// empty, removed ones (the highest-numbered) take no new work and drain (see `drain`).
    /// Default: none.
    pub scale: Option<Vec<RawScaleStep>>,
    /// Active health checks: how long a crashed replica keeps getting new connections,
    /// and a restarted one waits to get them again. Default: none (the balancer knows at
    /// once, an idealisation).
    pub health_check: Option<RawHealthCheck>,
}

/// One scale step.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawScaleStep {
    /// When. Required, < duration.
    pub at: Duration,
    /// Replicas in service from then on. Required, different from before.
    pub replicas: u32,
}

/// Active health checks of the load balancer on its replicas.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawHealthCheck {
    /// Time between probes of each replica. Default 30s (AWS target groups).
    pub interval: Option<Duration>,
    /// Consecutive failed probes before a replica is taken out of service. Default 2 (AWS).
    pub unhealthy_threshold: Option<u32>,
    /// Consecutive passed probes before it is back in service. Default 5 (AWS).
    pub healthy_threshold: Option<u32>,
}

/// Reads `load_balancer` for a server of `replicas`: required with more than one; layer 4
/// or 7, a known algorithm, scale steps in time order within the run.
pub(crate) fn balancer(
    raw: Option<&RawBalancer>,
    replicas: u32,
    duration: Nanos,
    c: &Checker,
) -> Result<BalancerSpec, ScenarioError> {
    let Some(lb) = raw else {
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
            affinity: d::BALANCER_AFFINITY,
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
    let affinity = match lb.affinity.as_deref() {
        None => d::BALANCER_AFFINITY,
        Some("none") => Affinity::None,
        Some("cookie") if lb.layer == 4 => {
            return Err(c.error(
                "load_balancer.affinity",
                "`cookie` needs `layer: 7` (a layer-4 balancer does not read HTTP cookies; `source_ip` works at both layers)",
            ));
        }
        Some("cookie") => Affinity::Cookie,
        Some("source_ip") => Affinity::SourceIp,
        Some(other) => {
            return Err(c.error(
                "load_balancer.affinity",
                format!("unknown affinity \"{other}\"; expected one of: none, cookie, source_ip"),
            ));
        }
    };
    if affinity == Affinity::SourceIp
        && let Some(given) = lb.algorithm.as_deref().filter(|a| *a != "hash")
    {
        return Err(c.error(
            "load_balancer.algorithm",
            format!(
                "`affinity: source_ip` picks by a hash of the address, so `{given}` would never be used; leave `algorithm` out or set it to `hash`"
            ),
        ));
    }
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
            .map(|h| health_check(h, c))
            .transpose()?,
        affinity,
    })
}

/// Reads `load_balancer.health_check`: an interval above zero, thresholds of at least one.
pub(crate) fn health_check(
    raw: &RawHealthCheck,
    c: &Checker,
) -> Result<HealthCheck, ScenarioError> {
    let interval = raw
        .interval
        .map_or(d::HEALTH_CHECK_INTERVAL, |v| v.as_nanos());
    if interval == 0 {
        return Err(c.error(
            "load_balancer.health_check.interval",
            "must be greater than 0s",
        ));
    }
    let threshold = |value: Option<u32>, default: u32, field: &str| {
        let v = value.unwrap_or(default);
        if v == 0 {
            Err(c.error(
                &format!("load_balancer.health_check.{field}"),
                "must be at least 1",
            ))
        } else {
            Ok(v)
        }
    };
    Ok(HealthCheck {
        interval,
        unhealthy_threshold: threshold(
            raw.unhealthy_threshold,
            d::HEALTH_CHECK_UNHEALTHY,
            "unhealthy_threshold",
        )?,
        healthy_threshold: threshold(
            raw.healthy_threshold,
            d::HEALTH_CHECK_HEALTHY,
            "healthy_threshold",
        )?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::checker::check_section;

    const MINUTE: Nanos = 60_000_000_000;

    #[test]
    fn a_balancer_reads_its_scale_steps_and_health_checks() {
        let text = "load_balancer:\n  layer: 7\n  algorithm: least_connections\n  scale: [{ at: 10s, replicas: 4 }]\n  health_check: { interval: 5s }\n";
        let lb = check_section(text, "load_balancer", |b, c| {
            balancer(Some(b), 2, MINUTE, c)
        })
        .unwrap();
        assert_eq!((lb.layer, lb.algorithm), (7, LbAlgorithm::LeastConnections));
        assert_eq!(lb.scale, vec![(10_000_000_000, 4)]);
        let health = lb.health_check.unwrap();
        assert_eq!(health.interval, 5_000_000_000);
        assert_eq!(health.unhealthy_threshold, d::HEALTH_CHECK_UNHEALTHY);
        // One replica needs no balancer.
        assert!(check_section("x: 1\n", "x", |_: &u32, c| balancer(None, 1, MINUTE, c)).is_ok());
    }

    #[test]
    fn refuses_a_step_that_changes_nothing_and_a_missing_balancer() {
        let text = "load_balancer: { layer: 4, scale: [{ at: 10s, replicas: 2 }] }\n";
        let error = check_section(text, "load_balancer", |b, c| {
            balancer(Some(b), 2, MINUTE, c)
        })
        .unwrap_err();
        assert_eq!(
            error.field.as_deref(),
            Some("load_balancer.scale[0].replicas")
        );
        assert_eq!(
            error.message,
            "must differ from the 2 replicas before it and be at least 1"
        );
        let error =
            check_section("x: 1\n", "x", |_: &u32, c| balancer(None, 3, MINUTE, c)).unwrap_err();
        assert_eq!(
            error.message,
            "3 replicas need a `load_balancer` in front of them"
        );
    }

    #[test]
    fn reads_affinity_and_refuses_the_ones_that_cannot_apply() {
        let read = |text: &str| {
            check_section(text, "load_balancer", |b, c| {
                balancer(Some(b), 2, MINUTE, c)
            })
        };
        let lb = read("load_balancer: { layer: 7, affinity: cookie }\n").unwrap();
        assert_eq!(lb.affinity, Affinity::Cookie);
        let lb = read("load_balancer: { layer: 4, affinity: source_ip }\n").unwrap();
        assert_eq!(lb.affinity, Affinity::SourceIp);
        assert_eq!(
            read("load_balancer: { layer: 7 }\n").unwrap().affinity,
            Affinity::None
        );
        let error = read("load_balancer: { layer: 7, affinity: stick }\n").unwrap_err();
        assert_eq!(error.field.as_deref(), Some("load_balancer.affinity"));
        assert_eq!(
            error.message,
            "unknown affinity \"stick\"; expected one of: none, cookie, source_ip"
        );
        let error = read("load_balancer: { layer: 4, affinity: cookie }\n").unwrap_err();
        assert_eq!(error.field.as_deref(), Some("load_balancer.affinity"));
        let error = read(
            "load_balancer: { layer: 7, affinity: source_ip, algorithm: least_connections }\n",
        )
        .unwrap_err();
        assert_eq!(error.field.as_deref(), Some("load_balancer.algorithm"));
    }
}
