//! Which points of a sweep each shard runs (`rtsim sweep --shard K/N`): shards balanced by
//! each point's estimated cost, as a pure function of the scenario (with its `--set` and
//! `--seed`) and the number of shards, so that every machine computes the same split
//! without talking to the others, and `rtsim merge` of the shards gives the unsharded bytes.
//!
//! The estimate of a point is **clients × simulated duration × variants** (clients counted
//! as [`Scenario::client_count`]: each group's `count` × `tabs`; the duration in
//! microseconds). Only the axes that set a group's `count` or `tabs`, or `duration`, change
//! it; a point with no clients still counts as one client, so that no point is free.
//!
//! Sweeps of up to 2^20 points ([`GREEDY_UP_TO`]) are split by the "longest processing
//! time first" rule: the points are dealt from the costliest to the cheapest, each to the
//! shard with the smallest estimated total so far (the lowest-numbered one on a tie).
//! Whatever the costs, the busiest shard's total is then at most the ideal (the total over
//! N) plus (N − 1)/N of the costliest point's cost, and at most 4/3 of the best possible
//! split (Graham, 1969). Points of equal estimate are dealt class by class: the points that
//! share their cost axes' values form a class (one per combination of those values),
//! classes of equal cost go in the order of their first points, and a class's points in
//! point order. The work is a sort of the classes and a heap operation per point.
//!
//! Bigger sweeps are cut into consecutive runs of points instead, in one light pass: point
//! `i`, of cost `c` after points of total cost `S`, goes to shard ⌊N × (S + c/2) / T⌋ (`T`
//! the total). Every shard's total is then within the costliest point's cost of the ideal.
//!
//! Each shard runs its points in point order, and the memory is one entry per class and
//! per shard, never one per point of the grid.

use super::Scenario;
use super::overrides::{Override, Segment};
use super::sweep::Plan;

/// The points one shard runs, and how the estimated work is spread over the shards.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    /// The shard's points, in point order.
    pub points: Vec<usize>,
    /// The estimated cost of the shard's points.
    pub load: u128,
    /// The estimated cost of the busiest shard's points.
    pub busiest: u128,
    /// The estimated cost of the whole sweep.
    pub total: u128,
    /// The estimated cost of the costliest point.
    pub costliest: u64,
}

/// What a cost axis sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sets {
    /// `clients.<group>.count` of the group at this index.
    Count(usize),
    /// `clients.<group>.tabs`.
    Tabs(usize),
    /// `duration`.
    Duration,
}

/// Estimates the cost of the points of a sweep.
#[derive(Debug, Clone)]
pub struct Costs<'a> {
    plan: &'a Plan,
    /// (axis index, what it sets), in axis order.
    axes: Vec<(usize, Sets)>,
    /// Point 0's groups: (count, tabs).
    groups: Vec<(u64, u64)>,
    /// Point 0's clients: the sum of count × tabs.
    clients: u64,
    /// Point 0's duration in nanoseconds.
    duration: u64,
    variants: u64,
}

