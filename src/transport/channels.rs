//! How a variant's channels are laid out as clients of a run. Each channel of a user is a
//! client of its own ([`ClientId`]), as the REST client beside a push-only transport has
//! always been: the same browser, group and TLS as the user's other channels, so the
//! browser's six connections per origin over HTTP/1.1, its shared HTTP/2 connection and
//! its access link are shared by them all.
//!
//! The numbering is channel-major: the `u`-th user's channel in push slot `j` is client
//! `j × users + u`, and its REST client (the REST channel, or the short form's REST client
//! beside SSE, polling or long polling) comes after every push channel, at
//! `push × users + u`. A gRPC channel that sends the messages as unary calls is a second
//! hidden request client per user, after the REST clients (`(push + 1) × users + u` with
//! a REST channel, `push × users + u` without). The short form is one push slot, so its
//! clients keep their numbers (`u`, and `users + u` for the REST clients).
//!
//! Owns: which client is which user's which channel (its slot), the streams each slot
//! receives, which slot's stream carries the clients' messages up, and which slot's events
//! the REST client's history fetches recover (its *owner* slot). Does not own: the
//! channels' transports (each slot's [`super::Chain`], which the simulation holds by slot),
//! the outboxes ([`super::outbox`]) or the routing of an event to a client (the event
//! log's audiences, from [`Layout::receives`]).

use crate::ids::ClientId;
use crate::workload::streams::{self, StreamMask};

/// One channel as the layout needs it: what it receives, whether it is the REST channel
/// or the gRPC channel that sends the messages as unary calls, and whether it carries the
/// clients' messages. (Whether the REST channel fetches history is the scenario's
/// `rest.history`: the scenario refuses one without the other.)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Channel {
    pub receives: StreamMask,
    pub rest: bool,
    /// The gRPC unary sender (a request client of its own, not a push slot).
    pub grpc: bool,
    pub sends: bool,
}

/// The clients of a run: users × push slots, then one REST client per user when there is
/// a REST client, then one gRPC unary client per user when a gRPC channel sends the
/// messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    users: u32,
    /// Per push slot: the streams it receives (one slot, every stream, in the short form).
    receives: Vec<StreamMask>,
    /// Per push slot: its channel's index in the scenario's list (for the results).
    channel_index: Vec<usize>,
    /// The REST channel's index in the scenario's list, when it has one.
    rest_index: Option<usize>,
    /// The gRPC unary sender's index in the scenario's list, when it has one.
    grpc_index: Option<usize>,
    /// The push slot whose stream carries the clients' messages (`None`: REST, or none).
    stream_sender: Option<u8>,
    /// The clients' messages go up as requests of a hidden request client (REST `POST`s,
    /// or gRPC unary calls when `grpc_index` is set).
    uploads_rest: bool,
    /// Each user has a REST client.
    rest: bool,
    /// The push slot whose events the REST client's history fetches recover.
    owner: u8,
    /// More than one channel: per-channel results, routed streams.
    several: bool,
}

impl Layout {
    /// The short form: one transport for `users` users; `uploads_rest`: its messages go as
    /// REST requests; `rest`: each user has a REST client beside it.
    pub fn short(users: usize, uploads_rest: bool, rest: bool) -> Self {
        Layout {
            users: users as u32,
            receives: vec![streams::ALL],
            channel_index: vec![0],
            rest_index: None,
            grpc_index: None,
            stream_sender: (!uploads_rest).then_some(0),
            uploads_rest,
            rest,
            owner: 0,
            several: false,
        }
    }

    /// A variant of `channels` (at least two, in the scenario's order) for `users` users.
    /// The owner slot is the one that receives the clients' messages, else the first.
    pub fn of(users: usize, channels: &[Channel]) -> Self {
        let mut layout = Layout {
            users: users as u32,
            receives: Vec::new(),
            channel_index: Vec::new(),
            rest_index: None,
            grpc_index: None,
            stream_sender: None,
            uploads_rest: false,
            rest: false,
            owner: 0,
            several: true,
        };
        for (i, ch) in channels.iter().enumerate() {
            if ch.rest {
                layout.rest_index = Some(i);
                layout.rest = true;
                layout.uploads_rest |= ch.sends;
                continue;
            }
            if ch.grpc {
                layout.grpc_index = Some(i);
                layout.uploads_rest = true;
                continue;
            }
            let slot = layout.receives.len() as u8;
            if ch.sends {
                layout.stream_sender = Some(slot);
            }
            if ch.receives & streams::bit(streams::MESSAGES) != 0 {
                layout.owner = slot;
            }
            layout.receives.push(ch.receives);
            layout.channel_index.push(i);
        }
        layout
    }

