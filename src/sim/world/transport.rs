//! The adapter between the world and the transport machines ([`crate::transport`]): it
//! tells a client's transport what happened, with the facts its
//! [`ClientState`](crate::transport::ClientState) reports, and carries out the commands it
//! answers, in order. Also the server's side of handing a new event to a
//! replica's clients, as the variant's [`crate::transport::Delivery`] says.
//!
//! Owns: the meaning of each [`Command`] in the world. Does not own: any decision of a
//! transport (those are the machines'), nor connections, bytes or CPU jobs, which the
//! commands reach through the world's other parts.

use super::World;
use crate::engine::Scheduler;
use crate::ids::{EventNo, ReplicaId};
use crate::sim::event::{ClientId, Event, Job, MsgKind};
use crate::time::{Nanos, SimTime};
use crate::transport::{ClientState, Command, Commands, Hold, Input, PollRng};

impl World<'_> {
    /// Tells `c`'s transport about `input` and carries out what it decides (nothing, when
    /// its step does not hear such inputs).
    #[inline(always)]
    pub(super) fn tell(
        &mut self,
        c: ClientId,
        input: Input,
        now: SimTime,
        s: &mut Scheduler<Event>,
    ) {
        // Only the step is read here (inlined at every input); the whole state is copied
        // out of line, in `decide`.
        if self.chain.hears(self.transports[c].stage(), input) {
            self.decide(c, input, now, s);
        }
    }

    /// [`Self::tell`] for an input `c`'s step hears: its transport decides, and each
    /// command is carried out as it is pushed.
    #[inline(never)]
    fn decide(&mut self, c: ClientId, input: Input, now: SimTime, s: &mut Scheduler<Event>) {
        let state: ClientState = self.transports[c];
        // The chain is the run's, not the world's: the world can carry out commands while
        // the chain decides.
        let chain = self.chain;
        chain.on(
            state.stage(),
            input,
            &state.facts(),
            &mut Obeying {
                world: self,
                client: c,
                now,
                s,
            },
        );
    }

    /// Carries out one command of `c`'s transport. Inlined into each place a machine
    /// pushes a command, where the command is known: no dispatch at run time.
    #[inline(always)]
    fn obey(&mut self, c: ClientId, command: Command, now: SimTime, s: &mut Scheduler<Event>) {
        match command {
            Command::SendRequest => self.send_request(c, now, s),
            Command::SetTimer(after) => s.after(after, Event::ClientTimer(c)),
            Command::PollSkipped => self.poll_skipped(now),
            Command::RequestFailed => self.transports[c].request_answered(),
            Command::Register => self.register(c),
            Command::Respond => self.respond(c, now, s),
            Command::RespondOrHold { timeout } => self.respond_or_hold(c, timeout, now, s),
            Command::ScheduleAnswer => self.schedule_answer(c, now, s),
            Command::AnswerHeld => self.answer_held(c, now, s),
            Command::RegisterStream => self.register_stream(c, now, s),
            Command::SendStreamOpen => self.send_down(c, MsgKind::StreamOpen, now, s),
            Command::StartKeepalive => self.start_keepalive(c, s),
            Command::ReplayPending { buffer } => self.replay_pending(c, buffer, now, s),
            Command::SkipPending => self.skip_pending(c, now),
            Command::OpenWindow => self.open_window(c),
            Command::PushWithinWindow { window } => self.push_within_window(c, window, now, s),
            Command::WindowCredit { credit, window } => {
                self.window_credit(c, credit, window, now, s)
            }
            Command::Reconnect(policy) => self.reconnect(c, &policy, now, s),
            Command::Disconnect => self.transports[c].disconnect(),
            Command::CountFailedAttempt => self.transports[c].count_failed_attempt(),
            Command::FallBack => self.fall_back(c),
        }
    }

    /// Long polling: answers `c`'s request at once if events wait for it, else holds it
    /// until an event arrives at its replica or `timeout` passes.
    #[inline(always)]
    fn respond_or_hold(
        &mut self,
        c: ClientId,
        timeout: Nanos,
        now: SimTime,
        s: &mut Scheduler<Event>,
    ) {
        if self.pending_events(c) > 0 {
            self.respond(c, now, s);
            return;
        }
        let generation = self.transports[c].hold_request();
        self.fanout.hold(self.clients[c].replica);
        let timeout = self.hold_limit(c, timeout, now);
        s.after(
            timeout,
            Event::HoldTimeout {
                client: c,
                generation,
            },
        );
    }

    /// Queues the answer to `c`'s held request (writing it costs one push).
    #[inline(always)]
    fn schedule_answer(&mut self, c: ClientId, now: SimTime, s: &mut Scheduler<Event>) {
        let generation = Job::kept(self.transports[c].answer_scheduled());
        self.run_job(c, Job::Answer(generation), now, s);
    }

    /// The answer to `c`'s held request is written: the request is answered.
    #[inline(always)]
    fn answer_held(&mut self, c: ClientId, now: SimTime, s: &mut Scheduler<Event>) {
        self.transports[c].release();
        self.fanout.release(self.clients[c].replica);
        self.respond(c, now, s);
    }

    /// Event `n` is available at replica `r` (its origin, or delivered by the broker): it
    /// is pushed to the streams there and answers the long-poll requests held there by
    /// clients it is for. (Requests held elsewhere without a broker learn of the event only
    /// when their timeout answers them from the shared store.)
    pub(super) fn event_at_replica(
        &mut self,
        r: ReplicaId,
        n: EventNo,
        now: SimTime,
        s: &mut Scheduler<Event>,
    ) {
        let delivery = self.delivery;
        if delivery.streams {
            match delivery.window {
                Some(window) => self.push_to_streams_windowed(r, n, window, now, s),
                None => self.push_to_streams(r, n, now, s),
            }
        }
        if delivery.held_requests {
            let mut i = 0;
            while let Some(c) = self.fanout.subscriber(i) {
                i += 1;
                let client = &self.clients[c];
                if self.transports[c].hold() == Hold::Held
                    && client.replica == r
                    && self.log.is_for(n, c)
                {
                    self.schedule_answer(c, now, s);
                }
            }
        }
    }

    /// Event `n` never reaches replica `r` (no broker): its streams' clients lose it.
    pub(super) fn event_missed(&mut self, r: ReplicaId, n: EventNo) {
        if self.delivery.streams {
            self.lose_for_streams(r, n);
        }
    }
}

/// One decision of a client's transport, carried out command by command as the machine
/// pushes them (a command may tell the transport again: a refused connection is lost at
/// once; that decision is carried out by its own `Obeying`).
struct Obeying<'w, 's, 'q> {
    world: &'w mut World<'s>,
    client: ClientId,
    now: SimTime,
    s: &'q mut Scheduler<Event>,
}

impl Commands for Obeying<'_, '_, '_> {
    #[inline(always)]
    fn push(&mut self, command: Command) {
        self.world.obey(self.client, command, self.now, self.s);
    }

    #[inline(always)]
    fn rng(&mut self) -> &mut PollRng {
        let group = self.world.clients[self.client].group;
        &mut self.world.poll_rng[group]
    }
}
