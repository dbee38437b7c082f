//! One pass over the hit set: count it, keep the best hits, and (on request)
//! count them by every tag dimension.
//!
//! Ranking is deterministic whatever the thread count or segment layout: the
//! sort key is (score or year, then a hash of the file name, then the
//! paragraph's number), never tantivy's internal document ids. Bare
//! headings and photo captions have their score scaled down, so that a
//! heading naming the topic ranks below the paragraphs under it.

use super::columns::{ColumnCache, SegmentColumns, U64Column};
use crate::corpus::record::{Dimension, Role, ValueKind, Year};
use crate::index::schema::decode_year;
use std::cmp::Ordering;
use std::collections::{BTreeMap, BinaryHeap};
use std::sync::Arc;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::StrColumn;
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

/// Score multiplier for bare headings and captions.
const CONTEXT_WEIGHT: f32 = 0.3;

/// A paragraph's score as it ranks: bare headings and captions count for
/// less than the paragraphs under them.
pub fn weigh(score: Score, role: Role) -> Score {
    match role {
        Role::Body => score,
        Role::Heading | Role::Caption => score * CONTEXT_WEIGHT,
    }
}

/// How hits are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortOrder {
    #[default]
    Score,
    YearAsc,
    YearDesc,
}

/// A hit before its stored fields are read.
#[derive(Debug, Clone, Copy)]
pub struct Candidate {
    pub score: f32,
    pub year: Option<Year>,
    pub file_key: u64,
    pub number: u64,
    /// 0: never collapse; otherwise shared by near-identical paragraphs.
    pub dup_key: u64,
    pub doc: DocAddress,
}

impl Candidate {
    /// A hit of segment `segment` with its BM25 score, read from the
    /// segment's columns.
    pub fn read(
        columns: &SegmentColumns,
        segment: SegmentOrdinal,
        doc: DocId,
        raw_score: Score,
    ) -> Candidate {
        Candidate {
            score: weigh(raw_score, Role::from_code(columns.role.get_val(doc))),
            year: decode_year(columns.year.get_val(doc)),
            file_key: columns.file_key.get_val(doc),
            number: columns.number.get_val(doc),
            dup_key: columns.dup_key.get_val(doc),
            doc: DocAddress::new(segment, doc),
        }
    }
}

/// Compare two candidates: `Less` means `a` ranks before `b`.
pub fn rank_cmp(a: &Candidate, b: &Candidate, sort: SortOrder) -> Ordering {
    let by_score = b.score.total_cmp(&a.score);
    // Paragraphs without a year go last in either year order.
    let year_key = |c: &Candidate, desc: bool| match (c.year, desc) {
        (None, _) => i64::MAX,
        (Some(y), true) => -i64::from(y),
        (Some(y), false) => i64::from(y),
    };
    let primary = match sort {
        SortOrder::Score => by_score,
        SortOrder::YearAsc => year_key(a, false).cmp(&year_key(b, false)).then(by_score),
        SortOrder::YearDesc => year_key(a, true).cmp(&year_key(b, true)).then(by_score),
    };
    primary
        .then(a.file_key.cmp(&b.file_key))
        .then(a.number.cmp(&b.number))
}

/// A candidate in a heap of the best ones, ordered by [`rank_cmp`].
pub(super) struct Ranked(pub Candidate, pub SortOrder);

/// Offer a candidate to a heap of the best `limit` (its top the worst
/// kept): it goes in while there is room, or in place of the worst when
/// it ranks before it.
pub(super) fn keep_best(
    heap: &mut BinaryHeap<Ranked>,
    candidate: Candidate,
    limit: usize,
    sort: SortOrder,
) {
    if heap.len() < limit {
        heap.push(Ranked(candidate, sort));
    } else if let Some(worst) = heap.peek()
        && rank_cmp(&candidate, &worst.0, sort) == Ordering::Less
    {
        heap.pop();
        heap.push(Ranked(candidate, sort));
    }
}

impl PartialEq for Ranked {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Ranked {}
impl PartialOrd for Ranked {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Ranked {
    // The heap's top is the worst-ranked candidate kept so far.
    fn cmp(&self, other: &Self) -> Ordering {
        rank_cmp(&self.0, &other.0, self.1)
    }
}

/// Year counters kept per segment while counting facets (stored years up
/// to 3000; the query language accepts no later ones).
const YEAR_SLOTS: usize = 3001;

/// The facet bucket of hits without a value (no county, no year, no theme).
pub const NONE_BUCKET: &str = "(none)";

/// Hit counts by tag value, for every dimension. Every hit is counted once
/// in each single-valued dimension — hits without a value under
/// [`NONE_BUCKET`] — so those counts add up to the total; a paragraph
/// counts once per theme it has.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FacetCounts {
    /// The dimensions counted, in [`Dimension::ALL`] order.
    dims: Vec<Dimension>,
    text: BTreeMap<Dimension, BTreeMap<String, u64>>,
    years: BTreeMap<Option<Year>, u64>,
}

impl FacetCounts {
    /// The dimensions these counts are for.
    pub fn dimensions(&self) -> Vec<Dimension> {
        self.dims.clone()
    }

