//! Query latency per query class of benches/queries.txt, each iteration a
//! whole `search` (count, rank, fetch the top ten, snippets) on an
//! in-memory index of the bench corpus.

mod common;

use baogao::bench::{DEFAULT_QUERIES, parse_queries};
use baogao::index;
use baogao::search::{self, SearchRequest};
use criterion::{Criterion, criterion_group, criterion_main};
use std::collections::BTreeMap;
use std::hint::black_box;

fn queries(c: &mut Criterion) {
    let reports = common::reports();
    let handle = index::in_memory(
        &reports,
        baogao::corpus::tags::Tagger::default().theme_names(),
        2,
    )
    .expect("index");
    let mut classes: BTreeMap<String, Vec<SearchRequest>> = BTreeMap::new();
    for q in parse_queries(DEFAULT_QUERIES) {
        classes
            .entry(q.class.clone())
            .or_default()
            .push(q.request());
    }
    let mut group = c.benchmark_group("query");
    for (class, requests) in &classes {
        group.bench_function(class.as_str(), |b| {
            b.iter(|| {
                for request in requests {
                    // Queries that do not parse (none in the shipped set)
                    // are measured as the error they return.
                    let total = search::search(&handle, request)
                        .map(|r| r.total)
                        .unwrap_or(0);
                    black_box(total);
                }
            })
        });
    }
    group.finish();
}

criterion_group!(benches, queries);
criterion_main!(benches);
