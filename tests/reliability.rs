//! Nothing lost, nothing crashes: builds killed at random moments leave the
//! previous index whole, searches during a build see the old or the new
//! index, concurrent builds wait for each other, damaged indexes are clear
//! errors. (scripts/kill-builds.py runs the kill test many more times.)

mod common;

use common::{Rng, Workspace, json_lines};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

const QUERIES: &[&str] = &["学前教育", "双减", "教育 -民办", "县中崛起", "新增段落"];

/// The hit set of every query: what a search "answers".
type Answers = Vec<BTreeSet<(String, u64)>>;

fn answers(ws: &Workspace, index: &Path) -> Answers {
    QUERIES
        .iter()
        .map(|q| {
            // --no-check: the index as it is. A checked search would first
            // bring an index left behind by a killed build up to date, and
            // so never show what the kill left.
            let output = ws
                .cmd("search")
                .args([q, "--all", "--json", "--no-collapse", "--no-check"])
                .arg("--index")
                .arg(index)
                .output()
                .expect("run");
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert!(
                matches!(output.status.code(), Some(0) | Some(1)),
                "search {q} failed: {stderr}"
            );
            json_lines(&output.stdout)
                .into_iter()
                .filter(|l| l["type"] == "hit")
                .map(|l| {
                    (
                        l["file"].as_str().unwrap().to_string(),
                        l["paragraph"].as_u64().unwrap(),
                    )
                })
                .collect()
        })
        .collect()
}

fn copy_dir(from: &Path, to: &Path) {
    let _ = std::fs::remove_dir_all(to);
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
    }
}

/// The answers of an index built apart, at `name` in the workspace, from
/// the corpus as it is now: what the real index should answer after its
/// next complete build.
fn reference_answers(ws: &Workspace, name: &str) -> Answers {
    let reference = ws.dir.path().join(name);
    ws.cmd("index")
        .arg("--quiet")
        .arg("--index")
        .arg(&reference)
        .assert()
        .success();
    answers(ws, &reference)
}

/// Corpus state A, then B: one report edited, one added, one deleted.
fn change_corpus(ws: &Workspace) {
    let corpus = ws.corpus();
    let edited = corpus.join("青田县教育局2024年工作总结和2025年工作思路.txt");
    let mut text = std::fs::read_to_string(&edited).unwrap();
    text.push_str("\n新增段落：全面推进双减，深化课后服务。\n");
    std::fs::write(&edited, text).unwrap();
    std::fs::write(
        corpus.join("新报告.txt"),
        "新增段落之二：学前教育普惠发展。\n",
    )
    .unwrap();
    std::fs::remove_file(corpus.join("常山县教育局2023年工作综述.txt")).unwrap();
}

/// Build state A, keep a copy of its index as `snapshot-a` and its
/// answers, then change the corpus to state B (not yet indexed).
fn built_then_changed(ws: &Workspace) -> (PathBuf, Answers) {
    ws.build();
    let snapshot = ws.dir.path().join("snapshot-a");
    copy_dir(&ws.index(), &snapshot);
    let before = answers(ws, &ws.index());
    change_corpus(ws);
    (snapshot, before)
}

