//! Which year a report reviews, and which year (or span of years) each
//! paragraph describes.
//!
//! A paragraph's year comes from the nearest heading above it that names
//! one: "一、2024年工作总结" → 2024, "二、“十三五”(2016—2020年)工作总结" →
//! 2016–2020, "五、十四五(2021—2025)工作安排" → 2021–2025. A paragraph under
//! no dated heading takes the report's year. Within a span, `year` is the
//! report's year when it falls inside the span, otherwise the nearer end
//! (a 十四五 plan in a 2020 report is dated 2021, its span 2021–2025).
//!
//! Relative years (今年, 去年, 过去一年, 过去五年, 明年) are resolved only in
//! 政府工作报告, whose titles give the year they are delivered in.

use super::kind;
use super::tagged::{TagSource, Tagged};
use crate::corpus::record::{Kind, Paragraph, Role, Year};

/// A year and the span it belongs to (equal ends for a single year).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub from: i32,
    pub to: i32,
}

/// Five-year plans and their years (longest names first).
const FIVE_YEAR_PLANS: &[(&str, i32)] = &[
    ("十一五", 2006),
    ("十二五", 2011),
    ("十三五", 2016),
    ("十四五", 2021),
    ("十五五", 2026),
    ("九五", 1996),
    ("八五", 1991),
];

fn plausible(year: i32) -> bool {
    (1900..=2100).contains(&year)
}

fn chinese_digit(c: char) -> Option<i32> {
    Some(match c {
        '〇' | '零' | 'О' | '○' => 0,
        '一' => 1,
        '二' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => return None,
    })
}

fn is_dash(c: char) -> bool {
    matches!(c, '—' | '–' | '-' | '~' | '～' | '至' | '到' | '－' | '―')
}

/// A year written with four digits at `i`, Arabic (2024) or Chinese
/// (二〇二四).
fn year_at(chars: &[char], i: usize) -> Option<i32> {
    arabic_year_at(chars, i).or_else(|| chinese_year_at(chars, i))
}

/// Four Chinese numerals at `i` that make a plausible year (一九七八).
fn chinese_year_at(chars: &[char], i: usize) -> Option<i32> {
    if i + 4 > chars.len() {
        return None;
    }
    let mut year = 0;
    for &c in &chars[i..i + 4] {
        year = year * 10 + chinese_digit(c)?;
    }
    plausible(year).then_some(year)
}

/// Four ASCII digits at `i` not inside a longer number.
fn arabic_year_at(chars: &[char], i: usize) -> Option<i32> {
    if i + 4 > chars.len() || (i > 0 && chars[i - 1].is_ascii_digit()) {
        return None;
    }
    if chars.get(i + 4).is_some_and(|c| c.is_ascii_digit()) {
        return None;
    }
    let digits: String = chars[i..i + 4].iter().collect();
    let year: i32 = digits.parse().ok()?;
    plausible(year).then_some(year)
}

/// The years an expression names: explicit years and ranges, five-year
/// plans, Chinese-numeral years and (with a delivery year) relative ones.
/// Returns the first expression found.
pub fn find_span(text: &str, delivered: Option<i32>) -> Option<Span> {
    let chars: Vec<char> = text.chars().collect();
    let skip_spaces = |mut k: usize| {
        while chars.get(k).is_some_and(|c| c.is_whitespace()) {
            k += 1;
        }
        k
    };
    let mut i = 0;
    while i < chars.len() {
        let Some(year) = year_at(&chars, i) else {
            i += 1;
            continue;
        };
        // A range: 2016—2020, 2016-2020年, 2016至2020年, 一九七八——一九八五年.
        let mut j = i + 4;
        if chars.get(j) == Some(&'年') {
            j += 1;
        }
        j = skip_spaces(j);
        let dashes = chars[j.min(chars.len())..]
            .iter()
            .take_while(|c| is_dash(**c))
            .count();
        if dashes > 0
            && let Some(end) = year_at(&chars, skip_spaces(j + dashes))
            && end >= year
            && end - year <= 10
        {
            return Some(Span {
                from: year,
                to: end,
            });
        }
        if chars.get(i + 4) == Some(&'年') {
            return Some(Span {
                from: year,
                to: year,
            });
        }
        i += 4;
    }
    for (name, start) in FIVE_YEAR_PLANS {
        if text.contains(name) && !(*name == "九五" && text.contains("十九五")) {
            return Some(Span {
                from: *start,
                to: start + 4,
            });
        }
    }
    let delivered = delivered?;
    if text.contains("过去五年") || text.contains("五年工作回顾") || text.contains("过去一年和五年")
    {
        return Some(Span {
            from: delivered - 5,
            to: delivered - 1,
        });
    }
    if text.contains("去年") || text.contains("过去一年") {
        return Some(Span {
            from: delivered - 1,
            to: delivered - 1,
        });
    }
    if text.contains("今年") {
        return Some(Span {
            from: delivered,
            to: delivered,
        });
    }
    if text.contains("明年") {
        return Some(Span {
            from: delivered + 1,
            to: delivered + 1,
        });
    }
    None
}

