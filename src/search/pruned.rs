//! The best hits of a ranked query without scoring every hit.
//!
//! The exhaustive collector (`Engine::collect_page`) scores each paragraph
//! of the hit set; for a broad word at 1 GB (教育, 改革: 400,000 and more
//! paragraphs) that is most of the query's time, almost all of it spent
//! on hits that cannot make the page. A query's ranking (`Planner::ranked`)
//! is a sum of BM25 term scores: each literal's words in the text and its
//! longest word in the nearest heading. tantivy's block-max WAND over those
//! terms, flattened into one union, skips every block whose best possible
//! score cannot enter the page. Each paragraph it proposes is then looked
//! up in the ranked query itself, which both checks that it is a hit (the
//! ranked query requires the exact query: filters, negations and phrases
//! included) and scores it exactly as the exhaustive path does. The count
//! comes from the exact query's own count (for a two-character word in a
//! segment without deletions, the document frequency its term dictionary
//! already holds).
//! Facets, when asked for, are counted by the engine in one unscored pass
//! over the exact query after the page is found here.
//!
//! The page is the exhaustive path's, hit for hit and score for score:
//!
//! * the score kept is the ranked query's own, bit for bit;
//! * WAND sums the same term scores in another order, which can differ
//!   from the ranked score in the last bits; and a hit's score may only
//!   fall below its raw BM25 (headings and captions are scaled down). So a
//!   proposal is wanted when its WAND score reaches the worst kept score
//!   less a relative margin ([`SUM_MARGIN`]) far wider than any rounding of
//!   a sum of at most [`MAX_TERMS`] terms — ties included, since ranking
//!   breaks them by file and paragraph;
//! * paragraphs in the hit set without any of the words score nothing and
//!   were never proposed: when fewer than a page of scored hits turn up,
//!   the exhaustive path answers instead.
//!
//! Pruning pays only where counting the hits costs much less than scoring
//! them, and where the hit set is most of what the terms' postings hold;
//! [`worth_trying`] decides before anything is read, from the query's
//! shape (measured per query class at 1 GB; see BENCHMARKS.md):
//!
//! * every literal has at most two characters. A longer one is a phrase
//!   of bigrams whose count checks the positions of every candidate — the
//!   larger part of the exhaustive path's time — so pruning its scoring
//!   saved nothing (中华人民共和国 12.7 ms either way);
//! * no year range: a range over the year columns is not a posting list,
//!   and looking each proposal up in it cost more than it saved
//!   (安全 year:2023.. 3.0 → 4.3 ms);
//! * no more than two words that must all be there: WAND takes the union
//!   of the words' postings, and the best-scored paragraphs of three
//!   words' union mostly lack one of them (科技 创新 人才 5.2 → 5.8 ms);
//! * every `dimension:value` filter keeps at least a tenth of the index:
//!   where a filter keeps a small part (教育 county:青田县: 130 of 380,000
//!   hits), WAND would walk the postings proposing paragraphs the filter
//!   refuses.
//!
//! And then a hit set smaller than the page is collected exhaustively (the
//! page would not fill), and a pass that has refused more than
//! [`REFUSAL_BUDGET`] proposals beyond twice those it kept stops and leaves
//! the page to the exhaustive path.
//!
//! tests/query.rs compares the two paths over many queries.

use super::collect::{Candidate, Collected, Ranked, SortOrder, keep_best, rank_cmp};
use super::columns::ColumnCache;
use super::plan::{Planner, scoring_query};
use super::query::{Filter, Node};
use std::collections::BinaryHeap;
use tantivy::query::{EnableScoring, Query, Scorer};
use tantivy::schema::Term;
use tantivy::{Score, SegmentOrdinal, TERMINATED};

/// Most terms a pruned ranking may sum (more are scored exhaustively).
pub(super) const MAX_TERMS: usize = 16;
/// How far below the worst kept score a proposal's WAND score may be and
/// still be looked at: 1e-4 of it, where summing 16 non-negative floats
/// in another order moves a sum by at most about 16 × 2⁻²⁴ ≈ 1e-6 of it.
const SUM_MARGIN: Score = 1e-4;
/// The smallest share of the index a filter may keep for its query to be
/// pruned.
const MIN_FILTER_SHARE: f64 = 0.1;
/// Proposals refused (not hits) beyond twice the number kept, after which
/// the pass gives up.
const REFUSAL_BUDGET: u64 = 20_000;

