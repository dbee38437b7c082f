//! CSV for the spreadsheet most analyses end in: one row per hit (or group,
//! or report), every tag a column, the whole paragraph in the last one.
//!
//! UTF-8 with a byte-order mark first, so that spreadsheet programs that
//! guess an encoding (Excel does) read the Chinese correctly; quoting by
//! the `csv` crate, so commas, quotes and line breaks inside a paragraph
//! survive.

use crate::search::{Group, Hit};
use std::io::{self, Write};

/// The byte-order mark spreadsheet programs read as "this is UTF-8".
pub const BOM: &str = "\u{FEFF}";

/// The columns of a hit row.
pub const HIT_COLUMNS: [&str; 17] = [
    "rank",
    "score",
    "match",
    "file",
    "paragraph",
    "line",
    "page",
    "heading",
    "county",
    "city",
    "province",
    "year",
    "year_from",
    "year_to",
    "kind",
    "themes",
    "text",
];

fn hit_fields(hit: &Hit) -> Vec<String> {
    let (p, t) = (&hit.record.paragraph, &hit.record.tags);
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let number = |v: Option<i32>| v.map(|n| n.to_string()).unwrap_or_default();
    vec![
        hit.rank.to_string(),
        format!("{:.3}", hit.score),
        match hit.match_kind {
            crate::search::MatchKind::Phrase => "phrase",
            crate::search::MatchKind::Words => "words",
            crate::search::MatchKind::Related => "related",
            crate::search::MatchKind::Partial => "partial",
        }
        .to_string(),
        p.file.clone(),
        p.number.to_string(),
        if p.line > 0 {
            p.line.to_string()
        } else {
            String::new()
        },
        p.page.map(|n| n.to_string()).unwrap_or_default(),
        p.heading_path(),
        text(&t.place.county),
        text(&t.place.city),
        text(&t.place.province),
        number(t.years.map(|y| y.year)),
        number(t.years.map(|y| y.from)),
        number(t.years.map(|y| y.to)),
        t.kind.name().to_string(),
        t.themes.join(";"),
        p.text.clone(),
    ]
}

/// Writes CSV rows as they come, the header first.
pub struct CsvWriter<'w> {
    writer: csv::Writer<&'w mut dyn Write>,
}

fn csv_error(e: csv::Error) -> io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(io) => io,
        other => io::Error::other(format!("{other:?}")),
    }
}

impl<'w> CsvWriter<'w> {
    /// A writer whose rows start with `leading` columns (a group's value
    /// and count), then `columns`.
    pub fn new(out: &'w mut dyn Write, leading: &[&str], columns: &[&str]) -> io::Result<Self> {
        out.write_all(BOM.as_bytes())?;
        let mut writer = csv::Writer::from_writer(out);
        let header: Vec<&str> = leading.iter().chain(columns).copied().collect();
        writer.write_record(&header).map_err(csv_error)?;
        Ok(CsvWriter { writer })
    }

    pub fn hit(&mut self, hit: &Hit) -> io::Result<()> {
        self.writer.write_record(hit_fields(hit)).map_err(csv_error)
    }

    pub fn group(&mut self, group: &Group) -> io::Result<()> {
        let mut row = vec![group.value.clone(), group.count.to_string()];
        row.extend(hit_fields(&group.best));
        self.writer.write_record(row).map_err(csv_error)
    }

    pub fn row(&mut self, fields: &[String]) -> io::Result<()> {
        self.writer.write_record(fields).map_err(csv_error)
    }

    pub fn finish(mut self) -> io::Result<()> {
        self.writer.flush()
    }
}
