//! Who receives each event: every client, the subscribers of the event's topic, or one
//! user; and which topics each client subscribes to.
//!
//! The simulator numbers events globally and keeps one cursor per client (the next event
//! it has not been handed). With audiences, a client's events are a subsequence of those
//! numbers: counts over a range of numbers are answered from per-audience lists of event
//! numbers by binary search, so they stay cheap however long the range.

use crate::engine::rng::{self, RngExt, Stream};
use crate::scenario::{AudienceSpec, Scenario, TraceAudience};

/// The receivers of one event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    All,
    Topic(u32),
    User(u32),
}

/// Every event's audience and every client's subscriptions.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Audiences {
    by_event: Vec<Audience>,
    /// Event numbers, ascending: of the events for all, of each topic's, of each user's.
    all: Vec<u32>,
    topics: Vec<Vec<u32>>,
    users: Vec<Vec<u32>>,
    /// Per client: the topics it subscribes to, ascending.
    subscriptions: Vec<Vec<u32>>,
}

impl Audiences {
    /// The audiences of `count` events of `scenario` (its `audience`, or a trace's rows):
    /// `None` when every event is for every client.
    pub fn generate(scenario: &Scenario, count: usize) -> Option<Self> {
        let w = &scenario.workload;
        let clients = scenario.client_count() as usize;
        let by_row = w
            .trace
            .as_ref()
            .map(|t| &t.audiences)
            .filter(|a| a.iter().any(|a| *a != TraceAudience::All));
        if w.audience == AudienceSpec::All && by_row.is_none() {
            return None;
        }
        let mut audiences = Audiences {
            users: vec![Vec::new(); clients],
            subscriptions: vec![Vec::new(); clients],
            ..Audiences::default()
        };
        if let AudienceSpec::Topics {
            topics,
            subscriptions,
            exponent,
        } = w.audience
        {
            audiences.topics = vec![Vec::new(); topics as usize];
            let mut stream = rng::stream(scenario.seed, "subscriptions");
            let weights = zipf_cumulative(topics, exponent);
            for chosen in &mut audiences.subscriptions {
                *chosen = draw_distinct(&weights, subscriptions, &mut stream);
            }
        }
        let mut stream = rng::stream(scenario.seed, "audience");
        for n in 0..count {
            let audience = match (by_row, w.audience) {
                (Some(rows), _) => match rows[n] {
                    TraceAudience::All => Audience::All,
                    TraceAudience::Topic(t) => Audience::Topic(t),
                    TraceAudience::User(u) => Audience::User(u),
                },
                (None, AudienceSpec::All) => Audience::All,
                (None, AudienceSpec::User) => {
                    Audience::User(stream.random_range(0..clients as u32))
                }
                (None, AudienceSpec::Topics { topics, .. }) => {
                    Audience::Topic(stream.random_range(0..topics))
                }
            };
            audiences.push(audience);
        }
        Some(audiences)
    }

    /// The same subscriptions, no events yet (a run that numbers its own events).
    pub fn empty_like(&self) -> Self {
        Audiences {
            topics: vec![Vec::new(); self.topics.len()],
            users: vec![Vec::new(); self.users.len()],
            subscriptions: self.subscriptions.clone(),
            ..Audiences::default()
        }
    }

    /// Appends the next event's audience.
    pub fn push(&mut self, audience: Audience) {
        let n = self.by_event.len() as u32;
        self.by_event.push(audience);
        match audience {
            Audience::All => self.all.push(n),
            Audience::Topic(t) => self.topics[t as usize].push(n),
            Audience::User(u) => self.users[u as usize].push(n),
        }
    }

    pub fn of(&self, n: u32) -> Audience {
        self.by_event[n as usize]
    }

    /// Whether event `n` is for client `c`.
    pub fn is_for(&self, n: u32, c: u32) -> bool {
        match self.by_event[n as usize] {
            Audience::All => true,
            Audience::Topic(t) => self.subscriptions[c as usize].binary_search(&t).is_ok(),
            Audience::User(u) => u == c,
        }
    }

