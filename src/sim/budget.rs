//! The memory budget of a run: how much memory rtsim may take, an estimate of what a run or
//! a sweep will take made before it starts, and the share left to what grows with overload.
//!
//! # Contract
//!
//! - [`Budget::default_for_this_machine`] is 80 % of physical memory (`MemTotal` in
//!   `/proc/meminfo`), or 75 % of the address-space limit (`ulimit -v`, read from
//!   `/proc/self/limits`) when that is lower: under an address-space cap, thread stacks and
//!   the allocator's per-thread arenas reserve address space beyond what the run touches.
//!   `--memory-limit` replaces it.
//! - [`estimate`] is a sum of named terms, each a count from the scenario times a size per
//!   item. A run whose estimate exceeds the budget is refused before it starts, naming the
//!   largest term; what remains of the budget bounds the pending events of each run at once
//!   ([`Estimate::limits`]), so a run that grows past it stops cleanly instead of aborting.
//! - The estimate is deliberately on the high side for the common cases (it was fitted to
//!   the largest measured figure per client) and never depends on anything but the
//!   scenarios and the number of runs at once.
//!
//! # Calibration
//!
//! Peak resident memory (`/usr/bin/time -v`, release build, `--jobs 1`) of
//! `max-clients.yaml` (WebSocket, 2 events/s of 180 B to every client for 60 s, 114 events)
//! with its client count set by `--set clients.browsers.count=N`:
//!
//! | clients | measured peak RSS | estimate |
//! |---:|---:|---:|
//! | 100,000 | 234 MB (224 MiB) | 261 MiB |
//! | 1,000,000 | 2,334 MB (2,226 MiB) | 2,321 MiB |
//! | 10,000,000 | 13.9 GB (16 GB cap; aborts under 4 GiB) | 22.5 GiB |
//!
//! The slope between the first two is 2,280 B per client per run (`Client` is 504 B,
//! `Browser` 80 B, its link queues 16 B; the rest is each connection's buffers and its
//! pending timers and ACKs in the event queue), hence [`BYTES_PER_CLIENT`] = 2,400 B. At
//! ten million clients the measured figure per client is lower (1.4 KB), so the estimate
//! overshoots there; that errs on the side of refusing rather than aborting.
//!
//! Example scenarios, `rtsim run scenarios/NAME.yaml --jobs 2` (so two runs at once):
//!
//! | scenario | measured peak RSS | estimate |
//! |---|---:|---:|
//! | `notification-feed` (50,000 clients) | 247 MiB | 262 MiB |
//! | `replica-crash` | 109 MiB | 123 MiB |
//! | `scale-out` | 48 MiB | 50 MiB |
//! | `live-scores` | 46 MiB | 46 MiB |
//! | `bench-polling-10k` | 36 MiB | 55 MiB |
//! | `chat` | 24 MiB | 35 MiB |
//! | `default` | 23 MiB | 36 MiB |
//! | `slow-consumers` | 14 MiB | 33 MiB |
//!
//! Every estimate is at or above the measurement; small scenarios are dominated by the
//! fixed 32 MiB for the program.

use crate::engine::Limits;
use crate::scenario::{AudienceSpec, EventSource, Scenario, TransportKind};

/// Memory of one client (tab) during a run: its state, its connection's buffers and its
/// share of pending events (see the calibration in the module's doc).
pub const BYTES_PER_CLIENT: u64 = 2_400;
/// One workload event in the shared event log: its time, its size, its audience entry.
pub const BYTES_PER_EVENT: u64 = 24;
/// One (event, receiver) pair a webhook variant keeps a record of.
pub const BYTES_PER_WEBHOOK_PAIR: u64 = 48;
/// A finished run's result without its time series (histogram summaries, CDF, replicas).
pub const BYTES_PER_RESULT: u64 = 16 * 1024;
/// One simulated second of a run's time series.
pub const BYTES_PER_SERIES_SECOND: u64 = 160;
/// The program itself: code, allocator, worker threads.
pub const BASE_BYTES: u64 = 32 << 20;

const GIB: f64 = (1u64 << 30) as f64;

/// What a run may take, and where the figure comes from (said when a run is refused).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Budget {
    pub bytes: u64,
    pub source: String,
}

