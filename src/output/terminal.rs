//! Search results for a person at a terminal.
//!
//! ```text
//! 1. 青田县 · 2024 · review · 学前教育, 义务教育
//!    青田县教育局2024年工作总结和2025年工作思路.txt:5 ¶5 · 一、2024年工作总结 › (二)优质资源供给更加充分
//!    …新增义务教育学位1080个、【学前教育】学位1350个。…
//! ```
//!
//! Matches are bold red on a colour terminal (as in ripgrep) and wrapped in
//! 【】 otherwise, so they survive a pipe or a paste into a document.

use crate::corpus::record::{Dimension, Kind, Place, Years};
use crate::search::results::ReadingCount;
use crate::search::{FacetCounts, Grouped, Hit, MatchKind, SearchSummary};
use std::io::{self, Write};

const RESET: &str = "\x1b[0m";
const BOLD: &str = "\x1b[1m";
const DIM: &str = "\x1b[2m";
const MATCH: &str = "\x1b[1;31m";
const PATH: &str = "\x1b[35m";
const LINE: &str = "\x1b[32m";
const TAGS: &str = "\x1b[36m";
const PARTIAL: &str = "\x1b[33m";

/// Styling helper: wraps text in an ANSI style when colour is on.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub color: bool,
}

impl Style {
    fn paint(&self, style: &str, text: &str) -> String {
        if self.color {
            format!("{style}{text}{RESET}")
        } else {
            text.to_string()
        }
    }
}

/// How a hit names its place: the most specific tag known.
pub fn place_label(place: &Place) -> String {
    place.label().unwrap_or("—").to_string()
}

/// A year, or a span of years, for display.
pub fn year_label(years: Option<&Years>) -> String {
    years.map_or_else(|| "—".to_string(), Years::label)
}

/// Render a snippet with its highlights.
pub fn render_snippet(text: &str, highlights: &[(usize, usize)], color: bool) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + highlights.len() * 12);
    let mut at = 0;
    for &(start, end) in highlights {
        let (start, end) = (start.min(chars.len()), end.min(chars.len()));
        if start < at || start >= end {
            continue;
        }
        out.extend(&chars[at..start]);
        let matched: String = chars[start..end].iter().collect();
        if color {
            out.push_str(MATCH);
            out.push_str(&matched);
            out.push_str(RESET);
        } else {
            out.push('【');
            out.push_str(&matched);
            out.push('】');
        }
        at = end;
    }
    out.extend(&chars[at..]);
    out
}

/// One hit: rank and tags (or a group's header), location and headings,
/// snippet, copies.
fn write_hit(out: &mut dyn Write, hit: &Hit, style: &Style, group: Option<&str>) -> io::Result<()> {
    let (p, t) = (&hit.record.paragraph, &hit.record.tags);
    let mut tags = vec![place_label(&t.place), year_label(t.years.as_ref())];
    if t.kind != Kind::Other {
        tags.push(t.kind.name().to_string());
    }
    if !t.themes.is_empty() {
        tags.push(t.themes.join(", "));
    }
    if let Some(group) = group {
        write!(
            out,
            "{} {}",
            style.paint(BOLD, &format!("{}.", hit.rank)),
            style.paint(BOLD, group)
        )?;
        write!(out, "  {}", style.paint(TAGS, &tags.join(" · ")))?;
    } else {
        write!(
            out,
            "{} {}",
            style.paint(BOLD, &format!("{}.", hit.rank)),
            style.paint(TAGS, &tags.join(" · "))
        )?;
    }
    let note = match hit.match_kind {
        MatchKind::Phrase => None,
        MatchKind::Words => Some("  (every word)".to_string()),
        MatchKind::Related => Some(format!("  (related: {})", hit.matched_terms.join(", "))),
        MatchKind::Partial => Some(format!("  (partial: has {})", hit.matched_terms.join(", "))),
    };
    if let Some(note) = note {
        write!(out, "{}", style.paint(PARTIAL, &note))?;
    }
    writeln!(out)?;
    let indent = " ".repeat(format!("{}.", hit.rank).chars().count() + 1);
    let place = match p.page {
        Some(page) => format!(":{}", style.paint(LINE, &format!("p{page}"))),
        None if p.line == 0 => String::new(),
        None => format!(":{}", style.paint(LINE, &p.line.to_string())),
    };
    write!(
        out,
        "{indent}{}{place} ¶{}",
        style.paint(PATH, &p.file),
        p.number
    )?;
    if !p.headings.is_empty() {
        write!(out, " · {}", style.paint(DIM, &p.heading_path()))?;
    }
    writeln!(out)?;
    writeln!(
        out,
        "{indent}{}",
        render_snippet(&hit.snippet.text, &hit.snippet.highlights, style.color)
    )?;
    if !hit.copies.is_empty() {
        let shown: Vec<String> = hit
            .copies
            .iter()
            .take(3)
            .map(|c| c.paragraph.location())
            .collect();
        let more = hit.copies.len().saturating_sub(3);
        let tail = if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        };
        let note = format!(
            "+ {} near-identical: {}{tail}",
            hit.copies.len(),
            shown.join(", ")
        );
        writeln!(out, "{indent}{}", style.paint(DIM, &note))?;
    }
    Ok(())
}

