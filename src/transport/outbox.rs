//! Each client's outbox in a two-way workload: the messages it wrote that the server has
//! not yet accepted, and the way they go up — over the client's stream (a WebSocket frame,
//! a gRPC message) once the client has seen it open, or as requests of a *request client*
//! beside it: a REST `POST` (SSE, polling, long polling, the REST channel), or a gRPC
//! unary call (the gRPC channel that sends the messages, issue 17).
//!
//! A request client is a hidden client of the same browser, numbered after all the visible
//! ones: the REST clients first (the REST client of `c` is `first + c`), then the gRPC
//! unary clients (`first + owners + c` beside REST clients). Each sends one request at a
//! time: the REST client its history asks (first) and, when the messages go as requests
//! and no gRPC client sends them, the first message of its client's outbox; the gRPC
//! client that message. Messages that wait for a stream are the stream's alone. A message
//! leaves the outbox only when the answer arrives, so a request lost with its connection
//! carries the same message again after [`REST_RETRY`]. Which connection a message takes and when
//! it may go is a transport matter, so this lives beside the transports; the messages'
//! counts and latencies are [`crate::metrics::messages`]'s.
//!
//! Owns: which clients are request clients (REST or gRPC unary) and whose, whether uploads
//! go as requests and which request client sends them, each client's outbox, the
//! connection generation whose stream each client saw open, and what each request
//! client's request carries as the server read it, and the sizes of an upload's `POST`
//! and of its answer ([`RestSizes`]; a unary call's are [`crate::transport::grpc`]'s). Does not own: whether a request is on its way
//! (the client's transport state, [`crate::transport::Clients`], says), the connections,
//! the history asks and their sizes
//! ([`crate::transport::history::History`]), or the retry timer (the simulation sets the
//! timer this module names).

use std::collections::VecDeque;

use crate::ids::{ClientId, Generation, MessageNo};
use crate::time::Nanos;

/// A REST client's wait before sending a failed request's message again: an assumption (a
/// browser `fetch()` has no retry of its own; applications retry after about a second).
pub const REST_RETRY: Nanos = 1_000_000_000;

/// No message: the REST client's request carries nothing the server has read.
const NO_MESSAGE: MessageNo = MessageNo::new(u32::MAX);
/// The REST client's request being served is a history request.
const HISTORY: MessageNo = MessageNo::new(u32::MAX - 1);

/// The header bytes a REST `POST` of a JSON message adds to a plain GET of the same
/// browser: `Content-Type: application/json` (32 B) and `Content-Length` (about 20 B),
/// rounded to 50. A client group's own `request_headers` plus these size its `POST`s.
pub const POST_OWN_HEADERS: u64 = 50;

/// The sizes of a REST client's own exchange, each as (payload, HTTP headers) in bytes:
/// an upload is a `POST` whose body is the message, answered with headers alone (a `204
/// No Content`). The header sizes are the scenario's `rest.request_headers` and
/// `rest.response_headers`, whose defaults cite their sources.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RestSizes {
    pub request_headers: u64,
    pub response_headers: u64,
}

impl RestSizes {
    /// The `POST` carrying a message of `payload` bytes.
    #[inline]
    pub fn upload(&self, payload: u32) -> (u64, u64) {
        (payload as u64, self.request_headers)
    }

    /// These sizes for a client group whose requests carry `text` bytes of headers
    /// (cookies, a token) in place of a plain browser's: its `POST`s carry them and
    /// [`POST_OWN_HEADERS`].
    #[inline]
    pub fn with_request_headers(self, text: u64) -> RestSizes {
        RestSizes {
            request_headers: text + POST_OWN_HEADERS,
            ..self
        }
    }

    /// Its answer: headers, no body.
    #[inline]
    pub fn answer(&self) -> (u64, u64) {
        (0, self.response_headers)
    }
}

/// What happens to a message a client has just written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// It goes now on the client's open stream.
    Stream,
    /// It waits in the client's queue for its stream to open.
    Wait,
    /// It waits in the client's queue for this request client (REST or gRPC unary),
    /// which sends it unless a request of its own is already on its way.
    Rest(ClientId),
}

/// What the server was serving on a request client's request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Serving {
    /// Nothing read (or already handled).
    Nothing,
    /// The client's message `k`.
    Message(MessageNo),
    /// A history ask.
    History,
}

