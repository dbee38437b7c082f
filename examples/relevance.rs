//! Judged relevance: pool the top hits of three rankers for a set of
//! queries typed as users type them, and score the rankers with nDCG@10
//! against grades a person gave by reading each pooled paragraph.
//!
//! A development tool, not part of baogao:
//!
//! ```sh
//! # an index of corpus/ and ../shared/corpus, laid out as benches/benchmark.py does
//! cargo run --release --example relevance -- pool  --index DIR > pool.tsv
//! cargo run --release --example relevance -- score --index DIR
//! ```
//!
//! The rankers, each returning ten paragraphs:
//!
//! * `default`: `baogao search QUERY` as typed (its readings, synonyms and
//!   all);
//! * `any`: `baogao search W1 W2 … --match any`, the query cut into jieba
//!   words by hand, as the issue measured it: punctuation and question words
//!   dropped;
//! * `bm25`: plain BM25 (tantivy's, k1 = 1.2, b = 0.75) over jieba's
//!   search-mode words of the paragraphs, for the same words.
//!
//! Queries: `benches/relevance/queries.tsv` (id, query, what the user
//! wants). Grades: `benches/relevance/judgments.tsv` (id, paragraph, grade
//! 0/1/2, note); a paragraph nobody graded counts as 0.

use baogao::analysis::synonyms::Synonyms;
use baogao::analysis::words;
use baogao::search::prepared::is_stop_word;
use baogao::search::{Engine, MatchMode, Query, SearchOptions};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, Occur, TermQuery};
use tantivy::schema::{IndexRecordOption, Term};

const DEPTH: usize = 10;
const SYSTEMS: [&str; 3] = ["default", "any", "bm25"];

struct Judged {
    id: String,
    query: String,
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read_queries() -> Vec<Judged> {
    let text = std::fs::read_to_string(root().join("benches/relevance/queries.tsv"))
        .expect("benches/relevance/queries.tsv");
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| {
            let mut cols = l.split('\t');
            Some(Judged {
                id: cols.next()?.to_string(),
                query: cols.next()?.to_string(),
            })
        })
        .collect()
}

/// (query id, paragraph id) → grade.
fn read_judgments() -> BTreeMap<(String, String), u32> {
    let path = root().join("benches/relevance/judgments.tsv");
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| {
            let mut cols = l.split('\t');
            let id = cols.next()?.to_string();
            let doc = cols.next()?.to_string();
            let grade = cols.next()?.trim().parse().ok()?;
            Some(((id, doc), grade))
        })
        .collect()
}

/// The query cut into words as a user separating them by hand would:
/// jieba's words, without punctuation or question words.
fn hand_cut(query: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for w in words::cut(&baogao::analysis::normalize::normalize(query)) {
        if w.chars().any(char::is_alphanumeric) && !is_stop_word(w) && !out.iter().any(|o| o == w) {
            out.push(w.to_string());
        }
    }
    out
}

fn id_of(file: &str, number: u32) -> String {
    format!("{file}#{number}")
}

