//! `baogao export`: every paragraph (or every paragraph a query matches)
//! with all its tags and a pre-tokenized form of its text — the jieba words
//! baogao indexes, joined by spaces — so that Elasticsearch, OpenSearch or
//! Quickwit can index the same segmentation with a whitespace tokenizer.
//!
//! Formats: `ndjson`, one document per line; `es-bulk`, the Elasticsearch
//! bulk API's NDJSON (an action line, then the document). Documents come in
//! a stable order (grouped by file, in paragraph order), with a stable
//! `_id` (`file#paragraph`), so re-exporting and re-loading replaces rather
//! than duplicates.

use crate::analysis::words;
use crate::error::Result;
use crate::index::IndexHandle;
use crate::output::json::none_if_empty;
use crate::search::collect::{HitCollector, SortOrder};
use crate::search::plan::Planner;
use crate::search::{self, Stored};
use serde::Serialize;
use std::io::Write;
use tantivy::query::{AllQuery, Query};

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Ndjson,
    EsBulk,
}

/// One exported paragraph.
#[derive(Debug, Serialize)]
pub struct ExportDoc<'a> {
    pub id: String,
    pub file: &'a str,
    pub paragraph: u64,
    pub line: u64,
    pub heading: &'a str,
    pub county: Option<&'a str>,
    pub city: Option<&'a str>,
    pub province: Option<&'a str>,
    pub year: Option<u64>,
    pub year_from: Option<u64>,
    pub year_to: Option<u64>,
    pub kind: &'a str,
    pub themes: &'a [String],
    pub text: &'a str,
    /// The text's jieba words (search mode), space-separated.
    pub words: String,
    /// The heading's jieba words, space-separated.
    pub heading_words: String,
}

/// The document id of a paragraph.
pub fn doc_id(file: &str, paragraph: u64) -> String {
    format!("{file}#{paragraph}")
}

fn document(stored: &Stored) -> ExportDoc<'_> {
    let loc = &stored.location;
    ExportDoc {
        id: doc_id(&loc.file, loc.paragraph),
        file: &loc.file,
        paragraph: loc.paragraph,
        line: loc.line,
        heading: &stored.heading,
        county: none_if_empty(&loc.county),
        city: none_if_empty(&loc.city),
        province: none_if_empty(&loc.province),
        year: loc.year,
        year_from: stored.year_from,
        year_to: stored.year_to,
        kind: &stored.kind,
        themes: &stored.themes,
        text: &stored.text,
        words: words::pretokenize(&stored.text),
        heading_words: words::pretokenize(&stored.heading),
    }
}

/// Export the paragraphs matching `query` (all paragraphs when `None`) to
/// `out`; returns how many were written.
pub fn export(
    handle: &IndexHandle,
    query: Option<&str>,
    format: ExportFormat,
    es_index: &str,
    out: &mut dyn Write,
) -> Result<u64> {
    export_inner(handle, query, format, es_index, out)
        .map_err(|e| crate::index::reading_error(&handle.dir, e))
}

fn export_inner(
    handle: &IndexHandle,
    query: Option<&str>,
    format: ExportFormat,
    es_index: &str,
    out: &mut dyn Write,
) -> Result<u64> {
    let searcher = handle.reader.searcher();
    let planner = Planner {
        searcher: &searcher,
        fields: &handle.fields,
    };
    let query: Box<dyn Query> = match query {
        Some(q) => {
            let node = search::query::parse(q)?;
            search::check_themes(&node, handle)?;
            planner.exact(&node)
        }
        None => Box::new(AllQuery),
    };
    let collected = searcher.search(
        query.as_ref(),
        &HitCollector::new(&handle.columns, usize::MAX, SortOrder::Score, false),
    )?;
    // Grouped by file, in paragraph order, whatever the segment layout.
    let mut candidates = collected.top;
    candidates.sort_by_key(|c| (c.file_key, c.ordinal));
    let mut written = 0u64;
    for candidate in candidates {
        let stored = search::load(&searcher, &handle.fields, candidate.doc)?;
        let doc = document(&stored);
        if format == ExportFormat::EsBulk {
            let action = serde_json::json!({ "index": { "_index": es_index, "_id": doc.id } });
            crate::output::json::write_line(out, &action)?;
        }
        crate::output::json::write_line(out, &doc)?;
        written += 1;
    }
    Ok(written)
}
