//! Place names as people write them: `--county 青田`, `city:温州`,
//! `--province 浙江`. A name resolves through the gazetteer to the full name
//! the index is tagged with — its short form without 县/区/市/旗/省/自治区…,
//! or a unique prefix. A name several places share is an error that lists
//! them with the divisions above each (朝阳 is 朝阳区 in 北京市, 朝阳区 in
//! 长春市 and 朝阳县 in 朝阳市); a name the gazetteer does not know is left
//! as it is, for the engine to look up in the index (national reports are
//! tagged 全国, which is no division).

use crate::corpus::record::Dimension;
use crate::corpus::tags::gazetteer::{Level, gazetteer};

/// Candidates listed in an ambiguity error.
const SHOWN_CANDIDATES: usize = 8;

fn level(dim: Dimension) -> Option<Level> {
    match dim {
        Dimension::County => Some(Level::County),
        Dimension::City => Some(Level::City),
        Dimension::Province => Some(Level::Province),
        _ => None,
    }
}

/// The full name a place filter means, or why it cannot be told.
pub fn resolve(dim: Dimension, name: &str) -> Result<String, String> {
    let Some(level) = level(dim) else {
        return Ok(name.to_string());
    };
    let g = gazetteer();
    let candidates = g.candidates(name, level);
    let mut names: Vec<&str> = candidates.iter().map(|&i| g.name(i)).collect();
    names.sort_unstable();
    names.dedup();
    match names.as_slice() {
        [] => Ok(name.to_string()),
        [one] => Ok(one.to_string()),
        _ => {
            let mut listed: Vec<String> = candidates.iter().map(|&i| g.describe(i)).collect();
            listed.sort();
            let more = listed.len().saturating_sub(SHOWN_CANDIDATES);
            listed.truncate(SHOWN_CANDIDATES);
            let mut message = format!(
                "{dim} '{name}' is ambiguous: it could be {}",
                listed.join(", ")
            );
            if more > 0 {
                message.push_str(&format!(" and {more} more"));
            }
            message.push_str("; give the full name");
            Err(message)
        }
    }
}

/// Does the gazetteer know a division of this dimension by this full name?
pub fn is_known(dim: Dimension, name: &str) -> bool {
    level(dim).is_some_and(|level| {
        gazetteer()
            .named(name)
            .iter()
            .any(|&i| gazetteer().divisions[i].level == level)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names_and_prefixes_resolve_when_unique() {
        assert_eq!(resolve(Dimension::County, "青田").unwrap(), "青田县");
        assert_eq!(resolve(Dimension::County, "青田县").unwrap(), "青田县");
        assert_eq!(resolve(Dimension::City, "温州").unwrap(), "温州市");
        assert_eq!(resolve(Dimension::Province, "浙江").unwrap(), "浙江省");
        assert_eq!(
            resolve(Dimension::Province, "广西").unwrap(),
            "广西壮族自治区"
        );
        // A full name shared by two districts is what both are tagged with.
        assert_eq!(resolve(Dimension::County, "朝阳区").unwrap(), "朝阳区");
        // Unknown: left for the index to answer (全国 is no division).
        assert_eq!(resolve(Dimension::Province, "全国").unwrap(), "全国");
    }

    #[test]
    fn an_ambiguous_name_lists_its_candidates() {
        let err = resolve(Dimension::County, "朝阳").unwrap_err();
        assert!(err.contains("朝阳区 (北京市)"), "{err}");
        assert!(err.contains("朝阳区 (长春市, 吉林省)"), "{err}");
        assert!(err.contains("朝阳县"), "{err}");
    }
}
