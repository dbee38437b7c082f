//! Keeping an index in step with its corpus, before it answers a query.
//!
//! Every commit records the corpus folder it was built from (canonical),
//! how it was walked, and — in its state file — the size and modification
//! time of every file it read or skipped and of the settings files
//! (`reports.toml`, the theme taxonomy). Before a search, [`sync`]:
//!
//! * builds the default `index/` from the corpus on first use (an explicit
//!   `--index DIR` that does not exist is an error instead: a typo must not
//!   quietly build a new index);
//! * refuses a `--corpus` other than the one the index was built from;
//! * walks the corpus and compares stamps (no file is read); when files
//!   were added, removed or modified, updates the index incrementally, or —
//!   when asked not to (`--no-update`) or when the index is read-only —
//!   says how many files changed. With `--no-check` it does not walk at
//!   all: a stat per file is most of a cold query on a large corpus
//!   (BENCHMARKS.md), and a user who knows the corpus unchanged can skip it.

use super::build::{self, BuildObserver, BuildOptions, BuildSummary};
use super::layout::{self, CommitPayload, DirState, dir_state};
use super::stamps::{self, RecordedStamps};
use crate::corpus::{self, tags::Tagger};
use crate::error::{Error, Result};
use std::cmp::Ordering;
use std::path::{Path, PathBuf};

/// The index directory used when none is given.
pub const DEFAULT_INDEX: &str = "index";
/// The corpus folder used when none is given and the index records none.
pub const DEFAULT_CORPUS: &str = "corpus";

/// Where the index and its corpus are, as the user gave them.
#[derive(Debug, Clone)]
pub struct Location {
    pub index: Option<PathBuf>,
    pub corpus: Option<PathBuf>,
    /// Bring a stale index up to date (otherwise only say it is stale).
    pub update: bool,
    /// Compare the index with its corpus at all. Without, an existing
    /// index is searched as it is (the default index is still built on
    /// first use): for large corpora that the user knows to be unchanged,
    /// where the check's stat per file is most of a cold query.
    pub check: bool,
}

impl Location {
    /// The index directory: as given, or the default.
    pub fn index_dir(&self) -> PathBuf {
        self.index
            .clone()
            .unwrap_or_else(|| PathBuf::from(DEFAULT_INDEX))
    }

    /// The corpus to build from: as given, else the one the index was
    /// built from, else the default.
    pub fn corpus_dir(&self) -> PathBuf {
        self.corpus
            .clone()
            .or_else(|| recorded_corpus(&self.index_dir()))
            .unwrap_or_else(|| PathBuf::from(DEFAULT_CORPUS))
    }
}

/// The corpus folder an index was built from, if it records one.
pub fn recorded_corpus(index: &Path) -> Option<PathBuf> {
    layout::read_payload_in(index)?.corpus.map(PathBuf::from)
}

/// How the corpus differs from what the index holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Staleness {
    pub added: Vec<String>,
    pub modified: Vec<String>,
    pub removed: Vec<String>,
    /// `reports.toml` or the theme taxonomy changed, or this baogao tags
    /// or tokenizes differently from the one that built the index.
    pub settings: bool,
}

impl Staleness {
    pub fn is_current(&self) -> bool {
        self.added.is_empty()
            && self.modified.is_empty()
            && self.removed.is_empty()
            && !self.settings
    }

    /// Files added, modified or removed.
    pub fn changed_files(&self) -> usize {
        self.added.len() + self.modified.len() + self.removed.len()
    }
}

/// Compare the corpus with what the last commit recorded, by the files'
/// stamps (sizes and modification times); nothing is read.
pub fn staleness(
    corpus_dir: &Path,
    payload: &CommitPayload,
    recorded: &RecordedStamps,
) -> Result<Staleness> {
    let walked = corpus::stamps(corpus_dir, payload.walk)?;
    let mut out = Staleness::default();
    // Both lists are sorted by path bytes: one merge pass, no lookups.
    let (mut w, mut r) = (walked.iter().peekable(), recorded.files.iter().peekable());
    loop {
        let order = match (w.peek(), r.peek()) {
            (None, None) => break,
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (Some((rel, _)), Some((path, _))) => rel.as_bytes().cmp(path),
        };
        match order {
            Ordering::Less => {
                if let Some((rel, _)) = w.next() {
                    out.added.push(rel.clone());
                }
            }
            Ordering::Greater => {
                if let Some((path, _)) = r.next() {
                    out.removed.push(String::from_utf8_lossy(path).into_owned());
                }
            }
            Ordering::Equal => {
                if let (Some((rel, now)), Some((_, then))) = (w.next(), r.next())
                    && now != then
                {
                    out.modified.push(rel.clone());
                }
            }
        }
    }
    let themes_file = payload.themes_file.as_deref().map(Path::new);
    out.settings = build::settings_stamps(corpus_dir, themes_file) != recorded.settings
        || !payload.fingerprint.starts_with(&build::rules_fingerprint());
    Ok(out)
}

