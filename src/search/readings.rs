//! The other readings of a query, for when it finds fewer paragraphs than
//! a page: what the user more likely meant, each filling the page below the
//! one before, each with its own exact count.
//!
//! * **words**: each term cut into the words of the index's vocabulary,
//!   question and function words dropped, every word required —
//!   学前教育普惠 is read as 学前教育 AND 普惠, 谁可以成为个体工商户 as 成为 AND
//!   个体工商户;
//! * **related**: each word or one of its synonyms (学前教育 OR 幼儿园 …);
//! * **partial**: any of the words.
//!
//! A word that names a place the index has reports of (靖宇县, or 靖宇 when
//! that short name is one county's) is also satisfied by the paragraphs
//! tagged with that place: 靖宇县十三五期间学前教育投入 asks about 靖宇县's
//! reports, whose paragraphs seldom repeat the county's name.
//!
//! A reading's hits exclude those of every reading above it (and of the
//! query itself), so no paragraph is shown twice and the counts add up.
//! The words and related readings are counted exactly; the partial reading
//! — any of the words, often most of the corpus — only fills the page: it
//! is ranked over the jieba words with tantivy's top-k pruning and its
//! candidates checked one by one, not counted.
//! Hits rank by BM25 over the reading's words; when a query has three
//! words or more, words close together rank higher too (a long query is
//! ranked by how well a paragraph matches it, not by how many of its words
//! it has).

use super::plan::Planner;
use super::prepared::{Query, is_stop_word};
use super::query::{Filter, Node};
use super::results::MatchKind;
use crate::corpus::record::Dimension;

/// One reading of a query.
#[derive(Debug, Clone)]
pub struct Reading {
    pub kind: MatchKind,
    /// What its hits match (before those of the readings above are taken
    /// out).
    pub node: Node,
    /// The words that rank and highlight its hits.
    pub words: Vec<String>,
    /// The places its words name, which rank their reports' paragraphs
    /// higher.
    pub places: Vec<Filter>,
}

fn literal(text: &str) -> Node {
    Node::Literal {
        text: text.to_string(),
        position: 0,
    }
}

fn and(mut nodes: Vec<Node>) -> Node {
    if nodes.len() == 1 {
        nodes.pop().unwrap_or_else(|| literal(""))
    } else {
        Node::And(nodes)
    }
}

/// What may follow a short place name to make the full one (青田 → 青田县,
/// 广西 → 广西壮族自治区).
const PLACE_SUFFIXES: &[&str] = &[
    "县",
    "区",
    "市",
    "旗",
    "省",
    "盟",
    "自治县",
    "自治旗",
    "自治州",
    "自治区",
    "地区",
    "林区",
    "特区",
];

/// The place a content word names, when the index holds paragraphs tagged
/// with it: a full name (靖宇县, 温州市, 浙江省), or a short one that only
/// one tagged place completes with a division suffix (靖宇, 温州, 浙江).
/// Only the index's own tag values are consulted, so a query pays nothing
/// for this beyond a term-dictionary lookup per word.
pub fn place_of(planner: &Planner, word: &str) -> Option<Filter> {
    if word.chars().count() < 2 || !word.chars().all(|c| c.is_alphabetic()) {
        return None;
    }
    for dim in [Dimension::County, Dimension::City, Dimension::Province] {
        let field = planner.fields.dimension(dim)?;
        let mut found: Vec<String> = Vec::new();
        for segment in planner.searcher.segment_readers() {
            let Ok(inverted) = segment.inverted_index(field) else {
                continue;
            };
            let Ok(mut stream) = inverted.terms().range().ge(word.as_bytes()).into_stream() else {
                continue;
            };
            while stream.advance() {
                let Ok(value) = std::str::from_utf8(stream.key()) else {
                    continue;
                };
                let Some(rest) = value.strip_prefix(word) else {
                    break;
                };
                let completes = rest.is_empty()
                    || PLACE_SUFFIXES
                        .iter()
                        .any(|s| rest.ends_with(s) && rest.chars().count() <= 6);
                if completes && !found.iter().any(|f| f == value) {
                    found.push(value.to_string());
                }
            }
        }
        // The word itself, when it is a full name, wins over longer ones.
        if found.iter().any(|f| f == word) {
            return Some(Filter::Equals(dim, word.to_string()));
        }
        match found.as_slice() {
            [one] => return Some(Filter::Equals(dim, one.clone())),
            [] => continue,
            _ => return None,
        }
    }
    None
}

/// A word as a node: the word, or — for a place — the word or its tag.
fn word_node(word: &str, place: Option<&Filter>) -> Node {
    match place {
        Some(filter) => Node::Or(vec![literal(word), Node::Filter(filter.clone())]),
        None => literal(word),
    }
}

