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
//!   payload names the state file, so index and state change together.
//!
//! [`schema`] defines the documents; [`build`] creates and updates indexes.

pub mod build;
pub mod schema;

use crate::analysis;
use crate::corpus;
use crate::error::{Error, Result};
use schema::{FORMAT_VERSION, Fields};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use tantivy::{Index, IndexReader, ReloadPolicy};

/// Name of the format marker file.
pub const MARKER_FILE: &str = "BAOGAO_FORMAT";
/// Name of the build lock file.
pub const LOCK_FILE: &str = ".baogao.lock";

fn marker_text() -> String {
    format!("baogao index format {FORMAT_VERSION}\n")
}

/// What an index directory holds.
#[derive(Debug, PartialEq, Eq)]
pub enum DirState {
    /// Absent or empty (apart from our lock file).
    Empty,
    /// Ours, this format, with a committed index.
    Ready,
    /// Ours, this format, but no commit yet (a first build was interrupted).
    Incomplete,
    /// Ours, another format.
    OtherFormat(String),
    /// Something else.
    Foreign,
}

/// Inspect an index directory without opening it.
pub fn dir_state(dir: &Path) -> Result<DirState> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(DirState::Empty),
        Err(e) if e.kind() == std::io::ErrorKind::NotADirectory => {
            return Ok(DirState::Foreign);
        }
        Err(e) => return Err(Error::io(dir, e)),
    };
    let mut names = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        names.push(entry.file_name().to_string_lossy().into_owned());
    }
    names.retain(|n| n != LOCK_FILE);
    if names.is_empty() {
        return Ok(DirState::Empty);
    }
    let marker = match std::fs::read_to_string(dir.join(MARKER_FILE)) {
        Ok(marker) => marker,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(DirState::Foreign),
        Err(e) => return Err(Error::io(&dir.join(MARKER_FILE), e)),
    };
    if marker != marker_text() {
        let found = marker
            .trim()
            .strip_prefix("baogao index format ")
            .unwrap_or("unknown")
            .chars()
            .take(20)
            .collect();
        return Ok(DirState::OtherFormat(found));
    }
    if dir.join("meta.json").exists() {
        Ok(DirState::Ready)
    } else {
        Ok(DirState::Incomplete)
    }
}

/// An index opened for searching.
pub struct IndexHandle {
    pub dir: PathBuf,
    pub index: Index,
    pub reader: IndexReader,
    pub fields: Fields,
    /// Fast-field columns per segment, opened once.
    pub columns: std::sync::Arc<crate::search::collect::ColumnCache>,
    /// The theme names of the commit, read on first use (most searches
    /// never filter by theme, and reading them re-reads meta.json).
    themes: std::sync::OnceLock<Vec<String>>,
}

impl IndexHandle {
    fn new(dir: PathBuf, index: Index, reader: IndexReader, fields: Fields) -> Self {
        IndexHandle {
            dir,
            index,
            reader,
            fields,
            columns: Default::default(),
            themes: std::sync::OnceLock::new(),
        }
    }

    /// The theme names paragraphs were tagged with.
    pub fn themes(&self) -> &[String] {
        self.themes.get_or_init(|| themes_of(&self.index))
    }
}

/// The commit payload: which state file belongs to the commit.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct CommitPayload {
    pub format: u32,
    /// Analysis and tagging fingerprint the documents were built with.
    pub fingerprint: String,
    pub state_file: String,
    /// Names of the themes paragraphs were tagged with (for validating
    /// `--theme`).
    #[serde(default)]
    pub themes: Vec<String>,
}

