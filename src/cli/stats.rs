//! `rtsim run --stats`: what the run cost this machine, printed to standard error so users
//! can plan larger runs: peak memory, events handled, events per second of wall time and
//! memory per simulated client.
//!
//! Owns reading the process's peak memory and the wording of the lines. It does not own
//! the run or its outputs: the lines go to standard error only, never into a result file,
//! so a run with `--stats` writes byte-identical outputs (they depend on the machine).

/// The figures of one `rtsim run`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RunCost {
    /// The process's peak resident memory in bytes; `None` where it cannot be read.
    pub peak_memory: Option<u64>,
    /// Simulation events handled, over every variant and replication.
    pub events: u64,
    /// Wall-clock seconds from the command's start to its results.
    pub wall_seconds: f64,
    /// Clients (tabs) of the scenario, the divisor of the memory per client.
    pub clients: u64,
}

impl RunCost {
    /// The lines `--stats` prints, each starting `stats: `.
    pub fn lines(&self) -> Vec<String> {
        let per_second = self.events as f64 / self.wall_seconds.max(1e-9);
        let (peak, per_client) = match self.peak_memory {
            Some(bytes) => (
                format!("{:.1} MiB", bytes as f64 / (1u64 << 20) as f64),
                format!("{} bytes", bytes / self.clients.max(1)),
            ),
            None => ("not available".into(), "not available".into()),
        };
        vec![
            format!("stats: peak memory {peak} (VmHWM: the process's resident high-water mark)"),
            format!("stats: events {}", self.events),
            format!(
                "stats: events/s {per_second:.0} ({:.2} s wall)",
                self.wall_seconds
            ),
            format!(
                "stats: bytes per client {per_client} (peak memory / {} clients, the \
                 process's fixed memory included, so meaningful for large runs; with --jobs \
                 above 1 several variants' worlds are in memory at once)",
                self.clients
            ),
        ]
    }
}

/// The process's peak resident memory in bytes: `VmHWM` of `/proc/self/status` on Linux,
/// `None` elsewhere or when it cannot be read.
pub fn peak_memory() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    vm_hwm(&status)
}

/// `VmHWM` of a `/proc/<pid>/status` text, in bytes (the kernel writes it in kB, meaning
/// KiB: `fs/proc/task_mmu.c`, `task_mem`).
fn vm_hwm(status: &str) -> Option<u64> {
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let mut words = line["VmHWM:".len()..].split_whitespace();
    let kib: u64 = words.next()?.parse().ok()?;
    (words.next() == Some("kB")).then_some(kib.checked_mul(1024)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_vm_hwm_in_kib() {
        let status = "Name:\trtsim\nVmPeak:\t  300000 kB\nVmHWM:\t  262144 kB\nVmRSS:\t 1000 kB\n";
        // 262,144 KiB x 1,024 = 268,435,456 bytes = 256 MiB.
        assert_eq!(vm_hwm(status), Some(268_435_456));
        assert_eq!(vm_hwm("VmRSS:\t 1000 kB\n"), None);
        assert_eq!(vm_hwm("VmHWM:\t lots kB\n"), None);
        assert_eq!(vm_hwm("VmHWM:\t 12 MB\n"), None);
    }

    #[test]
    fn lines_divide_by_clients_and_wall_time() {
        let cost = RunCost {
            peak_memory: Some(256 << 20),
            events: 3_000_000,
            wall_seconds: 1.5,
            clients: 100_000,
        };
        let lines = cost.lines();
        // 268,435,456 bytes / 100,000 clients = 2,684 bytes (rounded down); 3 M events in
        // 1.5 s = 2,000,000 events/s.
        assert_eq!(
            lines[0],
            "stats: peak memory 256.0 MiB (VmHWM: the process's resident high-water mark)"
        );
        assert_eq!(lines[1], "stats: events 3000000");
        assert_eq!(lines[2], "stats: events/s 2000000 (1.50 s wall)");
        assert!(
            lines[3]
                .starts_with("stats: bytes per client 2684 bytes (peak memory / 100000 clients")
        );
        let unknown = RunCost {
            peak_memory: None,
            ..cost
        };
        assert!(unknown.lines()[0].contains("not available"));
        assert!(unknown.lines()[3].contains("not available"));
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn this_process_has_a_peak() {
        assert!(peak_memory().is_some_and(|bytes| bytes > 0));
    }
}
