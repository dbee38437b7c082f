//! Tagging: place, year, kind and themes inferred from the text, the
//! `check` command, and the tag filters of `search`.

mod common;

use baogao::corpus::record::{Kind, Record};
use baogao::corpus::{Report, tags::TagSource};
use common::{Workspace, json_lines};
use std::path::Path;

/// The seed reports under neutral names (no place in the file name) and
/// without a manifest: what inference alone makes of them.
fn neutral_seed_workspace() -> Workspace {
    let ws = Workspace::new();
    let names = [
        ("青田县", "000.txt"),
        ("靖宇县", "001.txt"),
        ("瓯海区", "002.txt"),
        ("常山县", "003.txt"),
        ("台州市", "004.txt"),
    ];
    for entry in std::fs::read_dir(common::root().join("corpus")).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some((_, neutral)) = names.iter().find(|(prefix, _)| name.starts_with(prefix)) {
            std::fs::copy(entry.path(), ws.corpus().join(neutral)).unwrap();
        }
    }
    ws
}

fn load(dir: &Path) -> Vec<Report> {
    common::load_reports(dir)
}

fn place(report: &Report) -> (&str, &str, &str) {
    fn name(t: &Option<baogao::corpus::tags::Tagged<String>>) -> &str {
        t.as_ref().map_or("", |t| t.value.as_str())
    }
    let t = &report.tags;
    (name(&t.county), name(&t.city), name(&t.province))
}

/// A paragraph's year.
fn year(r: &Record) -> Option<i32> {
    r.tags.years.map(|y| y.year)
}

/// A paragraph's span of years.
fn span(r: &Record) -> (Option<i32>, Option<i32>) {
    (r.tags.years.map(|y| y.from), r.tags.years.map(|y| y.to))
}

fn by_file<'a>(reports: &'a [Report], file: &str) -> &'a Report {
    reports
        .iter()
        .find(|r| r.file == file)
        .unwrap_or_else(|| panic!("{file}"))
}

#[test]
fn seeds_are_placed_from_their_text_alone() {
    let ws = neutral_seed_workspace();
    let reports = load(&ws.corpus());
    assert_eq!(
        place(by_file(&reports, "000.txt")),
        ("青田县", "丽水市", "浙江省")
    );
    // 001 names no county: its towns 那尔轰 and 赤松 place it.
    assert_eq!(
        place(by_file(&reports, "001.txt")),
        ("靖宇县", "白山市", "吉林省")
    );
    assert_eq!(
        place(by_file(&reports, "002.txt")),
        ("瓯海区", "温州市", "浙江省")
    );
    assert_eq!(
        place(by_file(&reports, "003.txt")),
        ("常山县", "衢州市", "浙江省")
    );
    // 004's county-level city is redacted: no county is invented.
    assert_eq!(
        place(by_file(&reports, "004.txt")),
        ("", "台州市", "浙江省")
    );
    for report in &reports {
        if let Some(county) = &report.tags.county {
            assert_eq!(county.source, TagSource::Text, "{}", report.file);
            assert!(county.confidence >= 0.5 && county.confidence <= 1.0);
        }
    }
    let years: Vec<i32> = ["000.txt", "001.txt", "002.txt", "003.txt", "004.txt"]
        .iter()
        .map(|f| by_file(&reports, f).tags.year_value().unwrap())
        .collect();
    assert_eq!(years, vec![2024, 2020, 2022, 2023, 2024]);
}

