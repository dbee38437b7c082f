//! From a parsed query to tantivy queries.
//!
//! Two queries come out of one parsed query:
//!
//! * the **exact** query decides the hit set. Each literal is looked up in
//!   the bigram field (see `analysis::bigrams`): a term for two characters, a
//!   phrase of bigrams for more (through the word's own postings first when
//!   the literal is also a word of the `text` field, see `word_phrase`), a
//!   prefix expansion for one. It matches exactly the paragraphs that
//!   contain the literal, no more, no fewer.
//! * the **scoring** clauses rank the hits by BM25 over jieba words. The
//!   query side is segmented without jieba: every substring of a literal
//!   that is a word in the index's own vocabulary (its term dictionary for
//!   the `text` field) is a scoring term. For 人民代表大会 that is 人民, 代表,
//!   大会, 代表大会, 人民代表大会 — what search-mode jieba would produce —
//!   at the cost of a few dictionary lookups instead of a 90 ms dictionary
//!   load. A literal with no word in the vocabulary is scored by BM25 on its
//!   bigram phrase instead, so every hit gets a score.

use super::query::{Filter, Node, YearRange};
use super::scored_hits::ScoredHitsQuery;
use super::word_phrase::WordOrPhraseQuery;
use super::year_span::YearSpanQuery;
use crate::analysis::bigrams::{BigramPlan, plan_literal};
use crate::index::schema::Fields;
use tantivy::Searcher;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, EmptyQuery, Occur, PhraseQuery, Query,
    RegexQuery, TermQuery,
};
use tantivy::schema::{IndexRecordOption, Term};

/// Weight of a match in the nearest heading relative to one in the text.
const HEADING_WEIGHT: f32 = 0.3;
/// Longest vocabulary word looked for inside a literal, in characters.
const MAX_WORD_CHARS: usize = 8;

pub struct Planner<'a> {
    pub searcher: &'a Searcher,
    pub fields: &'a Fields,
}

