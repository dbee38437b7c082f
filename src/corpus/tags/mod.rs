//! Tags: which place and year a report is about, and the year, kind and
//! themes of each paragraph.
//!
//! Every tag records where it came from ([`TagSource`]) and how sure we are
//! ([`Tagged::confidence`]); the manifest wins over everything inferred.

use super::manifest::{Manifest, ManifestEntry};
use super::split::Paragraph;
use serde::Serialize;

/// Bumped whenever tagging rules change.
const TAGGING_VERSION: u32 = 1;

/// Where a tag came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TagSource {
    Manifest,
    Text,
    FileName,
    Heading,
}

impl TagSource {
    pub fn name(self) -> &'static str {
        match self {
            TagSource::Manifest => "manifest",
            TagSource::Text => "text",
            TagSource::FileName => "file name",
            TagSource::Heading => "heading",
        }
    }
}

/// A tag value with its provenance.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Tagged<T> {
    pub value: T,
    pub source: TagSource,
    /// 0.0–1.0; the manifest is 1.0.
    pub confidence: f32,
}

impl<T> Tagged<T> {
    pub fn manifest(value: T) -> Self {
        Tagged {
            value,
            source: TagSource::Manifest,
            confidence: 1.0,
        }
    }
}

/// What a report is about, as a whole.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReportTags {
    pub title: String,
    pub county: Option<Tagged<String>>,
    pub city: Option<Tagged<String>>,
    pub province: Option<Tagged<String>>,
    /// The year the report reviews.
    pub year: Option<Tagged<i32>>,
}

impl ReportTags {
    pub fn county_name(&self) -> &str {
        self.county.as_ref().map_or("", |t| t.value.as_str())
    }
    pub fn city_name(&self) -> &str {
        self.city.as_ref().map_or("", |t| t.value.as_str())
    }
    pub fn province_name(&self) -> &str {
        self.province.as_ref().map_or("", |t| t.value.as_str())
    }
    pub fn year_value(&self) -> Option<i32> {
        self.year.as_ref().map(|t| t.value)
    }
}

/// Whether a paragraph reviews past work, plans future work, or neither.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Review,
    Plan,
    #[default]
    Other,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Review => "review",
            Kind::Plan => "plan",
            Kind::Other => "other",
        }
    }

    pub fn parse(text: &str) -> Option<Kind> {
        match text {
            "review" => Some(Kind::Review),
            "plan" => Some(Kind::Plan),
            "other" => Some(Kind::Other),
            _ => None,
        }
    }
}

/// Tags of one paragraph.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ParagraphTags {
    /// The year whose work the paragraph describes.
    pub year: Option<i32>,
    /// The span of years it covers (a 十三五 review covers 2016–2020);
    /// equal to `year` for a single year.
    pub year_from: Option<i32>,
    pub year_to: Option<i32>,
    pub kind: Kind,
    pub themes: Vec<String>,
}

/// Tags reports and paragraphs; built once per corpus.
#[derive(Debug, Clone, Default)]
pub struct Tagger {
    manifest: Manifest,
}

impl Tagger {
    pub fn new(manifest: Manifest) -> Tagger {
        Tagger { manifest }
    }

    /// The tagger for a corpus directory: its manifest, if it has one.
    pub fn for_corpus(corpus: &std::path::Path) -> crate::Result<Tagger> {
        Ok(Tagger::new(Manifest::load(corpus)?))
    }

    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// A fingerprint of the tagging rules and data: when it changes, every
    /// report is re-tagged.
    pub fn fingerprint(&self) -> String {
        format!("tags-{TAGGING_VERSION}")
    }

    /// The names of the themes paragraphs can be tagged with.
    pub fn theme_names(&self) -> Vec<String> {
        Vec::new()
    }

    /// A hash of everything that decides one report's tags apart from its
    /// text: its manifest entry. A report whose entry changed is re-indexed.
    pub fn report_fingerprint(&self, file: &str) -> u64 {
        let entry = self
            .manifest
            .get(file)
            .map(|e| format!("{e:?}"))
            .unwrap_or_default();
        xxhash_rust::xxh3::xxh3_64(entry.as_bytes())
    }

    /// Tag a report and its paragraphs.
    pub fn tag(
        &self,
        file: &str,
        _text: &str,
        paragraphs: &[Paragraph],
    ) -> (ReportTags, Vec<ParagraphTags>) {
        let entry = self.manifest.get(file);
        let report = report_tags_from_manifest(file, entry);
        let year = report.year_value();
        let paragraph_tags = paragraphs
            .iter()
            .map(|_| ParagraphTags {
                year,
                year_from: year,
                year_to: year,
                kind: Kind::Other,
                themes: Vec::new(),
            })
            .collect();
        (report, paragraph_tags)
    }
}

/// The title a report gets when the manifest gives none: its file name
/// without folder and extension.
pub fn title_from_file(file: &str) -> String {
    let name = file.rsplit('/').next().unwrap_or(file);
    match name.rfind('.') {
        Some(dot) if dot > 0 => name[..dot].to_string(),
        _ => name.to_string(),
    }
}

fn non_empty(value: &Option<String>) -> Option<Tagged<String>> {
    value
        .as_ref()
        .filter(|v| !v.trim().is_empty())
        .map(|v| Tagged::manifest(v.trim().to_string()))
}

fn report_tags_from_manifest(file: &str, entry: Option<&ManifestEntry>) -> ReportTags {
    let Some(entry) = entry else {
        return ReportTags {
            title: title_from_file(file),
            ..ReportTags::default()
        };
    };
    ReportTags {
        title: entry
            .title
            .clone()
            .filter(|t| !t.trim().is_empty())
            .unwrap_or_else(|| title_from_file(file)),
        county: non_empty(&entry.county),
        city: non_empty(&entry.city),
        province: non_empty(&entry.province),
        year: entry.year.map(Tagged::manifest),
    }
}
