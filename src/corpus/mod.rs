//! The corpus: a directory of report files, read into tagged paragraphs.
//!
//! * [`walk`] lists the candidate files (text, web pages, Word files and
//!   PDFs), in a stable order, and records what it could not visit (symlink
//!   loops, unreadable folders);
//! * [`extract`] turns each format into text, and [`decode`] decodes text
//!   files — or they say why a file is skipped;
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
pub mod extract;
pub mod format;
pub mod manifest;
pub mod record;
pub mod split;
pub mod tags;

use crate::error::{Error, Result};
use rayon::prelude::*;
use record::Record;
use serde::{Deserialize, Serialize};
use std::cell::RefCell;
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
    /// The size seen during the walk.
    pub len: u64,
    /// Size and modification time seen during the walk.
    pub stamp: FileStamp,
}

/// What tells a file changed without reading it: its size and modification
/// time (nanoseconds since the epoch), as git's index does.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileStamp {
    pub len: u64,
    pub mtime_ns: u64,
}

impl FileStamp {
    pub fn of(metadata: &std::fs::Metadata) -> FileStamp {
        let mtime_ns = metadata
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX));
        FileStamp {
            len: metadata.len(),
            mtime_ns,
        }
    }

    /// The stamp of a file, if it can be read (`None` when it is absent).
    pub fn read(path: &Path) -> Option<FileStamp> {
        std::fs::metadata(path).ok().map(|m| FileStamp::of(&m))
    }
}

/// How the corpus folder is walked: whether symbolic links are followed.
/// Recorded with the index, so that an update walks the same way.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WalkOptions {
    /// Follow symbolic links (ripgrep's `-L`), as long as they lead to
    /// somewhere inside the corpus folder.
    #[serde(default)]
    pub follow_links: bool,
    /// Follow links even when they lead outside the corpus folder.
    #[serde(default)]
    pub follow_outside: bool,
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
        .is_some_and(|e| extract::EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
}

fn is_hidden(entry: &walkdir::DirEntry) -> bool {
    entry.depth() > 0 && entry.file_name().to_string_lossy().starts_with('.')
}

/// List the report files under `root`, sorted by path, with the default
/// options: symbolic links are not followed.
pub fn walk(root: &Path) -> Result<Walk> {
    walk_with(root, WalkOptions::default())
}

/// List the report files under `root`, sorted by path. Hidden files and
/// folders are skipped, as ripgrep does. Symbolic links are followed only
/// when asked, and then only within the corpus folder unless
/// `follow_outside` (loops are detected and reported); every link not
/// followed is reported, so nothing is left out silently.
pub fn walk_with(root: &Path, options: WalkOptions) -> Result<Walk> {
    if !root.is_dir() {
        return Err(Error::CorpusMissing(root.to_path_buf()));
    }
    let canonical_root = std::fs::canonicalize(root).map_err(|e| Error::io(root, e))?;
    let skipped_links: RefCell<Vec<Problem>> = RefCell::new(Vec::new());
    let mut out = Walk::default();
    let mut seen = BTreeSet::new();
    let walker = walkdir::WalkDir::new(root)
        .follow_links(options.follow_links)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            if is_hidden(e) {
                return false;
            }
            if !e.path_is_symlink() || e.depth() == 0 {
                return true;
            }
            let problem = |key, message: String| Problem {
                path: relative(root, e.path()),
                key,
                message,
            };
            if !options.follow_links {
                // Only links that would have been read are worth a word.
                let target = std::fs::metadata(e.path());
                if target.is_ok_and(|m| m.is_dir() || is_report_file(e.path())) {
                    skipped_links.borrow_mut().push(problem(
                        "symlink",
                        "symbolic link, not followed (pass --follow to follow links)".into(),
                    ));
                }
                return false;
            }
            if !options.follow_outside
                && let Ok(target) = std::fs::canonicalize(e.path())
                && !target.starts_with(&canonical_root)
            {
                skipped_links.borrow_mut().push(problem(
                    "symlink-outside",
                    format!(
                        "symbolic link to {} outside the corpus, not followed (pass --follow-outside to allow it)",
                        target.display()
                    ),
                ));
                return false;
            }
            true
        });
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
        let stamp = entry
            .metadata()
            .map(|m| FileStamp::of(&m))
            .unwrap_or_default();
        out.files.push(CorpusFile {
            rel,
            path: entry.into_path(),
            len: stamp.len,
            stamp,
        });
    }
    out.problems.extend(skipped_links.into_inner());
    out.problems.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

