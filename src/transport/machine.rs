//! A transport as a state machine over one client: it is told what happened to the client
//! ([`Input`]) and answers with what to do ([`Command`]s pushed into an [`Out`]), in the
//! order they are to be done. It reads the client only through [`Facts`], draws its
//! randomness only from the streams it is handed, and never touches the world, the
//! connection or the queue: the simulation executes the commands (stateright's actors
//! work the same way).
//!
//! Owns: each transport's client and server behaviour (when to ask, what the server does
//! with a request, how a lost connection is retried) and its per-stage properties
//! (connection sharing, keepalives, which writes are stream body). Does not own: how a
//! command is carried out (connections, bytes, CPU jobs, fan-out of events to a replica's
//! streams and held requests), which is the simulation's.

use crate::engine::rng::Stream;
use crate::infra::costs::ServerTransport;
use crate::time::Nanos;
use crate::transport::compression::Deflate;
use crate::transport::message::{ConnInfo, MsgKind};
use crate::transport::spec::{PollFraming, ReconnectPolicy};
use crate::transport::{GrpcStream, LongPolling, Polling, Sse, WebSocket};
use crate::workload::{Encoding, EventLog};

/// What happened to a client, as its transport is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    /// The client comes alive.
    Start,
    /// Its timer (set with [`Command::SetTimer`], or a reconnect delay) fired.
    Timer,
    /// The server finished handling its request.
    RequestHandled,
    /// A complete HTTP response reached it (its events are already delivered).
    ResponseReceived,
    /// Its connection was lost (refused, reset, denied, closed under it). `failed`: the
    /// connection closed before its first response or stream start, or a proxy denied the
    /// upgrade (`denied`).
    Lost { failed: bool, denied: bool },
    /// The timer of a held long-poll request fired; `current`: it was set for the request
    /// held now.
    HoldTimeout { current: bool },
    /// The job writing a held request's answer finished; `current`: it was written for the
    /// request held now.
    AnswerReady { current: bool },
    /// An HTTP/2 WINDOW_UPDATE returning `credit` bytes reached the server.
    WindowUpdate { credit: u64 },
}

impl Input {
    /// The input's kind, as a bit of [`Machine::hears`]'s set.
    #[inline]
    pub fn bit(self) -> u8 {
        1 << match self {
            Input::Start => 0,
            Input::Timer => 1,
            Input::RequestHandled => 2,
            Input::ResponseReceived => 3,
            Input::Lost { .. } => 4,
            Input::HoldTimeout { .. } => 5,
            Input::AnswerReady { .. } => 6,
            Input::WindowUpdate { .. } => 7,
        }
    }
}

/// Long polling: the server's hold on a client's request.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Hold {
    /// No request held.
    #[default]
    Free,
    /// A request is held, waiting for an event or its timeout.
    Held,
    /// A held request's answer is being written (a CPU job); it is still held until then.
    Answering,
}

impl Hold {
    /// A request is held (waiting or being answered).
    #[inline]
    pub fn is_held(self) -> bool {
        self != Hold::Free
    }
}

/// What a transport may read of its client when it decides.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Facts {
    /// Its last request is unanswered.
    pub request_outstanding: bool,
    /// Long polling: whether the server holds its request, and writes its answer.
    pub hold: Hold,
    /// Connection attempts that failed in a row since it was last connected.
    pub failed_attempts: u32,
}

