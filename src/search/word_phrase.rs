//! A long literal that is also a word: its paragraphs found mostly without
//! reading positions.
//!
//! A literal of three or more characters is a phrase of bigrams
//! (`Planner::literal`), and a phrase query checks the positions of every
//! paragraph that has all its bigrams: at 1 GB, 中华人民共和国's 53,730
//! hits cost 7 ms warm, most of it reading and matching positions. But
//! when the literal is itself a term of the `text` field (jieba's words,
//! and the sub-words search mode adds), every paragraph indexed with that
//! word contains the literal: a word's token is a piece of the same
//! normalised text the bigrams come from. So the hits are the word's
//! paragraphs plus those that have the phrase without the word (人民共和国
//! cut otherwise by its context), and only the second kind needs positions.
//!
//! [`WordOrPhraseQuery`] walks the phrase's rarest bigram, whose postings
//! hold every hit. A paragraph in the word's postings is a hit at once;
//! any other is looked up in the phrase. The phrase query then reads
//! positions for the paragraphs that lack the word (and, when one of them
//! is not a hit, for the next hit after it), not for every candidate.
//!
//! The hits are exactly the phrase's, because every paragraph with the
//! word has the phrase: both fields index the paragraph's text, the word
//! tokenizer cuts its words out of the normalised characters and the
//! bigram tokenizer pairs every two adjacent ones of the same characters
//! (see `analysis::words` and `analysis::bigrams`). With scoring enabled
//! it is the phrase query itself (the exact query is used as a filter;
//! this keeps any other use scored as before).

use std::fmt;
use tantivy::query::{EnableScoring, Explanation, PhraseQuery, Query, Scorer, TermQuery, Weight};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, DocSet, Score, SeekDangerResult, SegmentReader, TERMINATED, Term};

/// The paragraphs of `phrase`, found through `word` where it is indexed
/// (see the module documentation). `word` must be a term whose every
/// paragraph matches `phrase`.
#[derive(Clone)]
pub struct WordOrPhraseQuery {
    word: Term,
    phrase: PhraseQuery,
}

impl WordOrPhraseQuery {
    pub fn new(word: Term, phrase: PhraseQuery) -> WordOrPhraseQuery {
        WordOrPhraseQuery { word, phrase }
    }
}

impl fmt::Debug for WordOrPhraseQuery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "WordOrPhrase({:?} or {:?})", self.word, self.phrase)
    }
}

impl Query for WordOrPhraseQuery {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        if scoring.is_scoring_enabled() {
            return self.phrase.weight(scoring);
        }
        let basic = |term: &Term| -> tantivy::Result<Box<dyn Weight>> {
            TermQuery::new(term.clone(), IndexRecordOption::Basic).weight(scoring)
        };
        let bigrams = self.phrase.phrase_terms();
        Ok(Box::new(WordOrPhraseWeight {
            word: basic(&self.word)?,
            phrase: self.phrase.weight(scoring)?,
            bigrams: (bigrams.iter())
                .map(|t| Ok((t.clone(), basic(t)?)))
                .collect::<tantivy::Result<_>>()?,
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.phrase.query_terms(visitor);
    }
}

struct WordOrPhraseWeight {
    word: Box<dyn Weight>,
    phrase: Box<dyn Weight>,
    /// Each bigram of the phrase, with its postings' weight: the rarest in
    /// a segment leads there.
    bigrams: Vec<(Term, Box<dyn Weight>)>,
}

impl Weight for WordOrPhraseWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let Some((first, _)) = self.bigrams.first() else {
            return self.phrase.scorer(reader, boost);
        };
        let index = reader.inverted_index(first.field())?;
        let mut rarest: Option<(u32, &dyn Weight)> = None;
        for (term, weight) in &self.bigrams {
            let freq = index.doc_freq(term)?;
            if rarest.is_none_or(|(least, _)| freq < least) {
                rarest = Some((freq, weight.as_ref()));
            }
        }
        let (_, leader) = rarest.unwrap_or((0, self.phrase.as_ref()));
        let mut scorer = WordOrPhraseScorer {
            candidates: leader.scorer(reader, boost)?,
            word: self.word.scorer(reader, boost)?,
            phrase: self.phrase.scorer(reader, boost)?,
            doc: 0,
        };
        let first = scorer.candidates.doc();
        scorer.doc = scorer.hit_from(first);
        Ok(Box::new(scorer))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        self.phrase.explain(reader, doc)
    }
}

