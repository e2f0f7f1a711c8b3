//! `network:` the named link profiles, each client's access link (latency, jitter,
//! bandwidth each way, loss, a mobile radio).

use std::collections::BTreeMap;

use serde::Deserialize;

use super::checker::Checker;
use super::error::ScenarioError;
use super::radio::RawRadio;
use super::spec::LinkProfile;
use crate::units::{Bandwidth, Duration, Percent};

/// One client access link profile: each client of a group gets its own link with these
/// properties, one FIFO queue per direction.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawLink {
    /// One-way propagation delay of the client's access link. Required.
    pub latency: Duration,
    /// Extra one-way delay drawn uniformly from [0, jitter] per message; a TCP stream is
    /// never reordered by it. Default 0s.
    pub jitter: Option<Duration>,
    /// Link rate from the server to the client, and from the client to the server unless
    /// `upload` is given. Required, > 0.
    pub bandwidth: Bandwidth,
    /// Upload bandwidth when it differs from `bandwidth` (e.g. ADSL). Default: `bandwidth`.
    pub upload: Option<Bandwidth>,
    /// Probability that a TCP segment (or its retransmission) is lost, each direction
    /// independently; lost segments are retransmitted by fast retransmit or after the RTO.
    /// Default 0%.
    pub loss: Option<Percent>,
    /// The clients' mobile radio on this link, whose energy is reported. Default: none.
    pub radio: Option<RawRadio>,
}

/// Reads `network`: at least one profile, each with a bandwidth above zero.
pub(crate) fn links(
    network: &BTreeMap<String, RawLink>,
    c: &Checker,
) -> Result<Vec<LinkProfile>, ScenarioError> {
    if network.is_empty() {
        return Err(c.error("network", "needs at least one link profile"));
    }
    let mut links = Vec::new();
    for (name, link) in network {
        let path = format!("network.{name}");
        if link.bandwidth.bits_per_second() == 0 {
            return Err(c.error(&format!("{path}.bandwidth"), "must be greater than 0"));
        }
        if link.upload.is_some_and(|u| u.bits_per_second() == 0) {
            return Err(c.error(&format!("{path}.upload"), "must be greater than 0"));
        }
        let loss_ppm = link.loss.map_or(0, |l| l.parts_per_million());
        let radio = link
            .radio
            .as_ref()
            .map(|r| super::radio::radio(r, &format!("{path}.radio"), c))
            .transpose()?;
        links.push(LinkProfile {
            name: name.clone(),
            latency: link.latency.as_nanos(),
            jitter: link.jitter.map_or(0, |j| j.as_nanos()),
            down_bps: link.bandwidth.bits_per_second(),
            up_bps: link.upload.unwrap_or(link.bandwidth).bits_per_second(),
            loss_ppm,
            radio,
        });
    }
    Ok(links)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::checker::check_section;

    #[test]
    fn a_profile_gets_its_upload_or_its_bandwidth_each_way() {
        let text = "network:\n  adsl: { latency: 20ms, bandwidth: 8Mbit/s, upload: 1Mbit/s }\n  fibre: { latency: 2ms, bandwidth: 1Gbit/s, loss: 1% }\n";
        let links = check_section(text, "network", links).unwrap();
        assert_eq!(links.len(), 2);
        assert_eq!((links[0].down_bps, links[0].up_bps), (8_000_000, 1_000_000));
        assert_eq!(links[0].latency, 20_000_000);
        assert_eq!(
            (links[1].up_bps, links[1].loss_ppm),
            (1_000_000_000, 10_000)
        );
    }

    #[test]
    fn refuses_no_profiles_and_a_zero_bandwidth() {
        let empty = check_section("network: {}\n", "network", links).unwrap_err();
        assert_eq!(empty.message, "needs at least one link profile");
        let text = "network:\n  adsl: { latency: 20ms, bandwidth: 8Mbit/s, upload: 0Mbit/s }\n";
        let error = check_section(text, "network", links).unwrap_err();
        assert_eq!(error.field.as_deref(), Some("network.adsl.upload"));
        assert_eq!(error.message, "must be greater than 0");
    }
}