/// What the simulation is to do for the client, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    /// The client sends its request (opening a connection first if it has none).
    SendRequest,
    /// The client's timer fires after this long.
    SetTimer(Nanos),
    /// A poll tick found the previous poll unanswered and was skipped.
    PollSkipped,
    /// Its request failed: it has none outstanding any more.
    RequestFailed,
    /// The server counts events for it from now on (once).
    Register,
    /// The server answers its request with every event waiting for it.
    Respond,
    /// The server answers at once if events wait for it, else holds the request until one
    /// arrives or `timeout` passes.
    RespondOrHold { timeout: Nanos },
    /// The server writes the answer to the held request (a CPU job, then
    /// [`Input::AnswerReady`]).
    ScheduleAnswer,
    /// The held request's answer is written: it is no longer held, and it is answered.
    AnswerHeld,
    /// The server keeps its stream among its replica's streams (events are pushed to it).
    RegisterStream,
    /// The server starts the stream's response (SSE headers, the WebSocket `101`, gRPC
    /// HEADERS).
    SendStreamOpen,
    /// The server's heartbeats or pings on the stream start.
    StartKeepalive,
    /// The stream resumes from the client's last event, as far back as `buffer` events
    /// (`None`: all of them).
    ReplayPending { buffer: Option<u32> },
    /// The stream starts at the newest event: what the client missed is lost to it.
    SkipPending,
    /// HTTP/2 flow control: the stream's window opens.
    OpenWindow,
    /// Pushes what waits for the client, within a flow-control window of `window` bytes.
    PushWithinWindow { window: u64 },
    /// `credit` bytes come back to a window of `window` bytes; pushes what now fits.
    WindowCredit { credit: u64, window: u64 },
    /// The client tries again after `policy`'s delay for this attempt.
    Reconnect(ReconnectPolicy),
    /// The client gives up: it stays disconnected for the rest of the run.
    Disconnect,
    /// One more failed attempt in a row.
    CountFailedAttempt,
    /// The client moves to the next transport of its variant's fallback chain.
    FallBack,
}

/// Most commands of one decision (gRPC's stream opening takes six).
pub const MAX_COMMANDS: usize = 6;

/// Where a transport puts its commands, in order, and where it draws its randomness from.
///
/// The simulation carries each command out as it is pushed (so that the compiler sees,
/// at each push, which command it is: no buffer, no dispatch). That is the same as
/// carrying them out after the decision, in order, because a machine decides only from
/// its [`Facts`] (read before it is told) and draws from its streams before it pushes a
/// command, never after. [`Out`] records them instead, for tests and for anyone who
/// wants to look before acting.
pub trait Commands {
    /// The next command of the decision.
    fn push(&mut self, command: Command);
    /// The client's group's random streams (polling phase and jitter).
    fn rng(&mut self) -> &mut PollRng;
}

/// The commands of one decision, in order, recorded instead of carried out: a fixed
/// array, so recording costs no allocation.
#[derive(Debug, Clone, Copy)]
pub struct Out {
    commands: [Command; MAX_COMMANDS],
    len: usize,
}

impl Default for Out {
    fn default() -> Self {
        Out {
            commands: [Command::Disconnect; MAX_COMMANDS],
            len: 0,
        }
    }
}

impl Out {
    /// Adds a command. More than [`MAX_COMMANDS`] in one decision is a defect of a machine.
    #[inline]
    pub fn push(&mut self, command: Command) {
        self.commands[self.len] = command;
        self.len += 1;
    }

    /// The commands, in the order pushed.
    #[inline]
    pub fn as_slice(&self) -> &[Command] {
        &self.commands[..self.len]
    }
}

/// The random streams of a client's group that a transport draws from: the polling phase
/// and the polling jitter.
#[derive(Debug, Clone)]
pub struct PollRng {
    pub phase: Stream,
    pub jitter: Stream,
}

/// HTTP/1.1 connections a browser opens to one origin (Chrome's and Firefox's limit; RFC
/// 9112 section 9.4 leaves it to the client).
pub const CONNECTIONS_PER_ORIGIN: u32 = 6;

/// How a transport's tabs get connections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sharing {
    /// Every tab its own connection, without limit (WebSocket).
    PerTab,
    /// Every tab its own connection, at most this many per browser (HTTP/1.1).
    Limited(u32),
    /// All tabs on one connection (HTTP/2).
    Shared,
}

/// How a transport's clients send their messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Uploads {
    /// On the open stream (WebSocket, gRPC bidirectional and client streaming).
    Stream,
    /// With a REST request beside the stream (SSE, polling, long polling).
    Rest,
}

