//! Command-line arguments (clap derive), and their translation into the
//! library's validated requests. Nothing here does any work.
//!
//! Query terms may start with `-` (`baogao search 学前教育 -民办`): the terms
//! after the first are positional slots that accept leading hyphens, each
//! holding one value, so clap still recognises every flag that comes after
//! them (`--json`, `-n 5`, `-h`). clap alone cannot tell `-民办` (a term to
//! exclude) from `-x` (a mistyped flag), so [`check_terms`] does: a term
//! that starts with `-` and an ASCII letter, or with `--`, is reported as
//! clap reports an unknown argument (with its "similar argument" tip),
//! unless the user wrote `--` to say that everything after it is the query.

use baogao::analysis::synonyms::Synonyms;
use baogao::corpus::WalkOptions;
use baogao::corpus::record::{Dimension, Kind};
use baogao::index::sync::Location;
use baogao::output::search::{Presentation, View};
use baogao::output::{ColorChoice, Format};
use baogao::search::query::Filter;
use baogao::search::{GroupBy, MatchMode, Query, SearchOptions, SortOrder};
use clap::builder::PossibleValuesParser;
use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{ArgMatches, Args, FromArgMatches, Parser, Subcommand, ValueEnum};
use std::ffi::OsString;
use std::path::PathBuf;

/// Positional slots for query words: more than a query may have terms
/// (64) with an operator between each two.
const TERM_SLOTS: usize = 130;

const QUERY_HELP: &str = "\
Query syntax:
  学前教育 普惠            both terms (AND); a term matches wherever it occurs as written
  普惠 OR 公办, 普惠 | 公办  either (OR binds tighter than juxtaposition)
  -民办, NOT 民办           not containing (a query that starts with '-': put '--' first)
  (普惠 OR 公办) 幼儿园      grouping
  \"先锋引领 教育共富\"       a phrase: the spaces inside it count
  county:青田县 city:温州市 province:浙江省 theme:双减 kind:plan
  year:2024 year:2020..2023 year:2022.. year:..2020
Exit status: 0 when something matched, 1 when nothing did, 2 on error.";

#[derive(Debug, Parser)]
#[command(
    name = "baogao",
    version,
    about = "Full-text search over Chinese government reports (报告)",
    long_about = "Full-text search over Chinese government reports (报告).\n\n\
        Finds every paragraph that contains your terms, exactly as grep would, \
        ranks them by relevance, and shows the county, year, kind and themes of each.",
    after_help = "Exit status: 0 when something matched, 1 when nothing did, 2 on error.",
    args_override_self = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Search the index (building it from the corpus on first use)
    #[command(after_help = QUERY_HELP)]
    Search(SearchArgs),
    /// Build or update the index from the corpus
    Index(IndexArgs),
    /// Show how each report will be tagged, and fail (exit 1) on problems
    Check(CheckArgs),
    /// Chart how many paragraphs match, per year, county, province, city, kind or theme
    #[command(after_help = QUERY_HELP)]
    Trend(TrendArgs),
    /// Write paragraphs with their tags and jieba words, for Elasticsearch, OpenSearch, Quickwit
    Export(ExportArgs),
    /// Measure query latency and throughput on the index, in-process
    Bench(BenchArgs),
}

/// The words of a query, one positional slot each.
#[derive(Debug, Clone, Default)]
pub struct QueryTerms(pub Vec<String>);

fn term_id(slot: usize) -> String {
    format!("term{slot}")
}

impl FromArgMatches for QueryTerms {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
        let words = (0..TERM_SLOTS)
            .filter_map(|slot| matches.get_one::<String>(&term_id(slot)).cloned())
            .collect();
        Ok(QueryTerms(words))
    }

    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), clap::Error> {
        *self = Self::from_arg_matches(matches)?;
        Ok(())
    }
}

impl Args for QueryTerms {
    fn augment_args(mut cmd: clap::Command) -> clap::Command {
        for slot in 0..TERM_SLOTS {
            let mut arg = clap::Arg::new(term_id(slot)).index(slot + 1).num_args(1);
            arg = if slot == 0 {
                arg.required(true)
                    .value_name("QUERY...")
                    .help("What to find: terms, phrases, operators, field:value filters (below)")
            } else {
                // The first term may not start with '-', so that flags
                // before the query (`-n5 教育`) parse as flags.
                arg.hide(true).allow_hyphen_values(true)
            };
            cmd = cmd.arg(arg);
        }
        cmd
    }

