//! `server:` the replicas' cores, CPU costs, limits, send buffers and keep-alive (or a
//! serverless platform instead of replicas), and
//! `broker:` the pub/sub backplane between replicas.

use serde::Deserialize;

use super::checker::Checker;
use super::defaults as d;
use super::error::ScenarioError;
use super::spec::{BrokerSpec, CpuCosts, SendBuffer, ServerSpec, SlowConsumerPolicy};
use crate::infra::costs::{self, CostTable, Overrides, ServerTransport};
use crate::infra::io::{IoModel, Threads};
use crate::infra::serverless::{MAX_MAX_DURATION, ServerlessSpec};
use crate::time::Nanos;
use crate::units::{ByteSize, Duration};

/// Most server replicas.
pub const MAX_REPLICAS: u32 = 1000;
/// Most cores per replica.
pub const MAX_CORES: u32 = 4096;

/// The server: one machine with cores and a FIFO run queue.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawServer {
    /// Server replicas, each with these cores, costs and limits; more than one needs a
    /// `load_balancer`. Default 1.
    pub replicas: Option<u32>,
    /// Connections a replica accepts at most: TCP connections behind a layer-4 balancer (or
    /// alone), refused with a reset beyond it; behind layer 7, requests and streams in
    /// progress (each holds one of the balancer's connections to the replica), answered
    /// `503` by the balancer when every replica is full. Default: no limit.
    pub max_connections: Option<u32>,
    /// CPU cores per replica, behind one FIFO run queue. Default 4 (an assumption for an
    /// event-loop application server).
    pub cores: Option<u32>,
    /// CPU time per operation: the application's work, the same for every transport, to
    /// which each transport adds its protocol's work (see the cost table in the docs); a
    /// transport's own block (`websocket: { push: 12us }`) gives its figures outright.
    pub cost: Option<RawCost>,
    /// `fixed`: every operation costs exactly its `cost`; `exponential`: each costs an
    /// exponentially distributed time with that mean. Default `fixed`.
    #[schemars(extend("enum" = ["fixed", "exponential", null]))]
    pub cost_distribution: Option<String>,
    /// Memory held per open connection (kernel socket, TLS and application state), to which
    /// each transport adds its protocol library's (see the cost table in the docs).
    /// Default 32KiB.
    pub memory_per_connection: Option<ByteSize>,
    /// A stream's (SSE, WebSocket) send buffer: the bytes that may wait at the server for a
    /// slow client's link. Default: none (the wait is unbounded and not counted).
    pub send_buffer: Option<RawSendBuffer>,
    /// How a replica waits on its connections: `event_loop` (epoll/kqueue: a few threads
    /// serve every connection) or `thread_per_connection` (each open connection — at
    /// layer 7 each request in progress — holds a thread: its stack as memory, a context
    /// switch per job, and connections past the thread limit refused with a reset like
    /// `max_connections`). Default `event_loop`.
    #[schemars(extend("enum" = ["event_loop", "thread_per_connection", null]))]
    pub io: Option<String>,
    /// The threads of `io: thread_per_connection` (refused with `event_loop`).
    pub threads: Option<RawThreads>,
    /// HTTP keep-alive idle timeout: the server closes a connection idle this long after
    /// its last response (a FIN exchange: 3 segments), and the next request opens a new
    /// connection with new TCP and TLS handshakes. Streams (SSE, WebSocket) and held long
    /// polls are never idle. Default 75s (nginx's `keepalive_timeout`); `0s` for none.
    pub keepalive_timeout: Option<Duration>,
    /// `fixed`: the replicas above, always running; `serverless`: an instance per
    /// concurrent invocation (AWS Lambda behind API Gateway), each invocation a request
    /// from its arrival to its answer (a long poll's hold, a stream's life), with a cold or
    /// warm start, a concurrency limit and a maximum duration (see `serverless`). Default
    /// `fixed`.
    #[schemars(extend("enum" = ["fixed", "serverless", null]))]
    pub kind: Option<String>,
    /// The platform of `kind: serverless` (refused with `fixed`).
    pub serverless: Option<RawServerless>,
}

