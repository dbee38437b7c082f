//! The query language: parsing a query string into a tree.
//!
//! ```text
//! query    := and_expr
//! and_expr := or_expr ( ["AND"] or_expr )*        juxtaposition is AND
//! or_expr  := unary ( ("OR" | "|") unary )*       OR binds tighter, as in web search
//! unary    := ("-" | "NOT") unary | primary
//! primary  := "(" and_expr ")" | "\"phrase\"" | field ":" value | term
//! ```
//!
//! So `双减 课后服务 OR 作业` means 双减 AND (课后服务 OR 作业). Every term and
//! phrase is a literal: it matches the paragraphs that contain it, after
//! normalisation, exactly as a substring scan would. Only ASCII `(`, `)`,
//! `"` and `|` are operators; full-width （ ） “ ” are text to search for.
//!
//! Field filters: one per tag [`Dimension`] — `county:`, `city:`,
//! `province:`, `theme:`, `kind:` and `year:` (`year:2024`,
//! `year:2020..2023`, `year:2022..`, `year:..2020`). A word before a colon
//! that is not ASCII (`时间:2022`) is plain text.
//!
//! Every error names the character position it was found at (1-based), and
//! the parser bounds what a query may cost: its length, its number of terms
//! and its nesting depth.

use crate::analysis::normalize::normalize;
use crate::corpus::record::{Dimension, Tags, ValueKind, Year};
use crate::corpus::split::MAX_LITERAL_CHARS;
pub use crate::error::QueryError;
use std::fmt;

/// Longest query accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 4096;
/// Most terms and filters in one query.
pub const MAX_QUERY_TERMS: usize = 64;
/// Deepest parenthesis nesting.
pub const MAX_NESTING: usize = 16;

/// The names that can be used as `field:value`, for messages.
fn field_names() -> String {
    Dimension::ALL.map(Dimension::name).join(", ")
}

fn error<T>(position: Option<usize>, message: impl Into<String>) -> Result<T, QueryError> {
    Err(QueryError {
        message: message.into(),
        position: position.map(|p| p + 1),
    })
}

/// An inclusive range of years; either end may be open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct YearRange {
    pub from: Option<Year>,
    pub to: Option<Year>,
}

impl YearRange {
    /// Parse `2024`, `2020..2023`, `2022..` or `..2020`.
    pub fn parse(text: &str) -> Result<YearRange, String> {
        let year = |s: &str| -> Result<Option<Year>, String> {
            if s.is_empty() {
                return Ok(None);
            }
            match s.parse::<Year>() {
                Ok(y) if (1000..=2999).contains(&y) => Ok(Some(y)),
                _ => Err(format!(
                    "'{s}' is not a year (expected e.g. 2024 or 2020..2023)"
                )),
            }
        };
        let range = match text.split_once("..") {
            Some((from, to)) => YearRange {
                from: year(from)?,
                to: year(to)?,
            },
            None => {
                let y = year(text)?;
                YearRange { from: y, to: y }
            }
        };
        match (range.from, range.to) {
            (None, None) => Err(format!("'{text}' is not a year range")),
            (Some(a), Some(b)) if a > b => Err(format!("year range {a}..{b} is empty")),
            _ => Ok(range),
        }
    }

    pub fn contains(&self, year: Year) -> bool {
        self.from.is_none_or(|f| year >= f) && self.to.is_none_or(|t| year <= t)
    }

    /// Does the span `from..=to` overlap this range?
    pub fn overlaps(&self, from: Year, to: Year) -> bool {
        self.from.is_none_or(|f| to >= f) && self.to.is_none_or(|t| from <= t)
    }
}

impl fmt::Display for YearRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.from, self.to) {
            (Some(a), Some(b)) if a == b => write!(f, "{a}"),
            (a, b) => {
                if let Some(a) = a {
                    write!(f, "{a}")?;
                }
                write!(f, "..")?;
                if let Some(b) = b {
                    write!(f, "{b}")?;
                }
                Ok(())
            }
        }
    }
}

