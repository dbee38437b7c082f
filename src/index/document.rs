//! A paragraph record to a tantivy document and back: the one place that
//! knows how a [`Record`] is laid out in the index.
//!
//! [`to_document`] is used by every build; [`from_document`] by every read
//! of a stored paragraph (hits, their copies, export). What one writes the
//! other reads, which a unit test checks field by field.

use super::schema::{Fields, decode_year, encode_year, file_key};
use crate::analysis;
use crate::corpus::record::{Paragraph, Record, Role, Tags, Years};
use tantivy::schema::{TantivyDocument, Value};

/// The document for one record.
pub fn to_document(fields: &Fields, record: &Record) -> TantivyDocument {
    let p = &record.paragraph;
    let tags = &record.tags;
    let mut doc = TantivyDocument::default();
    doc.add_text(fields.text, &p.text);
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
    let years = tags.years;
    doc.add_u64(fields.year, encode_year(years.map(|y| y.year)));
    doc.add_u64(fields.year_from, encode_year(years.map(|y| y.from)));
    doc.add_u64(fields.year_to, encode_year(years.map(|y| y.to)));
    doc.add_u64(fields.role, p.role.code());
    doc.add_u64(fields.file_key, file_key(&p.file));
    doc.add_u64(fields.dup_key, analysis::near_duplicate_key(&p.text));
    doc
}

/// The record a stored document holds.
pub fn from_document(fields: &Fields, doc: &TantivyDocument) -> Record {
    let text = |field| -> String {
        doc.get_first(field)
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    };
    let texts = |field| -> Vec<String> {
        doc.get_all(field)
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect()
    };
    let number = |field| doc.get_first(field).and_then(|v| v.as_u64());
    let small = |field| number(field).and_then(|n| u32::try_from(n).ok());
    let year = |field| number(field).and_then(decode_year);
    let mut tags = Tags {
        years: match (
            year(fields.year),
            year(fields.year_from),
            year(fields.year_to),
        ) {
            (Some(year), Some(from), Some(to)) => Some(Years { year, from, to }),
            _ => None,
        },
        ..Tags::default()
    };
    for &(dim, field) in fields.text_dimensions() {
        dim.set_values(&mut tags, texts(field));
    }
    Record {
        paragraph: Paragraph {
            file: text(fields.file),
            number: small(fields.number).unwrap_or(0),
            line: small(fields.line).unwrap_or(0),
            page: small(fields.page),
            headings: texts(fields.heading),
            role: Role::from_code(number(fields.role).unwrap_or(0)),
            text: text(fields.text),
        },
        tags,
    }
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
                    text: "▲新建幼儿园。".into(),
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
        for record in records {
            let doc = to_document(&fields, &record);
            assert_eq!(from_document(&fields, &doc), record);
        }
    }
}
