//! Library tests on in-memory indexes: ranking, determinism, snippets.

mod common;

use baogao::corpus::{self, tags::Tagger};
use baogao::index::{self, IndexHandle};
use baogao::search::{self, SearchRequest};

fn seed_reports() -> Vec<corpus::Report> {
    let dir = common::root().join("corpus");
    let tagger = Tagger::for_corpus(&dir, None).expect("tagger");
    corpus::walk(&dir)
        .expect("walk")
        .files
        .iter()
        .map(|f| corpus::load_report(f, &tagger).expect("report"))
        .collect()
}

fn ranked(handle: &IndexHandle, query: &str) -> Vec<(String, u64)> {
    let mut request = SearchRequest::new(query);
    request.limit = Some(50);
    let results = search::search(handle, &request).expect("search");
    results
        .hits
        .iter()
        .map(|h| (h.location.file.clone(), h.location.paragraph))
        .collect()
}

#[test]
fn results_do_not_depend_on_the_number_of_indexing_threads() {
    let reports = seed_reports();
    let one = index::in_memory(&reports, Vec::new(), 1).expect("index");
    let four = index::in_memory(&reports, Vec::new(), 4).expect("index");
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
    let handle = index::in_memory(&reports, Vec::new(), 2).expect("index");
    let mut request = SearchRequest::new("那尔轰");
    request.limit = None;
    let results = search::search(&handle, &request).expect("search");
    assert!(results.total > 0);
    for hit in &results.hits {
        assert_eq!(hit.location.county, "靖宇县");
        assert_eq!(hit.location.city, "白山市");
        assert_eq!(hit.location.province, "吉林省");
    }
    let results = search::search(&handle, &SearchRequest::new("银榴奖")).expect("search");
    let hit = &results.hits[0];
    assert_eq!(
        (hit.location.county.as_str(), hit.location.city.as_str()),
        ("", "台州市")
    );
}

#[test]
fn snippets_highlight_whole_characters_of_every_term() {
    let reports = seed_reports();
    let handle = index::in_memory(&reports, Vec::new(), 2).expect("index");
    let mut request = SearchRequest::new("学前教育 幼儿园");
    request.limit = None;
    let results = search::search(&handle, &request).expect("search");
    assert!(results.total > 0);
    for hit in results.hits.iter().filter(|h| !h.partial) {
        let chars: Vec<char> = hit.snippet.text.chars().collect();
        // About 100 characters, an ellipsis at either end, and at most one
        // term's length more where the window widened to keep a match whole.
        assert!(
            chars.len() <= request.snippet_chars + 2 + 4,
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
    let handle = index::in_memory(&reports, Vec::new(), 1).expect("index");
    let hits = ranked(&handle, "学前教育");
    assert_eq!(hits.len(), 2);
    assert_eq!(hits[0].1, 1, "the paragraph about 学前教育 first");
}
