//! The best hits of a query ranked on one word, without scoring every hit.
//!
//! The exhaustive collector (`Engine::collect_page`) scores each paragraph
//! of the hit set; for a broad word at 1 GB (教育, 改革: 400,000 and more
//! paragraphs) that is most of the query's time, almost all of it spent
//! on hits that cannot make the page. When the ranking is the BM25 of one
//! word in the text plus the same word in the nearest heading, tantivy's
//! block-max WAND over those two posting lists skips every block whose
//! best possible score cannot enter the page. Each paragraph it proposes is
//! checked against the exact query, so the hits stay exactly the ones the
//! query matches; the count comes from the exact query's own count (for a
//! two-character word in a segment without deletions, the document
//! frequency its term dictionary already holds).
//!
//! The page is the exhaustive path's, hit for hit and score for score:
//!
//! * a score is the sum of the same two term scores both ways, and a sum
//!   of two floats does not depend on their order (more terms would be
//!   summed in a different order, and could differ in the last bit, so
//!   those queries are not pruned);
//! * a hit's score may only fall below its raw BM25 (headings and captions
//!   are scaled down), so a proposal is wanted when its raw score reaches
//!   the worst kept score — ties included, since ranking breaks them by
//!   file and paragraph;
//! * paragraphs in the hit set without the word score nothing and were
//!   never proposed: when fewer than a page of scored hits turn up, the
//!   exhaustive path answers instead.
//!
//! tests/query.rs compares the two paths over many queries.

use super::collect::{Candidate, Collected, Ranked, SortOrder, keep_best, rank_cmp};
use super::columns::ColumnCache;
use super::plan::scoring_query;
use std::collections::BinaryHeap;
use tantivy::query::{EnableScoring, Query};
use tantivy::schema::Term;
use tantivy::{DocSet, Score, SegmentOrdinal, TERMINATED};

/// The best `limit` hits of `exact` ranked by the sum of the weighted
/// `scoring` terms' BM25 scores, and how many hits there are; `None` where
/// this path cannot give the exhaustive path's answer (see the module
/// documentation), so the caller must collect exhaustively.
pub(super) fn collect_top(
    searcher: &tantivy::Searcher,
    columns: &ColumnCache,
    exact: &dyn Query,
    scoring: Vec<(Term, f32)>,
    limit: usize,
) -> tantivy::Result<Option<Collected>> {
    if limit == 0 || limit == usize::MAX || scoring.len() > 2 {
        return Ok(None);
    }
    let scoring = scoring_query(scoring).weight(EnableScoring::enabled_from_searcher(searcher))?;
    let exact = exact.weight(EnableScoring::disabled_from_searcher(searcher))?;
    let mut kept: BinaryHeap<Ranked> = BinaryHeap::with_capacity(limit + 1);
    let mut total = 0u64;
    for (ord, reader) in searcher.segment_readers().iter().enumerate() {
        total += u64::from(exact.count(reader)?);
        let segment_columns = columns.get(reader)?;
        let mut hits = exact.scorer(reader, 1.0)?;
        let alive = reader.alive_bitset();
        let segment = ord as SegmentOrdinal;
        let mut threshold = threshold_of(&kept, limit);
        scoring.for_each_pruning(threshold, reader, &mut |doc, raw_score| {
            if alive.is_some_and(|a| a.is_deleted(doc)) || !contains(hits.as_mut(), doc) {
                return threshold;
            }
            let candidate = Candidate::read(&segment_columns, segment, doc, raw_score);
            keep_best(&mut kept, candidate, limit, SortOrder::Score);
            threshold = threshold_of(&kept, limit);
            threshold
        })?;
    }
    if kept.len() < limit {
        return Ok(None);
    }
    let mut top: Vec<Candidate> = kept.into_iter().map(|r| r.0).collect();
    top.sort_by(|a, b| rank_cmp(a, b, SortOrder::Score));
    Ok(Some(Collected {
        total,
        top,
        facets: None,
    }))
}

/// The score a proposal must exceed: below the worst kept score by the
/// smallest step, so that a tie is still proposed; none until the page is
/// full.
fn threshold_of(kept: &BinaryHeap<Ranked>, limit: usize) -> Score {
    match kept.peek() {
        Some(worst) if kept.len() >= limit => worst.0.score.next_down(),
        _ => Score::MIN,
    }
}

/// Is `doc` in the hit set? Proposals come in ascending order, so the hit
/// set's iterator only ever moves forward.
fn contains(hits: &mut dyn DocSet, doc: tantivy::DocId) -> bool {
    let at = hits.doc();
    if at == TERMINATED || at > doc {
        return false;
    }
    at == doc || hits.seek(doc) == doc
}
