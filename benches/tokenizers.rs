//! Analysis throughput (MB/s of paragraph text): jieba words for ranking,
//! character bigrams for literal recall, and theme tagging (the keyword
//! automaton run over every paragraph when an index is built).

mod common;

use baogao::analysis::bigrams::BigramTokenizer;
use baogao::analysis::themes::Taxonomy;
use baogao::analysis::words::{self, WordTokenizer};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use tantivy::tokenizer::{TokenStream, Tokenizer};

/// Run `tokenizer` over every text, counting the tokens so the work cannot
/// be optimised away.
fn count_tokens(tokenizer: &mut impl Tokenizer, texts: &[&str]) -> usize {
    let mut n = 0;
    for text in texts {
        let mut stream = tokenizer.token_stream(text);
        while stream.advance() {
            n += 1;
        }
    }
    n
}

fn tokenizers(c: &mut Criterion) {
    let reports = common::reports();
    let texts: Vec<&str> = reports
        .iter()
        .flat_map(|r| r.paragraphs.iter().map(|p| p.paragraph.text.as_str()))
        .collect();
    words::preload();
    let mut group = c.benchmark_group("tokenizer");
    group.throughput(Throughput::Bytes(common::text_bytes(&reports)));
    group.sample_size(10);
    group.bench_function("jieba words (search mode)", |b| {
        let mut tokenizer = WordTokenizer;
        b.iter(|| black_box(count_tokens(&mut tokenizer, &texts)))
    });
    group.bench_function("char bigrams", |b| {
        let mut tokenizer = BigramTokenizer;
        b.iter(|| black_box(count_tokens(&mut tokenizer, &texts)))
    });
    group.bench_function("theme tagging", |b| {
        let taxonomy = Taxonomy::builtin();
        b.iter(|| {
            let mut tagger = taxonomy.tagger();
            let tagged: usize = texts.iter().map(|t| tagger.tag(t, &[]).len()).sum();
            black_box(tagged)
        })
    });
    group.finish();
}

criterion_group!(benches, tokenizers);
criterion_main!(benches);
