//! Radio profiles: how long each radio state lasts and how much power it draws, with the
//! published measurement behind every default.
//!
//! Units: durations are integer nanoseconds ([`Nanos`]); powers are milliwatts; the data
//! coefficients are milliwatts per Mbit/s, so that a coefficient times megabits moved gives
//! millijoules (see [`RadioParams::upload_mw_per_mbps`]).
//!
//! Sources, cited by short name below:
//! - *Huang 2012*: J. Huang, F. Qian, A. Gerber, Z. M. Mao, S. Sen, O. Spatscheck, "A Close
//!   Examination of Performance and Power Characteristics of 4G LTE Networks", MobiSys 2012,
//!   Tables 3 and 4 (LTE power model, measured on an LTE smartphone).
//! - *ARO*: AT&T's Application Resource Optimizer (now Video Optimizer), built by the same
//!   AT&T Labs / University of Michigan group; its default device profiles, in
//!   `attdevsupport/VideoOptimizer`: `ARO.Core/src/main/resources/{lte,WiFi}.conf` and the
//!   hard-coded 3G defaults of `ProfileFactoryImpl.create3G`. They round Huang 2012's LTE
//!   figures (0.26 s, 1.21 W, 1.06 W, 438.39 and 51.97 mW/Mbps), which corroborates them.
//!
//! The UMTS and WiFi defaults are ARO's. Huang 2012 also tabulates 3G and WiFi figures,
//! but no copy of those tables could be checked while writing this, so none of them is used.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::time::Nanos;

const US: Nanos = 1_000;
const MS: Nanos = 1_000_000;
const SECOND: Nanos = 1_000_000_000;

/// One radio technology's state machine: IDLE → promotion → active while data moves → tail
/// after the last transfer → (UMTS: FACH →) IDLE. Every field can be overridden; a zero
/// duration removes that state.
///
/// Powers are the radio's draw in that state, averaged over the state (periodic paging or
/// DRX wake-ups are folded into the average, see each profile).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RadioParams {
    /// Average power while idle (LTE RRC_IDLE, UMTS IDLE, WiFi power save), mW.
    pub idle_mw: f64,
    /// Time to bring the radio from idle to the connected state, ns.
    pub promotion_delay: Nanos,
    /// Power during that promotion, mW.
    pub promotion_mw: f64,
    /// Power while a transfer is in progress, before the data term (Huang 2012's β), mW.
    pub active_mw: f64,
    /// Extra power per Mbit/s of upload throughput (Huang 2012's α_u), mW/(Mbit/s).
    ///
    /// Huang 2012's model is P = α_u·t_u + α_d·t_d + β, throughputs in Mbit/s. Over a
    /// transfer of duration d moving b_u megabits up, the α_u term integrates to
    /// α_u·(b_u/d)·d = α_u·b_u: the data energy depends only on the bits moved (mW/(Mbit/s) ×
    /// Mbit = mJ), so it is added per transfer on top of β × active time.
    pub upload_mw_per_mbps: f64,
    /// Extra power per Mbit/s of download throughput (Huang 2012's α_d), mW/(Mbit/s).
    pub download_mw_per_mbps: f64,
    /// How long the radio stays in its high-power tail after the last transfer, ns: the LTE
    /// DRX tail, the UMTS DCH inactivity timer (T1), the WiFi tail.
    pub tail_time: Nanos,
    /// Power during that tail, mW.
    pub tail_mw: f64,
    /// UMTS only: how long the radio stays in CELL_FACH after the DCH tail before going
    /// IDLE (timer T2), ns. Zero for a technology without FACH.
    pub fach_time: Nanos,
    /// Power in CELL_FACH, mW.
    pub fach_mw: f64,
    /// UMTS only: time to promote from CELL_FACH back to CELL_DCH when a transfer starts
    /// in FACH, ns.
    pub fach_promotion_delay: Nanos,
    /// Power during the FACH → DCH promotion, mW.
    pub fach_promotion_mw: f64,
    /// A packet that finds the radio IDLE (or, UMTS, in FACH) waits for the promotion
    /// before it moves, up or down (a push to an idle phone waits for paging and the
    /// promotion): Huang 2012 measures the promotion as delay added to the first packet's
    /// round trip. `false` keeps the packet times and only accounts the energy. True in
    /// every profile.
    #[serde(default = "promotion_delays_packets")]
    pub delays_packets: bool,
}

