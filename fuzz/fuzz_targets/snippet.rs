//! Snippets of arbitrary text for arbitrary terms: highlights are sorted,
//! disjoint, non-empty character ranges inside the snippet, and what they
//! mark normalises to text that contains a term.
#![no_main]

use baogao::analysis::normalize::normalize;
use baogao::output::terminal::render_snippet;
use baogao::search::snippet::make_snippet;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    // The first line holds up to three terms; the rest is the paragraph.
    let (head, body) = text.split_once('\n').unwrap_or(("", &text));
    let literals: Vec<String> = head
        .split('|')
        .take(3)
        .map(|t| normalize(t.trim()))
        .filter(|t| !t.is_empty())
        .collect();
    let width = 1 + (data.first().copied().unwrap_or(0) as usize % 120);
    let snippet = make_snippet(body, &literals, width);
    let chars: Vec<char> = snippet.text.chars().collect();
    let mut end = 0;
    for &(s, e) in &snippet.highlights {
        assert!(
            s >= end && s < e && e <= chars.len(),
            "{:?}",
            snippet.highlights
        );
        end = e;
        let marked: String = chars[s..e].iter().collect();
        let marked = normalize(&marked);
        assert!(
            literals
                .iter()
                .any(|l| marked.contains(l.as_str()) || l.contains(marked.as_str()))
        );
    }
    let _ = render_snippet(&snippet.text, &snippet.highlights, true);
});
