//! The comparison table: one column per transport variant, one row per measure.

use super::{human_bytes, human_ms};
use crate::metrics::{BytesPerClientHour, RunResult};

/// Row label and one cell per variant.
pub type Row = (String, Vec<String>);

/// The rows of the comparison, shared by the terminal and Markdown tables.
pub fn comparison_rows(results: &[RunResult]) -> Vec<Row> {
    let mut rows: Vec<Row> = Vec::new();
    let mut row = |label: &str, cell: &dyn Fn(&RunResult) -> String| {
        rows.push((label.to_string(), results.iter().map(cell).collect()));
    };
    let latency = |pick: fn(&crate::metrics::LatencySummary) -> f64| {
        move |r: &RunResult| {
            r.latency
                .as_ref()
                .map_or("-".to_string(), |l| human_ms(pick(l)))
        }
    };
    row("latency mean", &latency(|l| l.mean_ms));
    row("latency p50", &latency(|l| l.p50_ms));
    row("latency p90", &latency(|l| l.p90_ms));
    row("latency p99", &latency(|l| l.p99_ms));
    row("latency max", &latency(|l| l.max_ms));
    row("first response mean", &|r| {
        r.first_response
            .as_ref()
            .map_or("-".to_string(), |l| human_ms(l.mean_ms))
    });
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
            row(&format!("{direction}/client/h {layer}"), &|r| {
                human_bytes(of_layer(of_direction(r)))
            });
        }
    }
    row("payload efficiency", &|r| {
        format!("{:.1}%", r.payload_efficiency * 100.0)
    });
    row("requests/s at server", &|r| {
        format!("{:.1}", r.requests_per_second)
    });
    row("empty responses", &|r| {
        r.empty_response_share
            .map_or("-".to_string(), |s| format!("{:.1}%", s * 100.0))
    });
    row("connections opened", &|r| {
        r.totals.connections_opened.to_string()
    });
    row("blocked streams", &|r| {
        let b = &r.blocked_streams;
        match &b.wait {
            None => "0".to_string(),
            Some(wait) => format!("{} (wait {})", b.blocked, human_ms(wait.mean_ms)),
        }
    });
    row("peak open connections", &|r| {
        r.peak_open_connections.to_string()
    });
    row("server CPU", &|r| {
        format!("{:.1}%", r.cpu_utilisation * 100.0)
    });
    row("CPU queueing delay", &|r| {
        human_ms(r.mean_cpu_queueing_delay_ms)
    });
    row("peak server memory", &|r| {
        human_bytes(r.peak_memory_bytes as f64)
    });
    row("replica imbalance conn/cpu", &|r| {
        format!("{:.2} / {:.2}", r.imbalance.connections, r.imbalance.cpu)
    });
    row("broker messages", &|r| r.broker_messages.to_string());
    row("events generated", &|r| r.ledger.generated.to_string());
    row("events delivered", &|r| r.ledger.delivered.to_string());
    row("events lost", &|r| r.ledger.lost.to_string());
    row("events in flight", &|r| r.ledger.in_flight.to_string());
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
                &|r| match r.messages.as_ref().and_then(of) {
                    Some(l) => format!("{} / {}", human_ms(l.p50_ms), human_ms(l.p99_ms)),
                    None => "-".to_string(),
                },
            );
        }
        row("messages: bytes up / down", &|r| {
            r.messages.as_ref().map_or("-".to_string(), |m| {
                format!(
                    "{} / {}",
                    human_bytes(m.bytes_up_per_message),
                    human_bytes(m.bytes_down_per_message)
                )
            })
        });
        row("messages: written / lost", &|r| {
            r.messages
                .as_ref()
                .map_or("-".to_string(), |m| format!("{} / {}", m.written, m.lost))
        });
    }
    if results.iter().any(|r| r.history.is_some()) {
        row("history: fetches / old events", &|r| {
            r.history.as_ref().map_or("-".to_string(), |h| {
                format!("{} / {}", h.fetches, h.events_fetched)
            })
        });
        row("history: missed events recovered", &|r| {
            r.history
                .as_ref()
                .map_or("-".to_string(), |h| h.events_recovered.to_string())
        });
        row(
            "history: p50 / p99",
            &|r| match r.history.as_ref().and_then(|h| h.latency.as_ref()) {
                Some(l) => format!("{} / {}", human_ms(l.p50_ms), human_ms(l.p99_ms)),
                None => "-".to_string(),
            },
        );
    }
    if results.iter().any(|r| r.fallback.is_some()) {
        row("clients on fallback", &|r| {
            r.fallback.as_ref().map_or("-".to_string(), |f| {
                let steps: Vec<String> = f
                    .steps
                    .iter()
                    .map(|s| format!("{} {}", s.transport, s.clients))
                    .collect();
                format!(
                    "{} of {} ({})",
                    f.on_fallback,
                    f.on_primary + f.on_fallback,
                    steps.join(", ")
                )
            })
        });
    }
    if results.iter().any(|r| r.webhooks.is_some()) {
        let webhook = |cell: fn(&crate::metrics::WebhookResult) -> String| {
            move |r: &RunResult| r.webhooks.as_ref().map_or("-".to_string(), cell)
        };
        row(
            "webhook: attempts per event",
            &webhook(|w| format!("{:.2}", w.attempts_per_delivery)),
        );
        row(
            "webhook: latest delivering attempt",
            &webhook(|w| w.delivering_attempt_max.to_string()),
        );
        row(
            "webhook: acknowledged p50 / p99",
            &webhook(|w| match &w.acknowledged {
                Some(l) => format!("{} / {}", human_ms(l.p50_ms), human_ms(l.p99_ms)),
                None => "-".to_string(),
            }),
        );
        row(
            "webhook: duplicates",
            &webhook(|w| format!("{} ({:.1}%)", w.duplicates, w.duplicate_share * 100.0)),
        );
        row(
            "webhook: timeouts / refused or reset",
            &webhook(|w| format!("{} / {}", w.timeouts, w.refusals + w.resets)),
        );
        row("webhook: given up", &webhook(|w| w.given_up.to_string()));
    }
    if results.iter().any(|r| !r.faults.is_empty()) {
        let each = |r: &RunResult, cell: &dyn Fn(&crate::metrics::FaultResult) -> String| {
            r.faults.iter().map(cell).collect::<Vec<_>>().join(" / ")
        };
        row("fault: clients back (99%)", &|r| {
            each(r, &|f| match f.recovered_after_s {
                Some(s) => format!("{s:.1} s"),
                None => format!("never ({} of {})", f.clients_recovered, f.clients_affected),
            })
        });
        row("fault: peak new conn/s", &|r| {
            each(r, &|f| f.peak_new_connections_per_s.to_string())
        });
        row("fault: CPU-saturated s", &|r| {
            each(r, &|f| f.seconds_cpu_saturated.to_string())
        });
        row("reconnects", &|r| r.totals.reconnects.to_string());
    }
    if results.iter().any(|r| !r.energy.is_empty()) {
        // With several groups on radios, each value is named by its group.
        let each = |r: &RunResult, value: &dyn Fn(&crate::metrics::GroupEnergy) -> String| {
            r.energy
                .iter()
                .map(|g| {
                    if r.energy.len() > 1 {
                        format!("{} {}", g.group, value(g))
                    } else {
                        value(g)
                    }
                })
                .collect::<Vec<_>>()
                .join(" / ")
        };
        row("radio energy/client/h", &|r| {
            each(r, &|g| format!("{:.0} J", g.joules_per_client_hour))
        });
        row("radio high-power time", &|r| {
            each(r, &|g| format!("{:.1}%", g.high_power_share * 100.0))
        });
    }
    rows
}

/// A plain-text table for the terminal.
pub fn text_table(results: &[RunResult]) -> String {
    let rows = comparison_rows(results);
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
    let rows = comparison_rows(results);
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
