//! Response buffering at a proxy: a proxy that buffers holds the writes of a streamed
//! response until a flush size of bytes has gathered, then forwards them all at once
//! (nginx's `proxy_buffering`, which stalls SSE).
//!
//! Owns: per client, the messages held and their bytes, and the decision when to flush
//! (when the bytes held reach the flush size); the held messages leave in the order they
//! came. Does not own: which messages are buffered nor the flush size (the path's, see
//! [`crate::infra::middleboxes::Path::buffering`]), the per-proxy statistics
//! ([`crate::infra::middleboxes::Middleboxes`] keeps them), what a message is (generic over
//! `M`; the caller says how many bytes each one takes).
//!
//! Clients are held in a side table that grows to the highest client that ever buffered:
//! a run without buffering proxies keeps nothing per client.

/// What a proxy holds of one client's streamed response.
#[derive(Debug, Clone)]
struct Held<M> {
    bytes: u64,
    messages: Vec<M>,
}

impl<M> Default for Held<M> {
    fn default() -> Self {
        Held {
            bytes: 0,
            messages: Vec::new(),
        }
    }
}

/// The responses held by the buffering proxies of one run, per client.
#[derive(Debug, Clone)]
pub struct Buffers<M> {
    held: Vec<Held<M>>,
}

impl<M> Default for Buffers<M> {
    fn default() -> Self {
        Buffers { held: Vec::new() }
    }
}

/// What [`Buffers::hold`] did with a message.
#[derive(Debug, PartialEq, Eq)]
pub enum Flush<M> {
    /// Held: the buffer is not full yet.
    Holding,
    /// The buffer filled: these bytes leave, as these messages in the order they came.
    Full { bytes: u64, messages: Vec<M> },
}

impl<M> Buffers<M> {
    /// Client `c`'s proxy takes `msg`, of `bytes`, into its buffer of `flush` bytes.
    pub fn hold(&mut self, c: usize, msg: M, bytes: u64, flush: u64) -> Flush<M> {
        if self.held.len() <= c {
            self.held.resize_with(c + 1, Held::default);
        }
        let held = &mut self.held[c];
        held.bytes += bytes;
        held.messages.push(msg);
        if held.bytes < flush {
            return Flush::Holding;
        }
        Flush::Full {
            bytes: std::mem::take(&mut held.bytes),
            messages: std::mem::take(&mut held.messages),
        }
    }

    /// Whether a proxy holds something of client `c`'s response.
    #[inline]
    pub fn holds(&self, c: usize) -> bool {
        self.held.get(c).is_some_and(|h| !h.messages.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flushes_when_the_held_bytes_reach_the_flush_size_in_order() {
        let mut b = Buffers::default();
        assert!(!b.holds(3));
        assert_eq!(b.hold(3, 'a', 400, 1000), Flush::Holding);
        assert_eq!(b.hold(3, 'b', 599, 1000), Flush::Holding);
        assert!(b.holds(3));
        assert!(!b.holds(0), "another client holds nothing");
        assert_eq!(
            b.hold(3, 'c', 1, 1000),
            Flush::Full {
                bytes: 1000,
                messages: vec!['a', 'b', 'c']
            }
        );
        assert!(!b.holds(3), "a flush empties the buffer");
        assert_eq!(b.hold(3, 'd', 10, 1000), Flush::Holding, "counting anew");
    }

    #[test]
    fn a_message_larger_than_the_flush_size_passes_with_what_was_held() {
        let mut b = Buffers::default();
        assert_eq!(b.hold(0, 1, 10, 100), Flush::Holding);
        assert_eq!(b.hold(1, 2, 10, 100), Flush::Holding);
        assert_eq!(
            b.hold(0, 3, 5000, 100),
            Flush::Full {
                bytes: 5010,
                messages: vec![1, 3]
            }
        );
        assert!(b.holds(1), "clients buffer apart");
    }
}
