//! PDF character maps: a font's `/ToUnicode` CMap (codes to Unicode text),
//! and the predefined Chinese CMaps official-document typesetting uses
//! without one (UniGB-UCS2-H, UniGB-UTF16-H, GBK-EUC-H, GB-EUC-H…), whose
//! codes are themselves UCS-2/UTF-16 or GBK bytes.

use encoding_rs::GBK;
use std::collections::HashMap;

/// A parsed `/ToUnicode` CMap.
#[derive(Debug, Default, Clone)]
pub struct ToUnicode {
    /// (code length in bytes, code) → text.
    map: HashMap<(u8, u32), String>,
    /// Code lengths the codespace ranges allow, with their ranges.
    codespace: Vec<(u8, u32, u32)>,
}

/// Most entries a CMap may expand to: a bound on memory for crafted files.
const MAX_ENTRIES: usize = 1 << 20;

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Hex(Vec<u8>),
    Open,
    Close,
    Word(String),
}

fn tokens(data: &[u8]) -> Vec<Token> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < data.len() {
        let b = data[i];
        match b {
            b'%' => {
                while i < data.len() && data[i] != b'\n' && data[i] != b'\r' {
                    i += 1;
                }
            }
            b'<' if data.get(i + 1) == Some(&b'<') => {
                out.push(Token::Word("<<".into()));
                i += 2;
                continue;
            }
            b'>' if data.get(i + 1) == Some(&b'>') => {
                out.push(Token::Word(">>".into()));
                i += 2;
                continue;
            }
            b'<' => {
                let mut digits = Vec::new();
                i += 1;
                while i < data.len() && data[i] != b'>' {
                    if data[i].is_ascii_hexdigit() {
                        digits.push(data[i]);
                    }
                    i += 1;
                }
                if digits.len() % 2 == 1 {
                    digits.push(b'0');
                }
                let bytes = digits
                    .chunks(2)
                    .filter_map(|p| u8::from_str_radix(std::str::from_utf8(p).ok()?, 16).ok())
                    .collect();
                out.push(Token::Hex(bytes));
            }
            b'[' => out.push(Token::Open),
            b']' => out.push(Token::Close),
            b'(' => {
                // Literal strings appear in headers (CMapName); skip them.
                let mut depth = 0;
                while i < data.len() {
                    match data[i] {
                        b'\\' => i += 1,
                        b'(' => depth += 1,
                        b')' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                    i += 1;
                }
            }
            c if c.is_ascii_whitespace() => {}
            _ => {
                let start = i;
                while i < data.len()
                    && !data[i].is_ascii_whitespace()
                    && !b"<>[]()%".contains(&data[i])
                {
                    i += 1;
                }
                out.push(Token::Word(
                    String::from_utf8_lossy(&data[start..i]).into_owned(),
                ));
                continue;
            }
        }
        i += 1;
    }
    out
}

fn code_of(bytes: &[u8]) -> Option<(u8, u32)> {
    if bytes.is_empty() || bytes.len() > 4 {
        return None;
    }
    Some((
        bytes.len() as u8,
        bytes.iter().fold(0u32, |acc, &b| (acc << 8) | b as u32),
    ))
}

fn utf16_text(bytes: &[u8]) -> String {
    let units: Vec<u16> = bytes
        .chunks(2)
        .map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]))
        .collect();
    char::decode_utf16(units)
        .map(|c| c.unwrap_or('\u{FFFD}'))
        .collect()
}

/// `base` with its last UTF-16 unit increased by `by` (bfrange targets).
fn offset_target(base: &[u8], by: u32) -> String {
    let mut units: Vec<u16> = base
        .chunks(2)
        .map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]))
        .collect();
    if let Some(last) = units.last_mut() {
        *last = last.wrapping_add(by as u16);
    }
    char::decode_utf16(units)
        .map(|c| c.unwrap_or('\u{FFFD}'))
        .collect()
}

