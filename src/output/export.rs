//! `baogao export`'s formats: every paragraph record (or every one a query
//! matches) with all its tags and a pre-tokenized form of its text — the
//! jieba words baogao indexes, joined by spaces — so that Elasticsearch,
//! OpenSearch or Quickwit index the same segmentation with a whitespace
//! tokenizer.
//!
//! `ndjson`: one document per line; `es-bulk`: the Elasticsearch bulk API's
//! NDJSON (an action line, then the document). Documents have a stable
//! `id` (`file#paragraph`), so re-loading replaces rather than duplicates.

use crate::analysis::words;
use crate::corpus::record::Record;
use crate::search::{Engine, Query};
use serde::Serialize;
use std::io::{self, Write};

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Ndjson,
    EsBulk,
}

/// The document id of a paragraph.
pub fn doc_id(record: &Record) -> String {
    format!("{}#{}", record.paragraph.file, record.paragraph.number)
}

/// An exported paragraph: the record, with its id and its words.
#[derive(Serialize)]
struct Exported<'a> {
    id: String,
    #[serde(flatten)]
    record: &'a Record,
    /// The text's jieba words (search mode), space-separated.
    words: String,
    /// The heading path's jieba words, space-separated.
    heading_words: String,
}

#[derive(Serialize)]
struct BulkAction<'a> {
    index: BulkTarget<'a>,
}

#[derive(Serialize)]
struct BulkTarget<'a> {
    #[serde(rename = "_index")]
    index: &'a str,
    #[serde(rename = "_id")]
    id: &'a str,
}

/// Writes exported records one at a time.
pub struct ExportWriter<'w> {
    out: &'w mut dyn Write,
    format: ExportFormat,
    es_index: String,
}

impl<'w> ExportWriter<'w> {
    pub fn new(out: &'w mut dyn Write, format: ExportFormat, es_index: &str) -> Self {
        ExportWriter {
            out,
            format,
            es_index: es_index.to_string(),
        }
    }

    pub fn write(&mut self, record: &Record) -> io::Result<()> {
        let doc = Exported {
            id: doc_id(record),
            record,
            words: words::pretokenize(&record.paragraph.text),
            heading_words: words::pretokenize(&record.paragraph.heading_path()),
        };
        if self.format == ExportFormat::EsBulk {
            let action = BulkAction {
                index: BulkTarget {
                    index: &self.es_index,
                    id: &doc.id,
                },
            };
            super::json::write_line(self.out, &action)?;
        }
        super::json::write_line(self.out, &doc)
    }
}

/// Export what `query` matches (everything, with `None`) from `engine` to
/// `out`, one document at a time; returns how many were written.
pub fn export(
    out: &mut dyn Write,
    engine: &Engine,
    query: Option<&Query>,
    format: ExportFormat,
    es_index: &str,
) -> crate::Result<u64> {
    let mut writer = ExportWriter::new(out, format, es_index);
    engine.export(query, &mut |record| Ok(writer.write(&record)?))
}
