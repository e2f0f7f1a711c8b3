//! Webhooks: the `webhook` transport block (timeout, retry schedule, connection reuse,
//! sizes) and the `receivers` it posts to.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::checker::Checker;

use super::error::ScenarioError;
use super::raw::RawScenario;
use super::spec::{EventSource, LinkProfile, ReceiverSpec, TransportKind, TransportSpec};
use super::spec::{GroupPath, LinkId, TlsVersion, WebhookSpec, WorkloadSpec};
use crate::time::Nanos;
use crate::units::{ByteSize, Duration, Percent};
use crate::webhook::RetrySchedule;
use crate::webhook::config as w;

/// Webhook delivery: a POST per event per receiver over HTTP/1.1 and TLS, retried until a
/// response arrives in time (at least once: a lost response makes a duplicate).
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawWebhook {
    /// How long the sender waits for a response to an attempt, from the attempt's first
    /// packet (its SYN, or the POST on a reused connection): the handshakes count toward
    /// it. Default 10s (GitHub expects a webhook's response within 10 s).
    pub timeout: Option<Duration>,
    /// When failed attempts are retried. Default: exponential from 10s, doubling to at
    /// most 1h, for at most 3 days (Stripe retries for up to three days; 100 attempts at most).
    pub retry: Option<RawRetry>,
    /// Keep connections to a receiver open after a response and reuse them (most recently
    /// used first); `false`: a new TCP and TLS connection per attempt, closed after its
    /// response. Default true.
    pub reuse_connections: Option<bool>,
    /// Request line and headers of the POST (Host, User-Agent, Content-Type,
    /// Content-Length, an event type, a delivery id and a signature); the event's payload
    /// is its body. Default 700B (roughly 600–800 B in the wild: an estimate).
    pub request_headers: Option<ByteSize>,
    /// The receiver's whole response (`200 OK`, Date, Content-Length, Content-Type and a
    /// tiny body). Default 150B (an estimate).
    pub response: Option<ByteSize>,
    /// Sender CPU per attempt (serialising and signing the body, the HTTP client, TLS of a
    /// new connection), on the `server.cores` cores. Default 50us (an assumption).
    pub cost: Option<Duration>,
    /// TLS of the webhook connections: `none`, `"1.2"` or `"1.3"`; the handshakes use
    /// `tls.client_hello` and `tls.server_hello` and are never resumed. Default `"1.3"`.
    pub tls: Option<TlsVersion>,
}

/// A webhook retry schedule: a fixed list of delays, or exponential backoff.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawRetry {
    /// Fixed delays: attempt k+2 starts the k-th delay after attempt k+1 failed; the
    /// sender gives up after the last. Not with the exponential fields.
    pub schedule: Option<Vec<Duration>>,
    /// Exponential backoff: the first delay, counted from the failure (10s without a
    /// `retry` block). Required in a `retry` block unless `schedule` is given.
    pub initial: Option<Duration>,
    /// Exponential: each delay is the previous one times this (≥ 1). Default 2.
    pub factor: Option<u32>,
    /// Exponential: the longest delay (raised to `initial` if below it). Default 1h.
    pub max: Option<Duration>,
    /// Exponential: attempts in all, the first included (≥ 1; with the defaults the 3-day
    /// age binds first, after about 80). Default 100.
    pub attempts: Option<u32>,
    /// No attempt starts later than this after the event was created; > 0. Default 72h with
    /// exponential backoff (Stripe retries webhooks for up to three days), none with a
    /// schedule.
    pub max_age: Option<Duration>,
}

/// A webhook receiver: an endpoint of another service that every event is POSTed to.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawReceiver {
    /// Link profile (from `network`) of the path between the server and this receiver:
    /// `bandwidth` carries the POSTs, `upload` the responses, `latency` and `jitter` apply;
    /// a profile with `loss` is an error (use `response_loss`). `receivers` are required
    /// with a `webhook` variant and an error without one. Required.
    pub link: String,
    /// Requests the receiver processes at once (≥ 1); more wait in an unbounded FIFO queue.
    /// Default 16 (an assumption).
    pub capacity: Option<u32>,
    /// Processing time of every request. Default 5ms (an assumption).
    pub service_time: Option<Duration>,
    /// Outages: connections are refused, and those open are reset. Default none.
    pub downtime: Option<Vec<RawDowntime>>,
    /// Share of responses lost after the receiver processed the event (the sender times
    /// out and sends it again: a duplicate). Default 0%.
    pub response_loss: Option<Percent>,
    /// The receiver closes a keep-alive connection idle this long, counted from the
    /// response's arrival at the sender; `0s`: never. Default 75s (nginx's
    /// `keepalive_timeout`).
    pub keepalive_timeout: Option<Duration>,
}