/// A serverless platform's starts, limits and keep-warm time.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawServerless {
    /// Added before an invocation's first job when no warm instance is idle. Default
    /// 300ms (a Node.js function of 128 MB on AWS Lambda: `Init Duration` 303.63 ms,
    /// kkloudtarus.net, read 2026-12-07).
    pub cold_start: Option<Duration>,
    /// Added before an invocation's first job on an idle warm instance. Default 0s (a warm
    /// environment calls the handler at once: AWS Lambda's execution environment
    /// lifecycle).
    pub warm_start: Option<Duration>,
    /// An idle instance stays warm this long, then is gone. Default 45m (Yan Cui's
    /// measurement of AWS Lambda, 2017: 45–60 min, sometimes less; AWS does not document
    /// it).
    pub keep_warm: Option<Duration>,
    /// Invocations in progress at most (at most 4096 in rtsim; each instance runs its jobs
    /// on a core of its own); a request beyond it is refused with `429 Too Many Requests`
    /// (throttled). Default 1000 (AWS Lambda's default concurrency quota per account and
    /// region).
    pub concurrency: Option<u32>,
    /// The longest an invocation runs: a long poll held longer is answered at this limit,
    /// a stream (SSE, WebSocket, gRPC stream) is closed at it and the client reconnects.
    /// Default 29s (API Gateway's REST API integration timeout); at most 15m (AWS
    /// Lambda's maximum timeout).
    pub max_duration: Option<Duration>,
    /// The managed WebSocket gateway's limits (only with a `websocket` variant with
    /// `gateway: true`). Default: API Gateway's.
    pub gateway: Option<RawGateway>,
}

/// A managed WebSocket gateway's limits.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawGateway {
    /// A connection is closed this long after it opened; the client reconnects. Default
    /// 2h (API Gateway's WebSocket connection duration quota, read 2026-12-07).
    pub connection_duration: Option<Duration>,
    /// A connection with no data message either way this long is closed; the client
    /// reconnects. Default 10m (API Gateway's WebSocket idle connection timeout, read
    /// 2026-12-07).
    pub idle_timeout: Option<Duration>,
}

/// A thread-per-connection server's threads.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawThreads {
    /// Threads per replica at most: connections past it are refused. Default 200 (Tomcat's
    /// `maxThreads`).
    pub max: Option<u32>,
    /// Stack per thread, held as memory per connection. Default 1MiB (HotSpot's
    /// `ThreadStackSize` on 64-bit Linux).
    pub stack: Option<ByteSize>,
    /// CPU per job for the switch to the connection's thread. Default 3us (thread switches
    /// of a few microseconds on Linux servers).
    pub context_switch: Option<Duration>,
}

/// A stream's send buffer.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawSendBuffer {
    /// Bytes a stream may have waiting for its client's link. Required.
    pub limit: ByteSize,
    /// Past the limit: `buffer` (keep everything; memory grows), `drop_oldest` (discard the
    /// oldest waiting messages; their events are lost) or `disconnect` (close the stream).
    /// Required.
    #[schemars(extend("enum" = ["buffer", "drop_oldest", "disconnect"]))]
    pub policy: String,
}

/// The pub/sub backplane.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawBroker {
    /// Delay from publishing an event to its arrival at each replica with subscribers.
    /// Default 1ms.
    pub latency: Option<Duration>,
    /// CPU a replica spends on each broker message. Default 20us.
    pub cost: Option<Duration>,
}

/// CPU time per server operation (fixed).
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawCost {
    /// CPU to accept a new connection. Default 40us (an assumption).
    pub accept: Option<Duration>,
    /// Handling one HTTP request (a poll, a long-poll request, an SSE subscribe, a WebSocket
    /// upgrade). Default 120us.
    pub request: Option<Duration>,
    /// Writing one message to an open connection (an SSE event, a WebSocket frame, the
    /// answer to a held long-poll request, including an empty one at its timeout). Default
    /// 15us (an assumption).
    pub push: Option<Duration>,
    /// Sending one heartbeat or ping and handling its pong. Default 5us.
    pub ping: Option<Duration>,
    /// The server's share of a TLS handshake (key exchange and signature); the server's
    /// first flight leaves when it is done. Default 200us (an ECDHE key exchange and an
    /// ECDSA P-256 signature: 100–300 µs per core in OpenSSL's `speed` figures).
    pub tls_handshake: Option<Duration>,
    /// CPU per KiB of a message's payload, on top of `push` (pro rata: 180 B at 300ns
    /// costs 52ns). Default 0 (the application's `push` covers a small message).
    pub push_per_kib: Option<Duration>,
    /// Short polling's (HTTP) figures, replacing base plus protocol.
    pub polling: Option<RawTransportCost>,
    /// Long polling's figures.
    pub long_polling: Option<RawTransportCost>,
    /// Server-Sent Events' figures.
    pub sse: Option<RawTransportCost>,
    /// WebSocket's figures.
    pub websocket: Option<RawTransportCost>,
    /// gRPC's figures (streams and unary calls).
    pub grpc: Option<RawTransportCost>,
    /// Webhooks': the sender's memory per open connection to a receiver (its CPU is not
    /// modelled).
    pub webhook: Option<RawTransportCost>,
}

