//! Text to paragraphs, each with the path of headings above it.
//!
//! A paragraph is a non-empty line. Files that are hard-wrapped (most lines
//! of a block end mid-sentence, blocks separated by blank lines) are read as
//! blank-line-separated blocks instead, their lines joined.
//!
//! Headings are recognised by the numbering Chinese official documents use,
//! from outermost to innermost:
//!
//! | marker            | example            |
//! |-------------------|--------------------|
//! | Markdown `#`      | `# 总则`           |
//! | 第…编 / 章 / 节   | `第一章 总则`      |
//! | 一、              | `一、2024年工作总结` |
//! | （一） (一)       | `（四）师资队伍建设` |
//! | 1. 1、 1．        | `1.持续筑牢…`      |
//! | （1） (1)         | `(1)…`             |
//! | ① …               | `①…`               |
//! | 一是 二是 …        | `一是深化党的理论学习。…` |
//!
//! A numbered line that goes on past its first sentence ("(一)党建引领更加坚定。
//! 全面推进…") is a body paragraph whose first sentence is its heading. An
//! unnumbered short line without closing punctuation is a heading only where
//! it can be one: before the first numbered heading (titles, the unnumbered
//! sections of a news-style report), or when it names a part of a report
//! (…工作总结, …工作要点). Lines starting with ▲ or 图为 are photo captions.
//!
//! Paragraphs longer than [`MAX_PARAGRAPH_CHARS`] (a 40 MB single line) are cut
//! into overlapping pieces, so that no literal of up to
//! [`MAX_LITERAL_CHARS`] characters is lost at a cut.
//!
//! The output is the corpus layer's [`Paragraph`] record, with its file
//! left for the caller to fill in.

use super::record::{Paragraph, Role};

/// Paragraphs longer than this many characters are cut into pieces.
pub const MAX_PARAGRAPH_CHARS: usize = 10_000;
/// Pieces of a cut paragraph overlap by this many characters; query terms
/// are limited to this length, so every literal match lies inside a piece.
pub const MAX_LITERAL_CHARS: usize = 256;
/// Headings are shown and stored at most this long.
const MAX_HEADING_CHARS: usize = 60;

/// A heading on the splitter's stack: its nesting depth (smaller is
/// outer; see [`heading_marker`]) and its title.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Heading {
    level: u8,
    title: String,
}

fn titles(stack: &[Heading]) -> Vec<String> {
    stack.iter().map(|h| h.title.clone()).collect()
}

/// Level of an unnumbered title line: outside every numbered level.
const TITLE_LEVEL: u8 = 0;

/// Recognise a heading marker at the start of `line`; returns the level and
/// the byte length of the marker.
pub fn heading_marker(line: &str) -> Option<(u8, usize)> {
    let bytes = line.as_bytes();
    // Markdown: # … ######, followed by a space.
    let hashes = bytes.iter().take_while(|&&b| b == b'#').count();
    if (1..=6).contains(&hashes) && bytes.get(hashes) == Some(&b' ') {
        return Some((hashes as u8, hashes + 1));
    }
    let chars: Vec<(usize, char)> = line.char_indices().take(16).collect();
    let at = |i: usize| chars.get(i).map(|&(_, c)| c);
    let byte_at = |i: usize| chars.get(i).map_or(line.len(), |&(b, _)| b);
    let numerals = |from: usize| {
        chars[from.min(chars.len())..]
            .iter()
            .take_while(|(_, c)| is_chinese_numeral(*c))
            .count()
    };
    let digits = |from: usize| {
        chars[from.min(chars.len())..]
            .iter()
            .take_while(|(_, c)| c.is_ascii_digit())
            .count()
    };
    // 第…编/章/节
    if at(0) == Some('第') {
        let n = numerals(1);
        if n > 0 {
            let level = match at(1 + n) {
                Some('编') => Some(10),
                Some('章') => Some(11),
                Some('节') => Some(12),
                _ => None,
            };
            if let Some(level) = level {
                return Some((level, byte_at(2 + n)));
            }
        }
    }
    // 一、 and 一是
    let n = numerals(0);
    if n > 0 && n <= 3 {
        match at(n) {
            Some('、') => return Some((20, byte_at(n + 1))),
            Some('是') if n <= 2 => return Some((60, byte_at(n + 1))),
            _ => {}
        }
    }
    // （一） (一) （1） (1)
    if matches!(at(0), Some('(' | '（')) {
        let n = numerals(1);
        if n > 0 && n <= 3 && matches!(at(1 + n), Some(')' | '）')) {
            return Some((30, byte_at(2 + n)));
        }
        let d = digits(1);
        if d > 0 && d <= 2 && matches!(at(1 + d), Some(')' | '）')) {
            return Some((50, byte_at(2 + d)));
        }
    }
    // 1. 1、 1． (but not 1.5亿元)
    let d = digits(0);
    if d > 0 && d <= 2 && matches!(at(d), Some('.' | '、' | '．')) {
        let next = at(d + 1);
        if next.is_some_and(|c| !c.is_ascii_digit() && !c.is_whitespace()) || next == Some(' ') {
            return Some((40, byte_at(d + 1)));
        }
    }
    // ① … ⑳
    if at(0).is_some_and(|c| ('\u{2460}'..='\u{2473}').contains(&c)) {
        return Some((55, byte_at(1)));
    }
    None
}

