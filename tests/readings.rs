//! Searching the way Chinese users type: unsegmented keywords, questions,
//! whole words, short place names, traditional characters, synonyms,
//! snippets that show every term, lower-case operators.

mod common;

use baogao::analysis::synonyms::Synonyms;
use baogao::search::{Engine, MatchKind, MatchMode, Query, SearchOptions};
use common::{Workspace, json_lines, query, random_substrings};
use std::collections::BTreeSet;
use std::sync::Arc;

fn seed_engine() -> Engine {
    common::engine_for(&common::root().join("corpus"))
}

fn page(engine: &Engine, q: &Query, limit: usize) -> baogao::search::SearchResults {
    let options = SearchOptions {
        limit: Some(limit),
        ..SearchOptions::default()
    };
    engine.search(q, &options).expect("search")
}

fn normalized(text: &str) -> String {
    baogao::analysis::normalize::normalize(text)
}

#[test]
fn unsegmented_keywords_are_read_as_their_words() {
    let engine = seed_engine();
    let results = page(&engine, &query("学前教育普惠", MatchMode::Fill), 50);
    assert_eq!(results.total, 0, "the string itself is in no report");
    let words = results
        .readings
        .iter()
        .find(|r| r.kind == MatchKind::Words)
        .expect("a words reading");
    assert_eq!(words.words, vec!["学前教育", "普惠"]);
    let with_both: Vec<_> = results
        .hits
        .iter()
        .filter(|h| h.match_kind == MatchKind::Words)
        .collect();
    // Exactly the paragraphs that contain both words, and that many.
    let paragraphs = common::paragraphs(&common::root().join("corpus"));
    let expected: BTreeSet<(String, u64)> = paragraphs
        .iter()
        .filter(|(_, _, t)| {
            let t = normalized(t);
            t.contains("学前教育") && t.contains("普惠")
        })
        .map(|(f, n, _)| (f.clone(), *n))
        .collect();
    assert_eq!(words.total, Some(expected.len() as u64));
    let got: BTreeSet<(String, u64)> = with_both
        .iter()
        .map(|h| {
            (
                h.record.paragraph.file.clone(),
                u64::from(h.record.paragraph.number),
            )
        })
        .collect();
    // Collapsing folds copies; every shown one is in the expected set.
    assert!(!got.is_empty() && got.is_subset(&expected), "{got:?}");
    // Hits come phrase, words, related, partial: never a lower reading above.
    let order = |k: MatchKind| match k {
        MatchKind::Phrase => 0,
        MatchKind::Words => 1,
        MatchKind::Related => 2,
        MatchKind::Partial => 3,
    };
    let kinds: Vec<u8> = results.hits.iter().map(|h| order(h.match_kind)).collect();
    assert!(kinds.windows(2).all(|w| w[0] <= w[1]), "{kinds:?}");
}

#[test]
fn readings_never_change_the_hit_set_of_a_query_that_has_exact_hits() {
    let engine = seed_engine();
    let paragraphs = common::paragraphs(&common::root().join("corpus"));
    let texts: Vec<&str> = paragraphs.iter().map(|(_, _, t)| t.as_str()).collect();
    let mut queries = vec![
        "学前教育".to_string(),
        "双减 课后服务".into(),
        "县中崛起".into(),
        "教育 -学前".into(),
    ];
    queries.extend(random_substrings(&texts, 60, 77));
    for text in &queries {
        let fill = page(&engine, &query(text, MatchMode::Fill), 10);
        let exact = page(&engine, &query(text, MatchMode::All), 10);
        assert_eq!(fill.total, exact.total, "{text}");
        let phrase: Vec<_> = fill
            .hits
            .iter()
            .filter(|h| h.match_kind == MatchKind::Phrase)
            .map(|h| (h.record.paragraph.file.clone(), h.record.paragraph.number))
            .collect();
        let all: Vec<_> = exact
            .hits
            .iter()
            .map(|h| (h.record.paragraph.file.clone(), h.record.paragraph.number))
            .collect();
        assert_eq!(phrase, all, "{text}");
    }
}

#[test]
fn questions_need_not_match_their_question_words() {
    let engine = seed_engine();
    let results = page(&engine, &query("如何推进县中崛起？", MatchMode::Fill), 10);
    assert_eq!(results.total, 0);
    assert!(!results.hits.is_empty());
    let first = &results.hits[0];
    assert_eq!(first.match_kind, MatchKind::Words);
    assert!(normalized(&first.record.paragraph.text).contains("县中崛起"));
    for hit in &results.hits {
        let text = normalized(&hit.record.paragraph.text);
        assert!(
            hit.match_kind != MatchKind::Words || text.contains("推进"),
            "{text}"
        );
    }
}

