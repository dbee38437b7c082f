//! Library tests on in-memory indexes: ranking, determinism, snippets.

mod common;

use baogao::corpus::{self, tags::Tagger};
use baogao::search::{Engine, MatchMode, SearchOptions};
use common::query;

fn seed_reports() -> Vec<corpus::Report> {
    common::load_reports(&common::root().join("corpus"))
}

fn ranked(engine: &Engine, text: &str) -> Vec<(String, u64)> {
    let options = SearchOptions {
        limit: Some(50),
        ..SearchOptions::default()
    };
    let results = engine
        .search(&query(text, MatchMode::Fill), &options)
        .expect("search");
    results
        .hits
        .iter()
        .map(|h| {
            (
                h.record.paragraph.file.clone(),
                u64::from(h.record.paragraph.number),
            )
        })
        .collect()
}

#[test]
fn results_do_not_depend_on_the_number_of_indexing_threads() {
    let reports = seed_reports();
    let one = Engine::in_memory(&reports, Vec::new(), 1).expect("index");
    let four = Engine::in_memory(&reports, Vec::new(), 4).expect("index");
    for query in [
        "教育",
        "学前教育",
        "双减 课后服务",
        "质量 OR 安全",
        "2024年",
        "教",
    ] {
        assert_eq!(ranked(&one, query), ranked(&four, query), "{query}");
    }
}

#[test]
fn seed_manifest_tags_reach_the_hits() {
    let reports = seed_reports();
    let engine = Engine::in_memory(&reports, Vec::new(), 2).expect("index");
    let every = SearchOptions {
        limit: None,
        ..SearchOptions::default()
    };
    let results = engine
        .search(&query("那尔轰", MatchMode::Fill), &every)
        .expect("search");
    assert!(results.total > 0);
    for hit in &results.hits {
        let place = &hit.record.tags.place;
        assert_eq!(place.county.as_deref(), Some("靖宇县"));
        assert_eq!(place.city.as_deref(), Some("白山市"));
        assert_eq!(place.province.as_deref(), Some("吉林省"));
    }
    let results = engine
        .search(&query("银榴奖", MatchMode::Fill), &SearchOptions::default())
        .expect("search");
    let place = &results.hits[0].record.tags.place;
    assert_eq!(
        (place.county.as_deref(), place.city.as_deref()),
        (None, Some("台州市"))
    );
}

#[test]
fn snippets_highlight_whole_characters_of_every_term() {
    let reports = seed_reports();
    let engine = Engine::in_memory(&reports, Vec::new(), 2).expect("index");
    let options = SearchOptions {
        limit: None,
        ..SearchOptions::default()
    };
    let results = engine
        .search(&query("学前教育 幼儿园", MatchMode::Fill), &options)
        .expect("search");
    assert!(results.total > 0);
    for hit in results.hits.iter().filter(|h| !h.is_partial()) {
        let chars: Vec<char> = hit.snippet.text.chars().collect();
        // About 100 characters, an ellipsis at either end, and at most one
        // term's length more where the window widened to keep a match whole.
        assert!(
            chars.len() <= options.snippet_chars + 2 + 4,
            "{}",
            hit.snippet.text
        );
        let mut previous_end = 0;
        for &(start, end) in &hit.snippet.highlights {
            assert!(start >= previous_end && start < end && end <= chars.len());
            previous_end = end;
            let marked: String = chars[start..end].iter().collect();
            assert!(
                marked.contains("学前教育") || marked.contains("幼儿园"),
                "{marked}"
            );
        }
    }
}

#[test]
fn paragraphs_about_a_term_beat_passing_mentions() {
    let text = "\
学前教育工作取得新进展。全县学前教育三年毛入园率达98%,新建公办幼儿园5所,学前教育普惠率达90%,学前教育师资培训覆盖全体教师。
全年完成校舍维修改造、食堂提升、运动场建设、教师招聘、课后服务、学前教育、信息化建设、安全管理、督导评估、后勤保障、资助发放等工作,各项工作有序推进。
";
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("r.txt"), text).unwrap();
    let tagger = Tagger::default();
    let files = corpus::walk(dir.path()).unwrap().files;
    let reports: Vec<_> = files
        .iter()
        .map(|f| corpus::load_report(f, &tagger).unwrap())
        .collect();
    let engine = Engine::in_memory(&reports, Vec::new(), 1).expect("index");
    let hits = ranked(&engine, "学前教育");
    assert_eq!(hits.len(), 2);
    assert_eq!(hits[0].1, 1, "the paragraph about 学前教育 first");
}

/// Resident memory of this process, in KiB (Linux).
#[cfg(target_os = "linux")]
fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

#[cfg(target_os = "linux")]
#[test]
fn a_long_lived_engine_reloads_to_see_a_rebuild_and_its_memory_stays_flat() {
    let ws = common::Workspace::new();
    ws.write("a.txt", "甲县推进学前教育普及普惠。\n");
    // Builds run in another process, `baogao index`, as they would while
    // a long-lived engine serves queries.
    ws.build();
    let engine = Engine::open(&ws.index()).expect("open");
    let new_words = query("县中崛起", MatchMode::All);
    let old_words = query("学前教育", MatchMode::All);
    let total = |q: &baogao::search::Query| {
        engine
            .search(q, &SearchOptions::default())
            .expect("search")
            .total
    };
    assert_eq!(total(&new_words), 0);
    // Another process rebuilds the index; the engine sees the new
    // paragraphs after a reload, not before.
    ws.write("b.txt", "乙县推进县中崛起计划。\n");
    ws.build();
    assert_eq!(total(&new_words), 0, "no reload, the old commit");
    engine.reload().expect("reload");
    assert_eq!(total(&new_words), 1);
    assert_eq!(total(&old_words), 1);

    // 10,000 searches, with a new commit and a reload every 500: memory
    // stays flat, and the column cache holds only live segments.
    let mut samples = Vec::new();
    for i in 0..10_000 {
        if i % 500 == 0 {
            ws.write("c.txt", format!("丙县第{i}次推进学前教育。\n"));
            ws.build();
            engine.reload().expect("reload");
        }
        let q = if i % 2 == 0 { &old_words } else { &new_words };
        assert!(total(q) >= 1);
        if i % 1000 == 999 {
            samples.push(rss_kib());
        }
    }
    eprintln!("rss samples (KiB): {samples:?}");
    let segments = engine.searcher().segment_readers().len();
    assert!(
        engine.cached_segments() <= segments,
        "{} cached for {segments} live segments",
        engine.cached_segments()
    );
    // After warming up (the first samples), growth stays within 2 MiB.
    let (early, late) = (samples[1], samples[samples.len() - 1]);
    assert!(
        late <= early + 2048,
        "resident memory grew from {early} KiB to {late} KiB: {samples:?}"
    );
}