    /// Whether the variant has several channels.
    #[inline]
    pub fn several(&self) -> bool {
        self.several
    }

    /// Users (the scenario's clients).
    pub fn users(&self) -> usize {
        self.users as usize
    }

    /// Push slots (channels that receive events).
    pub fn push_slots(&self) -> usize {
        self.receives.len()
    }

    /// Clients of the push channels (every user's, slot by slot).
    pub fn push_clients(&self) -> usize {
        self.users() * self.push_slots()
    }

    /// Whether each user has a REST client.
    pub fn rest(&self) -> bool {
        self.rest
    }

    /// Whether the clients' messages go as requests of a hidden request client (REST, or
    /// gRPC unary calls: [`Layout::grpc`]).
    pub fn uploads_rest(&self) -> bool {
        self.uploads_rest
    }

    /// Whether each user has a gRPC unary client that sends its messages.
    pub fn grpc(&self) -> bool {
        self.grpc_index.is_some()
    }

    /// The owner slot: the push slot whose events the history fetches recover.
    pub fn owner(&self) -> usize {
        usize::from(self.owner)
    }

    /// User `u`'s client in push slot `slot`.
    #[inline]
    pub fn client(&self, slot: usize, u: ClientId) -> ClientId {
        ClientId::new(slot as u32 * self.users + u.get())
    }

    /// The user whose channel client `c` is.
    #[inline]
    pub fn user(&self, c: ClientId) -> ClientId {
        ClientId::new(c.get() % self.users.max(1))
    }

    /// The client that writes user `u`'s messages: its channel on the sending stream, or
    /// (over REST) its owner slot's client, whose REST client sends them.
    pub fn writer(&self, u: ClientId) -> ClientId {
        self.client(self.stream_sender.map_or(self.owner(), usize::from), u)
    }

    /// Client `c`'s slot: its push slot, the owner slot for a REST client.
    #[inline]
    pub fn slot(&self, c: ClientId) -> usize {
        let slot = (c.get() / self.users.max(1)) as usize;
        if slot < self.push_slots() {
            slot
        } else {
            self.owner()
        }
    }

    /// Client `c`'s channel: its place in the scenario's list of channels.
    #[inline]
    pub fn channel_of(&self, c: ClientId) -> usize {
        let slot = (c.get() / self.users.max(1)) as usize;
        match self.channel_index.get(slot) {
            Some(i) => *i,
            // The hidden request clients: the REST block, then the gRPC block.
            None if slot > self.push_slots() || !self.rest => self
                .grpc_index
                .or(self.rest_index)
                .unwrap_or(self.channel_index[self.owner()]),
            None => self.rest_index.unwrap_or(self.channel_index[self.owner()]),
        }
    }

