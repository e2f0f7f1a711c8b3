//! `reconnect:` blocks of the transports: the delay before each new attempt after a
//! connection is lost or refused, fixed or exponential, with jitter.

use serde::Deserialize;

use super::checker::Checker;
use super::defaults as d;
use super::error::ScenarioError;
use crate::time::Nanos;
pub use crate::transport::spec::{Backoff, Jitter, ReconnectPolicy};
use crate::units::Duration;

/// A reconnect policy: the delay before each new attempt after a connection is lost or
/// refused.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawReconnect {
    /// `fixed` (every attempt waits `delay`) or `exponential` (attempt k, from 0, counted
    /// since the client was last connected, waits `delay` x 2^k, at most `max`). Default
    /// `fixed`.
    #[schemars(extend("enum" = ["fixed", "exponential", null]))]
    pub backoff: Option<String>,
    /// The first (or every) delay. Default: the transport's (SSE: `retry`, else 3s; long
    /// polling 2s; WebSocket 1s, socket.io's `reconnectionDelay`).
    pub delay: Option<Duration>,
    /// The cap of exponential backoff; only with `exponential`. Default 5s (socket.io's
    /// `reconnectionDelayMax`).
    pub max: Option<Duration>,
    /// `none`, `full` (a uniform draw in [0, delay]) or `equal` (delay/2 plus a uniform draw
    /// in [0, delay/2]), as in AWS's "Exponential Backoff And Jitter". Default `none`.
    #[schemars(extend("enum" = ["none", "full", "equal", null]))]
    pub jitter: Option<String>,
}

/// Reads a `reconnect:` block; `default_delay` is the transport's own first delay.
pub(crate) fn reconnect(
    raw: &RawReconnect,
    path: &str,
    default_delay: Nanos,
    c: &Checker,
) -> Result<ReconnectPolicy, ScenarioError> {
    let backoff = match raw.backoff.as_deref() {
        None | Some("fixed") => Backoff::Fixed,
        Some("exponential") => Backoff::Exponential,
        Some(other) => {
            return Err(c.error(
                &format!("{path}.backoff"),
                format!("unknown backoff \"{other}\"; expected fixed or exponential"),
            ));
        }
    };
    let jitter = match raw.jitter.as_deref() {
        None | Some("none") => Jitter::None,
        Some("full") => Jitter::Full,
        Some("equal") => Jitter::Equal,
        Some(other) => {
            return Err(c.error(
                &format!("{path}.jitter"),
                format!("unknown jitter \"{other}\"; expected none, full or equal"),
            ));
        }
    };
    let delay = raw.delay.map_or(default_delay, |v| v.as_nanos());
    if delay == 0 && backoff == Backoff::Exponential {
        return Err(c.error(
            &format!("{path}.delay"),
            "exponential backoff needs a first delay greater than 0s",
        ));
    }
    if raw.max.is_some() && backoff == Backoff::Fixed {
        return Err(c.error(
            &format!("{path}.max"),
            "applies only to `backoff: exponential`",
        ));
    }
    let max = match backoff {
        Backoff::Fixed => delay,
        Backoff::Exponential => raw.max.map_or(d::RECONNECT_MAX, |v| v.as_nanos()),
    };
    if max < delay {
        return Err(c.error(
            &format!("{path}.max"),
            format!(
                "must be at least the first delay ({})",
                crate::units::Duration::from_nanos(delay)
            ),
        ));
    }
    Ok(ReconnectPolicy {
        backoff,
        delay,
        max,
        jitter,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exponential_backoff_doubles_up_to_its_cap() {
        let p = ReconnectPolicy {
            backoff: Backoff::Exponential,
            delay: 1_000,
            max: 5_000,
            jitter: Jitter::None,
        };
        let delays: Vec<Nanos> = (0..5).map(|k| p.base_delay(k)).collect();
        assert_eq!(delays, [1_000, 2_000, 4_000, 5_000, 5_000]);
        assert_eq!(p.base_delay(200), 5_000, "no overflow for long outages");
        assert_eq!(ReconnectPolicy::fixed(3_000).base_delay(7), 3_000);
    }

    #[test]
    fn jitter_draws_within_its_range() {
        let mut p = ReconnectPolicy {
            backoff: Backoff::Fixed,
            delay: 1_000,
            max: 1_000,
            jitter: Jitter::Full,
        };
        assert_eq!(p.delay(0, |b| b), 1_000);
        assert_eq!(p.delay(0, |_| 0), 0);
        p.jitter = Jitter::Equal;
        assert_eq!(p.delay(0, |_| 0), 500);
        assert_eq!(p.delay(0, |b| b), 1_000);
        p.jitter = Jitter::None;
        assert_eq!(p.delay(0, |_| 0), 1_000);
    }

    #[test]
    fn a_block_reads_with_the_transports_default_delay() {
        use crate::scenario::checker::check_section;
        let text = "reconnect: { backoff: exponential, jitter: full }\n";
        let p = check_section(text, "reconnect", |r, c| {
            reconnect(r, "reconnect", 1_000, c)
        })
        .unwrap();
        assert_eq!((p.backoff, p.jitter), (Backoff::Exponential, Jitter::Full));
        assert_eq!((p.delay, p.max), (1_000, d::RECONNECT_MAX));
    }

    #[test]
    fn refuses_a_cap_on_fixed_delays_and_an_unknown_jitter() {
        use crate::scenario::checker::check_section;
        let text = "reconnect: { delay: 1s, max: 5s }\n";
        let error =
            check_section(text, "reconnect", |r, c| reconnect(r, "reconnect", 1, c)).unwrap_err();
        assert_eq!(error.field.as_deref(), Some("reconnect.max"));
        assert_eq!(error.message, "applies only to `backoff: exponential`");
        let text = "reconnect: { jitter: half }\n";
        let error =
            check_section(text, "reconnect", |r, c| reconnect(r, "reconnect", 1, c)).unwrap_err();
        assert_eq!(
            error.message,
            "unknown jitter \"half\"; expected none, full or equal"
        );
    }
}
