//! Building and updating an index from a corpus.
//!
//! One function, [`build`], does both: it compares each report file's
//! content hash (and manifest entry) with what the last commit recorded,
//! re-indexes what changed, adds what is new, deletes what is gone, and
//! commits once. A full rebuild (`--rebuild`, or a change of dictionary or
//! tagging rules) is the same operation with every report treated as changed,
//! preceded by deleting all documents — still one commit, so a build killed
//! at any moment leaves the previous commit whole and searchable.

use super::layout::{self, CommitPayload, DirState, IndexState, ReportState, dir_state};
use super::schema::{self, Fields};
use super::stamps;
use crate::analysis;
use crate::corpus::check::{self, Finding, Severity};
use crate::corpus::{self, CorpusFile, FileStamp, Problem, WalkOptions, tags::Tagger};
use crate::error::{Error, Result};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::Instant;
use tantivy::indexer::{LogMergePolicy, NoMergePolicy};
use tantivy::schema::{TantivyDocument, Term};
use tantivy::{Index, IndexWriter};

/// What to build, where, how.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub corpus: PathBuf,
    pub index: PathBuf,
    /// Re-index every report even if unchanged.
    pub rebuild: bool,
    /// Indexing threads (tokenization runs in them).
    pub threads: usize,
    /// Wait for another builder's lock instead of failing.
    pub wait_for_lock: bool,
    /// Refuse to build when `check` finds errors in the corpus.
    pub strict: bool,
    /// How to walk the corpus folder (symbolic links).
    pub walk: WalkOptions,
    /// The theme file the tagger was made from, if given explicitly
    /// (recorded, so that an update uses it again).
    pub themes_file: Option<PathBuf>,
}

impl BuildOptions {
    pub fn new(corpus: impl Into<PathBuf>, index: impl Into<PathBuf>) -> Self {
        BuildOptions {
            corpus: corpus.into(),
            index: index.into(),
            rebuild: false,
            threads: default_threads(),
            wait_for_lock: true,
            strict: false,
            walk: WalkOptions::default(),
            themes_file: None,
        }
    }
}

/// One indexing thread per core, at most 8 (tantivy gains little past that).
pub fn default_threads() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, 8)
}

/// Hooks for progress display; the library itself prints nothing.
pub trait BuildObserver {
    /// There is no index yet: it is about to be built from the corpus.
    fn first_build(&self, _index: &Path, _corpus: &Path) {}
    /// The corpus changed since the index was built (this many files, or
    /// its settings): it is about to be updated.
    fn updating(&self, _changed_files: usize, _settings: bool) {}
    fn waiting_for_lock(&self) {}
    /// Called once the corpus has been walked.
    fn started(&self, _files: usize) {}
    fn file_done(&self, _file: &str) {}
    fn problem(&self, _problem: &Problem) {}
    /// An error `check` found, in a strict build (which then refuses).
    fn check_error(&self, _finding: &Finding) {}
    fn committing(&self) {}
    /// A full build is merging its segments into one (after its commit).
    fn merging(&self, _segments: usize) {}
}

/// An observer that ignores everything.
pub struct Silent;
impl BuildObserver for Silent {}

/// What a build did.
#[derive(Debug, Clone, Default)]
pub struct BuildSummary {
    /// Report files found in the corpus.
    pub files: usize,
    /// Reports (re-)indexed by this build.
    pub indexed: usize,
    /// Reports left as they were.
    pub unchanged: usize,
    /// Reports removed because their file is gone or unreadable.
    pub removed: usize,
    /// Reports in the index after the build, by format (text, html, docx,
    /// doc, pdf).
    pub formats: BTreeMap<String, usize>,
    /// Files not indexed, with why.
    pub skipped: Vec<Problem>,
    /// Other problems met on the way (symlink loops, odd names).
    pub warnings: Vec<Problem>,
    /// Paragraphs in the index after the build.
    pub paragraphs: u64,
    /// True when every report was re-indexed.
    pub full: bool,
    /// False when nothing changed and no commit was made.
    pub committed: bool,
    pub seconds: f64,
}

impl BuildSummary {
    /// Skips counted by reason, for the summary line.
    pub fn skipped_by_reason(&self) -> BTreeMap<&'static str, usize> {
        let mut counts = BTreeMap::new();
        for p in &self.skipped {
            *counts.entry(p.key).or_insert(0) += 1;
        }
        counts
    }
}

