//! The query parser on arbitrary input: it returns a tree or an error with
//! a position inside the query, and never panics.
#![no_main]

use baogao::search::query;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match query::parse(&text) {
        Ok(node) => {
            let _ = node.positive_literals();
            let _ = node.matches("学前教育和双减", &|_| true);
        }
        Err(e) => {
            if let Some(p) = e.position {
                assert!(
                    p >= 1 && p <= text.chars().count() + 1,
                    "position {p} outside the query"
                );
            }
            let _ = e.to_string();
        }
    }
});
