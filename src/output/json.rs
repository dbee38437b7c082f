//! JSON lines: one tagged object per line, as ripgrep's `--json` does.
//!
//! ```text
//! {"type":"hit","rank":1,"score":7.3,"match":"all","file":"…","paragraph":5,"line":5,"heading":"…","text":"…",
//!  "county":"青田县","city":"丽水市","province":"浙江省","year":2024,"year_from":2024,"year_to":2024,
//!  "kind":"review","themes":["学前教育"],"snippet":"…","highlights":[[12,16]],"copies":[]}
//! {"type":"facets","total":120,"province":{"浙江省":100},…}
//! {"type":"summary","total":120,"shown":10,"partial":0,"took_ms":3.1}
//! ```
//!
//! A hit is the search layer's [`Hit`] as serde writes it (the paragraph
//! record flattened in); `highlights` are `[start, end)` offsets in
//! characters (Unicode scalar values) into `snippet`. Unknown tags are
//! `null`.

use crate::search::results::ReadingCount;
use crate::search::{FacetCounts, Grouped, Hit, SearchSummary};
use serde::{Serialize, Serializer};
use std::io::{self, Write};

/// Write one value as a line of JSON.
pub fn write_line(out: &mut dyn Write, value: &impl Serialize) -> io::Result<()> {
    // Serialise first, then write: a write error (a closed pipe) keeps its
    // io::ErrorKind this way, which the binary needs to exit quietly.
    let mut line = serde_json::to_vec(value).map_err(io::Error::other)?;
    line.push(b'\n');
    out.write_all(&line)
}

/// Facet counts as one object per dimension (value → count), with the
/// total they count.
pub struct FacetsJson<'a> {
    pub facets: &'a FacetCounts,
    pub total: u64,
}

impl Serialize for FacetsJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("total", &self.total)?;
        for dim in self.facets.dimensions() {
            let buckets: serde_json::Map<String, serde_json::Value> = self
                .facets
                .buckets(dim)
                .into_iter()
                .map(|(k, v)| (k, v.into()))
                .collect();
            map.serialize_entry(dim.name(), &buckets)?;
        }
        map.end()
    }
}

#[derive(Serialize)]
pub struct SummaryJson<'a> {
    pub total: u64,
    pub shown: usize,
    pub partial: usize,
    /// The other readings of the query that filled the page, each with its
    /// exact count.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub readings: &'a [ReadingCount],
    pub terms: &'a [String],
    pub took_ms: f64,
}

/// One line of output.
#[derive(Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Line<'a> {
    Hit(&'a Hit),
    Facets(FacetsJson<'a>),
    Summary(SummaryJson<'a>),
}

/// Milliseconds to three decimals.
pub fn millis(duration: std::time::Duration) -> f64 {
    (duration.as_secs_f64() * 1e6).round() / 1e3
}

/// Print one hit as a JSON line.
pub fn print_hit(out: &mut dyn Write, hit: &Hit) -> io::Result<()> {
    write_line(out, &Line::Hit(hit))
}

/// Print the lines after the hits: the facets (if counted), the summary.
pub fn print_summary(out: &mut dyn Write, summary: &SearchSummary) -> io::Result<()> {
    if let Some(facets) = &summary.facets {
        write_line(
            out,
            &Line::Facets(FacetsJson {
                facets,
                total: summary.total,
            }),
        )?;
    }
    write_line(
        out,
        &Line::Summary(SummaryJson {
            total: summary.total,
            shown: summary.shown,
            partial: summary.partial,
            readings: &summary.readings,
            terms: &summary.terms,
            took_ms: millis(summary.took),
        }),
    )
}

#[derive(Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
enum GroupLine<'a> {
    Group {
        by: &'static str,
        value: &'a str,
        count: u64,
        hit: &'a Hit,
    },
    Summary {
        by: &'static str,
        total: u64,
        groups: usize,
        shown: usize,
        terms: &'a [String],
        took_ms: f64,
    },
}

/// Print grouped hits: a `group` line per group (value, count, best hit),
/// then a summary.
pub fn print_groups(out: &mut dyn Write, grouped: &Grouped) -> io::Result<()> {
    for group in &grouped.groups {
        let line = GroupLine::Group {
            by: grouped.by.name(),
            value: &group.value,
            count: group.count,
            hit: &group.best,
        };
        write_line(out, &line)?;
    }
    write_line(
        out,
        &GroupLine::Summary {
            by: grouped.by.name(),
            total: grouped.total,
            groups: grouped.group_count,
            shown: grouped.groups.len(),
            terms: &grouped.terms,
            took_ms: millis(grouped.took),
        },
    )
}
