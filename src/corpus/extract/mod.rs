//! Files to text: the report formats people actually have.
//!
//! County bureaus publish their reports as web pages (often GB2312/GBK),
//! Word files (.docx, old binary .doc, Kingsoft's .wps) and PDFs, and
//! analysts save whatever they find into one folder. Each format is
//! recognised by its bytes first and its name second (a `.doc` that is
//! really a saved web page is read as HTML; a PDF renamed `.txt` as PDF),
//! and turned into the same text the splitter reads for a `.txt` report:
//!
//! * one paragraph per line;
//! * headings the format marks as such (`<h2>`, a "Heading 2" style) as
//!   Markdown headings (`## …`), unless the line carries its own numbering
//!   (`一、…`), which the splitter reads as for text;
//! * for PDF, a form feed (`\x0C`) before the first paragraph of each page,
//!   so paragraphs keep their page number.
//!
//! Extraction is isolated: a panic inside a parser becomes a skipped file,
//! and each file has a time limit (see [`extract_isolated`]).

pub mod cmap;
pub mod doc;
pub mod docx;
pub mod html;
pub mod lines;
pub mod pdf;

use super::decode::{self, SkipReason};
pub use super::format::Format;
pub use lines::Extracted;
use lines::find;
use std::time::Duration;

/// Bumped when extraction changes what text a file yields, so that
/// indexes built before are rebuilt (it is part of the index fingerprint).
pub const READER_VERSION: u32 = 2;

/// Extensions of the files the walk picks up.
pub const EXTENSIONS: &[&str] = &[
    "txt", "md", "markdown", "html", "htm", "shtml", "xhtml", "docx", "doc", "wps", "pdf",
];

/// What the bytes look like.
fn sniff(name: &str, bytes: &[u8]) -> Option<Format> {
    let head = &bytes[..bytes.len().min(1024)];
    if find(head, b"%PDF-").is_some() {
        return Some(Format::Pdf);
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return docx::is_word_zip(bytes).then_some(Format::Docx);
    }
    if bytes.starts_with(&doc::OLE_MAGIC) {
        return Some(Format::Doc);
    }
    if html::looks_like_html(bytes) {
        // A .txt or .md file that quotes some markup is still text.
        let ext = extension(name);
        if !matches!(ext.as_str(), "txt" | "md" | "markdown") || html::is_html_document(bytes) {
            return Some(Format::Html);
        }
    }
    None
}

fn extension(name: &str) -> String {
    name.rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default()
}

/// Extract a file's text, or say why it cannot be read.
pub fn extract(name: &str, bytes: &[u8]) -> Result<Extracted, SkipReason> {
    if bytes.is_empty() {
        return Err(SkipReason::Empty);
    }
    let extracted = match sniff(name, bytes) {
        Some(Format::Pdf) => pdf::extract(bytes)?,
        Some(Format::Docx) => docx::extract(bytes)?,
        Some(Format::Doc) => doc::extract(bytes)?,
        Some(Format::Html) => html::extract(bytes)?,
        Some(Format::Text) | None => {
            if bytes.starts_with(b"PK\x03\x04") {
                return Err(SkipReason::Binary("ZIP archive, not a Word document"));
            }
            let decoded = decode::decode(bytes)?;
            let mut notes = Vec::new();
            if decoded.replaced_bytes > 0 {
                notes.push(format!(
                    "{} invalid UTF-8 byte{} replaced by U+FFFD",
                    decoded.replaced_bytes,
                    if decoded.replaced_bytes == 1 { "" } else { "s" }
                ));
            }
            Extracted {
                text: decoded.text,
                format: Format::Text,
                encoding: decoded.encoding.name().to_string(),
                paged: false,
                notes,
            }
        }
    };
    if extracted
        .text
        .chars()
        .all(|c| c.is_whitespace() || c.is_control())
    {
        return Err(SkipReason::EmptyAfterExtraction(extracted.format));
    }
    Ok(extracted)
}

/// Longest a single file's extraction may take.
pub const TIME_LIMIT: Duration = Duration::from_secs(60);

thread_local! {
    static EXTRACTING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Is this thread extracting a file? A panic hook uses it to stay quiet
/// about panics that [`extract_isolated`] turns into skipped files.
pub fn in_extraction() -> bool {
    EXTRACTING.with(|e| e.get())
}

/// [`extract`], with a panic in a parser turned into a skip and a time
/// limit: the work runs on its own thread, and a file that takes longer
/// than `limit` is skipped (its thread is left to finish on its own; it
/// holds nothing the build needs).
pub fn extract_isolated(
    name: &str,
    bytes: &[u8],
    limit: Duration,
) -> Result<Extracted, SkipReason> {
    // Text, the common case, needs no thread: its decoder is ours and
    // linear in the input.
    if sniff(name, bytes).is_none() {
        return catch(|| extract(name, bytes));
    }
    let (send, receive) = std::sync::mpsc::channel();
    let name_owned = name.to_string();
    let bytes_owned = bytes.to_vec();
    let spawned = std::thread::Builder::new()
        .name("baogao-extract".into())
        .stack_size(16 << 20)
        .spawn(move || {
            let result = catch(|| extract(&name_owned, &bytes_owned));
            let _ = send.send(result);
        });
    if spawned.is_err() {
        return catch(|| extract(name, bytes));
    }
    match receive.recv_timeout(limit) {
        Ok(result) => result,
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => Err(SkipReason::TooSlow(limit)),
        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
            Err(SkipReason::Crashed("the extractor stopped".into()))
        }
    }
}

fn catch(work: impl FnOnce() -> Result<Extracted, SkipReason>) -> Result<Extracted, SkipReason> {
    EXTRACTING.with(|e| e.set(true));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(work));
    EXTRACTING.with(|e| e.set(false));
    match result {
        Ok(result) => result,
        Err(payload) => {
            let message = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            Err(SkipReason::Crashed(message))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::lines::push_heading;
    use super::*;

    #[test]
    fn formats_are_recognised_by_their_bytes_not_their_names() {
        assert_eq!(sniff("a.txt", b"%PDF-1.4\n..."), Some(Format::Pdf));
        assert_eq!(
            sniff("a.doc", b"<html><body><p>x</p></body></html>"),
            Some(Format::Html)
        );
        assert_eq!(sniff("a.doc", &doc::OLE_MAGIC), Some(Format::Doc));
        assert_eq!(sniff("a.txt", "一、总结\n".as_bytes()), None);
        // Text that mentions a tag is still text.
        assert_eq!(sniff("a.txt", "用<p>标签分段\n".as_bytes()), None);
    }

    #[test]
    fn a_panicking_extractor_is_a_skip_not_a_crash() {
        let result = catch(|| panic!("odd font"));
        assert!(matches!(result, Err(SkipReason::Crashed(m)) if m == "odd font"));
        assert!(!in_extraction());
    }

    #[test]
    fn headings_get_markdown_levels_unless_numbered() {
        let mut out = String::new();
        push_heading(&mut out, 2, "工作 总结");
        push_heading(&mut out, 1, "一、主要成效");
        assert_eq!(out, "## 工作 总结\n一、主要成效\n");
    }
}