/// The content words of a term: its vocabulary words without question and
/// function words or punctuation. Characters no vocabulary word covers are
/// kept together as they stand (量子计算机, with 量子 unknown to the index, is
/// 量子 and 计算机, not 计算机 alone), so a reading never asks for less than
/// the term says. The term itself when nothing is left.
pub fn content_words(planner: &Planner, term: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    let mut loose = String::new();
    let push = |word: String, words: &mut Vec<String>| {
        if !word.is_empty() && !words.contains(&word) {
            words.push(word);
        }
    };
    for word in planner.segment_with(term, &is_stop_word) {
        if is_stop_word(&word) || !word.chars().any(char::is_alphanumeric) {
            push(std::mem::take(&mut loose), &mut words);
        } else if word.chars().count() == 1 {
            loose.push_str(&word);
        } else {
            push(std::mem::take(&mut loose), &mut words);
            push(word, &mut words);
        }
    }
    push(loose, &mut words);
    if words.is_empty() {
        words.push(term.to_string());
    }
    words
}

/// The readings of a query beyond its literal one, in the order they fill
/// a page.
pub fn readings(planner: &Planner, query: &Query) -> Vec<Reading> {
    let terms = query.top_literals();
    if terms.is_empty() {
        return Vec::new();
    }
    let rest = query.top_rest();
    let cut: Vec<Vec<String>> = terms.iter().map(|t| content_words(planner, t)).collect();
    let mut all_words: Vec<String> = Vec::new();
    for word in cut.iter().flatten() {
        if !all_words.contains(word) {
            all_words.push(word.clone());
        }
    }
    let word_places: Vec<Option<Filter>> = all_words.iter().map(|w| place_of(planner, w)).collect();
    let places: Vec<Filter> = word_places.iter().flatten().cloned().collect();
    let mut out = Vec::new();
    if cut
        .iter()
        .zip(&terms)
        .any(|(words, term)| words != std::slice::from_ref(term))
    {
        let mut nodes: Vec<Node> = all_words
            .iter()
            .zip(&word_places)
            .map(|(w, place)| word_node(w, place.as_ref()))
            .collect();
        nodes.extend(rest.iter().cloned());
        out.push(Reading {
            kind: MatchKind::Words,
            node: and(nodes),
            words: all_words.clone(),
            places: places.clone(),
        });
    }
    if let Some(synonyms) = &query.synonyms {
        let mut words = all_words.clone();
        let mut any_related = false;
        let mut nodes: Vec<Node> = all_words
            .iter()
            .zip(&word_places)
            .map(|(word, place)| {
                let related = synonyms.of(word);
                if related.is_empty() {
                    return word_node(word, place.as_ref());
                }
                any_related = true;
                words.extend(related.iter().cloned());
                let mut any = vec![literal(word)];
                any.extend(related.iter().map(|r| literal(r)));
                Node::Or(any)
            })
            .collect();
        if any_related {
            nodes.extend(rest.iter().cloned());
            out.push(Reading {
                kind: MatchKind::Related,
                node: and(nodes),
                words,
                places: places.clone(),
            });
        }
    }
    // A lone character says too little to fill a page with.
    let partial_words: Vec<String> = all_words
        .iter()
        .filter(|w| w.chars().count() >= 2)
        .cloned()
        .collect();
    if partial_words.len() >= 2 {
        let mut any: Vec<Node> = partial_words.iter().map(|w| literal(w)).collect();
        any.extend(places.iter().cloned().map(Node::Filter));
        let mut nodes = vec![Node::Or(any)];
        nodes.extend(rest.iter().cloned());
        out.push(Reading {
            kind: MatchKind::Partial,
            node: and(nodes),
            words: partial_words,
            places,
        });
    }
    out
}

/// How close together the words are in a normalised text: the distinct
/// words found, as a share of all of them, times how tightly they sit
/// (their total length over the span of the shortest stretch holding one
/// of each found). 1.0: every word, side by side. Lengths and spans are
/// counted in characters.
///
/// A long query's candidates are re-ranked by this, and at 1 GB they hold
/// paragraphs of thousands of characters (86 candidates, 190,000
/// characters for 双减工作持续推进): every occurrence, overlapping ones
/// included, is found with the standard library's substring search, not
/// by comparing the word at every character, and byte offsets become
/// character offsets in one pass over the text.
pub fn closeness(text: &str, words: &[String]) -> f32 {
    let lengths: Vec<usize> = words.iter().map(|w| w.chars().count()).collect();
    let mut spots: Vec<(usize, usize)> = Vec::new(); // (byte start, word)
    for (w, word) in words.iter().enumerate() {
        let Some(first) = word.chars().next() else {
            continue;
        };
        let mut from = 0;
        while let Some(at) = text.get(from..).and_then(|rest| rest.find(word.as_str())) {
            spots.push((from + at, w));
            // On one character, so that overlapping occurrences count too.
            from += at + first.len_utf8();
        }
    }
    if spots.is_empty() {
        return 0.0;
    }
    spots.sort_unstable();
    // Byte starts to character starts, in order: count the characters
    // between one start and the next.
    let (mut byte, mut char_at) = (0, 0);
    for spot in spots.iter_mut() {
        char_at += text.get(byte..spot.0).map_or(0, |gap| gap.chars().count());
        byte = spot.0;
        spot.0 = char_at;
    }
    closeness_of_spots(&spots, &lengths)
}

