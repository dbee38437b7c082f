//! Shared set-up for the criterion benches: the bench corpus is corpus/
//! plus, where this machine has it, ../shared/corpus/national (3.3 MB of
//! government work reports); laws are left out to keep a bench run short.

#![allow(dead_code)]

use baogao::corpus::{self, Report, tags::Tagger};
use std::path::PathBuf;

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

/// One folder of the bench corpus: its tagger and its files' raw bytes.
pub struct BenchDir {
    pub tagger: Tagger,
    pub files: Vec<(corpus::CorpusFile, Vec<u8>)>,
}

/// Every folder of the bench corpus, read into memory.
pub fn dirs() -> Vec<BenchDir> {
    corpus_dirs()
        .iter()
        .map(|dir| BenchDir {
            tagger: Tagger::for_corpus(dir, None).expect("tagger"),
            files: corpus::walk(dir)
                .expect("walk")
                .files
                .into_iter()
                .map(|file| {
                    let bytes = std::fs::read(&file.path).expect("read");
                    (file, bytes)
                })
                .collect(),
        })
        .collect()
}

/// Decode, split and tag every file read (files that fail are left out).
pub fn prepare(dirs: &[BenchDir]) -> Vec<Report> {
    dirs.iter()
        .flat_map(|dir| {
            dir.files
                .iter()
                .filter_map(|(file, bytes)| corpus::build_report(file, bytes, &dir.tagger).ok())
        })
        .collect()
}

/// Every report of the bench corpus, read and tagged.
pub fn reports() -> Vec<Report> {
    prepare(&dirs())
}

pub fn text_bytes(reports: &[Report]) -> u64 {
    reports
        .iter()
        .flat_map(|r| r.paragraphs.iter())
        .map(|p| p.paragraph.text.len() as u64)
        .sum()
}
