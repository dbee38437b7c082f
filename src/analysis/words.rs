//! The ranking tokenizer: jieba words in search mode, behind tantivy's
//! `Tokenizer` trait.
//!
//! Why our own adapter and not the `tantivy-jieba` crate: that crate numbers
//! tokens 0, 1, 2, … in output order, so the sub-words search mode adds
//! (人民 and 代表 inside 人民代表大会) get positions of their own and shift
//! every word after them; it also does not normalise full-width text or skip
//! punctuation. Here positions follow Lucene's convention for decompounding:
//! every sub-word shares the position of the word it came from, and offsets
//! are byte offsets into the original, un-normalised text.
//!
//! HMM is off. With it, jieba invents words across boundaries (年县 out of
//! "2023年县教育局"), which makes ranking worse and recall no better, since
//! recall comes from the bigram field. The domain dictionary in
//! `data/user_dict.txt` is compiled into the binary and added to jieba's own.
//!
//! Loading the dictionary costs ~90 ms, so it happens lazily on the first
//! tokenization. Searching never tokenizes with jieba (queries are segmented
//! against the index's own vocabulary, see `search::plan`), so a search
//! process never pays for it.

use super::normalize::NormalizedChars;
use jieba_rs::Jieba;
use std::sync::LazyLock;
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

/// Name under which the tokenizer is registered on every index.
pub const WORD_TOKENIZER: &str = "baogao_words";

/// The domain dictionary shipped in the repository.
pub const USER_DICTIONARY: &str = include_str!("../../data/user_dict.txt");

static JIEBA: LazyLock<Jieba> = LazyLock::new(|| {
    let mut jieba = Jieba::new();
    for (word, freq) in user_dictionary_entries(USER_DICTIONARY) {
        jieba.add_word(word, freq, None);
    }
    jieba
});

/// Parse the user dictionary: `word [freq]` per line, `#` comments. A line
/// whose frequency is not a number keeps the word with the suggested
/// frequency rather than failing a build over a typo.
pub fn user_dictionary_entries(text: &str) -> impl Iterator<Item = (&str, Option<usize>)> {
    text.lines().filter_map(|line| {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            return None;
        }
        let mut parts = line.split_whitespace();
        let word = parts.next()?;
        let freq = parts.next().and_then(|f| f.parse().ok());
        Some((word, freq))
    })
}

static DOMAIN_TERMS: LazyLock<std::collections::HashSet<&'static str>> = LazyLock::new(|| {
    user_dictionary_entries(USER_DICTIONARY)
        .map(|(w, _)| w)
        .collect()
});

/// Is `word` a term of the domain dictionary?
pub fn is_domain_term(word: &str) -> bool {
    DOMAIN_TERMS.contains(word)
}

/// Force the dictionary to load now (used by the indexer before it starts
/// its threads, so the progress bar does not stall on the first document).
pub fn preload() {
    LazyLock::force(&JIEBA);
}

#[derive(Clone, Default)]
pub struct WordTokenizer;

/// The words of one text: the normalised text and, per token, where it is
/// in it and in the original. Tokens are materialised one at a time into a
/// single reused [`Token`], so indexing allocates per text, not per word.
pub struct WordTokenStream {
    normalized: String,
    spans: Vec<WordSpan>,
    next: usize,
    token: Token,
}

/// One token: its byte range in the normalised text and in the original.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WordSpan {
    pub norm_start: u32,
    pub norm_end: u32,
    pub offset_from: u32,
    pub offset_to: u32,
    pub position: u32,
}

impl Tokenizer for WordTokenizer {
    type TokenStream<'a> = WordTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> WordTokenStream {
        let (normalized, spans) = segment_spans(&JIEBA, text);
        WordTokenStream {
            normalized,
            spans,
            next: 0,
            token: Token::default(),
        }
    }
}

