//! DOCX (and the OOXML `.wps` Kingsoft writes): a zip of XML parts.
//!
//! `word/document.xml` holds the body: paragraphs (`w:p`) of runs
//! (`w:r`) of text (`w:t`), tabs and breaks; tables (`w:tbl`) of rows
//! (`w:tr`) of cells. `word/styles.xml`, when present, names the paragraph
//! styles, which is how headings are told: a style named "heading N" or
//! "标题 N", or one with an outline level. Footnotes and endnotes come
//! after the body. Every part but the body is optional: a file that lacks
//! them still reads.
//!
//! Left out, as a reader of the document would not see them: deleted text
//! of tracked changes (`w:delText`), field instructions (`w:instrText`: a
//! MERGEFIELD's code, not its result), and the fallback copy of content
//! that `mc:AlternateContent` holds twice.

use super::lines::{Extracted, push_heading, push_line};
use crate::corpus::decode::SkipReason;
use crate::corpus::format::Format;
use quick_xml::events::{BytesStart, Event};
use std::collections::HashMap;
use std::io::Read;

/// Largest part read from the zip: a bound on memory for crafted files.
const MAX_PART_BYTES: u64 = 256 << 20;

/// Is this zip a Word document (it has `word/document.xml`)?
pub fn is_word_zip(bytes: &[u8]) -> bool {
    // The central directory lists the names; a cheap scan of the bytes for
    // the name avoids opening the archive twice, and a zip whose
    // directory is damaged is still tried.
    super::lines::find(bytes, b"word/document.xml").is_some()
}

fn corrupt(why: impl std::fmt::Display) -> SkipReason {
    SkipReason::Corrupt(Format::Docx, why.to_string())
}

fn read_part(
    archive: &mut zip::ZipArchive<std::io::Cursor<&[u8]>>,
    name: &str,
) -> Result<Option<String>, SkipReason> {
    let mut file = match archive.by_name(name) {
        Ok(file) => file,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(e) => return Err(corrupt(format!("{name}: {e}"))),
    };
    if file.encrypted() {
        return Err(SkipReason::Encrypted(
            "the zip is password-protected".into(),
        ));
    }
    let mut bytes = Vec::new();
    (&mut file)
        .take(MAX_PART_BYTES)
        .read_to_end(&mut bytes)
        .map_err(|e| corrupt(format!("{name}: {e}")))?;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    Ok(Some(String::from_utf8_lossy(bytes).into_owned()))
}

/// Read a DOCX file's text.
pub fn extract(bytes: &[u8]) -> Result<Extracted, SkipReason> {
    if super::lines::find(&bytes[..bytes.len().min(4096)], b"EncryptedPackage").is_some() {
        return Err(SkipReason::Encrypted("an encrypted Office document".into()));
    }
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(corrupt)?;
    let Some(body) = read_part(&mut archive, "word/document.xml")? else {
        return Err(corrupt("no word/document.xml"));
    };
    let styles = match read_part(&mut archive, "word/styles.xml")? {
        Some(xml) => heading_styles(&xml),
        None => HashMap::new(),
    };
    let mut text = String::new();
    walk(&body, &styles, &mut text).map_err(corrupt)?;
    for (part, kind) in [
        ("word/footnotes.xml", "footnote"),
        ("word/endnotes.xml", "endnote"),
    ] {
        if let Some(xml) = read_part(&mut archive, part)? {
            let mut notes = String::new();
            // Notes are read like the body; a damaged notes part loses only
            // the notes.
            if walk_notes(&xml, kind, &styles, &mut notes).is_ok() {
                text.push_str(&notes);
            }
        }
    }
    Ok(Extracted {
        text,
        format: Format::Docx,
        encoding: "utf-8 (xml)".into(),
        paged: false,
        notes: Vec::new(),
    })
}

