//! The webhook world: the sender, its connections and the receivers, driven by the
//! engine through [`Event`]s.
//!
//! One attempt of a pair goes: CPU at the sender (`send_cost`), then a connection (an idle
//! one from the pool, or SYN / SYN-ACK and the TLS flights), the POST, the receiver's queue
//! and workers, the response. The attempt fails when its timer fires first or a reset
//! arrives; the retry schedule then decides. Handlers change only this model's state and
//! schedule follow-ups; the engine alone owns the queue.

use super::config::WebhookConfig;
use super::connection::{Arena, Peer, Pool, paths};
use super::event::{ConnRef, Event, PairId, ReceiverId};
use super::message::{Kind, Message, ReceiverMsg, SenderMsg, bare_segment};
use super::outcome::{DeliveryCounts, PairRecord, ReceiverOutcome, WebhookOutcome};
use super::receiver::{Receiver, Request};
use crate::engine::rng::{self, Stream, uniform_below};
use crate::engine::{Model, Scheduler};
use crate::ids::EventNo;
use crate::infra::server::{CostTable, Server, ServerSpec, TransportCosts};
use crate::metrics::latency::LatencyRecorder;
use crate::net::handshake::fin_exchange;
use crate::net::network::Network;
use crate::net::wire::{Direction, LayerBytes, WireBytes};
use crate::time::SimTime;
use crate::workload::EventLog;

/// A pair's state at the sender, with its public record.
#[derive(Debug, Clone, Copy, Default)]
struct Pair {
    record: PairRecord,
    /// An attempt is under way (from its CPU work to its success or failure).
    pending: bool,
    /// The connection the current attempt uses, once it has one.
    conn: Option<ConnRef>,
}

/// What the sender keeps per receiver beside the network: its pool, and the draws of
/// lost responses.
#[derive(Debug, Clone)]
struct Path {
    /// Draws which responses are lost.
    loss: Stream,
    pool: Pool,
}

/// What is counted per receiver as it happens (the ledger comes from the pair records at
/// the end).
#[derive(Debug, Clone, Default)]
struct Tally {
    bytes: WireBytes,
    counts: DeliveryCounts,
    latency: LatencyRecorder,
    acknowledged_latency: LatencyRecorder,
}

pub(super) struct Webhook<'a> {
    config: &'a WebhookConfig,
    log: &'a EventLog,
    /// Events in the log: the stride of pair ids.
    events: u32,
    /// By [`PairId`]: receiver-major.
    pairs: Vec<Pair>,
    conns: Arena,
    /// The paths between the sender and the receivers: receiver `r` is the network's group
    /// `r`, with one access link of its own (one serializer per direction).
    network: Network,
    receivers: Vec<Receiver>,
    paths: Vec<Path>,
    sender: Server,
    tallies: Vec<Tally>,
    latency: LatencyRecorder,
    acknowledged_latency: LatencyRecorder,
}

impl<'a> Webhook<'a> {
    /// The world at time 0. The configuration must have passed `validate`.
    pub fn new(config: &'a WebhookConfig, log: &'a EventLog) -> Self {
        let events = log.len() as u32;
        let receivers = &config.receivers;
        let sender_spec = ServerSpec {
            replicas: 1,
            max_connections: None,
            cores: config.sender_cores,
            costs: CostTable::uniform(TransportCosts::FREE),
            exponential_costs: false,
            io: crate::infra::io::IoModel::EventLoop,
            keepalive_timeout: None,
            send_buffer: None,
            serverless: None,
        };
        Webhook {
            config,
            log,
            events,
            pairs: vec![Pair::default(); events as usize * receivers.len()],
            conns: Arena::default(),
            receivers: receivers
                .iter()
                .map(|r| Receiver::new(r.capacity, r.service_time))
                .collect(),
            paths: receivers
                .iter()
                .map(|r| {
                    let stream = |purpose: &str| {
                        rng::stream(config.seed, &format!("webhook-{purpose}:{}", r.name))
                    };
                    Path {
                        loss: stream("response-loss"),
                        pool: Pool::default(),
                    }
                })
                .collect(),
            network: paths(config),
            sender: Server::new(&sender_spec, config.warmup, config.duration),
            tallies: vec![Tally::default(); receivers.len()],
            latency: LatencyRecorder::default(),
            acknowledged_latency: LatencyRecorder::default(),
        }
    }

