//! baogao (报告): full-text search over Chinese government reports.
//!
//! The library does all the work; `src/main.rs` only parses arguments and
//! dispatches. One module per concern:
//!
//! * [`corpus`]: walk a folder of reports, decode them (UTF-8, GB18030),
//!   split them into paragraphs with heading paths, tag them;
//! * [`analysis`]: normalisation and the two tokenizers (jieba words for
//!   ranking, character bigrams for grep-exact recall);
//! * [`index`]: the tantivy schema, building and incremental updates;
//! * [`check`]: what a corpus will be tagged with, and its problems;
//! * [`search`]: the query language, planning, collection, snippets,
//!   facets and trends;
//! * [`export`]: paragraphs as NDJSON or Elasticsearch bulk for other engines;
//! * [`output`]: terminal and JSON rendering;
//! * [`bench`]: in-process query latency and throughput.

pub mod analysis;
pub mod bench;
pub mod check;
pub mod corpus;
pub mod error;
pub mod export;
pub mod index;
pub mod output;
pub mod search;

pub use error::{Error, Result};