    /// A dimension's buckets: years ascending (the no-year bucket last),
    /// other values by name.
    pub fn buckets(&self, dim: Dimension) -> Vec<(String, u64)> {
        match dim.value_kind() {
            ValueKind::Years => {
                let mut out: Vec<(String, u64)> = self
                    .years
                    .iter()
                    .filter_map(|(y, c)| y.map(|y| (y.to_string(), *c)))
                    .collect();
                if let Some(&none) = self.years.get(&None) {
                    out.push((NONE_BUCKET.to_string(), none));
                }
                out
            }
            ValueKind::Text => self
                .text
                .get(&dim)
                .map(|m| m.iter().map(|(k, v)| (k.clone(), *v)).collect())
                .unwrap_or_default(),
        }
    }

    /// The years with a count, ascending.
    pub fn years(&self) -> Vec<(Year, u64)> {
        self.years
            .iter()
            .filter_map(|(y, c)| y.map(|y| (y, *c)))
            .collect()
    }

    fn merge(&mut self, other: FacetCounts) {
        for dim in other.dims {
            if !self.dims.contains(&dim) {
                self.dims.push(dim);
            }
        }
        self.dims.sort();
        for (dim, counts) in other.text {
            let mine = self.text.entry(dim).or_default();
            for (k, v) in counts {
                *mine.entry(k).or_insert(0) += v;
            }
        }
        for (k, v) in other.years {
            *self.years.entry(k).or_insert(0) += v;
        }
    }
}

/// What one collection yields.
#[derive(Debug, Clone, Default)]
pub struct Collected {
    pub total: u64,
    /// The best `limit` candidates, best first.
    pub top: Vec<Candidate>,
    pub facets: Option<FacetCounts>,
}

/// The collector. `limit` of `usize::MAX` keeps every hit.
pub struct HitCollector {
    pub limit: usize,
    pub sort: SortOrder,
    /// Count by these dimensions (all of them for `--facets`, one for a
    /// trend); empty: no facets.
    pub facets: Vec<Dimension>,
    pub columns: Arc<ColumnCache>,
}

impl HitCollector {
    pub fn new(columns: &Arc<ColumnCache>, limit: usize, sort: SortOrder) -> Self {
        HitCollector {
            limit,
            sort,
            facets: Vec::new(),
            columns: columns.clone(),
        }
    }

    /// Also count hits by these dimensions.
    pub fn with_facets(mut self, dims: &[Dimension]) -> Self {
        self.facets = dims.to_vec();
        self
    }
}

pub struct SegmentHits {
    segment: SegmentOrdinal,
    limit: usize,
    sort: SortOrder,
    total: u64,
    heap: BinaryHeap<Ranked>,
    all: Vec<Candidate>,
    columns: Arc<SegmentColumns>,
    facets: Option<FacetCounter>,
}

/// Hits are counted by dimension in batches of this many documents.
const FACET_BATCH: usize = 1024;

/// Counts one segment's hits by dimension.
///
/// Hits are buffered and counted a batch at a time: the columns' batch
/// lookups (rows of a sorted block of documents, then their values) cost
/// about half of looking each hit up alone, which made facet counting two
/// thirds of a broad faceted query (`perf` over `baogao bench` on the 1 GB
/// corpus: column value reads, optional-index ranks and per-document
/// ordinal iterators).
pub struct FacetCounter {
    /// Per counted text dimension: the column, counts per term ordinal,
    /// and the count of documents without a value.
    text: Vec<(Dimension, StrColumn, Vec<u64>, u64)>,
    /// Counts by stored year (0 = no year), when years are counted; a
    /// counter per possible year is cheaper than a map lookup per hit.
    years: Option<(U64Column, Vec<u64>)>,
    dims: Vec<Dimension>,
    /// Hits not yet counted, ascending.
    pending: Vec<DocId>,
    /// Scratch space for a batch: matching documents, rows and values.
    docs_out: Vec<DocId>,
    rows: Vec<u32>,
    values: Vec<u64>,
}

impl FacetCounter {
    pub fn new(
        columns: &SegmentColumns,
        segment: &SegmentReader,
        dims: &[Dimension],
    ) -> tantivy::Result<FacetCounter> {
        let mut text = Vec::new();
        for &(dim, ref column) in columns.text_dimensions(segment)? {
            if dims.contains(&dim) {
                text.push((dim, column.clone(), vec![0u64; column.num_terms()], 0));
            }
        }
        let years = dims
            .contains(&Dimension::Year)
            .then(|| (columns.year.clone(), vec![0; YEAR_SLOTS]));
        Ok(FacetCounter {
            text,
            years,
            dims: dims.to_vec(),
            pending: Vec::with_capacity(FACET_BATCH),
            docs_out: Vec::new(),
            rows: Vec::new(),
            values: Vec::new(),
        })
    }

