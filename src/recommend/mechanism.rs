//! The mechanisms rtsim compares, ranked by simplicity: what a team has to build and run to
//! use each (1 simplest). `rtsim recommend` breaks ties between its candidates with the
//! rank, and the atlas page between a scenario's variants; the table and its reasoning are
//! in `docs/recommend.md`:
//! 1. short polling (and webhooks, and plain REST calls): plain request/response, any HTTP
//!    stack, cache and proxy friendly;
//! 2. SSE over HTTP/1.1: one long response, browser-native reconnect and resume;
//! 3. SSE over HTTP/2: the same, with HTTP/2 needed at every hop;
//! 4. long polling: request/response, but held requests, timeouts and re-asks to get right;
//! 5. WebSocket: an upgrade, a framing layer, heartbeats and reconnects the application
//!    writes;
//! 6. WebSocket with a fallback: all of 5 and a second mechanism to run;
//! 7. gRPC (streaming or unary): HTTP/2, protobuf schemas and generated clients (not in
//!    browsers).
//!
//! Webhooks share rank 1 with short polling: to the receiving service a webhook is one
//! plain POST handler, and the sender's retry queue is the same request/response it would
//! answer polls with.
//!
//! Owns: the ranks, their words, and a scenario variant's rank ([`Simplicity::of`]). Does
//! not own: the candidates ([`super::candidates`]) nor how ties are found.

use crate::scenario::spec::{TransportKind, TransportSpec};
use crate::transport::spec::PollFraming;

/// A mechanism, in simplicity order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Mechanism {
    ShortPolling,
    Webhooks,
    /// A channel of REST requests (a variant of several channels).
    RestCalls,
    Sse,
    SseOverHttp2,
    LongPolling,
    WebSocket,
    WebSocketWithFallback,
    GrpcStreaming,
    /// gRPC unary calls: polling over gRPC, or a channel sending the clients' messages.
    GrpcUnary,
}

impl Mechanism {
    /// The simplicity rank, 1 simplest.
    pub const fn rank(self) -> u32 {
        match self {
            Mechanism::ShortPolling | Mechanism::Webhooks | Mechanism::RestCalls => 1,
            Mechanism::Sse => 2,
            Mechanism::SseOverHttp2 => 3,
            Mechanism::LongPolling => 4,
            Mechanism::WebSocket => 5,
            Mechanism::WebSocketWithFallback => 6,
            Mechanism::GrpcStreaming | Mechanism::GrpcUnary => 7,
        }
    }

    /// The mechanism in words, as the recommendation and the atlas page print it.
    pub const fn words(self) -> &'static str {
        match self {
            Mechanism::ShortPolling => "short polling",
            Mechanism::Webhooks => "webhooks",
            Mechanism::RestCalls => "REST calls",
            Mechanism::Sse => "SSE over HTTP/1.1",
            Mechanism::SseOverHttp2 => "SSE over HTTP/2",
            Mechanism::LongPolling => "long polling",
            Mechanism::WebSocket => "WebSocket",
            Mechanism::WebSocketWithFallback => "WebSocket with a fallback to SSE",
            Mechanism::GrpcStreaming => "gRPC streaming",
            Mechanism::GrpcUnary => "gRPC unary calls",
        }
    }

    /// The mechanism of one transport.
    pub fn of(kind: &TransportKind) -> Mechanism {
        match kind {
            TransportKind::Polling(p) => match p.framing {
                PollFraming::Http => Mechanism::ShortPolling,
                PollFraming::GrpcUnary { .. } => Mechanism::GrpcUnary,
            },
            TransportKind::LongPolling(_) => Mechanism::LongPolling,
            TransportKind::Sse(s) if s.http.http2.is_some() => Mechanism::SseOverHttp2,
            TransportKind::Sse(_) => Mechanism::Sse,
            TransportKind::WebSocket(w) if !w.fallback.is_empty() => {
                Mechanism::WebSocketWithFallback
            }
            TransportKind::WebSocket(_) => Mechanism::WebSocket,
            TransportKind::Grpc(_) => Mechanism::GrpcStreaming,
            TransportKind::Webhook(_) => Mechanism::Webhooks,
        }
    }
}

/// How simple a scenario variant is: its most complex mechanism, then how many channels it
/// runs (a variant of several channels is more to build than its hardest one alone).
/// Ordered: the lesser is the simpler.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Simplicity {
    pub rank: u32,
    pub channels: u32,
    pub hardest: Mechanism,
}