impl ToUnicode {
    pub fn parse(data: &[u8]) -> ToUnicode {
        let tokens = tokens(data);
        let mut cmap = ToUnicode::default();
        let mut i = 0;
        let hex = |t: Option<&Token>| match t {
            Some(Token::Hex(b)) => Some(b.clone()),
            _ => None,
        };
        while i < tokens.len() {
            match &tokens[i] {
                Token::Word(w) if w == "begincodespacerange" => {
                    i += 1;
                    while let (Some(lo), Some(hi)) = (hex(tokens.get(i)), hex(tokens.get(i + 1))) {
                        if let (Some((len, lo)), Some((_, hi))) = (code_of(&lo), code_of(&hi)) {
                            cmap.codespace.push((len, lo, hi));
                        }
                        i += 2;
                    }
                }
                Token::Word(w) if w == "beginbfchar" => {
                    i += 1;
                    while let Some(src) = hex(tokens.get(i)) {
                        match tokens.get(i + 1) {
                            Some(Token::Hex(dst)) => {
                                if let Some(code) = code_of(&src)
                                    && cmap.map.len() < MAX_ENTRIES
                                {
                                    cmap.map.insert(code, utf16_text(dst));
                                }
                            }
                            Some(Token::Word(_)) => {}
                            _ => break,
                        }
                        i += 2;
                    }
                }
                Token::Word(w) if w == "beginbfrange" => {
                    i += 1;
                    while let (Some(lo), Some(hi)) = (hex(tokens.get(i)), hex(tokens.get(i + 1))) {
                        let (Some((len, lo)), Some((_, hi))) = (code_of(&lo), code_of(&hi)) else {
                            i += 3;
                            continue;
                        };
                        match tokens.get(i + 2) {
                            Some(Token::Hex(base)) => {
                                for (k, code) in (lo..=hi).enumerate() {
                                    if cmap.map.len() >= MAX_ENTRIES {
                                        break;
                                    }
                                    cmap.map.insert((len, code), offset_target(base, k as u32));
                                }
                                i += 3;
                            }
                            Some(Token::Open) => {
                                let mut j = i + 3;
                                let mut code = lo;
                                while let Some(Token::Hex(dst)) = tokens.get(j) {
                                    if code <= hi && cmap.map.len() < MAX_ENTRIES {
                                        cmap.map.insert((len, code), utf16_text(dst));
                                    }
                                    code = code.saturating_add(1);
                                    j += 1;
                                }
                                i = j + 1;
                            }
                            _ => {
                                i += 3;
                            }
                        }
                    }
                }
                _ => i += 1,
            }
        }
        cmap
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// How many bytes the code starting at `bytes` takes, by the codespace
    /// ranges (else `default`).
    pub fn code_len(&self, bytes: &[u8], default: u8) -> u8 {
        for &(len, lo, hi) in &self.codespace {
            if let Some(chunk) = bytes.get(..len as usize) {
                let (lo_b, hi_b) = (lo.to_be_bytes(), hi.to_be_bytes());
                let skip = 4 - len as usize;
                if chunk
                    .iter()
                    .enumerate()
                    .all(|(k, &b)| lo_b[skip + k] <= b && b <= hi_b[skip + k])
                {
                    return len;
                }
            }
        }
        default
    }

    pub fn get(&self, len: u8, code: u32) -> Option<&str> {
        self.map.get(&(len, code)).map(String::as_str)
    }
}

/// A predefined CMap a font names as its `/Encoding` instead of a
/// `/ToUnicode` map.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Predefined {
    /// Identity-H/V: codes are glyph ids; text needs a ToUnicode map.
    Identity,
    /// UniGB-UCS2-H/V: codes are UCS-2, big-endian.
    Ucs2,
    /// UniGB-UTF16-H/V (and the other Uni*-UTF16 maps): UTF-16BE.
    Utf16,
    /// GBK-EUC-H, GB-EUC-H, GBpc-EUC-H, GBKp-EUC-H, GBK2K-H: GBK bytes.
    Gbk,
}

