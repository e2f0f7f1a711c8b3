//! The comparison table: one column per transport variant, one row per measure; over
//! replications, each number as `mean ± half-width` (95 % confidence interval).

use super::{human_bytes, human_ms};
use crate::metrics::interval::Interval;
use crate::metrics::{BytesPerClientHour, RunResult};

/// Row label and one cell per variant.
pub type Row = (String, Vec<String>);

/// How a number in a cell is written, alone and as an interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Show {
    /// Milliseconds ([`human_ms`]).
    Ms,
    /// Bytes ([`human_bytes`]).
    Bytes,
    /// A fraction as a percentage with one decimal (`45.2%`).
    Percent,
    /// A plain number with this many decimals.
    Fixed(usize),
    /// A whole number (its mean over replications with one decimal).
    Count,
    /// Joules, no decimals (`120 J`).
    Joules,
    /// Seconds with one decimal (`2.5 s`).
    Seconds,
}

impl Show {
    fn one(self, v: f64) -> String {
        match self {
            Show::Ms => human_ms(v),
            Show::Bytes => human_bytes(v),
            Show::Percent => format!("{:.1}%", v * 100.0),
            Show::Fixed(places) => format!("{v:.places$}"),
            Show::Count => format!("{v}"),
            Show::Joules => format!("{v:.0} J"),
            Show::Seconds => format!("{v:.1} s"),
        }
    }

    /// `mean ± half-width`, each in the cell's unit.
    fn interval(self, i: &Interval) -> String {
        let (m, h) = (i.mean, i.half_width);
        match self {
            Show::Ms | Show::Bytes | Show::Percent => {
                format!("{} ± {}", self.one(m), self.one(h))
            }
            Show::Fixed(places) => format!("{m:.places$} ± {h:.places$}"),
            Show::Count => format!("{m:.1} ± {h:.1}"),
            Show::Joules => format!("{m:.0} ± {h:.0} J"),
            Show::Seconds => format!("{m:.1} ± {h:.1} s"),
        }
    }
}

/// A piece of a cell: words, or a number to be written as `Show` says.
#[derive(Debug, Clone, PartialEq)]
enum Piece {
    Text(String),
    Number(f64, Show),
}

/// A cell of the table: its pieces in order (`12.3 ms / 45.6 ms` is a number, words, a
/// number), so that the same cell over several replications can be written as intervals.
#[derive(Debug, Clone, Default, PartialEq)]
struct Cell(Vec<Piece>);

impl Cell {
    fn text(words: impl Into<String>) -> Cell {
        Cell(vec![Piece::Text(words.into())])
    }

    fn number(v: f64, show: Show) -> Cell {
        Cell(vec![Piece::Number(v, show)])
    }

    fn then_text(mut self, words: impl Into<String>) -> Cell {
        self.0.push(Piece::Text(words.into()));
        self
    }

    fn then_number(mut self, v: f64, show: Show) -> Cell {
        self.0.push(Piece::Number(v, show));
        self
    }

    fn then(mut self, other: Cell) -> Cell {
        self.0.extend(other.0);
        self
    }

    /// `-` for no value.
    fn or_dash<T>(value: Option<T>, cell: impl FnOnce(T) -> Cell) -> Cell {
        value.map_or_else(|| Cell::text("-"), cell)
    }

    /// The cells joined by `separator`.
    fn joined(cells: impl IntoIterator<Item = Cell>, separator: &str) -> Cell {
        let mut out = Cell::default();
        for (i, cell) in cells.into_iter().enumerate() {
            if i > 0 {
                out = out.then_text(separator);
            }
            out = out.then(cell);
        }
        out
    }

    fn write(&self) -> String {
        self.0
            .iter()
            .map(|p| match p {
                Piece::Text(t) => t.clone(),
                Piece::Number(v, show) => show.one(*v),
            })
            .collect()
    }