/// One outage of a receiver.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawDowntime {
    /// When an outage starts: the receiver's open connections are reset, its queued and
    /// in-service requests are lost unprocessed. Required, < duration.
    pub at: Duration,
    /// How long it lasts; meanwhile every SYN is refused with a reset. Outages may not
    /// overlap. Required, > 0.
    #[serde(rename = "for")]
    pub lasts: Duration,
}

/// Reads a `webhook` block at `path` into the sender's settings, with their defaults.
pub(crate) fn webhook(
    p: &RawWebhook,
    path: &str,
    c: &Checker,
) -> Result<TransportKind, ScenarioError> {
    let defaults = WebhookSpec::default();
    let timeout = match p.timeout {
        Some(t) if t.as_nanos() == 0 => {
            return Err(c.error(
                &format!("{path}.webhook.timeout"),
                "must be greater than 0s",
            ));
        }
        Some(t) => t.as_nanos(),
        None => defaults.timeout,
    };
    let retry = match &p.retry {
        Some(r) => retry(r, &format!("{path}.webhook.retry"), c)?,
        None => defaults.retry,
    };
    Ok(TransportKind::Webhook(WebhookSpec {
        timeout,
        retry,
        reuse_connections: p.reuse_connections.unwrap_or(defaults.reuse_connections),
        request_headers: p
            .request_headers
            .map_or(defaults.request_headers, |v| v.bytes()),
        response_bytes: p.response.map_or(defaults.response_bytes, |v| v.bytes()),
        send_cost: p.cost.map_or(defaults.send_cost, |v| v.as_nanos()),
        tls: p.tls.unwrap_or(defaults.tls),
    }))
}

/// A retry schedule: `schedule` (fixed delays) or the exponential fields, not both.
fn retry(r: &RawRetry, path: &str, c: &Checker) -> Result<RetrySchedule, ScenarioError> {
    let max_age = r.max_age.map(|v| v.as_nanos());
    if max_age == Some(0) {
        return Err(c.error(&format!("{path}.max_age"), "must be greater than 0s"));
    }
    if let Some(delays) = &r.schedule {
        for (field, given) in [
            ("initial", r.initial.is_some()),
            ("factor", r.factor.is_some()),
            ("max", r.max.is_some()),
            ("attempts", r.attempts.is_some()),
        ] {
            if given {
                return Err(c.error(
                    &format!("{path}.{field}"),
                    "belongs to exponential backoff; a `schedule` lists every delay itself",
                ));
            }
        }
        return Ok(RetrySchedule::Fixed {
            delays: delays.iter().map(|d| d.as_nanos()).collect(),
            max_age,
        });
    }
    let RetrySchedule::Exponential {
        cap,
        max_attempts,
        max_age: default_age,
        factor,
        ..
    } = RetrySchedule::default()
    else {
        unreachable!("the default schedule is exponential")
    };
    let initial = match r.initial {
        Some(v) if v.as_nanos() > 0 => v.as_nanos(),
        Some(_) => return Err(c.error(&format!("{path}.initial"), "must be greater than 0s")),
        None => {
            return Err(c.error(
                path,
                "expected `schedule: [delays...]` or exponential backoff with `initial` (and optionally factor, max, attempts, max_age)",
            ));
        }
    };
    let factor = r.factor.unwrap_or(factor);
    if factor == 0 {
        return Err(c.error(&format!("{path}.factor"), "must be at least 1"));
    }
    let attempts = r.attempts.unwrap_or(max_attempts);
    if attempts == 0 {
        return Err(c.error(
            &format!("{path}.attempts"),
            "must be at least 1 (the first attempt)",
        ));
    }
    let cap = r.max.map_or(cap.max(initial), |v| v.as_nanos());
    if cap < initial {
        return Err(c.error(
            &format!("{path}.max"),
            "must be at least `initial` (the longest delay cannot be shorter than the first)",
        ));
    }
    Ok(RetrySchedule::Exponential {
        initial,
        factor,
        cap,
        max_attempts: attempts,
        max_age: max_age.unwrap_or(default_age),
    })
}