/// The fingerprint stored with each commit: when it changes, every report
/// is re-indexed.
pub fn build_fingerprint(tagger: &Tagger) -> String {
    format!("{}+{}", analysis::fingerprint(), tagger.fingerprint())
}

/// The part of [`build_fingerprint`] that depends only on this baogao (its
/// tokenizers, dictionary and tagging rules), not on the corpus's themes.
pub fn rules_fingerprint() -> String {
    format!(
        "{}+{}",
        analysis::fingerprint(),
        crate::corpus::tags::rules_fingerprint()
    )
}

/// Segments with more documents than this are left alone by incremental
/// builds' merges.
const SMALL_SEGMENT_DOCS: usize = 50_000;

/// Memory for tantivy's indexing threads, in bytes (it flushes a segment
/// when a thread's share is full).
const MEMORY_BUDGET: usize = 512 * 1024 * 1024;

/// Build or update the index described by `options`.
pub fn build(
    options: &BuildOptions,
    tagger: &Tagger,
    observer: &dyn BuildObserver,
) -> Result<BuildSummary> {
    // An incremental build reads the segments it updates; if they are
    // damaged, say so, and what to do.
    build_inner(options, tagger, observer).map_err(|e| super::reading_error(&options.index, e))
}

fn build_inner(
    options: &BuildOptions,
    tagger: &Tagger,
    observer: &dyn BuildObserver,
) -> Result<BuildSummary> {
    let started = Instant::now();
    let dir = options.index.as_path();
    if options.strict {
        let report = check::check(&options.corpus, options.walk, tagger)?;
        for finding in report.findings.iter() {
            if finding.severity == Severity::Error {
                observer.check_error(finding);
            }
        }
        if !report.is_clean() {
            return Err(Error::Invalid(format!(
                "refusing to build with --strict: {} error{} in the corpus (see `baogao check`)",
                report.errors(),
                if report.errors() == 1 { "" } else { "s" }
            )));
        }
    }
    // Walk first: a missing corpus must not leave a new empty index behind.
    let walk = corpus::walk_with(&options.corpus, options.walk)?;
    let _lock = layout::lock(dir, options.wait_for_lock, || observer.waiting_for_lock())?;

    let (index, fresh) = open_or_create(dir, options.rebuild)?;
    analysis::register_tokenizers(&index);
    let (_, fields) = schema::build_schema();
    let fingerprint = build_fingerprint(tagger);
    let previous_payload = layout::read_payload(&index);
    let previous = match &previous_payload {
        Some(payload)
            if payload.fingerprint == fingerprint && payload.format == schema::FORMAT_VERSION =>
        {
            layout::read_state(dir, payload)
        }
        _ => IndexState::default(),
    };
    let full = fresh || options.rebuild || previous.reports.is_empty();

    let mut summary = BuildSummary {
        files: walk.files.len(),
        full,
        ..BuildSummary::default()
    };
    for problem in walk.problems {
        observer.problem(&problem);
        summary.warnings.push(problem);
    }
    observer.started(walk.files.len());

    let mut writer: IndexWriter<TantivyDocument> = index.writer_with_num_threads(
        options.threads.max(1),
        MEMORY_BUDGET.max((options.threads * 16) << 20),
    )?;
    // A build killed before its commit leaves files no commit refers to,
    // among them a segment's deletion file named by the opstamp this build
    // reaches again when it makes the same deletions: tantivy would refuse
    // to write it (FileAlreadyExists). Tantivy lists every file before
    // writing it, so its garbage collector, which it runs after each
    // commit, finds them all; run it first too, under the build lock. Its
    // failure is not the build's: tantivy ignores it after a commit too,
    // and a file it left in the way would still fail the commit, loudly.
    let _ = writer.garbage_collect_files().wait();
    // A full build writes a segment each time an indexing thread's share
    // of the memory budget fills, and merges them into one after its
    // commit (see `merge_segments`), not during it. An incremental build
    // adds a small segment; the log merge policy merges small segments
    // among themselves, never the big ones (that would cost seconds;
    // `--rebuild` compacts instead).
    if full {
        writer.set_merge_policy(Box::new(NoMergePolicy));
        // Everything the previous commit held goes; the new documents
        // replace it in the same commit.
        writer.delete_all_documents()?;
    } else {
        let mut policy = LogMergePolicy::default();
        policy.set_max_docs_before_merge(SMALL_SEGMENT_DOCS);
        writer.set_merge_policy(Box::new(policy));
    }
    analysis::words::preload();
    let theme_names = tagger.theme_names();

    let mut state = IndexState {
        settings: settings_stamps(&options.corpus, options.themes_file.as_deref()),
        ..IndexState::default()
    };
    let mut changed = full || state.settings != previous.settings;
    let mut seen = BTreeSet::new();
    // Reports are read, decoded, split, tagged and turned into documents in
    // parallel, a bounded chunk at a time (so memory stays flat on large
    // corpora); documents are then handed to the writer in corpus order,
    // so the index is the same whatever the thread count.
    for chunk in chunks(&walk.files) {
        let outcomes: Vec<Outcome> = chunk
            .par_iter()
            .map(|file| {
                let old = previous.reports.get(&file.rel);
                prepare(file, old, full, tagger, &theme_names, &fields)
            })
            .collect();
        for (file, outcome) in chunk.iter().zip(outcomes) {
            seen.insert(file.rel.clone());
            let old = previous.reports.get(&file.rel);
            match outcome {
                Outcome::Unchanged(report) => {
                    // Touched but not changed: only its stamp is new.
                    changed |= old.is_none_or(|old| old.stamp != report.stamp);
                    *summary.formats.entry(report.format.clone()).or_insert(0) += 1;
                    state.reports.insert(file.rel.clone(), report);
                    summary.unchanged += 1;
                }
                Outcome::Indexed {
                    documents,
                    report,
                    notes,
                } => {
                    *summary.formats.entry(report.format.clone()).or_insert(0) += 1;
                    for note in notes {
                        let problem = Problem {
                            path: file.rel.clone(),
                            key: "lossy",
                            message: note,
                        };
                        observer.problem(&problem);
                        summary.warnings.push(problem);
                    }
                    if old.is_some() && !full {
                        writer.delete_term(Term::from_field_text(fields.file, &file.rel));
                    }
                    for doc in documents {
                        writer.add_document(doc)?;
                    }
                    state.reports.insert(file.rel.clone(), report);
                    summary.indexed += 1;
                    changed = true;
                }
                Outcome::Skipped(problem) => {
                    if old.is_some() && !full {
                        writer.delete_term(Term::from_field_text(fields.file, &file.rel));
                        summary.removed += 1;
                        changed = true;
                    }
                    changed |= previous.skipped.get(&file.rel) != Some(&file.stamp);
                    state.skipped.insert(file.rel.clone(), file.stamp);
                    observer.problem(&problem);
                    summary.skipped.push(problem);
                }
            }
            observer.file_done(&file.rel);
        }
    }
    for gone in previous.reports.keys().filter(|f| !seen.contains(*f)) {
        if !full {
            writer.delete_term(Term::from_field_text(fields.file, gone));
        }
        summary.removed += 1;
        changed = true;
    }
    changed |= previous.skipped.keys().any(|f| !seen.contains(f));
    let recorded = Recorded {
        corpus: canonical(&options.corpus),
        walk: options.walk,
        themes_file: options.themes_file.as_deref().map(canonical),
    };
    changed |= previous_payload.as_ref().is_none_or(|p| {
        p.corpus.as_ref() != Some(&recorded.corpus)
            || p.walk != recorded.walk
            || p.themes_file != recorded.themes_file
    });
    summary.paragraphs = state.reports.values().map(|r| r.paragraphs).sum();

    if changed || previous_payload.is_none() {
        observer.committing();
        let payload = CommitPayload {
            format: schema::FORMAT_VERSION,
            fingerprint: fingerprint.clone(),
            state_file: String::new(),
            stamps_file: None,
            themes: tagger.theme_names(),
            corpus: Some(recorded.corpus),
            walk: recorded.walk,
            themes_file: recorded.themes_file,
        };
        commit(&mut writer, dir, payload, &state)?;
        summary.committed = true;
        if full {
            merge_segments(&mut writer, &index, observer)?;
        }

        writer.wait_merging_threads()?;
        remove_stale_state_files(dir, &index);
    } else {
        writer.rollback()?;
    }
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(summary)
}

