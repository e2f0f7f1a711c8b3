//! The server's side of long-polling sessions ([`crate::transport::session`]): a request
//! handled on a replica that does not hold its client's session is answered `Session ID
//! unknown`; the client's next request is the handshake of a new session there, which
//! loses the events published since its last answer (unless the variant replays them: its
//! cursor then stays, and its next poll carries them).
//!
//! Owns: carrying out the verdict (the answer, the counts, the lost events). Does not own:
//! the verdict ([`Sessions`](crate::transport::session::Sessions)'s) or where requests go
//! (the balancer's).

use super::World;
use crate::engine::Scheduler;
use crate::metrics::recorder::Count;
use crate::sim::event::{ClientId, Event, MsgKind};
use crate::time::SimTime;
use crate::transport::session::Verdict;

impl World<'_> {
    /// `c`'s request was handled on its replica: if `c`'s step keeps a session and the
    /// replica does not know it (or `c` opens a new one), answers it and returns true;
    /// false when the request is served as usual.
    pub(super) fn session_answers(
        &mut self,
        c: ClientId,
        now: SimTime,
        s: &mut Scheduler<Event>,
    ) -> bool {
        let Some(session) = self.chain.profile(self.transports[c].stage()).session else {
            return false;
        };
        let r = self.replica_of(c);
        let answer = match self.sessions.request_at(c, r) {
            Verdict::Known => return false,
            Verdict::Unknown => {
                self.recorder.count(Count::SessionMisses, now);
                MsgKind::SessionUnknown
            }
            Verdict::Handshake => {
                self.recorder.count(Count::SessionHandshakes, now);
                if !session.replay {
                    self.lose_to_new_session(c);
                }
                MsgKind::SessionOpen
            }
        };
        if self.in_window(now) {
            // An answer without events, as an empty long-poll answer.
            self.recorder.count(Count::Responses, now);
            self.recorder.count(Count::EmptyResponses, now);
        }
        self.send_down(c, answer, now, s);
        self.request_completed(c, now);
        self.arm_idle_timer(c, now, s);
        true
    }

    /// `c` opens a new session: the events for it published since its last answer were
    /// in the old session's buffer, on another replica, and are lost to it.
    fn lose_to_new_session(&mut self, c: ClientId) {
        let missed = u64::from(self.pending_events(c));
        let client = &mut self.clients[c];
        client.lost += missed;
        client.cursor = self.events_so_far;
        self.recorder.lost().session += missed;
        self.settle(c, self.events_so_far);
    }
}