/// A field filter on one tag dimension.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Filter {
    /// A text dimension has exactly this value (`county:青田县`).
    Equals(Dimension, String),
    /// The paragraph's span of years overlaps this range (`year:2020..`).
    Years(YearRange),
}

impl fmt::Display for Filter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Filter::Equals(dim, value) if value.contains(char::is_whitespace) => {
                write!(f, "{dim}:\"{value}\"")
            }
            Filter::Equals(dim, value) => write!(f, "{dim}:{value}"),
            Filter::Years(range) => write!(f, "year:{range}"),
        }
    }
}

impl Filter {
    /// A filter on `dim` from the text a user gave, or why it is invalid.
    pub fn parse(dim: Dimension, value: &str) -> Result<Filter, String> {
        let value = value.trim();
        if value.is_empty() {
            return Err(format!("'{dim}' needs a value"));
        }
        match dim.value_kind() {
            ValueKind::Years => YearRange::parse(value).map(Filter::Years),
            ValueKind::Text => {
                dim.check_value(value)?;
                let value = super::places::resolve(dim, value)?;
                Ok(Filter::Equals(dim, value))
            }
        }
    }

    pub fn dimension(&self) -> Dimension {
        match self {
            Filter::Equals(dim, _) => *dim,
            Filter::Years(_) => Dimension::Year,
        }
    }

    /// Does a paragraph with these tags pass? The reference semantics, used
    /// by tests to check the index. A paragraph without a year never passes
    /// a year filter.
    pub fn passes(&self, tags: &Tags) -> bool {
        match self {
            Filter::Equals(dim, value) => dim.values(tags).contains(&value.as_str()),
            Filter::Years(range) => tags.years.is_some_and(|y| range.overlaps(y.from, y.to)),
        }
    }
}

/// A parsed query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    /// A literal to find: normalised text, and where it was in the query.
    Literal {
        text: String,
        position: usize,
    },
    Filter(Filter),
    Not(Box<Node>),
    And(Vec<Node>),
    Or(Vec<Node>),
}

impl Node {
    /// The literals that a matching paragraph may contain (not under a NOT),
    /// in query order, without repeats: what to rank by and highlight.
    pub fn positive_literals(&self) -> Vec<String> {
        let mut out = Vec::new();
        self.collect_literals(false, &mut out);
        out
    }

    fn collect_literals(&self, negated: bool, out: &mut Vec<String>) {
        match self {
            Node::Literal { text, .. } => {
                if !negated && !out.contains(text) {
                    out.push(text.clone());
                }
            }
            Node::Filter(_) => {}
            Node::Not(inner) => inner.collect_literals(!negated, out),
            Node::And(nodes) | Node::Or(nodes) => {
                for node in nodes {
                    node.collect_literals(negated, out);
                }
            }
        }
    }

    /// Can this query match something without matching all documents
    /// except some? (A query of only negations has nothing to search for.)
    pub fn has_positive(&self) -> bool {
        match self {
            Node::Literal { .. } | Node::Filter(_) => true,
            Node::Not(_) => false,
            Node::And(nodes) => nodes.iter().any(Node::has_positive),
            Node::Or(nodes) => nodes.iter().any(Node::has_positive),
        }
    }

    /// Does the query name any literal (positive or negated)?
    pub fn names_literals(&self) -> bool {
        match self {
            Node::Literal { .. } => true,
            Node::Filter(_) => false,
            Node::Not(inner) => inner.names_literals(),
            Node::And(nodes) | Node::Or(nodes) => nodes.iter().any(Node::names_literals),
        }
    }

    /// The filters anywhere in the query.
    pub fn filters(&self) -> Vec<&Filter> {
        let mut out = Vec::new();
        self.collect_filters(&mut out);
        out
    }

