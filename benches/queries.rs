//! Query latency per query class of data/queries.txt, each iteration a
//! whole `Engine::search` (count, rank, fetch the top ten, snippets) on an
//! in-memory index of the bench corpus.

mod common;

use baogao::search::bench::{DEFAULT_QUERIES, parse_queries};
use baogao::search::{Engine, Query, SearchOptions};
use criterion::{Criterion, criterion_group, criterion_main};
use std::collections::BTreeMap;
use std::hint::black_box;

fn queries(c: &mut Criterion) {
    let reports = common::reports();
    let engine = Engine::in_memory(
        &reports,
        baogao::corpus::tags::Tagger::default().theme_names(),
        2,
    )
    .expect("index");
    let mut classes: BTreeMap<String, Vec<(Query, SearchOptions)>> = BTreeMap::new();
    for q in parse_queries(DEFAULT_QUERIES) {
        let prepared = q.prepare().expect("the shipped queries parse");
        classes
            .entry(q.class.clone())
            .or_default()
            .push((prepared, q.options()));
    }
    let mut group = c.benchmark_group("query");
    for (class, requests) in &classes {
        group.bench_function(class.as_str(), |b| {
            b.iter(|| {
                for (query, options) in requests {
                    let total = engine.search(query, options).map(|r| r.total).unwrap_or(0);
                    black_box(total);
                }
            })
        });
    }
    group.finish();
}

criterion_group!(benches, queries);
criterion_main!(benches);