fn is_chinese_numeral(c: char) -> bool {
    matches!(
        c,
        '一' | '二'
            | '三'
            | '四'
            | '五'
            | '六'
            | '七'
            | '八'
            | '九'
            | '十'
            | '百'
            | '零'
            | '〇'
            | '两'
    )
}

/// Characters that end a sentence or a clause, after which a line is not a
/// title.
fn ends_like_sentence(text: &str) -> bool {
    text.trim_end().chars().last().is_some_and(|c| {
        matches!(
            c,
            '。' | '；' | ';' | '，' | ',' | '：' | ':' | '！' | '!' | '？' | '?' | '、' | '…'
        )
    })
}

/// Words that make a short line the title of a part of a report.
const TITLE_WORDS: &[&str] = &[
    "总结", "要点", "计划", "思路", "安排", "打算", "报告", "规划", "回顾", "综述", "目标",
];

fn is_caption(text: &str) -> bool {
    text.starts_with('▲') || text.starts_with('△') || text.starts_with("图为")
}

/// The lead of a numbered paragraph: its text up to the first sentence end,
/// if that is short enough to be a heading.
fn lead_sentence(text: &str) -> Option<&str> {
    let end = text.find(['。', '；', ';', '：', ':', '！', '？'])?;
    let lead = &text[..end];
    (lead.chars().count() <= MAX_HEADING_CHARS).then_some(lead)
}

fn shorten(title: &str) -> String {
    let title = title.trim();
    if title.chars().count() <= MAX_HEADING_CHARS {
        title.to_string()
    } else {
        let mut cut: String = title.chars().take(MAX_HEADING_CHARS).collect();
        cut.push('…');
        cut
    }
}

/// Trim and collapse whitespace; drop control and zero-width characters.
pub fn clean_text(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut pending_space = false;
    for c in raw.chars() {
        if c.is_whitespace() {
            pending_space = !out.is_empty();
        } else if c.is_control() || matches!(c, '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}') {
            continue;
        } else {
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            out.push(c);
        }
    }
    out
}

/// Is the text hard-wrapped? True when, among lines directly followed by
/// another non-empty line, most stop mid-sentence although they are not
/// headings — the signature of text wrapped at a fixed width.
fn is_hard_wrapped(lines: &[&str]) -> bool {
    let mut pairs = 0usize;
    let mut broken = 0usize;
    for window in lines.windows(2) {
        let (line, next) = (window[0].trim(), window[1].trim());
        if line.is_empty() || next.is_empty() || heading_marker(line).is_some() {
            continue;
        }
        pairs += 1;
        if !ends_like_sentence(line) && line.chars().count() >= 20 && !ends_with_closing(line) {
            broken += 1;
        }
    }
    pairs >= 5 && broken * 10 >= pairs * 6
}

/// More 《 than 》: the line stops inside a book title.
fn opens_unclosed_title(line: &str) -> bool {
    line.matches('《').count() > line.matches('》').count()
}

/// A line that starts with punctuation that closes or continues a sentence
/// cannot start a paragraph.
fn starts_with_closing(line: &str) -> bool {
    line.chars().next().is_some_and(|c| {
        matches!(
            c,
            '》' | '）' | '”' | '」' | '，' | '。' | '、' | '；' | '：' | '！' | '？'
        )
    })
}

