//! A paragraph record to a tantivy document and back: the one place that
//! knows how a [`Record`] is laid out in the index.
//!
//! [`to_document`] is used by every build; [`read_record`] by every read
//! of a stored paragraph (hits, their copies, export), straight from the
//! document store's values into the record, moving their strings rather
//! than copying them through an intermediate document. What one writes the
//! other reads, which a unit test checks field by field.

use super::schema::{
    Fields, TagBits, decode_year, encode_place, encode_span, encode_year, file_key,
};
use crate::analysis;
use crate::corpus::record::{Paragraph, Record, Role, Tags, Years};
use tantivy::schema::document::{DeserializeError, DocumentDeserialize, DocumentDeserializer};
use tantivy::schema::{Field, OwnedValue, TantivyDocument, Value};

/// A paragraph's stored values as the document store holds them; read
/// with `searcher.doc::<StoredRecord>(…)` and turned into a record by
/// [`read_record`].
pub struct StoredRecord(Vec<(Field, OwnedValue)>);

impl DocumentDeserialize for StoredRecord {
    fn deserialize<'de, D>(mut deserializer: D) -> Result<Self, DeserializeError>
    where
        D: DocumentDeserializer<'de>,
    {
        let mut values = Vec::with_capacity(deserializer.size_hint());
        while let Some(entry) = deserializer.next_field::<OwnedValue>()? {
            values.push(entry);
        }
        Ok(StoredRecord(values))
    }
}

/// The document for one record; `themes` are the index's theme names, in
/// the order the `tags` column numbers them.
pub fn to_document(fields: &Fields, record: &Record, themes: &[String]) -> TantivyDocument {
    let p = &record.paragraph;
    let tags = &record.tags;
    let mut doc = TantivyDocument::default();
    doc.add_text(fields.text, &p.text);
    doc.add_bytes(fields.body, &text_to_utf16(&p.text));
    doc.add_text(fields.chars, &p.text);
    for title in &p.headings {
        doc.add_text(fields.heading, title);
    }
    if let Some(section) = p.headings.last() {
        doc.add_text(fields.section, section);
    }
    doc.add_text(fields.file, &p.file);
    doc.add_u64(fields.number, u64::from(p.number));
    doc.add_u64(fields.line, u64::from(p.line));
    if let Some(page) = p.page {
        doc.add_u64(fields.page, u64::from(page));
    }
    for &(dim, field) in fields.text_dimensions() {
        for value in dim.values(tags) {
            doc.add_text(field, value);
        }
    }
    doc.add_text(fields.place, encode_place(&tags.place));
    doc.add_u64(
        fields.tags,
        TagBits::encode(tags.kind, &tags.themes, themes),
    );
    let years = tags.years;
    doc.add_u64(fields.year, encode_year(years.map(|y| y.year)));
    doc.add_u64(fields.year_from, encode_year(years.map(|y| y.from)));
    doc.add_u64(fields.year_to, encode_year(years.map(|y| y.to)));
    doc.add_u64(
        fields.year_span,
        encode_span(
            encode_year(years.map(|y| y.from)),
            encode_year(years.map(|y| y.to)),
        ),
    );
    doc.add_u64(fields.role, p.role.code());
    doc.add_u64(fields.file_key, file_key(&p.file));
    doc.add_u64(fields.dup_key, analysis::near_duplicate_key(&p.text));
    doc
}

/// The record a stored document holds.
pub fn read_record(fields: &Fields, stored: StoredRecord) -> Record {
    let mut p = Paragraph::default();
    let mut tags = Tags::default();
    let (mut year, mut from, mut to) = (None, None, None);
    let mut dimensions: Vec<(crate::corpus::record::Dimension, Vec<String>)> = fields
        .text_dimensions()
        .iter()
        .map(|(dim, _)| (*dim, Vec::new()))
        .collect();
    let small = |n: u64| u32::try_from(n).ok();
    for (field, value) in stored.0 {
        match value {
            OwnedValue::Str(text) => {
                if field == fields.heading {
                    p.headings.push(text);
                } else if field == fields.file {
                    p.file = text;
                } else if let Some(slot) = fields
                    .text_dimensions()
                    .iter()
                    .position(|(_, f)| *f == field)
                {
                    dimensions[slot].1.push(text);
                }
            }
            OwnedValue::Bytes(bytes) if field == fields.body => {
                p.text = text_from_utf16(&bytes);
            }
            OwnedValue::U64(n) => {
                if field == fields.number {
                    p.number = small(n).unwrap_or(0);
                } else if field == fields.line {
                    p.line = small(n).unwrap_or(0);
                } else if field == fields.page {
                    p.page = small(n);
                } else if field == fields.role {
                    p.role = Role::from_code(n);
                } else if field == fields.year {
                    year = decode_year(n);
                } else if field == fields.year_from {
                    from = decode_year(n);
                } else if field == fields.year_to {
                    to = decode_year(n);
                }
            }
            _ => {}
        }
    }
    if let (Some(year), Some(from), Some(to)) = (year, from, to) {
        tags.years = Some(Years { year, from, to });
    }
    for (dim, values) in dimensions {
        dim.set_values(&mut tags, values);
    }
    Record { paragraph: p, tags }
}

