//! Pattern rules, loaded from data files: the engine behind root causes and
//! risk flags. A rule file has one rule a line:
//! `label <TAB> weight <TAB> flags <TAB> regex`, flags comma-separated or `-`:
//! - `weak`: counts only in a clause that is not positive ("small" in "runs small, sadly");
//! - `exact`: matched against the original text, case and all (postcodes);
//! - `not_received`: the order never arrived (raises priority);
//! - `negation_ok`: a negator just before does not cancel it.
//!
//! Patterns run on the text in ASCII lower case, so they are written in lower case.

use regex::{Regex, RegexSet};

use super::lexicon::{data_lines, LexiconReading, LEXICON};
use crate::text::{Token, TokenKind};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Flags {
    pub weak: bool,
    pub exact: bool,
    pub not_received: bool,
    pub negation_ok: bool,
}

pub struct Rule<L> {
    pub label: L,
    pub weight: f32,
    pub flags: Flags,
    pub regex: Regex,
}

/// A compiled rule file.
pub struct RuleBook<L> {
    rules: Vec<Rule<L>>,
    /// Rules matched on lower-cased text, then on the original text.
    lower: (RegexSet, Vec<usize>),
    exact: (RegexSet, Vec<usize>),
    /// Lines that failed to load, for the data test; empty in a good build.
    pub problems: Vec<String>,
}

/// One rule matching at one place.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Hit<L> {
    pub label: L,
    pub weight: f32,
    pub flags: Flags,
    /// Byte span in the text.
    pub start: usize,
    pub end: usize,
}

impl<L: Copy> RuleBook<L> {
    pub fn load(file: &str, parse_label: impl Fn(&str) -> Option<L>) -> Self {
        let mut rules = Vec::new();
        let mut problems = Vec::new();
        for line in data_lines(file) {
            let cols: Vec<&str> = line.splitn(4, '\t').collect();
            let [label, weight, flags, pattern] = cols.as_slice() else {
                problems.push(format!("not four columns: {line}"));
                continue;
            };
            let Some(label) = parse_label(label) else {
                problems.push(format!("unknown label: {line}"));
                continue;
            };
            let Ok(weight) = weight.parse::<f32>() else {
                problems.push(format!("bad weight: {line}"));
                continue;
            };
            let mut f = Flags::default();
            for flag in flags.split(',').filter(|s| *s != "-") {
                match flag {
                    "weak" => f.weak = true,
                    "exact" => f.exact = true,
                    "not_received" => f.not_received = true,
                    "negation_ok" => f.negation_ok = true,
                    other => problems.push(format!("unknown flag {other}: {line}")),
                }
            }
            match Regex::new(pattern) {
                Ok(regex) => rules.push(Rule { label, weight, flags: f, regex }),
                Err(e) => problems.push(format!("bad pattern ({e}): {line}")),
            }
        }
        let set = |exact: bool| {
            let idx: Vec<usize> = (0..rules.len()).filter(|&i| rules.get(i).is_some_and(|r| r.flags.exact == exact)).collect();
            let patterns = idx.iter().filter_map(|&i| rules.get(i)).map(|r| r.regex.as_str());
            (RegexSet::new(patterns).unwrap_or_else(|_| RegexSet::empty()), idx)
        };
        let lower = set(false);
        let exact = set(true);
        RuleBook { rules, lower, exact, problems }
    }

    pub fn len(&self) -> usize {
        self.rules.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// Every rule that matches `text`, minus those cancelled by a negator or,
    /// for weak rules, by a positive clause.
    pub fn hits(&self, text: &str, lower: &str, tokens: &[Token], reading: &LexiconReading) -> Vec<Hit<L>> {
        let mut hits = Vec::new();
        for (haystack, (set, idx)) in [(lower, &self.lower), (text, &self.exact)] {
            for m in set.matches(haystack).iter() {
                let Some(rule) = idx.get(m).and_then(|&i| self.rules.get(i)) else { continue };
                for found in rule.regex.find_iter(haystack) {
                    if !rule.flags.negation_ok && negated_before(tokens, found.start()) {
                        continue;
                    }
                    if rule.flags.weak && clause_is_positive(tokens, reading, found.start()) {
                        continue;
                    }
                    hits.push(Hit {
                        label: rule.label,
                        weight: rule.weight,
                        flags: rule.flags,
                        start: found.start(),
                        end: found.end(),
                    });
                }
            }
        }
        hits
    }
}

/// Index of the first token starting at or after `byte`.
fn token_at(tokens: &[Token], byte: usize) -> usize {
    tokens.partition_point(|t| t.start < byte)
}

/// A negator among the few words before `byte`, in the same clause:
/// "no problems with delivery", "didn't arrive damaged".
fn negated_before(tokens: &[Token], byte: usize) -> bool {
    let i = token_at(tokens, byte);
    tokens
        .get(..i)
        .unwrap_or(&[])
        .iter()
        .rev()
        .take_while(|t| t.kind == TokenKind::Word)
        .take(3)
        .any(|t| LEXICON.is_negator(&t.norm))
}

fn clause_is_positive(tokens: &[Token], reading: &LexiconReading, byte: usize) -> bool {
    let i = token_at(tokens, byte);
    reading.clauses.iter().find(|c| c.tokens.contains(&i)).is_some_and(|c| c.valence > 1.0)
}