    /// Count a hit (hits come in ascending order from a collector; any
    /// order is counted right, ascending is faster).
    pub fn count(&mut self, doc: DocId) {
        self.pending.push(doc);
        if self.pending.len() >= FACET_BATCH {
            self.flush();
        }
    }

    /// Count the buffered hits.
    fn flush(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let docs = &self.pending;
        for (_, column, counts, none) in &mut self.text {
            let ords = column.ords();
            self.docs_out.clear();
            self.rows.clear();
            ords.index
                .docids_to_rowids(docs, &mut self.docs_out, &mut self.rows);
            self.values.clear();
            self.values.resize(self.rows.len(), 0);
            ords.values.get_vals(&self.rows, &mut self.values);
            // A document has as many rows as values (themes: several); it
            // counts under each value it has, and once under "none" when
            // it has none. Rows come grouped by document, in `docs` order.
            let mut with_value = 0u64;
            let mut previous = None;
            for (&doc, &ord) in self.docs_out.iter().zip(&self.values) {
                if let Some(count) = counts.get_mut(ord as usize) {
                    *count += 1;
                    if previous != Some(doc) {
                        with_value += 1;
                        previous = Some(doc);
                    }
                }
            }
            *none += docs.len() as u64 - with_value;
        }
        if let Some((column, years)) = &mut self.years {
            self.values.clear();
            self.values.resize(docs.len(), 0);
            column.get_vals(docs, &mut self.values);
            for &year in &self.values {
                years[(year as usize).min(YEAR_SLOTS - 1)] += 1;
            }
        }
        self.pending.clear();
    }

    pub fn harvest(mut self) -> FacetCounts {
        self.flush();
        let mut counts = FacetCounts {
            dims: self.dims,
            ..FacetCounts::default()
        };
        if let Some((_, years)) = self.years {
            counts.years = years
                .iter()
                .enumerate()
                .filter(|(_, c)| **c > 0)
                .map(|(y, c)| (decode_year(y as u64), *c))
                .collect();
        }
        for (dim, column, ords, none) in self.text {
            let map = counts.text.entry(dim).or_default();
            if none > 0 {
                *map.entry(NONE_BUCKET.to_string()).or_insert(0) += none;
            }
            // Look the used ordinals up in one sorted pass over the
            // dictionary (one lookup each would re-scan a block each).
            // A dictionary read error cannot be returned from harvest;
            // it would leave the counts short, which the facet tests'
            // "counts add up to the total" would catch.
            let used: Vec<u64> = (0..ords.len() as u64)
                .filter(|&o| ords[o as usize] > 0)
                .collect();
            let mut used_counts = used.iter().map(|&o| ords[o as usize]);
            let _ = column.dictionary().sorted_ords_to_term_cb(&used, |bytes| {
                if let Some(count) = used_counts.next() {
                    *map.entry(String::from_utf8_lossy(bytes).into_owned())
                        .or_insert(0) += count;
                }
            });
        }
        counts
    }
}

/// Facet counts of a given set of documents (hits that were checked one
/// by one, as with `-w`).
pub fn facets_of_docs(
    searcher: &tantivy::Searcher,
    columns: &ColumnCache,
    docs: &[DocAddress],
    dims: &[Dimension],
) -> tantivy::Result<FacetCounts> {
    let mut total = FacetCounts {
        dims: dims.to_vec(),
        ..FacetCounts::default()
    };
    for (ord, segment) in searcher.segment_readers().iter().enumerate() {
        let segment_columns = columns.get(segment)?;
        let mut counter = FacetCounter::new(&segment_columns, segment, dims)?;
        for doc in docs.iter().filter(|d| d.segment_ord as usize == ord) {
            counter.count(doc.doc_id);
        }
        total.merge(counter.harvest());
    }
    total.dims.sort();
    Ok(total)
}

impl Collector for HitCollector {
    type Fruit = Collected;
    type Child = SegmentHits;

