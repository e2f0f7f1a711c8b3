//! HTTP/2 framing (RFC 9113) and HPACK header compression (RFC 7541), as byte counts.
//!
//! Every frame has a 9-byte header. A connection starts with the client's 24-byte preface,
//! its SETTINGS and a connection WINDOW_UPDATE, and the server's SETTINGS; each side
//! acknowledges the other's SETTINGS. Header blocks are HPACK-compressed: the first use on a
//! connection carries the header text Huffman-coded; later ones mostly reference the
//! dynamic table, so they shrink to a few bytes per changing field. Bodies travel in DATA
//! frames of at most 16,384 bytes (the default SETTINGS_MAX_FRAME_SIZE).

use crate::transport::spec::Http2Params;

/// Every frame's header: length (3), type, flags, stream identifier (4).
pub const FRAME_HEADER: u64 = 9;
/// Default SETTINGS_MAX_FRAME_SIZE: the largest DATA payload of one frame.
pub const MAX_FRAME: u64 = 16_384;
/// `PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n`.
pub const CLIENT_MAGIC: u64 = 24;
/// One SETTINGS parameter: identifier (2) and value (4).
pub const SETTING: u64 = 6;
/// A PING frame (or its ACK): header and 8 bytes of opaque data.
pub const PING: u64 = FRAME_HEADER + 8;
/// A WINDOW_UPDATE frame: header and a 4-byte increment.
pub const WINDOW_UPDATE: u64 = FRAME_HEADER + 4;
/// Settings a browser sends (as Chrome does: HEADER_TABLE_SIZE, ENABLE_PUSH,
/// INITIAL_WINDOW_SIZE, MAX_HEADER_LIST_SIZE).
pub const CLIENT_SETTINGS: u64 = 4;
/// Settings a server sends (as nginx does: MAX_CONCURRENT_STREAMS, INITIAL_WINDOW_SIZE,
/// MAX_FRAME_SIZE).
pub const SERVER_SETTINGS: u64 = 3;

/// The client's connection preface: magic, SETTINGS, a connection WINDOW_UPDATE, and its
/// acknowledgement of the server's SETTINGS (counted with the preface, as it leaves with
/// the client's first frames).
pub const CLIENT_PREFACE: u64 =
    CLIENT_MAGIC + FRAME_HEADER + CLIENT_SETTINGS * SETTING + WINDOW_UPDATE + FRAME_HEADER;
/// The server's preface: its SETTINGS and the acknowledgement of the client's.
pub const SERVER_PREFACE: u64 = FRAME_HEADER + SERVER_SETTINGS * SETTING + FRAME_HEADER;

/// DATA frame headers for a body of `len` bytes (at least one frame).
pub fn data_frames_overhead(len: u64) -> u64 {
    len.div_ceil(MAX_FRAME).max(1) * FRAME_HEADER
}

impl Http2Params {
    /// A request HEADERS frame for `text` bytes of HTTP/1.1 header text; `first` on its
    /// connection.
    pub fn request_headers(&self, text: u64, first: bool) -> u64 {
        FRAME_HEADER
            + if first {
                self.huffman(text)
            } else {
                self.repeated_request_headers
            }
    }

    /// A response HEADERS frame for `text` bytes of HTTP/1.1 header text.
    pub fn response_headers(&self, text: u64, first: bool) -> u64 {
        FRAME_HEADER
            + if first {
                self.huffman(text)
            } else {
                self.repeated_response_headers
            }
    }

    fn huffman(&self, text: u64) -> u64 {
        (text * self.huffman_ppm as u64).div_ceil(1_000_000)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params() -> Http2Params {
        Http2Params {
            huffman_ppm: 800_000,
            repeated_request_headers: 30,
            repeated_response_headers: 20,
            window: 65_535,
            ping: None,
        }
    }

    #[test]
    fn prefaces_match_the_frames() {
        // 24 magic + SETTINGS (9 + 24) + WINDOW_UPDATE (13) + SETTINGS ack (9).
        assert_eq!(CLIENT_PREFACE, 24 + 33 + 13 + 9);
        // SETTINGS (9 + 18) + SETTINGS ack (9).
        assert_eq!(SERVER_PREFACE, 36);
    }

    #[test]
    fn data_frames_split_at_16_kib() {
        assert_eq!(data_frames_overhead(0), 9);
        assert_eq!(data_frames_overhead(16_384), 9);
        assert_eq!(data_frames_overhead(16_385), 18);
    }

    #[test]
    fn hpack_first_use_and_repeats() {
        let p = params();
        assert_eq!(p.request_headers(450, true), 9 + 360);
        assert_eq!(p.request_headers(450, false), 9 + 30);
        assert_eq!(p.response_headers(220, true), 9 + 176);
        assert_eq!(p.response_headers(220, false), 9 + 20);
    }
}