fn promotion_delays_packets() -> bool {
    true
}

impl RadioParams {
    /// 4G LTE, from Huang 2012 unless said otherwise.
    ///
    /// - Promotion (RRC_IDLE → RRC_CONNECTED): 260.1 ms at 1210.7 mW (Huang 2012 Table 3;
    ///   ARO `lte.conf`: `T_PROMOTION=0.26`, `P_PROMOTION=1.21`).
    /// - Active: β = 1288.04 mW, α_u = 438.39 mW/Mbps, α_d = 51.97 mW/Mbps (Huang 2012
    ///   Table 4; ARO `lte.conf`: the same α, `LTE_BETA=1.2` W).
    /// - Tail: 11.576 s at 1060.0 mW, the tail base power (Huang 2012 Table 3; ARO
    ///   `P_TAIL=1.06`). The DRX on-durations inside the tail (1680 mW for about 1 ms every
    ///   20 or 40 ms in Huang 2012, `P_*_DRX_PING=1.68` in ARO) are left out: they add a few
    ///   percent to the tail power. ARO splits its tail into a 0.1 s inactivity timer, 0.02 s
    ///   of short DRX and 10 s of long DRX (10.12 s); we keep Huang 2012's measured total.
    /// - Idle: 594 mW for 43 ms every 1.28 s of paging (ARO `P_IDLE_PING=0.594`,
    ///   `T_IDLE_PING=0.043`, `T_IDLE_PING_PERIOD=1.28`, `P_IDLE=0`), averaged: ≈ 19.95 mW.
    pub fn lte() -> RadioParams {
        RadioParams {
            idle_mw: 594.0 * 43.0 / 1280.0,
            promotion_delay: 260_100 * US,
            promotion_mw: 1210.7,
            active_mw: 1288.04,
            upload_mw_per_mbps: 438.39,
            download_mw_per_mbps: 51.97,
            tail_time: 11_576 * MS,
            tail_mw: 1060.0,
            fach_time: 0,
            fach_mw: 0.0,
            fach_promotion_delay: 0,
            fach_promotion_mw: 0.0,
            delays_packets: true,
        }
    }

    /// 3G UMTS with CELL_DCH and CELL_FACH, from ARO's default 3G profile
    /// (`ProfileFactoryImpl.create3G`); approximate: operators set their own timers, and
    /// ARO's bundled Samsung i997 profile (`i997.conf`) has 4 s and 10 s, 1300 mW DCH and
    /// 300 mW FACH instead.
    ///
    /// - IDLE → DCH promotion: 2.0 s (`IDLE_DCH_PROMO_AVG`) at 530 mW (`POWER_IDLE_DCH`).
    /// - Active and DCH tail: 700 mW (`POWER_DCH`); ARO's 3G model has no throughput term,
    ///   so α_u = α_d = 0 here.
    /// - DCH tail T1: 5 s (`DCH_FACH_TIMER`); FACH T2: 12 s (`FACH_IDLE_TIMER`) at 350 mW
    ///   (`POWER_FACH`); idle 0 mW (`POWER_IDLE`).
    /// - FACH → DCH promotion: 1.5 s (`FACH_DCH_PROMO_AVG`) at 550 mW (`POWER_FACH_DCH`).
    ///
    /// Every transfer that starts in FACH promotes to DCH: the rule that small packets
    /// (under ARO's `RLC_UL_TH` = 543 / `RLC_DL_TH` = 475 bytes in the RLC buffer) are sent
    /// on FACH without a promotion is not modelled, which overstates the energy of small
    /// messages sent 5 to 17 s after the last transfer.
    pub fn umts() -> RadioParams {
        RadioParams {
            idle_mw: 0.0,
            promotion_delay: 2 * SECOND,
            promotion_mw: 530.0,
            active_mw: 700.0,
            upload_mw_per_mbps: 0.0,
            download_mw_per_mbps: 0.0,
            tail_time: 5 * SECOND,
            tail_mw: 700.0,
            fach_time: 12 * SECOND,
            fach_mw: 350.0,
            fach_promotion_delay: 1_500 * MS,
            fach_promotion_mw: 550.0,
            delays_packets: true,
        }
    }

