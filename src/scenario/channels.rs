//! `transports[].channels`: a variant whose clients hold several channels, each a transport
//! (or REST calls) with a purpose: the event streams it receives ([`crate::workload::streams`]),
//! whether it carries the clients' messages up (`sends: messages`) and, for the REST
//! channel, the history fetches (`carries: [history]`). The short form (one transport
//! block) stays what it was: one channel that receives every stream and does everything.
//!
//! Owns: the raw channel types and their checks, alone (`channel_variant`) and against the
//! workload and the REST endpoint (`check`). Does not own: the transports' own blocks
//! (read by `transports.rs`, which this calls for each channel) nor how a run lays the
//! channels out as clients (`transport::channels`).

use serde::Deserialize;

use super::checker::Checker;
use super::error::ScenarioError;
use super::grpc::RawGrpc;
use super::spec::{ChannelSpec, GrpcStream, Http2Params, RestSpec, TransportKind, TransportSpec};
use super::transports::{RawLongPolling, RawPolling, RawSse, RawTransport, RawWebSocket};
use crate::workload::streams::{self, StreamMask, StreamNames};
use crate::workload::{AudienceSpec, Encoding, WorkloadSpec};

/// The most channels a variant may give its clients: each is a client of its own in the
/// run, numbered in a small fixed table (an implementation bound, not a protocol's).
pub const MAX_CHANNELS: usize = 4;

/// One channel: exactly one of `polling`, `long_polling`, `sse`, `websocket`, `grpc` (unary
/// calls only) and `rest`, and its purpose.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawChannel {
    /// The event streams this channel receives: the workload's (`events`, or the names of
    /// `workload.streams`) and `messages` (the clients' messages the server publishes,
    /// with `workload.messages.deliver_to: all`). Each stream the workload has is received
    /// by exactly one channel of the variant. Not on the `rest` channel. Default: none.
    pub receives: Option<Vec<String>>,
    /// `messages`: this channel carries the clients' messages up (a `websocket`, `rest` as
    /// `POST`s, or `grpc` with `mode: unary` as one unary call each on an HTTP/2
    /// connection of its own, receiving nothing). Exactly one channel when the workload
    /// has `messages`, none without. Default: none.
    #[schemars(extend("enum" = ["messages", null]))]
    pub sends: Option<String>,
    /// The `rest` channel's other requests: `history` (the fetches of `rest.history`,
    /// which then needs this channel). Default: none.
    #[schemars(extend("items" = { "enum": ["history"] }))]
    pub carries: Option<Vec<String>>,
    /// Short polling.
    pub polling: Option<RawPolling>,
    /// Long polling.
    pub long_polling: Option<RawLongPolling>,
    /// Server-Sent Events.
    pub sse: Option<RawSse>,
    /// WebSocket (no `fallback` in a channel).
    pub websocket: Option<RawWebSocket>,
    /// gRPC unary calls at an interval (`mode: unary`); a gRPC stream is not a channel.
    /// With `sends: messages`: one unary call per client message (`mode: unary` and the
    /// header sizes only; it receives nothing).
    pub grpc: Option<RawGrpc>,
    /// REST requests to the scenario's REST endpoint (`rest:` section: its headers and
    /// cost), over HTTP/1.1 in the browser's pool: the clients' messages as `POST`s and/or
    /// the history fetches. Takes no settings: `rest: {}`.
    pub rest: Option<RawRestChannel>,
}

/// The REST channel's block: no settings of its own (the scenario's `rest:` section has
/// them).
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawRestChannel {}

