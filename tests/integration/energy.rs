//! Mobile radio energy in runs: the access link's messages drive each device's radio.

use rtsim::energy::RadioParams;

use crate::support::{run, scenario};

fn phones(count: u32, ramp: &str, duration: &str, transports: &[&str]) -> String {
    let mut text = format!(
        "name: radio
seed: 3
duration: {duration}
warmup: 0s
network: {{ lte: {{ latency: 40ms, bandwidth: 20Mbit/s, upload: 5Mbit/s, radio: {{ technology: lte }} }} }}
clients: {{ phones: {{ count: {count}, link: lte, ramp: {ramp} }} }}
workload: {{ events: {{ source: periodic, rate: 1/min, payload: 200B }} }}
transports:
"
    );
    for t in transports {
        text.push_str(&format!("  - {t}\n"));
    }
    text
}

/// LTE's tail (11.6 s) outlasts a 5 s poll interval: the radio never rests, and spends
/// about the tail power all the time. One push a minute over a persistent connection wakes
/// it for a promotion and a tail per message; heartbeats add wakes of their own.
#[test]
fn polling_keeps_the_lte_radio_awake_and_pushing_lets_it_sleep() {
    let results = run(&scenario(&phones(
        20,
        "1s",
        "10m",
        &[
            "{ label: poll-5s, polling: { interval: 5s } }",
            "{ label: sse-30s, sse: { heartbeat: 30s } }",
            "{ label: ws, websocket: {} }",
        ],
    )));
    let energy = |i: usize| &results[i].energy[0];
    let (poll, sse, ws) = (energy(0), energy(1), energy(2));
    for e in [poll, sse, ws] {
        assert_eq!((e.group.as_str(), e.technology.as_str()), ("phones", "lte"));
        assert_eq!(e.report.radios, 20);
    }
    assert!(poll.high_power_share > 0.99, "{poll:?}");
    // Tail power x an hour: 1.06 W x 3600 s = 3816 J (less the first seconds idle).
    let tail_hour = 1.060 * 3600.0;
    assert!(
        (poll.joules_per_client_hour / tail_hour - 1.0).abs() < 0.03,
        "{}",
        poll.joules_per_client_hour
    );
    // One promotion per phone: the radio never went back to idle.
    assert_eq!(poll.report.promotions, 20);
    // Ten pushes in ten minutes: about 11 wakes a phone (the connection, then each push).
    assert!(
        (20 * 10..=20 * 12).contains(&ws.report.promotions),
        "{ws:?}"
    );
    assert!(ws.joules_per_client_hour < 0.3 * poll.joules_per_client_hour);
    assert!(ws.high_power_share < 0.25, "{ws:?}");
    // A heartbeat every 30 s: the streams opened in the first second, so every other
    // heartbeat lands within a second of a push and shares its wake: two wakes a minute,
    // twice the energy of pushes alone and still well under polling's.
    assert_eq!(sse.report.promotions, 2 * ws.report.promotions);
    assert!(sse.joules_per_client_hour < 0.5 * poll.joules_per_client_hour);
    assert!(sse.joules_per_client_hour > 1.5 * ws.joules_per_client_hour);
}

