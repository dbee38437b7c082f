//! China's administrative divisions, as place-name evidence.
//!
//! The data is `data/gazetteer/divisions.tsv` (derived from
//! modood/Administrative-divisions-of-China, WTFPL; see
//! `data/gazetteer/derive.py`), compiled into the binary and parsed on first
//! use: 31 provinces, ~340 cities, 2,978 county-level areas and ~41,000
//! towns, each with its parent.
//!
//! Every division is findable by its full name (青田县) and, where it has
//! one, its short form (青田): the name without its administrative suffix
//! (省, 市, 县, 区, 旗, 镇, 乡, 街道, 自治州, …) and without the ethnic
//! groups of an autonomous area's name. Short forms of one character are
//! not kept. A single Aho–Corasick automaton finds all forms in a text in
//! one pass.

use aho_corasick::{AhoCorasick, MatchKind};
use std::collections::HashMap;
use std::sync::{LazyLock, OnceLock};

/// The derived gazetteer, compiled in.
pub const DIVISIONS_TSV: &str = include_str!("../../../data/gazetteer/divisions.tsv");

/// Administrative level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Level {
    Province,
    City,
    County,
    Town,
}

/// One division.
#[derive(Debug, Clone)]
pub struct Division {
    pub code: String,
    pub level: Level,
    pub name: String,
    /// Index of the parent division (a county's city, or its province when
    /// it belongs to no city).
    pub parent: Option<usize>,
}

/// One way of writing a division's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Form {
    pub division: usize,
    /// A short form (青田) rather than the full name (青田县).
    pub short: bool,
}

/// The gazetteer with its search automaton.
pub struct Gazetteer {
    pub divisions: Vec<Division>,
    /// The distinct texts searched for, and which forms each stands for.
    pub patterns: Vec<String>,
    pub forms: Vec<Vec<Form>>,
    /// Built on first use: a search that only resolves a place name never
    /// needs it.
    automaton: OnceLock<Option<AhoCorasick>>,
    by_name: HashMap<String, Vec<usize>>,
    by_short: HashMap<String, Vec<usize>>,
}

/// A place name found in a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mention {
    /// Index into [`Gazetteer::patterns`] / [`Gazetteer::forms`].
    pub pattern: usize,
    pub start: usize,
    pub end: usize,
}

static GAZETTEER: LazyLock<Gazetteer> = LazyLock::new(|| Gazetteer::parse(DIVISIONS_TSV));

/// The compiled-in gazetteer (parsed on first use).
pub fn gazetteer() -> &'static Gazetteer {
    &GAZETTEER
}

/// Ethnic groups named in autonomous areas, stripped for short forms
/// (延边朝鲜族自治州 → 延边). Longest first, so 维吾尔 goes before 吾尔.
const ETHNIC_GROUPS: &[&str] = &[
    "维吾尔",
    "哈萨克",
    "柯尔克孜",
    "塔吉克",
    "锡伯",
    "蒙古",
    "朝鲜",
    "土家",
    "布依",
    "傈僳",
    "哈尼",
    "拉祜",
    "纳西",
    "景颇",
    "仫佬",
    "毛南",
    "仡佬",
    "达斡尔",
    "鄂温克",
    "鄂伦春",
    "撒拉",
    "保安",
    "裕固",
    "东乡",
    "独龙",
    "普米",
    "阿昌",
    "德昂",
    "基诺",
    "怒",
    "傣",
    "藏",
    "回",
    "苗",
    "彝",
    "壮",
    "侗",
    "瑶",
    "白",
    "黎",
    "佤",
    "畲",
    "水",
    "土",
    "羌",
    "满",
    "京",
    "各",
];

fn strip_ethnic(mut name: &str) -> &str {
    // "…各族", "…朝鲜族", "…苗族侗族", and "新疆维吾尔" without 族:
    // strip trailing groups (one-character groups only before 族).
    loop {
        let (rest, single_ok) = match name.strip_suffix('族') {
            Some(rest) => (rest, true),
            None => (name, false),
        };
        let group = ETHNIC_GROUPS
            .iter()
            .find(|g| rest.ends_with(*g) && (single_ok || g.chars().count() > 1));
        match group {
            Some(group) => name = &rest[..rest.len() - group.len()],
            None => return name,
        }
    }
}

/// The short form of a division's name, if it has one of 2+ characters.
pub fn short_form(level: Level, name: &str) -> Option<String> {
    let suffixes: &[&str] = match level {
        Level::Province => &["特别行政区", "自治区", "省", "市"],
        Level::City => &["自治州", "地区", "盟", "市"],
        Level::County => &["自治县", "自治旗", "林区", "特区", "县", "区", "市", "旗"],
        Level::Town => &[
            "街道办事处",
            "地区办事处",
            "办事处",
            "民族乡",
            "民族苏木",
            "街道",
            "苏木",
            "镇",
            "乡",
        ],
    };
    let stem = suffixes.iter().find_map(|s| name.strip_suffix(s))?;
    let stem = strip_ethnic(stem);
    (stem.chars().count() >= 2 && stem != name).then(|| stem.to_string())
}

