//! Rendering `baogao bench`: a table for people, JSON lines for CI.

use crate::search::bench::{BenchReport, Percentiles};
use serde::Serialize;
use std::io::{self, Write};
use std::time::Duration;

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn width(s: &str) -> usize {
    s.chars()
        .map(|c| if (c as u32) >= 0x1100 { 2 } else { 1 })
        .sum()
}

/// Print a latency table.
pub fn print_text(out: &mut dyn Write, report: &BenchReport) -> io::Result<()> {
    let shown = |q: &str| -> String {
        let mut s: String = q.chars().take(24).collect();
        if q.chars().count() > 24 {
            s.push('…');
        }
        s
    };
    let label_width = report
        .per_query
        .iter()
        .map(|r| width(&shown(&r.query.query)) + if r.query.facets { 9 } else { 0 })
        .max()
        .unwrap_or(5)
        .max(5);
    writeln!(
        out,
        "{:<12} {:<w$} {:>8} {:>9} {:>9} {:>9} {:>9}",
        "class",
        "query",
        "hits",
        "p50 ms",
        "p90 ms",
        "p99 ms",
        "max ms",
        w = label_width
    )?;
    for r in &report.per_query {
        let mut label = shown(&r.query.query);
        if r.query.facets {
            label.push_str(" +facets");
        }
        let pad = " ".repeat(label_width.saturating_sub(width(&label)));
        match &r.error {
            Some(e) => writeln!(out, "{:<12} {label}{pad} error: {e}", r.query.class)?,
            None => {
                let l = &r.latency;
                writeln!(
                    out,
                    "{:<12} {label}{pad} {:>8} {:>9.3} {:>9.3} {:>9.3} {:>9.3}",
                    r.query.class,
                    r.hits,
                    ms(l.p50),
                    ms(l.p90),
                    ms(l.p99),
                    ms(l.max)
                )?;
            }
        }
    }
    let o: &Percentiles = &report.overall;
    writeln!(
        out,
        "overall: {} searches · p50 {:.3} ms · p90 {:.3} ms · p99 {:.3} ms · max {:.3} ms · {:.0} queries/s on {} thread{}{}",
        report.measured,
        ms(o.p50),
        ms(o.p90),
        ms(o.p99),
        ms(o.max),
        report.queries_per_second,
        report.options.threads,
        if report.options.threads == 1 { "" } else { "s" },
        match (report.options.exhaustive, report.options.split) {
            (false, true) => "",
            (true, true) => " · exhaustive",
            (false, false) => " · segments unsplit",
            (true, false) => " · exhaustive · segments unsplit",
        }
    )
}

/// Latency percentiles in milliseconds, to the microsecond.
#[derive(Serialize)]
struct LatencyJson {
    p50_ms: f64,
    p90_ms: f64,
    p99_ms: f64,
    max_ms: f64,
    mean_ms: f64,
}

impl From<&Percentiles> for LatencyJson {
    fn from(l: &Percentiles) -> Self {
        let r = |d: Duration| (ms(d) * 1000.0).round() / 1000.0;
        LatencyJson {
            p50_ms: r(l.p50),
            p90_ms: r(l.p90),
            p99_ms: r(l.p99),
            max_ms: r(l.max),
            mean_ms: r(l.mean),
        }
    }
}

#[derive(Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
enum Line<'a> {
    Query {
        class: &'a str,
        query: &'a str,
        facets: bool,
        hits: u64,
        #[serde(skip_serializing_if = "Option::is_none")]
        latency: Option<LatencyJson>,
        #[serde(skip_serializing_if = "Option::is_none")]
        error: Option<&'a str>,
    },
    Summary {
        searches: usize,
        latency: LatencyJson,
        queries_per_second: f64,
        runs: usize,
        warmup: usize,
        threads: usize,
        /// Every hit scored, no top-k pruning (`--exhaustive`).
        exhaustive: bool,
        /// Slow segments split across cores (false with `--no-split`).
        split: bool,
        errors: usize,
    },
}

/// Print one `query` line per query and a `summary`.
pub fn print_json(out: &mut dyn Write, report: &BenchReport) -> io::Result<()> {
    for r in &report.per_query {
        let line = Line::Query {
            class: &r.query.class,
            query: &r.query.query,
            facets: r.query.facets,
            hits: r.hits,
            latency: r.error.is_none().then(|| LatencyJson::from(&r.latency)),
            error: r.error.as_deref(),
        };
        super::json::write_line(out, &line)?;
    }
    super::json::write_line(
        out,
        &Line::Summary {
            searches: report.measured,
            latency: LatencyJson::from(&report.overall),
            queries_per_second: (report.queries_per_second * 10.0).round() / 10.0,
            runs: report.options.runs,
            warmup: report.options.warmup,
            threads: report.options.threads,
            exhaustive: report.options.exhaustive,
            split: report.options.split,
            errors: report
                .per_query
                .iter()
                .filter(|r| r.error.is_some())
                .count(),
        },
    )
}

/// Print in the format asked for (JSON lines, or text).
pub fn print(out: &mut dyn Write, value: &BenchReport, json: bool) -> io::Result<()> {
    if json {
        print_json(out, value)
    } else {
        print_text(out, value)
    }
}