/// How a replica hands a new event to a transport's clients.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Delivery {
    /// Pushed to the open streams it holds; within a flow-control window of this many
    /// bytes when set (gRPC).
    pub streams: bool,
    pub window: Option<u64>,
    /// Answers the long-poll requests it holds.
    pub held_requests: bool,
}

/// One transport's behaviour.
#[derive(Debug, Clone, Copy)]
pub enum Machine {
    Polling(Polling),
    LongPolling(LongPolling),
    Sse(Sse),
    WebSocket(WebSocket),
    Grpc(GrpcStream),
}

impl Machine {
    /// Decides what to do about `input` to a client whose state is `facts`.
    #[inline(always)]
    pub fn on(&self, input: Input, facts: &Facts, out: &mut impl Commands) {
        match self {
            Machine::Polling(m) => m.on(input, facts, out),
            Machine::LongPolling(m) => m.on(input, facts, out),
            Machine::Sse(m) => m.on(input, out),
            Machine::WebSocket(m) => m.on(input, out),
            Machine::Grpc(m) => m.on(input, out),
        }
    }

    /// Application-layer `(payload, framing)` bytes of a message of this transport.
    #[inline]
    pub fn size(&self, kind: MsgKind, log: &EventLog, conn: ConnInfo) -> (u64, u64) {
        match self {
            Machine::Polling(m) => m.size(kind, log, conn),
            Machine::LongPolling(m) => m.size(kind, log, conn),
            Machine::Sse(m) => m.size(kind, log, conn),
            Machine::WebSocket(m) => m.size(kind, log, conn),
            Machine::Grpc(m) => m.size(kind, log, conn),
        }
    }

    /// The compressor of what the server writes on a stream (SSE events and heartbeats,
    /// WebSocket messages), if any.
    pub fn stream_compressor(&self) -> Option<Deflate> {
        match self {
            Machine::Sse(m) => m.http.gzip,
            Machine::WebSocket(m) => m.deflate,
            Machine::Polling(_) | Machine::LongPolling(_) | Machine::Grpc(_) => None,
        }
    }

    /// The compressor of the server's responses (polling, long polling), if any.
    pub fn response_compressor(&self) -> Option<Deflate> {
        match self {
            Machine::Polling(m) => m.http.gzip,
            Machine::LongPolling(m) => m.http.gzip,
            Machine::Sse(_) | Machine::WebSocket(_) | Machine::Grpc(_) => None,
        }
    }

    /// The server's compression memory held for each open connection: a compressor that
    /// keeps its context (a gzip'd SSE stream's deflate state; a WebSocket's with context
    /// takeover, and the inflate state for the client's messages); none when it lives only
    /// while a message is written.
    pub fn compression_memory(&self) -> u64 {
        match self {
            Machine::WebSocket(m) => m.deflate.map_or(0, |d| d.memory_per_connection(true)),
            Machine::Sse(m) => m.http.gzip.map_or(0, |d| d.memory_per_connection(false)),
            Machine::Polling(_) | Machine::LongPolling(_) | Machine::Grpc(_) => 0,
        }
    }

    /// How its tabs get connections.
    pub fn sharing(&self) -> Sharing {
        match self {
            Machine::Polling(m) => m.http.sharing(),
            Machine::LongPolling(m) => m.http.sharing(),
            Machine::Sse(m) => m.http.sharing(),
            Machine::WebSocket(_) => Sharing::PerTab,
            Machine::Grpc(_) => Sharing::Shared,
        }
    }

    /// Interval of heartbeats or pings on an open stream, if any.
    pub fn keepalive(&self) -> Option<Nanos> {
        match self {
            Machine::Sse(m) => m.heartbeat,
            Machine::WebSocket(m) => m.ping,
            Machine::Polling(_) | Machine::LongPolling(_) | Machine::Grpc(_) => None,
        }
    }

