//! Searching: parse, plan, collect, fill, collapse, fetch, snippet.
//!
//! The hit set of a query is exact (every paragraph that contains each term,
//! as a substring scan would find it); its size is `total`. Ranking is BM25
//! over jieba words. When the hit set is smaller than the page, the page is
//! filled with paragraphs that contain only some of the top-level terms,
//! ranked by how many they contain and marked partial (`--match fill`, the
//! default); `--match all` turns that off, `--match any` makes any one term
//! enough for the hit set itself.

pub mod collect;
pub mod plan;
pub mod query;
pub mod snippet;
pub mod trend;

use crate::error::{Error, Result};
use crate::index::IndexHandle;
use crate::index::schema::{Fields, decode_year};
use collect::{Candidate, Collected, ColumnCache, FacetCounts, HitCollector, SortOrder};
use plan::Planner;
use query::{Filter, Node};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::{IndexRecordOption, TantivyDocument, Term, Value};
use tantivy::{DocAddress, Searcher};

/// How many of several terms a hit needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MatchMode {
    /// All terms; fill a short page with partial matches.
    #[default]
    Fill,
    /// All terms, nothing else.
    All,
    /// Any one term.
    Any,
}

/// A search to run.
#[derive(Debug, Clone)]
pub struct SearchRequest {
    pub query: String,
    pub filters: Vec<Filter>,
    /// Page size; `None` for every hit.
    pub limit: Option<usize>,
    pub offset: usize,
    pub match_mode: MatchMode,
    pub sort: SortOrder,
    /// Collapse near-identical paragraphs into one hit.
    pub collapse: bool,
    pub facets: bool,
    pub snippet_chars: usize,
}

impl SearchRequest {
    pub fn new(query: impl Into<String>) -> Self {
        SearchRequest {
            query: query.into(),
            filters: Vec::new(),
            limit: Some(10),
            offset: 0,
            match_mode: MatchMode::Fill,
            sort: SortOrder::Score,
            collapse: true,
            facets: false,
            snippet_chars: snippet::SNIPPET_CHARS,
        }
    }
}

/// A paragraph located in the corpus.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub file: String,
    pub paragraph: u64,
    pub line: u64,
    pub county: String,
    pub city: String,
    pub province: String,
    pub year: Option<u64>,
}

/// One result.
#[derive(Debug, Clone)]
pub struct Hit {
    pub rank: usize,
    pub score: f32,
    /// Contains only some of the terms (a fill hit).
    pub partial: bool,
    /// For a partial hit, the terms it contains.
    pub matched_terms: Vec<String>,
    pub location: Location,
    pub heading: String,
    pub year_from: Option<u64>,
    pub year_to: Option<u64>,
    pub kind: String,
    pub themes: Vec<String>,
    pub text: String,
    pub snippet: snippet::Snippet,
    /// Near-identical paragraphs collapsed into this hit.
    pub copies: Vec<Location>,
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
    pub took: Duration,
}

impl SearchResults {
    pub fn partial_hits(&self) -> usize {
        self.hits.iter().filter(|h| h.partial).count()
    }
}

/// Combine the parsed query with flag filters.
pub fn full_query(request: &SearchRequest) -> Result<Node> {
    let node = query::parse(&request.query)?;
    if request.filters.is_empty() {
        return Ok(node);
    }
    let mut nodes = match node {
        Node::And(nodes) => nodes,
        other => vec![other],
    };
    nodes.extend(request.filters.iter().cloned().map(Node::Filter));
    Ok(Node::And(nodes))
}

/// Check that every theme named in a query is one the index knows.
pub fn check_themes(node: &Node, handle: &IndexHandle) -> Result<()> {
    fn walk<'a>(node: &'a Node, out: &mut Vec<&'a str>) {
        match node {
            Node::Filter(Filter::Theme(t)) => out.push(t),
            Node::Not(inner) => walk(inner, out),
            Node::And(nodes) | Node::Or(nodes) => nodes.iter().for_each(|n| walk(n, out)),
            _ => {}
        }
    }
    let mut named = Vec::new();
    walk(node, &mut named);
    if named.is_empty() {
        return Ok(());
    }
    let known = handle.themes();
    for theme in named {
        if !known.iter().any(|k| k == theme) {
            return Err(Error::Invalid(format!(
                "unknown theme '{theme}' (themes are: {})",
                known.join(", ")
            )));
        }
    }
    Ok(())
}

