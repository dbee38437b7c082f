//! Rendering results for people ([`terminal`]) and programs ([`json`]).
//!
//! Results go to stdout and nothing else does; messages go to stderr with a
//! `baogao:` prefix (that part lives in the binary). Colour follows
//! `--color auto|always|never`; `auto` means "stdout is a terminal and
//! NO_COLOR is not set", as in ripgrep, fd and bat.

pub mod bench;
pub mod check;
pub mod json;
pub mod terminal;
pub mod trend;

use std::io::IsTerminal;

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

/// How a hit names its place: the most specific tag known.
pub fn place_label(county: &str, city: &str, province: &str) -> String {
    if !county.is_empty() {
        county.to_string()
    } else if !city.is_empty() {
        city.to_string()
    } else if !province.is_empty() {
        province.to_string()
    } else {
        "—".to_string()
    }
}

/// A year, or a span of years, for display.
pub fn year_label(year: Option<u64>, from: Option<u64>, to: Option<u64>) -> String {
    match (year, from, to) {
        (_, Some(f), Some(t)) if f != t => format!("{f}–{t}"),
        (Some(y), _, _) => y.to_string(),
        _ => "—".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels() {
        assert_eq!(place_label("青田县", "丽水市", "浙江省"), "青田县");
        assert_eq!(place_label("", "台州市", "浙江省"), "台州市");
        assert_eq!(place_label("", "", ""), "—");
        assert_eq!(year_label(Some(2020), Some(2016), Some(2020)), "2016–2020");
        assert_eq!(year_label(Some(2024), Some(2024), Some(2024)), "2024");
        assert_eq!(year_label(None, None, None), "—");
    }
}
