//! PDF with a text layer: the glyphs each page draws, put back into lines,
//! columns and paragraphs.
//!
//! lopdf parses the file (objects, streams, filters, and decryption of
//! files locked with an empty user password, as most government PDFs that
//! forbid copying are). The rest is ours:
//!
//! * **Fonts.** A font's codes become text through its `/ToUnicode` CMap;
//!   failing that, through the predefined Chinese CMap it names
//!   (UniGB-UCS2-H, GBK-EUC-H…: the codes are UCS-2 or GBK bytes); a simple
//!   font through its `/Encoding` (WinAnsi, `/Differences`). Glyph widths
//!   come from `/W` and `/Widths`.
//! * **Glyphs.** The page's content stream is interpreted (text and
//!   graphics state, `Tj`/`TJ`/`'`/`"`, form XObjects) into glyphs with a
//!   position and a size in page space.
//! * **Lines and columns.** Glyphs on a baseline form runs; a vertical
//!   gutter that no run crosses splits a two-column page, read column by
//!   column; runs on one baseline form a line.
//! * **Paragraphs.** A line starts a paragraph when it is indented, when
//!   the line before ended short of the right margin, after a wide gap, at
//!   a change of size, or when it opens with heading numbering (一、…).
//!   Lines of one paragraph are joined without a space between Chinese
//!   characters, with one between Latin words.
//! * **Running heads.** Lines at the top or bottom of a page that repeat
//!   on most pages (digits aside), and page numbers ("- 3 -", "第3页"), are
//!   dropped.
//!
//! A PDF whose pages are only images is skipped ("no text layer"): OCR is
//! out of scope.

use super::cmap::{Predefined, ToUnicode};
use super::lines::Extracted;
use crate::corpus::decode::SkipReason;
use crate::corpus::format::Format;
use crate::corpus::split::heading_marker;
use lopdf::{Dictionary, Document, Object, ObjectId};
use std::collections::HashMap;
use std::rc::Rc;

/// Largest decompressed stream: a bound on memory for crafted files.
const MAX_STREAM_BYTES: usize = 256 << 20;
/// Deepest nesting of form XObjects followed.
const MAX_FORM_DEPTH: usize = 8;

fn corrupt(why: impl std::fmt::Display) -> SkipReason {
    SkipReason::Corrupt(Format::Pdf, why.to_string())
}

/// Read a PDF's text.
pub fn extract(bytes: &[u8]) -> Result<Extracted, SkipReason> {
    let options = lopdf::LoadOptions {
        max_decompressed_size: Some(MAX_STREAM_BYTES),
        ..lopdf::LoadOptions::default()
    };
    let doc = match Document::load_mem_with_options(bytes, options) {
        Ok(doc) => doc,
        Err(e) => {
            let message = e.to_string();
            let lower = message.to_lowercase();
            if lower.contains("password") || lower.contains("decrypt") || lower.contains("encrypt")
            {
                return Err(SkipReason::Encrypted("it needs a password to open".into()));
            }
            return Err(corrupt(message));
        }
    };
    if doc.is_encrypted() {
        return Err(SkipReason::Encrypted("it needs a password to open".into()));
    }
    let pages = doc.get_pages();
    if pages.is_empty() {
        return Err(corrupt("no pages"));
    }
    let mut fonts = FontCache::default();
    let mut all: Vec<Vec<Line>> = Vec::with_capacity(pages.len());
    let mut stats = Stats::default();
    for (&number, &page_id) in &pages {
        let mut page = PageReader::new(&doc, &mut fonts, &mut stats);
        page.read_page(page_id);
        let glyphs = std::mem::take(&mut page.glyphs);
        let lines = layout_lines(glyphs, number);
        all.push(lines);
    }
    let meaningful: usize = all
        .iter()
        .flatten()
        .map(|l| l.text.chars().filter(|c| c.is_alphanumeric()).count())
        .sum();
    if meaningful < 20.max(pages.len() * 3) && stats.unmapped == 0 {
        return Err(SkipReason::NoTextLayer);
    }
    if stats.unmapped * 2 > stats.glyphs {
        return Err(SkipReason::Unsupported(format!(
            "its fonts have no character map: {} of {} characters cannot be decoded",
            stats.unmapped, stats.glyphs
        )));
    }
    drop_running_heads(&mut all);
    let text = paragraphs(&all);
    let mut notes = Vec::new();
    if stats.unmapped > 0 {
        notes.push(format!(
            "{} of {} characters have no Unicode mapping in their font and are shown as U+FFFD",
            stats.unmapped, stats.glyphs
        ));
    }
    Ok(Extracted {
        text,
        format: Format::Pdf,
        encoding: format!("pdf, {} pages", pages.len()),
        paged: true,
        notes,
    })
}

#[derive(Default)]
struct Stats {
    glyphs: usize,
    unmapped: usize,
}

// ---------------------------------------------------------------------
// Fonts

/// How a font's codes become text.
#[derive(Debug)]
struct Font {
    to_unicode: Option<ToUnicode>,
    predefined: Option<Predefined>,
    /// Simple fonts: a byte's text by its encoding.
    simple: Option<Vec<Option<String>>>,
    composite: bool,
    /// Glyph widths (in 1/1000 of the size) by code (simple) or CID.
    widths: HashMap<u32, f32>,
    default_width: f32,
    /// Type3 fonts scale widths by their matrix.
    width_scale: f32,
}

