//! The limits a scenario file must keep within, and how they are said when exceeded.
//!
//! A scenario is a few kilobytes of YAML (the largest example is under 3 KB). The limits
//! stop a mistaken input (a log file, `/dev/zero`) before it costs time or memory, and
//! each is reported in words with its value.

/// Size of a scenario file, checked before it is read into memory.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// `16 MiB`, or the exact bytes when not a whole number of mebibytes.
pub(crate) fn mebibytes(bytes: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    if bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else {
        format!("{bytes} bytes")
    }
}
