//! Which county, city and province a report is about, inferred from its
//! file name, its title and its text.
//!
//! Evidence is weighed, not taken from the first hit:
//!
//! * a mention of a county (青田县, or the short form 青田) is evidence for
//!   that county; of a town (那尔轰镇, 那尔轰) for the town's county, split
//!   between counties when several have a town of that name (赤松镇 is in
//!   靖宇县 and in 金东区); city and province mentions are evidence for
//!   themselves and context for the counties under them, which is how a
//!   name shared across provinces (朝阳区, 鼓楼区) is resolved;
//! * weak evidence needs support: a short form or a two-character county
//!   name counts only for a county whose full name, city or province is
//!   also mentioned ("科教兴县" is a slogan, not 山西 兴县), and towns count
//!   only when two towns of one county agree or the county or its city is
//!   named (a lone 道口 is a level crossing, not 道口镇);
//! * a mention in the file name weighs 4×, in the title 2×; repeated
//!   mentions in the text count with diminishing returns (1 + ln n);
//! * a name is counted only where it stands as words: the occurrence must
//!   start and end on a jieba word boundary (成县 is not in 完成县域, nor
//!   应城市 in 相应城市), and a short form that is a common word in jieba's
//!   dictionary (资源, 建设, 合作) is not a place name;
//! * the title sets the scope: a title that names only a province (浙江省政府
//!   工作报告) or the State Council (国务院政府工作报告) makes the report
//!   provincial or national, with no county (national reports get the
//!   province 全国).
//!
//! Confidence is the winner's share of the evidence, with a prior for
//! "none of these": best / (best + runner-up + 1). Below
//! [`MIN_CONFIDENCE`] the tag is left empty rather than guessed.

use super::gazetteer::{Gazetteer, Level};
use super::tagged::{TagSource, Tagged};
use crate::analysis::words;
use std::collections::HashMap;

/// Below this confidence a place tag is left empty.
pub const MIN_CONFIDENCE: f32 = 0.5;
/// The least evidence (in mention weights) a tag needs.
const MIN_EVIDENCE: f64 = 1.5;
/// The province value of national reports.
pub const NATIONAL: &str = "全国";

/// Where a mention was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Where {
    Body,
    Title,
    FileName,
}

impl Where {
    fn weight(self) -> f64 {
        match self {
            Where::Body => 1.0,
            Where::Title => 2.0,
            Where::FileName => 4.0,
        }
    }

    fn source(self) -> TagSource {
        match self {
            Where::FileName => TagSource::FileName,
            _ => TagSource::Text,
        }
    }
}

/// What the report is about, as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    National,
    Province,
    City,
    County,
    Unknown,
}

/// The inferred place of a report.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Place {
    pub county: Option<Tagged<String>>,
    pub city: Option<Tagged<String>>,
    pub province: Option<Tagged<String>>,
    /// The leading candidates and their evidence, for `baogao check`.
    pub evidence: Vec<(String, f64)>,
}

/// Per-entity evidence: total weight, the strongest source, and the names
/// (gazetteer patterns) it came from.
#[derive(Debug, Clone, Default)]
struct Score {
    weight: f64,
    best: Option<Where>,
    patterns: Vec<usize>,
}

impl Score {
    fn add(&mut self, weight: f64, from: Where, pattern: usize) {
        self.weight += weight;
        if self.best.is_none_or(|b| from > b) {
            self.best = Some(from);
        }
        if !self.patterns.contains(&pattern) {
            self.patterns.push(pattern);
        }
    }

    /// Does this evidence rest on a name other than `others`?
    fn has_pattern_besides(&self, others: &[usize]) -> bool {
        self.patterns.iter().any(|p| !others.contains(p))
    }
}

/// What may follow a place name inside one jieba word (浙江省政府,
/// 青田县委) without making it something else.
const INSTITUTION_SUFFIXES: &[&str] = &[
    "政府",
    "人民政府",
    "委",
    "党委",
    "人大",
    "政协",
    "教育局",
    "教育厅",
    "教委",
    "人民代表大会",
    "境内",
];

/// Words in a title that say whose report it is at national level.
const NATIONAL_MARKERS: &[&str] = &[
    "国务院",
    "全国人民代表大会",
    "中华人民共和国政府",
    "中央人民政府",
];

