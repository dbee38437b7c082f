//! The literal-recall tokenizer: overlapping character bigrams with real
//! positions.
//!
//! Jieba words cannot promise grep's recall: 全国人民代表大会 is one word, so
//! a search for 人民代表大会 over words misses it. This tokenizer indexes every
//! pair of adjacent normalised characters, at the position of its first
//! character, so that a literal of n ≥ 2 characters is exactly the phrase of
//! its bigrams at offsets 0, 2, 4, … (plus n−2 when n is odd): the phrase
//! matches where, and only where, the literal occurs. tantivy's own
//! `NgramTokenizer` cannot do this, because it puts every gram at position 0.
//!
//! The last character of a text is also emitted alone (at its own position),
//! so that "the text contains character c" is exactly "some term of this field
//! starts with c": single-character queries are answered by a prefix
//! expansion over the term dictionary, without a second unigram field.

use super::normalize::{NormChar, NormalizedChars};
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

/// Name under which the tokenizer is registered on every index.
pub const BIGRAM_TOKENIZER: &str = "baogao_bigram";

#[derive(Clone, Default)]
pub struct BigramTokenizer;

pub struct BigramTokenStream<'a> {
    chars: NormalizedChars<'a>,
    previous: Option<NormChar>,
    position: usize,
    token: Token,
}

impl Tokenizer for BigramTokenizer {
    type TokenStream<'a> = BigramTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> BigramTokenStream<'a> {
        let mut chars = NormalizedChars::new(text);
        let previous = chars.next();
        BigramTokenStream {
            chars,
            previous,
            position: 0,
            token: Token::default(),
        }
    }
}

impl TokenStream for BigramTokenStream<'_> {
    fn advance(&mut self) -> bool {
        let Some(first) = self.previous else {
            return false;
        };
        let next = self.chars.next();
        self.token.text.clear();
        self.token.text.push(first.ch);
        self.token.offset_from = first.start;
        self.token.offset_to = first.end;
        if let Some(second) = next {
            self.token.text.push(second.ch);
            self.token.offset_to = second.end;
        }
        self.token.position = self.position;
        self.token.position_length = 1;
        self.position += 1;
        self.previous = next;
        true
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

/// How a literal of normalised characters is looked up in the bigram field:
/// the (offset, gram) pairs of its covering phrase, or a prefix for a single
/// character.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BigramPlan {
    /// One character: every term that starts with it.
    Prefix(String),
    /// One bigram: a plain term lookup.
    Term(String),
    /// Several bigrams at the given character offsets, to be matched as a
    /// phrase.
    Phrase(Vec<(usize, String)>),
}

/// Plan the lookup of a normalised literal. Non-overlapping bigrams are
/// enough to pin down every character, and fewer terms make the phrase
/// intersection cheaper; an odd-length literal adds one overlapping gram at
/// the end.
pub fn plan_literal(normalized: &str) -> Option<BigramPlan> {
    let chars: Vec<char> = normalized.chars().collect();
    match chars.len() {
        0 => None,
        1 => Some(BigramPlan::Prefix(chars[0].to_string())),
        2 => Some(BigramPlan::Term(chars.iter().collect())),
        n => {
            let mut offsets: Vec<usize> = (0..n - 1).step_by(2).collect();
            if n % 2 == 1 {
                offsets.push(n - 2);
            }
            let grams = offsets
                .into_iter()
                .map(|offset| (offset, chars[offset..offset + 2].iter().collect()))
                .collect();
            Some(BigramPlan::Phrase(grams))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(text: &str) -> Vec<(String, usize, usize, usize)> {
        let mut tokenizer = BigramTokenizer;
        let mut stream = tokenizer.token_stream(text);
        let mut out = Vec::new();
        while let Some(token) = stream.next() {
            out.push((
                token.text.clone(),
                token.position,
                token.offset_from,
                token.offset_to,
            ));
        }
        out
    }

    #[test]
    fn bigrams_overlap_with_consecutive_positions_and_byte_offsets() {
        let got = tokens("学前教育");
        assert_eq!(
            got,
            vec![
                ("学前".into(), 0, 0, 6),
                ("前教".into(), 1, 3, 9),
                ("教育".into(), 2, 6, 12),
                ("育".into(), 3, 9, 12),
            ]
        );
    }

    #[test]
    fn offsets_slice_the_original_text() {
        let text = "（一）Ｃ９ 教育";
        for (gram, _, from, to) in tokens(text) {
            assert_eq!(super::super::normalize::normalize(&text[from..to]), gram);
        }
    }

    #[test]
    fn normalisation_applies_and_whitespace_runs_are_one_position() {
        let got: Vec<String> = tokens("Ｃ9  x").into_iter().map(|t| t.0).collect();
        assert_eq!(got, vec!["c9", "9 ", " x", "x"]);
    }

    #[test]
    fn single_character_and_empty_texts() {
        assert_eq!(tokens("教"), vec![("教".into(), 0, 0, 3)]);
        assert!(tokens("").is_empty());
        assert!(tokens("\u{200B}").is_empty());
    }

    #[test]
    fn plans_cover_every_character() {
        assert_eq!(plan_literal(""), None);
        assert_eq!(plan_literal("教"), Some(BigramPlan::Prefix("教".into())));
        assert_eq!(plan_literal("教育"), Some(BigramPlan::Term("教育".into())));
        assert_eq!(
            plan_literal("学前教育"),
            Some(BigramPlan::Phrase(vec![
                (0, "学前".into()),
                (2, "教育".into())
            ]))
        );
        assert_eq!(
            plan_literal("县中崛起计"),
            Some(BigramPlan::Phrase(vec![
                (0, "县中".into()),
                (2, "崛起".into()),
                (3, "起计".into())
            ]))
        );
    }
}
