//! Who receives each event: every client, the subscribers of the event's topic, one
//! user, or the channels that receive the event's stream; and which topics each client
//! subscribes to and which streams each client (a channel of a user) receives.
//!
//! The simulator numbers events globally and keeps one cursor per client (the next event
//! it has not been handed). With audiences, a client's events are a subsequence of those
//! numbers: counts over a range of numbers are answered from per-audience lists of event
//! numbers by binary search, so they stay cheap however long the range.

use super::streams::{self, StreamId, StreamMask};
use super::{AudienceSpec, Inputs, TraceAudience};
use crate::engine::rng::{self, RngExt, Stream};
use crate::ids::{ClientId, EventNo, TopicId};

/// The receivers of one event. A user is a client: the audience `user` picks one client
/// (a trace's `user:<client index>` names it), whose events no other client receives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    All,
    Topic(TopicId),
    User(ClientId),
    /// The clients (channels) that receive this stream ([`super::streams`]), in a variant
    /// of several channels.
    Stream(StreamId),
}

/// Every event's audience and every client's subscriptions.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Audiences {
    by_event: Vec<Audience>,
    /// Event numbers, ascending: of the events for all, of each topic's, of each user's
    /// (per client).
    all: Vec<EventNo>,
    topics: Vec<Vec<EventNo>>,
    users: Vec<Vec<EventNo>>,
    /// Per client: the topics it subscribes to, ascending.
    subscriptions: Vec<Vec<TopicId>>,
    /// Event numbers, ascending, of each stream's events (routed logs only).
    streams: Vec<Vec<EventNo>>,
    /// Per client: the streams its channel receives (routed logs only).
    receives: Vec<StreamMask>,
}

