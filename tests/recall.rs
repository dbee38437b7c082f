//! Literal recall: for every query, the hit set must be exactly the set of
//! paragraphs that contain the query after normalisation — checked against
//! a brute-force substring scan, on the bundled corpus and (when this
//! machine has ../shared) on the 52 national government work reports.

mod common;

use baogao::search::Engine;
use common::{Workspace, containing, exact_hits, json_lines, paragraphs, random_substrings};
use std::path::Path;

/// Words an analyst types, and strings that cross jieba word boundaries or
/// sit inside longer dictionary words (the cases word-only search misses).
const QUERIES: &[&str] = &[
    "学前教育",
    "双减",
    "县中崛起",
    "教共体",
    "随迁子女",
    "人民代表大会",
    "代表大会",
    "2023年",
    "2024年",
    "年县",
    "育局",
    "教育",
    "教",
    "C9",
    "c9",
    "Ｃ９",
    "1080",
    "十四五",
    "十三五",
    "义务教育",
    "优质均衡",
    "普惠",
    "民办",
    "那尔轰",
    "赤松",
    "党建",
    "高考",
    "幼儿园",
    "局",
    "99.29%",
    "“两县”",
    "中小学",
    "全面",
    "推进",
    "质量",
    "攻坚",
    "瓯海",
    "常山",
    "青田",
    // Long literals that are words of the index, looked up through the
    // word before the phrase (src/search/word_phrase.rs), and pieces of
    // them that jieba cuts otherwise.
    "中华人民共和国",
    "人民共和国",
    "社会主义现代化",
    "高质量发展",
    "政府工作报告",
    "义务教育优质均衡发展",
];

fn open_in_memory(corpus_dir: &Path) -> Engine {
    common::engine_for(corpus_dir)
}

/// The hit set of one literal, quoted so that it is taken as one term.
fn hit_set(engine: &Engine, query: &str) -> Vec<(String, u64)> {
    exact_hits(engine, &format!("\"{query}\""))
}

fn check_corpus(corpus_dir: &Path, extra_random: usize, seed: u64) -> usize {
    let handle = open_in_memory(corpus_dir);
    let paras = paragraphs(corpus_dir);
    assert!(!paras.is_empty());
    let texts: Vec<&str> = paras.iter().map(|(_, _, t)| t.as_str()).collect();
    let mut queries: Vec<String> = QUERIES.iter().map(|q| q.to_string()).collect();
    queries.extend(random_substrings(&texts, extra_random, seed));
    for query in &queries {
        let expected = containing(&paras, query);
        let got = hit_set(&handle, query);
        assert_eq!(
            got.len(),
            expected.len(),
            "query {query:?}: index found {} paragraphs, a substring scan {}",
            got.len(),
            expected.len()
        );
        assert_eq!(got, expected, "query {query:?}: different paragraphs");
    }
    queries.len()
}

/// AND, OR and NOT of random substrings, checked against the same boolean
/// combination of substring scans. (AND of phrases is where tantivy's
/// "danger" seeks happen.)
fn check_boolean_queries(corpus_dir: &Path, count: usize, seed: u64) {
    let handle = open_in_memory(corpus_dir);
    let paras = paragraphs(corpus_dir);
    let texts: Vec<&str> = paras.iter().map(|(_, _, t)| t.as_str()).collect();
    let words = random_substrings(&texts, count * 2, seed);
    let as_set = |v: Vec<(String, u64)>| v.into_iter().collect::<std::collections::BTreeSet<_>>();
    for pair in words.chunks(2) {
        let [a, b] = pair else { continue };
        let (sa, sb) = (as_set(containing(&paras, a)), as_set(containing(&paras, b)));
        let cases = [
            (
                format!("{a} {b}"),
                sa.intersection(&sb).cloned().collect::<Vec<_>>(),
            ),
            (format!("{a} OR {b}"), sa.union(&sb).cloned().collect()),
            (format!("{a} -{b}"), sa.difference(&sb).cloned().collect()),
        ];
        for (query, expected) in cases {
            assert_eq!(exact_hits(&handle, &query), expected, "query {query:?}");
        }
    }
}

