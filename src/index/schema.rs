//! The index schema: one tantivy document per paragraph record.
//!
//! | field       | indexed as                         | stored | fast | why |
//! |-------------|------------------------------------|--------|------|-----|
//! | `text`      | jieba words, freqs                 |        |      | BM25 ranking |
//! | `body`      | –                                  | yes (UTF-16) |  | the paragraph shown (see below) |
//! | `chars`     | char bigrams, freqs + positions    |        |      | exact literal matching |
//! | `heading`   | –                                  | yes    |      | the heading titles, one value each |
//! | `section`   | jieba words, freqs                 |        |      | the nearest heading, for ranking |
//! | `file`      | raw string                         | yes    | yes  | delete a report on re-index; grouping by report |
//! | `number`, `line` | –                             | yes    | yes  | file:paragraph, stable tie-break |
//! | `page`      | –                                  | yes    |      | the page of a paged format |
//! | one per text [`Dimension`] (`county`, `city`, `province`, `kind`, `theme`) | raw strings | yes |  | filters |
//! | `place`     | –                                  |        | yes (one string) | facets and groups by province, city, county |
//! | `tags`      | –                                  |        | yes (u64)  | facets by kind and theme, groups by kind ([`TagBits`]) |
//! | `year`      | –                                  | yes    | yes  | facets, trends, sorting |
//! | `year_from`, `year_to` | –                       | yes    |      | the span of years shown |
//! | `year_span` | –                                  |        | yes  | the year filter (both ends in one number, [`encode_span`]) |
//! | `role`      | –                                  | yes    | yes  | headings and captions rank lower |
//! | `file_key`  | –                                  |        | yes  | deterministic tie-break |
//! | `dup_key`   | u64                                |        | yes  | collapsing copied paragraphs |
//!
//! The paragraph's text is stored as UTF-16 bytes in `body`, not as the
//! `text` field's UTF-8 string: a Chinese character takes two bytes instead
//! of three, and after lz4 the document store of a 1 GB corpus is 0.69×
//! the text instead of 0.84× (measured on 60,000 exported paragraphs of
//! the synthetic corpus, in the store's 16 KiB blocks). Decoding the ten
//! paragraphs of a page costs microseconds.
//!
//! Facets and groups read fast columns, one value per hit and dimension;
//! the dimensions' own fields are not fast. Every paragraph has exactly
//! one `place` (its three levels in one string, empty where unknown) and
//! one `tags` number, so both columns are dense: tantivy reads a dense
//! column's value at the document's own row, where an optional or
//! multi-valued column (a county some paragraphs lack, several themes)
//! first looks the rows up. At 1 GB that lookup and the five columns it
//! was done for were two thirds of a faceted query's time.
//!
//! Word positions are not stored: ranking needs only frequencies, and
//! literal phrases are answered by the bigram field. The text dimensions'
//! fields are made from [`Dimension::ALL`], so a new dimension needs no
//! change here.

use crate::analysis::bigrams::BIGRAM_TOKENIZER;
use crate::analysis::words::WORD_TOKENIZER;
use crate::corpus::record::{Dimension, Kind, Place, ValueKind};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, Schema, TextFieldIndexing, TextOptions,
};

/// The on-disk format this build of baogao reads and writes. Bump it when
/// the schema or the meaning of any field changes.
pub const FORMAT_VERSION: u32 = 6;

/// What the year fields hold for a paragraph with no year. A value in
/// every document keeps the fast columns dense, which read several times
/// faster than optional ones; no real year is 0. Only [`encode_year`] and
/// [`decode_year`] know this.
pub const NO_YEAR: u64 = 0;

/// A year as the year fields store it.
pub fn encode_year(year: Option<i32>) -> u64 {
    year.and_then(|y| u64::try_from(y).ok()).unwrap_or(NO_YEAR)
}

/// Bits of a `year_span` value that hold the last year ([`encode_span`]).
pub const SPAN_YEAR_BITS: u32 = 12;

/// A paragraph's span of stored years as the `year_span` column holds it
/// (one number, so that the year filter reads one value per paragraph):
/// the first year in the high bits, the last in the low
/// [`SPAN_YEAR_BITS`]. Stored years are at most 3000 (the query language
/// accepts no later ones); a later one is kept as 4095. A span never ends
/// before it starts (the year filter skips whole segments by that, see
/// `search::year_span`): a `last` before `first` is kept as `first`.
pub fn encode_span(first: u64, last: u64) -> u64 {
    let most = (1 << SPAN_YEAR_BITS) - 1;
    (first.min(most) << SPAN_YEAR_BITS) | last.max(first).min(most)
}