impl Simplicity {
    /// A variant of one transport of this mechanism.
    pub const fn of_mechanism(mechanism: Mechanism) -> Simplicity {
        Simplicity {
            rank: mechanism.rank(),
            channels: 1,
            hardest: mechanism,
        }
    }

    /// A variant's simplicity: its transport's, or over its channels the hardest one's and
    /// their number.
    pub fn of(variant: &TransportSpec) -> Simplicity {
        if variant.channels.is_empty() {
            return Simplicity::of_mechanism(Mechanism::of(&variant.kind));
        }
        let hardest = variant
            .channels
            .iter()
            .map(|ch| match (&ch.transport, &ch.unary) {
                (Some(kind), _) => Mechanism::of(kind),
                (None, Some(_)) => Mechanism::GrpcUnary,
                (None, None) => Mechanism::RestCalls,
            })
            .max_by_key(|m| (m.rank(), *m))
            .expect("a variant of channels has at least one");
        Simplicity {
            rank: hardest.rank(),
            channels: variant.channels.len() as u32,
            hardest,
        }
    }

    /// `WebSocket, rank 5` or `WebSocket and 2 more channels, rank 5`.
    pub fn words(&self) -> String {
        match self.channels {
            1 => format!("{}, rank {}", self.hardest.words(), self.rank),
            n => format!(
                "{} and {} more channel{}, rank {}",
                self.hardest.words(),
                n - 1,
                if n == 2 { "" } else { "s" },
                self.rank
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn variants(yaml: &str, messages: bool) -> Vec<Simplicity> {
        let text = format!(
            "name: t\nclients:\n  c: {{ count: 1, link: lan }}\n\
             network:\n  lan: {{ latency: 1ms, bandwidth: 10Mbit/s }}\n\
             duration: 10s\n\
             workload:\n  streams:\n    prices: {{ source: periodic, rate: 1/s, payload: 10B }}\n\
             {}rest: {{ history: 10 }}\n\
             transports:\n{yaml}",
            if messages {
                "  messages: { rate: 6/min, payload: 10B, deliver_to: none }\n"
            } else {
                ""
            }
        );
        let scenario = crate::scenario::load_str("t.yaml", &text, &[]).expect("a scenario");
        scenario.transports.iter().map(Simplicity::of).collect()
    }

    /// Each transport's rank as the table says, and a variant of channels as hard as its
    /// hardest channel, then larger by its count.
    #[test]
    fn variants_rank_by_their_hardest_mechanism_then_their_channels() {
        let ranks = variants(
            "  - { label: p, polling: { interval: 1s } }\n\
             \x20 - { label: s, sse: {} }\n\
             \x20 - { label: s2, sse: { http2: true } }\n\
             \x20 - { label: lp, long_polling: {} }\n\
             \x20 - { label: ws, websocket: {} }\n\
             \x20 - { label: g, grpc: { mode: bidirectional } }\n\
             \x20 - label: ws+rest\n    channels:\n\
             \x20     - { receives: [prices], websocket: {} }\n\
             \x20     - { rest: {}, sends: messages, carries: [history] }\n\
             \x20 - label: ws+grpc+rest\n    channels:\n\
             \x20     - { receives: [prices], websocket: {} }\n\
             \x20     - { sends: messages, grpc: { mode: unary } }\n\
             \x20     - { rest: {}, carries: [history] }\n",
            true,
        );
        let of = |rank, channels, hardest| Simplicity {
            rank,
            channels,
            hardest,
        };
        use Mechanism as M;
        assert_eq!(
            ranks,
            [
                of(1, 1, M::ShortPolling),
                of(2, 1, M::Sse),
                of(3, 1, M::SseOverHttp2),
                of(4, 1, M::LongPolling),
                of(5, 1, M::WebSocket),
                of(7, 1, M::GrpcStreaming),
                of(5, 2, M::WebSocket),
                of(7, 3, M::GrpcUnary),
            ]
        );
        // WebSocket alone is simpler than WebSocket beside REST.
        assert!(ranks[4] < ranks[6]);
        assert_eq!(
            ranks[7].words(),
            "gRPC unary calls and 2 more channels, rank 7"
        );
        // A fallback (not with client messages) is one more mechanism to run.
        let fallback = variants("  - { websocket: {}, fallback: { sse: {} } }\n", false);
        assert_eq!(fallback, [of(6, 1, M::WebSocketWithFallback)]);
    }
}
