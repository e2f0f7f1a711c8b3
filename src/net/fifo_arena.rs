//! Many small first-in, first-out queues in one arena: the messages on their way on every
//! connection of a run ([`crate::net::connections`]), a queue per connection direction.
//!
//! Owns: where the queued items live (one `Vec` of nodes for all the queues, with a free
//! list of the nodes no queue holds), and each queue's order. A queue is a [`Fifo`] of two
//! indices (its oldest and newest node), 8 bytes, held by its owner; each node links to the
//! next newer one of its queue.
//! Does not own: which queue is whose, or what an item is.
//!
//! Why: a `VecDeque` per direction took 32 bytes in every connection's slot and, once a
//! message had passed, a heap block of at least four messages that it kept for the whole
//! run (about 576 bytes a client in a 100,000-client WebSocket run). Here the arena holds
//! only as many nodes as were ever on the way at once, over all connections together.
//!
//! Order: each queue is FIFO, and [`FifoArena::pop_back`] takes its newest item. Which
//! node an item occupies depends on the order of frees, but nothing reads that: an item is
//! reached only through its own queue, so the arena's layout never reaches a result.
//! Cost: pushing and taking the oldest are O(1); taking the newest and `clear` are O(length
//! of the queue).

/// No node: the end of a list.
const NONE: u32 = u32::MAX;

/// One queue's ends in its [`FifoArena`]; empty by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fifo {
    /// The oldest item's node, or [`NONE`].
    head: u32,
    /// The newest item's node, or [`NONE`].
    tail: u32,
}

impl Default for Fifo {
    fn default() -> Self {
        Fifo {
            head: NONE,
            tail: NONE,
        }
    }
}

impl Fifo {
    /// Nothing in the queue.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.head == NONE
    }
}

/// A node: an item and the next newer node of its queue (a free node's `next` is the next
/// free node, and its item a stale copy that nothing reads).
#[derive(Debug, Clone, Copy)]
struct Node<M> {
    item: M,
    next: u32,
}

/// The nodes of every [`Fifo`] that uses this arena. Items are `Copy` (a message's
/// figures), so a freed node keeps its stale copy instead of an `Option`'s flag.
#[derive(Debug, Clone)]
pub struct FifoArena<M> {
    nodes: Vec<Node<M>>,
    /// The first free node, or [`NONE`].
    free: u32,
}

impl<M> Default for FifoArena<M> {
    fn default() -> Self {
        FifoArena {
            nodes: Vec::new(),
            free: NONE,
        }
    }
}

impl<M: Copy> FifoArena<M> {
    /// Puts `item` at the back of `queue`.
    ///
    /// # Panics
    /// When the arena would hold more than `u32::MAX - 1` items at once (memory runs out
    /// long before).
    #[inline]
    pub fn push_back(&mut self, queue: &mut Fifo, item: M) {
        let node = Node { item, next: NONE };
        let at = if self.free == NONE {
            self.grow(node)
        } else {
            let at = self.free;
            let slot = &mut self.nodes[at as usize];
            self.free = slot.next;
            *slot = node;
            at
        };
        match queue.tail {
            NONE => queue.head = at,
            tail => self.nodes[tail as usize].next = at,
        }
        queue.tail = at;
    }

    /// Takes the oldest item of `queue`, if any.
    #[inline]
    pub fn pop_front(&mut self, queue: &mut Fifo) -> Option<M> {
        let at = queue.head;
        if at == NONE {
            return None;
        }
        let node = &mut self.nodes[at as usize];
        let (item, next) = (node.item, node.next);
        node.next = self.free;
        self.free = at;
        queue.head = next;
        if next == NONE {
            queue.tail = NONE;
        }
        Some(item)
    }

