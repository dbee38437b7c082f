//! Character normalisation shared by indexing, querying, snippets and the
//! tests' brute-force scans.
//!
//! "Never miss what grep finds" is only a promise if the index, the query and
//! the checker all agree on what a character is. Everything that compares
//! text goes through [`normalize_char`] and [`NormalizedChars`], so there is a
//! single definition:
//!
//! * full-width ASCII (U+FF01..U+FF5E) becomes half-width, so `（一）` finds
//!   `(一)` and `Ｃ９` finds `C9`;
//! * ASCII letters are lower-cased, so `c9` finds `C9`;
//! * every whitespace character (including the ideographic space U+3000) is a
//!   space, and a run of them counts as one;
//! * zero-width characters (U+200B..U+200D, U+2060, U+FEFF) are dropped: they
//!   are invisible in every viewer and only break matches;
//! * traditional characters become simplified ones, one character to one
//!   (學 → 学, 後 → 后), by OpenCC's character table (see `t2s_table`), so
//!   that 學前教育 finds 学前教育 and the reverse.
//!
//! The mapping is character to character (or to nothing), so each normalised
//! character keeps the byte span of the original text it came from; snippets
//! and tokenizers use those spans to point back into the stored paragraph.

use super::t2s_table::{T2S, T2S_KEYS};

/// The simplified form of a traditional character (itself otherwise).
#[inline]
pub fn simplified(c: char) -> char {
    let code = c as u32;
    if code < 0x10000 && T2S_KEYS[(code >> 6) as usize] & (1 << (code & 63)) == 0 {
        return c;
    }
    match T2S.binary_search_by_key(&c, |&(t, _)| t) {
        Ok(i) => T2S[i].1,
        Err(_) => c,
    }
}

/// Normalise one character; `None` for characters that are dropped.
#[inline]
pub fn normalize_char(c: char) -> Option<char> {
    match c {
        // Most of the text, answered first: no CJK ideograph is
        // whitespace, so it goes straight to the traditional table.
        '\u{4E00}'..='\u{9FFF}' => Some(simplified(c)),
        'A'..='Z' => Some(c.to_ascii_lowercase()),
        '\u{FF01}'..='\u{FF5E}' => {
            // Full-width forms sit at a fixed distance from ASCII.
            let ascii = char::from_u32(c as u32 - 0xFEE0)?;
            Some(ascii.to_ascii_lowercase())
        }
        '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' => None,
        c if c.is_whitespace() => Some(' '),
        c if c >= '\u{3400}' => Some(simplified(c)),
        c => Some(c),
    }
}

/// One normalised character and the byte span of the original text it
/// stands for (a collapsed whitespace run spans the whole run).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NormChar {
    pub ch: char,
    pub start: usize,
    pub end: usize,
}

/// Iterator over the normalised characters of a text, with whitespace runs
/// collapsed to a single space.
pub struct NormalizedChars<'a> {
    text: &'a str,
    inner: std::str::CharIndices<'a>,
    peeked: Option<(usize, char)>,
}

impl<'a> NormalizedChars<'a> {
    pub fn new(text: &'a str) -> Self {
        NormalizedChars {
            text,
            inner: text.char_indices(),
            peeked: None,
        }
    }

    fn next_raw(&mut self) -> Option<(usize, char)> {
        self.peeked.take().or_else(|| self.inner.next())
    }
}

impl Iterator for NormalizedChars<'_> {
    type Item = NormChar;

    fn next(&mut self) -> Option<NormChar> {
        loop {
            let (start, raw) = self.next_raw()?;
            let Some(ch) = normalize_char(raw) else {
                continue;
            };
            let mut end = start + raw.len_utf8();
            if ch == ' ' {
                // Swallow the rest of the whitespace run (and any dropped
                // characters inside it).
                for (next_start, next_raw) in self.inner.by_ref() {
                    match normalize_char(next_raw) {
                        Some(' ') | None => end = next_start + next_raw.len_utf8(),
                        Some(_) => {
                            self.peeked = Some((next_start, next_raw));
                            break;
                        }
                    }
                }
            }
            debug_assert!(end <= self.text.len());
            return Some(NormChar { ch, start, end });
        }
    }
}

/// `char::is_alphabetic`, answered at once for the common CJK ideographs
/// (U+4E00–U+9FFF, all alphabetic): the standard library's table lookup
/// for non-ASCII characters was 2% of a full build's time, spent on
/// near-duplicate keys and word filtering over every character.
pub fn is_letter(c: char) -> bool {
    ('\u{4E00}'..='\u{9FFF}').contains(&c) || c.is_alphabetic()
}

/// `char::is_alphanumeric`, with the same fast path as [`is_letter`].
pub fn is_letter_or_digit(c: char) -> bool {
    ('\u{4E00}'..='\u{9FFF}').contains(&c) || c.is_alphanumeric()
}

/// The normalised form of `text` as a string (used for queries and scans):
/// the characters [`NormalizedChars`] gives, without their spans. A long
/// query's candidates are normalised whole to be re-ranked (thousands of
/// characters each at 1 GB), so this is one loop over the characters, not
/// the span-keeping iterator: a run of whitespace (and of dropped
/// characters inside it) is one space, as there.
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_space = false;
    for c in text.chars() {
        match normalize_char(c) {
            Some(' ') if in_space => {}
            Some(normal) => {
                in_space = normal == ' ';
                out.push(normal);
            }
            None => {}
        }
    }
    out
}

