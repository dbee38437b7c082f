//! `reports.toml`: what the corpus owner knows about each report.
//!
//! The manifest sits at the root of the corpus and has one `[[report]]`
//! table per file. Whatever it says wins over anything inferred from the
//! text. A manifest that does not parse is an error (a CI build should fail
//! on it, not quietly index without tags); an entry for a file that is not
//! in the corpus is a warning.
//!
//! ```toml
//! [[report]]
//! file = "青田县教育局2024年工作总结和2025年工作思路.txt"
//! title = "青田县教育局2024年工作总结和2025年工作思路"
//! county = "青田县"
//! city = "丽水市"
//! province = "浙江省"
//! year = 2024
//! ```

use crate::error::{Error, Result};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

/// File name of the manifest inside a corpus directory.
pub const MANIFEST_FILE: &str = "reports.toml";

/// One report's entry. Empty strings mean "known to be unknown" (a redacted
/// county), which also stops inference from filling the field.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ManifestEntry {
    /// Path of the report relative to the corpus root, with `/` separators.
    pub file: String,
    pub title: Option<String>,
    pub county: Option<String>,
    pub city: Option<String>,
    pub province: Option<String>,
    /// The year the report reviews.
    pub year: Option<i32>,
    /// Free text: where the report came from.
    pub source: Option<String>,
    /// Free text.
    pub note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ManifestFile {
    #[serde(default)]
    report: Vec<ManifestEntry>,
}

/// The parsed manifest, keyed by file.
#[derive(Debug, Clone, Default)]
pub struct Manifest {
    pub entries: BTreeMap<String, ManifestEntry>,
}

impl Manifest {
    /// Read `reports.toml` from a corpus root; an absent file is an empty
    /// manifest.
    pub fn load(corpus: &Path) -> Result<Manifest> {
        let path = corpus.join(MANIFEST_FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Manifest::default()),
            Err(e) => return Err(Error::io(&path, e)),
        };
        Manifest::parse(&text).map_err(|message| Error::Manifest {
            path: path.clone(),
            message,
        })
    }

    /// Parse manifest text; the error is a one-line message with its position.
    pub fn parse(text: &str) -> std::result::Result<Manifest, String> {
        let file: ManifestFile = toml::from_str(text).map_err(|e| {
            let message = e.message().to_string();
            match e.span() {
                Some(span) => {
                    let line = text[..span.start.min(text.len())].matches('\n').count() + 1;
                    format!("line {line}: {message}")
                }
                None => message,
            }
        })?;
        let mut entries = BTreeMap::new();
        for entry in file.report {
            let key = entry.file.replace('\\', "/");
            if let Some(year) = entry.year
                && !(1900..=2100).contains(&year)
            {
                return Err(format!("{key}: year {year} is not a plausible report year"));
            }
            if entries.insert(key.clone(), entry).is_some() {
                return Err(format!("{key} is listed twice"));
            }
        }
        Ok(Manifest { entries })
    }

    pub fn get(&self, file: &str) -> Option<&ManifestEntry> {
        self.entries.get(file)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_entries() {
        let m = Manifest::parse(
            "[[report]]\nfile = \"a.txt\"\ncounty = \"青田县\"\nyear = 2024\n\n[[report]]\nfile = \"b.txt\"\ncounty = \"\"\n",
        )
        .unwrap();
        assert_eq!(m.get("a.txt").unwrap().county.as_deref(), Some("青田县"));
        assert_eq!(m.get("a.txt").unwrap().year, Some(2024));
        assert_eq!(m.get("b.txt").unwrap().county.as_deref(), Some(""));
        assert!(m.get("c.txt").is_none());
    }

    #[test]
    fn errors_name_the_line() {
        let err = Manifest::parse("[[report]]\nfile = \"a.txt\"\ncountry = \"x\"\n").unwrap_err();
        assert!(err.starts_with("line 3:"), "{err}");
        let err = Manifest::parse("[[report]]\nfile = \"a.txt\"\n[[report]]\nfile = \"a.txt\"\n")
            .unwrap_err();
        assert!(err.contains("twice"), "{err}");
        let err = Manifest::parse("[[report]]\nfile = \"a.txt\"\nyear = 24\n").unwrap_err();
        assert!(err.contains("plausible"), "{err}");
    }
}
