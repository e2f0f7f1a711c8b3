//! Simulated time: integer nanoseconds since the run began. Every layer takes its time
//! type from here (the engine, the network and server models, the scenario), so none of
//! them needs another for it. Time never comes from the wall clock (`Instant`,
//! `SystemTime`): a run's result depends only on its scenario and seed.

/// Nanoseconds of simulated time: an instant (since the run began) or a duration.
/// `u64` nanoseconds last 584 years, far beyond the longest run a scenario may ask for
/// (`scenario::limits`).
pub type Nanos = u64;
