//! `baogao bench`: query latency and throughput, measured in-process.
//!
//! Each measured query is a whole `search` call — parse, plan, count the
//! hit set, rank, read the ten best paragraphs and cut their snippets —
//! i.e. what a user waits for, minus process start and printing (which
//! BENCHMARKS.md measures separately as the cold CLI query). Warm-up runs
//! are not recorded. With several threads, each runs the whole query set
//! concurrently on one shared index, and throughput is queries completed
//! per second of wall time.
//!
//! Query files have one query per line (the search syntax). `#` starts a
//! comment; a comment `# class: NAME` sets the class of the lines after it
//! (the criterion benches group by class); a line starting with `@facets `
//! asks for facet counts too.
//!
//! Each query is prepared once (as the binary does) and searched `runs`
//! times; what is timed is [`Engine::search`].

use super::engine::Engine;
use super::prepared::{MatchMode, Query};
use super::results::SearchOptions;
use std::time::{Duration, Instant};

/// The default query set, `data/queries.txt`: two-character words, long
/// terms, several terms, operators, filters, facets.
pub const DEFAULT_QUERIES: &str = include_str!("../../data/queries.txt");

/// One benchmark query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BenchQuery {
    pub class: String,
    pub query: String,
    pub facets: bool,
}

impl BenchQuery {
    /// The prepared query.
    pub fn prepare(&self) -> Result<Query, crate::error::QueryError> {
        Query::parse(&self.query, &[], MatchMode::Fill)
    }

    /// The search options it runs with: a page of ten, facets if asked.
    pub fn options(&self) -> SearchOptions {
        SearchOptions {
            facets: if self.facets {
                crate::corpus::record::Dimension::ALL.to_vec()
            } else {
                Vec::new()
            },
            ..SearchOptions::default()
        }
    }
}

/// The queries of a query file, or the default set.
pub fn load_queries(file: Option<&std::path::Path>) -> crate::Result<Vec<BenchQuery>> {
    let queries = match file {
        Some(path) => {
            parse_queries(&std::fs::read_to_string(path).map_err(|e| crate::Error::io(path, e))?)
        }
        None => parse_queries(DEFAULT_QUERIES),
    };
    if queries.is_empty() {
        return Err(crate::Error::Invalid(
            "the query file has no queries".into(),
        ));
    }
    Ok(queries)
}

/// Parse a query file.
pub fn parse_queries(text: &str) -> Vec<BenchQuery> {
    let mut class = "default".to_string();
    let mut out = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if let Some(comment) = line.strip_prefix('#') {
            if let Some(name) = comment.trim().strip_prefix("class:") {
                class = name.trim().to_string();
            }
            continue;
        }
        if line.is_empty() {
            continue;
        }
        let (facets, query) = match line.strip_prefix("@facets ") {
            Some(rest) => (true, rest.trim()),
            None => (false, line),
        };
        out.push(BenchQuery {
            class: class.clone(),
            query: query.to_string(),
            facets,
        });
    }
    out
}

/// Latency percentiles.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Percentiles {
    pub p50: Duration,
    pub p90: Duration,
    pub p99: Duration,
    pub max: Duration,
    pub mean: Duration,
}

impl Percentiles {
    /// Nearest-rank percentiles of a sample.
    pub fn of(samples: &[Duration]) -> Percentiles {
        if samples.is_empty() {
            return Percentiles::default();
        }
        let mut sorted = samples.to_vec();
        sorted.sort();
        let rank = |p: f64| {
            let index = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len()) - 1;
            sorted[index]
        };
        let total: Duration = sorted.iter().sum();
        Percentiles {
            p50: rank(0.50),
            p90: rank(0.90),
            p99: rank(0.99),
            max: sorted[sorted.len() - 1],
            mean: total / sorted.len() as u32,
        }
    }
}

/// Results for one query.
#[derive(Debug, Clone)]
pub struct QueryResult {
    pub query: BenchQuery,
    /// Paragraphs in its hit set.
    pub hits: u64,
    pub latency: Percentiles,
    /// Why it could not run (a parse error), if it could not.
    pub error: Option<String>,
}

/// Options for a run.
#[derive(Debug, Clone)]
pub struct BenchOptions {
    pub runs: usize,
    pub warmup: usize,
    pub threads: usize,
    /// Score every hit, with no top-k pruning (to measure what it saves).
    pub exhaustive: bool,
    /// Split slow segments across cores (`search::parallel`); off, to
    /// measure what that saves.
    pub split: bool,
}

/// A whole benchmark.
#[derive(Debug, Clone)]
pub struct BenchReport {
    pub per_query: Vec<QueryResult>,
    /// Over every recorded run of every query that ran.
    pub overall: Percentiles,
    pub queries_per_second: f64,
    pub measured: usize,
    pub options: BenchOptions,
}