impl Font {
    /// Split `bytes` into codes: (text, width in text space units / 1000,
    /// is it the single-byte space code).
    fn decode(&self, bytes: &[u8], stats: &mut Stats) -> Vec<(String, f32, bool)> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            let rest = &bytes[i..];
            let len = if self.composite {
                match (&self.to_unicode, self.predefined) {
                    (_, Some(p)) if p != Predefined::Identity => p.code_len(rest),
                    (Some(map), _) => map.code_len(rest, 2),
                    _ => 2,
                }
            } else {
                1
            } as usize;
            let len = len.clamp(1, rest.len());
            let code_bytes = &rest[..len];
            let code = code_bytes
                .iter()
                .fold(0u32, |acc, &b| (acc << 8) | b as u32);
            let mut text = self
                .to_unicode
                .as_ref()
                .and_then(|m| m.get(len as u8, code))
                .map(str::to_string);
            if text.is_none() {
                text = match (self.predefined, &self.simple) {
                    (Some(p), _) => p.text(code_bytes),
                    (None, Some(table)) => table.get(code as usize).cloned().flatten(),
                    _ => None,
                };
            }
            stats.glyphs += 1;
            let text = match text {
                Some(t) => t,
                None => {
                    stats.unmapped += 1;
                    "\u{FFFD}".to_string()
                }
            };
            let width = match self.widths.get(&code) {
                Some(&w) => w,
                // Without /W for these codes (the CID is not the code in
                // UCS-2 or GBK fonts), half width for ASCII, full for CJK.
                None if self.composite => {
                    if text.is_ascii() {
                        self.default_width.min(500.0)
                    } else {
                        self.default_width
                    }
                }
                None => self.default_width,
            } * self.width_scale;
            out.push((text, width, len == 1 && code == 32));
            i += len;
        }
        out
    }
}

#[derive(Default)]
struct FontCache {
    by_id: HashMap<ObjectId, Rc<Font>>,
}

fn name_of(obj: &Object) -> Option<&[u8]> {
    match obj {
        Object::Name(n) => Some(n),
        _ => None,
    }
}

fn number(obj: &Object) -> Option<f32> {
    match obj {
        Object::Integer(i) => Some(*i as f32),
        Object::Real(r) => Some(*r),
        _ => None,
    }
}

fn deref<'a>(doc: &'a Document, obj: &'a Object) -> &'a Object {
    match doc.dereference(obj) {
        Ok((_, o)) => o,
        Err(_) => obj,
    }
}

fn dict_get<'a>(doc: &'a Document, dict: &'a Dictionary, key: &[u8]) -> Option<&'a Object> {
    dict.get(key).ok().map(|o| deref(doc, o))
}

fn stream_bytes(doc: &Document, obj: &Object) -> Option<Vec<u8>> {
    match deref(doc, obj) {
        Object::Stream(s) => s
            .decompressed_content_with_limit(MAX_STREAM_BYTES)
            .ok()
            .or_else(|| (s.dict.get(b"Filter").is_err()).then(|| s.content.clone())),
        _ => None,
    }
}

fn load_font(doc: &Document, dict: &Dictionary) -> Font {
    let subtype = dict_get(doc, dict, b"Subtype")
        .and_then(name_of)
        .unwrap_or(b"");
    let composite = subtype == b"Type0";
    let to_unicode = dict
        .get(b"ToUnicode")
        .ok()
        .and_then(|o| stream_bytes(doc, o))
        .map(|b| ToUnicode::parse(&b))
        .filter(|m| !m.is_empty());
    let encoding = dict_get(doc, dict, b"Encoding");
    let predefined = if composite {
        encoding
            .and_then(name_of)
            .and_then(Predefined::from_name)
            .or(Some(Predefined::Identity))
    } else {
        None
    };
    let simple = (!composite).then(|| simple_table(doc, dict));
    let mut widths = HashMap::new();
    let mut default_width = if composite { 1000.0 } else { 500.0 };
    let mut width_scale = 1.0;
    if composite {
        if let Some(Object::Array(descendants)) = dict_get(doc, dict, b"DescendantFonts")
            && let Some(Object::Dictionary(cid_font)) = descendants.first().map(|d| deref(doc, d))
        {
            if let Some(dw) = dict_get(doc, cid_font, b"DW").and_then(number) {
                default_width = dw;
            }
            if let Some(Object::Array(w)) = dict_get(doc, cid_font, b"W") {
                parse_cid_widths(doc, w, &mut widths);
            }
        }
    } else {
        let first = dict_get(doc, dict, b"FirstChar")
            .and_then(number)
            .unwrap_or(0.0) as u32;
        if let Some(Object::Array(w)) = dict_get(doc, dict, b"Widths") {
            for (k, value) in w.iter().enumerate().take(256) {
                if let Some(v) = number(deref(doc, value)) {
                    widths.insert(first + k as u32, v);
                }
            }
        }
        if let Some(Object::Dictionary(descriptor)) = dict_get(doc, dict, b"FontDescriptor")
            && let Some(missing) = dict_get(doc, descriptor, b"MissingWidth").and_then(number)
            && missing > 0.0
        {
            default_width = missing;
        }
        if subtype == b"Type3"
            && let Some(Object::Array(m)) = dict_get(doc, dict, b"FontMatrix")
            && let Some(a) = m.first().and_then(number)
        {
            width_scale = a * 1000.0;
        }
    }
    Font {
        to_unicode,
        predefined,
        simple,
        composite,
        widths,
        default_width,
        width_scale,
    }
}