    /// Whether its exchanges are HTTP/1.1 requests and responses (polling and long
    /// polling without HTTP/2): those a `Connection: close` ends.
    pub fn is_http1_exchange(&self) -> bool {
        match self {
            Machine::Polling(m) => m.framing == PollFraming::Http && m.http.http2.is_none(),
            Machine::LongPolling(m) => m.http.http2.is_none(),
            Machine::Sse(_) | Machine::WebSocket(_) | Machine::Grpc(_) => false,
        }
    }

    /// The application batch window of a stream's pushes, if any.
    pub fn batch(&self) -> Option<Nanos> {
        match self {
            Machine::Sse(m) => m.batch,
            Machine::WebSocket(m) => m.batch,
            Machine::Grpc(m) => m.batch,
            Machine::Polling(_) | Machine::LongPolling(_) => None,
        }
    }

    /// This transport with `text` bytes of request headers in place of its own, when its
    /// requests are a browser's HTTP/1.1 requests: the GETs of polling, long polling and
    /// SSE (`request_headers`), a WebSocket's upgrade (`text` plus the upgrade's own
    /// [`crate::transport::UPGRADE_OWN_HEADERS`]); `None` for gRPC, whose
    /// headers are its own (HTTP/2, HPACK-compressed).
    pub fn with_request_headers(&self, text: u64) -> Option<Machine> {
        let mut machine = *self;
        if let Machine::WebSocket(ws) = &mut machine {
            ws.upgrade_request = text + crate::transport::UPGRADE_OWN_HEADERS;
            return Some(machine);
        }
        let http = match &mut machine {
            Machine::Polling(Polling {
                http,
                framing: PollFraming::Http,
                ..
            })
            | Machine::LongPolling(LongPolling { http, .. })
            | Machine::Sse(Sse { http, .. }) => http,
            Machine::Polling(_) | Machine::WebSocket(_) | Machine::Grpc(_) => return None,
        };
        http.request = text;
        Some(machine)
    }

