//! The reply linter: checks any public reply, the merchant's own included,
//! against the compliance rules (`data/lint_rules.txt`, from
//! `shared/spec/compliance.md`).

use std::sync::LazyLock;

use serde::Serialize;

use super::folded::{byte_of_utf16, Folded};
use super::options::{Platform, Settings, SupportChannel};
use super::phrases::Pattern;
use super::ReviewContext;
use crate::classify::classify;
use crate::review::Review;
use crate::taxonomy::Risk;
use crate::text::Utf16Offsets;

pub static LINT_RULES: LazyLock<Vec<LintRule>> = LazyLock::new(|| parse_rules(include_str!("data/lint_rules.txt")));

/// How bad a finding is: an `error` must not be posted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Breaks a law or a platform rule: "update your review and we'll refund you".
    Error,
    /// Hurts the reply: blame, boilerplate, marketing.
    Warning,
    /// Would make it better: a missing apology.
    Suggestion,
}

/// When a rule applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum When {
    Always,
    /// The review being answered is a complaint (negative or mixed).
    Complaint,
    /// The review carries a safety, legal or fraud flag.
    Escalation,
    /// The reply is posted on Amazon.
    Amazon,
}

/// How much text a finding covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    Match,
    Sentence,
}

/// The checks written in code rather than as patterns.
pub const CHECKS: &[&str] = &["personal-data", "length", "markup", "links", "names-issue", "private-channel", "apology"];

#[derive(Debug)]
pub struct LintRule {
    pub id: String,
    pub severity: Option<Severity>,
    pub when: Option<When>,
    pub scope: Option<Scope>,
    pub message: String,
    pub suggestion: Option<String>,
    pub source: String,
    pub unless: Option<String>,
    pub patterns: Vec<Pattern>,
    pub check: Option<String>,
}

fn parse_rules(file: &str) -> Vec<LintRule> {
    let mut rules: Vec<LintRule> = Vec::new();
    for line in file.lines().map(str::trim_end) {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        if let Some(id) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            rules.push(LintRule {
                id: id.to_string(),
                severity: None,
                when: None,
                scope: Some(Scope::Match),
                message: String::new(),
                suggestion: None,
                source: String::new(),
                unless: None,
                patterns: Vec::new(),
                check: None,
            });
            continue;
        }
        let (Some(rule), Some((key, value))) = (rules.last_mut(), line.split_once(": ")) else { continue };
        match key {
            "severity" => {
                rule.severity = match value {
                    "error" => Some(Severity::Error),
                    "warning" => Some(Severity::Warning),
                    "suggestion" => Some(Severity::Suggestion),
                    _ => None,
                }
            }
            "when" => {
                rule.when = match value {
                    "always" => Some(When::Always),
                    "complaint" => Some(When::Complaint),
                    "escalation" => Some(When::Escalation),
                    "amazon" => Some(When::Amazon),
                    _ => None,
                }
            }
            "scope" => rule.scope = if value == "sentence" { Some(Scope::Sentence) } else if value == "match" { Some(Scope::Match) } else { None },
            "message" => rule.message = value.to_string(),
            "suggestion" => rule.suggestion = Some(value.to_string()),
            "source" => rule.source = value.to_string(),
            "unless" => rule.unless = Some(value.to_string()),
            "pattern" => rule.patterns.push(Pattern::new(value)),
            "check" => rule.check = Some(value.to_string()),
            _ => {}
        }
    }
    rules
}

