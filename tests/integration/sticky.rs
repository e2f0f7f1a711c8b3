//! Sticky sessions at the balancer (issue 17): `load_balancer.affinity` and the session
//! state of Socket.IO-style long polling (`long_polling.session`, a `websocket` variant's
//! long-polling fallback).

use rtsim::RunResult;

use crate::support::scenario;

/// `clients` browsers of `tabs` tabs on a 10 ms link (through the proxy `corp` when
/// `extra` defines proxies), two replicas with a broker behind a layer-7 balancer (`lb`:
/// its settings after the layer), one event a second for everyone, no warm-up; each
/// variant run with its invariants checked after every event.
fn sticky(clients: u32, tabs: u32, lb: &str, extra: &str, transports: &[&str]) -> Vec<RunResult> {
    run_checked(&sticky_text(clients, tabs, lb, extra, transports))
}

/// The text of [`sticky`]'s scenario.
fn sticky_text(clients: u32, tabs: u32, lb: &str, extra: &str, transports: &[&str]) -> String {
    let via = if extra.contains("proxies:") {
        ", via: corp"
    } else {
        ""
    };
    let mut text = format!(
        "name: sticky
seed: 5
duration: 60s
warmup: 0s
network:
  net: {{ latency: 10ms, bandwidth: 100Mbit/s }}
clients:
  users: {{ count: {clients}, tabs: {tabs}, link: net{via} }}
server: {{ replicas: 2 }}
broker: {{}}
load_balancer: {{ layer: 7, {lb} }}
workload:
  events: {{ source: periodic, rate: 1/s, payload: 100B }}
{extra}transports:
"
    );
    for t in transports {
        text.push_str(&format!("  - {t}\n"));
    }
    text
}

/// Runs every variant of `text` with its invariants checked after every event.
fn run_checked(text: &str) -> Vec<RunResult> {
    crate::support::run_checked(&scenario(text))
}

const RR: &str = "algorithm: round_robin";
const COOKIE: &str = "algorithm: round_robin, affinity: cookie";

/// generated = delivered + lost + in flight, and the losses add up by reason.
fn balanced(r: &RunResult) {
    let l = &r.ledger;
    assert_eq!(l.generated, l.delivered + l.lost + l.in_flight, "{l:?}");
    assert_eq!(l.lost, l.lost_by_reason.total(), "{l:?}");
}

#[test]
fn without_affinity_every_second_long_poll_misses_its_session_and_with_a_cookie_none_does() {
    let plain = "{ label: lp, long_polling: { timeout: 30s } }";
    let session = "{ label: lp-session, long_polling: { timeout: 30s, session: true } }";
    let none = sticky(1, 1, RR, "", &[plain, session]);
    let cookie = sticky(1, 1, COOKIE, "", &[session]);
    let (plain, missing, kept) = (&none[0], &none[1], &cookie[0]);
    for r in [plain, missing, kept] {
        balanced(r);
    }
    // Plain long polling keeps no state: requests alternate between the replicas and
    // every event arrives (59 of 60 at 1 s, 2 s, ..., 60 s are created before the end;
    // whatever is not delivered is in flight at the end).
    assert!(plain.sessions.is_none());
    assert_eq!(plain.ledger.lost, 0);
    assert!(plain.replicas[0].requests > 0 && plain.replicas[1].requests > 0);
    // With sessions and round robin, by hand: request 1 opens the session on replica 0
    // and is held until the first event (1 s). Request 2 goes to replica 1: "Session ID
    // unknown". Request 3, the handshake, goes to replica 0 and opens a new session
    // there; request 4 goes to replica 1: unknown again; and so on — every second
    // request after the first misses, and the client never holds a request again:
    //   requests = 1 + misses + handshakes, handshakes = misses or misses - 1.
    let s = missing
        .sessions
        .as_ref()
        .expect("a variant with sessions reports them");
    let requests = missing.replicas[0].requests + missing.replicas[1].requests;
    assert!(s.missed_requests > 100, "{s:?}");
    assert!(
        s.handshakes == s.missed_requests || s.handshakes + 1 == s.missed_requests,
        "{s:?}"
    );
    assert_eq!(requests, 1 + s.missed_requests + s.handshakes, "{s:?}");
    // Every miss was answered by replica 1, every handshake by replica 0.
    assert_eq!(missing.replicas[1].requests, s.missed_requests);
    // Only the first held request delivered an event (the one at 1 s); each handshake
    // lost what was published since the client's last answer, so every later event is
    // lost (`session`) or was still waiting for its next handshake at the end.
    assert_eq!(missing.ledger.delivered, 1);
    assert_eq!(missing.ledger.lost_by_reason.session, s.events_lost);
    assert_eq!(
        missing.ledger.lost_by_reason.session + missing.ledger.in_flight,
        missing.ledger.generated - 1
    );
    assert!(s.events_lost >= missing.ledger.generated - 2, "{s:?}");
    // With a cookie the balancer sends every request back to replica 0: no miss, no
    // loss, and replica 1 never sees a request.
    let s = kept.sessions.as_ref().unwrap();
    assert_eq!((s.missed_requests, s.handshakes, s.events_lost), (0, 0, 0));
    assert_eq!(kept.ledger.lost, 0);
    assert_eq!(kept.replicas[1].requests, 0);
    assert_eq!(kept.ledger.delivered, plain.ledger.delivered);
}