/// One transport's figures, each replacing the base plus the transport's protocol work
/// for that transport alone (`server.cost.websocket: { push: 12us }`). Each unset figure
/// stays base plus protocol.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawTransportCost {
    /// CPU to accept a new connection.
    pub accept: Option<Duration>,
    /// CPU per request (poll, long-poll request, subscribe, upgrade, gRPC call).
    pub request: Option<Duration>,
    /// CPU per message written (or a client's message read).
    pub push: Option<Duration>,
    /// CPU per KiB of a message's payload, on top of `push`.
    pub push_per_kib: Option<Duration>,
    /// CPU per KiB of a client's message read from a stream, on top of `push_per_kib`:
    /// work only reading does. Default: 250ns for WebSocket (unmasking each client frame,
    /// RFC 6455 section 5.3; a word-at-a-time XOR at about 4 GB/s), 0 for the others.
    pub read_per_kib: Option<Duration>,
    /// CPU per heartbeat or ping.
    pub ping: Option<Duration>,
    /// CPU of the server's share of a TLS handshake.
    pub tls_handshake: Option<Duration>,
    /// Memory held per open connection of this transport.
    pub memory_per_connection: Option<ByteSize>,
}

impl RawCost {
    /// The block of transport `t`, if the scenario gives one.
    fn of(&self, t: ServerTransport) -> Option<&RawTransportCost> {
        match t {
            ServerTransport::Polling => self.polling.as_ref(),
            ServerTransport::LongPolling => self.long_polling.as_ref(),
            ServerTransport::Sse => self.sse.as_ref(),
            ServerTransport::WebSocket => self.websocket.as_ref(),
            ServerTransport::Grpc => self.grpc.as_ref(),
            ServerTransport::Webhook => self.webhook.as_ref(),
        }
    }
}

impl RawTransportCost {
    fn overrides(&self) -> Overrides {
        let ns = |v: Option<Duration>| v.map(Duration::as_nanos);
        Overrides {
            accept: ns(self.accept),
            request: ns(self.request),
            push: ns(self.push),
            push_per_kib: ns(self.push_per_kib),
            read_per_kib: ns(self.read_per_kib),
            ping: ns(self.ping),
            tls_handshake: ns(self.tls_handshake),
            memory_per_connection: self.memory_per_connection.map(|v| v.bytes()),
        }
    }
}

