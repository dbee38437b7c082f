//! The `baogao` binary: parse arguments, call the library, print, and exit
//! with grep's codes (0 matched, 1 nothing matched, 2 error).
//!
//! Errors are one line on stderr, `baogao: …`, never a backtrace. Output
//! cut short by a closed pipe (`baogao search 教育 | head`) ends quietly.

mod cli;

use anyhow::{Context, Result};
use baogao::corpus::Problem;
use baogao::index::build::{self, BuildObserver, BuildOptions, BuildSummary};
use baogao::output;
use clap::Parser;
use cli::{Cli, Command};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::{self, BufWriter, IsTerminal, Write};
use std::process::ExitCode;

fn main() -> ExitCode {
    install_panic_hook();
    let args = cli::protect_hyphen_terms(std::env::args_os().collect());
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(err) => return clap_error(err),
    };
    match run(cli) {
        Ok(code) => code,
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("baogao: {}", one_line(&error_chain(&err)));
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Search(args) => search(args),
        Command::Index(args) => index(args),
        Command::Check(args) => check(args),
        Command::Trend(args) => trend(args),
        Command::Export(args) => export(args),
        Command::Bench(args) => bench(args),
        Command::Synth(args) => synth(args),
    }
}

/// A panic is a bug; still, the user gets one line and exit 2, not a trace.
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".into());
        let place = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!("baogao: internal error: {message}{place} (this is a bug; please report it)");
        std::process::exit(2);
    }));
}

/// clap's errors are several lines with usage; ours are one.
fn clap_error(err: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    match err.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = err.print();
            if err.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            }
        }
        _ => {
            let rendered = err.render().to_string();
            let first = rendered
                .lines()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("invalid arguments");
            let first = first.trim_start_matches("error: ");
            eprintln!("baogao: {first} (see baogao --help)");
            ExitCode::from(2)
        }
    }
}

/// A directory for messages: `index/`, `/data/corpus/`.
fn dir_label(path: &std::path::Path) -> String {
    let text = path.display().to_string();
    if text.ends_with('/') {
        text
    } else {
        format!("{text}/")
    }
}

/// The error and its causes, each cause added only if the message does not
/// already say it (the library's errors often quote their source).
fn error_chain(err: &anyhow::Error) -> String {
    let mut message = String::new();
    for cause in err.chain() {
        let text = cause.to_string();
        if message.contains(&text) {
            continue;
        }
        if !message.is_empty() {
            message.push_str(": ");
        }
        message.push_str(&text);
    }
    message
}

fn one_line(message: &str) -> String {
    message.lines().map(str::trim).collect::<Vec<_>>().join(" ")
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}

/// Build progress on stderr: warnings always; a progress bar when stderr is
/// a terminal, unless --quiet or running in CI (the `CI` variable is set).
struct StderrObserver {
    bar: Option<ProgressBar>,
}