struct WordOrPhraseScorer {
    /// The rarest bigram's paragraphs: every hit is one of them.
    candidates: Box<dyn Scorer>,
    word: Box<dyn Scorer>,
    phrase: Box<dyn Scorer>,
    doc: DocId,
}

impl WordOrPhraseScorer {
    /// The first hit at or after the candidate `doc` (where `candidates`
    /// stands).
    fn hit_from(&mut self, mut doc: DocId) -> DocId {
        while doc != TERMINATED {
            if self.word.doc() < doc {
                self.word.seek(doc);
            }
            if self.word.doc() == doc {
                return doc;
            }
            // The phrase's scorer stands on its first hit at or after
            // where it was last sent: a candidate before that is no hit.
            if self.phrase.doc() < doc {
                self.phrase.seek(doc);
            }
            if self.phrase.doc() == doc {
                return doc;
            }
            doc = self.candidates.advance();
        }
        TERMINATED
    }
}

impl DocSet for WordOrPhraseScorer {
    fn advance(&mut self) -> DocId {
        if self.doc != TERMINATED {
            let next = self.candidates.advance();
            self.doc = self.hit_from(next);
        }
        self.doc
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc != TERMINATED && target > self.doc {
            let next = match self.candidates.doc() {
                at if at < target => self.candidates.seek(target),
                at => at,
            };
            self.doc = self.hit_from(next);
        }
        self.doc
    }

    /// Whether `target` is a hit, without looking for the next one when it
    /// is not: as the second docset of an intersection (`"人民代表大会"
    /// 选举`) each proposal is only checked.
    fn seek_danger(&mut self, target: DocId) -> SeekDangerResult {
        if target >= TERMINATED {
            self.doc = TERMINATED;
            return SeekDangerResult::SeekLowerBound(TERMINATED);
        }
        // Whatever the answer, the next call asks about a later document.
        self.doc = target;
        if self.candidates.doc() < target
            && let found @ SeekDangerResult::SeekLowerBound(_) = self.candidates.seek_danger(target)
        {
            return found;
        }
        if self.candidates.doc() > target {
            return SeekDangerResult::SeekLowerBound(self.candidates.doc());
        }
        if self.word.doc() < target {
            self.word.seek(target);
        }
        if self.word.doc() == target {
            return SeekDangerResult::Found;
        }
        match self.phrase.doc() {
            at if at < target => self.phrase.seek_danger(target),
            at if at == target => SeekDangerResult::Found,
            _ => SeekDangerResult::SeekLowerBound(target + 1),
        }
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.candidates.size_hint()
    }

    fn cost(&self) -> u64 {
        self.candidates.cost()
    }
}