/// Reads `server` (all fields have defaults): a known cost distribution, 1 to
/// [`MAX_REPLICAS`] replicas, a connection limit of at least one, a known send-buffer
/// policy, 1 to [`MAX_CORES`] cores.
pub(crate) fn server(raw: Option<&RawServer>, c: &Checker) -> Result<ServerSpec, ScenarioError> {
    let raw_server = raw.cloned().unwrap_or_default();
    let cost = raw_server.cost.clone().unwrap_or_default();
    let exponential_costs = match raw_server.cost_distribution.as_deref() {
        None | Some("fixed") => false,
        Some("exponential") => true,
        Some(other) => {
            return Err(c.error(
                "server.cost_distribution",
                format!("unknown distribution \"{other}\"; expected one of: fixed, exponential"),
            ));
        }
    };
    let io = io_model(&raw_server, c)?;
    let replicas = raw_server.replicas.unwrap_or(1);
    if !(1..=MAX_REPLICAS).contains(&replicas) {
        return Err(c.error(
            "server.replicas",
            format!("must be between 1 and {MAX_REPLICAS}"),
        ));
    }
    let serverless = serverless(&raw_server, c)?;
    if raw_server.max_connections == Some(0) {
        return Err(c.error("server.max_connections", "must be at least 1"));
    }
    let server = ServerSpec {
        replicas,
        max_connections: raw_server.max_connections,
        // A function's instances each run on their own core.
        cores: serverless.map_or(raw_server.cores.unwrap_or(d::SERVER_CORES), |s| {
            s.concurrency
        }),
        exponential_costs,
        io,
        costs: CostTable::build(
            CpuCosts {
                accept: cost.accept.map_or(d::COST_ACCEPT, |v| v.as_nanos()),
                request: cost.request.map_or(d::COST_REQUEST, |v| v.as_nanos()),
                push: cost.push.map_or(d::COST_PUSH, |v| v.as_nanos()),
                push_per_kib: cost
                    .push_per_kib
                    .map_or(d::COST_PUSH_PER_KIB, |v| v.as_nanos()),
                // Only a transport's protocol reads with work of its own (WebSocket's
                // unmasking); the application's read is its `push_per_kib`.
                read_per_kib: 0,
                ping: cost.ping.map_or(d::COST_PING, |v| v.as_nanos()),
                tls_handshake: cost
                    .tls_handshake
                    .map_or(d::COST_TLS_HANDSHAKE, |v| v.as_nanos()),
            },
            raw_server
                .memory_per_connection
                .map_or(d::MEMORY_PER_CONNECTION, |v| v.bytes()),
            costs::protocol,
            |t| {
                cost.of(t)
                    .map_or_else(Overrides::default, RawTransportCost::overrides)
            },
        ),
        send_buffer: match &raw_server.send_buffer {
            None => None,
            Some(b) => Some(SendBuffer {
                limit: b.limit.bytes(),
                policy: match b.policy.as_str() {
                    "buffer" => SlowConsumerPolicy::Buffer,
                    "drop_oldest" => SlowConsumerPolicy::DropOldest,
                    "disconnect" => SlowConsumerPolicy::Disconnect,
                    other => {
                        return Err(c.error(
                            "server.send_buffer.policy",
                            format!(
                                "unknown policy \"{other}\"; expected one of: buffer, drop_oldest, disconnect"
                            ),
                        ));
                    }
                },
            }),
        },
        keepalive_timeout: match raw_server.keepalive_timeout {
            None => Some(d::KEEPALIVE_TIMEOUT),
            Some(t) if t.as_nanos() == 0 => None,
            Some(t) => Some(t.as_nanos()),
        },
        serverless,
    };
    if server.cores == 0 || server.cores > MAX_CORES {
        return Err(c.error("server.cores", format!("must be between 1 and {MAX_CORES}")));
    }
    Ok(server)
}

/// Reads `server.kind` and `server.serverless`: a known kind; the platform only with
/// `serverless`, which takes the place of the replicas (no `replicas`, `max_connections`,
/// `io` or `threads` beside it); a concurrency of at least one; a maximum duration from
/// 1 ms to Lambda's 15 min.
fn serverless(raw: &RawServer, c: &Checker) -> Result<Option<ServerlessSpec>, ScenarioError> {
    match raw.kind.as_deref() {
        None | Some("fixed") => {
            if raw.serverless.is_some() {
                return Err(c.error(
                    "server.serverless",
                    "applies only to `kind: serverless` (a fixed fleet has no invocations)",
                ));
            }
            Ok(None)
        }
        Some("serverless") => {
            for (given, field) in [
                (raw.replicas.is_some(), "server.replicas"),
                (raw.max_connections.is_some(), "server.max_connections"),
                (raw.cores.is_some(), "server.cores"),
                (raw.io.is_some(), "server.io"),
                (raw.threads.is_some(), "server.threads"),
            ] {
                if given {
                    return Err(c.error(
                        field,
                        "does not apply to `kind: serverless` (an instance per invocation; its limit is `serverless.concurrency`)",
                    ));
                }
            }
            let p = raw.serverless.clone().unwrap_or_default();
            let ns = |v: Option<Duration>, default| v.map_or(default, Duration::as_nanos);
            let spec = ServerlessSpec {
                cold_start: ns(p.cold_start, d::SERVERLESS_COLD_START),
                warm_start: ns(p.warm_start, d::SERVERLESS_WARM_START),
                keep_warm: ns(p.keep_warm, d::SERVERLESS_KEEP_WARM),
                concurrency: p.concurrency.unwrap_or(d::SERVERLESS_CONCURRENCY),
                max_duration: ns(p.max_duration, d::SERVERLESS_MAX_DURATION),
                gateway: gateway(&p, c)?,
            };
            if spec.concurrency == 0 || spec.concurrency > MAX_CORES {
                return Err(c.error(
                    "server.serverless.concurrency",
                    format!("must be between 1 and {MAX_CORES}"),
                ));
            }
            if !(1_000_000..=MAX_MAX_DURATION).contains(&spec.max_duration) {
                return Err(c.error(
                    "server.serverless.max_duration",
                    "must be between 1ms and 15m (AWS Lambda's maximum timeout)",
                ));
            }
            Ok(Some(spec))
        }
        Some(other) => Err(c.error(
            "server.kind",
            format!("unknown server kind \"{other}\"; expected one of: fixed, serverless"),
        )),
    }
}

