//! What a report file is, and why one cannot be read: the format
//! recognised from its bytes, and the reasons a file is skipped. Both the
//! text decoder and the other formats' extractors use them.

use std::fmt;

/// A report file's format, as recognised from its bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Format {
    Text,
    Html,
    Docx,
    Doc,
    Pdf,
}

impl Format {
    pub const ALL: [Format; 5] = [
        Format::Text,
        Format::Html,
        Format::Docx,
        Format::Doc,
        Format::Pdf,
    ];

    /// A short stable name, for summaries and JSON.
    pub fn name(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Html => "html",
            Format::Docx => "docx",
            Format::Doc => "doc",
            Format::Pdf => "pdf",
        }
    }

    pub fn from_name(name: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.name() == name)
    }

    /// Whether a paragraph's line in the extracted text means anything in
    /// the original file (it does for text files only).
    pub fn has_lines(self) -> bool {
        self == Format::Text
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why a file is not indexed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SkipReason {
    Empty,
    Binary(&'static str),
    Undecodable,
    /// A format was recognised but held no text.
    EmptyAfterExtraction(Format),
    /// A PDF whose pages are images.
    NoTextLayer,
    /// Encrypted, and not with an empty password.
    Encrypted(String),
    /// A damaged or truncated file of a known format.
    Corrupt(Format, String),
    /// A format variant baogao does not read.
    Unsupported(String),
    /// A parser panicked on the file.
    Crashed(String),
    /// Extraction took longer than the limit.
    TooSlow(std::time::Duration),
}

impl SkipReason {
    /// A short stable key for counting skips in summaries and JSON.
    pub fn key(&self) -> &'static str {
        match self {
            SkipReason::Empty => "empty",
            SkipReason::Binary(_) => "binary",
            SkipReason::Undecodable => "undecodable",
            SkipReason::EmptyAfterExtraction(_) => "no-text",
            SkipReason::NoTextLayer => "no-text-layer",
            SkipReason::Encrypted(_) => "encrypted",
            SkipReason::Corrupt(..) => "corrupt",
            SkipReason::Unsupported(_) => "unsupported",
            SkipReason::Crashed(_) => "crashed",
            SkipReason::TooSlow(_) => "too-slow",
        }
    }
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SkipReason::Empty => write!(f, "empty file"),
            SkipReason::Binary(what) => write!(f, "binary file ({what}), not text"),
            SkipReason::Undecodable => {
                write!(f, "neither UTF-8 nor GB18030/GBK text")
            }
            SkipReason::EmptyAfterExtraction(format) => {
                write!(f, "a {format} file with no text in it")
            }
            SkipReason::NoTextLayer => {
                write!(f, "no text layer (scanned?): OCR is not supported")
            }
            SkipReason::Encrypted(why) => write!(f, "encrypted: {why}"),
            SkipReason::Corrupt(format, why) => write!(f, "damaged {format} file: {why}"),
            SkipReason::Unsupported(what) => write!(f, "not supported: {what}"),
            SkipReason::Crashed(why) => {
                write!(f, "the reader failed on this file ({why}); skipped")
            }
            SkipReason::TooSlow(limit) => {
                write!(
                    f,
                    "reading it took longer than {} s; skipped",
                    limit.as_secs()
                )
            }
        }
    }
}
