//! Print the text baogao extracts from files, as the splitter receives it
//! (headings as `#`, pages separated by form feeds shown as `--- page N ---`),
//! with the format, encoding, notes and timing on stderr. A development
//! tool for checking extraction against the original file:
//!
//! ```sh
//! cargo run --release --example extract -- FILE...
//! cargo run --release --example extract -- --bench RUNS FILE...
//! ```
//!
//! With `--bench`, nothing is printed but one line per file: the median of
//! RUNS extractions, in ms, MB/s of input and (PDF) pages/s, tab-separated
//! (`file format bytes pages ms mb_per_s pages_per_s`), for
//! benches/extraction.py.

use baogao::corpus::extract;
use std::io::Write;
use std::time::Instant;

fn bench(runs: usize, paths: &[String]) {
    for path in paths {
        let Ok(bytes) = std::fs::read(path) else {
            eprintln!("{path}: unreadable");
            continue;
        };
        let mut times = Vec::new();
        let mut result = None;
        for _ in 0..runs.max(1) {
            let started = Instant::now();
            let x = extract::extract(path, &bytes);
            times.push(started.elapsed().as_secs_f64());
            result = Some(x);
        }
        times.sort_by(f64::total_cmp);
        let median = times[times.len() / 2];
        let Some(Ok(x)) = result else {
            eprintln!("{path}: skipped");
            continue;
        };
        let pages = x.text.matches('\x0C').count() + usize::from(x.paged);
        println!(
            "{path}\t{}\t{}\t{}\t{:.3}\t{:.2}\t{:.1}",
            x.format,
            bytes.len(),
            pages,
            median * 1000.0,
            bytes.len() as f64 / median / 1e6,
            pages as f64 / median
        );
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--bench") {
        let runs = args.get(1).and_then(|r| r.parse().ok()).unwrap_or(5);
        bench(runs, &args[2.min(args.len())..]);
        return;
    }
    let mut status = 0;
    for path in args {
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("{path}: {e}");
                status = 2;
                continue;
            }
        };
        let started = Instant::now();
        match extract::extract_isolated(&path, &bytes, extract::TIME_LIMIT) {
            Ok(x) => {
                let elapsed = started.elapsed();
                eprintln!(
                    "== {path}: {} · {} · {} chars · {:.1} ms{}",
                    x.format,
                    x.encoding,
                    x.text.chars().count(),
                    elapsed.as_secs_f64() * 1000.0,
                    if x.notes.is_empty() {
                        String::new()
                    } else {
                        format!(" · {}", x.notes.join("; "))
                    }
                );
                let mut page = 1;
                let mut out = std::io::stdout().lock();
                for line in x.text.split('\n') {
                    let feeds = line.chars().take_while(|&c| c == '\x0C').count();
                    for _ in 0..feeds {
                        page += 1;
                        let _ = writeln!(out, "--- page {page} ---");
                    }
                    // A closed pipe (| head) ends the listing quietly.
                    if writeln!(out, "{}", line.trim_start_matches('\x0C')).is_err() {
                        std::process::exit(status);
                    }
                }
            }
            Err(reason) => {
                eprintln!("== {path}: skipped: {reason}");
                status = 1;
            }
        }
    }
    std::process::exit(status);
}