/// Style id → heading level, from `word/styles.xml`.
fn heading_styles(xml: &str) -> HashMap<String, u8> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut out = HashMap::new();
    let mut current: Option<String> = None;
    let mut based_on: HashMap<String, String> = HashMap::new();
    loop {
        let event = match reader.read_event() {
            Ok(Event::Eof) | Err(_) => break,
            Ok(event) => event,
        };
        match event {
            Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                "style" => current = attribute(&e, "styleId"),
                "name" => {
                    if let (Some(id), Some(name)) = (&current, attribute(&e, "val"))
                        && let Some(level) = heading_level_of_name(&name)
                    {
                        out.entry(id.clone()).or_insert(level);
                    }
                }
                "outlineLvl" => {
                    if let (Some(id), Some(level)) = (&current, attribute(&e, "val"))
                        && let Ok(level) = level.parse::<u8>()
                        && level < 9
                    {
                        out.insert(id.clone(), level + 1);
                    }
                }
                "basedOn" => {
                    if let (Some(id), Some(base)) = (&current, attribute(&e, "val")) {
                        based_on.insert(id.clone(), base);
                    }
                }
                _ => {}
            },
            Event::End(e) if e.local_name().as_ref() == "style" => current = None,
            _ => {}
        }
    }
    // A style based on a heading style is a heading of that level.
    for (id, base) in &based_on {
        if !out.contains_key(id)
            && let Some(&level) = out.get(base)
        {
            out.insert(id.clone(), level);
        }
    }
    out
}

/// "heading 2", "Heading2", "标题 2", "标题2" → 2; "Title"/"标题" → 1.
fn heading_level_of_name(name: &str) -> Option<u8> {
    let lower = name.trim().to_lowercase();
    let rest = lower
        .strip_prefix("heading")
        .or_else(|| lower.strip_prefix("标题"))?;
    let rest = rest.trim();
    if rest.is_empty() {
        return Some(1);
    }
    rest.parse::<u8>().ok().filter(|n| (1..=9).contains(n))
}

fn attribute(e: &BytesStart, local: &str) -> Option<String> {
    e.attributes().flatten().find_map(|a| {
        (a.key.local_name().as_ref() == local)
            .then(|| {
                a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                    .ok()
                    .map(|v| v.into_owned())
            })
            .flatten()
    })
}

/// One paragraph being read.
#[derive(Default)]
struct Paragraph {
    text: String,
    heading: Option<u8>,
}

/// What the walker is inside.
#[derive(Default)]
struct Walker<'a> {
    styles: Option<&'a HashMap<String, u8>>,
    /// Open paragraphs: text boxes nest paragraphs inside a run.
    paragraphs: Vec<Paragraph>,
    /// Open table rows: cells' text, joined by tabs when the row ends.
    rows: Vec<Vec<String>>,
    in_text: bool,
}

impl Walker<'_> {
    fn push_text(&mut self, s: &str) {
        if self.in_text
            && let Some(p) = self.paragraphs.last_mut()
        {
            p.text.push_str(s);
        }
    }

    fn push_char(&mut self, c: char) {
        if let Some(p) = self.paragraphs.last_mut() {
            p.text.push(c);
        }
    }

    fn end_paragraph(&mut self, out: &mut String) {
        let Some(p) = self.paragraphs.pop() else {
            return;
        };
        if let Some(row) = self.rows.last_mut() {
            // Inside a table cell: the row becomes one line.
            if let Some(cell) = row.last_mut() {
                if !cell.is_empty() && !p.text.trim().is_empty() {
                    cell.push(' ');
                }
                cell.push_str(p.text.trim());
            }
            return;
        }
        match p.heading {
            Some(level) => push_heading(out, level, &p.text),
            None => {
                for line in p.text.split('\n') {
                    push_line(out, line);
                }
            }
        }
    }
}

fn is_skipped(name: &str) -> bool {
    matches!(
        name,
        "delText" | "instrText" | "Fallback" | "delInstrText" | "pict" | "object"
    )
}

fn walk(xml: &str, styles: &HashMap<String, u8>, out: &mut String) -> Result<(), String> {
    let mut walker = Walker {
        styles: Some(styles),
        ..Walker::default()
    };
    walk_with(xml, &mut walker, out, |_| true)
}

/// Footnotes and endnotes, without the separator notes Word puts first.
fn walk_notes(
    xml: &str,
    kind: &str,
    styles: &HashMap<String, u8>,
    out: &mut String,
) -> Result<(), String> {
    let mut walker = Walker {
        styles: Some(styles),
        ..Walker::default()
    };
    walk_with(xml, &mut walker, out, move |e| {
        if e.local_name().as_ref() != kind {
            return true;
        }
        !matches!(
            attribute(e, "type").as_deref(),
            Some("separator" | "continuationSeparator" | "continuationNotice")
        )
    })
}