    /// Whether `other` has the same words and kinds of number in the same places.
    fn same_shape(&self, other: &Cell) -> bool {
        self.0.len() == other.0.len()
            && self.0.iter().zip(&other.0).all(|pair| match pair {
                (Piece::Text(a), Piece::Text(b)) => a == b,
                (Piece::Number(_, a), Piece::Number(_, b)) => a == b,
                _ => false,
            })
    }

    /// The cell over replications (`cells`, one per replication): each number as
    /// `mean ± half-width`. When the replications' cells differ in shape (one has no
    /// latency sample, another has), the first replication's cell with `(varies)`.
    fn write_over(cells: &[Cell]) -> String {
        let first = &cells[0];
        if !cells.iter().all(|c| first.same_shape(c)) {
            return format!("{} (varies)", first.write());
        }
        first
            .0
            .iter()
            .enumerate()
            .map(|(k, piece)| match piece {
                Piece::Text(t) => t.clone(),
                Piece::Number(_, show) => {
                    let values: Vec<f64> = cells
                        .iter()
                        .map(|c| match &c.0[k] {
                            Piece::Number(v, _) => *v,
                            Piece::Text(_) => unreachable!("same shape"),
                        })
                        .collect();
                    show.interval(&Interval::of(&values).expect("at least one replication"))
                }
            })
            .collect()
    }
}

/// A row: its label and how to make a variant's cell.
type Measure<'a> = (String, Box<dyn Fn(&RunResult) -> Cell + 'a>);

