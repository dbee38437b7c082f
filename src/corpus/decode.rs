//! Bytes to text: which files are text at all, and in which encoding.
//!
//! Government text files come as UTF-8 (with or without a BOM), as GB18030 /
//! GBK (a superset chain: GBK bytes decode correctly as GB18030), sometimes as
//! UTF-16 with a BOM, and now and then as a PDF or Word file renamed to .txt.
//! The rules, in order:
//!
//! (PDF, Word and HTML files are recognised before this, in `extract`.)
//!
//! 1. an archive or image signature, or a NUL byte in the first 8 KiB
//!    (ripgrep's and grep's test) means binary: skip;
//! 2. a BOM decides the encoding;
//! 3. valid UTF-8 as a whole is UTF-8;
//! 4. otherwise each line is decoded on its own: UTF-8 if it is valid; UTF-8
//!    with its few stray bytes replaced (U+FFFD, counted) if it is mostly
//!    UTF-8; else GB18030. Files that mix the two (concatenated downloads)
//!    keep both;
//! 5. a file where too many lines decode only with replacement characters,
//!    or that is full of control characters, is not text: skip.
//!
//! Line endings are normalised to `\n` here, so nothing downstream sees `\r`.

pub use super::format::SkipReason;
use encoding_rs::{GB18030, UTF_16BE, UTF_16LE};
use std::borrow::Cow;

/// How a file's text was decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf8Bom,
    Utf16Le,
    Utf16Be,
    Gb18030,
    /// Some lines UTF-8, others GB18030.
    Mixed,
}

impl Encoding {
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "utf-8",
            Encoding::Utf8Bom => "utf-8 (bom)",
            Encoding::Utf16Le => "utf-16le",
            Encoding::Utf16Be => "utf-16be",
            Encoding::Gb18030 => "gb18030",
            Encoding::Mixed => "mixed utf-8/gb18030",
        }
    }
}

/// A decoded file.
#[derive(Debug, Clone)]
pub struct Decoded {
    pub text: String,
    pub encoding: Encoding,
    /// Lines that only decoded with replacement characters (U+FFFD).
    pub lossy_lines: usize,
    /// Invalid bytes of mostly-UTF-8 lines, replaced by U+FFFD.
    pub replaced_bytes: usize,
}

const SNIFF_LEN: usize = 8192;

/// Decode a file's bytes, or say why it is not text.
pub fn decode(bytes: &[u8]) -> Result<Decoded, SkipReason> {
    if let Some(reason) = sniff_binary(bytes) {
        return Err(reason);
    }
    let (text, encoding, lossy_lines, replaced_bytes) =
        if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
            let replaced = invalid_utf8_bytes(rest);
            (
                String::from_utf8_lossy(rest).into_owned(),
                Encoding::Utf8Bom,
                0,
                replaced,
            )
        } else if bytes.starts_with(b"\xFF\xFE") {
            let (text, _, _) = UTF_16LE.decode(bytes);
            (text.into_owned(), Encoding::Utf16Le, 0, 0)
        } else if bytes.starts_with(b"\xFE\xFF") {
            let (text, _, _) = UTF_16BE.decode(bytes);
            (text.into_owned(), Encoding::Utf16Be, 0, 0)
        } else if bytes[..bytes.len().min(SNIFF_LEN)].contains(&0) {
            return Err(SkipReason::Binary("contains NUL bytes"));
        } else {
            match std::str::from_utf8(bytes) {
                Ok(text) => (text.to_string(), Encoding::Utf8, 0, 0),
                Err(_) => {
                    // UTF-8 with a few stray bytes (at most 1%): replace
                    // them and say how many, rather than lose the file.
                    let invalid = invalid_utf8_bytes(bytes);
                    if invalid * 100 <= bytes.len() && is_mostly_utf8(bytes) {
                        (
                            String::from_utf8_lossy(bytes).into_owned(),
                            Encoding::Utf8,
                            0,
                            invalid,
                        )
                    } else {
                        decode_line_by_line(bytes)
                    }
                }
            }
        };
    let text = normalize_line_endings(&text);
    if text.trim().is_empty() {
        return Err(SkipReason::Empty);
    }
    let lines = text.lines().filter(|l| !l.trim().is_empty()).count().max(1);
    if lossy_lines * 10 > lines {
        return Err(SkipReason::Undecodable);
    }
    if looks_binary(&text) {
        return Err(SkipReason::Binary("mostly control characters"));
    }
    Ok(Decoded {
        text: text.into_owned(),
        encoding,
        lossy_lines,
        replaced_bytes,
    })
}