/// The single year at the start of a text ("2024年,…").
pub fn leading_year(text: &str) -> Option<i32> {
    let chars: Vec<char> = text.chars().take(6).collect();
    let year = arabic_year_at(&chars, 0)?;
    (chars.get(4) == Some(&'年')).then_some(year)
}

/// Is this a 政府工作报告 (delivered in year Y, reviewing Y−1)?
pub fn is_government_work_report(title: &str) -> bool {
    title.contains("政府工作报告")
}

/// The year a 政府工作报告 was delivered in, from its title.
fn delivery_year(title: &str) -> Option<i32> {
    if !is_government_work_report(title) {
        return None;
    }
    find_span(title, None)
        .filter(|s| s.from == s.to)
        .map(|s| s.from)
}

/// A year written bare in a file's path ("hebei_2023.txt", "2024/报告.txt"):
/// a run of exactly four digits that is a plausible year. Two different
/// such years make the path ambiguous, and it names none.
fn bare_year_in_path(path: &str) -> Option<i32> {
    let mut found = None;
    for run in path.split(|c: char| !c.is_ascii_digit()) {
        if run.len() != 4 {
            continue;
        }
        let Ok(year) = run.parse::<i32>() else {
            continue;
        };
        if !plausible(year) {
            continue;
        }
        match found {
            Some(other) if other != year => return None,
            _ => found = Some(year),
        }
    }
    found
}

/// The year a 政府工作报告 was delivered in: from its title, else from its
/// file name. A bare year in the file name ("hebei_2023.txt") counts only
/// when the title or name says it is a 政府工作报告, since collections of
/// them are named by the year of delivery.
pub fn delivered_in(file: &str, title: &str) -> Option<i32> {
    delivery_year(title)
        .or_else(|| delivery_year(file))
        .or_else(|| {
            if is_government_work_report(title) || is_government_work_report(file) {
                bare_year_in_path(file)
            } else {
                None
            }
        })
}

/// The year a report reviews, with where it came from.
pub fn report_year(file: &str, title: &str, paragraphs: &[Paragraph]) -> Option<Tagged<i32>> {
    let tag = |value, source, confidence| {
        Some(Tagged {
            value,
            source,
            confidence,
        })
    };
    let delivered = delivered_in(file, title);
    // 1. The first review heading that names one year.
    for p in paragraphs {
        for heading in own_path(p) {
            if kind::of_text(heading) == Some(Kind::Review)
                && let Some(span) = find_span(heading, delivered)
                && span.from == span.to
            {
                return tag(span.from, TagSource::Heading, 0.9);
            }
        }
    }
    // 2. A government work report reviews the year before it is delivered.
    if let Some(year) = delivered {
        return tag(year - 1, TagSource::Text, 0.85);
    }
    // 3. A dated title or file name.
    for (text, source) in [(title, TagSource::Text), (file, TagSource::FileName)] {
        if let Some(span) = find_span(text, None)
            && span.from == span.to
        {
            return tag(span.from, source, 0.8);
        }
    }
    if let Some(year) = bare_year_in_path(file) {
        return tag(year, TagSource::FileName, 0.7);
    }
    // 4. A report that opens with its year: "2024年,县教育局…".
    if let Some(year) = paragraphs
        .iter()
        .take(8)
        .find_map(|p| leading_year(&p.text))
    {
        return tag(year, TagSource::Text, 0.7);
    }
    // 5. The year the text names most often, if it names one at least twice.
    let mut counts: std::collections::BTreeMap<i32, usize> = std::collections::BTreeMap::new();
    for p in paragraphs {
        let chars: Vec<char> = p.text.chars().collect();
        for i in 0..chars.len() {
            if let Some(year) = arabic_year_at(&chars, i)
                && chars.get(i + 4) == Some(&'年')
            {
                *counts.entry(year).or_insert(0) += 1;
            }
        }
    }
    let (year, count) = counts
        .into_iter()
        .max_by_key(|&(year, count)| (count, year))?;
    (count >= 2).then_some(())?;
    tag(year, TagSource::Text, 0.5)
}

/// The headings that describe a paragraph: its heading path, plus its own
/// text when it is itself a bare heading.
pub fn own_path(p: &Paragraph) -> Vec<&str> {
    let mut path: Vec<&str> = p.headings.iter().map(String::as_str).collect();
    if p.role == Role::Heading {
        path.push(&p.text);
    }
    path
}