/// The first and last stored year of a `year_span` value.
pub fn decode_span(span: u64) -> (u64, u64) {
    (span >> SPAN_YEAR_BITS, span & ((1 << SPAN_YEAR_BITS) - 1))
}

/// A year field's stored value, back to a year.
pub fn decode_year(stored: u64) -> Option<i32> {
    (stored != NO_YEAR)
        .then(|| i32::try_from(stored).ok())
        .flatten()
}

/// Field names that are not dimensions.
pub mod names {
    pub const TEXT: &str = "text";
    pub const BODY: &str = "body";
    pub const CHARS: &str = "chars";
    pub const HEADING: &str = "heading";
    pub const SECTION: &str = "section";
    pub const FILE: &str = "file";
    pub const NUMBER: &str = "number";
    pub const LINE: &str = "line";
    pub const PAGE: &str = "page";
    pub const YEAR: &str = "year";
    pub const YEAR_FROM: &str = "year_from";
    pub const YEAR_TO: &str = "year_to";
    pub const YEAR_SPAN: &str = "year_span";
    pub const ROLE: &str = "role";
    pub const FILE_KEY: &str = "file_key";
    pub const DUP_KEY: &str = "dup_key";
    pub const PLACE: &str = "place";
    pub const TAGS: &str = "tags";
}

/// What separates the levels of a place in the `place` column
/// (province, city, county); it cannot occur in a name
/// ([`encode_place`] replaces it).
pub const PLACE_SEPARATOR: char = '\u{1f}';

/// A paragraph's place as the `place` column holds it: province, city and
/// county joined by [`PLACE_SEPARATOR`], each empty where unknown.
pub fn encode_place(place: &Place) -> String {
    let level = |name: &Option<String>| name.as_deref().unwrap_or("").replace(PLACE_SEPARATOR, " ");
    format!(
        "{}{PLACE_SEPARATOR}{}{PLACE_SEPARATOR}{}",
        level(&place.province),
        level(&place.city),
        level(&place.county)
    )
}

/// A `place` column value back to its levels, in [`Dimension`] order
/// (province, city, county); `None` for an unknown level.
pub fn decode_place(key: &str) -> [Option<&str>; 3] {
    let mut levels = key.split(PLACE_SEPARATOR);
    let mut next = || levels.next().filter(|name| !name.is_empty());
    [next(), next(), next()]
}

/// The level of `dim` in [`decode_place`]'s answer, for the three place
/// dimensions.
pub fn place_level(dim: Dimension) -> Option<usize> {
    match dim {
        Dimension::Province => Some(0),
        Dimension::City => Some(1),
        Dimension::County => Some(2),
        _ => None,
    }
}

/// A paragraph's kind and themes as one number, the `tags` column: the
/// kind's code in the two lowest bits, and bit 2 + i set for the i-th
/// theme of the index's taxonomy (the themes its commit names;
/// [`crate::analysis::themes::MAX_THEMES`] of them at most).
pub struct TagBits;

impl TagBits {
    const KIND_BITS: u32 = 2;

    /// The number for a kind and themes; themes not in `names` (none are:
    /// the tagger only gives its own) are left out.
    pub fn encode(kind: Kind, themes: &[String], names: &[String]) -> u64 {
        let code = match kind {
            Kind::Review => 0,
            Kind::Plan => 1,
            Kind::Other => 2,
        };
        let mut bits = code;
        for theme in themes {
            if let Some(i) = names.iter().position(|n| n == theme)
                && i < crate::analysis::themes::MAX_THEMES
            {
                bits |= 1 << (Self::KIND_BITS as usize + i);
            }
        }
        bits
    }

    /// The kind a number holds.
    pub fn kind(bits: u64) -> Kind {
        match bits & ((1 << Self::KIND_BITS) - 1) {
            0 => Kind::Review,
            1 => Kind::Plan,
            _ => Kind::Other,
        }
    }

    /// The themes a number holds, as bits: bit i for the i-th theme.
    pub fn themes(bits: u64) -> u64 {
        bits >> Self::KIND_BITS
    }
}

/// Handles to every field.
#[derive(Debug, Clone)]
pub struct Fields {
    pub text: Field,
    /// The paragraph's text as stored: UTF-16LE bytes (see the module
    /// documentation).
    pub body: Field,
    pub chars: Field,
    pub heading: Field,
    pub section: Field,
    pub file: Field,
    pub number: Field,
    pub line: Field,
    pub page: Field,
    pub year: Field,
    pub year_from: Field,
    pub year_to: Field,
    pub year_span: Field,
    pub role: Field,
    pub file_key: Field,
    pub dup_key: Field,
    pub place: Field,
    pub tags: Field,
    /// The raw-string field of each text dimension.
    dimensions: Vec<(Dimension, Field)>,
}