/// What a commit records about where its documents came from.
struct Recorded {
    corpus: String,
    walk: WalkOptions,
    themes_file: Option<String>,
}

/// A path made absolute and canonical, as text (as given if that fails).
pub fn canonical(path: &Path) -> String {
    std::fs::canonicalize(path)
        .unwrap_or_else(|_| path.to_path_buf())
        .display()
        .to_string()
}

/// The stamps of the files that decide tags besides the reports
/// themselves: the manifest, and the theme taxonomy (given, or beside the
/// corpus).
pub fn settings_stamps(
    corpus: &Path,
    themes_file: Option<&Path>,
) -> std::collections::BTreeMap<String, Option<FileStamp>> {
    let manifest = corpus.join(corpus::manifest::MANIFEST_FILE);
    let themes = match themes_file {
        Some(path) => path.to_path_buf(),
        None => corpus.join(crate::analysis::themes::CORPUS_THEMES_FILE),
    };
    // Keyed by role, not path: the same corpus may be named by different
    // paths (relative, canonical).
    [("manifest", manifest), ("themes", themes)]
        .into_iter()
        .map(|(role, path)| (role.to_string(), FileStamp::read(&path)))
        .collect()
}

/// What preparing one file came to.
enum Outcome {
    /// Its report is as the last commit has it (with the file's stamp now).
    Unchanged(ReportState),
    Indexed {
        documents: Vec<TantivyDocument>,
        report: ReportState,
        /// Warnings about the file (replaced bytes, unmapped characters).
        notes: Vec<String>,
    },
    Skipped(Problem),
}

