//! Indexing throughput (MB/s of source files): preparing reports (decode,
//! split, tag) and building an in-memory index from them.

mod common;

use baogao::corpus;
use baogao::index;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

fn indexing(c: &mut Criterion) {
    let files = common::files();
    let bytes: u64 = files.iter().map(|(_, _, b)| b.len() as u64).sum();
    let taggers: Vec<_> = files
        .iter()
        .map(|(dir, _, _)| common::tagger_for(dir))
        .collect();
    baogao::analysis::words::preload();
    let mut group = c.benchmark_group("indexing");
    group.throughput(Throughput::Bytes(bytes));
    group.sample_size(10);
    group.bench_function("prepare reports (decode, split, tag)", |b| {
        b.iter(|| {
            let reports: Vec<_> = files
                .iter()
                .zip(&taggers)
                .filter_map(|((_, file, bytes), tagger)| {
                    corpus::build_report(file, bytes, tagger).ok()
                })
                .collect();
            black_box(reports.len())
        })
    });
    let reports = common::reports();
    for threads in [1, 2] {
        group.bench_function(
            format!("index prepared reports, {threads} thread(s)"),
            |b| {
                b.iter(|| {
                    let handle = index::in_memory(&reports, Vec::new(), threads).expect("index");
                    black_box(handle.reader.searcher().num_docs())
                })
            },
        );
    }
    group.finish();
}

criterion_group!(benches, indexing);
criterion_main!(benches);
