//! Shared set-up for the criterion benches: the bench corpus is corpus/
//! plus, where this machine has it, ../shared/corpus/national (3.3 MB of
//! government work reports); laws are left out to keep a bench run short.

#![allow(dead_code)]

use baogao::corpus::{self, Report, tags::Tagger};
use std::path::{Path, PathBuf};

pub fn corpus_dirs() -> Vec<PathBuf> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut dirs = vec![root.join("corpus")];
    let national = root.join("../shared/corpus/national");
    if national.is_dir() {
        dirs.push(national);
    } else {
        eprintln!("note: ../shared is absent; benching on corpus/ alone");
    }
    dirs
}

/// Every report of the bench corpus, read and tagged.
pub fn reports() -> Vec<Report> {
    let mut out = Vec::new();
    for dir in corpus_dirs() {
        let tagger = Tagger::for_corpus(&dir, None).expect("tagger");
        for file in corpus::walk(&dir).expect("walk").files {
            if let Ok(report) = corpus::load_report(&file, &tagger) {
                out.push(report);
            }
        }
    }
    out
}

/// The raw bytes of every bench file, with its directory.
pub fn files() -> Vec<(PathBuf, corpus::CorpusFile, Vec<u8>)> {
    let mut out = Vec::new();
    for dir in corpus_dirs() {
        for file in corpus::walk(&dir).expect("walk").files {
            let bytes = std::fs::read(&file.path).expect("read");
            out.push((dir.clone(), file, bytes));
        }
    }
    out
}

pub fn text_bytes(reports: &[Report]) -> u64 {
    reports
        .iter()
        .flat_map(|r| r.paragraphs.iter())
        .map(|p| p.para.text.len() as u64)
        .sum()
}

pub fn tagger_for(dir: &Path) -> Tagger {
    Tagger::for_corpus(dir, None).expect("tagger")
}