/// A paragraph's text as the `body` field stores it: UTF-16, little-endian
/// (two bytes for a Chinese character, where UTF-8 takes three).
fn text_to_utf16(text: &str) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(text.len() / 3 * 2 + 16);
    for unit in text.encode_utf16() {
        bytes.extend_from_slice(&unit.to_le_bytes());
    }
    bytes
}

/// The text of a stored `body`. Only this module writes the field, so the
/// bytes are valid UTF-16; a damaged store shows U+FFFD where it is
/// damaged rather than failing the search.
fn text_from_utf16(bytes: &[u8]) -> String {
    let units = bytes
        .chunks_exact(2)
        .map(|pair| u16::from_le_bytes([pair[0], pair[1]]));
    char::decode_utf16(units)
        .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect()
}

/// The record a document holds (its stored fields), for documents not
/// read from the store.
pub fn from_document(fields: &Fields, doc: &TantivyDocument) -> Record {
    let values = doc
        .field_values()
        .map(|(field, value)| (field, OwnedValue::from(value.as_value())))
        .collect();
    read_record(fields, StoredRecord(values))
}

#[cfg(test)]
mod tests {
    use super::super::schema::build_schema;
    use super::*;
    use crate::corpus::record::{Kind, Place};

    #[test]
    fn what_is_written_is_read_back() {
        let (_, fields) = build_schema();
        let records = [
            Record {
                paragraph: Paragraph {
                    file: "dir/青田.pdf".into(),
                    number: 12,
                    line: 40,
                    page: Some(3),
                    headings: vec!["一、2024年工作总结".into(), "(一)学前".into()],
                    role: Role::Caption,
                    text: "▲新建幼儿园𠮷(C9/5G, 1+X)。".into(),
                },
                tags: Tags {
                    place: Place {
                        county: Some("青田县".into()),
                        city: Some("丽水市".into()),
                        province: Some("浙江省".into()),
                    },
                    years: Some(Years {
                        year: 2020,
                        from: 2016,
                        to: 2020,
                    }),
                    kind: Kind::Plan,
                    themes: vec!["学前教育".into(), "双减".into()],
                },
            },
            Record::default(),
        ];
        let themes: Vec<String> = ["党建", "双减", "学前教育"].map(String::from).into();
        for record in records {
            let doc = to_document(&fields, &record, &themes);
            assert_eq!(from_document(&fields, &doc), record);
            // The facet columns, which are not stored.
            let place = doc.get_first(fields.place).and_then(|v| v.as_str());
            assert_eq!(place, Some(encode_place(&record.tags.place).as_str()));
            let tags = doc.get_first(fields.tags).and_then(|v| v.as_u64());
            let tags = tags.expect("a tags number");
            assert_eq!(TagBits::kind(tags), record.tags.kind);
            let want: u64 = record
                .tags
                .themes
                .iter()
                .map(|t| 1 << themes.iter().position(|n| n == t).expect("a known theme"))
                .sum();
            assert_eq!(TagBits::themes(tags), want);
        }
    }

    #[test]
    fn stored_text_survives_utf16_whatever_its_characters() {
        for text in [
            "",
            "a",
            "教育",
            "𠮷野家 C9 ５Ｇ\u{0}\t末尾",
            "\u{FFFF}\u{10FFFF}",
        ] {
            let bytes = text_to_utf16(text);
            assert_eq!(text_from_utf16(&bytes), text);
        }
        // Two bytes a Chinese character, where UTF-8 takes three.
        assert_eq!(text_to_utf16("学前教育").len(), 8);
        // A lone surrogate (a damaged store) reads as U+FFFD, not a failure.
        assert_eq!(text_from_utf16(&[0x00, 0xD8, 0x41, 0x00]), "\u{FFFD}A");
    }
}
