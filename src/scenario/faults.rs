//! Failure and recovery in the scenario: scheduled faults (`faults:`), the load balancer's
//! health checks, and each transport's reconnect policy — read from the raw types and
//! checked, with defaults and their sources.

use serde::Serialize;

use super::defaults as d;
use super::error::ScenarioError;
use super::raw::{RawFault, RawHealthCheck, RawReconnect};
use super::validate::Checker;
use crate::time::Nanos;

pub use crate::infra::balancer::HealthCheck;

/// How long a client waits before each new attempt after losing its connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ReconnectPolicy {
    pub backoff: Backoff,
    /// The first delay (every delay when fixed).
    pub delay: Nanos,
    /// The cap of exponential backoff.
    pub max: Nanos,
    pub jitter: Jitter,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Backoff {
    Fixed,
    Exponential,
}

/// Randomisation of each delay (AWS Architecture Blog, "Exponential Backoff And Jitter",
/// 2015).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Jitter {
    None,
    /// Uniform in [0, delay].
    Full,
    /// delay/2 plus uniform in [0, delay/2].
    Equal,
}

impl ReconnectPolicy {
    /// A fixed delay without jitter (EventSource's own policy, long polling's retry).
    pub fn fixed(delay: Nanos) -> Self {
        ReconnectPolicy {
            backoff: Backoff::Fixed,
            delay,
            max: delay,
            jitter: Jitter::None,
        }
    }

    /// The delay before attempt `attempt` (0 for the first after a loss), before jitter.
    pub fn base_delay(&self, attempt: u32) -> Nanos {
        match self.backoff {
            Backoff::Fixed => self.delay,
            Backoff::Exponential => {
                let factor = 1u64.checked_shl(attempt.min(63)).unwrap_or(u64::MAX);
                self.delay.saturating_mul(factor).min(self.max)
            }
        }
    }

    /// The delay before attempt `attempt`, with jitter drawn from `uniform`, which maps an
    /// upper bound `b` to a uniform draw in [0, b].
    pub fn delay(&self, attempt: u32, uniform: impl FnOnce(Nanos) -> Nanos) -> Nanos {
        let base = self.base_delay(attempt);
        match self.jitter {
            Jitter::None => base,
            Jitter::Full => uniform(base),
            Jitter::Equal => base / 2 + uniform(base - base / 2),
        }
    }
}

/// Reads a `reconnect:` block; `default_delay` is the transport's own first delay.
pub(crate) fn reconnect(
    raw: &RawReconnect,
    path: &str,
    default_delay: Nanos,
    c: &Checker,
) -> Result<ReconnectPolicy, ScenarioError> {
    let backoff = match raw.backoff.as_deref() {
        None | Some("fixed") => Backoff::Fixed,
        Some("exponential") => Backoff::Exponential,
        Some(other) => {
            return Err(c.error(
                &format!("{path}.backoff"),
                format!("unknown backoff \"{other}\"; expected fixed or exponential"),
            ));
        }
    };
    let jitter = match raw.jitter.as_deref() {
        None | Some("none") => Jitter::None,
        Some("full") => Jitter::Full,
        Some("equal") => Jitter::Equal,
        Some(other) => {
            return Err(c.error(
                &format!("{path}.jitter"),
                format!("unknown jitter \"{other}\"; expected none, full or equal"),
            ));
        }
    };
    let delay = raw.delay.map_or(default_delay, |v| v.as_nanos());
    if delay == 0 && backoff == Backoff::Exponential {
        return Err(c.error(
            &format!("{path}.delay"),
            "exponential backoff needs a first delay greater than 0s",
        ));
    }
    if raw.max.is_some() && backoff == Backoff::Fixed {
        return Err(c.error(
            &format!("{path}.max"),
            "applies only to `backoff: exponential`",
        ));
    }
    let max = match backoff {
        Backoff::Fixed => delay,
        Backoff::Exponential => raw.max.map_or(d::RECONNECT_MAX, |v| v.as_nanos()),
    };
    if max < delay {
        return Err(c.error(
            &format!("{path}.max"),
            format!(
                "must be at least the first delay ({})",
                crate::units::Duration::from_nanos(delay)
            ),
        ));
    }
    Ok(ReconnectPolicy {
        backoff,
        delay,
        max,
        jitter,
    })
}

/// A scheduled fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct FaultSpec {
    pub at: Nanos,
    pub kind: FaultKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultKind {
    /// Replica `replica`'s process crashes; it restarts empty after `restart_after`.
    Crash {
        replica: u32,
        restart_after: Option<Nanos>,
    },
    /// The replicas in service, one after another: out of service, `drain`, closed,
    /// `restart`, back.
    Deploy { drain: Nanos, restart: Nanos },
    /// Group `group`'s access links carry nothing for `lasts`.
    Partition { group: u32, lasts: Nanos },
    /// Proxy `proxy` (or, with `None`, the load balancer) restarts, down for `down_for`.
    Restart { proxy: Option<u32>, down_for: Nanos },
    /// Group `group`'s devices move to link profile `to`; their connections die.
    NetworkSwitch { group: u32, to: u32 },
}

/// Reads `faults:` against the replicas the scenario can have.
/// What the faults may name: replicas, groups, proxies.
pub(crate) struct FaultTargets<'a> {
    pub replicas: u32,
    pub groups: &'a [String],
    pub proxies: &'a [String],
    pub links: &'a [String],
}