    fn augment_args_for_update(cmd: clap::Command) -> clap::Command {
        Self::augment_args(cmd)
    }
}

impl QueryTerms {
    pub fn text(&self) -> String {
        self.0.join(" ")
    }
}

/// One filter flag per tag dimension (`--county 青田县`, `--year 2020..`).
#[derive(Debug, Clone, Default)]
pub struct FilterArgs(pub Vec<Filter>);

impl FromArgMatches for FilterArgs {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
        let mut filters = Vec::new();
        for dim in Dimension::ALL {
            if let Some(value) = matches.get_one::<String>(dim.name()) {
                let filter = Filter::parse(dim, value).map_err(|message| {
                    clap::Error::raw(ErrorKind::ValueValidation, format!("--{dim}: {message}\n"))
                })?;
                filters.push(filter);
            }
        }
        Ok(FilterArgs(filters))
    }

    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), clap::Error> {
        *self = Self::from_arg_matches(matches)?;
        Ok(())
    }
}

impl Args for FilterArgs {
    fn augment_args(mut cmd: clap::Command) -> clap::Command {
        for dim in Dimension::ALL {
            let mut arg = clap::Arg::new(dim.name())
                .long(dim.name())
                .value_name(dim.name().to_ascii_uppercase())
                .help(dim.help());
            if dim == Dimension::Kind {
                arg = arg.value_parser(PossibleValuesParser::new(Kind::ALL.map(Kind::name)));
            }
            cmd = cmd.arg(arg);
        }
        cmd
    }

    fn augment_args_for_update(cmd: clap::Command) -> clap::Command {
        Self::augment_args(cmd)
    }
}

/// Where the index and its corpus are, for the commands that read an index.
#[derive(Debug, Clone, Args)]
pub struct Paths {
    /// Index directory [default: index, built from the corpus on first use]
    #[arg(long, value_name = "DIR")]
    pub index: Option<PathBuf>,
    /// Corpus directory [default: the one the index was built from, else corpus]
    #[arg(long, value_name = "DIR")]
    pub corpus: Option<PathBuf>,
    /// Do not bring the index up to date when the corpus has changed; warn instead
    #[arg(long)]
    pub no_update: bool,
    /// Search the index as it is, without comparing it with the corpus: no
    /// stat per corpus file (about 2 ms per 1,000 files), but changes since
    /// the last `baogao index` go unseen and unreported
    #[arg(long)]
    pub no_check: bool,
}

impl Paths {
    pub fn location(&self) -> Location {
        Location {
            index: self.index.clone(),
            corpus: self.corpus.clone(),
            update: !self.no_update,
            check: !self.no_check,
        }
    }
}

/// How to walk the corpus folder, for the commands that walk it.
#[derive(Debug, Clone, Args)]
pub struct WalkArgs {
    /// Follow symbolic links (within the corpus folder)
    #[arg(short = 'L', long)]
    pub follow: bool,
    /// Follow symbolic links even when they lead outside the corpus folder
    #[arg(long)]
    pub follow_outside: bool,
}