    /// Schedules the outages and the events' creation. Outages go first, so an event
    /// created at the very instant an outage starts meets the receiver down.
    pub fn schedule_start(&self, s: &mut Scheduler<Event>) {
        for (r, receiver) in self.config.receivers.iter().enumerate() {
            let r = ReceiverId::at(r);
            for (start, end) in &receiver.downtime {
                s.at(SimTime::from_nanos(*start), Event::Downtime(r, true));
                s.at(SimTime::from_nanos(*end), Event::Downtime(r, false));
            }
        }
        for (n, time) in self.log.times.iter().enumerate() {
            if *time < self.config.duration {
                s.at(SimTime::from_nanos(*time), Event::Created(EventNo::at(n)));
            }
        }
    }

    /// The pair of event `n` and `receiver`.
    fn pair_id(&self, receiver: ReceiverId, n: EventNo) -> PairId {
        PairId::new(receiver.get() * self.events + n.get())
    }

    /// (receiver, event number) of a pair.
    fn split(&self, pair: PairId) -> (ReceiverId, EventNo) {
        (
            ReceiverId::new(pair.get() / self.events),
            self.event_of(pair),
        )
    }

    /// The pair's event.
    fn event_of(&self, pair: PairId) -> EventNo {
        EventNo::new(pair.get() % self.events)
    }

    fn created(&self, pair: PairId) -> SimTime {
        SimTime::from_nanos(self.log.time_of(self.event_of(pair)))
    }

    /// The pair's event was created within the window: it is counted.
    fn counted(&self, pair: PairId) -> bool {
        self.config.in_window(self.created(pair))
    }

    fn count_bytes(
        &mut self,
        receiver: ReceiverId,
        direction: Direction,
        bytes: LayerBytes,
        at: SimTime,
    ) {
        if self.config.in_window(at) {
            self.tallies[receiver]
                .bytes
                .direction_mut(direction)
                .add(bytes);
        }
    }

    /// A FIN exchange closing a connection: FIN, FIN-ACK, ACK, starting from `closer`.
    fn count_close(&mut self, receiver: ReceiverId, closer: Direction, at: SimTime) {
        let segment = bare_segment(self.config);
        for direction in fin_exchange(closer) {
            self.count_bytes(receiver, direction, segment, at);
        }
    }

    /// Puts `msg` on `conn` at `now`: counts its bytes as the link carries them and
    /// returns its arrival (see [`Arena::transmit`]); `None` if the connection is closed.
    fn transmit(&mut self, conn: ConnRef, msg: Message, now: SimTime) -> Option<SimTime> {
        let bytes = msg.bytes;
        let direction = msg.direction();
        let (r, sent, arrival) = self.conns.transmit(conn, &mut self.network, msg, now)?;
        // Counted as the link carries them: the part serialized within the window.
        let carried = bytes.within(
            sent.start,
            sent.done,
            SimTime::from_nanos(self.config.warmup),
            SimTime::from_nanos(self.config.duration),
        );
        self.tallies[r].bytes.direction_mut(direction).add(carried);
        Some(arrival)
    }

    fn sender_sends(
        &mut self,
        conn: ConnRef,
        msg: SenderMsg,
        now: SimTime,
        s: &mut Scheduler<Event>,
    ) {
        let Some(open) = self.conns.get(conn) else {
            return;
        };
        let payload = match (msg, open.pair) {
            (SenderMsg::Request, Some(pair)) => self.log.payload(self.event_of(pair)),
            _ => 0,
        };
        let msg = Message::from_sender(self.config, msg, payload);
        if let Some(arrival) = self.transmit(conn, msg, now) {
            s.at(arrival, Event::AtReceiver(conn));
        }
    }

    fn receiver_sends(
        &mut self,
        conn: ConnRef,
        msg: ReceiverMsg,
        now: SimTime,
        s: &mut Scheduler<Event>,
    ) {
        let msg = Message::from_receiver(self.config, msg);
        if let Some(arrival) = self.transmit(conn, msg, now) {
            s.at(arrival, Event::AtSender(conn));
        }
    }

    /// An attempt of `pair` starts: its CPU work is queued on the sender's cores.
    fn start_attempt(&mut self, pair: PairId, now: SimTime, s: &mut Scheduler<Event>) {
        let state = &mut self.pairs[pair];
        state.record.attempts += 1;
        state.pending = true;
        let done = self.sender.execute(now, self.config.sender.send_cost);
        s.at(done, Event::Send(pair));
    }

