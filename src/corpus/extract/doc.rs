//! DOC and binary WPS: Word 97–2003's format, which Kingsoft's binary
//! `.wps` shares, inside an OLE2 compound file.
//!
//! The text of a Word binary file is not stored in order: the File
//! Information Block (FIB) at the start of the `WordDocument` stream points
//! into the table stream (`0Table` or `1Table`) at the piece table, which
//! lists the pieces of text — each a run of character positions stored
//! either as UTF-16 or as 8-bit characters, somewhere in `WordDocument`.
//! The main document is the first `ccpText` characters; footnotes and
//! endnotes follow it ([MS-DOC] 2.4.1, 2.5.1, 2.9.177).
//!
//! In the text, 0x0D ends a paragraph, 0x07 ends a table cell (and a
//! second 0x07 the row), 0x0B is a line break, 0x0C a page break, and
//! 0x13 … 0x14 … 0x15 a field: its code (`MERGEFIELD 名称`) is dropped and
//! its result kept.
//!
//! Paragraph styles live in the binary style sheet, which is not read:
//! headings are recognised from their numbering, as in text files.

use super::lines::{Extracted, push_line};
use crate::corpus::decode::SkipReason;
use crate::corpus::format::Format;
use encoding_rs::{GBK, WINDOWS_1252};
use std::io::Read;

/// The first eight bytes of every OLE2 compound file.
pub const OLE_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Largest stream read: a bound on memory for crafted files.
const MAX_STREAM_BYTES: u64 = 256 << 20;

