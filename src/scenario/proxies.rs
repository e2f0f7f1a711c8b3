//! `proxies:` named HTTP proxies that client groups reach the servers through.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::checker::Checker;
use super::defaults as d;
use super::error::ScenarioError;
use super::spec::ProxySpec;
use crate::units::{ByteSize, Duration};

/// An HTTP proxy (a corporate forward proxy, or a reverse proxy in front of the servers).
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawProxy {
    /// Closes a connection that carried no bytes for this long. Default 60s (as nginx's
    /// `proxy_read_timeout` and common corporate proxies).
    pub idle_timeout: Option<Duration>,
    /// Holds a streamed response's bytes until this many are buffered (nginx's
    /// `proxy_buffering`): it stalls SSE. Default: none (passes bytes at once).
    pub buffering: Option<ByteSize>,
    /// Added one-way delay of each message through the proxy. Default 0s.
    pub latency: Option<Duration>,
    /// Closes a connection this long after it opened, at its next quiet moment (looked for
    /// every second). Default: none.
    pub max_lifetime: Option<Duration>,
    /// Connections the proxy carries at most; a SYN beyond gets a reset. Default: no limit.
    pub capacity: Option<u32>,
    /// `allow` or `deny` WebSocket upgrades: a denied upgrade gets `403 Forbidden` (64
    /// bytes) and the connection closes. Default `allow`.
    #[schemars(extend("enum" = ["allow", "deny", null]))]
    pub websocket: Option<String>,
}

/// Reads `proxies`: timeouts and lifetimes above zero, a buffer of at least a byte, a
/// capacity of at least one connection, WebSocket upgrades allowed or denied.
pub(crate) fn proxies(
    raw: Option<&BTreeMap<String, RawProxy>>,
    c: &Checker,
) -> Result<Vec<ProxySpec>, ScenarioError> {
    let mut proxies = Vec::new();
    for (name, proxy) in raw.into_iter().flatten() {
        let path = format!("proxies.{name}");
        if proxy.idle_timeout.is_some_and(|t| t.as_nanos() == 0) {
            return Err(c.error(&format!("{path}.idle_timeout"), "must be greater than 0s"));
        }
        if proxy.buffering.is_some_and(|b| b.bytes() == 0) {
            return Err(c.error(&format!("{path}.buffering"), "must be at least 1B"));
        }
        if proxy.max_lifetime.is_some_and(|t| t.as_nanos() == 0) {
            return Err(c.error(&format!("{path}.max_lifetime"), "must be greater than 0s"));
        }
        if proxy.capacity == Some(0) {
            return Err(c.error(&format!("{path}.capacity"), "must be at least 1"));
        }
        let deny_websocket = match proxy.websocket.as_deref() {
            None | Some("allow") => false,
            Some("deny") => true,
            Some(other) => {
                return Err(c.error(
                    &format!("{path}.websocket"),
                    format!("unknown setting \"{other}\"; expected one of: allow, deny"),
                ));
            }
        };
        proxies.push(ProxySpec {
            name: name.clone(),
            idle_timeout: Some(
                proxy
                    .idle_timeout
                    .map_or(d::PROXY_IDLE_TIMEOUT, |t| t.as_nanos()),
            ),
            buffering: proxy.buffering.map(|b| b.bytes()),
            latency: proxy.latency.map_or(0, |l| l.as_nanos()),
            max_lifetime: proxy.max_lifetime.map(|t| t.as_nanos()),
            capacity: proxy.capacity,
            deny_websocket,
        });
    }
    Ok(proxies)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::checker::check_section;

    #[test]
    fn a_proxy_gets_its_defaults() {
        let text = "proxies:\n  corp: { websocket: deny, capacity: 10 }\n";
        let proxies = check_section(text, "proxies", |p, c| proxies(Some(p), c)).unwrap();
        assert_eq!(proxies[0].name, "corp");
        assert!(proxies[0].deny_websocket);
        assert_eq!(proxies[0].capacity, Some(10));
        assert_eq!(proxies[0].idle_timeout, Some(d::PROXY_IDLE_TIMEOUT));
    }

    #[test]
    fn refuses_an_unknown_websocket_setting() {
        let text = "proxies:\n  corp: { websocket: maybe }\n";
        let error = check_section(text, "proxies", |p, c| proxies(Some(p), c)).unwrap_err();
        assert_eq!(error.field.as_deref(), Some("proxies.corp.websocket"));
        assert_eq!(
            error.message,
            "unknown setting \"maybe\"; expected one of: allow, deny"
        );
    }
}