fn ends_with_closing(line: &str) -> bool {
    line.chars()
        .last()
        .is_some_and(|c| matches!(c, '”' | '」' | '』' | ')' | '）' | '"'))
}

/// Join two wrapped lines: no space between CJK characters, one between
/// Latin words.
fn join_wrapped(into: &mut String, next: &str) {
    let last_ascii = into
        .chars()
        .last()
        .is_some_and(|c| c.is_ascii_alphanumeric());
    let first_ascii = next
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric());
    if last_ascii && first_ascii {
        into.push(' ');
    }
    into.push_str(next);
}

/// Split a decoded text into paragraphs.
pub fn split_paragraphs(text: &str) -> Vec<Paragraph> {
    let lines: Vec<&str> = text.split('\n').collect();
    let wrapped = is_hard_wrapped(&lines);

    // Gather (line number, raw text) units: lines, or joined wrapped blocks.
    let mut units: Vec<(u32, String)> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = clean_text(lines[i]);
        let line_no = i as u32 + 1;
        i += 1;
        if line.is_empty() {
            continue;
        }
        let mut unit = line;
        // A line broken inside a book title or before closing punctuation
        // ("…和《" / "一九七八——一九八五年…纲要" / "》的制定,…") continues on
        // the next line, wrapped file or not.
        while i < lines.len() {
            let next = clean_text(lines[i]);
            if next.is_empty() || !(opens_unclosed_title(&unit) || starts_with_closing(&next)) {
                break;
            }
            unit.push_str(&next);
            i += 1;
        }
        if wrapped {
            while i < lines.len() {
                let next = clean_text(lines[i]);
                if next.is_empty()
                    || heading_marker(&next).is_some()
                    || ends_like_sentence(&unit)
                    || heading_marker(&unit).is_some() && unit.chars().count() < 30
                {
                    break;
                }
                join_wrapped(&mut unit, &next);
                i += 1;
            }
        }
        units.push((line_no, unit));
    }

    let mut stack: Vec<Heading> = Vec::new();
    let mut seen_numbered = false;
    let mut paragraphs = Vec::with_capacity(units.len());
    for (line_no, text) in units {
        let (role, own_heading) = classify(&text, seen_numbered);
        if let Some(heading) = &own_heading {
            if heading.level != TITLE_LEVEL {
                seen_numbered = true;
            }
            stack.retain(|h| h.level < heading.level);
        }
        let headings = match (&own_heading, role) {
            // A bare heading's path is the headings above it.
            (Some(_), Role::Heading) => titles(&stack),
            // A numbered body paragraph's own lead sentence is its heading.
            (Some(heading), _) => {
                let mut path = titles(&stack);
                path.push(heading.title.clone());
                path
            }
            (None, _) => titles(&stack),
        };
        if let Some(heading) = own_heading {
            stack.push(heading);
        }
        push_paragraph(&mut paragraphs, line_no, text, headings, role);
    }
    paragraphs
}

/// Decide what a unit is, and which heading (if any) it opens.
fn classify(text: &str, seen_numbered: bool) -> (Role, Option<Heading>) {
    if is_caption(text) {
        return (Role::Caption, None);
    }
    let char_count = text.chars().count();
    if let Some((level, marker_len)) = heading_marker(text) {
        let rest = text[marker_len..].trim();
        if char_count <= MAX_HEADING_CHARS && !ends_like_sentence(text) {
            let title = if level <= 6 { rest } else { text };
            return (
                Role::Heading,
                Some(Heading {
                    level,
                    title: shorten(title),
                }),
            );
        }
        if let Some(lead) = lead_sentence(text) {
            return (
                Role::Body,
                Some(Heading {
                    level,
                    title: shorten(lead),
                }),
            );
        }
        return (Role::Body, None);
    }
    let title_like = (2..=40).contains(&char_count) && !ends_like_sentence(text);
    if title_like && (!seen_numbered || TITLE_WORDS.iter().any(|w| text.contains(w))) {
        return (
            Role::Heading,
            Some(Heading {
                level: TITLE_LEVEL,
                title: shorten(text),
            }),
        );
    }
    (Role::Body, None)
}