fn corrupt(why: impl std::fmt::Display) -> SkipReason {
    SkipReason::Corrupt(Format::Doc, why.to_string())
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn read_stream(
    file: &mut cfb::CompoundFile<std::io::Cursor<&[u8]>>,
    name: &str,
) -> Option<Vec<u8>> {
    let mut stream = file.open_stream(name).ok()?;
    let mut bytes = Vec::new();
    (&mut stream)
        .take(MAX_STREAM_BYTES)
        .read_to_end(&mut bytes)
        .ok()?;
    Some(bytes)
}

/// Read a DOC or binary WPS file's text.
pub fn extract(bytes: &[u8]) -> Result<Extracted, SkipReason> {
    let mut file = cfb::CompoundFile::open(std::io::Cursor::new(bytes)).map_err(corrupt)?;
    if file.is_stream("/EncryptedPackage") {
        return Err(SkipReason::Encrypted("an encrypted Office document".into()));
    }
    let Some(word) = read_stream(&mut file, "/WordDocument") else {
        let what = if file.is_stream("/Workbook") || file.is_stream("/Book") {
            "an Excel workbook"
        } else if file.is_stream("/PowerPoint Document") {
            "a PowerPoint presentation"
        } else {
            "an OLE2 file without a WordDocument stream (an older WPS or Works file?)"
        };
        return Err(SkipReason::Unsupported(what.into()));
    };
    let fib =
        Fib::parse(&word).ok_or_else(|| corrupt("the file information block is cut short"))?;
    if fib.encrypted {
        return Err(SkipReason::Encrypted(
            "the Word document is password-protected".into(),
        ));
    }
    let table_name = if fib.table_one { "/1Table" } else { "/0Table" };
    let Some(table) = read_stream(&mut file, table_name) else {
        return Err(corrupt(format!("no {} stream", &table_name[1..])));
    };
    let pieces = pieces(&table, fib.fc_clx, fib.lcb_clx)
        .ok_or_else(|| corrupt("the piece table cannot be read"))?;
    // The stories in character-position order: main text, footnotes,
    // headers, comments, endnotes. Headers and comments are left out.
    let footnotes_end = fib.ccp_text.saturating_add(fib.ccp_ftn);
    let endnotes_start = footnotes_end
        .saturating_add(fib.ccp_hdd)
        .saturating_add(fib.ccp_atn);
    let endnotes_end = endnotes_start.saturating_add(fib.ccp_edn);
    let kept = |cp: u32| cp < footnotes_end || (endnotes_start..endnotes_end).contains(&cp);
    let mut chars: Vec<char> = Vec::new();
    for piece in &pieces {
        let end = piece.cp_end.min(endnotes_end.max(1));
        if piece.cp_start >= end {
            continue;
        }
        let count = (end - piece.cp_start) as usize;
        let text = piece_text(&word, piece, count);
        for (i, c) in text.chars().enumerate() {
            if kept(piece.cp_start + i as u32) {
                chars.push(c);
            }
        }
    }
    Ok(Extracted {
        text: render(&chars),
        format: Format::Doc,
        encoding: "word 97-2003".into(),
        paged: false,
        notes: Vec::new(),
    })
}

/// What is needed from the File Information Block.
struct Fib {
    encrypted: bool,
    table_one: bool,
    ccp_text: u32,
    ccp_ftn: u32,
    ccp_hdd: u32,
    ccp_atn: u32,
    ccp_edn: u32,
    fc_clx: u32,
    lcb_clx: u32,
}

impl Fib {
    fn parse(word: &[u8]) -> Option<Fib> {
        if u16_at(word, 0)? != 0xA5EC {
            return None;
        }
        let flags = u16_at(word, 0x0A)?;
        // FibBase is 32 bytes; then csw and fibRgW, cslw and fibRgLw,
        // cbRgFcLcb and fibRgFcLcbBlob, each sized by its count.
        let csw = u16_at(word, 32)? as usize;
        let lw_count_at = 34 + csw * 2;
        let cslw = u16_at(word, lw_count_at)? as usize;
        let lw = lw_count_at + 2;
        let lw_u32 = |i: usize| {
            if i < cslw {
                u32_at(word, lw + i * 4)
            } else {
                Some(0)
            }
        };
        let blob_count_at = lw + cslw * 4;
        let blob = blob_count_at + 2;
        let cb_rg_fc_lcb = u16_at(word, blob_count_at)? as usize;
        if cb_rg_fc_lcb <= 33 {
            return None;
        }
        Some(Fib {
            encrypted: flags & 0x0100 != 0,
            table_one: flags & 0x0200 != 0,
            ccp_text: lw_u32(3)?,
            ccp_ftn: lw_u32(4)?,
            ccp_hdd: lw_u32(5)?,
            ccp_atn: lw_u32(7)?,
            ccp_edn: lw_u32(8)?,
            fc_clx: u32_at(word, blob + 33 * 8)?,
            lcb_clx: u32_at(word, blob + 33 * 8 + 4)?,
        })
    }
}

/// One piece of the piece table.
struct Piece {
    cp_start: u32,
    cp_end: u32,
    /// Byte offset in WordDocument.
    offset: usize,
    /// One byte per character (else UTF-16LE).
    compressed: bool,
}

fn pieces(table: &[u8], fc_clx: u32, lcb_clx: u32) -> Option<Vec<Piece>> {
    let clx = table.get(fc_clx as usize..(fc_clx as usize).checked_add(lcb_clx as usize)?)?;
    let mut at = 0usize;
    // Skip any Prc (formatting) entries to reach the Pcdt.
    while *clx.get(at)? == 0x01 {
        let cb = u16_at(clx, at + 1)? as usize;
        at += 3 + cb;
    }
    if *clx.get(at)? != 0x02 {
        return None;
    }
    let lcb = u32_at(clx, at + 1)? as usize;
    let plc = clx.get(at + 5..at + 5 + lcb)?;
    if plc.len() < 4 {
        return None;
    }
    let n = (plc.len() - 4) / 12;
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let cp_start = u32_at(plc, i * 4)?;
        let cp_end = u32_at(plc, (i + 1) * 4)?;
        let pcd = (n + 1) * 4 + i * 8;
        let fc = u32_at(plc, pcd + 2)?;
        let compressed = fc & 0x4000_0000 != 0;
        let offset = if compressed {
            ((fc & !0x4000_0000) / 2) as usize
        } else {
            fc as usize
        };
        if cp_end < cp_start {
            return None;
        }
        out.push(Piece {
            cp_start,
            cp_end,
            offset,
            compressed,
        });
    }
    Some(out)
}

