//! The year filter: paragraphs whose span of years overlaps a range, read
//! from one fast column.
//!
//! A paragraph about 2016–2020 matches `year:2018` and `year:2019..2022`:
//! its first year must be at most the range's last and its last year at
//! least the range's first. Each paragraph's span is one number in the
//! `year_span` column ([`encode_span`]), so the test costs one value read
//! per paragraph looked at. As two of tantivy's range queries (one per
//! bound, over two columns) it cost two reads and a row lookup each, a
//! third of `改革 year:2010..2020` at 1 GB.
//!
//! Inside a query the filter is looked up at the documents its words
//! propose (`seek_danger`); alone (`year:2024`) it scans the column a
//! block at a time.
//!
//! A segment whose every paragraph is in the range (`year:2000..` over
//! recent reports) is not filtered at all: the column's minimum and
//! maximum, which tantivy keeps with it, decide that without reading a
//! value, and the scorer is then tantivy's `AllScorer`, which a boolean
//! query drops from its intersection, leaving the words' own posting
//! lists, as if there were no filter. (Lucene's point range query does the
//! same from a segment's bounds.) A segment none of whose paragraphs can
//! be in it gets an empty scorer. Search goes further and drops such a
//! range from the query before planning (`Node::without_true_filters`), so
//! that pruning and counting see the words alone: at 1 GB `改革
//! year:1900..` took 10–17 ms with the filter tested on each of its
//! 482,824 hits and takes 2.6 ms, as `改革` does
//! (`bench --queries benches/whole_year_ranges.txt`).

use crate::index::schema::{decode_span, encode_year};
use crate::search::columns::U64Column;
use std::fmt;
use tantivy::columnar::ColumnIndex;
use tantivy::query::{AllScorer, EmptyScorer, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SeekDangerResult, SegmentReader, TERMINATED};

/// Paragraphs whose year span overlaps `from..=to` (stored years; `None`:
/// unbounded). Paragraphs without a year never match.
#[derive(Clone)]
pub struct YearSpanQuery {
    field: String,
    /// Lowest last year that overlaps, at least 1 (a stored 0 is no year).
    from: u64,
    /// Highest first year that overlaps.
    to: u64,
}

impl YearSpanQuery {
    /// The filter of a query's `year:` range, over the `year_span` column.
    pub fn for_range(range: &crate::search::query::YearRange) -> YearSpanQuery {
        YearSpanQuery::new(crate::index::schema::names::YEAR_SPAN, range.from, range.to)
    }

    pub fn new(field: &str, from: Option<i32>, to: Option<i32>) -> YearSpanQuery {
        YearSpanQuery {
            field: field.to_string(),
            from: encode_year(from).max(1),
            to: to.map_or(u64::MAX, |y| encode_year(Some(y))),
        }
    }

    /// What a segment whose spans lie between `lowest` and `highest` (its
    /// column's minimum and maximum) holds of the range, if that alone
    /// tells: every paragraph or none. Spans are ordered by their first
    /// year (the high bits), and a span never ends before it starts
    /// ([`encode_span`]), so every paragraph starts at or after `lowest`'s
    /// first year and ends no earlier than it.
    ///
    /// [`encode_span`]: crate::index::schema::encode_span
    fn whole_segment(&self, lowest: u64, highest: u64) -> Option<Whole> {
        let (lowest_first, _) = decode_span(lowest);
        let (highest_first, _) = decode_span(highest);
        // `from` is at least 1, so this also says every paragraph has a year.
        if lowest_first >= self.from && highest_first <= self.to {
            Some(Whole::Every)
        } else if highest_first == 0 || lowest_first > self.to {
            Some(Whole::No)
        } else {
            None
        }
    }

    /// [`Self::whole_segment`] for a segment's column; only a dense one
    /// (a value in every row) has bounds that speak for every paragraph.
    fn whole_column(&self, column: &tantivy::columnar::Column<u64>) -> Option<Whole> {
        match column.index {
            ColumnIndex::Full => {
                self.whole_segment(column.values.min_value(), column.values.max_value())
            }
            _ => None,
        }
    }

    /// Whether every paragraph of every segment is in the range, as the
    /// segments' column bounds tell without reading a value: the filter
    /// then keeps everything, and search drops it from the query
    /// (`Engine::search`), which is then ranked as if it were not there.
    pub(super) fn holds_every_paragraph(&self, searcher: &tantivy::Searcher) -> bool {
        searcher.segment_readers().iter().all(|reader| {
            reader
                .fast_fields()
                .u64(&self.field)
                .is_ok_and(|column| self.whole_column(&column) == Some(Whole::Every))
        })
    }
}

/// Every paragraph of a segment matches, or none does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Whole {
    Every,
    No,
}

