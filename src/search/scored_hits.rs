//! A hit set ranked by scoring clauses that are looked up hit by hit.
//!
//! A ranked query is "these paragraphs (the exact match), scored by BM25
//! over the words' jieba terms" (`Planner::ranked`). As a tantivy
//! `BooleanQuery` of a MUST filter and SHOULD scoring clauses, the scoring
//! clauses become one buffered union, and that union, asked for the score
//! of a hit, fills a window of 4,096 documents ahead with every posting of
//! every term in it. When the hit set is sparse and the words are common
//! (双减工作持续推进 at 1 GB: 807 hits, and 工作 in every fifth paragraph),
//! each hit costs the scoring of thousands of postings that are not hits:
//! that was a third of the query's time.
//!
//! [`ScoredHitsQuery`] matches exactly the required query's documents and
//! scores each one by seeking every scoring term's own postings to it (a
//! skip through their blocks), so the work follows the hits, not the
//! terms. A paragraph's score is the same number, bit for bit, as the
//! boolean query gives: the terms of a clause are summed in their order,
//! then the clauses in theirs, then added to the required clause's score,
//! as tantivy's union and required-optional scorers add them.

use std::fmt;
use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, Term};

/// The required query's documents, scored by the sum of the scoring
/// clauses that hold each of them (see the module docs). `clauses[i]` are
/// the parts of one SHOULD clause (the weighted terms of one word), summed
/// first.
pub struct ScoredHitsQuery {
    required: Box<dyn Query>,
    clauses: Vec<Vec<Box<dyn Query>>>,
}

impl ScoredHitsQuery {
    pub fn new(required: Box<dyn Query>, clauses: Vec<Vec<Box<dyn Query>>>) -> ScoredHitsQuery {
        ScoredHitsQuery { required, clauses }
    }
}

impl Clone for ScoredHitsQuery {
    fn clone(&self) -> Self {
        ScoredHitsQuery {
            required: self.required.box_clone(),
            clauses: (self.clauses.iter())
                .map(|parts| parts.iter().map(|p| p.box_clone()).collect())
                .collect(),
        }
    }
}

impl fmt::Debug for ScoredHitsQuery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ScoredHits({:?} by {:?})", self.required, self.clauses)
    }
}

impl Query for ScoredHitsQuery {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let required = self.required.weight(scoring)?;
        // Without scoring, only the hit set matters.
        let clauses = if scoring.is_scoring_enabled() {
            (self.clauses.iter())
                .map(|parts| parts.iter().map(|p| p.weight(scoring)).collect())
                .collect::<tantivy::Result<Vec<Vec<Box<dyn Weight>>>>>()?
        } else {
            Vec::new()
        };
        Ok(Box::new(ScoredHitsWeight { required, clauses }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.required.query_terms(visitor);
        for part in self.clauses.iter().flatten() {
            part.query_terms(visitor);
        }
    }
}

struct ScoredHitsWeight {
    required: Box<dyn Weight>,
    clauses: Vec<Vec<Box<dyn Weight>>>,
}

impl Weight for ScoredHitsWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let required = self.required.scorer(reader, boost)?;
        let clauses = (self.clauses.iter())
            .map(|parts| parts.iter().map(|p| p.scorer(reader, boost)).collect())
            .collect::<tantivy::Result<Vec<Vec<Box<dyn Scorer>>>>>()?;
        Ok(Box::new(ScoredHitsScorer { required, clauses }))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.seek(doc) != doc {
            return Err(tantivy::TantivyError::InvalidArgument(format!(
                "document {doc} does not match"
            )));
        }
        let mut explanation = Explanation::new("sum of the scoring clauses", scorer.score());
        explanation.add_detail(self.required.explain(reader, doc)?);
        for part in self.clauses.iter().flatten() {
            if let Ok(detail) = part.explain(reader, doc) {
                explanation.add_detail(detail);
            }
        }
        Ok(explanation)
    }

    fn count(&self, reader: &SegmentReader) -> tantivy::Result<u32> {
        self.required.count(reader)
    }
}

struct ScoredHitsScorer {
    required: Box<dyn Scorer>,
    clauses: Vec<Vec<Box<dyn Scorer>>>,
}

impl DocSet for ScoredHitsScorer {
    fn advance(&mut self) -> DocId {
        self.required.advance()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        self.required.seek(target)
    }

    fn doc(&self) -> DocId {
        self.required.doc()
    }

    fn size_hint(&self) -> u32 {
        self.required.size_hint()
    }

    fn cost(&self) -> u64 {
        self.required.cost()
    }
}

