//! Compression of what the server sends, as byte counts, CPU and memory: WebSocket
//! permessage-deflate (RFC 7692) and gzip content coding (RFC 9110 section 8.4.1.3,
//! RFC 1952) on HTTP responses and SSE streams. All of them are zlib's deflate underneath.
//!
//! Owns: a [`Deflate`] compressor's settings and defaults with their sources; the size of
//! a run of bytes once compressed (a ratio in parts per million, rounded up); the bytes
//! deflate, gzip and RFC 7692 add around it (a sync flush's empty stored block, the gzip
//! header and trailer, the extension's handshake headers); the compressor's memory held
//! per connection (zlib's formula); the server CPU per input byte. Does not own: which
//! messages are compressed and how they are framed (the transports' size functions),
//! charging the CPU to a job (`crate::sim`) or the memory to a replica (`crate::infra`).
//!
//! A ratio is a model, not a compressor: the bytes of an event are counted, never looked
//! at, so the scenario gives the ratio of its payloads or takes the default of its
//! encoding (JSON text or binary), which depends on whether the compressor keeps its
//! window from one message to the next (a stream's context) or starts afresh.
//!
//! Compression is off unless a variant asks for it, as in the servers people run: Node's
//! `ws` disables permessage-deflate on the server by default ("The extension is disabled
//! by default on the server and enabled by default on the client", `ws` doc/ws.md,
//! `perMessageDeflate`), engine.io 4 turned it off by default for its memory per
//! connection (commit 078527a, "feat: disable perMessageDeflate by default"), and nginx
//! ships `gzip off` (ngx_http_gzip_module, `gzip`: "Default: gzip off;").

use serde::Serialize;

use crate::time::Nanos;
use crate::workload::Encoding;

/// zlib's default `windowBits` (`MAX_WBITS`, zconf.h): a 32 KiB window, the largest RFC
/// 7692 allows (`server_max_window_bits` 8 to 15).
pub const DEFAULT_WINDOW_BITS: u8 = 15;
/// zlib's default `memLevel` (`DEF_MEM_LEVEL`, zutil.h), which Node's zlib and `ws` use.
pub const DEFAULT_MEM_LEVEL: u8 = 8;

/// Compressed size of a stream of similar JSON messages with the window kept between them
/// (WebSocket context takeover, an SSE stream's gzip): 20 % of the input. python-websockets'
/// "Compression" guide: a stream of JSON messages "is highly compressible. Compressing
/// messages can reduce network traffic by more than 80%"
/// (websockets.readthedocs.io/en/stable/topics/compression.html).
pub const JSON_RATIO_IN_CONTEXT_PPM: u32 = 200_000;
/// Compressed size of a small JSON document compressed alone (no context takeover, one
/// HTTP response): 48.3 %, the 1,082-byte document of C. Brunhuber's measurement of gzip
/// level 6 per frame against one stream (IETF HTTP WG list, "#445: Transfer-codings",
/// 10 April 2014: 1,082 → 523 bytes either way). Larger bodies compress better (the same
/// measurement: 17-33 % from 92 KB up); give `ratio` for them.
pub const JSON_RATIO_ALONE_PPM: u32 = 483_000;
/// Binary payloads are taken as already compressed (images, protobuf of compressed
/// fields): deflate gains nothing and falls back to stored blocks (RFC 1951 section
/// 3.2.4), so the ratio is 100 %.
pub const BINARY_RATIO_PPM: u32 = 1_000_000;
/// Server CPU per input byte of zlib at level 6: 30 MB/s on the Silesia corpus's
/// `webster` (English text), original zlib x64 on a Core i7-8700 (matbech/zlib-perf,
/// Results.md): 1 s / 30 MB = 33 ns per byte.
pub const CPU_PER_BYTE: Nanos = 33;
/// `ws`'s `threshold`: "Payloads smaller than this will not be compressed if context
/// takeover is disabled. Defaults to 1024 bytes." (`ws` doc/ws.md).
pub const WS_THRESHOLD: u32 = 1_024;

/// nginx's `gzip_min_length`: "Default: gzip_min_length 20;" (ngx_http_gzip_module): a
/// shorter response body goes uncompressed.
pub const NGINX_MIN_LENGTH: u32 = 20;

