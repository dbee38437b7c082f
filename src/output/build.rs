//! What `baogao index` (and a search that builds or updates the index)
//! shows: a progress bar and warnings on stderr while it works, and its
//! summary on stdout, as a line of text or of JSON.

use crate::corpus::Problem;
use crate::corpus::check::Finding;
use crate::index::build::{BuildObserver, BuildSummary};
use crate::index::sync::Synced;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::{self, IsTerminal, Write};
use std::path::Path;

/// A directory for messages: `index/`, `/data/corpus/`.
pub fn dir_label(path: &Path) -> String {
    let text = path.display().to_string();
    if text.ends_with('/') {
        text
    } else {
        format!("{text}/")
    }
}

/// Build progress on stderr: warnings always; a progress bar when stderr is
/// a terminal, unless quiet or running in CI (the `CI` variable is set).
pub struct StderrProgress {
    bar: Option<ProgressBar>,
}

impl StderrProgress {
    pub fn new(quiet: bool) -> Self {
        let in_ci = std::env::var_os("CI").is_some_and(|v| !v.is_empty());
        let show = !quiet && !in_ci && io::stderr().is_terminal();
        let bar = show.then(|| {
            let bar = ProgressBar::hidden();
            bar.set_draw_target(ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template(
                    "baogao: indexing {bar:30} {pos}/{len} files {wide_msg}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            bar
        });
        StderrProgress { bar }
    }

    /// Print a message line without tearing the progress bar.
    pub fn say(&self, message: &str) {
        match &self.bar {
            Some(bar) => bar.suspend(|| eprintln!("{message}")),
            None => eprintln!("{message}"),
        }
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl Drop for StderrProgress {
    fn drop(&mut self) {
        self.finish();
    }
}

impl BuildObserver for StderrProgress {
    fn first_build(&self, index: &Path, corpus: &Path) {
        self.say(&format!(
            "baogao: no index in {} yet; building it from {} (first run)…",
            dir_label(index),
            dir_label(corpus)
        ));
    }

    fn updating(&self, changed_files: usize, settings: bool) {
        let what = match (changed_files, settings) {
            (0, _) => "its settings (reports.toml, themes) changed".to_string(),
            (1, _) => "1 file changed".to_string(),
            (n, _) => format!("{n} files changed"),
        };
        self.say(&format!(
            "baogao: the corpus changed since the index was built ({what}); updating the index…"
        ));
    }

    fn waiting_for_lock(&self) {
        self.say("baogao: another baogao is building this index; waiting for it to finish…");
    }

    fn started(&self, files: usize) {
        if let Some(bar) = &self.bar {
            bar.set_length(files as u64);
        }
    }

    fn file_done(&self, file: &str) {
        if let Some(bar) = &self.bar {
            bar.inc(1);
            bar.set_message(file.to_string());
        }
    }

    fn problem(&self, problem: &Problem) {
        self.say(&format!("baogao: warning: {problem}"));
    }

    fn merging(&self, segments: usize) {
        if let Some(bar) = &self.bar {
            bar.set_message(format!("merging {segments} segments into one…"));
        }
    }

    fn check_error(&self, finding: &Finding) {
        self.say(&format!(
            "baogao: error: {}: {}",
            finding.file, finding.message
        ));
    }
}

/// Say on stderr what bringing the index in step with its corpus did.
pub fn report_sync(synced: &Synced, index: &Path) {
    match synced {
        Synced::Current | Synced::Unchecked => {}
        Synced::Built(summary) | Synced::Updated(summary) => {
            eprintln!("baogao: {}", summary_line(summary));
        }
        Synced::Stale {
            staleness,
            read_only,
        } => {
            let n = staleness.changed_files();
            let what = if n == 0 {
                "its settings (reports.toml, themes) changed".to_string()
            } else {
                format!(
                    "{n} file{} changed: {} added, {} modified, {} removed",
                    if n == 1 { "" } else { "s" },
                    staleness.added.len(),
                    staleness.modified.len(),
                    staleness.removed.len()
                )
            };
            let why = if *read_only {
                format!("{} is read-only", dir_label(index))
            } else {
                "run `baogao index` to update it".to_string()
            };
            eprintln!(
                "baogao: warning: the corpus has changed since the index was built ({what}); these results are from the index as it was ({why})"
            );
        }
        Synced::CorpusGone(corpus) => eprintln!(
            "baogao: warning: the corpus the index was built from, {}, is not there; searching the index as it is",
            dir_label(corpus)
        ),
    }
}

/// The summary as one line of text.
pub fn summary_line(summary: &BuildSummary) -> String {
    let mut line = format!(
        "{} files: {} indexed, {} unchanged, {} removed, {} skipped",
        summary.files,
        summary.indexed,
        summary.unchanged,
        summary.removed,
        summary.skipped.len()
    );
    if summary.formats.len() > 1 || summary.formats.keys().any(|f| f != "text") {
        let parts: Vec<String> = summary
            .formats
            .iter()
            .map(|(f, n)| format!("{n} {f}"))
            .collect();
        line.push_str(&format!(" [{}]", parts.join(", ")));
    }
    let reasons = summary.skipped_by_reason();
    if !reasons.is_empty() {
        let parts: Vec<String> = reasons.iter().map(|(k, n)| format!("{n} {k}")).collect();
        line.push_str(&format!(" ({})", parts.join(", ")));
    }
    line.push_str(&format!(
        " · {} paragraphs · {:.2} s",
        summary.paragraphs, summary.seconds
    ));
    if summary.full {
        line.push_str(" · full build");
    }
    line
}

#[derive(Serialize)]
struct ProblemJson<'a> {
    #[serde(rename = "file")]
    path: &'a str,
    reason: &'a str,
    message: &'a str,
}

impl<'a> From<&'a Problem> for ProblemJson<'a> {
    fn from(p: &'a Problem) -> Self {
        ProblemJson {
            path: &p.path,
            reason: p.key,
            message: &p.message,
        }
    }
}

#[derive(Serialize)]
#[serde(tag = "type", rename = "summary")]
struct SummaryJson<'a> {
    files: usize,
    indexed: usize,
    unchanged: usize,
    removed: usize,
    /// Reports in the index by format.
    formats: &'a BTreeMap<String, usize>,
    /// Skipped files by reason, and each with its reason.
    skipped_by_reason: BTreeMap<&'static str, usize>,
    skipped: Vec<ProblemJson<'a>>,
    warnings: Vec<ProblemJson<'a>>,
    paragraphs: u64,
    full: bool,
    committed: bool,
    seconds: f64,
}

/// Print the summary: a JSON line, or a line of text.
pub fn print_summary(out: &mut dyn Write, summary: &BuildSummary, json: bool) -> io::Result<()> {
    if json {
        let line = SummaryJson {
            files: summary.files,
            indexed: summary.indexed,
            unchanged: summary.unchanged,
            removed: summary.removed,
            formats: &summary.formats,
            skipped_by_reason: summary.skipped_by_reason(),
            skipped: summary.skipped.iter().map(ProblemJson::from).collect(),
            warnings: summary.warnings.iter().map(ProblemJson::from).collect(),
            paragraphs: summary.paragraphs,
            full: summary.full,
            committed: summary.committed,
            seconds: summary.seconds,
        };
        super::json::write_line(out, &line)
    } else {
        writeln!(out, "{}", summary_line(summary))
    }
}