    /// The attempt goes on the network: its timer starts, and it takes an idle connection
    /// or opens one.
    fn send_attempt(&mut self, pair: PairId, now: SimTime, s: &mut Scheduler<Event>) {
        let (r, _) = self.split(pair);
        let attempt = self.pairs[pair].record.attempts;
        s.at(
            now.saturating_add(self.config.sender.timeout),
            Event::Timeout(pair, attempt),
        );
        if self.config.in_window(now) {
            self.tallies[r].counts.requests_in_window += 1;
        }
        let idle = if self.config.sender.reuse_connections {
            self.take_idle(r, now)
        } else {
            None
        };
        match idle {
            Some(conn) => {
                if let Some(open) = self.conns.get_mut(conn) {
                    open.pair = Some(pair);
                }
                self.pairs[pair].conn = Some(conn);
                self.sender_sends(conn, SenderMsg::Request, now, s);
            }
            None => {
                let conn = self.conns.open(r, pair);
                self.pairs[pair].conn = Some(conn);
                if self.config.in_window(now) {
                    self.tallies[r].counts.connections_opened += 1;
                }
                self.sender_sends(conn, SenderMsg::Syn, now, s);
            }
        }
    }

    /// The receiver closes pooled connections idle for its keep-alive timeout by `now`
    /// (lazily: the close is counted at the time it happened).
    fn expire_idle(&mut self, r: ReceiverId, now: SimTime) {
        let Some(keepalive) = self.config.receivers[r].keepalive_timeout else {
            return;
        };
        while let Some((conn, since)) = self.paths[r].pool.oldest() {
            let idle = self.conns.get(conn).is_some_and(|c| c.pair.is_none());
            if idle {
                let expiry = since.saturating_add(keepalive);
                if expiry > now {
                    return;
                }
                self.count_close(r, Direction::Up, expiry);
                self.conns.close(conn);
            }
            self.paths[r].pool.drop_oldest();
        }
    }

    /// The most recently used idle connection to receiver `r`, if any is still open.
    fn take_idle(&mut self, r: ReceiverId, now: SimTime) -> Option<ConnRef> {
        self.expire_idle(r, now);
        while let Some(conn) = self.paths[r].pool.take_newest() {
            let usable = self
                .conns
                .get(conn)
                .is_some_and(|c| c.pair.is_none() && c.peer == Peer::Open);
            if usable {
                return Some(conn);
            }
        }
        None
    }

    /// The next message towards the receiver arrived on `conn`.
    fn at_receiver(&mut self, conn: ConnRef, now: SimTime, s: &mut Scheduler<Event>) {
        // A closed connection: the sender gave up on it, and whatever it still carried is
        // dropped with it.
        let tcp = &self.config.tcp;
        let Some((open, message)) = self.conns.receive(conn, Direction::Down, now, tcp) else {
            return;
        };
        let Kind::Sender(msg) = message.kind else {
            unreachable!("only the sender's messages travel towards the receiver")
        };
        let r = open.receiver;
        match msg {
            SenderMsg::Syn => {
                if self.receivers[r].down {
                    open.peer = Peer::Gone;
                    self.receiver_sends(conn, ReceiverMsg::Reset, now, s);
                } else {
                    open.peer = Peer::Open;
                    self.receiver_sends(conn, ReceiverMsg::SynAck, now, s);
                }
            }
            // Reset or broken: the reset already sent fails the attempt.
            _ if open.peer != Peer::Open => {}
            SenderMsg::ClientHello => self.receiver_sends(conn, ReceiverMsg::ServerHello, now, s),
            SenderMsg::ClientFinished => {
                if self.config.sender.tls.handshake_round_trips() == 2 {
                    self.receiver_sends(conn, ReceiverMsg::ServerFinished, now, s);
                }
            }
            SenderMsg::Request => {
                let Some(pair) = open.pair else {
                    return;
                };
                let request = Request {
                    conn,
                    pair,
                    attempt: self.pairs[pair].record.attempts,
                };
                let receiver = &mut self.receivers[r];
                if let Some(done) = receiver.admit(request, now) {
                    s.at(done, Event::ServiceDone(r, receiver.epoch));
                }
            }
        }
    }