/// Reads `server.serverless.gateway`: each limit at least 1 s. Whether a variant goes
/// through the gateway is checked with the transports ([`super::validate`]).
fn gateway(
    p: &RawServerless,
    c: &Checker,
) -> Result<Option<crate::infra::gateway::GatewaySpec>, ScenarioError> {
    let Some(g) = &p.gateway else {
        return Ok(None);
    };
    let limit = |v: Option<Duration>, default: Nanos, path: &str| match v {
        None => Ok(default),
        Some(v) if v.as_nanos() >= 1_000_000_000 => Ok(v.as_nanos()),
        Some(_) => Err(c.error(path, "must be at least 1s")),
    };
    Ok(Some(crate::infra::gateway::GatewaySpec {
        connection_duration: limit(
            g.connection_duration,
            d::GATEWAY_CONNECTION_DURATION,
            "server.serverless.gateway.connection_duration",
        )?,
        idle_timeout: limit(
            g.idle_timeout,
            d::GATEWAY_IDLE_TIMEOUT,
            "server.serverless.gateway.idle_timeout",
        )?,
    }))
}

/// Reads `server.io` and `server.threads`: a known model, threads only with
/// `thread_per_connection`, at least one thread.
fn io_model(raw: &RawServer, c: &Checker) -> Result<IoModel, ScenarioError> {
    match raw.io.as_deref() {
        None | Some("event_loop") => {
            if raw.threads.is_some() {
                return Err(c.error(
                    "server.threads",
                    "applies only to `io: thread_per_connection` (an event loop holds no thread per connection)",
                ));
            }
            Ok(IoModel::EventLoop)
        }
        Some("thread_per_connection") => {
            let raw = raw.threads.clone().unwrap_or_default();
            let threads = Threads {
                max: raw.max.unwrap_or(d::MAX_THREADS),
                stack: raw.stack.map_or(d::THREAD_STACK, |v| v.bytes()),
                context_switch: raw
                    .context_switch
                    .map_or(d::CONTEXT_SWITCH, |v| v.as_nanos()),
            };
            if threads.max == 0 {
                return Err(c.error("server.threads.max", "must be at least 1"));
            }
            Ok(IoModel::ThreadPerConnection(threads))
        }
        Some(other) => Err(c.error(
            "server.io",
            format!(
                "unknown I/O model \"{other}\"; expected one of: event_loop, thread_per_connection"
            ),
        )),
    }
}

