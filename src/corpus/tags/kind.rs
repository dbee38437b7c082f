//! Whether a paragraph reviews past work, plans future work, or neither,
//! from the headings above it.
//!
//! The nearest heading that says one and only one of the two decides
//! ("(一)强基固本" says neither, so its parent "二、2025年工作思路" decides:
//! plan). A heading that says both ("工作总结及下一步工作安排") decides
//! nothing. When no heading decides, the report's title does, if it says
//! one (a 工作综述 is a review); otherwise the paragraph is `other`.

use crate::corpus::record::Kind;

/// Words that mark a review of past work.
pub const REVIEW_WORDS: &[&str] = &[
    "总结",
    "回顾",
    "成效",
    "成绩",
    "成果",
    "综述",
    "工作情况",
    "完成情况",
    "进展情况",
    "一年来",
    "年来",
];

/// Words that mark a plan for future work.
pub const PLAN_WORDS: &[&str] = &[
    "思路",
    "安排",
    "要点",
    "计划",
    "下一步",
    "打算",
    "目标",
    "任务",
    "建议",
    "展望",
    "规划",
    "工作重点",
    "重点工作",
    "总体要求",
    "部署",
    "今年",
    "明年",
];

/// The kind a text (a heading, a title) names, if exactly one. Words in
/// quotation marks name something ("落实“两项任务”" is a campaign, not a
/// list of tasks to come) and do not count.
pub fn of_text(text: &str) -> Option<Kind> {
    let text = &unquoted(text);
    let review = REVIEW_WORDS.iter().any(|w| text.contains(w));
    let plan = PLAN_WORDS.iter().any(|w| text.contains(w));
    match (review, plan) {
        (true, false) => Some(Kind::Review),
        (false, true) => Some(Kind::Plan),
        _ => None,
    }
}

/// The text without its quoted parts (“…”, ‘…’, 「…」, 『…』, "…").
fn unquoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut closing: Option<char> = None;
    for c in text.chars() {
        match closing {
            Some(close) if c == close => closing = None,
            Some(_) => {}
            None => match c {
                '“' => closing = Some('”'),
                '‘' => closing = Some('’'),
                '「' => closing = Some('」'),
                '『' => closing = Some('』'),
                '"' => closing = Some('"'),
                _ => out.push(c),
            },
        }
    }
    out
}

/// Words that say a sentence is about what will be done.
const FUTURE_WORDS: &[&str] = &["将", "要", "计划", "力争", "预计", "拟", "打算", "争取"];

/// Does the first sentence of a paragraph speak of what will be done?
/// ("2024年，县教育局将……")
pub fn speaks_of_plans(text: &str) -> bool {
    let first = text.split(['。', '；', '！', '？']).next().unwrap_or(text);
    FUTURE_WORDS.iter().any(|w| first.contains(w))
}

/// The kind of a paragraph under `path` (heading titles, innermost last),
/// in a report whose title names `default` (if anything).
pub fn of_path(path: &[&str], default: Option<Kind>) -> Kind {
    path.iter()
        .rev()
        .find_map(|h| of_text(h))
        .or(default)
        .unwrap_or(Kind::Other)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(title: &str) -> &str {
        title
    }

    #[test]
    fn nearest_deciding_heading_wins() {
        assert_eq!(
            of_path(&[h("二、2025年工作思路"), h("(一)强基固本")], None),
            Kind::Plan
        );
        assert_eq!(
            of_path(
                &[h("一、2024年工作总结"), h("(二)优质资源供给更加充分")],
                None
            ),
            Kind::Review
        );
        assert_eq!(
            of_path(&[h("瓯海区教育局2023年工作要点"), h("二、主要工作")], None),
            Kind::Plan
        );
        assert_eq!(
            of_path(
                &[h("教育局工作总结及下一步工作安排"), h("三、存在主要问题")],
                None
            ),
            Kind::Other
        );
        assert_eq!(of_path(&[h("一、主要成效")], None), Kind::Review);
        assert_eq!(
            of_path(&[h("坚持“两心相依”")], Some(Kind::Review)),
            Kind::Review
        );
        assert_eq!(of_path(&[], None), Kind::Other);
        assert_eq!(of_path(&[h("二、对今年政府工作的建议")], None), Kind::Plan);
        // Quoted words name things; they do not make a plan.
        assert_eq!(
            of_path(
                &[h("落实“两项任务”: 立德树人,高质发展")],
                Some(Kind::Review)
            ),
            Kind::Review
        );
        assert_eq!(of_text("“十四五”规划"), Some(Kind::Plan));
        assert!(speaks_of_plans(
            "2024年,县教育局将紧扣“1441”总目标。去年完成了。"
        ));
        assert!(!speaks_of_plans(
            "2023年,县教育局全面贯彻落实。明年将继续。"
        ));
    }
}