impl Budget {
    /// A budget given on the command line.
    pub fn given(bytes: u64) -> Self {
        Budget {
            bytes,
            source: "--memory-limit".to_string(),
        }
    }

    /// The share of this machine's memory a run may take (see the module's doc); 4 GiB when
    /// neither figure can be read.
    pub fn default_for_this_machine() -> Self {
        let physical = mem_total().map(|total| Budget {
            bytes: total / 5 * 4,
            source: format!("80 % of physical memory, {:.1} GiB", total as f64 / GIB),
        });
        let address_space = address_space_limit().map(|limit| Budget {
            bytes: limit / 4 * 3,
            source: format!(
                "75 % of the address-space limit (ulimit -v), {:.1} GiB",
                limit as f64 / GIB
            ),
        });
        match (physical, address_space) {
            (Some(p), Some(a)) => {
                if a.bytes < p.bytes {
                    a
                } else {
                    p
                }
            }
            (Some(b), None) | (None, Some(b)) => b,
            (None, None) => Budget {
                bytes: 4 << 30,
                source: "a default of 4 GiB (physical memory unknown)".to_string(),
            },
        }
    }
}

/// `MemTotal` from `/proc/meminfo`, in bytes.
fn mem_total() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    parse_meminfo(&text)
}

fn parse_meminfo(text: &str) -> Option<u64> {
    let line = text.lines().find(|l| l.starts_with("MemTotal:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    kib.checked_mul(1024)
}

/// The soft address-space limit from `/proc/self/limits`, in bytes; `None` when unlimited.
fn address_space_limit() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/self/limits").ok()?;
    parse_limits(&text)
}

fn parse_limits(text: &str) -> Option<u64> {
    let line = text.lines().find(|l| l.starts_with("Max address space"))?;
    let soft = line["Max address space".len()..]
        .split_whitespace()
        .next()?;
    soft.parse().ok()
}

/// One part of an estimate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    pub name: &'static str,
    pub bytes: u64,
    /// How it was counted, e.g. "10000000 clients × 2400 B × 1 run(s) at once".
    pub how: String,
}

/// An estimate of a run's (or a sweep's) peak memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Estimate {
    pub terms: Vec<Term>,
    /// Runs simulated at once.
    pub concurrent_runs: u64,
}

impl Estimate {
    pub fn total(&self) -> u64 {
        self.terms
            .iter()
            .fold(0u64, |sum, term| sum.saturating_add(term.bytes))
    }

    /// The largest term.
    pub fn dominant(&self) -> &Term {
        self.terms
            .iter()
            .max_by_key(|term| term.bytes)
            .expect("an estimate has terms")
    }

    /// `Err` with a sentence naming the largest term when the estimate exceeds `budget`.
    pub fn check(&self, budget: &Budget) -> Result<(), String> {
        let total = self.total();
        if total <= budget.bytes {
            return Ok(());
        }
        let dominant = self.dominant();
        Err(format!(
            "not enough memory: the run needs an estimated {} of memory, more than its budget \
             of {} ({}); the largest part is {}: {} = {}. Reduce the clients, the duration or \
             --jobs, or raise --memory-limit (e.g. --memory-limit {}GiB)",
            gib(total),
            gib(budget.bytes),
            budget.source,
            dominant.name,
            dominant.how,
            gib(dominant.bytes),
            (total as f64 / GIB).ceil() as u64 + 1,
        ))
    }

    /// The run limits that keep the runs at once within `budget`: the budget left over by
    /// the estimate, shared between the runs at once, bounds what each one grows by
    /// (pending events and send buffers; never less than 2 MiB, so a tight budget still
    /// lets a run start).
    pub fn limits(&self, budget: &Budget, max_events: u64) -> Limits {
        let spare = budget.bytes.saturating_sub(self.total());
        let per_run = spare / self.concurrent_runs.max(1);
        Limits {
            max_events,
            deadline: None,
            memory_bytes: per_run.max(2 << 20),
            progress: None,
        }
    }
}

fn gib(bytes: u64) -> String {
    if bytes >= 1 << 30 {
        format!("{:.1} GiB", bytes as f64 / GIB)
    } else {
        format!("{} MiB", bytes.div_ceil(1 << 20))
    }
}

