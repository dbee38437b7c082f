//! The whole of ../shared/corpus (3,475 laws and 52 national reports, 66 MB,
//! ~370k paragraphs): a few hundred varied queries run without a panic, and
//! a sample of them return exactly the paragraphs a substring scan finds.
//! Skipped where ../shared is absent.

mod common;

use baogao::analysis::normalize::normalize;
use baogao::search::{Engine, MatchMode, Query, SearchOptions};
use common::{Rng, random_substrings};

#[test]
fn hundreds_of_varied_queries_over_the_whole_shared_corpus() {
    let Some(shared) = common::shared() else {
        return;
    };
    let reports = common::load_reports(&shared.join("corpus"));
    assert!(reports.len() > 3000, "{} reports", reports.len());
    let engine = Engine::in_memory(&reports, Vec::new(), 2).expect("index");

    let paragraphs: Vec<(String, u64, String)> = reports
        .iter()
        .flat_map(|r| {
            r.paragraphs.iter().map(|p| {
                (
                    r.file.clone(),
                    u64::from(p.paragraph.number),
                    normalize(&p.paragraph.text),
                )
            })
        })
        .collect();
    let texts: Vec<&str> = paragraphs.iter().map(|(_, _, t)| t.as_str()).collect();

    // Exactness on a sample, including the case word search misses.
    // 中华人民共和国, 国务院 and 人民法院 are also words of the index, whose
    // hits are found through the word first (src/search/word_phrase.rs).
    let mut exact = vec![
        "人民代表大会".to_string(),
        "2023年".into(),
        "第一条".into(),
        "罚".into(),
        "中华人民共和国".into(),
        "国务院".into(),
        "人民法院".into(),
        "有关部门".into(),
    ];
    exact.extend(random_substrings(&texts, 40, 3));
    for query in &exact {
        let needle = normalize(query);
        let mut expected: Vec<(String, u64)> = paragraphs
            .iter()
            .filter(|(_, _, t)| t.contains(&needle))
            .map(|(f, o, _)| (f.clone(), *o))
            .collect();
        expected.sort();
        let got = common::exact_hits(&engine, &format!("\"{query}\""));
        assert_eq!(got.len(), expected.len(), "{query}");
        assert_eq!(got, expected, "{query}");
    }

    // Whole words: 县中 in 县中医院 or 县中心医院 is not the word 县中.
    let every = SearchOptions {
        limit: None,
        collapse: false,
        ..SearchOptions::default()
    };
    let loose = Query::parse("县中", &[], MatchMode::All).unwrap();
    let hit_texts = |q: &Query| -> Vec<String> {
        engine
            .search(q, &every)
            .unwrap()
            .hits
            .into_iter()
            .map(|h| h.record.paragraph.text)
            .collect()
    };
    let all = hit_texts(&loose);
    assert!(
        all.iter().any(|t| t.contains("县中医院")),
        "the test needs one"
    );
    let whole = hit_texts(&loose.clone().whole_words(true));
    assert!(whole.len() < all.len());
    for text in &whole {
        assert!(
            !text.contains("县中医院") || text.matches("县中").count() > 1,
            "{text}"
        );
    }

    // Varied queries: words, operators, filters, odd characters. Each ends
    // in hits, no hits, or a query error — never a panic.
    let mut rng = Rng::new(99);
    let words = random_substrings(&texts, 150, 5);
    let pieces = [
        "OR",
        "-",
        "NOT",
        "(",
        ")",
        "\"",
        "|",
        "year:2020..2023",
        "province:浙江省",
        "kind:plan",
        "、",
        "，",
        "Ｃ９",
        "1+X",
        "\u{200B}",
        "\u{0007}",
        "🙂",
        "ﬁ",
        "\u{FEFF}",
        "AND",
    ];
    let mut count = 0;
    for i in 0..300 {
        let n = 1 + rng.below(4);
        let mut parts = Vec::new();
        for _ in 0..n {
            if rng.below(3) == 0 {
                parts.push(pieces[rng.below(pieces.len())].to_string());
            } else {
                parts.push(words[rng.below(words.len())].clone());
            }
        }
        let query = parts.join(if i % 2 == 0 { " " } else { "" });
        let options = SearchOptions {
            facets: if i % 5 == 0 {
                baogao::corpus::record::Dimension::ALL.to_vec()
            } else {
                Vec::new()
            },
            ..SearchOptions::default()
        };
        let outcome = Query::parse(&query, &[], MatchMode::Fill)
            .map_err(baogao::Error::from)
            .and_then(|prepared| engine.search(&prepared, &options));
        match outcome {
            Ok(results) => {
                assert!(results.hits.len() <= 10);
                count += 1;
            }
            Err(baogao::Error::Query(_)) | Err(baogao::Error::Invalid(_)) => count += 1,
            Err(other) => panic!("{query:?}: unexpected error {other}"),
        }
    }
    assert_eq!(count, 300);
}
