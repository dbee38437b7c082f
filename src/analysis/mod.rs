//! Text analysis: how paragraphs become index terms.
//!
//! Two views of the same text are indexed (see `index::schema`):
//! * [`words`]: jieba words in search mode, for BM25 ranking;
//! * [`bigrams`]: overlapping character bigrams with positions, for
//!   grep-exact literal recall.
//!
//! Both see the text through [`normalize`]. [`register_tokenizers`] is the one
//! place that names them, called when an index is created and when it is
//! opened, so the two can never disagree.

pub mod bigrams;
pub mod normalize;
pub mod synonyms;
mod t2s_table;
pub mod themes;
pub mod words;

use tantivy::Index;
use tantivy::tokenizer::TextAnalyzer;

/// Register baogao's tokenizers on an index (new or opened).
pub fn register_tokenizers(index: &Index) {
    let manager = index.tokenizers();
    manager.register(
        words::WORD_TOKENIZER,
        TextAnalyzer::from(words::WordTokenizer),
    );
    manager.register(
        bigrams::BIGRAM_TOKENIZER,
        TextAnalyzer::from(bigrams::BigramTokenizer),
    );
}

/// Bumped whenever tokenization or normalisation changes in a way that
/// changes index terms (2: traditional characters normalised).
const ANALYSIS_VERSION: u32 = 2;

/// A fingerprint of everything that decides the terms of a paragraph: the
/// analysis code version and the domain dictionary. An index built with a
/// different fingerprint is re-indexed in full by `baogao index`.
pub fn fingerprint() -> String {
    let hash = xxhash_rust::xxh3::xxh3_64(words::USER_DICTIONARY.as_bytes());
    format!("analysis-{ANALYSIS_VERSION}-dict-{hash:016x}")
}

/// A key shared by near-identical paragraphs: the hash of their letters,
/// after normalisation, with digits, punctuation and spaces removed, so a
/// paragraph copied from last year's report with new figures ("2023年…
/// 1350个" → "2024年…1420个") has the same key. Paragraphs with fewer than
/// ten letters get 0, "never collapse": short lines are the same by chance.
pub fn near_duplicate_key(text: &str) -> u64 {
    // Hashed as they come (the streaming hash of the letters equals the
    // one-shot hash of their string, so keys stay what earlier builds
    // stored), without collecting them first.
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    let mut letters = 0usize;
    let mut utf8 = [0u8; 4];
    for c in normalize::NormalizedChars::new(text).map(|c| c.ch) {
        if normalize::is_letter(c) {
            letters += 1;
            hasher.update(c.encode_utf8(&mut utf8).as_bytes());
        }
    }
    if letters < 10 {
        return 0;
    }
    // 32 bits are plenty to tell copies apart and bit-pack to half the size.
    (hasher.digest() >> 32).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_with_new_figures_share_a_key() {
        let a = near_duplicate_key("2023年,新增学前教育学位1350个,义务教育学位1080个。");
        let b = near_duplicate_key("2024年，新增学前教育学位1420个，义务教育学位900个。");
        assert_eq!(a, b);
        assert_ne!(a, 0);
        let c = near_duplicate_key("2024年,新增高中教育学位1420个,义务教育学位900个。");
        assert_ne!(a, c);
        assert_eq!(near_duplicate_key("一、主要成效"), 0);
        // The streaming hash is the one-shot hash of the letters' string,
        // as keys stored by earlier builds were made.
        let letters = "年新增学前教育学位个义务教育学位个";
        assert_eq!(
            a,
            (xxhash_rust::xxh3::xxh3_64(letters.as_bytes()) >> 32).max(1)
        );
    }
}