#[test]
fn builds_killed_at_any_moment_leave_the_previous_index_whole() {
    let ws = Workspace::with_seed_corpus();
    let (snapshot, before) = built_then_changed(&ws);
    let after = reference_answers(&ws, "reference-b");
    assert_ne!(before, after, "the change must change the answers");

    // How long a build takes here, to spread the kills over it.
    copy_dir(&snapshot, &ws.index());
    let t = Instant::now();
    ws.cmd("index")
        .arg("--quiet")
        .arg("--rebuild")
        .assert()
        .success();
    let build_time = t.elapsed();

    let mut rng = Rng::new(17);
    let mut outcomes = BTreeSet::new();
    for round in 0..8 {
        copy_dir(&snapshot, &ws.index());
        let rebuild = round % 2 == 1;
        let mut cmd = ws.process("index");
        cmd.arg("--quiet")
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        if rebuild {
            cmd.arg("--rebuild");
        }
        let mut child = cmd.spawn().unwrap();
        let wait = build_time.mul_f64(rng.below(120) as f64 / 100.0);
        std::thread::sleep(wait);
        let _ = child.kill(); // SIGKILL on Unix
        let _ = child.wait();
        let seen = answers(&ws, &ws.index());
        assert!(
            seen == before || seen == after,
            "round {round} (rebuild {rebuild}, killed after {wait:?}): the index answers neither as before nor as after"
        );
        outcomes.insert(seen == after);
        // The next build recovers without help.
        ws.cmd("index").arg("--quiet").assert().success();
        assert_eq!(
            answers(&ws, &ws.index()),
            after,
            "round {round}: the build after a kill"
        );
    }
    eprintln!(
        "kills that left the old index: {}, the new one: {}",
        outcomes.contains(&false),
        outcomes.contains(&true)
    );
}

/// The moment the random kills above hit only now and then, made certain:
/// an incremental build killed after writing every file of its commit but
/// before tantivy renamed meta.json. What it wrote stays behind, listed in
/// tantivy's .managed.json as every file is before it is written; among
/// it a segment's deletion file named by the opstamp the next build
/// reaches again, doing the same deletions. That build must not trip on
/// it (it once failed with "FileAlreadyExists(….del)").
#[test]
fn a_build_killed_just_before_its_commit_leaves_nothing_in_the_next_ones_way() {
    let ws = Workspace::with_seed_corpus();
    let (snapshot, before) = built_then_changed(&ws);
    ws.cmd("index").arg("--quiet").assert().success();
    let after = answers(&ws, &ws.index());
    assert_ne!(before, after, "the change must change the answers");

    // Back to the commit before, every file written since left in place.
    for entry in std::fs::read_dir(&snapshot).unwrap() {
        let entry = entry.unwrap();
        if entry.file_name() != ".managed.json" {
            std::fs::copy(entry.path(), ws.index().join(entry.file_name())).unwrap();
        }
    }
    assert_eq!(answers(&ws, &ws.index()), before, "the simulated kill");
    let strays = std::fs::read_dir(ws.index())
        .unwrap()
        .filter(|e| {
            let name = e.as_ref().unwrap().file_name();
            !snapshot.join(&name).exists()
        })
        .count();
    assert!(strays > 0, "the second build's files must still be there");

    ws.cmd("index").arg("--quiet").assert().success();
    assert_eq!(answers(&ws, &ws.index()), after);
}

#[test]
fn searches_during_a_build_see_the_old_or_the_new_index() {
    let ws = Workspace::with_seed_corpus();
    ws.build();
    let before = answers(&ws, &ws.index());
    change_corpus(&ws);
    let after = reference_answers(&ws, "reference-b");
    let mut builder = ws
        .process("index")
        .args(["--quiet", "--rebuild"])
        .spawn()
        .unwrap();
    let mut searches = 0;
    loop {
        // Each search is one process and one snapshot: it must answer as
        // before or as after (the five searches may straddle the commit).
        let seen = answers(&ws, &ws.index());
        for (i, answer) in seen.iter().enumerate() {
            assert!(
                *answer == before[i] || *answer == after[i],
                "a search for {} during the build saw a mix",
                QUERIES[i]
            );
        }
        searches += 1;
        if builder.try_wait().unwrap().is_some() {
            break;
        }
    }
    assert!(builder.wait().unwrap().success());
    assert_eq!(answers(&ws, &ws.index()), after);
    assert!(searches >= 1);
}

