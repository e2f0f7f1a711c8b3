//! HTTP/2 flow control of one stream (RFC 9113 section 5.2), both ends: the sender's bytes
//! written and not yet credited back, and the receiver's bytes consumed since its last
//! WINDOW_UPDATE.
//!
//! Owns: the window arithmetic. The sender may write while what it has written and not had
//! credited back is under the window; a write that starts under the window may end past it
//! (HTTP/2 would split the frame; the model sends it whole), so the outstanding bytes stay
//! under the window plus one message. The receiver credits what it consumed once that
//! reaches half the window (docs/tcp-tls-http.md). A credit may exceed what is outstanding
//! (the receiver also counts header and PING bytes, which are not flow-controlled): the
//! outstanding bytes never go below zero.
//!
//! Does not own: the window's size (the transport's, handed to every call), which events
//! are written (the simulation keeps them pending at the server while the window is full),
//! or the WINDOW_UPDATE message itself (the caller sends the credit this returns).

/// Both ends' accounts of one stream's window.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FlowWindow {
    /// Sender: stream bytes written and not yet credited back.
    outstanding: u64,
    /// Receiver: bytes consumed since its last WINDOW_UPDATE.
    consumed: u64,
}

impl FlowWindow {
    /// The sender may write its next message under a window of `window` bytes.
    #[inline]
    pub fn has_room(&self, window: u64) -> bool {
        self.outstanding < window
    }

    /// Bytes written and not yet credited back.
    #[inline]
    pub fn outstanding(&self) -> u64 {
        self.outstanding
    }

    /// The sender wrote `bytes` more.
    #[inline]
    pub fn wrote(&mut self, bytes: u64) {
        self.outstanding += bytes;
    }

    /// The receiver credited `bytes` back.
    #[inline]
    pub fn credited(&mut self, bytes: u64) {
        self.outstanding = self.outstanding.saturating_sub(bytes);
    }

    /// A new stream starts: nothing of it is outstanding.
    #[inline]
    pub fn open_stream(&mut self) {
        self.outstanding = 0;
    }

    /// A new connection: its receiver owes no credit yet.
    #[inline]
    pub fn open_connection(&mut self) {
        self.consumed = 0;
    }

    /// The receiver consumed `bytes` of a window of `window` bytes: the credit its
    /// WINDOW_UPDATE carries, once what it consumed since the last one reaches half the
    /// window (as a frame field: at most `u32::MAX`).
    #[inline]
    pub fn consumed(&mut self, bytes: u64, window: u64) -> Option<u32> {
        self.consumed += bytes;
        if self.consumed < window / 2 {
            return None;
        }
        let credit = std::mem::take(&mut self.consumed);
        Some(u32::try_from(credit).unwrap_or(u32::MAX))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// gRPC's default initial window, 65 535 bytes.
    const WINDOW: u64 = 65_535;

    #[test]
    fn the_sender_writes_while_under_the_window_and_may_end_past_it() {
        let mut w = FlowWindow::default();
        // Six 10 000-byte messages: after five, 50 000 < 65 535, so the sixth goes too and
        // ends at 60 000; the seventh starts under it as well and ends at 70 000.
        for _ in 0..7 {
            assert!(w.has_room(WINDOW));
            w.wrote(10_000);
        }
        assert_eq!(w.outstanding(), 70_000);
        assert!(!w.has_room(WINDOW), "past the window: the sender stops");
        // A credit of 32 768 (half the window, rounded up) brings it to 37 232: room again.
        w.credited(32_768);
        assert_eq!(w.outstanding(), 37_232);
        assert!(w.has_room(WINDOW));
    }

    #[test]
    fn a_credit_larger_than_the_outstanding_bytes_leaves_none_and_a_new_stream_starts_empty() {
        let mut w = FlowWindow::default();
        w.wrote(1000);
        w.credited(400);
        assert_eq!(w.outstanding(), 600);
        w.credited(5000);
        assert_eq!(w.outstanding(), 0);
        w.wrote(70);
        w.open_stream();
        assert_eq!(w.outstanding(), 0);
    }

    #[test]
    fn the_receiver_credits_back_once_it_consumed_half_the_window() {
        let mut w = FlowWindow::default();
        // Half of 65 535 is 32 767 (integer division): 3 × 10 000 stays under it, the
        // fourth message brings the count to 40 000, all of it credited at once.
        for _ in 0..3 {
            assert_eq!(w.consumed(10_000, WINDOW), None);
        }
        assert_eq!(w.consumed(10_000, WINDOW), Some(40_000));
        // Counting starts again from zero.
        assert_eq!(w.consumed(32_766, WINDOW), None);
        assert_eq!(w.consumed(1, WINDOW), Some(32_767));
        // A new connection forgets what was consumed on the old one.
        assert_eq!(w.consumed(30_000, WINDOW), None);
        w.open_connection();
        assert_eq!(w.consumed(30_000, WINDOW), None);
        // A credit too large for the frame's 31-bit field is capped at u32::MAX.
        assert_eq!(w.consumed(5 << 32, 10 << 32), Some(u32::MAX));
    }
}
