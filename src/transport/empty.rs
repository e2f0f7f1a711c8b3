//! The answer to a request that finds no event for its client: a short poll that finds
//! nothing, a long poll whose hold times out. `200 OK` with an empty JSON array (the
//! default), with another body, or `204 No Content`; the sizes of each spelled out.
//!
//! Owns: those answers' sizes. Does not own: when a request finds nothing (the transports)
//! nor the non-empty answers ([`super::http::exchange_size`]).

use serde::Serialize;

use crate::transport::framing::json_array_overhead;
use crate::transport::http::{bodiless_response_size, response_with_body};
use crate::transport::message::{ConnInfo, MsgKind};
use crate::transport::spec::HttpHeaders;
use crate::workload::EventLog;

/// How the server answers a request that finds no event for its client
/// (`transports[].polling.empty`, `transports[].long_polling.empty`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EmptyPoll {
    /// `200 OK` with a JSON body of `body` bytes: `[]` (2 bytes) by default, the empty
    /// array the non-empty answers fill.
    Ok { body: u64 },
    /// `204 No Content`: no body, and no Content-Type or Content-Length (RFC 9110 section
    /// 15.3.5 and section 8.6: a 204 has no content and carries no Content-Length).
    NoContent,
}

impl EmptyPoll {
    /// The `[]` of a JSON array without elements (RFC 8259 section 5), the default.
    pub const EMPTY_ARRAY: EmptyPoll = EmptyPoll::Ok {
        body: json_array_overhead(0),
    };

    pub(crate) fn is_empty_array(&self) -> bool {
        *self == EmptyPoll::EMPTY_ARRAY
    }

    /// Sizes of `kind` when it is an answer that finds no event for its client and this
    /// answer is not the default `200` with `[]`; `None` otherwise, for the transport to
    /// size it as any answer ([`exchange_size`](super::http::exchange_size)).
    #[inline]
    pub fn size_of(
        &self,
        kind: MsgKind,
        log: &EventLog,
        http: &HttpHeaders,
        conn: ConnInfo,
    ) -> Option<(u64, u64)> {
        let MsgKind::Response { first, count } = kind else {
            return None;
        };
        if self.is_empty_array() || log.count_for(conn.client, first, first + count) != 0 {
            return None;
        }
        Some(match *self {
            EmptyPoll::Ok { body } => response_with_body(http, http.response, 0, body, conn),
            EmptyPoll::NoContent => {
                bodiless_response_size(http, http.response - NO_CONTENT_SAVING, conn)
            }
        })
    }
}

impl Default for EmptyPoll {
    fn default() -> Self {
        EmptyPoll::EMPTY_ARRAY
    }
}

/// `HTTP/1.1 200 OK\r\n`: the status line the configured response headers hold.
pub const STATUS_LINE_200: u64 = "HTTP/1.1 200 OK\r\n".len() as u64;
/// `HTTP/1.1 204 No Content\r\n`.
pub const STATUS_LINE_204: u64 = "HTTP/1.1 204 No Content\r\n".len() as u64;
/// `Content-Type: application/json\r\n`, which a `200` with a JSON body carries.
pub const CONTENT_TYPE_JSON: u64 = "Content-Type: application/json\r\n".len() as u64;
/// `Content-Length: 2\r\n`, which a `200` answering `[]` carries.
pub const CONTENT_LENGTH_EMPTY_ARRAY: u64 = "Content-Length: 2\r\n".len() as u64;
/// The header bytes a `204 No Content` holds fewer than the configured `200` headers of
/// an empty answer: its status line is 8 bytes longer, and it drops the Content-Type and
/// Content-Length lines (17 + 32 + 19 - 25 = 43).
pub const NO_CONTENT_SAVING: u64 =
    STATUS_LINE_200 + CONTENT_TYPE_JSON + CONTENT_LENGTH_EMPTY_ARRAY - STATUS_LINE_204;
/// The least response header size a `204` can be derived from: the `200`'s status line
/// and the two lines the `204` drops.
pub const MIN_RESPONSE_FOR_NO_CONTENT: u64 =
    STATUS_LINE_200 + CONTENT_TYPE_JSON + CONTENT_LENGTH_EMPTY_ARRAY;