/// `/W` of a CID font: `c [w1 w2 …]` and `c_first c_last w`.
fn parse_cid_widths(doc: &Document, w: &[Object], widths: &mut HashMap<u32, f32>) {
    let mut i = 0;
    while i < w.len() && widths.len() < (1 << 17) {
        let Some(first) = number(deref(doc, &w[i])) else {
            break;
        };
        let first = first.max(0.0) as u32;
        match w.get(i + 1).map(|o| deref(doc, o)) {
            Some(Object::Array(list)) => {
                for (k, value) in list.iter().enumerate() {
                    if let Some(v) = number(deref(doc, value)) {
                        widths.insert(first + k as u32, v);
                    }
                }
                i += 2;
            }
            Some(other) => {
                let last = number(other).unwrap_or(first as f32).max(0.0) as u32;
                let value = w.get(i + 2).and_then(|o| number(deref(doc, o)));
                if let Some(v) = value {
                    for c in first..=last.min(first + 65535) {
                        widths.insert(c, v);
                    }
                }
                i += 3;
            }
            None => break,
        }
    }
}

/// A simple font's byte → text table, from lopdf's reading of its
/// `/Encoding` (WinAnsi, MacRoman, Standard, `/Differences`).
fn simple_table(doc: &Document, dict: &Dictionary) -> Vec<Option<String>> {
    let mut plain = dict.clone();
    plain.remove(b"ToUnicode");
    match plain.get_font_encoding(doc) {
        Ok(encoding) => (0u16..256)
            .map(|b| {
                encoding
                    .bytes_to_string(&[b as u8])
                    .ok()
                    .filter(|s| !s.is_empty() && !s.contains('\u{FFFD}'))
            })
            .collect(),
        Err(_) => (0u16..256)
            .map(|b| {
                let c = b as u8 as char;
                (b < 128 && !c.is_control()).then(|| c.to_string())
            })
            .collect(),
    }
}

impl FontCache {
    fn get(&mut self, doc: &Document, id: Option<ObjectId>, dict: &Dictionary) -> Rc<Font> {
        if let Some(id) = id
            && let Some(font) = self.by_id.get(&id)
        {
            return Rc::clone(font);
        }
        let font = Rc::new(load_font(doc, dict));
        if let Some(id) = id {
            self.by_id.insert(id, Rc::clone(&font));
        }
        font
    }
}

// ---------------------------------------------------------------------
// The content stream

#[derive(Debug, Clone, Copy, PartialEq)]
struct Matrix([f32; 6]);

impl Matrix {
    const IDENTITY: Matrix = Matrix([1.0, 0.0, 0.0, 1.0, 0.0, 0.0]);

    /// `self × other` (PDF's row-vector convention: apply self, then other).
    fn then(&self, other: &Matrix) -> Matrix {
        let [a, b, c, d, e, f] = self.0;
        let [a2, b2, c2, d2, e2, f2] = other.0;
        Matrix([
            a * a2 + b * c2,
            a * b2 + b * d2,
            c * a2 + d * c2,
            c * b2 + d * d2,
            e * a2 + f * c2 + e2,
            e * b2 + f * d2 + f2,
        ])
    }

    fn translate(tx: f32, ty: f32) -> Matrix {
        Matrix([1.0, 0.0, 0.0, 1.0, tx, ty])
    }
}

#[derive(Clone)]
struct GraphicsState {
    ctm: Matrix,
    font: Option<Rc<Font>>,
    size: f32,
    char_spacing: f32,
    word_spacing: f32,
    scale: f32,
    leading: f32,
    rise: f32,
}

impl Default for GraphicsState {
    fn default() -> Self {
        GraphicsState {
            ctm: Matrix::IDENTITY,
            font: None,
            size: 0.0,
            char_spacing: 0.0,
            word_spacing: 0.0,
            scale: 1.0,
            leading: 0.0,
            rise: 0.0,
        }
    }
}

/// One glyph drawn: where, how big, what.
#[derive(Debug, Clone)]
struct Glyph {
    x: f32,
    y: f32,
    /// Advance in page space.
    width: f32,
    size: f32,
    text: String,
}

struct PageReader<'a> {
    doc: &'a Document,
    fonts: &'a mut FontCache,
    stats: &'a mut Stats,
    glyphs: Vec<Glyph>,
}

impl<'a> PageReader<'a> {
    fn new(doc: &'a Document, fonts: &'a mut FontCache, stats: &'a mut Stats) -> Self {
        PageReader {
            doc,
            fonts,
            stats,
            glyphs: Vec::new(),
        }
    }