impl fmt::Debug for YearSpanQuery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "YearSpan({}: {}..={})", self.field, self.from, self.to)
    }
}

impl Query for YearSpanQuery {
    fn weight(&self, _: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(self.clone()))
    }
}

impl Weight for YearSpanQuery {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let column = reader.fast_fields().u64(&self.field)?;
        match self.whole_column(&column) {
            Some(Whole::Every) => return Ok(Box::new(AllScorer::new(reader.max_doc()))),
            Some(Whole::No) => return Ok(Box::new(EmptyScorer)),
            None => {}
        }
        let column: U64Column = match column.index {
            ColumnIndex::Full => column.values,
            _ => column.first_or_default_col(0),
        };
        let mut scorer = YearSpanScorer {
            column,
            from: self.from,
            to: self.to,
            score: boost,
            max_doc: reader.max_doc(),
            doc: 0,
            block: Vec::new(),
            block_start: 0,
        };
        scorer.doc = scorer.next_match(0);
        Ok(Box::new(scorer))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.seek(doc) != doc {
            return Err(tantivy::TantivyError::InvalidArgument(format!(
                "document {doc} is not in the year range"
            )));
        }
        Ok(Explanation::new("YearSpan", 1.0))
    }
}

/// Values decoded at a time when scanning.
const BLOCK: u32 = 256;

struct YearSpanScorer {
    column: U64Column,
    from: u64,
    to: u64,
    score: Score,
    max_doc: DocId,
    doc: DocId,
    /// Spans of documents `block_start..block_start + block.len()`.
    block: Vec<u64>,
    block_start: DocId,
}

impl YearSpanScorer {
    fn matches(&self, span: u64) -> bool {
        let (first, last) = decode_span(span);
        first != 0 && first <= self.to && last >= self.from
    }

    /// The first matching document at or after `target`.
    fn next_match(&mut self, mut target: DocId) -> DocId {
        while target < self.max_doc {
            let in_block = target >= self.block_start
                && ((target - self.block_start) as usize) < self.block.len();
            if !in_block {
                let len = BLOCK.min(self.max_doc - target);
                self.block.resize(len as usize, 0);
                self.column.get_range(u64::from(target), &mut self.block);
                self.block_start = target;
            }
            let offset = (target - self.block_start) as usize;
            match self.block[offset..].iter().position(|&s| self.matches(s)) {
                Some(at) => return self.block_start + (offset + at) as DocId,
                None => target = self.block_start + self.block.len() as DocId,
            }
        }
        TERMINATED
    }
}

impl DocSet for YearSpanScorer {
    fn advance(&mut self) -> DocId {
        if self.doc != TERMINATED {
            self.doc = self.next_match(self.doc + 1);
        }
        self.doc
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc != TERMINATED && target > self.doc {
            self.doc = self.next_match(target);
        }
        self.doc
    }

    /// Whether `target` matches, by one value read, without looking for
    /// the next match when it does not.
    fn seek_danger(&mut self, target: DocId) -> SeekDangerResult {
        if target >= self.max_doc {
            self.doc = TERMINATED;
            return SeekDangerResult::SeekLowerBound(TERMINATED);
        }
        if self.matches(self.column.get_val(target)) {
            self.doc = target;
            SeekDangerResult::Found
        } else {
            SeekDangerResult::SeekLowerBound(target + 1)
        }
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.max_doc
    }

    /// Scanning costs a value read per document: as much as the largest
    /// posting list, so that any word drives an intersection with it.
    fn cost(&self) -> u64 {
        u64::from(self.max_doc)
    }
}

