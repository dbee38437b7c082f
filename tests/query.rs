//! The query language end to end: operators and filters against a
//! reference evaluation, facets and trends that add up, sorting and paging,
//! export round trips, and hundreds of malformed queries that never panic.

mod common;

use baogao::corpus::record::Dimension;
use baogao::corpus::{Report, tags::Tagger};
use baogao::search::query;
use baogao::search::{Engine, MatchMode};
use common::{Rng, Workspace, json_lines, random_substrings};
use std::collections::{BTreeMap, BTreeSet};

fn seed_reports() -> Vec<Report> {
    common::load_reports(&common::root().join("corpus"))
}

/// The paragraphs a query matches, by brute force over the reports (the
/// reference semantics of terms and filters).
fn reference(reports: &[Report], query: &str) -> BTreeSet<(String, u64)> {
    let node = query::parse(query).unwrap();
    let mut out = BTreeSet::new();
    for report in reports {
        for r in &report.paragraphs {
            if node.matches(&r.paragraph.text, &|f| f.passes(&r.tags)) {
                out.insert((report.file.clone(), u64::from(r.paragraph.number)));
            }
        }
    }
    out
}

fn hit_set(engine: &Engine, query: &str) -> BTreeSet<(String, u64)> {
    common::exact_hits(engine, query).into_iter().collect()
}

#[test]
fn the_issue_example_returns_exactly_what_it_says() {
    let reports = seed_reports();
    let engine = Engine::in_memory(&reports, Tagger::default().theme_names(), 2).unwrap();
    let query = "学前教育 -民办 province:浙江省 year:2022..2024";
    let expected = reference(&reports, query);
    assert!(!expected.is_empty());
    assert_eq!(hit_set(&engine, query), expected);
    // Spelled out, to be sure the reference means what the issue means.
    for (file, number) in &expected {
        let report = reports.iter().find(|r| &r.file == file).unwrap();
        let r = &report.paragraphs[*number as usize - 1];
        let text = &r.paragraph.text;
        assert!(text.contains("学前教育") && !text.contains("民办"));
        assert_eq!(r.tags.place.province.as_deref(), Some("浙江省"));
        let years = r.tags.years.unwrap();
        assert!(years.from <= 2024 && years.to >= 2022);
    }
}

#[test]
fn operators_and_filters_match_the_reference_semantics() {
    let reports = seed_reports();
    let engine = Engine::in_memory(&reports, Tagger::default().theme_names(), 2).unwrap();
    let fixed = [
        "学前教育 普惠",
        "学前教育 OR 幼儿园",
        "学前教育 | 双减",
        "教育 -学前",
        "教育 NOT (学前 OR 义务)",
        "(学前 OR 义务) 均衡",
        "\"教育共富\"",
        "C9 OR 5G OR 1+X",
        "2024年 kind:plan",
        "county:青田县",
        "province:吉林省 year:2018",
        "city:温州市 theme:学前教育",
        "year:2021.. kind:review",
        "year:..2020 教育",
        "-county:瓯海区 双减",
        "theme:双减 OR theme:学前教育",
        "教育 AND 质量 AND 提升",
        "（一）",
    ];
    let texts: Vec<&str> = reports
        .iter()
        .flat_map(|r| r.paragraphs.iter().map(|p| p.paragraph.text.as_str()))
        .collect();
    let words = random_substrings(&texts, 120, 41);
    let mut queries: Vec<String> = fixed.iter().map(|q| q.to_string()).collect();
    let mut rng = Rng::new(5);
    let filters = [
        "province:浙江省",
        "kind:plan",
        "year:2020..2022",
        "county:靖宇县",
        "theme:党建",
    ];
    for chunk in words.chunks(3) {
        let [a, b, c] = chunk else { continue };
        let f = filters[rng.below(filters.len())];
        queries.push(match rng.below(5) {
            0 => format!("{a} {b}"),
            1 => format!("{a} OR {b} -{c}"),
            2 => format!("({a} OR {b}) {f}"),
            3 => format!("{a} NOT ({b} OR {c})"),
            _ => format!("{a} | {b} | {c} {f}"),
        });
    }
    for query in &queries {
        assert_eq!(
            hit_set(&engine, query),
            reference(&reports, query),
            "query {query:?}"
        );
    }
}

