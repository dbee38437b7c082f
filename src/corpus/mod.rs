//! The corpus: a directory of report files, read into tagged paragraphs.
//!
//! * [`walk`] lists the candidate files (`.txt`, `.md`), in a stable order,
//!   and records what it could not visit (symlink loops, unreadable folders);
//! * [`decode`] turns bytes into text or a reason to skip the file;
//! * [`split`] cuts text into paragraphs with their heading paths;
//! * [`manifest`] and [`tags`] say which county, year, kind and themes each
//!   report and paragraph belongs to;
//! * [`record`] is the paragraph record everything above this layer uses;
//! * [`check`] reports what a corpus will be tagged with, and its problems.
//!
//! Nothing here stops at a bad file: every problem becomes a [`Problem`]
//! that the caller reports and counts, and the rest of the corpus is read.

pub mod check;
pub mod decode;
pub mod manifest;
pub mod record;
pub mod split;
pub mod tags;

use crate::error::{Error, Result};
use record::Record;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Files larger than this are skipped: no report is 256 MiB of text, and
/// reading one whole would only exhaust memory.
pub const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// A file found in the corpus.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CorpusFile {
    /// Path relative to the corpus root, `/`-separated; the report's id.
    pub rel: String,
    pub path: PathBuf,
    /// The size and modification time seen during the walk.
    pub len: u64,
}

/// Something in the corpus that was not indexed, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The path as shown to the user (relative to the corpus when possible).
    pub path: String,
    /// A short stable key for summaries: "empty", "binary", "unreadable", …
    pub key: &'static str,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// Result of walking the corpus.
#[derive(Debug, Default)]
pub struct Walk {
    pub files: Vec<CorpusFile>,
    pub problems: Vec<Problem>,
}

fn is_report_file(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "txt" | "md" | "markdown"))
}

fn is_hidden(entry: &walkdir::DirEntry) -> bool {
    entry.depth() > 0 && entry.file_name().to_string_lossy().starts_with('.')
}

/// List the report files under `root`, sorted by path. Symlinks are
/// followed (loops are detected and reported); hidden files and folders are
/// skipped, as ripgrep does.
pub fn walk(root: &Path) -> Result<Walk> {
    if !root.is_dir() {
        return Err(Error::CorpusMissing(root.to_path_buf()));
    }
    let mut out = Walk::default();
    let mut seen = BTreeSet::new();
    let walker = walkdir::WalkDir::new(root)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| !is_hidden(e));
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                let path = err
                    .path()
                    .map(|p| relative(root, p))
                    .unwrap_or_else(|| root.display().to_string());
                let (key, message) = if err.loop_ancestor().is_some() {
                    ("symlink-loop", "symlink loop, not followed".to_string())
                } else if let Some(io) = err.io_error() {
                    walk_io_problem(io)
                } else {
                    ("unreadable", err.to_string())
                };
                out.problems.push(Problem { path, key, message });
                continue;
            }
        };
        if !entry.file_type().is_file() || !is_report_file(entry.path()) {
            continue;
        }
        let rel = relative(root, entry.path());
        if entry.path().to_str().is_none() {
            out.problems.push(Problem {
                path: rel.clone(),
                key: "non-utf8-name",
                message: "file name is not valid UTF-8; indexed under the name shown".into(),
            });
        }
        if !seen.insert(rel.clone()) {
            out.problems.push(Problem {
                path: rel,
                key: "name-collision",
                message: "another file has the same name once made valid UTF-8; skipped".into(),
            });
            continue;
        }
        let len = entry.metadata().map(|m| m.len()).unwrap_or(0);
        out.files.push(CorpusFile {
            rel,
            path: entry.into_path(),
            len,
        });
    }
    Ok(out)
}

fn walk_io_problem(io: &std::io::Error) -> (&'static str, String) {
    match io.kind() {
        std::io::ErrorKind::NotFound => ("vanished", "deleted during the walk".into()),
        std::io::ErrorKind::PermissionDenied => ("unreadable", "permission denied".into()),
        _ => ("unreadable", io.to_string()),
    }
}

/// `path` relative to `root`, with `/` separators, lossily made UTF-8.
pub fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    parts.join("/")
}

