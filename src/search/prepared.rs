//! A prepared query: parsed once, with the flag filters folded in, and
//! everything the engine needs worked out — the hit-set tree for the match
//! mode, the terms to rank and highlight, the terms a partial fill relaxes.
//! `search`, `trend` and `export` all take one; the binary prepares it
//! before any index is opened, so a bad query fails first.

use super::query::{self, Filter, Node};
use crate::analysis::synonyms::Synonyms;
use crate::error::QueryError;

/// Question and function words: a query's words need not include them (谁可以
/// 成为个体工商户 is about 成为 and 个体工商户).
pub const STOP_WORDS: &[&str] = &[
    "谁",
    "什么",
    "怎么",
    "怎样",
    "怎么样",
    "怎么办",
    "做",
    "办",
    "如何",
    "吗",
    "呢",
    "吧",
    "啊",
    "是否",
    "是不是",
    "哪些",
    "哪个",
    "哪里",
    "哪",
    "为什么",
    "为何",
    "多少",
    "几",
    "的",
    "地",
    "得",
    "了",
    "和",
    "与",
    "及",
    "或",
    "或者",
    "是",
    "在",
    "有",
    "没有",
    "可以",
    "能否",
    "能不能",
    "能",
    "会",
    "要",
    "应该",
    "需要",
    "请问",
    "关于",
    "对于",
    "一下",
    "有关",
    "一个",
    "哪些方面",
];

/// Is this a question or function word?
pub fn is_stop_word(word: &str) -> bool {
    STOP_WORDS.contains(&word)
}

/// How many of several terms a hit needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MatchMode {
    /// All terms; fill a short page with partial matches.
    #[default]
    Fill,
    /// All terms, nothing else.
    All,
    /// Any one term.
    Any,
}

/// A parsed, validated query.
#[derive(Debug, Clone)]
pub struct Query {
    /// The query as typed (for display).
    pub text: String,
    /// The filters given as flags (for display).
    pub flag_filters: Vec<Filter>,
    /// The parsed query with the flag filters ANDed in.
    pub node: Node,
    pub match_mode: MatchMode,
    /// The tree whose matches are the hit set: `node`, or with `--match
    /// any` its top-level terms relaxed to "any of them".
    pub hit_node: Node,
    /// The literals a match may contain (none under a NOT), normalised, in
    /// query order: what ranks and what is highlighted.
    pub literals: Vec<String>,
    /// The top-level AND's terms, when there are two or more: what a
    /// partial fill relaxes. Empty otherwise.
    pub terms: Vec<String>,
    /// Everything else the top-level AND requires besides `terms`.
    pub rest: Vec<Node>,
    /// The synonym list for the related reading (none with
    /// `--no-synonyms`).
    pub synonyms: Option<std::sync::Arc<Synonyms>>,
    /// Every term must stand as whole jieba words (`-w`).
    pub whole_words: bool,
    /// Hints for a query that may not mean what it says ("not" in lower
    /// case is a term; did you mean NOT?).
    pub hints: Vec<String>,
}

impl Query {
    /// Parse `text` and fold in `filters` (from flags).
    pub fn parse(
        text: &str,
        filters: &[Filter],
        match_mode: MatchMode,
    ) -> Result<Query, QueryError> {
        let parsed = query::parse(text)?;
        let hints = query::lower_case_operators(text)
            .into_iter()
            .map(|word| {
                format!(
                    "'{word}' is searched for as a word; did you mean {}?",
                    word.to_ascii_uppercase()
                )
            })
            .collect();
        let node = if filters.is_empty() {
            parsed
        } else {
            let mut nodes = match parsed {
                Node::And(nodes) => nodes,
                other => vec![other],
            };
            nodes.extend(filters.iter().cloned().map(Node::Filter));
            Node::And(nodes)
        };
        let (terms, rest) = top_level_terms(&node);
        let hit_node = if !terms.is_empty() && match_mode == MatchMode::Any {
            any_of(&terms, &rest)
        } else {
            node.clone()
        };
        Ok(Query {
            text: text.to_string(),
            flag_filters: filters.to_vec(),
            literals: node.positive_literals(),
            node,
            match_mode,
            hit_node,
            terms,
            rest,
            synonyms: None,
            whole_words: false,
            hints,
        })
    }

    /// The same query, with a synonym list for its related reading.
    pub fn with_synonyms(mut self, synonyms: std::sync::Arc<Synonyms>) -> Query {
        self.synonyms = Some(synonyms);
        self
    }

    /// The same query, requiring whole words.
    pub fn whole_words(mut self, whole: bool) -> Query {
        self.whole_words = whole;
        self
    }

