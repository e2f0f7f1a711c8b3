//! The server's I/O model: an event loop (epoll, kqueue: a few threads wait on every
//! connection at once) or a thread per connection (each connection, or at layer 7 each
//! request in progress, holds a thread while it is open; a held long poll or an open
//! stream holds one the whole time).
//!
//! What a thread per connection costs, against an event loop: the thread's stack as memory
//! per connection, a context switch per job (the thread that owns the connection must be
//! woken to do it), and a thread limit past which new connections are refused (the
//! fleet's connection limit, with its refusal path).
//!
//! Owns: the model and its three figures with their defaults. Does not own: the costs the
//! figures are added to ([`crate::infra::costs`]) or the refusal ([`crate::infra::fleet`]).

use serde::Serialize;

use crate::time::Nanos;

/// A Java platform thread's stack: 1,024 KiB reserved per thread on 64-bit Linux
/// (HotSpot's `ThreadStackSize`, `-Xss`; OpenJ9 documents the same default). A servlet
/// container's connector threads (Tomcat's) are such threads. Reserved, not all resident:
/// the figure is what limits the count of threads, as `ulimit -v` and overcommit see it.
pub const DEFAULT_THREAD_STACK: u64 = 1024 * 1024;
/// Tomcat's HTTP connector `maxThreads` default: 200 request-processing threads, which
/// "determines the maximum number of simultaneous requests that can be handled"
/// (Tomcat's HTTP connector reference).
pub const DEFAULT_MAX_THREADS: u32 = 200;
/// CPU per job for the switch to the thread that owns the connection: thread switches of a
/// few microseconds, as measured on Linux servers by B. Sigoure ("How long does it take to
/// make a context switch?", 2010; the direct cost, before the cache misses that follow).
/// rtsim's round figure from them.
pub const DEFAULT_CONTEXT_SWITCH: Nanos = 3_000;

/// How a replica waits on its connections.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IoModel {
    /// A few threads wait on every connection at once: nothing per connection or job.
    #[default]
    EventLoop,
    /// A thread per open connection (at layer 7, per request in progress).
    ThreadPerConnection(Threads),
}

/// A thread-per-connection server's threads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Threads {
    /// Threads at most: connections past it are refused.
    pub max: u32,
    /// Bytes of stack per thread.
    pub stack: u64,
    /// CPU per job for the context switch.
    pub context_switch: Nanos,
}

impl Default for Threads {
    fn default() -> Self {
        Threads {
            max: DEFAULT_MAX_THREADS,
            stack: DEFAULT_THREAD_STACK,
            context_switch: DEFAULT_CONTEXT_SWITCH,
        }
    }
}

impl IoModel {
    /// Bytes a connection holds beyond its transport's: its thread's stack.
    pub fn memory_per_connection(&self) -> u64 {
        match self {
            IoModel::EventLoop => 0,
            IoModel::ThreadPerConnection(t) => t.stack,
        }
    }

    /// CPU every job costs beyond its work: the switch to its thread.
    pub fn cost_per_job(&self) -> Nanos {
        match self {
            IoModel::EventLoop => 0,
            IoModel::ThreadPerConnection(t) => t.context_switch,
        }
    }

    /// Connections a replica can hold at once, if the model limits them.
    pub fn connection_limit(&self) -> Option<u32> {
        match self {
            IoModel::EventLoop => None,
            IoModel::ThreadPerConnection(t) => Some(t.max),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_event_loop_adds_nothing_and_threads_add_their_figures() {
        let event_loop = IoModel::EventLoop;
        assert_eq!(
            (
                event_loop.memory_per_connection(),
                event_loop.cost_per_job(),
                event_loop.connection_limit()
            ),
            (0, 0, None)
        );
        let threads = IoModel::ThreadPerConnection(Threads::default());
        assert_eq!(
            (
                threads.memory_per_connection(),
                threads.cost_per_job(),
                threads.connection_limit()
            ),
            (1024 * 1024, 3_000, Some(200))
        );
    }
}