impl Predefined {
    pub fn from_name(name: &[u8]) -> Option<Predefined> {
        let name = std::str::from_utf8(name).ok()?;
        let base = name.trim_end_matches("-H").trim_end_matches("-V");
        Some(match base {
            "Identity" => Predefined::Identity,
            "UniGB-UCS2" | "UniCNS-UCS2" | "UniJIS-UCS2" | "UniKS-UCS2" => Predefined::Ucs2,
            b if b.starts_with("Uni") && b.ends_with("UTF16") => Predefined::Utf16,
            "GBK-EUC" | "GB-EUC" | "GBpc-EUC" | "GBKp-EUC" | "GBK2K" | "GBT-EUC" | "GBTpc-EUC" => {
                Predefined::Gbk
            }
            _ => return None,
        })
    }

    /// Length of the code at the start of `bytes`.
    pub fn code_len(self, bytes: &[u8]) -> u8 {
        match self {
            Predefined::Identity | Predefined::Ucs2 => 2,
            Predefined::Utf16 => {
                let first = u16::from_be_bytes([bytes[0], *bytes.get(1).unwrap_or(&0)]);
                if (0xD800..0xDC00).contains(&first) {
                    4
                } else {
                    2
                }
            }
            Predefined::Gbk => match bytes {
                [b0, b1, ..] if *b0 >= 0x81 && (0x30..=0x39).contains(b1) => 4,
                [b0, ..] if *b0 >= 0x81 => 2,
                _ => 1,
            },
        }
    }

    /// The text of one code, if the map defines it by itself.
    pub fn text(self, code: &[u8]) -> Option<String> {
        match self {
            Predefined::Identity => None,
            Predefined::Ucs2 | Predefined::Utf16 => Some(utf16_text(code)),
            Predefined::Gbk => GBK
                .decode_without_bom_handling_and_without_replacement(code)
                .map(|s| s.into_owned()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CMAP: &[u8] = b"/CIDInit /ProcSet findresource begin
12 dict begin begincmap /CMapName /Adobe-Identity-UCS def
1 begincodespacerange <0000> <FFFF> endcodespacerange
2 beginbfchar <0003> <0020> <0a2c> <5B66> endbfchar
2 beginbfrange <0010> <0012> <0030> <0020> <0021> [<524D> <6559>] endbfrange
endcmap CMapName currentdict /CMap defineresource pop end end";

    #[test]
    fn bfchar_and_both_kinds_of_bfrange() {
        let cmap = ToUnicode::parse(CMAP);
        assert_eq!(cmap.get(2, 0x0003), Some(" "));
        assert_eq!(cmap.get(2, 0x0A2C), Some("学"));
        assert_eq!(cmap.get(2, 0x0011), Some("1"));
        assert_eq!(cmap.get(2, 0x0021), Some("教"));
        assert_eq!(cmap.code_len(&[0x0A, 0x2C], 1), 2);
    }

    #[test]
    fn predefined_chinese_cmaps() {
        assert_eq!(
            Predefined::from_name(b"UniGB-UCS2-H"),
            Some(Predefined::Ucs2)
        );
        assert_eq!(Predefined::from_name(b"GBK-EUC-H"), Some(Predefined::Gbk));
        assert_eq!(Predefined::from_name(b"GB-EUC-H"), Some(Predefined::Gbk));
        let (gbk, _, _) = GBK.encode("学A");
        assert_eq!(Predefined::Gbk.code_len(&gbk), 2);
        assert_eq!(Predefined::Gbk.text(&gbk[..2]).as_deref(), Some("学"));
        assert_eq!(Predefined::Gbk.code_len(&gbk[2..]), 1);
        assert_eq!(Predefined::Ucs2.text(&[0x5B, 0x66]).as_deref(), Some("学"));
    }

    #[test]
    fn garbage_parses_to_an_empty_map() {
        assert!(ToUnicode::parse(b"<<<<]]][[ beginbfrange <00> endbfrange <").is_empty());
    }
}
