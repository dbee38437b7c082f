//! What a new user tripped on, each as the binary does it now: the index
//! keeps in step with its corpus, trend takes filters, facets are readable,
//! analyst views (groups, counts, files, CSV, whole paragraphs), tags from
//! the paragraph's own words, symbolic links, and the small things.

mod common;

use common::{Workspace, json_lines};
use std::collections::BTreeSet;

fn stdout_of(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr_of(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn hits(lines: &[serde_json::Value]) -> Vec<&serde_json::Value> {
    lines.iter().filter(|l| l["type"] == "hit").collect()
}

// 1. The index knows its corpus.

#[test]
fn a_search_naming_another_corpus_is_refused_not_answered_from_this_one() {
    let ws = Workspace::with_seed_corpus();
    ws.build();
    ws.write("../other/b.txt", "另一个语料库也说双减。\n");
    let other = ws.dir.path().join("other");
    for command in ["search", "export"] {
        let mut cmd = ws.cmd(command);
        if command == "search" {
            cmd.arg("双减");
        } else {
            cmd.args(["--query", "双减"]);
        }
        let output = cmd.arg("--corpus").arg(&other).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{command}");
        assert!(
            output.stdout.is_empty(),
            "{command}: {}",
            stdout_of(&output)
        );
        let stderr = stderr_of(&output);
        assert!(
            stderr.contains("was built from") && stderr.contains("baogao index --corpus"),
            "{stderr}"
        );
    }
    // The same corpus, named by another path, is the same corpus.
    ws.cmd("search")
        .arg("双减")
        .arg("--corpus")
        .arg(ws.corpus())
        .assert()
        .code(0);
}

#[test]
fn a_mistyped_index_is_an_error_not_a_new_index() {
    let ws = Workspace::with_seed_corpus();
    ws.build();
    let output = ws
        .cmd("search")
        .args(["双减", "--index", "idnex"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = stderr_of(&output);
    assert!(stderr.contains("baogao index --index idnex"), "{stderr}");
    assert!(!ws.dir.path().join("idnex").exists(), "nothing was built");
}

#[test]
fn a_report_added_to_the_corpus_is_found_by_the_next_search() {
    let ws = Workspace::with_seed_corpus();
    ws.build();
    ws.cmd("search").arg("量子计算机").assert().code(1);
    ws.write("新报告.txt", "2025年,全县推进量子计算机试点。\n");
    // Asked not to update: the old answer, and a warning that says why.
    let stale = ws
        .cmd("search")
        .args(["量子计算机", "--no-update"])
        .output()
        .unwrap();
    assert_eq!(stale.status.code(), Some(1));
    let stderr = stderr_of(&stale);
    assert!(
        stderr.contains("1 file changed") && stderr.contains("1 added"),
        "{stderr}"
    );
    // Otherwise the index is brought up to date first.
    let fresh = ws.cmd("search").arg("量子计算机").output().unwrap();
    assert_eq!(fresh.status.code(), Some(0), "{}", stderr_of(&fresh));
    assert!(stdout_of(&fresh).contains("新报告.txt"));
    assert!(
        stderr_of(&fresh).contains("updating"),
        "{}",
        stderr_of(&fresh)
    );
    // And then it is current: no more updates or warnings.
    let again = ws.cmd("search").arg("量子计算机").output().unwrap();
    assert!(stderr_of(&again).is_empty(), "{}", stderr_of(&again));
    // Removed and modified files count too.
    std::fs::remove_file(ws.corpus().join("新报告.txt")).unwrap();
    ws.cmd("search").arg("量子计算机").assert().code(1);
}

#[test]
fn no_check_searches_the_index_as_it_is_and_says_nothing() {
    let ws = Workspace::with_seed_corpus();
    ws.build();
    ws.write("新报告.txt", "2025年,全县推进量子计算机试点。\n");
    let unchecked = ws
        .cmd("search")
        .args(["量子计算机", "--no-check"])
        .output()
        .unwrap();
    // Not compared with the corpus: the old answer, no update, no warning.
    assert_eq!(unchecked.status.code(), Some(1));
    assert!(
        stderr_of(&unchecked).is_empty(),
        "{}",
        stderr_of(&unchecked)
    );
    // The same index, checked, sees the new report.
    let checked = ws.cmd("search").arg("量子计算机").output().unwrap();
    assert_eq!(checked.status.code(), Some(0), "{}", stderr_of(&checked));
    // And once updated, --no-check finds it too.
    let after = ws
        .cmd("search")
        .args(["量子计算机", "--no-check"])
        .output()
        .unwrap();
    assert_eq!(after.status.code(), Some(0));
    assert!(stdout_of(&after).contains("新报告.txt"));
}

/// The index's files whose names start with `prefix`.
fn index_files(ws: &Workspace, prefix: &str) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(ws.index())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(prefix))
        })
        .collect();
    files.sort();
    files
}