impl Planner<'_> {
    /// The query that matches exactly the paragraphs `node` describes.
    pub fn exact(&self, node: &Node) -> Box<dyn Query> {
        match node {
            Node::Literal { text, .. } => self.literal(text, false),
            Node::Filter(filter) => self.filter(filter),
            Node::Not(inner) => Box::new(BooleanQuery::new(vec![
                (Occur::Must, Box::new(AllQuery)),
                (Occur::MustNot, self.exact(inner)),
            ])),
            Node::And(nodes) => {
                let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
                for node in nodes {
                    match node {
                        Node::Not(inner) => clauses.push((Occur::MustNot, self.exact(inner))),
                        other => clauses.push((Occur::Must, self.exact(other))),
                    }
                }
                if !clauses.iter().any(|(occur, _)| *occur == Occur::Must) {
                    clauses.push((Occur::Must, Box::new(AllQuery)));
                }
                Box::new(BooleanQuery::new(clauses))
            }
            Node::Or(nodes) => Box::new(BooleanQuery::new(
                nodes
                    .iter()
                    .map(|n| (Occur::Should, self.exact(n)))
                    .collect(),
            )),
        }
    }

    /// Wrap an exact query so that it filters without scoring.
    pub fn filter_only(query: Box<dyn Query>) -> Box<dyn Query> {
        Box::new(ConstScoreQuery::new(query, 0.0))
    }

    /// The query matching paragraphs that contain a normalised literal. With
    /// `scored`, a phrase or term query that tantivy scores by BM25.
    pub fn literal(&self, text: &str, scored: bool) -> Box<dyn Query> {
        let field = self.fields.chars;
        let record = if scored {
            IndexRecordOption::WithFreqs
        } else {
            IndexRecordOption::Basic
        };
        match plan_literal(text) {
            None => Box::new(EmptyQuery),
            Some(BigramPlan::Term(gram)) => {
                Box::new(TermQuery::new(Term::from_field_text(field, &gram), record))
            }
            Some(BigramPlan::Phrase(grams)) => {
                let phrase = PhraseQuery::new_with_offset(
                    grams
                        .into_iter()
                        .map(|(offset, gram)| (offset, Term::from_field_text(field, &gram)))
                        .collect(),
                );
                // A literal that is also an indexed word: its paragraphs
                // with the word need no positions (see `word_phrase`).
                let word = Term::from_field_text(self.fields.text, text);
                if !scored && self.searcher.doc_freq(&word).is_ok_and(|n| n > 0) {
                    Box::new(WordOrPhraseQuery::new(word, phrase))
                } else {
                    Box::new(phrase)
                }
            }
            Some(BigramPlan::Prefix(first)) => {
                // Every term that starts with the character: the bigrams it
                // begins, and the lone last character of a paragraph.
                let pattern = format!("{}.*", regex_escape(&first));
                match RegexQuery::from_pattern(&pattern, field) {
                    Ok(query) => Box::new(query),
                    Err(_) => Box::new(EmptyQuery),
                }
            }
        }
    }

    fn filter(&self, filter: &Filter) -> Box<dyn Query> {
        let f = self.fields;
        let term = |field, value: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_text(field, value),
                IndexRecordOption::Basic,
            ))
        };
        match filter {
            Filter::Equals(dim, value) => match f.dimension(*dim) {
                Some(field) => term(field, value),
                None => Box::new(EmptyQuery),
            },
            Filter::Years(range) => self.year(range),
        }
    }

    /// Paragraphs whose span of years overlaps `range`: a 十三五 review
    /// (2016–2020) matches `year:2018` and `year:2019..2022`.
    fn year(&self, range: &YearRange) -> Box<dyn Query> {
        Box::new(YearSpanQuery::for_range(range))
    }

    /// The vocabulary words inside a normalised literal: its substrings of
    /// 2..=8 characters that are terms of the `text` field. Single
    /// characters only when nothing longer is found.
    pub fn vocabulary_words(&self, literal: &str) -> Vec<String> {
        let chars: Vec<char> = literal.chars().collect();
        let mut words = Vec::new();
        let in_vocabulary = |word: &str| {
            let term = Term::from_field_text(self.fields.text, word);
            self.searcher
                .doc_freq(&term)
                .map(|n| n > 0)
                .unwrap_or(false)
        };
        for start in 0..chars.len() {
            for len in 2..=MAX_WORD_CHARS.min(chars.len() - start) {
                let word: String = chars[start..start + len].iter().collect();
                if !words.contains(&word) && in_vocabulary(&word) {
                    words.push(word);
                }
            }
        }
        if words.is_empty() {
            for c in &chars {
                let word = c.to_string();
                if !words.contains(&word) && in_vocabulary(&word) {
                    words.push(word);
                }
            }
        }
        words
    }

    /// A normalised literal cut into words of the index's vocabulary, as
    /// jieba would cut it: the cover by vocabulary words with the fewest
    /// pieces (so the longest words), a character standing alone where no
    /// word covers it (学前教育普惠 → 学前教育, 普惠). Spaces and punctuation
    /// separate words and are dropped.
    pub fn segment(&self, literal: &str) -> Vec<String> {
        self.segment_with(literal, &|_| false)
    }

    /// As [`Planner::segment`], with `extra` words counted as vocabulary
    /// too (question words a corpus may never use, so that they are cut
    /// out of a question whole).
    pub fn segment_with(&self, literal: &str, extra: &dyn Fn(&str) -> bool) -> Vec<String> {
        let mut out = Vec::new();
        let is_separator = |c: char| !c.is_alphanumeric();
        for run in literal.split(is_separator).filter(|r| !r.is_empty()) {
            let chars: Vec<char> = run.chars().collect();
            let n = chars.len();
            let in_vocabulary = |word: &str| {
                let term = Term::from_field_text(self.fields.text, word);
                extra(word)
                    || self
                        .searcher
                        .doc_freq(&term)
                        .map(|d| d > 0)
                        .unwrap_or(false)
            };
            // cost[i]: fewest pieces covering chars[..i]; a lone character
            // costs more than a word, so words win.
            let mut cost = vec![u32::MAX; n + 1];
            let mut from = vec![0usize; n + 1];
            cost[0] = 0;
            for end in 1..=n {
                for start in end.saturating_sub(MAX_WORD_CHARS.max(12))..end {
                    if cost[start] == u32::MAX {
                        continue;
                    }
                    let len = end - start;
                    let piece_cost = if len == 1 {
                        3
                    } else {
                        let word: String = chars[start..end].iter().collect();
                        if !in_vocabulary(&word) {
                            continue;
                        }
                        1
                    };
                    if cost[start] + piece_cost < cost[end] {
                        cost[end] = cost[start] + piece_cost;
                        from[end] = start;
                    }
                }
            }
            let mut pieces = Vec::new();
            let mut end = n;
            while end > 0 {
                let start = from[end];
                pieces.push(chars[start..end].iter().collect::<String>());
                end = start;
            }
            pieces.reverse();
            out.extend(pieces);
        }
        out
    }

    /// The words that score a literal: as search-mode jieba would index
    /// it, its 2- and 3-character words, plus the literal itself when it is
    /// a word (人民代表大会 → 人民, 代表, 大会, 人民代表大会). Longer inner
    /// words add little but cost a posting-list walk each; they are used
    /// only when there is nothing shorter.
    pub fn scoring_words(&self, literal: &str) -> Vec<String> {
        let words = self.vocabulary_words(literal);
        let short: Vec<String> = words
            .iter()
            .filter(|w| w.chars().count() <= 3 || w.as_str() == literal)
            .cloned()
            .collect();
        if short.is_empty() { words } else { short }
    }

    /// The terms that score a literal by BM25, each with its weight: its
    /// words in the text, and the longest of them in the nearest heading.
    /// Empty when the literal has no word in the vocabulary.
    pub fn scoring_terms(&self, literal: &str) -> Vec<(Term, f32)> {
        let words = self.scoring_words(literal);
        let mut terms: Vec<(Term, f32)> = words
            .iter()
            .map(|word| (Term::from_field_text(self.fields.text, word), 1.0))
            .collect();
        if let Some(longest) = words.iter().max_by_key(|w| w.chars().count()) {
            terms.push((
                Term::from_field_text(self.fields.section, longest),
                HEADING_WEIGHT,
            ));
        }
        terms
    }

    /// The BM25 scoring clause for one literal, as parts that are each
    /// looked up on their own: its weighted terms (see
    /// [`Planner::scoring_terms`]), or, for a literal without vocabulary
    /// words, its bigram phrase.
    fn scoring_parts(&self, literal: &str) -> Vec<Box<dyn Query>> {
        let terms = self.scoring_terms(literal);
        if terms.is_empty() {
            return vec![self.literal(literal, true)];
        }
        terms.into_iter().map(weighted_term).collect()
    }

    /// The full ranked query: `exact` filters, the literals' scoring clauses
    /// rank. `bonus`, when given, adds a constant per literal a paragraph
    /// contains (used to rank partial matches by how many terms they have).
    /// The hits are `exact`'s; each is scored by seeking the clauses' terms
    /// to it (see `scored_hits`), with the score the boolean query of a
    /// MUST filter and SHOULD clauses gives.
    pub fn ranked(
        &self,
        exact: Box<dyn Query>,
        literals: &[String],
        bonus: Option<f32>,
    ) -> Box<dyn Query> {
        let mut clauses: Vec<Vec<Box<dyn Query>>> = Vec::new();
        for literal in literals {
            clauses.push(self.scoring_parts(literal));
            if let Some(bonus) = bonus {
                clauses.push(vec![Box::new(ConstScoreQuery::new(
                    self.literal(literal, false),
                    bonus,
                ))]);
            }
        }
        Box::new(ScoredHitsQuery::new(Self::filter_only(exact), clauses))
    }
}

/// The union of weighted terms (see [`Planner::scoring_terms`]), each
/// scored by BM25 with frequencies times its weight; a paragraph's score is
/// the sum over the terms it has.
pub fn scoring_query(terms: Vec<(Term, f32)>) -> BooleanQuery {
    BooleanQuery::new(
        terms
            .into_iter()
            .map(|term| (Occur::Should, weighted_term(term)))
            .collect(),
    )
}

/// One term scored by BM25 with frequencies, times its weight.
fn weighted_term((term, weight): (Term, f32)) -> Box<dyn Query> {
    let query = Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs));
    if weight == 1.0 {
        query
    } else {
        Box::new(BoostQuery::new(query, weight))
    }
}

/// Escape a string for tantivy's regex syntax.
fn regex_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    for c in text.chars() {
        if c.is_ascii_punctuation() {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regex_escaping() {
        assert_eq!(regex_escape("教"), "教");
        assert_eq!(regex_escape("+"), "\\+");
        assert_eq!(regex_escape("a.b"), "a\\.b");
    }
}
