//! Ids of the things a run simulates, at the ground so that every layer can name them
//! without importing the layer that owns them.

/// Index of a client in a run (its tabs and REST clients are clients too).
pub type ClientId = u32;