#[test]
fn a_miss_costs_the_fixed_answer_and_the_handshake_round_trip() {
    // Bytes down per missed cycle (a miss then a handshake), application layer: the
    // 400's 121 B plus the handshake's response headers (220 B default) and open packet
    // (118 B) = 459 B; up, two requests of 450 B. Against a client that never misses, the
    // missing one's framing grows by that much per cycle, within the events' responses.
    let session = "{ label: lp-session, long_polling: { timeout: 30s, session: true } }";
    let r = &sticky(1, 1, RR, "", &[session])[0];
    let s = r.sessions.as_ref().unwrap();
    let down = r.totals.bytes.down.framing;
    let up = r.totals.bytes.up.framing;
    // Down: the misses' 121 B each, the handshakes' 338 B each, and the first response
    // (220 B of headers, 2 B of JSON array and 100 B of payload: framing 222 B).
    assert_eq!(down, s.missed_requests * 121 + s.handshakes * 338 + 222);
    // Up: every request is 450 B of headers.
    let requests = 1 + s.missed_requests + s.handshakes;
    assert_eq!(up, requests * 450);
}

#[test]
fn a_scale_out_with_cookies_leaves_the_old_replicas_loaded() {
    // Two clients: round robin puts the first on replica 0 and the second on replica 1,
    // and their cookies keep them there after the scale-out to 4 at 20 s. At the end each
    // holds its long poll on its replica: open requests per replica (1, 1, 0, 0), mean
    // 0.5, max 1: imbalance 1 / 0.5 = 2. The two replicas do the same work (one
    // client, the same events, fixed costs), so the CPU imbalance is 2 too.
    let scale = "scale: [ { at: 20s, replicas: 4 } ]";
    let lp = "{ label: lp-session, long_polling: { timeout: 30s, session: true } }";
    let cookie = &sticky(2, 1, &format!("{COOKIE}, {scale}"), "", &[lp])[0];
    balanced(cookie);
    assert_eq!(cookie.replicas.len(), 4);
    assert_eq!(cookie.replicas[2].requests + cookie.replicas[3].requests, 0);
    assert_eq!(cookie.replicas[0].requests, cookie.replicas[1].requests);
    assert_eq!(cookie.imbalance.connections, 2.0, "{:?}", cookie.imbalance);
    assert_eq!(cookie.imbalance.cpu, 2.0, "{:?}", cookie.imbalance);
    assert_eq!(cookie.ledger.lost, 0);
    // Without affinity (and without sessions, which would lose everything) the new
    // replicas take requests at once.
    let plain = "{ label: lp, long_polling: { timeout: 30s } }";
    let spread = &sticky(2, 1, &format!("{RR}, {scale}"), "", &[plain])[0];
    assert!(spread.replicas[2].requests > 0 && spread.replicas[3].requests > 0);
    assert!(spread.imbalance.cpu < 2.0, "{:?}", spread.imbalance);
}

