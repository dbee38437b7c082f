//! Tags: which place and year a report is about, and the year, kind and
//! themes of each paragraph.
//!
//! Every tag records where it came from ([`TagSource`]) and how sure we are
//! ([`Tagged::confidence`]); the manifest wins over everything inferred.
//!
//! * [`place`]: county, city and province, weighed from place names in the
//!   file name, title and text against the [`gazetteer`];
//! * [`years`]: the year a report reviews, and each paragraph's year or
//!   span of years from the headings above it;
//! * [`kind`]: review, plan or other, from the headings;
//! * themes: from the taxonomy in `analysis::themes`.
//!
//! The tagger's output for each paragraph is the record's [`Tags`]; the
//! report-level [`ReportTags`] keep where each tag came from, for `check`.

pub mod gazetteer;
pub mod kind;
pub mod place;
pub mod tagged;
pub mod years;

pub use tagged::{TagSource, Tagged};

use super::manifest::{Manifest, ManifestEntry};
use super::record::{Kind, Paragraph, Place, Role, Tags, Year, Years};
use crate::analysis::themes::Taxonomy;
use serde::Serialize;

/// What a heading path says: year, span of years, kind.
type PathTags = (Option<Year>, Option<years::Span>, Kind);

/// Bumped whenever tagging rules change, so that an incremental build
/// re-tags reports whose text did not change (2: bare years in file names).
const TAGGING_VERSION: u32 = 3;

/// What a report is about, as a whole, with where each tag came from.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ReportTags {
    pub title: String,
    pub county: Option<Tagged<String>>,
    pub city: Option<Tagged<String>>,
    pub province: Option<Tagged<String>>,
    /// The year the report reviews.
    pub year: Option<Tagged<Year>>,
}

impl ReportTags {
    /// The place every paragraph of the report is tagged with.
    pub fn place(&self) -> Place {
        let value = |t: &Option<Tagged<String>>| t.as_ref().map(|t| t.value.clone());
        Place {
            county: value(&self.county),
            city: value(&self.city),
            province: value(&self.province),
        }
    }

    pub fn year_value(&self) -> Option<Year> {
        self.year.as_ref().map(|t| t.value)
    }
}

/// The fingerprint of the reading and tagging rules alone (without the
/// themes): when either changes, every report is read again.
pub fn rules_fingerprint() -> String {
    format!(
        "read-{}-tags-{TAGGING_VERSION}-",
        crate::corpus::extract::READER_VERSION
    )
}

/// Tags reports and paragraphs; built once per corpus.
#[derive(Debug, Clone)]
pub struct Tagger {
    manifest: Manifest,
    themes: Taxonomy,
}

impl Default for Tagger {
    fn default() -> Self {
        Tagger::new(Manifest::default(), Taxonomy::builtin())
    }
}

impl Tagger {
    pub fn new(manifest: Manifest, themes: Taxonomy) -> Tagger {
        Tagger { manifest, themes }
    }

    /// The tagger for a corpus directory: its manifest (if any), and the
    /// theme taxonomy from `themes` or the corpus folder or the built-in.
    pub fn for_corpus(
        corpus: &std::path::Path,
        themes: Option<&std::path::Path>,
    ) -> crate::Result<Tagger> {
        let manifest = Manifest::load(corpus)?;
        let taxonomy = Taxonomy::for_corpus(corpus, themes)
            .map_err(|(path, message)| crate::Error::Themes { path, message })?;
        Ok(Tagger::new(manifest, taxonomy))
    }

    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    pub fn themes(&self) -> &Taxonomy {
        &self.themes
    }

    /// A fingerprint of the tagging rules and data: when it changes, every
    /// report is re-tagged. It starts with [`rules_fingerprint`].
    pub fn fingerprint(&self) -> String {
        format!("{}themes-{:016x}", rules_fingerprint(), self.themes.hash)
    }

