//! Web pages: a bureau's report as its website shows it, saved by a
//! browser or a crawler.
//!
//! **Encoding.** A byte-order mark decides; else the charset a `<meta>`
//! declares, if the bytes decode cleanly with it; else, when they do not
//! (pages that say UTF-8 and are GBK are common), the encoding is detected
//! from the bytes with chardetng, and a note says so.
//!
//! **The article, not the page.** Government sites wrap an article in
//! navigation, breadcrumbs, footers and tool strips ("下载 打印 全屏 收藏
//! 【字号：加大 还原 减小】"). The content is taken from the container the
//! common government CMSs put it in (`.TRS_Editor`, `#zoom`,
//! `#UCAP-CONTENT`, `.article`, `.content`…), or else from the block with
//! the most text that is not link text, scored as readability does (a
//! paragraph's text counts for its block, and less for the blocks around
//! it). Scripts, styles, forms and navigation inside it are dropped.
//!
//! **Structure.** `h1`–`h6` become headings; `p`, `div`, `li` and `br`
//! break paragraphs; a data table becomes one line per row (a cell that
//! spans rows is repeated in each), while a layout table — cells holding
//! paragraphs — is read as the blocks it holds.
//!
//! **Title and date.** The page's `<title>` (without the site name after
//! `_` or `|`) and a publication date (发布时间：2024-01-05) open the text,
//! as a text report's title line does, for the tagger.

use super::lines::{Extracted, push_heading, push_line};
use crate::corpus::decode::SkipReason;
use crate::corpus::format::Format;
use ego_tree::NodeId;
use encoding_rs::Encoding;
use scraper::{ElementRef, Html, Node, Selector};
use std::collections::HashMap;

/// Does the start of a file look like markup?
pub fn looks_like_html(bytes: &[u8]) -> bool {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(2048)]).to_ascii_lowercase();
    let head = head.trim_start_matches('\u{FEFF}').trim_start();
    head.starts_with("<!doctype html")
        || head.starts_with("<html")
        || head.starts_with("<?xml") && head.contains("<html")
        || head.starts_with("<head")
        || head.starts_with("<meta")
        || head.starts_with("<!--") && head.contains("<html")
        || ["<html", "<body", "<div", "<p>", "<p ", "<table", "<br"]
            .iter()
            .filter(|t| head.contains(*t))
            .count()
            >= 2
}

/// A whole document rather than text that quotes a tag: it has `<html>`,
/// `<body>` or `<head>`.
pub fn is_html_document(bytes: &[u8]) -> bool {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]).to_ascii_lowercase();
    head.contains("<html") || head.contains("<body") || head.contains("<head")
}

/// The charset a `<meta>` tag declares, from the page's first 16 KiB.
fn declared_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(16 << 10)]).to_ascii_lowercase();
    let mut rest = head.as_str();
    while let Some(at) = rest.find("<meta") {
        let tag_end = rest[at..].find('>').map_or(rest.len(), |e| at + e);
        let tag = &rest[at..tag_end];
        if let Some(c) = tag.find("charset") {
            let value = tag[c + "charset".len()..]
                .trim_start()
                .trim_start_matches('=')
                .trim_start()
                .trim_start_matches(['"', '\'']);
            let label: String = value
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'))
                .collect();
            if let Some(encoding) = Encoding::for_label(label.as_bytes()) {
                // A meta tag cannot declare UTF-16 (the bytes would not
                // have been readable as ASCII to find it): HTML reads it
                // as UTF-8.
                if encoding == encoding_rs::UTF_16LE || encoding == encoding_rs::UTF_16BE {
                    return Some(encoding_rs::UTF_8);
                }
                return Some(encoding);
            }
        }
        rest = &rest[tag_end..];
    }
    None
}

