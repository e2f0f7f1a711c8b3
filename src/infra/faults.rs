//! The run's fault plan: the scheduled faults and what follows from them alone — whom a
//! fault hits when it strikes (given what a client's facts are then), the steps of a
//! rolling deploy and their times, when each replica's process is down, and each fault in
//! words.
//!
//! Owns: the fault list ([`FaultSpec`], which the scenario re-exports), the run's end, the
//! balancer's layer, the proxies on each group's path, and the names a description uses
//! (groups, proxies, link profiles). Does not own: the clients (the simulation asks
//! [`FaultPlan::hit`] about each one and carries out the answer), the fleet's state
//! (whether a crash finds the process already down is [`super::fleet::Fleet::crash`]'s),
//! nor what a fault did (cut-off and recovered counts are
//! [`crate::metrics::faults::FaultRecovery`]'s).

use serde::Serialize;

use crate::ids::{FaultId, GroupId, ReplicaId};
use crate::time::{Nanos, SimTime};

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

/// What the plan needs to know of a client when a fault strikes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Exposure {
    pub group: GroupId,
    /// The replica serving it.
    pub replica: ReplicaId,
    /// The server counts events for it.
    pub registered: bool,
    /// Its connection is open and did not already die with a replica.
    pub connected: bool,
    /// Behind a layer-7 balancer: its request or stream is active on its replica.
    pub active_on_replica: bool,
}

/// What a fault does to one client as it strikes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hit {
    /// Nothing.
    Spared,
    /// It is cut off (a partition): its connection survives.
    CutOff,
    /// It is cut off and its connection dies as in a crash.
    Closed,
}

/// One step of a rolling deploy: replica `replica` leaves service, has drained, or is
/// back (see [`FaultPlan::deploy_steps`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeployStep {
    /// Out of rotation: no new work.
    Out { replica: ReplicaId },
    /// Its drain ended: its connections close at their next quiet moment.
    Drained { replica: ReplicaId },
    /// Restarted and back in rotation.
    Back { replica: ReplicaId },
}

impl DeployStep {
    /// Step number `step` (three per replica, in order) as a step.
    pub fn of(step: u32) -> DeployStep {
        let replica = ReplicaId::new(step / 3);
        match step % 3 {
            0 => DeployStep::Out { replica },
            1 => DeployStep::Drained { replica },
            _ => DeployStep::Back { replica },
        }
    }
}

/// The names a fault's description uses, by index.
#[derive(Debug, Clone, Default)]
pub struct FaultNames {
    pub groups: Vec<String>,
    pub proxies: Vec<String>,
    pub links: Vec<String>,
}

/// The faults of one run and the decisions that follow from them.
#[derive(Debug, Clone)]
pub struct FaultPlan {
    faults: Vec<FaultSpec>,
    /// The run's end: a replica that does not restart is down until then.
    end: Nanos,
    /// The balancer works at layer 7: a crash hits the clients active on the replica.
    layer7: bool,
    /// Per group: the proxies on its path.
    proxies_on_path: Vec<Vec<u32>>,
    names: FaultNames,
}

impl FaultPlan {
    /// `faults` in the scenario's order, in a run ending at `end` behind a balancer of
    /// `layer`; `proxies_on_path` per group.
    pub fn new(
        faults: Vec<FaultSpec>,
        end: Nanos,
        layer: u8,
        proxies_on_path: Vec<Vec<u32>>,
        names: FaultNames,
    ) -> Self {
        FaultPlan {
            faults,
            end,
            layer7: layer == 7,
            proxies_on_path,
            names,
        }
    }

    /// How many faults the run has.
    pub fn len(&self) -> usize {
        self.faults.len()
    }

    /// Whether the run has none.
    pub fn is_empty(&self) -> bool {
        self.faults.is_empty()
    }

    /// When fault `k` strikes.
    pub fn at(&self, k: FaultId) -> SimTime {
        SimTime::from_nanos(self.faults[k].at)
    }

    /// What fault `k` is.
    #[inline]
    pub fn kind(&self, k: FaultId) -> FaultKind {
        self.faults[k].kind
    }

    /// Whether fault `k` is a partition (a client cut off by one is back when a message
    /// reaches it).
    #[inline]
    pub fn is_partition(&self, k: FaultId) -> bool {
        matches!(self.kind(k), FaultKind::Partition { .. })
    }

