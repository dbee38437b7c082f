//! `baogao check`: read a corpus without building an index and report, for
//! each report, the place and year it will be tagged with (and where they
//! came from), plus anything a CI job should fail on.
//!
//! Errors (exit status 1): a report with no place or no year, a file that
//! cannot be read (not text, a scanned PDF without a text layer, an
//! encrypted or damaged file, nothing left after extraction), two files
//! with the same content. Warnings (listed,
//! exit status unaffected): the manifest and the text disagree about the
//! place (the manifest wins), a manifest entry names a missing file, the
//! walk met a symlink loop or an odd file name.

use crate::corpus::{self, Problem, tags::ReportTags, tags::Tagger, tags::gazetteer, tags::place};
use crate::error::Result;
use serde::{Serialize, Serializer};
use std::collections::HashMap;
use std::path::Path;

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// Something `check` found.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub file: String,
    #[serde(rename = "problem")]
    pub key: &'static str,
    pub severity: Severity,
    pub message: String,
}

/// What `check` says about one report: the report's tags as the tagger
/// made them (with their sources), and what was read.
#[derive(Debug, Clone, Serialize)]
pub struct ReportCheck {
    pub file: String,
    #[serde(flatten)]
    pub tags: ReportTags,
    /// The format recognised from the bytes: text, html, docx, doc, pdf.
    pub format: &'static str,
    /// Characters of text extracted (after extraction, before splitting).
    pub characters: usize,
    pub paragraphs: usize,
    pub encoding: String,
    /// Leading county candidates from the text, with their evidence.
    #[serde(serialize_with = "rounded_evidence")]
    pub evidence: Vec<(String, f64)>,
}

fn rounded_evidence<S: Serializer>(evidence: &[(String, f64)], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(
        evidence
            .iter()
            .map(|(name, score)| (name, (score * 100.0).round() / 100.0)),
    )
}

/// The whole check.
#[derive(Debug, Clone, Default)]
pub struct CheckReport {
    pub reports: Vec<ReportCheck>,
    pub findings: Vec<Finding>,
}

impl CheckReport {
    pub fn errors(&self) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .count()
    }

    pub fn warnings(&self) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == Severity::Warning)
            .count()
    }

    pub fn is_clean(&self) -> bool {
        self.errors() == 0
    }
}

fn finding(file: &str, key: &'static str, message: String, severity: Severity) -> Finding {
    Finding {
        file: file.to_string(),
        key,
        message,
        severity,
    }
}

fn from_problem(problem: Problem, severity: Severity) -> Finding {
    finding(&problem.path, problem.key, problem.message, severity)
}

/// Check a corpus, walked as `walk` says.
pub fn check(corpus_dir: &Path, walk: corpus::WalkOptions, tagger: &Tagger) -> Result<CheckReport> {
    let walk = corpus::walk_with(corpus_dir, walk)?;
    let mut out = CheckReport::default();
    for problem in walk.problems {
        out.findings.push(from_problem(problem, Severity::Warning));
    }
    let mut by_hash: HashMap<u64, String> = HashMap::new();
    for file in &walk.files {
        let bytes = match corpus::read_file(file) {
            Ok(bytes) => bytes,
            Err(problem) => {
                out.findings.push(from_problem(problem, Severity::Error));
                continue;
            }
        };
        let hash = corpus::content_hash(&bytes);
        if let Some(first) = by_hash.get(&hash) {
            out.findings.push(finding(
                &file.rel,
                "duplicate",
                format!("same content as {first}"),
                Severity::Error,
            ));
        } else {
            by_hash.insert(hash, file.rel.clone());
        }
        let extracted = match corpus::extract_file(file, &bytes) {
            Ok(extracted) => extracted,
            Err(problem) => {
                out.findings.push(from_problem(problem, Severity::Error));
                continue;
            }
        };
        // What the file name and text alone say, to compare with the
        // manifest and to show the evidence.
        let text_place = {
            let paragraphs = corpus::split::split_paragraphs(&extracted.text);
            let title = corpus::tags::detect_title(&paragraphs);
            place::infer(gazetteer::gazetteer(), &file.rel, &title, &extracted.text)
        };
        let characters = extracted
            .text
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '#')
            .count();
        for note in &extracted.notes {
            out.findings
                .push(finding(&file.rel, "lossy", note.clone(), Severity::Warning));
        }
        let report = corpus::report_from_text(file, hash, extracted, tagger);
        let tags = &report.tags;
        if tags.county.is_none() && tags.city.is_none() && tags.province.is_none() {
            out.findings.push(finding(
                &file.rel,
                "no-place",
                "no county, city or province could be told (add it to reports.toml)".into(),
                Severity::Error,
            ));
        }
        if tags.year.is_none() {
            out.findings.push(finding(
                &file.rel,
                "no-year",
                "no year could be told (add it to reports.toml)".into(),
                Severity::Error,
            ));
        }
        if tagger.manifest().get(&file.rel).is_some() {
            for (level, given, inferred) in [
                ("county", &tags.county, &text_place.county),
                ("province", &tags.province, &text_place.province),
            ] {
                if let (Some(given), Some(inferred)) = (given, inferred)
                    && given.value != inferred.value
                {
                    out.findings.push(finding(
                        &file.rel,
                        "conflict",
                        format!(
                            "the manifest says {level} {}, the text suggests {} ({:.2}); the manifest wins",
                            given.value, inferred.value, inferred.confidence
                        ),
                        Severity::Warning,
                    ));
                }
            }
        }
        out.reports.push(ReportCheck {
            file: report.file,
            paragraphs: report.paragraphs.len(),
            tags: report.tags,
            format: report.format.name(),
            characters,
            encoding: report.encoding,
            evidence: text_place.evidence,
        });
    }
    for listed in tagger.manifest().entries.keys() {
        if !walk.files.iter().any(|f| &f.rel == listed) {
            out.findings.push(finding(
                listed,
                "manifest-missing-file",
                "listed in reports.toml but not in the corpus".into(),
                Severity::Warning,
            ));
        }
    }
    Ok(out)
}