impl Fields {
    /// The field a text dimension is stored in (`None` for years, which
    /// use `year`, `year_from` and `year_to`).
    pub fn dimension(&self, dim: Dimension) -> Option<Field> {
        self.dimensions
            .iter()
            .find(|(d, _)| *d == dim)
            .map(|(_, f)| *f)
    }

    /// Every text dimension and its field.
    pub fn text_dimensions(&self) -> &[(Dimension, Field)] {
        &self.dimensions
    }
}

/// The name of a text dimension's field (and fast column).
pub fn dimension_field_name(dim: Dimension) -> &'static str {
    dim.name()
}

fn words() -> TextOptions {
    let indexing = TextFieldIndexing::default()
        .set_tokenizer(WORD_TOKENIZER)
        .set_index_option(IndexRecordOption::WithFreqs);
    TextOptions::default().set_indexing_options(indexing)
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
    let text = builder.add_text_field(names::TEXT, words());
    let body = builder.add_bytes_field(names::BODY, STORED);
    let chars = builder.add_text_field(
        names::CHARS,
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(BIGRAM_TOKENIZER)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions)
                .set_fieldnorms(false),
        ),
    );
    let heading = builder.add_text_field(names::HEADING, STORED);
    let section = builder.add_text_field(names::SECTION, words());
    let file = builder.add_text_field(names::FILE, raw(true, true));
    let number = builder.add_u64_field(names::NUMBER, STORED | FAST);
    let line = builder.add_u64_field(names::LINE, STORED | FAST);
    let page = builder.add_u64_field(names::PAGE, STORED);
    let year = builder.add_u64_field(names::YEAR, STORED | FAST);
    let year_from = builder.add_u64_field(names::YEAR_FROM, STORED);
    let year_to = builder.add_u64_field(names::YEAR_TO, STORED);
    let year_span = builder.add_u64_field(names::YEAR_SPAN, FAST);
    let mut dimensions = Vec::new();
    for dim in Dimension::ALL {
        if dim.value_kind() == ValueKind::Text {
            let field = builder.add_text_field(dimension_field_name(dim), raw(true, false));
            dimensions.push((dim, field));
        }
    }
    let role = builder.add_u64_field(names::ROLE, STORED | FAST);
    let file_key = builder.add_u64_field(names::FILE_KEY, FAST);
    let dup_key = builder.add_u64_field(names::DUP_KEY, INDEXED | FAST);
    let place = builder.add_text_field(names::PLACE, TextOptions::default().set_fast("raw"));
    let tags = builder.add_u64_field(names::TAGS, FAST);
    let schema = builder.build();
    let fields = Fields {
        text,
        body,
        chars,
        heading,
        section,
        file,
        number,
        line,
        page,
        year,
        year_from,
        year_to,
        year_span,
        role,
        file_key,
        dup_key,
        place,
        tags,
        dimensions,
    };
    (schema, fields)
}

/// The key used to break score ties between files, stable whatever the
/// order documents were indexed in. 32 bits: fast fields bit-pack it to a
/// third of a 64-bit hash's size.
pub fn file_key(file: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(file.as_bytes()) >> 32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_read_back_level_by_level() {
        let full = Place {
            county: Some("青田县".into()),
            city: Some("丽水市".into()),
            province: Some("浙江省".into()),
        };
        assert_eq!(
            decode_place(&encode_place(&full)),
            [Some("浙江省"), Some("丽水市"), Some("青田县")]
        );
        let city_only = Place {
            city: Some("温州市".into()),
            ..Place::default()
        };
        assert_eq!(
            decode_place(&encode_place(&city_only)),
            [None, Some("温州市"), None]
        );
        assert_eq!(decode_place(&encode_place(&Place::default())), [None; 3]);
        // A separator inside a name cannot shift the levels.
        let odd = Place {
            county: Some("a\u{1f}b".into()),
            ..Place::default()
        };
        assert_eq!(decode_place(&encode_place(&odd)), [None, None, Some("a b")]);
    }

    #[test]
    fn tag_bits_hold_the_kind_and_every_theme() {
        let names: Vec<String> = (0..crate::analysis::themes::MAX_THEMES)
            .map(|i| format!("t{i}"))
            .collect();
        for kind in Kind::ALL {
            let all = TagBits::encode(kind, &names, &names);
            assert_eq!(TagBits::kind(all), kind);
            assert_eq!(TagBits::themes(all).count_ones() as usize, names.len());
            let none = TagBits::encode(kind, &[], &names);
            assert_eq!((TagBits::kind(none), TagBits::themes(none)), (kind, 0));
        }
        let some = TagBits::encode(Kind::Plan, &["t5".into(), "t0".into(), "x".into()], &names);
        assert_eq!(TagBits::themes(some), 0b100001);
    }
}