/// How many bytes of `bytes` are not part of valid UTF-8.
fn invalid_utf8_bytes(bytes: &[u8]) -> usize {
    bytes.utf8_chunks().map(|chunk| chunk.invalid().len()).sum()
}

/// Is this line UTF-8 with a few stray bytes, rather than GB18030? Its
/// valid multi-byte characters outnumber its invalid bytes ten to one
/// (GB18030 text read as UTF-8 is nearly all invalid bytes).
fn is_mostly_utf8(line: &[u8]) -> bool {
    let (mut multibyte, mut invalid) = (0usize, 0usize);
    for chunk in line.utf8_chunks() {
        multibyte += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        invalid += chunk.invalid().len();
    }
    multibyte > 0 && invalid * 10 <= multibyte
}

fn sniff_binary(bytes: &[u8]) -> Option<SkipReason> {
    if bytes.is_empty() {
        return Some(SkipReason::Empty);
    }
    const SIGNATURES: &[(&[u8], &str)] = &[
        (b"PK\x03\x04", "ZIP archive or .docx/.xlsx"),
        (
            b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1",
            "old Word/Excel document",
        ),
        (b"\x89PNG", "PNG image"),
        (b"\xFF\xD8\xFF", "JPEG image"),
        (b"GIF8", "GIF image"),
        (b"\x7FELF", "executable"),
        (b"\x1F\x8B", "gzip archive"),
        (b"Rar!", "RAR archive"),
        (b"7z\xBC\xAF", "7-Zip archive"),
    ];
    SIGNATURES
        .iter()
        .find(|(magic, _)| bytes.starts_with(magic))
        .map(|(_, what)| SkipReason::Binary(what))
}

fn decode_line_by_line(bytes: &[u8]) -> (String, Encoding, usize, usize) {
    let mut text = String::with_capacity(bytes.len() * 3 / 2);
    let (mut utf8_lines, mut gb_lines, mut lossy) = (0usize, 0usize, 0usize);
    let mut replaced = 0usize;
    for line in bytes.split_inclusive(|&b| b == b'\n') {
        match std::str::from_utf8(line) {
            Ok(s) => {
                if !s.is_ascii() {
                    utf8_lines += 1;
                }
                text.push_str(s);
            }
            Err(_) if is_mostly_utf8(line) => {
                utf8_lines += 1;
                replaced += invalid_utf8_bytes(line);
                text.push_str(&String::from_utf8_lossy(line));
            }
            Err(_) => match GB18030.decode_without_bom_handling_and_without_replacement(line) {
                Some(s) => {
                    gb_lines += 1;
                    text.push_str(&s);
                }
                None => {
                    let (s, _) = GB18030.decode_without_bom_handling(line);
                    lossy += 1;
                    text.push_str(&s);
                }
            },
        }
    }
    let encoding = if utf8_lines > 0 && gb_lines > 0 {
        Encoding::Mixed
    } else if gb_lines == 0 && lossy == 0 {
        Encoding::Utf8
    } else {
        Encoding::Gb18030
    };
    (text, encoding, lossy, replaced)
}

fn normalize_line_endings(text: &str) -> Cow<'_, str> {
    if !text.contains('\r') {
        return Cow::Borrowed(text);
    }
    Cow::Owned(text.replace("\r\n", "\n").replace('\r', "\n"))
}