#[test]
fn two_builds_at_once_wait_for_each_other() {
    let ws = Workspace::with_seed_corpus();
    let spawn = || {
        ws.process("index")
            .arg("--rebuild")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (first, second) = (spawn(), spawn());
    let (first, second) = (
        first.wait_with_output().unwrap(),
        second.wait_with_output().unwrap(),
    );
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert!(
        second.status.success(),
        "{}",
        String::from_utf8_lossy(&second.stderr)
    );
    ws.cmd("search").arg("学前教育").assert().code(0);
    assert_eq!(
        answers(&ws, &ws.index()),
        reference_answers(&ws, "reference")
    );
}

#[test]
fn a_build_holding_the_lock_makes_the_next_one_wait() {
    let ws = Workspace::with_seed_corpus();
    ws.build();
    // Hold the build lock from this process, as a running build would.
    let lock = std::fs::File::options()
        .write(true)
        .open(ws.index().join(".baogao.lock"))
        .unwrap();
    lock.lock().unwrap();
    let mut waiting = ws
        .process("index")
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(700));
    assert!(
        waiting.try_wait().unwrap().is_none(),
        "the second build waits for the lock"
    );
    lock.unlock().unwrap();
    let output = waiting.wait_with_output().unwrap();
    assert!(output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("waiting"));
}

#[test]
fn damaged_segment_files_are_clear_errors_and_rebuild_recovers() {
    let ws = Workspace::with_seed_corpus();
    ws.build();
    let pristine = ws.dir.path().join("pristine");
    copy_dir(&ws.index(), &pristine);
    let files: Vec<_> = std::fs::read_dir(&pristine)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let ext = p.extension().and_then(|e| e.to_str()).unwrap_or("");
            ["idx", "pos", "term", "store", "fast", "fieldnorm"].contains(&ext)
        })
        .collect();
    assert!(files.len() >= 6);
    for file in &files {
        for damage in ["truncate", "delete"] {
            copy_dir(&pristine, &ws.index());
            let target = ws.index().join(file.file_name().unwrap());
            if damage == "truncate" {
                let len = std::fs::metadata(&target).unwrap().len();
                std::fs::File::options()
                    .write(true)
                    .open(&target)
                    .unwrap()
                    .set_len(len / 2)
                    .unwrap();
            } else {
                std::fs::remove_file(&target).unwrap();
            }
            let output = ws.cmd("search").arg("学前教育").output().unwrap();
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert_eq!(output.status.code(), Some(2), "{damage} {file:?}: {stderr}");
            assert!(
                stderr.contains("damaged") && stderr.contains("baogao index --rebuild"),
                "{stderr}"
            );
            assert!(
                !stderr.contains("panicked") && stderr.lines().count() == 1,
                "{stderr}"
            );
            ws.cmd("index")
                .arg("--rebuild")
                .arg("--quiet")
                .assert()
                .success();
            ws.cmd("search").arg("学前教育").assert().code(0);
        }
    }
}

#[test]
fn a_full_build_leaves_one_segment_that_answers_as_before() {
    let ws = Workspace::with_seed_corpus();
    // Two indexing threads each write their own segment; the build then
    // merges them.
    ws.cmd("index")
        .args(["--quiet", "--threads", "2"])
        .assert()
        .success();
    let meta: serde_json::Value =
        serde_json::from_slice(&std::fs::read(ws.index().join("meta.json")).expect("meta.json"))
            .expect("meta.json is JSON");
    let segments = meta["segments"].as_array().expect("segments").len();
    assert_eq!(segments, 1, "{meta}");
    // Only the merged segment's files are left behind.
    let postings = std::fs::read_dir(ws.index())
        .expect("index dir")
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "idx"))
        .count();
    assert_eq!(postings, 1);
    // The merged index answers what an index built on one thread does.
    let single = ws.dir.path().join("single");
    ws.cmd("index")
        .args(["--quiet", "--threads", "1", "--index"])
        .arg(&single)
        .assert()
        .success();
    assert_eq!(answers(&ws, &ws.index()), answers(&ws, &single));
}