    /// The top-level AND's literal terms (one or more): what the other
    /// readings of a query cut into words, relax or replace.
    pub fn top_literals(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let mut push = |n: &Node| {
            if let Node::Literal { text, .. } = n
                && !out.contains(text)
            {
                out.push(text.clone());
            }
        };
        match &self.node {
            Node::And(nodes) => nodes.iter().for_each(&mut push),
            other => push(other),
        }
        out
    }

    /// The top-level AND's other parts (filters, groups, exclusions).
    pub fn top_rest(&self) -> Vec<Node> {
        match &self.node {
            Node::And(nodes) => nodes
                .iter()
                .filter(|n| !matches!(n, Node::Literal { .. }))
                .cloned()
                .collect(),
            Node::Literal { .. } => Vec::new(),
            other => vec![other.clone()],
        }
    }

    /// The query as typed with its flag filters, as `field:value`.
    pub fn display(&self) -> String {
        let mut shown = self.text.clone();
        for filter in &self.flag_filters {
            shown.push(' ');
            shown.push_str(&filter.to_string());
        }
        shown
    }

    /// The paragraphs that contain some but not all of the terms (and
    /// everything else the query requires): the partial fill.
    pub fn partial_node(&self) -> Option<Node> {
        (!self.terms.is_empty()).then(|| any_of(&self.terms, &self.rest))
    }

    /// The part of the query that only filters by tags (its top-level
    /// filters, or filter-only groups): the paragraphs a trend's counts are
    /// compared with. `None` when there is none (all paragraphs).
    pub fn population(&self) -> Option<Node> {
        let filter_only = |n: &Node| !n.names_literals();
        let nodes: Vec<Node> = match &self.node {
            Node::And(nodes) => nodes.iter().filter(|n| filter_only(n)).cloned().collect(),
            other if filter_only(other) => vec![other.clone()],
            _ => Vec::new(),
        };
        match nodes.len() {
            0 => None,
            1 => nodes.into_iter().next(),
            _ => Some(Node::And(nodes)),
        }
    }

    /// The year range a top-level year filter asks for, if any.
    pub fn year_range(&self) -> Option<query::YearRange> {
        let top: Vec<&Node> = match &self.node {
            Node::And(nodes) => nodes.iter().collect(),
            other => vec![other],
        };
        top.into_iter().find_map(|n| match n {
            Node::Filter(Filter::Years(range)) => Some(*range),
            _ => None,
        })
    }

    /// The themes the query filters on, to check against the index's.
    pub fn themes(&self) -> Vec<&str> {
        self.node
            .filters()
            .into_iter()
            .filter_map(|f| match f {
                Filter::Equals(crate::corpus::record::Dimension::Theme, v) => Some(v.as_str()),
                _ => None,
            })
            .collect()
    }
}

/// The top-level AND's positive literal terms (two or more), and the rest.
fn top_level_terms(node: &Node) -> (Vec<String>, Vec<Node>) {
    match node {
        Node::And(nodes) => {
            let mut literals = Vec::new();
            let mut rest = Vec::new();
            for n in nodes {
                match n {
                    Node::Literal { text, .. } => literals.push(text.clone()),
                    other => rest.push(other.clone()),
                }
            }
            literals.dedup();
            if literals.len() >= 2 {
                (literals, rest)
            } else {
                (Vec::new(), nodes.clone())
            }
        }
        other => (Vec::new(), vec![other.clone()]),
    }
}

/// "Any of the terms, and everything else the query requires."
fn any_of(terms: &[String], rest: &[Node]) -> Node {
    let any = Node::Or(
        terms
            .iter()
            .map(|t| Node::Literal {
                text: t.clone(),
                position: 0,
            })
            .collect(),
    );
    let mut nodes = vec![any];
    nodes.extend(rest.iter().cloned());
    Node::And(nodes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::record::Dimension;

    #[test]
    fn filters_fold_in_and_terms_relax() {
        let filter = Filter::Equals(Dimension::County, "青田县".into());
        let q = Query::parse(
            "双减 课后服务",
            std::slice::from_ref(&filter),
            MatchMode::Fill,
        )
        .unwrap();
        assert_eq!(q.terms, vec!["双减", "课后服务"]);
        assert_eq!(q.rest, vec![Node::Filter(filter.clone())]);
        assert_eq!(q.hit_node, q.node);
        let any = Query::parse("双减 课后服务", &[filter], MatchMode::Any).unwrap();
        assert_ne!(any.hit_node, any.node);
        assert!(any.partial_node().is_some());
        let single = Query::parse("双减", &[], MatchMode::Fill).unwrap();
        assert!(single.terms.is_empty() && single.partial_node().is_none());
        let themed = Query::parse("theme:双减 教育", &[], MatchMode::All).unwrap();
        assert_eq!(themed.themes(), vec!["双减"]);
    }
}
