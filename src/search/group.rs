//! Counting the hit set by group, keeping each group's best hit: what
//! `--group-by county|city|province|year|kind|report`, `-c` (paragraphs per
//! report) and `-l` (the reports) need.
//!
//! One pass over the hit set, reading each hit's group from a fast column
//! (a term ordinal or a year, resolved to text once per segment at the
//! end), never from the stored paragraph. Memory grows with the number of
//! groups, not of hits.

use super::collect::{Candidate, NONE_BUCKET, SortOrder, rank_cmp, weigh};
use super::columns::{ColumnCache, PlaceNames, SegmentColumns, U64Column};
use super::results::GroupBy;
use crate::corpus::record::{Dimension, Role, ValueKind};
use crate::index::schema::{TagBits, decode_year, place_level};
use std::collections::HashMap;
use std::sync::Arc;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::StrColumn;
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

/// A group as collected: its value, its count, its best candidate.
#[derive(Debug, Clone)]
pub struct CollectedGroup {
    pub value: String,
    pub count: u64,
    pub best: Candidate,
}

/// The collector.
pub struct GroupCollector {
    pub columns: Arc<ColumnCache>,
    pub by: GroupBy,
    pub sort: SortOrder,
    /// Rank hits (for the best of each group); without, only counts.
    pub scored: bool,
}

/// Where a segment reads a hit's group from.
enum KeySource {
    /// The report: the file column's term ordinal.
    File(StrColumn),
    /// A level of the place column (0 province, 1 city, 2 county): the
    /// place's term ordinal, several of which may name one group (two
    /// cities' paragraphs without a county are both "(none)" by county),
    /// named from the segment's table of place names (as facets are).
    Place(StrColumn, usize, Arc<PlaceNames>),
    /// The kind, from the tags column.
    Kind(U64Column),
    Year(U64Column),
}

pub struct SegmentGroups {
    segment: SegmentOrdinal,
    sort: SortOrder,
    key: KeySource,
    columns: Arc<SegmentColumns>,
    /// By key (a term ordinal, a stored year; u64::MAX: no value).
    groups: HashMap<u64, (u64, Candidate)>,
}

impl Collector for GroupCollector {
    type Fruit = Vec<CollectedGroup>;
    type Child = SegmentGroups;

