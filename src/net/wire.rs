//! Bytes on the wire, by direction and by layer.
//!
//! Layers: `payload` (the events' own bytes), `framing` (everything the application
//! protocol adds: HTTP headers, chunk sizes, SSE field names, WebSocket frame headers, JSON
//! array brackets, base64 inflation), `tls` (TLS handshakes and record overhead) and `tcpip`
//! (IP and TCP headers of every segment, handshakes and pure ACKs); `retransmit` counts
//! segments sent again after a loss, whole.

use serde::Serialize;

use crate::time::SimTime;

/// Direction of travel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Server to client.
    Down,
    /// Client to server.
    Up,
}

impl Direction {
    /// Index into per-direction arrays: down 0, up 1.
    pub fn index(self) -> usize {
        match self {
            Direction::Down => 0,
            Direction::Up => 1,
        }
    }

    /// The other direction, which ACKs of this direction's data travel.
    pub fn reverse(self) -> Direction {
        match self {
            Direction::Down => Direction::Up,
            Direction::Up => Direction::Down,
        }
    }
}

/// Byte counts of one direction, by layer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct LayerBytes {
    pub payload: u64,
    pub framing: u64,
    pub tls: u64,
    pub tcpip: u64,
    /// Segments sent again after a loss, headers included.
    pub retransmit: u64,
}

impl LayerBytes {
    pub fn total(&self) -> u64 {
        self.payload + self.framing + self.tls + self.tcpip + self.retransmit
    }

    /// The part of these bytes, serialized evenly over `[start, done)`, that falls within
    /// `[from, to)`, layer by layer (see [`super::link::carried_within`]).
    pub fn within(&self, start: SimTime, done: SimTime, from: SimTime, to: SimTime) -> LayerBytes {
        let share = |bytes| super::link::carried_within(bytes, start, done, from, to);
        LayerBytes {
            payload: share(self.payload),
            framing: share(self.framing),
            tls: share(self.tls),
            tcpip: share(self.tcpip),
            retransmit: share(self.retransmit),
        }
    }

    pub fn add(&mut self, other: LayerBytes) {
        self.payload += other.payload;
        self.framing += other.framing;
        self.tls += other.tls;
        self.tcpip += other.tcpip;
        self.retransmit += other.retransmit;
    }
}

/// Byte counts of both directions.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct WireBytes {
    pub down: LayerBytes,
    pub up: LayerBytes,
}

impl WireBytes {
    pub fn direction_mut(&mut self, direction: Direction) -> &mut LayerBytes {
        match direction {
            Direction::Down => &mut self.down,
            Direction::Up => &mut self.up,
        }
    }
}