/// The page's text and how it was decoded.
fn decode(bytes: &[u8], notes: &mut Vec<String>) -> (String, String) {
    if let Some((encoding, bom)) = Encoding::for_bom(bytes) {
        let (text, _) = encoding.decode_without_bom_handling(&bytes[bom..]);
        return (
            text.into_owned(),
            format!("{} (bom)", encoding.name().to_lowercase()),
        );
    }
    let declared = declared_charset(bytes);
    if let Some(encoding) = declared
        && let Some(text) = encoding.decode_without_bom_handling_and_without_replacement(bytes)
    {
        return (text.into_owned(), encoding.name().to_lowercase());
    }
    let guessed = if std::str::from_utf8(bytes).is_ok() {
        encoding_rs::UTF_8
    } else {
        let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
        detector.feed(bytes, true);
        detector.guess(None, chardetng::Utf8Detection::Allow)
    };
    let (text, _, replaced) = guessed.decode(bytes);
    let name = guessed.name().to_lowercase();
    if let Some(declared) = declared {
        notes.push(format!(
            "declares {} but is not; read as {name}",
            declared.name().to_lowercase()
        ));
    }
    if replaced {
        let count = text.chars().filter(|&c| c == '\u{FFFD}').count();
        notes.push(format!("{count} undecodable bytes replaced by U+FFFD"));
    }
    (text.into_owned(), format!("{name} (detected)"))
}

/// Containers government CMSs put an article in, most specific first.
const CONTENT_SELECTORS: &[&str] = &[
    ".TRS_Editor",
    ".TRS_UEDITOR",
    "#zoom",
    "#UCAP-CONTENT",
    ".pages_content",
    "#fontzoom",
    ".article-content",
    ".article_content",
    "#article_content",
    ".art_con",
    ".wzcon",
    ".con_text",
    ".main-text",
    "#Content",
    "#content",
    ".article",
    ".content",
    "article",
    "main",
];

/// Elements never read.
fn is_dropped_tag(name: &str) -> bool {
    matches!(
        name,
        "script"
            | "style"
            | "noscript"
            | "template"
            | "iframe"
            | "svg"
            | "canvas"
            | "nav"
            | "form"
            | "select"
            | "button"
            | "input"
            | "textarea"
            | "head"
            | "object"
            | "embed"
            | "map"
    )
}

/// Navigation and chrome by class or id: names that contain a distinctive
/// mark (`breadcrumb`, `copyright`, `banquanmianze`…), or that are, or
/// start with, a short one (`nav`, `menu-top`, `print`).
fn is_chrome(element: &scraper::node::Element) -> bool {
    const CONTAINS: &[&str] = &[
        "breadcrumb",
        "crumb",
        "copyright",
        "banquan",
        "mianze",
        "disclaimer",
        "sidebar",
        "toolbar",
        "fenxiang",
        "daohang",
        "footer",
        "share",
        "xgwz",
        "xgxw",
        "related",
    ];
    const STARTS: &[&str] = &[
        "nav", "menu", "print", "position", "location", "foot", "bottom",
    ];
    let mut names = element
        .classes()
        .map(|c| c.to_ascii_lowercase())
        .collect::<Vec<_>>();
    if let Some(id) = element.id() {
        names.push(id.to_ascii_lowercase());
    }
    names.iter().any(|n| {
        CONTAINS.iter().any(|m| n.contains(m))
            || STARTS.iter().any(|m| {
                n == m
                    || n.starts_with(&format!("{m}-"))
                    || n.starts_with(&format!("{m}_"))
                    || n.starts_with(&format!("{m}bar"))
                    || n == &format!("{m}s")
            })
    })
}

fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "div"
            | "section"
            | "article"
            | "main"
            | "li"
            | "ul"
            | "ol"
            | "dl"
            | "dt"
            | "dd"
            | "blockquote"
            | "pre"
            | "table"
            | "tbody"
            | "thead"
            | "tfoot"
            | "tr"
            | "td"
            | "th"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "center"
            | "body"
            | "header"
            | "footer"
            | "aside"
            | "figure"
            | "figcaption"
            | "hr"
            | "br"
    )
}