impl WalkArgs {
    pub fn options(&self) -> WalkOptions {
        WalkOptions {
            follow_links: self.follow || self.follow_outside,
            follow_outside: self.follow_outside,
        }
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ColorArg {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum MatchArg {
    /// Every term; fill a short page with paragraphs that have some
    Fill,
    /// Every term, nothing else
    All,
    /// Any one term
    Any,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum SortArg {
    /// Most relevant first
    Score,
    /// Oldest first
    Year,
    /// Newest first
    #[value(name = "-year")]
    YearDesc,
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    #[command(flatten)]
    pub query: QueryTerms,
    /// Number of hits to show
    #[arg(short = 'n', long, value_name = "N", default_value_t = 10)]
    pub limit: usize,
    /// Show every hit
    #[arg(long, conflicts_with = "limit")]
    pub all: bool,
    /// Skip the first N hits
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub offset: usize,
    /// How many of several terms a hit needs
    #[arg(long = "match", value_enum, default_value = "fill")]
    pub match_mode: MatchArg,
    #[command(flatten)]
    pub filters: FilterArgs,
    /// Order of hits
    #[arg(long, value_enum, default_value = "score", allow_hyphen_values = true)]
    pub sort: SortArg,
    /// Show each near-identical paragraph as its own hit
    #[arg(long)]
    pub no_collapse: bool,
    /// Count the hits by province, city, county, year, kind and theme (or by those listed: --facets county,year)
    #[arg(long, value_name = "DIMS", num_args = 0..=1, default_missing_value = "all")]
    pub facets: Option<String>,
    /// Values shown per facet in text (JSON has them all)
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub facet_limit: usize,
    /// Show the best hit of each county, city, province, year, kind or report, with its count
    #[arg(long, value_name = "KEY", value_parser = PossibleValuesParser::new(GroupBy::names()), conflicts_with_all = ["count", "files_with_matches"])]
    pub group_by: Option<String>,
    /// Print the number of matching paragraphs per report (as rg -c)
    #[arg(short = 'c', long, conflicts_with = "files_with_matches")]
    pub count: bool,
    /// Print the reports that match (as rg -l)
    #[arg(short = 'l', long)]
    pub files_with_matches: bool,
    /// Show whole paragraphs instead of snippets
    #[arg(long)]
    pub full: bool,
    /// Terms must stand as whole words (县中 no longer matches 县中医院)
    #[arg(short = 'w', long = "word", conflicts_with_all = ["group_by", "count", "files_with_matches"])]
    pub whole_words: bool,
    /// Do not fill a short page with paragraphs that use a synonym of a term
    #[arg(long)]
    pub no_synonyms: bool,
    /// Synonym list (default: synonyms.toml in the corpus folder, else the built-in one)
    #[arg(long, value_name = "FILE")]
    pub synonyms: Option<PathBuf>,
    /// Output format: text, JSON lines, or CSV (UTF-8 with BOM, one row per hit)
    #[arg(long, value_enum, default_value = "text")]
    pub format: FormatChoice,
    /// Print JSON lines (the same as --format json)
    #[arg(long)]
    pub json: bool,
    /// When to use colour
    #[arg(long, value_enum, default_value = "auto", value_name = "WHEN")]
    pub color: ColorArg,
    #[command(flatten)]
    pub paths: Paths,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatChoice {
    Text,
    Json,
    Csv,
}

#[derive(Debug, Args)]
pub struct IndexArgs {
    /// Re-index every report, even unchanged ones
    #[arg(long)]
    pub rebuild: bool,
    /// Indexing threads (default: one per core, up to 8)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub threads: Option<u16>,
    /// No progress or summary, only warnings and errors
    #[arg(short, long)]
    pub quiet: bool,
    /// Print the summary as JSON
    #[arg(long)]
    pub json: bool,
    /// Theme taxonomy (default: themes.toml in the corpus folder, else the built-in one)
    #[arg(long, value_name = "FILE")]
    pub themes: Option<PathBuf>,
    /// Refuse to build when `baogao check` finds errors
    #[arg(long)]
    pub strict: bool,
    /// Index directory [default: index]
    #[arg(long, value_name = "DIR")]
    pub index: Option<PathBuf>,
    /// Corpus directory [default: the one the index was built from, else corpus]
    #[arg(long, value_name = "DIR")]
    pub corpus: Option<PathBuf>,
    #[command(flatten)]
    pub walk: WalkArgs,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum TrendMatchArg {
    /// Every term
    All,
    /// Any one term
    Any,
}

#[derive(Debug, Args)]
pub struct TrendArgs {
    #[command(flatten)]
    pub query: QueryTerms,
    #[command(flatten)]
    pub filters: FilterArgs,
    /// What to group by
    #[arg(long, default_value = "year", value_parser = PossibleValuesParser::new(Dimension::ALL.map(Dimension::name)))]
    pub by: String,
    /// How many of several terms a paragraph needs
    #[arg(long = "match", value_enum, default_value = "all")]
    pub match_mode: TrendMatchArg,
    /// Print JSON lines instead of a chart
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub paths: Paths,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FormatArg {
    /// One JSON document per line
    Ndjson,
    /// Elasticsearch/OpenSearch bulk API: an action line, then the document
    EsBulk,
    /// Sphinx's xmlpipe2 stream, for `indexer` (see deploy/sphinx/)
    Sphinx,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Export only the paragraphs this query matches (same syntax as search)
    #[arg(long, value_name = "QUERY", allow_hyphen_values = true)]
    pub query: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value = "ndjson")]
    pub format: FormatArg,
    /// Index name in es-bulk action lines
    #[arg(long, value_name = "NAME", default_value = "baogao")]
    pub es_index: String,
    /// Split the export into this many shards, by report
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub shards: u32,
    /// Which shard to write (0 to N-1)
    #[arg(long, value_name = "K", default_value_t = 0)]
    pub shard: u32,
    #[command(flatten)]
    pub paths: Paths,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Corpus directory (report files and reports.toml)
    #[arg(long, value_name = "DIR", default_value = "corpus")]
    pub corpus: PathBuf,
    #[command(flatten)]
    pub walk: WalkArgs,
    /// Theme taxonomy (default: themes.toml in the corpus folder, else the built-in one)
    #[arg(long, value_name = "FILE")]
    pub themes: Option<PathBuf>,
    /// Print JSON lines
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Query file, one query per line (default: the shipped data/queries.txt)
    #[arg(long, value_name = "FILE")]
    pub queries: Option<PathBuf>,
    /// Recorded runs of the whole query set (per thread)
    #[arg(long, value_name = "N", default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..))]
    pub runs: u32,
    /// Unrecorded warm-up runs
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub warmup: u32,
    /// Threads running the query set concurrently
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..))]
    pub threads: u16,
    /// Score every hit of every query, with no top-k pruning (same
    /// results; to measure what pruning saves)
    #[arg(long)]
    pub exhaustive: bool,
    /// Collect each index segment on one thread, never splitting a slow
    /// one across cores (same results; to measure what splitting saves)
    #[arg(long)]
    pub no_split: bool,
    /// Print JSON lines
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub paths: Paths,
}

impl ColorArg {
    pub fn enabled(self) -> bool {
        match self {
            ColorArg::Auto => ColorChoice::Auto,
            ColorArg::Always => ColorChoice::Always,
            ColorArg::Never => ColorChoice::Never,
        }
        .enabled()
    }
}

impl SearchArgs {
    /// The prepared query, the page options, and how to show the results.
    pub fn request(&self) -> anyhow::Result<(Query, SearchOptions, Presentation)> {
        anyhow::ensure!(
            self.all || self.limit >= 1,
            "--limit must be at least 1 (use --all for every hit)"
        );
        let match_mode = match self.match_mode {
            MatchArg::Fill => MatchMode::Fill,
            MatchArg::All => MatchMode::All,
            MatchArg::Any => MatchMode::Any,
        };
        let mut query = Query::parse(&self.query.text(), &self.filters.0, match_mode)?
            .whole_words(self.whole_words);
        if !self.no_synonyms {
            let corpus = self.paths.location().corpus_dir();
            let synonyms = Synonyms::for_corpus(&corpus, self.synonyms.as_deref())
                .map_err(|(path, message)| anyhow::anyhow!("{path}: {message}"))?;
            query = query.with_synonyms(std::sync::Arc::new(synonyms));
        }
        let options = SearchOptions {
            limit: (!self.all).then_some(self.limit),
            offset: self.offset,
            sort: match self.sort {
                SortArg::Score => SortOrder::Score,
                SortArg::Year => SortOrder::YearAsc,
                SortArg::YearDesc => SortOrder::YearDesc,
            },
            collapse: !self.no_collapse,
            facets: facet_dimensions(self.facets.as_deref())?,
            snippet_chars: if self.full {
                usize::MAX
            } else {
                SearchOptions::default().snippet_chars
            },
        };
        let format = match (self.json, self.format) {
            (true, _) | (false, FormatChoice::Json) => Format::Json,
            (false, FormatChoice::Csv) => Format::Csv,
            (false, FormatChoice::Text) => Format::Text {
                color: self.color.enabled(),
            },
        };
        let view = match (&self.group_by, self.count, self.files_with_matches) {
            (Some(key), _, _) => View::Groups(
                GroupBy::parse(key)
                    .ok_or_else(|| anyhow::anyhow!("--group-by: unknown key '{key}'"))?,
            ),
            (None, true, _) => View::Count,
            (None, false, true) => View::Files,
            (None, false, false) => View::Hits,
        };
        let presentation = Presentation {
            view,
            format,
            facet_limit: self.facet_limit,
        };
        Ok((query, options, presentation))
    }
}

/// `--facets` (every dimension) or `--facets county,year`.
fn facet_dimensions(value: Option<&str>) -> anyhow::Result<Vec<Dimension>> {
    match value {
        None => Ok(Vec::new()),
        Some("all") => Ok(Dimension::ALL.to_vec()),
        Some(list) => list
            .split(',')
            .map(str::trim)
            .filter(|name| !name.is_empty())
            .map(|name| {
                Dimension::from_name(name).ok_or_else(|| {
                    anyhow::anyhow!(
                        "--facets: unknown dimension '{name}' (facets are {})",
                        Dimension::ALL.map(Dimension::name).join(", ")
                    )
                })
            })
            .collect(),
    }
}

impl TrendArgs {
    /// The prepared query and the dimension to group by.
    pub fn request(&self) -> anyhow::Result<(Query, Dimension)> {
        let mode = match self.match_mode {
            TrendMatchArg::All => MatchMode::All,
            TrendMatchArg::Any => MatchMode::Any,
        };
        let by = Dimension::from_name(&self.by)
            .ok_or_else(|| anyhow::anyhow!("--by: unknown dimension '{}'", self.by))?;
        Ok((Query::parse(&self.query.text(), &self.filters.0, mode)?, by))
    }
}

impl IndexArgs {
    /// What to build: the corpus given, else the one the index was built
    /// from, else `corpus/`.
    pub fn request(&self) -> baogao::index::build::BuildOptions {
        let location = Location {
            index: self.index.clone(),
            corpus: self.corpus.clone(),
            update: true,
            check: true,
        };
        let mut options =
            baogao::index::build::BuildOptions::new(location.corpus_dir(), location.index_dir());
        options.rebuild = self.rebuild;
        options.strict = self.strict;
        options.threads = self.threads.map_or(options.threads, usize::from);
        options.walk = self.walk.options();
        options.themes_file = self.themes.clone();
        options
    }
}

impl BenchArgs {
    pub fn request(&self) -> baogao::search::bench::BenchOptions {
        baogao::search::bench::BenchOptions {
            runs: self.runs as usize,
            warmup: self.warmup as usize,
            threads: usize::from(self.threads),
            exhaustive: self.exhaustive,
            split: !self.no_split,
        }
    }
}

impl ExportArgs {
    pub fn request(&self) -> anyhow::Result<Option<Query>> {
        Ok(match &self.query {
            Some(text) => Some(Query::parse(text, &[], MatchMode::All)?),
            None => None,
        })
    }

    pub fn format(&self) -> baogao::output::export::ExportFormat {
        match self.format {
            FormatArg::Ndjson => baogao::output::export::ExportFormat::Ndjson,
            FormatArg::EsBulk => baogao::output::export::ExportFormat::EsBulk,
            FormatArg::Sphinx => baogao::output::export::ExportFormat::Sphinx,
        }
    }

    pub fn shard(&self) -> anyhow::Result<baogao::output::export::Shard> {
        if self.shard >= self.shards {
            anyhow::bail!(
                "--shard {} is not one of the {} shards (0 to {})",
                self.shard,
                self.shards,
                self.shards - 1
            );
        }
        Ok(baogao::output::export::Shard {
            count: self.shards,
            index: self.shard,
        })
    }
}

/// Parse the command line, and check its query terms for mistyped flags.
pub fn parse(args: Vec<OsString>) -> Result<Cli, clap::Error> {
    use clap::CommandFactory;
    let mut command = Cli::command();
    let matches = command.try_get_matches_from_mut(&args)?;
    let cli = Cli::from_arg_matches(&matches)?;
    let escaped = args.iter().skip(2).any(|a| a == "--");
    let terms = match &cli.command {
        Command::Search(a) => Some((&a.query, "search")),
        Command::Trend(a) => Some((&a.query, "trend")),
        _ => None,
    };
    if let Some((terms, name)) = terms
        && !escaped
        && let Some(flag) = terms.0.iter().find(|t| looks_like_flag(t))
        && let Some(sub) = command.find_subcommand_mut(name)
    {
        return Err(unknown_flag(sub, flag));
    }
    Ok(cli)
}

/// `-x`, `-n5`, `--colour`: a flag, not a term to exclude (`-民办`).
fn looks_like_flag(term: &str) -> bool {
    term.starts_with("--")
        || term
            .strip_prefix('-')
            .and_then(|rest| rest.chars().next())
            .is_some_and(|c| c.is_ascii_alphabetic())
}

/// clap's own "unexpected argument" error, with its tip when a flag of the
/// subcommand is spelt alike.
fn unknown_flag(sub: &mut clap::Command, flag: &str) -> clap::Error {
    let name = flag.trim_start_matches('-');
    let name = name.split('=').next().unwrap_or(name);
    let similar = sub
        .get_arguments()
        .filter_map(|a| a.get_long())
        .map(|long| (strsim::jaro(name, long), long))
        .filter(|(score, _)| *score > 0.7)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, long)| format!("--{long}"));
    // `-n5` after the query: a short option with its value attached.
    let attached = flag
        .strip_prefix('-')
        .filter(|rest| !rest.starts_with('-'))
        .and_then(|rest| {
            let short = rest.chars().next()?;
            let value = &rest[short.len_utf8()..];
            let takes_value = sub
                .get_arguments()
                .any(|a| a.get_short() == Some(short) && a.get_action().takes_values());
            (takes_value && !value.is_empty()).then(|| format!("-{short} {value}"))
        });
    let usage = sub.render_usage();
    let mut err = clap::Error::new(ErrorKind::UnknownArgument).with_cmd(sub);
    err.insert(
        ContextKind::InvalidArg,
        ContextValue::String(flag.to_string()),
    );
    let tip = |text: String| ContextValue::StyledStrs(vec![text.into()]);
    match (attached, similar) {
        (Some(spaced), _) => {
            let text = format!("after the query, write the value apart: '{spaced}'");
            err.insert(ContextKind::Suggested, tip(text));
        }
        (None, Some(long)) => {
            err.insert(ContextKind::SuggestedArg, ContextValue::String(long));
        }
        (None, None) => {
            let text = format!(
                "to search for a term that starts with '-', put '--' before the query: '-- {flag}'"
            );
            err.insert(ContextKind::Suggested, tip(text));
        }
    }
    err.insert(ContextKind::Usage, ContextValue::StyledStr(usage));
    err
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_args(args: &[&str]) -> Result<Cli, clap::Error> {
        parse(
            std::iter::once("baogao")
                .chain(args.iter().copied())
                .map(OsString::from)
                .collect(),
        )
    }

