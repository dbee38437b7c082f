//! One pass over the hit set: count it, keep the best hits, and (on request)
//! count them by county, province, city, year, kind and theme.
//!
//! Ranking is deterministic whatever the thread count or segment layout: the
//! sort key is (score or year, then a hash of the file name, then the
//! paragraph's ordinal), never tantivy's internal document ids. Bare
//! headings and photo captions have their score scaled down, so that a
//! heading naming the topic ranks below the paragraphs under it.

use crate::corpus::split::Role;
use crate::index::schema::{NO_YEAR, decode_year, names};
use std::cmp::Ordering;
use std::collections::{BTreeMap, BinaryHeap, HashMap};
use std::sync::{Arc, Mutex, OnceLock};
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{ColumnValues, StrColumn};
use tantivy::index::SegmentId;
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

/// Score multiplier for bare headings and captions.
const CONTEXT_WEIGHT: f32 = 0.3;

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
    /// 0 when the paragraph has no year.
    pub year: u64,
    pub file_key: u64,
    pub ordinal: u64,
    pub dup_key: u64,
    pub doc: DocAddress,
}

/// Compare two candidates: `Less` means `a` ranks before `b`.
pub fn rank_cmp(a: &Candidate, b: &Candidate, sort: SortOrder) -> Ordering {
    let by_score = b.score.total_cmp(&a.score);
    // Paragraphs without a year go last in either year order.
    let year_key = |c: &Candidate, desc: bool| match (c.year, desc) {
        (0, _) => u64::MAX,
        (y, true) => u64::MAX - 1 - y,
        (y, false) => y,
    };
    let primary = match sort {
        SortOrder::Score => by_score,
        SortOrder::YearAsc => year_key(a, false).cmp(&year_key(b, false)).then(by_score),
        SortOrder::YearDesc => year_key(a, true).cmp(&year_key(b, true)).then(by_score),
    };
    primary
        .then(a.file_key.cmp(&b.file_key))
        .then(a.ordinal.cmp(&b.ordinal))
}

struct Ranked(Candidate, SortOrder);

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

/// Year counters kept per segment while counting facets (years up to 3000;
/// the query language accepts no later ones).
const YEAR_SLOTS: usize = 3001;

/// The facet bucket of hits without a value (no county, no year, no theme).
pub const NONE_BUCKET: &str = "(none)";

/// Hit counts by field value. Every hit is counted once in each
/// single-valued facet (province, city, county, year, kind), paragraphs
/// without a value under [`NONE_BUCKET`] (year 0 for years), so those
/// counts add up to the total; a paragraph counts once per theme it has.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FacetCounts {
    pub province: BTreeMap<String, u64>,
    pub city: BTreeMap<String, u64>,
    pub county: BTreeMap<String, u64>,
    pub year: BTreeMap<u64, u64>,
    pub kind: BTreeMap<String, u64>,
    pub themes: BTreeMap<String, u64>,
}

impl FacetCounts {
    /// Year buckets as labels, ascending, with the no-year bucket last.
    pub fn year_labels(&self) -> Vec<(String, u64)> {
        let mut out: Vec<(String, u64)> = self
            .year
            .iter()
            .filter(|(y, _)| decode_year(**y).is_some())
            .map(|(y, c)| (y.to_string(), *c))
            .collect();
        if let Some(&none) = self.year.get(&NO_YEAR) {
            out.push((NONE_BUCKET.to_string(), none));
        }
        out
    }

