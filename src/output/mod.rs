//! Rendering results for people ([`terminal`]) and programs ([`json`]).
//!
//! Results go to stdout and nothing else does; messages go to stderr with a
//! `baogao:` prefix (that part lives in the binary). Colour follows
//! `--color auto|always|never`; `auto` means "stdout is a terminal and
//! NO_COLOR is not set", as in ripgrep, fd and bat.

pub mod bench;
pub mod build;
pub mod check;
pub mod csv;
pub mod export;
pub mod json;
pub mod search;
pub mod terminal;
pub mod trend;

use std::io::{self, BufWriter, IsTerminal, Write};

/// How a command's results are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// For a person; with ANSI colour or not.
    Text { color: bool },
    /// JSON lines.
    Json,
    /// Comma-separated values, UTF-8 with a byte-order mark.
    Csv,
}

/// Write to stdout through a buffer, flushing at the end: what every
/// command's printer is handed.
pub fn to_stdout<E: From<io::Error>>(
    print: impl FnOnce(&mut dyn Write) -> Result<(), E>,
) -> Result<(), E> {
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    print(&mut out)?;
    out.flush()?;
    Ok(())
}

/// An error and its causes as one line: each cause is added only if the
/// message does not already say it (errors often quote their source), and
/// line breaks become spaces.
pub fn error_line(causes: impl Iterator<Item = String>) -> String {
    let mut message = String::new();
    for text in causes {
        if message.contains(&text) {
            continue;
        }
        if !message.is_empty() {
            message.push_str(": ");
        }
        message.push_str(&text);
    }
    message
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// clap's rendered error as one line: its message, then its tips in
/// parentheses; the usage block and "For more information" are dropped
/// (`--help` has them).
pub fn clap_message(rendered: &str) -> String {
    let mut lines = rendered
        .lines()
        .map(str::trim)
        .take_while(|l| !l.starts_with("Usage:"))
        .filter(|l| !l.is_empty() && !l.starts_with("For more information"));
    let first = lines
        .next()
        .unwrap_or("invalid arguments")
        .trim_start_matches("error: ")
        .to_string();
    let rest: Vec<&str> = lines.collect();
    // "the following required arguments were not provided:" is followed by
    // the arguments themselves, which belong in the sentence.
    if first.ends_with(':') && !rest.is_empty() {
        format!("{first} {}", rest.join(" "))
    } else if rest.is_empty() {
        first
    } else {
        format!("{first} ({})", rest.join("; "))
    }
}

/// `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    /// Decide whether to colour stdout.
    pub fn enabled(self) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
                !no_color && std::io::stdout().is_terminal()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn clap_errors_become_one_line_with_their_tips() {
        let rendered = "error: unrecognized subcommand 'serach'\n\n  tip: a similar subcommand exists: 'search'\n\nUsage: baogao <COMMAND>\n\nFor more information, try '--help'.\n";
        assert_eq!(
            clap_message(rendered),
            "unrecognized subcommand 'serach' (tip: a similar subcommand exists: 'search')"
        );
        let missing = "error: the following required arguments were not provided:\n  <QUERY>\n\nUsage: baogao search <QUERY>\n";
        assert_eq!(
            clap_message(missing),
            "the following required arguments were not provided: <QUERY>"
        );
        assert_eq!(
            error_line(
                [
                    "building index/".to_string(),
                    "disk full\nreally".to_string()
                ]
                .into_iter()
            ),
            "building index/: disk full really"
        );
    }
}
