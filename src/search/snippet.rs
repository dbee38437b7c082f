//! Snippets: a window of about 100 characters around the best match, with
//! every match in it highlighted.
//!
//! Written here rather than taken from tantivy's `SnippetGenerator`, which
//! works from tokenizer offsets: with search-mode tokens those overlap and
//! its HTML rendering panicked on real report text. Here matches come from
//! the same normalised substring search that defines a hit, positions are
//! counted in characters (never bytes, so no highlight can cut a character),
//! and overlapping or adjacent matches are merged into one highlight.

use crate::analysis::normalize::{MappedText, normalize, normalize_char};
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
    merge(
        occurrences(text, literals)
            .into_iter()
            .map(|o| (o.start, o.end))
            .collect(),
    )
}

/// One occurrence of a literal: its character range in the original text,
/// and which literal it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Occurrence {
    start: usize,
    end: usize,
    literal: usize,
}

/// Every occurrence of every literal (overlapping ones included), sorted
/// by start.
fn occurrences(text: &str, literals: &[String]) -> Vec<Occurrence> {
    let mut found = if is_char_aligned(text) {
        // Normalising maps each character to one character: positions in
        // the normal form are positions in the text.
        direct_occurrences(&normalize(text), literals)
    } else {
        let mapped = MappedText::new(text);
        let mut found = Vec::new();
        for (literal, needle) in literals.iter().enumerate() {
            let needle: Vec<char> = needle.chars().collect();
            if needle.is_empty() {
                continue;
            }
            for start in mapped.find_all(&needle) {
                found.push(Occurrence {
                    start: mapped.orig_char[start],
                    end: mapped.orig_char[start + needle.len() - 1] + 1,
                    literal,
                });
            }
        }
        found
    };
    found.sort_unstable_by_key(|o| (o.start, o.end));
    found
}

/// Does normalising `text` map each of its characters to exactly one
/// (no zero-width characters dropped, no whitespace runs collapsed)? Most
/// paragraphs qualify, and are searched in their normal form directly,
/// without a character map.
fn is_char_aligned(text: &str) -> bool {
    let mut previous_space = false;
    text.chars().all(|c| {
        let Some(n) = normalize_char(c) else {
            return false;
        };
        let aligned = !(n == ' ' && previous_space);
        previous_space = n == ' ';
        aligned
    })
}

/// The occurrences in a text that is already normalised.
fn direct_occurrences(text: &str, literals: &[String]) -> Vec<Occurrence> {
    let mut bytes = Vec::new();
    for (literal, needle) in literals.iter().enumerate() {
        if needle.is_empty() {
            continue;
        }
        // Every start, overlapping ones too ("哈哈" twice in "哈哈哈").
        let mut from = 0;
        while let Some(found) = text[from..].find(needle.as_str()) {
            let start = from + found;
            bytes.push((start, start + needle.len(), literal));
            from = start + text[start..].chars().next().map_or(1, char::len_utf8);
        }
    }
    if bytes.is_empty() {
        return Vec::new();
    }
    // Byte offsets to character offsets, in one pass over the text.
    let mut boundaries: Vec<usize> = bytes.iter().flat_map(|&(a, b, _)| [a, b]).collect();
    boundaries.sort_unstable();
    boundaries.dedup();
    let mut chars_at = Vec::with_capacity(boundaries.len());
    let mut next = 0;
    let ends = text
        .char_indices()
        .map(|(b, _)| b)
        .chain(std::iter::once(text.len()));
    for (index, byte) in ends.enumerate() {
        while next < boundaries.len() && boundaries[next] == byte {
            chars_at.push(index);
            next += 1;
        }
    }
    let char_of = |byte: usize| {
        boundaries
            .binary_search(&byte)
            .ok()
            .and_then(|i| chars_at.get(i).copied())
    };
    bytes
        .into_iter()
        .filter_map(|(a, b, literal)| {
            Some(Occurrence {
                start: char_of(a)?,
                end: char_of(b)?,
                literal,
            })
        })
        .collect()
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
/// that holds the most distinct literals (then the most matches): a query
/// of several terms shows as many of them as fit.
pub fn make_snippet(text: &str, literals: &[String], width: usize) -> Snippet {
    let width = width.max(1);
    let found = occurrences(text, literals);
    let ranges = merge(found.iter().map(|o| (o.start, o.end)).collect());
    let char_count = text.chars().count();
    if char_count <= width {
        return Snippet {
            text: text.to_string(),
            highlights: ranges,
        };
    }
    let start = best_window(&found, literals.len(), char_count, width);
    let mut end = (start + width).min(char_count);
    let mut start = start;
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
    let byte_at = |char_index: usize| {
        text.char_indices()
            .nth(char_index)
            .map_or(text.len(), |(b, _)| b)
    };
    let (from, to) = (byte_at(start), byte_at(end));
    let mut out = String::with_capacity(to - from + 6);
    let mut offset = start;
    if start > 0 {
        out.push(ELLIPSIS);
        // Highlights shift by the ellipsis the snippet now starts with.
        offset = start - 1;
    }
    out.push_str(&text[from..to]);
    if end < char_count {
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

/// The start of the window of `width` characters that holds the most
/// distinct literals, then the most occurrences; each candidate window
/// starts a little before an occurrence.
fn best_window(found: &[Occurrence], literals: usize, char_count: usize, width: usize) -> usize {
    let context = width / 5;
    let mut best: Option<(usize, usize, usize)> = None; // (distinct, matches, start)
    let mut seen = vec![0u32; literals.max(1)];
    let mut left = 0;
    for occurrence in found {
        let start = occurrence
            .start
            .saturating_sub(context)
            .min(char_count - width);
        let end = start + width;
        while left < found.len() && found[left].start < start {
            left += 1;
        }
        seen.iter_mut().for_each(|n| *n = 0);
        let (mut distinct, mut matches) = (0, 0);
        for o in found[left..].iter().take_while(|o| o.start < end) {
            if o.end <= end {
                matches += 1;
                if seen[o.literal] == 0 {
                    distinct += 1;
                }
                seen[o.literal] += 1;
            }
        }
        if best.is_none_or(|(d, m, _)| (distinct, matches) > (d, m)) {
            best = Some((distinct, matches, start));
        }
    }
    best.map_or(0, |(_, _, start)| start)
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
    fn the_direct_path_agrees_with_the_character_map() {
        for (text, literal) in [
            ("学前教育和义务教育", "教育"),
            ("哈哈哈", "哈哈"),
            ("a c9 高校", "c9"),
            ("录取c9高校", "c9高"),
            ("甲乙", "丙"),
        ] {
            assert!(is_char_aligned(text), "{text}");
            let literals = lits(&[literal]);
            let mapped = MappedText::new(text);
            let needle: Vec<char> = literal.chars().collect();
            let expected: Vec<(usize, usize)> = mapped
                .find_all(&needle)
                .into_iter()
                .map(|s| {
                    (
                        mapped.orig_char[s],
                        mapped.orig_char[s + needle.len() - 1] + 1,
                    )
                })
                .collect();
            let direct: Vec<(usize, usize)> = direct_occurrences(text, &literals)
                .into_iter()
                .map(|o| (o.start, o.end))
                .collect();
            assert_eq!(direct, expected, "{text} {literal}");
        }
        assert!(is_char_aligned("Ｃ９，教育"));
        assert!(!is_char_aligned("a  b"));
        assert!(!is_char_aligned("双\u{200B}减"));
        // Through the normal form, full-width text is found by half-width
        // terms at the same character positions.
        assert_eq!(match_ranges("录取Ｃ９高校", &lits(&["c9"])), vec![(2, 4)]);
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