    /// Takes the newest item of `queue`, if any. O(length of the queue): the nodes link
    /// only toward the newer, which saves a write on every push and pop; its one caller
    /// takes back a message lost whole just after its send, rare and on a short queue.
    pub fn pop_back(&mut self, queue: &mut Fifo) -> Option<M> {
        let at = queue.tail;
        if at == NONE {
            return None;
        }
        if queue.head == at {
            return self.pop_front(queue);
        }
        let mut before = queue.head;
        while self.nodes[before as usize].next != at {
            before = self.nodes[before as usize].next;
        }
        self.nodes[before as usize].next = NONE;
        queue.tail = before;
        let node = &mut self.nodes[at as usize];
        node.next = self.free;
        self.free = at;
        Some(node.item)
    }

    /// Empties `queue`, its nodes free for any queue.
    pub fn clear(&mut self, queue: &mut Fifo) {
        while self.pop_front(queue).is_some() {}
    }

    /// Nodes the arena holds, free or not: the most items ever queued at once.
    pub fn capacity(&self) -> usize {
        self.nodes.len()
    }

    /// A new node for `node` (no free one is left); returns its index.
    #[cold]
    fn grow(&mut self, node: Node<M>) -> u32 {
        let at = u32::try_from(self.nodes.len())
            .ok()
            .filter(|&at| at != NONE)
            .expect("fewer than 2^32 - 1 items on the way at once");
        self.nodes.push(node);
        at
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::VecDeque;

    /// Differential test: random pushes and pops on a few queues sharing one arena give
    /// the same items, in the same order, as a `VecDeque` per queue. The draws come from
    /// a fixed linear congruential sequence, so the test is the same on every run.
    #[test]
    fn queues_in_one_arena_behave_as_a_vecdeque_each() {
        let mut arena = FifoArena::default();
        let mut queues = [Fifo::default(); 4];
        let mut model: [VecDeque<u64>; 4] = Default::default();
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        let mut most_queued = 0;
        for step in 0..20_000u64 {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let q = (state >> 33) as usize % 4;
            match (state >> 40) % 10 {
                // Pushes slightly outnumber pops, so the queues grow and shrink.
                0..=4 => {
                    arena.push_back(&mut queues[q], step);
                    model[q].push_back(step);
                }
                5..=7 => assert_eq!(arena.pop_front(&mut queues[q]), model[q].pop_front()),
                8 => assert_eq!(arena.pop_back(&mut queues[q]), model[q].pop_back()),
                _ => {
                    if step % 7 == 0 {
                        arena.clear(&mut queues[q]);
                        model[q].clear();
                    }
                }
            }
            for (queue, model) in queues.iter().zip(&model) {
                assert_eq!(queue.is_empty(), model.is_empty());
            }
            most_queued = most_queued.max(model.iter().map(VecDeque::len).sum::<usize>());
        }
        // The arena never holds more nodes than were queued at once: freed ones are reused.
        assert_eq!(arena.capacity(), most_queued);
        for (queue, model) in queues.iter_mut().zip(&mut model) {
            while let Some(item) = model.pop_front() {
                assert_eq!(arena.pop_front(queue), Some(item));
            }
            assert!(queue.is_empty());
        }
    }

    #[test]
    fn one_queue_is_first_in_first_out_and_gives_back_its_newest() {
        let mut arena = FifoArena::default();
        let mut queue = Fifo::default();
        assert!(queue.is_empty());
        for item in 1..=3 {
            arena.push_back(&mut queue, item);
        }
        assert_eq!(arena.pop_back(&mut queue), Some(3));
        assert_eq!(arena.pop_front(&mut queue), Some(1));
        assert_eq!(arena.pop_front(&mut queue), Some(2));
        assert_eq!(arena.pop_front(&mut queue), None);
        assert_eq!(arena.pop_back(&mut queue), None);
        assert!(queue.is_empty());
        // Three nodes were made; all are free again and reused before any new one.
        arena.push_back(&mut queue, 4);
        assert_eq!(arena.capacity(), 3);
    }
}
