//! Rendering trends: a bar chart for the terminal, JSON lines for scripts.
//!
//! ```text
//! 双减 by year · 37 paragraphs match
//! 2020  ▏                                           0     0.0 ‰
//! 2021  ██████████████▌                            12    14.2 ‰
//! ```
//!
//! Bars are proportional to the number of matching paragraphs, drawn with
//! eighth-blocks; the last column is matches per 1,000 paragraphs of the
//! bucket.

use crate::corpus::record::Dimension;
use crate::search::trend::{Bucket, Trend};
use serde::Serialize;
use std::io::{self, Write};

const BAR_WIDTH: usize = 40;
const EIGHTHS: [char; 8] = [' ', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

/// A bar of `value / max` of [`BAR_WIDTH`] cells.
pub fn bar(value: u64, max: u64) -> String {
    if max == 0 {
        return " ".repeat(BAR_WIDTH);
    }
    let eighths = (value as f64 / max as f64 * (BAR_WIDTH * 8) as f64).round() as usize;
    let mut out = "█".repeat(eighths / 8);
    if !eighths.is_multiple_of(8) {
        out.push(EIGHTHS[eighths % 8]);
    } else if value > 0 && eighths == 0 {
        out.push('▏');
    }
    let used = out.chars().count();
    out.push_str(&" ".repeat(BAR_WIDTH.saturating_sub(used)));
    out
}

/// Display width of a label (CJK characters take two columns).
fn width(label: &str) -> usize {
    label
        .chars()
        .map(|c| if (c as u32) >= 0x1100 { 2 } else { 1 })
        .sum()
}

/// Print a trend as a bar chart.
pub fn print_text(out: &mut dyn Write, trend: &Trend, query: &str) -> io::Result<()> {
    writeln!(
        out,
        "{query} by {} · {} paragraph{} match",
        trend.by.name(),
        trend.total,
        if trend.total == 1 { "" } else { "s" }
    )?;
    let max = trend.buckets.iter().map(|b| b.hits).max().unwrap_or(0);
    let label_width = trend
        .buckets
        .iter()
        .map(|b| width(&b.label))
        .max()
        .unwrap_or(4);
    for b in &trend.buckets {
        let pad = " ".repeat(label_width - width(&b.label));
        writeln!(
            out,
            "{}{pad}  {} {:>6}  {:>7.1} ‰ of {}",
            b.label,
            bar(b.hits, max),
            b.hits,
            b.per_thousand,
            b.paragraphs
        )?;
    }
    if trend.by.is_multi_valued() {
        writeln!(out, "(a paragraph with several themes counts under each)")?;
    }
    Ok(())
}

#[derive(Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
enum Line<'a> {
    Bucket {
        by: &'static str,
        label: &'a str,
        hits: u64,
        paragraphs: u64,
        per_thousand: f64,
    },
    Summary {
        by: &'static str,
        total: u64,
        terms: &'a [String],
        buckets: usize,
    },
}

fn bucket_line(by: Dimension, b: &Bucket) -> Line<'_> {
    Line::Bucket {
        by: by.name(),
        label: &b.label,
        hits: b.hits,
        paragraphs: b.paragraphs,
        per_thousand: (b.per_thousand * 100.0).round() / 100.0,
    }
}

/// Print a trend as JSON lines: one `bucket` per bar, then a `summary`.
pub fn print_json(out: &mut dyn Write, trend: &Trend) -> io::Result<()> {
    for b in &trend.buckets {
        super::json::write_line(out, &bucket_line(trend.by, b))?;
    }
    super::json::write_line(
        out,
        &Line::Summary {
            by: trend.by.name(),
            total: trend.total,
            terms: &trend.terms,
            buckets: trend.buckets.len(),
        },
    )
}

/// Print in the format asked for (JSON lines, or text).
pub fn print(out: &mut dyn Write, value: &Trend, query: &str, json: bool) -> io::Result<()> {
    if json {
        print_json(out, value)
    } else {
        print_text(out, value, query)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_maximum() {
        assert_eq!(bar(10, 10).trim_end().chars().count(), BAR_WIDTH);
        assert_eq!(bar(0, 10).trim_end(), "");
        assert_eq!(bar(5, 10).trim_end(), "█".repeat(BAR_WIDTH / 2));
        // A non-zero value always shows.
        assert_eq!(bar(1, 100_000).trim_end(), "▏");
        assert_eq!(bar(3, 0).chars().count(), BAR_WIDTH);
    }
}
