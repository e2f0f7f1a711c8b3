//! What each transport variant runs as: its state machine ([`Machine`]) and its chain of
//! fallbacks ([`Chain`]), built from the checked scenario. The transports take their
//! settings as plain values; only here does a scenario's [`TransportKind`] meet them.

use super::spec::TransportKind;
use crate::transport::{Chain, GrpcStream, LongPolling, Machine, Polling, Sse, WebSocket};

impl TransportKind {
    /// The machine of a variant's transport; `None` for webhooks, which have their own
    /// model. `has_fallback`: the variant lists fallbacks after it.
    pub fn machine(&self, has_fallback: bool) -> Option<Machine> {
        Some(match self {
            TransportKind::Polling {
                interval,
                jitter,
                http,
                not_modified,
                framing,
            } => Machine::Polling(Polling {
                interval: *interval,
                jitter: *jitter,
                http: *http,
                not_modified: *not_modified,
                framing: *framing,
            }),
            TransportKind::LongPolling {
                timeout,
                http,
                reconnect,
            } => Machine::LongPolling(LongPolling {
                timeout: *timeout,
                http: *http,
                reconnect: *reconnect,
            }),
            TransportKind::Sse {
                heartbeat,
                retry,
                http,
                reconnect,
                replay_buffer,
            } => Machine::Sse(Sse {
                heartbeat: *heartbeat,
                retry: *retry,
                http: *http,
                reconnect: *reconnect,
                replay_buffer: *replay_buffer,
            }),
            TransportKind::WebSocket {
                ping,
                upgrade_request,
                upgrade_response,
                reconnect,
                replay,
                fallback: _,
            } => Machine::WebSocket(WebSocket {
                ping: *ping,
                upgrade_request: *upgrade_request,
                upgrade_response: *upgrade_response,
                reconnect: *reconnect,
                replay: *replay,
                has_fallback,
            }),
            TransportKind::Grpc {
                http,
                keepalive,
                request_message,
                reconnect,
                replay,
                max_connection_age,
                mode,
            } => Machine::Grpc(GrpcStream {
                http: *http,
                keepalive: *keepalive,
                request_message: *request_message,
                reconnect: *reconnect,
                replay: *replay,
                max_connection_age: *max_connection_age,
                mode: *mode,
            }),
            TransportKind::Webhook { .. } => return None,
        })
    }

    /// The variant's transports in fallback order; `None` for webhooks, which have their
    /// own model.
    pub fn chain(&self) -> Option<Chain> {
        let fallback = match self {
            TransportKind::WebSocket { fallback, .. } => fallback.as_slice(),
            _ => &[],
        };
        let first = self.machine(!fallback.is_empty())?;
        // Validation allows only SSE and long polling as fallbacks, once each.
        let steps: Vec<(Machine, u32)> = fallback
            .iter()
            .filter_map(|step| Some((step.kind.machine(false)?, step.after)))
            .collect();
        Some(Chain::new(first, &steps))
    }
}