    /// What fault `k` does to a client with these facts as it strikes. A rolling deploy
    /// hits nobody as it starts (its steps close connections later).
    pub fn hit(&self, k: FaultId, client: &Exposure) -> Hit {
        let closed = |hit: bool| if hit { Hit::Closed } else { Hit::Spared };
        match self.kind(k) {
            FaultKind::Crash { replica, .. } => closed(
                client.replica.get() == replica
                    && if self.layer7 {
                        client.active_on_replica
                    } else {
                        client.connected
                    },
            ),
            FaultKind::Deploy { .. } => Hit::Spared,
            FaultKind::Partition { group, .. } => {
                if client.group.get() == group && client.registered {
                    Hit::CutOff
                } else {
                    Hit::Spared
                }
            }
            FaultKind::NetworkSwitch { group, .. } => {
                closed(client.group.get() == group && client.connected)
            }
            FaultKind::Restart { proxy, .. } => {
                let through = match proxy {
                    Some(p) => self.proxies_on_path[client.group].contains(&p),
                    None => true,
                };
                closed(through && client.connected)
            }
        }
    }

    /// The steps of fault `k`, a rolling deploy struck at `now` over `replicas` replicas,
    /// with their times, in the order to schedule them: each replica leaves service, its
    /// drain ends `drain` later, it is back `restart` after that, and the next one starts
    /// then. Empty for any other fault.
    pub fn deploy_steps(&self, k: FaultId, now: SimTime, replicas: u32) -> Vec<(SimTime, u32)> {
        let FaultKind::Deploy { drain, restart } = self.kind(k) else {
            return Vec::new();
        };
        let mut steps = Vec::with_capacity(3 * replicas as usize);
        for i in 0..replicas {
            let start = now + i as Nanos * (drain + restart);
            steps.push((start, 3 * i));
            steps.push((start + drain, 3 * i + 1));
            steps.push((start + drain + restart, 3 * i + 2));
        }
        steps
    }

    /// When replica `r` is down, from the fault list: a crash while it is down changes
    /// nothing (as the fleet's crash does).
    pub fn down_intervals(&self, r: ReplicaId) -> Vec<(Nanos, Nanos)> {
        let mut out: Vec<(Nanos, Nanos)> = Vec::new();
        for fault in &self.faults {
            let FaultKind::Crash {
                replica,
                restart_after,
            } = fault.kind
            else {
                continue;
            };
            if replica != r.get() || out.last().is_some_and(|(_, to)| *to > fault.at) {
                continue;
            }
            out.push((
                fault.at,
                restart_after.map_or(self.end, |d| (fault.at + d).min(self.end)),
            ));
        }
        out
    }

    /// Replicas among the first `in_service` that are down at `t`.
    pub fn down_count(&self, t: Nanos, in_service: u32) -> u32 {
        ReplicaId::all(in_service)
            .filter(|r| {
                self.down_intervals(*r)
                    .iter()
                    .any(|(from, to)| *from <= t && t < *to)
            })
            .count() as u32
    }