    /// The page's resource dictionaries, nearest first.
    fn page_resources(&self, page_id: ObjectId) -> Vec<&'a Dictionary> {
        let doc = self.doc;
        let mut out = Vec::new();
        if let Ok((direct, ids)) = doc.get_page_resources(page_id) {
            if let Some(d) = direct {
                out.push(d);
            }
            for id in ids {
                if let Ok(d) = doc.get_dictionary(id) {
                    out.push(d);
                }
            }
        }
        out
    }

    fn read_page(&mut self, page_id: ObjectId) {
        let resources = self.page_resources(page_id);
        let content = match self
            .doc
            .get_page_content_with_limit(page_id, MAX_STREAM_BYTES)
        {
            Ok(c) => c,
            Err(_) => return,
        };
        self.run(&content, &resources, GraphicsState::default(), 0);
    }

    fn lookup(
        &self,
        resources: &[&'a Dictionary],
        kind: &[u8],
        name: &[u8],
    ) -> Option<(Option<ObjectId>, &'a Object)> {
        let doc = self.doc;
        for res in resources {
            if let Some(Object::Dictionary(group)) = dict_get(doc, res, kind)
                && let Ok(entry) = group.get(name)
            {
                let id = match entry {
                    Object::Reference(id) => Some(*id),
                    _ => None,
                };
                return Some((id, deref(doc, entry)));
            }
        }
        None
    }

    fn run(
        &mut self,
        content: &[u8],
        resources: &[&'a Dictionary],
        start: GraphicsState,
        depth: usize,
    ) {
        let mut state = start;
        let mut stack: Vec<GraphicsState> = Vec::new();
        let mut tm = Matrix::IDENTITY;
        let mut tlm = Matrix::IDENTITY;
        for op in lopdf::content::Content::decode_iter(content) {
            let Ok(op) = op else {
                break;
            };
            let args = &op.operands;
            let num = |i: usize| args.get(i).and_then(number).unwrap_or(0.0);
            match op.operator.as_str() {
                "q" if stack.len() < 64 => stack.push(state.clone()),
                "Q" => {
                    if let Some(s) = stack.pop() {
                        state = s;
                    }
                }
                "cm" if args.len() == 6 => {
                    let m = Matrix([num(0), num(1), num(2), num(3), num(4), num(5)]);
                    state.ctm = m.then(&state.ctm);
                }
                "BT" => {
                    tm = Matrix::IDENTITY;
                    tlm = Matrix::IDENTITY;
                }
                "Tf" if args.len() == 2 => {
                    state.size = num(1);
                    state.font = args
                        .first()
                        .and_then(name_of)
                        .and_then(|name| self.lookup(resources, b"Font", name))
                        .and_then(|(id, obj)| match obj {
                            Object::Dictionary(d) => Some(self.fonts.get(self.doc, id, d)),
                            _ => None,
                        });
                }
                "Tc" => state.char_spacing = num(0),
                "Tw" => state.word_spacing = num(0),
                "Tz" => state.scale = num(0) / 100.0,
                "TL" => state.leading = num(0),
                "Ts" => state.rise = num(0),
                "Td" => {
                    tlm = Matrix::translate(num(0), num(1)).then(&tlm);
                    tm = tlm;
                }
                "TD" => {
                    state.leading = -num(1);
                    tlm = Matrix::translate(num(0), num(1)).then(&tlm);
                    tm = tlm;
                }
                "Tm" if args.len() == 6 => {
                    tlm = Matrix([num(0), num(1), num(2), num(3), num(4), num(5)]);
                    tm = tlm;
                }
                "T*" => {
                    tlm = Matrix::translate(0.0, -state.leading).then(&tlm);
                    tm = tlm;
                }
                "Tj" => {
                    if let Some(Object::String(bytes, _)) = args.first() {
                        self.show(bytes, &state, &mut tm);
                    }
                }
                "'" => {
                    tlm = Matrix::translate(0.0, -state.leading).then(&tlm);
                    tm = tlm;
                    if let Some(Object::String(bytes, _)) = args.first() {
                        self.show(bytes, &state, &mut tm);
                    }
                }
                "\"" => {
                    state.word_spacing = num(0);
                    state.char_spacing = num(1);
                    tlm = Matrix::translate(0.0, -state.leading).then(&tlm);
                    tm = tlm;
                    if let Some(Object::String(bytes, _)) = args.get(2) {
                        self.show(bytes, &state, &mut tm);
                    }
                }
                "TJ" => {
                    if let Some(Object::Array(items)) = args.first() {
                        for item in items {
                            match item {
                                Object::String(bytes, _) => self.show(bytes, &state, &mut tm),
                                other => {
                                    if let Some(adjust) = number(other) {
                                        let tx = -adjust / 1000.0 * state.size * state.scale;
                                        tm = Matrix::translate(tx, 0.0).then(&tm);
                                    }
                                }
                            }
                        }
                    }
                }
                "Do" if depth < MAX_FORM_DEPTH => {
                    let Some((_, Object::Stream(form))) = args
                        .first()
                        .and_then(name_of)
                        .and_then(|name| self.lookup(resources, b"XObject", name))
                    else {
                        continue;
                    };
                    if form.dict.get(b"Subtype").ok().and_then(name_of) != Some(b"Form") {
                        continue;
                    }
                    let Ok(bytes) = form
                        .decompressed_content_with_limit(MAX_STREAM_BYTES)
                        .or_else(|_| {
                            if form.dict.get(b"Filter").is_err() {
                                Ok(form.content.clone())
                            } else {
                                Err(())
                            }
                        })
                    else {
                        continue;
                    };
                    let mut inner = state.clone();
                    if let Some(Object::Array(m)) = dict_get(self.doc, &form.dict, b"Matrix")
                        && m.len() == 6
                    {
                        let v: Vec<f32> = m.iter().map(|o| number(o).unwrap_or(0.0)).collect();
                        inner.ctm = Matrix([v[0], v[1], v[2], v[3], v[4], v[5]]).then(&state.ctm);
                    }
                    let mut own: Vec<&'a Dictionary> = Vec::new();
                    if let Some(Object::Dictionary(r)) =
                        dict_get(self.doc, &form.dict, b"Resources")
                    {
                        own.push(r);
                    }
                    own.extend(resources.iter().copied());
                    self.run(&bytes, &own, inner, depth + 1);
                }
                _ => {}
            }
        }
    }

    /// Draw a string: one glyph per code, advancing the text matrix.
    fn show(&mut self, bytes: &[u8], state: &GraphicsState, tm: &mut Matrix) {
        let Some(font) = state.font.clone() else {
            return;
        };
        for (text, width, is_space) in font.decode(bytes, self.stats) {
            let trm = Matrix([
                state.size * state.scale,
                0.0,
                0.0,
                state.size,
                0.0,
                state.rise,
            ])
            .then(tm)
            .then(&state.ctm);
            let size = (trm.0[2] * trm.0[2] + trm.0[3] * trm.0[3]).sqrt();
            let mut tx = width / 1000.0 * state.size + state.char_spacing;
            if is_space {
                tx += state.word_spacing;
            }
            tx *= state.scale;
            let advance = Matrix::translate(tx, 0.0).then(tm).then(&state.ctm);
            let width =
                ((advance.0[4] - trm.0[4]).powi(2) + (advance.0[5] - trm.0[5]).powi(2)).sqrt();
            if !text.chars().all(char::is_whitespace) && size > 0.0 {
                self.glyphs.push(Glyph {
                    x: trm.0[4],
                    y: trm.0[5],
                    width,
                    size,
                    text,
                });
            }
            *tm = Matrix::translate(tx, 0.0).then(tm);
        }
    }
}

// ---------------------------------------------------------------------
// Layout

/// A line of text on a page.
#[derive(Debug, Clone)]
struct Line {
    page: u32,
    x0: f32,
    x1: f32,
    y: f32,
    size: f32,
    text: String,
    /// Column: 0 full width or the only one, 1 left, 2 right.
    column: u8,
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x9FFF | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFFEF | 0x20000..=0x2FFFF)
}

