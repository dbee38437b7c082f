//! The index schema: one tantivy document per paragraph.
//!
//! | field       | indexed as                         | stored | fast | why |
//! |-------------|------------------------------------|--------|------|-----|
//! | `text`      | jieba words, freqs                 | yes    |      | BM25 ranking; the paragraph shown |
//! | `chars`     | char bigrams, freqs + positions    |        |      | exact literal matching |
//! | `heading`   | –                                  | yes    |      | the heading path, for display |
//! | `section`   | jieba words, freqs                 |        |      | the nearest heading, for ranking |
//! | `file`      | raw string                         | yes    | yes  | delete a report on re-index; locations of copies |
//! | `ordinal`, `line` | –                            | yes    | yes  | file:paragraph, stable tie-break |
//! | `county`, `city`, `province`, `kind`, `themes` | raw strings | yes | yes | filters, facets |
//! | `year`, `year_from`, `year_to` | –                | yes    | yes  | year filters (fast-field ranges) and trends |
//! | `role`      | –                                  |        | yes  | headings and captions rank lower |
//! | `file_key`  | –                                  |        | yes  | deterministic tie-break |
//! | `dup_key`   | u64                                |        | yes  | collapsing copied paragraphs |
//!
//! Word positions are not stored: ranking needs only frequencies, and
//! literal phrases are answered by the bigram field.

use crate::analysis::bigrams::BIGRAM_TOKENIZER;
use crate::analysis::words::WORD_TOKENIZER;
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, Schema, TextFieldIndexing, TextOptions,
};

/// The on-disk format this build of baogao reads and writes. Bump it when
/// the schema or the meaning of any field changes.
pub const FORMAT_VERSION: u32 = 3;

/// What the year fields hold for a paragraph with no year. A value in
/// every document keeps the fast columns dense, which read several times
/// faster than optional ones; no real year is 0.
pub const NO_YEAR: u64 = 0;

/// A year as the year fields store it.
pub fn encode_year(year: Option<i32>) -> u64 {
    year.and_then(|y| u64::try_from(y).ok()).unwrap_or(NO_YEAR)
}

/// A year field's stored value, back to a year.
pub fn decode_year(stored: u64) -> Option<u64> {
    (stored != NO_YEAR).then_some(stored)
}

/// Handles to every field.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    pub text: Field,
    pub chars: Field,
    pub heading: Field,
    pub section: Field,
    pub file: Field,
    pub ordinal: Field,
    pub line: Field,
    pub county: Field,
    pub city: Field,
    pub province: Field,
    pub kind: Field,
    pub themes: Field,
    pub year: Field,
    pub year_from: Field,
    pub year_to: Field,
    pub role: Field,
    pub file_key: Field,
    pub dup_key: Field,
}

/// Field names, used by fast-field readers.
pub mod names {
    pub const COUNTY: &str = "county";
    pub const CITY: &str = "city";
    pub const PROVINCE: &str = "province";
    pub const KIND: &str = "kind";
    pub const THEMES: &str = "themes";
    pub const YEAR: &str = "year";
    pub const YEAR_FROM: &str = "year_from";
    pub const YEAR_TO: &str = "year_to";
    pub const ORDINAL: &str = "ordinal";
    pub const FILE: &str = "file";
    pub const LINE: &str = "line";
    pub const ROLE: &str = "role";
    pub const FILE_KEY: &str = "file_key";
    pub const DUP_KEY: &str = "dup_key";
}

fn words(stored: bool) -> TextOptions {
    let indexing = TextFieldIndexing::default()
        .set_tokenizer(WORD_TOKENIZER)
        .set_index_option(IndexRecordOption::WithFreqs);
    let options = TextOptions::default().set_indexing_options(indexing);
    if stored {
        options.set_stored()
    } else {
        options
    }
}

/// Index-wide settings. The document store (the paragraphs' text and
/// tags, a third of the index) is compressed with lz4 in 16 KiB blocks.
/// zstd (level 3) made it smaller on ../shared/corpus — 37 MB against 50 MB
/// — but every hit fetched then paid for a fresh zstd decompression
/// context, 11% of all search time in `baogao bench`; 64 KiB blocks save
/// more space and cost four times the decompression per hit.
pub fn index_settings() -> tantivy::IndexSettings {
    tantivy::IndexSettings {
        docstore_compression: tantivy::store::Compressor::Lz4,
        docstore_blocksize: 16 * 1024,
        ..tantivy::IndexSettings::default()
    }
}

/// A raw string field (one term per value), without field norms: filters
/// and facets never score by length.
fn raw(stored: bool, fast: bool) -> TextOptions {
    let mut options = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer("raw")
            .set_index_option(IndexRecordOption::Basic)
            .set_fieldnorms(false),
    );
    if stored {
        options = options.set_stored();
    }
    if fast {
        options = options.set_fast("raw");
    }
    options
}

/// Build the schema and its field handles.
pub fn build_schema() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let text = builder.add_text_field("text", words(true));
    let chars = builder.add_text_field(
        "chars",
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(BIGRAM_TOKENIZER)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions)
                .set_fieldnorms(false),
        ),
    );
    let heading = builder.add_text_field("heading", STORED);
    let section = builder.add_text_field("section", words(false));
    let file = builder.add_text_field(names::FILE, raw(true, true));
    let ordinal = builder.add_u64_field(names::ORDINAL, STORED | FAST);
    let line = builder.add_u64_field(names::LINE, STORED | FAST);
    let county = builder.add_text_field(names::COUNTY, raw(true, true));
    let city = builder.add_text_field(names::CITY, raw(true, true));
    let province = builder.add_text_field(names::PROVINCE, raw(true, true));
    let kind = builder.add_text_field(names::KIND, raw(true, true));
    let themes = builder.add_text_field(names::THEMES, raw(true, true));
    let year = builder.add_u64_field(names::YEAR, STORED | FAST);
    let year_from = builder.add_u64_field(names::YEAR_FROM, STORED | FAST);
    let year_to = builder.add_u64_field(names::YEAR_TO, STORED | FAST);
    let role = builder.add_u64_field(names::ROLE, FAST);
    let file_key = builder.add_u64_field(names::FILE_KEY, FAST);
    let dup_key = builder.add_u64_field(names::DUP_KEY, INDEXED | FAST);
    let schema = builder.build();
    let fields = Fields {
        text,
        chars,
        heading,
        section,
        file,
        ordinal,
        line,
        county,
        city,
        province,
        kind,
        themes,
        year,
        year_from,
        year_to,
        role,
        file_key,
        dup_key,
    };
    (schema, fields)
}

/// The key used to break score ties between files, stable whatever the
/// order documents were indexed in. 32 bits: fast fields bit-pack it to a
/// third of a 64-bit hash's size.
pub fn file_key(file: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(file.as_bytes()) >> 32
}