#[test]
fn without_the_manifest_the_bundled_corpus_is_tagged_the_same() {
    let ws = Workspace::with_seed_corpus();
    std::fs::remove_file(ws.corpus().join("reports.toml")).unwrap();
    let reports = load(&ws.corpus());
    let find = |prefix: &str| reports.iter().find(|r| r.file.starts_with(prefix)).unwrap();
    assert_eq!(place(find("青田县")), ("青田县", "丽水市", "浙江省"));
    assert_eq!(place(find("靖宇县")), ("靖宇县", "白山市", "吉林省"));
    assert_eq!(place(find("瓯海区")), ("瓯海区", "温州市", "浙江省"));
    assert_eq!(place(find("常山县")), ("常山县", "衢州市", "浙江省"));
    // The paragraphs of 000 under its 2025 heading are 2025 plans.
    let qingtian = find("青田县");
    let start = qingtian
        .paragraphs
        .iter()
        .position(|p| p.paragraph.text == "二、2025年工作思路")
        .expect("the 2025 heading");
    assert!(qingtian.paragraphs.len() > start + 3);
    for p in &qingtian.paragraphs[start..] {
        assert_eq!(year(p), Some(2025), "{}", p.paragraph.text);
        assert_eq!(p.tags.kind, Kind::Plan, "{}", p.paragraph.text);
    }
    for p in &qingtian.paragraphs[..start] {
        assert_eq!(year(p), Some(2024), "{}", p.paragraph.text);
    }
    assert!(
        qingtian.paragraphs[1..start]
            .iter()
            .all(|p| p.tags.kind == Kind::Review)
    );
}

#[test]
fn five_year_plan_sections_keep_their_span() {
    let reports = load(&common::root().join("corpus"));
    let jingyu = reports
        .iter()
        .find(|r| r.file.starts_with("靖宇县"))
        .unwrap();
    let under = |heading: &'static str| {
        jingyu
            .paragraphs
            .iter()
            .filter(move |p| p.paragraph.headings.iter().any(|h| h.contains(heading)))
    };
    for p in under("十三五") {
        assert_eq!(span(p), (Some(2016), Some(2020)));
        assert_eq!(year(p), Some(2020));
        assert_eq!(p.tags.kind, Kind::Review);
    }
    for p in under("十四五") {
        assert_eq!(span(p), (Some(2021), Some(2025)));
        assert_eq!(year(p), Some(2021));
        assert_eq!(p.tags.kind, Kind::Plan);
    }
    for p in under("四、2021年工作安排") {
        assert_eq!((year(p), p.tags.kind), (Some(2021), Kind::Plan));
    }
    for p in under("三、存在主要问题") {
        assert_eq!(p.tags.kind, Kind::Other);
    }
}

#[test]
fn year_filters_match_spans() {
    let ws = Workspace::with_seed_corpus();
    ws.build();
    let output = ws
        .cmd("search")
        .args(["教育", "--year", "2018", "--all", "--json", "--no-collapse"])
        .output()
        .unwrap();
    let lines = json_lines(&output.stdout);
    let hits: Vec<_> = lines.iter().filter(|l| l["type"] == "hit").collect();
    assert!(!hits.is_empty(), "a 十三五 review paragraph covers 2018");
    for hit in hits {
        assert_eq!(
            (hit["year_from"].as_u64(), hit["year_to"].as_u64()),
            (Some(2016), Some(2020))
        );
        assert_eq!(hit["county"], "靖宇县");
    }
}

#[test]
fn national_reports_are_national_with_their_years() {
    let Some(shared) = common::shared() else {
        return;
    };
    let dir = shared.join("corpus/national");
    let reports = load(&dir);
    assert_eq!(reports.len(), 52);
    let mut plan_years_seen = 0;
    for report in &reports {
        let delivered: i32 = report.file[..4].parse().unwrap();
        assert_eq!(place(report), ("", "", "全国"), "{}", report.file);
        // A government work report delivered in year Y reviews Y-1.
        assert_eq!(
            report.tags.year_value(),
            Some(delivered - 1),
            "{}",
            report.file
        );
        for p in &report.paragraphs {
            let (from, to) = (span(p).0.unwrap(), span(p).1.unwrap());
            assert!(
                from <= to && to <= delivered + 5 && from >= 1949,
                "{}: {from}..{to}",
                report.file
            );
            if p.tags.kind == Kind::Plan && year(p) == Some(delivered) {
                plan_years_seen += 1;
            }
        }
    }
    assert!(
        plan_years_seen > 100,
        "plan sections dated with the delivery year: {plan_years_seen}"
    );
    // 2010: "一、2009年工作回顾" reviews 2009, "二、2010年主要任务" plans 2010.
    let r2010 = reports.iter().find(|r| r.file.starts_with("2010")).unwrap();
    let kinds_years: std::collections::BTreeSet<(Kind, Option<i32>)> = r2010
        .paragraphs
        .iter()
        .map(|p| (p.tags.kind, year(p)))
        .collect();
    assert!(kinds_years.contains(&(Kind::Review, Some(2009))));
    assert!(kinds_years.contains(&(Kind::Plan, Some(2010))));
}