    /// Every client's streams, in client order (request clients receive none).
    pub fn receives(&self) -> Vec<StreamMask> {
        let mut masks = Vec::with_capacity(self.push_clients() + 2 * self.users());
        for mask in &self.receives {
            masks.extend(std::iter::repeat_n(*mask, self.users()));
        }
        let hidden = usize::from(self.rest) + usize::from(self.grpc());
        masks.extend(std::iter::repeat_n(0, hidden * self.users()));
        masks
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workload::streams::{EVENTS, MESSAGES, bit};

    fn id(c: u32) -> ClientId {
        ClientId::new(c)
    }

    /// The short form keeps today's numbers: client `u`, its REST client `users + u`.
    #[test]
    fn the_short_form_numbers_clients_as_before() {
        let layout = Layout::short(3, true, true);
        assert!(!layout.several());
        assert_eq!(layout.push_clients(), 3);
        assert_eq!((layout.slot(id(2)), layout.slot(id(4))), (0, 0));
        assert_eq!(layout.writer(id(1)), id(1));
        assert_eq!(
            layout.receives(),
            vec![streams::ALL; 3]
                .into_iter()
                .chain([0; 3])
                .collect::<Vec<_>>()
        );
    }

    /// Chat as WebSocket (messages, sends) + SSE (events) + REST (history), 2 users: the
    /// WebSocket channels are clients 0-1, the SSE ones 2-3, the REST ones 4-5; history
    /// recovers the WebSocket's events (it receives the messages).
    #[test]
    fn three_channels_are_numbered_channel_major() {
        let channels = [
            Channel {
                receives: bit(MESSAGES),
                rest: false,
                grpc: false,
                sends: true,
            },
            Channel {
                receives: bit(EVENTS),
                rest: false,
                grpc: false,
                sends: false,
            },
            Channel {
                receives: 0,
                rest: true,
                grpc: false,
                sends: false,
            },
        ];
        let layout = Layout::of(2, &channels);
        assert!(layout.several() && layout.rest() && !layout.uploads_rest());
        assert_eq!((layout.push_slots(), layout.push_clients()), (2, 4));
        assert_eq!(layout.client(1, id(1)), id(3));
        assert_eq!(layout.user(id(3)), id(1));
        assert_eq!(
            [0, 1, 2, 3, 4, 5].map(|c| layout.slot(id(c))),
            [0, 0, 1, 1, 0, 0]
        );
        assert_eq!(layout.writer(id(1)), id(1));
        assert_eq!(layout.owner(), 0);
        let (m, e) = (bit(MESSAGES), bit(EVENTS));
        assert_eq!(layout.receives(), vec![m, m, e, e, 0, 0]);
        assert_eq!(
            [0, 1, 2, 3, 4, 5].map(|c| layout.channel_of(id(c))),
            [0, 0, 1, 1, 2, 2]
        );
    }

    /// SSE + REST with REST carrying the messages: the writer is the owner slot's client
    /// (its REST client sends them).
    #[test]
    fn rest_uploads_are_written_by_the_owner_slot() {
        let channels = [
            Channel {
                receives: 0,
                rest: true,
                grpc: false,
                sends: true,
            },
            Channel {
                receives: bit(EVENTS),
                rest: false,
                grpc: false,
                sends: false,
            },
            Channel {
                receives: bit(MESSAGES),
                rest: false,
                grpc: false,
                sends: false,
            },
        ];
        let layout = Layout::of(2, &channels);
        assert!(layout.uploads_rest());
        assert_eq!(layout.owner(), 1);
        assert_eq!(layout.writer(id(0)), id(2));
        assert_eq!([0, 2, 4, 5].map(|c| layout.channel_of(id(c))), [1, 2, 0, 0]);
    }

    /// The trading desk: WebSocket prices (slot 0), gRPC unary orders, REST reports; 2
    /// users. The WebSocket channels are clients 0-1, the REST clients 2-3, the gRPC
    /// clients 4-5; the orders are written by the owner slot's clients (their gRPC clients
    /// send them).
    #[test]
    fn a_grpc_sender_comes_after_the_rest_clients() {
        let channels = [
            Channel {
                receives: bit(EVENTS),
                rest: false,
                grpc: false,
                sends: false,
            },
            Channel {
                receives: 0,
                rest: false,
                grpc: true,
                sends: true,
            },
            Channel {
                receives: 0,
                rest: true,
                grpc: false,
                sends: false,
            },
        ];
        let layout = Layout::of(2, &channels);
        assert!(layout.rest() && layout.grpc() && layout.uploads_rest());
        assert_eq!(layout.push_clients(), 2);
        assert_eq!(layout.writer(id(1)), id(1));
        assert_eq!(
            [0, 1, 2, 3, 4, 5].map(|c| layout.channel_of(id(c))),
            [0, 0, 2, 2, 1, 1]
        );
        assert_eq!([2, 5].map(|c| layout.slot(id(c))), [0, 0]);
        assert_eq!(
            layout.receives(),
            vec![bit(EVENTS), bit(EVENTS), 0, 0, 0, 0]
        );
        // Without a REST channel the gRPC clients follow the push channels directly.
        let layout = Layout::of(2, &channels[..2]);
        assert!(!layout.rest() && layout.grpc());
        assert_eq!([2, 3].map(|c| layout.channel_of(id(c))), [1, 1]);
        assert_eq!(layout.receives().len(), 4);
    }
}
