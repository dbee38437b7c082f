//! `baogao export`'s formats: every paragraph record (or every one a query
//! matches) with all its tags and a pre-tokenized form of its text — the
//! jieba words baogao indexes, joined by spaces — so that Elasticsearch,
//! OpenSearch or Quickwit index the same segmentation with a whitespace
//! tokenizer.
//!
//! `ndjson`: one document per line; `es-bulk`: the Elasticsearch bulk API's
//! NDJSON (an action line, then the document). Documents have a stable
//! `id` (`file#paragraph`), so re-loading replaces rather than duplicates.
//!
//! `sphinx`: the xmlpipe2 stream Sphinx's `indexer` reads (see
//! deploy/sphinx/). Sphinx has no Chinese analyser, so the `text` field is
//! baogao's normalised text for a one-character n-gram index — every
//! character, punctuation included, is a token; a space is written as `␣`
//! so that it is one too, and ASCII letters and punctuation in their
//! full-width forms so that Sphinx's query syntax leaves them alone — which
//! makes a phrase query exactly baogao's substring match. The `words` field carries baogao's jieba
//! words for ranking, each spelled in sixteen Latin letters (Ā…ď, one per
//! half byte of its UTF-8) that Sphinx keeps as whole words. Tags are
//! attributes: strings for places, kind, file and themes, numbers for
//! years and the paragraph, and `theme_ids` as a multi-value attribute
//! (the themes' positions in the sorted theme list, from 1). Document ids
//! are a hash of `file#paragraph`, stable across exports and shards.
//!
//! `--shards N --shard K` (every format) exports the reports whose path
//! hashes to K modulo N: a report's paragraphs stay in one shard, and the
//! same corpus always splits the same way.

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
    Sphinx,
}

/// Which part of a sharded export to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub count: u32,
    pub index: u32,
}

impl Shard {
    /// The whole export.
    pub const ALL: Shard = Shard { count: 1, index: 0 };

    /// Does this report belong to the shard?
    pub fn holds(self, file: &str) -> bool {
        self.count <= 1
            || xxhash_rust::xxh3::xxh3_64(file.as_bytes()) % u64::from(self.count)
                == u64::from(self.index)
    }
}

/// Sphinx's 64-bit document id of a paragraph: a hash of its id, never 0.
pub fn sphinx_doc_id(record: &Record) -> u64 {
    (xxhash_rust::xxh3::xxh3_64(doc_id(record).as_bytes()) >> 1).max(1)
}

/// The text as the n-gram index sees it: normalised, spaces as `␣`, and
/// ASCII letters and punctuation as their full-width forms (Sphinx's
/// query syntax gives `"`, `(`, `-`, `*` and words such as `MAYBE`
/// meanings, so they could not be searched for as text; normalised text
/// holds no full-width forms, so the mapping is one-to-one). Queries are
/// mapped the same way.
pub fn sphinx_text(text: &str) -> String {
    crate::analysis::normalize::normalize(text)
        .chars()
        .map(|c| match c {
            ' ' => SPACE,
            c if c.is_ascii_punctuation() || c.is_ascii_alphabetic() => {
                char::from_u32(c as u32 + 0xFEE0).unwrap_or(c)
            }
            c => c,
        })
        .collect()
}

/// What a space becomes in the `text` field (and in queries).
pub const SPACE: char = '\u{2423}';

/// A jieba word spelled in sixteen letters, one per half byte of its
/// UTF-8, so that Sphinx indexes it as one word.
pub fn sphinx_word(word: &str) -> String {
    let mut out = String::with_capacity(word.len() * 2);
    for b in word.bytes() {
        for nibble in [b >> 4, b & 0x0F] {
            out.push(char::from_u32(0x0100 + u32::from(nibble)).unwrap_or('\u{0100}'));
        }
    }
    out
}

/// The SphinxQL `MATCH()` expression for paragraphs that contain every
/// term as baogao matches them (each a phrase over the n-gram `text`
/// field), ranked also by the terms' jieba words in `words`: `A | (A W)`
/// matches what `A` matches and ranks higher where the words are too.
/// (Sphinx 2.2.11's `A MAYBE W` would say the same, but it drops some of
/// `A`'s matches.)
pub fn sphinx_match(terms: &[&str]) -> String {
    let phrases: Vec<String> = terms
        .iter()
        .map(|t| format!("\"{}\"", sphinx_text(t.trim())))
        .collect();
    let mut words: Vec<String> = Vec::new();
    for term in terms {
        for word in words::pretokenize(term)
            .split(' ')
            .filter(|w| !w.is_empty())
        {
            let spelled = sphinx_word(word);
            if !words.contains(&spelled) {
                words.push(spelled);
            }
        }
    }
    let all = phrases.join(" ");
    if words.is_empty() {
        return all;
    }
    format!("({all}) | ({all} ({}))", words.join(" | "))
}