/// Append `next` to `text`, with a space only between Latin words.
fn join_text(text: &mut String, next: &str) {
    let last = text.chars().last();
    let first = next.chars().next();
    if let (Some(a), Some(b)) = (last, first)
        && !is_cjk(a)
        && !is_cjk(b)
        && !a.is_whitespace()
    {
        if a == '-' && b.is_alphabetic() {
            text.pop();
        } else {
            text.push(' ');
        }
    }
    text.push_str(next);
}

/// Glyphs → runs (glyphs on one baseline, in drawing order, with no wide
/// gap) → columns → lines, in reading order.
fn layout_lines(glyphs: Vec<Glyph>, page: u32) -> Vec<Line> {
    // Runs.
    let mut runs: Vec<Line> = Vec::new();
    for g in glyphs {
        if let Some(run) = runs.last_mut() {
            let same_line = (g.y - run.y).abs() < 0.3 * run.size.max(g.size);
            let gap = g.x - run.x1;
            if same_line && gap > -0.5 * g.size && gap < 1.2 * g.size.max(run.size) {
                if gap > 0.25 * g.size {
                    let a = run.text.chars().last().unwrap_or(' ');
                    let b = g.text.chars().next().unwrap_or(' ');
                    if !is_cjk(a) && !is_cjk(b) {
                        run.text.push(' ');
                    }
                }
                run.text.push_str(&g.text);
                run.x1 = run.x1.max(g.x + g.width);
                continue;
            }
        }
        runs.push(Line {
            page,
            x0: g.x,
            x1: g.x + g.width,
            y: g.y,
            size: g.size,
            text: g.text,
            column: 0,
        });
    }
    if runs.is_empty() {
        return Vec::new();
    }
    assign_columns(&mut runs);
    // Reading order: full-width runs above the columns, the left column,
    // the right column, then full-width runs below; within each, top to
    // bottom, left to right.
    let top_of_columns = runs
        .iter()
        .filter(|r| r.column != 0)
        .map(|r| r.y)
        .fold(f32::MIN, f32::max);
    let rank = |r: &Line| -> u8 {
        match r.column {
            0 if r.y >= top_of_columns - 0.1 => 0,
            1 => 1,
            2 => 2,
            _ => 3,
        }
    };
    runs.sort_by(|a, b| {
        rank(a)
            .cmp(&rank(b))
            .then(b.y.total_cmp(&a.y))
            .then(a.x0.total_cmp(&b.x0))
    });
    // Runs on one baseline (within the same block) form a line.
    let mut lines: Vec<Line> = Vec::new();
    for run in runs {
        if let Some(line) = lines.last_mut()
            && rank(line) == rank(&run)
            && (line.y - run.y).abs() < 0.4 * line.size.min(run.size)
        {
            let gap = run.x0 - line.x1;
            if gap > 0.25 * run.size {
                let a = line.text.chars().last().unwrap_or(' ');
                let b = run.text.chars().next().unwrap_or(' ');
                if !is_cjk(a) || !is_cjk(b) || gap > 1.5 * run.size {
                    line.text.push(' ');
                }
            }
            line.text.push_str(&run.text);
            line.x1 = line.x1.max(run.x1);
            line.size = line.size.max(run.size);
            continue;
        }
        lines.push(run);
    }
    lines
}

