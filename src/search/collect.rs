//! One pass over the hit set: count it, keep the best hits, and (on request)
//! count them by every tag dimension.
//!
//! Ranking is deterministic whatever the thread count or segment layout: the
//! sort key is (score or year, then a hash of the file name, then the
//! paragraph's number), never tantivy's internal document ids. Bare
//! headings and photo captions have their score scaled down, so that a
//! heading naming the topic ranks below the paragraphs under it.

use super::columns::{ColumnCache, PlaceNames, SegmentColumns, U64Column};
use crate::analysis::themes::MAX_THEMES;
use crate::corpus::record::{Dimension, Role, ValueKind, Year};
use crate::index::schema::{TagBits, decode_year, place_level};
use std::cmp::Ordering;
use std::collections::{BTreeMap, BinaryHeap, HashMap};
use std::sync::Arc;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{ColumnIndex, StrColumn};
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
#[derive(Clone, Default, PartialEq, Eq)]
pub struct FacetCounts {
    /// The dimensions counted, in [`Dimension::ALL`] order.
    dims: Vec<Dimension>,
    /// Counts by name, per text dimension; unordered (there can be
    /// thousands of counties to merge from every segment and range), put
    /// in order by [`FacetCounts::buckets`].
    text: BTreeMap<Dimension, HashMap<String, u64>>,
    years: BTreeMap<Option<Year>, u64>,
}

/// Shown as each dimension's buckets in order (the counts are kept
/// unordered).
impl std::fmt::Debug for FacetCounts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut map = f.debug_map();
        for &dim in &self.dims {
            map.entry(&dim, &self.buckets(dim));
        }
        map.finish()
    }
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
            ValueKind::Text => {
                let mut out: Vec<(String, u64)> = self
                    .text
                    .get(&dim)
                    .map(|m| m.iter().map(|(k, v)| (k.clone(), *v)).collect())
                    .unwrap_or_default();
                out.sort();
                out
            }
        }
    }

    /// The years with a count, ascending.
    pub fn years(&self) -> Vec<(Year, u64)> {
        self.years
            .iter()
            .filter_map(|(y, c)| y.map(|y| (y, *c)))
            .collect()
    }

    /// Add `n` hits (if any) to the bucket `name` of `dim`.
    fn add(&mut self, dim: Dimension, name: &str, n: u64) {
        if n == 0 {
            return;
        }
        let map = self.text.entry(dim).or_default();
        match map.get_mut(name) {
            Some(count) => *count += n,
            None => {
                map.insert(name.to_string(), n);
            }
        }
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
            if mine.is_empty() {
                *mine = counts;
                continue;
            }
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
    /// The index's theme names, for facets by theme.
    pub themes: Arc<Vec<String>>,
    pub columns: Arc<ColumnCache>,
}

impl HitCollector {
    pub fn new(columns: &Arc<ColumnCache>, limit: usize, sort: SortOrder) -> Self {
        HitCollector {
            limit,
            sort,
            facets: Vec::new(),
            themes: Arc::default(),
            columns: columns.clone(),
        }
    }

