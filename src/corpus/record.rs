//! The paragraph record: what baogao knows about one paragraph, defined
//! once and used as it is everywhere above this layer.
//!
//! A [`Record`] is a [`Paragraph`] (where it is and what it says) and its
//! [`Tags`] (place, years, kind, themes). The corpus layer makes records;
//! the index layer writes them with one function and reads them back with
//! one function; search hits, JSON and CSV output, export and `check` use
//! them as they are, serialised by serde on these types (the JSON keys are
//! the serde names below, flattened into one object).
//!
//! [`Dimension`] lists the tag dimensions. Query field names (`county:`),
//! filter flags (`--county`), facets, trend and group-by keys all come from
//! it, so a new dimension is one arm here, a field of [`Tags`], the code
//! that infers it, and nothing else: the index schema and every command
//! pick it up from [`Dimension::ALL`].

use serde::{Serialize, Serializer};

/// A year, as reports write them (AD).
pub type Year = i32;

/// What a paragraph is to the reader.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    #[default]
    Body,
    /// A bare heading line: context for the paragraphs under it.
    Heading,
    /// A photo caption (▲…).
    Caption,
}

impl Role {
    pub fn code(self) -> u64 {
        match self {
            Role::Body => 0,
            Role::Heading => 1,
            Role::Caption => 2,
        }
    }

    pub fn from_code(value: u64) -> Role {
        match value {
            1 => Role::Heading,
            2 => Role::Caption,
            _ => Role::Body,
        }
    }
}

/// Separator of heading titles when a heading path is shown as one string.
pub const HEADING_SEPARATOR: &str = " › ";

/// A paragraph as found in a report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Paragraph {
    /// Path of the report relative to the corpus root, `/`-separated.
    pub file: String,
    /// 1-based position among the report's paragraphs.
    #[serde(rename = "paragraph")]
    pub number: u32,
    /// 1-based line of the text where the paragraph starts; 0 for formats
    /// without lines (web pages, Word files, PDFs), and then not serialised.
    #[serde(skip_serializing_if = "is_zero")]
    pub line: u32,
    /// 1-based page, for formats that have pages (PDF).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    /// The headings above the paragraph, outermost first; a numbered
    /// paragraph's own lead sentence is the last one.
    #[serde(rename = "heading", serialize_with = "serialize_heading_path")]
    pub headings: Vec<String>,
    /// Not serialised: it only adjusts ranking.
    #[serde(skip)]
    pub role: Role,
    /// The text, trimmed, whitespace runs collapsed to one space.
    pub text: String,
}

impl Paragraph {
    /// The heading path as one string, titles joined by ` › `.
    pub fn heading_path(&self) -> String {
        self.headings.join(HEADING_SEPARATOR)
    }

    /// Where the paragraph is, as the terminal shows it: `file:line`,
    /// `file:p3` for a paged format, `file` for one without lines.
    pub fn location(&self) -> String {
        match self.page {
            Some(page) => format!("{}:p{page}", self.file),
            None if self.line == 0 => self.file.clone(),
            None => format!("{}:{}", self.file, self.line),
        }
    }
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

fn serialize_heading_path<S: Serializer>(headings: &[String], s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(&headings.join(HEADING_SEPARATOR))
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
    pub const ALL: [Kind; 3] = [Kind::Review, Kind::Plan, Kind::Other];

    pub fn name(self) -> &'static str {
        match self {
            Kind::Review => "review",
            Kind::Plan => "plan",
            Kind::Other => "other",
        }
    }

    pub fn parse(text: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.name() == text)
    }
}

/// Where a report is from. Each level is `None` when unknown.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize)]
pub struct Place {
    pub county: Option<String>,
    pub city: Option<String>,
    pub province: Option<String>,
}

impl Place {
    /// The most specific level known, for display.
    pub fn label(&self) -> Option<&str> {
        self.county
            .as_deref()
            .or(self.city.as_deref())
            .or(self.province.as_deref())
    }
}

/// The year a paragraph describes, and the span of years it covers (a
/// 十三五 review covers 2016–2020; a single year has `from == to`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Years {
    pub year: Year,
    pub from: Year,
    pub to: Year,
}

impl Years {
    pub fn single(year: Year) -> Years {
        Years {
            year,
            from: year,
            to: year,
        }
    }

    /// `2024`, or `2016–2020` for a span.
    pub fn label(&self) -> String {
        if self.from != self.to {
            format!("{}–{}", self.from, self.to)
        } else {
            self.year.to_string()
        }
    }
}

/// The tags of a paragraph.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Tags {
    #[serde(flatten)]
    pub place: Place,
    /// `year`, `year_from`, `year_to` in JSON, each `null` when unknown.
    #[serde(flatten, serialize_with = "serialize_years")]
    pub years: Option<Years>,
    pub kind: Kind,
    pub themes: Vec<String>,
}

fn serialize_years<S: Serializer>(years: &Option<Years>, s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeStruct;
    let mut out = s.serialize_struct("Years", 3)?;
    out.serialize_field("year", &years.map(|y| y.year))?;
    out.serialize_field("year_from", &years.map(|y| y.from))?;
    out.serialize_field("year_to", &years.map(|y| y.to))?;
    out.end()
}

/// A paragraph and its tags.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Record {
    #[serde(flatten)]
    pub paragraph: Paragraph,
    #[serde(flatten)]
    pub tags: Tags,
}

/// A tag dimension: what a query can filter on (`county:青田县`, `--county`)
/// and what facets, trends and groups count by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dimension {
    Province,
    City,
    County,
    Year,
    Kind,
    Theme,
}

/// How a dimension's values are stored and filtered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueKind {
    /// Exact strings (a place name, a kind, a theme).
    Text,
    /// A span of years, filtered by overlap with a range.
    Years,
}