    /// The transport's YAML key (gRPC unary polling is `grpc`).
    pub fn name(&self) -> &'static str {
        match self {
            Machine::Polling(Polling {
                framing: PollFraming::Http,
                ..
            }) => "polling",
            Machine::Polling(_) | Machine::Grpc(_) => "grpc",
            Machine::LongPolling(_) => "long_polling",
            Machine::Sse(_) => "sse",
            Machine::WebSocket(_) => "websocket",
        }
    }

    /// Why this transport cannot carry an event of zero bytes in `encoding`, if it cannot.
    /// A WebSocket frame (2-byte header, RFC 6455 section 5.2), a gRPC message (its 5-byte
    /// prefix; an empty protobuf message is valid) and a base64 string (`""`) can be
    /// empty; an SSE event whose `data` is empty is never dispatched, and zero bytes are no
    /// JSON value in an answer's or a batch's array.
    pub fn refuses_empty_events(&self, encoding: Encoding) -> Option<&'static str> {
        let json_array = match self {
            Machine::Sse(_) => {
                return Some(
                    "an SSE event with an empty `data` buffer is not dispatched (WHATWG HTML, server-sent events, \"dispatch the event\")",
                );
            }
            Machine::Polling(Polling {
                framing: PollFraming::Http,
                ..
            })
            | Machine::LongPolling(_) => true,
            Machine::WebSocket(m) => m.batch.is_some(),
            Machine::Grpc(_) | Machine::Polling(_) => false,
        };
        (json_array && encoding == Encoding::Json).then_some(
            "an event of zero bytes is no JSON value in the array that carries it (RFC 8259); use `encoding: binary` (an empty base64 string) or at least 1B",
        )
    }

    /// The row of the server's cost table its clients' jobs and connections read (gRPC
    /// unary calls at an interval are gRPC's).
    pub fn server_transport(&self) -> ServerTransport {
        match self {
            Machine::Polling(m) if m.framing == PollFraming::Http => ServerTransport::Polling,
            Machine::Polling(_) | Machine::Grpc(_) => ServerTransport::Grpc,
            Machine::LongPolling(_) => ServerTransport::LongPolling,
            Machine::Sse(_) => ServerTransport::Sse,
            Machine::WebSocket(_) => ServerTransport::WebSocket,
        }
    }

    /// The session state it keeps on a replica between requests, if any (long polling
    /// with sessions: [`crate::transport::session`]).
    pub fn session(&self) -> Option<crate::transport::session::Session> {
        match self {
            Machine::LongPolling(m) => m.session,
            _ => None,
        }
    }

    /// Whether the client answers a keepalive (a WebSocket pong; SSE comments get none).
    pub fn keepalive_answered(&self) -> bool {
        matches!(self, Machine::WebSocket(_))
    }

    /// Whether messages of `kind` are writes of a streamed HTTP response body (which a
    /// buffering proxy holds back).
    pub fn is_stream_body(&self, kind: MsgKind) -> bool {
        match self {
            Machine::Sse(_) => Sse::writes_body(kind),
            Machine::Grpc(_) => matches!(kind, MsgKind::Event(_) | MsgKind::Batch { .. }),
            Machine::Polling(_) | Machine::LongPolling(_) | Machine::WebSocket(_) => false,
        }
    }

    /// Whether a client that reconnects loses the events of its outage (a WebSocket or
    /// gRPC stream without replay): while it is away they count as lost, not in flight.
    pub fn loses_outage(&self) -> bool {
        match self {
            Machine::WebSocket(m) => m.reconnect.is_some() && !m.replay,
            Machine::Grpc(m) => !m.replay,
            Machine::Polling(_) | Machine::LongPolling(_) | Machine::Sse(_) => false,
        }
    }

    /// The client's HTTP/2 connection window, if the transport runs over HTTP/2: it sends
    /// a WINDOW_UPDATE each time it has consumed half of it.
    pub fn http2_window(&self) -> Option<u64> {
        match self {
            Machine::Polling(m) => m.http.http2_window(),
            Machine::LongPolling(m) => m.http.http2_window(),
            Machine::Sse(m) => m.http.http2_window(),
            Machine::Grpc(m) => m.http.http2_window(),
            Machine::WebSocket(_) => None,
        }
    }

    /// Interval of the server's HTTP/2 PINGs on each connection, if any.
    pub fn http2_ping(&self) -> Option<Nanos> {
        match self {
            Machine::Polling(m) => m.http.http2_ping(),
            Machine::LongPolling(m) => m.http.http2_ping(),
            Machine::Sse(m) => m.http.http2_ping(),
            Machine::Grpc(m) => m.keepalive,
            Machine::WebSocket(_) => None,
        }
    }

    /// How the clients send their messages (two-way workloads).
    pub fn uploads(&self) -> Uploads {
        match self {
            Machine::WebSocket(_) => Uploads::Stream,
            Machine::Grpc(m) => m.uploads(),
            Machine::Polling(_) | Machine::LongPolling(_) | Machine::Sse(_) => Uploads::Rest,
        }
    }

    /// Whether the client's request is a WebSocket upgrade (which a proxy may deny).
    pub fn is_upgrade(&self) -> bool {
        matches!(self, Machine::WebSocket(_))
    }

    /// The server's maximum connection age (gRPC), after which it closes a connection at
    /// its next quiet moment and the client reconnects.
    pub fn max_connection_age(&self) -> Option<Nanos> {
        match self {
            Machine::Grpc(m) => m.max_connection_age,
            _ => None,
        }
    }

    /// The inputs (as [`Input::bit`]s) this transport may answer with a command: telling
    /// it any other is a no-op, which the simulation skips (it is told of every response,
    /// timer and lost connection). A test holds every machine to it.
    pub fn hears(&self) -> u8 {
        let common = Input::Start.bit()
            | Input::Timer.bit()
            | Input::RequestHandled.bit()
            | Input::Lost {
                failed: false,
                denied: false,
            }
            .bit();
        match self {
            Machine::Polling(_) | Machine::Sse(_) | Machine::WebSocket(_) => common,
            Machine::LongPolling(_) => {
                common
                    | Input::ResponseReceived.bit()
                    | Input::HoldTimeout { current: false }.bit()
                    | Input::AnswerReady { current: false }.bit()
            }
            Machine::Grpc(_) => common | Input::WindowUpdate { credit: 0 }.bit(),
        }
    }

    /// How a replica hands a new event to this transport's clients.
    pub fn delivery(&self) -> Delivery {
        match self {
            Machine::Polling(_) => Delivery::default(),
            Machine::LongPolling(_) => Delivery {
                held_requests: true,
                ..Delivery::default()
            },
            Machine::Sse(_) | Machine::WebSocket(_) => Delivery {
                streams: true,
                ..Delivery::default()
            },
            Machine::Grpc(m) => Delivery {
                streams: true,
                window: Some(m.window()),
                held_requests: false,
            },
        }
    }
}

