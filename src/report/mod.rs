//! Reports of a scenario's results: the comparison table (terminal and Markdown), the JSON
//! summary, the CSV of runs and the provenance that the HTML report ([`crate::page`]) is
//! built from. All output is deterministic: fixed row order, fixed number formatting,
//! variants in scenario order.

pub mod checks;
pub mod cost;
pub(crate) mod csv_out;
mod json;
pub mod properties;
pub mod provenance;
pub mod sweep;
mod table;

pub use csv_out::{SERIES, SERIES_HEADER, replicated_runs_csv, runs_csv, runs_header, series_csv};
pub use json::{
    StoppedVariant, Summary, incomplete_lines, replicated_summary_json, stopped_variants,
    summary_json,
};
pub use table::{
    Row, comparison_rows, interval_markdown, interval_markdown_with, interval_note, interval_rows,
    interval_table, interval_table_with, markdown, text_table,
};

/// Bytes in human units (SI), three significant figures where possible.
pub fn human_bytes(bytes: f64) -> String {
    const UNITS: [&str; 5] = ["B", "KB", "MB", "GB", "TB"];
    let mut value = bytes;
    let mut unit = 0;
    while value >= 1000.0 && unit + 1 < UNITS.len() {
        value /= 1000.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{value:.0} B")
    } else if value >= 100.0 {
        format!("{value:.0} {}", UNITS[unit])
    } else if value >= 10.0 {
        format!("{value:.1} {}", UNITS[unit])
    } else {
        format!("{value:.2} {}", UNITS[unit])
    }
}

/// Milliseconds with precision that suits their size.
pub fn human_ms(ms: f64) -> String {
    if ms >= 100.0 {
        format!("{ms:.0} ms")
    } else if ms >= 10.0 {
        format!("{ms:.1} ms")
    } else {
        format!("{ms:.2} ms")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_units() {
        assert_eq!(human_bytes(512.0), "512 B");
        assert_eq!(human_bytes(1_500.0), "1.50 KB");
        assert_eq!(human_bytes(25_300_000.0), "25.3 MB");
        assert_eq!(human_bytes(253_000_000.0), "253 MB");
        assert_eq!(human_ms(0.1234), "0.12 ms");
        assert_eq!(human_ms(523.4), "523 ms");
    }
}
