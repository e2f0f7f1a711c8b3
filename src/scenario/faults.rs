//! `faults:` scheduled faults (replica crashes, rolling deploys, partitions, middlebox
//! restarts, network switches), read from the raw types and checked against the
//! scenario's replicas, groups, proxies and link profiles.

use serde::Deserialize;

use super::checker::Checker;
use super::defaults as d;
use super::error::ScenarioError;
use crate::time::Nanos;
use crate::units::Duration;

pub use super::reconnect::{Backoff, Jitter, ReconnectPolicy};
pub use crate::infra::balancer::HealthCheck;
pub use crate::infra::faults::{FaultKind, FaultSpec};

/// A scheduled fault: `at` a time, exactly one of the kinds below.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawFault {
    /// When it happens. Required, < duration.
    pub at: Duration,
    /// A server replica's process crashes: its connections close and its work is lost.
    pub crash: Option<RawCrash>,
    /// A rolling deploy: the replicas in service, one at a time, leave service, drain,
    /// restart and come back.
    pub deploy: Option<RawDeploy>,
    /// A client group's access links carry nothing for a while; TCP retransmits what was
    /// sent, with exponential backoff, until they are back.
    pub partition: Option<RawPartition>,
    /// A proxy (by name) or the load balancer (`load_balancer`) restarts: every connection
    /// through it closes, and new ones are refused until it is back.
    pub restart: Option<RawRestart>,
    /// A client group's devices change networks (e.g. WiFi to LTE): their connections die
    /// and they reconnect over another link profile.
    pub network_switch: Option<RawNetworkSwitch>,
}

/// A network switch.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawNetworkSwitch {
    /// The client group whose devices change networks (e.g. WiFi to LTE). Required.
    pub group: String,
    /// The link profile (a `network` entry) it uses from then on. Required.
    pub to: String,
}

/// A rolling deploy.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawDeploy {
    /// A rolling deploy takes the replicas in service out one at a time: each replica out
    /// of service keeps its connections this long, then they are closed at their next quiet
    /// moment. Default 30s (Kubernetes' default termination grace period).
    pub drain: Option<Duration>,
    /// How long the new version takes to start and be back in service (the next replica
    /// starts then). Required, > 0.
    pub restart: Duration,
}

/// A partition of one client group's access links.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawPartition {
    /// The client group whose access links carry nothing. Required.
    pub group: String,
    /// How long nothing gets through. Required, > 0.
    #[serde(rename = "for")]
    pub lasts: Duration,
}

/// A middlebox restart.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawRestart {
    /// A proxy's name, or `load_balancer`. Required.
    pub node: String,
    /// How long it refuses new connections. Default 5s (an assumption).
    pub down_for: Option<Duration>,
}

/// A replica crash.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawCrash {
    /// Which replica (from 0; any that is ever in service). Default 0.
    pub replica: Option<u32>,
    /// When it is back in service (empty). Default: it stays down.
    pub restart_after: Option<Duration>,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::checker::check_section;

    const MINUTE: Nanos = 60_000_000_000;

    fn targets<'a>(groups: &'a [String], links: &'a [String]) -> FaultTargets<'a> {
        FaultTargets {
            replicas: 2,
            groups,
            proxies: &[],
            links,
        }
    }

    #[test]
    fn reads_a_crash_and_a_partition() {
        let (groups, links) = (vec!["phones".to_string()], vec!["lte".to_string()]);
        let text = "faults:\n  - { at: 10s, crash: { replica: 1 } }\n  - { at: 20s, partition: { group: phones, for: 5s } }\n";
        let faults = check_section(text, "faults", |f: &Vec<RawFault>, c| {
            faults(f, &targets(&groups, &links), MINUTE, c)
        })
        .unwrap();
        assert_eq!(faults.len(), 2);
        assert_eq!(faults[0].at, 10_000_000_000);
        assert!(matches!(faults[1].kind, FaultKind::Partition { .. }));
    }

    #[test]
    fn refuses_a_fault_after_the_end_and_one_naming_two_kinds() {
        let (groups, links) = (vec!["phones".to_string()], vec!["lte".to_string()]);
        let text = "faults:\n  - { at: 2m, crash: {} }\n";
        let error = check_section(text, "faults", |f: &Vec<RawFault>, c| {
            faults(f, &targets(&groups, &links), MINUTE, c)
        })
        .unwrap_err();
        assert_eq!(error.field.as_deref(), Some("faults[0].at"));
        assert_eq!(error.message, "must be before the end of the run");
        let text = "faults:\n  - { at: 1s, crash: {}, deploy: { restart: 1s } }\n";
        let error = check_section(text, "faults", |f: &Vec<RawFault>, c| {
            faults(f, &targets(&groups, &links), MINUTE, c)
        })
        .unwrap_err();
        assert_eq!(
            error.message,
            "names more than one fault; each entry has exactly one of: crash, deploy, partition, restart, network_switch"
        );
    }
}
