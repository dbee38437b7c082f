//! The fast-field columns the collector reads, opened once per segment and
//! kept by the engine for as long as the segment is live.
//!
//! Opening a column decodes its block index, which costs more than a small
//! search itself, so the engine caches them. The cache is keyed by segment
//! id: when a reload drops a segment (merged away, its report re-indexed),
//! [`ColumnCache::retain`] drops its columns too, so a long-lived engine's
//! memory follows the index, not its history.

use crate::index::schema::{decode_place, names};
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
    /// The names of the `place` column's values, read on first use.
    place_names: OnceLock<Arc<PlaceNames>>,
}

/// The names at each level (province, city, county) of every value of a
/// segment's `place` column, numbered, so that facets count hits per name
/// number and turn numbers into names once per query: turning each range
/// of a split segment's counts into names (a dictionary lookup, a decode
/// and a map insert per county) took 0.6 ms of every faceted query at
/// 1 GB, as much as counting 50,000 hits.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct PlaceNames {
    /// For each place ordinal, the number of its name at each level.
    pub ids: Vec<[u32; 3]>,
    /// Each level's distinct names, by number: a name that several places
    /// share (a county name in two provinces) has one number, as it has
    /// one facet bucket; an unknown level is the empty name.
    pub names: [Vec<String>; 3],
}

impl PlaceNames {
    /// Read from the column's dictionary, in one sorted pass.
    pub fn read(column: &StrColumn) -> std::io::Result<PlaceNames> {
        let mut table = PlaceNames::default();
        let mut numbers: [HashMap<String, u32>; 3] = Default::default();
        let all: Vec<u64> = (0..column.num_terms() as u64).collect();
        column.dictionary().sorted_ords_to_term_cb(&all, |bytes| {
            let key = String::from_utf8_lossy(bytes);
            let levels = decode_place(&key);
            let mut ids = [0u32; 3];
            for (level, id) in ids.iter_mut().enumerate() {
                let name = levels[level].unwrap_or("");
                *id = match numbers[level].get(name) {
                    Some(&known) => known,
                    None => {
                        let names = &mut table.names[level];
                        let new = names.len() as u32;
                        names.push(name.to_string());
                        numbers[level].insert(name.to_string(), new);
                        new
                    }
                };
            }
            table.ids.push(ids);
        })?;
        if table.ids.len() != all.len() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                "the place column's dictionary is damaged",
            ));
        }
        Ok(table)
    }

    /// The name at `level` of the place with ordinal `ord`; `None` where
    /// the level is unknown (or there is no such place).
    pub fn name_of(&self, ord: u64, level: usize) -> Option<&str> {
        let ids = self.ids.get(usize::try_from(ord).ok()?)?;
        let name = self.names.get(level)?.get(*ids.get(level)? as usize)?;
        (!name.is_empty()).then_some(name.as_str())
    }
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
            place_names: OnceLock::new(),
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

    /// The names of the place column's values (see [`PlaceNames`]).
    pub fn place_names(&self, segment: &SegmentReader) -> tantivy::Result<Arc<PlaceNames>> {
        if let Some(names) = self.place_names.get() {
            return Ok(names.clone());
        }
        let names = Arc::new(PlaceNames::read(&self.facets(segment)?.place)?);
        Ok(self.place_names.get_or_init(|| names).clone())
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::record::Place;
    use crate::index::schema::encode_place;
    use tantivy::schema::{Schema, TextOptions};
    use tantivy::{Index, IndexWriter, TantivyDocument};

    fn place(province: &str, city: &str, county: &str) -> Place {
        let known = |s: &str| (!s.is_empty()).then(|| s.to_string());
        Place {
            province: known(province),
            city: known(city),
            county: known(county),
        }
    }

    /// Every value of the column has its names at each level; a name two
    /// places share has one number, and an unknown level is the empty
    /// name.
    #[test]
    fn place_names_give_each_distinct_name_one_number() {
        let mut schema = Schema::builder();
        let field = schema.add_text_field("place", TextOptions::default().set_fast("raw"));
        let index = Index::create_in_ram(schema.build());
        let mut writer: IndexWriter<TantivyDocument> = index
            .writer_with_num_threads(1, 15_000_000)
            .expect("writer");
        let places = [
            place("甘肃省", "兰州市", "城关区"),
            place("西藏自治区", "拉萨市", "城关区"),
            place("浙江省", "丽水市", "青田县"),
            place("浙江省", "丽水市", ""),
            place("", "", ""),
            place("浙江省", "丽水市", "青田县"),
        ];
        for p in &places {
            let mut doc = TantivyDocument::new();
            doc.add_text(field, encode_place(p));
            writer.add_document(doc).expect("add");
        }
        writer.commit().expect("commit");
        let searcher = index.reader().expect("reader").searcher();
        let segment = &searcher.segment_readers()[0];
        let column = segment
            .fast_fields()
            .str("place")
            .expect("column")
            .expect("present");
        let table = PlaceNames::read(&column).expect("read");
        // Five distinct values, one ordinal each.
        assert_eq!(table.ids.len(), 5);
        let mut seen = Vec::new();
        let all: Vec<u64> = (0..5).collect();
        column
            .dictionary()
            .sorted_ords_to_term_cb(&all, |bytes| {
                seen.push(String::from_utf8_lossy(bytes).into_owned())
            })
            .expect("terms");
        for (ord, key) in seen.iter().enumerate() {
            let levels = decode_place(key);
            for (level, name) in levels.iter().enumerate() {
                let id = table.ids[ord][level] as usize;
                assert_eq!(
                    table.names[level][id],
                    name.unwrap_or(""),
                    "{key:?} level {level}"
                );
                assert_eq!(table.name_of(ord as u64, level), *name, "{key:?}");
            }
        }
        // Counties: 城关区 (twice, one number), 青田县, unknown.
        let mut counties = table.names[2].clone();
        counties.sort();
        assert_eq!(counties, ["", "城关区", "青田县"]);
        assert_eq!(table.name_of(5, 0), None, "no sixth place");
        assert_eq!(table.name_of(u64::MAX, 2), None);
        let provinces = table.names[0].len();
        assert_eq!(provinces, 4, "{:?}", table.names[0]);
    }
}
