//! Command-line arguments (clap derive), and their translation into the
//! library's validated requests. Nothing here does any work.

use baogao::corpus::tags::Kind;
use baogao::output::ColorChoice;
use baogao::search::collect::SortOrder;
use baogao::search::query::{Filter, YearRange};
use baogao::search::{MatchMode, SearchRequest};
use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};
use std::ffi::OsString;
use std::path::PathBuf;

/// Stands in for the leading '-' of an excluded query term (`-民办`) while
/// clap parses, so that clap does not take it for a flag.
const HYPHEN_STAND_IN: char = '\u{E000}';

/// Let query terms start with '-' (`baogao search 学前教育 -民办 --json`).
///
/// clap would read `-民办` as a cluster of short flags, and marking the
/// query `allow_hyphen_values` makes it swallow every flag after the query
/// (`--json` included). So before clap runs, each argument after the
/// subcommand that starts with '-' but is not one of that subcommand's flags
/// (nor the value of one) gets a stand-in character in place of its '-';
/// [`restore_hyphen`] puts the '-' back when the query is assembled.
pub fn protect_hyphen_terms(args: Vec<OsString>) -> Vec<OsString> {
    let command = Cli::command();
    let mut out = Vec::with_capacity(args.len());
    let mut iter = args.into_iter();
    let mut sub = None;
    for arg in iter.by_ref() {
        let name = arg.to_str().map(str::to_string);
        out.push(arg);
        if let Some(found) = name.and_then(|n| command.find_subcommand(&n).cloned()) {
            sub = Some(found);
            break;
        }
    }
    let Some(sub) = sub else {
        out.extend(iter);
        return out;
    };
    let takes_value = |arg: &clap::Arg| arg.get_action().takes_values();
    let mut verbatim_next = false;
    while let Some(arg) = iter.next() {
        if verbatim_next {
            verbatim_next = false;
            out.push(arg);
            continue;
        }
        let Some(text) = arg.to_str() else {
            out.push(arg);
            continue;
        };
        if text == "--" {
            out.push(arg);
            out.extend(iter.by_ref());
            break;
        }
        if let Some(long) = text.strip_prefix("--") {
            let name = long.split('=').next().unwrap_or(long);
            if let Some(flag) = sub.get_arguments().find(|a| a.get_long() == Some(name)) {
                verbatim_next = takes_value(flag) && !long.contains('=');
            }
            out.push(arg);
            continue;
        }
        if let Some(shorts) = text.strip_prefix('-')
            && !shorts.is_empty()
        {
            let first = shorts.chars().next();
            let flag = sub
                .get_arguments()
                .find(|a| a.get_short().is_some() && a.get_short() == first);
            match flag {
                Some(flag) => {
                    // -n 5, -n5, -q
                    verbatim_next = takes_value(flag) && shorts.chars().count() == 1;
                    out.push(arg);
                }
                None => out.push(OsString::from(format!("{HYPHEN_STAND_IN}{shorts}"))),
            }
            continue;
        }
        out.push(arg);
    }
    out
}

/// Undo [`protect_hyphen_terms`] on a query argument.
pub fn restore_hyphen(arg: &str) -> String {
    match arg.strip_prefix(HYPHEN_STAND_IN) {
        Some(rest) => format!("-{rest}"),
        None => arg.to_string(),
    }
}

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
    Search(SearchArgs),
    /// Build or update the index from the corpus
    Index(IndexArgs),
    /// Show how each report will be tagged, and fail (exit 1) on problems
    Check(CheckArgs),
    /// Chart how many paragraphs match, per year, county, province, city, kind or theme
    Trend(TrendArgs),
    /// Write paragraphs with their tags and jieba words, for Elasticsearch, OpenSearch, Quickwit
    Export(ExportArgs),
    /// Measure query latency and throughput on the index, in-process
    Bench(BenchArgs),
    /// Write a synthetic corpus learnt from real reports (for benchmarks at scale)
    #[command(hide = true)]
    Synth(SynthArgs),
}

#[derive(Debug, Args)]
pub struct SynthArgs {
    /// Where to write the reports
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// How much text to write, in MiB
    #[arg(long, value_name = "N", default_value_t = 64)]
    pub mb: u64,
    /// Random seed: the same seed and sources give the same corpus
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Corpora to learn from (default: corpus/, and ../shared/corpus/national if present)
    #[arg(long = "from", value_name = "DIR")]
    pub from: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Query file, one query per line (default: the shipped benches/queries.txt)
    #[arg(long, value_name = "FILE")]
    pub queries: Option<PathBuf>,
    /// Recorded runs of the whole query set (per thread)
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub runs: usize,
    /// Unrecorded warm-up runs
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub warmup: usize,
    /// Threads running the query set concurrently
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub threads: usize,
    /// Print JSON lines
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub paths: Paths,
}

