//! Mobile radio energy: a per-client radio state machine (LTE, 3G UMTS, WiFi) that turns
//! the times and sizes of the client's transfers into joules and time per radio state.
//!
//! - [`params`]: each technology's state durations and powers, with their published
//!   sources ([`RadioParams::lte`], [`RadioParams::umts`], [`RadioParams::wifi`]).
//! - [`radio`]: the state machine ([`Radio`]): IDLE → promotion → active → tail
//!   (→ FACH) → IDLE.
//! - [`report`]: what it spent ([`RadioReport`]), summed over clients.
//! - [`devices`]: the run's devices ([`Devices`]): a radio per browser, network switches,
//!   each group's total.
//!
//! Promises: time is integer nanoseconds and the state machine is exact in it; energy is
//! computed from integer totals (nanoseconds per state, bytes per direction), so a radio's
//! report is byte-identical across runs. Each transfer costs O(1) and allocates nothing.
//! The model only accounts energy: it never delays a transfer, and a promotion is counted
//! just before the transfer that needed it (see [`radio`]).

pub mod devices;
pub mod params;
pub mod radio;
pub mod report;

pub use devices::Devices;
pub use params::{InvalidRadioParam, RadioParams};
pub use radio::Radio;
pub use report::{PerState, RadioReport, joules_per_client_hour};
