//! Searching: the query language, preparing a query, planning it into
//! tantivy queries, collecting, snippets, facets, trends — served by the
//! [`Engine`].
//!
//! The hit set of a query is exact (every paragraph that contains each term,
//! as a substring scan would find it); its size is `total`. Ranking is BM25
//! over jieba words. When the hit set is smaller than the page, the page is
//! filled with paragraphs that contain only some of the top-level terms,
//! ranked by how many they contain and marked partial (`--match fill`, the
//! default); `--match all` turns that off, `--match any` makes any one term
//! enough for the hit set itself.

pub mod bench;
pub mod collect;
pub mod columns;
pub mod engine;
pub mod group;
pub mod parallel;
pub mod places;
pub mod plan;
pub mod prepared;
mod pruned;
pub mod query;
pub mod readings;
pub mod results;
mod scored_hits;
pub mod snippet;
pub mod trend;
mod word_phrase;
mod year_span;

pub use collect::{FacetCounts, NONE_BUCKET, SortOrder};
pub use engine::Engine;
pub use parallel::Splitting;
pub use prepared::{MatchMode, Query};
pub use results::{
    Group, GroupBy, Grouped, Hit, MatchKind, SearchOptions, SearchResults, SearchSummary,
};