impl Scorer for WordOrPhraseScorer {
    /// Only ever made with scoring disabled (see `weight`): a filter.
    fn score(&mut self) -> Score {
        1.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::collector::DocSetCollector;
    use tantivy::indexer::NoMergePolicy;
    use tantivy::schema::{Field, Schema, TEXT};
    use tantivy::{Index, IndexWriter, TantivyDocument};

    /// An index whose `grams` field holds a phrase of three "bigrams"
    /// (a b c) in some documents, parts of it in others, and whose `word`
    /// field marks some of the documents that have the phrase, over two
    /// segments.
    fn index() -> (Index, Field, Field, Vec<bool>) {
        let mut schema = Schema::builder();
        let grams = schema.add_text_field("grams", TEXT);
        let word = schema.add_text_field("word", TEXT);
        let index = Index::create_in_ram(schema.build());
        let mut writer: IndexWriter<TantivyDocument> = index
            .writer_with_num_threads(1, 15_000_000)
            .expect("writer");
        writer.set_merge_policy(Box::new(NoMergePolicy));
        let shapes = [
            "x a b c y",
            "a b c",
            "a c b",
            "b c a",
            "a b x c",
            "c",
            "a b c a b c",
            "x y",
            "a a b c",
            "b c",
        ];
        let mut state: u64 = 7;
        let mut has_phrase = Vec::new();
        for doc in 0..3000 {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let text = shapes[(state >> 33) as usize % shapes.len()];
            let phrase = text.contains("a b c");
            // Half the documents with the phrase have the word; none without.
            let with_word = phrase && (state >> 20) & 1 == 0;
            let mut document = TantivyDocument::new();
            document.add_text(grams, text);
            if with_word {
                document.add_text(word, "abc");
            } else if (state >> 21) & 1 == 0 {
                document.add_text(word, "other");
            }
            writer.add_document(document).expect("add");
            has_phrase.push(phrase);
            if doc == 1200 {
                writer.commit().expect("commit");
            }
        }
        writer.commit().expect("commit");
        (index, grams, word, has_phrase)
    }

    fn phrase(grams: Field) -> PhraseQuery {
        PhraseQuery::new(
            ["a", "b", "c"]
                .iter()
                .map(|t| Term::from_field_text(grams, t))
                .collect(),
        )
    }

    fn docs(index: &Index, query: &dyn Query) -> Vec<(u32, u32)> {
        let searcher = index.reader().expect("reader").searcher();
        let mut found: Vec<(u32, u32)> = searcher
            .search(query, &DocSetCollector)
            .expect("search")
            .into_iter()
            .map(|d| (d.segment_ord, d.doc_id))
            .collect();
        found.sort();
        found
    }

    #[test]
    fn finds_exactly_the_phrase_s_documents() {
        let (index, grams, word, has_phrase) = index();
        let expected = docs(&index, &phrase(grams));
        assert_eq!(expected.len(), has_phrase.iter().filter(|&&p| p).count());
        let query = WordOrPhraseQuery::new(Term::from_field_text(word, "abc"), phrase(grams));
        assert_eq!(docs(&index, &query), expected);
        // Seeking lands on the same documents as walking.
        let searcher = index.reader().expect("reader").searcher();
        let weight = query
            .weight(EnableScoring::disabled_from_searcher(&searcher))
            .expect("weight");
        for (ord, reader) in searcher.segment_readers().iter().enumerate() {
            let mine: Vec<u32> = (expected.iter())
                .filter(|(s, _)| *s == ord as u32)
                .map(|(_, d)| *d)
                .collect();
            let mut scorer = weight.scorer(reader, 1.0).expect("scorer");
            for target in (0..reader.max_doc()).step_by(37) {
                if target < scorer.doc() {
                    continue;
                }
                let want = mine
                    .iter()
                    .copied()
                    .find(|&d| d >= target)
                    .unwrap_or(TERMINATED);
                assert_eq!(scorer.seek(target), want, "seek {target} in segment {ord}");
            }
            let count = weight.count(reader).expect("count");
            assert_eq!(count as usize, mine.len());
        }
    }

    /// Inside an intersection led by another term, each of its documents
    /// is checked (`seek_danger`) and the answer is the phrase's.
    #[test]
    fn checked_from_an_intersection_it_answers_as_the_phrase() {
        use tantivy::query::{BooleanQuery, Occur};
        let (index, grams, word, _) = index();
        let with_x = |inner: Box<dyn Query>| {
            BooleanQuery::new(vec![
                (Occur::Must, inner),
                (
                    Occur::Must,
                    Box::new(TermQuery::new(
                        Term::from_field_text(grams, "x"),
                        IndexRecordOption::Basic,
                    )),
                ),
            ])
        };
        let expected = docs(&index, &with_x(Box::new(phrase(grams))));
        assert!(!expected.is_empty());
        let query = WordOrPhraseQuery::new(Term::from_field_text(word, "abc"), phrase(grams));
        assert_eq!(docs(&index, &with_x(Box::new(query))), expected);
    }

    /// A word absent from a segment (or from the index) leaves the phrase
    /// to find every hit.
    #[test]
    fn an_absent_word_leaves_the_phrase() {
        let (index, grams, word, _) = index();
        let query = WordOrPhraseQuery::new(Term::from_field_text(word, "nowhere"), phrase(grams));
        assert_eq!(docs(&index, &query), docs(&index, &phrase(grams)));
    }
}
