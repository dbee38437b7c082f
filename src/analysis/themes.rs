//! Themes: a user-editable taxonomy (`data/themes.toml` by default) and the
//! scoring that tags paragraphs with it.
//!
//! A theme is a name and weighted keywords. A paragraph's score for a theme
//! is, over the theme's keywords, weight × occurrences in the text (at most
//! 3 each), plus the weight of keywords in the heading directly above it and
//! half the weight of those in outer headings (so "(四)师资队伍建设更加强劲"
//! tags the paragraphs under it). Every theme that reaches the taxonomy's
//! threshold is a tag. All keywords are found in one Aho–Corasick pass over
//! the normalised text.

use super::normalize::normalize;
use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// The most themes a taxonomy may have: the index keeps a paragraph's
/// themes as bits of one 64-bit fast field, beside its kind
/// (`index::schema::TagBits`), so that a facet count reads one number per
/// hit for both.
pub const MAX_THEMES: usize = 62;

/// The default taxonomy, compiled in.
pub const DEFAULT_THEMES: &str = include_str!("../../data/themes.toml");
/// The file name looked for beside a corpus.
pub const CORPUS_THEMES_FILE: &str = "themes.toml";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TaxonomyFile {
    threshold: f64,
    #[serde(default)]
    theme: Vec<ThemeEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeEntry {
    name: String,
    keywords: BTreeMap<String, f64>,
}

/// A parsed taxonomy, ready to tag paragraphs.
#[derive(Debug, Clone)]
pub struct Taxonomy {
    pub names: Vec<String>,
    pub threshold: f64,
    /// For each automaton pattern: (theme index, weight) pairs.
    targets: Vec<Vec<(usize, f64)>>,
    automaton: AhoCorasick,
    /// Hash of the source text, for the index fingerprint.
    pub hash: u64,
    /// Where it came from ("built-in" or a path), for messages.
    pub origin: String,
}

impl Taxonomy {
    /// Parse taxonomy TOML; errors are one line with a position.
    pub fn parse(text: &str, origin: &str) -> Result<Taxonomy, String> {
        let file: TaxonomyFile = toml::from_str(text).map_err(|e| {
            let line = e
                .span()
                .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
            match line {
                Some(line) => format!("line {line}: {}", e.message()),
                None => e.message().to_string(),
            }
        })?;
        if !file.threshold.is_finite() || file.threshold <= 0.0 {
            return Err("threshold must be a positive number".into());
        }
        if file.theme.is_empty() {
            return Err("no [[theme]] entries".into());
        }
        if file.theme.len() > MAX_THEMES {
            return Err(format!(
                "{} themes, more than the {MAX_THEMES} an index can hold (each paragraph's themes are kept as the bits of one number)",
                file.theme.len()
            ));
        }
        let mut names = Vec::new();
        let mut patterns: Vec<String> = Vec::new();
        let mut pattern_index: HashMap<String, usize> = HashMap::new();
        let mut targets: Vec<Vec<(usize, f64)>> = Vec::new();
        for (i, theme) in file.theme.iter().enumerate() {
            let name = theme.name.trim().to_string();
            if name.is_empty() {
                return Err(format!("theme {} has an empty name", i + 1));
            }
            if names.contains(&name) {
                return Err(format!("theme '{name}' is defined twice"));
            }
            if theme.keywords.is_empty() {
                return Err(format!("theme '{name}' has no keywords"));
            }
            for (keyword, &weight) in &theme.keywords {
                let keyword = normalize(keyword.trim());
                if keyword.is_empty() {
                    return Err(format!("theme '{name}' has an empty keyword"));
                }
                if !weight.is_finite() || weight <= 0.0 {
                    return Err(format!(
                        "theme '{name}': keyword '{keyword}' needs a positive weight"
                    ));
                }
                let id = *pattern_index.entry(keyword.clone()).or_insert_with(|| {
                    patterns.push(keyword.clone());
                    targets.push(Vec::new());
                    patterns.len() - 1
                });
                targets[id].push((i, weight));
            }
            names.push(name);
        }
        // A DFA: above a hundred patterns the crate picks a slower NFA by
        // default, and a few hundred keywords make a small DFA.
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .kind(Some(AhoCorasickKind::DFA))
            .build(&patterns)
            .map_err(|e| e.to_string())?;
        Ok(Taxonomy {
            names,
            threshold: file.threshold,
            targets,
            automaton,
            hash: xxhash_rust::xxh3::xxh3_64(text.as_bytes()),
            origin: origin.to_string(),
        })
    }

    /// The built-in taxonomy.
    pub fn builtin() -> Taxonomy {
        Taxonomy::parse(DEFAULT_THEMES, "built-in").expect("the built-in theme taxonomy parses")
    }

    /// The taxonomy for a corpus: `explicit` if given, else `themes.toml`
    /// in the corpus folder if there is one, else the built-in one.
    pub fn for_corpus(
        corpus: &Path,
        explicit: Option<&Path>,
    ) -> Result<Taxonomy, (String, String)> {
        let path = match explicit {
            Some(path) => path.to_path_buf(),
            None => {
                let beside = corpus.join(CORPUS_THEMES_FILE);
                if !beside.is_file() {
                    return Ok(Taxonomy::builtin());
                }
                beside
            }
        };
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(&path).map_err(|e| (shown.clone(), e.to_string()))?;
        Taxonomy::parse(&text, &shown).map_err(|message| (shown, message))
    }

    /// Weighted keyword hits per theme in a normalised text.
    fn scores(&self, normalized: &str, per_hit_cap: u32, scale: f64, scores: &mut [f64]) {
        // Hits per keyword, in the order first hit: a paragraph hits a few
        // of the keywords, so a short list beats a hash map (and sums the
        // scores in the same order on every run).
        let mut counts: Vec<(usize, u32)> = Vec::new();
        for m in self.automaton.find_overlapping_iter(normalized) {
            let pattern = m.pattern().as_usize();
            match counts.iter_mut().find(|(p, _)| *p == pattern) {
                Some((_, n)) => *n += 1,
                None => counts.push((pattern, 1)),
            }
        }
        for (pattern, n) in counts {
            for &(theme, weight) in &self.targets[pattern] {
                scores[theme] += weight * f64::from(n.min(per_hit_cap)) * scale;
            }
        }
    }

    /// The themes of a paragraph, in taxonomy order.
    pub fn tag(&self, text: &str, headings: &[&str]) -> Vec<String> {
        self.tagger().tag(text, headings)
    }

    /// A tagger that remembers heading scores: the paragraphs of a report
    /// share their headings, so each is scanned once.
    pub fn tagger(&self) -> ThemeTagger<'_> {
        ThemeTagger {
            taxonomy: self,
            headings: HashMap::new(),
        }
    }
}