/// The outboxes of one run (empty when the workload has no messages and no REST).
#[derive(Debug, Default)]
pub struct Outbox {
    /// The first request client (the REST clients, one per owner in order, then the gRPC
    /// unary clients likewise), when the variant has any.
    first_request: Option<ClientId>,
    /// Each owner has a REST client (the first block of request clients).
    rest: bool,
    /// Each owner has a gRPC unary client (after the REST clients), which sends its
    /// messages.
    grpc: bool,
    /// The first client of the owner slot (`transport::channels`): the REST client of
    /// `owner_base + u` is `first_request + u`.
    owner_base: u32,
    /// Clients of the owner slot (users).
    owners: u32,
    /// The clients send their messages as requests of their request clients (not on
    /// their streams).
    uploads_rest: bool,
    /// Per client: its messages waiting to go up, in order; over REST the front is the
    /// one its REST client is sending.
    queue: Vec<VecDeque<MessageNo>>,
    /// Per client: the generation of the connection whose stream the client saw open
    /// (messages may go on it); [`Generation::NONE`] for none.
    stream_open_on: Vec<Generation>,
    /// Per request client, from the first: what its request carries, as the server read
    /// it (a message, [`HISTORY`] or [`NO_MESSAGE`]).
    serving: Vec<MessageNo>,
}

impl Outbox {
    /// The outboxes of `clients` visible clients; `rest`: each has a REST client beside it;
    /// `uploads_rest`: their messages go over it.
    pub fn new(clients: usize, rest: bool, uploads_rest: bool) -> Self {
        Self::with_owners(clients, (0, clients), (rest, false), uploads_rest)
    }

    /// [`Outbox::new`] for `clients` clients of several channels, of which
    /// `(first, count)` (the owner slot's) have the request clients, numbered after them
    /// all: a REST client each when `rest`, then a gRPC unary client each when `grpc`
    /// (which then sends the messages: `uploads_rest` must be set).
    pub fn with_owners(
        clients: usize,
        (first, count): (usize, usize),
        (rest, grpc): (bool, bool),
        uploads_rest: bool,
    ) -> Self {
        debug_assert!(
            !grpc || uploads_rest,
            "a gRPC unary client sends the messages"
        );
        let blocks = usize::from(rest) + usize::from(grpc);
        Outbox {
            first_request: (blocks > 0).then_some(ClientId::at(clients)),
            rest,
            grpc,
            owner_base: first as u32,
            owners: count as u32,
            uploads_rest,
            queue: vec![VecDeque::new(); clients],
            stream_open_on: vec![Generation::NONE; clients],
            serving: vec![NO_MESSAGE; blocks * count],
        }
    }

    /// Whether the clients' messages go as requests of their request clients.
    #[inline]
    pub fn uploads_rest(&self) -> bool {
        self.uploads_rest
    }

    /// Whether `c` is a request client (REST or gRPC unary).
    #[inline]
    pub fn is_rest(&self, c: ClientId) -> bool {
        self.first_request.is_some_and(|first| c >= first)
    }

    /// Whether `c` is a gRPC unary client (it sends its owner's messages, one call each).
    #[inline]
    pub fn is_grpc(&self, c: ClientId) -> bool {
        self.grpc
            && self.first_request.is_some_and(|first| {
                c.get() >= first.get() + if self.rest { self.owners } else { 0 }
            })
    }

    /// Whether request client `r`'s requests carry its owner's messages: the gRPC client's
    /// when there is one, else the REST client's.
    #[inline]
    pub fn sends_messages(&self, r: ClientId) -> bool {
        !self.grpc || self.is_grpc(r)
    }

    /// Whether `c`'s traffic is the messages' (a request client that sends them, while
    /// they go as requests).
    #[inline]
    pub fn carries_uploads(&self, c: ClientId) -> bool {
        self.uploads_rest && self.is_rest(c) && self.sends_messages(c)
    }

    /// `r`'s place among the request clients (`r` is one).
    #[inline]
    fn request_index(&self, r: ClientId) -> usize {
        let first = self.first_request.expect("a request client");
        (r.get() - first.get()) as usize
    }

    /// The visible client a request client sends for (itself for a visible one).
    #[inline]
    pub fn owner_of(&self, c: ClientId) -> ClientId {
        match self.first_request {
            Some(first) if c >= first => {
                ClientId::new((c.get() - first.get()) % self.owners.max(1) + self.owner_base)
            }
            _ => c,
        }
    }