    fn for_segment(
        &self,
        segment_ord: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<SegmentGroups> {
        let columns = self.columns.get(segment)?;
        let key = match self.by {
            GroupBy::Report => KeySource::File(columns.file(segment)?.clone()),
            GroupBy::Dimension(dim) => match (dim.value_kind(), place_level(dim)) {
                (ValueKind::Years, _) => KeySource::Year(columns.year.clone()),
                (ValueKind::Text, Some(level)) => KeySource::Place(
                    columns.facets(segment)?.place.clone(),
                    level,
                    columns.place_names(segment)?,
                ),
                (ValueKind::Text, None) if dim == Dimension::Kind => {
                    KeySource::Kind(columns.facets(segment)?.tags.clone())
                }
                // Themes are not a grouping (a paragraph has several);
                // `GroupBy` refuses them before a search starts.
                (ValueKind::Text, None) => {
                    return Err(tantivy::TantivyError::InvalidArgument(format!(
                        "cannot group by {}",
                        dim.name()
                    )));
                }
            },
        };
        Ok(SegmentGroups {
            segment: segment_ord,
            sort: self.sort,
            key,
            columns,
            groups: HashMap::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        self.scored
    }

    /// A segment's groups, or the error that kept its report names from
    /// being read (`SegmentCollector::harvest` cannot return one itself).
    fn merge_fruits(
        &self,
        fruits: Vec<tantivy::Result<Vec<CollectedGroup>>>,
    ) -> tantivy::Result<Self::Fruit> {
        let mut merged: HashMap<String, CollectedGroup> = HashMap::new();
        let fruits = fruits.into_iter().collect::<tantivy::Result<Vec<_>>>()?;
        for group in fruits.into_iter().flatten() {
            match merged.get_mut(&group.value) {
                Some(existing) => {
                    existing.count += group.count;
                    if rank_cmp(&group.best, &existing.best, self.sort).is_lt() {
                        existing.best = group.best;
                    }
                }
                None => {
                    merged.insert(group.value.clone(), group);
                }
            }
        }
        let mut groups: Vec<CollectedGroup> = merged.into_values().collect();
        groups.sort_by(|a, b| rank_cmp(&a.best, &b.best, self.sort));
        Ok(groups)
    }
}

impl SegmentCollector for SegmentGroups {
    type Fruit = tantivy::Result<Vec<CollectedGroup>>;

    fn collect(&mut self, doc: DocId, score: Score) {
        let key = match &self.key {
            KeySource::File(column) | KeySource::Place(column, ..) => {
                column.term_ords(doc).next().unwrap_or(u64::MAX)
            }
            KeySource::Kind(column) => column.get_val(doc) & 3,
            KeySource::Year(column) => column.get_val(doc),
        };
        let c = &self.columns;
        let score = weigh(score, Role::from_code(c.role.get_val(doc)));
        let candidate = Candidate {
            score,
            year: decode_year(c.year.get_val(doc)),
            file_key: c.file_key.get_val(doc),
            number: c.number.get_val(doc),
            dup_key: c.dup_key.get_val(doc),
            doc: DocAddress::new(self.segment, doc),
        };
        let sort = self.sort;
        self.groups
            .entry(key)
            .and_modify(|(count, best)| {
                *count += 1;
                if rank_cmp(&candidate, best, sort).is_lt() {
                    *best = candidate;
                }
            })
            .or_insert((1, candidate));
    }

    fn harvest(self) -> tantivy::Result<Vec<CollectedGroup>> {
        let mut out = Vec::with_capacity(self.groups.len());
        match self.key {
            KeySource::Year(_) => {
                for (key, (count, best)) in self.groups {
                    let value =
                        decode_year(key).map_or_else(|| NONE_BUCKET.to_string(), |y| y.to_string());
                    out.push(CollectedGroup { value, count, best });
                }
            }
            KeySource::Kind(_) => {
                for (key, (count, best)) in self.groups {
                    let value = TagBits::kind(key).name().to_string();
                    out.push(CollectedGroup { value, count, best });
                }
            }
            KeySource::File(ref column) => self.harvest_terms(column, &mut out)?,
            KeySource::Place(_, level, ref names) => {
                for (key, (count, best)) in self.groups {
                    let value = names.name_of(key, level).unwrap_or(NONE_BUCKET);
                    out.push(CollectedGroup {
                        value: value.to_string(),
                        count,
                        best,
                    });
                }
            }
        }
        Ok(out)
    }
}

impl SegmentGroups {
    /// The groups keyed by a string column's ordinals (reports), named by
    /// their terms.
    fn harvest_terms(
        &self,
        column: &StrColumn,
        out: &mut Vec<CollectedGroup>,
    ) -> std::io::Result<()> {
        let mut keys: Vec<u64> = self.groups.keys().copied().collect();
        keys.sort_unstable();
        if let Some(&(count, best)) = self.groups.get(&u64::MAX) {
            keys.pop();
            out.push(CollectedGroup {
                value: NONE_BUCKET.to_string(),
                count,
                best,
            });
        }
        let mut entries = keys.iter().map(|k| self.groups[k]);
        // One sorted pass over the dictionary. A read error fails the
        // search rather than drop the groups it could not name.
        column.dictionary().sorted_ords_to_term_cb(&keys, |bytes| {
            if let Some((count, best)) = entries.next() {
                let value = String::from_utf8_lossy(bytes).into_owned();
                out.push(CollectedGroup { value, count, best });
            }
        })?;
        Ok(())
    }
}