fn walk_with(
    xml: &str,
    walker: &mut Walker,
    out: &mut String,
    keep: impl Fn(&BytesStart) -> bool,
) -> Result<(), String> {
    let mut reader = quick_xml::Reader::from_str(xml);
    // Element depth, and the depth of the element whose content is being
    // skipped, if any.
    let mut depth = 0usize;
    let mut skip_until: Option<usize> = None;
    loop {
        let event = match reader.read_event() {
            Ok(Event::Eof) => break,
            Ok(event) => event,
            Err(e) => {
                // A truncated part: keep what was read.
                if out.is_empty() && walker.paragraphs.is_empty() {
                    return Err(format!("document.xml: {e}"));
                }
                break;
            }
        };
        match event {
            Event::Start(e) => {
                depth += 1;
                if skip_until.is_some() {
                    continue;
                }
                let name = e.local_name();
                let name = name.as_ref();
                if is_skipped(name) || !keep(&e) {
                    skip_until = Some(depth);
                    continue;
                }
                match name {
                    "p" => walker.paragraphs.push(Paragraph::default()),
                    "t" => walker.in_text = true,
                    "tr" => walker.rows.push(Vec::new()),
                    "tc" => {
                        if let Some(row) = walker.rows.last_mut() {
                            row.push(String::new());
                        }
                    }
                    _ => {}
                }
            }
            Event::Empty(e) => {
                if skip_until.is_some() {
                    continue;
                }
                match e.local_name().as_ref() {
                    "tab" | "ptab" => walker.push_char('\t'),
                    "br" | "cr" => walker.push_char('\n'),
                    "noBreakHyphen" => walker.push_char('-'),
                    "sym" => {
                        if let Some(c) = attribute(&e, "char")
                            .and_then(|h| u32::from_str_radix(&h, 16).ok())
                            .and_then(char::from_u32)
                            .filter(|c| !('\u{F000}'..='\u{F0FF}').contains(c))
                        {
                            walker.push_char(c);
                        }
                    }
                    "pStyle" => {
                        let level = attribute(&e, "val")
                            .and_then(|id| walker.styles.and_then(|s| s.get(&id).copied()));
                        if let (Some(level), Some(p)) = (level, walker.paragraphs.last_mut()) {
                            p.heading = Some(level);
                        }
                    }
                    "outlineLvl" => {
                        if let (Some(level), Some(p)) = (
                            attribute(&e, "val").and_then(|v| v.parse::<u8>().ok()),
                            walker.paragraphs.last_mut(),
                        ) && level < 9
                        {
                            p.heading = Some(level + 1);
                        }
                    }
                    "p" => {
                        // An empty paragraph: nothing to add.
                    }
                    _ => {}
                }
            }
            Event::End(e) => {
                let ended = depth;
                depth = depth.saturating_sub(1);
                if let Some(at) = skip_until {
                    if ended <= at {
                        skip_until = None;
                    }
                    continue;
                }
                let name = e.local_name();
                let name = name.as_ref();
                match name {
                    "p" => walker.end_paragraph(out),
                    "t" => walker.in_text = false,
                    "tr" => {
                        if let Some(row) = walker.rows.pop() {
                            let cells: Vec<&str> = row
                                .iter()
                                .map(|c| c.trim())
                                .filter(|c| !c.is_empty())
                                .collect();
                            let line = cells.join("\t");
                            if let Some(cell) = walker.rows.last_mut().and_then(|r| r.last_mut()) {
                                // A table nested in a cell.
                                if !cell.is_empty() {
                                    cell.push(' ');
                                }
                                cell.push_str(&line);
                            } else if let Some(p) = walker.paragraphs.last_mut() {
                                p.text.push_str(&line);
                                p.text.push('\n');
                            } else {
                                push_line(out, &line);
                            }
                        }
                    }
                    _ => {}
                }
            }
            _ if skip_until.is_some() => {}
            Event::Text(t) => {
                let s = t.xml10_content();
                walker.push_text(&s);
            }
            Event::CData(t) => {
                let s = t.into_inner();
                walker.push_text(&s);
            }
            Event::GeneralRef(r) => {
                let resolved = if r.is_char_ref() {
                    r.resolve_char_ref().ok().flatten().map(String::from)
                } else {
                    match r.xml10_content().as_ref() {
                        "amp" => Some("&".into()),
                        "lt" => Some("<".into()),
                        "gt" => Some(">".into()),
                        "quot" => Some("\"".into()),
                        "apos" => Some("'".into()),
                        _ => None,
                    }
                };
                if let Some(s) = resolved {
                    walker.push_text(&s);
                }
            }
            _ => {}
        }
    }
    // A truncated body: close what is open.
    while !walker.paragraphs.is_empty() {
        walker.end_paragraph(out);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const W: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main""#;

    fn body(inner: &str) -> String {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><w:document {W}><w:body>{inner}</w:body></w:document>"#
        )
    }

    fn run(xml: &str, styles: &HashMap<String, u8>) -> String {
        let mut out = String::new();
        walk(xml, styles, &mut out).unwrap();
        out
    }

    #[test]
    fn paragraphs_runs_tabs_and_breaks() {
        let xml = body(
            r#"<w:p><w:r><w:t>学前教育</w:t></w:r><w:r><w:t xml:space="preserve">普惠&amp;优质</w:t></w:r></w:p>
               <w:p><w:r><w:t>甲</w:t><w:tab/><w:t>乙</w:t><w:br/><w:t>丙</w:t></w:r></w:p>
               <w:p><w:r><w:delText>删去的</w:delText><w:instrText> MERGEFIELD 名称 </w:instrText><w:t>留下的</w:t></w:r></w:p>"#,
        );
        assert_eq!(
            run(&xml, &HashMap::new()),
            "学前教育普惠&优质\n甲 乙\n丙\n留下的\n"
        );
    }

    #[test]
    fn tables_become_one_line_per_row() {
        let xml = body(
            r#"<w:tbl><w:tr><w:tc><w:p><w:r><w:t>县区</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>学位</w:t></w:r></w:p></w:tc></w:tr>
                      <w:tr><w:tc><w:p><w:r><w:t>青田县</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>1350</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
               <w:p><w:r><w:t>表后</w:t></w:r></w:p>"#,
        );
        assert_eq!(run(&xml, &HashMap::new()), "县区 学位\n青田县 1350\n表后\n");
    }

    #[test]
    fn heading_styles_by_name_and_outline_level() {
        let styles = heading_styles(&format!(
            r#"<w:styles {W}>
                 <w:style w:type="paragraph" w:styleId="1"><w:name w:val="heading 1"/></w:style>
                 <w:style w:type="paragraph" w:styleId="a3"><w:name w:val="标题 2"/></w:style>
                 <w:style w:type="paragraph" w:styleId="my"><w:name w:val="我的"/><w:pPr><w:outlineLvl w:val="2"/></w:pPr></w:style>
               </w:styles>"#
        ));
        assert_eq!(styles.get("1"), Some(&1));
        assert_eq!(styles.get("a3"), Some(&2));
        assert_eq!(styles.get("my"), Some(&3));
        let xml = body(
            r#"<w:p><w:pPr><w:pStyle w:val="1"/></w:pPr><w:r><w:t>工作总结</w:t></w:r></w:p>
               <w:p><w:pPr><w:pStyle w:val="a3"/></w:pPr><w:r><w:t>一、主要成效</w:t></w:r></w:p>
               <w:p><w:r><w:t>正文。</w:t></w:r></w:p>"#,
        );
        assert_eq!(run(&xml, &styles), "# 工作总结\n一、主要成效\n正文。\n");
    }

    #[test]
    fn a_truncated_body_keeps_what_was_read() {
        let xml = body(r#"<w:p><w:r><w:t>完整的段落。</w:t></w:r></w:p><w:p><w:r><w:t>半截"#);
        let xml = &xml[..xml.find("半截").unwrap() + "半截".len()];
        let out = run(xml, &HashMap::new());
        assert!(out.starts_with("完整的段落。\n"), "{out}");
    }
}