impl<'a> Costs<'a> {
    /// The estimates of `plan`'s points; `first` is its point 0 (which holds every axis at
    /// its first value and every `--set`).
    pub fn new(plan: &'a Plan, first: &Scenario) -> Costs<'a> {
        let group = |name: &str| first.groups.iter().position(|g| g.name == name);
        let axes = plan
            .axes
            .iter()
            .enumerate()
            .filter_map(|(a, axis)| {
                let path = Override::parse(&format!("{}=0", axis.path)).ok()?.path;
                let sets = match path.as_slice() {
                    [Segment::Key(k)] if k == "duration" => Sets::Duration,
                    [Segment::Key(c), Segment::Key(g), Segment::Key(f)] if c == "clients" => {
                        match f.as_str() {
                            "count" => Sets::Count(group(g)?),
                            "tabs" => Sets::Tabs(group(g)?),
                            _ => return None,
                        }
                    }
                    _ => return None,
                };
                Some((a, sets))
            })
            .collect();
        let groups: Vec<(u64, u64)> = first
            .groups
            .iter()
            .map(|g| (u64::from(g.count), u64::from(g.tabs)))
            .collect();
        Costs {
            plan,
            axes,
            clients: groups
                .iter()
                .fold(0, |sum, (count, tabs)| sum.saturating_add(count * tabs)),
            groups,
            duration: first.duration,
            variants: first.transports.len() as u64,
        }
    }

    /// The estimated cost of the point whose cost axes take the values at `indices` (one
    /// per cost axis, in axis order). A value that is not a whole number (or duration)
    /// counts as point 0's: such a point is refused when it is built anyway. `changed` is
    /// room for the groups the axes change: (group, count, tabs).
    fn of(&self, indices: &[usize], changed: &mut Vec<(usize, u64, u64)>) -> u64 {
        changed.clear();
        let mut duration = self.duration;
        for ((a, sets), i) in self.axes.iter().zip(indices) {
            let value = self.plan.axes[*a].values.whole(*i);
            let group = match *sets {
                Sets::Duration => {
                    duration = value.unwrap_or(duration);
                    continue;
                }
                Sets::Count(g) | Sets::Tabs(g) => g,
            };
            let at = match changed.iter().position(|(g, _, _)| *g == group) {
                Some(at) => at,
                None => {
                    let (count, tabs) = self.groups[group];
                    changed.push((group, count, tabs));
                    changed.len() - 1
                }
            };
            match *sets {
                Sets::Count(_) => changed[at].1 = value.unwrap_or(changed[at].1),
                _ => changed[at].2 = value.unwrap_or(changed[at].2),
            }
        }
        // Point 0's clients, with the changed groups' counts and tabs in place of theirs.
        let mut clients = self.clients;
        for (group, count, tabs) in changed.iter() {
            let (count0, tabs0) = self.groups[*group];
            clients = clients
                .saturating_sub(count0.saturating_mul(tabs0))
                .saturating_add(count.saturating_mul(*tabs));
        }
        clients
            .max(1)
            .saturating_mul((duration / 1_000).max(1))
            .saturating_mul(self.variants.max(1))
    }

    /// The estimated cost of point `index`.
    pub fn point(&self, index: usize) -> u64 {
        let mut rest = index;
        let mut digits = vec![0; self.plan.axes.len()];
        for (a, axis) in self.plan.axes.iter().enumerate().rev() {
            let n = axis.values.len();
            digits[a] = rest % n;
            rest /= n;
        }
        let indices: Vec<usize> = self.axes.iter().map(|(a, _)| digits[*a]).collect();
        self.of(&indices, &mut Vec::new())
    }

    /// The points of shard `index` (1-based) of `count` (at most [`MAX_SHARDS`]), and how
    /// the estimated cost is spread: see the module's doc for the rule.
    pub fn assign(&self, index: usize, count: usize) -> Assignment {
        self.assign_with(index, count, GREEDY_UP_TO)
    }

    /// [`assign`](Self::assign), dealing the points one by one up to `greedy_up_to` points
    /// and in consecutive runs above.
    fn assign_with(&self, index: usize, count: usize, greedy_up_to: usize) -> Assignment {
        assert!(
            (1..=count).contains(&index) && count <= MAX_SHARDS,
            "shard {index} of {count}, numbered from 1"
        );
        let grid = Grid::new(self);
        let (total, costliest) = grid.classes(self).fold((0u128, 0u64), |(t, m), (cost, _)| {
            (t + u128::from(cost) * grid.per_class as u128, m.max(cost))
        });
        let points = self.plan.point_count();
        if count == 1 {
            return Assignment {
                points: (0..points).collect(),
                load: total,
                busiest: total,
                total,
                costliest,
            };
        }
        let (mine, load, busiest) = if points <= greedy_up_to {
            self.greedy(&grid, index - 1, count)
        } else {
            self.consecutive(&grid, index - 1, count, total)
        };
        Assignment {
            points: mine,
            load,
            busiest,
            total,
            costliest,
        }
    }

    /// Longest processing time first: classes from the costliest, each class's points in
    /// point order, each point to the least loaded shard (the lowest-numbered on a tie).
    /// Shard `shard`'s points (0-based), its load, and the busiest shard's load.
    fn greedy(&self, grid: &Grid, shard: usize, count: usize) -> (Vec<usize>, u128, u128) {
        // One sort key per class: the cost, inverted so that the costliest sorts first, in
        // the high 64 bits, and the class's first point in the low ones.
        let mut classes: Vec<u128> = grid
            .classes(self)
            .map(|(cost, first)| (u128::from(!cost) << 64) | first as u128)
            .collect();
        classes.sort_unstable();
        // Only the first `points` shards can get a point: with more shards than points, each
        // point goes to a shard of its own, the lowest-numbered free one.
        let mut least = LeastLoaded::new(count.min(self.plan.point_count()));
        let mut mine = Vec::new();
        let mut free = vec![0usize; grid.free_axes.len()];
        for key in &classes {
            let cost = u128::from(!((key >> 64) as u64));
            let first = (key & u128::from(u64::MAX)) as usize;
            for _ in 0..grid.per_class {
                if least.add_to_least(cost) == shard {
                    mine.push(first + grid.offset(&free));
                }
                odometer(&mut free, &grid.free_lengths);
            }
        }
        mine.sort_unstable();
        let loads = least.loads();
        let load = loads.get(shard).copied().unwrap_or(0);
        (mine, load, loads.into_iter().max().unwrap_or(0))
    }

    /// Consecutive runs of points: point `i`, whose cost `c` follows points of total cost
    /// `S`, goes to shard ⌊N × (S + c/2) / T⌋ (its midpoint's share of the total `T`).
    /// Shard `shard`'s points (0-based), its load, and the busiest shard's load.
    fn consecutive(
        &self,
        grid: &Grid,
        shard: usize,
        count: usize,
        total: u128,
    ) -> (Vec<usize>, u128, u128) {
        let n = count as u128;
        let mut digits = vec![0usize; self.plan.axes.len()];
        let mut indices = vec![0usize; self.axes.len()];
        let mut changed = Vec::new();
        let (mut before, mut mine, mut load) = (0u128, Vec::new(), 0u128);
        let (mut current, mut current_load, mut busiest) = (0usize, 0u128, 0u128);
        for point in 0..self.plan.point_count() {
            for ((a, _), i) in self.axes.iter().zip(indices.iter_mut()) {
                *i = digits[*a];
            }
            let cost = u128::from(self.of(&indices, &mut changed));
            // N × (2S + c) < N × 2T ≤ 2^30 × 2^95: no overflow.
            let goes_to = ((n * (2 * before + cost)) / (2 * total.max(1))) as usize;
            let goes_to = goes_to.min(count - 1);
            if goes_to != current {
                busiest = busiest.max(current_load);
                (current, current_load) = (goes_to, 0);
            }
            current_load += cost;
            if goes_to == shard {
                mine.push(point);
                load += cost;
            }
            before += cost;
            odometer(&mut digits, &grid.lengths);
        }
        (mine, load, busiest.max(current_load))
    }
}

/// The most shards a sweep may be split into: as many as a sweep may have points.
pub const MAX_SHARDS: usize = super::sweep::MAX_SWEEP_POINTS;

/// Sweeps of up to this many points (2^20) are dealt point by point (longest processing
/// time first); bigger ones in consecutive runs, which takes one light pass over the points
/// instead of a sort and a heap operation per point.
pub const GREEDY_UP_TO: usize = 1 << 20;

/// The shape of a sweep's grid, split into the axes that change the estimate and the rest.
struct Grid {
    /// The number of values of each axis.
    lengths: Vec<usize>,
    /// How much point numbers step by for one value of each axis.
    strides: Vec<usize>,
    cost_lengths: Vec<usize>,
    free_axes: Vec<usize>,
    free_lengths: Vec<usize>,
    /// Points per class: the product of the free axes' lengths.
    per_class: usize,
}

impl Grid {
    fn new(costs: &Costs) -> Grid {
        let lengths: Vec<usize> = costs.plan.axes.iter().map(|a| a.values.len()).collect();
        let mut strides = vec![1usize; lengths.len()];
        for a in (0..lengths.len().saturating_sub(1)).rev() {
            strides[a] = strides[a + 1] * lengths[a + 1];
        }
        let cost_axes: Vec<usize> = costs.axes.iter().map(|(a, _)| *a).collect();
        let free_axes: Vec<usize> = (0..lengths.len())
            .filter(|a| !cost_axes.contains(a))
            .collect();
        let free_lengths: Vec<usize> = free_axes.iter().map(|a| lengths[*a]).collect();
        Grid {
            cost_lengths: cost_axes.iter().map(|a| lengths[*a]).collect(),
            per_class: free_lengths.iter().product(),
            lengths,
            strides,
            free_axes,
            free_lengths,
        }
    }