#[test]
fn traditional_characters_find_simplified_ones_and_the_reverse() {
    let engine = seed_engine();
    let ids = |q: &str| -> Vec<(String, u32)> {
        page(&engine, &query(q, MatchMode::All), 100)
            .hits
            .iter()
            .map(|h| (h.record.paragraph.file.clone(), h.record.paragraph.number))
            .collect()
    };
    assert!(!ids("学前教育").is_empty());
    assert_eq!(ids("學前教育"), ids("学前教育"));
    assert_eq!(ids("義務教育"), ids("义务教育"));
    // And text in traditional characters is found by simplified terms.
    let ws = Workspace::new();
    ws.write("tw.txt", "縣教育局推進學前教育普及普惠。\n");
    let reports = common::load_reports(&ws.corpus());
    let engine = Engine::in_memory(&reports, Vec::new(), 1).unwrap();
    let results = page(&engine, &query("学前教育", MatchMode::All), 10);
    assert_eq!(results.total, 1);
    let hit = &results.hits[0];
    let chars: Vec<char> = hit.snippet.text.chars().collect();
    let (a, b) = hit.snippet.highlights[0];
    assert_eq!(chars[a..b].iter().collect::<String>(), "學前教育");
}

#[test]
fn synonyms_fill_below_the_exact_matches_and_can_be_turned_off() {
    let engine = seed_engine();
    let plain = query("随迁子女", MatchMode::Fill);
    let with = plain.clone().with_synonyms(Arc::new(Synonyms::builtin()));
    let without = page(&engine, &plain, 10);
    let related = page(&engine, &with, 10);
    assert_eq!(without.total, related.total);
    assert!(
        without
            .hits
            .iter()
            .all(|h| h.match_kind != MatchKind::Related)
    );
    let extra: Vec<_> = related
        .hits
        .iter()
        .filter(|h| h.match_kind == MatchKind::Related)
        .collect();
    assert!(!extra.is_empty());
    for hit in extra {
        let text = normalized(&hit.record.paragraph.text);
        assert!(
            text.contains("新居民子女") || text.contains("外来务工人员子女"),
            "{text}"
        );
        assert!(!text.contains("随迁子女"));
    }
}

#[test]
fn snippets_show_every_term_that_fits() {
    let engine = seed_engine();
    let results = page(&engine, &query("双减 课后服务", MatchMode::All), 20);
    assert!(results.total > 0);
    for hit in &results.hits {
        let shown = normalized(&hit.snippet.text);
        assert!(
            shown.contains("双减") && shown.contains("课后服务"),
            "{shown}"
        );
    }
}