#[test]
fn the_check_sees_changes_from_the_stamps_file_or_without_it() {
    // The check reads the commit's stamps file; where that is gone or
    // damaged (or the index predates it) it reads the state instead. Each
    // way, an unchanged corpus passes quietly and each kind of change is
    // seen.
    for damage in ["none", "removed", "truncated", "garbage"] {
        let ws = Workspace::with_seed_corpus();
        ws.build();
        let stamps = index_files(&ws, "stamps-");
        assert_eq!(stamps.len(), 1, "{damage}: one stamps file per commit");
        match damage {
            "removed" => std::fs::remove_file(&stamps[0]).unwrap(),
            "truncated" => {
                let bytes = std::fs::read(&stamps[0]).unwrap();
                std::fs::write(&stamps[0], &bytes[..bytes.len() / 2]).unwrap();
            }
            "garbage" => std::fs::write(&stamps[0], "not stamps").unwrap(),
            _ => {}
        }
        let quiet = ws.cmd("search").arg("双减").output().unwrap();
        assert_eq!(quiet.status.code(), Some(0), "{damage}");
        assert!(
            stderr_of(&quiet).is_empty(),
            "{damage}: {}",
            stderr_of(&quiet)
        );

        // One report edited, one removed, one added.
        let reports: Vec<_> = std::fs::read_dir(ws.corpus())
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "txt"))
            .collect();
        let mut edited = std::fs::read_to_string(&reports[0]).unwrap();
        edited.push_str("\n全县推进量子计算机试点。\n");
        std::fs::write(&reports[0], edited).unwrap();
        std::fs::remove_file(&reports[1]).unwrap();
        ws.write("新报告.txt", "2025年,全县开展量子通信课程。\n");
        let stale = ws
            .cmd("search")
            .args(["量子", "--no-update"])
            .output()
            .unwrap();
        let stderr = stderr_of(&stale);
        assert!(
            stderr.contains("3 files changed")
                && stderr.contains("1 added")
                && stderr.contains("1 modified")
                && stderr.contains("1 removed"),
            "{damage}: {stderr}"
        );
        // The update writes a new stamps file and removes the old one.
        let updated = ws.cmd("search").args(["量子", "-c"]).output().unwrap();
        assert_eq!(updated.status.code(), Some(0), "{damage}");
        assert_eq!(index_files(&ws, "stamps-").len(), 1, "{damage}");
        assert_eq!(index_files(&ws, "state-").len(), 1, "{damage}");
        assert_ne!(index_files(&ws, "stamps-"), stamps, "{damage}");
        let again = ws.cmd("search").arg("量子").output().unwrap();
        assert!(
            stderr_of(&again).is_empty(),
            "{damage}: {}",
            stderr_of(&again)
        );
    }
}

#[test]
fn no_check_still_refuses_another_corpus() {
    let ws = Workspace::with_seed_corpus();
    ws.build();
    let other = ws.dir.path().join("other");
    std::fs::create_dir_all(&other).unwrap();
    let output = ws
        .cmd("search")
        .args(["双减", "--no-check", "--corpus"])
        .arg(&other)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(stdout_of(&output).is_empty());
}

