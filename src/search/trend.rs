//! Trends: how many paragraphs match a query per value of a tag dimension
//! (year, county, city, province, kind, theme) — and per 1,000 paragraphs
//! of that bucket, so that a county with more reports does not lead by size
//! alone.
//!
//! Counts come from the same exact hit set as `search` (every paragraph
//! that contains the terms, and passes the filters), counted in one pass
//! with the facet collector; the bucket sizes from one more pass over the
//! paragraphs that pass the filters alone (all of them, without filters).
//! Years run without gaps from the first year with hits to the last, or
//! over the year filter's range where it reaches further, so a term's
//! appearance shows as the first non-empty bar. Single-valued dimensions
//! count each hit once, hits without a value under "(none)", so the
//! buckets add up to the total; a paragraph with several themes counts
//! under each.

use super::collect::{NONE_BUCKET, SortOrder};
use super::engine::Engine;
use super::plan::Planner;
use super::prepared::Query;
use crate::corpus::record::{Dimension, ValueKind};
use crate::error::Result;
use std::collections::BTreeMap;
use tantivy::query::AllQuery;

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
    pub by: Dimension,
    pub total: u64,
    pub terms: Vec<String>,
    pub buckets: Vec<Bucket>,
}

impl Engine {
    /// A trend of the query's hits by `by`.
    pub fn trend(&self, query: &Query, by: Dimension) -> Result<Trend> {
        self.guard(|| {
            self.check_themes(query)?;
            compute(self, query, by)
        })
    }
}

/// Count the query's hits and all paragraphs by `by`.
fn compute(engine: &Engine, query: &Query, by: Dimension) -> Result<Trend> {
    let searcher = engine.searcher();
    let planner = Planner {
        searcher: &searcher,
        fields: engine.fields(),
    };
    let count = |matcher: &dyn tantivy::query::Query| -> Result<(u64, BTreeMap<String, u64>)> {
        let collected = engine.collect(
            &searcher,
            matcher,
            &engine.facet_collector(0, SortOrder::Score, &[by]),
        )?;
        let facets = collected.facets.unwrap_or_default();
        Ok((collected.total, facets.buckets(by).into_iter().collect()))
    };
    let exact = planner.exact(&query.hit_node);
    let (total, hit_counts) = count(exact.as_ref())?;
    let (_, sizes) = match query.population() {
        Some(population) => count(planner.exact(&population).as_ref())?,
        None => count(&AllQuery)?,
    };
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
    if by.value_kind() == ValueKind::Years {
        // A closed year filter (2018..2024) is a range the user asked to
        // see; an open one (2010..) only bounds the hits.
        let asked = query
            .year_range()
            .and_then(|r| r.from.zip(r.to))
            .map_or_else(Vec::new, |(from, to)| vec![from, to]);
        let years: Vec<i32> = hit_counts
            .keys()
            .filter_map(|k| k.parse().ok())
            .chain(asked)
            .collect();
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
        terms: query.literals.clone(),
        buckets,
    })
}