/// Machines built from real scenario text, and a way to ask them one question, for the
/// transports' unit tests.
#[cfg(test)]
pub(crate) mod testing {
    use super::*;
    use crate::transport::Chain;

    /// The chains of the variants in `transports` (YAML list items of a scenario's
    /// `transports:`), with every default the scenario applies.
    pub fn chains(transports: &str) -> Vec<Chain> {
        let text = format!(
            "name: machine-test\nduration: 1m\nnetwork:\n  lan: {{ latency: 1ms, bandwidth: 100Mbit/s }}\n\
             clients:\n  c: {{ count: 1, link: lan }}\nserver: {{ cores: 1 }}\n\
             workload:\n  events: {{ source: poisson, rate: 1/s, payload: 100B }}\n\
             transports:\n{transports}"
        );
        let scenario = crate::scenario::load_str("<machine test>", &text, &[])
            .unwrap_or_else(|e| panic!("test scenario: {e}"));
        scenario
            .transports
            .iter()
            .map(|v| v.kind.chain().expect("not a webhook"))
            .collect()
    }

    /// The chain of the one variant in `transport`.
    pub fn chain(transport: &str) -> Chain {
        chains(&format!("  - label: t\n    {transport}\n")).remove(0)
    }

    /// An event log of (time, payload bytes) rows from a trace, every event for every
    /// client.
    pub fn log_of(events: Vec<(crate::time::Nanos, u64)>) -> crate::workload::EventLog {
        use crate::workload::{
            AudienceSpec, Encoding, EventLog, EventSource, Inputs, PayloadSpec, Trace,
            TraceAudience, WorkloadSpec,
        };
        let spec = WorkloadSpec {
            source: EventSource::Trace,
            encoding: Encoding::Json,
            rate_per_second: 0.0,
            payload: PayloadSpec::FromTrace,
            protobuf_size: None,
            trace: Some(Trace {
                file: "<transport test>".into(),
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
        EventLog::generate(Inputs {
            seed: 1,
            duration: u64::MAX,
            spec: &spec,
            groups: Vec::new(),
        })
    }

    /// The random streams of a test client.
    pub fn rng() -> PollRng {
        PollRng {
            phase: crate::engine::rng::stream(1, "poll-phase:test"),
            jitter: crate::engine::rng::stream(1, "poll-jitter:test"),
        }
    }

    /// Commands recorded, with the random streams of a test client.
    pub struct Recorded {
        pub out: Out,
        pub rng: PollRng,
    }

    impl Recorded {
        pub fn new() -> Recorded {
            Recorded {
                out: Out::default(),
                rng: rng(),
            }
        }
    }

    impl Commands for Recorded {
        fn push(&mut self, command: Command) {
            self.out.push(command);
        }
        fn rng(&mut self) -> &mut PollRng {
            &mut self.rng
        }
    }

    /// What a client at `stage` of `chain` in state `facts` is told to do about `input`.
    pub fn decide(chain: &Chain, stage: u8, input: Input, facts: Facts) -> Vec<Command> {
        let mut recorded = Recorded::new();
        chain.on(stage, input, &facts, &mut recorded);
        recorded.out.as_slice().to_vec()
    }
}