/// What [`sync`] found and did.
#[derive(Debug)]
pub enum Synced {
    /// The index matches its corpus.
    Current,
    /// There was no index: it was built.
    Built(BuildSummary),
    /// The corpus had changed: the index was updated.
    Updated(BuildSummary),
    /// The corpus has changed, and the index was left as it is.
    Stale {
        staleness: Staleness,
        read_only: bool,
    },
    /// The corpus the index was built from is not there to compare with.
    CorpusGone(PathBuf),
    /// Not compared with the corpus, as asked (`--no-check`).
    Unchecked,
}

/// Make the index in `location` ready to search (see the module docs).
/// Errors the engine would report when opening (a foreign directory, a
/// damaged or other-format index) are left for it to report.
pub fn sync(location: &Location, observer: &dyn BuildObserver) -> Result<Synced> {
    let dir = location.index_dir();
    match dir_state(&dir)? {
        DirState::Empty if location.index.is_some() => {
            return Err(Error::IndexMissing(dir));
        }
        DirState::Empty | DirState::Incomplete => {
            let corpus = location.corpus_dir();
            if !corpus.is_dir() {
                return Err(Error::Invalid(format!(
                    "no index at {} and no corpus at {} to build it from (run from the project folder, or pass --corpus DIR)",
                    dir.display(),
                    corpus.display()
                )));
            }
            observer.first_build(&dir, &corpus);
            let tagger = Tagger::for_corpus(&corpus, None)?;
            let summary = build::build(&BuildOptions::new(&corpus, &dir), &tagger, observer)?;
            return Ok(Synced::Built(summary));
        }
        DirState::Ready => {}
        DirState::OtherFormat(_) | DirState::Foreign => return Ok(Synced::Current),
    }
    let Some(payload) = layout::read_payload_in(&dir) else {
        return Ok(Synced::Current);
    };
    let recorded = payload.corpus.as_ref().map(PathBuf::from);
    if let Some(asked) = &location.corpus {
        if !asked.is_dir() {
            return Err(Error::CorpusMissing(asked.clone()));
        }
        let asked_canonical = PathBuf::from(build::canonical(asked));
        if let Some(built_from) = &recorded
            && *built_from != asked_canonical
        {
            return Err(Error::CorpusMismatch {
                index: dir,
                built_from: built_from.clone(),
                asked: asked.clone(),
            });
        }
    }
    // Asked not to compare: the index as it is. (A --corpus other than the
    // one it was built from is still refused, above: that costs no walk.)
    if !location.check {
        return Ok(Synced::Unchecked);
    }
    let corpus = location
        .corpus
        .clone()
        .or(recorded)
        .unwrap_or_else(|| PathBuf::from(DEFAULT_CORPUS));
    if !corpus.is_dir() {
        return Ok(Synced::CorpusGone(corpus));
    }
    let mut buffer = Vec::new();
    let recorded = stamps::read_recorded(&dir, &payload, &mut buffer);
    let staleness = staleness(&corpus, &payload, &recorded)?;
    if staleness.is_current() {
        return Ok(Synced::Current);
    }
    let read_only = !layout::is_writable(&dir);
    if !location.update || read_only {
        return Ok(Synced::Stale {
            staleness,
            read_only,
        });
    }
    observer.updating(staleness.changed_files(), staleness.settings);
    let themes_file = payload.themes_file.as_ref().map(PathBuf::from);
    let tagger = Tagger::for_corpus(&corpus, themes_file.as_deref())?;
    let mut options = BuildOptions::new(&corpus, &dir);
    options.walk = payload.walk;
    options.themes_file = themes_file;
    Ok(Synced::Updated(build::build(&options, &tagger, observer)?))
}