/// Whether a query of this shape is worth a pruned pass (see the module
/// documentation): short literals, at most two of them required, no year
/// range, no narrow filter.
pub(super) fn worth_trying(planner: &Planner, node: &Node) -> bool {
    match node {
        Node::Literal { text, .. } => text.chars().count() <= 2,
        Node::Filter(Filter::Years(_)) => false,
        Node::Filter(Filter::Equals(dim, value)) => {
            let Some(field) = planner.fields.dimension(*dim) else {
                return false;
            };
            let kept = planner
                .searcher
                .doc_freq(&Term::from_field_text(field, value))
                .unwrap_or(0);
            let all = planner.searcher.num_docs().max(1);
            kept as f64 / all as f64 >= MIN_FILTER_SHARE
        }
        Node::Not(inner) => worth_trying(planner, inner),
        Node::And(nodes) => {
            let required = nodes
                .iter()
                .filter(|n| matches!(n, Node::Literal { .. }))
                .count();
            required <= 2 && nodes.iter().all(|n| worth_trying(planner, n))
        }
        Node::Or(nodes) => nodes.iter().all(|n| worth_trying(planner, n)),
    }
}

/// Whether a page of `limit` hits ranked by `terms` weighted terms can be
/// taken by [`collect_top`] at all (a page, of a sum it can prune).
pub(super) fn applies(limit: usize, terms: usize) -> bool {
    limit != 0 && limit != usize::MAX && terms != 0 && terms <= MAX_TERMS
}

/// The best `limit` hits of `ranked` (which must require the exact query,
/// and score by the sum of the weighted `scoring` terms' BM25 scores), and
/// how many hits the exact query has, per segment, as `count_exact` counts
/// them (`None`: not counted here, the caller counts them; the total is
/// then 0); `None` where this path cannot give the exhaustive
/// path's answer, or would not be faster (see the module documentation),
/// so the caller must collect exhaustively.
pub(super) fn collect_top(
    searcher: &tantivy::Searcher,
    columns: &ColumnCache,
    count_exact: &dyn Fn() -> tantivy::Result<Option<Vec<u64>>>,
    ranked: &dyn Query,
    scoring: Vec<(Term, f32)>,
    limit: usize,
) -> tantivy::Result<Option<Collected>> {
    if !applies(limit, scoring.len()) {
        return Ok(None);
    }
    let counts = count_exact()?;
    let total: u64 = counts.iter().flatten().sum();
    if counts.is_some() && total < limit as u64 {
        return Ok(None);
    }
    let enabled = EnableScoring::enabled_from_searcher(searcher);
    let scoring = scoring_query(scoring).weight(enabled)?;
    let ranked = ranked.weight(enabled)?;
    let mut kept: BinaryHeap<Ranked> = BinaryHeap::with_capacity(limit + 1);
    let (mut accepted, mut refused) = (0u64, 0u64);
    for (ord, reader) in searcher.segment_readers().iter().enumerate() {
        if counts.as_ref().is_some_and(|c| c[ord] == 0) {
            continue;
        }
        let segment_columns = columns.get(reader)?;
        let mut hits = ranked.scorer(reader, 1.0)?;
        let alive = reader.alive_bitset();
        let segment = ord as SegmentOrdinal;
        let mut threshold = threshold_of(&kept, limit);
        scoring.for_each_pruning(threshold, reader, &mut |doc, _approximate| {
            if threshold == Score::MAX {
                return threshold;
            }
            if alive.is_some_and(|a| a.is_deleted(doc)) || !contains(hits.as_mut(), doc) {
                refused += 1;
                if refused > REFUSAL_BUDGET + 2 * accepted {
                    threshold = Score::MAX;
                }
                return threshold;
            }
            accepted += 1;
            let candidate = Candidate::read(&segment_columns, segment, doc, hits.score());
            keep_best(&mut kept, candidate, limit, SortOrder::Score);
            threshold = threshold_of(&kept, limit);
            threshold
        })?;
        if threshold == Score::MAX {
            return Ok(None);
        }
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

/// The WAND score a proposal must exceed to be looked at: the worst kept
/// score less [`SUM_MARGIN`] of it, so that ties and sums rounded the other
/// way are still proposed; none until the page is full.
fn threshold_of(kept: &BinaryHeap<Ranked>, limit: usize) -> Score {
    match kept.peek() {
        Some(worst) if kept.len() >= limit => {
            let score = worst.0.score;
            (score - score.abs() * SUM_MARGIN).next_down()
        }
        _ => Score::MIN,
    }
}

/// Is `doc` in the hit set? Proposals come in ascending order, so the hit
/// set's iterator only ever moves forward.
fn contains(hits: &mut dyn Scorer, doc: tantivy::DocId) -> bool {
    let at = hits.doc();
    if at == TERMINATED || at > doc {
        return false;
    }
    at == doc || hits.seek(doc) == doc
}