fn walk_io_problem(io: &std::io::Error) -> (&'static str, String) {
    match io.kind() {
        std::io::ErrorKind::NotFound => ("vanished", "deleted during the walk".into()),
        std::io::ErrorKind::PermissionDenied => ("unreadable", "permission denied".into()),
        _ => ("unreadable", io.to_string()),
    }
}

/// The report files under `root` and their stamps, as [`walk_with`] would
/// list them — for checking freshness before a search, where only the
/// stamps matter. Without `--follow` (symbolic links are not followed) it
/// stats each file relative to its open directory (no path lookup from
/// the root per file) and reads directories on every core; it is the same
/// walk otherwise. Hidden files, non-report files and links are left out
/// as `walk_with` leaves them out.
pub fn stamps(root: &Path, options: WalkOptions) -> Result<Vec<(String, FileStamp)>> {
    if options.follow_links {
        let walk = walk_with(root, options)?;
        return Ok(walk.files.into_iter().map(|f| (f.rel, f.stamp)).collect());
    }
    if !root.is_dir() {
        return Err(Error::CorpusMissing(root.to_path_buf()));
    }
    fn visit(dir: &Path, rel: &str, out: &std::sync::Mutex<Vec<(String, FileStamp)>>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        let mut subdirs = Vec::new();
        let mut found = Vec::new();
        for entry in entries.flatten() {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if name.starts_with('.') {
                continue;
            }
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            let child = if rel.is_empty() {
                name.to_string()
            } else {
                format!("{rel}/{name}")
            };
            if kind.is_dir() {
                subdirs.push((entry.path(), child));
            } else if kind.is_file() && is_report_file(Path::new(name.as_ref())) {
                found.push((entry, child));
            }
        }
        // DirEntry::metadata stats relative to the directory's open fd (no
        // path lookup from the root per file). A large folder's files are
        // statted on every core: one thread per folder left a core idle
        // where one folder held most of the files (683 of the shared
        // corpus's 3,533 are in one). The entries, and with them the
        // folder's fd, are dropped before its subfolders are visited, so
        // open folders stay bounded by the threads, not by the tree.
        let stamped: Vec<(String, FileStamp)> = found
            .into_par_iter()
            .with_min_len(64)
            .map(|(entry, child)| {
                let stamp = entry
                    .metadata()
                    .map(|m| FileStamp::of(&m))
                    .unwrap_or_default();
                (child, stamp)
            })
            .collect();
        if let Ok(mut out) = out.lock() {
            out.extend(stamped);
        }
        rayon::scope(|scope| {
            for (path, child) in &subdirs {
                scope.spawn(move |_| visit(path, child, out));
            }
        });
    }
    let out = std::sync::Mutex::new(Vec::new());
    visit(root, "", &out);
    let mut files = out.into_inner().unwrap_or_default();
    files.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    files.dedup_by(|a, b| a.0 == b.0);
    Ok(files)
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
    pub format: extract::Format,
    /// How the text was decoded (or what wrote the file).
    pub encoding: String,
    /// Problems that did not stop the file (replaced bytes, unmapped
    /// characters), for warnings.
    pub notes: Vec<String>,
    pub tags: tags::ReportTags,
    pub paragraphs: Vec<Record>,
}

/// Hash of a file's content, as stored in the index state.
pub fn content_hash(bytes: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(bytes)
}

/// Extract one file's text (whatever its format), or say why it is
/// skipped. A parser that panics or runs past the time limit skips the
/// file; it never stops the build.
pub fn extract_file(
    file: &CorpusFile,
    bytes: &[u8],
) -> std::result::Result<extract::Extracted, Problem> {
    extract::extract_isolated(&file.rel, bytes, extract::TIME_LIMIT).map_err(|reason| Problem {
        path: file.rel.clone(),
        key: reason.key(),
        message: reason.to_string(),
    })
}

/// Extract, split and tag one file's bytes.
pub fn build_report(
    file: &CorpusFile,
    bytes: &[u8],
    tagger: &tags::Tagger,
) -> std::result::Result<Report, Problem> {
    let extracted = extract_file(file, bytes)?;
    Ok(report_from_text(
        file,
        content_hash(bytes),
        extracted,
        tagger,
    ))
}

