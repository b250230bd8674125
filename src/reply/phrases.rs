//! The drafter's phrase bank (`data/phrases.txt`): wordings for every slot of
//! a reply, and what we know of each root cause. Read once.

use std::collections::HashMap;
use std::sync::LazyLock;

use crate::taxonomy::Category;
use crate::text::matcher::{Direction, Matcher};

pub static PHRASES: LazyLock<PhraseBank> = LazyLock::new(|| PhraseBank::parse(include_str!("data/phrases.txt")));

/// A pattern over folded text (see `folded`), and the text it was written as.
#[derive(Debug)]
pub struct Pattern {
    pub source: String,
    pub matcher: Option<Matcher>,
}

impl Pattern {
    pub fn new(source: &str) -> Pattern {
        Pattern { source: source.to_string(), matcher: Matcher::new(source, Direction::Forward).ok() }
    }

    pub fn is_match(&self, folded: &str) -> bool {
        self.matcher.as_ref().is_some_and(|m| m.is_match(folded.as_bytes()))
    }

    /// Every match as folded byte spans.
    pub fn spans(&self, folded: &str) -> Vec<(usize, usize)> {
        self.matcher.as_ref().map_or_else(Vec::new, |m| m.find_iter(folded.as_bytes()))
    }
}

/// What the drafter and the linter know of one root cause.
#[derive(Debug, Default)]
pub struct IssueWords {
    /// A reply matching this names the issue.
    pub words: Option<Pattern>,
    /// (evidence pattern, clause): the customer's own terms.
    pub details: Vec<(Pattern, String)>,
    pub phrases: Vec<String>,
    pub steps: Vec<String>,
    /// A neutral noun phrase for escalations: "the charges on your account".
    pub concern: Option<String>,
}

#[derive(Debug, Default)]
pub struct PhraseBank {
    slots: HashMap<String, Vec<String>>,
    /// What the customer liked: (pattern, noun phrase).
    pub praise: Vec<(Pattern, String)>,
    /// What the customer disliked: (pattern, clause); the clauses marked
    /// `only-alone` serve only a complaint no root cause fits.
    pub complaint_aspects: Vec<(Pattern, String)>,
    pub alone_aspects: Vec<(Pattern, String)>,
    issues: HashMap<String, IssueWords>,
}

impl PhraseBank {
    pub fn parse(file: &str) -> PhraseBank {
        let mut bank = PhraseBank::default();
        let mut block = String::new();
        for line in file.lines().map(str::trim_end) {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
                block = name.to_string();
                continue;
            }
            if block == "praise" || block == "complaint aspects" {
                if let Some((pattern, phrase)) = line.split_once(" => ") {
                    let (table, phrase) = match phrase.strip_suffix(" [only-alone]") {
                        _ if block == "praise" => (&mut bank.praise, phrase),
                        Some(alone) => (&mut bank.alone_aspects, alone),
                        None => (&mut bank.complaint_aspects, phrase),
                    };
                    table.push((Pattern::new(pattern), phrase.to_string()));
                }
            } else if let Some(category) = block.strip_prefix("issue ") {
                let issue = bank.issues.entry(category.to_string()).or_default();
                if let Some(p) = line.strip_prefix("words: ") {
                    issue.words = Some(Pattern::new(p));
                } else if let Some((pattern, phrase)) = line.strip_prefix("detail: ").and_then(|d| d.split_once(" => ")) {
                    issue.details.push((Pattern::new(pattern), phrase.to_string()));
                } else if let Some(p) = line.strip_prefix("phrase: ") {
                    issue.phrases.push(p.to_string());
                } else if let Some(s) = line.strip_prefix("step: ") {
                    issue.steps.push(s.to_string());
                } else if let Some(c) = line.strip_prefix("concern: ") {
                    issue.concern = Some(c.to_string());
                }
            } else {
                bank.slots.entry(block.clone()).or_default().push(line.to_string());
            }
        }
        bank
    }

    /// The wordings of a slot (empty when the bank has none).
    pub fn slot(&self, name: &str) -> &[String] {
        self.slots.get(name).map_or(&[], Vec::as_slice)
    }

    /// What we know of a root cause; `None` is the complaint without one.
    pub fn issue(&self, category: Option<Category>) -> Option<&IssueWords> {
        self.issues.get(category.map_or("none", Category::id))
    }

    /// Up to `most` noun phrases from `table` that match the folded text, in table order.
    pub fn aspects<'a>(table: &'a [(Pattern, String)], folded: &str, most: usize) -> Vec<&'a str> {
        let mut found: Vec<&str> = Vec::new();
        for (pattern, phrase) in table {
            if found.len() < most && !found.contains(&phrase.as_str()) && pattern.is_match(folded) {
                found.push(phrase);
            }
        }
        found
    }

    pub fn slot_names(&self) -> impl Iterator<Item = &str> {
        self.slots.keys().map(String::as_str)
    }

    /// Problems in the data, for the data test: patterns that do not compile,
    /// root causes without words, phrases or steps.
    pub fn check(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let mut patterns: Vec<(String, &Pattern)> =
            self.praise.iter().chain(&self.complaint_aspects).chain(&self.alone_aspects).map(|(p, _)| ("aspect".to_string(), p)).collect();
        for (id, issue) in &self.issues {
            match &issue.words {
                Some(w) => patterns.push((format!("issue {id} words"), w)),
                None => problems.push(format!("issue {id}: no words")),
            }
            patterns.extend(issue.details.iter().map(|(p, _)| (format!("issue {id} detail"), p)));
        }
        for (what, p) in patterns.into_iter().filter(|(_, p)| p.matcher.is_none()) {
            problems.push(format!("{what}: pattern does not compile: {}", p.source));
        }
        for category in Category::ALL.into_iter().map(Some).chain([None]) {
            let id = category.map_or("none", Category::id);
            match self.issue(category) {
                Some(i) if !i.phrases.is_empty() && !i.steps.is_empty() && i.concern.is_some() => {}
                _ => problems.push(format!("issue {id}: needs at least one phrase, one step and a concern")),
            }
        }
        problems
    }
}