/// Tags paragraphs, caching the keyword scores of headings.
pub struct ThemeTagger<'t> {
    taxonomy: &'t Taxonomy,
    headings: HashMap<String, Vec<f64>>,
}

impl ThemeTagger<'_> {
    /// The themes of a paragraph under `headings` (outermost first), in
    /// taxonomy order.
    pub fn tag(&mut self, text: &str, headings: &[&str]) -> Vec<String> {
        let t = self.taxonomy;
        let mut scores = vec![0.0; t.names.len()];
        t.scores(&normalize(text), 3, 1.0, &mut scores);
        for (i, heading) in headings.iter().rev().enumerate() {
            let scale = if i == 0 { 1.0 } else { 0.5 };
            let heading_scores = self
                .headings
                .entry((*heading).to_string())
                .or_insert_with(|| {
                    let mut s = vec![0.0; t.names.len()];
                    t.scores(&normalize(heading), 1, 1.0, &mut s);
                    s
                });
            for (total, h) in scores.iter_mut().zip(heading_scores.iter()) {
                *total += h * scale;
            }
        }
        t.names
            .iter()
            .zip(scores)
            .filter(|(_, score)| *score >= t.threshold)
            .map(|(name, _)| name.clone())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_taxonomy_has_the_nineteen_themes() {
        let t = Taxonomy::builtin();
        assert_eq!(t.names.len(), 19);
        for name in ["党建", "学前教育", "双减", "经费保障", "社区与家庭教育"] {
            assert!(t.names.contains(&name.to_string()), "{name}");
        }
    }

    #[test]
    fn keywords_add_up_and_headings_count() {
        let t = Taxonomy::builtin();
        let themes = t.tag("新建幼儿园5所,学前教育普及普惠。", &[]);
        assert!(themes.contains(&"学前教育".to_string()), "{themes:?}");
        assert!(!themes.contains(&"双减".to_string()));
        // One weak keyword is not enough...
        assert!(
            !t.tag("加强安全管理。", &[])
                .contains(&"校园安全".to_string())
        );
        // ...the heading above makes it.
        let themes = t.tag(
            "引进优秀毕业生120人。",
            &["二、2025年工作思路", "(四)师资队伍建设更加强劲"],
        );
        assert!(themes.contains(&"教师队伍".to_string()), "{themes:?}");
        // Several themes at once.
        let themes = t.tag("落实双减,课后服务全覆盖;学前教育普惠发展。", &[]);
        assert!(themes.contains(&"双减".to_string()) && themes.contains(&"学前教育".to_string()));
    }

    #[test]
    fn bad_taxonomies_are_clear_errors() {
        assert!(
            Taxonomy::parse("threshold = 3\n", "x")
                .unwrap_err()
                .contains("no [[theme]]")
        );
        let twice = "threshold = 3\n[[theme]]\nname = \"a\"\nkeywords = { \"甲\" = 1 }\n[[theme]]\nname = \"a\"\nkeywords = { \"乙\" = 1 }\n";
        assert!(Taxonomy::parse(twice, "x").unwrap_err().contains("twice"));
        let bad = "threshold = 3\n[[theme]]\nname = \"a\"\nkeywords = { \"甲\" = \"high\" }\n";
        assert!(Taxonomy::parse(bad, "x").unwrap_err().starts_with("line 4"));
        let zero = "threshold = 3\n[[theme]]\nname = \"a\"\nkeywords = { \"甲\" = 0 }\n";
        assert!(Taxonomy::parse(zero, "x").unwrap_err().contains("positive"));
    }

    #[test]
    fn a_taxonomy_holds_as_many_themes_as_an_index_can_and_no_more() {
        let taxonomy = |n: usize| {
            let mut text = String::from("threshold = 3\n");
            for i in 0..n {
                text.push_str(&format!(
                    "[[theme]]\nname = \"t{i}\"\nkeywords = {{ \"词{i}\" = 3 }}\n"
                ));
            }
            Taxonomy::parse(&text, "x")
        };
        assert_eq!(taxonomy(MAX_THEMES).map(|t| t.names.len()), Ok(MAX_THEMES));
        let error = taxonomy(MAX_THEMES + 1).err().unwrap_or_default();
        assert!(error.contains("more than the 62"), "{error}");
    }
}