/// The top-level AND's positive literal terms: the terms "fill" and "any"
/// relax. Empty when the query is not an AND of two or more terms.
fn top_level_terms(node: &Node) -> (Vec<String>, Vec<Node>) {
    match node {
        Node::And(nodes) => {
            let mut literals = Vec::new();
            let mut rest = Vec::new();
            for n in nodes {
                match n {
                    Node::Literal { text, .. } => literals.push(text.clone()),
                    other => rest.push(other.clone()),
                }
            }
            literals.dedup();
            if literals.len() >= 2 {
                (literals, rest)
            } else {
                (Vec::new(), nodes.clone())
            }
        }
        other => (Vec::new(), vec![other.clone()]),
    }
}

/// The query whose matches are the hit set: the query itself, or with
/// `--match any` its top-level terms relaxed to "any of them".
pub fn hit_set_node(node: &Node, match_mode: MatchMode) -> Node {
    let (terms, rest) = top_level_terms(node);
    if !terms.is_empty() && match_mode == MatchMode::Any {
        relaxed(&terms, &rest)
    } else {
        node.clone()
    }
}

/// Run a search.
pub fn search(handle: &IndexHandle, request: &SearchRequest) -> Result<SearchResults> {
    search_inner(handle, request).map_err(|e| crate::index::reading_error(&handle.dir, e))
}

fn search_inner(handle: &IndexHandle, request: &SearchRequest) -> Result<SearchResults> {
    let started = Instant::now();
    let node = full_query(request)?;
    check_themes(&node, handle)?;
    let searcher = handle.reader.searcher();
    let planner = Planner {
        searcher: &searcher,
        fields: &handle.fields,
    };
    let literals = node.positive_literals();
    let (terms, rest) = top_level_terms(&node);

    let hit_node = &hit_set_node(&node, request.match_mode);
    let exact = planner.exact(hit_node);
    let wanted = request.limit.map(|l| request.offset.saturating_add(l));

    let ranked = planner.ranked(exact.box_clone(), &literals, None);
    let columns = &handle.columns;
    let collected = collect_page(
        &searcher,
        columns,
        ranked.as_ref(),
        wanted,
        request,
        request.facets,
    )?;
    let total = collected.total;
    let mut candidates: Vec<(Candidate, bool)> =
        collected.top.iter().map(|c| (*c, false)).collect();

    // Fill a short page with partial matches.
    if request.match_mode == MatchMode::Fill
        && !terms.is_empty()
        && let Some(wanted) = wanted
        && (total as usize) < wanted
    {
        let partial = BooleanQuery::new(vec![
            (Occur::Must, planner.exact(&relaxed(&terms, &rest))),
            (Occur::MustNot, exact.box_clone()),
        ]);
        let ranked = planner.ranked(Box::new(partial), &terms, Some(PARTIAL_TERM_BONUS));
        let fill_request = SearchRequest {
            sort: SortOrder::Score,
            ..request.clone()
        };
        let fill = collect_page(
            &searcher,
            columns,
            ranked.as_ref(),
            Some(wanted - total as usize),
            &fill_request,
            false,
        )?;
        candidates.extend(fill.top.into_iter().map(|c| (c, true)));
    }

    let groups = if request.collapse {
        collapse(candidates)
    } else {
        candidates
    };
    let page: Vec<(Candidate, bool)> = groups
        .into_iter()
        .skip(request.offset)
        .take(request.limit.unwrap_or(usize::MAX))
        .collect();
    let mut copies = if request.collapse {
        find_copies(&searcher, columns, &planner, hit_node, &page)?
    } else {
        HashMap::new()
    };

    let mut hits = Vec::with_capacity(page.len());
    for (i, (candidate, partial)) in page.into_iter().enumerate() {
        let stored = load(&searcher, &handle.fields, candidate.doc)?;
        let snippet = snippet::make_snippet(&stored.text, &literals, request.snippet_chars);
        let matched_terms = if partial {
            snippet::literals_present(&stored.text, &terms)
                .into_iter()
                .map(str::to_string)
                .collect()
        } else {
            Vec::new()
        };
        let copies = copies.remove(&candidate.doc).unwrap_or_default();
        hits.push(Hit {
            rank: request.offset + i + 1,
            score: candidate.score,
            partial,
            matched_terms,
            location: stored.location,
            heading: stored.heading,
            year_from: stored.year_from,
            year_to: stored.year_to,
            kind: stored.kind,
            themes: stored.themes,
            text: stored.text,
            snippet,
            copies,
        });
    }
    Ok(SearchResults {
        total,
        hits,
        terms: literals,
        facets: collected.facets,
        took: started.elapsed(),
    })
}

