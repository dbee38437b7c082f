//! The library's error type, at the bottom of the layers: it names no other
//! module of the crate, so every layer can return it.
//!
//! Every error a user can cause (bad query, missing corpus, an index from
//! another version, a locked index) has its own variant with a message that
//! says what to do; the binary prints it as one `baogao: …` line and exits 2.

use std::fmt;
use std::path::{Path, PathBuf};

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A query that could not be parsed or resolved. Defined here rather than
/// in `search::query` so that [`Error`] can carry it without importing
/// upwards.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryError {
    pub message: String,
    /// 1-based character position in the query, where it applies.
    pub position: Option<usize>,
}

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.position {
            Some(p) => write!(f, "bad query at character {p}: {}", self.message),
            None => write!(f, "bad query: {}", self.message),
        }
    }
}

impl std::error::Error for QueryError {}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("corpus directory {} does not exist (pass --corpus DIR)", .0.display())]
    CorpusMissing(PathBuf),

    #[error("{}: {message}", path.display())]
    Manifest { path: PathBuf, message: String },

    #[error("no index at {path} (build it with `baogao index --index {path}`)", path = .0.display())]
    IndexMissing(PathBuf),

    #[error(
        "the index in {} was built from {}, not from {}; build one for it with `baogao index --corpus {} --index OTHER-DIR` and search it with `--index OTHER-DIR`",
        index.display(), built_from.display(), asked.display(), asked.display()
    )]
    CorpusMismatch {
        index: PathBuf,
        built_from: PathBuf,
        asked: PathBuf,
    },

    #[error(
        "{} was built by another version of baogao (index format {found}, this baogao reads format {expected}); run `baogao index --rebuild`",
        path.display()
    )]
    IndexFormat {
        path: PathBuf,
        found: String,
        expected: u32,
    },

    #[error(
        "{} is not a baogao index and is not empty; refusing to touch it (pass another --index DIR)",
        .0.display()
    )]
    IndexForeign(PathBuf),

    #[error("index at {} is damaged ({message}); run `baogao index --rebuild`", path.display())]
    IndexDamaged { path: PathBuf, message: String },

    #[error("index at {} is being built by another baogao process (lock held on {})", path.display(), lock.display())]
    IndexLocked { path: PathBuf, lock: PathBuf },

    #[error("{0}")]
    Query(#[from] QueryError),

    #[error("{path}: {message}")]
    Themes { path: String, message: String },

    #[error("{0}")]
    Invalid(String),

    #[error("index error: {0}")]
    Tantivy(#[from] tantivy::TantivyError),

    #[error("writing output: {0}")]
    Output(#[from] std::io::Error),
}

impl Error {
    pub fn io(path: &Path, source: std::io::Error) -> Error {
        Error::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}