/// Read one file and, unless it is unchanged since the last commit, build
/// its documents. A file whose size and modification time are as recorded
/// is not read at all; one that was touched but whose bytes hash the same
/// is not re-indexed.
fn prepare(
    file: &CorpusFile,
    old: Option<&ReportState>,
    full: bool,
    tagger: &Tagger,
    theme_names: &[String],
    fields: &Fields,
) -> Outcome {
    let tags_hash = format!("{:016x}", tagger.report_fingerprint(&file.rel));
    if !full
        && let Some(old) = old
        && old.stamp == file.stamp
        && old.tags_hash == tags_hash
    {
        return Outcome::Unchanged(old.clone());
    }
    let bytes = match corpus::read_file(file) {
        Ok(bytes) => bytes,
        Err(problem) => return Outcome::Skipped(problem),
    };
    let content_hash = format!("{:016x}", corpus::content_hash(&bytes));
    if !full
        && let Some(old) = old
        && old.content_hash == content_hash
        && old.tags_hash == tags_hash
    {
        return Outcome::Unchanged(ReportState {
            stamp: file.stamp,
            ..old.clone()
        });
    }
    match corpus::build_report(file, &bytes, tagger) {
        Ok(report) => Outcome::Indexed {
            documents: report
                .paragraphs
                .iter()
                .map(|record| super::document::to_document(fields, record, theme_names))
                .collect(),
            report: ReportState {
                content_hash,
                tags_hash,
                paragraphs: report.paragraphs.len() as u64,
                stamp: file.stamp,
                format: report.format.name().to_string(),
            },
            notes: report.notes,
        },
        Err(problem) => Outcome::Skipped(problem),
    }
}

/// Files in chunks of at most 4 MiB (or 128 files), in corpus order: a
/// chunk's documents are all held at once before the writer takes them.
fn chunks(files: &[CorpusFile]) -> Vec<&[CorpusFile]> {
    const CHUNK_BYTES: u64 = 4 << 20;
    const CHUNK_FILES: usize = 128;
    let mut out = Vec::new();
    let (mut start, mut bytes) = (0, 0u64);
    for (i, file) in files.iter().enumerate() {
        if i > start && (bytes + file.len > CHUNK_BYTES || i - start >= CHUNK_FILES) {
            out.push(&files[start..i]);
            start = i;
            bytes = 0;
        }
        bytes += file.len;
    }
    if start < files.len() {
        out.push(&files[start..]);
    }
    out
}

