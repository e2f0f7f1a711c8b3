//! A link's mobile radio (`network.<profile>.radio`): a technology's published profile
//! from [`crate::energy::RadioParams`], with any figure the scenario overrides.

use serde::Serialize;

use super::error::ScenarioError;
use super::raw::RawRadio;
use super::validate::Checker;
use crate::energy::RadioParams;

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
