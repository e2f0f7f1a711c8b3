//! The server's cost table: the CPU each kind of job costs and the memory each open
//! connection holds, per transport.
//!
//! A job's cost is the application's work, the same whatever carries it (the scenario's
//! `server.cost`, the *base*), plus the work of the transport's protocol: framing a message
//! (SSE `data:` lines, WebSocket frame headers, gRPC length prefixes and HTTP/2 frames),
//! unmasking a client's WebSocket frames, the state a protocol library keeps per connection.
//! Each transport's protocol work has a default ([`protocol`]) with its source; a scenario
//! may give any single figure of a transport outright (`server.cost.websocket.push`), which
//! then replaces base plus protocol for that transport.
//!
//! Owns: [`ServerTransport`] (which row of the table a job or connection reads), a row
//! ([`TransportCosts`]) and the table ([`CostTable`]), built once per scenario. Does not
//! own: which transport a client's job belongs to (the simulation says), nor what the
//! server does with a cost (the fleet draws it, the server queues it) or the I/O model's
//! additions ([`crate::infra::io`]).
//!
//! Units: CPU in nanoseconds; the per-byte cost is given per KiB (`push_per_kib`), so
//! that fractions of a nanosecond per byte stay integers; memory in bytes.

use serde::Serialize;

use crate::time::Nanos;

/// The transports whose server costs differ, as the cost table sees them: a client's job
/// or connection reads the row of the transport its client is at (after a fallback, the
/// fallback's). gRPC unary calls at an interval are gRPC; the REST endpoint beside a
/// push-only transport is [`ServerTransport::Polling`]'s row (with `rest.cost` as its
/// request cost).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ServerTransport {
    #[default]
    Polling,
    LongPolling,
    Sse,
    WebSocket,
    Grpc,
    /// The sender's outgoing connections to webhook receivers (memory only: the webhook
    /// model does not run the server's CPU).
    Webhook,
}

impl ServerTransport {
    /// Every transport, in the table's order.
    pub const ALL: [ServerTransport; 6] = [
        ServerTransport::Polling,
        ServerTransport::LongPolling,
        ServerTransport::Sse,
        ServerTransport::WebSocket,
        ServerTransport::Grpc,
        ServerTransport::Webhook,
    ];

    /// The YAML key of the transport (`server.cost.<name>`).
    pub fn name(self) -> &'static str {
        match self {
            ServerTransport::Polling => "polling",
            ServerTransport::LongPolling => "long_polling",
            ServerTransport::Sse => "sse",
            ServerTransport::WebSocket => "websocket",
            ServerTransport::Grpc => "grpc",
            ServerTransport::Webhook => "webhook",
        }
    }

    #[inline(always)]
    fn index(self) -> usize {
        self as usize
    }
}

/// CPU nanoseconds per server operation of one transport.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CpuCosts {
    /// Accepting a new connection (paid with its first request).
    pub accept: Nanos,
    /// Parsing and answering a request (a poll, a long-poll request, an SSE subscribe, a
    /// WebSocket upgrade, a gRPC call's HEADERS).
    pub request: Nanos,
    /// Writing one message on an open connection (an event, a long-poll answer) or reading
    /// a client's message from a stream.
    pub push: Nanos,
    /// Per KiB of the message's payload, on top of `push` (framing and copying that grows
    /// with the message: SSE's scan for line breaks, unmasking a client's WebSocket frame,
    /// protobuf encoding).
    pub push_per_kib: Nanos,
    /// Per KiB of a client's message read from a stream, on top of `push_per_kib`: work
    /// only the read direction does (unmasking a client's WebSocket frame, RFC 6455
    /// section 5.3).
    pub read_per_kib: Nanos,
    /// Writing a heartbeat or ping and handling its answer.
    pub ping: Nanos,
    /// The server's share of a TLS handshake.
    pub tls_handshake: Nanos,
}

impl CpuCosts {
    /// Every operation free: for a server whose work is costed elsewhere (or not at all).
    pub const FREE: CpuCosts = CpuCosts {
        accept: 0,
        request: 0,
        push: 0,
        push_per_kib: 0,
        read_per_kib: 0,
        ping: 0,
        tls_handshake: 0,
    };