    /// Receiver `r` finished its oldest request: the event is processed, the next waiting
    /// request starts, and the response goes back (or is lost).
    fn service_done(&mut self, r: ReceiverId, epoch: u32, now: SimTime, s: &mut Scheduler<Event>) {
        let receiver = &mut self.receivers[r];
        if epoch != receiver.epoch {
            return;
        }
        let Some((request, next)) = receiver.finish(now) else {
            return;
        };
        if let Some(done) = next {
            s.at(done, Event::ServiceDone(r, epoch));
        }
        self.process(r, request, now);
        // The sender may have given up on this connection: the response has nowhere to go.
        let Some(open) = self.conns.get(request.conn) else {
            return;
        };
        if open.peer != Peer::Open {
            return;
        }
        let loss_ppm = self.config.receivers[r].response_loss_ppm;
        let lost =
            loss_ppm > 0 && uniform_below(&mut self.paths[r].loss, 1_000_000) < loss_ppm as u64;
        if lost {
            // The response leaves but never arrives; the connection is broken and the
            // sender's timer will fire.
            let response = Message::from_receiver(self.config, ReceiverMsg::Response);
            self.transmit(request.conn, response, now);
            self.conns.lose_newest(request.conn, Direction::Up);
            if let Some(open) = self.conns.get_mut(request.conn) {
                open.peer = Peer::Gone;
            }
        } else {
            self.receiver_sends(request.conn, ReceiverMsg::Response, now, s);
        }
    }

    /// The receiver processed `request`'s event: delivered the first time, a duplicate
    /// after.
    fn process(&mut self, r: ReceiverId, request: Request, now: SimTime) {
        let pair = request.pair;
        let counted = self.counted(pair);
        let created = self.created(pair);
        let (_, n) = self.split(pair);
        let record = &mut self.pairs[pair].record;
        record.processings += 1;
        if record.processed_at.is_some() {
            return;
        }
        record.processed_at = Some(now.as_nanos());
        record.delivered_by = request.attempt;
        let late = self.receivers[r].note_processed(n);
        if counted {
            let tally = &mut self.tallies[r];
            tally.counts.out_of_order += u64::from(late);
            tally.latency.record(now.since(created));
            self.latency.record(now.since(created));
        }
    }

    /// The next message towards the sender arrived on `conn`.
    fn at_sender(&mut self, conn: ConnRef, now: SimTime, s: &mut Scheduler<Event>) {
        // A closed connection: the attempt was abandoned, and a late answer is ignored.
        let tcp = &self.config.tcp;
        let Some((open, message)) = self.conns.receive(conn, Direction::Up, now, tcp) else {
            return;
        };
        let Kind::Receiver(msg) = message.kind else {
            unreachable!("only the receiver's messages travel towards the sender")
        };
        if msg == ReceiverMsg::Reset {
            self.reset_arrived(conn, now, s);
            return;
        }
        if open.pair.is_none() {
            return;
        }
        let round_trips = self.config.sender.tls.handshake_round_trips();
        match msg {
            ReceiverMsg::SynAck => {
                open.established = true;
                let next = if round_trips == 0 {
                    SenderMsg::Request
                } else {
                    SenderMsg::ClientHello
                };
                self.sender_sends(conn, next, now, s);
            }
            ReceiverMsg::ServerHello => {
                self.sender_sends(conn, SenderMsg::ClientFinished, now, s);
                // TLS 1.3: the request follows the client's Finished at once.
                if round_trips == 1 {
                    self.sender_sends(conn, SenderMsg::Request, now, s);
                }
            }
            ReceiverMsg::ServerFinished => self.sender_sends(conn, SenderMsg::Request, now, s),
            ReceiverMsg::Response => self.succeed(conn, now),
            ReceiverMsg::Reset => {}
        }
    }

    /// The response arrived in time: the pair is done, and the connection goes back to the
    /// pool or is closed.
    fn succeed(&mut self, conn: ConnRef, now: SimTime) {
        let Some(open) = self.conns.get_mut(conn) else {
            return;
        };
        let Some(pair) = open.pair else {
            return;
        };
        let r = open.receiver;
        let keep = self.config.sender.reuse_connections && open.peer == Peer::Open;
        if keep {
            open.pair = None;
        }
        let peer = open.peer;
        let counted = self.counted(pair);
        let created = self.created(pair);
        let state = &mut self.pairs[pair];
        state.pending = false;
        state.conn = None;
        state.record.acknowledged_at = Some(now.as_nanos());
        if counted {
            self.tallies[r]
                .acknowledged_latency
                .record(now.since(created));
            self.acknowledged_latency.record(now.since(created));
        }
        if keep {
            self.paths[r].pool.put(conn, now);
        } else {
            // A connection the receiver reset meanwhile just goes; its reset follows.
            if peer == Peer::Open {
                self.count_close(r, Direction::Down, now);
            }
            self.conns.close(conn);
        }
    }