    /// Every class (combination of the cost axes' values, row-major over them): its cost
    /// and its first point.
    fn classes<'c>(&'c self, costs: &'c Costs) -> impl Iterator<Item = (u64, usize)> + 'c {
        let count: usize = self.cost_lengths.iter().product();
        let mut indices = vec![0usize; self.cost_lengths.len()];
        let mut changed = Vec::new();
        (0..count).map(move |_| {
            let first: usize = costs
                .axes
                .iter()
                .zip(&indices)
                .map(|((a, _), i)| i * self.strides[*a])
                .sum();
            let cost = costs.of(&indices, &mut changed);
            odometer(&mut indices, &self.cost_lengths);
            (cost, first)
        })
    }

    /// How far into its class the point with the free axes' values `free` is.
    fn offset(&self, free: &[usize]) -> usize {
        self.free_axes
            .iter()
            .zip(free)
            .map(|(a, i)| i * self.strides[*a])
            .sum()
    }
}

/// The shards' loads as a binary min-heap of keys `load << 32 | shard`: the least loaded on
/// top, the lowest-numbered first on a tie. A load is at most 2^94 (2^30 points of at most
/// 2^64 each) and a shard number below 2^30, so a key fits in 128 bits.
struct LeastLoaded(Vec<u128>);

impl LeastLoaded {
    fn new(shards: usize) -> LeastLoaded {
        // Keys of equal (zero) load in shard order already make a heap.
        LeastLoaded((0..shards as u128).collect())
    }

