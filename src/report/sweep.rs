//! A sweep's outputs: `sweep.json` (every point with its parameters, results and threshold
//! verdicts) and `sweep.csv` (one row per run). A shard writes the same files for its
//! points; merging the shards' files gives byte for byte what one unsharded run writes.

use serde::{Deserialize, Serialize};

use crate::PointResult;
use crate::scenario::charts::ChartRequest;
use crate::scenario::sweep::Axis;

/// Which slice of a sweep a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    /// 1-based.
    pub index: usize,
    pub count: usize,
}

impl Shard {
    /// Whether point `p` belongs to this shard: points are dealt round robin.
    pub fn holds(&self, p: usize) -> bool {
        p % self.count == self.index - 1
    }
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
    /// The scenario's `charts:` list, when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub charts: Option<Vec<ChartRequest>>,
    pub points: Vec<PointResult>,
}

impl SweepSummary {
    pub fn json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).expect("results serialize to JSON");
        text.push('\n');
        text
    }

    pub fn csv(&self) -> String {
        let axes: Vec<String> = self.axes.iter().map(|a| a.path.clone()).collect();
        let mut rows = Vec::new();
        for point in &self.points {
            for (v, r) in point.results.iter().enumerate() {
                // Run numbers count every earlier point's variants, shard or not.
                let index = point.point * point.results.len() + v;
                let params = point
                    .params
                    .iter()
                    .map(|(_, value)| value.clone())
                    .collect();
                rows.push((index, point.point, params, r));
            }
        }
        super::csv_out::sweep_csv(&axes, &rows)
    }

    /// Joins shards' summaries into the summary of the whole sweep.
    pub fn merge(parts: Vec<SweepSummary>) -> Result<SweepSummary, String> {
        let mut parts = parts.into_iter();
        let mut merged = parts.next().ok_or("nothing to merge")?;
        for part in parts {
            if part.scenario != merged.scenario
                || part.seed != merged.seed
                || part.axes != merged.axes
                || part.points_total != merged.points_total
                || part.charts != merged.charts
            {
                return Err(format!(
                    "the parts come from different sweeps (scenario `{}` against `{}`, or other axes, seed or charts)",
                    part.scenario, merged.scenario
                ));
            }
            merged.points.extend(part.points);
        }
        merged.points.sort_by_key(|p| p.point);
        merged.points.dedup_by_key(|p| p.point);
        if merged.points.len() != merged.points_total {
            let have: Vec<usize> = merged.points.iter().map(|p| p.point).collect();
            let missing: Vec<String> = (0..merged.points_total)
                .filter(|p| !have.contains(p))
                .map(|p| p.to_string())
                .collect();
            return Err(format!(
                "points missing from the parts: {}",
                missing.join(", ")
            ));
        }
        merged.shard = None;
        Ok(merged)
    }
}
