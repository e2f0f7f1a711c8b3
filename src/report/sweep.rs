//! A sweep's outputs: `sweep.json` (every point with its parameters, results and threshold
//! verdicts) and `sweep.csv` (one row per run). A shard writes the same files for its
//! points; merging the shards' files gives byte for byte what one unsharded run writes.
//!
//! A shard's file also says where it comes from ([`Origin`]: rtsim version, scenario
//! fingerprint, `--set` overrides), so that [`SweepSummary::merge`] joins only shards of one
//! sweep. Numbers are written in their shortest form that reads back to the same `f64`, and
//! read back exactly (serde_json's `float_roundtrip`), so a merge writes the same bytes.

use std::io::Write as _;

use serde::{Deserialize, Serialize};

use crate::PointResult;
use crate::scenario::charts::ChartRequest;
use crate::scenario::sweep::Axis;

/// Which slice of a sweep a file holds: shard `index` of `count`, whose points
/// [`crate::scenario::shard`] chooses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    /// 1-based.
    pub index: usize,
    pub count: usize,
}

/// Where a shard's points come from: what must be equal for shards to be merged. Only a
/// shard's `sweep.json` holds it (a whole sweep's output has no use for it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Origin {
    /// The version of rtsim that ran the shard.
    pub rtsim: String,
    /// A fingerprint of the scenario file's text as read (64-bit FNV-1a, in hex): a changed
    /// byte, even in a comment, gives another fingerprint.
    pub scenario: String,
    /// The `--set` overrides, as given, in order.
    pub set: Vec<String>,
    /// `--replications`, when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replications: Option<u32>,
}

impl Origin {
    /// The origin of a shard run by this rtsim on scenario `text` with overrides `set`.
    pub fn new(text: &str, set: &[String]) -> Origin {
        Origin {
            rtsim: env!("CARGO_PKG_VERSION").to_string(),
            scenario: format!("{:016x}", fnv1a(text.as_bytes())),
            set: set.to_vec(),
            replications: None,
        }
    }
}

/// 64-bit FNV-1a: stable across platforms and versions, unlike the standard library's
/// hasher; it tells files apart, it is no defence against a forger.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, b| {
        (hash ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// `sweep.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepSummary {
    pub scenario: String,
    pub seed: u64,
    pub axes: Vec<Axis>,
    /// Points in the whole sweep.
    pub points_total: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<Shard>,
    /// Where a shard comes from; none in a whole sweep's file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<Origin>,
    /// The scenario's `charts:` list, when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub charts: Option<Vec<ChartRequest>>,
    pub points: Vec<PointResult>,
}

impl SweepSummary {
    pub fn json(&self) -> String {
        let mut text = Vec::new();
        self.write_json(&mut text)
            .expect("results serialize to JSON in memory");
        String::from_utf8(text).expect("serde_json writes UTF-8")
    }

    /// Writes [`json`](Self::json)'s text to `out` as it is made: a sweep of millions of
    /// points (each a value of `axes`) is never held as one string.
    pub fn write_json(&self, out: impl std::io::Write) -> std::io::Result<()> {
        let mut out = std::io::BufWriter::new(out);
        serde_json::to_writer_pretty(&mut out, self)?;
        out.write_all(b"\n")?;
        out.flush()
    }

    pub fn csv(&self) -> String {
        super::csv_out::sweep_csv(&self.scenario, &self.axes, &self.points)
    }