/// Is `word` too common in ordinary text to be taken for a place name?
/// A term of the domain dictionary is (普惠 is also 普惠乡); a word jieba
/// knows as something other than a proper noun (资源, 合作) is;
/// so is a very frequent word (新建) unless it names a province or city
/// (浙江, 温州 are frequent because they are places).
fn is_common_word(word: &str, names_region: bool, cache: &mut HashMap<String, bool>) -> bool {
    if let Some(&known) = cache.get(word) {
        return known;
    }
    let common = match words::dictionary_entry(word) {
        // Terms of baogao's domain dictionary (普惠, 教共体) are vocabulary.
        _ if words::is_domain_term(word) => true,
        None => false,
        Some((freq, tag)) => {
            let proper = matches!(tag.as_str(), "ns" | "nr" | "nz" | "nt");
            (!proper && freq >= 100) || (!names_region && freq >= 800)
        }
    };
    cache.insert(word.to_string(), common);
    common
}

struct Evidence<'g> {
    g: &'g Gazetteer,
    /// Full county names of three or more characters.
    county: HashMap<usize, Score>,
    /// Short forms (青田) and two-character full names (兴县, 城东): they
    /// count only for a county that is anchored by its full name, its city
    /// or its province ("科教兴县" is a slogan, not 山西 兴县).
    weak_county: HashMap<usize, Score>,
    town: HashMap<usize, Score>,
    /// Distinct towns named, per county: two towns of one county agree.
    towns_seen: HashMap<usize, Vec<usize>>,
    city: HashMap<usize, Score>,
    province: HashMap<usize, Score>,
    common: HashMap<String, bool>,
}

impl<'g> Evidence<'g> {
    fn new(g: &'g Gazetteer) -> Self {
        Evidence {
            g,
            county: HashMap::new(),
            weak_county: HashMap::new(),
            town: HashMap::new(),
            towns_seen: HashMap::new(),
            city: HashMap::new(),
            province: HashMap::new(),
            common: HashMap::new(),
        }
    }

    /// Count the mentions in one piece of text.
    fn scan(&mut self, text: &str, from: Where) {
        let g = self.g;
        let mentions = g.mentions(text);
        if mentions.is_empty() {
            return;
        }
        // Occurrences per pattern, after the filters.
        let mut counts: HashMap<usize, u32> = HashMap::new();
        for m in mentions {
            let pattern = &g.patterns[m.pattern];
            let forms = &g.forms[m.pattern];
            let any_short = forms.iter().any(|f| f.short);
            let names_region = forms
                .iter()
                .any(|f| matches!(g.divisions[f.division].level, Level::Province | Level::City));
            if any_short && is_common_word(pattern, names_region, &mut self.common) {
                continue;
            }
            // Every name must stand as words: 会同县 is not in 会同县级以上,
            // nor 应城市 in 相应城市.
            if !words::is_word_span_with(text, m.start, m.end, INSTITUTION_SUFFIXES) {
                continue;
            }
            *counts.entry(m.pattern).or_insert(0) += 1;
        }
        for (pattern, n) in counts {
            let forms = &g.forms[pattern];
            let damped = 1.0 + f64::from(n).ln();
            // Towns: each distinct town name counts once, split between the
            // counties that have a town of that name. A name that is also a
            // province, city or county (河南 is a province and a dozen 河南街道)
            // is read as the larger division.
            let names_larger = forms
                .iter()
                .any(|f| g.divisions[f.division].level != Level::Town);
            let towns: Vec<(usize, usize)> = forms
                .iter()
                .filter(|f| !names_larger && g.divisions[f.division].level == Level::Town)
                .filter_map(|f| Some((g.ancestor(f.division, Level::County)?, f.division)))
                .collect();
            let mut town_counties: Vec<usize> = towns.iter().map(|&(county, _)| county).collect();
            town_counties.sort_unstable();
            town_counties.dedup();
            let weak = |form: &super::gazetteer::Form| form.short || pattern_chars(g, pattern) <= 2;
            for form in forms {
                let level = g.divisions[form.division].level;
                let (base, map) = match level {
                    Level::County if weak(form) => (2.0, &mut self.weak_county),
                    Level::County => (3.0, &mut self.county),
                    Level::City => (if form.short { 1.5 } else { 2.0 }, &mut self.city),
                    Level::Province => (if form.short { 1.5 } else { 2.0 }, &mut self.province),
                    Level::Town => continue,
                };
                map.entry(form.division).or_default().add(
                    base * damped * from.weight(),
                    from,
                    pattern,
                );
            }
            if !town_counties.is_empty() {
                let full = forms
                    .iter()
                    .any(|f| !f.short && g.divisions[f.division].level == Level::Town);
                let base = if full { 2.0 } else { 1.5 };
                let share = base / town_counties.len() as f64 * from.weight();
                for county in town_counties {
                    self.town
                        .entry(county)
                        .or_default()
                        .add(share, from, pattern);
                }
                for (county, town) in towns {
                    let seen = self.towns_seen.entry(county).or_default();
                    if !seen.contains(&town) {
                        seen.push(town);
                    }
                }
            }
        }
    }