/// Reads the channels of the variant at `path` (its `channels` list, with no transport
/// block beside it): each channel's transport and purpose, at most one REST channel, at
/// least one that receives, each stream received and the messages sent by one channel
/// at most. Returns the channels and the variant's kind (its first transport's, for the
/// reports' `transport` column).
pub(crate) fn channel_variant(
    t: &RawTransport,
    raw: &[RawChannel],
    path: &str,
    (http2, encoding): (Http2Params, Encoding),
    c: &Checker,
) -> Result<(Vec<ChannelSpec>, TransportKind), ScenarioError> {
    let blocks = [
        t.polling.is_some(),
        t.long_polling.is_some(),
        t.sse.is_some(),
        t.websocket.is_some(),
        t.grpc.is_some(),
        t.webhook.is_some(),
        t.fallback.is_some(),
    ];
    if blocks.iter().any(|b| *b) {
        return Err(c.error(
            path,
            "names `channels` and a transport block; a variant has either one transport or `channels`",
        ));
    }
    let here = format!("{path}.channels");
    if raw.len() < 2 || raw.len() > MAX_CHANNELS {
        return Err(c.error(
            &here,
            format!("expected 2 to {MAX_CHANNELS} channels (one transport is the short form: write its block directly)"),
        ));
    }
    let mut channels: Vec<ChannelSpec> = Vec::new();
    for (j, ch) in raw.iter().enumerate() {
        let at = format!("{here}[{j}]");
        let spec = channel(ch, &at, (http2, encoding), c)?;
        if spec.sends
            && let Some(earlier) = channels.iter().position(|e| e.sends)
        {
            return Err(c.error(
                &format!("{at}.sends"),
                format!(
                    "channels[{earlier}] sends the messages already; at most one channel sends them"
                ),
            ));
        }
        if spec.is_rest()
            && let Some(earlier) = channels.iter().position(ChannelSpec::is_rest)
        {
            return Err(c.error(
                &format!("{at}.rest"),
                format!("channels[{earlier}] is the REST channel already; a variant has one"),
            ));
        }
        channels.push(spec);
    }
    let Some(kind) = channels.iter().find_map(|ch| ch.transport.clone()) else {
        return Err(c.error(
            &here,
            "every channel makes requests (REST, gRPC unary); at least one must receive events",
        ));
    };
    Ok((channels, kind))
}

/// Reads one channel at `path`.
fn channel(
    ch: &RawChannel,
    path: &str,
    (http2, encoding): (Http2Params, Encoding),
    c: &Checker,
) -> Result<ChannelSpec, ScenarioError> {
    let given = [
        ch.polling.is_some(),
        ch.long_polling.is_some(),
        ch.sse.is_some(),
        ch.websocket.is_some(),
        ch.grpc.is_some(),
        ch.rest.is_some(),
    ];
    let kinds = "polling, long_polling, sse, websocket, grpc, rest";
    match given.iter().filter(|g| **g).count() {
        1 => {}
        0 => {
            return Err(c.error(
                path,
                format!("names no transport; expected one of: {kinds}"),
            ));
        }
        _ => {
            return Err(c.error(
                path,
                format!("names more than one transport; a channel has exactly one of: {kinds}"),
            ));
        }
    }
    // The names are the workload's, resolved against it in `check`.
    let receive_names: Vec<String> = ch.receives.clone().unwrap_or_default();
    for (k, name) in receive_names.iter().enumerate() {
        if receive_names[..k].contains(name) {
            return Err(c.error(
                &format!("{path}.receives[{k}]"),
                format!("`{name}` comes twice"),
            ));
        }
    }
    let receives_any = !receive_names.is_empty();
    let sends = match ch.sends.as_deref() {
        None => false,
        Some("messages") => true,
        Some(other) => {
            return Err(c.error(
                &format!("{path}.sends"),
                format!("unknown \"{other}\"; expected messages"),
            ));
        }
    };
    let mut history = false;
    for (k, what) in ch.carries.iter().flatten().enumerate() {
        match what.as_str() {
            "history" if !history => history = true,
            "history" => {
                return Err(c.error(&format!("{path}.carries[{k}]"), "`history` comes twice"));
            }
            other => {
                return Err(c.error(
                    &format!("{path}.carries[{k}]"),
                    format!("unknown \"{other}\"; expected history"),
                ));
            }
        }
    }
    if ch.rest.is_some() {
        if receives_any {
            return Err(c.error(
                &format!("{path}.receives"),
                "the REST channel only sends requests; give the streams to a channel that receives events",
            ));
        }
        if !sends && !history {
            return Err(c.error(
                path,
                "the REST channel carries nothing; add `sends: messages` or `carries: [history]`",
            ));
        }
        return Ok(ChannelSpec {
            transport: None,
            unary: None,
            receives: 0,
            receive_names,
            sends,
            history,
        });
    }
    if ch.carries.is_some() {
        return Err(c.error(
            &format!("{path}.carries"),
            "only the `rest` channel carries history fetches",
        ));
    }
    if let (Some(grpc), true) = (&ch.grpc, sends) {
        if receives_any {
            return Err(c.error(
                &format!("{path}.receives"),
                "the gRPC channel that sends the messages makes unary calls only; give the streams to a channel that receives events",
            ));
        }
        let unary = super::grpc::unary_sender(grpc, path, http2, c)?;
        return Ok(ChannelSpec {
            transport: None,
            unary: Some(unary),
            receives: 0,
            receive_names,
            sends,
            history,
        });
    }
    let raw = RawTransport {
        polling: ch.polling.clone(),
        long_polling: ch.long_polling.clone(),
        sse: ch.sse.clone(),
        websocket: ch.websocket.clone(),
        grpc: ch.grpc.clone(),
        ..RawTransport::default()
    };
    let kind = super::transports::transport(&raw, path, http2, encoding, c)?.kind;
    if ch.long_polling.as_ref().and_then(|p| p.session) == Some(true) {
        return Err(c.error(
            &format!("{path}.long_polling.session"),
            "sessions on one of several channels are not modelled; use the short form (one `long_polling` transport)",
        ));
    }
    if matches!(kind, TransportKind::Grpc(GrpcStream { .. })) {
        return Err(c.error(
            &format!("{path}.grpc"),
            "a gRPC stream as one of several channels is not modelled (its flow-control window would hold back the other channels' pushes); use `mode: unary`",
        ));
    }
    if sends && !matches!(kind, TransportKind::WebSocket(_)) {
        return Err(c.error(
            &format!("{path}.sends"),
            format!("a `{}` channel has no way up for the messages; give `sends: messages` to a `websocket`, the `rest` channel or a `grpc` channel of its own (`mode: unary`, receiving nothing)", kind.name()),
        ));
    }
    if !receives_any {
        return Err(c.error(
            &format!("{path}.receives"),
            "this channel receives no stream; name at least one of the workload's streams (or messages)",
        ));
    }
    Ok(ChannelSpec {
        transport: Some(kind),
        unary: None,
        receives: 0,
        receive_names,
        sends,
        history,
    })
}

