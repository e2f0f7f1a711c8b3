//! What each transport variant runs as: its state machine ([`Machine`]) and its chain of
//! fallbacks ([`Chain`]), or the webhook model ([`Driver`]), built from the checked
//! scenario. The transports take their settings as plain values; only here does a
//! scenario's [`TransportKind`] meet them.

use super::spec::TransportKind;
use crate::transport::{Chain, Machine, WebSocket};
use crate::webhook::WebhookSpec;

/// What runs a variant: its transports' machines in fallback order, or the webhook model
/// with the sender's settings. (Built once per run; the chain is boxed as it is large.)
#[derive(Debug, Clone)]
pub enum Driver<'a> {
    Chain(Box<Chain>),
    Webhook(&'a WebhookSpec),
}

impl TransportKind {
    /// What runs this variant.
    pub fn driver(&self) -> Driver<'_> {
        let (first, fallback) = match self {
            TransportKind::Webhook(sender) => return Driver::Webhook(sender),
            TransportKind::WebSocket(spec) => (
                Machine::WebSocket(WebSocket {
                    ping: spec.ping,
                    upgrade_request: spec.upgrade_request,
                    upgrade_response: spec.upgrade_response,
                    reconnect: spec.reconnect,
                    replay: spec.replay,
                    has_fallback: !spec.fallback.is_empty(),
                    deflate: spec.deflate,
                    envelope: spec.envelope,
                    batch: spec.batch,
                    gateway: spec.gateway,
                }),
                spec.fallback.as_slice(),
            ),
            TransportKind::Polling(m) => (Machine::Polling(*m), &[][..]),
            TransportKind::LongPolling(m) => (Machine::LongPolling(*m), &[][..]),
            TransportKind::Sse(m) => (Machine::Sse(*m), &[][..]),
            TransportKind::Grpc(m) => (Machine::Grpc(*m), &[][..]),
        };
        // Validation allows only SSE and long polling as fallbacks, once each.
        let steps: Vec<(Machine, u32)> = fallback
            .iter()
            .filter_map(|step| match step.kind.driver() {
                Driver::Chain(chain) => Some((*chain.primary(), step.after)),
                Driver::Webhook(_) => None,
            })
            .collect();
        Driver::Chain(Box::new(Chain::new(first, &steps)))
    }

    /// The variant's transports in fallback order; `None` for webhooks, which have their
    /// own model.
    pub fn chain(&self) -> Option<Chain> {
        match self.driver() {
            Driver::Chain(chain) => Some(*chain),
            Driver::Webhook(_) => None,
        }
    }
}
