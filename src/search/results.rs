//! What a search returns: hits (paragraph records with their rank, how they
//! matched, their snippet and copies) and the totals around them; and the
//! options that page and order them.

use super::collect::{FacetCounts, SortOrder};
use super::snippet;
use crate::corpus::record::{Dimension, Record};
use serde::{Serialize, Serializer};
use std::time::Duration;

/// How to page, order and present a search's hits.
#[derive(Debug, Clone)]
pub struct SearchOptions {
    /// Page size; `None` for every hit.
    pub limit: Option<usize>,
    pub offset: usize,
    pub sort: SortOrder,
    /// Collapse near-identical paragraphs into one hit.
    pub collapse: bool,
    /// Count the hit set by these dimensions (none: no facets).
    pub facets: Vec<Dimension>,
    /// Snippet width in characters (`usize::MAX`: the whole paragraph).
    pub snippet_chars: usize,
}

impl Default for SearchOptions {
    fn default() -> Self {
        SearchOptions {
            limit: Some(10),
            offset: 0,
            sort: SortOrder::Score,
            collapse: true,
            facets: Vec::new(),
            snippet_chars: snippet::SNIPPET_CHARS,
        }
    }
}

/// How a hit matches the query: which reading of it found the hit (see
/// `search::readings`). Only `phrase` hits are in the hit set that `total`
/// counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MatchKind {
    /// It matches the query as written: every term, as a substring.
    Phrase,
    /// It has every word of the terms (学前教育 and 普惠 for 学前教育普惠).
    Words,
    /// It matches with a term replaced by a synonym.
    Related,
    /// It has some of the words.
    Partial,
}

/// How many paragraphs a reading of the query found: exact, or `None` for
/// the partial reading, which only fills a page (counting "any of the
/// words" would cost more than the search).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReadingCount {
    #[serde(rename = "match")]
    pub kind: MatchKind,
    /// The words it looked for.
    pub words: Vec<String>,
    pub total: Option<u64>,
}

/// One result: a paragraph record, with its rank, how it matched, its
/// snippet and the near-identical paragraphs folded into it.
#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    pub rank: usize,
    pub score: f32,
    #[serde(rename = "match")]
    pub match_kind: MatchKind,
    /// For a partial hit, the terms it contains.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub matched_terms: Vec<String>,
    #[serde(flatten)]
    pub record: Record,
    #[serde(flatten)]
    pub snippet: snippet::Snippet,
    /// Near-identical paragraphs collapsed into this hit; serialised as
    /// their locations.
    #[serde(serialize_with = "copy_locations")]
    pub copies: Vec<Record>,
}

impl Hit {
    /// Found by a reading other than the query as written.
    pub fn is_partial(&self) -> bool {
        self.match_kind != MatchKind::Phrase
    }
}

/// A copy is shown by where it is: file, paragraph, line (and page), its
/// county and year.
fn copy_locations<S: Serializer>(copies: &[Record], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(copies.iter().map(CopyLocation))
}

/// A view of a record that serialises only its location.
struct CopyLocation<'a>(&'a Record);

impl Serialize for CopyLocation<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let (p, tags) = (&self.0.paragraph, &self.0.tags);
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("file", &p.file)?;
        map.serialize_entry("paragraph", &p.number)?;
        if p.line > 0 {
            map.serialize_entry("line", &p.line)?;
        }
        if let Some(page) = p.page {
            map.serialize_entry("page", &page)?;
        }
        map.serialize_entry("county", &tags.place.county)?;
        map.serialize_entry("year", &tags.years.map(|y| y.year))?;
        map.end()
    }
}

/// What a search found, apart from the hits themselves (which a streaming
/// search hands over one at a time).
#[derive(Debug, Clone)]
pub struct SearchSummary {
    /// Paragraphs in the hit set.
    pub total: u64,
    /// Hits handed over.
    pub shown: usize,
    /// Of which found by another reading of the query.
    pub partial: usize,
    /// The other readings that filled the page, with their counts.
    pub readings: Vec<ReadingCount>,
    /// The terms searched for (normalised), for display.
    pub terms: Vec<String>,
    pub facets: Option<FacetCounts>,
    pub took: Duration,
}

impl SearchSummary {
    /// Paragraphs that match the query or all of its words: what decides
    /// the exit status (related and partial hits do not count).
    pub fn matched(&self) -> u64 {
        self.total
            + self
                .readings
                .iter()
                .filter(|r| r.kind == MatchKind::Words)
                .filter_map(|r| r.total)
                .sum::<u64>()
    }
}

/// What a search found.
#[derive(Debug, Clone)]
pub struct SearchResults {
    /// Paragraphs in the hit set.
    pub total: u64,
    pub hits: Vec<Hit>,
    /// The terms searched for (normalised), for display.
    pub terms: Vec<String>,
    pub facets: Option<FacetCounts>,
    /// The other readings that filled the page, with their counts.
    pub readings: Vec<ReadingCount>,
    pub took: Duration,
}

impl SearchResults {
    pub fn partial_hits(&self) -> usize {
        self.hits.iter().filter(|h| h.is_partial()).count()
    }
}

/// What hits are grouped by (`--group-by`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupBy {
    /// A single-valued tag dimension (county, city, province, year, kind).
    Dimension(Dimension),
    /// The report (file) a paragraph is in.
    Report,
}

impl GroupBy {
    pub fn name(self) -> &'static str {
        match self {
            GroupBy::Dimension(dim) => dim.name(),
            GroupBy::Report => "report",
        }
    }

    /// Parse a `--group-by` value.
    pub fn parse(name: &str) -> Option<GroupBy> {
        if name == "report" || name == "file" {
            return Some(GroupBy::Report);
        }
        Dimension::from_name(name)
            .filter(|d| !d.is_multi_valued())
            .map(GroupBy::Dimension)
    }

    /// The names `--group-by` accepts.
    pub fn names() -> Vec<&'static str> {
        let mut names: Vec<&str> = Dimension::ALL
            .into_iter()
            .filter(|d| !d.is_multi_valued())
            .map(Dimension::name)
            .collect();
        names.push("report");
        names
    }
}

/// One group: its value, how many hits it has, and its best hit.
#[derive(Debug, Clone)]
pub struct Group {
    /// The group's value (`(none)` for hits without one).
    pub value: String,
    pub count: u64,
    pub best: Hit,
}

/// The hit set, grouped.
#[derive(Debug, Clone)]
pub struct Grouped {
    pub by: GroupBy,
    /// Paragraphs in the hit set.
    pub total: u64,
    /// Groups in the hit set (of which `groups` is the page shown).
    pub group_count: usize,
    pub groups: Vec<Group>,
    pub terms: Vec<String>,
    pub took: Duration,
}
