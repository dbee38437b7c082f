//! Shared helpers for the integration tests: temporary corpora, running the
//! real binary, reading its JSON lines, and a brute-force substring scan to
//! check the index against.

#![allow(dead_code)]

mod rng;

use assert_cmd::Command;
use baogao::analysis::normalize::normalize;
use baogao::corpus::{self, tags::Tagger};
use baogao::search::{Engine, MatchMode, Query, SearchOptions};
pub use rng::Rng;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `../shared` next to the repository, when this machine has it. Tests that
/// need it call this and return early (saying so) when it is absent.
pub fn shared() -> Option<PathBuf> {
    let dir = root().join("../shared");
    if dir.join("corpus").is_dir() {
        Some(dir)
    } else {
        eprintln!("skipping: ../shared is not present on this machine");
        None
    }
}

/// A temporary corpus and index directory.
pub struct Workspace {
    pub dir: TempDir,
}

impl Workspace {
    pub fn new() -> Self {
        Workspace {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    /// A workspace whose corpus is a copy of the bundled corpus/.
    pub fn with_seed_corpus() -> Self {
        let ws = Workspace::new();
        for entry in std::fs::read_dir(root().join("corpus")).expect("corpus/") {
            let entry = entry.expect("entry");
            std::fs::copy(entry.path(), ws.corpus().join(entry.file_name())).expect("copy");
        }
        ws
    }

    pub fn corpus(&self) -> PathBuf {
        let dir = self.dir.path().join("corpus");
        std::fs::create_dir_all(&dir).expect("corpus dir");
        dir
    }

    pub fn index(&self) -> PathBuf {
        self.dir.path().join("index")
    }

    /// Write a corpus file (creating folders).
    pub fn write(&self, rel: &str, content: impl AsRef<[u8]>) -> PathBuf {
        let path = self.corpus().join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(&path, content).expect("write");
        path
    }

    /// The binary, run in the workspace with its corpus and index.
    pub fn cmd(&self, subcommand: &str) -> Command {
        Command::from_std(self.process(subcommand))
    }

    /// The same as a plain `std::process::Command`, for tests that spawn
    /// the binary and act while it runs (kill it, close its pipe). It runs
    /// in the workspace, whose `corpus/` and `index/` are the defaults, as
    /// a user in a project folder would.
    pub fn process(&self, subcommand: &str) -> std::process::Command {
        self.corpus();
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("baogao"));
        cmd.current_dir(self.dir.path())
            .env_remove("NO_COLOR")
            .env("CI", "1")
            .arg(subcommand);
        cmd
    }

    /// `baogao index`, asserting success.
    pub fn build(&self) {
        self.cmd("index").arg("--quiet").assert().success();
    }
}

/// Parse JSON lines.
pub fn json_lines(stdout: &[u8]) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

/// Every paragraph of a corpus, as (file, ordinal, text), read through the
/// same walk, decoding and splitting as the index.
pub fn paragraphs(corpus_dir: &Path) -> Vec<(String, u64, String)> {
    let tagger = Tagger::for_corpus(corpus_dir, None).expect("tagger");
    let walk = corpus::walk(corpus_dir).expect("walk");
    let mut out = Vec::new();
    for file in &walk.files {
        if let Ok(report) = corpus::load_report(file, &tagger) {
            for r in report.paragraphs {
                out.push((
                    report.file.clone(),
                    u64::from(r.paragraph.number),
                    r.paragraph.text,
                ));
            }
        }
    }
    out
}

/// Every report of a corpus folder, read and tagged as the index does.
pub fn load_reports(corpus_dir: &Path) -> Vec<corpus::Report> {
    let tagger = Tagger::for_corpus(corpus_dir, None).expect("tagger");
    corpus::walk(corpus_dir)
        .expect("walk")
        .files
        .iter()
        .filter_map(|f| corpus::load_report(f, &tagger).ok())
        .collect()
}

/// An engine over an in-memory index of a corpus folder.
pub fn engine_for(corpus_dir: &Path) -> Engine {
    Engine::in_memory(
        &load_reports(corpus_dir),
        Tagger::default().theme_names(),
        2,
    )
    .expect("index")
}

/// Prepare a query (panicking with the query on a parse error).
pub fn query(text: &str, mode: MatchMode) -> Query {
    Query::parse(text, &[], mode).unwrap_or_else(|e| panic!("{text}: {e}"))
}

/// Options for every hit, uncollapsed.
pub fn every_hit() -> SearchOptions {
    SearchOptions {
        limit: None,
        collapse: false,
        ..SearchOptions::default()
    }
}

/// The brute-force truth: which paragraphs contain `needle` after
/// normalisation.
pub fn containing(paragraphs: &[(String, u64, String)], needle: &str) -> Vec<(String, u64)> {
    let needle = normalize(needle);
    let needle = needle.trim();
    let mut found: Vec<(String, u64)> = paragraphs
        .iter()
        .filter(|(_, _, text)| normalize(text).contains(needle))
        .map(|(f, o, _)| (f.clone(), *o))
        .collect();
    found.sort();
    found
}

/// Random substrings of 2..=6 characters of the given texts, made of
/// letters and digits only (so they are valid query terms).
pub fn random_substrings(texts: &[&str], count: usize, seed: u64) -> Vec<String> {
    let mut rng = Rng::new(seed);
    let mut out = Vec::new();
    let mut attempts = 0;
    while out.len() < count && attempts < count * 50 {
        attempts += 1;
        let text: Vec<char> = texts[rng.below(texts.len())].chars().collect();
        let len = 2 + rng.below(5);
        if text.len() <= len {
            continue;
        }
        let start = rng.below(text.len() - len);
        let candidate: String = text[start..start + len].iter().collect();
        if candidate.chars().all(|c| c.is_alphanumeric()) && !out.contains(&candidate) {
            out.push(candidate);
        }
    }
    out
}

/// The exact hit set of a query on an in-memory index: every hit, no
/// collapsing, no partial fill; sorted (file, paragraph) pairs. Checks
/// that the total is the number of hits.
pub fn exact_hits(engine: &Engine, text: &str) -> Vec<(String, u64)> {
    let results = engine
        .search(&query(text, MatchMode::All), &every_hit())
        .unwrap_or_else(|e| panic!("{text}: {e}"));
    assert_eq!(
        results.total as usize,
        results.hits.len(),
        "{text}: total vs hits"
    );
    let mut hits: Vec<(String, u64)> = results
        .hits
        .iter()
        .map(|h| {
            let p = &h.record.paragraph;
            (p.file.clone(), u64::from(p.number))
        })
        .collect();
    hits.sort();
    hits
}