/// Open the index at `dir` for writing, creating it when there is none.
/// Returns whether it is new.
fn open_or_create(dir: &Path, rebuild: bool) -> Result<(Index, bool)> {
    match dir_state(dir)? {
        DirState::Foreign => Err(Error::IndexForeign(dir.to_path_buf())),
        DirState::Empty => Ok((create(dir)?, true)),
        // An interrupted first build or an index of another format holds
        // nothing this version can use: start again.
        DirState::Incomplete | DirState::OtherFormat(_) => {
            wipe(dir)?;
            Ok((create(dir)?, true))
        }
        DirState::Ready => {
            let opened = Index::open_in_dir(dir)
                .map_err(|e| e.to_string())
                .and_then(|index| {
                    if index.schema() == schema::build_schema().0 {
                        Ok(index)
                    } else {
                        Err("its schema is not the one this baogao writes".to_string())
                    }
                });
            match opened {
                Ok(index) => Ok((index, false)),
                Err(_) if rebuild => {
                    wipe(dir)?;
                    Ok((create(dir)?, true))
                }
                Err(message) => Err(Error::IndexDamaged {
                    path: dir.to_path_buf(),
                    message,
                }),
            }
        }
    }
}

fn create(dir: &Path) -> Result<Index> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    layout::write_marker(dir)?;
    let (schema, _) = schema::build_schema();
    Ok(Index::builder()
        .schema(schema)
        .settings(schema::index_settings())
        .create_in_dir(dir)?)
}

/// Remove everything in an index directory of ours except the lock file.
fn wipe(dir: &Path) -> Result<()> {
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        if entry.file_name() == layout::LOCK_FILE {
            continue;
        }
        let path = entry.path();
        let removed = if entry.file_type().map(|t| t.is_dir()).unwrap_or(false) {
            std::fs::remove_dir_all(&path)
        } else {
            std::fs::remove_file(&path)
        };
        removed.map_err(|e| Error::io(&path, e))?;
    }
    Ok(())
}

/// Commit with a payload naming a freshly written state file.
fn commit(
    writer: &mut IndexWriter<TantivyDocument>,
    dir: &Path,
    mut payload: CommitPayload,
    state: &IndexState,
) -> Result<()> {
    let mut prepared = writer.prepare_commit()?;
    payload.state_file = format!("state-{}.json", prepared.opstamp());
    let bytes = serde_json::to_vec(state).map_err(|e| Error::Invalid(e.to_string()))?;
    layout::write_atomically(&dir.join(&payload.state_file), &bytes)?;
    let stamps_file = format!("stamps-{}.bin", prepared.opstamp());
    layout::write_atomically(&dir.join(&stamps_file), &stamps::encode(state))?;
    payload.stamps_file = Some(stamps_file);
    let payload = serde_json::to_string(&payload).map_err(|e| Error::Invalid(e.to_string()))?;
    prepared.set_payload(&payload);
    prepared.commit()?;
    Ok(())
}

/// Merge every segment of a freshly built index into one.
///
/// Each query repeats per-segment work (opening files, looking terms up,
/// scoring) for every segment. Measured with `--no-check` (BENCHMARKS.md):
/// at 1 GB the build leaves 12 segments, and merging them took 18 s of a
/// 96 s build and made cold queries 20-50% faster (学前教育 11.8 -> 7.2 ms)
/// and warm p50 16% faster; at 66 MB, 2 segments, 1.4 s of a 6 s build for
/// 10% on cold queries. A query is run many times for each build, so the
/// merge pays. It runs after the commit, and tantivy swaps the merged
/// segment in atomically, keeping the commit's payload: a build killed
/// while merging leaves the committed, unmerged index, which answers the
/// same. The merge reads the segments through memory maps, so its resident
/// set grows by the index's size in page cache; its own allocations stay
/// small (about 40 MB at 1 GB).
fn merge_segments(
    writer: &mut IndexWriter<TantivyDocument>,
    index: &Index,
    observer: &dyn BuildObserver,
) -> Result<()> {
    let segments = index.searchable_segment_ids()?;
    if segments.len() > 1 {
        observer.merging(segments.len());
        writer.merge(&segments).wait()?;
    }
    Ok(())
}

/// Delete state and stamps files that no commit refers to any more (left
/// by earlier commits or by builds killed before their commit).
fn remove_stale_state_files(dir: &Path, index: &Index) {
    let Some(payload) = layout::read_payload(index) else {
        return;
    };
    let current = [Some(payload.state_file), payload.stamps_file];
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let ours = (name.starts_with("state-") && name.ends_with(".json"))
            || (name.starts_with("stamps-") && name.ends_with(".bin"))
            || ((name.starts_with("state-") || name.starts_with("stamps-"))
                && name.ends_with(".tmp"));
        if ours && !current.iter().flatten().any(|c| *c == name) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}
