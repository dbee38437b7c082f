//! Trends: how many paragraphs match a query per year, county, province,
//! city, kind or theme — and per 1,000 paragraphs of that bucket, so that a
//! county with more reports does not lead by size alone.
//!
//! Counts come from the same exact hit set as `search` (every paragraph
//! that contains the terms), counted in one pass with the facet collector;
//! the bucket sizes from one more pass over the whole index. Years run
//! without gaps from the index's first year to its last, so a term's
//! appearance shows as the first non-empty bar. Single-valued dimensions
//! (year, county, city, province, kind) count each hit once, hits without a
//! value under "(none)", so the buckets add up to the total; a paragraph
//! with several themes counts under each.

use super::collect::{FacetCounts, HitCollector, NONE_BUCKET, SortOrder};
use super::plan::Planner;
use super::{MatchMode, SearchRequest};
use crate::error::Result;
use crate::index::IndexHandle;
use std::collections::BTreeMap;
use tantivy::query::AllQuery;

/// What to group by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrendBy {
    Year,
    County,
    City,
    Province,
    Theme,
    Kind,
}

impl TrendBy {
    pub fn name(self) -> &'static str {
        match self {
            TrendBy::Year => "year",
            TrendBy::County => "county",
            TrendBy::City => "city",
            TrendBy::Province => "province",
            TrendBy::Theme => "theme",
            TrendBy::Kind => "kind",
        }
    }

    /// Does each paragraph fall in exactly one bucket?
    pub fn single_valued(self) -> bool {
        self != TrendBy::Theme
    }
}

/// One bar.
#[derive(Debug, Clone, PartialEq)]
pub struct Bucket {
    pub label: String,
    /// Matching paragraphs in the bucket.
    pub hits: u64,
    /// All paragraphs in the bucket.
    pub paragraphs: u64,
    /// hits per 1,000 paragraphs of the bucket.
    pub per_thousand: f64,
}

/// A trend.
#[derive(Debug, Clone)]
pub struct Trend {
    pub by: TrendBy,
    pub total: u64,
    pub terms: Vec<String>,
    pub buckets: Vec<Bucket>,
}

fn counts_for(facets: &FacetCounts, by: TrendBy) -> BTreeMap<String, u64> {
    match by {
        TrendBy::Year => facets.year_labels().into_iter().collect(),
        TrendBy::County => facets.county.clone(),
        TrendBy::City => facets.city.clone(),
        TrendBy::Province => facets.province.clone(),
        TrendBy::Theme => facets.themes.clone(),
        TrendBy::Kind => facets.kind.clone(),
    }
}

fn facets_of(
    handle: &IndexHandle,
    query: &dyn tantivy::query::Query,
) -> Result<(u64, FacetCounts)> {
    let searcher = handle.reader.searcher();
    let collected = searcher.search(
        query,
        &HitCollector::new(&handle.columns, 0, SortOrder::Score, true),
    )?;
    Ok((collected.total, collected.facets.unwrap_or_default()))
}

/// Compute a trend for a query (with the request's flag filters and match
/// mode; its page settings are ignored).
pub fn trend(handle: &IndexHandle, request: &SearchRequest, by: TrendBy) -> Result<Trend> {
    trend_inner(handle, request, by).map_err(|e| crate::index::reading_error(&handle.dir, e))
}

fn trend_inner(handle: &IndexHandle, request: &SearchRequest, by: TrendBy) -> Result<Trend> {
    let node = super::full_query(request)?;
    super::check_themes(&node, handle)?;
    let searcher = handle.reader.searcher();
    let planner = Planner {
        searcher: &searcher,
        fields: &handle.fields,
    };
    let hit_node = super::hit_set_node(&node, request.match_mode);
    let exact = planner.exact(&hit_node);
    let (total, hits) = facets_of(handle, exact.as_ref())?;
    let (_, all) = facets_of(handle, &AllQuery)?;
    let hit_counts = counts_for(&hits, by);
    let sizes = counts_for(&all, by);
    let bucket = |label: &str, hits: u64| {
        let paragraphs = sizes.get(label).copied().unwrap_or(0);
        let per_thousand = if paragraphs == 0 {
            0.0
        } else {
            hits as f64 * 1000.0 / paragraphs as f64
        };
        Bucket {
            label: label.to_string(),
            hits,
            paragraphs,
            per_thousand,
        }
    };
    let mut buckets: Vec<Bucket> = Vec::new();
    if by == TrendBy::Year {
        let years: Vec<u64> = sizes.keys().filter_map(|k| k.parse().ok()).collect();
        if let (Some(&first), Some(&last)) = (years.iter().min(), years.iter().max()) {
            for year in first..=last {
                let label = year.to_string();
                buckets.push(bucket(&label, hit_counts.get(&label).copied().unwrap_or(0)));
            }
        }
        if let Some(&none) = hit_counts.get(NONE_BUCKET) {
            buckets.push(bucket(NONE_BUCKET, none));
        }
    } else {
        buckets = hit_counts
            .iter()
            .map(|(label, hits)| bucket(label, *hits))
            .collect();
        buckets.sort_by(|a, b| {
            let none = |b: &Bucket| b.label == NONE_BUCKET;
            none(a)
                .cmp(&none(b))
                .then(b.hits.cmp(&a.hits))
                .then(a.label.cmp(&b.label))
        });
    }
    Ok(Trend {
        by,
        total,
        terms: node.positive_literals(),
        buckets,
    })
}

/// Convenience: a trend request from a query string.
pub fn request(query: &str, match_mode: MatchMode) -> SearchRequest {
    let mut request = SearchRequest::new(query);
    request.match_mode = match_mode;
    request
}