/// Reads `broker`: every field has a default, nothing to refuse.
pub(crate) fn broker(raw: Option<&RawBroker>) -> Option<BrokerSpec> {
    raw.map(|b| BrokerSpec {
        latency: b.latency.map_or(d::BROKER_LATENCY, |v| v.as_nanos()),
        cost: b.cost.map_or(d::BROKER_COST, |v| v.as_nanos()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::checker::check_section;

    #[test]
    fn a_server_gets_its_defaults_and_a_zero_keepalive_is_none() {
        let text = "server: { replicas: 3, keepalive_timeout: 0s, cost: { push: 1ms } }\n";
        let server = check_section(text, "server", |s, c| server(Some(s), c)).unwrap();
        assert_eq!((server.replicas, server.cores), (3, d::SERVER_CORES));
        for t in ServerTransport::ALL {
            let row = server.costs.row(t);
            let protocol = costs::protocol(t);
            assert_eq!(row.cpu.push, 1_000_000 + protocol.cpu.push, "{t:?}");
            assert_eq!(row.cpu.accept, d::COST_ACCEPT + protocol.cpu.accept);
        }
        assert_eq!(server.keepalive_timeout, None);
        let broker = broker(Some(&RawBroker::default())).unwrap();
        assert_eq!(broker.latency, d::BROKER_LATENCY);
    }

    #[test]
    fn a_transports_block_replaces_only_its_own_figures() {
        let text = "server:\n  cost:\n    push: 20us\n    websocket: { push: 12us, push_per_kib: 300ns, memory_per_connection: 8KiB }\n";
        let server = check_section(text, "server", |s, c| server(Some(s), c)).unwrap();
        let ws = server.costs.row(ServerTransport::WebSocket);
        assert_eq!((ws.cpu.push, ws.cpu.push_per_kib), (12_000, 300));
        assert_eq!(ws.memory_per_connection, 8 * 1024);
        let sse = server.costs.row(ServerTransport::Sse);
        assert_eq!(
            sse.cpu.push,
            20_000 + costs::protocol(ServerTransport::Sse).cpu.push,
            "the base applies to the others"
        );
        assert_eq!(
            ws.cpu.request,
            sse.cpu.request - costs::protocol(ServerTransport::Sse).cpu.request
                + costs::protocol(ServerTransport::WebSocket).cpu.request
        );
    }

    #[test]
    fn refuses_an_unknown_field_in_a_transports_block() {
        for (text, unknown) in [
            ("cost: { sse: { pushh: 1us } }", "pushh"),
            ("cost: { mqtt: { push: 1us } }", "mqtt"),
        ] {
            let error = serde_saphyr::from_str::<RawServer>(text).unwrap_err();
            assert!(error.to_string().contains(unknown), "{error}");
        }
    }

    #[test]
    fn threads_take_their_defaults_and_only_with_a_thread_per_connection() {
        let text = "server: { io: thread_per_connection, threads: { max: 50 } }\n";
        let threads = check_section(text, "server", |s, c| server(Some(s), c)).unwrap();
        assert_eq!(
            threads.io,
            IoModel::ThreadPerConnection(Threads {
                max: 50,
                stack: d::THREAD_STACK,
                context_switch: d::CONTEXT_SWITCH
            })
        );
        let text = "server: { cores: 2 }\n";
        let event_loop = check_section(text, "server", |s, c| server(Some(s), c)).unwrap();
        assert_eq!(event_loop.io, IoModel::EventLoop);
        for (text, field, message) in [
            (
                "server: { threads: { max: 50 } }\n",
                "server.threads",
                "applies only to `io: thread_per_connection` (an event loop holds no thread per connection)",
            ),
            (
                "server: { io: threads }\n",
                "server.io",
                "unknown I/O model \"threads\"; expected one of: event_loop, thread_per_connection",
            ),
            (
                "server: { io: thread_per_connection, threads: { max: 0 } }\n",
                "server.threads.max",
                "must be at least 1",
            ),
        ] {
            let error = check_section(text, "server", |s, c| server(Some(s), c)).unwrap_err();
            assert_eq!(error.field.as_deref(), Some(field));
            assert_eq!(error.message, message);
        }
    }

    #[test]
    fn refuses_an_unknown_policy_and_too_many_cores() {
        let text = "server: { send_buffer: { limit: 1KB, policy: drop } }\n";
        let error = check_section(text, "server", |s, c| server(Some(s), c)).unwrap_err();
        assert_eq!(error.field.as_deref(), Some("server.send_buffer.policy"));
        assert_eq!(
            error.message,
            "unknown policy \"drop\"; expected one of: buffer, drop_oldest, disconnect"
        );
        let text = "server: { cores: 5000 }\n";
        let error = check_section(text, "server", |s, c| server(Some(s), c)).unwrap_err();
        assert_eq!(error.message, "must be between 1 and 4096");
    }
}