#[test]
fn source_ip_puts_every_tab_of_a_browser_on_one_replica() {
    // One browser with two tabs, each its own long-polling session. Round robin sends
    // the tabs' requests to alternate replicas; `source_ip` hashes the browser's address,
    // which both tabs share: one replica gets every request, and no session is missed.
    let lp = "{ label: lp-session, long_polling: { timeout: 30s, session: true } }";
    let ip = &sticky(1, 2, "affinity: source_ip", "", &[lp])[0];
    balanced(ip);
    let requests: Vec<u64> = ip.replicas.iter().map(|r| r.requests).collect();
    assert!(
        requests.contains(&0) && requests.iter().any(|n| *n > 0),
        "{requests:?}"
    );
    assert_eq!(ip.sessions.as_ref().unwrap().missed_requests, 0);
    assert_eq!(ip.ledger.lost, 0);
    // Round robin alternates: the two tabs' first requests go to replicas 0 and 1, and as
    // both are answered by the same events, their next requests alternate the same way —
    // each tab on its own replica (by luck of the lockstep, no miss either).
    let rr = &sticky(1, 2, RR, "", &[lp])[0];
    balanced(rr);
    assert!(rr.replicas[0].requests > 0 && rr.replicas[1].requests > 0);
}

#[test]
fn the_long_polling_fallback_keeps_a_session_and_resume_replay_keeps_its_events() {
    // A proxy denies the upgrade: the client falls back to long polling at once, and its
    // session lives where its first poll landed. A random balancer sends each request to
    // either replica: some polls miss, and the handshake after each loses the events
    // since the last answer — unless the variant resumes (`resume: replay`): then its
    // cursor stays and the next poll that finds its session carries them. With
    // `session: false` the fallback keeps no state and nothing misses.
    let proxy = "proxies:\n  corp: { websocket: deny }\n";
    let lose = "{ label: ws-lose, websocket: { reconnect: { delay: 1s } }, fallback: { long_polling: {} } }";
    let keep = "{ label: ws-keep, websocket: { reconnect: { delay: 1s }, resume: replay }, fallback: { long_polling: {} } }";
    let stateless =
        "{ label: ws-stateless, websocket: {}, fallback: { long_polling: { session: false } } }";
    // 20 events a second, so that some are published in the gap between an answer and
    // the handshake after a miss.
    let text = sticky_text(1, 1, "algorithm: random", proxy, &[lose, keep, stateless]);
    let runs = run_checked(&text.replace("rate: 1/s", "rate: 20/s"));
    for r in &runs {
        balanced(r);
        assert_eq!(r.fallback.as_ref().unwrap().on_fallback, 1);
    }
    let (lose, keep, stateless) = (&runs[0], &runs[1], &runs[2]);
    let missed = |r: &RunResult| r.sessions.as_ref().map_or(0, |s| s.missed_requests);
    assert!(missed(lose) > 0 && missed(keep) > 0);
    assert!(
        lose.ledger.lost_by_reason.session > 0,
        "{:?}",
        lose.sessions
    );
    assert_eq!(
        lose.ledger.lost_by_reason.session,
        lose.sessions.as_ref().unwrap().events_lost
    );
    assert!(lose.ledger.delivered > 1, "{:?}", lose.ledger);
    assert_eq!(keep.ledger.lost, 0);
    assert_eq!(keep.sessions.as_ref().unwrap().events_lost, 0);
    assert!(keep.ledger.delivered > lose.ledger.delivered);
    assert!(stateless.sessions.is_none());
    assert_eq!(stateless.ledger.lost, 0);
}