/// Prints hits as they come, then the facets and the summary line.
pub struct HitPrinter<'w> {
    out: &'w mut dyn Write,
    style: Style,
    facet_limit: usize,
    first_rank: Option<usize>,
    last_rank: usize,
}

impl<'w> HitPrinter<'w> {
    pub fn new(out: &'w mut dyn Write, color: bool, facet_limit: usize) -> Self {
        HitPrinter {
            out,
            style: Style { color },
            facet_limit,
            first_rank: None,
            last_rank: 0,
        }
    }

    pub fn hit(&mut self, hit: &Hit) -> io::Result<()> {
        if self.first_rank.is_some() {
            writeln!(self.out)?;
        }
        self.first_rank.get_or_insert(hit.rank);
        self.last_rank = hit.rank;
        write_hit(self.out, hit, &self.style, None)
    }

    pub fn finish(&mut self, summary: &SearchSummary) -> io::Result<()> {
        let out = &mut *self.out;
        let style = &self.style;
        if let Some(facets) = &summary.facets {
            if self.first_rank.is_some() {
                writeln!(out)?;
            }
            print_facets(out, facets, summary.total, self.facet_limit, style)?;
        }
        if self.first_rank.is_some() || summary.facets.is_some() {
            writeln!(out)?;
        }
        let mut line = if summary.total == 0 && !summary.readings.is_empty() {
            format!("{}: no exact match", summary.terms.join(" "))
        } else {
            paragraphs_match(summary.total)
        };
        for reading in summary.readings.iter().filter(|r| r.total != Some(0)) {
            line.push_str(" · ");
            line.push_str(&describe_reading(reading));
        }
        if let Some(first) = self.first_rank {
            line.push_str(&format!(" · showing {first}–{}", self.last_rank));
        }
        line.push_str(&format!(" · {:.1} ms", summary.took.as_secs_f64() * 1000.0));
        writeln!(out, "{}", style.paint(DIM, &line))
    }
}

/// "8 paragraphs with 学前教育 and 普惠", "3 with a related term", …
fn describe_reading(reading: &ReadingCount) -> String {
    let paragraphs = match reading.total {
        Some(n) => format!("{n} paragraph{}", if n == 1 { "" } else { "s" }),
        None => "more".to_string(),
    };
    match reading.kind {
        MatchKind::Words => format!("{paragraphs} with {}", reading.words.join(" and ")),
        MatchKind::Related => format!("{paragraphs} with a related term"),
        MatchKind::Partial => format!("{paragraphs} with some of {}", reading.words.join(", ")),
        MatchKind::Phrase => paragraphs,
    }
}