/// A normalised text that remembers where each of its characters came from.
///
/// `chars[i]` is the i-th normalised character; `orig_char[i]` is the index,
/// counted in characters of the original text, of its first original
/// character. Snippets search in `chars` and report positions in the
/// original text.
pub struct MappedText {
    pub chars: Vec<char>,
    pub orig_char: Vec<usize>,
}

impl MappedText {
    pub fn new(text: &str) -> Self {
        let mut chars = Vec::with_capacity(text.len() / 2);
        let mut orig_char = Vec::with_capacity(text.len() / 2);
        // Byte offset -> char index of the original, computed incrementally
        // because NormalizedChars yields spans in increasing order.
        let mut char_index = 0usize;
        let mut byte_cursor = 0usize;
        for nc in NormalizedChars::new(text) {
            char_index += text[byte_cursor..nc.start].chars().count();
            byte_cursor = nc.start;
            chars.push(nc.ch);
            orig_char.push(char_index);
        }
        MappedText { chars, orig_char }
    }

    /// Character ranges (in normalised characters) where `needle` occurs,
    /// overlapping occurrences included.
    pub fn find_all(&self, needle: &[char]) -> Vec<usize> {
        let mut found = Vec::new();
        if needle.is_empty() || needle.len() > self.chars.len() {
            return found;
        }
        for start in 0..=self.chars.len() - needle.len() {
            if self.chars[start] == needle[0] && self.chars[start..start + needle.len()] == *needle
            {
                found.push(start);
            }
        }
        found
    }
}

/// Does `haystack` contain `needle` once both are normalised? This is the
/// brute-force definition of a literal match that the index must reproduce.
pub fn contains_normalized(haystack: &str, needle: &str) -> bool {
    let needle = normalize(needle);
    !needle.is_empty() && normalize(haystack).contains(&needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letter_tests_agree_with_the_standard_library() {
        for code in (0..0x11_0000).step_by(7).chain(0x4DF0..0xA010) {
            if let Some(c) = char::from_u32(code) {
                assert_eq!(is_letter(c), c.is_alphabetic(), "{c:?}");
                assert_eq!(is_letter_or_digit(c), c.is_alphanumeric(), "{c:?}");
            }
        }
    }

    #[test]
    fn full_width_ascii_becomes_half_width_and_lower_case() {
        assert_eq!(normalize("（一）Ｃ９＋３"), "(一)c9+3");
        assert_eq!(normalize("ABC abc"), "abc abc");
    }

    #[test]
    fn whitespace_runs_collapse_and_keep_their_span() {
        let text = "教育\u{3000}\u{3000} \t局";
        let chars: Vec<NormChar> = NormalizedChars::new(text).collect();
        assert_eq!(chars.len(), 4);
        assert_eq!(chars[2].ch, ' ');
        assert_eq!(&text[chars[2].start..chars[2].end], "\u{3000}\u{3000} \t");
        assert_eq!(&text[chars[3].start..chars[3].end], "局");
    }

    #[test]
    fn traditional_characters_become_simplified_one_to_one() {
        assert_eq!(normalize("學前教育"), "学前教育");
        assert_eq!(normalize("義務教育發展"), "义务教育发展");
        assert_eq!(normalize("学前教育"), "学前教育");
        // One character to one: offsets stay right.
        let text = "國務院政府工作報告";
        assert_eq!(normalize(text).chars().count(), text.chars().count());
        assert_eq!(simplified('a'), 'a');
    }

    #[test]
    fn zero_width_characters_are_dropped() {
        assert_eq!(normalize("双\u{200B}减\u{FEFF}"), "双减");
    }

    #[test]
    fn spans_point_back_into_the_original() {
        let text = "Ｃ９教育";
        for nc in NormalizedChars::new(text) {
            let original = &text[nc.start..nc.end];
            assert_eq!(normalize(original), nc.ch.to_string());
        }
    }

    #[test]
    fn mapped_text_reports_original_char_indices() {
        let mapped = MappedText::new("a\u{200B}  b学前教育");
        assert_eq!(mapped.chars, vec!['a', ' ', 'b', '学', '前', '教', '育']);
        assert_eq!(mapped.orig_char, vec![0, 2, 4, 5, 6, 7, 8]);
        let needle: Vec<char> = "教育".chars().collect();
        assert_eq!(mapped.find_all(&needle), vec![5]);
    }

    #[test]
    fn overlapping_occurrences_are_all_found() {
        let mapped = MappedText::new("哈哈哈");
        let needle: Vec<char> = "哈哈".chars().collect();
        assert_eq!(mapped.find_all(&needle), vec![0, 1]);
    }

    #[test]
    fn contains_normalized_agrees_with_normalisation() {
        assert!(contains_normalized("全面推进（一）项目", "(一)"));
        assert!(!contains_normalized("学前教育", "前教育局"));
        assert!(!contains_normalized("anything", ""));
    }

    proptest::proptest! {
        /// `normalize` is the string of `NormalizedChars`' characters, on
        /// text mixing ideographs (traditional ones too), full-width and
        /// ASCII letters, every kind of whitespace and zero-width
        /// characters, side by side and in runs.
        #[test]
        fn normalize_is_the_normalized_characters(
            text in "[a-zA-Z0-9學学後后丁Ｃ９（） \t\n\u{3000}\u{00A0}\u{200B}\u{FEFF}\u{2060}\u{3400}\u{20000}]{0,40}",
        ) {
            let expected: String = NormalizedChars::new(&text).map(|c| c.ch).collect();
            proptest::prop_assert_eq!(normalize(&text), expected);
        }
    }
}