    /// Visible client `c`'s REST client, when the variant has them and `c` is of the owner
    /// slot (every visible client, in the short form).
    #[inline]
    pub fn rest_client_of(&self, c: ClientId) -> Option<ClientId> {
        let k = c.get().wrapping_sub(self.owner_base);
        self.first_request
            .filter(|_| self.rest && k < self.owners)
            .map(|first| first.plus(k))
    }

    /// The request client that sends visible client `c`'s messages: its gRPC client when
    /// the variant has them, else its REST client.
    #[inline]
    pub fn sender_of(&self, c: ClientId) -> Option<ClientId> {
        if !self.grpc {
            return self.rest_client_of(c);
        }
        let k = c.get().wrapping_sub(self.owner_base);
        let skip = if self.rest { self.owners } else { 0 };
        self.first_request
            .filter(|_| k < self.owners)
            .map(|first| first.plus(skip + k))
    }

    /// Whether `c` may send on its stream: its connection is `open` and, in `generation`,
    /// the client has seen the stream open.
    pub fn stream_ready(&self, c: ClientId, open: bool, generation: Generation) -> bool {
        open && self.stream_open_on[c] == generation
    }

    /// Client `c` wrote message `k`; `stream_ready`: it may send on its stream now (see
    /// [`Outbox::stream_ready`]). Messages keep their order: one goes on the stream only
    /// when none waits before it.
    pub fn written(&mut self, c: ClientId, k: MessageNo, stream_ready: bool) -> Route {
        if self.uploads_rest
            && let Some(r) = self.sender_of(c)
        {
            self.queue[c].push_back(k);
            return Route::Rest(r);
        }
        if stream_ready && self.queue[c].is_empty() {
            return Route::Stream;
        }
        self.queue[c].push_back(k);
        Route::Wait
    }

    /// `c` saw its stream open on the connection of `generation`: the messages that waited
    /// for it, in order, to go now (none over REST, whose messages never wait for a stream).
    pub fn stream_opened(&mut self, c: ClientId, generation: Generation) -> VecDeque<MessageNo> {
        if self.uploads_rest {
            return VecDeque::new();
        }
        self.stream_open_on[c] = generation;
        std::mem::take(&mut self.queue[c])
    }

    /// The message `owner`'s request client sends next (the front of its queue), if any.
    #[inline]
    pub fn next(&self, owner: ClientId) -> Option<MessageNo> {
        self.queue[owner].front().copied()
    }

    /// The message request client `r` of `owner` sends next: the front of `owner`'s
    /// queue when `r` carries the uploads ([`Outbox::carries_uploads`]), else none. When
    /// the messages go on the stream, the queue holds those waiting for it to open: a
    /// REST client beside the stream (for history) must not take one, or the stream
    /// would send it too when it opens and the server would publish it twice.
    #[inline]
    pub fn next_request(&self, r: ClientId, owner: ClientId) -> Option<MessageNo> {
        self.next(owner).filter(|_| self.carries_uploads(r))
    }

    /// The server read request client `r`'s request carrying message `k`.
    pub fn read(&mut self, r: ClientId, k: MessageNo) {
        let i = self.request_index(r);
        self.serving[i] = k;
    }

    /// The server read REST client `r`'s history request.
    pub fn read_history(&mut self, r: ClientId) {
        let i = self.request_index(r);
        self.serving[i] = HISTORY;
    }

    /// What the server was serving on request client `r`'s request; it serves nothing
    /// after.
    pub fn take_serving(&mut self, r: ClientId) -> Serving {
        let i = self.request_index(r);
        match std::mem::replace(&mut self.serving[i], NO_MESSAGE) {
            NO_MESSAGE => Serving::Nothing,
            HISTORY => Serving::History,
            k => Serving::Message(k),
        }
    }

    /// `owner`'s request client got the answer to its message: the message is done.
    pub fn answered(&mut self, owner: ClientId) {
        self.queue[owner].pop_front();
    }

