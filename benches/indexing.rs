//! Indexing throughput (MB/s of source files): preparing reports (decode,
//! split, tag) and building an in-memory index from them.

mod common;

use baogao::search::Engine;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

fn indexing(c: &mut Criterion) {
    let dirs = common::dirs();
    let bytes: u64 = dirs
        .iter()
        .flat_map(|d| &d.files)
        .map(|(_, b)| b.len() as u64)
        .sum();
    baogao::analysis::words::preload();
    let mut group = c.benchmark_group("indexing");
    group.throughput(Throughput::Bytes(bytes));
    group.sample_size(10);
    group.bench_function("prepare reports (decode, split, tag)", |b| {
        b.iter(|| black_box(common::prepare(&dirs).len()))
    });
    let reports = common::prepare(&dirs);
    for threads in [1, 2] {
        group.bench_function(
            format!("index prepared reports, {threads} thread(s)"),
            |b| {
                b.iter(|| {
                    let engine = Engine::in_memory(&reports, Vec::new(), threads).expect("index");
                    black_box(engine.paragraphs())
                })
            },
        );
    }
    group.finish();
}

criterion_group!(benches, indexing);
criterion_main!(benches);
