//! The binary, run for real on temporary corpora: exit codes, output
//! shapes, filters, errors, first-run behaviour, incremental builds.

mod common;

use common::{Workspace, json_lines};
use predicates::prelude::*;
use std::io::{BufRead, BufReader};
use std::process::Stdio;

fn hits(lines: &[serde_json::Value]) -> Vec<&serde_json::Value> {
    lines.iter().filter(|l| l["type"] == "hit").collect()
}

fn stderr_text(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn first_search_builds_the_index_and_answers() {
    let ws = Workspace::with_seed_corpus();
    assert!(!ws.index().exists());
    let output = ws.cmd("search").arg("学前教育").output().expect("run");
    assert_eq!(output.status.code(), Some(0), "{}", stderr_text(&output));
    let stderr = stderr_text(&output);
    assert!(stderr.contains("building it from"), "{stderr}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("【学前教育】"), "{stdout}");
    assert!(stdout.contains("paragraphs match"), "{stdout}");
    assert!(ws.index().join("meta.json").exists());
    // The second search opens the index without building.
    let again = ws.cmd("search").arg("学前教育").output().expect("run");
    assert!(!stderr_text(&again).contains("building"));
}

#[test]
fn exit_codes_follow_grep() {
    let ws = Workspace::with_seed_corpus();
    ws.build();
    ws.cmd("search").arg("双减").assert().code(0);
    ws.cmd("search").arg("量子计算机").assert().code(1);
    ws.cmd("search").arg("\"未闭合").assert().code(2);
    ws.cmd("search")
        .arg("--no-such-flag")
        .arg("x")
        .assert()
        .code(2);
}

#[test]
fn errors_are_one_line_on_stderr_with_the_prefix() {
    let ws = Workspace::with_seed_corpus();
    ws.build();
    for args in [
        vec!["\"学前"],
        vec!["学前", "--bogus"],
        vec!["、"],
        vec!["学前", "--year", "20x"],
        vec!["学前", "foo:bar"],
        vec!["(学前"],
        vec!["学前", "--limit", "0"],
    ] {
        let output = ws.cmd("search").args(&args).output().expect("run");
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = stderr_text(&output);
        assert!(stderr.starts_with("baogao: "), "{args:?}: {stderr}");
        assert_eq!(stderr.trim_end().lines().count(), 1, "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert!(output.stdout.is_empty(), "{args:?}");
    }
    let output = ws.cmd("search").arg("\"学前").output().expect("run");
    assert!(stderr_text(&output).contains("character 1"));
}

#[test]
fn missing_corpus_and_index_are_clear_errors() {
    let ws = Workspace::new();
    let output = ws
        .cmd("search")
        .arg("学前教育")
        .arg("--corpus")
        .arg(ws.dir.path().join("nowhere"))
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr_text(&output).contains("no corpus"),
        "{}",
        stderr_text(&output)
    );
    let output = ws
        .cmd("index")
        .arg("--corpus")
        .arg(ws.dir.path().join("nowhere"))
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr_text(&output).contains("does not exist"));
    assert!(!ws.index().join("meta.json").exists());
}

#[test]
fn json_lines_have_the_documented_shape() {
    let ws = Workspace::with_seed_corpus();
    ws.build();
    let output = ws
        .cmd("search")
        .args(["学前教育", "--json", "-n", "5"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(0));
    let lines = json_lines(&output.stdout);
    let hits = hits(&lines);
    assert_eq!(hits.len(), 5);
    for (i, hit) in hits.iter().enumerate() {
        assert_eq!(hit["rank"], i + 1);
        assert!(hit["score"].is_number());
        assert_eq!(hit["match"], "phrase");
        for key in ["file", "heading", "kind", "snippet", "text"] {
            assert!(hit[key].is_string(), "{key}: {hit}");
        }
        for key in ["paragraph", "line"] {
            assert!(hit[key].is_u64(), "{key}");
        }
        for key in ["county", "city", "province", "year", "year_from", "year_to"] {
            assert!(hit.get(key).is_some(), "{key} missing");
        }
        assert!(hit["themes"].is_array());
        assert!(hit["copies"].is_array());
        let snippet: Vec<char> = hit["snippet"].as_str().unwrap().chars().collect();
        let highlights = hit["highlights"].as_array().unwrap();
        assert!(!highlights.is_empty());
        for h in highlights {
            let (start, end) = (
                h[0].as_u64().unwrap() as usize,
                h[1].as_u64().unwrap() as usize,
            );
            assert!(start < end && end <= snippet.len());
            let marked: String = snippet[start..end].iter().collect();
            assert!(marked.contains("学前教育"), "{marked}");
        }
    }
    let summary = lines.last().unwrap();
    assert_eq!(summary["type"], "summary");
    assert!(summary["total"].as_u64().unwrap() >= 5);
    assert!(summary["took_ms"].is_number());
}

#[test]
fn filters_narrow_by_place_and_year() {
    let ws = Workspace::with_seed_corpus();
    ws.build();
    let run = |args: &[&str]| {
        let output = ws
            .cmd("search")
            .args(args)
            .args(["--all", "--json", "--no-collapse"])
            .output()
            .expect("run");
        json_lines(&output.stdout)
    };
    let all = run(&["教育"]);
    let total = all.last().unwrap()["total"].as_u64().unwrap();
    let qingtian = run(&["教育", "--county", "青田县"]);
    assert!(!hits(&qingtian).is_empty());
    assert!(hits(&qingtian).iter().all(|h| h["county"] == "青田县"));
    let zhejiang = run(&["教育", "--province", "浙江省"]);
    assert!(hits(&zhejiang).iter().all(|h| h["province"] == "浙江省"));
    let jilin = run(&["教育", "--province", "吉林省"]);
    assert_eq!(
        zhejiang.last().unwrap()["total"].as_u64().unwrap()
            + jilin.last().unwrap()["total"].as_u64().unwrap(),
        total,
        "every seed is in 浙江省 or 吉林省"
    );
    let wenzhou = run(&["教育", "--city", "温州市"]);
    assert!(hits(&wenzhou).iter().all(|h| h["county"] == "瓯海区"));
    let y2022 = run(&["教育", "--year", "2022"]);
    assert!(!hits(&y2022).is_empty());
    for h in hits(&y2022) {
        let (from, to) = (
            h["year_from"].as_u64().unwrap(),
            h["year_to"].as_u64().unwrap(),
        );
        assert!(from <= 2022 && 2022 <= to, "{h}");
    }
    let range = run(&["教育", "--year", "2020..2023"]);
    for h in hits(&range) {
        let (from, to) = (
            h["year_from"].as_u64().unwrap(),
            h["year_to"].as_u64().unwrap(),
        );
        assert!(from <= 2023 && to >= 2020, "{h}");
    }
    // A county neither the gazetteer nor the index knows is an error, not
    // an empty answer.
    let none = ws
        .cmd("search")
        .args(["教育", "--county", "不存在县"])
        .output()
        .expect("run");
    assert_eq!(none.status.code(), Some(2));
    assert!(stderr_text(&none).contains("不存在县"));
}

#[test]
fn colour_is_chosen_by_flag_and_no_color() {
    let ws = Workspace::with_seed_corpus();
    ws.build();
    let always = ws
        .cmd("search")
        .args(["双减", "--color", "always"])
        .output()
        .expect("run");
    assert!(String::from_utf8_lossy(&always.stdout).contains("\x1b[1;31m双减\x1b[0m"));
    let never = ws
        .cmd("search")
        .args(["双减", "--color", "never"])
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&never.stdout);
    assert!(!text.contains('\x1b') && text.contains("【双减】"));
    // auto: stdout is a pipe here, so no colour, NO_COLOR or not.
    let auto = ws
        .cmd("search")
        .arg("双减")
        .env("NO_COLOR", "1")
        .output()
        .expect("run");
    assert!(!String::from_utf8_lossy(&auto.stdout).contains('\x1b'));
}

#[test]
fn output_into_a_closed_pipe_ends_quietly() {
    let ws = Workspace::with_seed_corpus();
    ws.build();
    let mut child = ws
        .process("search")
        .args(["教", "--all", "--no-collapse"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let stdout = child.stdout.take().unwrap();
    let mut first = String::new();
    BufReader::new(stdout).read_line(&mut first).expect("read");
    // The reader is dropped here: the pipe closes, as with `| head -1`.
    let output = child.wait_with_output().expect("wait");
    assert!(!first.is_empty());
    assert_eq!(output.status.code(), Some(0));
    assert!(output.stderr.is_empty(), "{}", stderr_text(&output));
}

#[test]
fn gbk_files_are_decoded_and_found() {
    let ws = Workspace::new();
    let (gbk, _, _) =
        encoding_rs::GBK.encode("一、2024年工作总结\r\n推进县中崛起计划，成效明显。\r\n");
    ws.write("gbk.txt", gbk.as_ref());
    ws.write("utf8.md", "另一份报告，讨论双减。\n");
    let output = ws
        .cmd("search")
        .args(["县中崛起", "--json"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(0), "{}", stderr_text(&output));
    let lines = json_lines(&output.stdout);
    let hit = hits(&lines)[0];
    assert_eq!(hit["file"], "gbk.txt");
    assert_eq!(hit["text"], "推进县中崛起计划，成效明显。");
    assert_eq!(hit["heading"], "一、2024年工作总结");
}

#[test]
fn undecodable_files_are_skipped_with_a_warning_and_counted() {
    let ws = Workspace::new();
    ws.write("good.txt", "学前教育普及普惠。\n");
    ws.write("scan.txt", b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n");
    ws.write("blob.txt", [0u8, 1, 2, 3, 0, 159, 146, 150]);
    ws.write("empty.txt", "");
    ws.write("notes.csv", "学前教育,1\n");
    let output = ws.cmd("index").output().expect("run");
    assert_eq!(output.status.code(), Some(0));
    let stderr = stderr_text(&output);
    // A PDF named .txt is read as a PDF: this one is cut short.
    assert!(
        stderr.contains("scan.txt") && stderr.contains("damaged pdf"),
        "{stderr}"
    );
    assert!(
        stderr.contains("blob.txt") && stderr.contains("binary"),
        "{stderr}"
    );
    assert!(stderr.contains("empty.txt"), "{stderr}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("4 files") && stdout.contains("3 skipped"),
        "{stdout}"
    );
    assert!(
        stdout.contains("1 binary") && stdout.contains("1 empty") && stdout.contains("1 corrupt"),
        "{stdout}"
    );
    ws.cmd("search").arg("学前教育").assert().code(0);
}

#[test]
fn incremental_builds_touch_only_what_changed() {
    let ws = Workspace::new();
    ws.write("a.txt", "甲县推进学前教育。\n");
    ws.write("b.txt", "乙县推进义务教育。\n");
    let json = |ws: &Workspace, extra: &[&str]| {
        let output = ws
            .cmd("index")
            .arg("--json")
            .args(extra)
            .output()
            .expect("run");
        assert_eq!(output.status.code(), Some(0), "{}", stderr_text(&output));
        json_lines(&output.stdout).pop().unwrap()
    };
    let first = json(&ws, &[]);
    assert_eq!(
        (first["indexed"].as_u64(), first["full"].as_bool()),
        (Some(2), Some(true))
    );
    let nothing = json(&ws, &[]);
    assert_eq!(nothing["indexed"], 0);
    assert_eq!(nothing["unchanged"], 2);
    assert_eq!(nothing["committed"], false);
    ws.write("a.txt", "甲县推进县中崛起。\n");
    ws.write("c.txt", "丙县推进双减。\n");
    let changed = json(&ws, &[]);
    assert_eq!(
        (changed["indexed"].as_u64(), changed["unchanged"].as_u64()),
        (Some(2), Some(1))
    );
    ws.cmd("search").arg("学前教育").assert().code(1);
    ws.cmd("search").arg("县中崛起").assert().code(0);
    ws.cmd("search").arg("双减").assert().code(0);
    std::fs::remove_file(ws.corpus().join("b.txt")).unwrap();
    let removed = json(&ws, &[]);
    assert_eq!(removed["removed"], 1);
    ws.cmd("search").arg("义务教育").assert().code(1);
    let rebuilt = json(&ws, &["--rebuild"]);
    assert_eq!(
        (rebuilt["indexed"].as_u64(), rebuilt["full"].as_bool()),
        (Some(2), Some(true))
    );
    assert_eq!(rebuilt["paragraphs"], 2);
}

#[test]
fn index_of_another_format_or_damaged_or_foreign_is_a_clear_error() {
    let ws = Workspace::with_seed_corpus();
    ws.build();
    // Another format.
    std::fs::write(ws.index().join("BAOGAO_FORMAT"), "baogao index format 0\n").unwrap();
    let output = ws.cmd("search").arg("教育").output().expect("run");
    assert_eq!(output.status.code(), Some(2));
    let stderr = stderr_text(&output);
    assert!(
        stderr.contains("another version") && stderr.contains("baogao index"),
        "{stderr}"
    );
    ws.build();
    ws.cmd("search").arg("教育").assert().code(0);
    // Damaged: meta.json truncated.
    std::fs::write(ws.index().join("meta.json"), "{\"segm").unwrap();
    let output = ws.cmd("search").arg("教育").output().expect("run");
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr_text(&output).contains("damaged"),
        "{}",
        stderr_text(&output)
    );
    let output = ws.cmd("index").output().expect("run");
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr_text(&output).contains("--rebuild"));
    ws.cmd("index").arg("--rebuild").assert().success();
    ws.cmd("search").arg("教育").assert().code(0);
    // Foreign directory: never touched.
    let foreign = ws.dir.path().join("photos");
    std::fs::create_dir_all(&foreign).unwrap();
    std::fs::write(foreign.join("cat.jpg"), "not an index").unwrap();
    for sub in ["search", "index"] {
        let mut cmd = ws.cmd(sub);
        if sub == "search" {
            cmd.arg("教育");
        } else {
            cmd.arg("--rebuild");
        }
        let output = cmd.arg("--index").arg(&foreign).output().expect("run");
        assert_eq!(output.status.code(), Some(2), "{sub}");
        assert!(
            stderr_text(&output).contains("not a baogao index"),
            "{}",
            stderr_text(&output)
        );
    }
    assert_eq!(
        std::fs::read_to_string(foreign.join("cat.jpg")).unwrap(),
        "not an index"
    );
}

#[test]
fn partial_fill_and_match_modes() {
    let ws = Workspace::new();
    ws.write(
        "r.txt",
        "学前教育和双减都很重要。\n学前教育普及普惠。\n双减政策落地。\n无关段落。\n",
    );
    ws.build();
    let run = |args: &[&str]| {
        let output = ws
            .cmd("search")
            .args(args)
            .arg("--json")
            .output()
            .expect("run");
        (output.status.code(), json_lines(&output.stdout))
    };
    let (code, fill) = run(&["学前教育", "双减"]);
    assert_eq!(code, Some(0));
    let h = hits(&fill);
    assert_eq!(h.len(), 3);
    assert_eq!(h[0]["match"], "phrase");
    assert_eq!(
        (h[1]["match"].as_str(), h[2]["match"].as_str()),
        (Some("partial"), Some("partial"))
    );
    assert_eq!(fill.last().unwrap()["total"], 1);
    let (_, all) = run(&["学前教育", "双减", "--match", "all"]);
    assert_eq!(hits(&all).len(), 1);
    let (_, any) = run(&["学前教育", "双减", "--match", "any"]);
    assert_eq!(any.last().unwrap()["total"], 3);
    assert!(hits(&any).iter().all(|h| h["match"] == "phrase"));
    // Nothing has both: exit 1 even though partial hits are shown.
    let (code, none) = run(&["普惠", "双减"]);
    assert_eq!(code, Some(1));
    assert_eq!(none.last().unwrap()["total"], 0);
    assert!(!hits(&none).is_empty());
}

#[test]
fn headings_rank_below_the_paragraphs_under_them() {
    let ws = Workspace::new();
    ws.write(
        "r.txt",
        "一、学前教育\n全县推进学前教育普及普惠,新建幼儿园5所,学前教育三年毛入园率达98%。\n二、其他工作\n其他工作也提到学前教育一次,但主要讲别的事情,例如校舍建设和教师培训等等内容。\n",
    );
    ws.build();
    let output = ws
        .cmd("search")
        .args(["学前教育", "--json"])
        .output()
        .expect("run");
    let lines = json_lines(&output.stdout);
    let h = hits(&lines);
    assert_eq!(h.len(), 3);
    assert!(
        h[0]["text"].as_str().unwrap().starts_with("全县推进"),
        "{}",
        h[0]
    );
    assert_eq!(h[2]["text"], "一、学前教育", "the bare heading ranks last");
}

#[test]
fn excluded_terms_and_flags_after_the_query() {
    let ws = Workspace::with_seed_corpus();
    ws.build();
    let output = ws
        .cmd("search")
        .args(["学前教育", "-民办", "--json", "--all", "--no-collapse"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(0), "{}", stderr_text(&output));
    let lines = json_lines(&output.stdout);
    assert!(!hits(&lines).is_empty());
    for hit in hits(&lines) {
        let text = hit["text"].as_str().unwrap();
        assert!(
            text.contains("学前教育") && !text.contains("民办"),
            "{text}"
        );
    }
    ws.cmd("search")
        .args(["双减", "--sort", "-year", "--color", "never"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("【双减】"));
}

#[test]
fn help_and_mistyped_arguments_are_clap_s_own() {
    let ws = Workspace::with_seed_corpus();
    ws.build();
    let bin = || assert_cmd::Command::cargo_bin("baogao").expect("binary");
    // Help on every subcommand, before or after a query.
    for args in [
        vec!["search", "-h"],
        vec!["search", "教育", "-h"],
        vec!["index", "-h"],
        vec!["trend", "--help"],
        vec!["check", "-h"],
        vec!["export", "-h"],
        vec!["bench", "-h"],
    ] {
        let output = bin().args(&args).output().expect("run");
        assert_eq!(output.status.code(), Some(0), "{args:?}");
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(stdout.contains("Usage: baogao"), "{args:?}: {stdout}");
    }
    let help = bin().args(["search", "--help"]).output().expect("run");
    assert!(
        String::from_utf8_lossy(&help.stdout).contains("year:2020..2023"),
        "search --help summarises the query syntax"
    );
    // An unknown flag among the terms is an error naming it.
    let output = ws.cmd("search").args(["教育", "-x"]).output().expect("run");
    assert_eq!(output.status.code(), Some(2));
    let stderr = stderr_text(&output);
    assert!(stderr.contains("'-x'"), "{stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(output.stdout.is_empty());
    let output = ws
        .cmd("search")
        .args(["教育", "--colour", "never"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr_text(&output).contains("'--color'"),
        "{}",
        stderr_text(&output)
    );
    let output = bin().args(["serach", "教育"]).output().expect("run");
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr_text(&output).contains("'search'"),
        "{}",
        stderr_text(&output)
    );
    let output = bin().arg("search").output().expect("run");
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr_text(&output).contains("<QUERY"),
        "{}",
        stderr_text(&output)
    );
    // A leading dash with a non-ASCII term excludes it, after the first
    // term or after `--`.
    for args in [
        vec!["学前教育", "-民办", "--json", "--all", "--no-collapse"],
        vec![
            "--json",
            "--all",
            "--no-collapse",
            "--",
            "-民办",
            "学前教育",
        ],
    ] {
        let output = ws.cmd("search").args(&args).output().expect("run");
        assert_eq!(
            output.status.code(),
            Some(0),
            "{args:?}: {}",
            stderr_text(&output)
        );
        let lines = json_lines(&output.stdout);
        assert!(!hits(&lines).is_empty());
        for hit in hits(&lines) {
            let text = hit["text"].as_str().unwrap();
            assert!(
                text.contains("学前教育") && !text.contains("民办"),
                "{text}"
            );
        }
    }
}

#[test]
fn bench_reports_each_query_and_a_summary_pruned_or_exhaustive_split_or_not() {
    let ws = Workspace::with_seed_corpus();
    ws.build();
    // Beside the corpus, not in it (it would be a report).
    let queries = ws.index().with_file_name("queries.txt");
    std::fs::write(&queries, "# class: words\n教育\n学校\n@facets 教育\n").expect("write");
    let run = |extra: &[&str]| {
        let output = ws
            .cmd("bench")
            .arg("--queries")
            .arg(&queries)
            .args(["--runs", "2", "--warmup", "0", "--json"])
            .args(extra)
            .output()
            .expect("run");
        assert_eq!(output.status.code(), Some(0), "{}", stderr_text(&output));
        json_lines(&output.stdout)
    };
    let pruned = run(&[]);
    let exhaustive = run(&["--exhaustive"]);
    let unsplit = run(&["--no-split"]);
    let per_query = |lines: &[serde_json::Value]| -> Vec<(String, u64)> {
        lines
            .iter()
            .filter(|l| l["type"] == "query")
            .map(|l| (l["query"].to_string(), l["hits"].as_u64().unwrap_or(0)))
            .collect()
    };
    assert_eq!(per_query(&pruned).len(), 3);
    assert!(per_query(&pruned).iter().all(|(_, hits)| *hits > 0));
    assert_eq!(per_query(&pruned), per_query(&exhaustive));
    assert_eq!(per_query(&pruned), per_query(&unsplit));
    let summary = |lines: &[serde_json::Value]| lines.last().cloned().unwrap_or_default();
    assert_eq!(summary(&pruned)["type"], "summary");
    assert_eq!(summary(&pruned)["searches"], 6);
    assert_eq!(summary(&pruned)["exhaustive"], false);
    assert_eq!(summary(&exhaustive)["exhaustive"], true);
    assert_eq!(summary(&pruned)["split"], true);
    assert_eq!(summary(&unsplit)["split"], false);
}