/// Find a vertical gutter that splits the page into two columns, and mark
/// each run left (1), right (2) or full width (0).
fn assign_columns(runs: &mut [Line]) {
    let min_x = runs.iter().map(|r| r.x0).fold(f32::MAX, f32::min);
    let max_x = runs.iter().map(|r| r.x1).fold(f32::MIN, f32::max);
    let width = max_x - min_x;
    if width <= 0.0 || runs.len() < 10 {
        return;
    }
    const BINS: usize = 200;
    let bin = |x: f32| {
        (((x - min_x) / width) * (BINS as f32 - 1.0)).clamp(0.0, BINS as f32 - 1.0) as usize
    };
    let narrow: Vec<&Line> = runs.iter().filter(|r| r.x1 - r.x0 < 0.6 * width).collect();
    let mut covered = [0usize; BINS];
    for r in &narrow {
        for c in &mut covered[bin(r.x0)..=bin(r.x1 - 0.01).max(bin(r.x0))] {
            *c += 1;
        }
    }
    // The widest stretch in the middle half of the page that (nearly) no
    // run crosses: a title or a wide table row may.
    let (lo, hi) = (BINS / 4, BINS * 3 / 4);
    let crossing = (narrow.len() / 20).max(1);
    let mut best: Option<(usize, usize)> = None;
    let mut start = None;
    for (i, &c) in covered.iter().enumerate().take(hi + 1).skip(lo) {
        if c <= crossing {
            start.get_or_insert(i);
        } else if let Some(s) = start.take()
            && best.is_none_or(|(bs, be)| i - s > be - bs)
        {
            best = Some((s, i));
        }
    }
    if let Some(s) = start
        && best.is_none_or(|(bs, be)| hi + 1 - s > be - bs)
    {
        best = Some((s, hi + 1));
    }
    let Some((gs, ge)) = best else {
        return;
    };
    let median_size = {
        let mut sizes: Vec<f32> = runs.iter().map(|r| r.size).collect();
        sizes.sort_by(f32::total_cmp);
        sizes[sizes.len() / 2]
    };
    let gutter_width = (ge - gs) as f32 / BINS as f32 * width;
    let gutter = min_x + (gs + ge) as f32 / 2.0 / BINS as f32 * width;
    let left = narrow.iter().filter(|r| r.x1 <= gutter).count();
    let right = narrow.iter().filter(|r| r.x0 >= gutter).count();
    if gutter_width < 1.0 * median_size || left < 4 || right < 4 {
        return;
    }
    for r in runs.iter_mut() {
        r.column = if r.x1 <= gutter + 0.5 * r.size && r.x1 - r.x0 < 0.6 * width {
            1
        } else if r.x0 >= gutter - 0.5 * r.size && r.x1 - r.x0 < 0.6 * width {
            2
        } else {
            0
        };
    }
}

/// A page-number line: "3", "- 3 -", "—3—", "第3页", "第 3 页 共 10 页", "3/10".
fn is_page_number(text: &str) -> bool {
    let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let core = t.trim_matches(|c: char| matches!(c, '-' | '—' | '－' | '–' | '·' | '•'));
    if !core.is_empty() && core.chars().all(|c| c.is_ascii_digit()) && core.len() <= 4 {
        return true;
    }
    if let Some(rest) = core.strip_prefix('第')
        && rest.contains('页')
        && rest.chars().filter(|c| c.is_ascii_digit()).count() > 0
        && rest
            .chars()
            .all(|c| c.is_ascii_digit() || "页共".contains(c))
    {
        return true;
    }
    if let Some((a, b)) = core.split_once('/') {
        return !a.is_empty()
            && !b.is_empty()
            && a.chars().chain(b.chars()).all(|c| c.is_ascii_digit());
    }
    let lower = core.to_ascii_lowercase();
    !lower.is_empty() && lower.len() <= 6 && lower.chars().all(|c| "ivxlc".contains(c))
}

/// Drop page numbers and running heads and feet: lines among the first or
/// last two of a page that repeat (digits aside) on at least half the pages.
fn drop_running_heads(pages: &mut [Vec<Line>]) {
    let key = |l: &Line| -> String {
        l.text
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| if c.is_ascii_digit() { '#' } else { c })
            .collect()
    };
    let edges = |page: &[Line]| -> Vec<usize> {
        let mut order: Vec<usize> = (0..page.len()).collect();
        order.sort_by(|&a, &b| page[b].y.total_cmp(&page[a].y));
        let mut out: Vec<usize> = order.iter().take(2).copied().collect();
        out.extend(order.iter().rev().take(2).copied());
        out.sort_unstable();
        out.dedup();
        out
    };
    let mut counts: HashMap<String, usize> = HashMap::new();
    for page in pages.iter() {
        let mut seen: Vec<String> = edges(page).into_iter().map(|i| key(&page[i])).collect();
        seen.sort();
        seen.dedup();
        for k in seen {
            *counts.entry(k).or_insert(0) += 1;
        }
    }
    let total = pages.len();
    let repeated = |k: &str| total >= 3 && counts.get(k).is_some_and(|&n| n * 2 >= total);
    for page in pages.iter_mut() {
        let drop: Vec<usize> = edges(page)
            .into_iter()
            .filter(|&i| is_page_number(&page[i].text) || repeated(&key(&page[i])))
            .collect();
        let mut i = 0;
        page.retain(|_| {
            let keep = !drop.contains(&i);
            i += 1;
            keep
        });
    }
}