/// Events of `scenario`'s workload (an upper estimate for random sources: the mean).
fn expected_events(scenario: &Scenario) -> u64 {
    let w = &scenario.workload;
    match w.source {
        EventSource::Trace => w.trace.as_ref().map_or(0, |t| t.events.len() as u64),
        EventSource::None => 0,
        _ => {
            let events = w.rate_per_second * scenario.duration as f64 / 1e9;
            if events.is_finite() {
                events.min(u64::MAX as f64) as u64
            } else {
                u64::MAX
            }
        }
    }
}

/// Clients a run simulates: the scenario's tabs, twice over when each also has a REST
/// client (two-way workloads and history fetches).
fn simulated_clients(scenario: &Scenario) -> u64 {
    let clients = scenario.client_count();
    if scenario.workload.messages.is_some() || scenario.rest.history.is_some() {
        clients.saturating_mul(2)
    } else {
        clients
    }
}

/// The estimated peak memory of running `points` (the scenarios of a sweep's points, or
/// one), `jobs` runs (variants) at once.
pub fn estimate(points: &[&Scenario], jobs: usize) -> Estimate {
    let runs: u64 = points.iter().map(|s| s.transports.len() as u64).sum();
    let concurrent = (jobs as u64).clamp(1, runs.max(1));
    // The runs at once are at most the `concurrent` largest.
    let mut per_run: Vec<(u64, u64)> = points
        .iter()
        .flat_map(|s| {
            let receivers = s.receivers.len() as u64;
            let events = expected_events(s);
            s.transports.iter().map(move |t| {
                let clients = simulated_clients(s);
                let pairs = match t.kind {
                    TransportKind::Webhook { .. } => events.saturating_mul(receivers.max(1)),
                    _ => 0,
                };
                (clients, pairs)
            })
        })
        .collect();
    per_run.sort_unstable_by(|a, b| b.cmp(a));
    let busiest: Vec<(u64, u64)> = per_run.into_iter().take(concurrent as usize).collect();
    let clients: u64 = busiest.iter().map(|(c, _)| *c).sum();
    let pairs: u64 = busiest.iter().map(|(_, p)| *p).sum();
    let largest_clients = busiest.first().map_or(0, |(c, _)| *c);

    let events: u64 = points
        .iter()
        .map(|s| expected_events(s))
        .fold(0u64, u64::saturating_add);
    let subscriptions: u64 = points
        .iter()
        .map(|s| match s.workload.audience {
            AudienceSpec::All => 0,
            AudienceSpec::User => s.client_count().saturating_mul(24),
            AudienceSpec::Topics { subscriptions, .. } => s
                .client_count()
                .saturating_mul(24 + 4 * subscriptions as u64),
        })
        .fold(0u64, u64::saturating_add);
    let series_seconds: u64 = points
        .iter()
        .map(|s| (s.duration / 1_000_000_000 + 1).saturating_mul(s.transports.len() as u64))
        .fold(0u64, u64::saturating_add);

    let mut terms = vec![
        Term {
            name: "clients",
            bytes: clients.saturating_mul(BYTES_PER_CLIENT),
            how: if concurrent == 1 {
                format!("{largest_clients} clients × {BYTES_PER_CLIENT} B")
            } else {
                format!(
                    "{clients} clients over {concurrent} runs at once (up to {largest_clients} \
                     each) × {BYTES_PER_CLIENT} B"
                )
            },
        },
        Term {
            name: "the event log",
            bytes: events.saturating_mul(BYTES_PER_EVENT),
            how: format!(
                "{events} events{} × {BYTES_PER_EVENT} B",
                if points.len() > 1 {
                    format!(" over {} points", points.len())
                } else {
                    String::new()
                }
            ),
        },
        Term {
            name: "subscriptions",
            bytes: subscriptions,
            how: "per-client topic and user lists".to_string(),
        },
        Term {
            name: "time series and results",
            bytes: series_seconds
                .saturating_mul(BYTES_PER_SERIES_SECOND)
                .saturating_add(runs.saturating_mul(BYTES_PER_RESULT)),
            how: format!(
                "{runs} runs × {BYTES_PER_RESULT} B + {series_seconds} simulated seconds × \
                 {BYTES_PER_SERIES_SECOND} B"
            ),
        },
        Term {
            name: "the program",
            bytes: BASE_BYTES,
            how: "code, allocator and worker threads".to_string(),
        },
    ];
    if pairs > 0 {
        terms.push(Term {
            name: "webhook deliveries",
            bytes: pairs.saturating_mul(BYTES_PER_WEBHOOK_PAIR),
            how: format!("{pairs} (event, receiver) pairs × {BYTES_PER_WEBHOOK_PAIR} B"),
        });
    }
    Estimate {
        terms,
        concurrent_runs: concurrent,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_machine_s_figures() {
        assert_eq!(
            parse_meminfo("MemTotal:       24576000 kB\nMemFree: 1 kB\n"),
            Some(24_576_000 * 1024)
        );
        let limits = "Limit                     Soft Limit           Hard Limit           Units\n\
                      Max address space         4294967296           unlimited            bytes\n";
        assert_eq!(parse_limits(limits), Some(4_294_967_296));
        let unlimited =
            "Max address space         unlimited            unlimited            bytes\n";
        assert_eq!(parse_limits(unlimited), None);
    }

    fn scenario(clients: u64, variants: usize) -> Scenario {
        let transports: String = (0..variants)
            .map(|v| format!("  - {{ label: ws{v}, websocket: {{}} }}\n"))
            .collect();
        let text = format!(
            "name: big\nduration: 60s\nnetwork:\n  dsl: {{ latency: 20ms, bandwidth: 50Mbit/s }}\n\
             clients:\n  users: {{ count: {clients}, link: dsl }}\n\
             workload:\n  events: {{ source: poisson, rate: 2/s, payload: 180B }}\n\
             transports:\n{transports}"
        );
        let plan = crate::scenario::plan("big.yaml", &text, &[]).expect("a valid scenario");
        plan.point(0).expect("a valid scenario").scenario
    }

    #[test]
    fn ten_million_clients_do_not_fit_four_gib_and_the_clients_are_named() {
        let s = scenario(10_000_000, 1);
        let estimate = estimate(&[&s], 2);
        assert_eq!(estimate.concurrent_runs, 1, "one variant: one run at once");
        assert_eq!(estimate.dominant().name, "clients");
        let budget = Budget::given(3 << 30);
        let error = estimate.check(&budget).unwrap_err();
        assert!(error.contains("not enough memory"), "{error}");
        assert!(
            error.contains("the largest part is clients: 10000000 clients"),
            "{error}"
        );
        assert!(
            error.contains("budget of 3.0 GiB (--memory-limit)"),
            "{error}"
        );
    }

    #[test]
    fn runs_at_once_multiply_the_clients_and_leave_less_for_the_queue() {
        let s = scenario(100_000, 3);
        let one = estimate(&[&s], 1);
        let three = estimate(&[&s], 8);
        assert_eq!(three.concurrent_runs, 3);
        assert_eq!(
            three.dominant().bytes,
            3 * one.dominant().bytes,
            "{three:?}"
        );
        let budget = Budget::given(2 << 30);
        assert!(one.check(&budget).is_ok());
        let pending_one = one.limits(&budget, 10).memory_bytes;
        let pending_three = three.limits(&budget, 10).memory_bytes;
        assert!(
            pending_three < pending_one / 3,
            "{pending_one} {pending_three}"
        );
    }

    #[test]
    fn the_default_budget_is_a_share_of_something() {
        let budget = Budget::default_for_this_machine();
        assert!(budget.bytes > 0);
        assert!(!budget.source.is_empty());
    }
}

#[cfg(test)]
mod examples {
    use super::*;

    /// The example scenarios' estimates at two runs at once (see them with `--nocapture`):
    /// none comes near a small machine's budget.
    #[test]
    fn example_scenarios_estimate_within_reason() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .expect("the scenarios folder")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
            .collect();
        files.sort();
        for file in files {
            let plan = crate::scenario::plan_file(&file, &[]).expect("a valid example");
            let built: Vec<Scenario> = (0..plan.point_count())
                .map(|i| plan.point(i).expect("a valid example").scenario)
                .collect();
            let points: Vec<&Scenario> = built.iter().collect();
            let estimate = estimate(&points, 2);
            eprintln!(
                "{}: {} MiB ({}: {} MiB)",
                file.file_name().unwrap().to_string_lossy(),
                estimate.total() >> 20,
                estimate.dominant().name,
                estimate.dominant().bytes >> 20
            );
            assert!(estimate.total() < 1 << 30, "{file:?}: {estimate:?}");
        }
    }
}