impl Scorer for ScoredHitsScorer {
    fn score(&mut self) -> Score {
        let doc = self.required.doc();
        // tantivy's order: required + (clause 1 + clause 2 …), each clause
        // (part 1 + part 2 …). A part or clause that is absent adds 0.0,
        // which leaves every sum as it was.
        let mut optional: Score = 0.0;
        for parts in &mut self.clauses {
            let mut clause: Score = 0.0;
            for part in parts.iter_mut() {
                // Scoring clauses only ever move forward: hits are scored
                // in document order.
                if part.doc() < doc {
                    part.seek(doc);
                }
                if part.doc() == doc {
                    clause += part.score();
                }
            }
            optional += clause;
        }
        self.required.score() + optional
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::collector::TopDocs;
    use tantivy::indexer::NoMergePolicy;
    use tantivy::query::{BooleanQuery, BoostQuery, ConstScoreQuery, Occur, TermQuery};
    use tantivy::schema::{Field, IndexRecordOption, Schema, TEXT};
    use tantivy::{DocAddress, Index, IndexWriter, TantivyDocument};

    /// Two segments of generated documents over a small vocabulary, common
    /// and rare words alike, of varied lengths (so that BM25 scores vary).
    fn index() -> (Index, Field) {
        let mut schema = Schema::builder();
        let text = schema.add_text_field("text", TEXT);
        let index = Index::create_in_ram(schema.build());
        let mut writer: IndexWriter<TantivyDocument> = index
            .writer_with_num_threads(1, 15_000_000)
            .expect("writer");
        writer.set_merge_policy(Box::new(NoMergePolicy));
        let vocabulary = [
            "a", "a", "a", "b", "b", "c", "d", "e", "f", "g", "rare", "x",
        ];
        let mut state: u64 = 12345;
        for doc in 0..6000 {
            let mut words = Vec::new();
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            for _ in 0..(3 + (state >> 59) as usize) {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                words.push(vocabulary[(state >> 33) as usize % vocabulary.len()]);
            }
            let mut document = TantivyDocument::new();
            document.add_text(text, words.join(" "));
            writer.add_document(document).expect("add");
            if doc == 2500 {
                writer.commit().expect("commit");
            }
        }
        writer.commit().expect("commit");
        (index, text)
    }

    fn term(field: Field, word: &str, weight: f32) -> Box<dyn Query> {
        let query = Box::new(TermQuery::new(
            Term::from_field_text(field, word),
            IndexRecordOption::WithFreqs,
        ));
        if weight == 1.0 {
            query
        } else {
            Box::new(BoostQuery::new(query, weight))
        }
    }

    /// Every hit and its score's bits, by document.
    fn hits(index: &Index, query: &dyn Query) -> Vec<(DocAddress, u32)> {
        let searcher = index.reader().expect("reader").searcher();
        let top = searcher
            .search(query, &TopDocs::with_limit(100_000).order_by_score())
            .expect("search");
        let mut hits: Vec<(DocAddress, u32)> =
            top.into_iter().map(|(s, d)| (d, s.to_bits())).collect();
        hits.sort();
        hits
    }

    #[test]
    fn scores_and_hits_are_those_of_the_boolean_query() {
        let (index, text) = index();
        // (required words, clauses of (word, weight)).
        type Clause<'a> = &'a [(&'a str, f32)];
        let cases: &[(&[&str], &[Clause])] = &[
            (&["rare"], &[&[("a", 1.0), ("b", 0.3)], &[("c", 1.0)]]),
            (
                &["rare", "x"],
                &[&[("a", 1.0)], &[("b", 1.0), ("g", 0.3)], &[("x", 1.0)]],
            ),
            (
                &["a"],
                &[&[("a", 1.0), ("d", 0.3)], &[("e", 1.0), ("f", 1.0)]],
            ),
            (&["g"], &[&[("rare", 1.0)]]),
            (&["c", "d"], &[&[("nowhere", 1.0)], &[("c", 1.0)]]),
        ];
        let mut compared = 0;
        for (required, clauses) in cases {
            let filter = || -> Box<dyn Query> {
                let musts = (required.iter())
                    .map(|w| (Occur::Must, term(text, w, 1.0)))
                    .collect();
                Box::new(ConstScoreQuery::new(
                    Box::new(BooleanQuery::new(musts)),
                    0.0,
                ))
            };
            let parts = || -> Vec<Vec<Box<dyn Query>>> {
                (clauses.iter())
                    .map(|c| c.iter().map(|(w, weight)| term(text, w, *weight)).collect())
                    .collect()
            };
            let mut boolean: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, filter())];
            for clause in parts() {
                let shoulds = clause.into_iter().map(|p| (Occur::Should, p)).collect();
                boolean.push((Occur::Should, Box::new(BooleanQuery::new(shoulds))));
            }
            let boolean = BooleanQuery::new(boolean);
            let scored = ScoredHitsQuery::new(filter(), parts());
            let expected = hits(&index, &boolean);
            assert!(!expected.is_empty(), "{required:?}");
            assert_eq!(hits(&index, &scored), expected, "{required:?} {clauses:?}");
            // Driven by an outer intersection, which seeks it.
            let outer = |inner: Box<dyn Query>| {
                BooleanQuery::new(vec![
                    (Occur::Must, inner),
                    (Occur::Must, term(text, "b", 1.0)),
                ])
            };
            let expected_outer = hits(&index, &outer(Box::new(boolean.clone())));
            assert_eq!(
                hits(&index, &outer(Box::new(scored.clone()))),
                expected_outer
            );
            let searcher = index.reader().expect("reader").searcher();
            assert_eq!(
                searcher
                    .search(&scored, &tantivy::collector::Count)
                    .expect("count"),
                expected.len()
            );
            compared += expected.len();
        }
        assert!(compared > 1000, "{compared} hits compared");
    }
}
