//! Whole-run throughput: `rtsim::sim::run_variant` on the built-in default scenario
//! (1,000 browsers, 5 simulated minutes), one benchmark per transport variant.
//!
//! The event log is generated once outside the timed loop, as `rtsim::run` shares it
//! between variants; each iteration builds the world and runs it to the end. Throughput is
//! the variant's simulation event count, so criterion reports simulated events per second.
//! That count is fixed by the scenario and seed, and every iteration checks it is unchanged.
//!
//! The scenario runs at full size: one iteration takes from tens of milliseconds (poll-10s)
//! to a few hundred (long-poll) in release, so no `--set` override is needed to shrink it.
//! Flat sampling runs the same number of iterations for each of the 10 samples, which keeps
//! the slow variants to a few seconds each and the whole file well under two minutes.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use rtsim::scenario::{self, DEFAULT_SCENARIO, DEFAULT_SCENARIO_NAME};
use rtsim::sim::{self, DEFAULT_LIMITS};
use rtsim::workload::EventLog;

fn default_scenario(c: &mut Criterion) {
    let scenario = scenario::load_str(DEFAULT_SCENARIO_NAME, DEFAULT_SCENARIO, &[])
        .expect("the built-in default scenario is valid");
    let log = EventLog::generate(&scenario);
    let mut group = c.benchmark_group("default-scenario");
    group.sampling_mode(SamplingMode::Flat);
    for variant in &scenario.transports {
        // One untimed run gives the event count criterion divides by.
        let sim_events = sim::run_variant(&scenario, &log, variant, &DEFAULT_LIMITS)
            .unwrap_or_else(|e| panic!("variant `{}` (seed {}): {e}", variant.label, scenario.seed))
            .sim_events;
        group.throughput(Throughput::Elements(sim_events));
        group.bench_function(variant.label.as_str(), |b| {
            b.iter(|| {
                let result = sim::run_variant(&scenario, black_box(&log), variant, &DEFAULT_LIMITS)
                    .expect("the variant ran once already");
                assert_eq!(result.sim_events, sim_events, "a run is deterministic");
                result
            })
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(10)
        .measurement_time(Duration::from_secs(5))
        .warm_up_time(Duration::from_secs(1));
    targets = default_scenario
}
criterion_main!(benches);
