//! The fast-field columns the collector reads, opened once per segment and
//! kept by the engine for as long as the segment is live.
//!
//! Opening a column decodes its block index, which costs more than a small
//! search itself, so the engine caches them. The cache is keyed by segment
//! id: when a reload drops a segment (merged away, its report re-indexed),
//! [`ColumnCache::retain`] drops its columns too, so a long-lived engine's
//! memory follows the index, not its history.

use crate::index::schema::names;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use tantivy::SegmentReader;
use tantivy::columnar::{ColumnIndex, ColumnValues, StrColumn};
use tantivy::index::SegmentId;

pub type U64Column = Arc<dyn ColumnValues<u64>>;

/// The columns of a segment that facets, trends and groups read: a
/// paragraph's place (its three levels in one string) and its kind and
/// themes (`index::schema::TagBits`), each one value per document.
#[derive(Clone)]
pub struct FacetColumns {
    pub place: StrColumn,
    pub tags: U64Column,
}

/// One segment's columns.
pub struct SegmentColumns {
    pub role: U64Column,
    pub year: U64Column,
    pub file_key: U64Column,
    pub number: U64Column,
    pub dup_key: U64Column,
    /// The facet columns (`place` and `tags`, see `index::schema`), opened
    /// on first use: only facets, trends and groups read them.
    facets: OnceLock<FacetColumns>,
    /// The file column, opened on first use (grouping by report).
    file: OnceLock<StrColumn>,
}

/// A u64 column as one value per document. Every paragraph has a value in
/// each u64 column baogao writes, so the columns are dense and their
/// values are read at the document's own row; `first_or_default_col`,
/// which any other cardinality needs, looks each document's row up one
/// by one even in a dense column (at 1 GB that lookup was a sixth of a
/// faceted query).
fn u64_column(segment: &SegmentReader, name: &str) -> tantivy::Result<U64Column> {
    let column = segment.fast_fields().u64(name)?;
    Ok(match column.index {
        ColumnIndex::Full => column.values,
        _ => column.first_or_default_col(0),
    })
}

fn str_column(segment: &SegmentReader, name: &str) -> tantivy::Result<StrColumn> {
    Ok(segment.fast_fields().str(name)?.unwrap_or_else(|| {
        StrColumn::wrap(tantivy::columnar::BytesColumn::empty(segment.max_doc()))
    }))
}

impl SegmentColumns {
    fn open(segment: &SegmentReader) -> tantivy::Result<SegmentColumns> {
        Ok(SegmentColumns {
            role: u64_column(segment, names::ROLE)?,
            year: u64_column(segment, names::YEAR)?,
            file_key: u64_column(segment, names::FILE_KEY)?,
            number: u64_column(segment, names::NUMBER)?,
            dup_key: u64_column(segment, names::DUP_KEY)?,
            facets: OnceLock::new(),
            file: OnceLock::new(),
        })
    }

    /// The columns facets and groups read.
    pub fn facets(&self, segment: &SegmentReader) -> tantivy::Result<&FacetColumns> {
        if let Some(columns) = self.facets.get() {
            return Ok(columns);
        }
        let columns = FacetColumns {
            place: str_column(segment, names::PLACE)?,
            tags: u64_column(segment, names::TAGS)?,
        };
        Ok(self.facets.get_or_init(|| columns))
    }

    /// The report file column.
    pub fn file(&self, segment: &SegmentReader) -> tantivy::Result<&StrColumn> {
        if let Some(column) = self.file.get() {
            return Ok(column);
        }
        let column = str_column(segment, names::FILE)?;
        Ok(self.file.get_or_init(|| column))
    }
}

/// Columns per live segment, filled on first use.
#[derive(Default)]
pub struct ColumnCache {
    segments: Mutex<HashMap<SegmentId, Arc<SegmentColumns>>>,
}

impl ColumnCache {
    pub fn get(&self, segment: &SegmentReader) -> tantivy::Result<Arc<SegmentColumns>> {
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

    /// Keep only the columns of these segments (the live ones after a
    /// reload).
    pub fn retain(&self, live: &[SegmentId]) {
        if let Ok(mut map) = self.segments.lock() {
            map.retain(|id, _| live.contains(id));
        }
    }

    /// How many segments have columns cached.
    pub fn len(&self) -> usize {
        self.segments.lock().map(|m| m.len()).unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
