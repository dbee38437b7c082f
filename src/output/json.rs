//! JSON lines: one tagged object per line, as ripgrep's `--json` does.
//!
//! ```text
//! {"type":"hit","rank":1,"score":7.3,"match":"all","file":"…","paragraph":5,"line":5,"heading":"…",
//!  "county":"青田县","city":"丽水市","province":"浙江省","year":2024,"year_from":2024,"year_to":2024,
//!  "kind":"review","themes":["学前教育"],"snippet":"…","highlights":[[12,16]],"text":"…","copies":[]}
//! {"type":"facets","total":120,"province":{"浙江省":100},…}
//! {"type":"summary","total":120,"shown":10,"partial":0,"took_ms":3.1}
//! ```
//!
//! `highlights` are `[start, end)` offsets in characters (Unicode scalar
//! values) into `snippet`. Unknown tags are `null`.

use crate::search::collect::FacetCounts;
use crate::search::{Hit, Location, SearchResults};
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::{self, Write};

/// `None` for an empty string: unknown tags are `null` in JSON.
pub fn none_if_empty(s: &str) -> Option<&str> {
    (!s.is_empty()).then_some(s)
}

#[derive(Serialize)]
pub struct CopyJson<'a> {
    pub file: &'a str,
    pub paragraph: u64,
    pub line: u64,
    pub county: Option<&'a str>,
    pub year: Option<u64>,
}

impl<'a> From<&'a Location> for CopyJson<'a> {
    fn from(loc: &'a Location) -> Self {
        CopyJson {
            file: &loc.file,
            paragraph: loc.paragraph,
            line: loc.line,
            county: none_if_empty(&loc.county),
            year: loc.year,
        }
    }
}

#[derive(Serialize)]
pub struct HitJson<'a> {
    pub rank: usize,
    pub score: f32,
    #[serde(rename = "match")]
    pub match_: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub matched_terms: &'a Vec<String>,
    pub file: &'a str,
    pub paragraph: u64,
    pub line: u64,
    pub heading: &'a str,
    pub county: Option<&'a str>,
    pub city: Option<&'a str>,
    pub province: Option<&'a str>,
    pub year: Option<u64>,
    pub year_from: Option<u64>,
    pub year_to: Option<u64>,
    pub kind: &'a str,
    pub themes: &'a Vec<String>,
    pub snippet: &'a str,
    pub highlights: &'a Vec<(usize, usize)>,
    pub text: &'a str,
    pub copies: Vec<CopyJson<'a>>,
}

impl<'a> From<&'a Hit> for HitJson<'a> {
    fn from(hit: &'a Hit) -> Self {
        let loc = &hit.location;
        HitJson {
            rank: hit.rank,
            score: hit.score,
            match_: if hit.partial { "partial" } else { "all" },
            matched_terms: &hit.matched_terms,
            file: &loc.file,
            paragraph: loc.paragraph,
            line: loc.line,
            heading: &hit.heading,
            county: none_if_empty(&loc.county),
            city: none_if_empty(&loc.city),
            province: none_if_empty(&loc.province),
            year: loc.year,
            year_from: hit.year_from,
            year_to: hit.year_to,
            kind: &hit.kind,
            themes: &hit.themes,
            snippet: &hit.snippet.text,
            highlights: &hit.snippet.highlights,
            text: &hit.text,
            copies: hit.copies.iter().map(CopyJson::from).collect(),
        }
    }
}

#[derive(Serialize)]
pub struct FacetsJson<'a> {
    pub total: u64,
    pub province: &'a BTreeMap<String, u64>,
    pub city: &'a BTreeMap<String, u64>,
    pub county: &'a BTreeMap<String, u64>,
    pub year: BTreeMap<String, u64>,
    pub kind: &'a BTreeMap<String, u64>,
    pub theme: &'a BTreeMap<String, u64>,
}

impl<'a> FacetsJson<'a> {
    pub fn new(facets: &'a FacetCounts, total: u64) -> Self {
        FacetsJson {
            total,
            province: &facets.province,
            city: &facets.city,
            county: &facets.county,
            year: facets.year_labels().into_iter().collect(),
            kind: &facets.kind,
            theme: &facets.themes,
        }
    }
}

#[derive(Serialize)]
pub struct SummaryJson<'a> {
    pub total: u64,
    pub shown: usize,
    pub partial: usize,
    pub terms: &'a Vec<String>,
    pub took_ms: f64,
}

/// One line of output.
#[derive(Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Line<'a> {
    Hit(HitJson<'a>),
    Facets(FacetsJson<'a>),
    Summary(SummaryJson<'a>),
}

/// Write one value as a line of JSON.
pub fn write_line(out: &mut dyn Write, value: &impl Serialize) -> io::Result<()> {
    // Serialise first, then write: a write error (a closed pipe) keeps its
    // io::ErrorKind this way, which the binary needs to exit quietly.
    let mut line = serde_json::to_vec(value).map_err(io::Error::other)?;
    line.push(b'\n');
    out.write_all(&line)
}

/// Print search results as JSON lines.
pub fn print_results(out: &mut dyn Write, results: &SearchResults) -> io::Result<()> {
    for hit in &results.hits {
        write_line(out, &Line::Hit(HitJson::from(hit)))?;
    }
    if let Some(facets) = &results.facets {
        write_line(out, &Line::Facets(FacetsJson::new(facets, results.total)))?;
    }
    write_line(
        out,
        &Line::Summary(SummaryJson {
            total: results.total,
            shown: results.hits.len(),
            partial: results.partial_hits(),
            terms: &results.terms,
            took_ms: (results.took.as_secs_f64() * 1e6).round() / 1e3,
        }),
    )
}