/// Score bonus per term a partial hit contains: large enough that more
/// terms always rank first, whatever the BM25 part.
const PARTIAL_TERM_BONUS: f32 = 1000.0;

/// "Any of the top-level terms, and everything else the query requires."
fn relaxed(terms: &[String], rest: &[Node]) -> Node {
    let any = Node::Or(
        terms
            .iter()
            .map(|t| Node::Literal {
                text: t.clone(),
                position: 0,
            })
            .collect(),
    );
    let mut nodes = vec![any];
    nodes.extend(rest.iter().cloned());
    Node::And(nodes)
}

/// Collect enough candidates for the page; with collapsing, more than the
/// page, since copies of a hit fold into it.
fn collect_page(
    searcher: &Searcher,
    columns: &Arc<ColumnCache>,
    query: &dyn Query,
    wanted: Option<usize>,
    request: &SearchRequest,
    facets: bool,
) -> Result<Collected> {
    let limit = match wanted {
        None => usize::MAX,
        Some(w) if request.collapse => w.saturating_mul(3).saturating_add(20),
        Some(w) => w,
    };
    let mut collected = searcher.search(
        query,
        &HitCollector::new(columns, limit, request.sort, facets),
    )?;
    // Too many copies among the candidates to fill the page: collect again
    // with room for all of them.
    if let Some(w) = wanted
        && request.collapse
        && collected.top.len() == limit
        && distinct_groups(&collected.top) < w
    {
        collected = searcher.search(
            query,
            &HitCollector::new(columns, usize::MAX, request.sort, facets),
        )?;
    }
    Ok(collected)
}

fn distinct_groups(candidates: &[Candidate]) -> usize {
    let mut seen = HashSet::new();
    candidates
        .iter()
        .filter(|c| c.dup_key == 0 || seen.insert(c.dup_key))
        .count()
}

/// Keep the best-ranked paragraph of each near-identical group.
fn collapse(candidates: Vec<(Candidate, bool)>) -> Vec<(Candidate, bool)> {
    let mut seen = HashSet::new();
    candidates
        .into_iter()
        .filter(|(c, _)| c.dup_key == 0 || seen.insert(c.dup_key))
        .collect()
}

