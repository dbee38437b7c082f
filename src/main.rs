//! The `baogao` binary: parse arguments into a request, call the library,
//! hand the result to that command's printer in `output`, and exit with
//! grep's codes (0 matched, 1 nothing matched, 2 error).
//!
//! Errors are one line on stderr, `baogao: …`, never a backtrace. Output
//! cut short by a closed pipe (`baogao search 教育 | head`) ends quietly.

mod cli;

use anyhow::{Context, Result};
use baogao::corpus::{check, tags::Tagger};
use baogao::index::{build, sync};

use baogao::output::{self, build::StderrProgress};
use baogao::search::{Engine, bench};
use cli::Command;
use std::io;
use std::process::ExitCode;

fn main() -> ExitCode {
    install_panic_hook();
    limit_malloc_arenas();
    let result = cli::parse(std::env::args_os().collect())
        .map_err(clap_error)
        .and_then(|cli| run(cli.command).map_err(Some));
    match result {
        Ok(code) => code,
        Err(None) => ExitCode::SUCCESS,
        Err(Some(err)) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(Some(err)) => {
            let causes = err.chain().map(ToString::to_string);
            eprintln!("baogao: {}", output::error_line(causes));
            ExitCode::from(2)
        }
    }
}

/// Cap glibc's malloc arenas at one per core (at least two). glibc gives
/// each thread that meets a locked arena a new one, up to eight per core,
/// and memory freed in one arena is not reused by another: full builds of
/// the 1 GiB synthetic corpus peaked anywhere between 747 and 1,080 MiB
/// allocated in five identical runs (BENCHMARKS.md, "Build memory and the
/// allocator"), and at 672 and 699 MiB in two runs with
/// MALLOC_ARENA_MAX=2, in about the same time (220 and 230 s, against
/// 203-215 s). It must run before any thread starts; `--version` took
/// 1.44 ms with it and 1.43 ms without (hyperfine -N, 500 runs, medians).
fn limit_malloc_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // The cores this process may run on, by one system call: the
        // standard library's available_parallelism also reads the cgroup
        // quota files, about 0.1 ms of every search's start here.
        // SAFETY: cpu_set_t is plain data, zeroed is a valid empty set, and
        // sched_getaffinity writes at most its size into it.
        let cores = unsafe {
            let mut set: libc::cpu_set_t = std::mem::zeroed();
            if libc::sched_getaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &mut set) == 0 {
                usize::try_from(libc::CPU_COUNT(&set)).unwrap_or(2)
            } else {
                2
            }
        };
        let arenas = libc::c_int::try_from(cores.max(2)).unwrap_or(libc::c_int::MAX);
        // SAFETY: mallopt takes two integers and only changes a malloc
        // setting; no thread is running yet. Its result (0 when the
        // setting is refused) leaves glibc's default, which is correct,
        // only less frugal.
        unsafe {
            libc::mallopt(libc::M_ARENA_MAX, arenas);
        }
    }
}

fn run(command: Command) -> Result<ExitCode> {
    match command {
        Command::Search(args) => {
            let (query, options, how) = args.request()?;
            query
                .hints
                .iter()
                .for_each(|h| eprintln!("baogao: hint: {h}"));
            let engine = open(&args.paths)?;
            let mut total = 0;
            output::to_stdout(|out| -> baogao::Result<()> {
                total = output::search::run(out, &engine, &query, &options, &how)?;
                Ok(())
            })?;
            Ok(matched(total))
        }
        Command::Trend(args) => {
            let (query, by) = args.request()?;
            let trend = open(&args.paths)?.trend(&query, by)?;
            output::to_stdout(|out| {
                output::trend::print(out, &trend, &query.display(), args.json)
            })?;
            Ok(matched(trend.total))
        }
        Command::Export(args) => {
            let (query, shard) = (args.request()?, args.shard()?);
            let engine = open(&args.paths)?;
            let (format, es_index) = (args.format(), &args.es_index);
            let mut written = 0;
            output::to_stdout(|out| -> baogao::Result<()> {
                written =
                    output::export::export(out, &engine, query.as_ref(), format, es_index, shard)?;
                Ok(())
            })?;
            Ok(matched(written))
        }
        Command::Index(args) => {
            let options = args.request();
            let tagger = Tagger::for_corpus(&options.corpus, args.themes.as_deref())?;
            let progress = StderrProgress::new(args.quiet);
            let summary = build::build(&options, &tagger, &progress)
                .with_context(|| format!("building {}", options.index.display()))?;
            progress.finish();
            if args.json || !args.quiet {
                output::to_stdout(|out| output::build::print_summary(out, &summary, args.json))?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Check(args) => {
            let tagger = Tagger::for_corpus(&args.corpus, args.themes.as_deref())?;
            let report = check::check(&args.corpus, args.walk.options(), &tagger)?;
            output::to_stdout(|out| output::check::print(out, &report, args.json))?;
            Ok(matched(u64::from(report.is_clean())))
        }
        Command::Bench(args) => {
            let queries = bench::load_queries(args.queries.as_deref())?;
            let report = bench::run(&open(&args.paths)?, &queries, &args.request());
            output::to_stdout(|out| output::bench::print(out, &report, args.json))?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Open the index for searching, building it on first use and bringing it
/// up to date when the corpus has changed.
fn open(paths: &cli::Paths) -> Result<Engine> {
    let location = paths.location();
    let progress = StderrProgress::new(false);
    let synced = sync::sync(&location, &progress)?;
    progress.finish();
    output::build::report_sync(&synced, &location.index_dir());
    Ok(Engine::open(&location.index_dir())?)
}

/// grep's exit status: 0 when something matched (or `check` found the
/// corpus clean), 1 when nothing did.
fn matched(count: u64) -> ExitCode {
    if count > 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// clap's help and version go to stdout (`None`: exit 0); its errors
/// become one `baogao:` line, tips and all.
fn clap_error(err: clap::Error) -> Option<anyhow::Error> {
    use clap::error::ErrorKind::{DisplayHelp, DisplayVersion};
    if matches!(err.kind(), DisplayHelp | DisplayVersion) {
        let _ = err.print();
        return None;
    }
    Some(anyhow::anyhow!(output::clap_message(
        &err.render().to_string()
    )))
}

/// A panic is a bug; still, the user gets one line and exit 2, not a trace.
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        // A document parser that panics on an odd file: the file is
        // skipped with a warning naming it; no need for this line too.
        if baogao::corpus::extract::in_extraction() {
            return;
        }
        let payload = info.payload();
        let message = (payload.downcast_ref::<&str>().map(|s| s.to_string()))
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".into());
        let place = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()));
        let place = place.unwrap_or_default();
        eprintln!("baogao: internal error: {message}{place} (this is a bug; please report it)");
        std::process::exit(2);
    }));
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        let io = cause.downcast_ref::<io::Error>();
        io.is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}