/// One phone, one push a minute: the energy follows from the state machine by hand: every
/// wake is a promotion and a full tail, and the joules are the time in each state times
/// its power, plus the data term.
#[test]
fn radio_energy_matches_a_hand_calculation() {
    let results = run(&scenario(&phones(
        1,
        "10s",
        "590s",
        &["{ label: ws, websocket: {} }"],
    )));
    let r = &results[0];
    let e = &r.energy[0].report;
    let lte = RadioParams::lte();
    // The connection's set-up, then one wake per event delivered (a minute apart, more
    // than a tail), the last ending before the run does.
    assert_eq!(e.promotions, 1 + r.ledger.delivered);
    let tail = lte.tail_time as f64 / 1e9;
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * b.abs().max(1.0);
    // Each wake ends in a full tail; the set-up's round trips (SYN to the `101`, the
    // first response time, less the promotion its SYN waited for: issue 18) add the
    // radio's waits between its transfers, at tail power.
    let setup = r.first_response.as_ref().unwrap().mean_ms / 1e3 - 0.2601;
    let extra = e.seconds_in.tail - e.promotions as f64 * tail;
    assert!((extra - setup).abs() < 0.002, "{extra} against {setup}");
    assert!(close(e.seconds_in.promotion, e.promotions as f64 * 0.2601));
    let s = &e.seconds_in;
    let by_hand = (s.idle * lte.idle_mw
        + s.promotion * lte.promotion_mw
        + s.active * lte.active_mw
        + s.tail * lte.tail_mw)
        / 1000.0;
    // Data: α_u x megabits up + α_d x megabits down, in mJ.
    let data = (lte.upload_mw_per_mbps * e.bytes_up as f64 * 8.0 / 1e6
        + lte.download_mw_per_mbps * e.bytes_down as f64 * 8.0 / 1e6)
        / 1000.0;
    assert!(
        close(e.joules, by_hand + data),
        "{} against {}",
        e.joules,
        by_hand + data
    );
    assert!(close(s.idle + s.promotion + s.active + s.tail, 590.0));
    // The downloads hold at least the events' payloads.
    assert!(e.bytes_down >= r.ledger.delivered * 200, "{e:?}");
}

/// One phone on LTE with a WebSocket, `radio` the radio's fields after `technology: lte`,
/// events at `rate`.
fn one_phone(rate: &str, radio: &str) -> rtsim::RunResult {
    let text = format!(
        "name: promotion
seed: 3
duration: 200s
warmup: 0s
network: {{ lte: {{ latency: 40ms, bandwidth: 20Mbit/s, upload: 5Mbit/s, radio: {{ technology: lte{radio} }} }} }}
clients: {{ phones: {{ count: 1, link: lte }} }}
workload: {{ events: {{ source: periodic, rate: {rate}, payload: 200B }} }}
transports:
  - {{ label: ws, websocket: {{}} }}
"
    );
    run(&scenario(&text)).remove(0)
}

/// Issue 18: a push to an idle phone waits for the LTE promotion (260.1 ms, Huang et al.,
/// MobiSys 2012): one event a minute (more than the 11.576 s tail, so the radio is idle
/// each time) arrives exactly 260.1 ms later than with `delay_packets: false`, whose
/// latency is the path delay and the server's costs alone. Events 5 s apart stay within
/// the tail that the connection's set-up opened: none waits.
#[test]
fn a_push_to_an_idle_phone_waits_for_the_radio_promotion() {
    let on = one_phone("1/min", "");
    let off = one_phone("1/min", ", delay_packets: false");
    let (a, b) = (on.latency.unwrap(), off.latency.unwrap());
    assert_eq!(a.samples, 3);
    assert_eq!(a.samples, b.samples);
    assert!((a.mean_ms - b.mean_ms - 260.1).abs() < 0.01, "{a:?} {b:?}");
    assert!((a.max_ms - b.max_ms - 260.1).abs() < 0.01, "{a:?} {b:?}");
    // Within the tail: the same latencies with and without the promotion's delay.
    let on = one_phone("12/min", "");
    let off = one_phone("12/min", ", delay_packets: false");
    let (a, b) = (on.latency.unwrap(), off.latency.unwrap());
    assert!(a.samples >= 39, "{a:?}");
    assert_eq!(a, b);
    // The set-up (SYN at the start, radio idle) waited for the promotion once.
    let (setup_on, setup_off) = (on.first_response.unwrap(), off.first_response.unwrap());
    assert!((setup_on.mean_ms - setup_off.mean_ms - 260.1).abs() < 0.01);
    assert_eq!(on.energy[0].report.promotions, 1);
}
