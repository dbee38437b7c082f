//! A tag value with where it came from and how sure the tagger is.

use serde::{Serialize, Serializer};

/// Where a tag came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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

impl Serialize for TagSource {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

/// A tag value with its provenance.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Tagged<T> {
    pub value: T,
    pub source: TagSource,
    /// 0.0–1.0; the manifest is 1.0. Serialised to two decimals: the
    /// evidence behind it is not more precise than that.
    #[serde(serialize_with = "two_decimals")]
    pub confidence: f32,
}

fn two_decimals<S: Serializer>(value: &f32, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64((f64::from(*value) * 100.0).round() / 100.0)
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