#[test]
fn boolean_queries_equal_boolean_combinations_of_substring_scans() {
    check_boolean_queries(&common::root().join("corpus"), 60, 21);
    if let Some(shared) = common::shared() {
        check_boolean_queries(&shared.join("corpus/national"), 60, 23);
    }
}

#[test]
fn bundled_corpus_recall_equals_a_substring_scan() {
    let checked = check_corpus(&common::root().join("corpus"), 300, 7);
    assert!(checked > 300);
}

#[test]
fn national_reports_recall_equals_a_substring_scan() {
    let Some(shared) = common::shared() else {
        return;
    };
    let checked = check_corpus(&shared.join("corpus/national"), 300, 11);
    assert!(checked > 300);
}

#[test]
fn cli_all_json_returns_exactly_the_containing_paragraphs() {
    let ws = Workspace::with_seed_corpus();
    ws.build();
    let paras = paragraphs(&ws.corpus());
    for query in [
        "学前教育",
        "人民代表大会",
        "2023年",
        "年县",
        "C9",
        "教",
        "育局",
        "随迁子女",
    ] {
        let output = ws
            .cmd("search")
            .args([query, "--all", "--json", "--no-collapse"])
            .output()
            .expect("run");
        let expected = containing(&paras, query);
        let lines = json_lines(&output.stdout);
        // The hit set is the phrase hits; a query without any is also read
        // as its words, and those hits are marked as such.
        let mut got: Vec<(String, u64)> = lines
            .iter()
            .filter(|l| l["type"] == "hit" && l["match"] == "phrase")
            .map(|l| {
                (
                    l["file"].as_str().expect("file").to_string(),
                    l["paragraph"].as_u64().expect("paragraph"),
                )
            })
            .collect();
        got.sort();
        assert_eq!(got, expected, "query {query}");
        let summary = lines.last().expect("summary");
        assert_eq!(summary["type"], "summary");
        assert_eq!(summary["total"].as_u64(), Some(expected.len() as u64));
        let code = output.status.code();
        assert_eq!(
            code,
            Some(if expected.is_empty() { 1 } else { 0 }),
            "query {query}"
        );
    }
}

#[test]
fn collapsed_copies_still_account_for_every_paragraph() {
    // With collapsing on, a hit lists its near-identical copies; hits plus
    // copies are still exactly the containing paragraphs.
    let ws = Workspace::new();
    let paragraph = "全面推进学前教育普及普惠发展,新增学位1350个。";
    ws.write("a.txt", format!("{paragraph}\n其他内容。\n"));
    ws.write(
        "b.txt",
        format!("其他内容。\n{}\n", paragraph.replace("1350", "1420")),
    );
    ws.write("c.txt", "学前教育另一段不同的话。\n");
    ws.build();
    let output = ws
        .cmd("search")
        .args(["学前教育", "--all", "--json"])
        .output()
        .expect("run");
    let lines = json_lines(&output.stdout);
    let hits: Vec<_> = lines.iter().filter(|l| l["type"] == "hit").collect();
    assert_eq!(hits.len(), 2, "{lines:?}");
    let mut all: Vec<(String, u64)> = Vec::new();
    for hit in &hits {
        all.push((
            hit["file"].as_str().unwrap().into(),
            hit["paragraph"].as_u64().unwrap(),
        ));
        for copy in hit["copies"].as_array().expect("copies") {
            all.push((
                copy["file"].as_str().unwrap().into(),
                copy["paragraph"].as_u64().unwrap(),
            ));
        }
    }
    all.sort();
    assert_eq!(all, containing(&paragraphs(&ws.corpus()), "学前教育"));
    assert_eq!(lines.last().unwrap()["total"], 3);
}
