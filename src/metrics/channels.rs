//! What a run of a variant of several channels measures per channel: the bytes each
//! channel's connections carried, the latency of the events it delivered, the connections
//! it opened and the server CPU its jobs took. The run's totals stay the
//! [`super::recorder::Recorder`]'s; these are their breakdown, so the channels' bytes,
//! connections and deliveries sum to the totals.
//!
//! Owns: the per-channel counters (indexed by the channel's place in the scenario's list)
//! and the per-channel result. Does not own: the measurement window (the world asks the
//! recorder and counts only what falls in it, as it does for the totals) nor which client
//! is which channel (`transport::channels`).

use serde::{Deserialize, Serialize};

use super::latency::LatencyRecorder;
use super::result::{BytesPerClientHour, LatencySummary, fixed};
use crate::net::wire::WireBytes;
use crate::time::Nanos;

/// One channel's counters (its bytes are the recorder's, under the channel's own keys).
#[derive(Debug, Clone, Default)]
struct Counters {
    latency: LatencyRecorder,
    connections_opened: u64,
    cpu: Nanos,
}

/// The per-channel counters of one run.
#[derive(Debug, Clone, Default)]
pub struct ChannelMetrics {
    channels: Vec<Counters>,
}

impl ChannelMetrics {
    /// Counters for `channels` channels.
    pub fn new(channels: usize) -> Self {
        ChannelMetrics {
            channels: vec![Counters::default(); channels],
        }
    }

    /// Channel `ch` delivered an event `latency` after it was created (an event created in
    /// the window).
    #[inline]
    pub fn delivered(&mut self, ch: usize, latency: Nanos) {
        self.channels[ch].latency.record(latency);
    }

    /// Channel `ch` opened a connection in the window.
    pub fn connection_opened(&mut self, ch: usize) {
        self.channels[ch].connections_opened += 1;
    }

    /// A server job for channel `ch` took `cost` of CPU (a job started in the window).
    #[inline]
    pub fn cpu(&mut self, ch: usize, cost: Nanos) {
        self.channels[ch].cpu += cost;
    }

    /// The results, in channel order; `described[i]` is channel `i`'s (transport,
    /// streams it receives, sends, carries history) and `bytes[i]` its bytes in the window;
    /// per client-hour over `users` users and a window of `window_ns`.
    pub fn results(
        &self,
        described: Vec<(String, Vec<String>, bool, bool)>,
        bytes: &[WireBytes],
        users: u64,
        window_ns: u64,
    ) -> Vec<ChannelResult> {
        self.channels
            .iter()
            .zip(described)
            .zip(bytes)
            .map(
                |((counts, (transport, receives, sends, history)), bytes)| ChannelResult {
                    transport,
                    receives,
                    sends,
                    history,
                    bytes_down_per_client_hour: BytesPerClientHour::from_window(
                        bytes.down, users, window_ns,
                    ),
                    bytes_up_per_client_hour: BytesPerClientHour::from_window(
                        bytes.up, users, window_ns,
                    ),
                    bytes: *bytes,
                    latency: counts.latency.summary(),
                    connections_opened: counts.connections_opened,
                    server_cpu_seconds: fixed(counts.cpu as f64 / 1e9, 6),
                },
            )
            .collect()
    }
}

/// One channel's results in a variant of several channels.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChannelResult {
    /// Its transport (`rest` for the REST channel).
    pub transport: String,
    /// The event streams it receives.
    pub receives: Vec<String>,
    /// It carries the clients' messages up.
    pub sends: bool,
    /// It carries the history fetches.
    pub history: bool,
    pub bytes_down_per_client_hour: BytesPerClientHour,
    pub bytes_up_per_client_hour: BytesPerClientHour,
    /// Its bytes within the window, by direction and layer (the run's totals are the sum
    /// over the channels).
    pub bytes: WireBytes,
    /// Latency of the events it delivered (created within the window).
    pub latency: Option<LatencySummary>,
    /// Connections its clients opened within the window.
    pub connections_opened: u64,
    /// Server CPU of its jobs started within the window, in seconds.
    pub server_cpu_seconds: f64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::wire::LayerBytes;

    #[test]
    fn counts_each_channel_apart() {
        let mut metrics = ChannelMetrics::new(2);
        let layers = LayerBytes {
            payload: 10,
            framing: 2,
            tls: 0,
            tcpip: 52,
            retransmit: 0,
        };
        let bytes = [
            WireBytes::default(),
            WireBytes {
                down: layers,
                up: layers,
            },
        ];
        metrics.delivered(0, 5_000_000);
        metrics.connection_opened(1);
        metrics.cpu(0, 1_500_000);
        let described = vec![
            (
                "websocket".to_string(),
                vec!["messages".to_string()],
                true,
                false,
            ),
            ("sse".to_string(), vec!["events".to_string()], false, false),
        ];
        let results = metrics.results(described, &bytes, 1, 3_600_000_000_000);
        assert_eq!(results[1].bytes.down.total(), 64);
        assert_eq!(results[1].bytes_up_per_client_hour.total, 64.0);
        assert_eq!(results[0].bytes.down.total(), 0);
        assert_eq!(results[0].latency.as_ref().map(|l| l.samples), Some(1));
        assert_eq!(results[1].latency, None);
        assert_eq!(
            (results[0].connections_opened, results[1].connections_opened),
            (0, 1)
        );
        assert_eq!(results[0].server_cpu_seconds, 0.0015);
    }
}