/// Reads `receivers`: each names a link profile without loss; outages within the run, in
/// order, not overlapping.
pub(crate) fn receivers(
    raw: Option<&BTreeMap<String, RawReceiver>>,
    links: &[LinkProfile],
    paths: &BTreeMap<String, GroupPath>,
    duration: Nanos,
    c: &Checker,
) -> Result<Vec<ReceiverSpec>, ScenarioError> {
    let Some(raw) = raw else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for (name, r) in raw {
        let path = format!("receivers.{name}");
        let Some(link) = links.iter().position(|l| l.name == r.link) else {
            let names: Vec<&str> = links.iter().map(|l| l.name.as_str()).collect();
            return Err(c.error(
                &format!("{path}.link"),
                format!(
                    "unknown link profile \"{}\"; expected one of: {}",
                    r.link,
                    names.join(", ")
                ),
            ));
        };
        if links[link].loss_ppm > 0 {
            return Err(c.error(
                &format!("{path}.link"),
                format!(
                    "the link profile \"{}\" has `loss`; webhook paths model lost responses instead (`response_loss`)",
                    r.link
                ),
            ));
        }
        let capacity = r.capacity.unwrap_or(w::DEFAULT_CAPACITY);
        if capacity == 0 {
            return Err(c.error(&format!("{path}.capacity"), "must be at least 1"));
        }
        let mut downtime = Vec::new();
        for (i, d) in r.downtime.iter().flatten().enumerate() {
            let field = format!("{path}.downtime[{i}]");
            let (at, lasts) = (d.at.as_nanos(), d.lasts.as_nanos());
            if lasts == 0 {
                return Err(c.error(&format!("{field}.for"), "must be greater than 0s"));
            }
            if at >= duration {
                return Err(c.error(&format!("{field}.at"), "must be before the end of the run"));
            }
            downtime.push((at, at.saturating_add(lasts)));
        }
        downtime.sort_unstable();
        if let Some(pair) = downtime.windows(2).find(|p| p[1].0 < p[0].1) {
            return Err(c.error(
                &format!("{path}.downtime"),
                format!(
                    "outages overlap (one from {} s until {} s, the next from {} s); merge them",
                    pair[0].0 as f64 / 1e9,
                    pair[0].1 as f64 / 1e9,
                    pair[1].0 as f64 / 1e9
                ),
            ));
        }
        let path = paths.get(name).cloned().unwrap_or_default();
        out.push(ReceiverSpec {
            name: name.clone(),
            link: LinkId(link as u32),
            path_latency: path.latency,
            path_links: path.links,
            capacity,
            service_time: r
                .service_time
                .map_or(w::DEFAULT_SERVICE_TIME, |v| v.as_nanos()),
            downtime,
            response_loss_ppm: r.response_loss.map_or(0, |v| v.parts_per_million()),
            keepalive_timeout: match r.keepalive_timeout {
                None => Some(super::defaults::KEEPALIVE_TIMEOUT),
                Some(t) if t.as_nanos() == 0 => None,
                Some(t) => Some(t.as_nanos()),
            },
        });
    }
    Ok(out)
}