pub(crate) fn faults(
    raw: &[RawFault],
    targets: &FaultTargets,
    duration: Nanos,
    c: &Checker,
) -> Result<Vec<FaultSpec>, ScenarioError> {
    let replicas = targets.replicas;
    let kinds = "crash, deploy, partition, restart, network_switch";
    let mut faults = Vec::with_capacity(raw.len());
    for (i, fault) in raw.iter().enumerate() {
        let path = format!("faults[{i}]");
        let at = fault.at.as_nanos();
        if at >= duration {
            return Err(c.error(&format!("{path}.at"), "must be before the end of the run"));
        }
        let given = [
            fault.crash.is_some(),
            fault.deploy.is_some(),
            fault.partition.is_some(),
            fault.restart.is_some(),
            fault.network_switch.is_some(),
        ];
        match given.iter().filter(|g| **g).count() {
            0 => return Err(c.error(&path, format!("names no fault; expected one of: {kinds}"))),
            1 => {}
            _ => {
                return Err(c.error(
                    &path,
                    format!("names more than one fault; each entry has exactly one of: {kinds}"),
                ));
            }
        }
        let positive = |value: crate::units::Duration, field: &str| {
            if value.as_nanos() == 0 {
                Err(c.error(&format!("{path}.{field}"), "must be greater than 0s"))
            } else {
                Ok(value.as_nanos())
            }
        };
        if let Some(deploy) = &fault.deploy {
            faults.push(FaultSpec {
                at,
                kind: FaultKind::Deploy {
                    drain: deploy.drain.map_or(d::DEPLOY_DRAIN, |v| v.as_nanos()),
                    restart: positive(deploy.restart, "deploy.restart")?,
                },
            });
            continue;
        }
        let group_named = |name: &str, field: &str| {
            targets
                .groups
                .iter()
                .position(|g| g == name)
                .map(|g| g as u32)
                .ok_or_else(|| {
                    c.error(
                        &format!("{path}.{field}"),
                        format!(
                            "unknown client group \"{name}\"; expected one of: {}",
                            targets.groups.join(", ")
                        ),
                    )
                })
        };
        if let Some(switch) = &fault.network_switch {
            let group = group_named(&switch.group, "network_switch.group")?;
            let to = targets
                .links
                .iter()
                .position(|l| *l == switch.to)
                .ok_or_else(|| {
                    c.error(
                        &format!("{path}.network_switch.to"),
                        format!(
                            "unknown link profile \"{}\"; expected one of: {}",
                            switch.to,
                            targets.links.join(", ")
                        ),
                    )
                })?;
            faults.push(FaultSpec {
                at,
                kind: FaultKind::NetworkSwitch {
                    group,
                    to: to as u32,
                },
            });
            continue;
        }
        if let Some(partition) = &fault.partition {
            let group = group_named(&partition.group, "partition.group")?;
            faults.push(FaultSpec {
                at,
                kind: FaultKind::Partition {
                    group,
                    lasts: positive(partition.lasts, "partition.for")?,
                },
            });
            continue;
        }
        if let Some(restart) = &fault.restart {
            let proxy = if restart.node == "load_balancer" {
                None
            } else {
                let p = targets
                    .proxies
                    .iter()
                    .position(|p| *p == restart.node)
                    .ok_or_else(|| {
                        let mut names: Vec<&str> =
                            targets.proxies.iter().map(|p| p.as_str()).collect();
                        names.push("load_balancer");
                        c.error(
                            &format!("{path}.restart.node"),
                            format!(
                                "unknown node \"{}\"; expected a proxy or the balancer: {}",
                                restart.node,
                                names.join(", ")
                            ),
                        )
                    })?;
                Some(p as u32)
            };
            let down_for = match restart.down_for {
                Some(v) => positive(v, "restart.down_for")?,
                None => d::MIDDLEBOX_RESTART,
            };
            faults.push(FaultSpec {
                at,
                kind: FaultKind::Restart { proxy, down_for },
            });
            continue;
        }
        let Some(crash) = &fault.crash else {
            unreachable!("exactly one fault kind was checked above")
        };
        let replica = crash.replica.unwrap_or(0);
        if replica >= replicas {
            return Err(c.error(
                &format!("{path}.crash.replica"),
                format!(
                    "no replica {replica}: the scenario has {replicas} (numbered from 0) at most"
                ),
            ));
        }
        let restart_after = crash
            .restart_after
            .map(|v| {
                if v.as_nanos() == 0 {
                    Err(c.error(
                        &format!("{path}.crash.restart_after"),
                        "must be greater than 0s",
                    ))
                } else {
                    Ok(v.as_nanos())
                }
            })
            .transpose()?;
        faults.push(FaultSpec {
            at,
            kind: FaultKind::Crash {
                replica,
                restart_after,
            },
        });
    }
    Ok(faults)
}

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

    #[test]
    fn exponential_backoff_doubles_up_to_its_cap() {
        let p = ReconnectPolicy {
            backoff: Backoff::Exponential,
            delay: 1_000,
            max: 5_000,
            jitter: Jitter::None,
        };
        let delays: Vec<Nanos> = (0..5).map(|k| p.base_delay(k)).collect();
        assert_eq!(delays, [1_000, 2_000, 4_000, 5_000, 5_000]);
        assert_eq!(p.base_delay(200), 5_000, "no overflow for long outages");
        assert_eq!(ReconnectPolicy::fixed(3_000).base_delay(7), 3_000);
    }

    #[test]
    fn jitter_draws_within_its_range() {
        let mut p = ReconnectPolicy {
            backoff: Backoff::Fixed,
            delay: 1_000,
            max: 1_000,
            jitter: Jitter::Full,
        };
        assert_eq!(p.delay(0, |b| b), 1_000);
        assert_eq!(p.delay(0, |_| 0), 0);
        p.jitter = Jitter::Equal;
        assert_eq!(p.delay(0, |_| 0), 500);
        assert_eq!(p.delay(0, |b| b), 1_000);
        p.jitter = Jitter::None;
        assert_eq!(p.delay(0, |_| 0), 1_000);
    }
}