    /// Also count hits by these dimensions (`themes`: the index's theme
    /// names, which facets by theme are named by).
    pub fn with_facets(mut self, dims: &[Dimension], themes: Arc<Vec<String>>) -> Self {
        self.facets = dims.to_vec();
        self.themes = themes;
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
/// Every dimension comes from one of three dense columns (one value per
/// document, see `index::schema`): `place` (province, city and county as
/// one string's ordinal), `tags` (kind and themes as bits) and `year`.
/// Hits are buffered and their values read a batch at a time, then
/// counted per ordinal, per kind, per theme bit and per year; the
/// ordinals are turned into names once per query ([`PlaceCounts`]).
pub struct FacetCounter {
    /// Counts per `place` ordinal, when a place dimension is counted.
    place: Option<(StrColumn, PlaceCounts)>,
    /// Counts per kind code and per theme bit (with the hits without a
    /// theme), when kinds or themes are counted.
    tags: Option<TagCounts>,
    /// Counts by stored year (0 = no year), when years are counted; a
    /// counter per possible year is cheaper than a map lookup per hit.
    years: Option<(U64Column, Vec<u64>)>,
    dims: Vec<Dimension>,
    /// The index's theme names, which the theme bits number.
    themes: Arc<Vec<String>>,
    /// Hits not yet counted, ascending.
    pending: Vec<DocId>,
    /// Scratch space for a batch's values.
    values: Vec<u64>,
}

/// Hit counts from the `tags` column, kept as a histogram of each byte
/// of the number: a hit adds one to a counter per byte (three bytes for
/// the built-in twenty themes), whatever its number of themes, and the
/// counts per kind and per theme are read off the histograms at the end.
/// Counting theme by theme instead (a loop over each hit's bits, branching
/// on how many it has) took two thirds of a broad faceted query's time at
/// 1 GB. Alternate hits use two copies of the histograms, so that two
/// hits with the same byte do not wait on each other's increment.
struct TagCounts {
    column: U64Column,
    /// Bytes of the number that can be non-zero.
    bytes: usize,
    /// `histograms[copy][byte][value]`.
    histograms: Box<[[[u64; 256]; 8]; 2]>,
    /// Hits without any theme.
    no_theme: u64,
}

impl TagCounts {
    fn new(column: U64Column, themes: usize) -> TagCounts {
        let bits = 2 + themes.min(MAX_THEMES);
        TagCounts {
            column,
            bytes: bits.div_ceil(8),
            histograms: Box::new([[[0; 256]; 8]; 2]),
            no_theme: 0,
        }
    }

    fn count(&mut self, values: &[u64]) {
        let bytes = self.bytes;
        let [even, odd] = &mut *self.histograms;
        let mut pairs = values.chunks_exact(2);
        for pair in &mut pairs {
            for (byte, (e, o)) in even.iter_mut().zip(odd.iter_mut()).take(bytes).enumerate() {
                e[((pair[0] >> (8 * byte)) & 0xff) as usize] += 1;
                o[((pair[1] >> (8 * byte)) & 0xff) as usize] += 1;
            }
            self.no_theme += u64::from(TagBits::themes(pair[0]) == 0);
            self.no_theme += u64::from(TagBits::themes(pair[1]) == 0);
        }
        for &value in pairs.remainder() {
            for (byte, e) in even.iter_mut().take(bytes).enumerate() {
                e[((value >> (8 * byte)) & 0xff) as usize] += 1;
            }
            self.no_theme += u64::from(TagBits::themes(value) == 0);
        }
    }

    /// How many hits have bit `bit` of the number set.
    fn with_bit(&self, bit: usize) -> u64 {
        let (byte, mask) = (bit / 8, 1usize << (bit % 8));
        if byte >= self.bytes {
            return 0;
        }
        self.histograms
            .iter()
            .map(|copy| {
                (0..256)
                    .filter(|v| v & mask != 0)
                    .map(|v| copy[byte][v])
                    .sum::<u64>()
            })
            .sum()
    }

    /// How many hits have each kind code (the two lowest bits).
    fn kinds(&self) -> [u64; 4] {
        let mut kinds = [0; 4];
        for copy in self.histograms.iter() {
            for (value, &n) in copy[0].iter().enumerate() {
                kinds[value & 3] += n;
            }
        }
        kinds
    }
}

impl FacetCounter {
    pub fn new(
        columns: &SegmentColumns,
        segment: &SegmentReader,
        dims: &[Dimension],
        themes: Arc<Vec<String>>,
    ) -> tantivy::Result<FacetCounter> {
        let wants = |d: Dimension| dims.contains(&d);
        let facet_columns = if dims.iter().any(|&d| d != Dimension::Year) {
            Some(columns.facets(segment)?)
        } else {
            None
        };
        let place = match facet_columns {
            Some(c) if dims.iter().any(|&d| place_level(d).is_some()) => Some((
                c.place.clone(),
                PlaceCounts::new(columns.place_names(segment)?, dims),
            )),
            _ => None,
        };
        let tags = facet_columns
            .filter(|_| wants(Dimension::Kind) || wants(Dimension::Theme))
            .map(|c| TagCounts::new(c.tags.clone(), themes.len()));
        let years = wants(Dimension::Year).then(|| (columns.year.clone(), vec![0; YEAR_SLOTS]));
        Ok(FacetCounter {
            place,
            tags,
            years,
            dims: dims.to_vec(),
            themes,
            pending: Vec::with_capacity(FACET_BATCH),
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

    /// Count hits, as [`FacetCounter::count`] counts each.
    fn count_all(&mut self, mut docs: &[DocId]) {
        while !docs.is_empty() {
            let room = FACET_BATCH.saturating_sub(self.pending.len()).max(1);
            let (now, later) = docs.split_at(room.min(docs.len()));
            self.pending.extend_from_slice(now);
            if self.pending.len() >= FACET_BATCH {
                self.flush();
            }
            docs = later;
        }
    }

    /// Count the buffered hits.
    fn flush(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let docs = &self.pending;
        let values = &mut self.values;
        if let Some((column, place)) = &mut self.place {
            let counts = &mut place.per_ord;
            dense_ords(column, docs, values);
            // A report's paragraphs have one place and lie together, so
            // ordinals come in runs: one increment per run, not a chain of
            // increments of one counter.
            let mut run = (u64::MAX, 0u64);
            for &ord in values.iter() {
                if ord == run.0 {
                    run.1 += 1;
                } else {
                    if let Some(count) = counts.get_mut(run.0 as usize) {
                        *count += run.1;
                    }
                    run = (ord, 1);
                }
            }
            if let Some(count) = counts.get_mut(run.0 as usize) {
                *count += run.1;
            }
        }
        if let Some(tags) = &mut self.tags {
            values.clear();
            values.resize(docs.len(), 0);
            tags.column.get_vals(docs, values);
            tags.count(values);
        }
        if let Some((column, years)) = &mut self.years {
            values.clear();
            values.resize(docs.len(), 0);
            column.get_vals(docs, values);
            for &year in values.iter() {
                years[(year as usize).min(YEAR_SLOTS - 1)] += 1;
            }
        }
        self.pending.clear();
    }

    /// The counts, with those by place still per ordinal (see
    /// [`PlaceCounts`]), to be merged with the other ranges' of the
    /// segment before they are named.
    fn harvest_parts(mut self) -> (FacetCounts, Option<PlaceCounts>) {
        self.flush();
        let wants = |d: Dimension| self.dims.contains(&d);
        let mut counts = FacetCounts {
            dims: self.dims.clone(),
            ..FacetCounts::default()
        };
        if let Some(tags) = &self.tags {
            if wants(Dimension::Kind) {
                for (code, n) in tags.kinds().into_iter().enumerate() {
                    counts.add(Dimension::Kind, TagBits::kind(code as u64).name(), n);
                }
            }
            if wants(Dimension::Theme) {
                // Only the index's own themes have bits (see `TagBits`).
                for (i, name) in self.themes.iter().enumerate().take(MAX_THEMES) {
                    counts.add(Dimension::Theme, name, tags.with_bit(2 + i));
                }
                counts.add(Dimension::Theme, NONE_BUCKET, tags.no_theme);
            }
        }
        if let Some((_, years)) = self.years {
            counts.years = years
                .iter()
                .enumerate()
                .filter(|(_, c)| **c > 0)
                .map(|(y, c)| (decode_year(y as u64), *c))
                .collect();
        }
        (counts, self.place.map(|(_, place)| place))
    }

    /// The counts, named.
    pub fn harvest(self) -> FacetCounts {
        let (mut counts, place) = self.harvest_parts();
        if let Some(place) = place {
            place.name_into(&mut counts);
        }
        counts
    }
}

/// Hits counted per value of one segment's `place` column, for the place
/// dimensions asked for. The ranges of a split segment add theirs up
/// ([`PlaceCounts::absorb`]) and the sum is named once.
pub struct PlaceCounts {
    names: Arc<PlaceNames>,
    /// The place dimensions counted, with their level.
    levels: Vec<(Dimension, usize)>,
    per_ord: Vec<u64>,
}

impl PlaceCounts {
    fn new(names: Arc<PlaceNames>, dims: &[Dimension]) -> PlaceCounts {
        let levels = (dims.iter())
            .filter_map(|&d| place_level(d).map(|level| (d, level)))
            .collect();
        PlaceCounts {
            per_ord: vec![0; names.ids.len()],
            names,
            levels,
        }
    }

    /// Add `other`'s counts if they count the same segment's places for
    /// the same dimensions; give them back if not.
    fn absorb(&mut self, other: PlaceCounts) -> Option<PlaceCounts> {
        if !Arc::ptr_eq(&self.names, &other.names) || self.levels != other.levels {
            return Some(other);
        }
        for (mine, theirs) in self.per_ord.iter_mut().zip(&other.per_ord) {
            *mine += theirs;
        }
        None
    }

    /// Add the counts to `counts` by name.
    fn name_into(self, counts: &mut FacetCounts) {
        for &(dim, level) in &self.levels {
            let mut by_name = vec![0u64; self.names.names[level].len()];
            for (ids, &n) in self.names.ids.iter().zip(&self.per_ord) {
                by_name[ids[level] as usize] += n;
            }
            (counts.text.entry(dim).or_default())
                .reserve(by_name.iter().filter(|&&n| n > 0).count());
            for (name, n) in self.names.names[level].iter().zip(by_name) {
                let name = if name.is_empty() { NONE_BUCKET } else { name };
                counts.add(dim, name, n);
            }
        }
    }
}

/// The term ordinals of `docs` in a string column that has one value per
/// document, into `out` (in `docs` order). Such a column's rows are its
/// documents, so the values are read without looking rows up; a column
/// with another cardinality (none is written so, but an index cannot be
/// trusted blindly) is read through its row index, one value per row.
pub(super) fn dense_ords(column: &StrColumn, docs: &[DocId], out: &mut Vec<u64>) {
    let ords = column.ords();
    out.clear();
    if matches!(ords.index, ColumnIndex::Full) {
        out.resize(docs.len(), 0);
        ords.values.get_vals(docs, out);
        return;
    }
    for &doc in docs {
        out.push(column.term_ords(doc).next().unwrap_or(u64::MAX));
    }
}

/// Facet counts of a given set of documents (hits that were checked one
/// by one, as with `-w`).
pub fn facets_of_docs(
    searcher: &tantivy::Searcher,
    columns: &ColumnCache,
    docs: &[DocAddress],
    dims: &[Dimension],
    themes: Arc<Vec<String>>,
) -> tantivy::Result<FacetCounts> {
    let mut total = FacetCounts {
        dims: dims.to_vec(),
        ..FacetCounts::default()
    };
    for (ord, segment) in searcher.segment_readers().iter().enumerate() {
        let segment_columns = columns.get(segment)?;
        let mut counter = FacetCounter::new(&segment_columns, segment, dims, themes.clone())?;
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
            Some(FacetCounter::new(
                &columns,
                segment,
                &self.facets,
                self.themes.clone(),
            )?)
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
        // The counts by place of the ranges of one segment (whichever
        // order their fruits come in) are summed, then named once.
        let mut places: Vec<PlaceCounts> = Vec::new();
        for fruit in fruits {
            total += fruit.total;
            top.extend(fruit.top);
            if let Some(f) = fruit.facets {
                facets.get_or_insert_with(FacetCounts::default).merge(f);
            }
            let mut left = fruit.places;
            for kept in &mut places {
                match left.take() {
                    Some(counts) => left = kept.absorb(counts),
                    None => break,
                }
            }
            places.extend(left);
        }
        if let Some(f) = &mut facets {
            for counts in places {
                counts.name_into(f);
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
    /// The counts by place, not yet named.
    places: Option<PlaceCounts>,
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

    #[inline]
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

    /// A block of unscored hits (a count, facets, a trend: nothing is
    /// kept, see `requires_scoring`) is counted as a whole, not hit by hit.
    fn collect_block(&mut self, docs: &[DocId]) {
        if self.limit != 0 {
            for &doc in docs {
                self.collect(doc, 0.0);
            }
            return;
        }
        self.total += docs.len() as u64;
        if let Some(facets) = &mut self.facets {
            facets.count_all(docs);
        }
    }

    fn harvest(self) -> SegmentFruit {
        let mut top = self.all;
        top.extend(self.heap.into_iter().map(|r| r.0));
        let (facets, places) = match self.facets.map(FacetCounter::harvest_parts) {
            Some((facets, places)) => (Some(facets), places),
            None => (None, None),
        };
        SegmentFruit {
            total: self.total,
            top,
            facets,
            places,
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