#[test]
fn no_check_still_builds_the_default_index_on_first_use() {
    let ws = Workspace::with_seed_corpus();
    let output = ws
        .cmd("search")
        .args(["双减", "--no-check"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    assert!(stdout_of(&output).contains("双减"));
}

// 2. trend takes what search takes.

#[test]
fn trend_takes_filters_and_its_years_run_over_the_hits() {
    let ws = Workspace::with_seed_corpus();
    ws.build();
    let output = ws
        .cmd("trend")
        .args(["学前教育 year:2010..", "--json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let lines = json_lines(&output.stdout);
    let labels: Vec<&str> = lines
        .iter()
        .filter(|l| l["type"] == "bucket")
        .map(|l| l["label"].as_str().unwrap())
        .collect();
    assert_eq!(
        labels.first(),
        Some(&"2020"),
        "no empty years before the data: {labels:?}"
    );
    let flags = ws
        .cmd("trend")
        .args([
            "学前教育",
            "--year",
            "2020..2022",
            "--county",
            "靖宇县",
            "--json",
        ])
        .output()
        .unwrap();
    assert_eq!(flags.status.code(), Some(0), "{}", stderr_of(&flags));
    let lines = json_lines(&flags.stdout);
    let buckets: Vec<(&str, u64)> = lines
        .iter()
        .filter(|l| l["type"] == "bucket")
        .map(|l| (l["label"].as_str().unwrap(), l["hits"].as_u64().unwrap()))
        .collect();
    assert_eq!(
        buckets.iter().map(|b| b.0).collect::<Vec<_>>(),
        vec!["2020", "2021", "2022"],
        "the filter's range"
    );
    let total = lines.last().unwrap()["total"].as_u64().unwrap();
    let search = ws
        .cmd("search")
        .args([
            "学前教育",
            "--year",
            "2020..2022",
            "--county",
            "靖宇县",
            "--json",
        ])
        .output()
        .unwrap();
    assert_eq!(json_lines(&search.stdout).last().unwrap()["total"], total);
    assert_eq!(buckets.iter().map(|b| b.1).sum::<u64>(), total);
}

// 3. Facets readable.

#[test]
fn facets_show_the_top_values_in_text_and_every_value_in_json() {
    let ws = Workspace::with_seed_corpus();
    ws.build();
    let text = ws
        .cmd("search")
        .args(["的", "--facets", "--facet-limit", "2", "--color", "never"])
        .output()
        .unwrap();
    let stdout = stdout_of(&text);
    let theme_line = stdout
        .lines()
        .find(|l| l.trim_start().starts_with("theme"))
        .unwrap();
    assert_eq!(theme_line.matches(" · ").count(), 2, "{theme_line}");
    assert!(theme_line.contains("more"), "{theme_line}");
    let json = ws
        .cmd("search")
        .args(["的", "--facets", "county,year", "--json"])
        .output()
        .unwrap();
    let lines = json_lines(&json.stdout);
    let facets = lines.iter().find(|l| l["type"] == "facets").unwrap();
    let keys: BTreeSet<&str> = facets
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, BTreeSet::from(["type", "total", "county", "year"]));
    assert_eq!(
        facets["county"].as_object().unwrap().len(),
        5,
        "every county"
    );
    ws.cmd("search")
        .args(["的", "--facets", "县"])
        .assert()
        .code(2);
}

// 4. Analyst views.

#[test]
fn group_by_county_lists_each_county_once_with_its_count() {
    let ws = Workspace::with_seed_corpus();
    ws.build();
    let output = ws
        .cmd("search")
        .args(["学前教育", "--group-by", "county", "--json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let lines = json_lines(&output.stdout);
    let groups: Vec<&serde_json::Value> = lines.iter().filter(|l| l["type"] == "group").collect();
    let values: Vec<&str> = groups
        .iter()
        .map(|g| g["value"].as_str().unwrap())
        .collect();
    let distinct: BTreeSet<&&str> = values.iter().collect();
    assert_eq!(distinct.len(), values.len(), "each county once: {values:?}");
    let total = lines.last().unwrap()["total"].as_u64().unwrap();
    assert_eq!(
        groups
            .iter()
            .map(|g| g["count"].as_u64().unwrap())
            .sum::<u64>(),
        total
    );
    // Ordered by their best hit; each best hit is in its group.
    let scores: Vec<f64> = groups
        .iter()
        .map(|g| g["hit"]["score"].as_f64().unwrap())
        .collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
    for g in &groups {
        let county = g["hit"]["county"].as_str().unwrap_or("(none)");
        assert_eq!(county, g["value"].as_str().unwrap());
    }
    let text = ws
        .cmd("search")
        .args(["学前教育", "--group-by", "county", "--color", "never"])
        .output()
        .unwrap();
    assert!(
        stdout_of(&text).contains("靖宇县 · 11 paragraphs"),
        "{}",
        stdout_of(&text)
    );
}

#[test]
fn count_and_files_with_matches_as_ripgrep_does() {
    let ws = Workspace::with_seed_corpus();
    ws.build();
    let total = |args: &[&str]| {
        let output = ws.cmd("search").args(args).arg("--json").output().unwrap();
        json_lines(&output.stdout).last().unwrap()["total"]
            .as_u64()
            .unwrap()
    };
    let count = ws.cmd("search").args(["学前教育", "-c"]).output().unwrap();
    assert_eq!(count.status.code(), Some(0));
    let mut sum = 0;
    for line in stdout_of(&count).lines() {
        let (file, n) = line.rsplit_once(':').unwrap();
        assert!(ws.corpus().join(file).is_file(), "{file}");
        sum += n.parse::<u64>().unwrap();
    }
    assert_eq!(sum, total(&["学前教育"]));
    let files = ws.cmd("search").args(["双减", "-l"]).output().unwrap();
    let listed: Vec<String> = stdout_of(&files).lines().map(str::to_string).collect();
    let all = ws
        .cmd("search")
        .args(["双减", "--all", "--no-collapse", "--json"])
        .output()
        .unwrap();
    let expected: BTreeSet<String> = hits(&json_lines(&all.stdout))
        .iter()
        .map(|h| h["file"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(listed.iter().cloned().collect::<BTreeSet<_>>(), expected);
    ws.cmd("search").args(["量子计算机", "-l"]).assert().code(1);
}

#[test]
fn csv_has_every_tag_and_the_whole_paragraph() {
    let ws = Workspace::with_seed_corpus();
    ws.build();
    let output = ws
        .cmd("search")
        .args(["学前教育", "--all", "--no-collapse", "--format", "csv"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert!(
        output.stdout.starts_with("\u{FEFF}".as_bytes()),
        "a BOM first"
    );
    let json = ws
        .cmd("search")
        .args(["学前教育", "--all", "--no-collapse", "--json"])
        .output()
        .unwrap();
    let expected = json_lines(&json.stdout);
    let expected = hits(&expected);
    let mut reader = csv::Reader::from_reader(&output.stdout[3..]);
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    for column in [
        "file",
        "paragraph",
        "line",
        "heading",
        "county",
        "city",
        "province",
        "year",
        "year_from",
        "year_to",
        "kind",
        "themes",
        "text",
    ] {
        assert!(header.contains(&column.to_string()), "{column}");
    }
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), expected.len());
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    for (row, hit) in rows.iter().zip(&expected) {
        assert_eq!(
            &row[col("text")],
            hit["text"].as_str().unwrap(),
            "the whole paragraph"
        );
        assert_eq!(&row[col("file")], hit["file"].as_str().unwrap());
        assert_eq!(&row[col("county")], hit["county"].as_str().unwrap_or(""));
        assert_eq!(
            &row[col("province")],
            hit["province"].as_str().unwrap_or("")
        );
        assert_eq!(row[col("year")].parse::<u64>().ok(), hit["year"].as_u64());
        assert_eq!(&row[col("kind")], hit["kind"].as_str().unwrap());
        let themes: Vec<&str> = hit["themes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap())
            .collect();
        assert_eq!(&row[col("themes")], themes.join(";"));
    }
}

#[test]
fn full_shows_whole_paragraphs() {
    let ws = Workspace::with_seed_corpus();
    ws.build();
    let output = ws
        .cmd("search")
        .args([
            "学前教育",
            "--full",
            "--color",
            "never",
            "-n",
            "3",
            "--json",
        ])
        .output()
        .unwrap();
    for hit in hits(&json_lines(&output.stdout)) {
        assert_eq!(hit["snippet"], hit["text"]);
    }
    let text = ws
        .cmd("search")
        .args(["学前教育", "--full", "--color", "never", "-n", "1"])
        .output()
        .unwrap();
    assert!(!stdout_of(&text).contains('…'), "{}", stdout_of(&text));
}

// 6. Year and kind from the paragraph's own words (常山县).

#[test]
fn the_changshan_report_is_tagged_by_what_its_paragraphs_say() {
    let ws = Workspace::with_seed_corpus();
    ws.build();
    let run = |query: &str| {
        let output = ws
            .cmd("search")
            .args([query, "--all", "--no-collapse", "--json"])
            .output()
            .unwrap();
        json_lines(&output.stdout)
    };
    let plans_2024 = run("county:常山县 year:2024");
    let found = hits(&plans_2024);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0]["text"]
            .as_str()
            .unwrap()
            .starts_with("2024年,县教育局将")
    );
    assert_eq!(found[0]["kind"], "plan");
    // "落实“两项任务”" reports 2023 results: a review.
    for hit in hits(&run("county:常山县 高考实现再突破")) {
        assert_eq!(hit["kind"], "review", "{hit}");
    }
    let plans = run("county:常山县 kind:plan");
    assert_eq!(hits(&plans).len(), 1, "only ¶23 plans");
}

// 7. Links.

#[cfg(unix)]
#[test]
fn links_out_of_the_corpus_are_not_followed_and_are_named() {
    let ws = Workspace::new();
    ws.write("report.txt", "县教育局推进双减。\n");
    let outside = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(outside.path().join("home")).unwrap();
    std::fs::write(
        outside.path().join("home/diary.txt"),
        "私人日记提到双减。\n",
    )
    .unwrap();
    std::fs::write(outside.path().join("secret.txt"), "机密文件提到双减。\n").unwrap();
    std::os::unix::fs::symlink(outside.path().join("home"), ws.corpus().join("home")).unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("secret.txt"),
        ws.corpus().join("secret.txt"),
    )
    .unwrap();
    let files = |args: &[&str]| {
        let output = ws.cmd("index").args(args).arg("--json").output().unwrap();
        assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
        let summary = json_lines(&output.stdout).pop().unwrap();
        let warned: BTreeSet<String> = summary["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| {
                format!(
                    "{} {}",
                    w["file"].as_str().unwrap(),
                    w["reason"].as_str().unwrap()
                )
            })
            .collect();
        let export = ws.cmd("export").output().unwrap();
        let exported: BTreeSet<String> = json_lines(&export.stdout)
            .iter()
            .map(|d| d["file"].as_str().unwrap().to_string())
            .collect();
        (exported, warned, stderr_of(&output))
    };
    let (exported, warned, stderr) = files(&[]);
    assert_eq!(exported, BTreeSet::from(["report.txt".to_string()]));
    assert_eq!(
        warned,
        BTreeSet::from(["home symlink".to_string(), "secret.txt symlink".to_string()])
    );
    assert!(
        stderr.contains("home") && stderr.contains("secret.txt"),
        "{stderr}"
    );
    let (exported, warned, _) = files(&["--follow"]);
    assert_eq!(exported, BTreeSet::from(["report.txt".to_string()]));
    assert!(warned.contains("home symlink-outside"), "{warned:?}");
    let (exported, _, _) = files(&["--follow-outside"]);
    assert_eq!(exported.len(), 3, "{exported:?}");
    // check lists the links it skipped.
    let check = ws.cmd("check").output().unwrap();
    let stdout = stdout_of(&check);
    assert!(stdout.contains("symbolic link"), "{stdout}");
}

// 8. The small things.

#[test]
fn check_titles_and_confidences_read_well() {
    let ws = Workspace::with_seed_corpus();
    let output = ws.cmd("check").arg("--json").output().unwrap();
    let lines = json_lines(&output.stdout);
    for report in lines.iter().filter(|l| l["type"] == "report") {
        let title = report["title"].as_str().unwrap();
        assert!(
            !title.contains("通讯员") && !title.contains("记者"),
            "{title}"
        );
        assert!(!title.contains("时间:"), "{title}");
        for tag in ["county", "city", "province", "year"] {
            if let Some(confidence) = report[tag]["confidence"].as_f64() {
                let text = confidence.to_string();
                assert!(text.len() <= 4, "{tag}: {text}");
            }
        }
    }
    let one = ws
        .cmd("search")
        .args(["1330目标", "--facets", "--color", "never"])
        .output()
        .unwrap();
    let stdout = stdout_of(&one);
    assert!(
        stdout.contains("over the 1 paragraph that matches"),
        "{stdout}"
    );
    assert!(stdout.contains("1 paragraph matches"), "{stdout}");
}

#[test]
fn national_heading_paths_start_at_a_title_not_a_speaker() {
    let Some(shared) = common::shared() else {
        return;
    };
    let ws = Workspace::new();
    for entry in std::fs::read_dir(shared.join("corpus/national")).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with("20") {
            std::fs::copy(entry.path(), ws.corpus().join(name)).unwrap();
        }
    }
    ws.build();
    let output = ws.cmd("export").output().unwrap();
    for doc in json_lines(&output.stdout) {
        let heading = doc["heading"].as_str().unwrap();
        let first = heading.split(" › ").next().unwrap();
        for speaker in ["李克强", "李 强", "温家宝", "朱镕基", "国务院总理", "——"]
        {
            assert!(!first.starts_with(speaker), "{}: {heading}", doc["id"]);
        }
    }
}