/// A year range that holds every paragraph of the index (or none) is
/// decided from the year column's bounds, without reading it: the answers
/// must be the reference's all the same, alone, with words, negated and
/// in unions.
#[test]
fn year_ranges_that_hold_the_whole_index_or_none_of_it_match_the_reference() {
    let mut reports = seed_reports();
    for report in &mut reports {
        report.paragraphs.retain(|p| p.tags.years.is_some());
    }
    let years: Vec<i32> = reports
        .iter()
        .flat_map(|r| r.paragraphs.iter().filter_map(|p| p.tags.years))
        .flat_map(|y| [y.from, y.to])
        .collect();
    let (first, last) = (years.iter().min().unwrap(), years.iter().max().unwrap());
    let engine = Engine::in_memory(&reports, Tagger::default().theme_names(), 2).unwrap();
    let every = [
        format!("year:{first}.."),
        format!("year:..{last}"),
        format!("year:{}..{}", first - 5, last + 5),
    ];
    let none = [format!("year:..{}", first - 1)];
    for range in every.iter().chain(&none) {
        let queries = [
            range.clone(),
            format!("教育 {range}"),
            format!("双减 OR {range}"),
            format!("教育 -{range}"),
            format!("(学前 {range}) OR 义务"),
        ];
        for query in &queries {
            assert_eq!(
                hit_set(&engine, query),
                reference(&reports, query),
                "query {query:?}"
            );
        }
    }
    let paragraphs: usize = reports.iter().map(|r| r.paragraphs.len()).sum();
    assert_eq!(hit_set(&engine, &every[0]).len(), paragraphs);
    assert!(hit_set(&engine, &none[0]).is_empty());
    // Such a range is dropped before ranking: the page, scores, facets and
    // the way it was taken (pruned or not) are those of the words alone.
    let options = baogao::search::SearchOptions {
        limit: Some(10),
        facets: Dimension::ALL.to_vec(),
        ..Default::default()
    };
    for words in ["教育", "学前 教育", "双减 OR 课后"] {
        let before = engine.pruned_searches();
        let alone = page_of(&engine, words, &options);
        let pruned_alone = engine.pruned_searches() - before;
        for range in &every {
            let before = engine.pruned_searches();
            let filtered = page_of(&engine, &format!("{words} {range}"), &options);
            assert_eq!(filtered, alone, "{words} {range}");
            assert_eq!(
                engine.pruned_searches() - before,
                pruned_alone,
                "{words} {range}"
            );
        }
    }
}

fn facet_sum(lines: &[serde_json::Value], key: &str) -> u64 {
    let facets = lines
        .iter()
        .find(|l| l["type"] == "facets")
        .expect("facets line");
    facets[key]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum()
}

#[test]
fn facet_counts_match_the_hits_value_by_value_over_many_batches() {
    // Facets are counted in batches of 1,024 hits; 1,500 hits in one
    // segment, with and without counties, years and themes (several per
    // paragraph, or none), checked value by value against the hits.
    let ws = Workspace::new();
    let counties = ["青田县", "常山县", "靖宇县", "瓯海区", "松阳县"];
    for (c, county) in counties.iter().enumerate() {
        for year in 2020..2024 {
            let text: String = (0..60)
                .map(|i| {
                    let theme = match (i + c) % 4 {
                        0 => "学前教育普惠发展",
                        1 => "学前教育和职业教育",
                        2 => "党建引领",
                        _ => "综合工作",
                    };
                    format!("第{i}项:{county}{year}年教育工作,{theme}。\n\n")
                })
                .collect();
            ws.write(&format!("{county}教育局{year}年工作总结.txt"), text);
        }
    }
    let national: String = (0..300)
        .map(|i| format!("第{i}条:全国教育事业持续发展。\n\n"))
        .collect();
    ws.write("国务院工作报告.txt", national);
    ws.build();
    let output = ws
        .cmd("search")
        .args(["教育", "--all", "--no-collapse", "--facets", "--json"])
        .output()
        .unwrap();
    let lines = json_lines(&output.stdout);
    let hits: Vec<&serde_json::Value> = lines.iter().filter(|l| l["type"] == "hit").collect();
    assert_eq!(hits.len(), 1500);
    let facets = lines.iter().find(|l| l["type"] == "facets").unwrap();
    let value = |v: &serde_json::Value| match v {
        serde_json::Value::Null => "(none)".to_string(),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    for key in ["county", "city", "province", "year", "kind", "theme"] {
        let mut expected: BTreeMap<String, u64> = BTreeMap::new();
        for hit in &hits {
            let values: Vec<String> = if key == "theme" {
                hit["themes"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(value)
                    .collect()
            } else {
                vec![value(&hit[key])]
            };
            if values.is_empty() {
                *expected.entry("(none)".into()).or_default() += 1;
            }
            for v in values {
                *expected.entry(v).or_default() += 1;
            }
        }
        let counted: BTreeMap<String, u64> = facets[key]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), v.as_u64().unwrap()))
            .collect();
        assert_eq!(counted, expected, "{key}");
        assert!(
            expected.len() > 1,
            "{key}: more than one value to tell apart"
        );
    }
}