/// Split and tag an extracted file.
pub fn report_from_text(
    file: &CorpusFile,
    content_hash: u64,
    extracted: extract::Extracted,
    tagger: &tags::Tagger,
) -> Report {
    let mut paragraphs = split::split_paragraphs_with(&extracted.text, extracted.paged);
    for paragraph in &mut paragraphs {
        paragraph.file.clone_from(&file.rel);
        if !extracted.format.has_lines() {
            paragraph.line = 0;
        }
    }
    let (tags, paragraph_tags) = tagger.tag(&file.rel, &extracted.text, &paragraphs);
    let paragraphs = paragraphs
        .into_iter()
        .zip(paragraph_tags)
        .map(|(paragraph, tags)| Record { paragraph, tags })
        .collect();
    Report {
        file: file.rel.clone(),
        content_hash,
        format: extracted.format,
        encoding: extracted.encoding,
        notes: extracted.notes,
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
            "data.xlsx",
            ".hidden.txt",
            ".git/y.txt",
        ] {
            std::fs::write(root.join(name), "内容。").unwrap();
        }
        let walk = walk(root).unwrap();
        let rels: Vec<&str> = walk.files.iter().map(|f| f.rel.as_str()).collect();
        assert_eq!(rels, vec!["a.md", "b/c/x.TXT", "notes.pdf", "z.txt"]);
        assert!(walk.problems.is_empty());
    }

    #[test]
    fn stamps_list_what_the_walk_lists() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("b/c")).unwrap();
        std::fs::create_dir_all(root.join(".git")).unwrap();
        for name in [
            "z.txt",
            "a.md",
            "b/c/x.TXT",
            "b/r.pdf",
            "data.xlsx",
            ".h.txt",
            ".git/y.txt",
        ] {
            std::fs::write(root.join(name), "内容。").unwrap();
        }
        #[cfg(unix)]
        std::os::unix::fs::symlink(root.join("z.txt"), root.join("link.txt")).unwrap();
        let walked: Vec<(String, FileStamp)> = walk(root)
            .unwrap()
            .files
            .into_iter()
            .map(|f| (f.rel, f.stamp))
            .collect();
        assert_eq!(stamps(root, WalkOptions::default()).unwrap(), walked);
        assert_eq!(walked.len(), 4);
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
        let follow = WalkOptions {
            follow_links: true,
            follow_outside: false,
        };
        let walk = walk_with(root, follow).unwrap();
        assert_eq!(walk.files.len(), 1);
        assert_eq!(walk.problems.len(), 1);
        assert_eq!(walk.problems[0].key, "symlink-loop");
    }

    #[cfg(unix)]
    #[test]
    fn links_are_followed_only_when_asked_and_only_inside_the_corpus() {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret.txt"), "私人文件。").unwrap();
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("in")).unwrap();
        std::fs::write(root.join("in/r.txt"), "内容。").unwrap();
        let link = |target: &Path, name: &str| {
            std::os::unix::fs::symlink(target, root.join(name)).unwrap()
        };
        link(outside.path(), "home");
        link(&outside.path().join("secret.txt"), "secret.txt");
        link(&root.join("in"), "inside");
        let rels = |w: &Walk| w.files.iter().map(|f| f.rel.clone()).collect::<Vec<_>>();
        let keys = |w: &Walk| {
            w.problems
                .iter()
                .map(|p| (p.path.clone(), p.key))
                .collect::<Vec<_>>()
        };
        let default = walk(root).unwrap();
        assert_eq!(rels(&default), vec!["in/r.txt"]);
        assert_eq!(
            keys(&default),
            vec![
                ("home".to_string(), "symlink"),
                ("inside".to_string(), "symlink"),
                ("secret.txt".to_string(), "symlink")
            ]
        );
        let follow = WalkOptions {
            follow_links: true,
            follow_outside: false,
        };
        let followed = walk_with(root, follow).unwrap();
        assert_eq!(rels(&followed), vec!["in/r.txt", "inside/r.txt"]);
        assert_eq!(
            keys(&followed),
            vec![
                ("home".to_string(), "symlink-outside"),
                ("secret.txt".to_string(), "symlink-outside")
            ]
        );
        let everything = WalkOptions {
            follow_links: true,
            follow_outside: true,
        };
        let all = walk_with(root, everything).unwrap();
        assert_eq!(
            rels(&all),
            vec!["home/secret.txt", "in/r.txt", "inside/r.txt", "secret.txt"]
        );
    }
}