fn ends_sentence(text: &str) -> bool {
    text.trim_end()
        .chars()
        .last()
        .is_some_and(|c| "。！？；：!?;:”」』".contains(c))
}

/// Characters that cannot start a line (they stay with the one before).
fn is_closing(c: char) -> bool {
    "，。、；：！？,.;:!?）)》」』】”’%…—".contains(c)
}

/// Characters that cannot end a line (they go with the one after).
fn is_opening(c: char) -> bool {
    "（(《「『【“‘".contains(c)
}

/// Width of what a line-breaking typesetter could not have split off the
/// start of `text`: a Latin word or number, or one Chinese character, with
/// the punctuation that must stay with them ("“1237”", "和“以…").
fn leading_chunk_width(text: &str, size: f32) -> f32 {
    let width = |c: char| if c.is_ascii() { 0.5 * size } else { size };
    let is_word = |c: char| c.is_ascii_alphanumeric() || c.is_ascii_punctuation() && !is_opening(c);
    let mut total = 0.0;
    let mut chars = text.chars().peekable();
    loop {
        while let Some(&c) = chars.peek().filter(|&&c| is_opening(c)) {
            total += width(c);
            chars.next();
        }
        match chars.next() {
            Some(c) if is_word(c) => {
                total += width(c);
                while let Some(&n) = chars.peek().filter(|&&n| is_word(n)) {
                    total += width(n);
                    chars.next();
                }
            }
            Some(c) => total += width(c),
            None => break,
        }
        let mut closed = false;
        while let Some(&n) = chars.peek().filter(|&&n| is_closing(n)) {
            total += width(n);
            chars.next();
            closed = true;
        }
        // An opening mark cannot end a line: what follows it comes along;
        // nor is a closing mark split from a Latin word after it.
        if !chars
            .peek()
            .is_some_and(|&n| is_opening(n) || closed && is_word(n))
        {
            break;
        }
    }
    total
}

/// A paragraph being gathered.
struct Gathering {
    line: Line,
    /// Room left at the right margin after its last line.
    room: f32,
    /// The size of its last line.
    last_size: f32,
}