#[test]
fn facet_counts_add_up_to_the_total() {
    let ws = Workspace::with_seed_corpus();
    ws.build();
    for query in [
        "教育",
        "学前教育 普惠",
        "双减 OR 课后服务",
        "province:浙江省",
        "量子计算机",
        "教育 -学前",
    ] {
        let output = ws
            .cmd("search")
            .args([query, "--facets", "--json"])
            .output()
            .unwrap();
        let lines = json_lines(&output.stdout);
        let total = lines.last().unwrap()["total"].as_u64().unwrap();
        for key in ["province", "city", "county", "year", "kind"] {
            assert_eq!(facet_sum(&lines, key), total, "{query}: {key}");
        }
        let facets = lines.iter().find(|l| l["type"] == "facets").unwrap();
        assert_eq!(facets["total"].as_u64(), Some(total));
        // Themes overlap: a hit counts once per theme, or once as "(none)".
        let all = ws
            .cmd("search")
            .args([query, "--all", "--no-collapse", "--facets", "--json"])
            .output()
            .unwrap();
        let all = json_lines(&all.stdout);
        let per_hit: u64 = all
            .iter()
            .filter(|l| l["type"] == "hit")
            .map(|h| h["themes"].as_array().unwrap().len().max(1) as u64)
            .sum();
        assert_eq!(facet_sum(&all, "theme"), per_hit, "{query}");
    }
    let text = ws
        .cmd("search")
        .args(["教育", "--facets", "--color", "never"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&text.stdout);
    assert!(
        stdout.contains("counts over the")
            && stdout.contains("county")
            && stdout.contains("靖宇县"),
        "{stdout}"
    );
}

#[test]
fn trend_buckets_add_up_to_the_total() {
    let reports = seed_reports();
    let engine = Engine::in_memory(&reports, Tagger::default().theme_names(), 2).unwrap();
    for query in [
        "教育",
        "学前教育",
        "双减 OR 课后服务",
        "县中崛起",
        "教育 kind:plan",
    ] {
        let prepared = common::query(query, MatchMode::All);
        for by in Dimension::ALL.into_iter().filter(|d| !d.is_multi_valued()) {
            let t = engine.trend(&prepared, by).unwrap();
            let sum: u64 = t.buckets.iter().map(|b| b.hits).sum();
            assert_eq!(sum, t.total, "{query} by {by:?}");
            assert_eq!(t.total as usize, hit_set(&engine, query).len());
            for b in &t.buckets {
                assert!(b.hits <= b.paragraphs, "{query} {by:?} {b:?}");
            }
        }
        let years = engine.trend(&prepared, Dimension::Year).unwrap();
        let labels: Vec<u64> = years
            .buckets
            .iter()
            .filter_map(|b| b.label.parse().ok())
            .collect();
        assert!(
            labels.windows(2).all(|w| w[1] == w[0] + 1),
            "years run without gaps: {labels:?}"
        );
    }
}

#[test]
fn trend_cli_draws_and_prints_json() {
    let ws = Workspace::with_seed_corpus();
    ws.build();
    let chart = ws.cmd("trend").args(["学前教育"]).output().unwrap();
    assert_eq!(chart.status.code(), Some(0));
    let text = String::from_utf8_lossy(&chart.stdout);
    assert!(
        text.contains("学前教育 by year") && text.contains('█') && text.contains("2021"),
        "{text}"
    );
    let json = ws
        .cmd("trend")
        .args(["学前教育", "--by", "county", "--json"])
        .output()
        .unwrap();
    let lines = json_lines(&json.stdout);
    let summary = lines.last().unwrap();
    let total = summary["total"].as_u64().unwrap();
    let sum: u64 = lines
        .iter()
        .filter(|l| l["type"] == "bucket")
        .map(|l| l["hits"].as_u64().unwrap())
        .sum();
    assert_eq!(sum, total);
    ws.cmd("trend").arg("量子计算机").assert().code(1);
    ws.cmd("trend").arg("(学前").assert().code(2);
}

#[test]
fn sorting_and_paging() {
    let ws = Workspace::with_seed_corpus();
    ws.build();
    let run = |args: &[&str]| {
        let output = ws
            .cmd("search")
            .args(args)
            .args(["--json", "--no-collapse"])
            .output()
            .unwrap();
        json_lines(&output.stdout)
            .into_iter()
            .filter(|l| l["type"] == "hit")
            .collect::<Vec<_>>()
    };
    let years = |hits: &[serde_json::Value]| -> Vec<u64> {
        hits.iter()
            .map(|h| h["year"].as_u64().unwrap_or(0))
            .collect()
    };
    let asc = years(&run(&["教育", "--all", "--sort", "year"]));
    assert!(asc.windows(2).all(|w| w[0] <= w[1]), "{asc:?}");
    let desc = years(&run(&["教育", "--all", "--sort", "-year"]));
    assert!(desc.windows(2).all(|w| w[0] >= w[1]), "{desc:?}");
    let all = run(&["教育", "--all"]);
    let page2 = run(&["教育", "--offset", "10", "-n", "10"]);
    assert_eq!(page2.len(), 10);
    for (i, hit) in page2.iter().enumerate() {
        assert_eq!(hit["rank"], 11 + i);
        assert_eq!(
            (&hit["file"], &hit["paragraph"]),
            (&all[10 + i]["file"], &all[10 + i]["paragraph"])
        );
    }
}

#[test]
fn export_round_trips_every_paragraph_once_with_its_tags() {
    let ws = Workspace::with_seed_corpus();
    ws.build();
    let output = ws.cmd("export").output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let docs = json_lines(&output.stdout);
    let reports = seed_reports();
    let paragraphs: usize = reports.iter().map(|r| r.paragraphs.len()).sum();
    assert_eq!(docs.len(), paragraphs);
    let ids: BTreeSet<&str> = docs.iter().map(|d| d["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), paragraphs, "every paragraph once");
    for doc in &docs {
        let report = reports
            .iter()
            .find(|r| r.file == doc["file"].as_str().unwrap())
            .unwrap();
        let r = &report.paragraphs[doc["paragraph"].as_u64().unwrap() as usize - 1];
        let p = &r.tags;
        assert_eq!(doc["text"], r.paragraph.text.as_str());
        assert_eq!(doc["county"].as_str(), p.place.county.as_deref());
        assert_eq!(doc["province"].as_str(), p.place.province.as_deref());
        assert_eq!(
            doc["year"].as_i64().map(|y| y as i32),
            p.years.map(|y| y.year)
        );
        assert_eq!(doc["kind"], p.kind.name());
        let themes: Vec<&str> = doc["themes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap())
            .collect();
        assert_eq!(
            themes,
            p.themes.iter().map(String::as_str).collect::<Vec<_>>()
        );
        let words = doc["words"].as_str().unwrap();
        if r.paragraph.text.contains("学前教育") {
            assert!(
                words.split(' ').any(|w| w == "学前教育" || w == "学前"),
                "{words}"
            );
        }
    }
    // A query narrows the export to exactly its hit set.
    let narrowed = ws
        .cmd("export")
        .args(["--query", "学前教育 -民办"])
        .output()
        .unwrap();
    let narrowed = json_lines(&narrowed.stdout);
    let engine = Engine::in_memory(&reports, Tagger::default().theme_names(), 1).unwrap();
    let expected = hit_set(&engine, "学前教育 -民办");
    let got: BTreeSet<(String, u64)> = narrowed
        .iter()
        .map(|d| {
            (
                d["file"].as_str().unwrap().to_string(),
                d["paragraph"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(got, expected);
}

#[test]
fn es_bulk_output_is_valid_bulk_ndjson() {
    let ws = Workspace::with_seed_corpus();
    ws.build();
    let output = ws
        .cmd("export")
        .args(["--format", "es-bulk", "--es-index", "reports"])
        .output()
        .unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.ends_with('\n'), "bulk bodies end with a newline");
    let lines = json_lines(text.as_bytes());
    assert_eq!(lines.len() % 2, 0);
    let paragraphs: usize = seed_reports().iter().map(|r| r.paragraphs.len()).sum();
    assert_eq!(lines.len() / 2, paragraphs, "one document per paragraph");
    for pair in lines.chunks(2) {
        let (action, doc) = (&pair[0], &pair[1]);
        assert_eq!(action.as_object().unwrap().len(), 1);
        assert_eq!(action["index"]["_index"], "reports");
        assert_eq!(action["index"]["_id"], doc["id"]);
        assert!(doc["words"].is_string() && doc["text"].is_string());
    }
    // The shipped mapping knows every exported field.
    let mapping: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(common::root().join("deploy/elasticsearch/baogao-index.json"))
            .unwrap(),
    )
    .unwrap();
    let properties = mapping["mappings"]["properties"].as_object().unwrap();
    for key in lines[1].as_object().unwrap().keys() {
        assert!(properties.contains_key(key), "mapping lacks {key}");
    }
}

#[test]
fn hundreds_of_random_and_malformed_queries_never_panic() {
    let ws = Workspace::with_seed_corpus();
    ws.build();
    let mut rng = Rng::new(2024);
    let pieces = [
        "学前教育",
        "教育",
        "双减",
        "\"",
        "(",
        ")",
        "((",
        "))",
        "OR",
        "AND",
        "NOT",
        "-",
        "|",
        "、",
        "。",
        "“",
        "”",
        "（",
        "）",
        "county:",
        "year:",
        "year:2020..",
        "year:..",
        "year:abc",
        "kind:x",
        "theme:",
        "foo:bar",
        "\u{0}",
        "\u{7}",
        "\u{202E}",
        "🙂",
        "𠀀",
        "ﬁ",
        "\u{FEFF}",
        "\u{200B}",
        "\\",
        "*",
        "?",
        "C9",
        "1+X",
        "5G",
        "2024年",
        " ",
        "\t",
    ];
    let mut queries: Vec<String> = Vec::new();
    for _ in 0..240 {
        let n = 1 + rng.below(6);
        let mut q = String::new();
        for _ in 0..n {
            q.push_str(pieces[rng.below(pieces.len())]);
            if rng.below(2) == 0 {
                q.push(' ');
            }
        }
        queries.push(q);
    }
    queries.push("教".repeat(5000));
    queries.push("(".repeat(100) + "教育" + &")".repeat(100));
    queries.push(vec!["教育"; 200].join(" "));
    queries.push("\"".repeat(7));
    for query in &queries {
        if query.trim().is_empty() || query.contains('\0') {
            // The shell cannot pass NUL; an empty argument is checked below.
            continue;
        }
        let output = ws.cmd("search").arg("--").arg(query).output().unwrap();
        let code = output.status.code();
        assert!(
            matches!(code, Some(0) | Some(1) | Some(2)),
            "{query:?}: {code:?}"
        );
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            !stderr.contains("panicked") && !stderr.contains("internal error"),
            "{query:?}: {stderr}"
        );
        if code == Some(2) {
            assert_eq!(stderr.trim_end().lines().count(), 1, "{query:?}: {stderr}");
            assert!(stderr.starts_with("baogao: "), "{query:?}: {stderr}");
        }
    }
    let empty = ws.cmd("search").arg("").output().unwrap();
    assert_eq!(empty.status.code(), Some(2));
}

/// A search's page as comparable values: total, then per hit its place,
/// score (bit for bit), kind and folded copies.
type Page = (
    u64,
    Vec<(String, u64, u32, String, Vec<(String, u64)>)>,
    Option<baogao::search::FacetCounts>,
);

fn page_of(engine: &Engine, text: &str, options: &baogao::search::SearchOptions) -> Page {
    let results = engine
        .search(&common::query(text, MatchMode::Fill), options)
        .unwrap_or_else(|e| panic!("{text}: {e}"));
    let hits = results
        .hits
        .iter()
        .map(|h| {
            let copies = h
                .copies
                .iter()
                .map(|c| (c.paragraph.file.clone(), u64::from(c.paragraph.number)))
                .collect();
            (
                h.record.paragraph.file.clone(),
                u64::from(h.record.paragraph.number),
                h.score.to_bits(),
                format!("{:?}", h.match_kind),
                copies,
            )
        })
        .collect();
    (results.total, hits, results.facets)
}

/// Two-character words of the texts: the most frequent (broad queries,
/// where pruning skips the most) and some drawn at random.
fn frequent_and_random_words(texts: &[&str], frequent: usize, seed: u64) -> Vec<String> {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for text in texts {
        let chars: Vec<char> = text.chars().collect();
        for pair in chars.windows(2) {
            if pair.iter().all(|c| ('\u{4e00}'..='\u{9fff}').contains(c)) {
                *counts.entry(pair.iter().collect()).or_insert(0) += 1;
            }
        }
    }
    let mut by_count: Vec<(usize, String)> = counts.into_iter().map(|(w, c)| (c, w)).collect();
    by_count.sort_by(|a, b| b.cmp(a));
    let mut words: Vec<String> = by_count
        .into_iter()
        .take(frequent)
        .map(|(_, w)| w)
        .collect();
    for word in random_substrings(texts, frequent, seed) {
        if !words.contains(&word) {
            words.push(word);
        }
    }
    words
}

/// Block-max WAND must give the exhaustive page, hit for hit and score for
/// score (src/search/pruned.rs), for broad and narrow words, for several
/// words, OR, NOT and filters, and pages of every size, collapsed or not.
/// Over the bundled corpus always, and over the national reports in
/// ../shared where present (large enough for whole posting blocks to be
/// skipped).
#[test]
fn pruned_pages_are_the_exhaustive_pages() {
    let mut corpora = vec![common::root().join("corpus")];
    match common::shared() {
        Some(shared) => corpora.push(shared.join("corpus/national")),
        None => eprintln!("skipping the national corpus: ../shared is absent"),
    }
    // (limit, offset, collapse, facets)
    let pages = [
        (Some(1), 0, false, false),
        (Some(3), 0, false, false),
        (Some(10), 0, true, false),
        (Some(10), 0, false, true),
        (Some(5), 20, true, false),
        (Some(40), 0, false, false),
    ];
    for corpus in corpora {
        let reports = common::load_reports(&corpus);
        let texts: Vec<&str> = reports
            .iter()
            .flat_map(|r| r.paragraphs.iter().map(|p| p.paragraph.text.as_str()))
            .collect();
        let engine = Engine::in_memory(&reports, Tagger::default().theme_names(), 2).unwrap();
        let words = frequent_and_random_words(&texts, 40, 7);
        // Queries of several words, summed into one ranking: AND, OR, NOT
        // and broad filters, over the frequent words.
        let mut composite = Vec::new();
        for pair in words[..12].windows(3) {
            let (a, b, c) = (&pair[0], &pair[1], &pair[2]);
            composite.extend([
                format!("{a} {b}"),
                format!("{a} OR {b}"),
                format!("{a} -{b}"),
                format!("{a} NOT ({b} OR {c})"),
                format!("{a} {b} {c}"),
                format!("{a} kind:review"),
                format!("({a} OR {c}) kind:plan"),
            ]);
        }
        let mut compared = 0;
        let mut pruned_words = 0;
        for (i, word) in words.iter().chain(&composite).enumerate() {
            if i == words.len() {
                pruned_words = engine.pruned_searches();
            }
            for &(limit, offset, collapse, facets) in &pages {
                let options = baogao::search::SearchOptions {
                    limit,
                    offset,
                    collapse,
                    facets: if facets {
                        Dimension::ALL.to_vec()
                    } else {
                        Vec::new()
                    },
                    ..Default::default()
                };
                engine.set_pruning(false);
                let before = engine.pruned_searches();
                let exhaustive = page_of(&engine, word, &options);
                assert_eq!(engine.pruned_searches(), before, "{word}: pruned while off");
                engine.set_pruning(true);
                let pruned = page_of(&engine, word, &options);
                assert_eq!(
                    pruned,
                    exhaustive,
                    "{word} limit {limit:?} offset {offset} collapse {collapse} facets {facets} in {}",
                    corpus.display()
                );
                compared += 1;
            }
        }
        // The comparison means something only if pruning took many pages
        // (random words longer than two characters, and pages larger than
        // a word's hits, are answered exhaustively).
        let pruned = engine.pruned_searches();
        eprintln!("{}: {pruned} of {compared} pages pruned", corpus.display());
        assert!(
            pruned * 4 >= compared,
            "{}: {pruned} of {compared} pages pruned",
            corpus.display()
        );
        let composite_pages = (composite.len() * pages.len()) as u64;
        let pruned_composite = pruned - pruned_words;
        eprintln!(
            "{}: {pruned_composite} of {composite_pages} pages of several words pruned",
            corpus.display()
        );
        assert!(
            pruned_composite * 4 >= composite_pages,
            "{}: too few pages of several words pruned",
            corpus.display()
        );
    }
}

/// Everything a search, a grouping and a trend answer, for comparing two
/// engines' answers to the same query.
fn answers(engine: &Engine, text: &str) -> Vec<String> {
    use baogao::search::{GroupBy, SearchOptions, SortOrder};
    let mut out = Vec::new();
    let option_sets = [
        SearchOptions::default(),
        SearchOptions {
            facets: Dimension::ALL.to_vec(),
            ..Default::default()
        },
        SearchOptions {
            limit: None,
            collapse: false,
            ..Default::default()
        },
        SearchOptions {
            limit: Some(7),
            offset: 5,
            sort: SortOrder::YearDesc,
            ..Default::default()
        },
    ];
    for options in &option_sets {
        out.push(format!("{:?}", page_of(engine, text, options)));
    }
    let query = common::query(text, MatchMode::Fill);
    for by in [
        GroupBy::Report,
        GroupBy::Dimension(Dimension::County),
        GroupBy::Dimension(Dimension::Year),
        GroupBy::Dimension(Dimension::Kind),
    ] {
        let grouped = engine
            .groups(&query, by, &SearchOptions::default())
            .unwrap_or_else(|e| panic!("{text}: {e}"));
        let groups: Vec<_> = grouped
            .groups
            .iter()
            .map(|g| {
                let p = &g.best.record.paragraph;
                (g.value.clone(), g.count, p.file.clone(), p.number)
            })
            .collect();
        out.push(format!(
            "{} {} {groups:?}",
            grouped.total, grouped.group_count
        ));
    }
    let counts = engine
        .counts_by_report(&query)
        .unwrap_or_else(|e| panic!("{text}: {e}"));
    out.push(format!("{counts:?}"));
    let trend = engine
        .trend(&query, Dimension::Year)
        .unwrap_or_else(|e| panic!("{text}: {e}"));
    out.push(format!("{} {:?}", trend.total, trend.buckets));
    out
}

/// Compare an engine's answers with its segments split into ranges on
/// several threads and not split at all (src/search/parallel.rs), query
/// by query.
fn assert_split_answers_unsplit(engine: &Engine, queries: &[String], what: &str) {
    use baogao::search::Splitting;
    for text in queries {
        engine.set_splitting(Splitting::Never);
        let whole = answers(engine, text);
        engine.set_splitting(Splitting::Always);
        let split = answers(engine, text);
        engine.set_splitting(Splitting::Adaptive);
        for (i, (split, whole)) in split.iter().zip(&whole).enumerate() {
            assert_eq!(split, whole, "{text} in {what}, answer {i}");
        }
        assert_eq!(split.len(), whole.len());
    }
}

/// The queries split searches are checked on: broad and rare words,
/// phrases, one character, operators, filters.
fn split_queries(texts: &[&str]) -> Vec<String> {
    let words = frequent_and_random_words(texts, 12, 11);
    let mut queries: Vec<String> = words.clone();
    queries.extend(random_substrings(texts, 8, 23));
    for pair in words[..6].windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        queries.extend([
            format!("{a} {b}"),
            format!("{a} OR {b}"),
            format!("{a} -{b}"),
            format!("{a} year:2015..2022"),
            format!("{a} kind:review"),
        ]);
    }
    queries.extend(["教".to_string(), "学前教育普惠".to_string()]);
    queries
}

/// A search collected on several threads, each taking a range of a
/// segment's documents, answers exactly as on one: the same hits, scores,
/// totals, facets, groups and trends. Over the bundled corpus, the
/// national reports where ../shared is present, and an index with deleted
/// documents (an incremental build after an edit).
#[test]
fn split_searches_answer_as_unsplit_ones() {
    let mut corpora = vec![common::root().join("corpus")];
    match common::shared() {
        Some(shared) => corpora.push(shared.join("corpus/national")),
        None => eprintln!("skipping the national corpus: ../shared is absent"),
    }
    for corpus in &corpora {
        let reports = common::load_reports(corpus);
        let texts: Vec<&str> = reports
            .iter()
            .flat_map(|r| r.paragraphs.iter().map(|p| p.paragraph.text.as_str()))
            .collect();
        let engine = Engine::in_memory(&reports, Tagger::default().theme_names(), 2).unwrap();
        assert_split_answers_unsplit(
            &engine,
            &split_queries(&texts),
            &corpus.display().to_string(),
        );
    }

    // Deleted documents: re-index one edited report, so that its old
    // paragraphs stay in their segment, marked deleted.
    let ws = Workspace::with_seed_corpus();
    ws.build();
    let edited = std::fs::read_dir(ws.corpus())
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "txt"))
        .expect("a text report");
    let text = std::fs::read_to_string(&edited).unwrap();
    std::fs::write(&edited, text.replacen("教育", "教学", 3)).unwrap();
    ws.build();
    let engine = Engine::open(&ws.index()).unwrap();
    let has_deletions = engine
        .searcher()
        .segment_readers()
        .iter()
        .any(|s| s.num_deleted_docs() > 0);
    assert!(has_deletions, "the edit left no deleted documents");
    let reports = common::load_reports(&ws.corpus());
    let texts: Vec<&str> = reports
        .iter()
        .flat_map(|r| r.paragraphs.iter().map(|p| p.paragraph.text.as_str()))
        .collect();
    assert_split_answers_unsplit(&engine, &split_queries(&texts), "an index with deletions");
}

/// A literal of three or more characters that is a word of the index is
/// looked up through the word first (src/search/word_phrase.rs); one that
/// is not, and any literal scored by its phrase, stays a plain phrase.
#[test]
fn a_literal_that_is_an_indexed_word_goes_through_the_word() {
    use baogao::search::plan::Planner;
    let reports = common::load_reports(&common::root().join("corpus"));
    let engine = Engine::in_memory(&reports, Tagger::default().theme_names(), 1).unwrap();
    let searcher = engine.searcher();
    let planner = Planner {
        searcher: &searcher,
        fields: engine.fields(),
    };
    let plan = |text: &str, scored: bool| format!("{:?}", planner.literal(text, scored));
    assert!(
        plan("学前教育", false).starts_with("WordOrPhrase("),
        "{}",
        plan("学前教育", false)
    );
    // Not a word (it crosses two), though the bundled reports contain it.
    assert!(reports.iter().any(|r| {
        r.paragraphs
            .iter()
            .any(|p| p.paragraph.text.contains("教育局工作"))
    }));
    assert!(
        !plan("教育局工作", false).contains("WordOrPhrase"),
        "{}",
        plan("教育局工作", false)
    );
    assert!(!plan("学前教育", true).contains("WordOrPhrase"));
    // And the hits are the same either way (the recall tests check them
    // against a substring scan).
    assert_eq!(
        common::exact_hits(&engine, "学前教育").len(),
        reports
            .iter()
            .flat_map(|r| &r.paragraphs)
            .filter(
                |p| baogao::analysis::normalize::normalize(&p.paragraph.text).contains("学前教育")
            )
            .count()
    );
}