fn paragraphs_match(total: u64) -> String {
    format!(
        "{total} paragraph{} match{}",
        if total == 1 { "" } else { "s" },
        if total == 1 { "es" } else { "" }
    )
}

/// Print grouped hits: each group's value and count, then its best hit.
pub fn print_groups(out: &mut dyn Write, grouped: &Grouped, color: bool) -> io::Result<()> {
    let style = Style { color };
    for (i, group) in grouped.groups.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        let header = format!(
            "{} · {} paragraph{}",
            group.value,
            group.count,
            if group.count == 1 { "" } else { "s" }
        );
        write_hit(out, &group.best, &style, Some(&header))?;
    }
    if !grouped.groups.is_empty() {
        writeln!(out)?;
    }
    let mut line = format!(
        "{} in {} {}{}",
        paragraphs_match(grouped.total),
        grouped.group_count,
        grouped.by.name(),
        if grouped.group_count == 1 { "" } else { "s" }
    );
    if let (Some(first), Some(last)) = (grouped.groups.first(), grouped.groups.last()) {
        line.push_str(&format!(
            " · showing {}–{}",
            first.best.rank, last.best.rank
        ));
    }
    line.push_str(&format!(" · {:.1} ms", grouped.took.as_secs_f64() * 1000.0));
    writeln!(out, "{}", style.paint(DIM, &line))
}

/// Facet counts: per dimension, its `limit` most frequent values (years in
/// year order), and how many more there are.
fn print_facets(
    out: &mut dyn Write,
    facets: &FacetCounts,
    total: u64,
    limit: usize,
    style: &Style,
) -> io::Result<()> {
    let heading = if total == 1 {
        "counts over the 1 paragraph that matches".to_string()
    } else {
        format!("counts over the {total} paragraphs that match")
    };
    writeln!(out, "{}", style.paint(BOLD, &heading))?;
    for dim in facets.dimensions() {
        let mut values = facets.buckets(dim);
        let all = values.len();
        values.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        values.truncate(limit.max(1));
        if dim == Dimension::Year {
            // Years read best in order; "(none)" stays last.
            values.sort_by(|a, b| {
                (a.0 == crate::search::NONE_BUCKET, &a.0)
                    .cmp(&(b.0 == crate::search::NONE_BUCKET, &b.0))
            });
        }
        let mut body = if values.is_empty() {
            "—".to_string()
        } else {
            values
                .iter()
                .map(|(k, c)| format!("{k} {c}"))
                .collect::<Vec<_>>()
                .join(" · ")
        };
        if all > values.len() {
            body.push_str(&format!(" · +{} more", all - values.len()));
        }
        writeln!(out, "  {:<9}{}", style.paint(TAGS, dim.name()), body)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels() {
        let place = |county: Option<&str>, city: Option<&str>| Place {
            county: county.map(str::to_string),
            city: city.map(str::to_string),
            province: Some("浙江省".into()),
        };
        assert_eq!(
            place_label(&place(Some("青田县"), Some("丽水市"))),
            "青田县"
        );
        assert_eq!(place_label(&place(None, Some("台州市"))), "台州市");
        assert_eq!(place_label(&Place::default()), "—");
        let span = Years {
            year: 2020,
            from: 2016,
            to: 2020,
        };
        assert_eq!(year_label(Some(&span)), "2016–2020");
        assert_eq!(year_label(Some(&Years::single(2024))), "2024");
        assert_eq!(year_label(None), "—");
    }

    #[test]
    fn snippet_rendering_plain_and_coloured() {
        assert_eq!(
            render_snippet("学前教育学位", &[(0, 4)], false),
            "【学前教育】学位"
        );
        assert_eq!(
            render_snippet("教育", &[(0, 2)], true),
            format!("{MATCH}教育{RESET}")
        );
        // Out-of-order or out-of-range highlights are ignored, never a panic.
        assert_eq!(render_snippet("教育", &[(1, 9), (0, 1)], false), "教【育】");
    }
}
