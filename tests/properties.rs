//! Property tests on generated input: highlights always lie on character
//! boundaries inside the snippet; literal recall equals a substring scan on
//! random texts and queries; the parser and the decoder never panic.

use baogao::analysis::normalize::normalize;
use baogao::corpus::Report;
use baogao::corpus::record::{Paragraph, Record, Role, Tags};
use baogao::corpus::tags::ReportTags;
use baogao::search::snippet::make_snippet;
use baogao::search::{Engine, MatchMode, Query, SearchOptions};
use proptest::prelude::*;

/// Characters chosen so that matches are frequent and every normalisation
/// rule is exercised: CJK, ASCII of both cases, full-width forms, spaces
/// (ASCII and ideographic), zero-width, punctuation.
fn text_char() -> impl Strategy<Value = char> {
    prop_oneof![
        6 => proptest::sample::select(vec!['学', '前', '教', '育', '双', '减', '县', '中']),
        2 => proptest::sample::select(vec!['a', 'B', 'c', '1', '2', 'Ｃ', '９', 'ａ']),
        1 => proptest::sample::select(vec![' ', '\u{3000}', '\u{200B}', '。', '，', '(', '（']),
    ]
}

fn text(max: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(text_char(), 1..max).prop_map(|cs| cs.into_iter().collect())
}

fn report(texts: &[String]) -> Report {
    Report {
        file: "r.txt".into(),
        content_hash: 0,
        format: baogao::corpus::extract::Format::Text,
        encoding: "utf-8".into(),
        notes: Vec::new(),
        tags: ReportTags::default(),
        paragraphs: texts
            .iter()
            .enumerate()
            .map(|(i, t)| Record {
                paragraph: Paragraph {
                    file: "r.txt".into(),
                    number: i as u32 + 1,
                    line: i as u32 + 1,
                    page: None,
                    text: baogao::corpus::split::clean_text(t),
                    headings: Vec::new(),
                    role: Role::Body,
                },
                tags: Tags::default(),
            })
            .filter(|p| !p.paragraph.text.is_empty())
            .collect(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn highlights_lie_on_character_boundaries_inside_the_snippet(
        body in text(400),
        terms in proptest::collection::vec(text(4), 1..3),
        width in 1usize..120,
    ) {
        let literals: Vec<String> = terms.iter().map(|t| normalize(t).trim().to_string()).filter(|t| !t.is_empty()).collect();
        let snippet = make_snippet(&body, &literals, width);
        let chars: Vec<char> = snippet.text.chars().collect();
        let mut end = 0;
        for &(s, e) in &snippet.highlights {
            prop_assert!(s >= end && s < e && e <= chars.len());
            end = e;
            let marked = normalize(&chars[s..e].iter().collect::<String>());
            prop_assert!(literals.iter().any(|l| marked.contains(l.as_str())), "{marked:?} {literals:?}");
        }
        // Every occurrence inside the shown window is highlighted.
        let shown = normalize(&snippet.text);
        for literal in &literals {
            if shown.contains(literal.as_str()) && !snippet.text.starts_with('…') && !snippet.text.ends_with('…') {
                prop_assert!(!snippet.highlights.is_empty());
            }
        }
    }

    #[test]
    fn the_parser_never_panics(query in "\\PC{0,60}") {
        match baogao::search::query::parse(&query) {
            Ok(node) => { let _ = node.positive_literals(); }
            Err(e) => { prop_assert!(e.position.is_none_or(|p| p >= 1 && p <= query.chars().count() + 1)); }
        }
    }

    #[test]
    fn the_decoder_and_splitter_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        if let Ok(decoded) = baogao::corpus::decode::decode(&bytes) {
            for p in baogao::corpus::split::split_paragraphs(&decoded.text) {
                prop_assert!(!p.text.is_empty());
            }
        }
    }
}

proptest! {
    // Each case builds an index: fewer cases, each with many queries.
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn literal_recall_equals_a_substring_scan(
        texts in proptest::collection::vec(text(60), 1..40),
        queries in proptest::collection::vec(text(5), 1..12),
    ) {
        let report = report(&texts);
        prop_assume!(!report.paragraphs.is_empty());
        let engine = Engine::in_memory(std::slice::from_ref(&report), Vec::new(), 1).unwrap();
        let every = SearchOptions { limit: None, collapse: false, ..SearchOptions::default() };
        // Queries: the random ones, and substrings of the texts themselves.
        let mut all: Vec<String> = queries;
        for p in report.paragraphs.iter().take(6) {
            let chars: Vec<char> = p.paragraph.text.chars().collect();
            let n = chars.len().min(4);
            all.push(chars[chars.len() - n..].iter().collect());
        }
        for raw in all {
            let needle = normalize(&raw).trim().to_string();
            if needle.is_empty() || !needle.chars().any(char::is_alphanumeric) {
                continue;
            }
            let text = format!("\"{}\"", raw.replace('"', ""));
            let results = Query::parse(&text, &[], MatchMode::All)
                .map_err(baogao::Error::from)
                .and_then(|query| engine.search(&query, &every));
            prop_assert!(results.is_ok(), "query {:?}: {:?}", raw, results.err());
            let results = results.unwrap();
            let mut got: Vec<u64> = results.hits.iter().map(|h| u64::from(h.record.paragraph.number)).collect();
            got.sort_unstable();
            let expected: Vec<u64> = report
                .paragraphs
                .iter()
                .filter(|p| normalize(&p.paragraph.text).contains(&needle))
                .map(|p| u64::from(p.paragraph.number))
                .collect();
            prop_assert_eq!(got, expected, "query {:?}", raw);
        }
    }
}