    /// The link profiles group `g`'s devices switch to, in fault order.
    pub fn switches_of(&self, g: GroupId) -> impl Iterator<Item = u32> + '_ {
        self.faults.iter().filter_map(move |f| match f.kind {
            FaultKind::NetworkSwitch { group, to } if group == g.get() => Some(to),
            _ => None,
        })
    }

    /// Fault `k` in words; `deployed` is how many replicas it deployed to, if it is a
    /// rolling deploy.
    pub fn describe(&self, k: FaultId, deployed: u32) -> String {
        let time = |t: Nanos| crate::units::Duration::from_nanos(t).to_string();
        match self.kind(k) {
            FaultKind::Crash {
                replica,
                restart_after,
            } => {
                let restart =
                    restart_after.map_or(String::new(), |d| format!(", restart after {}", time(d)));
                format!("crash of replica {replica}{restart}")
            }
            FaultKind::Deploy { drain, restart } => format!(
                "rolling deploy of {deployed} replicas (drain {}, restart {})",
                time(drain),
                time(restart)
            ),
            FaultKind::Partition { group, lasts } => format!(
                "partition of group {} for {}",
                self.names.groups[group as usize],
                time(lasts)
            ),
            FaultKind::NetworkSwitch { group, to } => format!(
                "network switch of group {} to {}",
                self.names.groups[group as usize], self.names.links[to as usize]
            ),
            FaultKind::Restart { proxy, down_for } => match proxy {
                Some(p) => format!(
                    "restart of proxy {} (down {})",
                    self.names.proxies[p as usize],
                    time(down_for)
                ),
                None => format!("restart of the load balancer (down {})", time(down_for)),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: Nanos = 1_000_000_000;

    fn plan(faults: &[(Nanos, FaultKind)], layer: u8) -> FaultPlan {
        FaultPlan::new(
            faults
                .iter()
                .map(|(at, kind)| FaultSpec {
                    at: *at,
                    kind: *kind,
                })
                .collect(),
            100 * S,
            layer,
            // group 0 goes through proxy 1, group 1 through none.
            vec![vec![1], vec![]],
            FaultNames {
                groups: vec!["desktop".into(), "mobile".into()],
                proxies: vec!["cdn".into(), "corporate".into()],
                links: vec!["wifi".into(), "lte".into()],
            },
        )
    }

    fn crash(replica: u32, restart_after: Option<Nanos>) -> FaultKind {
        FaultKind::Crash {
            replica,
            restart_after,
        }
    }

    fn client(group: u32, replica: u32, connected: bool, active: bool) -> Exposure {
        Exposure {
            group: GroupId::new(group),
            replica: ReplicaId::new(replica),
            registered: true,
            connected,
            active_on_replica: active,
        }
    }

    #[test]
    fn a_crash_hits_exactly_the_clients_on_its_replica() {
        let layer4 = plan(&[(S, crash(1, None))], 4);
        assert_eq!(
            layer4.hit(FaultId::new(0), &client(0, 1, true, false)),
            Hit::Closed
        );
        assert_eq!(
            layer4.hit(FaultId::new(0), &client(0, 0, true, false)),
            Hit::Spared
        );
        // A closed connection (or one that already died) has nothing on the replica.
        assert_eq!(
            layer4.hit(FaultId::new(0), &client(0, 1, false, false)),
            Hit::Spared
        );
        // Layer 7: what counts is a request or stream active on the replica.
        let layer7 = plan(&[(S, crash(1, None))], 7);
        assert_eq!(
            layer7.hit(FaultId::new(0), &client(0, 1, true, false)),
            Hit::Spared
        );
        assert_eq!(
            layer7.hit(FaultId::new(0), &client(1, 1, false, true)),
            Hit::Closed
        );
        assert_eq!(
            layer7.hit(FaultId::new(0), &client(1, 2, true, true)),
            Hit::Spared
        );
    }

    #[test]
    fn a_partition_cuts_off_the_registered_clients_of_one_group() {
        let p = plan(&[(S, FaultKind::Partition { group: 1, lasts: S })], 4);
        assert_eq!(
            p.hit(FaultId::new(0), &client(1, 0, false, false)),
            Hit::CutOff
        );
        assert_eq!(
            p.hit(FaultId::new(0), &client(0, 0, true, false)),
            Hit::Spared
        );
        let unregistered = Exposure {
            registered: false,
            ..client(1, 0, true, false)
        };
        assert_eq!(p.hit(FaultId::new(0), &unregistered), Hit::Spared);
        assert!(p.is_partition(FaultId::new(0)));
    }

    #[test]
    fn a_restart_closes_the_connections_through_its_middlebox() {
        let p = plan(
            &[
                (
                    S,
                    FaultKind::Restart {
                        proxy: Some(1),
                        down_for: S,
                    },
                ),
                (
                    S,
                    FaultKind::Restart {
                        proxy: None,
                        down_for: S,
                    },
                ),
                (S, FaultKind::NetworkSwitch { group: 1, to: 1 }),
            ],
            4,
        );
        assert_eq!(
            p.hit(FaultId::new(0), &client(0, 0, true, false)),
            Hit::Closed
        );
        assert_eq!(
            p.hit(FaultId::new(0), &client(1, 0, true, false)),
            Hit::Spared
        );
        assert_eq!(
            p.hit(FaultId::new(1), &client(1, 0, true, false)),
            Hit::Closed
        );
        assert_eq!(
            p.hit(FaultId::new(1), &client(1, 0, false, false)),
            Hit::Spared
        );
        assert_eq!(
            p.hit(FaultId::new(2), &client(1, 0, true, false)),
            Hit::Closed
        );
        assert_eq!(
            p.hit(FaultId::new(2), &client(0, 0, true, false)),
            Hit::Spared
        );
        assert_eq!(p.switches_of(GroupId::new(1)).collect::<Vec<_>>(), vec![1]);
        assert_eq!(p.switches_of(GroupId::new(0)).count(), 0);
    }

    #[test]
    fn a_crash_while_down_does_not_extend_the_down_interval() {
        let p = plan(
            &[
                (10 * S, crash(0, Some(20 * S))),
                // Down already: nothing happens.
                (15 * S, crash(0, Some(50 * S))),
                // Back at 30 s: a new crash, never restarting (down to the end).
                (40 * S, crash(0, None)),
                (20 * S, crash(1, Some(200 * S))),
            ],
            4,
        );
        assert_eq!(
            p.down_intervals(ReplicaId::new(0)),
            vec![(10 * S, 30 * S), (40 * S, 100 * S)]
        );
        // A restart after the end is cut at the end.
        assert_eq!(p.down_intervals(ReplicaId::new(1)), vec![(20 * S, 100 * S)]);
        assert_eq!(p.down_intervals(ReplicaId::new(2)), vec![]);
        assert_eq!(p.down_count(5 * S, 2), 0);
        assert_eq!(p.down_count(25 * S, 2), 2);
        assert_eq!(p.down_count(30 * S, 2), 1, "back at 30 s exactly");
        assert_eq!(
            p.down_count(25 * S, 1),
            1,
            "only the replicas in service count"
        );
    }

    #[test]
    fn a_deploy_steps_through_each_replica_in_turn() {
        let p = plan(
            &[(
                S,
                FaultKind::Deploy {
                    drain: 2 * S,
                    restart: 3 * S,
                },
            )],
            4,
        );
        assert_eq!(
            p.deploy_steps(FaultId::new(0), SimTime::ZERO + 10 * S, 2),
            [(10, 0), (12, 1), (15, 2), (15, 3), (17, 4), (20, 5)]
                .map(|(at, step)| (SimTime::ZERO + at * S, step))
        );
        assert_eq!(
            DeployStep::of(3),
            DeployStep::Out {
                replica: ReplicaId::new(1)
            }
        );
        assert_eq!(
            DeployStep::of(4),
            DeployStep::Drained {
                replica: ReplicaId::new(1)
            }
        );
        assert_eq!(
            DeployStep::of(5),
            DeployStep::Back {
                replica: ReplicaId::new(1)
            }
        );
        assert_eq!(
            p.hit(FaultId::new(0), &client(0, 0, true, true)),
            Hit::Spared
        );
    }

    #[test]
    fn each_fault_in_words() {
        let p = plan(
            &[
                (S, crash(2, Some(30 * S))),
                (S, crash(0, None)),
                (
                    S,
                    FaultKind::Deploy {
                        drain: 30 * S,
                        restart: 10 * S,
                    },
                ),
                (
                    S,
                    FaultKind::Partition {
                        group: 1,
                        lasts: 5 * S,
                    },
                ),
                (S, FaultKind::NetworkSwitch { group: 0, to: 1 }),
                (
                    S,
                    FaultKind::Restart {
                        proxy: Some(0),
                        down_for: 5 * S,
                    },
                ),
                (
                    S,
                    FaultKind::Restart {
                        proxy: None,
                        down_for: S / 2,
                    },
                ),
            ],
            4,
        );
        let words: Vec<String> = (0..p.len())
            .map(|k| p.describe(FaultId::at(k), 3))
            .collect();
        assert_eq!(
            words,
            [
                "crash of replica 2, restart after 30s",
                "crash of replica 0",
                "rolling deploy of 3 replicas (drain 30s, restart 10s)",
                "partition of group mobile for 5s",
                "network switch of group desktop to lte",
                "restart of proxy cdn (down 5s)",
                "restart of the load balancer (down 500ms)",
            ]
        );
    }
}