    /// Town evidence for a county, with a bonus when several distinct towns
    /// of it are named (one shared town name could be chance; two agree).
    fn town_weight(&self, county: usize) -> f64 {
        let distinct = self.towns_seen.get(&county).map_or(0, Vec::len);
        let bonus = 1.0 + 0.5 * distinct.saturating_sub(1) as f64;
        self.town.get(&county).map_or(0.0, |s| s.weight) * bonus
    }

    fn get(map: &HashMap<usize, Score>, key: Option<usize>) -> f64 {
        key.and_then(|k| map.get(&k)).map_or(0.0, |s| s.weight)
    }
}

fn pattern_chars(g: &Gazetteer, pattern: usize) -> usize {
    g.patterns[pattern].chars().count()
}

/// Pick the best-scored entity; its confidence is best / (best + second + 1).
fn choose(scores: &HashMap<usize, (f64, f64, Option<Where>)>) -> Option<(usize, f32, f64, Where)> {
    let mut ranked: Vec<(usize, f64, f64, Option<Where>)> = scores
        .iter()
        .map(|(&k, &(total, own, from))| (k, total, own, from))
        .collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let (best, total, own, from) = *ranked.first()?;
    let second = ranked.get(1).map_or(0.0, |r| r.1);
    let confidence = (total / (total + second + 1.0)) as f32;
    Some((best, confidence, own, from.unwrap_or(Where::Body)))
}

fn tagged(value: &str, source: TagSource, confidence: f32) -> Option<Tagged<String>> {
    Some(Tagged {
        value: value.to_string(),
        source,
        confidence: (confidence * 100.0).round() / 100.0,
    })
}

/// The scope a title gives a report.
fn title_scope(evidence_title: &Evidence, title: &str) -> Scope {
    if NATIONAL_MARKERS.iter().any(|m| title.contains(m)) {
        return Scope::National;
    }
    if !evidence_title.county.is_empty() || !evidence_title.town.is_empty() {
        Scope::County
    } else if !evidence_title.city.is_empty() {
        Scope::City
    } else if !evidence_title.province.is_empty() {
        Scope::Province
    } else {
        Scope::Unknown
    }
}