#[test]
fn the_cli_reads_short_places_and_explains_readings() {
    let ws = Workspace::with_seed_corpus();
    ws.build();
    let ids = |args: &[&str]| -> Vec<String> {
        let output = ws
            .cmd("search")
            .args(args)
            .args(["--json", "--all", "--no-collapse"])
            .output()
            .unwrap();
        json_lines(&output.stdout)
            .iter()
            .filter(|l| l["type"] == "hit")
            .map(|l| format!("{}#{}", l["file"], l["paragraph"]))
            .collect()
    };
    let short = ids(&["教育", "--county", "青田"]);
    assert!(!short.is_empty());
    assert_eq!(short, ids(&["教育", "--county", "青田县"]));
    assert_eq!(ids(&["教育 city:温州"]), ids(&["教育", "--city", "温州市"]));
    assert_eq!(
        ids(&["教育", "--province", "浙江"]),
        ids(&["教育", "--province", "浙江省"])
    );
    let ambiguous = ws
        .cmd("search")
        .args(["教育", "--county", "朝阳"])
        .output()
        .unwrap();
    assert_eq!(ambiguous.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&ambiguous.stderr);
    assert!(
        stderr.contains("北京市") && stderr.contains("长春市"),
        "{stderr}"
    );
    assert_eq!(ids(&["學前教育"]), ids(&["学前教育"]));
    // The summary says how the query was read; JSON counts each reading.
    let text = ws
        .cmd("search")
        .args(["学前教育普惠", "--color", "never"])
        .output()
        .unwrap();
    assert_eq!(text.status.code(), Some(0), "every word was found");
    let stdout = String::from_utf8_lossy(&text.stdout);
    assert!(
        stdout.contains("学前教育普惠: no exact match")
            && stdout.contains("with 学前教育 and 普惠"),
        "{stdout}"
    );
    let json = ws
        .cmd("search")
        .args(["学前教育普惠", "--json"])
        .output()
        .unwrap();
    let lines = json_lines(&json.stdout);
    let summary = lines.last().unwrap();
    assert_eq!(summary["total"], 0);
    assert_eq!(summary["readings"][0]["match"], "words");
    assert!(
        lines
            .iter()
            .any(|l| l["type"] == "hit" && l["match"] == "words")
    );
    // --no-synonyms: no related hits.
    let plain = ws
        .cmd("search")
        .args(["随迁子女", "--json", "--no-synonyms"])
        .output()
        .unwrap();
    assert!(
        json_lines(&plain.stdout)
            .iter()
            .all(|l| l["match"] != "related")
    );
    // Lower-case operators: a hint, the same search.
    let hinted = ws
        .cmd("search")
        .args(["学前教育", "not", "民办", "--json"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&hinted.stderr);
    assert!(stderr.contains("did you mean NOT?"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1);
}

#[test]
fn whole_words_do_not_match_inside_other_words() {
    let ws = Workspace::new();
    ws.write(
        "r.txt",
        "全力推进县中崛起,县中办学质量提升。\n县中医院完成改造。\n脱贫县中有三所学校。\n深入实施“县中崛起”计划。\n",
    );
    ws.build();
    let run = |args: &[&str]| {
        let output = ws.cmd("search").args(args).arg("--json").output().unwrap();
        json_lines(&output.stdout)
    };
    let loose = run(&["县中", "--all"]);
    assert_eq!(loose.last().unwrap()["total"], 4);
    let whole = run(&["县中", "-w", "--all", "--facets"]);
    let texts: Vec<&str> = whole
        .iter()
        .filter(|l| l["type"] == "hit")
        .map(|l| l["text"].as_str().unwrap())
        .collect();
    assert!(
        texts.contains(&"全力推进县中崛起,县中办学质量提升。"),
        "{texts:?}"
    );
    assert!(texts.iter().all(|t| !t.contains("县中医院")), "{texts:?}");
    // 县中 is indexed inside 县中崛起, as jieba's search mode cuts it.
    assert!(texts.contains(&"深入实施“县中崛起”计划。"), "{texts:?}");
    let total = whole.last().unwrap()["total"].as_u64().unwrap();
    assert_eq!(total as usize, texts.len(), "an exact count");
    let facets = whole.iter().find(|l| l["type"] == "facets").unwrap();
    let counted: u64 = facets["kind"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum();
    assert_eq!(counted, total, "facets count the whole-word hits");
}

#[test]
fn a_place_named_in_the_query_is_met_by_that_places_reports() {
    let engine = seed_engine();
    // 青田学前教育 is in no report; 青田县's paragraphs on 学前教育 seldom
    // repeat the county's name, and the words reading finds them by tag.
    let q = query("青田学前教育", MatchMode::Fill);
    let results = page(&engine, &q, 50);
    let words = results
        .readings
        .iter()
        .find(|r| r.kind == MatchKind::Words)
        .expect("a words reading");
    let by_flag = page(
        &engine,
        &query("学前教育 county:青田县", MatchMode::Fill),
        50,
    );
    assert_eq!(words.total, Some(by_flag.total));
    assert!(by_flag.total > 0);
    let word_hits: Vec<_> = results
        .hits
        .iter()
        .filter(|h| h.match_kind == MatchKind::Words)
        .collect();
    assert!(!word_hits.is_empty());
    assert!(
        word_hits
            .iter()
            .all(|h| h.record.tags.place.county.as_deref() == Some("青田县"))
    );
    assert!(
        word_hits
            .iter()
            .any(|h| !h.record.paragraph.text.contains("青田")),
        "found by the tag, not the text"
    );

    // In the partial reading, the named place's paragraphs come first.
    let q = query("靖宇县十三五期间学前教育投入了多少钱", MatchMode::Fill);
    let results = page(&engine, &q, 5);
    assert!(!results.hits.is_empty());
    assert!(
        results
            .hits
            .iter()
            .all(|h| h.record.tags.place.county.as_deref() == Some("靖宇县")),
        "{:?}",
        results
            .hits
            .iter()
            .map(|h| &h.record.tags.place.county)
            .collect::<Vec<_>>()
    );
    assert!(
        results
            .hits
            .iter()
            .any(|h| h.record.paragraph.text.contains("学前教育累计投入资金")),
        "the paragraph that answers the question"
    );
}
