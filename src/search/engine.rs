//! The search engine: one type that opens an index read-only and serves
//! search, trend, export and facets over it.
//!
//! An [`Engine`] can live as long as a process: [`Engine::reload`] makes it
//! see the newest commit (a rebuild by another handle or process), and its
//! caches — fast-field columns per segment, the index's theme names — are
//! keyed by what they describe and dropped when that goes away. Every entry
//! point runs through [`Engine::guard`], the one place where a read error
//! from damaged index files becomes [`Error::IndexDamaged`].

use super::collect::{self, Candidate, Collected, HitCollector, SortOrder, rank_cmp};
use super::columns::ColumnCache;
use super::group::{CollectedGroup, GroupCollector};
use super::parallel::{self, Splitting, SplittingSetting};
use super::plan::Planner;
use super::prepared::{MatchMode, Query};
use super::pruned;
use super::query::Filter;
use super::readings;
use super::results::{
    Group, GroupBy, Grouped, Hit, MatchKind, ReadingCount, SearchOptions, SearchResults,
    SearchSummary,
};
use super::snippet;
use super::year_span::YearSpanQuery;
use crate::corpus::Report;
use crate::corpus::record::{Record, Role};
use crate::error::{Error, Result};
use crate::index::schema::Fields;
use crate::index::{self, OpenIndex, document};
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;
use tantivy::query::{
    AllQuery, BooleanQuery, ConstScoreQuery, EnableScoring, Occur, Query as TantivyQuery, TermQuery,
};
use tantivy::schema::{IndexRecordOption, Term};
use tantivy::{DocAddress, Index, IndexReader, ReloadPolicy, Searcher};

/// Hits whose paragraphs are read together, in storage order.
const READ_WINDOW: usize = 24576;

/// How much closeness of the words can add to a long query's score (a
/// factor of up to 1 + this).
const CLOSENESS_WEIGHT: f32 = 0.5;

/// An opened index, ready to answer queries.
pub struct Engine {
    dir: PathBuf,
    index: Index,
    reader: IndexReader,
    fields: Fields,
    columns: Arc<ColumnCache>,
    /// The theme names of the current commit, read on first use (most
    /// searches never filter by theme) and forgotten on reload.
    themes: Mutex<Option<Arc<Vec<String>>>>,
    /// Whether a query ranked on one word may take its page by block-max
    /// WAND (see `search::pruned`); on unless turned off to compare.
    pruning: AtomicBool,
    /// How many searches took their page by pruning.
    pruned: AtomicU64,
    /// When a large segment's hits are collected on several threads.
    splitting: SplittingSetting,
}

impl Engine {
    /// Open the index in `dir` for searching.
    pub fn open(dir: &Path) -> Result<Engine> {
        Engine::from_index(index::open(dir)?)
    }

    /// An engine over an index built in memory from loaded reports (tests,
    /// benchmarks), with `threads` indexing threads.
    pub fn in_memory(reports: &[Report], themes: Vec<String>, threads: usize) -> Result<Engine> {
        Engine::from_index(index::in_memory(reports, themes, threads)?)
    }

    pub fn from_index(open: OpenIndex) -> Result<Engine> {
        let OpenIndex { dir, index, fields } = open;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(|e| index::reading_error(&dir, Error::Tantivy(e)))?;
        Ok(Engine {
            dir,
            index,
            reader,
            fields,
            columns: Arc::default(),
            themes: Mutex::new(None),
            pruning: AtomicBool::new(true),
            pruned: AtomicU64::new(0),
            splitting: SplittingSetting::default(),
        })
    }

    /// Let queries ranked on one word skip the hits that cannot make the
    /// page (the default), or score every hit. Both give the same page;
    /// turning pruning off is for comparing them, in tests and benchmarks.
    pub fn set_pruning(&self, on: bool) {
        self.pruning.store(on, Ordering::Relaxed);
    }

    /// When to collect a large segment's hits on several threads: when
    /// it proves slow (the default), never, or always (tests compare the
    /// last two; results are the same).
    pub fn set_splitting(&self, splitting: Splitting) {
        self.splitting.set(splitting);
    }

    /// How many searches so far took their page by pruning rather than by
    /// scoring every hit.
    pub fn pruned_searches(&self) -> u64 {
        self.pruned.load(Ordering::Relaxed)
    }

