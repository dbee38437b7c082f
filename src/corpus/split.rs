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

/// As [`split_paragraphs`]; for a paged text (extracted from a PDF, with a
/// form feed before each page's first paragraph) each paragraph also gets
/// the page it starts on.
pub fn split_paragraphs_with(text: &str, paged: bool) -> Vec<Paragraph> {
    let mut paragraphs = split_paragraphs(text);
    if paged {
        // Page of each line: one more than the form feeds up to its start
        // (a form feed opens the line it is on).
        let mut pages = Vec::new();
        let mut page = 1u32;
        for line in text.split('\n') {
            page += line.chars().take_while(|&c| c == '\x0C').count() as u32;
            pages.push(page);
            page += line
                .chars()
                .skip_while(|&c| c == '\x0C')
                .filter(|&c| c == '\x0C')
                .count() as u32;
        }
        for p in &mut paragraphs {
            p.page = pages.get(p.line as usize - 1).copied().or(Some(page));
        }
    }
    paragraphs
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
        // ("…和《" / "一九七八——一九八五年…纲要" / "》的制定,…"), after a
        // word that cannot end a sentence ("…已经缔结了" / "友好同盟互助条约"),
        // before one that cannot start one ("的规定,…"), or before a lone
        // character ("政府工作报" / "告") continues on the next line, wrapped
        // file or not.
        while i < lines.len() {
            let next = clean_text(lines[i]);
            if next.is_empty() || !continues(&unit, &next) {
                break;
            }
            unit.push_str(&next);
            i += 1;
        }
        // Web pages saved as text break sentences at a line holding only a
        // zero-width space (an inline element's trace): a sentence broken
        // off there ("…今年预期目标设定" / "\u{200B}" / "为6%以上，…") goes on
        // after it.
        if is_sentence_fragment(&unit)
            && let Some(next) = after_zero_width_break(&lines, i)
            && heading_marker(&clean_text(lines[next])).is_none()
        {
            unit.push_str(&clean_text(lines[next]));
            i = next + 1;
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

    let bylines = bylines(&units);
    let mut stack: Vec<Heading> = Vec::new();
    let mut seen_numbered = false;
    let mut paragraphs = Vec::with_capacity(units.len());
    for (k, (line_no, text)) in units.into_iter().enumerate() {
        let (role, own_heading) = if bylines[k] {
            (Role::Caption, None)
        } else {
            classify(&text, seen_numbered)
        };
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

/// Does `next` continue the line `unit` (rather than start a paragraph)?
fn continues(unit: &str, next: &str) -> bool {
    opens_unclosed_title(unit)
        || starts_with_closing(next)
        || (!ends_like_sentence(unit) && !ends_with_closing(unit))
            && heading_marker(next).is_none()
            && (ends_with_function_word(unit)
                || starts_with_particle(next)
                || next.chars().count() == 1)
}

/// Words a sentence cannot end with: a line ending in one was broken.
const FUNCTION_WORDS: &[&str] = &[
    "的", "了", "和", "与", "及", "或", "在", "对", "把", "被", "向", "从", "按照", "根据", "通过",
    "关于", "同", "由", "以", "为了", "并", "而", "等",
];

fn ends_with_function_word(line: &str) -> bool {
    // A heading may end with 等 or 和 only in odd cases; a line this short
    // is more likely a title than a broken sentence.
    line.chars().count() >= 6 && FUNCTION_WORDS.iter().any(|w| line.ends_with(w))
}

/// A line that starts with 的 (but not 的确) continues a sentence.
fn starts_with_particle(line: &str) -> bool {
    line.starts_with('的') && !line.starts_with("的确")
}

/// Is this unit a sentence that stops short: no closing punctuation, and a
/// clause comma inside it, or too long to be a title?
fn is_sentence_fragment(unit: &str) -> bool {
    !ends_like_sentence(unit)
        && !ends_with_closing(unit)
        && heading_marker(unit).is_none()
        && (unit.contains(['，', '、']) || unit.chars().count() > MAX_HEADING_CHARS)
}

/// If line `at` (and any after it) holds only whitespace and zero-width
/// characters, with at least one zero-width one, the index of the next
/// line with text.
fn after_zero_width_break(lines: &[&str], at: usize) -> Option<usize> {
    let mut k = at;
    let mut zero_width = false;
    while k < lines.len() && clean_text(lines[k]).is_empty() {
        zero_width |=
            lines[k].contains(['\u{200B}', '\u{200C}', '\u{200D}', '\u{2060}', '\u{FEFF}']);
        k += 1;
    }
    (zero_width && k > at && k < lines.len()).then_some(k)
}

/// Words that open a byline ("通讯员 徐浩然", "来源：…").
const BYLINE_OPENERS: &[&str] = &[
    "通讯员",
    "记者",
    "作者",
    "来源",
    "编辑",
    "责任编辑",
    "审核",
    "审校",
    "校对",
    "摄影",
    "供稿",
    "撰稿",
    "发布时间",
    "发布日期",
    "发布者",
    "时间：",
    "时间:",
    "日期：",
    "日期:",
    "文/",
    "文｜",
];

/// Offices a speaker is named by ("国务院总理", "县教育局局长").
const OFFICES: &[&str] = &[
    "总理",
    "主席",
    "委员长",
    "省长",
    "市长",
    "县长",
    "区长",
    "局长",
    "厅长",
    "书记",
    "主任",
];

/// Salutations that open a speech ("各位代表：").
const SALUTATIONS: &[&str] = &["各位代表", "各位委员", "同志们", "各位领导"];

/// Is this line a byline, a dateline or an office: who wrote or spoke,
/// when and where?
fn is_byline_text(text: &str) -> bool {
    let chars = text.chars().count();
    if chars > 40 || heading_marker(text).is_some() {
        return false;
    }
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    BYLINE_OPENERS.iter().any(|w| compact.starts_with(w))
        // "——2024年3月5日在第十四届全国人民代表大会第二次会议上"
        || text.starts_with('—')
        || (compact.contains('月')
            && compact.contains('日')
            && compact.ends_with('上')
            && ["会议", "會議", "大会", "大會"].iter().any(|w| compact.contains(w)))
        || (compact.chars().count() <= 12 && OFFICES.iter().any(|o| compact.ends_with(o)))
}

/// A person's name: two to four Chinese characters, perhaps spaced out
/// ("李　强").
fn looks_like_name(text: &str) -> bool {
    let compact: Vec<char> = text.chars().filter(|c| !c.is_whitespace()).collect();
    (2..=4).contains(&compact.len())
        && compact
            .iter()
            .all(|c| ('\u{4E00}'..='\u{9FFF}').contains(c))
}

/// Which units are bylines, datelines, offices or speakers' names — lines
/// that say who and when, not what: they are neither headings nor part of
/// the title. A name counts only in context: after an office or dateline,
/// before a salutation, or written with spaces between its characters.
fn bylines(units: &[(u32, String)]) -> Vec<bool> {
    let mut out: Vec<bool> = units.iter().map(|(_, t)| is_byline_text(t)).collect();
    for k in 0..units.len() {
        let text = &units[k].1;
        if out[k] || !looks_like_name(text) {
            continue;
        }
        let after_office = k > 0 && out[k - 1];
        let before_salutation = units
            .get(k + 1)
            .is_some_and(|(_, next)| SALUTATIONS.iter().any(|s| next.starts_with(s)));
        let spaced = text.chars().any(char::is_whitespace);
        out[k] = after_office || before_salutation || spaced;
    }
    out
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
    fn bylines_datelines_and_speakers_are_not_headings() {
        let text = "2024年政府工作报告\n政府工作报\n告\n——2024年3月5日在第十四届全国人民代表大会第二次会议上\n国务院总理\n李　强\n各位代表：\n一、2023年工作回顾\n过去一年。\n";
        let ps = split_paragraphs(text);
        let texts: Vec<&str> = ps.iter().map(|p| p.text.as_str()).collect();
        assert!(texts.contains(&"政府工作报告"), "{texts:?}");
        let last = ps.last().unwrap();
        assert_eq!(titles(last), vec!["政府工作报告", "一、2023年工作回顾"]);
        for byline in ["国务院总理", "李 强"] {
            let p = ps.iter().find(|p| p.text == byline).unwrap();
            assert_eq!(p.role, Role::Caption, "{byline}");
        }
        let news = "县教育局\n全面推进教育新实践\n通讯员 徐浩然\n记者 罗曼琳\n2023年,县教育局全面贯彻落实。\n";
        let ps = split_paragraphs(news);
        assert_eq!(titles(&ps[4]), vec!["全面推进教育新实践"]);
        assert_eq!(ps[2].role, Role::Caption);
    }

    #[test]
    fn sentences_broken_by_the_page_are_joined() {
        let zero_width = "经济增速是综合性指标，今年预期目标设定\n\u{200B}\n为6%以上，考虑了经济运行恢复情况。\n";
        let ps = split_paragraphs(zero_width);
        assert_eq!(ps.len(), 1, "{ps:?}");
        assert!(ps[0].text.starts_with("经济增速") && ps[0].text.ends_with("恢复情况。"));
        let link = "我国同伟大的和平堡垒苏联已经缔结了\n友好同盟互助条约\n。苏联根据友好互助的精神交还。\n";
        let ps = split_paragraphs(link);
        assert_eq!(ps.len(), 1, "{ps:?}");
        let particle = "中央人民政府按照\n共同纲领\n的规定，完成了统一。\n";
        assert_eq!(split_paragraphs(particle).len(), 1);
        // A title followed by a zero-width line stays a title.
        let title = "2017年政府工作报告\n\u{200B}\n政府工作报告\n";
        assert_eq!(split_paragraphs(title).len(), 2);
    }

    #[test]
    fn paged_text_numbers_pages_by_form_feeds() {
        let text = "一、总体要求\n第一页的段落。\n\x0C第二页的段落。\n\x0C\x0C第四页的段落。\n";
        let paragraphs = split_paragraphs_with(text, true);
        let pages: Vec<Option<u32>> = paragraphs.iter().map(|p| p.page).collect();
        assert_eq!(pages, vec![Some(1), Some(1), Some(2), Some(4)]);
        assert!(
            split_paragraphs_with(text, false)
                .iter()
                .all(|p| p.page.is_none())
        );
    }

    #[test]
    fn clean_text_drops_controls_and_collapses_space() {
        assert_eq!(clean_text(" a\u{1}b \u{3000} c\u{200B} "), "ab c");
    }
}