/// Run the benchmark.
pub fn run(engine: &Engine, queries: &[BenchQuery], options: &BenchOptions) -> BenchReport {
    engine.set_pruning(!options.exhaustive);
    engine.set_splitting(if options.split {
        super::Splitting::Adaptive
    } else {
        super::Splitting::Never
    });
    let threads = options.threads.max(1);
    // First pass: which queries run at all, and their hit counts.
    let mut errors: Vec<Option<String>> = Vec::with_capacity(queries.len());
    let mut hits = Vec::with_capacity(queries.len());
    let mut prepared = Vec::with_capacity(queries.len());
    for q in queries {
        let outcome = q
            .prepare()
            .map_err(crate::error::Error::from)
            .and_then(|query| {
                let total = engine.search(&query, &q.options())?.total;
                Ok((query, total))
            });
        match outcome {
            Ok((query, total)) => {
                errors.push(None);
                hits.push(total);
                prepared.push(Some((query, q.options())));
            }
            Err(e) => {
                errors.push(Some(e.to_string()));
                hits.push(0);
                prepared.push(None);
            }
        }
    }
    let runnable: Vec<(usize, &Query, &SearchOptions)> = prepared
        .iter()
        .enumerate()
        .filter_map(|(i, p)| p.as_ref().map(|(q, o)| (i, q, o)))
        .collect();
    for _ in 0..options.warmup {
        for &(_, query, search_options) in &runnable {
            let _ = engine.search(query, search_options);
        }
    }
    let started = Instant::now();
    let per_thread: Vec<Vec<Vec<Duration>>> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                let runnable = &runnable;
                scope.spawn(move || {
                    let mut samples = vec![Vec::with_capacity(options.runs); queries.len()];
                    for _ in 0..options.runs {
                        for &(i, query, search_options) in runnable {
                            let t = Instant::now();
                            let outcome = engine.search(query, search_options);
                            samples[i].push(t.elapsed());
                            drop(outcome);
                        }
                    }
                    samples
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().unwrap_or_default())
            .collect()
    });
    let wall = started.elapsed();
    let mut all = Vec::new();
    let mut per_query = Vec::with_capacity(queries.len());
    for (i, q) in queries.iter().enumerate() {
        let samples: Vec<Duration> = per_thread
            .iter()
            .flat_map(|t| t.get(i).cloned().unwrap_or_default())
            .collect();
        all.extend_from_slice(&samples);
        per_query.push(QueryResult {
            query: q.clone(),
            hits: hits[i],
            latency: Percentiles::of(&samples),
            error: errors[i].clone(),
        });
    }
    let measured = all.len();
    BenchReport {
        per_query,
        overall: Percentiles::of(&all),
        queries_per_second: if wall.is_zero() {
            0.0
        } else {
            measured as f64 / wall.as_secs_f64()
        },
        measured,
        options: BenchOptions {
            threads,
            ..options.clone()
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_files_have_classes_comments_and_facets() {
        let qs =
            parse_queries("# a comment\n教育\n# class: long\n人民代表大会\n\n@facets 学前 教育\n");
        assert_eq!(qs.len(), 3);
        assert_eq!(
            (qs[0].class.as_str(), qs[0].query.as_str(), qs[0].facets),
            ("default", "教育", false)
        );
        assert_eq!(
            (qs[1].class.as_str(), qs[1].query.as_str()),
            ("long", "人民代表大会")
        );
        assert_eq!((qs[2].query.as_str(), qs[2].facets), ("学前 教育", true));
    }

    #[test]
    fn nearest_rank_percentiles() {
        let samples: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        let p = Percentiles::of(&samples);
        assert_eq!(p.p50, Duration::from_millis(50));
        assert_eq!(p.p90, Duration::from_millis(90));
        assert_eq!(p.p99, Duration::from_millis(99));
        assert_eq!(p.max, Duration::from_millis(100));
        assert_eq!(Percentiles::of(&[]), Percentiles::default());
        let one = Percentiles::of(&[Duration::from_micros(7)]);
        assert_eq!(
            (one.p50, one.p99),
            (Duration::from_micros(7), Duration::from_micros(7))
        );
    }

    #[test]
    fn the_shipped_query_set_parses_into_classes() {
        let qs = parse_queries(DEFAULT_QUERIES);
        assert!(qs.len() >= 40, "{}", qs.len());
        let classes: std::collections::BTreeSet<&str> =
            qs.iter().map(|q| q.class.as_str()).collect();
        for class in ["two-char", "long", "multi-term", "filtered", "faceted"] {
            assert!(classes.contains(class), "{class}");
        }
        for q in &qs {
            q.prepare().unwrap_or_else(|e| panic!("{}: {e}", q.query));
        }
    }
}
