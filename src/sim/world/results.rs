//! The end of a run: the per-client ledgers and the counters settled into the variant's
//! [`RunResult`].
//!
//! Assembly only: each part hands in its piece (the recorder its counts, the fleet its
//! replicas, the fault plan and recovery their faults, the devices their energy, the
//! transport states where the clients ended on a fallback chain); the settlement of a
//! client's ledger is [`crate::metrics::ledger`]'s, the bytes per hop
//! [`crate::metrics::hops`]'s. The world reads its clients' cursors and counts.

use super::World;
use crate::ids::{EventNo, GroupId};
use crate::metrics::channels::ChannelResult;
use crate::metrics::hops::hop_bytes;
use crate::metrics::ledger::{LedgerMark, LedgerParts, WindowLedger};
use crate::metrics::recorder::{Count, Recorder};
use crate::metrics::{
    BlockedStreams, BytesPerClientHour, ClientLedger, EventLedger, FallbackResult, GroupEnergy,
    LostByReason, QueuedBytes, RunResult, SessionResult, SlowConsumers, WindowTotals, fixed,
};
use crate::net::wire::WireBytes;
use crate::scenario::TransportSpec;
use crate::sim::build;
use crate::sim::event::ClientId;
use crate::time::SimTime;

impl World<'_> {
    /// Settles the ledger and the counters into the variant's result.
    pub fn finish(mut self, variant: &TransportSpec, sim_events: u64) -> RunResult {
        // A window no event reached (a run stopped before it) opens at the end: empty.
        let opening = self.window_opening.unwrap_or_else(|| self.ledger_mark());
        let window_opened_at = self.window_first_event.unwrap_or(self.events_so_far);
        let end = SimTime::ZERO + self.scenario.duration;
        for c in 0..self.clients.len() {
            self.settle_acks(ClientId::at(c), end);
        }
        let still_blocked = self.still_blocked(end);
        for wait in &still_blocked {
            self.recorder.unblocked(*wait);
        }
        // The world still answers questions below; its recorder is done.
        let recorder = std::mem::replace(&mut self.recorder, Recorder::new(0, 0, 0));
        let mut recorded = recorder.finish();
        // With several channels the recorder kept each channel's bytes under its own keys
        // (`Client::tally`): per channel, and folded back into the groups.
        let groups = self.scenario.groups.len();
        let channel_bytes: Vec<WireBytes> = recorded
            .bytes_by_group
            .chunks(groups.max(1))
            .map(|chunk| {
                let mut sum = WireBytes::default();
                for b in chunk {
                    sum.down.add(b.down);
                    sum.up.add(b.up);
                }
                sum
            })
            .collect();
        for k in groups..recorded.bytes_by_group.len() {
            let (down, up) = (
                recorded.bytes_by_group[k].down,
                recorded.bytes_by_group[k].up,
            );
            recorded.bytes_by_group[k % groups].down.add(down);
            recorded.bytes_by_group[k % groups].up.add(up);
        }
        recorded.bytes_by_group.truncate(groups);
        let mut ledger = EventLedger {
            events: u64::from(self.events_so_far.get()),
            generated: 0,
            delivered: 0,
            lost: 0,
            in_flight: 0,
            conflated: 0,
            lost_by_reason: self.lost_by_reason(recorded.lost),
            out_of_order: recorded.out_of_order,
            duplicates: recorded.duplicates,
        };
        for l in self.client_ledgers() {
            ledger.generated += l.generated;
            ledger.delivered += l.delivered;
            ledger.lost += l.lost;
            ledger.conflated += l.conflated;
            ledger.in_flight += l.in_flight;
        }
        let clients = self.layout.users() as u64;
        let window = self.scenario.window();
        let bytes = recorded.bytes;
        let all = bytes.down.total() + bytes.up.total();
        let payload = bytes.down.payload + bytes.up.payload;
        let responses = recorded.get(Count::Responses);
        let requests = recorded.get(Count::Requests);
        let empty_responses = recorded.get(Count::EmptyResponses);
        let mut series = std::mem::take(&mut recorded.series);
        series.finish(|second| {
            let t = second as u64 * 1_000_000_000;
            self.fleet
                .cores_available(t, |t, in_service| self.faults.down_count(t, in_service))
        });
        let faults = self.fault_results(&series);
        RunResult {
            label: variant.label.clone(),
            transport: variant.kind.name().to_string(),
            grpc_mode: variant.kind.grpc_mode(),
            seed: self.scenario.seed,
            clients,
            latency: recorded.latency.summary(),
            latency_cdf: recorded.latency.cdf(),
            first_response: recorded.first_response.summary(),
            blocked_streams: BlockedStreams {
                blocked: recorded.blocked_streams,
                still_blocked: still_blocked.len() as u64,
                wait: recorded.blocked_wait.summary(),
            },
            bytes_down_per_client_hour: BytesPerClientHour::from_window(
                bytes.down, clients, window,
            ),
            bytes_up_per_client_hour: BytesPerClientHour::from_window(bytes.up, clients, window),
            payload_efficiency: if all == 0 {
                0.0
            } else {
                fixed(payload as f64 / all as f64, 6)
            },
            requests_per_second: fixed(requests as f64 / (window as f64 / 1e9), 3),
            empty_response_share: (responses > 0)
                .then(|| fixed(empty_responses as f64 / responses as f64, 6)),
            polls_skipped: recorded.get(Count::PollsSkipped),
            peak_open_connections: self.fleet.peak_connections(),
            cpu_utilisation: fixed(
                self.fleet
                    .cpu_utilisation(|r| self.faults.down_intervals(r)),
                6,
            ),
            mean_cpu_queueing_delay_ms: self.fleet.mean_queueing_delay_ms(),
            peak_memory_bytes: self.fleet.peak_memory(),
            replicas: self.fleet.replica_results(),
            proxies: self.proxy_results(),
            faults,
            energy: self.energy_results(),
            messages: self.message_result(),
            webhooks: None,
            history: self.history_result(),
            fallback: self.fallback_result(variant),
            // Only where a request can miss: with one replica, every session is found.
            sessions: (self.chain.sessions() && self.scenario.max_replicas() > 1).then(|| {
                SessionResult {
                    missed_requests: recorded.get(Count::SessionMisses),
                    handshakes: recorded.get(Count::SessionHandshakes),
                    events_lost: ledger.lost_by_reason.session,
                }
            }),
            serverless: self.serverless_result(),
            imbalance: self.fleet.imbalance(),
            broker_messages: recorded.get(Count::BrokerMessages),
            disconnected_clients: self.transports.disconnected() as u64,
            slow_consumers: SlowConsumers {
                dropped_messages: recorded.get(Count::SlowConsumerDrops),
                disconnects: recorded.get(Count::SlowConsumerDisconnects),
                peak_send_buffer_bytes: recorded.peak_send_buffer,
            },
            ledger,
            window_ledger: Some(WindowLedger::between(
                &opening,
                &self.window_closing(&ledger, window_opened_at),
            )),
            totals: WindowTotals {
                bytes,
                requests,
                responses,
                empty_responses,
                connections_opened: recorded.get(Count::ConnectionsOpened),
                proxy_closes: recorded.get(Count::ProxyCloses),
                lifetime_closes: recorded.get(Count::LifetimeCloses),
                drain_closes: recorded.get(Count::DrainCloses),
                age_closes: recorded.get(Count::AgeCloses),
                refused: recorded.get(Count::Refused),
                denied: recorded.get(Count::Denied),
                reconnects: recorded.get(Count::Reconnects),
                segments_sent: recorded.get(Count::SegmentsSent),
                retransmitted_segments: recorded.get(Count::RetransmittedSegments),
                packets_down: recorded.get(Count::PacketsDown),
                packets_up: recorded.get(Count::PacketsUp),
                idle_closes: recorded.get(Count::IdleCloses),
                queued_at_end: QueuedBytes {
                    down: recorded.queued_at_end.down
                        + (0..self.clients.len())
                            .map(|c| self.connections.buffered(c))
                            .sum::<u64>(),
                    up: recorded.queued_at_end.up,
                },
            },
            hops: self.hops(&recorded.bytes_by_group),
            series,
            channels: self.channel_results(variant, &channel_bytes, clients, window),
            services: self
                .calls
                .as_ref()
                .map_or_else(Vec::new, |calls| calls.results()),
            sim_events,
            stopped: None,
        }
    }

    /// Bytes per hop, with each shared link's queue (the hops are the access profiles,
    /// then the topology links in order).
    fn hops(
        &self,
        bytes_by_group: &[crate::net::wire::WireBytes],
    ) -> Vec<crate::metrics::HopBytes> {
        let mut hops = hop_bytes(&build::hops_of(self.scenario), bytes_by_group);
        let topology = &mut hops[self.scenario.links.len()..];
        let mut counters = self.network.shared_counters().into_iter();
        for (hop, link) in topology.iter_mut().zip(&self.scenario.topology_links) {
            if link.shared.is_some() {
                let [down, up] = counters.next().expect("a queue per shared link");
                hop.queue = Some([(&down).into(), (&up).into()]);
            }
        }
        hops
    }

    /// Per channel, for a variant of several channels (empty for the short form).
    fn channel_results(
        &self,
        variant: &TransportSpec,
        bytes: &[WireBytes],
        users: u64,
        window: u64,
    ) -> Vec<ChannelResult> {
        let Some(per_channel) = &self.per_channel else {
            return Vec::new();
        };
        let described = variant
            .channels
            .iter()
            .map(|ch| {
                let names = &self.scenario.workload.stream_names;
                let receives = names.names(ch.receives);
                let receives = receives.into_iter().map(str::to_string).collect();
                (ch.name().to_string(), receives, ch.sends, ch.history)
            })
            .collect();
        per_channel.results(described, bytes, users, window)
    }

    /// The measurement window opens now: the ledger's counts are its opening balance.
    #[cold]
    pub(super) fn open_measurement_window(&mut self) {
        self.window_opening = Some(self.ledger_mark());
        self.window_first_event = Some(self.events_so_far);
    }

    /// The run's ledger as the window's closing: without the `never_connected` pairs of
    /// events created before the window (from `first`, the window's first event on).
    /// The opening mark counts registered clients only, and a client that never connected
    /// is settled at the end, so those pairs would otherwise land in the window.
    fn window_closing(&self, ledger: &EventLedger, first: EventNo) -> EventLedger {
        let before: u64 = ClientId::all(self.visible_clients)
            .map(|c| self.never_connected(c, first))
            .sum();
        let mut closing = *ledger;
        closing.generated -= before;
        closing.lost -= before;
        closing.lost_by_reason.never_connected -= before;
        closing
    }

    /// The window's opening mark, once it has opened.
    pub(super) fn window_opening(&self) -> Option<LedgerMark> {
        self.window_opening
    }

    /// The ledger's counts that only grow, at this moment (see [`LedgerMark`]): the
    /// visible clients' pairs generated, delivered and counted lost.
    pub(super) fn ledger_mark(&self) -> LedgerMark {
        let (out_of_order, duplicates) = self.recorder.misordered_so_far();
        let mut mark = LedgerMark {
            lost_by_reason: self.recorder.lost_so_far(),
            out_of_order,
            duplicates,
            ..LedgerMark::default()
        };
        for c in ClientId::all(self.visible_clients) {
            let client = &self.clients[c];
            mark.delivered += client.delivered;
            mark.lost += client.lost;
            mark.conflated += self.conflated.get(c.index()).copied().unwrap_or(0);
            if client.registered {
                mark.generated += u64::from(self.log.count_for(
                    c,
                    client.first_event,
                    self.events_so_far,
                ));
            }
        }
        mark
    }

    /// Clients per final transport, for a variant with a fallback chain.
    fn fallback_result(&self, variant: &TransportSpec) -> Option<FallbackResult> {
        let crate::scenario::TransportKind::WebSocket(crate::scenario::WebSocketSpec {
            fallback,
            ..
        }) = &variant.kind
        else {
            return None;
        };
        let steps: Vec<&str> = fallback.iter().map(|step| step.kind.name()).collect();
        self.transports
            .fallback_result(variant.kind.name(), &steps, self.visible_clients)
    }

    /// Whether the events waiting at the server for `c` will never reach it (its
    /// transport state says: [`crate::transport::ClientState::abandons`]).
    #[inline]
    fn abandons(&self, c: ClientId) -> bool {
        self.transports[c].abandons(self.chain)
    }

    /// `c` lost a connection: if it has never registered, its events count from now, lost
    /// as `never_connected` unless it registers before the end.
    pub(super) fn failed_to_connect(&mut self, c: ClientId) {
        if !self.clients[c].registered {
            self.failed_before_connecting
                .entry(c.index())
                .or_insert(self.events_so_far);
        }
    }

    /// (event, client) pairs for visible client `c` if it never connected: the events for
    /// it since its first failed attempt (0 for a client that registered, or has not failed
    /// yet: it is still connecting), up to event `to`.
    fn never_connected(&self, c: ClientId, to: EventNo) -> u64 {
        if self.clients[c].registered {
            return 0;
        }
        match self.failed_before_connecting.get(&c.index()) {
            Some(&from) if from < to => u64::from(self.log.count_for(c, from, to)),
            _ => 0,
        }
    }

    /// Lost by reason, with the events waiting for clients that will never get them.
    fn lost_by_reason(&self, counted: LostByReason) -> LostByReason {
        let mut lost = counted;
        for c in ClientId::all(self.visible_clients) {
            lost.never_connected += self.never_connected(c, self.events_so_far);
        }
        for (c, client) in self
            .clients
            .iter()
            .enumerate()
            .filter(|(_, c)| c.registered)
        {
            let c = ClientId::at(c);
            let waiting = self.log.count_for(c, client.cursor, self.events_so_far) as u64;
            let disconnected = self.transports[c].is_disconnected();
            lost.add_abandoned(waiting, disconnected, self.abandons(c));
        }
        lost
    }

    /// Every client's ledger at this moment, in client order.
    pub fn client_ledgers(&self) -> Vec<ClientLedger> {
        ClientId::all(self.visible_clients)
            .map(|c| self.client_ledger(c))
            .collect()
    }

    /// Visible client `c`'s ledger at this moment.
    pub(super) fn client_ledger(&self, c: ClientId) -> ClientLedger {
        let client = &self.clients[c];
        if !client.registered {
            let never = self.never_connected(c, self.events_so_far);
            let mut ledger = ClientLedger::unregistered(client.delivered, client.lost);
            ledger.generated += never;
            ledger.lost += never;
            return ledger;
        }
        ClientLedger::settle(LedgerParts {
            generated: self
                .log
                .count_for(c, client.first_event, self.events_so_far) as u64,
            delivered: client.delivered,
            lost: client.lost,
            conflated: self.conflated.get(c.index()).copied().unwrap_or(0),
            waiting: self.log.count_for(c, client.cursor, self.events_so_far) as u64,
            abandons: self.abandons(c),
            in_jobs: client.events_in_jobs,
            on_wire: client.events_on_wire,
            in_history: self.history_in_flight(c),
        })
    }

    /// Per group with a radio: what its devices spent over the whole run.
    fn energy_results(&self) -> Vec<GroupEnergy> {
        let end = self.scenario.duration;
        let mut out = Vec::new();
        for (g, group) in self.scenario.groups.iter().enumerate() {
            let g = GroupId::at(g);
            let Some(total) = self.devices.group_report(g, end) else {
                continue;
            };
            let technologies = build::technologies_of(self.scenario, &self.faults, g);
            out.push(GroupEnergy::new(
                group.name.clone(),
                &technologies,
                total,
                end,
            ));
        }
        out
    }
}
