//! What every extractor produces: the file's text as the splitter reads
//! it, and the helpers that write it (one paragraph per line, headings
//! marked).

use crate::corpus::format::Format;

/// A file's text, ready to split.
#[derive(Debug, Clone)]
pub struct Extracted {
    pub text: String,
    pub format: Format,
    /// How the text was decoded (text and HTML), or what wrote it.
    pub encoding: String,
    /// Paragraphs carry page numbers (`\x0C` separates pages).
    pub paged: bool,
    /// Things worth a warning that did not stop the file: replaced bytes,
    /// characters a font could not map.
    pub notes: Vec<String>,
}

/// Where `needle` first occurs in `haystack`.
pub(crate) fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Join extracted blocks into the splitter's text: one block per line,
/// inner line breaks and control characters flattened.
pub(crate) fn push_line(out: &mut String, line: &str) {
    let mut pending_space = false;
    let start = out.len();
    for c in line.chars() {
        if c.is_whitespace() || c.is_control() {
            pending_space = out.len() > start;
        } else {
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            out.push(c);
        }
    }
    if out.len() > start {
        out.push('\n');
    }
}

/// A heading line: Markdown `#`s for its level unless it is numbered the
/// way the splitter recognises.
pub(crate) fn push_heading(out: &mut String, level: u8, line: &str) {
    let flat: String = {
        let mut s = String::new();
        push_line(&mut s, line);
        s.trim_end().to_string()
    };
    if flat.is_empty() {
        return;
    }
    if crate::corpus::split::heading_marker(&flat).is_some() || flat.chars().count() > 60 {
        out.push_str(&flat);
    } else {
        for _ in 0..level.clamp(1, 6) {
            out.push('#');
        }
        out.push(' ');
        out.push_str(&flat);
    }
    out.push('\n');
}
