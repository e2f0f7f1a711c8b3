//! Byte-exact framing rules of the protocols, as pure functions.

/// Decimal digits of `n`.
pub fn decimal_digits(n: u64) -> u64 {
    n.checked_ilog10().map_or(1, |d| d as u64 + 1)
}

/// Hexadecimal digits of `n`.
pub fn hex_digits(n: u64) -> u64 {
    n.checked_ilog2().map_or(1, |b| b as u64 / 4 + 1)
}

/// HTTP/1.1 chunked transfer coding (RFC 9112 section 7.1) around `len` bytes of data: the
/// size in hex, CRLF, the data, CRLF.
pub fn chunk_overhead(len: u64) -> u64 {
    hex_digits(len) + 4
}

/// A JSON array of `count` events: brackets and the commas between elements.
pub const fn json_array_overhead(count: u64) -> u64 {
    2 + count.saturating_sub(1)
}

/// SSE field bytes around a one-line payload (WHATWG HTML, server-sent events):
/// `id: <id>\n` + `data: ` + payload + `\n\n`.
pub fn sse_event_fields(id: u64) -> u64 {
    "id: ".len() as u64 + decimal_digits(id) + 1 + "data: ".len() as u64 + 2
}

/// The `event: <type>\n` line of an SSE event of a named type (`name_len` bytes): how
/// several logical streams share one `EventSource`, each read by
/// `addEventListener(type)` (WHATWG HTML, server-sent events).
pub fn sse_event_type_field(name_len: u64) -> u64 {
    "event: ".len() as u64 + name_len + 1
}

/// An SSE comment line used as a heartbeat: `:\n\n`.
pub const SSE_HEARTBEAT: u64 = 3;

/// The `retry: <ms>\n\n` field that sets the client's reconnection time.
pub fn sse_retry_field(retry_ms: u64) -> u64 {
    "retry: ".len() as u64 + decimal_digits(retry_ms) + 2
}

/// WebSocket frame header (RFC 6455 section 5.2) for a payload of `len` bytes: 2 bytes, plus
/// a 16-bit length above 125 bytes or a 64-bit length above 65,535, plus the 4-byte mask
/// on frames from client to server.
pub fn websocket_header(len: u64, masked: bool) -> u64 {
    let base = match len {
        0..=125 => 2,
        126..=65_535 => 4,
        _ => 10,
    };
    base + if masked { 4 } else { 0 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits() {
        assert_eq!(decimal_digits(0), 1);
        assert_eq!(decimal_digits(9), 1);
        assert_eq!(decimal_digits(10), 2);
        assert_eq!(decimal_digits(1_000_000), 7);
        assert_eq!(hex_digits(0), 1);
        assert_eq!(hex_digits(15), 1);
        assert_eq!(hex_digits(16), 2);
        assert_eq!(hex_digits(255), 2);
        assert_eq!(hex_digits(256), 3);
    }

    #[test]
    fn sse_event_bytes_match_the_text() {
        let payload = "{\"price\":42}";
        let id = 1234u64;
        let text = format!("id: {id}\ndata: {payload}\n\n");
        assert_eq!(
            text.len() as u64,
            payload.len() as u64 + sse_event_fields(id)
        );
        let chunk = format!("{:x}\r\n{text}\r\n", text.len());
        assert_eq!(
            chunk.len() as u64,
            text.len() as u64 + chunk_overhead(text.len() as u64)
        );
        assert_eq!(
            format!("retry: {}\n\n", 3000).len() as u64,
            sse_retry_field(3000)
        );
        let named = format!("event: price\nid: {id}\ndata: {payload}\n\n");
        assert_eq!(
            named.len() as u64,
            payload.len() as u64 + sse_event_fields(id) + sse_event_type_field(5)
        );
    }

    #[test]
    fn websocket_headers() {
        assert_eq!(websocket_header(0, false), 2);
        assert_eq!(websocket_header(125, false), 2);
        assert_eq!(websocket_header(126, false), 4);
        assert_eq!(websocket_header(65_535, false), 4);
        assert_eq!(websocket_header(65_536, false), 10);
        assert_eq!(websocket_header(125, true), 6);
    }

    #[test]
    fn json_arrays() {
        assert_eq!(json_array_overhead(0), "[]".len() as u64);
        assert_eq!(json_array_overhead(1), 2);
        assert_eq!(json_array_overhead(3), "[,,]".len() as u64);
    }
}