/// Infer a report's place from its file name (relative path), title and
/// text.
pub fn infer(g: &Gazetteer, file: &str, title: &str, text: &str) -> Place {
    let file_stem = file.rsplit_once('.').map_or(file, |(stem, _)| stem);
    let mut evidence = Evidence::new(g);
    evidence.scan(file_stem, Where::FileName);
    evidence.scan(title, Where::Title);
    let scope = title_scope(&evidence, title);
    let mut place = Place::default();
    if scope == Scope::National {
        place.province = tagged(NATIONAL, TagSource::Text, 0.95);
        return place;
    }
    evidence.scan(text, Where::Body);

    let city_of = |c: usize| g.ancestor(c, Level::City);
    let province_of = |c: usize| g.ancestor(c, Level::Province);

    // Counties: own evidence (mentions, towns) plus context from their city
    // and province.
    // Anchored: named in full, or its city or province named by some other
    // name than the weak one (白银 is 白银市 and 白银区 at once; it cannot
    // vouch for itself).
    let anchored = |c: usize| {
        let weak: &[usize] = evidence
            .weak_county
            .get(&c)
            .map_or(&[], |s| s.patterns.as_slice());
        let other_name = |map: &HashMap<usize, Score>, key: Option<usize>| {
            key.and_then(|k| map.get(&k))
                .is_some_and(|s| s.has_pattern_besides(weak))
        };
        evidence.county.contains_key(&c)
            || other_name(&evidence.city, city_of(c))
            || other_name(&evidence.province, province_of(c))
    };
    // Towns need a closer anchor: a province has some 1,500 towns, and a
    // few of their short names turn up in any text by chance.
    let town_anchored = |c: usize| {
        evidence.county.contains_key(&c)
            || evidence.weak_county.contains_key(&c) && anchored(c)
            || Evidence::get(&evidence.city, city_of(c)) > 0.0
    };
    let mut counties: HashMap<usize, (f64, f64, Option<Where>)> = HashMap::new();
    for (&c, s) in &evidence.county {
        let entry = counties.entry(c).or_insert((0.0, 0.0, None));
        entry.1 += s.weight;
        entry.2 = entry.2.max(s.best);
    }
    for (&c, s) in &evidence.weak_county {
        if anchored(c) {
            let entry = counties.entry(c).or_insert((0.0, 0.0, None));
            entry.1 += s.weight;
            entry.2 = entry.2.max(s.best);
        }
    }
    // A single town name could be an ordinary word (道口, 通关 are towns
    // too); towns count when two of one county agree, or the county is
    // anchored otherwise.
    for (&c, s) in &evidence.town {
        let distinct = evidence.towns_seen.get(&c).map_or(0, Vec::len);
        if distinct >= 2 || town_anchored(c) {
            let entry = counties.entry(c).or_insert((0.0, 0.0, None));
            entry.1 += evidence.town_weight(c);
            entry.2 = entry.2.max(s.best);
        }
    }
    for (c, entry) in counties.iter_mut() {
        let context = 0.5 * Evidence::get(&evidence.city, city_of(*c))
            + 0.5 * Evidence::get(&evidence.province, province_of(*c));
        entry.0 = entry.1 + context;
    }
    let mut leading: Vec<(String, f64)> = counties
        .iter()
        .map(|(&c, &(total, _, _))| (g.name(c).to_string(), total))
        .collect();
    leading.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    leading.truncate(5);
    place.evidence = leading;

    let county_allowed = matches!(scope, Scope::County | Scope::Unknown);
    if county_allowed
        && let Some((c, confidence, own, from)) = choose(&counties)
        && confidence >= MIN_CONFIDENCE
        && own >= MIN_EVIDENCE
    {
        let source = from.source();
        place.county = tagged(g.name(c), source, confidence);
        if let Some(city) = city_of(c) {
            place.city = tagged(g.name(city), source, confidence);
        }
        if let Some(province) = province_of(c) {
            place.province = tagged(g.name(province), source, confidence);
        }
        return place;
    }

    // Cities: own mentions plus half the evidence of their counties.
    let mut cities: HashMap<usize, (f64, f64, Option<Where>)> = HashMap::new();
    for (&ci, s) in &evidence.city {
        let entry = cities.entry(ci).or_insert((0.0, 0.0, None));
        entry.1 += s.weight;
        entry.2 = entry.2.max(s.best);
    }
    if scope != Scope::Province {
        for (&c, &(_, own, from)) in &counties {
            if let Some(ci) = city_of(c) {
                let entry = cities.entry(ci).or_insert((0.0, 0.0, None));
                entry.1 += 0.5 * own;
                entry.2 = entry.2.max(from);
            }
        }
    }
    for (ci, entry) in cities.iter_mut() {
        entry.0 = entry.1 + 0.5 * Evidence::get(&evidence.province, province_of(*ci));
    }
    if scope != Scope::Province
        && let Some((ci, confidence, own, from)) = choose(&cities)
        && confidence >= MIN_CONFIDENCE
        && own >= MIN_EVIDENCE
    {
        let source = from.source();
        place.city = tagged(g.name(ci), source, confidence);
        if let Some(province) = province_of(ci) {
            place.province = tagged(g.name(province), source, confidence);
        }
        return place;
    }

    // Provinces: own mentions plus half the evidence of their cities.
    let mut provinces: HashMap<usize, (f64, f64, Option<Where>)> = HashMap::new();
    for (&p, s) in &evidence.province {
        let entry = provinces.entry(p).or_insert((0.0, 0.0, None));
        entry.1 += s.weight;
        entry.2 = entry.2.max(s.best);
    }
    for (&ci, &(_, own, from)) in &cities {
        if let Some(p) = province_of(ci) {
            let entry = provinces.entry(p).or_insert((0.0, 0.0, None));
            entry.1 += 0.5 * own;
            entry.2 = entry.2.max(from);
        }
    }
    for entry in provinces.values_mut() {
        entry.0 = entry.1;
    }
    if let Some((p, confidence, own, from)) = choose(&provinces)
        && confidence >= MIN_CONFIDENCE
        && own >= MIN_EVIDENCE
    {
        place.province = tagged(g.name(p), from.source(), confidence);
    }
    place
}