/// Characters that carry meaning (not spaces or punctuation).
fn weight(text: &str) -> usize {
    text.chars().filter(|c| c.is_alphanumeric()).count()
}

/// Read a web page's text.
pub fn extract(bytes: &[u8]) -> Result<Extracted, SkipReason> {
    let mut notes = Vec::new();
    let (source, encoding) = decode(bytes, &mut notes);
    let document = Html::parse_document(&source);
    let title = page_title(&document);
    let root = content_root(&document);
    let mut body = String::new();
    // The article's own heading often sits just outside the container
    // that holds its text.
    if let Some(root) = root
        && let Some(h1) = outer_heading(&document, root)
    {
        push_heading(&mut body, 1, &inline_text(h1));
    }
    if let Some(root) = root {
        let mut renderer = Renderer::default();
        renderer.block(root, &mut body, true);
        renderer.flush(&mut body);
    }
    let body = drop_tool_lines(&body);
    let mut text = String::new();
    let date = publication_date(&document);
    let first_line = body
        .lines()
        .next()
        .unwrap_or("")
        .trim_start_matches('#')
        .trim();
    if let Some(title) = &title
        && (first_line.is_empty()
            || !first_line.contains(title.as_str()) && !title.contains(first_line))
    {
        match &date {
            Some(date) if !body.contains(date.as_str()) => {
                push_line(&mut text, &format!("{title} 发布时间：{date}"))
            }
            _ => push_line(&mut text, title),
        }
    } else if let Some(date) = &date
        && !body.contains(date.as_str())
    {
        push_line(&mut text, &format!("发布时间：{date}"));
    }
    text.push_str(&body);
    Ok(Extracted {
        text,
        format: Format::Html,
        encoding,
        paged: false,
        notes,
    })
}

/// The page's first `<h1>`, when it is outside the content root and not
/// part of the site's chrome.
fn outer_heading<'a>(document: &'a Html, root: ElementRef<'a>) -> Option<ElementRef<'a>> {
    let selector = Selector::parse("h1").ok()?;
    let h1 = document.select(&selector).find(|h| {
        !h.ancestors().any(|a| {
            a.value()
                .as_element()
                .is_some_and(|e| is_dropped_tag(e.name()) || is_chrome(e))
        })
    })?;
    let inside = h1.ancestors().any(|a| a.id() == root.id());
    let text = inline_text(h1);
    (!inside && weight(&text) > 0 && !root.text().collect::<String>().starts_with(text.trim()))
        .then_some(h1)
}

/// `<title>` without the site name: "关于…的通知_部门文件_中国政府网" → the
/// notice.
fn page_title(document: &Html) -> Option<String> {
    let selector = Selector::parse("title").ok()?;
    let raw: String = document.select(&selector).next()?.text().collect();
    let raw = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    let first = raw
        .split(['_', '|', '－'])
        .next()
        .unwrap_or(&raw)
        .split(" - ")
        .next()
        .unwrap_or(&raw)
        .split("--")
        .next()
        .unwrap_or(&raw)
        .trim()
        .to_string();
    let title = if first.chars().count() >= 4 {
        first
    } else {
        raw
    };
    (!title.is_empty()).then_some(title)
}

/// A publication date the page states ("发布时间：2024-01-05",
/// "发布日期：2024年1月5日"), anywhere in its body.
fn publication_date(document: &Html) -> Option<String> {
    let selector = Selector::parse("body").ok()?;
    let body = document.select(&selector).next()?;
    let text: String = body.text().collect::<Vec<_>>().join(" ");
    for label in [
        "发布时间",
        "发布日期",
        "发文日期",
        "成文日期",
        "日期",
        "时间",
    ] {
        let mut rest = text.as_str();
        while let Some(at) = rest.find(label) {
            let after = &rest[at + label.len()..];
            let window: String = after.chars().take(16).collect();
            if let Some(date) = find_date(&window) {
                return Some(date);
            }
            rest = after;
        }
    }
    None
}