    /// The CPU of reading a client's message of `bytes` payload bytes from a stream:
    /// `push` plus `push_per_kib` and `read_per_kib` pro rata (rounded down to the
    /// nanosecond).
    #[inline]
    pub fn read_of(&self, bytes: u64) -> Nanos {
        self.push + bytes.saturating_mul(self.push_per_kib + self.read_per_kib) / 1024
    }

    /// The CPU of a push of `bytes` payload bytes: `push` plus `push_per_kib` pro rata
    /// (rounded down to the nanosecond).
    #[inline(always)]
    pub fn push_of(&self, bytes: u64) -> Nanos {
        self.push + bytes.saturating_mul(self.push_per_kib) / 1024
    }

    /// Each figure of `self` plus `other`'s (the base plus a protocol's work).
    pub const fn plus(self, other: CpuCosts) -> CpuCosts {
        CpuCosts {
            accept: self.accept + other.accept,
            request: self.request + other.request,
            push: self.push + other.push,
            push_per_kib: self.push_per_kib + other.push_per_kib,
            read_per_kib: self.read_per_kib + other.read_per_kib,
            ping: self.ping + other.ping,
            tls_handshake: self.tls_handshake + other.tls_handshake,
        }
    }
}

/// One transport's row: CPU per job and memory per open connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct TransportCosts {
    pub cpu: CpuCosts,
    /// Bytes held per open connection (kernel socket, TLS and application state, the
    /// protocol library's buffers).
    pub memory_per_connection: u64,
}

impl TransportCosts {
    /// Nothing: no CPU and no memory.
    pub const FREE: TransportCosts = TransportCosts {
        cpu: CpuCosts::FREE,
        memory_per_connection: 0,
    };
}

/// A row's figures that a scenario gave outright for one transport (`None`: base plus the
/// protocol's work).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Overrides {
    pub accept: Option<Nanos>,
    pub request: Option<Nanos>,
    pub push: Option<Nanos>,
    pub push_per_kib: Option<Nanos>,
    pub read_per_kib: Option<Nanos>,
    pub ping: Option<Nanos>,
    pub tls_handshake: Option<Nanos>,
    pub memory_per_connection: Option<u64>,
}

/// The cost table: one row per [`ServerTransport`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CostTable {
    rows: [TransportCosts; ServerTransport::ALL.len()],
}

impl Serialize for CostTable {
    /// A map from each transport's name to its row, in the table's order.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.rows.len()))?;
        for t in ServerTransport::ALL {
            map.serialize_entry(t.name(), self.row(t))?;
        }
        map.end()
    }
}

impl CostTable {
    /// Every transport the same: `row`.
    pub const fn uniform(row: TransportCosts) -> CostTable {
        CostTable {
            rows: [row; ServerTransport::ALL.len()],
        }
    }

    /// The table of a server whose application work is `base` and holds `base_memory` per
    /// connection: each transport adds its protocol's work (`protocol(t)`), and a figure in
    /// `overrides(t)` replaces the sum for that transport.
    pub fn build(
        base: CpuCosts,
        base_memory: u64,
        protocol: impl Fn(ServerTransport) -> TransportCosts,
        overrides: impl Fn(ServerTransport) -> Overrides,
    ) -> CostTable {
        let mut table = CostTable::uniform(TransportCosts::FREE);
        for t in ServerTransport::ALL {
            let extra = protocol(t);
            let sum = base.plus(extra.cpu);
            let o = overrides(t);
            table.rows[t.index()] = TransportCosts {
                cpu: CpuCosts {
                    accept: o.accept.unwrap_or(sum.accept),
                    request: o.request.unwrap_or(sum.request),
                    push: o.push.unwrap_or(sum.push),
                    push_per_kib: o.push_per_kib.unwrap_or(sum.push_per_kib),
                    read_per_kib: o.read_per_kib.unwrap_or(sum.read_per_kib),
                    ping: o.ping.unwrap_or(sum.ping),
                    tls_handshake: o.tls_handshake.unwrap_or(sum.tls_handshake),
                },
                memory_per_connection: o
                    .memory_per_connection
                    .unwrap_or(base_memory + extra.memory_per_connection),
            };
        }
        table
    }

    /// Transport `t`'s row.
    #[inline(always)]
    pub fn row(&self, t: ServerTransport) -> &TransportCosts {
        &self.rows[t.index()]
    }

