//! Decoding and splitting arbitrary bytes: text or a reason to skip, and
//! paragraphs that are non-empty, trimmed and within the size limit, with
//! headings that year and kind inference can read.
#![no_main]

use baogao::corpus::{decode, split, tags};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(decoded) = decode::decode(data) else {
        return;
    };
    assert!(!decoded.text.contains('\r'));
    let paragraphs = split::split_paragraphs(&decoded.text);
    for (i, p) in paragraphs.iter().enumerate() {
        assert_eq!(p.number as usize, i + 1);
        assert!(!p.text.is_empty());
        assert_eq!(p.text.trim(), p.text);
        assert!(p.text.chars().count() <= split::MAX_PARAGRAPH_CHARS);
        for h in tags::years::own_path(p) {
            let _ = tags::years::find_span(h, Some(2024));
            let _ = tags::kind::of_text(h);
        }
    }
    let _ = tags::years::report_year("f.txt", "", &paragraphs);
});