impl TokenStream for WordTokenStream {
    fn advance(&mut self) -> bool {
        let Some(span) = self.spans.get(self.next) else {
            return false;
        };
        self.next += 1;
        self.token.text.clear();
        self.token
            .text
            .push_str(&self.normalized[span.norm_start as usize..span.norm_end as usize]);
        self.token.offset_from = span.offset_from as usize;
        self.token.offset_to = span.offset_to as usize;
        self.token.position = span.position as usize;
        self.token.position_length = 1;
        true
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

/// Is this token worth indexing? Punctuation and whitespace carry no meaning
/// for ranking (the bigram field still has them for literal matches).
fn is_indexable(word: &str) -> bool {
    word.chars().any(super::normalize::is_letter_or_digit)
}

/// Segment `text` in search mode: the normalised text, and the span of
/// every token in it and in `text` (byte offsets).
pub fn segment_spans(jieba: &Jieba, text: &str) -> (String, Vec<WordSpan>) {
    // Normalise, remembering for each character of the normalised string
    // the byte where it starts in the original (and the end of the text).
    let mut normalized = String::with_capacity(text.len());
    let mut orig_at: Vec<u32> = vec![0; text.len() + 1];
    for nc in NormalizedChars::new(text) {
        orig_at[normalized.len()] = nc.start as u32;
        normalized.push(nc.ch);
    }
    orig_at.truncate(normalized.len() + 1);
    orig_at[normalized.len()] = text.len() as u32;
    let mut spans = Vec::with_capacity(normalized.len() / 2);
    // Byte offset within a word of each of its characters (words longer
    // than the buffer get no sub-words, which jieba's dictionary never has).
    let mut char_bytes = [0usize; 33];
    for (position, word) in jieba.cut(&normalized, false).into_iter().enumerate() {
        if !is_indexable(word.word) {
            continue;
        }
        let base = word.byte_start;
        let mut push = |from: usize, to: usize| {
            spans.push(WordSpan {
                norm_start: (base + from) as u32,
                norm_end: (base + to) as u32,
                offset_from: orig_at[base + from],
                offset_to: orig_at[base + to],
                position: position as u32,
            });
        };
        // Search mode, as jieba defines it: the 2- and 3-character
        // dictionary words inside a longer word, then the word itself.
        let char_count = word.end - word.start;
        if char_count > 2 && char_count < char_bytes.len() {
            for (k, (b, _)) in word.word.char_indices().enumerate() {
                char_bytes[k] = b;
            }
            char_bytes[char_count] = word.word.len();
            for gram in [2usize, 3] {
                if char_count > gram {
                    for i in 0..=char_count - gram {
                        let (from, to) = (char_bytes[i], char_bytes[i + gram]);
                        let piece = &word.word[from..to];
                        if jieba.has_word(piece) && is_indexable(piece) {
                            push(from, to);
                        }
                    }
                }
            }
        }
        push(0, word.word.len());
    }
    (normalized, spans)
}

/// Segment `text` in search mode and return tantivy tokens whose offsets are
/// byte offsets into `text` itself.
pub fn segment(jieba: &Jieba, text: &str) -> Vec<Token> {
    let (normalized, spans) = segment_spans(jieba, text);
    spans
        .into_iter()
        .map(|s| Token {
            offset_from: s.offset_from as usize,
            offset_to: s.offset_to as usize,
            position: s.position as usize,
            text: normalized[s.norm_start as usize..s.norm_end as usize].to_string(),
            position_length: 1,
        })
        .collect()
}

/// Does `text[start..end]` stand as whole words, starting and ending on
/// jieba word boundaries? (成县 does not, in 完成县域.) Only a window of a
/// dozen characters around the span is segmented, which decides its two
/// boundaries as the whole text would, at a fraction of the cost.
pub fn is_word_span(text: &str, start: usize, end: usize) -> bool {
    is_word_span_with(text, start, end, &[])
}

/// As [`is_word_span`], but the span may also end inside a word that
/// starts with it when the rest of that word is one of `suffixes` (jieba
/// keeps 浙江省政府 as one word; the name 浙江省 still stands in it).
pub fn is_word_span_with(text: &str, start: usize, end: usize, suffixes: &[&str]) -> bool {
    const CONTEXT: usize = 12;
    let window_start = text[..start]
        .char_indices()
        .rev()
        .nth(CONTEXT - 1)
        .map_or(0, |(i, _)| i);
    let window_end = text[end..]
        .char_indices()
        .nth(CONTEXT)
        .map_or(text.len(), |(i, _)| end + i);
    let window = &text[window_start..window_end];
    let (rel_start, rel_end) = (start - window_start, end - window_start);
    let mut starts_ok = rel_start == 0;
    let mut ends_ok = rel_end == window.len();
    for token in JIEBA.cut(window, false) {
        starts_ok |= token.byte_start == rel_start;
        ends_ok |= token.byte_end == rel_end;
        if token.byte_start == rel_start && token.byte_end > rel_end {
            let rest = &window[rel_end..token.byte_end];
            ends_ok |= suffixes.contains(&rest);
        }
    }
    starts_ok && ends_ok
}

/// Does `text[start..end]` stand as one of the words the index holds for
/// the text: a jieba word, or a shorter dictionary word that search mode
/// indexes inside a longer one (县中 inside 县中崛起, but not in 县中医院,
/// which segments 县 / 中医院)? `-w` matches as the paragraphs were indexed.
pub fn is_indexed_word_span(text: &str, start: usize, end: usize) -> bool {
    const CONTEXT: usize = 12;
    let window_start = text[..start]
        .char_indices()
        .rev()
        .nth(CONTEXT - 1)
        .map_or(0, |(i, _)| i);
    let window_end = text[end..]
        .char_indices()
        .nth(CONTEXT)
        .map_or(text.len(), |(i, _)| end + i);
    let window = &text[window_start..window_end];
    let (rel_start, rel_end) = (start - window_start, end - window_start);
    let (_, spans) = segment_spans(&JIEBA, window);
    spans
        .iter()
        .any(|s| s.offset_from as usize == rel_start && s.offset_to as usize == rel_end)
}

/// A word's entry in jieba's dictionary: (frequency, part-of-speech tag).
pub fn dictionary_entry(word: &str) -> Option<(usize, String)> {
    if !JIEBA.has_word(word) {
        return None;
    }
    let tags = JIEBA.tag(word, false);
    let [tag] = tags.as_slice() else {
        return None;
    };
    if tag.word != word {
        return None;
    }
    // For a dictionary word that segments as itself, suggest_freq is its
    // frequency plus one.
    Some((
        JIEBA.suggest_freq(word).saturating_sub(1),
        tag.tag.to_string(),
    ))
}

/// The jieba words of a text as written (no normalisation, no search-mode
/// sub-words, punctuation kept): what the synthetic-corpus model learns.
pub fn cut(text: &str) -> Vec<&str> {
    JIEBA.cut(text, false).into_iter().map(|t| t.word).collect()
}

/// Segment with the shared dictionary (for tools and tests).
pub fn segment_default(text: &str) -> Vec<Token> {
    segment(&JIEBA, text)
}

/// The jieba words of `text`, joined by single spaces: the pre-tokenized form
/// used by `export`, so that another engine can index the same segmentation
/// with a whitespace analyzer.
pub fn pretokenize(text: &str) -> String {
    let tokens = segment(&JIEBA, text);
    let mut out = String::with_capacity(text.len() * 2);
    for token in tokens {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&token.text);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indexed_word_spans_include_sub_words_but_not_cross_word_strings() {
        let text = "推进县中崛起计划,县中医院改造。";
        let at = |needle: &str, nth: usize| text.match_indices(needle).nth(nth).unwrap().0;
        let first = at("县中", 0);
        assert!(is_indexed_word_span(text, first, first + "县中".len()));
        let hospital = at("县中", 1);
        assert!(!is_indexed_word_span(
            text,
            hospital,
            hospital + "县中".len()
        ));
        assert!(!is_word_span(text, hospital, hospital + "县中".len()));
    }

    fn words(text: &str) -> Vec<(String, usize, &str)> {
        segment_default(text)
            .into_iter()
            .map(|t| {
                let original = &text[t.offset_from..t.offset_to];
                (t.text, t.position, original)
            })
            .collect()
    }

    #[test]
    fn sub_words_share_the_position_of_their_word() {
        let got = words("全国人民代表大会召开");
        let whole = got
            .iter()
            .find(|(w, _, _)| w == "全国人民代表大会")
            .expect("the long word is kept");
        let sub = got
            .iter()
            .find(|(w, _, _)| w == "人民")
            .expect("search mode adds 人民");
        assert_eq!(whole.1, sub.1);
        let next = got.iter().find(|(w, _, _)| w == "召开").expect("召开");
        assert_eq!(next.1, whole.1 + 1);
    }

    #[test]
    fn offsets_are_byte_offsets_into_the_original() {
        let text = "（一）Ｃ９高校录取23人";
        for (word, _, original) in words(text) {
            assert_eq!(super::super::normalize::normalize(original), word);
        }
        assert!(words(text).iter().any(|(w, _, _)| w == "高校"));
    }

    #[test]
    fn hmm_is_off_so_no_cross_boundary_words() {
        let got: Vec<String> = words("2023年县教育局").into_iter().map(|t| t.0).collect();
        assert!(!got.contains(&"年县".to_string()), "{got:?}");
    }

    #[test]
    fn user_dictionary_terms_stay_whole() {
        for term in ["双减", "县中崛起", "教共体", "两免一补", "随迁子女"] {
            let text = format!("深入推进{term}工作");
            let got: Vec<String> = words(&text).into_iter().map(|t| t.0).collect();
            assert!(got.contains(&term.to_string()), "{term}: {got:?}");
        }
    }

    #[test]
    fn punctuation_is_not_indexed() {
        let got: Vec<String> = words("教育,“双减”。").into_iter().map(|t| t.0).collect();
        assert_eq!(got, vec!["教育", "双减"]);
    }

    #[test]
    fn user_dictionary_parsing() {
        let entries: Vec<_> = user_dictionary_entries("# c\n双减\n\n教共体 100\nx y z\n").collect();
        assert_eq!(
            entries,
            vec![("双减", None), ("教共体", Some(100)), ("x", None)]
        );
    }
}