/// A sync flush (zlib `Z_SYNC_FLUSH`) ends what was written so far with an empty stored
/// block, so the receiver can decode it at once: three header bits padded to a byte, then
/// `LEN` 0x0000 and `NLEN` 0xFFFF (RFC 1951 section 3.2.4). Every write of a gzip'd SSE
/// stream ends with one.
pub const SYNC_FLUSH: u64 = 5;
/// What a sync flush leaves in a permessage-deflate message: RFC 7692 section 7.2.1 has
/// the sender remove the four octets `0x00 0x00 0xff 0xff` at the tail; the byte of the
/// empty block's header bits stays (at most one byte: it may share the last byte of the
/// compressed data, counted here as a whole one).
pub const MESSAGE_TAIL: u64 = SYNC_FLUSH - 4;
/// The gzip member header (RFC 1952 section 2.3): ID1, ID2, CM, FLG, MTIME (4), XFL, OS.
pub const GZIP_HEADER: u64 = 10;
/// The gzip member trailer: CRC32 and ISIZE (RFC 1952 section 2.3).
pub const GZIP_TRAILER: u64 = 8;
/// `Content-Encoding: gzip\r\n`, added to a compressed response's headers.
pub const CONTENT_ENCODING_GZIP: u64 = "Content-Encoding: gzip\r\n".len() as u64;
/// `Sec-WebSocket-Extensions: permessage-deflate\r\n`, the server's acceptance of the
/// extension in its `101` (RFC 7692 section 5; the browser offers it on every upgrade, so
/// the request's bytes do not change).
pub const EXTENSION_ACCEPTED: u64 = "Sec-WebSocket-Extensions: permessage-deflate\r\n".len() as u64;
/// `; server_no_context_takeover; client_no_context_takeover`, the parameters of an
/// acceptance without context takeover (RFC 7692 sections 7.1.1.1 and 7.1.1.2).
pub const NO_CONTEXT_TAKEOVER_PARAMS: u64 =
    "; server_no_context_takeover; client_no_context_takeover".len() as u64;

/// A deflate compressor on the server's side of a connection (zlib, level 6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Deflate {
    /// Compressed size in parts per million of the input.
    pub ratio_ppm: u32,
    /// Server CPU per input byte, in nanoseconds.
    pub cpu_per_byte: u32,
    /// zlib `windowBits` (RFC 7692's `server_max_window_bits`).
    pub window_bits: u8,
    /// zlib `memLevel`.
    pub mem_level: u8,
    /// The compressor keeps its state for the connection (WebSocket context takeover; a
    /// gzip'd SSE stream is one gzip member, so always), rather than for one message.
    pub context_takeover: bool,
    /// Messages smaller than this go uncompressed: a WebSocket's without context takeover
    /// (`ws`'s `threshold`), an HTTP response's body (nginx's `gzip_min_length`).
    pub threshold: u32,
}

impl Deflate {
    /// The default ratio for payloads of `encoding`, in a stream's context or alone.
    pub fn default_ratio_ppm(encoding: Encoding, in_context: bool) -> u32 {
        match (encoding, in_context) {
            (Encoding::Binary, _) => BINARY_RATIO_PPM,
            (Encoding::Json, true) => JSON_RATIO_IN_CONTEXT_PPM,
            (Encoding::Json, false) => JSON_RATIO_ALONE_PPM,
        }
    }

    /// `len` bytes compressed: the ratio, rounded up to a whole byte.
    #[inline]
    pub fn compressed(&self, len: u64) -> u64 {
        (len * u64::from(self.ratio_ppm)).div_ceil(1_000_000)
    }

    /// A WebSocket message of `len` payload bytes: `(payload on the wire, tail)`. A message
    /// below the threshold goes as it is (RSV1 clear, no tail); a compressed one has RSV1
    /// set (a bit of the header it has anyway) and ends with [`MESSAGE_TAIL`].
    #[inline]
    pub fn websocket_message(&self, len: u64) -> (u64, u64) {
        if !self.context_takeover && len < u64::from(self.threshold) {
            (len, 0)
        } else {
            (self.compressed(len), MESSAGE_TAIL)
        }
    }

    /// A gzip'd HTTP response body of `len` bytes: `(compressed body, gzip header and
    /// trailer)`, one gzip member per response, finished (no flush block); `None` below
    /// the threshold, where the body goes as it is (and without `Content-Encoding`).
    #[inline]
    pub fn gzip_body(&self, len: u64) -> Option<(u64, u64)> {
        (len >= u64::from(self.threshold))
            .then(|| (self.compressed(len), GZIP_HEADER + GZIP_TRAILER))
    }

    /// One write of `len` bytes on a gzip'd stream: `(compressed bytes, the sync flush)`.
    #[inline]
    pub fn stream_write(&self, len: u64) -> (u64, u64) {
        (self.compressed(len), SYNC_FLUSH)
    }

    /// The `101`'s extra header bytes that accept the extension.
    pub fn accepted_extension(&self) -> u64 {
        EXTENSION_ACCEPTED
            + if self.context_takeover {
                0
            } else {
                NO_CONTEXT_TAKEOVER_PARAMS
            }
    }

