//! Snippets: a window of about 100 characters around the best match, with
//! every match in it highlighted.
//!
//! Written here rather than taken from tantivy's `SnippetGenerator`, which
//! works from tokenizer offsets: with search-mode tokens those overlap and
//! its HTML rendering panicked on real report text. Here matches come from
//! the same normalised substring search that defines a hit, positions are
//! counted in characters (never bytes, so no highlight can cut a character),
//! and overlapping or adjacent matches are merged into one highlight.

use crate::analysis::normalize::MappedText;
use serde::Serialize;

/// Default snippet width in characters.
pub const SNIPPET_CHARS: usize = 100;
/// The marker for text cut off at either end.
pub const ELLIPSIS: char = '…';

/// A snippet and its highlights, as character ranges `[start, end)` into
/// `text` (ellipses included in the count). In JSON: `snippet` and
/// `highlights`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Snippet {
    #[serde(rename = "snippet")]
    pub text: String,
    pub highlights: Vec<(usize, usize)>,
}

/// Where the literals occur in `text`: sorted, merged character ranges of
/// the original text.
pub fn match_ranges(text: &str, literals: &[String]) -> Vec<(usize, usize)> {
    let mapped = MappedText::new(text);
    let mut ranges = Vec::new();
    for literal in literals {
        let needle: Vec<char> = literal.chars().collect();
        if needle.is_empty() {
            continue;
        }
        for start in mapped.find_all(&needle) {
            let end = start + needle.len();
            let orig_start = mapped.orig_char[start];
            let orig_end = mapped.orig_char[end - 1] + 1;
            ranges.push((orig_start, orig_end));
        }
    }
    merge(ranges)
}

fn merge(mut ranges: Vec<(usize, usize)>) -> Vec<(usize, usize)> {
    ranges.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::with_capacity(ranges.len());
    for (start, end) in ranges {
        match merged.last_mut() {
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => merged.push((start, end)),
        }
    }
    merged
}

/// Which literals occur in `text` (for marking partial hits).
pub fn literals_present<'a>(text: &str, literals: &'a [String]) -> Vec<&'a str> {
    let normalized = crate::analysis::normalize::normalize(text);
    literals
        .iter()
        .filter(|l| normalized.contains(l.as_str()))
        .map(String::as_str)
        .collect()
}

/// Build a snippet of about `width` characters of `text` around the window
/// that holds the most distinct literals (then the most matches).
pub fn make_snippet(text: &str, literals: &[String], width: usize) -> Snippet {
    let chars: Vec<char> = text.chars().collect();
    let width = width.max(1);
    let ranges = match_ranges(text, literals);
    if chars.len() <= width {
        return Snippet {
            text: text.to_string(),
            highlights: ranges,
        };
    }
    // Which literal each range came from is not tracked after merging, so
    // "distinct" is approximated by the distinct matched strings.
    let context = width / 5;
    let mut best = (0usize, 0usize, 0usize); // (distinct, matches, start)
    let mut first = true;
    for &(match_start, _) in &ranges {
        let start = match_start.saturating_sub(context).min(chars.len() - width);
        let end = start + width;
        let inside: Vec<&(usize, usize)> = ranges
            .iter()
            .filter(|(s, e)| *s >= start && *e <= end)
            .collect();
        let mut distinct: Vec<String> = inside
            .iter()
            .map(|(s, e)| chars[*s..*e].iter().collect::<String>())
            .collect();
        distinct.sort();
        distinct.dedup();
        let score = (distinct.len(), inside.len());
        if first || score > (best.0, best.1) {
            best = (score.0, score.1, start);
            first = false;
        }
    }
    let mut start = if first { 0 } else { best.2 };
    let mut end = (start + width).min(chars.len());
    // Never cut a highlight: widen the window over a match that straddles
    // either edge.
    for &(s, e) in &ranges {
        if s < start && e > start {
            start = s;
        }
        if s < end && e > end {
            end = e;
        }
    }
    let mut out = String::with_capacity((end - start) * 3 + 6);
    let mut offset = start;
    if start > 0 {
        out.push(ELLIPSIS);
        // Highlights shift by the ellipsis the snippet now starts with.
        offset = start - 1;
    }
    out.extend(&chars[start..end]);
    if end < chars.len() {
        out.push(ELLIPSIS);
    }
    let highlights = ranges
        .into_iter()
        .filter(|(s, e)| *s >= start && *e <= end)
        .map(|(s, e)| (s - offset, e - offset))
        .collect();
    Snippet {
        text: out,
        highlights,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lits(xs: &[&str]) -> Vec<String> {
        xs.iter().map(|s| s.to_string()).collect()
    }

    fn highlighted(s: &Snippet) -> Vec<String> {
        let chars: Vec<char> = s.text.chars().collect();
        s.highlights
            .iter()
            .map(|(a, b)| chars[*a..*b].iter().collect())
            .collect()
    }

    #[test]
    fn short_text_is_whole_with_all_matches() {
        let s = make_snippet("学前教育和义务教育", &lits(&["教育"]), 100);
        assert_eq!(s.text, "学前教育和义务教育");
        assert_eq!(s.highlights, vec![(2, 4), (7, 9)]);
    }

    #[test]
    fn overlapping_matches_merge() {
        // Search-mode tokens overlap; so may literals. One highlight each run.
        let s = make_snippet("人民代表大会", &lits(&["人民代表", "代表大会"]), 100);
        assert_eq!(s.highlights, vec![(0, 6)]);
        let s = make_snippet("哈哈哈", &lits(&["哈哈"]), 100);
        assert_eq!(s.highlights, vec![(0, 3)]);
    }

    #[test]
    fn long_text_windows_around_the_match_with_ellipses() {
        let text = format!("{}双减政策落地{}", "甲".repeat(300), "乙".repeat(300));
        let s = make_snippet(&text, &lits(&["双减"]), 100);
        assert!(s.text.starts_with(ELLIPSIS) && s.text.ends_with(ELLIPSIS));
        assert!(s.text.chars().count() <= 102);
        assert_eq!(highlighted(&s), vec!["双减"]);
    }

    #[test]
    fn window_prefers_the_place_with_most_distinct_terms() {
        let text = format!("双减{}双减和课后服务{}", "甲".repeat(200), "乙".repeat(200));
        let s = make_snippet(&text, &lits(&["双减", "课后服务"]), 60);
        assert_eq!(highlighted(&s), vec!["双减", "课后服务"]);
    }

    #[test]
    fn highlights_map_through_normalisation() {
        // Full-width text matched by a half-width query.
        let s = make_snippet("录取Ｃ９高校", &lits(&["c9"]), 100);
        assert_eq!(highlighted(&s), vec!["Ｃ９"]);
    }

    #[test]
    fn no_match_gives_the_start() {
        let text = "甲".repeat(300);
        let s = make_snippet(&text, &lits(&["乙"]), 50);
        assert_eq!(s.text.chars().count(), 51);
        assert!(s.highlights.is_empty());
    }

    #[test]
    fn a_match_longer_than_the_window_is_kept_whole() {
        let text = format!(
            "{}{}{}",
            "甲".repeat(100),
            "乙".repeat(30),
            "丙".repeat(100)
        );
        let s = make_snippet(&text, &lits(&[&"乙".repeat(30)]), 10);
        assert_eq!(highlighted(&s), vec!["乙".repeat(30)]);
    }
}