    fn merge(&mut self, other: FacetCounts) {
        for (mine, theirs) in [
            (&mut self.province, other.province),
            (&mut self.city, other.city),
            (&mut self.county, other.county),
            (&mut self.kind, other.kind),
            (&mut self.themes, other.themes),
        ] {
            for (k, v) in theirs {
                *mine.entry(k).or_insert(0) += v;
            }
        }
        for (k, v) in other.year {
            *self.year.entry(k).or_insert(0) += v;
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
    pub facets: bool,
    pub columns: Arc<ColumnCache>,
}

impl HitCollector {
    pub fn new(columns: &Arc<ColumnCache>, limit: usize, sort: SortOrder, facets: bool) -> Self {
        HitCollector {
            limit,
            sort,
            facets,
            columns: columns.clone(),
        }
    }
}

type U64Column = Arc<dyn ColumnValues<u64>>;

pub struct SegmentHits {
    segment: SegmentOrdinal,
    limit: usize,
    sort: SortOrder,
    total: u64,
    heap: BinaryHeap<Ranked>,
    all: Vec<Candidate>,
    role: U64Column,
    year: U64Column,
    file_key: U64Column,
    ordinal: U64Column,
    dup_key: U64Column,
    facets: Option<SegmentFacets>,
}

struct SegmentFacets {
    /// Per facet field: the column, counts per term ordinal, and the count
    /// of documents without a value.
    strings: Vec<(StrColumn, Vec<u64>, u64)>,
    year: U64Column,
    /// Counts by year, indexed by year (0 = no year); a counter per
    /// possible year is cheaper than a map lookup per hit.
    years: Vec<u64>,
}

fn u64_column(segment: &SegmentReader, name: &str) -> tantivy::Result<U64Column> {
    Ok(segment.fast_fields().u64(name)?.first_or_default_col(0))
}

/// The fast-field columns the collector reads, opened once per segment.
/// Opening a column decodes its block index, which costs more than a
/// small search itself, so an [`IndexHandle`](crate::index::IndexHandle)
/// keeps them for the life of its searcher.
pub struct SegmentColumns {
    role: U64Column,
    year: U64Column,
    file_key: U64Column,
    ordinal: U64Column,
    dup_key: U64Column,
    facets: OnceLock<Vec<StrColumn>>,
}

impl SegmentColumns {
    fn open(segment: &SegmentReader) -> tantivy::Result<SegmentColumns> {
        Ok(SegmentColumns {
            role: u64_column(segment, names::ROLE)?,
            year: u64_column(segment, names::YEAR)?,
            file_key: u64_column(segment, names::FILE_KEY)?,
            ordinal: u64_column(segment, names::ORDINAL)?,
            dup_key: u64_column(segment, names::DUP_KEY)?,
            facets: OnceLock::new(),
        })
    }

    fn facet_columns(&self, segment: &SegmentReader) -> tantivy::Result<&[StrColumn]> {
        if let Some(columns) = self.facets.get() {
            return Ok(columns);
        }
        let mut columns = Vec::with_capacity(FACET_FIELDS.len());
        for name in FACET_FIELDS {
            let column = segment.fast_fields().str(name)?.unwrap_or_else(|| {
                StrColumn::wrap(tantivy::columnar::BytesColumn::empty(segment.max_doc()))
            });
            columns.push(column);
        }
        Ok(self.facets.get_or_init(|| columns))
    }
}

/// Columns per segment, filled on first use.
#[derive(Default)]
pub struct ColumnCache {
    segments: Mutex<HashMap<SegmentId, Arc<SegmentColumns>>>,
}

impl ColumnCache {
    fn get(&self, segment: &SegmentReader) -> tantivy::Result<Arc<SegmentColumns>> {
        let id = segment.segment_id();
        if let Some(columns) = self.segments.lock().ok().and_then(|m| m.get(&id).cloned()) {
            return Ok(columns);
        }
        let columns = Arc::new(SegmentColumns::open(segment)?);
        if let Ok(mut map) = self.segments.lock() {
            map.insert(id, columns.clone());
        }
        Ok(columns)
    }
}

const FACET_FIELDS: [&str; 5] = [
    names::PROVINCE,
    names::CITY,
    names::COUNTY,
    names::KIND,
    names::THEMES,
];

impl Collector for HitCollector {
    type Fruit = Collected;
    type Child = SegmentHits;

    fn for_segment(
        &self,
        segment_ord: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<SegmentHits> {
        let columns = self.columns.get(segment)?;
        let facets = if self.facets {
            let strings = columns
                .facet_columns(segment)?
                .iter()
                .map(|column| (column.clone(), vec![0u64; column.num_terms()], 0))
                .collect();
            Some(SegmentFacets {
                strings,
                year: columns.year.clone(),
                years: vec![0; YEAR_SLOTS],
            })
        } else {
            None
        };
        Ok(SegmentHits {
            segment: segment_ord,
            limit: self.limit,
            sort: self.sort,
            total: 0,
            heap: BinaryHeap::new(),
            all: Vec::new(),
            role: columns.role.clone(),
            year: columns.year.clone(),
            file_key: columns.file_key.clone(),
            ordinal: columns.ordinal.clone(),
            dup_key: columns.dup_key.clone(),
            facets,
        })
    }

    fn requires_scoring(&self) -> bool {
        true
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
        if self.facets && facets.is_none() {
            facets = Some(FacetCounts::default());
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
            let score = match Role::from_u64(self.role.get_val(doc)) {
                Role::Body => score,
                Role::Heading | Role::Caption => score * CONTEXT_WEIGHT,
            };
            let candidate = Candidate {
                score,
                year: self.year.get_val(doc),
                file_key: self.file_key.get_val(doc),
                ordinal: self.ordinal.get_val(doc),
                dup_key: self.dup_key.get_val(doc),
                doc: DocAddress::new(self.segment, doc),
            };
            if self.limit == usize::MAX {
                self.all.push(candidate);
            } else if self.heap.len() < self.limit {
                self.heap.push(Ranked(candidate, self.sort));
            } else if let Some(worst) = self.heap.peek()
                && rank_cmp(&candidate, &worst.0, self.sort) == Ordering::Less
            {
                self.heap.pop();
                self.heap.push(Ranked(candidate, self.sort));
            }
        }
        if let Some(facets) = &mut self.facets {
            for (column, counts, none) in &mut facets.strings {
                let mut any = false;
                for ord in column.term_ords(doc) {
                    if let Some(count) = counts.get_mut(ord as usize) {
                        *count += 1;
                        any = true;
                    }
                }
                if !any {
                    *none += 1;
                }
            }
            let year = (facets.year.get_val(doc) as usize).min(YEAR_SLOTS - 1);
            facets.years[year] += 1;
        }
    }

    fn harvest(self) -> SegmentFruit {
        let mut top = self.all;
        top.extend(self.heap.into_iter().map(|r| r.0));
        let facets = self.facets.map(|f| {
            let mut counts = FacetCounts {
                year: f
                    .years
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| **c > 0)
                    .map(|(y, c)| (y as u64, *c))
                    .collect(),
                ..FacetCounts::default()
            };
            for (name, (column, ords, none)) in FACET_FIELDS.iter().zip(f.strings) {
                let map = match *name {
                    names::PROVINCE => &mut counts.province,
                    names::CITY => &mut counts.city,
                    names::COUNTY => &mut counts.county,
                    names::KIND => &mut counts.kind,
                    _ => &mut counts.themes,
                };
                if none > 0 {
                    *map.entry(NONE_BUCKET.to_string()).or_insert(0) += none;
                }
                // Look the used ordinals up in one sorted pass over the
                // dictionary (one lookup each would re-scan a block each).
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
        });
        SegmentFruit {
            total: self.total,
            top,
            facets,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidate(score: f32, year: u64, file_key: u64, ordinal: u64) -> Candidate {
        Candidate {
            score,
            year,
            file_key,
            ordinal,
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
            v.iter()
                .map(|c| (c.file_key, c.ordinal))
                .collect::<Vec<_>>(),
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
