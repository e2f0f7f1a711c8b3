//! What each transport variant runs as: its state machine ([`Machine`]) and its chain of
//! fallbacks ([`Chain`]), built from the checked scenario. The transports take their
//! settings as plain values; only here does a scenario's [`TransportKind`] meet them.

use super::spec::TransportKind;
use crate::transport::{Chain, Machine, WebSocket};

impl TransportKind {
    /// The machine of a variant's transport; `None` for webhooks, which have their own
    /// model. `has_fallback`: the variant lists fallbacks after it.
    pub fn machine(&self, has_fallback: bool) -> Option<Machine> {
        Some(match self {
            TransportKind::Polling(m) => Machine::Polling(*m),
            TransportKind::LongPolling(m) => Machine::LongPolling(*m),
            TransportKind::Sse(m) => Machine::Sse(*m),
            TransportKind::WebSocket(spec) => Machine::WebSocket(WebSocket {
                ping: spec.ping,
                upgrade_request: spec.upgrade_request,
                upgrade_response: spec.upgrade_response,
                reconnect: spec.reconnect,
                replay: spec.replay,
                has_fallback,
            }),
            TransportKind::Grpc(m) => Machine::Grpc(*m),
            TransportKind::Webhook(_) => return None,
        })
    }

    /// The variant's transports in fallback order; `None` for webhooks, which have their
    /// own model.
    pub fn chain(&self) -> Option<Chain> {
        let fallback = match self {
            TransportKind::WebSocket(spec) => spec.fallback.as_slice(),
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