    fn collect_filters<'a>(&'a self, out: &mut Vec<&'a Filter>) {
        match self {
            Node::Filter(filter) => out.push(filter),
            Node::Not(inner) => inner.collect_filters(out),
            Node::And(nodes) | Node::Or(nodes) => {
                nodes.iter().for_each(|n| n.collect_filters(out));
            }
            Node::Literal { .. } => {}
        }
    }

    /// The query without the filters that `always` says every paragraph
    /// passes, where they are one condition of an AND among others: the
    /// same matches, fewer conditions to test. An AND left with one
    /// condition becomes that condition; a filter standing alone, in an OR
    /// or under a NOT is kept (there is no node for "every paragraph").
    pub fn without_true_filters(&self, always: &dyn Fn(&Filter) -> bool) -> Node {
        match self {
            Node::And(nodes) => {
                let mut kept: Vec<Node> = nodes
                    .iter()
                    .filter(|n| !matches!(n, Node::Filter(f) if always(f)))
                    .map(|n| n.without_true_filters(always))
                    .collect();
                match kept.len() {
                    0 => self.clone(),
                    1 => kept.remove(0),
                    _ => Node::And(kept),
                }
            }
            Node::Or(nodes) => Node::Or(
                nodes
                    .iter()
                    .map(|n| n.without_true_filters(always))
                    .collect(),
            ),
            Node::Not(inner) => Node::Not(Box::new(inner.without_true_filters(always))),
            Node::Literal { .. } | Node::Filter(_) => self.clone(),
        }
    }

    /// Does the query match, given what each literal and filter says?
    pub fn matches_with(
        &self,
        literal: &dyn Fn(&str) -> bool,
        tags: &dyn Fn(&Filter) -> bool,
    ) -> bool {
        match self {
            Node::Literal { text, .. } => literal(text),
            Node::Filter(filter) => tags(filter),
            Node::Not(inner) => !inner.matches_with(literal, tags),
            Node::And(nodes) => nodes.iter().all(|n| n.matches_with(literal, tags)),
            Node::Or(nodes) => nodes.iter().any(|n| n.matches_with(literal, tags)),
        }
    }

    /// Does `text` (with these tags) match? The reference semantics, used
    /// by tests to check the index.
    pub fn matches(&self, text: &str, tags: &dyn Fn(&Filter) -> bool) -> bool {
        match self {
            Node::Literal { text: needle, .. } => normalize(text).contains(needle.as_str()),
            Node::Filter(filter) => tags(filter),
            Node::Not(inner) => !inner.matches(text, tags),
            Node::And(nodes) => nodes.iter().all(|n| n.matches(text, tags)),
            Node::Or(nodes) => nodes.iter().any(|n| n.matches(text, tags)),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Word(String),
    Phrase(String),
    LParen,
    RParen,
    Or,
    And,
    Not,
    Field(String, String),
}

/// The words of a query that are operators in upper case but were typed in
/// lower case (`学前教育 not 民办`): they are searched for as words, which is
/// rarely what was meant.
pub fn lower_case_operators(query: &str) -> Vec<String> {
    query
        .split_whitespace()
        .filter(|w| matches!(*w, "and" | "or" | "not" | "And" | "Or" | "Not"))
        .map(str::to_string)
        .collect()
}

/// Parse a query string.
pub fn parse(query: &str) -> Result<Node, QueryError> {
    let chars: Vec<char> = query.chars().collect();
    if chars.len() > MAX_QUERY_CHARS {
        return error(
            None,
            format!(
                "the query is {} characters long; the limit is {MAX_QUERY_CHARS}",
                chars.len()
            ),
        );
    }
    let tokens = lex(&chars)?;
    if tokens.is_empty() {
        return error(None, "the query is empty");
    }
    let terms = tokens
        .iter()
        .filter(|(t, _)| matches!(t, Token::Word(_) | Token::Phrase(_) | Token::Field(..)))
        .count();
    if terms > MAX_QUERY_TERMS {
        return error(
            None,
            format!("the query has {terms} terms; the limit is {MAX_QUERY_TERMS}"),
        );
    }
    let mut parser = Parser {
        tokens,
        at: 0,
        depth: 0,
        end: chars.len(),
    };
    let node = parser.and_expr()?;
    if let Some((_, position)) = parser.tokens.get(parser.at) {
        // The only token and_expr stops at is an unmatched ')'.
        return error(Some(*position), "unbalanced ')' (no '(' before it)");
    }
    if !node.has_positive() {
        return error(
            None,
            "nothing to search for: the query only excludes (add a term or a filter)",
        );
    }
    Ok(node)
}

fn is_operator_char(c: char) -> bool {
    matches!(c, '(' | ')' | '"' | '|')
}

fn lex(chars: &[char]) -> Result<Vec<(Token, usize)>, QueryError> {
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() || c.is_control() {
            i += 1;
            continue;
        }
        let start = i;
        match c {
            '(' => {
                tokens.push((Token::LParen, i));
                i += 1;
            }
            ')' => {
                tokens.push((Token::RParen, i));
                i += 1;
            }
            '|' => {
                tokens.push((Token::Or, i));
                i += 1;
            }
            '"' => {
                let (phrase, next) = read_phrase(chars, i)?;
                tokens.push((Token::Phrase(phrase), start));
                i = next;
            }
            '-' if chars.get(i + 1).is_some_and(|&n| n == '"' || n == '(') => {
                tokens.push((Token::Not, i));
                i += 1;
            }
            _ => {
                while i < chars.len() && !chars[i].is_whitespace() && !is_operator_char(chars[i]) {
                    i += 1;
                }
                let word: String = chars[start..i].iter().collect();
                // field:"quoted value"
                if word.ends_with(':') && chars.get(i) == Some(&'"') {
                    let name = &word[..word.len() - 1];
                    if is_field_name_shape(name) {
                        let (value, next) = read_phrase(chars, i)?;
                        tokens.push((Token::Field(name.to_string(), value), start));
                        i = next;
                        continue;
                    }
                }
                tokens.push((classify_word(word, start)?, start));
            }
        }
    }
    Ok(tokens)
}

