//! Public replies to reviews: the drafter writes them from a review's
//! classification, the linter checks any reply (the merchant's own included)
//! against `shared/spec/compliance.md`. Respond in public, recover in private.

pub mod draft;
pub mod folded;
pub mod lint;
pub mod options;
pub mod phrases;

use std::sync::LazyLock;

use crate::classify::{classify, Classification};
use crate::error::Error;
use crate::review::Review;
use crate::taxonomy::{Category, Risk, SentimentLabel};
use folded::{byte_of_utf16, Folded};
use phrases::{Pattern, PHRASES};

pub use draft::{draft_reply, Draft};
pub use lint::{lint_reply, LintIssue, LintResult, Severity};
pub use options::{Platform, ReplyOptions, Settings, SupportChannel, Tone};

/// The review a reply answers, read once: what the drafter writes from and
/// what the linter checks the reply against.
pub struct ReviewContext {
    pub review: Review,
    pub classification: Classification,
}

static ESCALATION_WORDS: LazyLock<Pattern> =
    LazyLock::new(|| Pattern::new(PHRASES.slot("escalation words").first().map_or("$^", String::as_str)));

impl ReviewContext {
    pub fn new(review: Review) -> Result<ReviewContext, Error> {
        let classification = classify(&review)?;
        Ok(ReviewContext { review, classification })
    }

    /// The customer is unhappy about something: the reply must name it,
    /// apologise and move to a private channel.
    pub fn is_complaint(&self) -> bool {
        matches!(self.classification.sentiment.label, SentimentLabel::Negative | SentimentLabel::Mixed)
            || self.escalation_risk().is_some()
            || self.low_rating()
    }

    /// One or two stars: an unhappy customer, whatever the words say.
    pub fn low_rating(&self) -> bool {
        self.review.rating.is_some_and(|r| r <= 2.0)
    }

    /// The first safety, legal or fraud flag: these go to a person.
    pub fn escalation_risk(&self) -> Option<Risk> {
        [Risk::Safety, Risk::Legal, Risk::Fraud]
            .into_iter()
            .find(|r| self.classification.risks.iter().any(|l| l.id == *r))
    }

    pub fn needs_escalation(&self) -> bool {
        self.escalation_risk().is_some()
    }

    /// The root causes, surest first.
    pub fn causes(&self) -> Vec<Category> {
        let mut labels: Vec<_> = self.classification.categories.iter().collect();
        labels.sort_by(|a, b| b.confidence.total_cmp(&a.confidence));
        labels.into_iter().map(|l| l.id).collect()
    }

    /// The review's words behind a root cause (its evidence), folded.
    pub fn evidence(&self, category: Category) -> String {
        let mut out = String::new();
        for label in self.classification.categories.iter().filter(|l| l.id == category) {
            for span in &label.evidence {
                let text = if span.field == Some("title") { self.review.title.as_deref().unwrap_or("") } else { &self.review.text };
                let (s, e) = (byte_of_utf16(text, span.start), byte_of_utf16(text, span.end));
                out.push_str(text.get(s..e).unwrap_or(""));
                out.push_str(" . ");
            }
        }
        Folded::new(&out).text
    }

    /// Whether a folded reply names what the customer complained about.
    pub fn names_issue(&self, folded_reply: &str) -> bool {
        let causes = self.causes();
        let named = |c: Option<Category>| PHRASES.issue(c).and_then(|i| i.words.as_ref()).is_some_and(|w| w.is_match(folded_reply));
        if self.needs_escalation() && ESCALATION_WORDS.is_match(folded_reply) {
            return true;
        }
        if causes.is_empty() {
            return named(None) || Category::ALL.into_iter().any(|c| named(Some(c)));
        }
        causes.into_iter().any(|c| named(Some(c)))
    }

    /// An apology that names the issue, to replace a boilerplate one.
    pub fn issue_apology(&self) -> Option<String> {
        let issue = draft::issue_clause(self, 0)?;
        Some(format!("We're sorry that {issue}"))
    }
}