    fn search(args: &[&str]) -> SearchArgs {
        match parse_args(args).map(|c| c.command) {
            Ok(Command::Search(a)) => a,
            other => panic!("{args:?}: {other:?}"),
        }
    }

    #[test]
    fn terms_may_start_with_a_dash_and_flags_still_parse_after_them() {
        let a = search(&["search", "学前教育", "-民办", "--json", "-n", "5"]);
        assert_eq!(a.query.0, vec!["学前教育", "-民办"]);
        assert!(a.json);
        assert_eq!(a.limit, 5);
        let a = search(&["search", "--", "-民办", "学前教育"]);
        assert_eq!(a.query.0, vec!["-民办", "学前教育"]);
        let a = search(&["search", "-n5", "教育"]);
        assert_eq!(
            (a.limit, a.query.0.as_slice()),
            (5, &["教育".to_string()][..])
        );
    }

    #[test]
    fn mistyped_flags_are_errors_with_a_tip() {
        let err = parse_args(&["search", "教育", "-x"]).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::UnknownArgument);
        assert!(err.to_string().contains("'-x'"), "{err}");
        let err = parse_args(&["search", "教育", "--colour", "never"]).unwrap_err();
        assert!(err.to_string().contains("--color"), "{err}");
        let err = parse_args(&["search", "教育", "-n5"]).unwrap_err();
        assert!(err.to_string().contains("'-n 5'"), "{err}");
        assert_eq!(
            parse_args(&["search", "教育", "-h"]).unwrap_err().kind(),
            ErrorKind::DisplayHelp
        );
        assert_eq!(
            parse_args(&["index", "-h"]).unwrap_err().kind(),
            ErrorKind::DisplayHelp
        );
        let err = parse_args(&["serach", "教育"]).unwrap_err();
        assert!(err.to_string().contains("search"), "{err}");
        let err = parse_args(&["search"]).unwrap_err();
        assert!(err.to_string().contains("<QUERY...>"), "{err}");
    }

    #[test]
    fn filter_flags_come_from_the_dimensions() {
        let a = search(&[
            "search",
            "教育",
            "--county",
            "青田县",
            "--year",
            "2020..",
            "--kind",
            "plan",
        ]);
        assert_eq!(a.filters.0.len(), 3);
        assert!(parse_args(&["search", "教育", "--kind", "draft"]).is_err());
        assert!(parse_args(&["search", "教育", "--year", "20x"]).is_err());
    }
}