impl Audiences {
    /// The audiences of `count` events of a workload (its `audience`, or a trace's rows):
    /// `None` when every event is for every client.
    pub fn generate(inputs: &Inputs, count: usize) -> Option<Self> {
        let w = inputs.spec;
        let clients = inputs.client_count() as usize;
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
            let mut stream = rng::stream(inputs.seed, "subscriptions");
            let mut topics = DistinctTopics::new(topics, subscriptions, exponent);
            for chosen in &mut audiences.subscriptions {
                *chosen = (topics.draw(subscriptions, &mut stream).into_iter())
                    .map(TopicId::new)
                    .collect();
            }
        }
        let mut stream = rng::stream(inputs.seed, "audience");
        for n in 0..count {
            let audience = match (by_row, w.audience) {
                (Some(rows), _) => match rows[n] {
                    TraceAudience::All => Audience::All,
                    TraceAudience::Topic(t) => Audience::Topic(TopicId::new(t)),
                    TraceAudience::User(u) => Audience::User(ClientId::new(u)),
                },
                (None, AudienceSpec::All) => Audience::All,
                (None, AudienceSpec::User) => {
                    Audience::User(ClientId::new(stream.random_range(0..clients as u32)))
                }
                (None, AudienceSpec::Topics { topics, .. }) => {
                    Audience::Topic(TopicId::new(stream.random_range(0..topics)))
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
            streams: vec![Vec::new(); self.streams.len()],
            receives: self.receives.clone(),
            ..Audiences::default()
        }
    }

    /// The audiences of a variant of several channels: the events of a log whose events
    /// are all for every user, each of its stream (`of_event`, by event number);
    /// `receives` is each client's (channel's) set of streams.
    pub fn routed(of_event: &[StreamId], receives: Vec<StreamMask>) -> Self {
        let mut audiences = Audiences {
            users: vec![Vec::new(); receives.len()],
            subscriptions: vec![Vec::new(); receives.len()],
            streams: vec![Vec::new(); usize::from(streams::MESSAGES) + 1],
            receives,
            ..Audiences::default()
        };
        for s in of_event {
            audiences.push(Audience::Stream(*s));
        }
        audiences
    }

    /// Whether the events are routed to channels by stream.
    pub fn is_routed(&self) -> bool {
        !self.receives.is_empty()
    }

    /// Appends the next event's audience.
    pub fn push(&mut self, audience: Audience) {
        let n = EventNo::at(self.by_event.len());
        self.by_event.push(audience);
        match audience {
            Audience::All => self.all.push(n),
            Audience::Topic(t) => self.topics[t].push(n),
            Audience::User(u) => self.users[u].push(n),
            Audience::Stream(s) => self.streams[usize::from(s)].push(n),
        }
    }

    pub fn of(&self, n: EventNo) -> Audience {
        self.by_event[n]
    }

    /// The next event after `n` with `n`'s audience (conflation's key: a newer value of
    /// the same topic), if one has been created.
    pub fn next_of_same(&self, n: EventNo) -> Option<EventNo> {
        let list = match self.by_event[n] {
            Audience::All => &self.all,
            Audience::Topic(t) => &self.topics[t],
            Audience::User(u) => &self.users[u],
            Audience::Stream(s) => &self.streams[usize::from(s)],
        };
        list.get(list.partition_point(|m| *m <= n)).copied()
    }

    /// Whether event `n` is for client `c`.
    pub fn is_for(&self, n: EventNo, c: ClientId) -> bool {
        match self.by_event[n] {
            Audience::All => true,
            Audience::Topic(t) => self.subscriptions[c].binary_search(&t).is_ok(),
            Audience::User(u) => u == c,
            Audience::Stream(s) => self.receives[c] & streams::bit(s) != 0,
        }
    }

    /// How many events numbered in `[from, to)` are for client `c`.
    pub fn count_for(&self, c: ClientId, from: EventNo, to: EventNo) -> u32 {
        let within = |list: &[EventNo]| {
            (list.partition_point(|n| *n < to) - list.partition_point(|n| *n < from)) as u32
        };
        let mut count = within(&self.all) + within(&self.users[c]);
        for t in &self.subscriptions[c] {
            count += within(&self.topics[*t]);
        }
        for (s, list) in self.streams.iter().enumerate() {
            if self.receives[c] & streams::bit(s as StreamId) != 0 {
                count += within(list);
            }
        }
        count
    }

    /// Clients subscribed to each topic (for the report).
    pub fn subscribers_per_topic(&self) -> Vec<u64> {
        let mut counts = vec![0u64; self.topics.len()];
        for chosen in &self.subscriptions {
            for t in chosen {
                counts[*t] += 1;
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

/// Draws each client's distinct topics from the Zipf weights, in one of two regimes chosen
/// by the weights alone (so the same scenario always takes the same one):
///
/// - **Redrawing** while the `k` heaviest topics hold at most half the weight: a draw is
///   taken from all topics and drawn again when already chosen. Each draw is then new with
///   probability at least 1/2, so a client takes fewer than `2k` draws on average. Every
///   scenario that ran before this regime split (such as `team-feeds`, 3 of 60 topics at
///   exponent 0.8: 29 % of the weight) keeps its subscriptions draw for draw.
/// - **Removing** drawn topics' weights otherwise (a Fenwick tree over integer weights):
///   exactly `k` draws of O(log n) each, however close `k` is to `n` and however light the
///   last topics (at exponent 10, topic 99 of 100 has a weight of 10^-20, which redrawing
///   never reaches). As a safeguard, the redrawing regime also switches to removal after
///   [`REDRAWS_PER_TOPIC`] draws per topic wanted, keeping the topics already chosen.
///
/// Both regimes draw from the same law, that of weighted sampling without replacement:
/// each next topic with probability proportional to its weight among those not yet chosen.
/// The integer weights (2^52 in all) differ from the `f64` ones by at most 2^-52 of the
/// total; a topic whose weight rounds to 0 is chosen only once every heavier one is.
struct DistinctTopics {
    cumulative: Vec<f64>,
    /// Fenwick tree (1-based) of the integer weights, built on first use.
    tree: Vec<u64>,
    weights: Vec<u64>,
    /// Per topic: chosen by the client being drawn.
    chosen: Vec<bool>,
    redraw: bool,
}

/// Draws per wanted topic after which redrawing gives way to removal.
const REDRAWS_PER_TOPIC: usize = 64;

impl DistinctTopics {
    fn new(topics: u32, k: u32, exponent: f64) -> Self {
        let cumulative = zipf_cumulative(topics, exponent);
        let heaviest = match k as usize {
            0 => 0.0,
            k => cumulative[k.min(cumulative.len()) - 1],
        };
        DistinctTopics {
            redraw: heaviest <= 0.5,
            chosen: vec![false; cumulative.len()],
            cumulative,
            tree: Vec::new(),
            weights: Vec::new(),
        }
    }

    /// `k` distinct topics (all of them when `k` reaches their number), ascending.
    fn draw(&mut self, k: u32, stream: &mut Stream) -> Vec<u32> {
        let n = self.cumulative.len();
        if k as usize >= n {
            return (0..n as u32).collect();
        }
        let k = k as usize;
        let mut picked: Vec<u32> = Vec::with_capacity(k);
        if self.redraw {
            let mut draws = 0;
            while picked.len() < k && draws < REDRAWS_PER_TOPIC * k {
                draws += 1;
                let u: f64 = stream.random();
                let t = self.cumulative.partition_point(|w| *w <= u).min(n - 1);
                if !self.chosen[t] {
                    self.chosen[t] = true;
                    picked.push(t as u32);
                }
            }
        }
        if picked.len() < k {
            self.remove_and_draw(&mut picked, k, stream);
        }
        for t in &picked {
            self.chosen[*t as usize] = false;
        }
        picked.sort_unstable();
        picked
    }

    /// Completes `picked` to `k` topics by drawing from the weights of the others.
    fn remove_and_draw(&mut self, picked: &mut Vec<u32>, k: usize, stream: &mut Stream) {
        if self.tree.is_empty() {
            self.build();
        }
        let mut remaining = self.tree_total();
        for t in picked.iter() {
            let weight = self.weights[*t as usize];
            self.add(*t as usize, weight.wrapping_neg());
            remaining -= weight;
        }
        // Where to look for the first topic not chosen, once only weights of 0 are left.
        let mut unchosen = 0;
        while picked.len() < k {
            let t = if remaining == 0 {
                // Only topics of weight 0 are left: the first, which is the heaviest.
                while self.chosen[unchosen] {
                    unchosen += 1;
                }
                unchosen
            } else {
                self.find(stream.random_range(0..remaining))
            };
            self.chosen[t] = true;
            let weight = self.weights[t];
            self.add(t, weight.wrapping_neg());
            remaining -= weight;
            picked.push(t as u32);
        }
        // Restore the tree for the next client: integer sums come back exactly.
        for t in picked.iter() {
            self.add(*t as usize, self.weights[*t as usize]);
        }
    }

    fn build(&mut self) {
        const SCALE: f64 = (1u64 << 52) as f64;
        let mut below = 0.0;
        self.weights = self
            .cumulative
            .iter()
            .map(|c| {
                let w = ((c - below).max(0.0) * SCALE) as u64;
                below = *c;
                w
            })
            .collect();
        let n = self.weights.len();
        self.tree = vec![0; n + 1];
        for i in 1..=n {
            self.tree[i] = self.tree[i].wrapping_add(self.weights[i - 1]);
            let parent = i + (i & i.wrapping_neg());
            if parent <= n {
                self.tree[parent] = self.tree[parent].wrapping_add(self.tree[i]);
            }
        }
    }

    /// Adds `delta` (two's complement for a removal) to topic `t`'s weight.
    fn add(&mut self, t: usize, delta: u64) {
        let mut i = t + 1;
        while i < self.tree.len() {
            self.tree[i] = self.tree[i].wrapping_add(delta);
            i += i & i.wrapping_neg();
        }
    }

    fn tree_total(&self) -> u64 {
        let mut i = self.tree.len() - 1;
        let mut sum = 0u64;
        while i > 0 {
            sum = sum.wrapping_add(self.tree[i]);
            i &= i - 1;
        }
        sum
    }

    /// The topic whose weight interval holds `r` (the first whose running sum exceeds it).
    fn find(&self, mut r: u64) -> usize {
        let n = self.tree.len() - 1;
        let mut pos = 0;
        let mut step = 1usize << (usize::BITS - 1 - n.leading_zeros());
        while step > 0 {
            if pos + step <= n && self.tree[pos + step] <= r {
                pos += step;
                r -= self.tree[pos];
            }
            step >>= 1;
        }
        pos
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Audiences {
        let mut a = Audiences {
            topics: vec![Vec::new(); 3],
            users: vec![Vec::new(); 2],
            subscriptions: vec![
                vec![TopicId::new(0), TopicId::new(2)],
                vec![TopicId::new(1)],
            ],
            ..Audiences::default()
        };
        for audience in [
            Audience::All,
            Audience::Topic(TopicId::new(0)),
            Audience::Topic(TopicId::new(1)),
            Audience::User(ClientId::new(1)),
            Audience::Topic(TopicId::new(2)),
            Audience::All,
        ] {
            a.push(audience);
        }
        a
    }

    #[test]
    fn counts_over_a_range_match_the_events_one_by_one() {
        let a = sample();
        for c in ClientId::all(2) {
            for from in (0..6).map(EventNo::new) {
                for to in (from.get()..=6).map(EventNo::new) {
                    let slow = from.up_to(to).filter(|n| a.is_for(*n, c)).count() as u32;
                    assert_eq!(a.count_for(c, from, to), slow, "client {c} [{from}, {to})");
                }
            }
        }
        let (first, end) = (EventNo::FIRST, EventNo::new(6));
        assert_eq!(a.count_for(ClientId::new(0), first, end), 4);
        assert_eq!(a.count_for(ClientId::new(1), first, end), 4);
        assert!(
            a.is_for(EventNo::new(3), ClientId::new(1)),
            "the user's own event"
        );
        assert!(
            !a.is_for(EventNo::new(3), ClientId::new(0)),
            "not another client's"
        );
        assert_eq!(a.subscribers_per_topic(), [1, 1, 1]);
    }

    #[test]
    fn zipf_subscriptions_favour_the_first_topics() {
        let mut topics = DistinctTopics::new(10, 2, 1.0);
        let mut stream = rng::stream(3, "test");
        let mut counts = [0u32; 10];
        for _ in 0..10_000 {
            for t in topics.draw(2, &mut stream) {
                counts[t as usize] += 1;
            }
        }
        assert!(counts[0] > 2 * counts[4], "{counts:?}");
        assert!(
            counts.windows(2).filter(|w| w[0] < w[1]).count() <= 2,
            "{counts:?}"
        );
        assert_eq!(topics.draw(12, &mut stream), (0..10).collect::<Vec<_>>());
        let uniform = zipf_cumulative(4, 0.0);
        assert_eq!(uniform, [0.25, 0.5, 0.75, 1.0]);
    }
    /// Regression (reproducer `zipf-subscriptions-hang`): 99 of 100 topics at exponent 10
    /// never ended, redrawing for topics of weight 10^-20.
    #[test]
    fn nearly_every_topic_of_a_steep_law_is_drawn_at_once() {
        let mut topics = DistinctTopics::new(100, 99, 10.0);
        assert!(!topics.redraw);
        let mut stream = rng::stream(1, "subscriptions");
        for _ in 0..100 {
            let chosen = topics.draw(99, &mut stream);
            assert_eq!(chosen.len(), 99);
            assert!(chosen.windows(2).all(|w| w[0] < w[1]), "{chosen:?}");
            // The heaviest topics are always among them.
            assert!(chosen.starts_with(&[0, 1, 2, 3, 4]), "{chosen:?}");
        }
        let again = |seed| {
            let mut topics = DistinctTopics::new(1000, 700, 1.0);
            let mut stream = rng::stream(seed, "subscriptions");
            (0..5)
                .map(|_| topics.draw(700, &mut stream))
                .collect::<Vec<_>>()
        };
        assert_eq!(again(7), again(7));
        assert_ne!(again(7), again(8));
    }

    /// Redrawing and removal draw from the same law: compared on every pair of 4 topics.
    #[test]
    fn both_regimes_draw_pairs_with_the_same_frequencies() {
        let frequencies = |redraw: bool| {
            let mut topics = DistinctTopics::new(4, 2, 1.0);
            topics.redraw = redraw;
            let mut stream = rng::stream(11, "test");
            let mut pairs = std::collections::BTreeMap::new();
            for _ in 0..40_000 {
                *pairs.entry(topics.draw(2, &mut stream)).or_insert(0.0f64) += 1.0 / 40_000.0;
            }
            pairs
        };
        let (redrawn, removed) = (frequencies(true), frequencies(false));
        assert_eq!(redrawn.len(), 6);
        for (pair, p) in &redrawn {
            let q = removed.get(pair).copied().unwrap_or(0.0);
            assert!((p - q).abs() < 0.015, "{pair:?}: {p} vs {q}");
        }
    }

    /// The Fenwick tree against a plain scan of the weights, with topics removed.
    #[test]
    fn the_weight_tree_finds_what_a_scan_finds() {
        let mut topics = DistinctTopics::new(37, 30, 0.7);
        topics.build();
        let total: u64 = topics.weights.iter().sum();
        assert_eq!(topics.tree_total(), total);
        for removed in [3usize, 0, 36, 17] {
            topics.add(removed, topics.weights[removed].wrapping_neg());
            topics.weights[removed] = 0;
            let total: u64 = topics.weights.iter().sum();
            assert_eq!(topics.tree_total(), total);
            let mut stream = rng::stream(5, "test");
            for _ in 0..2000 {
                let r = stream.random_range(0..total);
                let mut running = 0;
                let scan = topics
                    .weights
                    .iter()
                    .position(|w| {
                        running += w;
                        running > r
                    })
                    .unwrap();
                assert_eq!(topics.find(r), scan, "r = {r}");
            }
        }
    }
}