    /// The names of the themes paragraphs can be tagged with.
    pub fn theme_names(&self) -> Vec<String> {
        self.themes.names.clone()
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
    pub fn tag(&self, file: &str, text: &str, paragraphs: &[Paragraph]) -> (ReportTags, Vec<Tags>) {
        let entry = self.manifest.get(file);
        let detected_title = detect_title(paragraphs);
        let title_for_inference = match entry.and_then(|e| e.title.as_deref()) {
            Some(t) if !t.trim().is_empty() => format!("{t} {detected_title}"),
            _ => detected_title.clone(),
        };
        let report = self.report_tags(
            file,
            text,
            entry,
            &detected_title,
            &title_for_inference,
            paragraphs,
        );
        let delivered = years::delivered_in(file, &title_for_inference);
        let default_kind =
            kind::of_text(&report.title).or_else(|| kind::of_text(&title_from_file(file)));
        let report_year = report.year_value();
        let mut themes = self.themes.tagger();
        let place = report.place();
        // Runs of paragraphs share a heading path; its year and kind are
        // worked out once per run.
        let mut last: Option<(&[String], PathTags)> = None;
        let paragraph_tags = paragraphs
            .iter()
            .map(|p| {
                let (year, span, kind) = match &last {
                    Some((headings, tags))
                        if *headings == p.headings.as_slice() && p.role != Role::Heading =>
                    {
                        *tags
                    }
                    _ => {
                        let path = years::own_path(p);
                        let (year, span) = years::paragraph_years(&path, report_year, delivered);
                        let tags = (year, span, kind::of_path(&path, default_kind));
                        if p.role != Role::Heading {
                            last = Some((p.headings.as_slice(), tags));
                        }
                        tags
                    }
                };
                // The paragraph's own words win where they speak of a
                // later year's plans ("2024年，县教育局将……" at the end of a
                // 2023 review).
                let (year, span, kind) = match years::leading_year(&p.text) {
                    Some(own)
                        if p.role == Role::Body
                            && year.is_some_and(|y| own > y)
                            && kind::speaks_of_plans(&p.text) =>
                    {
                        (
                            Some(own),
                            Some(years::Span { from: own, to: own }),
                            Kind::Plan,
                        )
                    }
                    _ => (year, span, kind),
                };
                let headings: Vec<&str> = p.headings.iter().map(String::as_str).collect();
                Tags {
                    place: place.clone(),
                    years: year.zip(span).map(|(year, span)| Years {
                        year,
                        from: span.from,
                        to: span.to,
                    }),
                    kind,
                    themes: themes.tag(&p.text, &headings),
                }
            })
            .collect();
        (report, paragraph_tags)
    }

    fn report_tags(
        &self,
        file: &str,
        text: &str,
        entry: Option<&ManifestEntry>,
        detected_title: &str,
        title_for_inference: &str,
        paragraphs: &[Paragraph],
    ) -> ReportTags {
        let g = gazetteer::gazetteer();
        let manifest_field =
            |f: fn(&ManifestEntry) -> &Option<String>| entry.and_then(|e| f(e).clone());
        let (county, city, province) = (
            manifest_field(|e| &e.county),
            manifest_field(|e| &e.city),
            manifest_field(|e| &e.province),
        );
        let mut tags = ReportTags {
            title: entry
                .and_then(|e| e.title.clone())
                .filter(|t| !t.trim().is_empty())
                .or_else(|| (!detected_title.is_empty()).then(|| detected_title.to_string()))
                .unwrap_or_else(|| title_from_file(file)),
            county: non_empty(&county),
            city: non_empty(&city),
            province: non_empty(&province),
            year: entry.and_then(|e| e.year).map(Tagged::manifest),
        };
        // Fill a manifest place's missing parents from the gazetteer.
        fill_parents_from_manifest(
            g,
            &mut tags,
            county.is_some(),
            city.is_some(),
            province.is_some(),
        );
        // Infer what the manifest does not say (an empty string in the
        // manifest means "known to be unknown": not inferred).
        let unknown = |given: &Option<String>, have: &Option<Tagged<String>>| {
            given.is_none() && have.is_none()
        };
        if unknown(&county, &tags.county)
            || unknown(&city, &tags.city)
            || unknown(&province, &tags.province)
        {
            let inferred = place::infer(g, file, title_for_inference, text);
            let consistent_with_manifest =
                |inferred_value: &Option<Tagged<String>>, given: &Option<Tagged<String>>| match (
                    inferred_value,
                    given,
                ) {
                    (Some(i), Some(g)) => i.value == g.value,
                    _ => true,
                };
            // Take the inferred chain only where it agrees with what the
            // manifest says; a conflicting chain is not mixed in.
            if consistent_with_manifest(&inferred.province, &tags.province)
                && consistent_with_manifest(&inferred.city, &tags.city)
                && consistent_with_manifest(&inferred.county, &tags.county)
            {
                if unknown(&county, &tags.county) {
                    tags.county = inferred.county;
                }
                if unknown(&city, &tags.city) {
                    tags.city = inferred.city;
                }
                if unknown(&province, &tags.province) {
                    tags.province = inferred.province;
                }
            }
        }
        if tags.year.is_none() {
            tags.year = years::report_year(file, title_for_inference, paragraphs);
        }
        tags
    }
}

/// The title lines of a report: its unnumbered title headings among its
/// first paragraphs, joined by spaces.
pub fn detect_title(paragraphs: &[Paragraph]) -> String {
    paragraphs
        .iter()
        .take(8)
        .filter(|p| p.role == Role::Heading && p.headings.is_empty())
        .filter(|p| {
            crate::corpus::split::heading_marker(&p.text).is_none_or(|(level, _)| level <= 1)
        })
        .map(|p| p.text.trim_start_matches('#').trim())
        .collect::<Vec<_>>()
        .join(" ")
}

/// With a county (or city) from the manifest, take its city and province
/// from the gazetteer when the manifest leaves them out.
fn fill_parents_from_manifest(
    g: &gazetteer::Gazetteer,
    tags: &mut ReportTags,
    county: bool,
    city: bool,
    province: bool,
) {
    use gazetteer::Level;
    let within = tags
        .province
        .as_ref()
        .and_then(|p| g.resolve(&p.value, Level::Province, None));
    let city_index = tags
        .city
        .as_ref()
        .and_then(|c| g.resolve(&c.value, Level::City, within));
    if let Some(c) = &tags.county
        && let Some(index) = g.resolve(&c.value, Level::County, city_index.or(within))
    {
        if !city && let Some(parent) = g.ancestor(index, Level::City) {
            tags.city = Some(Tagged::manifest(g.name(parent).to_string()));
        }
        if !province && let Some(parent) = g.ancestor(index, Level::Province) {
            tags.province = Some(Tagged::manifest(g.name(parent).to_string()));
        }
    } else if !county
        && let Some(index) = city_index
        && !province
        && let Some(parent) = g.ancestor(index, Level::Province)
    {
        tags.province = Some(Tagged::manifest(g.name(parent).to_string()));
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