/// Problems in the rule data, for the data test: duplicate ids, patterns
/// that do not compile, rules without message, source, severity or a way to
/// match, and checks the code does not know.
pub fn check_rules(rules: &[LintRule]) -> Vec<String> {
    let mut problems = Vec::new();
    for (i, r) in rules.iter().enumerate() {
        if rules[..i].iter().any(|o| o.id == r.id) {
            problems.push(format!("{}: duplicate id", r.id));
        }
        if r.message.is_empty() || r.source.is_empty() {
            problems.push(format!("{}: needs a message and a source", r.id));
        }
        if r.severity.is_none() || r.when.is_none() || r.scope.is_none() {
            problems.push(format!("{}: severity, when or scope missing or unknown", r.id));
        }
        match (&r.check, r.patterns.is_empty()) {
            (Some(c), true) if CHECKS.contains(&c.as_str()) => {}
            (Some(c), true) => problems.push(format!("{}: unknown check {c}", r.id)),
            (None, false) => {}
            _ => problems.push(format!("{}: needs patterns or one check, not both", r.id)),
        }
        for p in r.patterns.iter().filter(|p| p.matcher.is_none()) {
            problems.push(format!("{}: pattern does not compile: {}", r.id, p.source));
        }
        if r.unless.as_deref().is_some_and(|u| !CHECKS.contains(&u)) {
            problems.push(format!("{}: unknown check in unless", r.id));
        }
    }
    problems
}

/// One problem found in a reply. `start`/`end` are UTF-16 offsets into it.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LintIssue {
    pub rule_id: String,
    pub severity: Severity,
    pub message: String,
    pub start: usize,
    pub end: usize,
    /// Replacement text for the span ("" deletes it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suggestion: Option<String>,
    pub source: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LintResult {
    /// False when any issue is an error: the reply must not be posted as is.
    pub ok: bool,
    pub issues: Vec<LintIssue>,
}

/// A finding before offsets go to UTF-16: byte span in the original reply.
struct Finding<'r> {
    rule: &'r LintRule,
    start: usize,
    end: usize,
    message: Option<String>,
}

/// Checks a reply. `context` is the review being answered, when known: it
/// enables the checks that depend on it (the issue named, escalation).
/// `issue_apology` is what a boilerplate apology should become.
pub fn lint_reply(reply: &str, settings: &Settings, context: Option<&ReviewContext>) -> LintResult {
    let folded = Folded::new(reply);
    let complaint = context.is_some_and(ReviewContext::is_complaint);
    let escalation = context.is_some_and(ReviewContext::needs_escalation);
    let mut findings: Vec<Finding> = Vec::new();
    for rule in LINT_RULES.iter() {
        let applies = match rule.when {
            Some(When::Always) => true,
            Some(When::Complaint) => complaint,
            Some(When::Escalation) => escalation,
            Some(When::Amazon) => settings.platform == Platform::Amazon,
            None => false,
        };
        if !applies || rule.unless.as_deref().is_some_and(|u| passes(u, reply, &folded, settings, context)) {
            continue;
        }
        if let Some(check) = &rule.check {
            for (start, end, message) in run_check(check, reply, &folded, settings, context) {
                findings.push(Finding { rule, start, end, message });
            }
            continue;
        }
        for pattern in &rule.patterns {
            for (s, e) in pattern.spans(&folded.text) {
                let (s, e) = if rule.scope == Some(Scope::Sentence) { sentence_around(&folded.text, s, e) } else { (s, e) };
                let (start, end) = folded.original_span(s, e);
                findings.push(Finding { rule, start, end, message: None });
            }
        }
    }
    // One finding per rule and place: overlapping patterns of a rule agree.
    findings.sort_by_key(|f| (f.start, f.end));
    let mut kept: Vec<Finding> = Vec::new();
    for f in findings {
        if kept.iter().any(|k| k.rule.id == f.rule.id && k.start < f.end.max(f.start + 1) && f.start < k.end.max(k.start + 1)) {
            continue;
        }
        kept.push(f);
    }
    let utf16 = Utf16Offsets::new(reply);
    let issues: Vec<LintIssue> = kept
        .into_iter()
        .map(|f| LintIssue {
            rule_id: f.rule.id.clone(),
            severity: f.rule.severity.unwrap_or(Severity::Warning),
            message: f.message.unwrap_or_else(|| f.rule.message.clone()),
            start: utf16.utf16(f.start),
            end: utf16.utf16(f.end),
            suggestion: suggestion(f.rule, context),
            source: f.rule.source.clone(),
        })
        .collect();
    LintResult { ok: !issues.iter().any(|i| i.severity == Severity::Error), issues }
}

