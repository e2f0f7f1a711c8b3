//! The objective of `rtsim capacity`, written `NAME<=VALUE` or `NAME>=VALUE`: a name of
//! `rtsim recommend`'s objectives ([`OBJECTIVES`]), which metric it reads and which way
//! its limit goes, and the value in that objective's unit (`250ms`, `99%`, `2MB`, a plain
//! number of joules or US dollars). It owns reading the text only; judging a figure
//! against it is [`super::meets`].

use crate::recommend::requirements::{Admits, Goal, OBJECTIVES, Objective, objective};
use crate::units::{ByteSize, Duration, Percent};

/// The names [`parse`] accepts, for messages: `latency_p99<=…`, `delivered_share>=…`, ….
pub fn accepted() -> String {
    OBJECTIVES
        .iter()
        .map(|(name, _, admits)| match admits {
            Admits::Min => format!("{name}>=VALUE"),
            _ => format!("{name}<=VALUE"),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Reads `NAME<=VALUE` or `NAME>=VALUE`; the error says what was expected.
pub fn parse(text: &str) -> Result<Objective, String> {
    let (name, op, value) = ["<=", ">="]
        .iter()
        .find_map(|op| {
            text.split_once(op)
                .map(|(name, value)| (name.trim(), *op, value.trim()))
        })
        .ok_or_else(|| {
            format!(
                "`{text}`: expected NAME<=VALUE or NAME>=VALUE, one of {}",
                accepted()
            )
        })?;
    let (name, metric, admits) = objective(name).ok_or_else(|| {
        format!(
            "`{name}` is not an objective: expected one of {}",
            accepted()
        )
    })?;
    let wanted = if admits == Admits::Min { ">=" } else { "<=" };
    if op != wanted {
        return Err(format!(
            "`{text}`: {name} is a {} limit, written `{name}{wanted}VALUE`",
            if admits == Admits::Min {
                "lower"
            } else {
                "upper"
            }
        ));
    }
    let limit = read_value(name, value).map_err(|e| format!("`{text}`: {e}"))?;
    if !limit.is_finite() || limit < 0.0 {
        return Err(format!(
            "`{text}`: the limit must be a finite number of at least 0"
        ));
    }
    Ok(Objective {
        name,
        metric,
        goal: if admits == Admits::Min {
            Goal::Min(limit)
        } else {
            Goal::Max(limit)
        },
        written: format!("{} {value}", if op == "<=" { "≤" } else { "≥" }),
    })
}

/// `value` in the base unit of objective `name`'s metric, read as the requirements file
/// reads it: a duration in nanoseconds, a share as a fraction, a size in bytes, or a plain
/// number.
fn read_value(name: &str, value: &str) -> Result<f64, String> {
    let plain = |value: &str| {
        value
            .parse::<f64>()
            .map_err(|_| format!("expected a plain number, not `{value}`"))
    };
    match name {
        "latency_p99" | "message_latency_p99" => value
            .parse::<Duration>()
            .map(|d| d.0 as f64)
            .map_err(|e| e.to_string()),
        "delivered_share" | "cpu_utilisation" => value
            .parse::<Percent>()
            .map(Percent::fraction)
            .map_err(|e| e.to_string()),
        "bytes_per_client_hour" => value
            .parse::<ByteSize>()
            .map(|b| b.0 as f64)
            .map_err(|e| e.to_string()),
        "energy_per_client_hour" | "monthly_cost" => plain(value),
        _ => unreachable!("every objective of OBJECTIVES has a unit here: {name}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_objective_of_recommend_reads() {
        for (name, metric, admits) in OBJECTIVES {
            let op = if admits == Admits::Min { ">=" } else { "<=" };
            let value = match name {
                "latency_p99" | "message_latency_p99" => "250ms",
                "delivered_share" | "cpu_utilisation" => "99%",
                "bytes_per_client_hour" => "2MB",
                _ => "12.5",
            };
            let o = parse(&format!("{name}{op}{value}")).unwrap();
            assert_eq!((o.name, o.metric), (name, metric));
        }
    }

    #[test]
    fn values_in_their_units() {
        let o = parse("latency_p99<=250ms").unwrap();
        assert_eq!(o.goal, Goal::Max(250e6));
        assert_eq!(o.written, "≤ 250ms");
        assert_eq!(
            parse("delivered_share >= 99.5%").unwrap().goal,
            Goal::Min(0.995)
        );
        assert_eq!(
            parse("bytes_per_client_hour<=2kB").unwrap().goal,
            Goal::Max(2000.0)
        );
    }

    #[test]
    fn bad_objectives_say_what_was_expected() {
        let e = parse("p99<=250ms").unwrap_err();
        assert!(
            e.starts_with("`p99` is not an objective: expected one of latency_p99<=VALUE"),
            "{e}"
        );
        let e = parse("latency_p99=250ms").unwrap_err();
        assert!(e.contains("expected NAME<=VALUE or NAME>=VALUE"), "{e}");
        let e = parse("latency_p99>=250ms").unwrap_err();
        assert!(e.contains("written `latency_p99<=VALUE`"), "{e}");
        let e = parse("latency_p99<=fast").unwrap_err();
        assert!(e.starts_with("`latency_p99<=fast`: "), "{e}");
        let e = parse("monthly_cost<=-3").unwrap_err();
        assert!(e.contains("at least 0"), "{e}");
    }
}