    /// zlib's deflate state: `(1 << (windowBits + 2)) + (1 << (memLevel + 9))` bytes
    /// (zconf.h, "The memory requirements for deflate are (in bytes)"; the "few kilobytes
    /// for small objects" beside it are left out): 256 KiB at the defaults.
    pub fn deflate_state(&self) -> u64 {
        (1u64 << (self.window_bits + 2)) + (1u64 << (self.mem_level + 9))
    }

    /// zlib's inflate state: `1 << windowBits` bytes (zconf.h): 32 KiB at the default.
    pub fn inflate_state(&self) -> u64 {
        1u64 << self.window_bits
    }

    /// The server's compression memory held for as long as a connection is open, when
    /// its compressor keeps its context (`inflates`: the server also decompresses what the
    /// client sends, as a WebSocket with permessage-deflate does); none without context
    /// takeover, where the state lives only while a message is compressed.
    pub fn memory_per_connection(&self, inflates: bool) -> u64 {
        if !self.context_takeover {
            return 0;
        }
        self.deflate_state() + if inflates { self.inflate_state() } else { 0 }
    }

    /// Server CPU to compress `len` input bytes.
    #[inline]
    pub fn cpu(&self, len: u64) -> Nanos {
        len * u64::from(self.cpu_per_byte)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deflate(context_takeover: bool) -> Deflate {
        Deflate {
            ratio_ppm: 250_000,
            cpu_per_byte: CPU_PER_BYTE as u32,
            window_bits: DEFAULT_WINDOW_BITS,
            mem_level: DEFAULT_MEM_LEVEL,
            context_takeover,
            threshold: WS_THRESHOLD,
        }
    }

    #[test]
    fn the_flush_block_and_the_gzip_member_match_their_bytes() {
        // Z_SYNC_FLUSH's empty stored block: one byte of header bits, LEN, NLEN.
        let empty_stored_block = [0x00u8, 0x00, 0x00, 0xff, 0xff];
        assert_eq!(SYNC_FLUSH, empty_stored_block.len() as u64);
        // RFC 7692 7.2.1 removes 00 00 ff ff.
        assert_eq!(MESSAGE_TAIL, 1);
        assert_eq!(GZIP_HEADER + GZIP_TRAILER, 18);
        assert_eq!(CONTENT_ENCODING_GZIP, 24);
        assert_eq!(EXTENSION_ACCEPTED, 46);
    }

    #[test]
    fn ratios_round_up_and_small_messages_skip_compression_without_context() {
        let d = deflate(false);
        assert_eq!(d.compressed(100), 25);
        assert_eq!(d.compressed(101), 26);
        assert_eq!(d.compressed(0), 0);
        // Below ws's 1024-byte threshold without context takeover: as it is.
        assert_eq!(d.websocket_message(1_023), (1_023, 0));
        assert_eq!(d.websocket_message(1_024), (256, 1));
        // With context takeover every message is compressed.
        assert_eq!(deflate(true).websocket_message(100), (25, 1));
        // A response body under the threshold goes plain.
        assert_eq!(d.gzip_body(400), None);
        let nginx = Deflate {
            threshold: NGINX_MIN_LENGTH,
            ..d
        };
        // An empty answer's `[]` is below nginx's 20 bytes.
        assert_eq!(nginx.gzip_body(2), None);
        assert_eq!(nginx.gzip_body(20), Some((5, 18)));
        assert_eq!(nginx.gzip_body(400), Some((100, 18)));
        assert_eq!(d.stream_write(40), (10, 5));
    }

    #[test]
    fn zlib_memory_follows_its_formula_and_lives_only_with_context_takeover() {
        let d = deflate(true);
        // (1 << 17) + (1 << 17) = 256 KiB deflate, 32 KiB inflate.
        assert_eq!(d.deflate_state(), 262_144);
        assert_eq!(d.inflate_state(), 32_768);
        assert_eq!(d.memory_per_connection(true), 294_912);
        assert_eq!(d.memory_per_connection(false), 262_144);
        assert_eq!(deflate(false).memory_per_connection(true), 0);
        // A smaller window and memLevel: windowBits 12, memLevel 5.
        let small = Deflate {
            window_bits: 12,
            mem_level: 5,
            ..d
        };
        assert_eq!(small.deflate_state(), (1 << 14) + (1 << 14));
    }

    #[test]
    fn defaults_follow_the_content_and_the_context() {
        assert_eq!(Deflate::default_ratio_ppm(Encoding::Json, true), 200_000);
        assert_eq!(Deflate::default_ratio_ppm(Encoding::Json, false), 483_000);
        assert_eq!(
            Deflate::default_ratio_ppm(Encoding::Binary, true),
            1_000_000
        );
        assert_eq!(deflate(true).cpu(1_000), 33_000);
        assert_eq!(
            deflate(false).accepted_extension(),
            46 + "; server_no_context_takeover; client_no_context_takeover".len() as u64
        );
    }
}
