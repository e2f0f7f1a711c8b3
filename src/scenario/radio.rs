//! A link's mobile radio (`network.<profile>.radio`): a technology's published profile
//! from [`crate::energy::RadioParams`], with any figure the scenario overrides.

use serde::{Deserialize, Serialize};

use super::checker::Checker;
use super::error::ScenarioError;
use crate::energy::RadioParams;
use crate::units::Duration;

/// A mobile radio: a technology's published state machine, with any figure overridden.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawRadio {
    /// `lte`, `3g` or `wifi`: the clients on this link are mobile devices whose radio
    /// energy is reported (see the Energy page). Required. Every other field overrides one
    /// figure of the technology's published profile; each defaults to the technology's.
    #[schemars(extend("enum" = ["lte", "3g", "wifi"]))]
    pub technology: String,
    /// Power while idle, in milliwatts (≥ 0). Default: the technology's.
    pub idle_mw: Option<f64>,
    /// Idle to connected: how long the promotion takes. Default: the technology's.
    pub promotion: Option<Duration>,
    /// Power during the promotion, in milliwatts (≥ 0). Default: the technology's.
    pub promotion_mw: Option<f64>,
    /// Power while data moves, in milliwatts (≥ 0), before the data term
    /// (`upload_mw_per_mbps`, `download_mw_per_mbps`). Default: the technology's.
    pub active_mw: Option<f64>,
    /// The data term up: extra milliwatts per Mbit/s of upload throughput (≥ 0). Default:
    /// the technology's.
    pub upload_mw_per_mbps: Option<f64>,
    /// The data term down: extra milliwatts per Mbit/s of download throughput (≥ 0).
    /// Default: the technology's.
    pub download_mw_per_mbps: Option<f64>,
    /// How long the radio stays at high power after the last transfer (3G: the DCH tail).
    /// Default: the technology's.
    pub tail: Option<Duration>,
    /// Power during the tail, in milliwatts (≥ 0). Default: the technology's.
    pub tail_mw: Option<f64>,
    /// 3G: how long the FACH state after the DCH tail lasts. Default: the technology's.
    pub fach: Option<Duration>,
    /// 3G: power in the FACH state, in milliwatts (≥ 0). Default: the technology's.
    pub fach_mw: Option<f64>,
    /// 3G: how long the FACH to DCH promotion takes. Default: the technology's.
    pub fach_promotion: Option<Duration>,
    /// 3G: power during the FACH to DCH promotion, in milliwatts (≥ 0). Default: the
    /// technology's.
    pub fach_promotion_mw: Option<f64>,
    /// `true`: a packet that finds the radio idle (3G: in FACH) waits for the promotion
    /// before it moves, in both directions (a push to an idle phone waits for paging and
    /// the promotion), so latency includes it; Huang et al., MobiSys 2012, measure the
    /// LTE promotion as delay added to the first packet's round trip. `false`: the
    /// promotion only costs energy (rtsim before issue 18). The energy is accounted the
    /// same way either way. Default true.
    pub delay_packets: Option<bool>,
}

/// The radio of a link profile's clients.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RadioSpec {
    /// `lte`, `3g` or `wifi`.
    pub technology: &'static str,
    pub params: RadioParams,
}

pub(crate) fn radio(raw: &RawRadio, path: &str, c: &Checker) -> Result<RadioSpec, ScenarioError> {
    let (technology, mut p) = match raw.technology.as_str() {
        "lte" => ("lte", RadioParams::lte()),
        "3g" => ("3g", RadioParams::umts()),
        "wifi" => ("wifi", RadioParams::wifi()),
        other => {
            return Err(c.error(
                &format!("{path}.technology"),
                format!("unknown radio technology \"{other}\"; expected lte, 3g or wifi"),
            ));
        }
    };
    let set = |target: &mut f64, value: Option<f64>| {
        if let Some(v) = value {
            *target = v;
        }
    };
    set(&mut p.idle_mw, raw.idle_mw);
    set(&mut p.promotion_mw, raw.promotion_mw);
    set(&mut p.active_mw, raw.active_mw);
    set(&mut p.upload_mw_per_mbps, raw.upload_mw_per_mbps);
    set(&mut p.download_mw_per_mbps, raw.download_mw_per_mbps);
    set(&mut p.tail_mw, raw.tail_mw);
    set(&mut p.fach_mw, raw.fach_mw);
    set(&mut p.fach_promotion_mw, raw.fach_promotion_mw);
    if let Some(delay) = raw.delay_packets {
        p.delays_packets = delay;
    }
    if let Some(d) = raw.promotion {
        p.promotion_delay = d.as_nanos();
    }
    if let Some(d) = raw.tail {
        p.tail_time = d.as_nanos();
    }
    if let Some(d) = raw.fach {
        p.fach_time = d.as_nanos();
    }
    if let Some(d) = raw.fach_promotion {
        p.fach_promotion_delay = d.as_nanos();
    }
    p.validate().map_err(|bad| {
        c.error(
            &format!("{path}.{}", bad.field),
            format!("must be a finite number of at least 0, found {}", bad.value),
        )
    })?;
    Ok(RadioSpec {
        technology,
        params: p,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::checker::check_section;

    #[test]
    fn a_technology_with_a_figure_overridden() {
        let text = "radio: { technology: lte, tail: 5s }\n";
        let spec = check_section(text, "radio", |r, c| radio(r, "network.lte.radio", c)).unwrap();
        assert_eq!(spec.technology, "lte");
        assert_eq!(spec.params.tail_time, 5_000_000_000);
    }

    #[test]
    fn refuses_an_unknown_technology_and_a_negative_power() {
        let text = "radio: { technology: 5g }\n";
        let error =
            check_section(text, "radio", |r, c| radio(r, "network.m.radio", c)).unwrap_err();
        assert_eq!(error.field.as_deref(), Some("network.m.radio.technology"));
        assert_eq!(
            error.message,
            "unknown radio technology \"5g\"; expected lte, 3g or wifi"
        );
        let text = "radio: { technology: wifi, idle_mw: -1 }\n";
        let error =
            check_section(text, "radio", |r, c| radio(r, "network.m.radio", c)).unwrap_err();
        assert_eq!(error.field.as_deref(), Some("network.m.radio.idle_mw"));
        assert_eq!(
            error.message,
            "must be a finite number of at least 0, found -1"
        );
    }
}