/// Read a file's bytes, or say why not.
pub fn read_file(file: &CorpusFile) -> std::result::Result<Vec<u8>, Problem> {
    let problem = |key, message: String| Problem {
        path: file.rel.clone(),
        key,
        message,
    };
    let metadata = std::fs::metadata(&file.path).map_err(|e| {
        let (key, message) = walk_io_problem(&e);
        problem(key, message)
    })?;
    if metadata.len() > MAX_FILE_BYTES {
        return Err(problem(
            "too-large",
            format!(
                "{} MiB is larger than the {} MiB limit for one report",
                metadata.len() >> 20,
                MAX_FILE_BYTES >> 20
            ),
        ));
    }
    std::fs::read(&file.path).map_err(|e| {
        let (key, message) = walk_io_problem(&e);
        problem(key, message)
    })
}

/// A report read, split and tagged, ready to index.
#[derive(Debug, Clone)]
pub struct Report {
    pub file: String,
    /// Hash of the file's bytes: decides whether an incremental build must
    /// re-index it.
    pub content_hash: u64,
    pub encoding: decode::Encoding,
    pub lossy_lines: usize,
    pub tags: tags::ReportTags,
    pub paragraphs: Vec<Record>,
}

/// Hash of a file's content, as stored in the index state.
pub fn content_hash(bytes: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(bytes)
}

/// Decode one file's bytes, or say why it is skipped.
pub fn decode_file(
    file: &CorpusFile,
    bytes: &[u8],
) -> std::result::Result<decode::Decoded, Problem> {
    decode::decode(bytes).map_err(|reason| Problem {
        path: file.rel.clone(),
        key: reason.key(),
        message: reason.to_string(),
    })
}

/// Decode, split and tag one file's bytes.
pub fn build_report(
    file: &CorpusFile,
    bytes: &[u8],
    tagger: &tags::Tagger,
) -> std::result::Result<Report, Problem> {
    let decoded = decode_file(file, bytes)?;
    Ok(report_from_text(file, content_hash(bytes), decoded, tagger))
}

/// Split and tag a decoded file.
pub fn report_from_text(
    file: &CorpusFile,
    content_hash: u64,
    decoded: decode::Decoded,
    tagger: &tags::Tagger,
) -> Report {
    let mut paragraphs = split::split_paragraphs(&decoded.text);
    for paragraph in &mut paragraphs {
        paragraph.file.clone_from(&file.rel);
    }
    let (tags, paragraph_tags) = tagger.tag(&file.rel, &decoded.text, &paragraphs);
    let paragraphs = paragraphs
        .into_iter()
        .zip(paragraph_tags)
        .map(|(paragraph, tags)| Record { paragraph, tags })
        .collect();
    Report {
        file: file.rel.clone(),
        content_hash,
        encoding: decoded.encoding,
        lossy_lines: decoded.lossy_lines,
        tags,
        paragraphs,
    }
}

/// Read and build one report.
pub fn load_report(
    file: &CorpusFile,
    tagger: &tags::Tagger,
) -> std::result::Result<Report, Problem> {
    let bytes = read_file(file)?;
    build_report(file, &bytes, tagger)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walk_lists_report_files_sorted_and_skips_hidden() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("b/c")).unwrap();
        std::fs::create_dir_all(root.join(".git")).unwrap();
        for name in [
            "z.txt",
            "a.md",
            "b/c/x.TXT",
            "notes.pdf",
            ".hidden.txt",
            ".git/y.txt",
        ] {
            std::fs::write(root.join(name), "内容。").unwrap();
        }
        let walk = walk(root).unwrap();
        let rels: Vec<&str> = walk.files.iter().map(|f| f.rel.as_str()).collect();
        assert_eq!(rels, vec!["a.md", "b/c/x.TXT", "z.txt"]);
        assert!(walk.problems.is_empty());
    }

    #[test]
    fn walk_of_a_missing_directory_is_an_error() {
        let err = walk(Path::new("/nonexistent/baogao-corpus")).unwrap_err();
        assert!(matches!(err, Error::CorpusMissing(_)));
    }

    #[cfg(unix)]
    #[test]
    fn symlink_loops_are_reported_not_followed_forever() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("a")).unwrap();
        std::fs::write(root.join("a/r.txt"), "内容。").unwrap();
        std::os::unix::fs::symlink(root.join("a"), root.join("a/loop")).unwrap();
        let walk = walk(root).unwrap();
        assert_eq!(walk.files.len(), 1);
        assert_eq!(walk.problems.len(), 1);
        assert_eq!(walk.problems[0].key, "symlink-loop");
    }
}