/// Each ranker's ten paragraphs (id, text) for a query.
fn ranked(engine: &Engine, query: &str) -> BTreeMap<&'static str, Vec<(String, String)>> {
    let options = SearchOptions {
        limit: Some(DEPTH),
        ..SearchOptions::default()
    };
    let hits = |q: Query| -> Vec<(String, String)> {
        engine
            .search(&q, &options)
            .map(|r| {
                r.hits
                    .into_iter()
                    .map(|h| {
                        let p = h.record.paragraph;
                        (id_of(&p.file, p.number), p.text)
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut out = BTreeMap::new();
    let default = Query::parse(query, &[], MatchMode::Fill)
        .map(|q| q.with_synonyms(Arc::new(Synonyms::builtin())));
    out.insert("default", default.map(hits).unwrap_or_default());
    let cut = hand_cut(query);
    let any = Query::parse(&cut.join(" "), &[], MatchMode::Any);
    out.insert("any", any.map(hits).unwrap_or_default());
    // Plain BM25 over the text field (jieba search-mode words).
    let mut terms: Vec<String> = Vec::new();
    for token in words::segment_default(query) {
        if token.text.chars().any(char::is_alphanumeric)
            && !is_stop_word(&token.text)
            && !terms.contains(&token.text)
        {
            terms.push(token.text);
        }
    }
    let searcher = engine.searcher();
    let field = engine.fields().text;
    let clauses = terms
        .iter()
        .map(|t| {
            let q: Box<dyn tantivy::query::Query> = Box::new(TermQuery::new(
                Term::from_field_text(field, t),
                IndexRecordOption::WithFreqs,
            ));
            (Occur::Should, q)
        })
        .collect();
    let top = searcher
        .search(
            &BooleanQuery::new(clauses),
            &TopDocs::with_limit(DEPTH).order_by_score(),
        )
        .unwrap_or_default();
    let bm25 = top
        .into_iter()
        .filter_map(|(_, doc)| engine.record(&searcher, doc).ok())
        .map(|r| {
            (
                id_of(&r.paragraph.file, r.paragraph.number),
                r.paragraph.text,
            )
        })
        .collect();
    out.insert("bm25", bm25);
    out
}

fn ndcg(ranking: &[String], grades: &BTreeMap<String, u32>) -> f64 {
    let gain = |g: u32| f64::from((1u32 << g) - 1);
    let dcg: f64 = ranking
        .iter()
        .take(DEPTH)
        .enumerate()
        .map(|(i, d)| gain(*grades.get(d).unwrap_or(&0)) / ((i + 2) as f64).log2())
        .sum();
    let mut ideal: Vec<u32> = grades.values().copied().collect();
    ideal.sort_unstable_by(|a, b| b.cmp(a));
    let idcg: f64 = ideal
        .iter()
        .take(DEPTH)
        .enumerate()
        .map(|(i, g)| gain(*g) / ((i + 2) as f64).log2())
        .sum();
    if idcg == 0.0 { 0.0 } else { dcg / idcg }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(command), Some(index)) = (args.get(1), args.iter().position(|a| a == "--index"))
    else {
        eprintln!("usage: relevance pool|score --index DIR");
        std::process::exit(2);
    };
    let index = Path::new(&args[index + 1]);
    let engine = Engine::open(index).expect("index");
    let queries = read_queries();
    match command.as_str() {
        "pool" => {
            let judged = read_judgments();
            println!("# query\tparagraph\tsystems\ttext (unjudged only)");
            for q in &queries {
                let runs = ranked(&engine, &q.query);
                let mut pooled: BTreeMap<String, (BTreeSet<&str>, String)> = BTreeMap::new();
                for (system, hits) in &runs {
                    for (doc, text) in hits {
                        let entry = pooled
                            .entry(doc.clone())
                            .or_insert_with(|| (BTreeSet::new(), text.clone()));
                        entry.0.insert(system);
                    }
                }
                for (doc, (systems, text)) in pooled {
                    if judged.contains_key(&(q.id.clone(), doc.clone())) {
                        continue;
                    }
                    let systems: Vec<&str> = systems.into_iter().collect();
                    let text: String = text.chars().take(300).collect();
                    println!(
                        "{}\t{doc}\t{}\t{}\t{text}",
                        q.id,
                        systems.join(","),
                        q.query
                    );
                }
            }
        }
        "score" => {
            let judged = read_judgments();
            let mut totals = [0.0f64; 3];
            let mut unjudged = 0usize;
            println!("| query | {} |", SYSTEMS.join(" | "));
            println!("|---|---|---|---|");
            for q in &queries {
                let grades: BTreeMap<String, u32> = judged
                    .iter()
                    .filter(|((id, _), _)| *id == q.id)
                    .map(|((_, doc), g)| (doc.clone(), *g))
                    .collect();
                let runs = ranked(&engine, &q.query);
                let mut row = Vec::new();
                for (i, system) in SYSTEMS.iter().enumerate() {
                    let ids: Vec<String> = runs[system].iter().map(|(d, _)| d.clone()).collect();
                    unjudged += ids.iter().filter(|d| !grades.contains_key(*d)).count();
                    let score = ndcg(&ids, &grades);
                    totals[i] += score;
                    row.push(format!("{score:.3}"));
                }
                println!("| {} {} | {} |", q.id, q.query, row.join(" | "));
            }
            let n = queries.len() as f64;
            println!(
                "| **mean nDCG@10 over {} queries** | **{:.3}** | **{:.3}** | **{:.3}** |",
                queries.len(),
                totals[0] / n,
                totals[1] / n,
                totals[2] / n
            );
            eprintln!("{unjudged} ranked paragraphs were not judged (counted as 0)");
        }
        other => {
            eprintln!("unknown command {other}");
            std::process::exit(2);
        }
    }
}