    /// WiFi, from ARO's default WiFi profile (`WiFi.conf`, `ProfileFactoryImpl.createWiFi`);
    /// approximate.
    ///
    /// - Active and tail: 403 mW (`POWER_WIFI_ACTIVE`; ARO charges the tail at the active
    ///   power); no throughput term in ARO, so α_u = α_d = 0 here.
    /// - Tail: 250 ms (`WIFI_TAIL_TIME`); idle (power save) 20 mW (`POWER_WIFI_STANDBY`).
    /// - Promotion: none, as in ARO. Huang 2012 reports a short WiFi promotion, but its
    ///   figure could not be checked, so it is left at zero; set `promotion_delay` and
    ///   `promotion_mw` to add one.
    pub fn wifi() -> RadioParams {
        RadioParams {
            idle_mw: 20.0,
            promotion_delay: 0,
            promotion_mw: 0.0,
            active_mw: 403.0,
            upload_mw_per_mbps: 0.0,
            download_mw_per_mbps: 0.0,
            tail_time: 250 * MS,
            tail_mw: 403.0,
            fach_time: 0,
            fach_mw: 0.0,
            fach_promotion_delay: 0,
            fach_promotion_mw: 0.0,
            delays_packets: true,
        }
    }

    /// Checks that every power and data coefficient is a finite number >= 0 (durations are
    /// unsigned, so always valid).
    pub fn validate(&self) -> Result<(), InvalidRadioParam> {
        let fields = [
            ("idle_mw", self.idle_mw),
            ("promotion_mw", self.promotion_mw),
            ("active_mw", self.active_mw),
            ("upload_mw_per_mbps", self.upload_mw_per_mbps),
            ("download_mw_per_mbps", self.download_mw_per_mbps),
            ("tail_mw", self.tail_mw),
            ("fach_mw", self.fach_mw),
            ("fach_promotion_mw", self.fach_promotion_mw),
        ];
        match fields
            .into_iter()
            .find(|(_, v)| !(v.is_finite() && *v >= 0.0))
        {
            Some((field, value)) => Err(InvalidRadioParam { field, value }),
            None => Ok(()),
        }
    }
}

/// A power or data coefficient of [`RadioParams`] that is negative, infinite or NaN.
#[derive(Debug, Clone, PartialEq)]
pub struct InvalidRadioParam {
    pub field: &'static str,
    pub value: f64,
}

impl fmt::Display for InvalidRadioParam {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "radio parameter `{}` must be a finite number >= 0, got {}",
            self.field, self.value
        )
    }
}

impl std::error::Error for InvalidRadioParam {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_published_profiles_are_valid() {
        for params in [RadioParams::lte(), RadioParams::umts(), RadioParams::wifi()] {
            assert_eq!(params.validate(), Ok(()), "{params:?}");
        }
    }

    #[test]
    fn validate_names_the_first_bad_power() {
        let mut params = RadioParams::lte();
        params.tail_mw = -1.0;
        params.fach_mw = f64::NAN;
        let err = params.validate().unwrap_err();
        assert_eq!(err.field, "tail_mw");
        assert_eq!(err.value, -1.0);
        params.tail_mw = 1.0;
        assert_eq!(params.validate().unwrap_err().field, "fach_mw");
    }
}