    /// See the index's newest commit. Caches of segments that are gone are
    /// dropped.
    pub fn reload(&self) -> Result<()> {
        self.guard(|| {
            self.reader.reload()?;
            let live: Vec<_> = self
                .reader
                .searcher()
                .segment_readers()
                .iter()
                .map(|s| s.segment_id())
                .collect();
            self.columns.retain(&live);
            if let Ok(mut themes) = self.themes.lock() {
                *themes = None;
            }
            Ok(())
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn fields(&self) -> &Fields {
        &self.fields
    }

    pub fn searcher(&self) -> Searcher {
        self.reader.searcher()
    }

    /// Paragraphs in the index.
    pub fn paragraphs(&self) -> u64 {
        self.searcher().num_docs()
    }

    /// Segments whose columns are cached (for tests of the cache's bound).
    pub fn cached_segments(&self) -> usize {
        self.columns.len()
    }

    /// The theme names paragraphs were tagged with.
    pub fn themes(&self) -> Arc<Vec<String>> {
        let mut cached = match self.themes.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        cached
            .get_or_insert_with(|| Arc::new(index::themes_of(&self.index)))
            .clone()
    }

    /// Run `work`, turning errors that mean damaged files into
    /// [`Error::IndexDamaged`].
    pub(super) fn guard<T>(&self, work: impl FnOnce() -> Result<T>) -> Result<T> {
        work().map_err(|e| index::reading_error(&self.dir, e))
    }

    /// Every theme the query names must be one the index knows.
    pub(super) fn check_themes(&self, query: &Query) -> Result<()> {
        let named = query.themes();
        if named.is_empty() {
            return Ok(());
        }
        let known = self.themes();
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

    pub(super) fn collect(
        &self,
        searcher: &Searcher,
        query: &dyn TantivyQuery,
        collector: &HitCollector,
    ) -> Result<Collected> {
        Ok(parallel::search(
            searcher,
            query,
            collector,
            self.splitting.get(),
        )?)
    }

    pub(super) fn collector(&self, limit: usize, sort: SortOrder) -> HitCollector {
        HitCollector::new(&self.columns, limit, sort)
    }

    /// A collector that also counts hits by `dims` (none: the plain
    /// collector; the theme names are read only when facets are counted).
    pub(super) fn facet_collector(
        &self,
        limit: usize,
        sort: SortOrder,
        dims: &[crate::corpus::record::Dimension],
    ) -> HitCollector {
        let collector = self.collector(limit, sort);
        if dims.is_empty() {
            collector
        } else {
            collector.with_facets(dims, self.themes())
        }
    }

    /// Read one stored paragraph.
    pub fn record(&self, searcher: &Searcher, doc: DocAddress) -> Result<Record> {
        let stored: document::StoredRecord = searcher.doc(doc)?;
        Ok(document::read_record(&self.fields, stored))
    }

    /// Run a search and collect its hits.
    pub fn search(&self, query: &Query, options: &SearchOptions) -> Result<SearchResults> {
        let mut hits = Vec::new();
        let summary = self.search_each(query, options, &mut |hit| {
            hits.push(hit);
            Ok(())
        })?;
        Ok(SearchResults {
            total: summary.total,
            hits,
            terms: summary.terms,
            facets: summary.facets,
            readings: summary.readings,
            took: summary.took,
        })
    }

    /// Run a search, handing each hit to `sink` as soon as it is ready,
    /// best first. With every hit asked for (`limit: None`) nothing but
    /// the ranked list of candidates (a few dozen bytes each) is held in
    /// memory: paragraphs are read, cut into snippets and handed over one
    /// at a time.
    pub fn search_each(
        &self,
        query: &Query,
        options: &SearchOptions,
        sink: &mut dyn FnMut(Hit) -> Result<()>,
    ) -> Result<SearchSummary> {
        self.guard(|| self.search_unguarded(query, options, sink))
    }

    fn search_unguarded(
        &self,
        query: &Query,
        options: &SearchOptions,
        sink: &mut dyn FnMut(Hit) -> Result<()>,
    ) -> Result<SearchSummary> {
        let started = Instant::now();
        self.check_themes(query)?;
        self.check_places(query)?;
        let searcher = self.searcher();
        let query = &without_true_year_ranges(&searcher, query);
        let planner = Planner {
            searcher: &searcher,
            fields: &self.fields,
        };
        let exact = planner.exact(&query.hit_node);
        let wanted = options.limit.map(|l| options.offset.saturating_add(l));
        let ranked = planner.ranked(exact.box_clone(), &query.literals, None);
        let collected = if query.whole_words {
            self.whole_word_hits(&searcher, ranked.as_ref(), query, options)?
        } else if let Some(pruned) = self.pruned_page(
            &planner,
            query,
            exact.as_ref(),
            ranked.as_ref(),
            wanted,
            options,
        )? {
            pruned
        } else {
            self.collect_page(
                &searcher,
                ranked.as_ref(),
                wanted,
                options,
                options.sort,
                &options.facets,
            )?
        };
        let total = collected.total;
        let mut candidates: Vec<(Candidate, MatchKind)> = collected
            .top
            .into_iter()
            .map(|c| (c, MatchKind::Phrase))
            .collect();

        // Fewer hits than a page (none, with --all): the other readings of
        // the query fill it, each below the one before.
        let mut counts = Vec::new();
        let mut highlight: HashMap<MatchKind, Vec<String>> = HashMap::new();
        highlight.insert(MatchKind::Phrase, query.literals.clone());
        let fill = query.match_mode == MatchMode::Fill
            && !query.whole_words
            && match wanted {
                Some(w) => (total as usize) < w,
                None => total == 0,
            };
        if fill {
            let mut excluded: Vec<Box<dyn TantivyQuery>> = vec![exact.box_clone()];
            for reading in readings::readings(&planner, query) {
                if reading.kind == MatchKind::Partial && wanted.is_none() {
                    continue;
                }
                let need = wanted.map(|w| w.saturating_sub(candidates.len()));
                if reading.kind == MatchKind::Partial {
                    let mut check: Vec<(Occur, Box<dyn TantivyQuery>)> =
                        vec![(Occur::Must, planner.exact(&reading.node))];
                    check.extend(excluded.iter().map(|e| (Occur::MustNot, e.box_clone())));
                    let check = BooleanQuery::new(check);
                    let top =
                        self.partial_reading(&searcher, &reading, &check, need.unwrap_or(0))?;
                    counts.push(ReadingCount {
                        kind: reading.kind,
                        words: reading.words.clone(),
                        total: None,
                    });
                    candidates.extend(top.into_iter().map(|c| (c, reading.kind)));
                    highlight.insert(reading.kind, reading.words);
                    continue;
                }
                let reading_exact = planner.exact(&reading.node);
                let mut clauses: Vec<(Occur, Box<dyn TantivyQuery>)> =
                    vec![(Occur::Must, reading_exact.box_clone())];
                clauses.extend(excluded.iter().map(|e| (Occur::MustNot, e.box_clone())));
                let matcher = BooleanQuery::new(clauses);
                let ranked = planner.ranked(Box::new(matcher), &reading.words, None);
                // A long query ranks by closeness too: take more than the
                // page and re-rank them.
                let long = reading.words.len() >= 3 && reading.kind != MatchKind::Related;
                let take = need.map(|n| if long { n.saturating_mul(2) + 4 } else { n });
                let found = self.collect_page(
                    &searcher,
                    ranked.as_ref(),
                    take,
                    options,
                    SortOrder::Score,
                    &[],
                )?;
                counts.push(ReadingCount {
                    kind: reading.kind,
                    words: reading.words.clone(),
                    total: Some(found.total),
                });
                let mut top = found.top;
                if long && options.sort == SortOrder::Score {
                    self.rank_by_closeness(&searcher, &mut top, &reading.words)?;
                }
                candidates.extend(top.into_iter().map(|c| (c, reading.kind)));
                highlight.insert(reading.kind, reading.words);
                excluded.push(reading_exact);
            }
        }

        // The copies of each shown hit: with every hit collected, they are
        // among the candidates already; for a page, found by key.
        let mut copies_of: HashMap<DocAddress, Vec<DocAddress>> = HashMap::new();
        let page: Vec<(Candidate, MatchKind)> = if options.collapse {
            let (page, folded) = collapse(candidates, options.offset, options.limit);
            if options.limit.is_none() {
                copies_of = folded;
            } else {
                copies_of = self.find_copies(&searcher, &planner, query, &page)?;
            }
            page
        } else {
            candidates
                .into_iter()
                .skip(options.offset)
                .take(options.limit.unwrap_or(usize::MAX))
                .collect()
        };

        // Paragraphs are read a window of hits at a time, in the order they
        // are stored rather than ranked: hits in the same compressed block
        // of the document store then share one decompression (reading in
        // rank order decompressed a block per hit, half the time of
        // `search 的 --all`). Memory holds one window, whatever the total.
        let (mut shown, mut partial_shown) = (0, 0);
        for (w, window) in page.chunks(READ_WINDOW).enumerate() {
            let mut wanted_docs: Vec<DocAddress> = Vec::new();
            for (candidate, _) in window {
                wanted_docs.push(candidate.doc);
                if let Some(copies) = copies_of.get(&candidate.doc) {
                    wanted_docs.extend(copies);
                }
            }
            let mut records = self.records(&searcher, wanted_docs)?;
            for (i, &(candidate, kind)) in window.iter().enumerate() {
                let Some(record) = records.remove(&candidate.doc) else {
                    continue;
                };
                let literals = highlight.get(&kind).map_or(&query.literals, |l| l);
                let text = &record.paragraph.text;
                let snippet = snippet::make_snippet(text, literals, options.snippet_chars);
                let matched_terms = if matches!(kind, MatchKind::Partial | MatchKind::Related) {
                    snippet::literals_present(text, literals)
                        .into_iter()
                        .map(str::to_string)
                        .collect()
                } else {
                    Vec::new()
                };
                let mut copies: Vec<Record> = copies_of
                    .remove(&candidate.doc)
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|doc| records.remove(doc))
                    .collect();
                copies.sort_by(|a, b| {
                    (&a.paragraph.file, a.paragraph.number)
                        .cmp(&(&b.paragraph.file, b.paragraph.number))
                });
                shown += 1;
                partial_shown += usize::from(kind != MatchKind::Phrase);
                sink(Hit {
                    rank: options.offset + w * READ_WINDOW + i + 1,
                    score: candidate.score,
                    match_kind: kind,
                    matched_terms,
                    record,
                    snippet,
                    copies,
                })?;
            }
        }
        Ok(SearchSummary {
            total,
            shown,
            partial: partial_shown,
            readings: counts,
            terms: query.literals.clone(),
            facets: collected.facets,
            took: started.elapsed(),
        })
    }

    /// Read stored paragraphs in storage order (see `search_unguarded`).
    fn records(
        &self,
        searcher: &Searcher,
        mut docs: Vec<DocAddress>,
    ) -> Result<HashMap<DocAddress, Record>> {
        docs.sort_unstable_by_key(|d| (d.segment_ord, d.doc_id));
        docs.dedup();
        let mut records = HashMap::with_capacity(docs.len());
        for doc in docs {
            records.insert(doc, self.record(searcher, doc)?);
        }
        Ok(records)
    }

    /// The partial reading's best `need` hits (and some more for copies):
    /// ranked by BM25 over the words' jieba terms with tantivy's top-k
    /// pruning; each candidate is kept only if the reading's exact query
    /// matches it and no reading above does (checked against the index,
    /// not by reading the paragraph). When the query names a place, that
    /// place's paragraphs with some of the words come first: the user said
    /// whose reports they meant.
    fn partial_reading(
        &self,
        searcher: &Searcher,
        reading: &readings::Reading,
        check: &dyn TantivyQuery,
        need: usize,
    ) -> Result<Vec<Candidate>> {
        if need == 0 {
            return Ok(Vec::new());
        }
        // Each word with the shorter words jieba indexes inside it (县中崛起:
        // 县中, 崛起), as the paragraphs were indexed.
        let planner = Planner {
            searcher,
            fields: &self.fields,
        };
        let mut terms: Vec<String> = Vec::new();
        for word in &reading.words {
            for term in planner.scoring_words(word) {
                if !terms.contains(&term) {
                    terms.push(term);
                }
            }
        }
        let any_word = || -> Box<dyn TantivyQuery> {
            Box::new(BooleanQuery::new(
                terms
                    .iter()
                    .map(|w| {
                        let term = Term::from_field_text(self.fields.text, w);
                        (
                            Occur::Should,
                            Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs))
                                as Box<dyn TantivyQuery>,
                        )
                    })
                    .collect(),
            ))
        };
        let place_clauses: Vec<(Occur, Box<dyn TantivyQuery>)> = reading
            .places
            .iter()
            .filter_map(|place| {
                let super::query::Filter::Equals(dim, value) = place else {
                    return None;
                };
                let field = self.fields.dimension(*dim)?;
                let term = Term::from_field_text(field, value);
                Some((
                    Occur::Should,
                    Box::new(TermQuery::new(term, IndexRecordOption::Basic))
                        as Box<dyn TantivyQuery>,
                ))
            })
            .collect();
        // More than the page: some are taken out by the check, some fold
        // into others as copies.
        let limit = need.saturating_mul(3) + 10;
        let mut passes: Vec<Box<dyn TantivyQuery>> = Vec::new();
        if !place_clauses.is_empty() {
            let in_place: Box<dyn TantivyQuery> = Box::new(ConstScoreQuery::new(
                Box::new(BooleanQuery::new(place_clauses)),
                0.0,
            ));
            passes.push(Box::new(BooleanQuery::new(vec![
                (Occur::Must, in_place),
                (Occur::Must, any_word()),
            ])));
        }
        passes.push(any_word());
        let mut out: Vec<Candidate> = Vec::new();
        let mut seen: HashSet<DocAddress> = HashSet::new();
        for pass in passes {
            let top = searcher.search(
                pass.as_ref(),
                &tantivy::collector::TopDocs::with_limit(limit).order_by_score(),
            )?;
            let top: Vec<(f32, DocAddress)> =
                top.into_iter().filter(|(_, d)| !seen.contains(d)).collect();
            let docs: Vec<DocAddress> = top.iter().map(|(_, d)| *d).collect();
            let kept = matching(searcher, check, &docs)?;
            let mut found = Vec::new();
            for ((score, doc), keep) in top.into_iter().zip(kept) {
                if !keep {
                    continue;
                }
                seen.insert(doc);
                let segment = searcher.segment_reader(doc.segment_ord);
                let c = self.columns.get(segment)?;
                found.push(Candidate {
                    score: collect::weigh(score, Role::from_code(c.role.get_val(doc.doc_id))),
                    year: crate::index::schema::decode_year(c.year.get_val(doc.doc_id)),
                    file_key: c.file_key.get_val(doc.doc_id),
                    number: c.number.get_val(doc.doc_id),
                    dup_key: c.dup_key.get_val(doc.doc_id),
                    doc,
                });
            }
            found.sort_by(|a, b| rank_cmp(a, b, SortOrder::Score));
            if reading.words.len() >= 3 {
                self.rank_by_closeness(searcher, &mut found, &reading.words)?;
            }
            out.extend(found);
            if out.len() >= limit {
                break;
            }
        }
        Ok(out)
    }

    /// Re-rank candidates by their score and how close together the words
    /// are in them (see `readings::closeness`).
    fn rank_by_closeness(
        &self,
        searcher: &Searcher,
        candidates: &mut [Candidate],
        words: &[String],
    ) -> Result<()> {
        let docs = candidates.iter().map(|c| c.doc).collect();
        let records = self.records(searcher, docs)?;
        for candidate in candidates.iter_mut() {
            if let Some(record) = records.get(&candidate.doc) {
                let text = crate::analysis::normalize::normalize(&record.paragraph.text);
                candidate.score *= 1.0 + CLOSENESS_WEIGHT * readings::closeness(&text, words);
            }
        }
        candidates.sort_by(|a, b| rank_cmp(a, b, SortOrder::Score));
        Ok(())
    }

    /// The hit set of a query whose terms must stand as whole words: every
    /// paragraph that contains them is read and checked (their count is
    /// exact; so are the facets, counted over the checked hits).
    fn whole_word_hits(
        &self,
        searcher: &Searcher,
        ranked: &dyn TantivyQuery,
        query: &Query,
        options: &SearchOptions,
    ) -> Result<Collected> {
        let all = self.collect(searcher, ranked, &self.collector(usize::MAX, options.sort))?;
        let mut kept = Vec::new();
        for window in all.top.chunks(READ_WINDOW) {
            let records = self.records(searcher, window.iter().map(|c| c.doc).collect())?;
            for candidate in window {
                if let Some(record) = records.get(&candidate.doc)
                    && whole_words_match(query, record)
                {
                    kept.push(*candidate);
                }
            }
        }
        let facets = if options.facets.is_empty() {
            None
        } else {
            let docs: Vec<DocAddress> = kept.iter().map(|c| c.doc).collect();
            Some(collect::facets_of_docs(
                searcher,
                &self.columns,
                &docs,
                &options.facets,
                self.themes(),
            )?)
        };
        Ok(Collected {
            total: kept.len() as u64,
            top: kept,
            facets,
        })
    }

    /// Every place a query filters on must be one the gazetteer or the
    /// index knows (the query layer has resolved short names already).
    pub(super) fn check_places(&self, query: &Query) -> Result<()> {
        use crate::corpus::record::Dimension;
        let searcher = self.searcher();
        for filter in query.node.filters() {
            let super::query::Filter::Equals(dim, value) = filter else {
                continue;
            };
            if !matches!(
                dim,
                Dimension::County | Dimension::City | Dimension::Province
            ) {
                continue;
            }
            let Some(field) = self.fields.dimension(*dim) else {
                continue;
            };
            let in_index = searcher
                .doc_freq(&Term::from_field_text(field, value))
                .map(|n| n > 0)
                .unwrap_or(false);
            if !in_index && !super::places::is_known(*dim, value) {
                return Err(Error::Invalid(format!(
                    "no {dim} is called '{value}' (not in the gazetteer, and no report in the index is tagged with it)"
                )));
            }
        }
        Ok(())
    }

    /// The hit set grouped `by`, groups ordered by their best hit, each
    /// with its count and its best hit; `options` pages the groups.
    pub fn groups(&self, query: &Query, by: GroupBy, options: &SearchOptions) -> Result<Grouped> {
        self.guard(|| {
            let started = Instant::now();
            self.check_themes(query)?;
            let searcher = self.searcher();
            let planner = Planner {
                searcher: &searcher,
                fields: &self.fields,
            };
            let exact = planner.exact(&query.hit_node);
            let ranked = planner.ranked(exact, &query.literals, None);
            let collected =
                self.collect_groups(&searcher, ranked.as_ref(), by, options.sort, true)?;
            let total = collected.iter().map(|g| g.count).sum();
            let group_count = collected.len();
            let mut groups = Vec::new();
            for (i, group) in collected
                .into_iter()
                .skip(options.offset)
                .take(options.limit.unwrap_or(usize::MAX))
                .enumerate()
            {
                let record = self.record(&searcher, group.best.doc)?;
                let snippet = snippet::make_snippet(
                    &record.paragraph.text,
                    &query.literals,
                    options.snippet_chars,
                );
                groups.push(Group {
                    value: group.value,
                    count: group.count,
                    best: Hit {
                        rank: options.offset + i + 1,
                        score: group.best.score,
                        match_kind: MatchKind::Phrase,
                        matched_terms: Vec::new(),
                        record,
                        snippet,
                        copies: Vec::new(),
                    },
                });
            }
            Ok(Grouped {
                by,
                total,
                group_count,
                groups,
                terms: query.literals.clone(),
                took: started.elapsed(),
            })
        })
    }

    /// The reports with hits and how many paragraphs each has, by path
    /// (`-c`, `-l`). Nothing is ranked or read.
    pub fn counts_by_report(&self, query: &Query) -> Result<Vec<(String, u64)>> {
        self.guard(|| {
            self.check_themes(query)?;
            let searcher = self.searcher();
            let planner = Planner {
                searcher: &searcher,
                fields: &self.fields,
            };
            let exact = planner.exact(&query.hit_node);
            let groups = self.collect_groups(
                &searcher,
                exact.as_ref(),
                GroupBy::Report,
                SortOrder::Score,
                false,
            )?;
            let mut counts: Vec<(String, u64)> =
                groups.into_iter().map(|g| (g.value, g.count)).collect();
            counts.sort();
            Ok(counts)
        })
    }

    fn collect_groups(
        &self,
        searcher: &Searcher,
        query: &dyn TantivyQuery,
        by: GroupBy,
        sort: SortOrder,
        scored: bool,
    ) -> Result<Vec<CollectedGroup>> {
        let collector = GroupCollector {
            columns: self.columns.clone(),
            by,
            sort,
            scored,
        };
        Ok(parallel::search(
            searcher,
            query,
            &collector,
            self.splitting.get(),
        )?)
    }

    /// The page of a ranked query by block-max WAND (see
    /// `search::pruned`), with its facets counted apart when asked for;
    /// `None` where the exhaustive collector must answer: pruning is off,
    /// the query is not sorted by score, every hit is wanted, the query's
    /// shape makes pruning slower (`pruned::worth_trying`), a literal is
    /// scored by its phrase rather than by words, or the pruned pass could
    /// not give the same page.
    fn pruned_page(
        &self,
        planner: &Planner,
        query: &Query,
        exact: &dyn TantivyQuery,
        ranked: &dyn TantivyQuery,
        wanted: Option<usize>,
        options: &SearchOptions,
    ) -> Result<Option<Collected>> {
        let Some(wanted) = wanted else {
            return Ok(None);
        };
        if !self.pruning.load(Ordering::Relaxed)
            || options.sort != SortOrder::Score
            || query.literals.is_empty()
            || !pruned::worth_trying(planner, &query.hit_node)
        {
            return Ok(None);
        }
        let limit = candidate_limit(Some(wanted), options.collapse);
        // The terms `Planner::ranked` sums, literal by literal; a literal
        // without vocabulary words is scored on its phrase, which is not a
        // sum of terms.
        let mut scoring = Vec::new();
        for literal in &query.literals {
            let terms = planner.scoring_terms(literal);
            if terms.is_empty() {
                return Ok(None);
            }
            scoring.extend(terms);
        }
        if !pruned::applies(limit, scoring.len()) {
            return Ok(None);
        }
        // A lone two-character literal is one bigram term, counted by its
        // document frequency; anything else is counted on every core.
        let one_term = matches!(&query.hit_node,
            super::query::Node::Literal { text, .. } if text.chars().count() == 2);
        // Facets count every hit: one unscored pass over the exact query,
        // still cheaper than scoring every hit. It runs on a thread of its
        // own while this one finds the page, and counts the hits too.
        let faceted = !options.facets.is_empty();
        let count_exact = || {
            if faceted && !one_term {
                return Ok(None);
            }
            let weight = exact.weight(EnableScoring::disabled_from_searcher(planner.searcher))?;
            parallel::count(
                planner.searcher,
                weight.as_ref(),
                !one_term,
                self.splitting.get(),
            )
            .map(Some)
        };
        let (found, counted) = std::thread::scope(|scope| {
            let counting = faceted.then(|| {
                scope.spawn(|| {
                    let collector = self.facet_collector(0, SortOrder::Score, &options.facets);
                    self.collect(planner.searcher, exact, &collector)
                })
            });
            let found = pruned::collect_top(
                planner.searcher,
                &self.columns,
                &count_exact,
                ranked,
                scoring,
                limit,
            );
            let counted = counting.map(|handle| match handle.join() {
                Ok(counted) => counted,
                Err(panic) => std::panic::resume_unwind(panic),
            });
            (found, counted)
        });
        let found = found?.filter(|c| !options.collapse || distinct_groups(&c.top) >= wanted);
        let Some(mut found) = found else {
            return Ok(None);
        };
        if let Some(counted) = counted {
            let counted = counted?;
            found.total = counted.total;
            found.facets = counted.facets;
        }
        self.pruned.fetch_add(1, Ordering::Relaxed);
        Ok(Some(found))
    }

    /// Collect enough candidates for the page; with collapsing, more than
    /// the page, since copies of a hit fold into it.
    fn collect_page(
        &self,
        searcher: &Searcher,
        query: &dyn TantivyQuery,
        wanted: Option<usize>,
        options: &SearchOptions,
        sort: SortOrder,
        facets: &[crate::corpus::record::Dimension],
    ) -> Result<Collected> {
        let limit = candidate_limit(wanted, options.collapse);
        let mut collected =
            self.collect(searcher, query, &self.facet_collector(limit, sort, facets))?;
        // Too many copies among the candidates to fill the page: collect
        // again with room for all of them.
        if let Some(w) = wanted
            && options.collapse
            && collected.top.len() == limit
            && distinct_groups(&collected.top) < w
        {
            collected = self.collect(
                searcher,
                query,
                &self.facet_collector(usize::MAX, sort, facets),
            )?;
        }
        Ok(collected)
    }

    /// The near-identical copies of every hit on a page, keyed by the
    /// hit's document: the other paragraphs with its key that are in the
    /// hit set (for a partial hit: anywhere, since its copies are partial
    /// hits too). Two searches at most, whatever the page size.
    fn find_copies(
        &self,
        searcher: &Searcher,
        planner: &Planner,
        query: &Query,
        page: &[(Candidate, MatchKind)],
    ) -> Result<HashMap<DocAddress, Vec<DocAddress>>> {
        let mut out: HashMap<DocAddress, Vec<DocAddress>> = HashMap::new();
        for partial in [false, true] {
            let shown: HashMap<u64, DocAddress> = page
                .iter()
                .filter(|(c, k)| (*k != MatchKind::Phrase) == partial && c.dup_key != 0)
                .map(|(c, _)| (c.dup_key, c.doc))
                .collect();
            if shown.is_empty() {
                continue;
            }
            // A handful of keys: a union of term queries (a TermSetQuery
            // would allocate a bitset of the whole segment).
            let keys = BooleanQuery::union(
                shown
                    .keys()
                    .map(|&k| {
                        Box::new(TermQuery::new(
                            Term::from_field_u64(self.fields.dup_key, k),
                            IndexRecordOption::Basic,
                        )) as Box<dyn TantivyQuery>
                    })
                    .collect(),
            );
            let copies_query: Box<dyn TantivyQuery> = if partial {
                Box::new(keys)
            } else {
                Box::new(BooleanQuery::new(vec![
                    (Occur::Must, Box::new(keys)),
                    (Occur::Must, planner.exact(&query.hit_node)),
                ]))
            };
            let found = self.collect(
                searcher,
                copies_query.as_ref(),
                &self.collector(usize::MAX, SortOrder::Score),
            )?;
            for candidate in found.top {
                if let Some(&hit) = shown.get(&candidate.dup_key)
                    && hit != candidate.doc
                {
                    out.entry(hit).or_default().push(candidate.doc);
                }
            }
        }
        Ok(out)
    }

    /// Every paragraph the query matches (every paragraph, with `None`),
    /// grouped by report in paragraph order, handed to `sink` one at a
    /// time. Returns how many.
    pub fn export(
        &self,
        query: Option<&Query>,
        sink: &mut dyn FnMut(Record) -> Result<()>,
    ) -> Result<u64> {
        self.guard(|| {
            let searcher = self.searcher();
            let planner = Planner {
                searcher: &searcher,
                fields: &self.fields,
            };
            let matcher: Box<dyn TantivyQuery> = match query {
                Some(query) => {
                    self.check_themes(query)?;
                    planner.exact(&query.hit_node)
                }
                None => Box::new(AllQuery),
            };
            let collected = self.collect(
                &searcher,
                matcher.as_ref(),
                &self.collector(usize::MAX, SortOrder::Score),
            )?;
            // Grouped by file, in paragraph order, whatever the segments.
            let mut candidates = collected.top;
            candidates.sort_by_key(|c| (c.file_key, c.number));
            let mut written = 0u64;
            for candidate in candidates {
                sink(self.record(&searcher, candidate.doc)?)?;
                written += 1;
            }
            Ok(written)
        })
    }
}

/// `query` with every year range that holds every paragraph of the index
/// (by the year column's bounds, `YearSpanQuery::holds_every_paragraph`)
/// dropped from the ANDs of its hit set: `改革 year:2000..` over reports
/// all dated since 2000 is then `改革`, ranked by pruning and counted as
/// `改革` is, where a filter left in would be tested on every hit.
fn without_true_year_ranges<'q>(searcher: &Searcher, query: &'q Query) -> Cow<'q, Query> {
    // Each range's bounds are read once, here, not again in the rewrite.
    let whole: Vec<&Filter> = query
        .hit_node
        .filters()
        .into_iter()
        .filter(|filter| match filter {
            Filter::Years(range) => YearSpanQuery::for_range(range).holds_every_paragraph(searcher),
            Filter::Equals(..) => false,
        })
        .collect();
    if whole.is_empty() {
        return Cow::Borrowed(query);
    }
    let mut lighter = query.clone();
    lighter.hit_node = query
        .hit_node
        .without_true_filters(&|filter| whole.contains(&filter));
    Cow::Owned(lighter)
}