    /// Joins shards' summaries, each named by its file, into the summary of the whole sweep.
    /// Refuses (naming the files and what differs) shards of different sweeps: another
    /// scenario text, `--set`, seed, grid or rtsim version; files that are not shards; and
    /// two copies of a point that differ. Identical copies of a point are taken once.
    pub fn merge(parts: Vec<(String, SweepSummary)>) -> Result<SweepSummary, String> {
        for (name, part) in &parts {
            if part.shard.is_none() {
                return Err(format!(
                    "{name} holds a whole sweep, not a shard (`rtsim sweep --shard K/N` writes those): there is nothing to merge"
                ));
            }
            if part.origin.is_none() {
                return Err(format!(
                    "{name} does not say which rtsim, scenario and --set made it (an older rtsim wrote it): run the shard again"
                ));
            }
        }
        let mut parts = parts.into_iter();
        let (first_name, mut merged) = parts.next().ok_or("nothing to merge")?;
        let origin = merged.origin.clone().expect("checked above");
        // Each point's file and place in `merged.points`, to compare copies and name both.
        let mut from: std::collections::BTreeMap<usize, (String, usize)> = merged
            .points
            .iter()
            .enumerate()
            .map(|(at, p)| (p.point, (first_name.clone(), at)))
            .collect();
        for (name, part) in parts {
            let theirs = part.origin.as_ref().expect("checked above");
            let differs = |what: String| {
                Err(format!(
                    "{first_name} and {name} come from different sweeps: {what}"
                ))
            };
            if theirs.rtsim != origin.rtsim {
                return differs(format!(
                    "written by rtsim {} and rtsim {}",
                    origin.rtsim, theirs.rtsim
                ));
            }
            if theirs.set != origin.set {
                let show = |set: &[String]| {
                    if set.is_empty() {
                        "no --set".to_string()
                    } else {
                        set.iter()
                            .map(|s| format!("--set {s}"))
                            .collect::<Vec<_>>()
                            .join(" ")
                    }
                };
                return differs(format!(
                    "run with {} and with {}",
                    show(&origin.set),
                    show(&theirs.set)
                ));
            }
            if theirs.replications != origin.replications {
                let show = |r: Option<u32>| {
                    r.map_or("the scenario's replications".to_string(), |r| {
                        format!("--replications {r}")
                    })
                };
                return differs(format!(
                    "run with {} and with {}",
                    show(origin.replications),
                    show(theirs.replications)
                ));
            }
            if theirs.scenario != origin.scenario {
                return differs(format!(
                    "run on different scenario texts (fingerprints {} and {})",
                    origin.scenario, theirs.scenario
                ));
            }
            if part.scenario != merged.scenario {
                return differs(format!(
                    "scenario `{}` and scenario `{}`",
                    merged.scenario, part.scenario
                ));
            }
            if part.seed != merged.seed {
                return differs(format!("seed {} and seed {}", merged.seed, part.seed));
            }
            if part.axes != merged.axes || part.points_total != merged.points_total {
                return differs(format!(
                    "grids of {} and {} points, or other swept values",
                    merged.points_total, part.points_total
                ));
            }
            if part.charts != merged.charts {
                return differs("other `charts:`".into());
            }
            for point in part.points {
                match from.get(&point.point) {
                    None => {
                        from.insert(point.point, (name.clone(), merged.points.len()));
                        merged.points.push(point);
                    }
                    Some((earlier, at)) => {
                        if merged.points[*at] != point {
                            return Err(format!(
                                "{earlier} and {name} hold different results for point {}: two different runs of the same points cannot be merged",
                                point.point
                            ));
                        }
                    }
                }
            }
        }
        merged.points.sort_by_key(|p| p.point);
        if merged.points.len() != merged.points_total {
            let missing: Vec<String> = (0..merged.points_total)
                .filter(|p| !from.contains_key(p))
                .take(20)
                .map(|p| p.to_string())
                .collect();
            let more = (merged.points_total - merged.points.len()).saturating_sub(missing.len());
            return Err(format!(
                "points missing from the parts: {}{}",
                missing.join(", "),
                if more > 0 {
                    format!(" and {more} more")
                } else {
                    String::new()
                }
            ));
        }
        merged.shard = None;
        merged.origin = None;
        Ok(merged)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue merge-mixed-shards: `merge` reads sweep.json back, and serde_json's default
    /// (best-effort) float parsing read some values one bit off, so a merged sweep.json could
    /// differ from the unsharded one. With `float_roundtrip` every value reads back exactly.
    #[test]
    fn threshold_values_read_back_exactly() {
        // 9.482400049154053e-6 is one that the default parser reads one bit off.
        let mut x = 9.482400049154053e-6_f64;
        for i in 1..20_000u64 {
            let outcome = crate::report::checks::CheckOutcome {
                assertion: "sse.latency.p99 < 1s".into(),
                label: "sse".into(),
                metric: "latency.p99".into(),
                value: Some(x),
                threshold: Some(x * 3.0),
                unit: Some("ns".into()),
                passed: true,
                judged_on: None,
                interval: None,
            };
            let text = serde_json::to_string(&outcome).unwrap();
            let back: crate::report::checks::CheckOutcome = serde_json::from_str(&text).unwrap();
            assert_eq!(back.value.unwrap().to_bits(), x.to_bits(), "{text}");
            assert_eq!(
                back.threshold.unwrap().to_bits(),
                (x * 3.0).to_bits(),
                "{text}"
            );
            assert_eq!(back, outcome);
            x = (i as f64) / 7919.0 * 1e-3 + (i as f64).sqrt() / 1e6;
        }
    }

    #[test]
    fn origins_differ_by_text_and_overrides() {
        let a = Origin::new("name: a\n", &[]);
        assert_eq!(a, Origin::new("name: a\n", &[]));
        assert_ne!(a.scenario, Origin::new("name: a \n", &[]).scenario);
        assert_ne!(a, Origin::new("name: a\n", &["seed=1".into()]));
        assert_eq!(a.scenario.len(), 16);
    }
}