/// What the index holds of each report (for incremental updates).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct IndexState {
    pub reports: BTreeMap<String, ReportState>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ReportState {
    /// xxh3 of the file's bytes, hex.
    pub content_hash: String,
    /// xxh3 of the report's manifest entry, hex.
    pub tags_hash: String,
    pub paragraphs: u64,
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
/// when it means the files are damaged.
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

/// Open an index for searching.
pub fn open(dir: &Path) -> Result<IndexHandle> {
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
    let reader = index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()
        .map_err(damaged)?;
    Ok(IndexHandle::new(dir.to_path_buf(), index, reader, fields))
}

/// Open an index for searching, building it from `corpus` first when there
/// is none yet (the first run of `baogao search` on a fresh clone).
/// `on_build` is called before building, so the caller can say so.
pub fn open_or_build(
    dir: &Path,
    corpus: &Path,
    observer: &dyn build::BuildObserver,
    on_build: impl FnOnce(),
) -> Result<(IndexHandle, Option<build::BuildSummary>)> {
    if !matches!(dir_state(dir)?, DirState::Empty | DirState::Incomplete) {
        return Ok((open(dir)?, None));
    }
    if !corpus.is_dir() {
        return Err(Error::Invalid(format!(
            "no index at {} and no corpus at {} to build it from (run from the project folder, or pass --index DIR / --corpus DIR)",
            dir.display(),
            corpus.display()
        )));
    }
    on_build();
    let tagger = corpus::tags::Tagger::for_corpus(corpus, None)?;
    let options = build::BuildOptions::new(corpus, dir);
    let summary = build::build(&options, &tagger, observer)?;
    Ok((open(dir)?, Some(summary)))
}

/// Build an index in memory from already-loaded reports: for tests,
/// benchmarks and tools that should not touch the disk. `threads` indexing
/// threads are used, as in a real build.
pub fn in_memory(
    reports: &[corpus::Report],
    themes: Vec<String>,
    threads: usize,
) -> Result<IndexHandle> {
    let (schema, fields) = schema::build_schema();
    let index = Index::create_in_ram(schema);
    analysis::register_tokenizers(&index);
    let mut writer: tantivy::IndexWriter<tantivy::TantivyDocument> =
        index.writer_with_num_threads(threads.max(1), 64 * 1024 * 1024 * threads.max(1))?;
    for report in reports {
        for doc in build::report_documents(&fields, report) {
            writer.add_document(doc)?;
        }
    }
    let mut prepared = writer.prepare_commit()?;
    let payload = CommitPayload {
        format: FORMAT_VERSION,
        fingerprint: String::new(),
        state_file: String::new(),
        themes,
    };
    prepared
        .set_payload(&serde_json::to_string(&payload).map_err(|e| Error::Invalid(e.to_string()))?);
    prepared.commit()?;
    let reader = index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()?;
    Ok(IndexHandle::new(PathBuf::new(), index, reader, fields))
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

/// Read the commit payload of an opened index, if it has one of ours.
pub fn read_payload(index: &Index) -> Option<CommitPayload> {
    let metas = index.load_metas().ok()?;
    serde_json::from_str(metas.payload.as_deref()?).ok()
}

/// The theme names an index was tagged with.
pub fn themes_of(index: &Index) -> Vec<String> {
    read_payload(index).map(|p| p.themes).unwrap_or_default()
}

/// Read the state file named by a payload; a missing or unreadable state
/// means "nothing known", which makes the next build re-index everything.
pub fn read_state(dir: &Path, payload: &CommitPayload) -> IndexState {
    std::fs::read(dir.join(&payload.state_file))
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or_default()
}

/// An exclusive lock on an index directory, held while building.
pub struct BuildLock {
    _file: File,
}

/// Take the build lock. With `wait`, block until another builder is done
/// (calling `on_wait` once first); without, fail with [`Error::IndexLocked`].
pub fn lock(dir: &Path, wait: bool, on_wait: impl FnOnce()) -> Result<BuildLock> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let path = dir.join(LOCK_FILE);
    let file = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| Error::io(&path, e))?;
    match file.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => {
            if !wait {
                return Err(Error::IndexLocked {
                    path: dir.to_path_buf(),
                    lock: path,
                });
            }
            on_wait();
            file.lock().map_err(|e| Error::io(&path, e))?;
        }
        Err(std::fs::TryLockError::Error(e)) => return Err(Error::io(&path, e)),
    }
    Ok(BuildLock { _file: file })
}

/// Write the format marker (first thing in a new index directory).
fn write_marker(dir: &Path) -> Result<()> {
    let path = dir.join(MARKER_FILE);
    write_atomically(&path, marker_text().as_bytes())
}

/// Write a file so that readers see either the old or the new content:
/// write a temporary sibling, flush it to disk, rename it over.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let tmp = path.with_extension("tmp");
    let mut file = File::create(&tmp).map_err(|e| Error::io(&tmp, e))?;
    file.write_all(bytes).map_err(|e| Error::io(&tmp, e))?;
    file.sync_all().map_err(|e| Error::io(&tmp, e))?;
    std::fs::rename(&tmp, path).map_err(|e| Error::io(path, e))?;
    Ok(())
}
