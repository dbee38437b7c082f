//! Hostile corpus input and hostile queries: each ends in indexed or
//! skipped-with-a-warning (counted in the summary), a result or one clear
//! error — never a crash.

mod common;

use common::{Workspace, json_lines};
use std::time::Instant;

fn index_json(ws: &Workspace) -> (Option<i32>, serde_json::Value, String) {
    index_json_with(ws, &[])
}

/// `baogao index --json` with more arguments.
fn index_json_with(ws: &Workspace, args: &[&str]) -> (Option<i32>, serde_json::Value, String) {
    let output = ws
        .cmd("index")
        .arg("--json")
        .args(args)
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(
        !stderr.contains("panicked") && !stderr.contains("internal error"),
        "{stderr}"
    );
    let summary = json_lines(&output.stdout)
        .pop()
        .unwrap_or(serde_json::Value::Null);
    (output.status.code(), summary, stderr)
}

/// `baogao search TERM --json`, which must succeed: its hit total.
fn search_total(ws: &Workspace, term: &str) -> serde_json::Value {
    let output = ws.cmd("search").args([term, "--json"]).output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{term}");
    json_lines(&output.stdout).pop().unwrap()["total"].clone()
}

fn skipped(summary: &serde_json::Value, reason: &str) -> Vec<String> {
    summary["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["reason"] == reason)
        .map(|s| s["file"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn empty_binary_pdf_and_undecodable_files_are_skipped_and_counted() {
    let ws = Workspace::new();
    ws.write("good.txt", "学前教育普及普惠。\n");
    ws.write("empty.txt", "");
    ws.write("blank.md", "\n\n   \n");
    ws.write(
        "report.pdf.txt",
        b"%PDF-1.5\n1 0 obj\n<< /Type /Catalog >>\n",
    );
    ws.write("word.txt", b"PK\x03\x04\x14\x00\x06\x00docx...");
    ws.write("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR");
    ws.write(
        "garbage.txt",
        std::iter::repeat_n([0x80u8, 0xFF, 0xFE, b'\n'], 100)
            .flatten()
            .collect::<Vec<u8>>(),
    );
    let (code, summary, stderr) = index_json(&ws);
    assert_eq!(code, Some(0));
    assert_eq!(summary["indexed"], 1);
    assert_eq!(skipped(&summary, "empty").len(), 2);
    // A PDF named .txt is read as one; this one is cut short.
    assert_eq!(skipped(&summary, "corrupt"), vec!["report.pdf.txt"]);
    assert_eq!(skipped(&summary, "binary").len(), 2);
    assert_eq!(skipped(&summary, "undecodable"), vec!["garbage.txt"]);
    for name in [
        "empty.txt",
        "report.pdf.txt",
        "word.txt",
        "image.txt",
        "garbage.txt",
    ] {
        assert!(stderr.contains(name), "warning names {name}: {stderr}");
    }
    ws.cmd("search").arg("学前教育").assert().code(0);
}

#[test]
fn invalid_utf8_and_mixed_encodings_keep_every_decodable_line() {
    let ws = Workspace::new();
    let (gbk, _, _) = encoding_rs::GBK.encode("第二段是GBK编码的县中崛起。\n");
    let mut mixed = "第一段是UTF-8的双减工作。\n".as_bytes().to_vec();
    mixed.extend_from_slice(&gbk);
    mixed.extend_from_slice("第三段又是UTF-8的课后服务。\n".as_bytes());
    ws.write("mixed.txt", &mixed);
    let mut broken = "前半句正常，".as_bytes().to_vec();
    broken.extend_from_slice(&[0xE5, 0xAD]); // a cut-off character
    broken.extend_from_slice("\n后面一行正常的学前教育。\n".as_bytes());
    ws.write("broken.txt", &broken);
    let (code, summary, _) = index_json(&ws);
    assert_eq!(code, Some(0));
    assert_eq!(summary["indexed"], 2);
    for term in ["双减", "县中崛起", "课后服务", "学前教育"] {
        ws.cmd("search").arg(term).assert().code(0);
    }
}

#[test]
fn a_40_mb_single_line_is_indexed_in_pieces_and_nothing_is_lost() {
    let ws = Workspace::new();
    let sentence = "推进学前教育普及普惠发展，办好人民满意的教育。";
    let repeat = 40 * 1024 * 1024 / sentence.len() + 1;
    let mut line = String::with_capacity(repeat * sentence.len() + 64);
    for i in 0..repeat {
        line.push_str(sentence);
        if i == repeat / 2 {
            line.push_str("独一无二的标记词语");
        }
    }
    line.push_str("结尾处的唯一短语");
    ws.write("huge.txt", line.as_bytes());
    let started = Instant::now();
    let (code, summary, stderr) = index_json(&ws);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(summary["indexed"], 1);
    eprintln!("40 MB line indexed in {:?}", started.elapsed());
    for term in ["独一无二的标记词语", "结尾处的唯一短语"] {
        assert_eq!(search_total(&ws, term), 1, "{term}");
    }
}

#[test]
fn a_hundred_thousand_tiny_files() {
    let ws = Workspace::new();
    let corpus = ws.corpus();
    for i in 0..100_000u32 {
        let dir = corpus.join(format!("{:03}", i % 1000));
        if i < 1000 {
            std::fs::create_dir_all(&dir).unwrap();
        }
        std::fs::write(
            dir.join(format!("{i}.txt")),
            format!("第{i}号简报：推进工作。\n"),
        )
        .unwrap();
    }
    ws.write("target.txt", "唯一的县中崛起简报。\n");
    let started = Instant::now();
    let (code, summary, stderr) = index_json(&ws);
    eprintln!("100,001 files indexed in {:?}", started.elapsed());
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(summary["files"], 100_001);
    assert_eq!(summary["paragraphs"], 100_001);
    assert_eq!(search_total(&ws, "县中崛起"), 1);
    assert_eq!(search_total(&ws, "第99999号"), 1);
}

#[test]
fn deeply_nested_folders() {
    let ws = Workspace::new();
    let mut rel = String::new();
    for i in 0..120 {
        rel.push_str(&format!("d{i}/"));
    }
    rel.push_str("deep.txt");
    ws.write(&rel, "深处的报告提到双减。\n");
    let (code, summary, _) = index_json(&ws);
    assert_eq!(code, Some(0));
    assert_eq!(summary["indexed"], 1);
    let output = ws.cmd("search").args(["双减", "--json"]).output().unwrap();
    assert_eq!(json_lines(&output.stdout)[0]["file"], rel.as_str());
}

#[cfg(unix)]
#[test]
fn symlink_loops_and_broken_links_are_warnings() {
    let ws = Workspace::new();
    ws.write("a/report.txt", "报告提到双减。\n");
    std::os::unix::fs::symlink(ws.corpus().join("a"), ws.corpus().join("a/loop")).unwrap();
    std::os::unix::fs::symlink(
        ws.corpus().join("nowhere.txt"),
        ws.corpus().join("dangling.txt"),
    )
    .unwrap();
    let reasons = |summary: &serde_json::Value| -> Vec<String> {
        summary["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| w["reason"].as_str().unwrap().to_string())
            .collect()
    };
    // By default links are not followed, and each is named.
    let (code, summary, _) = index_json(&ws);
    assert_eq!(code, Some(0));
    assert_eq!(summary["indexed"], 1);
    assert_eq!(
        reasons(&summary),
        vec!["symlink"],
        "the loop link; the dangling one leads nowhere"
    );
    // Followed, the loop is found and the dangling link reported.
    let (code, summary, stderr) = index_json_with(&ws, &["--follow"]);
    assert_eq!(code, Some(0));
    assert_eq!(summary["files"], 1);
    let warnings = reasons(&summary);
    let warnings: Vec<&str> = warnings.iter().map(String::as_str).collect();
    assert!(warnings.contains(&"symlink-loop"), "{warnings:?}");
    assert!(
        warnings
            .iter()
            .any(|w| *w == "vanished" || *w == "unreadable"),
        "{warnings:?}"
    );
    assert!(stderr.contains("loop"), "{stderr}");
}

#[cfg(unix)]
#[test]
fn unreadable_files_are_skipped() {
    use std::os::unix::fs::PermissionsExt;
    let ws = Workspace::new();
    ws.write("ok.txt", "可读的报告。\n");
    let secret = ws.write("secret.txt", "不可读的报告。\n");
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read(&secret).is_ok() {
        // Running as root: permissions do not stop reads here.
        eprintln!("skipping the permission check: this process can read any file");
        return;
    }
    let (code, summary, stderr) = index_json(&ws);
    assert_eq!(code, Some(0));
    assert_eq!(skipped(&summary, "unreadable"), vec!["secret.txt"]);
    assert!(
        stderr.contains("secret.txt") && stderr.contains("permission"),
        "{stderr}"
    );
}

#[test]
fn files_deleted_during_the_walk_are_skipped() {
    // The library's two steps, with the deletion between them.
    let ws = Workspace::new();
    ws.write("stays.txt", "留下的报告。\n");
    let doomed = ws.write("doomed.txt", "将被删除的报告。\n");
    let walk = baogao::corpus::walk(&ws.corpus()).unwrap();
    std::fs::remove_file(doomed).unwrap();
    let tagger = baogao::corpus::tags::Tagger::default();
    let outcomes: Vec<_> = walk
        .files
        .iter()
        .map(|f| {
            baogao::corpus::load_report(f, &tagger)
                .map(|r| r.file)
                .map_err(|p| (p.path, p.key))
        })
        .collect();
    assert!(outcomes.contains(&Ok("stays.txt".to_string())));
    assert!(outcomes.contains(&Err(("doomed.txt".to_string(), "vanished"))));
}

#[cfg(target_os = "linux")]
#[test]
fn file_names_that_are_not_utf8() {
    use std::os::unix::ffi::OsStrExt;
    let ws = Workspace::new();
    let name = std::ffi::OsStr::from_bytes(b"bad-\xff\xfe-name.txt");
    std::fs::write(ws.corpus().join(name), "名字不是UTF-8的报告，提到双减。\n").unwrap();
    let (code, summary, stderr) = index_json(&ws);
    assert_eq!(code, Some(0));
    assert_eq!(summary["indexed"], 1);
    assert!(stderr.contains("not valid UTF-8"), "{stderr}");
    let output = ws.cmd("search").args(["双减", "--json"]).output().unwrap();
    let lines = json_lines(&output.stdout);
    assert_eq!(lines[0]["file"], "bad-\u{FFFD}\u{FFFD}-name.txt");
}

#[test]
fn hostile_queries_end_in_results_or_one_clear_error() {
    let ws = Workspace::with_seed_corpus();
    ws.build();
    let huge = "教育".repeat(50_000); // 100,000 characters
    let many_terms = vec!["教"; 1500].join(" ");
    let deep = format!("{}教育{}", "(".repeat(500), ")".repeat(500));
    let controls: String = (1u8..32)
        .map(|b| b as char)
        .filter(|c| *c != '\t' && *c != '\n')
        .collect();
    let cases: Vec<(String, Option<&str>)> = vec![
        (huge, Some("4096")),
        (many_terms, Some("terms")),
        (deep, Some("nesting")),
        (format!("教育{controls}"), None),
        ("的 了 是".into(), None),
        ("、，。！".into(), Some("punctuation")),
        ("\u{202E}教育\u{202D}".into(), None),
        ("😀🎉 教育".into(), None),
        ("\u{FFFD}\u{FFFD}".into(), None),
        ("𠀀𠀁𪚥".into(), None),
    ];
    for (query, expected_error) in cases {
        // One argument may hold at most 128 KiB on Linux: long queries are
        // passed as several arguments, which baogao joins with spaces.
        let chars: Vec<char> = query.chars().collect();
        let args: Vec<String> = chars.chunks(20_000).map(|c| c.iter().collect()).collect();
        let output = ws.cmd("search").arg("--").args(&args).output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            !stderr.contains("panicked") && !stderr.contains("internal error"),
            "{stderr}"
        );
        match expected_error {
            Some(word) => {
                assert_eq!(output.status.code(), Some(2), "{:.40}", query);
                assert!(stderr.contains(word), "{word}: {stderr}");
                assert_eq!(stderr.trim_end().lines().count(), 1);
            }
            None => assert!(
                matches!(output.status.code(), Some(0) | Some(1) | Some(2)),
                "{:.40}",
                query
            ),
        }
    }
}