/// Read a "…" phrase starting at the quote at `at`; returns its content and
/// the index after the closing quote.
fn read_phrase(chars: &[char], at: usize) -> Result<(String, usize), QueryError> {
    let Some(len) = chars[at + 1..].iter().position(|&c| c == '"') else {
        return error(Some(at), "unbalanced '\"' (the phrase is never closed)");
    };
    let phrase: String = chars[at + 1..at + 1 + len].iter().collect();
    Ok((phrase, at + len + 2))
}

fn is_field_name_shape(name: &str) -> bool {
    !name.is_empty() && name.chars().all(|c| c.is_ascii_alphabetic())
}

fn classify_word(word: String, position: usize) -> Result<Token, QueryError> {
    match word.as_str() {
        "OR" => return Ok(Token::Or),
        "AND" => return Ok(Token::And),
        "NOT" => return Ok(Token::Not),
        "-" => {
            return error(
                Some(position),
                "a lone '-' (put the term to exclude right after it)",
            );
        }
        _ => {}
    }
    if let Some(rest) = word.strip_prefix('-') {
        // "-term": the NOT is its own token; the rest is re-read.
        let _ = rest;
        return Ok(Token::Word(word));
    }
    if let Some((name, value)) = word.split_once(':')
        && is_field_name_shape(name)
    {
        if Dimension::from_name(name).is_none() {
            return error(
                Some(position),
                format!(
                    "unknown field '{name}' (fields are {}; quote the text to search for it literally)",
                    field_names()
                ),
            );
        }
        return Ok(Token::Field(name.to_ascii_lowercase(), value.to_string()));
    }
    Ok(Token::Word(word))
}