impl StderrObserver {
    fn new(quiet: bool) -> Self {
        let in_ci = std::env::var_os("CI").is_some_and(|v| !v.is_empty());
        let show = !quiet && !in_ci && io::stderr().is_terminal();
        let bar = show.then(|| {
            let bar = ProgressBar::hidden();
            bar.set_draw_target(ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template(
                    "baogao: indexing {bar:30} {pos}/{len} files {wide_msg}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            bar
        });
        StderrObserver { bar }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl BuildObserver for StderrObserver {
    fn waiting_for_lock(&self) {
        self.say("baogao: another baogao is building this index; waiting for it to finish…");
    }

    fn started(&self, files: usize) {
        if let Some(bar) = &self.bar {
            bar.set_length(files as u64);
        }
    }

    fn file_done(&self, file: &str) {
        if let Some(bar) = &self.bar {
            bar.inc(1);
            bar.set_message(file.to_string());
        }
    }

    fn problem(&self, problem: &Problem) {
        self.say(&format!("baogao: warning: {problem}"));
    }
}

impl StderrObserver {
    /// Print a message line without tearing the progress bar.
    fn say(&self, message: &str) {
        match &self.bar {
            Some(bar) => bar.suspend(|| eprintln!("{message}")),
            None => eprintln!("{message}"),
        }
    }
}

fn summary_line(summary: &BuildSummary) -> String {
    let mut line = format!(
        "{} files: {} indexed, {} unchanged, {} removed, {} skipped",
        summary.files,
        summary.indexed,
        summary.unchanged,
        summary.removed,
        summary.skipped.len()
    );
    let reasons = summary.skipped_by_reason();
    if !reasons.is_empty() {
        let parts: Vec<String> = reasons.iter().map(|(k, n)| format!("{n} {k}")).collect();
        line.push_str(&format!(" ({})", parts.join(", ")));
    }
    line.push_str(&format!(
        " · {} paragraphs · {:.2} s",
        summary.paragraphs, summary.seconds
    ));
    if summary.full {
        line.push_str(" · full build");
    }
    line
}

fn index(args: cli::IndexArgs) -> Result<ExitCode> {
    let mut options = BuildOptions::new(&args.paths.corpus, &args.paths.index);
    options.rebuild = args.rebuild;
    if let Some(threads) = args.threads {
        anyhow::ensure!(threads >= 1, "--threads must be at least 1");
        options.threads = threads;
    }
    let tagger = baogao::corpus::tags::Tagger::for_corpus(&options.corpus, args.themes.as_deref())?;
    if args.strict {
        let report = baogao::check::check(&options.corpus, &tagger)?;
        if !report.is_clean() {
            let mut stderr = io::stderr().lock();
            for f in report
                .findings
                .iter()
                .filter(|f| f.severity == baogao::check::Severity::Error)
            {
                writeln!(stderr, "baogao: error: {}: {}", f.file, f.message)?;
            }
            anyhow::bail!(
                "refusing to build with --strict: {} error{} in the corpus (see `baogao check`)",
                report.errors(),
                if report.errors() == 1 { "" } else { "s" }
            );
        }
    }
    let observer = StderrObserver::new(args.quiet);
    let summary = build::build(&options, &tagger, &observer);
    observer.finish();
    let summary = summary.with_context(|| format!("building {}", options.index.display()))?;
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    if args.json {
        let json = serde_json::json!({
            "type": "summary",
            "files": summary.files,
            "indexed": summary.indexed,
            "unchanged": summary.unchanged,
            "removed": summary.removed,
            "skipped": summary.skipped.iter().map(|p| serde_json::json!({
                "file": p.path, "reason": p.key, "message": p.message,
            })).collect::<Vec<_>>(),
            "warnings": summary.warnings.iter().map(|p| serde_json::json!({
                "path": p.path, "reason": p.key, "message": p.message,
            })).collect::<Vec<_>>(),
            "paragraphs": summary.paragraphs,
            "full": summary.full,
            "committed": summary.committed,
            "seconds": summary.seconds,
        });
        output::json::write_line(&mut out, &json)?;
    } else if !args.quiet {
        writeln!(out, "{}", summary_line(&summary))?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn check(args: cli::CheckArgs) -> Result<ExitCode> {
    let tagger = baogao::corpus::tags::Tagger::for_corpus(&args.corpus, args.themes.as_deref())?;
    let report = baogao::check::check(&args.corpus, &tagger)?;
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    if args.json {
        output::check::print_json(&mut out, &report)?;
    } else {
        output::check::print_text(&mut out, &report)?;
    }
    out.flush()?;
    Ok(if report.is_clean() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Open the index, building it from the corpus on first use (saying so).
fn open_index(paths: &cli::Paths) -> Result<baogao::index::IndexHandle> {
    let observer = StderrObserver::new(false);
    let (index_dir, corpus_dir) = (&paths.index, &paths.corpus);
    let opened = baogao::index::open_or_build(index_dir, corpus_dir, &observer, || {
        eprintln!(
            "baogao: no index in {} yet; building it from {} (first run)…",
            dir_label(index_dir),
            dir_label(corpus_dir)
        );
    });
    observer.finish();
    let (handle, built) = opened?;
    if let Some(summary) = built {
        eprintln!("baogao: {}", summary_line(&summary));
    }
    Ok(handle)
}

fn trend(args: cli::TrendArgs) -> Result<ExitCode> {
    let request = args.request();
    baogao::search::full_query(&request)?;
    let handle = open_index(&args.paths)?;
    let trend = baogao::search::trend::trend(&handle, &request, args.by())?;
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    if args.json {
        output::trend::print_json(&mut out, &trend)?;
    } else {
        output::trend::print_text(&mut out, &trend, &request.query)?;
    }
    out.flush()?;
    Ok(if trend.total > 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn export(args: cli::ExportArgs) -> Result<ExitCode> {
    let query = args.query.as_deref().map(cli::restore_hyphen);
    if let Some(q) = &query {
        baogao::search::query::parse(q)?;
    }
    let handle = open_index(&args.paths)?;
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let written = baogao::export::export(
        &handle,
        query.as_deref(),
        args.format(),
        &args.es_index,
        &mut out,
    )?;
    out.flush()?;
    Ok(if written > 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn bench(args: cli::BenchArgs) -> Result<ExitCode> {
    anyhow::ensure!(args.runs >= 1, "--runs must be at least 1");
    anyhow::ensure!(args.threads >= 1, "--threads must be at least 1");
    let text = match &args.queries {
        Some(path) => {
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?
        }
        None => baogao::bench::DEFAULT_QUERIES.to_string(),
    };
    let queries = baogao::bench::parse_queries(&text);
    anyhow::ensure!(!queries.is_empty(), "the query file has no queries");
    let handle = open_index(&args.paths)?;
    let options = baogao::bench::BenchOptions {
        runs: args.runs,
        warmup: args.warmup,
        threads: args.threads,
    };
    let report = baogao::bench::run(&handle, &queries, &options);
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    if args.json {
        output::bench::print_json(&mut out, &report)?;
    } else {
        output::bench::print_text(&mut out, &report)?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn synth(args: cli::SynthArgs) -> Result<ExitCode> {
    let mut sources = args.from.clone();
    if sources.is_empty() {
        // Reports, not laws: the government work reports are the same genre.
        sources.push("corpus".into());
        let national = std::path::PathBuf::from("../shared/corpus/national");
        if national.is_dir() {
            sources.push(national);
        }
    }
    let sources: Vec<&std::path::Path> = sources.iter().map(|p| p.as_path()).collect();
    let started = std::time::Instant::now();
    let model = baogao::bench::synth::Model::learn(&sources)?;
    let (files, bytes) = baogao::bench::synth::generate(&model, &args.out, args.mb, args.seed)?;
    println!(
        "{files} files, {:.1} MiB in {} ({:.1} s)",
        bytes as f64 / (1 << 20) as f64,
        args.out.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}

fn search(args: cli::SearchArgs) -> Result<ExitCode> {
    let request = args.request().map_err(anyhow::Error::msg)?;
    // A bad query is an error before any index is opened (or built).
    baogao::search::full_query(&request)?;
    let handle = open_index(&args.paths)?;
    let results = baogao::search::search(&handle, &request)?;
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    if args.json {
        output::json::print_results(&mut out, &results)?;
    } else {
        output::terminal::print_results(&mut out, &results, args.color.choice().enabled())?;
    }
    out.flush()?;
    Ok(if results.total > 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