    /// A request client's connection failed with `request_outstanding` or not: when it sends
    /// again (its message stays at the front of the queue), `None` when nothing was on its
    /// way.
    pub fn retry_after(request_outstanding: bool) -> Option<Nanos> {
        request_outstanding.then_some(REST_RETRY)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(c: u32) -> ClientId {
        ClientId::new(c)
    }

    fn m(k: u32) -> MessageNo {
        MessageNo::new(k)
    }

    #[test]
    fn an_upload_and_its_answer_on_the_wire_by_hand() {
        use crate::net::tcp::{Segmenting, TcpParams};
        // The scenario's defaults: a 500-byte POST, a 150-byte 204.
        let sizes = RestSizes {
            request_headers: 500,
            response_headers: 150,
        };
        assert_eq!(sizes.upload(140), (140, 500));
        assert_eq!(sizes.answer(), (0, 150));
        // On the wire (no TLS): 640 bytes fit one 1448-byte segment with a 52-byte header.
        let tcp = TcpParams::default();
        let (payload, headers) = sizes.upload(140);
        let (layers, segments) = tcp.message(payload, headers, 0, Segmenting::Stream);
        assert_eq!(segments, 1);
        assert_eq!(layers.total(), 140 + 500 + 52);
        // A 2000-byte message takes two segments: 2500 bytes / 1448 rounded up.
        let (payload, headers) = sizes.upload(2000);
        let (layers, segments) = tcp.message(payload, headers, 0, Segmenting::Stream);
        assert_eq!(segments, 2);
        assert_eq!(layers.total(), 2000 + 500 + 2 * 52);
    }

    /// Issue 18 (random invariant scenario 281, found with the radio's delays): messages
    /// that wait for a stream to open are the stream's; the REST client beside it (there
    /// for history) sends none of them, so none is sent twice.
    #[test]
    fn a_history_rest_client_never_takes_a_message_waiting_for_the_stream() {
        let mut outbox = Outbox::new(2, true, false);
        // The stream of client 1 is down: its message waits in its queue.
        assert_eq!(outbox.written(id(1), m(4), false), Route::Wait);
        assert_eq!(outbox.next(id(1)), Some(m(4)));
        assert_eq!(outbox.next_request(id(3), id(1)), None);
        // The stream opens: it takes the message, once.
        assert_eq!(outbox.stream_opened(id(1), Generation::new(1)), [m(4)]);
        assert_eq!(outbox.next(id(1)), None);
        // When the messages go over REST, the REST client sends its owner's front one.
        let mut rest = Outbox::new(2, true, true);
        assert_eq!(rest.written(id(1), m(4), false), Route::Rest(id(3)));
        assert_eq!(rest.next_request(id(3), id(1)), Some(m(4)));
    }

    #[test]
    fn rest_clients_follow_the_visible_ones() {
        let outbox = Outbox::new(3, true, true);
        assert!(!outbox.is_rest(id(2)));
        assert!(outbox.is_rest(id(3)) && outbox.is_rest(id(5)));
        assert_eq!(outbox.rest_client_of(id(1)), Some(id(4)));
        assert_eq!(outbox.owner_of(id(4)), id(1));
        assert_eq!(outbox.owner_of(id(2)), id(2));
        let none = Outbox::new(3, false, false);
        assert!(!none.is_rest(id(5)));
        assert_eq!(none.rest_client_of(id(1)), None);
        assert_eq!(none.owner_of(id(5)), id(5));
    }

    /// Two users with two push channels (clients 0-3), the REST clients 4-5 beside the
    /// second slot's clients (2-3): only those have one.
    #[test]
    fn rest_clients_follow_the_owner_slot_of_several_channels() {
        let outbox = Outbox::with_owners(4, (2, 2), (true, false), false);
        assert!(outbox.is_rest(id(4)) && !outbox.is_rest(id(3)));
        assert_eq!(outbox.rest_client_of(id(2)), Some(id(4)));
        assert_eq!(outbox.rest_client_of(id(3)), Some(id(5)));
        assert_eq!(outbox.rest_client_of(id(1)), None);
        assert_eq!(outbox.owner_of(id(5)), id(3));
    }

    /// Two users of one push channel (clients 0-1), REST clients 2-3 for history and gRPC
    /// unary clients 4-5 that send the messages: each request client is served apart
    /// (a history ask and an order of the same user at once).
    #[test]
    fn a_grpc_client_sends_the_messages_beside_the_rest_client() {
        let mut outbox = Outbox::with_owners(2, (0, 2), (true, true), true);
        assert!(outbox.is_rest(id(2)) && outbox.is_rest(id(5)));
        assert!(!outbox.is_grpc(id(3)) && outbox.is_grpc(id(4)));
        assert_eq!(outbox.rest_client_of(id(1)), Some(id(3)));
        assert_eq!(outbox.sender_of(id(1)), Some(id(5)));
        assert_eq!(
            (outbox.owner_of(id(3)), outbox.owner_of(id(5))),
            (id(1), id(1))
        );
        assert!(outbox.sends_messages(id(5)) && !outbox.sends_messages(id(3)));
        assert!(outbox.carries_uploads(id(4)) && !outbox.carries_uploads(id(2)));
        assert_eq!(outbox.written(id(1), m(7), true), Route::Rest(id(5)));
        outbox.read_history(id(3));
        outbox.read(id(5), m(7));
        assert_eq!(outbox.take_serving(id(3)), Serving::History);
        assert_eq!(outbox.take_serving(id(5)), Serving::Message(m(7)));
        // Without a REST channel the gRPC clients come first.
        let outbox = Outbox::with_owners(2, (0, 2), (false, true), true);
        assert!(outbox.is_grpc(id(2)) && !outbox.is_grpc(id(1)));
        assert_eq!(outbox.rest_client_of(id(0)), None);
        assert_eq!(outbox.sender_of(id(0)), Some(id(2)));
        // Without a gRPC client the REST client sends them, as before.
        let outbox = Outbox::new(2, true, true);
        assert!(!outbox.is_grpc(id(3)) && outbox.sends_messages(id(3)));
    }

    /// One request at a time: the front message is sent until its answer arrives, then
    /// the next; a lost request keeps its message at the front for the retry.
    #[test]
    fn a_rest_client_sends_its_queue_in_order_and_retries_the_front() {
        let mut outbox = Outbox::new(2, true, true);
        assert_eq!(outbox.written(id(1), m(7), true), Route::Rest(id(3)));
        assert_eq!(outbox.written(id(1), m(8), true), Route::Rest(id(3)));
        assert_eq!(outbox.next(id(1)), Some(m(7)));
        assert_eq!(outbox.next(id(0)), None);

        outbox.read(id(3), m(7));
        // The connection dies before the answer: the server's read is void, the message
        // goes again after the retry delay.
        assert_eq!(outbox.take_serving(id(3)), Serving::Message(m(7)));
        assert_eq!(outbox.take_serving(id(3)), Serving::Nothing);
        assert_eq!(Outbox::retry_after(true), Some(REST_RETRY));
        assert_eq!(Outbox::retry_after(false), None);
        assert_eq!(outbox.next(id(1)), Some(m(7)));

        outbox.answered(id(1));
        assert_eq!(outbox.next(id(1)), Some(m(8)));
        outbox.answered(id(1));
        assert_eq!(outbox.next(id(1)), None);
    }

    #[test]
    fn a_history_request_is_served_as_history() {
        let mut outbox = Outbox::new(1, true, false);
        outbox.read_history(id(1));
        assert_eq!(outbox.take_serving(id(1)), Serving::History);
        assert_eq!(outbox.take_serving(id(1)), Serving::Nothing);
    }

    /// Over a stream, messages wait for the client to see it open on its current
    /// connection, and keep their order when it does.
    #[test]
    fn stream_messages_wait_for_the_stream_and_keep_order() {
        let mut outbox = Outbox::new(1, true, false);
        let c = id(0);
        assert!(!outbox.stream_ready(c, true, Generation::new(0)));
        assert_eq!(outbox.written(c, m(1), false), Route::Wait);
        assert_eq!(outbox.written(c, m(2), false), Route::Wait);
        assert_eq!(
            outbox.stream_opened(c, Generation::new(4)),
            VecDeque::from([m(1), m(2)])
        );
        assert!(outbox.stream_ready(c, true, Generation::new(4)));
        assert!(!outbox.stream_ready(c, false, Generation::new(4)));
        // A new connection: the client has not seen its stream open yet.
        assert!(!outbox.stream_ready(c, true, Generation::new(5)));
        assert_eq!(outbox.written(c, m(3), true), Route::Stream);
        assert_eq!(outbox.written(c, m(4), false), Route::Wait);
        // Ready again, but 4 waits: 5 goes after it, not before.
        assert_eq!(outbox.written(c, m(5), true), Route::Wait);
        assert_eq!(
            outbox.stream_opened(c, Generation::new(5)),
            VecDeque::from([m(4), m(5)])
        );
    }

    #[test]
    fn rest_uploads_never_wait_for_a_stream() {
        let mut outbox = Outbox::new(1, true, true);
        outbox.written(id(0), m(1), false);
        assert!(outbox.stream_opened(id(0), Generation::new(0)).is_empty());
        assert_eq!(outbox.next(id(0)), Some(m(1)));
    }
}