/// The measures of the comparison, in order; which optional ones appear is decided by
/// `results` (any variant with messages, history, fallback, webhooks, faults, radios).
fn measures(results: &[RunResult]) -> Vec<Measure<'static>> {
    let mut rows: Vec<Measure<'static>> = Vec::new();
    let mut row = |label: &str, cell: Box<dyn Fn(&RunResult) -> Cell>| {
        rows.push((label.to_string(), cell));
    };
    type Pick = fn(&crate::metrics::LatencySummary) -> f64;
    let latency = |pick: Pick| -> Box<dyn Fn(&RunResult) -> Cell> {
        Box::new(move |r: &RunResult| {
            Cell::or_dash(r.latency.as_ref(), |l| Cell::number(pick(l), Show::Ms))
        })
    };
    row("latency mean", latency(|l| l.mean_ms));
    row("latency p50", latency(|l| l.p50_ms));
    row("latency p90", latency(|l| l.p90_ms));
    row("latency p99", latency(|l| l.p99_ms));
    row("latency max", latency(|l| l.max_ms));
    row(
        "first response mean",
        Box::new(|r| {
            Cell::or_dash(r.first_response.as_ref(), |l| {
                Cell::number(l.mean_ms, Show::Ms)
            })
        }),
    );
    type Direction = fn(&RunResult) -> &BytesPerClientHour;
    type Layer = fn(&BytesPerClientHour) -> f64;
    let directions: [(&str, Direction); 2] = [
        ("down", |r| &r.bytes_down_per_client_hour),
        ("up", |r| &r.bytes_up_per_client_hour),
    ];
    let layers: [(&str, Layer); 6] = [
        ("payload", |b| b.payload),
        ("framing", |b| b.framing),
        ("tls", |b| b.tls),
        ("tcp/ip", |b| b.tcpip),
        ("retransmit", |b| b.retransmit),
        ("total", |b| b.total),
    ];
    for (direction, of_direction) in directions {
        for (layer, of_layer) in layers {
            row(
                &format!("{direction}/client/h {layer}"),
                Box::new(move |r| Cell::number(of_layer(of_direction(r)), Show::Bytes)),
            );
        }
    }
    let count = |v: u64| Cell::number(v as f64, Show::Count);
    row(
        "payload efficiency",
        Box::new(|r| Cell::number(r.payload_efficiency, Show::Percent)),
    );
    row(
        "requests/s at server",
        Box::new(|r| Cell::number(r.requests_per_second, Show::Fixed(1))),
    );
    row(
        "empty responses",
        Box::new(|r| Cell::or_dash(r.empty_response_share, |s| Cell::number(s, Show::Percent))),
    );
    row(
        "connections opened",
        Box::new(move |r| count(r.totals.connections_opened)),
    );
    row(
        "blocked streams",
        Box::new(move |r| {
            let b = &r.blocked_streams;
            match &b.wait {
                None => Cell::text("0"),
                Some(wait) => count(b.blocked)
                    .then_text(" (wait ")
                    .then_number(wait.mean_ms, Show::Ms)
                    .then_text(")"),
            }
        }),
    );
    row(
        "peak open connections",
        Box::new(move |r| count(r.peak_open_connections)),
    );
    row(
        "server CPU",
        Box::new(|r| Cell::number(r.cpu_utilisation, Show::Percent)),
    );
    row(
        "CPU queueing delay",
        Box::new(|r| Cell::number(r.mean_cpu_queueing_delay_ms, Show::Ms)),
    );
    row(
        "peak server memory",
        Box::new(|r| Cell::number(r.peak_memory_bytes as f64, Show::Bytes)),
    );
    // Internal service tiers, beside the server's figures (only when a scenario has them).
    // A variant shows only the tiers it calls.
    let mut tiers: Vec<String> = Vec::new();
    for t in results.iter().flat_map(|r| &r.services) {
        if !tiers.contains(&t.name) {
            tiers.push(t.name.clone());
        }
    }
    for name in tiers {
        let label = |what: &str| format!("service {name}: {what}");
        type Tier = fn(&crate::metrics::ServiceResult) -> Cell;
        let each = |cell: Tier| -> Box<dyn Fn(&RunResult) -> Cell> {
            let name = name.clone();
            Box::new(move |r: &RunResult| {
                Cell::or_dash(r.services.iter().find(|t| t.name == name), cell)
            })
        };
        row(
            &label("transport / connections"),
            each(|t| {
                Cell::text(format!("{} / ", t.transport))
                    .then_number(t.connections as f64, Show::Count)
            }),
        );
        row(
            &label("calls / CPU"),
            each(|t| {
                Cell::number(t.calls as f64, Show::Count)
                    .then_text(" / ")
                    .then_number(t.cpu_utilisation, Show::Percent)
            }),
        );
        row(
            &label("CPU queueing / call"),
            each(|t| {
                Cell::number(t.mean_cpu_queueing_delay_ms, Show::Ms)
                    .then_text(" / ")
                    .then_number(t.mean_call_ms, Show::Ms)
            }),
        );
        row(
            &label("bytes per call"),
            each(|t| Cell::number(t.bytes_per_call, Show::Bytes)),
        );
    }
    row(
        "replica imbalance conn/cpu",
        Box::new(|r| {
            Cell::number(r.imbalance.connections, Show::Fixed(2))
                .then_text(" / ")
                .then_number(r.imbalance.cpu, Show::Fixed(2))
        }),
    );
    row(
        "broker messages",
        Box::new(move |r| count(r.broker_messages)),
    );
    row(
        "events generated",
        Box::new(move |r| count(r.ledger.generated)),
    );
    row(
        "events delivered",
        Box::new(move |r| count(r.ledger.delivered)),
    );
    row("events lost", Box::new(move |r| count(r.ledger.lost)));
    if results.iter().any(|r| r.ledger.conflated > 0) {
        // Only where a variant conflates (issue 20): other tables keep their rows.
        row(
            "events conflated",
            Box::new(move |r| count(r.ledger.conflated)),
        );
    }
    row(
        "events in flight",
        Box::new(move |r| count(r.ledger.in_flight)),
    );
    let p50_p99 = |l: &crate::metrics::LatencySummary| {
        Cell::number(l.p50_ms, Show::Ms)
            .then_text(" / ")
            .then_number(l.p99_ms, Show::Ms)
    };
    if results.iter().any(|r| r.messages.is_some()) {
        type Latency =
            fn(&crate::metrics::MessageResult) -> Option<&crate::metrics::LatencySummary>;
        let latencies: [(&str, Latency); 2] = [
            ("to server", |m| m.to_server.as_ref()),
            ("end to end", |m| m.end_to_end.as_ref()),
        ];
        for (name, of) in latencies {
            row(
                &format!("messages: {name} p50 / p99"),
                Box::new(move |r| Cell::or_dash(r.messages.as_ref().and_then(of), p50_p99)),
            );
        }
        row(
            "messages: bytes up / down",
            Box::new(|r| {
                Cell::or_dash(r.messages.as_ref(), |m| {
                    Cell::number(m.bytes_up_per_message, Show::Bytes)
                        .then_text(" / ")
                        .then_number(m.bytes_down_per_message, Show::Bytes)
                })
            }),
        );
        row(
            "messages: written / lost",
            Box::new(move |r| {
                Cell::or_dash(r.messages.as_ref(), |m| {
                    count(m.written).then_text(" / ").then(count(m.lost))
                })
            }),
        );
    }
    if results.iter().any(|r| r.history.is_some()) {
        row(
            "history: fetches / old events",
            Box::new(move |r| {
                Cell::or_dash(r.history.as_ref(), |h| {
                    count(h.fetches)
                        .then_text(" / ")
                        .then(count(h.events_fetched))
                })
            }),
        );
        row(
            "history: missed events recovered",
            Box::new(move |r| Cell::or_dash(r.history.as_ref(), |h| count(h.events_recovered))),
        );
        row(
            "history: p50 / p99",
            Box::new(move |r| {
                Cell::or_dash(r.history.as_ref().and_then(|h| h.latency.as_ref()), p50_p99)
            }),
        );
    }
    if results.iter().any(|r| r.serverless.is_some()) {
        row(
            "invocations: cold / warm",
            Box::new(move |r| {
                Cell::or_dash(r.serverless.as_ref(), |f| {
                    count(f.cold_starts)
                        .then_text(" / ")
                        .then(count(f.warm_starts))
                })
            }),
        );
        row(
            "throttled (429) / peak concurrency",
            Box::new(move |r| {
                Cell::or_dash(r.serverless.as_ref(), |f| {
                    count(f.throttled)
                        .then_text(" / ")
                        .then(count(u64::from(f.peak_concurrency)))
                })
            }),
        );
        row(
            "cut at max duration: polls / streams",
            Box::new(move |r| {
                Cell::or_dash(r.serverless.as_ref(), |f| {
                    count(f.cut_long_polls)
                        .then_text(" / ")
                        .then(count(f.cut_streams))
                })
            }),
        );
        row(
            "billed function time",
            Box::new(move |r| {
                Cell::or_dash(r.serverless.as_ref(), |f| {
                    Cell::number(f.billed_seconds, Show::Seconds)
                })
            }),
        );
    }
    fn gateway(r: &RunResult) -> Option<&crate::metrics::result::GatewayResult> {
        r.serverless.as_ref().and_then(|f| f.gateway.as_ref())
    }
    if results.iter().any(|r| gateway(r).is_some()) {
        row(
            "gateway: messages / connection-minutes",
            Box::new(move |r| {
                Cell::or_dash(gateway(r), |g| {
                    count(g.messages)
                        .then_text(" / ")
                        .then(Cell::number(g.connection_minutes, Show::Fixed(1)))
                })
            }),
        );
        row(
            "gateway: connects / idle closes / 2 h closes",
            Box::new(move |r| {
                Cell::or_dash(gateway(r), |g| {
                    count(g.connects)
                        .then_text(" / ")
                        .then(count(g.idle_closes))
                        .then_text(" / ")
                        .then(count(g.duration_closes))
                })
            }),
        );
    }
    // Variants of several channels: each channel's share of the totals above.
    let most_channels = results.iter().map(|r| r.channels.len()).max().unwrap_or(0);
    for k in 0..most_channels {
        let label = |what: &str| format!("channel {}: {what}", k + 1);
        row(
            &label("transport"),
            Box::new(move |r| {
                Cell::or_dash(r.channels.get(k), |ch| {
                    let mut purpose: Vec<String> = ch.receives.clone();
                    if ch.sends {
                        purpose.push("sends messages".to_string());
                    }
                    if ch.history {
                        purpose.push("history".to_string());
                    }
                    Cell::text(format!("{} ({})", ch.transport, purpose.join(", ")))
                })
            }),
        );
        row(
            &label("bytes/client/h down / up"),
            Box::new(move |r| {
                Cell::or_dash(r.channels.get(k), |ch| {
                    Cell::number(ch.bytes_down_per_client_hour.total, Show::Bytes)
                        .then_text(" / ")
                        .then_number(ch.bytes_up_per_client_hour.total, Show::Bytes)
                })
            }),
        );
        row(
            &label("latency p50 / p99"),
            Box::new(move |r| {
                Cell::or_dash(
                    r.channels.get(k).and_then(|ch| ch.latency.as_ref()),
                    p50_p99,
                )
            }),
        );
        row(
            &label("connections / CPU"),
            Box::new(move |r| {
                Cell::or_dash(r.channels.get(k), |ch| {
                    count(ch.connections_opened)
                        .then_text(" / ")
                        .then_number(ch.server_cpu_seconds * 1e3, Show::Ms)
                })
            }),
        );
    }
    if results.iter().any(|r| r.fallback.is_some()) {
        row(
            "clients on fallback",
            Box::new(move |r| {
                Cell::or_dash(r.fallback.as_ref(), |f| {
                    let steps = f
                        .steps
                        .iter()
                        .map(|s| Cell::text(format!("{} ", s.transport)).then(count(s.clients)));
                    count(f.on_fallback)
                        .then_text(" of ")
                        .then(count(f.on_primary + f.on_fallback))
                        .then_text(" (")
                        .then(Cell::joined(steps, ", "))
                        .then_text(")")
                })
            }),
        );
    }
    if results.iter().any(|r| r.webhooks.is_some()) {
        type Webhook = fn(&crate::metrics::WebhookResult) -> Cell;
        let webhook = |cell: Webhook| -> Box<dyn Fn(&RunResult) -> Cell> {
            Box::new(move |r: &RunResult| Cell::or_dash(r.webhooks.as_ref(), cell))
        };
        row(
            "webhook: attempts per event",
            webhook(|w| Cell::number(w.attempts_per_delivery, Show::Fixed(2))),
        );
        row(
            "webhook: latest delivering attempt",
            webhook(|w| Cell::number(w.delivering_attempt_max as f64, Show::Count)),
        );
        row(
            "webhook: acknowledged p50 / p99",
            webhook(|w| {
                Cell::or_dash(w.acknowledged.as_ref(), |l| {
                    Cell::number(l.p50_ms, Show::Ms)
                        .then_text(" / ")
                        .then_number(l.p99_ms, Show::Ms)
                })
            }),
        );
        row(
            "webhook: duplicates",
            webhook(|w| {
                Cell::number(w.duplicates as f64, Show::Count)
                    .then_text(" (")
                    .then_number(w.duplicate_share, Show::Percent)
                    .then_text(")")
            }),
        );
        row(
            "webhook: timeouts / refused or reset",
            webhook(|w| {
                Cell::number(w.timeouts as f64, Show::Count)
                    .then_text(" / ")
                    .then_number((w.refusals + w.resets) as f64, Show::Count)
            }),
        );
        row(
            "webhook: given up",
            webhook(|w| Cell::number(w.given_up as f64, Show::Count)),
        );
    }
    if results.iter().any(|r| !r.faults.is_empty()) {
        type Fault = fn(&crate::metrics::FaultResult) -> Cell;
        let each = |cell: Fault| -> Box<dyn Fn(&RunResult) -> Cell> {
            Box::new(move |r: &RunResult| Cell::joined(r.faults.iter().map(cell), " / "))
        };
        row(
            "fault: clients back (99%)",
            each(|f| match f.recovered_after_s {
                Some(s) => Cell::number(s, Show::Seconds),
                None => Cell::text("never (")
                    .then_number(f.clients_recovered as f64, Show::Count)
                    .then_text(" of ")
                    .then_number(f.clients_affected as f64, Show::Count)
                    .then_text(")"),
            }),
        );
        row(
            "fault: peak new conn/s",
            each(|f| Cell::number(f.peak_new_connections_per_s as f64, Show::Count)),
        );
        row(
            "fault: CPU-saturated s",
            each(|f| Cell::number(f.seconds_cpu_saturated as f64, Show::Count)),
        );
        row("reconnects", Box::new(move |r| count(r.totals.reconnects)));
    }
    if results.iter().any(|r| !r.energy.is_empty()) {
        // With several groups on radios, each value is named by its group.
        type Energy = fn(&crate::metrics::GroupEnergy) -> Cell;
        let each = |value: Energy| -> Box<dyn Fn(&RunResult) -> Cell> {
            Box::new(move |r: &RunResult| {
                Cell::joined(
                    r.energy.iter().map(|g| {
                        if r.energy.len() > 1 {
                            Cell::text(format!("{} ", g.group)).then(value(g))
                        } else {
                            value(g)
                        }
                    }),
                    " / ",
                )
            })
        };
        row(
            "radio energy/client/h",
            each(|g| Cell::number(g.joules_per_client_hour, Show::Joules)),
        );
        row(
            "radio high-power time",
            each(|g| Cell::number(g.high_power_share, Show::Percent)),
        );
    }
    rows
}

