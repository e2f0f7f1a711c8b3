//! Monthly cost: what running a transport variant would cost per month at cloud list prices.
//!
//! Owns the prices ([`prices`]: the `cost:` section's validated form, with the default list
//! prices and their sources) and the arithmetic ([`monthly()`]: a variant's measured usage →
//! dollars per 730-hour month, split by item). It is a pure model handed its inputs: it
//! does not read a scenario or a run's results (the adapter that measures [`Usage`] from
//! them is [`crate::report::cost`]) and knows nothing of the simulation.

pub mod monthly;
pub mod prices;

pub use monthly::{Carrier, CostItem, GatewayUsage, Line, MonthlyCost, Usage, monthly};
pub use prices::{BalancerPrices, CostSpec, GatewayPrices, ServerlessPrices};