/// Text whose characters are more than 5% control characters (other than
/// tab, newline and form feed) is a binary file that slipped past sniffing.
fn looks_binary(text: &str) -> bool {
    let mut total = 0usize;
    let mut control = 0usize;
    for c in text.chars().take(100_000) {
        total += 1;
        if c.is_control() && !matches!(c, '\n' | '\t' | '\x0C') {
            control += 1;
        }
    }
    control * 20 > total
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "一、2024年工作总结\n学前教育学位1350个。\n";

    #[test]
    fn utf8_with_and_without_bom() {
        let plain = decode(SAMPLE.as_bytes()).unwrap();
        assert_eq!(plain.text, SAMPLE);
        assert_eq!(plain.encoding, Encoding::Utf8);
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(SAMPLE.as_bytes());
        let with_bom = decode(&bom).unwrap();
        assert_eq!(with_bom.text, SAMPLE);
        assert_eq!(with_bom.encoding, Encoding::Utf8Bom);
    }

    #[test]
    fn gbk_and_gb18030_decode_to_the_same_text() {
        let (gbk, _, unmappable) = encoding_rs::GBK.encode(SAMPLE);
        assert!(!unmappable);
        let decoded = decode(&gbk).unwrap();
        assert_eq!(decoded.text, SAMPLE);
        assert_eq!(decoded.encoding, Encoding::Gb18030);
        assert_eq!(decoded.lossy_lines, 0);
    }

    #[test]
    fn utf16_with_bom() {
        let mut bytes = vec![0xFF, 0xFE];
        for unit in SAMPLE.encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        let decoded = decode(&bytes).unwrap();
        assert_eq!(decoded.text, SAMPLE);
        assert_eq!(decoded.encoding, Encoding::Utf16Le);
    }

    #[test]
    fn mixed_files_keep_both_halves() {
        let (gbk, _, _) = encoding_rs::GBK.encode("二、2025年工作思路\n");
        let mut bytes = SAMPLE.as_bytes().to_vec();
        bytes.extend_from_slice(&gbk);
        let decoded = decode(&bytes).unwrap();
        assert_eq!(decoded.text, format!("{SAMPLE}二、2025年工作思路\n"));
        assert_eq!(decoded.encoding, Encoding::Mixed);
    }

    #[test]
    fn crlf_and_cr_become_lf() {
        let decoded = decode("甲\r\n乙\r丙".as_bytes()).unwrap();
        assert_eq!(decoded.text, "甲\n乙\n丙");
    }

    #[test]
    fn binary_inputs_are_refused_with_a_reason() {
        assert_eq!(decode(b"").unwrap_err(), SkipReason::Empty);
        assert_eq!(decode(b" \n\n\t").unwrap_err(), SkipReason::Empty);
        assert_eq!(decode(b"PK\x03\x04rest").unwrap_err().key(), "binary");
        assert_eq!(decode(b"abc\0def").unwrap_err().key(), "binary");
        let controls: Vec<u8> = (0..200).map(|i| (i % 8 + 1) as u8).collect();
        assert_eq!(decode(&controls).unwrap_err().key(), "binary");
    }

    #[test]
    fn stray_bytes_in_utf8_are_replaced_and_counted_not_fatal() {
        let mut bytes = "一、2024年工作总结\n学前教育学位1350个".as_bytes().to_vec();
        bytes.extend_from_slice(b"\xFF\xFE\x80");
        bytes.extend_from_slice("。\n".as_bytes());
        for _ in 0..20 {
            bytes.extend_from_slice("全年新增学位一千三百五十个。\n".as_bytes());
        }
        let decoded = decode(&bytes).unwrap();
        assert_eq!(decoded.replaced_bytes, 3);
        assert_eq!(decoded.encoding, Encoding::Utf8);
        assert!(decoded.text.contains("学前教育学位1350个\u{FFFD}"));
        assert!(decoded.text.contains("一、2024年工作总结"));
    }

    #[test]
    fn random_high_bytes_are_undecodable() {
        // 0x80 and 0xFF are invalid lead bytes in both UTF-8 and GB18030.
        let bytes: Vec<u8> = std::iter::repeat_n([0x80u8, 0xFF, b'\n'], 50)
            .flatten()
            .collect();
        assert_eq!(decode(&bytes).unwrap_err(), SkipReason::Undecodable);
    }
}