impl Dimension {
    /// Every dimension, in the order facets are shown.
    pub const ALL: [Dimension; 6] = [
        Dimension::Province,
        Dimension::City,
        Dimension::County,
        Dimension::Year,
        Dimension::Kind,
        Dimension::Theme,
    ];

    /// The name used as a query field, a flag, a facet and a JSON key.
    pub fn name(self) -> &'static str {
        match self {
            Dimension::Province => "province",
            Dimension::City => "city",
            Dimension::County => "county",
            Dimension::Year => "year",
            Dimension::Kind => "kind",
            Dimension::Theme => "theme",
        }
    }

    pub fn from_name(name: &str) -> Option<Dimension> {
        let name = name.to_ascii_lowercase();
        Dimension::ALL.into_iter().find(|d| d.name() == name)
    }

    /// One line of help for its filter flag.
    pub fn help(self) -> &'static str {
        match self {
            Dimension::Province => "Only paragraphs from this province (浙江省)",
            Dimension::City => "Only paragraphs from this city (温州市)",
            Dimension::County => "Only paragraphs from this county (青田县)",
            Dimension::Year => {
                "Only paragraphs about this year or range (2024, 2020..2023, 2022.., ..2020)"
            }
            Dimension::Kind => "Only paragraphs of this kind (review, plan, other)",
            Dimension::Theme => "Only paragraphs tagged with this theme",
        }
    }

    pub fn value_kind(self) -> ValueKind {
        match self {
            Dimension::Year => ValueKind::Years,
            _ => ValueKind::Text,
        }
    }

    /// Can a paragraph have several values (and so count in several
    /// facet buckets)?
    pub fn is_multi_valued(self) -> bool {
        self == Dimension::Theme
    }

    /// The values a paragraph has in this dimension, as text (a year
    /// dimension gives its year).
    pub fn values(self, tags: &Tags) -> Vec<&str> {
        fn one(v: &Option<String>) -> Vec<&str> {
            v.as_deref().into_iter().collect()
        }
        match self {
            Dimension::Province => one(&tags.place.province),
            Dimension::City => one(&tags.place.city),
            Dimension::County => one(&tags.place.county),
            Dimension::Year => Vec::new(),
            Dimension::Kind => vec![tags.kind.name()],
            Dimension::Theme => tags.themes.iter().map(String::as_str).collect(),
        }
    }

    /// Set a text dimension's values (the inverse of [`Dimension::values`],
    /// used when a record is read back from the index).
    pub fn set_values(self, tags: &mut Tags, mut values: Vec<String>) {
        let first = |values: &mut Vec<String>| (!values.is_empty()).then(|| values.swap_remove(0));
        match self {
            Dimension::Province => tags.place.province = first(&mut values),
            Dimension::City => tags.place.city = first(&mut values),
            Dimension::County => tags.place.county = first(&mut values),
            Dimension::Year => {}
            Dimension::Kind => {
                tags.kind = values
                    .first()
                    .and_then(|v| Kind::parse(v))
                    .unwrap_or_default()
            }
            Dimension::Theme => tags.themes = values,
        }
    }

    /// Check a filter value for this dimension, or say why it is invalid.
    /// (Places are resolved against the gazetteer by the search layer.)
    pub fn check_value(self, value: &str) -> Result<(), String> {
        match self {
            Dimension::Kind if Kind::parse(value).is_none() => Err(format!(
                "unknown kind '{value}' (kinds are {})",
                Kind::ALL.map(Kind::name).join(", ")
            )),
            _ => Ok(()),
        }
    }
}

impl std::fmt::Display for Dimension {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record() -> Record {
        Record {
            paragraph: Paragraph {
                file: "a.txt".into(),
                number: 3,
                line: 7,
                page: None,
                headings: vec!["一、总结".into(), "(一)学前".into()],
                role: Role::Body,
                text: "学前教育。".into(),
            },
            tags: Tags {
                place: Place {
                    county: Some("青田县".into()),
                    city: None,
                    province: Some("浙江省".into()),
                },
                years: Some(Years {
                    year: 2020,
                    from: 2016,
                    to: 2020,
                }),
                kind: Kind::Review,
                themes: vec!["学前教育".into()],
            },
        }
    }

    #[test]
    fn a_record_serialises_flat_with_nulls_for_unknown_tags() {
        let json = serde_json::to_value(record()).unwrap();
        assert_eq!(json["file"], "a.txt");
        assert_eq!(json["paragraph"], 3);
        assert_eq!(json["heading"], "一、总结 › (一)学前");
        assert_eq!(json["county"], "青田县");
        assert!(json["city"].is_null());
        assert_eq!(
            (&json["year"], &json["year_from"], &json["year_to"]),
            (&2020.into(), &2016.into(), &2020.into())
        );
        assert_eq!(json["kind"], "review");
        assert!(json.get("page").is_none() && json.get("role").is_none());
        let mut undated = record();
        undated.tags.years = None;
        let json = serde_json::to_value(undated).unwrap();
        assert!(json["year"].is_null() && json["year_to"].is_null());
    }

    #[test]
    fn dimension_values_round_trip() {
        let tags = record().tags;
        let mut back = Tags {
            years: tags.years,
            ..Tags::default()
        };
        for dim in Dimension::ALL {
            let values = dim.values(&tags).iter().map(|v| v.to_string()).collect();
            dim.set_values(&mut back, values);
        }
        assert_eq!(back, tags);
        for dim in Dimension::ALL {
            assert_eq!(Dimension::from_name(dim.name()), Some(dim));
        }
        assert!(Dimension::Kind.check_value("draft").is_err());
        assert!(Dimension::Kind.check_value("plan").is_ok());
    }
}