/// The first date in `s`: 2024-01-05, 2024/1/5, 2024.01.05 or 2024年1月5日.
fn find_date(s: &str) -> Option<String> {
    let chars: Vec<char> = s.chars().collect();
    for start in 0..chars.len() {
        let digits = |from: usize, max: usize| {
            chars[from.min(chars.len())..]
                .iter()
                .take(max)
                .take_while(|c| c.is_ascii_digit())
                .count()
        };
        if digits(start, 4) != 4 || (start > 0 && chars[start - 1].is_ascii_digit()) {
            continue;
        }
        let sep = chars.get(start + 4)?;
        if !matches!(sep, '-' | '/' | '.' | '年') {
            continue;
        }
        let m = digits(start + 5, 2);
        if m == 0 {
            continue;
        }
        let sep2 = chars.get(start + 5 + m);
        if !matches!(sep2, Some('-' | '/' | '.' | '月')) {
            continue;
        }
        let d = digits(start + 6 + m, 2);
        if d == 0 {
            continue;
        }
        let end = start + 6 + m + d;
        let mut date: String = chars[start..end].iter().collect();
        if chars.get(end) == Some(&'日') {
            date.push('日');
        }
        return Some(date);
    }
    None
}

/// The element holding the article.
fn content_root(document: &Html) -> Option<ElementRef<'_>> {
    let body = Selector::parse("body")
        .ok()
        .and_then(|s| document.select(&s).next().map(visible_weight))
        .unwrap_or(0);
    for css in CONTENT_SELECTORS {
        let Ok(selector) = Selector::parse(css) else {
            continue;
        };
        let best = document
            .select(&selector)
            .map(|e| (visible_weight(e), e))
            .max_by_key(|(w, _)| *w);
        // A container that holds little of the page's text is not the
        // article (a `.content` class on a menu item).
        if let Some((w, e)) = best
            && (w >= 50 || w > 0 && w * 5 >= body * 2)
        {
            return Some(e);
        }
    }
    densest_block(document).or_else(|| {
        let selector = Selector::parse("body").ok()?;
        document.select(&selector).next()
    })
}

/// Text an element shows, not counting dropped elements or link text.
fn visible_weight(element: ElementRef) -> usize {
    let mut total = 0;
    for node in element.descendants() {
        if let Node::Text(text) = node.value()
            && !node.ancestors().any(|a| {
                a.value()
                    .as_element()
                    .is_some_and(|e| is_dropped_tag(e.name()) || e.name() == "a")
            })
        {
            total += weight(text);
        }
    }
    total
}

/// Readability's pick: each text's weight (less twice its link text)
/// counts fully for the block that holds it, three quarters for that
/// block's parent and half for its grandparent; the best-scored block wins.
fn densest_block(document: &Html) -> Option<ElementRef<'_>> {
    let mut scores: HashMap<NodeId, f64> = HashMap::new();
    for node in document.tree.nodes() {
        let Node::Text(text) = node.value() else {
            continue;
        };
        let w = weight(text) as f64;
        if w == 0.0 {
            continue;
        }
        let mut in_link = false;
        let mut owner = None;
        let mut dropped = false;
        for ancestor in node.ancestors() {
            let Some(e) = ancestor.value().as_element() else {
                continue;
            };
            if is_dropped_tag(e.name()) || is_chrome(e) {
                dropped = true;
                break;
            }
            if e.name() == "a" {
                in_link = true;
            }
            if owner.is_none() && is_block(e.name()) {
                owner = Some(ancestor);
            }
        }
        if dropped {
            continue;
        }
        let Some(owner) = owner else {
            continue;
        };
        let value = if in_link { -2.0 * w } else { w };
        let mut at = Some(owner);
        for factor in [1.0, 0.75, 0.5] {
            let Some(n) = at else {
                break;
            };
            *scores.entry(n.id()).or_insert(0.0) += value * factor;
            at = n.parent();
        }
    }
    let (best, _) = scores
        .into_iter()
        .filter(|(_, s)| *s > 0.0)
        .max_by(|a, b| a.1.total_cmp(&b.1).then_with(|| b.0.cmp(&a.0)))?;
    document.tree.get(best).and_then(ElementRef::wrap)
}