/// Append a paragraph, cutting it into overlapping pieces if it is huge.
fn push_paragraph(
    out: &mut Vec<Paragraph>,
    line: u32,
    text: String,
    headings: Vec<String>,
    role: Role,
) {
    let paragraph = |number: usize, text: String, headings: Vec<String>| Paragraph {
        file: String::new(),
        number: number as u32 + 1,
        line,
        page: None,
        headings,
        role,
        text,
    };
    if text.chars().count() <= MAX_PARAGRAPH_CHARS {
        out.push(paragraph(out.len(), text, headings));
        return;
    }
    for piece in cut_long_text(&text) {
        out.push(paragraph(out.len(), piece.to_string(), headings.clone()));
    }
}

/// Cut a long text into pieces of at most [`MAX_PARAGRAPH_CHARS`]
/// characters, each starting [`MAX_LITERAL_CHARS`] characters before the
/// previous one ended, preferring to end a piece at a sentence end.
pub fn cut_long_text(text: &str) -> Vec<&str> {
    let boundaries: Vec<usize> = text
        .char_indices()
        .map(|(b, _)| b)
        .chain(std::iter::once(text.len()))
        .collect();
    let n = boundaries.len() - 1;
    let mut pieces = Vec::new();
    let mut start = 0usize;
    loop {
        let hard_end = (start + MAX_PARAGRAPH_CHARS).min(n);
        if hard_end == n {
            pieces.push(&text[boundaries[start]..]);
            break;
        }
        // Prefer a sentence end in the last quarter of the piece.
        let floor = start + MAX_PARAGRAPH_CHARS * 3 / 4;
        let end = (floor..hard_end)
            .rev()
            .find(|&k| text[boundaries[k - 1]..boundaries[k]].ends_with(['。', '！', '？', '；']))
            .unwrap_or(hard_end);
        pieces.push(&text[boundaries[start]..boundaries[end]]);
        start = end - MAX_LITERAL_CHARS;
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    fn titles(p: &Paragraph) -> Vec<&str> {
        p.headings.iter().map(String::as_str).collect()
    }

    #[test]
    fn markers_and_their_levels() {
        assert_eq!(heading_marker("一、2024年工作总结").map(|m| m.0), Some(20));
        assert_eq!(heading_marker("(一)党建引领").map(|m| m.0), Some(30));
        assert_eq!(heading_marker("（十二）其他").map(|m| m.0), Some(30));
        assert_eq!(heading_marker("1.持续筑牢").map(|m| m.0), Some(40));
        assert_eq!(heading_marker("12、加强").map(|m| m.0), Some(40));
        assert_eq!(heading_marker("（3）做好").map(|m| m.0), Some(50));
        assert_eq!(heading_marker("①做好").map(|m| m.0), Some(55));
        assert_eq!(heading_marker("一是深化").map(|m| m.0), Some(60));
        assert_eq!(heading_marker("第一章 总则").map(|m| m.0), Some(11));
        assert_eq!(heading_marker("## 第二节").map(|m| m.0), Some(2));
        assert_eq!(heading_marker("1.5亿元投入"), None);
        assert_eq!(heading_marker("2024年"), None);
        assert_eq!(heading_marker("第一条 为了"), None);
        assert_eq!(heading_marker("一年来,我们"), None);
        assert_eq!(heading_marker("#hashtag"), None);
    }

    #[test]
    fn lines_become_paragraphs_with_heading_paths() {
        let text = "总述段落，说明全年情况。\n一、2024年工作总结\n回顾过去一年。\n(一)党建引领更加坚定。全面推进基层党组织建设。\n1.细项\n细项内容。\n二、2025年工作思路\n(一)强基固本\n继续推进。\n";
        let ps = split_paragraphs(text);
        let texts: Vec<&str> = ps.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(texts.len(), 9, "{texts:?}");
        assert_eq!(ps[0].role, Role::Body);
        assert!(ps[0].headings.is_empty());
        assert_eq!(ps[1].role, Role::Heading);
        assert!(ps[1].headings.is_empty());
        assert_eq!(titles(&ps[2]), vec!["一、2024年工作总结"]);
        assert_eq!(ps[3].role, Role::Body);
        assert_eq!(
            titles(&ps[3]),
            vec!["一、2024年工作总结", "(一)党建引领更加坚定"]
        );
        assert_eq!(ps[4].role, Role::Heading);
        assert_eq!(
            titles(&ps[5]),
            vec!["一、2024年工作总结", "(一)党建引领更加坚定", "1.细项"]
        );
        assert_eq!(titles(&ps[8]), vec!["二、2025年工作思路", "(一)强基固本"]);
        assert_eq!(
            ps.iter().map(|p| p.number).collect::<Vec<_>>(),
            (1..=9).collect::<Vec<_>>()
        );
        assert_eq!(ps[2].line, 3);
    }

    #[test]
    fn blank_lines_and_whitespace_are_not_paragraphs() {
        let ps = split_paragraphs("\n\n  甲段。  \n\u{3000}\u{3000}\n\t乙  段。\n\n");
        let texts: Vec<&str> = ps.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(texts, vec!["甲段。", "乙 段。"]);
        assert_eq!(ps[1].line, 5);
    }

    #[test]
    fn unnumbered_titles_and_captions() {
        let text = "瓯海区教育局2022年工作总结\n一、主要成效\n成效内容。\n全年投入资金三亿元\n瓯海区教育局2023年工作要点\n一、总体目标\n目标内容。\n▲文昌幼儿园\n";
        let ps = split_paragraphs(text);
        assert_eq!(ps[0].role, Role::Heading);
        assert_eq!(
            titles(&ps[2]),
            vec!["瓯海区教育局2022年工作总结", "一、主要成效"]
        );
        // A short unnumbered line after numbered headings is body text...
        assert_eq!(ps[3].role, Role::Body);
        assert_eq!(
            titles(&ps[3]),
            vec!["瓯海区教育局2022年工作总结", "一、主要成效"]
        );
        // ...unless it names a part of the report.
        assert_eq!(ps[4].role, Role::Heading);
        assert_eq!(
            titles(&ps[6]),
            vec!["瓯海区教育局2023年工作要点", "一、总体目标"]
        );
        assert_eq!(ps[7].role, Role::Caption);
    }

    #[test]
    fn hard_wrapped_blocks_are_joined() {
        let line = "这是一段被按固定宽度折行的很长的政府工作报告正文内容";
        let mut text = String::new();
        for _ in 0..4 {
            text.push_str(&format!("{line}\n{line}\n{line}结束。\n\n"));
        }
        let ps = split_paragraphs(&text);
        assert_eq!(ps.len(), 4);
        assert_eq!(ps[0].text, format!("{line}{line}{line}结束。"));
        assert_eq!(ps[1].line, 5);
    }

    #[test]
    fn huge_paragraphs_are_cut_with_overlap() {
        let sentence = "学前教育普及普惠发展水平持续提升。";
        let text = sentence.repeat(3 * MAX_PARAGRAPH_CHARS / sentence.chars().count());
        let pieces = cut_long_text(&text);
        assert!(pieces.len() >= 3);
        for piece in &pieces {
            assert!(piece.chars().count() <= MAX_PARAGRAPH_CHARS);
        }
        // Consecutive pieces overlap by exactly MAX_LITERAL_CHARS characters.
        for pair in pieces.windows(2) {
            let tail: String = {
                let chars: Vec<char> = pair[0].chars().collect();
                chars[chars.len() - MAX_LITERAL_CHARS..].iter().collect()
            };
            assert!(pair[1].starts_with(&tail));
        }
        let ps = split_paragraphs(&text);
        assert_eq!(ps.len(), pieces.len());
    }

    #[test]
    fn lines_broken_inside_a_book_title_are_joined() {
        let text = "一、总述\n全国科学大会的召开和《\n一九七八——一九八五年全国科学技术发展规划纲要（草案）\n》的制定，推动了热潮。\n下一段。\n";
        let ps = split_paragraphs(text);
        let texts: Vec<&str> = ps.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(
            texts,
            vec![
                "一、总述",
                "全国科学大会的召开和《一九七八——一九八五年全国科学技术发展规划纲要（草案）》的制定，推动了热潮。",
                "下一段。"
            ]
        );
    }

    #[test]
    fn clean_text_drops_controls_and_collapses_space() {
        assert_eq!(clean_text(" a\u{1}b \u{3000} c\u{200B} "), "ab c");
    }
}