    /// How many events numbered in `[from, to)` are for client `c`.
    pub fn count_for(&self, c: u32, from: u32, to: u32) -> u32 {
        let within = |list: &[u32]| {
            (list.partition_point(|n| *n < to) - list.partition_point(|n| *n < from)) as u32
        };
        let mut count = within(&self.all) + within(&self.users[c as usize]);
        for t in &self.subscriptions[c as usize] {
            count += within(&self.topics[*t as usize]);
        }
        count
    }

    /// Clients subscribed to each topic (for the report).
    pub fn subscribers_per_topic(&self) -> Vec<u64> {
        let mut counts = vec![0u64; self.topics.len()];
        for chosen in &self.subscriptions {
            for t in chosen {
                counts[*t as usize] += 1;
            }
        }
        counts
    }
}

/// Cumulative Zipf weights of topics 1..=n with `exponent` (0: uniform), normalised to 1.
fn zipf_cumulative(n: u32, exponent: f64) -> Vec<f64> {
    let mut cumulative = Vec::with_capacity(n as usize);
    let mut total = 0.0;
    for k in 1..=n {
        total += 1.0 / (k as f64).powf(exponent);
        cumulative.push(total);
    }
    for w in &mut cumulative {
        *w /= total;
    }
    cumulative
}

/// `k` distinct topics drawn by the weights (all of them when `k` reaches their number),
/// ascending.
fn draw_distinct(cumulative: &[f64], k: u32, stream: &mut Stream) -> Vec<u32> {
    let n = cumulative.len() as u32;
    if k >= n {
        return (0..n).collect();
    }
    let mut chosen: Vec<u32> = Vec::with_capacity(k as usize);
    while chosen.len() < k as usize {
        let u: f64 = stream.random();
        let t = cumulative.partition_point(|w| *w <= u).min(n as usize - 1) as u32;
        if !chosen.contains(&t) {
            chosen.push(t);
        }
    }
    chosen.sort_unstable();
    chosen
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Audiences {
        let mut a = Audiences {
            topics: vec![Vec::new(); 3],
            users: vec![Vec::new(); 2],
            subscriptions: vec![vec![0, 2], vec![1]],
            ..Audiences::default()
        };
        for audience in [
            Audience::All,
            Audience::Topic(0),
            Audience::Topic(1),
            Audience::User(1),
            Audience::Topic(2),
            Audience::All,
        ] {
            a.push(audience);
        }
        a
    }

    #[test]
    fn counts_over_a_range_match_the_events_one_by_one() {
        let a = sample();
        for c in 0..2 {
            for from in 0..6 {
                for to in from..=6 {
                    let slow = (from..to).filter(|n| a.is_for(*n, c)).count() as u32;
                    assert_eq!(a.count_for(c, from, to), slow, "client {c} [{from}, {to})");
                }
            }
        }
        assert_eq!(a.count_for(0, 0, 6), 4);
        assert_eq!(a.count_for(1, 0, 6), 4);
        assert_eq!(a.subscribers_per_topic(), [1, 1, 1]);
    }

    #[test]
    fn zipf_subscriptions_favour_the_first_topics() {
        let weights = zipf_cumulative(10, 1.0);
        let mut stream = rng::stream(3, "test");
        let mut counts = [0u32; 10];
        for _ in 0..10_000 {
            for t in draw_distinct(&weights, 2, &mut stream) {
                counts[t as usize] += 1;
            }
        }
        assert!(counts[0] > 2 * counts[4], "{counts:?}");
        assert!(
            counts.windows(2).filter(|w| w[0] < w[1]).count() <= 2,
            "{counts:?}"
        );
        assert_eq!(
            draw_distinct(&weights, 12, &mut stream),
            (0..10).collect::<Vec<_>>()
        );
        let uniform = zipf_cumulative(4, 0.0);
        assert_eq!(uniform, [0.25, 0.5, 0.75, 1.0]);
    }
}