/// The rows of the comparison, shared by the terminal and Markdown tables.
pub fn comparison_rows(results: &[RunResult]) -> Vec<Row> {
    measures(results)
        .into_iter()
        .map(|(label, cell)| (label, results.iter().map(|r| cell(r).write()).collect()))
        .collect()
}

/// The rows of the comparison over replications (`runs[i]`: replication i's results, every
/// variant in the same order): each number as `mean ± half-width` (95 % confidence, Student
/// t). With one replication, [`comparison_rows`].
pub fn interval_rows(runs: &[&[RunResult]]) -> Vec<Row> {
    let first = runs.first().copied().unwrap_or_default();
    if runs.len() <= 1 {
        return comparison_rows(first);
    }
    let all: Vec<RunResult> = runs.iter().flat_map(|rep| rep.iter().cloned()).collect();
    measures(&all)
        .into_iter()
        .map(|(label, cell)| {
            let cells = (0..first.len())
                .map(|v| {
                    let over: Vec<Cell> = runs.iter().map(|rep| cell(&rep[v])).collect();
                    Cell::write_over(&over)
                })
                .collect();
            (label, cells)
        })
        .collect()
}

/// A plain-text table for the terminal.
pub fn text_table(results: &[RunResult]) -> String {
    table_of_rows(results, comparison_rows(results))
}