/// The year and span of one paragraph.
pub fn paragraph_years(
    path: &[&str],
    report_year: Option<Year>,
    delivered: Option<Year>,
) -> (Option<Year>, Option<Span>) {
    for heading in path.iter().rev() {
        if let Some(span) = find_span(heading, delivered) {
            let year = match report_year {
                Some(y) => y.clamp(span.from, span.to),
                None => span.from,
            };
            return (Some(year), Some(span));
        }
    }
    (report_year, report_year.map(|y| Span { from: y, to: y }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::split::split_paragraphs;

    fn span(from: i32, to: i32) -> Option<Span> {
        Some(Span { from, to })
    }

    #[test]
    fn year_expressions() {
        assert_eq!(find_span("一、2024年工作总结", None), span(2024, 2024));
        assert_eq!(
            find_span("二、“十三五”(2016—2020年)工作总结", None),
            span(2016, 2020)
        );
        assert_eq!(
            find_span("五、十四五(2021—2025)工作安排", None),
            span(2021, 2025)
        );
        assert_eq!(find_span("“十四五”期间", None), span(2021, 2025));
        assert_eq!(find_span("二〇二三年工作要点", None), span(2023, 2023));
        assert_eq!(
            find_span("一九七八——一九八五年规划纲要", None),
            span(1978, 1985)
        );
        assert_eq!(find_span("2016-2020年规划", None), span(2016, 2020));
        assert_eq!(find_span("投入12024万元", None), None);
        assert_eq!(find_span("完成2024个项目", None), None);
        assert_eq!(
            find_span("二、对今年政府工作的建议", Some(2023)),
            span(2023, 2023)
        );
        assert_eq!(
            find_span("一、过去一年和五年工作回顾", Some(2023)),
            span(2018, 2022)
        );
        assert_eq!(find_span("二、对今年政府工作的建议", None), None);
    }

    #[test]
    fn report_year_from_headings_titles_and_text() {
        let ps = split_paragraphs(
            "2024年是关键之年。\n一、2024年工作总结\n内容。\n二、2025年工作思路\n内容。\n",
        );
        assert_eq!(report_year("r.txt", "", &ps).map(|t| t.value), Some(2024));
        let ps = split_paragraphs("各位代表:\n一、三年来的斗争\n内容。\n");
        let national = "1978年中华人民共和国国务院政府工作报告";
        assert_eq!(
            report_year("1978_062.txt", national, &ps).map(|t| t.value),
            Some(1977)
        );
        let ps = split_paragraphs("2023年,县教育局全面贯彻落实。\n坚持党建引领\n内容。\n");
        let year = report_year("r.txt", "", &ps).unwrap();
        assert_eq!((year.value, year.source), (2023, TagSource::Text));
        let ps = split_paragraphs("没有年份的报告。\n");
        assert_eq!(report_year("r.txt", "", &ps), None);
        assert_eq!(
            report_year("瓯海区2022年工作总结.txt", "", &ps).map(|t| (t.value, t.source)),
            Some((2022, TagSource::FileName))
        );
        assert_eq!(
            report_year("reports/qingtian_2024.txt", "", &ps).map(|t| (t.value, t.source)),
            Some((2024, TagSource::FileName))
        );
        assert_eq!(report_year("2023_vs_2024.txt", "", &ps), None, "ambiguous");
        assert_eq!(report_year("plan_12024.txt", "", &ps), None, "not a year");
    }

    #[test]
    fn delivery_year_from_title_or_file_name() {
        let gwr = "河北省政府工作报告 ——2023111日在河北省第十四届人民代表大会第一次会议上";
        assert_eq!(delivered_in("hebei.txt", gwr), None, "garbled date");
        assert_eq!(delivered_in("hebei_2023.txt", gwr), Some(2023));
        assert_eq!(
            delivered_in("2023年政府工作报告.txt", "政府工作报告"),
            Some(2023)
        );
        assert_eq!(
            delivered_in("x_2024.txt", "2023年政府工作报告"),
            Some(2023),
            "the title wins"
        );
        assert_eq!(delivered_in("qingtian_2024.txt", "教育局工作总结"), None);
    }

    #[test]
    fn paragraph_years_follow_the_nearest_dated_heading() {
        let text = "总述。\n一、2020年工作总结\n甲。\n二、“十三五”(2016—2020年)工作总结\n乙。\n三、2021年工作安排\n丙。\n四、十四五(2021—2025)工作安排\n丁。\n";
        let ps = split_paragraphs(text);
        let years: Vec<(Option<i32>, Option<Span>)> = ps
            .iter()
            .map(|p| paragraph_years(&own_path(p), Some(2020), None))
            .collect();
        assert_eq!(years[0], (Some(2020), span(2020, 2020)));
        assert_eq!(
            years[1],
            (Some(2020), span(2020, 2020)),
            "the heading itself"
        );
        assert_eq!(years[4], (Some(2020), span(2016, 2020)));
        assert_eq!(years[6], (Some(2021), span(2021, 2021)));
        assert_eq!(years[8], (Some(2021), span(2021, 2025)));
    }
}