struct Parser {
    tokens: Vec<(Token, usize)>,
    at: usize,
    depth: usize,
    end: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at).map(|(t, _)| t)
    }

    fn position(&self) -> usize {
        self.tokens.get(self.at).map_or(self.end, |(_, p)| *p)
    }

    fn and_expr(&mut self) -> Result<Node, QueryError> {
        let mut nodes = Vec::new();
        loop {
            match self.peek() {
                None | Some(Token::RParen) => break,
                Some(Token::And) => {
                    let position = self.position();
                    if nodes.is_empty() {
                        return error(Some(position), "'AND' with nothing before it");
                    }
                    self.at += 1;
                    if matches!(
                        self.peek(),
                        None | Some(Token::RParen | Token::Or | Token::And)
                    ) {
                        return error(Some(position), "'AND' with nothing after it");
                    }
                }
                Some(Token::Or) => {
                    return error(Some(self.position()), "'OR' with nothing before it");
                }
                _ => nodes.push(self.or_expr()?),
            }
        }
        match nodes.len() {
            0 => error(Some(self.position()), "empty group: nothing to search for"),
            1 => Ok(nodes.pop().expect("one node")),
            _ => Ok(Node::And(nodes)),
        }
    }

    fn or_expr(&mut self) -> Result<Node, QueryError> {
        let mut nodes = vec![self.unary()?];
        while let Some(Token::Or) = self.peek() {
            let position = self.position();
            self.at += 1;
            if matches!(
                self.peek(),
                None | Some(Token::RParen | Token::Or | Token::And)
            ) {
                return error(Some(position), "'OR' with nothing after it");
            }
            nodes.push(self.unary()?);
        }
        Ok(if nodes.len() == 1 {
            nodes.pop().expect("one node")
        } else {
            Node::Or(nodes)
        })
    }

    fn unary(&mut self) -> Result<Node, QueryError> {
        let position = self.position();
        let Some((token, _)) = self.tokens.get(self.at).cloned() else {
            return error(Some(position), "the query ends where a term was expected");
        };
        match token {
            Token::Not => {
                self.at += 1;
                if matches!(
                    self.peek(),
                    None | Some(Token::RParen | Token::Or | Token::And)
                ) {
                    return error(Some(position), "'NOT' or '-' with nothing after it");
                }
                self.nested(position, |p| p.unary())
                    .map(|n| Node::Not(Box::new(n)))
            }
            Token::Word(word) if word.starts_with('-') && word.len() > 1 => {
                self.at += 1;
                let rest = word[1..].to_string();
                let inner = match classify_word(rest, position + 1)? {
                    Token::Word(w) => literal(&w, position + 1)?,
                    Token::Field(name, value) => field(&name, &value, position + 1)?,
                    _ => return error(Some(position), "'-' must be followed by a term"),
                };
                Ok(Node::Not(Box::new(inner)))
            }
            Token::Word(word) => {
                self.at += 1;
                literal(&word, position)
            }
            Token::Phrase(phrase) => {
                self.at += 1;
                literal(&phrase, position)
            }
            Token::Field(name, value) => {
                self.at += 1;
                field(&name, &value, position)
            }
            Token::LParen => {
                self.at += 1;
                if self.peek().is_none() {
                    return error(Some(position), "unbalanced '(' (never closed)");
                }
                let node = self.nested(position, |p| p.and_expr())?;
                if self.peek() != Some(&Token::RParen) {
                    return error(Some(position), "unbalanced '(' (never closed)");
                }
                self.at += 1;
                Ok(node)
            }
            Token::RParen => error(Some(position), "unbalanced ')' (no '(' before it)"),
            Token::Or => error(Some(position), "'OR' with nothing before it"),
            Token::And => error(Some(position), "'AND' with nothing before it"),
        }
    }

    fn nested(
        &mut self,
        position: usize,
        inner: impl FnOnce(&mut Parser) -> Result<Node, QueryError>,
    ) -> Result<Node, QueryError> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return error(
                Some(position),
                format!("nesting deeper than {MAX_NESTING} levels"),
            );
        }
        let node = inner(self);
        self.depth -= 1;
        node
    }
}

/// A literal term: normalised, non-empty, not only punctuation, not too long.
fn literal(raw: &str, position: usize) -> Result<Node, QueryError> {
    let text = normalize(raw.trim());
    let text = text.trim().to_string();
    if text.is_empty() {
        return error(Some(position), "empty phrase");
    }
    if !text.chars().any(char::is_alphanumeric) {
        return error(
            Some(position),
            format!("'{raw}' is only punctuation; there is nothing in it to search for"),
        );
    }
    let len = text.chars().count();
    if len > MAX_LITERAL_CHARS {
        return error(
            Some(position),
            format!("a term of {len} characters; the limit is {MAX_LITERAL_CHARS}"),
        );
    }
    Ok(Node::Literal { text, position })
}