/// The characters of a piece (as many of `count` as the stream holds).
fn piece_text(word: &[u8], piece: &Piece, count: usize) -> String {
    if piece.compressed {
        let end = piece.offset.saturating_add(count).min(word.len());
        let bytes = word.get(piece.offset..end).unwrap_or(&[]);
        // 8-bit pieces are Windows-1252 by the specification; some Chinese
        // writers put GBK bytes there instead, which read as GBK cleanly.
        if bytes.iter().any(|&b| b >= 0x80)
            && let Some(text) = GBK.decode_without_bom_handling_and_without_replacement(bytes)
            && text.chars().any(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c))
        {
            return text.into_owned();
        }
        WINDOWS_1252
            .decode_without_bom_handling(bytes)
            .0
            .into_owned()
    } else {
        let end = piece
            .offset
            .saturating_add(count.saturating_mul(2))
            .min(word.len());
        let bytes = word.get(piece.offset..end).unwrap_or(&[]);
        let units: Vec<u16> = bytes
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect();
        char::decode_utf16(units)
            .map(|c| c.unwrap_or('\u{FFFD}'))
            .collect()
    }
}

/// The document's characters to lines: paragraph marks, cells and rows,
/// fields.
fn render(chars: &[char]) -> String {
    let mut out = String::new();
    let mut line = String::new();
    // Field nesting: for each open field, whether its result has begun.
    let mut fields: Vec<bool> = Vec::new();
    let mut last_was_cell_end = false;
    for &c in chars {
        let in_code = fields.last().is_some_and(|result| !result);
        match c {
            '\u{13}' => fields.push(false),
            '\u{14}' => {
                if let Some(result) = fields.last_mut() {
                    *result = true;
                }
            }
            '\u{15}' => {
                fields.pop();
            }
            _ if in_code => {}
            '\r' | '\u{0B}' | '\u{0C}' | '\u{0E}' => {
                push_line(&mut out, &line);
                line.clear();
                last_was_cell_end = false;
                continue;
            }
            '\u{07}' => {
                if last_was_cell_end {
                    // The row's own end mark: the row is one line.
                    push_line(&mut out, &line);
                    line.clear();
                    last_was_cell_end = false;
                } else {
                    line.push('\t');
                    last_was_cell_end = true;
                }
                continue;
            }
            '\u{1E}' => line.push('-'),
            '\u{A0}' => line.push(' '),
            '\u{01}' | '\u{02}' | '\u{05}' | '\u{08}' | '\u{1F}' => {}
            c if c.is_control() => {}
            c => line.push(c),
        }
        last_was_cell_end = false;
    }
    push_line(&mut out, &line);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_become_lines_rows_and_fields_keep_their_result() {
        let text: Vec<char> = "一、总结\r县区\u{07}学位\u{07}\u{07}青田县\u{07}1350\u{07}\u{07}\u{13} MERGEFIELD 名称 \u{14}青田\u{15}县教育局\u{0B}第二行\r"
            .chars()
            .collect();
        assert_eq!(
            render(&text),
            "一、总结\n县区 学位\n青田县 1350\n青田县教育局\n第二行\n"
        );
    }

    #[test]
    fn eight_bit_and_utf16_pieces() {
        let mut word = b"Hello ".to_vec();
        for unit in "学前教育".encode_utf16() {
            word.extend_from_slice(&unit.to_le_bytes());
        }
        let ascii = Piece {
            cp_start: 0,
            cp_end: 6,
            offset: 0,
            compressed: true,
        };
        let wide = Piece {
            cp_start: 6,
            cp_end: 10,
            offset: 6,
            compressed: false,
        };
        assert_eq!(piece_text(&word, &ascii, 6), "Hello ");
        assert_eq!(piece_text(&word, &wide, 4), "学前教育");
        // A piece that runs past the stream is cut, not a panic.
        assert_eq!(piece_text(&word, &wide, 400), "学前教育");
    }

    #[test]
    fn garbage_is_a_skip_not_a_panic() {
        let mut bytes = OLE_MAGIC.to_vec();
        bytes.extend(std::iter::repeat_n(0xABu8, 2000));
        assert!(extract(&bytes).is_err());
    }
}
