//! The index directory: what baogao keeps beside tantivy's files, and how
//! it is written safely.
//!
//! * `BAOGAO_FORMAT` — a marker naming the format version; written before
//!   anything else, so a directory without it is never taken for ours (and
//!   never wiped by `--rebuild`);
//! * `.baogao.lock` — held (an OS file lock, released if the process dies)
//!   by whoever builds or updates the index;
//! * `state-<opstamp>.json` — which report files, with which content
//!   hashes, the commit contains (for incremental builds), named by the
//!   commit's payload so that index and state change together;
//! * `stamps-<opstamp>.bin` — the same commit's file stamps alone, in the
//!   compact form the check before every search reads ([`super::stamps`]).

use super::schema::FORMAT_VERSION;
use crate::corpus::{FileStamp, WalkOptions};
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fs::File;
use std::path::Path;
use tantivy::Index;

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
    /// The corpus folder the index was built from, canonical.
    #[serde(default)]
    pub corpus: Option<String>,
    /// How that folder was walked.
    #[serde(default)]
    pub walk: WalkOptions,
    /// The stamps file written with the state (`None`: an index built
    /// before there were stamps files; the check reads the state instead).
    #[serde(default)]
    pub stamps_file: Option<String>,
    /// The theme taxonomy file given with `--themes`, canonical (`None`:
    /// `themes.toml` in the corpus folder, else the built-in one).
    #[serde(default)]
    pub themes_file: Option<String>,
}

/// What the index holds of the corpus: each report, each file it skipped,
/// and the settings files — each with the stamp it had when read, so that
/// a change can be seen without reading any file.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct IndexState {
    pub reports: BTreeMap<String, ReportState>,
    /// Files of the corpus that were not indexed (not text, empty…).
    #[serde(default)]
    pub skipped: BTreeMap<String, FileStamp>,
    /// `reports.toml` and the theme file, by path (`None`: absent).
    #[serde(default)]
    pub settings: BTreeMap<String, Option<FileStamp>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ReportState {
    /// xxh3 of the file's bytes, hex.
    pub content_hash: String,
    /// xxh3 of the report's manifest entry, hex.
    pub tags_hash: String,
    pub paragraphs: u64,
    /// Size and modification time when it was read.
    #[serde(default)]
    pub stamp: FileStamp,
    /// Its format (text, html, docx, doc, pdf), as recognised when read.
    #[serde(default = "text_format")]
    pub format: String,
}

fn text_format() -> String {
    "text".into()
}

/// Read the payload of the last commit straight from `meta.json`, without
/// opening the index (a search checks it before opening anything).
pub fn read_payload_in(dir: &Path) -> Option<CommitPayload> {
    #[derive(Deserialize)]
    struct Meta {
        payload: Option<String>,
    }
    let bytes = std::fs::read(dir.join("meta.json")).ok()?;
    let meta: Meta = serde_json::from_slice(&bytes).ok()?;
    serde_json::from_str(meta.payload.as_deref()?).ok()
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
    serde_json::from_slice(&read_state_bytes(dir, payload)).unwrap_or_default()
}

/// The state file's bytes (none when it cannot be read).
pub fn read_state_bytes(dir: &Path, payload: &CommitPayload) -> Vec<u8> {
    std::fs::read(dir.join(&payload.state_file)).unwrap_or_default()
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

/// Can this process write to the index directory (take its lock, write
/// its files)? A read-only index is searched as it is.
pub fn is_writable(dir: &Path) -> bool {
    File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(dir.join(LOCK_FILE))
        .is_ok()
}

/// Write the format marker (first thing in a new index directory).
pub(super) fn write_marker(dir: &Path) -> Result<()> {
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