impl Scorer for YearSpanScorer {
    fn score(&mut self) -> Score {
        self.score
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::index::schema::encode_span;
    use tantivy::columnar::ColumnValues;

    /// A column held in memory.
    struct Values(Vec<u64>);

    impl ColumnValues for Values {
        fn get_val(&self, idx: u32) -> u64 {
            self.0[idx as usize]
        }
        fn min_value(&self) -> u64 {
            self.0.iter().copied().min().unwrap_or(0)
        }
        fn max_value(&self) -> u64 {
            self.0.iter().copied().max().unwrap_or(0)
        }
        fn num_vals(&self) -> u32 {
            self.0.len() as u32
        }
    }

    fn scorer(spans: &[(u64, u64)], from: Option<i32>, to: Option<i32>) -> YearSpanScorer {
        let values: Vec<u64> = spans.iter().map(|&(a, b)| encode_span(a, b)).collect();
        let query = YearSpanQuery::new("year_span", from, to);
        let column: U64Column = std::sync::Arc::new(Values(values));
        let mut scorer = YearSpanScorer {
            column,
            from: query.from,
            to: query.to,
            score: 1.0,
            max_doc: spans.len() as DocId,
            doc: 0,
            block: Vec::new(),
            block_start: 0,
        };
        scorer.doc = scorer.next_match(0);
        scorer
    }

    fn all(mut s: YearSpanScorer) -> Vec<DocId> {
        let mut out = Vec::new();
        while s.doc() != TERMINATED {
            out.push(s.doc());
            s.advance();
        }
        out
    }

    #[test]
    fn spans_overlapping_the_range_match_and_no_year_never_does() {
        let spans = [
            (0, 0),
            (2016, 2020),
            (2021, 2021),
            (2024, 2024),
            (2010, 2025),
        ];
        assert_eq!(all(scorer(&spans, Some(2018), Some(2018))), vec![1, 4]);
        assert_eq!(all(scorer(&spans, Some(2021), None)), vec![2, 3, 4]);
        assert_eq!(all(scorer(&spans, None, Some(2016))), vec![1, 4]);
        assert_eq!(all(scorer(&spans, None, None)), vec![1, 2, 3, 4]);
        assert_eq!(all(scorer(&spans, Some(2030), None)), Vec::<DocId>::new());
    }

    #[test]
    fn scanning_seeking_and_point_lookups_agree_across_blocks() {
        // More documents than a block, matching every seventh.
        let spans: Vec<(u64, u64)> = (0..1000)
            .map(|i| {
                if i % 7 == 0 {
                    (2020, 2020)
                } else {
                    (2000, 2001)
                }
            })
            .collect();
        let want: Vec<DocId> = (0..1000).filter(|i| i % 7 == 0).collect();
        assert_eq!(all(scorer(&spans, Some(2020), None)), want);
        let mut s = scorer(&spans, Some(2020), None);
        assert_eq!(s.seek(300), 301);
        assert_eq!(s.seek(301), 301);
        assert_eq!(s.seek(995), TERMINATED);
        let mut s = scorer(&spans, Some(2020), None);
        assert_eq!(s.seek_danger(700), SeekDangerResult::Found);
        assert_eq!(s.doc(), 700);
        assert_eq!(s.advance(), 707);
        assert_eq!(s.seek_danger(708), SeekDangerResult::SeekLowerBound(709));
        assert_eq!(
            s.seek_danger(1000),
            SeekDangerResult::SeekLowerBound(TERMINATED)
        );
    }

    /// Whatever the spans and the range, a segment is called whole only
    /// when every paragraph matches, and empty only when none does.
    #[test]
    fn a_segment_is_skipped_only_when_its_bounds_decide_every_paragraph() {
        use proptest::prelude::*;
        let year = prop_oneof![Just(0u64), 1990u64..2030];
        let spans = proptest::collection::vec((year, 0u64..6), 1..40);
        let bound = proptest::option::of(1985i32..2035);
        proptest!(|(spans in spans, from in bound.clone(), to in bound)| {
            let spans: Vec<(u64, u64)> = spans
                .iter()
                .map(|&(first, len)| if first == 0 { (0, 0) } else { (first, first + len) })
                .collect();
            let values: Vec<u64> = spans.iter().map(|&(a, b)| encode_span(a, b)).collect();
            let lowest = values.iter().copied().min().unwrap_or(0);
            let highest = values.iter().copied().max().unwrap_or(0);
            let query = YearSpanQuery::new("year_span", from, to);
            let matching = all(scorer(&spans, from, to)).len();
            match query.whole_segment(lowest, highest) {
                Some(Whole::Every) => prop_assert_eq!(matching, spans.len()),
                Some(Whole::No) => prop_assert_eq!(matching, 0),
                None => {}
            }
        });
    }

    #[test]
    fn bounds_decide_the_common_cases() {
        let q = |from, to| YearSpanQuery::new("year_span", from, to);
        let (low, high) = (encode_span(2016, 2020), encode_span(2024, 2024));
        assert_eq!(
            q(Some(2000), None).whole_segment(low, high),
            Some(Whole::Every)
        );
        assert_eq!(
            q(None, Some(2030)).whole_segment(low, high),
            Some(Whole::Every)
        );
        assert_eq!(
            q(None, Some(2010)).whole_segment(low, high),
            Some(Whole::No)
        );
        assert_eq!(q(Some(2018), None).whole_segment(low, high), None);
        // A paragraph without a year keeps every range from being whole.
        assert_eq!(q(None, None).whole_segment(0, high), None);
        assert_eq!(q(None, None).whole_segment(0, 0), Some(Whole::No));
    }

    #[test]
    fn a_span_never_ends_before_it_starts() {
        assert_eq!(decode_span(encode_span(2020, 2016)), (2020, 2020));
    }
}