/// A `field:value` filter.
fn field(name: &str, value: &str, position: usize) -> Result<Node, QueryError> {
    let Some(dim) = Dimension::from_name(name) else {
        return error(Some(position), format!("unknown field '{name}'"));
    };
    if value.trim().is_empty() {
        return error(Some(position), format!("'{name}:' needs a value"));
    }
    match Filter::parse(dim, value) {
        Ok(filter) => Ok(Node::Filter(filter)),
        Err(message) => error(Some(position), message),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lit(text: &str, position: usize) -> Node {
        Node::Literal {
            text: text.into(),
            position,
        }
    }

    fn err(query: &str) -> QueryError {
        parse(query).expect_err(query)
    }

    #[test]
    fn filters_every_paragraph_passes_are_dropped_only_from_ands() {
        let years = |f: &Filter| matches!(f, Filter::Years(_));
        let dropped = |query: &str| parse(query).unwrap().without_true_filters(&years);
        let same = |query: &str| assert_eq!(dropped(query), parse(query).unwrap(), "{query}");
        assert_eq!(dropped("改革 year:1900.."), lit("改革", 0));
        assert_eq!(
            dropped("改革 year:1900.. 教育"),
            Node::And(vec![lit("改革", 0), lit("教育", 15)])
        );
        assert_eq!(
            dropped("(改革 year:1900..) OR 教育"),
            Node::Or(vec![lit("改革", 1), lit("教育", 20)])
        );
        assert_eq!(
            dropped("教育 -(改革 year:1900..)"),
            Node::And(vec![lit("教育", 0), Node::Not(Box::new(lit("改革", 5)))])
        );
        // Where dropping would need a node for "every paragraph".
        same("year:1900..");
        same("year:1900.. year:..2100");
        same("改革 OR year:1900..");
        same("改革 -year:1900..");
        // Other filters stay.
        same("改革 province:浙江省");
    }

    #[test]
    fn terms_are_anded() {
        assert_eq!(parse("学前教育").unwrap(), lit("学前教育", 0));
        assert_eq!(
            parse("学前 教育").unwrap(),
            Node::And(vec![lit("学前", 0), lit("教育", 3)])
        );
        assert_eq!(
            parse("学前 AND 教育").unwrap(),
            Node::And(vec![lit("学前", 0), lit("教育", 7)])
        );
    }

    #[test]
    fn or_binds_tighter_than_juxtaposition() {
        assert_eq!(
            parse("双减 课后 OR 作业").unwrap(),
            Node::And(vec![
                lit("双减", 0),
                Node::Or(vec![lit("课后", 3), lit("作业", 9)])
            ])
        );
        assert_eq!(
            parse("a|b").unwrap(),
            Node::Or(vec![lit("a", 0), lit("b", 2)])
        );
    }

    #[test]
    fn negation_and_groups() {
        assert_eq!(
            parse("学前教育 -民办").unwrap(),
            Node::And(vec![
                lit("学前教育", 0),
                Node::Not(Box::new(lit("民办", 6)))
            ])
        );
        assert_eq!(
            parse("学前教育 NOT (民办 OR 私立)").unwrap(),
            Node::And(vec![
                lit("学前教育", 0),
                Node::Not(Box::new(Node::Or(vec![lit("民办", 10), lit("私立", 16)])))
            ])
        );
        assert_eq!(
            parse("教育 -\"民办 学校\"").unwrap(),
            Node::And(vec![
                lit("教育", 0),
                Node::Not(Box::new(lit("民办 学校", 4)))
            ])
        );
    }

    #[test]
    fn phrases_keep_their_spaces_and_are_normalised() {
        assert_eq!(
            parse("\"先锋引领  教育共富\"").unwrap(),
            lit("先锋引领 教育共富", 0)
        );
        assert_eq!(parse("Ｃ９").unwrap(), lit("c9", 0));
        assert_eq!(parse("1+X").unwrap(), lit("1+x", 0));
        assert_eq!(parse("（一）").unwrap(), lit("(一)", 0));
    }

    #[test]
    fn field_filters() {
        assert_eq!(
            parse("学前教育 -民办 province:浙江省 year:2022..2024").unwrap(),
            Node::And(vec![
                lit("学前教育", 0),
                Node::Not(Box::new(lit("民办", 6))),
                Node::Filter(Filter::Equals(Dimension::Province, "浙江省".into())),
                Node::Filter(Filter::Years(YearRange {
                    from: Some(2022),
                    to: Some(2024)
                })),
            ])
        );
        assert_eq!(
            parse("county:\"青田县\"").unwrap(),
            Node::Filter(Filter::Equals(Dimension::County, "青田县".into()))
        );
        assert_eq!(
            parse("kind:plan").unwrap(),
            Node::Filter(Filter::Equals(Dimension::Kind, "plan".into()))
        );
        assert_eq!(
            parse("-county:青田县 教育").unwrap(),
            Node::And(vec![
                Node::Not(Box::new(Node::Filter(Filter::Equals(
                    Dimension::County,
                    "青田县".into()
                )))),
                lit("教育", 12)
            ])
        );
        // A non-ASCII word before a colon is text.
        assert_eq!(parse("时间:2022").unwrap(), lit("时间:2022", 0));
    }

    #[test]
    fn year_ranges() {
        assert_eq!(YearRange::parse("2024").unwrap().to_string(), "2024");
        assert_eq!(YearRange::parse("2022..").unwrap().to_string(), "2022..");
        assert_eq!(YearRange::parse("..2020").unwrap().to_string(), "..2020");
        assert!(YearRange::parse("2024..2020").is_err());
        assert!(YearRange::parse("..").is_err());
        assert!(YearRange::parse("24").is_err());
        let span = YearRange::parse("2018").unwrap();
        assert!(span.overlaps(2016, 2020));
        assert!(!span.overlaps(2021, 2025));
    }

    #[test]
    fn errors_name_positions() {
        assert_eq!(err("\"学前").position, Some(1));
        assert_eq!(err("(学前 教育").position, Some(1));
        assert!(err("(").message.contains("unbalanced '('"));
        assert_eq!(err("学前)").position, Some(3));
        assert_eq!(err("学前 OR").position, Some(4));
        assert_eq!(err("OR 学前").position, Some(1));
        assert_eq!(err("学前 foo:bar").position, Some(4));
        assert!(err("学前 foo:bar").message.contains("unknown field"));
        assert_eq!(err("、。").position, Some(1));
        assert_eq!(err("year:20x").position, Some(1));
        assert_eq!(err("kind:draft").position, Some(1));
        assert_eq!(err("学前 -").position, Some(4));
        assert_eq!(err("学前 NOT").position, Some(4));
        assert!(err("").message.contains("empty"));
        assert!(err("   ").message.contains("empty"));
        assert!(err("()").message.contains("empty group"));
        assert!(err("-民办").message.contains("only excludes"));
        assert!(err("\"\"").message.contains("empty phrase"));
    }

    #[test]
    fn bounds_are_enforced() {
        let long = "教".repeat(MAX_QUERY_CHARS + 1);
        assert!(err(&long).message.contains("limit"));
        let many = vec!["教育"; MAX_QUERY_TERMS + 1].join(" ");
        assert!(err(&many).message.contains("terms"));
        let deep = format!(
            "{}教育{}",
            "(".repeat(MAX_NESTING + 1),
            ")".repeat(MAX_NESTING + 1)
        );
        assert!(err(&deep).message.contains("nesting"));
        let term = "教".repeat(MAX_LITERAL_CHARS + 1);
        assert!(err(&term).message.contains("limit"));
    }

    #[test]
    fn positive_literals_skip_negations() {
        let node = parse("学前 -民办 (普惠 OR 公办) NOT 私立 学前").unwrap();
        assert_eq!(node.positive_literals(), vec!["学前", "普惠", "公办"]);
    }
}
