//! Query latency through SphinxQL, for benches/sphinx.py: each query of a
//! file (one per line; terms separated by spaces, as `baogao search`
//! takes them) is sent RUNS times to searchd's distributed index `dist`,
//! on one connection, after WARMUP rounds; prints one tab-separated line
//! per query (`query total_found p50_ms p99_ms`) and a last line `all
//! p50_ms p99_ms` over every sample.
//!
//! ```sh
//! cargo run --release --example sphinxql -- PORT QUERIES [RUNS] [WARMUP]
//! ```

// Shared with tests/sphinx.rs, which uses all of it.
#[allow(dead_code)]
#[path = "../tests/common/sphinxql.rs"]
mod sphinxql;

use baogao::output::export::sphinx_match;
use std::time::Instant;

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(port), Some(file)) = (args.first(), args.get(1)) else {
        eprintln!("usage: sphinxql PORT QUERIES [RUNS] [WARMUP]");
        std::process::exit(2);
    };
    let port: u16 = port.parse().expect("port");
    let runs: usize = args.get(2).and_then(|r| r.parse().ok()).unwrap_or(20);
    let warmup: usize = args.get(3).and_then(|r| r.parse().ok()).unwrap_or(3);
    let queries: Vec<String> = std::fs::read_to_string(file)
        .expect("queries")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect();
    let mut connection = sphinxql::Connection::connect(port).expect("connect");
    let mut all = Vec::new();
    for query in &queries {
        let terms: Vec<&str> = query.split(' ').collect();
        let sql = format!(
            "SELECT id, body FROM dist WHERE MATCH('{}') LIMIT 10 OPTION ranker=bm25",
            sphinx_match(&terms)
        );
        let mut samples = Vec::new();
        let mut total = String::new();
        for round in 0..warmup + runs {
            let started = Instant::now();
            connection.query(&sql).expect("query");
            let meta = connection.query("SHOW META").expect("meta");
            let elapsed = started.elapsed().as_secs_f64() * 1000.0;
            total = meta.value("total_found").unwrap_or_default();
            if round >= warmup {
                samples.push(elapsed);
            }
        }
        samples.sort_by(f64::total_cmp);
        println!(
            "{query}\t{total}\t{:.3}\t{:.3}",
            percentile(&samples, 0.5),
            percentile(&samples, 0.99)
        );
        all.extend(samples);
    }
    all.sort_by(f64::total_cmp);
    println!(
        "all\t\t{:.3}\t{:.3}",
        percentile(&all, 0.5),
        percentile(&all, 0.99)
    );
}