/// The near-identical copies of every hit on a page, keyed by the hit's
/// document: the other paragraphs with its key that are in the hit set
/// (for a partial hit: anywhere, since its copies are partial hits too).
/// Two searches at most, whatever the page size; locations come from fast
/// fields, without reading stored documents.
fn find_copies(
    searcher: &Searcher,
    columns: &Arc<ColumnCache>,
    planner: &Planner,
    hit_node: &Node,
    page: &[(Candidate, bool)],
) -> Result<HashMap<DocAddress, Vec<Location>>> {
    let fields = planner.fields;
    let mut out: HashMap<DocAddress, Vec<Location>> = HashMap::new();
    for partial in [false, true] {
        let shown: HashMap<u64, DocAddress> = page
            .iter()
            .filter(|(c, p)| *p == partial && c.dup_key != 0)
            .map(|(c, _)| (c.dup_key, c.doc))
            .collect();
        if shown.is_empty() {
            continue;
        }
        // A handful of keys: a union of term queries (a TermSetQuery would
        // allocate a bitset of the whole segment).
        let keys = BooleanQuery::union(
            shown
                .keys()
                .map(|&k| {
                    Box::new(TermQuery::new(
                        Term::from_field_u64(fields.dup_key, k),
                        IndexRecordOption::Basic,
                    )) as Box<dyn Query>
                })
                .collect(),
        );
        let query: Box<dyn Query> = if partial {
            Box::new(keys)
        } else {
            Box::new(BooleanQuery::new(vec![
                (Occur::Must, Box::new(keys)),
                (Occur::Must, planner.exact(hit_node)),
            ]))
        };
        let found = searcher.search(
            query.as_ref(),
            &HitCollector::new(columns, usize::MAX, SortOrder::Score, false),
        )?;
        let others: Vec<&Candidate> = found
            .top
            .iter()
            .filter(|c| shown.get(&c.dup_key).is_some_and(|&hit| hit != c.doc))
            .collect();
        let docs: Vec<DocAddress> = others.iter().map(|c| c.doc).collect();
        for (candidate, location) in others.iter().zip(locations(searcher, &docs)?) {
            out.entry(shown[&candidate.dup_key])
                .or_default()
                .push(location);
        }
    }
    for list in out.values_mut() {
        list.sort_by(|a, b| (&a.file, a.paragraph).cmp(&(&b.file, b.paragraph)));
    }
    Ok(out)
}

/// Locations of documents, read from fast fields.
pub fn locations(searcher: &Searcher, docs: &[DocAddress]) -> Result<Vec<Location>> {
    use crate::index::schema::names;
    let mut out = Vec::with_capacity(docs.len());
    let mut value = String::new();
    for doc in docs {
        let segment = searcher.segment_reader(doc.segment_ord);
        let fast = segment.fast_fields();
        let text = |name: &str, value: &mut String| -> Result<String> {
            value.clear();
            if let Some(column) = fast.str(name)?
                && let Some(ord) = column.term_ords(doc.doc_id).next()
            {
                column
                    .ord_to_str(ord, value)
                    .map_err(|e| crate::Error::Tantivy(e.into()))?;
            }
            Ok(value.clone())
        };
        let number = |name: &str| -> Result<Option<u64>> { Ok(fast.u64(name)?.first(doc.doc_id)) };
        out.push(Location {
            file: text(names::FILE, &mut value)?,
            paragraph: number(names::ORDINAL)?.unwrap_or(0),
            line: number(names::LINE)?.unwrap_or(0),
            county: text(names::COUNTY, &mut value)?,
            city: text(names::CITY, &mut value)?,
            province: text(names::PROVINCE, &mut value)?,
            year: number(names::YEAR)?.and_then(decode_year),
        });
    }
    Ok(out)
}

/// A paragraph's stored fields.
pub struct Stored {
    pub location: Location,
    pub heading: String,
    pub text: String,
    pub kind: String,
    pub themes: Vec<String>,
    pub year_from: Option<u64>,
    pub year_to: Option<u64>,
}

/// Read a paragraph's stored fields.
pub fn load(searcher: &Searcher, fields: &Fields, doc: DocAddress) -> Result<Stored> {
    let document: TantivyDocument = searcher.doc(doc)?;
    Ok(stored_fields(fields, &document))
}

/// Extract baogao's fields from a stored document.
pub fn stored_fields(fields: &Fields, document: &TantivyDocument) -> Stored {
    let text_of = |field| -> String {
        document
            .get_first(field)
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    };
    let u64_of = |field| document.get_first(field).and_then(|v| v.as_u64());
    let year_of = |field| u64_of(field).and_then(decode_year);
    let themes = document
        .get_all(fields.themes)
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect();
    Stored {
        location: Location {
            file: text_of(fields.file),
            paragraph: u64_of(fields.ordinal).unwrap_or(0),
            line: u64_of(fields.line).unwrap_or(0),
            county: text_of(fields.county),
            city: text_of(fields.city),
            province: text_of(fields.province),
            year: year_of(fields.year),
        },
        heading: text_of(fields.heading),
        text: text_of(fields.text),
        kind: text_of(fields.kind),
        themes,
        year_from: year_of(fields.year_from),
        year_to: year_of(fields.year_to),
    }
}