/// Lines → paragraphs, one per output line, `\x0C` before each page's
/// first paragraph.
fn paragraphs(pages: &[Vec<Line>]) -> String {
    let mut out = String::new();
    let mut current: Option<Gathering> = None;
    let mut written_page = 1u32;
    let flush = |out: &mut String, para: &Line, written_page: &mut u32| {
        while *written_page < para.page {
            out.push('\x0C');
            *written_page += 1;
        }
        super::lines::push_line(out, &para.text);
    };
    for lines in pages {
        if lines.is_empty() {
            continue;
        }
        // Margins and line spacing of each column on this page.
        let mut margins: HashMap<u8, (f32, f32)> = HashMap::new();
        for column in [0u8, 1, 2] {
            let mut x0s: Vec<f32> = lines
                .iter()
                .filter(|l| l.column == column)
                .map(|l| l.x0)
                .collect();
            let mut x1s: Vec<f32> = lines
                .iter()
                .filter(|l| l.column == column)
                .map(|l| l.x1)
                .collect();
            if x0s.is_empty() {
                continue;
            }
            x0s.sort_by(f32::total_cmp);
            x1s.sort_by(f32::total_cmp);
            let left = x0s[x0s.len() / 10];
            let right = x1s[x1s.len() - 1 - x1s.len() / 10];
            margins.insert(column, (left, right));
        }
        let mut gaps: Vec<f32> = lines
            .windows(2)
            .filter(|w| w[0].column == w[1].column)
            .map(|w| w[0].y - w[1].y)
            .filter(|g| *g > 0.0)
            .collect();
        gaps.sort_by(f32::total_cmp);
        let spacing = gaps.get(gaps.len() / 2).copied();
        let mut previous: Option<&Line> = None;
        for line in lines {
            let (left, right) = margins
                .get(&line.column)
                .copied()
                .unwrap_or((line.x0, line.x1));
            let indented = line.x0 > left + 1.2 * line.size;
            let starts = match &current {
                None => true,
                Some(para) => {
                    // The line before ended with room for this line's first
                    // word: the break was the author's, not the layout's.
                    let broke_early = para.room
                        > leading_chunk_width(
                            line.text.trim_start(),
                            para.last_size.max(line.size),
                        ) + 0.5 * line.size;
                    let same_page = para.line.page == line.page;
                    let wide_gap = match (previous, spacing) {
                        (Some(p), Some(s)) if same_page && p.column == line.column => {
                            p.y - line.y > 1.6 * s || p.y < line.y
                        }
                        _ => false,
                    };
                    let size_change =
                        (para.last_size - line.size).abs() > 0.15 * para.last_size.max(line.size);
                    indented
                        || broke_early
                        || wide_gap
                        || size_change
                        || heading_marker(line.text.trim()).is_some_and(|(level, _)| level <= 40)
                            && ends_sentence(&para.line.text)
                        || (previous.is_some_and(|p| p.column != line.column)
                            && ends_sentence(&para.line.text))
                }
            };
            let room = (right - line.x1).max(0.0);
            if starts {
                if let Some(para) = current.take() {
                    flush(&mut out, &para.line, &mut written_page);
                }
                current = Some(Gathering {
                    line: line.clone(),
                    room,
                    last_size: line.size,
                });
            } else if let Some(para) = current.as_mut() {
                join_text(&mut para.line.text, &line.text);
                para.room = room;
                para.last_size = line.size;
            }
            previous = Some(line);
        }
        // A paragraph whose last line is well short of the margin ends
        // with the page; one that fills it may go on over the page.
        if current
            .as_ref()
            .is_some_and(|para| para.room > 2.0 * para.last_size)
            && let Some(para) = current.take()
        {
            flush(&mut out, &para.line, &mut written_page);
        }
    }
    if let Some(para) = current {
        flush(&mut out, &para.line, &mut written_page);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn glyphs(text: &str, x: f32, y: f32, size: f32) -> Vec<Glyph> {
        text.chars()
            .enumerate()
            .map(|(i, c)| Glyph {
                x: x + i as f32 * size,
                y,
                width: size,
                size,
                text: c.to_string(),
            })
            .collect()
    }

    #[test]
    fn wrapped_chinese_lines_join_without_spaces_and_indents_start_paragraphs() {
        let size = 10.0;
        let mut g = Vec::new();
        // Indented first line, full lines, a short last line.
        g.extend(glyphs("一、总体要求", 0.0, 700.0, size));
        // 20 characters indented by two, then 22: both end at the margin.
        g.extend(glyphs(
            "学前教育普惠发展取得新进展全县新增学位",
            20.0,
            685.0,
            size,
        ));
        g.extend(glyphs(
            "一千三百五十个覆盖率达到了百分之九十九点",
            0.0,
            670.0,
            size,
        ));
        g.extend(glyphs("二九。", 0.0, 655.0, size));
        g.extend(glyphs(
            "义务教育优质均衡发展县创建通过市级评估",
            20.0,
            640.0,
            size,
        ));
        g.extend(glyphs("完成。", 0.0, 625.0, size));
        let lines = layout_lines(g, 1);
        let text = paragraphs(&[lines]);
        assert_eq!(
            text,
            "一、总体要求\n学前教育普惠发展取得新进展全县新增学位一千三百五十个覆盖率达到了百分之九十九点二九。\n义务教育优质均衡发展县创建通过市级评估完成。\n"
        );
    }

    #[test]
    fn two_columns_are_read_one_after_the_other() {
        let size = 10.0;
        let mut g = Vec::new();
        for row in 0..8 {
            let y = 700.0 - row as f32 * 15.0;
            g.extend(glyphs(&format!("左栏第{}行文字", row), 0.0, y, size));
            g.extend(glyphs(&format!("右栏第{}行文字", row), 200.0, y, size));
        }
        let lines = layout_lines(g, 1);
        let texts: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(texts[0], "左栏第0行文字");
        assert_eq!(texts[7], "左栏第7行文字");
        assert_eq!(texts[8], "右栏第0行文字");
    }

    #[test]
    fn page_numbers_and_running_heads_go() {
        assert!(is_page_number("- 3 -"));
        assert!(is_page_number("—12—"));
        assert!(is_page_number("第 3 页 共 10 页"));
        assert!(is_page_number("3/10"));
        assert!(!is_page_number("2024年"));
        let page = |n: u32| {
            let mut lines = layout_lines(glyphs("某某县教育局文件", 0.0, 800.0, 10.0), n);
            let body = ["", "甲页正文", "乙页正文", "丙页正文", "丁页正文"][n as usize];
            lines.extend(layout_lines(glyphs(body, 0.0, 700.0 - n as f32, 10.0), n));
            lines.extend(layout_lines(
                glyphs(&format!("- {n} -"), 0.0, 50.0, 10.0),
                n,
            ));
            lines
        };
        let mut pages: Vec<Vec<Line>> = (1..=4).map(page).collect();
        drop_running_heads(&mut pages);
        for p in &pages {
            assert_eq!(p.len(), 1, "{p:?}");
            assert!(p[0].text.ends_with("页正文"), "{p:?}");
        }
    }

    #[test]
    fn forced_wraps_are_told_from_paragraph_ends() {
        // “1237” did not fit at the end of the line: two full-width
        // quotes and four half-width digits.
        assert_eq!(leading_chunk_width("“1237”工作思路", 10.0), 40.0);
        assert_eq!(leading_chunk_width("工作思路", 10.0), 10.0);
        assert_eq!(leading_chunk_width("和“以奖代补”", 10.0), 30.0);
        assert_eq!(leading_chunk_width("“以奖代补”", 10.0), 20.0);
        assert_eq!(leading_chunk_width("标。", 10.0), 20.0);
        assert_eq!(leading_chunk_width("改”3.76万元", 10.0), 40.0);
    }

    #[test]
    fn latin_words_keep_their_spaces() {
        let mut text = String::from("the Ministry of");
        join_text(&mut text, "Education");
        assert_eq!(text, "the Ministry of Education");
        let mut cjk = String::from("教育");
        join_text(&mut cjk, "部");
        assert_eq!(cjk, "教育部");
    }

    #[test]
    fn garbage_is_a_skip_not_a_panic() {
        assert!(
            extract(
                b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF"
            )
            .is_err()
        );
        assert!(extract(b"%PDF-1.7\n\xFF\xFE garbage").is_err());
    }
}