#[test]
fn provincial_reports_get_their_province_and_no_county() {
    let reports = load(&common::root().join("tests/fixtures/provincial"));
    let expect = [
        ("guangdong-2022.txt", "广东省", 2021, 2022),
        ("henan-2023-education.md", "河南省", 2023, 2024),
        ("sichuan-2023.txt", "四川省", 2022, 2023),
        ("zhejiang-2024.txt", "浙江省", 2023, 2024),
    ];
    for (file, province, review, plan) in expect {
        let report = by_file(&reports, file);
        assert_eq!(place(report), ("", "", province), "{file}");
        assert_eq!(report.tags.year_value(), Some(review), "{file}");
        let dated: Vec<(Kind, Option<i32>)> = report
            .paragraphs
            .iter()
            .map(|p| (p.tags.kind, year(p)))
            .collect();
        assert!(
            dated.contains(&(Kind::Review, Some(review))),
            "{file}: {dated:?}"
        );
        assert!(
            dated.iter().any(|(_, y)| *y == Some(plan)),
            "{file}: {dated:?}"
        );
    }
}

#[test]
fn gbk_copies_are_tagged_like_the_originals() {
    let ws = neutral_seed_workspace();
    let gbk = Workspace::new();
    for entry in std::fs::read_dir(ws.corpus()).unwrap() {
        let entry = entry.unwrap();
        let text = std::fs::read_to_string(entry.path()).unwrap();
        let (bytes, _, unmappable) = encoding_rs::GBK.encode(&text);
        assert!(!unmappable);
        gbk.write(&entry.file_name().to_string_lossy(), bytes.as_ref());
    }
    let original = load(&ws.corpus());
    let encoded = load(&gbk.corpus());
    for (a, b) in original.iter().zip(&encoded) {
        assert_eq!(a.file, b.file);
        assert_eq!(b.encoding, baogao::corpus::decode::Encoding::Gb18030.name());
        assert_eq!(place(a), place(b), "{}", a.file);
        assert_eq!(a.tags.year_value(), b.tags.year_value());
        let tags_a: Vec<_> = a.paragraphs.iter().map(|p| p.tags.clone()).collect();
        let tags_b: Vec<_> = b.paragraphs.iter().map(|p| p.tags.clone()).collect();
        assert_eq!(tags_a, tags_b, "{}", a.file);
    }
}

#[test]
fn ambiguous_names_need_their_city_or_province() {
    let ws = Workspace::new();
    ws.write(
        "a.txt",
        "鼓楼区教育局2023年工作总结\n鼓楼区推进学前教育。鼓楼区各校。\n",
    );
    ws.write(
        "b.txt",
        "鼓楼区教育局2023年工作总结\n南京市鼓楼区推进学前教育。鼓楼区各校落实江苏省部署。\n",
    );
    ws.write(
        "c.txt",
        "鼓楼区教育局2023年工作总结\n福州市鼓楼区推进学前教育。鼓楼区各校落实福建省部署。\n",
    );
    let reports = load(&ws.corpus());
    assert_eq!(
        place(by_file(&reports, "a.txt")).0,
        "",
        "鼓楼区 alone is left unknown"
    );
    assert_eq!(
        place(by_file(&reports, "b.txt")),
        ("鼓楼区", "南京市", "江苏省")
    );
    assert_eq!(
        place(by_file(&reports, "c.txt")),
        ("鼓楼区", "福州市", "福建省")
    );
}