/// How many candidates to collect for a page of `wanted` hits (`None`:
/// every hit): with collapsing, more than the page, since copies of a hit
/// fold into it.
fn candidate_limit(wanted: Option<usize>, collapse: bool) -> usize {
    match wanted {
        None => usize::MAX,
        Some(w) if collapse => w.saturating_mul(3).saturating_add(20),
        Some(w) => w,
    }
}

fn distinct_groups(candidates: &[Candidate]) -> usize {
    let mut seen = HashSet::new();
    candidates
        .iter()
        .filter(|c| c.dup_key == 0 || seen.insert(c.dup_key))
        .count()
}

/// Keep the best-ranked paragraph of each near-identical group, and page:
/// the shown candidates, and for each the copies folded into it.
type Folded = HashMap<DocAddress, Vec<DocAddress>>;

fn collapse(
    candidates: Vec<(Candidate, MatchKind)>,
    offset: usize,
    limit: Option<usize>,
) -> (Vec<(Candidate, MatchKind)>, Folded) {
    let mut first_of: HashMap<(u64, MatchKind), DocAddress> = HashMap::new();
    let mut folded: Folded = HashMap::new();
    let mut kept = Vec::new();
    for (candidate, partial) in candidates {
        if candidate.dup_key == 0 {
            kept.push((candidate, partial));
            continue;
        }
        match first_of.get(&(candidate.dup_key, partial)) {
            Some(first) => folded.entry(*first).or_default().push(candidate.doc),
            None => {
                first_of.insert((candidate.dup_key, partial), candidate.doc);
                kept.push((candidate, partial));
            }
        }
    }
    let page: Vec<(Candidate, MatchKind)> = kept
        .into_iter()
        .skip(offset)
        .take(limit.unwrap_or(usize::MAX))
        .collect();
    (page, folded)
}