/// Walks the content into lines.
#[derive(Default)]
struct Renderer {
    line: String,
    /// Characters of the line that are link text.
    link_weight: usize,
    /// Depth inside `<a>` elements.
    in_link: usize,
    /// Depth inside `<pre>`, where line breaks are the text's own.
    in_pre: usize,
}

impl Renderer {
    /// End the line. A line that is all link text ("related articles",
    /// "previous / next") is not part of the article.
    fn flush(&mut self, out: &mut String) {
        let total = weight(&self.line);
        if total == 0 || self.link_weight * 10 < total * 9 {
            push_line(out, &self.line);
        }
        self.line.clear();
        self.link_weight = 0;
    }

    fn block(&mut self, element: ElementRef, out: &mut String, is_root: bool) {
        let e = element.value();
        let name = e.name();
        if is_dropped_tag(name) || (!is_root && is_chrome(e)) {
            return;
        }
        match name {
            "br" => {
                self.flush(out);
                return;
            }
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                self.flush(out);
                let level = name[1..].parse::<u8>().unwrap_or(1);
                push_heading(out, level, &inline_text(element));
                return;
            }
            "table" => {
                self.flush(out);
                self.table(element, out);
                return;
            }
            _ => {}
        }
        let block = is_block(name);
        if block {
            self.flush(out);
        }
        if name == "a" {
            self.in_link += 1;
        }
        if name == "pre" {
            self.in_pre += 1;
        }
        for child in element.children() {
            match child.value() {
                Node::Text(text) => {
                    let mut pieces = text.split('\n').peekable();
                    while let Some(piece) = pieces.next() {
                        self.line.push_str(piece);
                        if self.in_link > 0 {
                            self.link_weight += weight(piece);
                        }
                        if self.in_pre > 0 && pieces.peek().is_some() {
                            self.flush(out);
                        }
                    }
                }
                Node::Element(_) => {
                    if let Some(child) = ElementRef::wrap(child) {
                        self.block(child, out, false);
                    }
                }
                _ => {}
            }
        }
        if name == "a" {
            self.in_link -= 1;
        }
        if name == "pre" {
            self.in_pre -= 1;
        }
        if block {
            self.flush(out);
        }
    }

    /// A data table is one line per row; a layout table (cells holding
    /// tables, or long text) is read as its blocks.
    fn table(&mut self, table: ElementRef, out: &mut String) {
        // Cells spanning rows: (column, text, rows left).
        let mut spans: Vec<(usize, String, usize)> = Vec::new();
        let rows = table.descendent_elements().filter(|e| {
            e.value().name() == "tr"
                && e.ancestors()
                    .filter_map(|a| a.value().as_element())
                    .find(|a| a.name() == "table")
                    .is_some_and(|_| {
                        // The row belongs to this table, not a nested one.
                        e.ancestors()
                            .filter_map(ElementRef::wrap)
                            .find(|a| a.value().name() == "table")
                            .is_some_and(|t| t.id() == table.id())
                    })
        });
        for row in rows {
            let cells: Vec<ElementRef> = row
                .child_elements()
                .filter(|c| matches!(c.value().name(), "td" | "th"))
                .collect();
            let layout = cells.iter().any(|c| {
                visible_weight(*c) > 300
                    || c.descendent_elements()
                        .any(|d| matches!(d.value().name(), "table" | "h1" | "h2" | "h3"))
            });
            if layout {
                for cell in cells {
                    self.block(cell, out, false);
                }
                continue;
            }
            let mut texts: Vec<String> = Vec::new();
            let mut column = 0;
            let mut cells = cells.into_iter().peekable();
            loop {
                if let Some(pos) = spans.iter().position(|(c, _, _)| *c == column) {
                    let (_, text, left) = &mut spans[pos];
                    texts.push(text.clone());
                    *left -= 1;
                    if *left == 0 {
                        spans.remove(pos);
                    }
                    column += 1;
                    continue;
                }
                let Some(cell) = cells.next() else {
                    break;
                };
                let text = inline_text(cell);
                let rowspan = cell
                    .value()
                    .attr("rowspan")
                    .and_then(|r| r.trim().parse::<usize>().ok())
                    .unwrap_or(1)
                    .min(1000);
                let colspan = cell
                    .value()
                    .attr("colspan")
                    .and_then(|r| r.trim().parse::<usize>().ok())
                    .unwrap_or(1)
                    .clamp(1, 100);
                if rowspan > 1 {
                    spans.push((column, text.clone(), rowspan - 1));
                }
                texts.push(text);
                column += colspan;
            }
            let texts: Vec<&str> = texts
                .iter()
                .map(|t| t.trim())
                .filter(|t| !t.is_empty())
                .collect();
            push_line(out, &texts.join("\t"));
        }
    }
}