#[test]
fn manifest_wins_and_empty_means_unknown() {
    let ws = Workspace::new();
    ws.write(
        "r.txt",
        "青田县教育局2024年工作总结\n青田县推进学前教育。\n",
    );
    ws.write(
        "reports.toml",
        "[[report]]\nfile = \"r.txt\"\ncounty = \"\"\ncity = \"丽水市\"\nyear = 2023\n",
    );
    let reports = load(&ws.corpus());
    let r = by_file(&reports, "r.txt");
    assert_eq!(place(r), ("", "丽水市", "浙江省"));
    assert_eq!(r.tags.city.as_ref().unwrap().source, TagSource::Manifest);
    assert_eq!(r.tags.year_value(), Some(2023));
    ws.write(
        "reports.toml",
        "[[report]]\nfile = \"r.txt\"\ncounty = \"瓯海区\"\n",
    );
    let reports = load(&ws.corpus());
    assert_eq!(
        place(by_file(&reports, "r.txt")),
        ("瓯海区", "温州市", "浙江省")
    );
}

#[test]
fn check_passes_on_the_bundled_corpus_and_fails_on_an_undatable_report() {
    let ws = Workspace::with_seed_corpus();
    let output = ws
        .cmd("check")
        .args(["--index", "index", "--json"])
        .output()
        .unwrap();
    // `check` takes --corpus only, not --index.
    assert_eq!(
        output.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let run = |args: &[&str]| {
        assert_cmd::Command::cargo_bin("baogao")
            .unwrap()
            .arg("check")
            .arg("--corpus")
            .arg(ws.corpus())
            .args(args)
            .output()
            .unwrap()
    };
    let clean = run(&["--json"]);
    assert_eq!(
        clean.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&clean.stdout)
    );
    let lines = json_lines(&clean.stdout);
    let reports: Vec<_> = lines.iter().filter(|l| l["type"] == "report").collect();
    assert_eq!(reports.len(), 5);
    for r in &reports {
        assert!(r["year"]["value"].is_i64() || r["year"]["value"].is_u64());
        assert!(r["province"]["value"].is_string());
        assert!(r["year"]["source"].is_string() && r["year"]["confidence"].is_number());
    }
    assert_eq!(lines.last().unwrap()["clean"], true);
    // An undatable, unplaceable report: exit 1, named.
    ws.write(
        "无题.txt",
        "这是一份没有年份也没有地名的材料。\n内容若干。\n",
    );
    let dirty = run(&[]);
    assert_eq!(dirty.status.code(), Some(1));
    let text = String::from_utf8_lossy(&dirty.stdout);
    assert!(
        text.contains("无题.txt") && text.contains("no year") && text.contains("no county"),
        "{text}"
    );
    // --strict refuses to build; without it the build goes ahead.
    let strict = ws.cmd("index").arg("--strict").output().unwrap();
    assert_eq!(strict.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&strict.stderr).contains("refusing"));
    assert!(!ws.index().join("meta.json").exists());
    ws.cmd("index").assert().success();
}

#[test]
fn check_reports_duplicates_and_undecodable_files() {
    let ws = Workspace::with_seed_corpus();
    let original = ws
        .corpus()
        .join("青田县教育局2024年工作总结和2025年工作思路.txt");
    std::fs::copy(&original, ws.corpus().join("copy.txt")).unwrap();
    ws.write("scan.txt", "%PDF-1.4\n");
    let output = assert_cmd::Command::cargo_bin("baogao")
        .unwrap()
        .args(["check", "--json", "--corpus"])
        .arg(ws.corpus())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let lines = json_lines(&output.stdout);
    let problems: Vec<(&str, &str)> = lines
        .iter()
        .filter(|l| l["type"] == "problem")
        .map(|l| (l["file"].as_str().unwrap(), l["problem"].as_str().unwrap()))
        .collect();
    assert!(problems.contains(&("scan.txt", "corrupt")), "{problems:?}");
    assert!(
        problems
            .iter()
            .any(|(f, p)| *p == "duplicate" && (f.contains("copy.txt") || f.contains("青田县"))),
        "{problems:?}"
    );
}