/// Resolves each channel's stream names against the workload's: each a stream it has a
/// name for, received by one channel of the variant.
fn resolve_streams(
    channels: &mut [ChannelSpec],
    names: &StreamNames,
    path: &str,
    c: &Checker,
) -> Result<(), ScenarioError> {
    let mut received_by: [Option<usize>; streams::MESSAGES as usize + 1] =
        [None; streams::MESSAGES as usize + 1];
    for (j, ch) in channels.iter_mut().enumerate() {
        let mut mask: StreamMask = 0;
        for (k, name) in ch.receive_names.iter().enumerate() {
            let at = format!("{path}[{j}].receives[{k}]");
            let Some(s) = names.by_name(name) else {
                return Err(c.error(
                    &at,
                    format!(
                        "unknown stream \"{name}\"; expected one of: {}",
                        names.listed()
                    ),
                ));
            };
            if let Some(earlier) = received_by[usize::from(s)] {
                return Err(c.error(
                    &at,
                    format!("`{name}` is received by channels[{earlier}] already; each stream goes to one channel"),
                ));
            }
            received_by[usize::from(s)] = Some(j);
            mask |= streams::bit(s);
        }
        ch.receives = mask;
    }
    Ok(())
}

/// Checks each variant's channels against the workload and the REST endpoint: audiences
/// are for every user; each stream the workload has (`events` unless `workload.events` is
/// `none`, `messages` with published messages) is received by one channel, and none that
/// it lacks; the messages are sent by one channel exactly when there are any; history
/// fetches have a channel exactly when `rest.history` is set.
pub(crate) fn check(
    transports: &mut [TransportSpec],
    workload: &WorkloadSpec,
    rest: &RestSpec,
    c: &Checker,
) -> Result<(), ScenarioError> {
    let routed_by_row = workload.trace.as_ref().is_some_and(|t| {
        t.audiences
            .iter()
            .any(|a| *a != crate::workload::TraceAudience::All)
    });
    let names = &workload.stream_names;
    let has = workload.present_streams();
    for (i, t) in transports.iter_mut().enumerate() {
        if t.channels.is_empty() {
            if let TransportKind::Sse(sse) = &t.kind
                && sse.event_field > 0
                && workload.named_streams
                && has.count_ones() >= 2
            {
                return Err(c.error(
                    &format!("transports[{i}].sse.event"),
                    "this SSE stream carries several named streams, each event typed by its stream's name; leave `event` out",
                ));
            }
            continue;
        }
        let path = format!("transports[{i}].channels");
        resolve_streams(&mut t.channels, names, &path, c)?;
        if workload.audience != AudienceSpec::All || routed_by_row {
            return Err(c.error(
                &path,
                "channels route whole streams to every user: `workload.audience` (and a trace's audiences) must be `all`",
            ));
        }
        let received = t.channels.iter().fold(0, |m, ch| m | ch.receives);
        if let Some(name) = names.names(has & !received).first() {
            return Err(c.error(
                &path,
                format!("the workload's `{name}` stream is received by no channel; name it in one channel's `receives`"),
            ));
        }
        for (j, ch) in t.channels.iter().enumerate() {
            if let Some(name) = names.names(ch.receives & !has).first() {
                return Err(c.error(
                    &format!("{path}[{j}].receives"),
                    format!("the workload has no `{name}` stream (`{name}` needs its source in `workload`, `messages` needs `workload.messages` with `deliver_to: all`)"),
                ));
            }
            if let Some(TransportKind::Sse(sse)) = &ch.transport
                && sse.event_field > 0
                && workload.named_streams
                && (ch.receives & has).count_ones() >= 2
            {
                return Err(c.error(
                    &format!("{path}[{j}].sse.event"),
                    "this channel receives several named streams, each event typed by its stream's name; leave `event` out",
                ));
            }
        }
        let sender = t.channels.iter().position(|ch| ch.sends);
        match (sender, workload.messages.is_some()) {
            (None, true) => {
                return Err(c.error(
                    &path,
                    "no channel sends the clients' messages; add `sends: messages` to a `websocket`, the `rest` channel or a `grpc` channel (`mode: unary`)",
                ));
            }
            (Some(j), false) => {
                return Err(c.error(
                    &format!("{path}[{j}].sends"),
                    "there are no messages to send: it needs `workload.messages`",
                ));
            }
            _ => {}
        }
        let fetcher = t.channels.iter().position(|ch| ch.history);
        match (fetcher, rest.history.is_some()) {
            (None, true) => {
                return Err(c.error(
                    &path,
                    "`rest.history` is set: the `rest` channel needs `carries: [history]`",
                ));
            }
            (Some(j), false) => {
                return Err(c.error(
                    &format!("{path}[{j}].carries"),
                    "history fetches need `rest.history` (how many events a fetch returns)",
                ));
            }
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::scenario::error::ScenarioError;
    use crate::scenario::spec::TransportSpec;
    use crate::workload::streams;

    const BASE: &str = "name: t\nduration: 10s\nnetwork:\n  l: { latency: 10ms, bandwidth: 10Mbit/s }\nclients:\n  c: { count: 1, link: l }\n";

    fn read(rest: &str) -> Result<Vec<TransportSpec>, ScenarioError> {
        let text = format!("{BASE}{rest}");
        crate::scenario::load_str("test.yaml", &text, &[]).map(|s| s.transports)
    }

    const CHAT: &str = "workload: { events: { source: poisson, rate: 1/s, payload: 40B }, messages: { rate: 2/min, payload: 120B, deliver_to: all } }\nrest: { history: 20 }\n";

    #[test]
    fn reads_a_chat_of_three_channels() {
        let transports = read(&format!(
            "{CHAT}transports:\n  - label: three\n    channels:\n      - {{ receives: [messages], sends: messages, websocket: {{}} }}\n      - {{ receives: [events], sse: {{}} }}\n      - {{ rest: {{}}, carries: [history] }}\n"
        ))
        .unwrap();
        let channels = &transports[0].channels;
        assert_eq!(channels.len(), 3);
        assert_eq!(transports[0].kind.name(), "websocket");
        assert_eq!(channels[0].receives, streams::bit(streams::MESSAGES));
        assert!(channels[0].sends && !channels[1].sends && channels[2].history);
        assert_eq!(channels[2].name(), "rest");
    }

    #[test]
    fn refuses_a_stream_received_twice_or_by_none() {
        let error = read(&format!(
            "{CHAT}transports:\n  - channels:\n      - {{ receives: [messages, events], sends: messages, websocket: {{}} }}\n      - {{ receives: [events], sse: {{}} }}\n      - {{ rest: {{}}, carries: [history] }}\n"
        ))
        .unwrap_err();
        assert_eq!(
            error.field.as_deref(),
            Some("transports[0].channels[1].receives[0]")
        );
        assert_eq!(
            error.message,
            "`events` is received by channels[0] already; each stream goes to one channel"
        );
        let error = read(&format!(
            "{CHAT}transports:\n  - channels:\n      - {{ receives: [messages], sends: messages, websocket: {{}} }}\n      - {{ rest: {{}}, carries: [history] }}\n"
        ))
        .unwrap_err();
        assert_eq!(error.field.as_deref(), Some("transports[0].channels"));
        assert!(
            error
                .message
                .contains("`events` stream is received by no channel"),
            "{}",
            error.message
        );
        assert!(error.position.is_some());
    }

    #[test]
    fn refuses_two_senders_a_sending_sse_and_history_without_its_channel() {
        let error = read(&format!(
            "{CHAT}transports:\n  - channels:\n      - {{ receives: [messages], sends: messages, websocket: {{}} }}\n      - {{ receives: [events], sse: {{}} }}\n      - {{ rest: {{}}, sends: messages, carries: [history] }}\n"
        ))
        .unwrap_err();
        assert_eq!(
            error.field.as_deref(),
            Some("transports[0].channels[2].sends")
        );
        let error = read(&format!(
            "{CHAT}transports:\n  - channels:\n      - {{ receives: [messages], websocket: {{}} }}\n      - {{ receives: [events], sends: messages, sse: {{}} }}\n      - {{ rest: {{}}, carries: [history] }}\n"
        ))
        .unwrap_err();
        assert_eq!(
            error.field.as_deref(),
            Some("transports[0].channels[1].sends")
        );
        let error = read(&format!(
            "{CHAT}transports:\n  - channels:\n      - {{ receives: [messages], sends: messages, websocket: {{}} }}\n      - {{ receives: [events], sse: {{}} }}\n"
        ))
        .unwrap_err();
        assert_eq!(error.field.as_deref(), Some("transports[0].channels"));
        assert_eq!(
            error.message,
            "`rest.history` is set: the `rest` channel needs `carries: [history]`"
        );
    }

    #[test]
    fn refuses_an_unknown_stream_a_transport_beside_channels_and_a_grpc_stream() {
        let error = read(&format!(
            "{CHAT}transports:\n  - channels:\n      - {{ receives: [presence], websocket: {{}} }}\n      - {{ receives: [events], sse: {{}} }}\n"
        ))
        .unwrap_err();
        assert_eq!(
            error.field.as_deref(),
            Some("transports[0].channels[0].receives[0]")
        );
        assert_eq!(
            error.message,
            "unknown stream \"presence\"; expected one of: events, messages"
        );
        let error = read(&format!(
            "{CHAT}transports:\n  - sse: {{}}\n    channels:\n      - {{ receives: [events], sse: {{}} }}\n      - {{ rest: {{}}, carries: [history] }}\n"
        ))
        .unwrap_err();
        assert_eq!(error.field.as_deref(), Some("transports[0]"));
        let error = read(
            "workload: { events: { source: poisson, rate: 1/s, payload: 40B } }\ntransports:\n  - channels:\n      - { receives: [events], grpc: {} }\n      - { receives: [], sse: {} }\n",
        )
        .unwrap_err();
        assert_eq!(
            error.field.as_deref(),
            Some("transports[0].channels[0].grpc")
        );
    }
}
