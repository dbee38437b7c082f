//! Synonyms: a user-editable list (`data/synonyms.toml` by default) of terms
//! that stand for one another in education reports (学前教育 ~ 幼儿园 ~ 幼儿教育).
//!
//! They help ranking, never counting: the search layer fills a short page
//! with paragraphs that match the query with a term replaced by one of its
//! synonyms, below the exact matches. Terms are normalised as queries are,
//! so a synonym matches exactly what it would match typed as a term.

use super::normalize::normalize;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

/// The default list, compiled in.
pub const DEFAULT_SYNONYMS: &str = include_str!("../../data/synonyms.toml");
/// The file name looked for beside a corpus.
pub const CORPUS_SYNONYMS_FILE: &str = "synonyms.toml";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SynonymsFile {
    #[serde(default)]
    group: Vec<Group>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Group {
    terms: Vec<String>,
}

/// The synonyms of each term (normalised).
#[derive(Debug, Clone, Default)]
pub struct Synonyms {
    related: BTreeMap<String, Vec<String>>,
}

impl Synonyms {
    /// Parse synonyms TOML; errors are one line with a position.
    pub fn parse(text: &str) -> Result<Synonyms, String> {
        let file: SynonymsFile = toml::from_str(text).map_err(|e| {
            let line = e
                .span()
                .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
            match line {
                Some(line) => format!("line {line}: {}", e.message()),
                None => e.message().to_string(),
            }
        })?;
        let mut related: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (i, group) in file.group.iter().enumerate() {
            let terms: Vec<String> = group
                .terms
                .iter()
                .map(|t| normalize(t.trim()).trim().to_string())
                .filter(|t| !t.is_empty())
                .collect();
            if terms.len() < 2 {
                return Err(format!("group {} needs two terms or more", i + 1));
            }
            for term in &terms {
                let entry = related.entry(term.clone()).or_default();
                for other in &terms {
                    if other != term && !entry.contains(other) {
                        entry.push(other.clone());
                    }
                }
            }
        }
        Ok(Synonyms { related })
    }

    /// The built-in list.
    pub fn builtin() -> Synonyms {
        Synonyms::parse(DEFAULT_SYNONYMS).unwrap_or_default()
    }

    /// The list for a corpus: `explicit` if given, else `synonyms.toml` in
    /// the corpus folder if there is one, else the built-in one.
    pub fn for_corpus(
        corpus: &Path,
        explicit: Option<&Path>,
    ) -> Result<Synonyms, (String, String)> {
        let path = match explicit {
            Some(path) => path.to_path_buf(),
            None => {
                let beside = corpus.join(CORPUS_SYNONYMS_FILE);
                if !beside.is_file() {
                    return Ok(Synonyms::builtin());
                }
                beside
            }
        };
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(&path).map_err(|e| (shown.clone(), e.to_string()))?;
        Synonyms::parse(&text).map_err(|message| (shown, message))
    }

    /// The synonyms of a normalised term (none if it is in no group).
    pub fn of(&self, term: &str) -> &[String] {
        self.related.get(term).map_or(&[], Vec::as_slice)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_list_relates_terms_both_ways() {
        let s = Synonyms::builtin();
        assert!(s.of("学前教育").contains(&"幼儿园".to_string()));
        assert!(s.of("幼儿园").contains(&"学前教育".to_string()));
        assert!(s.of("随迁子女").contains(&"新居民子女".to_string()));
        assert!(s.of("量子").is_empty());
    }

    #[test]
    fn bad_lists_are_clear_errors() {
        assert!(
            Synonyms::parse("[[group]]\nterms = [\"甲\"]\n")
                .unwrap_err()
                .contains("two terms")
        );
        assert!(
            Synonyms::parse("[[group]]\nwords = []\n")
                .unwrap_err()
                .starts_with("line")
        );
        let s = Synonyms::parse("[[group]]\nterms = [\"學前\", \"幼兒\"]\n").unwrap();
        assert_eq!(s.of("学前"), &["幼儿".to_string()]);
    }
}