fn suggestion(rule: &LintRule, context: Option<&ReviewContext>) -> Option<String> {
    match rule.suggestion.as_deref()? {
        "(delete)" => Some(String::new()),
        "(issue)" => context.and_then(ReviewContext::issue_apology),
        text => Some(text.to_string()),
    }
}

/// Widens a folded span to the sentence around it, with the space after it.
fn sentence_around(text: &str, start: usize, end: usize) -> (usize, usize) {
    let bytes = text.as_bytes();
    let is_end = |b: u8| matches!(b, b'.' | b'!' | b'?' | b'\n');
    let mut s = start.min(bytes.len());
    while s > 0 && !bytes.get(s - 1).copied().is_some_and(is_end) {
        s -= 1;
    }
    while bytes.get(s).is_some_and(|b| *b == b' ') {
        s += 1;
    }
    let mut e = end.min(bytes.len());
    while e < bytes.len() && !bytes.get(e).copied().is_some_and(is_end) {
        e += 1;
    }
    while e < bytes.len() && bytes.get(e).copied().is_some_and(|b| is_end(b) && b != b'\n') {
        e += 1;
    }
    while bytes.get(e).is_some_and(|b| *b == b' ') {
        e += 1;
    }
    (s, e.max(s))
}

static APOLOGY: LazyLock<Pattern> = LazyLock::new(|| Pattern::new(r"\b(sorry|apologi[sz]e[ds]?|apologies|regret)\b"));
static PRIVATE_CHANNEL: LazyLock<Pattern> = LazyLock::new(|| {
    Pattern::new(
        r"[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}|https?://|\b(message|email|note) (we('ve| have)|we) sent\b|\breply to (our|the|this|that) (message|email)\b|\b(contact|email|call|phone|write to|message|dm|reach|get in touch with) us\b|\bget in touch\b|\b(direct|private) message\b|\bdm\b|\bin private\b|\bprivately\b",
    )
});
static LINK: LazyLock<Pattern> = LazyLock::new(|| Pattern::new(r"\bhttps?://[^\s<>()]+|\bwww\.[^\s<>()]+"));
static MARKUP: LazyLock<Pattern> = LazyLock::new(|| {
    Pattern::new(r"</?[a-z][a-z0-9]*(\s[^<>]*)?/?>|\*\*[^*\n]+\*\*|__[^_\n]+__|\[[^\]\n]+\]\([^)\n]+\)|(^|\n)#{1,6} |&[a-z]+;|&#\d+;")
});
/// Card numbers: 13 to 19 digits in groups, checked with Luhn below.
static CARD: LazyLock<Pattern> = LazyLock::new(|| Pattern::new(r"\b\d(?:[ -]?\d){12,18}\b|\b(card|visa|mastercard|amex|account)\b[^.!?\n]{0,20}\bending (in|with)? ?\d{4}\b"));
/// Mailboxes of a shop's team, not of a person: fine in a public reply.
static ROLE_MAILBOX: LazyLock<Pattern> = LazyLock::new(|| {
    Pattern::new(r"^(support|help|care|customercare|customer\.?care|service|customerservice|customer\.?service|hello|hi|info|contact|team|returns|orders|sales|enquiries|inquiries|feedback|cs|customer|customers|shop|store)@")
});

fn passes(check: &str, reply: &str, folded: &Folded, settings: &Settings, context: Option<&ReviewContext>) -> bool {
    run_check(check, reply, folded, settings, context).is_empty()
}