    /// Transport `t`'s row, to change.
    pub fn row_mut(&mut self, t: ServerTransport) -> &mut TransportCosts {
        &mut self.rows[t.index()]
    }

    /// Every row's CPU set to `cpu` (tests and models with one cost for all).
    pub fn with_cpu(mut self, cpu: CpuCosts) -> CostTable {
        for row in &mut self.rows {
            row.cpu = cpu;
        }
        self
    }
}

/// The reference stack of the protocol defaults: Go's `net/http` for HTTP/1.1 (polling,
/// long polling, SSE), gorilla/websocket on a hijacked `net/http` connection, grpc-go, on
/// Linux. Its per-connection buffers are documented; where no published figure separates
/// two transports' CPU, the difference is derived from the work that differs (the bytes of
/// framing composed per message at [`FRAMING_PER_BYTE`], one more socket read for an
/// answered ping) and is rtsim's estimate.
const KIB: u64 = 1024;

/// CPU per byte of framing composed per message (headers, prefixes): about three cycles a
/// byte at 3 GHz for formatting text into a buffer. rtsim's estimate, used only to turn
/// framing bytes into CPU.
pub const FRAMING_PER_BYTE: Nanos = 1;
/// A goroutine's initial stack: 2 KiB (`stackMin = 2048`, Go's `runtime/stack.go`).
pub const GOROUTINE_STACK: u64 = 2 * KIB;
/// Go `net/http`'s buffers per server connection: a 4 KiB `bufio.Reader` and a 4 KiB
/// `bufio.Writer` (`newBufioReader`, `newBufioWriterSize(.., 4<<10)` in `server.go`).
pub const NET_HTTP_CONN_BUFFERS: u64 = 8 * KIB;
/// A `net/http` response in progress (a held long poll, an SSE stream): its 2 KiB buffer
/// before chunking (`bufferBeforeChunkingSize = 2048`, `server.go`).
pub const NET_HTTP_RESPONSE_BUFFER: u64 = 2 * KIB;
/// grpc-go's buffers per connection: a 32 KiB read buffer and a 32 KiB write buffer whose
/// allocation "will be twice the size to keep syscalls low" (`ReadBufferSize`,
/// `WriteBufferSize` server options, default 32 KB each), plus both directions' HPACK
/// dynamic tables at `SETTINGS_HEADER_TABLE_SIZE`'s initial 4,096 B (RFC 9113 section
/// 6.5.2, RFC 7541 section 4.2).
pub const GRPC_CONN_BUFFERS: u64 = 32 * KIB + 2 * 32 * KIB + 2 * 4 * KIB;
/// An HTTP response's headers, as long polling writes them with each answer (rtsim's
/// default response headers: status line, Date, Content-Type, Content-Length,
/// Cache-Control, Server).
pub const HTTP_RESPONSE_HEADER_BYTES: u64 = 220;
/// SSE framing per event: `data: ` and the blank line that ends the event (8 B, the HTML
/// standard's event stream format) in an HTTP/1.1 chunk (a hexadecimal size line and two
/// CRLFs, about 6 B, RFC 9112 section 7.1).
pub const SSE_FRAMING_BYTES: u64 = 14;
/// SSE's scan of each payload for line breaks (each line of the data becomes its own
/// `data:` line): a vectorised byte search runs at about 10 GB/s, 0.1 ns a byte.
pub const SSE_SCAN_PER_KIB: Nanos = 100;
/// A server's WebSocket frame header: 2 to 10 B, unmasked (RFC 6455 sections 5.2 and 5.3:
/// a server must not mask), so a push costs no work per byte; 4 B for a small message.
pub const WEBSOCKET_FRAMING_BYTES: u64 = 4;
/// Unmasking a client's WebSocket frame: every payload byte XORed with the frame's 4-byte
/// key (RFC 6455 section 5.3: a client must mask, so a server must unmask) as it is read,
/// a pass over the payload that a push (unmasked) does not make. 250 ns per KiB, about
/// 4 GB/s: the XOR done a machine word at a time, as gorilla/websocket's `maskBytes` and
/// Netty's decoder do (Netty pull request 2955 moved from bytes to words because masking
/// "to a large account" determined its WebSocket throughput, a gain of up to 50 %);
/// rtsim's round figure for a copy at a few GB/s, of the order of SSE's line scan above.
pub const WEBSOCKET_UNMASK_PER_KIB: Nanos = 250;
/// The `Sec-WebSocket-Accept` of an upgrade: SHA-1 over the 60-byte key and GUID, base64
/// (RFC 6455 section 4.2.2): well under a microsecond; 1 µs with the header.
pub const WEBSOCKET_ACCEPT: Nanos = 1_000;
/// gRPC framing per message: its 5-byte length prefix and the 9-byte HTTP/2 DATA frame
/// header (gRPC over HTTP/2 protocol document; RFC 9113 section 4.1).
pub const GRPC_FRAMING_BYTES: u64 = 14;
/// One more read of a socket: the answer to a WebSocket ping (its pong) or an HTTP/2 PING
/// (its ACK), which an SSE heartbeat (a comment nobody answers) does not need; and the
/// HTTP/2 connection preface and SETTINGS exchange on a gRPC connection's accept. A system
/// call and the kernel's receive path: rtsim's estimate of 2 µs.
pub const EXTRA_SOCKET_READ: Nanos = 2_000;