/// Webhook variants need receivers and server events; receivers need a webhook variant;
/// returns the warning that the webhook variants leave the browsers' infrastructure aside.
pub(crate) fn check(
    raw: &RawScenario,
    transports: &[TransportSpec],
    receivers: &[ReceiverSpec],
    workload: &WorkloadSpec,
    c: &Checker,
) -> Result<Option<String>, ScenarioError> {
    let first = transports
        .iter()
        .position(|t| matches!(t.kind, TransportKind::Webhook { .. }));
    let Some(i) = first else {
        if !receivers.is_empty() {
            return Err(c.error(
                "receivers",
                "receivers are posted to only by `webhook` variants; add one or remove them",
            ));
        }
        return Ok(None);
    };
    let path = format!("transports[{i}].webhook");
    if receivers.is_empty() {
        return Err(c.error(&path, "webhooks need `receivers` to post to"));
    }
    if workload.messages.is_some() {
        return Err(c.error(
            &path,
            "webhooks carry the server's events only; they cannot carry `workload.messages`",
        ));
    }
    if workload.source == EventSource::None {
        return Err(c.error(&path, "webhooks need `workload.events` to post"));
    }
    let infrastructure = raw.proxies.is_some()
        || raw.load_balancer.is_some()
        || raw.broker.is_some()
        || raw.faults.is_some()
        || raw.topology.is_some()
        || raw.rest.is_some()
        || workload.audience != super::spec::AudienceSpec::All;
    Ok(infrastructure.then(|| {
        "webhook variants post every event from the server to every receiver: the browsers' proxies, balancer, broker, topology, faults, REST endpoint and audiences do not apply to them (a receiver's outages are its `downtime`)".to_string()
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::checker::check_section;

    fn dsl(loss_ppm: u32) -> Vec<LinkProfile> {
        vec![LinkProfile {
            name: "dsl".into(),
            latency: 0,
            jitter: 0,
            down_bps: 1,
            up_bps: 1,
            loss_ppm,
            radio: None,
        }]
    }

    fn read(text: &str, loss_ppm: u32) -> Result<Vec<ReceiverSpec>, ScenarioError> {
        check_section(text, "receivers", |r, c| {
            receivers(Some(r), &dsl(loss_ppm), &BTreeMap::new(), 60_000_000_000, c)
        })
    }

    #[test]
    fn a_webhook_block_and_a_receiver_with_their_defaults() {
        let text = "webhook: { retry: { schedule: [1s, 5s] }, tls: none }\n";
        let kind = check_section(text, "webhook", |w, c| webhook(w, "transports[0]", c)).unwrap();
        let TransportKind::Webhook(spec) = kind else {
            panic!("a webhook variant");
        };
        assert_eq!(
            spec,
            WebhookSpec {
                retry: RetrySchedule::Fixed {
                    delays: vec![1_000_000_000, 5_000_000_000],
                    max_age: None
                },
                tls: TlsVersion::None,
                ..WebhookSpec::default()
            }
        );
        let receivers = read(
            "receivers: { crm: { link: dsl, downtime: [{ at: 1s, for: 2s }] } }\n",
            0,
        )
        .unwrap();
        assert_eq!(receivers[0].capacity, w::DEFAULT_CAPACITY);
        assert_eq!(receivers[0].downtime, vec![(1_000_000_000, 3_000_000_000)]);
    }

    #[test]
    fn refuses_mixed_retry_fields_a_lossy_link_and_overlapping_outages() {
        let text = "webhook: { retry: { schedule: [1s], factor: 3 } }\n";
        let error =
            check_section(text, "webhook", |w, c| webhook(w, "transports[0]", c)).unwrap_err();
        assert_eq!(
            error.field.as_deref(),
            Some("transports[0].webhook.retry.factor")
        );
        assert_eq!(
            error.message,
            "belongs to exponential backoff; a `schedule` lists every delay itself"
        );
        let error = read("receivers: { crm: { link: dsl } }\n", 5).unwrap_err();
        assert_eq!(error.field.as_deref(), Some("receivers.crm.link"));
        assert!(error.message.contains("has `loss`"), "{error}");
        let text = "receivers: { crm: { link: dsl, downtime: [{ at: 1s, for: 5s }, { at: 2s, for: 1s }] } }\n";
        let error = read(text, 0).unwrap_err();
        assert_eq!(
            error.message,
            "outages overlap (one from 1 s until 6 s, the next from 2 s); merge them"
        );
    }

    /// The checks the webhook model once repeated at run time as a plain string (zero
    /// timeout, factor or attempts, a receiver without capacity): each is made here, located.
    #[test]
    fn settings_the_model_relies_on_are_refused_with_their_field() {
        let refused = |text: &str| {
            check_section(text, "webhook", |w, c| webhook(w, "transports[0]", c)).unwrap_err()
        };
        for (text, field, message) in [
            (
                "webhook: { timeout: 0s }\n",
                "transports[0].webhook.timeout",
                "must be greater than 0s",
            ),
            (
                "webhook: { retry: { initial: 1s, factor: 0 } }\n",
                "transports[0].webhook.retry.factor",
                "must be at least 1",
            ),
            (
                "webhook: { retry: { initial: 1s, attempts: 0 } }\n",
                "transports[0].webhook.retry.attempts",
                "must be at least 1 (the first attempt)",
            ),
        ] {
            let error = refused(text);
            assert_eq!(error.field.as_deref(), Some(field), "{text}");
            assert_eq!(error.message, message, "{text}");
        }
        let error = read("receivers: { crm: { link: dsl, capacity: 0 } }\n", 0).unwrap_err();
        assert_eq!(error.field.as_deref(), Some("receivers.crm.capacity"));
        assert_eq!(error.message, "must be at least 1");
    }
}
