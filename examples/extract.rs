//! Print the text baogao extracts from files, as the splitter receives it
//! (headings as `#`, pages separated by form feeds shown as `--- page N ---`),
//! with the format, encoding, notes and timing on stderr. A development
//! tool for checking extraction against the original file:
//!
//! ```sh
//! cargo run --release --example extract -- FILE...
//! ```

use baogao::corpus::extract;
use std::io::Write;
use std::time::Instant;

fn main() {
    let mut status = 0;
    for path in std::env::args().skip(1) {
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