    /// A reset arrived: the SYN was refused or the connection reset; its attempt fails.
    fn reset_arrived(&mut self, conn: ConnRef, now: SimTime, s: &mut Scheduler<Event>) {
        let Some(open) = self.conns.get(conn) else {
            return;
        };
        let (pair, established, r) = (open.pair, open.established, open.receiver);
        self.conns.close(conn);
        let Some(pair) = pair else {
            return;
        };
        if self.counted(pair) {
            let counts = &mut self.tallies[r].counts;
            if established {
                counts.resets += 1;
            } else {
                counts.refusals += 1;
            }
        }
        self.fail(pair, now, s);
    }

    /// The timer of `pair`'s attempt number `attempt` fired: unless that attempt already
    /// ended, the sender abandons it and its connection (one reset segment).
    fn timeout(&mut self, pair: PairId, attempt: u32, now: SimTime, s: &mut Scheduler<Event>) {
        let state = self.pairs[pair];
        if !state.pending || state.record.attempts != attempt {
            return;
        }
        let (r, _) = self.split(pair);
        if let Some(conn) = state.conn
            && self.conns.get(conn).is_some()
        {
            self.count_bytes(r, Direction::Down, bare_segment(self.config), now);
            self.conns.close(conn);
        }
        if self.counted(pair) {
            self.tallies[r].counts.timeouts += 1;
        }
        self.fail(pair, now, s);
    }

    /// The current attempt failed at `now`: retry per the schedule, or give up.
    fn fail(&mut self, pair: PairId, now: SimTime, s: &mut Scheduler<Event>) {
        let created = self.created(pair);
        let state = &mut self.pairs[pair];
        state.pending = false;
        state.conn = None;
        match self
            .config
            .sender
            .retry
            .next_attempt(state.record.attempts, created, now)
        {
            Some(at) => s.at(at, Event::Attempt(pair)),
            None => state.record.gave_up = true,
        }
    }

    /// Receiver `r` goes down: what it holds is lost, its connections are reset (idle
    /// pooled ones die at once, so the pool never hands them out; busy ones get a reset
    /// that fails their attempt when it arrives).
    fn outage_starts(&mut self, r: ReceiverId, now: SimTime, s: &mut Scheduler<Event>) {
        self.receivers[r].go_down();
        self.expire_idle(r, now);
        for conn in self.conns.open_to(r) {
            let Some(open) = self.conns.get_mut(conn) else {
                continue;
            };
            // A SYN still on its way will be refused; a broken one sends nothing.
            if open.peer != Peer::Open {
                continue;
            }
            open.peer = Peer::Gone;
            if open.pair.is_none() {
                let reset = Message::from_receiver(self.config, ReceiverMsg::Reset);
                self.count_bytes(r, Direction::Up, reset.bytes, now);
                self.conns.close(conn);
            } else {
                self.receiver_sends(conn, ReceiverMsg::Reset, now, s);
            }
        }
    }

    /// The outcome at the end of a run that handled `sim_events` events.
    pub fn finish(mut self, sim_events: u64) -> WebhookOutcome {
        let config = self.config;
        for r in ReceiverId::all(self.receivers.len()) {
            self.expire_idle(r, SimTime::from_nanos(config.duration));
        }
        let events = self.events as usize;
        let mut total = DeliveryCounts::default();
        let mut bytes = WireBytes::default();
        let mut receivers = Vec::with_capacity(self.tallies.len());
        let tallies = std::mem::take(&mut self.tallies);
        for (r, tally) in tallies.into_iter().enumerate() {
            let pairs: Vec<PairRecord> = self.pairs[r * events..(r + 1) * events]
                .iter()
                .map(|p| p.record)
                .collect();
            let mut counts = tally.counts;
            counts.add_pairs(&pairs, &self.log.times, |t| {
                config.in_window(SimTime::from_nanos(t))
            });
            total.add(&counts);
            bytes.down.add(tally.bytes.down);
            bytes.up.add(tally.bytes.up);
            receivers.push(ReceiverOutcome {
                name: config.receivers[r].name.clone(),
                counts,
                bytes: tally.bytes,
                latency: tally.latency,
                acknowledged_latency: tally.acknowledged_latency,
                pairs,
            });
        }
        WebhookOutcome {
            seed: config.seed,
            window: config.duration - config.warmup,
            receivers,
            total,
            bytes,
            latency: self.latency,
            acknowledged_latency: self.acknowledged_latency,
            sender_utilisation: self.sender.utilisation(),
            sender_queueing_delay: self.sender.mean_queueing_delay(),
            peak_open_connections: self.conns.peak() as u64,
            sim_events,
            stopped: None,
        }
    }
}