/// The protocol's own work per transport, on top of the application's (the base): see the
/// table in the docs (`docs/infrastructure.md`, "Per-transport costs") for each figure's
/// derivation.
pub fn protocol(t: ServerTransport) -> TransportCosts {
    let framing = |bytes: u64| bytes * FRAMING_PER_BYTE;
    let http_conn = GOROUTINE_STACK + NET_HTTP_CONN_BUFFERS;
    match t {
        // A keep-alive connection: its serving goroutine and its buffers.
        ServerTransport::Polling => TransportCosts {
            cpu: CpuCosts::FREE,
            memory_per_connection: http_conn,
        },
        // Each answer is a whole response; a held request keeps its response buffer.
        ServerTransport::LongPolling => TransportCosts {
            cpu: CpuCosts {
                push: framing(HTTP_RESPONSE_HEADER_BYTES),
                ..CpuCosts::FREE
            },
            memory_per_connection: http_conn + NET_HTTP_RESPONSE_BUFFER,
        },
        ServerTransport::Sse => TransportCosts {
            cpu: CpuCosts {
                push: framing(SSE_FRAMING_BYTES),
                push_per_kib: SSE_SCAN_PER_KIB,
                ..CpuCosts::FREE
            },
            memory_per_connection: http_conn + NET_HTTP_RESPONSE_BUFFER,
        },
        // gorilla reuses the hijacked connection's buffers (buffer sizes 0: "buffers
        // allocated by the HTTP server are used"); a reader and a writer goroutine.
        ServerTransport::WebSocket => TransportCosts {
            cpu: CpuCosts {
                request: WEBSOCKET_ACCEPT,
                push: framing(WEBSOCKET_FRAMING_BYTES),
                read_per_kib: WEBSOCKET_UNMASK_PER_KIB,
                ping: EXTRA_SOCKET_READ,
                ..CpuCosts::FREE
            },
            memory_per_connection: 2 * GOROUTINE_STACK + NET_HTTP_CONN_BUFFERS,
        },
        // grpc-go's reader, writer ("loopy") and keepalive goroutines and its buffers.
        ServerTransport::Grpc => TransportCosts {
            cpu: CpuCosts {
                accept: EXTRA_SOCKET_READ,
                push: framing(GRPC_FRAMING_BYTES),
                ping: EXTRA_SOCKET_READ,
                ..CpuCosts::FREE
            },
            memory_per_connection: 3 * GOROUTINE_STACK + GRPC_CONN_BUFFERS,
        },
        // The sender's `http.Transport` connection: read and write loop goroutines and
        // their 4 KiB buffers (`persistConn`).
        ServerTransport::Webhook => TransportCosts {
            cpu: CpuCosts::FREE,
            memory_per_connection: 2 * GOROUTINE_STACK + NET_HTTP_CONN_BUFFERS,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: CpuCosts = CpuCosts {
        accept: 40,
        request: 120,
        push: 15,
        push_per_kib: 0,
        read_per_kib: 0,
        ping: 5,
        tls_handshake: 200,
    };

    #[test]
    fn a_row_is_base_plus_protocol_unless_the_scenario_gives_it() {
        let protocol = |t| match t {
            ServerTransport::WebSocket => TransportCosts {
                cpu: CpuCosts {
                    push: 2,
                    push_per_kib: 300,
                    ..CpuCosts::FREE
                },
                memory_per_connection: 4096,
            },
            _ => TransportCosts::FREE,
        };
        let overrides = |t| match t {
            ServerTransport::Sse => Overrides {
                push: Some(9),
                memory_per_connection: Some(1000),
                ..Overrides::default()
            },
            _ => Overrides::default(),
        };
        let table = CostTable::build(BASE, 32_768, protocol, overrides);
        let ws = table.row(ServerTransport::WebSocket);
        assert_eq!((ws.cpu.push, ws.cpu.push_per_kib), (17, 300));
        assert_eq!(ws.cpu.request, 120, "the protocol adds nothing here");
        assert_eq!(ws.memory_per_connection, 32_768 + 4096);
        let sse = table.row(ServerTransport::Sse);
        assert_eq!((sse.cpu.push, sse.memory_per_connection), (9, 1000));
        assert_eq!(
            sse.cpu.accept, 40,
            "an override replaces only its own figure"
        );
        assert_eq!(
            *table.row(ServerTransport::Polling),
            TransportCosts {
                cpu: BASE,
                memory_per_connection: 32_768
            }
        );
    }

    #[test]
    fn the_protocol_defaults_are_their_derivations() {
        let row = protocol;
        // SSE against WebSocket: 14 B of text framing and a line scan against a 4-byte
        // unmasked header; the same memory (gorilla reuses net/http's buffers, with one
        // more goroutine instead of the response buffer); a ping answered.
        assert_eq!(row(ServerTransport::Sse).cpu.push_of(1024), 14 + 100);
        assert_eq!(row(ServerTransport::WebSocket).cpu.push_of(1024), 4);
        // A client's frame read: the same 4 ns and its unmasking, 250 ns a KiB; SSE has
        // no client frames, gRPC's are not masked.
        assert_eq!(row(ServerTransport::WebSocket).cpu.read_of(1024), 4 + 250);
        assert_eq!(row(ServerTransport::Grpc).cpu.read_of(1024), 14);
        assert_eq!(row(ServerTransport::Sse).memory_per_connection, 12 * 1024);
        assert_eq!(
            row(ServerTransport::WebSocket).memory_per_connection,
            12 * 1024
        );
        assert_eq!(row(ServerTransport::Sse).cpu.ping, 0);
        assert_eq!(row(ServerTransport::WebSocket).cpu.ping, 2_000);
        // gRPC: 32 KiB read, 2 × 32 KiB write, 2 × 4 KiB HPACK, three goroutines.
        assert_eq!(
            row(ServerTransport::Grpc).memory_per_connection,
            (32 + 64 + 8 + 6) * 1024
        );
        assert_eq!(row(ServerTransport::LongPolling).cpu.push, 220);
        assert_eq!(row(ServerTransport::Polling).cpu, CpuCosts::FREE);
    }

    #[test]
    fn the_per_kib_cost_is_pro_rata_and_rounds_down() {
        let cpu = CpuCosts {
            push: 1000,
            push_per_kib: 300,
            ..CpuCosts::FREE
        };
        assert_eq!(cpu.push_of(0), 1000);
        assert_eq!(cpu.push_of(1024), 1300);
        // 180 B × 300 ns / 1024 B = 52.7 ns.
        assert_eq!(cpu.push_of(180), 1052);
        // A read adds its own per-KiB work: 180 B × (300 + 250) ns / 1024 B = 96.7 ns.
        let read = CpuCosts {
            read_per_kib: 250,
            ..cpu
        };
        assert_eq!(read.push_of(180), 1052, "a push does not unmask");
        assert_eq!(read.read_of(180), 1096);
    }

    #[test]
    fn the_table_serializes_as_a_map_by_transport_name() {
        let table = CostTable::uniform(TransportCosts::FREE);
        let json = serde_json::to_string(&table).unwrap();
        let names: Vec<&str> = ServerTransport::ALL.iter().map(|t| t.name()).collect();
        let mut at = 0;
        for name in names {
            let found = json[at..].find(&format!("\"{name}\"")).expect(name);
            at += found;
        }
    }
}