impl Gazetteer {
    /// Parse `code\tlevel\tname\tparent` lines ('#' lines are comments).
    pub fn parse(tsv: &str) -> Gazetteer {
        let mut divisions = Vec::new();
        let mut parents = Vec::new();
        let mut index_of = HashMap::new();
        for line in tsv.lines() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let mut cols = line.split('\t');
            let (Some(code), Some(level), Some(name), parent) =
                (cols.next(), cols.next(), cols.next(), cols.next())
            else {
                continue;
            };
            let level = match level {
                "province" => Level::Province,
                "city" => Level::City,
                "county" => Level::County,
                "town" => Level::Town,
                _ => continue,
            };
            index_of.insert(code.to_string(), divisions.len());
            parents.push(parent.unwrap_or("").to_string());
            divisions.push(Division {
                code: code.to_string(),
                level,
                name: name.to_string(),
                parent: None,
            });
        }
        for (division, parent) in divisions.iter_mut().zip(&parents) {
            division.parent = index_of.get(parent).copied();
        }
        let mut pattern_index: HashMap<String, usize> = HashMap::new();
        let mut patterns = Vec::new();
        let mut forms: Vec<Vec<Form>> = Vec::new();
        let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
        let mut by_short: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, division) in divisions.iter().enumerate() {
            by_name.entry(division.name.clone()).or_default().push(i);
            let mut add = |text: String, short: bool| {
                let id = *pattern_index.entry(text.clone()).or_insert_with(|| {
                    patterns.push(text);
                    forms.push(Vec::new());
                    patterns.len() - 1
                });
                forms[id].push(Form { division: i, short });
            };
            if division.name.chars().count() >= 2 {
                add(division.name.clone(), false);
            }
            if let Some(short) = short_form(division.level, &division.name) {
                by_short.entry(short.clone()).or_default().push(i);
                add(short, true);
            }
        }
        Gazetteer {
            divisions,
            patterns,
            forms,
            automaton: OnceLock::new(),
            by_name,
            by_short,
        }
    }

    /// Every place-name occurrence in `text`, overlapping ones included.
    pub fn mentions(&self, text: &str) -> Vec<Mention> {
        // Building the automaton fails only past aho-corasick's size
        // limits, far beyond a gazetteer's; then nothing is found.
        let automaton = self.automaton.get_or_init(|| {
            AhoCorasick::builder()
                .match_kind(MatchKind::Standard)
                .build(&self.patterns)
                .ok()
        });
        let Some(automaton) = automaton else {
            return Vec::new();
        };
        automaton
            .find_overlapping_iter(text)
            .map(|m| Mention {
                pattern: m.pattern().as_usize(),
                start: m.start(),
                end: m.end(),
            })
            .collect()
    }

    /// The division above `index` at `level` (itself if it is at that level).
    pub fn ancestor(&self, index: usize, level: Level) -> Option<usize> {
        let mut at = Some(index);
        while let Some(i) = at {
            let division = &self.divisions[i];
            if division.level == level {
                return Some(i);
            }
            if division.level < level {
                return None;
            }
            at = division.parent;
        }
        None
    }

    /// Divisions with exactly this full name.
    pub fn named(&self, name: &str) -> &[usize] {
        self.by_name.get(name).map_or(&[], Vec::as_slice)
    }

    /// Divisions with this short form (青田 → 青田县).
    pub fn short_named(&self, name: &str) -> &[usize] {
        self.by_short.get(name).map_or(&[], Vec::as_slice)
    }

    /// The divisions at `level` a name given by a person may mean: those
    /// with that full name; else with that short form; else whose full
    /// name starts with it.
    pub fn candidates(&self, name: &str, level: Level) -> Vec<usize> {
        let at_level = |list: &[usize]| -> Vec<usize> {
            list.iter()
                .copied()
                .filter(|&i| self.divisions[i].level == level)
                .collect()
        };
        let full = at_level(self.named(name));
        if !full.is_empty() {
            return full;
        }
        let short = at_level(self.short_named(name));
        if !short.is_empty() {
            return short;
        }
        if name.chars().count() < 2 {
            return Vec::new();
        }
        self.divisions
            .iter()
            .enumerate()
            .filter(|(_, d)| d.level == level && d.name.starts_with(name))
            .map(|(i, _)| i)
            .collect()
    }

    /// A division's name with the divisions above it: 朝阳区 (长春市, 吉林省).
    pub fn describe(&self, index: usize) -> String {
        let mut parents: Vec<&str> = Vec::new();
        let mut at = self.divisions[index].parent;
        while let Some(i) = at {
            let name = self.divisions[i].name.as_str();
            if !parents.contains(&name) {
                parents.push(name);
            }
            at = self.divisions[i].parent;
        }
        if parents.is_empty() {
            self.divisions[index].name.clone()
        } else {
            format!("{} ({})", self.divisions[index].name, parents.join(", "))
        }
    }

    /// Resolve a place name given in a manifest or a filter (full or short
    /// form) at a level, within an optional parent; `None` unless exactly
    /// one division fits.
    pub fn resolve(&self, name: &str, level: Level, within: Option<usize>) -> Option<usize> {
        let mut found: Vec<usize> = self
            .named(name)
            .iter()
            .copied()
            .filter(|&i| self.divisions[i].level == level)
            .collect();
        if found.is_empty() {
            found = self
                .short_named(name)
                .iter()
                .copied()
                .filter(|&i| self.divisions[i].level == level)
                .collect();
        }
        if let Some(parent) = within {
            let parent_level = self.divisions[parent].level;
            found.retain(|&i| self.ancestor(i, parent_level) == Some(parent));
        }
        (found.len() == 1).then(|| found[0])
    }

    pub fn name(&self, index: usize) -> &str {
        &self.divisions[index].name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_forms() {
        assert_eq!(short_form(Level::County, "青田县").as_deref(), Some("青田"));
        assert_eq!(short_form(Level::County, "瓯海区").as_deref(), Some("瓯海"));
        assert_eq!(short_form(Level::County, "成县"), None);
        assert_eq!(
            short_form(Level::County, "长白朝鲜族自治县").as_deref(),
            Some("长白")
        );
        assert_eq!(
            short_form(Level::City, "延边朝鲜族自治州").as_deref(),
            Some("延边")
        );
        assert_eq!(
            short_form(Level::City, "黔东南苗族侗族自治州").as_deref(),
            Some("黔东南")
        );
        assert_eq!(
            short_form(Level::Province, "新疆维吾尔自治区").as_deref(),
            Some("新疆")
        );
        assert_eq!(
            short_form(Level::Province, "浙江省").as_deref(),
            Some("浙江")
        );
        assert_eq!(
            short_form(Level::Province, "北京市").as_deref(),
            Some("北京")
        );
        assert_eq!(
            short_form(Level::Town, "那尔轰镇").as_deref(),
            Some("那尔轰")
        );
        assert_eq!(short_form(Level::Town, "新街街道").as_deref(), Some("新街"));
    }

    #[test]
    fn the_compiled_gazetteer_is_whole() {
        let g = gazetteer();
        let count = |level| g.divisions.iter().filter(|d| d.level == level).count();
        assert_eq!(count(Level::Province), 31);
        assert_eq!(count(Level::County), 2978);
        assert!(count(Level::City) > 300);
        assert!(count(Level::Town) > 40_000);
        let jingyu = g.resolve("靖宇县", Level::County, None).expect("靖宇县");
        let city = g.ancestor(jingyu, Level::City).expect("city");
        let province = g.ancestor(jingyu, Level::Province).expect("province");
        assert_eq!((g.name(city), g.name(province)), ("白山市", "吉林省"));
        // Municipality districts have the municipality as their city.
        let dongcheng = g.resolve(
            "东城区",
            Level::County,
            g.resolve("北京市", Level::Province, None),
        );
        let dongcheng = dongcheng.expect("东城区 of 北京市");
        assert_eq!(
            g.name(g.ancestor(dongcheng, Level::City).unwrap()),
            "北京市"
        );
        // 朝阳区 is in 北京 and 长春: ambiguous without a parent.
        assert_eq!(g.resolve("朝阳区", Level::County, None), None);
        assert_eq!(
            g.resolve("青田", Level::County, None),
            g.resolve("青田县", Level::County, None)
        );
    }

    #[test]
    fn mentions_find_full_and_short_forms() {
        let g = gazetteer();
        let text = "那尔轰农业高中和赤松学校";
        let found: Vec<&str> = g
            .mentions(text)
            .iter()
            .map(|m| g.patterns[m.pattern].as_str())
            .collect();
        assert!(
            found.contains(&"那尔轰") && found.contains(&"赤松"),
            "{found:?}"
        );
        let chisong = g.patterns.iter().position(|p| p == "赤松").unwrap();
        let counties: Vec<&str> = g.forms[chisong]
            .iter()
            .map(|f| g.name(g.ancestor(f.division, Level::County).unwrap()))
            .collect();
        assert!(
            counties.contains(&"靖宇县") && counties.contains(&"金东区"),
            "{counties:?}"
        );
    }
}