/// Which of `docs` (any order) a query matches, checked against the index
/// one segment at a time, by seeking its scorer.
fn matching(
    searcher: &Searcher,
    query: &dyn TantivyQuery,
    docs: &[DocAddress],
) -> Result<Vec<bool>> {
    use tantivy::DocSet;
    let weight = query.weight(tantivy::query::EnableScoring::disabled_from_searcher(
        searcher,
    ))?;
    let mut order: Vec<usize> = (0..docs.len()).collect();
    order.sort_by_key(|&i| (docs[i].segment_ord, docs[i].doc_id));
    let mut out = vec![false; docs.len()];
    let mut current: Option<(u32, Box<dyn tantivy::query::Scorer>)> = None;
    for i in order {
        let doc = docs[i];
        if current.as_ref().is_none_or(|(s, _)| *s != doc.segment_ord) {
            let segment = searcher.segment_reader(doc.segment_ord);
            current = Some((doc.segment_ord, weight.scorer(segment, 1.0)?));
        }
        if let Some((_, scorer)) = current.as_mut() {
            if scorer.doc() < doc.doc_id {
                scorer.seek(doc.doc_id);
            }
            out[i] = scorer.doc() == doc.doc_id;
        }
    }
    Ok(out)
}

/// Does a paragraph match the query when each term must stand as whole
/// jieba words (`-w`)? The query's tree is evaluated again, a term counting
/// only where one of its occurrences starts and ends on word boundaries or
/// is a word the index holds inside a longer one (县中 in 县中崛起).
fn whole_words_match(query: &Query, record: &Record) -> bool {
    let text = crate::analysis::normalize::normalize(&record.paragraph.text);
    let whole = |literal: &str| {
        text.match_indices(literal).any(|(at, found)| {
            let end = at + found.len();
            crate::analysis::words::is_word_span(&text, at, end)
                || crate::analysis::words::is_indexed_word_span(&text, at, end)
        })
    };
    query
        .hit_node
        .matches_with(&whole, &|filter| filter.passes(&record.tags))
}
