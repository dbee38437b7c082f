//! baogao (报告): full-text search over Chinese government reports.
//!
//! The library does all the work; `src/main.rs` only parses arguments,
//! calls it and hands the result to a printer. One module per layer, each
//! using only the layers listed before it (a test reads the `use crate::`
//! lines to keep it so):
//!
//! * [`error`]: the error type every layer returns;
//! * [`analysis`]: normalisation, the two tokenizers (jieba words for
//!   ranking, character bigrams for grep-exact recall), themes;
//! * [`corpus`]: walk a folder of reports, decode them, split them into
//!   paragraph [records](corpus::record), tag them; `check`;
//! * [`index`]: the tantivy schema, records in and out of documents,
//!   building and incremental updates;
//! * [`search`]: the query language, prepared queries, the [`Engine`]
//!   (search, facets, trends, export), latency benchmarks;
//! * [`output`]: terminal, JSON and export rendering, build progress.
//!
//! [`Engine`]: search::Engine

pub mod error;

pub mod analysis;
pub mod corpus;
pub mod index;
pub mod output;
pub mod search;

pub use error::{Error, Result};