    /// Adds `cost` to the least loaded shard; gives its number.
    fn add_to_least(&mut self, cost: u128) -> usize {
        let heap = &mut self.0;
        let shard = (heap[0] & 0xffff_ffff) as usize;
        heap[0] += cost << 32;
        // Sift the grown key down.
        let (mut at, len) = (0, heap.len());
        loop {
            let left = 2 * at + 1;
            if left >= len {
                break;
            }
            let right = left + 1;
            let child = if right < len && heap[right] < heap[left] {
                right
            } else {
                left
            };
            if heap[child] >= heap[at] {
                break;
            }
            heap.swap(at, child);
            at = child;
        }
        shard
    }

    /// Each shard's load, by shard number.
    fn loads(&self) -> Vec<u128> {
        let mut loads = vec![0; self.0.len()];
        for key in &self.0 {
            loads[(key & 0xffff_ffff) as usize] = key >> 32;
        }
        loads
    }
}

/// Steps `digits` (each below its length in `lengths`, the last fastest) to the next
/// combination, wrapping to all zeros after the last one.
fn odometer(digits: &mut [usize], lengths: &[usize]) {
    for (digit, n) in digits.iter_mut().zip(lengths).rev() {
        *digit += 1;
        if *digit < *n {
            return;
        }
        *digit = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A scenario of two groups and two variants with the given `sweep:` block.
    fn plan(sweep: &str) -> (Plan, Scenario) {
        let text = format!(
            "name: shards
duration: 10s
network: {{ n: {{ latency: 10ms, bandwidth: 10Mbit/s }} }}
clients:
  a: {{ count: 10, link: n }}
  b: {{ count: 5, link: n, tabs: 2 }}
workload: {{ events: {{ source: poisson, rate: 1/s, payload: 100B }} }}
transports:
  - {{ label: poll, polling: {{ interval: 1s }} }}
  - {{ label: sse, sse: {{}} }}
sweep:
{sweep}"
        );
        let plan = crate::scenario::plan("shards.yaml", &text, &[]).unwrap();
        let first = plan.point(0).unwrap().scenario;
        (plan, first)
    }

    /// Every point's cost, from the built point (the definition the estimate follows).
    fn built_costs(plan: &Plan) -> Vec<u64> {
        (0..plan.point_count())
            .map(|i| {
                let s = plan.point(i).unwrap().scenario;
                s.client_count().max(1) * (s.duration / 1_000) * s.transports.len() as u64
            })
            .collect()
    }

    #[test]
    fn the_estimate_is_clients_times_duration_times_variants() {
        let (plan, first) = plan(
            "  server.cores: [1, 2]\n  clients.b.tabs: [1, 3]\n  duration: [10s, 1m]\n  clients.a.count: [1, 100, 1000]\n",
        );
        let costs = Costs::new(&plan, &first);
        let built = built_costs(&plan);
        assert_eq!(built.len(), 24);
        for (i, cost) in built.iter().enumerate() {
            assert_eq!(costs.point(i), *cost, "point {i}");
        }
        // Point 0: 1 + 5 × 1 clients, 10 s in microseconds, 2 variants.
        assert_eq!(costs.point(0), 6 * 10_000_000 * 2);
    }

    /// Every point lands in exactly one shard under either rule, whatever the count; each
    /// shard's points are in point order, its load their cost, and the busiest shard's load
    /// the largest.
    #[test]
    fn the_shards_partition_the_points() {
        let (plan, first) = plan("  server.cores: [1, 2, 3]\n  clients.a.count: [1, 50, 2, 400]\n");
        let costs = Costs::new(&plan, &first);
        let built = built_costs(&plan);
        for greedy_up_to in [GREEDY_UP_TO, 0] {
            for count in [1, 2, 3, 5, 12, 13, 40] {
                let mut seen = Vec::new();
                let mut busiest = 0;
                for k in 1..=count {
                    let shard = costs.assign_with(k, count, greedy_up_to);
                    assert!(shard.points.windows(2).all(|w| w[0] < w[1]));
                    let load: u128 = shard.points.iter().map(|p| u128::from(built[*p])).sum();
                    assert_eq!(shard.load, load, "shard {k} of {count}");
                    busiest = busiest.max(load);
                    seen.extend(shard.points);
                }
                assert_eq!(costs.assign_with(1, count, greedy_up_to).busiest, busiest);
                seen.sort_unstable();
                assert_eq!(seen, (0..12).collect::<Vec<_>>(), "{count} shards");
            }
        }
    }

    /// Points of very unequal cost: the busiest shard is within the stated bound of the
    /// ideal (the total over N plus (N − 1)/N of the costliest point, dealt one by one;
    /// within the costliest point of it, in consecutive runs), and dealt one by one it is
    /// never worse than dealing the points round robin.
    #[test]
    fn shards_of_unequal_points_are_balanced_within_the_bound() {
        let (plan, first) = plan(
            "  clients.a.count: [1, 1000, 3, 20, 500, 7, 2000, 1, 60, 1]\n  server.cores: [1, 2]\n",
        );
        let built = built_costs(&plan);
        let total: u128 = built.iter().map(|c| u128::from(*c)).sum();
        let costliest = u128::from(*built.iter().max().unwrap());
        let costs = Costs::new(&plan, &first);
        for n in [2usize, 3, 4, 6, 19] {
            let n128 = n as u128;
            let greedy = costs.assign(1, n);
            assert_eq!(
                (greedy.total, u128::from(greedy.costliest)),
                (total, costliest)
            );
            assert!(
                greedy.busiest * n128 <= total + costliest * (n128 - 1),
                "{n} shards: busiest {}, total {total}, costliest {costliest}",
                greedy.busiest
            );
            let round_robin = (0..n)
                .map(|k| {
                    built
                        .iter()
                        .skip(k)
                        .step_by(n)
                        .map(|c| u128::from(*c))
                        .sum()
                })
                .max()
                .unwrap();
            assert!(greedy.busiest <= round_robin, "{n} shards");
            for k in 1..=n {
                let runs = costs.assign_with(k, n, 0);
                assert!(
                    runs.load * n128 < total + costliest * n128
                        && runs.load * n128 + costliest * n128 > total,
                    "shard {k} of {n}: {} against the ideal {total}/{n}",
                    runs.load
                );
                let points = &runs.points;
                assert!(points.windows(2).all(|w| w[1] == w[0] + 1), "{points:?}");
            }
        }
    }

    #[test]
    fn the_split_is_the_same_whenever_it_is_computed() {
        let (plan, first) = plan("  clients.a.count: [9, 1, 300]\n  duration: [5s, 50s]\n");
        let a = Costs::new(&plan, &first).assign(2, 3);
        let (plan_again, first_again) =
            self::plan("  clients.a.count: [9, 1, 300]\n  duration: [5s, 50s]\n");
        assert_eq!(a, Costs::new(&plan_again, &first_again).assign(2, 3));
        // Clients (group a's count + 10 tabs of group b) × seconds: points 0 to 5 cost
        // 95, 950, 55, 550, 1550 and 15500. Dealt costliest first to the least loaded shard:
        // 15500 → 1; 1550 → 2; 950, 550 and 95 → 3 (950 + 550 = 1500 is still below 1550);
        // 55 → 2 (1550 is below 1595).
        assert_eq!(Costs::new(&plan, &first).assign(1, 3).points, [5]);
        assert_eq!(a.points, [2, 4]);
        assert_eq!(Costs::new(&plan, &first).assign(3, 3).points, [0, 1, 3]);
        // In consecutive runs: the points' midpoints, as shares of the total 18700, are
        // 0.3%, 3.0%, 5.7%, 7.4%, 13.0% and 58.6%, so the first five fall in the first third
        // (shard 1) and the last in the second (shard 2); shard 3 is left empty, as the
        // costliest point is more than a third of the whole.
        let costs = Costs::new(&plan, &first);
        assert_eq!(costs.assign_with(1, 3, 0).points, [0, 1, 2, 3, 4]);
        assert_eq!(costs.assign_with(2, 3, 0).points, [5]);
        assert!(costs.assign_with(3, 3, 0).points.is_empty());
    }

    #[test]
    fn more_shards_than_points_leave_the_last_ones_empty() {
        let (plan, first) = plan("  clients.a.count: [1, 2]\n");
        let costs = Costs::new(&plan, &first);
        assert_eq!(costs.assign(1, 5).points, [1]);
        assert_eq!(costs.assign(2, 5).points, [0]);
        assert!(costs.assign(3, 5).points.is_empty());
        assert_eq!(costs.assign(5, 5).load, 0);
        assert_eq!(costs.assign(1, MAX_SHARDS).points, [1]);
        assert!(costs.assign(MAX_SHARDS, MAX_SHARDS).points.is_empty());
    }

    /// The heap of loads gives the least loaded shard, the lowest-numbered on a tie.
    #[test]
    fn the_least_loaded_shard_takes_the_next_point() {
        let mut least = LeastLoaded::new(3);
        let order: Vec<usize> = [5, 5, 5, 3, 1, 1, 4]
            .iter()
            .map(|c| least.add_to_least(*c))
            .collect();
        // 5, 5, 5 → 0, 1, 2; 3 → 0 (8); 1 → 1 (6); 1 → 2 (6); 4 → 1 (10).
        assert_eq!(order, [0, 1, 2, 0, 1, 2, 1]);
        assert_eq!(least.loads(), [8, 10, 6]);
    }
}