#[cfg(test)]
mod tests {
    use super::super::gazetteer::gazetteer;
    use super::*;

    fn names(p: &Place) -> (String, String, String) {
        let v =
            |t: &Option<Tagged<String>>| t.as_ref().map(|t| t.value.clone()).unwrap_or_default();
        (v(&p.county), v(&p.city), v(&p.province))
    }

    #[test]
    fn a_county_named_in_the_text() {
        let p = infer(
            gazetteer(),
            "report.txt",
            "",
            "青田县教育局全年工作。青田县高考成绩优异,青田教育稳步发展。",
        );
        assert_eq!(
            names(&p),
            ("青田县".into(), "丽水市".into(), "浙江省".into())
        );
        assert_eq!(p.county.unwrap().source, TagSource::Text);
    }

    #[test]
    fn towns_point_to_their_county() {
        let p = infer(
            gazetteer(),
            "001.txt",
            "教育局工作总结",
            "那尔轰农业高中20人升学。推进赤松学校运动场建设。",
        );
        assert_eq!(
            names(&p),
            ("靖宇县".into(), "白山市".into(), "吉林省".into())
        );
    }

    #[test]
    fn common_words_and_word_fragments_are_not_places() {
        // 资源 (资源县), 合作 (合作市), 建设 (建设镇) are words; 成县 inside
        // 完成县域 is not on a word boundary.
        let p = infer(
            gazetteer(),
            "r.txt",
            "",
            "优化资源配置,加强合作,推进建设,完成县域教育均衡发展目标。",
        );
        assert_eq!(names(&p), (String::new(), String::new(), String::new()));
    }

    #[test]
    fn shared_names_need_context() {
        // 朝阳区 is in 北京市 and 长春市.
        let alone = infer(
            gazetteer(),
            "r.txt",
            "",
            "朝阳区教育局推进工作。朝阳区各校。",
        );
        assert_eq!(alone.county, None);
        let beijing = infer(
            gazetteer(),
            "r.txt",
            "",
            "北京市朝阳区教育局推进工作。朝阳区各校。北京市教委。",
        );
        assert_eq!(names(&beijing).0, "朝阳区");
        assert_eq!(names(&beijing).2, "北京市");
        let changchun = infer(
            gazetteer(),
            "r.txt",
            "",
            "长春市朝阳区教育局推进工作。朝阳区各校,吉林省。",
        );
        assert_eq!(names(&changchun).1, "长春市");
    }

    #[test]
    fn the_file_name_counts() {
        let p = infer(
            gazetteer(),
            "瓯海区2022年工作总结.txt",
            "",
            "全区教育工作稳步推进。",
        );
        assert_eq!(names(&p).0, "瓯海区");
        assert_eq!(p.county.unwrap().source, TagSource::FileName);
    }

    #[test]
    fn national_and_provincial_reports_get_no_county() {
        let national = infer(
            gazetteer(),
            "2025_001.txt",
            "2025年中华人民共和国国务院政府工作报告",
            "北京、上海、浙江、青田县都有进展。",
        );
        assert_eq!(
            names(&national),
            (String::new(), String::new(), NATIONAL.into())
        );
        let provincial = infer(
            gazetteer(),
            "r.txt",
            "2024年浙江省政府工作报告",
            "杭州市、宁波市、温州市协同发展。青田县、瓯海区教育提升。浙江省全省推进。",
        );
        assert_eq!(
            names(&provincial),
            (String::new(), String::new(), "浙江省".into())
        );
    }

    #[test]
    fn a_city_without_a_county() {
        let p = infer(
            gazetteer(),
            "r.txt",
            "",
            "在台州市委市政府的坚强领导下,全市教育事业发展。台州教育获得荣誉。",
        );
        assert_eq!(names(&p), (String::new(), "台州市".into(), "浙江省".into()));
    }
}
