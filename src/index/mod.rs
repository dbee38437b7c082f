//! The on-disk index: a tantivy index in a directory that baogao owns.
//!
//! Layout of an index directory:
//!
//! * `BAOGAO_FORMAT` — a marker naming the format version; written before
//!   anything else, so a directory without it is never taken for ours (and
//!   never wiped by `--rebuild`);
//! * `.baogao.lock` — held (an OS file lock, released if the process dies)
//!   by whoever builds or updates the index;
//! * `meta.json` and segment files — tantivy's own. tantivy writes
//!   `meta.json` atomically at each commit, so readers always see one
//!   complete commit, old or new;
//! * `state-<opstamp>.json` — which report files, with which content
//!   hashes, the commit contains (for incremental builds). The commit's
//!   payload names the state file, so index and state change together;
//! * `stamps-<opstamp>.bin` — the same commit's file stamps alone, compact,
//!   for the freshness check before every search ([`stamps`]).
//!
//! [`schema`] defines the documents, [`document`] writes records into them
//! and reads them back, [`layout`] keeps baogao's own files in the
//! directory, [`build`] creates and updates indexes. Searching an opened
//! index is the search layer's business.

pub mod build;
pub mod document;
pub mod layout;
pub mod schema;
pub mod stamps;
pub mod sync;

use crate::analysis;
use crate::corpus;
use crate::error::{Error, Result};
use layout::{CommitPayload, DirState, dir_state};
pub use layout::{read_payload, themes_of};
use schema::{FORMAT_VERSION, Fields};
use std::path::{Path, PathBuf};
use tantivy::Index;

/// An index opened, its schema checked and its tokenizers registered;
/// where it lives (empty for an in-memory index).
pub struct OpenIndex {
    pub dir: PathBuf,
    pub index: Index,
    pub fields: Fields,
}

/// If a tantivy error means the index files are missing or corrupt, a
/// short description of it.
pub fn damage(error: &tantivy::TantivyError) -> Option<String> {
    use tantivy::directory::error::OpenReadError;
    let name = |p: &Path| {
        p.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    match error {
        tantivy::TantivyError::OpenReadError(OpenReadError::FileDoesNotExist(path)) => {
            Some(format!("file {} is missing", name(path)))
        }
        tantivy::TantivyError::OpenReadError(OpenReadError::IoError { io_error, filepath }) => {
            if io_error.kind() == std::io::ErrorKind::InvalidData {
                Some(format!("file {} is truncated or corrupt", name(filepath)))
            } else {
                Some(format!("cannot read {}: {io_error}", name(filepath)))
            }
        }
        tantivy::TantivyError::OpenReadError(OpenReadError::IncompatibleIndex(_)) => {
            Some("its files were written by an incompatible tantivy".into())
        }
        tantivy::TantivyError::DataCorruption(corruption) => Some(format!("{corruption:?}")),
        _ => None,
    }
}

/// Turn an error met while reading an index into [`Error::IndexDamaged`]
/// when it means the files are damaged. Every read of an index goes
/// through this (the search engine's entry points and incremental builds).
pub fn reading_error(dir: &Path, error: Error) -> Error {
    match error {
        Error::Tantivy(ref t) => match damage(t) {
            Some(message) => Error::IndexDamaged {
                path: dir.to_path_buf(),
                message,
            },
            None => error,
        },
        other => other,
    }
}

/// Open an index for reading.
pub fn open(dir: &Path) -> Result<OpenIndex> {
    match dir_state(dir)? {
        DirState::Ready => {}
        DirState::Empty => return Err(Error::IndexMissing(dir.to_path_buf())),
        DirState::Incomplete => {
            return Err(Error::IndexDamaged {
                path: dir.to_path_buf(),
                message: "its first build did not finish".into(),
            });
        }
        DirState::OtherFormat(found) => {
            return Err(Error::IndexFormat {
                path: dir.to_path_buf(),
                found,
                expected: FORMAT_VERSION,
            });
        }
        DirState::Foreign => {
            return Err(Error::Invalid(format!(
                "{} is not a baogao index (pass --index DIR, or run `baogao index --index DIR` on an empty directory)",
                dir.display()
            )));
        }
    }
    let damaged = |e: tantivy::TantivyError| Error::IndexDamaged {
        path: dir.to_path_buf(),
        message: damage(&e).unwrap_or_else(|| e.to_string()),
    };
    let index = Index::open_in_dir(dir).map_err(damaged)?;
    let fields = check_schema(&index, dir)?;
    analysis::register_tokenizers(&index);
    Ok(OpenIndex {
        dir: dir.to_path_buf(),
        index,
        fields,
    })
}

/// Build an index in memory from already-loaded reports: for tests,
/// benchmarks and tools that should not touch the disk. `threads` indexing
/// threads are used, as in a real build.
pub fn in_memory(
    reports: &[corpus::Report],
    themes: Vec<String>,
    threads: usize,
) -> Result<OpenIndex> {
    let (schema, fields) = schema::build_schema();
    let index = Index::create_in_ram(schema);
    analysis::register_tokenizers(&index);
    let mut writer: tantivy::IndexWriter<tantivy::TantivyDocument> =
        index.writer_with_num_threads(threads.max(1), 64 * 1024 * 1024 * threads.max(1))?;
    for report in reports {
        for record in &report.paragraphs {
            writer.add_document(document::to_document(&fields, record, &themes))?;
        }
    }
    let mut prepared = writer.prepare_commit()?;
    let payload = CommitPayload {
        format: FORMAT_VERSION,
        fingerprint: String::new(),
        state_file: String::new(),
        stamps_file: None,
        themes,
        corpus: None,
        walk: Default::default(),
        themes_file: None,
    };
    prepared
        .set_payload(&serde_json::to_string(&payload).map_err(|e| Error::Invalid(e.to_string()))?);
    prepared.commit()?;
    Ok(OpenIndex {
        dir: PathBuf::new(),
        index,
        fields,
    })
}

/// Check that an opened index has exactly the schema this build writes.
fn check_schema(index: &Index, dir: &Path) -> Result<Fields> {
    let (expected, fields) = schema::build_schema();
    if index.schema() != expected {
        return Err(Error::IndexFormat {
            path: dir.to_path_buf(),
            found: format!("{FORMAT_VERSION} with a different schema"),
            expected: FORMAT_VERSION,
        });
    }
    Ok(fields)
}