#[derive(Debug, Clone, Args)]
pub struct Paths {
    /// Index directory
    #[arg(long, value_name = "DIR", default_value = "index")]
    pub index: PathBuf,
    /// Corpus directory (report files and reports.toml)
    #[arg(long, value_name = "DIR", default_value = "corpus")]
    pub corpus: PathBuf,
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

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum KindArg {
    Review,
    Plan,
    Other,
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// Terms to find (all of them, by default). See the README for the query syntax.
    #[arg(required = true, value_name = "QUERY", num_args = 1..)]
    pub query: Vec<String>,
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
    /// Only paragraphs from this county (区/县/县级市)
    #[arg(long)]
    pub county: Option<String>,
    /// Only paragraphs from this city (地级市)
    #[arg(long)]
    pub city: Option<String>,
    /// Only paragraphs from this province
    #[arg(long)]
    pub province: Option<String>,
    /// Only paragraphs about this year or range (2024, 2020..2023, 2022.., ..2020)
    #[arg(long, value_name = "YEAR[..YEAR]")]
    pub year: Option<String>,
    /// Only paragraphs of this kind
    #[arg(long, value_enum)]
    pub kind: Option<KindArg>,
    /// Only paragraphs tagged with this theme
    #[arg(long)]
    pub theme: Option<String>,
    /// Order of hits
    #[arg(long, value_enum, default_value = "score", allow_hyphen_values = true)]
    pub sort: SortArg,
    /// Show each near-identical paragraph as its own hit
    #[arg(long)]
    pub no_collapse: bool,
    /// Add hit counts by province, county, year, kind and theme
    #[arg(long)]
    pub facets: bool,
    /// Print JSON lines instead of text
    #[arg(long)]
    pub json: bool,
    /// When to use colour
    #[arg(long, value_enum, default_value = "auto", value_name = "WHEN")]
    pub color: ColorArg,
    #[command(flatten)]
    pub paths: Paths,
}

#[derive(Debug, Args)]
pub struct IndexArgs {
    /// Re-index every report, even unchanged ones
    #[arg(long)]
    pub rebuild: bool,
    /// Indexing threads (default: one per core, up to 8)
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
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
    #[command(flatten)]
    pub paths: Paths,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ByArg {
    Year,
    County,
    City,
    Province,
    Theme,
    Kind,
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
    /// What to count (same syntax as search)
    #[arg(required = true, value_name = "QUERY", num_args = 1..)]
    pub query: Vec<String>,
    /// What to group by
    #[arg(long, value_enum, default_value = "year")]
    pub by: ByArg,
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
    #[command(flatten)]
    pub paths: Paths,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Corpus directory (report files and reports.toml)
    #[arg(long, value_name = "DIR", default_value = "corpus")]
    pub corpus: PathBuf,
    /// Theme taxonomy (default: themes.toml in the corpus folder, else the built-in one)
    #[arg(long, value_name = "FILE")]
    pub themes: Option<PathBuf>,
    /// Print JSON lines
    #[arg(long)]
    pub json: bool,
}

impl ColorArg {
    pub fn choice(self) -> ColorChoice {
        match self {
            ColorArg::Auto => ColorChoice::Auto,
            ColorArg::Always => ColorChoice::Always,
            ColorArg::Never => ColorChoice::Never,
        }
    }
}

impl TrendArgs {
    pub fn request(&self) -> baogao::search::SearchRequest {
        let query: Vec<String> = self.query.iter().map(|q| restore_hyphen(q)).collect();
        let mode = match self.match_mode {
            TrendMatchArg::All => MatchMode::All,
            TrendMatchArg::Any => MatchMode::Any,
        };
        baogao::search::trend::request(&query.join(" "), mode)
    }

    pub fn by(&self) -> baogao::search::trend::TrendBy {
        use baogao::search::trend::TrendBy;
        match self.by {
            ByArg::Year => TrendBy::Year,
            ByArg::County => TrendBy::County,
            ByArg::City => TrendBy::City,
            ByArg::Province => TrendBy::Province,
            ByArg::Theme => TrendBy::Theme,
            ByArg::Kind => TrendBy::Kind,
        }
    }
}

impl ExportArgs {
    pub fn format(&self) -> baogao::export::ExportFormat {
        match self.format {
            FormatArg::Ndjson => baogao::export::ExportFormat::Ndjson,
            FormatArg::EsBulk => baogao::export::ExportFormat::EsBulk,
        }
    }
}

impl SearchArgs {
    /// Validate the arguments into a search request.
    pub fn request(&self) -> Result<SearchRequest, String> {
        let query: Vec<String> = self.query.iter().map(|q| restore_hyphen(q)).collect();
        let mut request = SearchRequest::new(query.join(" "));
        request.limit = if self.all { None } else { Some(self.limit) };
        if request.limit == Some(0) {
            return Err("--limit must be at least 1 (use --all for every hit)".into());
        }
        request.offset = self.offset;
        request.match_mode = match self.match_mode {
            MatchArg::Fill => MatchMode::Fill,
            MatchArg::All => MatchMode::All,
            MatchArg::Any => MatchMode::Any,
        };
        request.sort = match self.sort {
            SortArg::Score => SortOrder::Score,
            SortArg::Year => SortOrder::YearAsc,
            SortArg::YearDesc => SortOrder::YearDesc,
        };
        request.collapse = !self.no_collapse;
        request.facets = self.facets;
        let text = |v: &Option<String>| {
            v.as_ref()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
        };
        if let Some(v) = text(&self.county) {
            request.filters.push(Filter::County(v));
        }
        if let Some(v) = text(&self.city) {
            request.filters.push(Filter::City(v));
        }
        if let Some(v) = text(&self.province) {
            request.filters.push(Filter::Province(v));
        }
        if let Some(v) = text(&self.theme) {
            request.filters.push(Filter::Theme(v));
        }
        if let Some(v) = &self.year {
            let range = YearRange::parse(v.trim()).map_err(|e| format!("--year: {e}"))?;
            request.filters.push(Filter::Year(range));
        }
        if let Some(kind) = self.kind {
            request.filters.push(Filter::Kind(match kind {
                KindArg::Review => Kind::Review,
                KindArg::Plan => Kind::Plan,
                KindArg::Other => Kind::Other,
            }));
        }
        Ok(request)
    }
}