/// Text as XML character data: markup escaped, characters XML 1.0 cannot
/// hold dropped.
fn xml_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' | '\n' | '\r' => out.push(' '),
            c if (c as u32) < 0x20 || matches!(c, '\u{FFFE}' | '\u{FFFF}') => {}
            c => out.push(c),
        }
    }
    out
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
    /// Sorted theme names: a theme's id is its position, from 1.
    themes: Vec<String>,
}

impl<'w> ExportWriter<'w> {
    pub fn new(out: &'w mut dyn Write, format: ExportFormat, es_index: &str) -> Self {
        ExportWriter {
            out,
            format,
            es_index: es_index.to_string(),
            themes: Vec::new(),
        }
    }

    /// The theme taxonomy, for Sphinx's `theme_ids`.
    pub fn with_themes(mut self, themes: &[String]) -> Self {
        self.themes = themes.to_vec();
        self.themes.sort();
        self
    }

    /// What comes before the documents (Sphinx's schema).
    pub fn start(&mut self) -> io::Result<()> {
        if self.format != ExportFormat::Sphinx {
            return Ok(());
        }
        let out = &mut *self.out;
        writeln!(out, r#"<?xml version="1.0" encoding="utf-8"?>"#)?;
        writeln!(out, "<sphinx:docset>")?;
        writeln!(out, "<sphinx:schema>")?;
        writeln!(out, r#"<sphinx:field name="text"/>"#)?;
        writeln!(out, r#"<sphinx:field name="words"/>"#)?;
        for name in [
            "file", "county", "city", "province", "kind", "themes", "heading", "body",
        ] {
            writeln!(out, r#"<sphinx:attr name="{name}" type="string"/>"#)?;
        }
        for name in ["paragraph", "year", "year_from", "year_to"] {
            writeln!(out, r#"<sphinx:attr name="{name}" type="int" bits="32"/>"#)?;
        }
        writeln!(out, r#"<sphinx:attr name="theme_ids" type="multi"/>"#)?;
        writeln!(out, "</sphinx:schema>")
    }

    /// What comes after them.
    pub fn finish(&mut self) -> io::Result<()> {
        if self.format == ExportFormat::Sphinx {
            writeln!(self.out, "</sphinx:docset>")?;
        }
        self.out.flush()
    }

    fn write_sphinx(&mut self, record: &Record) -> io::Result<()> {
        let (p, tags) = (&record.paragraph, &record.tags);
        let words: Vec<String> = words::pretokenize(&p.text)
            .split(' ')
            .filter(|w| !w.is_empty())
            .map(sphinx_word)
            .collect();
        let year = |y: Option<crate::corpus::record::Year>| y.map_or(0, |y| y.max(0));
        let theme_ids: Vec<String> = tags
            .themes
            .iter()
            .filter_map(|t| self.themes.iter().position(|k| k == t))
            .map(|i| (i + 1).to_string())
            .collect();
        let out = &mut *self.out;
        writeln!(out, r#"<sphinx:document id="{}">"#, sphinx_doc_id(record))?;
        writeln!(out, "<text>{}</text>", xml_text(&sphinx_text(&p.text)))?;
        writeln!(out, "<words>{}</words>", words.join(" "))?;
        let strings = [
            ("file", p.file.as_str()),
            ("county", tags.place.county.as_deref().unwrap_or("")),
            ("city", tags.place.city.as_deref().unwrap_or("")),
            ("province", tags.place.province.as_deref().unwrap_or("")),
            ("kind", tags.kind.name()),
        ];
        for (name, value) in strings {
            writeln!(out, "<{name}>{}</{name}>", xml_text(value))?;
        }
        writeln!(out, "<themes>{}</themes>", xml_text(&tags.themes.join(",")))?;
        writeln!(out, "<heading>{}</heading>", xml_text(&p.heading_path()))?;
        writeln!(out, "<body>{}</body>", xml_text(&p.text))?;
        writeln!(out, "<paragraph>{}</paragraph>", p.number)?;
        writeln!(out, "<year>{}</year>", year(tags.years.map(|y| y.year)))?;
        writeln!(
            out,
            "<year_from>{}</year_from>",
            year(tags.years.map(|y| y.from))
        )?;
        writeln!(out, "<year_to>{}</year_to>", year(tags.years.map(|y| y.to)))?;
        writeln!(out, "<theme_ids>{}</theme_ids>", theme_ids.join(","))?;
        writeln!(out, "</sphinx:document>")
    }

    pub fn write(&mut self, record: &Record) -> io::Result<()> {
        if self.format == ExportFormat::Sphinx {
            return self.write_sphinx(record);
        }
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
    shard: Shard,
) -> crate::Result<u64> {
    let themes = engine.themes();
    let mut writer = ExportWriter::new(out, format, es_index).with_themes(&themes);
    writer.start()?;
    let mut written = 0u64;
    engine.export(query, &mut |record| {
        if shard.holds(&record.paragraph.file) {
            writer.write(&record)?;
            written += 1;
        }
        Ok(())
    })?;
    writer.finish()?;
    Ok(written)
}
