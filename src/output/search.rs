//! What `baogao search` shows, and how: hits best first (streamed as they
//! are read), the best hit of each group (`--group-by`), paragraphs per
//! report (`-c`) or the reports (`-l`) — as text, JSON lines or CSV.

use super::Format;
use super::csv::{CsvWriter, HIT_COLUMNS};
use super::{json, terminal};
use crate::error::Result;
use crate::search::{Engine, GroupBy, Query, SearchOptions};
use serde::Serialize;
use std::io::Write;

/// Which view of the hit set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// The hits, best first.
    Hits,
    /// The best hit of each group, groups ordered by it.
    Groups(GroupBy),
    /// Matching paragraphs per report, by path (`rg -c`).
    Count,
    /// The reports with a match, by path (`rg -l`).
    Files,
}

/// How to show a search.
#[derive(Debug, Clone, Copy)]
pub struct Presentation {
    pub view: View,
    pub format: Format,
    /// Facet values shown per dimension in text.
    pub facet_limit: usize,
}

#[derive(Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
enum ReportLine<'a> {
    Count { file: &'a str, count: u64 },
    File { file: &'a str },
    Summary { total: u64, files: usize },
}

/// Run a search and print it; returns how many paragraphs matched (the
/// hit set, and the paragraphs with every word of the query).
pub fn run(
    out: &mut dyn Write,
    engine: &Engine,
    query: &Query,
    options: &SearchOptions,
    how: &Presentation,
) -> Result<u64> {
    match how.view {
        View::Hits => hits(out, engine, query, options, how),
        View::Groups(by) => {
            let grouped = engine.groups(query, by, options)?;
            match how.format {
                Format::Text { color } => terminal::print_groups(out, &grouped, color)?,
                Format::Json => json::print_groups(out, &grouped)?,
                Format::Csv => {
                    let mut csv = CsvWriter::new(out, &["group", "group_count"], &HIT_COLUMNS)?;
                    for group in &grouped.groups {
                        csv.group(group)?;
                    }
                    csv.finish()?;
                }
            }
            Ok(grouped.total)
        }
        View::Count | View::Files => {
            let counts = engine.counts_by_report(query)?;
            let total = counts.iter().map(|(_, n)| n).sum();
            let count = how.view == View::Count;
            match how.format {
                Format::Text { .. } => {
                    for (file, n) in &counts {
                        if count {
                            writeln!(out, "{file}:{n}")?;
                        } else {
                            writeln!(out, "{file}")?;
                        }
                    }
                }
                Format::Json => {
                    for (file, n) in &counts {
                        let line = if count {
                            ReportLine::Count { file, count: *n }
                        } else {
                            ReportLine::File { file }
                        };
                        json::write_line(out, &line)?;
                    }
                    let files = counts.len();
                    json::write_line(out, &ReportLine::Summary { total, files })?;
                }
                Format::Csv => {
                    let columns: &[&str] = if count { &["file", "count"] } else { &["file"] };
                    let mut csv = CsvWriter::new(out, &[], columns)?;
                    for (file, n) in &counts {
                        let mut row = vec![file.clone()];
                        if count {
                            row.push(n.to_string());
                        }
                        csv.row(&row)?;
                    }
                    csv.finish()?;
                }
            }
            Ok(total)
        }
    }
}

/// Hits, streamed: each is printed as soon as it is read.
fn hits(
    out: &mut dyn Write,
    engine: &Engine,
    query: &Query,
    options: &SearchOptions,
    how: &Presentation,
) -> Result<u64> {
    match how.format {
        Format::Text { color } => {
            let mut printer = terminal::HitPrinter::new(out, color, how.facet_limit);
            let summary = engine.search_each(query, options, &mut |hit| Ok(printer.hit(&hit)?))?;
            printer.finish(&summary)?;
            Ok(summary.matched())
        }
        Format::Json => {
            let summary =
                engine.search_each(query, options, &mut |hit| Ok(json::print_hit(out, &hit)?))?;
            json::print_summary(out, &summary)?;
            Ok(summary.matched())
        }
        Format::Csv => {
            let mut csv = CsvWriter::new(out, &[], &HIT_COLUMNS)?;
            let summary = engine.search_each(query, options, &mut |hit| Ok(csv.hit(&hit)?))?;
            csv.finish()?;
            Ok(summary.matched())
        }
    }
}