#[test]
fn themes_and_kinds_filter_and_unknown_themes_are_errors() {
    let ws = Workspace::with_seed_corpus();
    ws.build();
    let output = ws
        .cmd("search")
        .args([
            "教育",
            "--theme",
            "学前教育",
            "--kind",
            "plan",
            "--all",
            "--json",
            "--no-collapse",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let lines = json_lines(&output.stdout);
    let hits: Vec<_> = lines.iter().filter(|l| l["type"] == "hit").collect();
    assert!(!hits.is_empty());
    for hit in &hits {
        assert_eq!(hit["kind"], "plan");
        assert!(
            hit["themes"]
                .as_array()
                .unwrap()
                .iter()
                .any(|t| t == "学前教育"),
            "{hit}"
        );
    }
    let unknown = ws
        .cmd("search")
        .args(["教育", "--theme", "太空教育"])
        .output()
        .unwrap();
    assert_eq!(unknown.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&unknown.stderr);
    assert!(
        stderr.contains("unknown theme") && stderr.contains("学前教育") && stderr.contains("双减"),
        "{stderr}"
    );
    // Hits show their tags in the terminal too.
    let text = ws
        .cmd("search")
        .args(["县中崛起", "--color", "never"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&text.stdout);
    assert!(
        stdout.contains("青田县 · 2024 · review") && stdout.contains("高中教育"),
        "{stdout}"
    );
}

#[test]
fn a_themes_file_beside_the_corpus_replaces_the_default() {
    let ws = Workspace::new();
    ws.write(
        "r.txt",
        "2024年工作总结\n全县推进研学旅行,组织研学旅行活动30次。\n",
    );
    ws.write(
        "themes.toml",
        "threshold = 3\n[[theme]]\nname = \"研学旅行\"\nkeywords = { \"研学旅行\" = 3 }\n",
    );
    ws.build();
    let output = ws
        .cmd("search")
        .args(["研学", "--theme", "研学旅行", "--json"])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // Editing it re-tags on the next build.
    ws.write(
        "themes.toml",
        "threshold = 3\n[[theme]]\nname = \"实践活动\"\nkeywords = { \"研学\" = 3 }\n",
    );
    let rebuilt = ws.cmd("index").arg("--json").output().unwrap();
    assert_eq!(json_lines(&rebuilt.stdout)[0]["full"], true);
    ws.cmd("search")
        .args(["研学", "--theme", "实践活动"])
        .assert()
        .code(0);
    ws.cmd("search")
        .args(["研学", "--theme", "研学旅行"])
        .assert()
        .code(2);
    // A broken taxonomy is an error that names the file and line.
    ws.write("themes.toml", "threshold = 3\n[[theme]]\nname = 5\n");
    let broken = ws.cmd("index").output().unwrap();
    assert_eq!(broken.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&broken.stderr);
    assert!(
        stderr.contains("themes.toml") && stderr.contains("line 3"),
        "{stderr}"
    );
}

#[test]
fn paragraphs_without_a_year_never_pass_a_year_filter() {
    let ws = Workspace::new();
    ws.write("dated.txt", "2023年工作总结\n推进教育公平。\n");
    ws.write("undated.txt", "一份没有年份的材料\n推进教育公平。\n");
    ws.build();
    for filter in ["year:..2030", "year:1900..", "year:2023"] {
        let output = ws
            .cmd("search")
            .args([&format!("教育 {filter}"), "--json", "--all"])
            .output()
            .unwrap();
        let lines = json_lines(&output.stdout);
        let files: Vec<&str> = lines
            .iter()
            .filter(|l| l["type"] == "hit")
            .map(|l| l["file"].as_str().unwrap())
            .collect();
        assert_eq!(files, vec!["dated.txt"], "{filter}");
    }
    let output = ws
        .cmd("search")
        .args(["教育", "--json", "--facets"])
        .output()
        .unwrap();
    let lines = json_lines(&output.stdout);
    let facets = lines.iter().find(|l| l["type"] == "facets").unwrap();
    assert_eq!(facets["year"]["(none)"], 1);
    assert_eq!(facets["year"]["2023"], 1);
    let undated = lines
        .iter()
        .find(|l| l["type"] == "hit" && l["file"] == "undated.txt")
        .unwrap();
    assert!(undated["year"].is_null() && undated["year_from"].is_null());
}