/// Runs a check written in code: each finding as an original byte span and
/// an optional message that replaces the rule's.
fn run_check(check: &str, reply: &str, folded: &Folded, settings: &Settings, context: Option<&ReviewContext>) -> Vec<(usize, usize, Option<String>)> {
    let whole = vec![(0, reply.len(), None)];
    let spans = |p: &Pattern| -> Vec<(usize, usize, Option<String>)> {
        p.spans(&folded.text).into_iter().map(|(s, e)| folded.original_span(s, e)).map(|(s, e)| (s, e, None)).collect()
    };
    match check {
        "personal-data" => personal_data(reply, folded, settings, context),
        "length" => {
            let limit = settings.platform.rules().max_chars;
            let chars = reply.chars().count();
            if chars <= limit {
                return Vec::new();
            }
            let from = reply.char_indices().nth(limit).map_or(reply.len(), |(at, _)| at);
            let message = format!(
                "The reply is {chars} characters; {} accepts {limit}. Shorten it by {} characters.",
                settings.platform.id(),
                chars - limit
            );
            vec![(from, reply.len(), Some(message))]
        }
        "markup" => spans(&MARKUP),
        "links" => {
            let support = match &settings.support {
                SupportChannel::Link(url) if settings.platform.rules().links_allowed => Some(url.to_ascii_lowercase()),
                _ => None,
            };
            let mut found = spans(&LINK);
            found.retain(|(s, e, _)| {
                let link = reply.get(*s..*e).unwrap_or("").trim_end_matches(['.', ',', '!', '?', ';', ':']).to_ascii_lowercase();
                support.as_deref() != Some(link.as_str())
            });
            found
        }
        "names-issue" => match context {
            Some(c) if !c.names_issue(&folded.text) => whole,
            _ => Vec::new(),
        },
        "private-channel" => {
            if PRIVATE_CHANNEL.is_match(&folded.text) {
                Vec::new()
            } else {
                whole
            }
        }
        "apology" => {
            if APOLOGY.is_match(&folded.text) {
                Vec::new()
            } else {
                whole
            }
        }
        _ => Vec::new(),
    }
}

/// Personal data in the reply: what the classifier flags as personal data
/// (one place knows emails, phones, order and tracking numbers, addresses),
/// card numbers, and the reviewer's full name where only a display name is public.
fn personal_data(reply: &str, folded: &Folded, settings: &Settings, context: Option<&ReviewContext>) -> Vec<(usize, usize, Option<String>)> {
    let mut found = Vec::new();
    if let Ok(c) = classify(&Review::from_text(reply)) {
        for risk in c.risks.iter().filter(|r| r.id == Risk::PersonalData) {
            for span in &risk.evidence {
                let (s, e) = (byte_of_utf16(reply, span.start), byte_of_utf16(reply, span.end));
                let words = reply.get(s..e).unwrap_or("").trim().to_ascii_lowercase();
                let ours = settings.support.address().is_some_and(|a| words.contains(&a.to_ascii_lowercase()));
                let team_mailbox = words.contains('@') && ROLE_MAILBOX.is_match(words.trim_start_matches(|c: char| !c.is_ascii_alphanumeric()));
                if !ours && !team_mailbox {
                    found.push((s, e, None));
                }
            }
        }
    }
    for (s, e) in CARD.spans(&folded.text) {
        let digits: Vec<u32> = folded.text.get(s..e).unwrap_or("").chars().filter_map(|c| c.to_digit(10)).collect();
        if digits.len() == 4 || luhn(&digits) {
            let (s, e) = folded.original_span(s, e);
            found.push((s, e, Some("Never show payment details in public, not even the last digits of a card. Remove them.".into())));
        }
    }
    if let Some(full) = context.and_then(|c| c.review.author.as_deref()).map(str::trim) {
        let public = settings.display_name.as_deref().map(str::trim);
        if full.split_whitespace().count() >= 2 && public.is_none_or(|p| !p.eq_ignore_ascii_case(full)) {
            let needle = full.to_ascii_lowercase();
            for (at, _) in folded.text.match_indices(&needle) {
                let (s, e) = folded.original_span(at, at + needle.len());
                let message = "This is the reviewer's full name; a public reply may use only the name the platform shows (pass it as displayName) or none.";
                found.push((s, e, Some(message.into())));
            }
        }
    }
    found
}

fn luhn(digits: &[u32]) -> bool {
    if digits.len() < 13 {
        return false;
    }
    let sum: u32 = digits.iter().rev().enumerate().map(|(i, &d)| if i % 2 == 1 { if d * 2 > 9 { d * 2 - 9 } else { d * 2 } } else { d }).sum();
    sum.is_multiple_of(10)
}