impl Model for Webhook<'_> {
    type Event = Event;

    fn handle(&mut self, now: SimTime, event: Event, s: &mut Scheduler<Event>) {
        match event {
            Event::Created(n) => {
                for r in ReceiverId::all(self.receivers.len()) {
                    let pair = self.pair_id(r, n);
                    self.start_attempt(pair, now, s);
                }
            }
            Event::Attempt(pair) => self.start_attempt(pair, now, s),
            Event::Send(pair) => self.send_attempt(pair, now, s),
            Event::Timeout(pair, attempt) => self.timeout(pair, attempt, now, s),
            Event::AtReceiver(conn) => self.at_receiver(conn, now, s),
            Event::AtSender(conn) => self.at_sender(conn, now, s),
            Event::ServiceDone(r, epoch) => self.service_done(r, epoch, now, s),
            Event::Downtime(r, true) => self.outage_starts(r, now, s),
            Event::Downtime(r, false) => self.receivers[r].down = false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::link::LinkParams;
    use crate::webhook::ReceiverConfig;
    use crate::workload::{
        AudienceSpec, Encoding, EventSource, Inputs, PayloadSpec, Trace, TraceAudience,
        WorkloadSpec,
    };

    /// Pairs are numbered receiver-major, and a pair's number gives back its receiver and
    /// its event (and with it the event's time and payload).
    #[test]
    fn a_pair_id_names_its_receiver_and_its_event() {
        let events = vec![(10, 100), (20, 200), (30, 300)];
        let spec = WorkloadSpec {
            source: EventSource::Trace,
            encoding: Encoding::Json,
            rate_per_second: 0.0,
            payload: PayloadSpec::FromTrace,
            protobuf_size: None,
            trace: Some(Trace {
                file: "<pair ids>".into(),
                audiences: vec![TraceAudience::All; events.len()],
                events,
                beyond_end: 0,
            }),
            messages: None,
            audience: AudienceSpec::All,
            stream_names: crate::workload::streams::StreamNames::short(),
            more_streams: Vec::new(),
            named_streams: false,
        };
        let log = EventLog::generate(Inputs {
            seed: 1,
            duration: u64::MAX,
            spec: &spec,
            groups: Vec::new(),
        });
        let link = LinkParams {
            bits_per_second: 8_000_000,
            latency: 1_000_000,
            jitter: 0,
            loss_ppm: 0,
        };
        let config = WebhookConfig::new(vec![
            ReceiverConfig::new("a", [link; 2]),
            ReceiverConfig::new("b", [link; 2]),
        ]);
        let webhook = Webhook::new(&config, &log);
        let (r, n) = (ReceiverId::new(1), EventNo::new(2));
        let pair = webhook.pair_id(r, n);
        assert_eq!(
            pair,
            PairId::new(3 + 2),
            "receiver 1's pairs follow receiver 0's 3"
        );
        assert_eq!(webhook.split(pair), (r, n));
        assert_eq!(webhook.event_of(pair), n);
        assert_eq!(webhook.created(pair), SimTime::from_nanos(30));
        assert_eq!(
            webhook.split(webhook.pair_id(ReceiverId::new(0), EventNo::new(0))),
            (ReceiverId::new(0), EventNo::new(0))
        );
        assert_eq!(
            ReceiverId::all(2).collect::<Vec<_>>(),
            [ReceiverId::new(0), ReceiverId::new(1)]
        );
        assert_eq!(format!("{pair:?} {r}"), "5 1", "bare numbers in traces");
    }
}