/// An element's text on one line, dropped elements left out.
fn inline_text(element: ElementRef) -> String {
    let mut out = String::new();
    for node in element.descendants() {
        if let Node::Text(text) = node.value()
            && !node.ancestors().any(|a| {
                a.value()
                    .as_element()
                    .is_some_and(|e| is_dropped_tag(e.name()))
            })
        {
            out.push_str(text);
        } else if let Some(e) = node.value().as_element()
            && (e.name() == "br" || is_block(e.name()))
        {
            out.push(' ');
        }
    }
    out
}

/// The tool strips government pages put around an article: lines made of
/// nothing but tool words and brackets.
fn drop_tool_lines(text: &str) -> String {
    const TOOL_WORDS: &[&str] = &[
        "下载",
        "打印",
        "全屏",
        "收藏",
        "字号",
        "加大",
        "还原",
        "减小",
        "大",
        "中",
        "小",
        "关闭",
        "窗口",
        "本页",
        "关闭窗口",
        "打印本页",
        "分享",
        "分享到",
        "扫一扫",
        "在手机打开",
        "当前页",
        "默认",
        "返回顶部",
        "顶部",
        "纠错",
        "我要纠错",
        "背景色",
        "字体",
        "保护视力色",
        "微博",
        "微信",
        "QQ空间",
        "手机",
        "打开此页",
        "打开",
        "此页",
        "朋友圈",
        "复制链接",
        "链接",
    ];
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let mut rest: String = line
            .chars()
            .filter(|c| !c.is_whitespace() && !"【】[]()（）:：|/、·".contains(*c))
            .collect();
        if rest.is_empty() {
            continue;
        }
        let mut changed = true;
        while changed && !rest.is_empty() {
            changed = false;
            for word in TOOL_WORDS.iter().rev() {
                if let Some(r) = rest.strip_prefix(word) {
                    rest = r.to_string();
                    changed = true;
                    break;
                }
            }
        }
        if !rest.is_empty() || line.chars().filter(|c| c.is_alphanumeric()).count() > 24 {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(html: &str) -> String {
        extract(html.as_bytes()).unwrap().text
    }

    #[test]
    fn the_article_not_the_navigation() {
        let page = r#"<html><head><title>青田县教育局2024年工作总结_青田县人民政府</title></head><body>
            <div class="nav"><a href="/">首页</a> <a href="/a">政务公开</a> <a href="/b">教育动态</a></div>
            <div class="tools">下载 打印 全屏 收藏 【字号：加大 还原 减小】</div>
            <div class="info">发布时间：2025-01-05 来源：县教育局</div>
            <div class="TRS_Editor"><h2>一、2024年工作总结</h2><p>学前教育学位新增1350个，普惠性幼儿园覆盖率达99.29%。</p>
            <p>义务教育优质均衡发展县创建通过市级评估。<br>全年完成校建投资7.77亿元。</p></div>
            <div class="footer">版权所有 青田县人民政府 联系我们</div></body></html>"#;
        let out = text(page);
        assert_eq!(
            out,
            "青田县教育局2024年工作总结 发布时间：2025-01-05\n一、2024年工作总结\n学前教育学位新增1350个，普惠性幼儿园覆盖率达99.29%。\n义务教育优质均衡发展县创建通过市级评估。\n全年完成校建投资7.77亿元。\n"
        );
    }

    #[test]
    fn without_a_known_container_the_densest_block_wins() {
        let page = r#"<html><body><table><tr><td><a href="/">首页</a><a href="/x">机构设置</a><a href="/y">政策文件</a></td></tr></table>
            <div><div id="x1"><p>一是深化党的理论学习。全年开展集中学习二十次，覆盖全体干部。</p><p>二是加强队伍建设，新招录教师一百二十名。</p></div></div>
            <div>友情链接：<a href="/z">某某网</a></div></body></html>"#;
        let out = text(page);
        assert!(out.contains("一是深化党的理论学习"), "{out}");
        assert!(out.contains("二是加强队伍建设"), "{out}");
        assert!(
            !out.contains("机构设置") && !out.contains("友情链接"),
            "{out}"
        );
    }

    #[test]
    fn data_tables_are_rows_and_row_spans_repeat() {
        let page = r#"<html><body><div class="content"><p>处罚信息公开表，以下为本月处罚决定的全部内容。</p><table>
            <tr><th>序号</th><th>单位</th><th>事由</th></tr>
            <tr><td rowspan="2">1</td><td>甲银行</td><td>违规放贷</td></tr>
            <tr><td>乙银行</td><td>数据造假</td></tr></table></div></body></html>"#;
        let out = text(page);
        assert!(
            out.contains("序号\t单位\t事由\n") || out.contains("序号 单位 事由\n"),
            "{out}"
        );
        assert!(out.contains("1 甲银行 违规放贷\n"), "{out}");
        assert!(out.contains("1 乙银行 数据造假\n"), "{out}");
    }

    #[test]
    fn a_page_whose_meta_lies_about_its_charset_is_sniffed() {
        let html = "<html><head><meta charset=\"utf-8\"><title>学前教育</title></head><body><div class=\"content\"><p>学前教育普惠发展，全县新增幼儿园学位一千三百五十个，普惠性幼儿园覆盖率达到百分之九十九。</p></div></body></html>";
        let (gbk, _, _) = encoding_rs::GBK.encode(html);
        let extracted = extract(&gbk).unwrap();
        assert!(
            extracted.text.contains("学前教育普惠发展"),
            "{}",
            extracted.text
        );
        assert!(
            extracted.encoding.contains("detected"),
            "{}",
            extracted.encoding
        );
        assert!(extracted.notes.iter().any(|n| n.contains("utf-8")));
    }

    #[test]
    fn gb2312_declared_and_true() {
        let html = "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\"></head><body><p>一、工作总结</p></body></html>";
        let (gbk, _, _) = encoding_rs::GBK.encode(html);
        let extracted = extract(&gbk).unwrap();
        assert!(extracted.text.contains("一、工作总结"));
        assert_eq!(extracted.encoding, "gbk");
    }

    #[test]
    fn dates_in_several_forms() {
        assert_eq!(
            find_date("：2024-01-05 来源").as_deref(),
            Some("2024-01-05")
        );
        assert_eq!(find_date(" 2024年1月5日 ").as_deref(), Some("2024年1月5日"));
        assert_eq!(find_date("12345-1-1"), None);
    }
}