    fn for_segment(
        &self,
        segment_ord: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<SegmentHits> {
        let columns = self.columns.get(segment)?;
        let facets = if self.facets.is_empty() {
            None
        } else {
            Some(FacetCounter::new(&columns, segment, &self.facets)?)
        };
        Ok(SegmentHits {
            segment: segment_ord,
            limit: self.limit,
            sort: self.sort,
            total: 0,
            heap: BinaryHeap::new(),
            all: Vec::new(),
            columns,
            facets,
        })
    }

    /// A collector that keeps no hits (counts and facets only, as for a
    /// trend or the facets beside a pruned page) needs no scores, and
    /// unscored posting lists are walked without reading frequencies.
    fn requires_scoring(&self) -> bool {
        self.limit > 0
    }

    fn merge_fruits(&self, fruits: Vec<SegmentFruit>) -> tantivy::Result<Collected> {
        let mut total = 0;
        let mut top = Vec::new();
        let mut facets: Option<FacetCounts> = None;
        for fruit in fruits {
            total += fruit.total;
            top.extend(fruit.top);
            if let Some(f) = fruit.facets {
                facets.get_or_insert_with(FacetCounts::default).merge(f);
            }
        }
        top.sort_by(|a, b| rank_cmp(a, b, self.sort));
        top.truncate(self.limit);
        if !self.facets.is_empty() {
            let mut dims = self.facets.clone();
            dims.sort();
            dims.dedup();
            facets.get_or_insert_with(FacetCounts::default).dims = dims;
        }
        Ok(Collected { total, top, facets })
    }
}

/// What one segment yields.
pub struct SegmentFruit {
    total: u64,
    top: Vec<Candidate>,
    facets: Option<FacetCounts>,
}

impl SegmentHits {
    /// Could a document with this raw score enter the kept hits? Ranking by
    /// score, a full heap's worst entry bounds it: the role factor only
    /// lowers a score, so a raw score below the worst kept one cannot win,
    /// and the hit's fast fields need not be read at all (most hits of a
    /// broad query are skipped this way).
    fn wants(&self, raw_score: Score) -> bool {
        if self.limit == 0 {
            return false;
        }
        if self.limit == usize::MAX || self.sort != SortOrder::Score || self.heap.len() < self.limit
        {
            return true;
        }
        self.heap
            .peek()
            .is_none_or(|worst| raw_score >= worst.0.score)
    }
}

impl SegmentCollector for SegmentHits {
    type Fruit = SegmentFruit;

    fn collect(&mut self, doc: DocId, score: Score) {
        self.total += 1;
        if self.wants(score) {
            let candidate = Candidate::read(&self.columns, self.segment, doc, score);
            if self.limit == usize::MAX {
                self.all.push(candidate);
            } else {
                keep_best(&mut self.heap, candidate, self.limit, self.sort);
            }
        }
        if let Some(facets) = &mut self.facets {
            facets.count(doc);
        }
    }

    fn harvest(self) -> SegmentFruit {
        let mut top = self.all;
        top.extend(self.heap.into_iter().map(|r| r.0));
        SegmentFruit {
            total: self.total,
            top,
            facets: self.facets.map(FacetCounter::harvest),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidate(score: f32, year: i32, file_key: u64, number: u64) -> Candidate {
        Candidate {
            score,
            year: (year != 0).then_some(year),
            file_key,
            number,
            dup_key: 0,
            doc: DocAddress::new(0, 0),
        }
    }

    #[test]
    fn ties_break_by_file_then_ordinal() {
        let a = candidate(1.0, 0, 5, 2);
        let b = candidate(1.0, 0, 5, 3);
        let c = candidate(1.0, 0, 4, 9);
        let mut v = [a, b, c];
        v.sort_by(|x, y| rank_cmp(x, y, SortOrder::Score));
        assert_eq!(
            v.iter().map(|c| (c.file_key, c.number)).collect::<Vec<_>>(),
            vec![(4, 9), (5, 2), (5, 3)]
        );
    }

    #[test]
    fn year_orders_put_missing_years_last() {
        let mut v = [
            candidate(1.0, 0, 1, 1),
            candidate(1.0, 2020, 2, 1),
            candidate(2.0, 2024, 3, 1),
            candidate(3.0, 2020, 4, 1),
        ];
        v.sort_by(|x, y| rank_cmp(x, y, SortOrder::YearAsc));
        assert_eq!(
            v.iter().map(|c| c.file_key).collect::<Vec<_>>(),
            vec![4, 2, 3, 1]
        );
        v.sort_by(|x, y| rank_cmp(x, y, SortOrder::YearDesc));
        assert_eq!(
            v.iter().map(|c| c.file_key).collect::<Vec<_>>(),
            vec![3, 4, 2, 1]
        );
    }
}
