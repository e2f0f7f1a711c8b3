//! The transports' compression blocks: `gzip:` on polling, long polling and SSE, and
//! `permessage_deflate:` on WebSocket, read and checked into a
//! [`crate::transport::compression::Deflate`]. Every field is optional; without the block
//! nothing is compressed (the defaults and their sources are in
//! `crate::transport::compression`).

use serde::Deserialize;

use super::checker::Checker;
use super::error::ScenarioError;
use crate::transport::compression::{
    CPU_PER_BYTE, DEFAULT_MEM_LEVEL, DEFAULT_WINDOW_BITS, Deflate, NGINX_MIN_LENGTH, WS_THRESHOLD,
};
use crate::units::{ByteSize, Duration, Percent};
use crate::workload::Encoding;

/// gzip content coding of the server's responses (`Content-Encoding: gzip`), as nginx's
/// `gzip on` does: each response one gzip member; an SSE stream one member for the whole
/// stream, each event flushed (`Z_SYNC_FLUSH`).
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawGzip {
    /// Compressed size as a percentage of the input (`20%`), above 0%. Default by the
    /// workload's encoding: `json` 48.3% for a response compressed alone (polling, long
    /// polling), 20% for an SSE stream (its window spans the events); `binary` 100%.
    pub ratio: Option<Percent>,
    /// Server CPU per input byte compressed, added to the job that writes it. Default
    /// 33ns (zlib level 6 at 30 MB/s).
    pub cpu_per_byte: Option<Duration>,
    /// zlib `windowBits`, 9 to 15. Default 15.
    pub window_bits: Option<u8>,
    /// zlib `memLevel`, 1 to 9. Default 8.
    pub mem_level: Option<u8>,
    /// Polling and long polling: a response body smaller than this goes uncompressed
    /// (nginx's `gzip_min_length`). Default 20B. Not for SSE, whose stream has no length.
    pub min_length: Option<ByteSize>,
}

/// WebSocket permessage-deflate (RFC 7692): the server compresses each message it sends,
/// the browser each message it sends up.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawPermessageDeflate {
    /// Keep the compressor's window from one message to the next (better ratios, the
    /// window held for the whole connection: 288 KiB at the defaults). `false` negotiates
    /// `server_no_context_takeover; client_no_context_takeover`. Default true (RFC 7692's
    /// and `ws`'s).
    pub context_takeover: Option<bool>,
    /// Compressed size as a percentage of the input (`20%`), above 0%. Default by the
    /// workload's encoding: `json` 20% with context takeover, 48.3% without; `binary`
    /// 100%.
    pub ratio: Option<Percent>,
    /// Server CPU per input byte compressed, added to the push. Default 33ns.
    pub cpu_per_byte: Option<Duration>,
    /// zlib `windowBits` (RFC 7692's `server_max_window_bits`), 9 to 15. Default 15.
    pub window_bits: Option<u8>,
    /// zlib `memLevel`, 1 to 9. Default 8.
    pub mem_level: Option<u8>,
    /// Without context takeover: messages smaller than this go uncompressed (`ws`'s
    /// `threshold`). Default 1024B.
    pub threshold: Option<ByteSize>,
}

/// The settings both blocks share, checked.
struct Common {
    ratio: Option<Percent>,
    cpu_per_byte: Option<Duration>,
    window_bits: Option<u8>,
    mem_level: Option<u8>,
}

/// Reads a `gzip:` block at `path`; `stream`: on SSE (one member for the stream, whose
/// window spans its events).
pub(crate) fn gzip(
    raw: &RawGzip,
    path: &str,
    stream: bool,
    encoding: Encoding,
    c: &Checker,
) -> Result<Deflate, ScenarioError> {
    if stream && raw.min_length.is_some() {
        return Err(c.error(
            &format!("{path}.min_length"),
            "applies only to polling and long polling (an SSE stream has no length to compare)",
        ));
    }
    let threshold = match raw.min_length {
        None => NGINX_MIN_LENGTH,
        Some(v) => u32::try_from(v.bytes())
            .map_err(|_| c.error(&format!("{path}.min_length"), "must be below 4GiB"))?,
    };
    let common = Common {
        ratio: raw.ratio,
        cpu_per_byte: raw.cpu_per_byte,
        window_bits: raw.window_bits,
        mem_level: raw.mem_level,
    };
    deflate(&common, path, stream, threshold, encoding, c)
}

/// Reads a `permessage_deflate:` block at `path`.
pub(crate) fn permessage_deflate(
    raw: &RawPermessageDeflate,
    path: &str,
    encoding: Encoding,
    c: &Checker,
) -> Result<Deflate, ScenarioError> {
    let context_takeover = raw.context_takeover.unwrap_or(true);
    if context_takeover && raw.threshold.is_some() {
        return Err(c.error(
            &format!("{path}.threshold"),
            "applies only with `context_takeover: false` (ws compresses every message when it keeps its context)",
        ));
    }
    let threshold = match raw.threshold {
        None => WS_THRESHOLD,
        Some(v) => u32::try_from(v.bytes())
            .map_err(|_| c.error(&format!("{path}.threshold"), "must be below 4GiB"))?,
    };
    let common = Common {
        ratio: raw.ratio,
        cpu_per_byte: raw.cpu_per_byte,
        window_bits: raw.window_bits,
        mem_level: raw.mem_level,
    };
    deflate(&common, path, context_takeover, threshold, encoding, c)
}

fn deflate(
    raw: &Common,
    path: &str,
    context_takeover: bool,
    threshold: u32,
    encoding: Encoding,
    c: &Checker,
) -> Result<Deflate, ScenarioError> {
    let ratio_ppm = match raw.ratio {
        None => Deflate::default_ratio_ppm(encoding, context_takeover),
        Some(r) if r.parts_per_million() == 0 => {
            return Err(c.error(
                &format!("{path}.ratio"),
                "must be above 0% (the compressed size as a percentage of the input)",
            ));
        }
        Some(r) => r.parts_per_million(),
    };
    let cpu_per_byte = match raw.cpu_per_byte {
        None => CPU_PER_BYTE as u32,
        Some(v) => u32::try_from(v.as_nanos())
            .map_err(|_| c.error(&format!("{path}.cpu_per_byte"), "must be below 4s per byte"))?,
    };
    let window_bits = raw.window_bits.unwrap_or(DEFAULT_WINDOW_BITS);
    if !(9..=15).contains(&window_bits) {
        return Err(c.error(
            &format!("{path}.window_bits"),
            format!("must be from 9 to 15 (zlib's deflate window), got {window_bits}"),
        ));
    }
    let mem_level = raw.mem_level.unwrap_or(DEFAULT_MEM_LEVEL);
    if !(1..=9).contains(&mem_level) {
        return Err(c.error(
            &format!("{path}.mem_level"),
            format!("must be from 1 to 9 (zlib's memLevel), got {mem_level}"),
        ));
    }
    Ok(Deflate {
        ratio_ppm,
        cpu_per_byte,
        window_bits,
        mem_level,
        context_takeover,
        threshold,
    })
}