/// [`closeness`] from the words' occurrences, `(character start, word)`
/// sorted, and the words' lengths in characters.
fn closeness_of_spots(spots: &[(usize, usize)], lengths: &[usize]) -> f32 {
    let found: std::collections::BTreeSet<usize> = spots.iter().map(|s| s.1).collect();
    let wanted = found.len();
    // The shortest stretch holding one of each found word.
    let mut count = vec![0usize; lengths.len()];
    let (mut distinct, mut left, mut best) = (0, 0, usize::MAX);
    for right in 0..spots.len() {
        let w = spots[right].1;
        count[w] += 1;
        if count[w] == 1 {
            distinct += 1;
        }
        while distinct == wanted {
            let (start, lw) = spots[left];
            let end = spots[right].0 + lengths[w];
            best = best.min(end.saturating_sub(start).max(1));
            count[lw] -= 1;
            if count[lw] == 0 {
                distinct -= 1;
            }
            left += 1;
        }
    }
    let total: usize = found.iter().map(|&w| lengths[w]).sum();
    let tightness = (total as f32 / best.max(1) as f32).min(1.0);
    (wanted as f32 / lengths.len() as f32) * tightness
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(xs: &[&str]) -> Vec<String> {
        xs.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn words_side_by_side_are_closest() {
        let w = words(&["学前教育", "普惠"]);
        assert_eq!(closeness("学前教育普惠发展", &w), 1.0);
        let apart = closeness(&format!("学前教育{}普惠", "甲".repeat(40)), &w);
        assert!(apart > 0.0 && apart < 0.2, "{apart}");
        let one = closeness("只有学前教育", &w);
        assert!((one - 0.5).abs() < 1e-6, "{one}");
        assert_eq!(closeness("无关", &w), 0.0);
    }

    /// `closeness` as it was first written: the words compared with the
    /// text at every character. The reference for the faster search.
    fn closeness_by_every_character(text: &str, words: &[String]) -> f32 {
        let chars: Vec<char> = text.chars().collect();
        let mut spots: Vec<(usize, usize)> = Vec::new();
        let mut lengths = vec![0usize; words.len()];
        for (w, word) in words.iter().enumerate() {
            let needle: Vec<char> = word.chars().collect();
            lengths[w] = needle.len();
            if needle.is_empty() || needle.len() > chars.len() {
                continue;
            }
            for start in 0..=chars.len() - needle.len() {
                if chars[start..start + needle.len()] == needle[..] {
                    spots.push((start, w));
                }
            }
        }
        if spots.is_empty() {
            return 0.0;
        }
        spots.sort_unstable();
        closeness_of_spots(&spots, &lengths)
    }

    #[test]
    fn overlapping_and_repeated_words_are_all_found() {
        // 啊啊 occurs twice in 啊啊啊 (at 0 and 1); the window from the
        // second one to 好 is the tightest.
        let w = words(&["啊啊", "好"]);
        let text = "啊啊啊好";
        assert_eq!(closeness(text, &w), closeness_by_every_character(text, &w));
        assert_eq!(closeness(text, &w), 1.0);
        // Mixed widths: ASCII, two-, three- and four-byte characters.
        let w = words(&["ab", "é𝄞", "教育"]);
        let text = "xab教育ééé𝄞yab";
        assert_eq!(closeness(text, &w), closeness_by_every_character(text, &w));
        assert_eq!(closeness("", &w), 0.0);
        assert_eq!(closeness("ab", &words(&["", "ab"])), 0.5);
    }

    proptest::proptest! {
        /// The same score as comparing at every character, on texts and
        /// words from three characters of one, three and four bytes (so
        /// that words recur, overlap themselves and straddle each other).
        #[test]
        fn closeness_equals_comparing_at_every_character(
            text in "[a教𝄞]{0,40}",
            words in proptest::collection::vec("[a教𝄞]{0,3}", 1..5),
        ) {
            let fast = closeness(&text, &words);
            let slow = closeness_by_every_character(&text, &words);
            proptest::prop_assert_eq!(fast.to_bits(), slow.to_bits(), "{:?} {:?}", text, words);
        }
    }
}