/// [`text_table`] over replications ([`interval_rows`]).
pub fn interval_table(runs: &[&[RunResult]]) -> String {
    interval_table_with(runs, Vec::new())
}

/// [`interval_table`] with `extra` rows at its foot (the monthly cost's).
pub fn interval_table_with(runs: &[&[RunResult]], extra: Vec<Row>) -> String {
    let first = runs.first().copied().unwrap_or_default();
    let mut rows = interval_rows(runs);
    rows.extend(extra);
    table_of_rows(first, rows)
}

fn table_of_rows(results: &[RunResult], rows: Vec<Row>) -> String {
    let header: Vec<String> = results.iter().map(|r| r.label.clone()).collect();
    let first_width = rows.iter().map(|(l, _)| l.len()).max().unwrap_or(0);
    let widths: Vec<usize> = (0..results.len())
        .map(|i| {
            rows.iter()
                .map(|(_, cells)| cells[i].len())
                .chain([header[i].len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    out.push_str(&format!("{:first_width$}", ""));
    for (h, w) in header.iter().zip(&widths) {
        out.push_str(&format!("  {h:>w$}"));
    }
    out.push('\n');
    out.push_str(&"-".repeat(first_width + widths.iter().map(|w| w + 2).sum::<usize>()));
    out.push('\n');
    for (label, cells) in &rows {
        out.push_str(&format!("{label:first_width$}"));
        for (cell, w) in cells.iter().zip(&widths) {
            out.push_str(&format!("  {cell:>w$}"));
        }
        out.push('\n');
    }
    out
}

/// The same table in GitHub Markdown.
pub fn markdown(title: &str, description: &str, results: &[RunResult]) -> String {
    markdown_of_rows(title, description, results, comparison_rows(results))
}

/// [`markdown`] over replications ([`interval_rows`]): replication 0's `results` name the
/// variants and their properties.
pub fn interval_markdown(title: &str, description: &str, runs: &[&[RunResult]]) -> String {
    interval_markdown_with(title, description, runs, Vec::new())
}

/// [`interval_markdown`] with `extra` rows at the foot of its table (the monthly cost's).
pub fn interval_markdown_with(
    title: &str,
    description: &str,
    runs: &[&[RunResult]],
    extra: Vec<Row>,
) -> String {
    let first = runs.first().copied().unwrap_or_default();
    let mut rows = interval_rows(runs);
    rows.extend(extra);
    let mut text = markdown_of_rows(title, description, first, rows);
    if runs.len() > 1 {
        // Above the table: what its cells are.
        let at = text.find("| measure |").unwrap_or(text.len());
        text.insert_str(at, &format!("{}\n\n", interval_note(runs.len())));
    }
    text
}

/// What the cells of a table over `replications` replications are.
pub fn interval_note(replications: usize) -> String {
    format!(
        "Each figure is the mean over {replications} replications (independent seeds) ± the \
         half-width of its 95% confidence interval (Student's t)."
    )
}

fn markdown_of_rows(
    title: &str,
    description: &str,
    results: &[RunResult],
    rows: Vec<Row>,
) -> String {
    let mut out = format!("# {title}\n\n");
    if !description.is_empty() {
        out.push_str(description.trim());
        out.push_str("\n\n");
    }
    out.push_str("| measure |");
    for r in results {
        out.push_str(&format!(" {} |", r.label));
    }
    out.push_str("\n|---|");
    for _ in results {
        out.push_str("---:|");
    }
    out.push('\n');
    for (label, cells) in rows {
        out.push_str(&format!("| {label} |"));
        for cell in cells {
            out.push_str(&format!(" {cell} |"));
        }
        out.push('\n');
    }
    out.push('\n');
    out.push_str(&super::properties::properties_markdown(results));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p50_p99(p50: f64, p99: f64) -> Cell {
        Cell::number(p50, Show::Ms)
            .then_text(" / ")
            .then_number(p99, Show::Ms)
    }

    #[test]
    fn a_cell_is_written_as_before_and_over_replications_as_intervals() {
        assert_eq!(p50_p99(12.34, 250.0).write(), "12.3 ms / 250 ms");
        assert_eq!(Cell::number(0.1234, Show::Percent).write(), "12.3%");
        assert_eq!(Cell::number(42.0, Show::Count).write(), "42");
        // 1, 2, 3: mean 2, half-width t(0.975, 2) · 1 / √3 = 2.484.
        let cells = [p50_p99(1.0, 10.0), p50_p99(2.0, 10.0), p50_p99(3.0, 10.0)];
        assert_eq!(
            Cell::write_over(&cells),
            "2.00 ms ± 2.48 ms / 10.0 ms ± 0.00 ms"
        );
        let counts: Vec<Cell> = [10.0, 12.0]
            .iter()
            .map(|c| Cell::number(*c, Show::Count))
            .collect();
        assert_eq!(Cell::write_over(&counts), "11.0 ± 12.7");
        // A replication without a value: the cells differ in shape.
        let mixed = [Cell::number(5.0, Show::Ms), Cell::text("-")];
        assert_eq!(Cell::write_over(&mixed), "5.00 ms (varies)");
    }
}
