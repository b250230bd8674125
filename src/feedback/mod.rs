//! Post-delivery feedback: from a customer's answers (and what the classifier
//! reads in their comment) decide whether they are unhappy, build the support
//! ticket, and always build the same neutral review invitation
//! (`shared/spec/compliance.md`: no review gating).
//!
//! Plain Rust: the widget (`crate::widget`) and the `assessFeedback` binding
//! both call [`assess`].

mod answers;
mod error;
mod options;
mod response;
pub mod strings;

use serde::Serialize;

use crate::classify::{classify, Classification};
use crate::review::Review;
use crate::taxonomy::{Category, Priority, Risk, SentimentLabel};

pub use answers::{FeedbackAnswers, MAX_COMMENT_CHARS};
pub use error::{FeedbackError, NO_GATING_RULE};
pub use options::{FeedbackOptions, Question, Settings, Value, WidgetConfig, CONTEXT, SETTINGS};
pub use response::first_response;
pub use strings::{Strings, Text};

/// Why a customer counts as unhappy; each id is stable API (it appears in `reasons`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// Answered no to "Did your order arrive as expected?"
    NotAsExpected,
    /// Answered no to "Was the delivery smooth?"
    DeliveryNotSmooth,
    /// Satisfaction 1 or 2.
    LowSatisfaction,
    /// Answered yes to "Do you need help with anything?"
    NeedsHelp,
    /// The comment reads negative: "broke on day two".
    NegativeComment,
    /// The comment names a problem beside praise: "love it, but it came a week late".
    ComplaintInComment,
    /// The comment raises a safety, legal, fraud, abuse or churn flag.
    RiskFlag,
}

impl Reason {
    pub fn id(self) -> &'static str {
        match self {
            Self::NotAsExpected => "not_as_expected",
            Self::DeliveryNotSmooth => "delivery_not_smooth",
            Self::LowSatisfaction => "low_satisfaction",
            Self::NeedsHelp => "needs_help",
            Self::NegativeComment => "negative_comment",
            Self::ComplaintInComment => "complaint_in_comment",
            Self::RiskFlag => "risk_flag",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RootCause {
    pub id: Category,
    pub confidence: f64,
}

/// What support receives for an unhappy customer.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Ticket {
    pub order_id: String,
    pub answers: FeedbackAnswers,
    pub root_causes: Vec<RootCause>,
    pub risks: Vec<Risk>,
    pub priority: Priority,
    pub comment: Option<String>,
    /// A private first message to the customer, for support to edit and send.
    pub suggested_response: String,
}

/// The review invitation: the same link and words for every customer.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Invitation {
    pub url: String,
    pub text: String,
}

/// The decision on one set of answers.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Assessment {
    pub unhappy: bool,
    pub reasons: Vec<Reason>,
    pub ticket: Option<Ticket>,
    pub invitation: Invitation,
    /// When help comes, in the customer's words ("within one business day"); only when unhappy.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub follow_up: Option<String>,
}

/// The comment as a review: the satisfaction stands in for a star rating,
/// the locale's language is trusted over detection.
fn classify_comment(answers: &FeedbackAnswers, comment: &str) -> Option<Classification> {
    let language = answers
        .locale
        .as_deref()
        .filter(|l| strings::is_language_tag(l))
        .map(strings::primary_language);
    let review = Review {
        id: Some(answers.order_id.clone()),
        text: comment.to_string(),
        rating: answers.satisfaction,
        language,
        product: answers.product.clone(),
        sku: answers.sku.clone(),
        variant: answers.variant.clone(),
        carrier: answers.carrier.clone(),
        region: answers.region.clone(),
        warehouse: answers.warehouse.clone(),
        ..Review::default()
    };
    // The comment length is checked first, so classify cannot refuse it; if it
    // ever did, the answers still decide.
    classify(&review).ok()
}

fn reasons(answers: &FeedbackAnswers, reading: Option<&Classification>) -> Vec<Reason> {
    let mut out = Vec::new();
    if answers.arrived_as_expected == Some(false) {
        out.push(Reason::NotAsExpected);
    }
    if answers.delivery_smooth == Some(false) {
        out.push(Reason::DeliveryNotSmooth);
    }
    if answers.satisfaction.is_some_and(|s| s <= 2.0) {
        out.push(Reason::LowSatisfaction);
    }
    if answers.needs_help == Some(true) {
        out.push(Reason::NeedsHelp);
    }
    if let Some(c) = reading {
        match c.sentiment.label {
            SentimentLabel::Negative => out.push(Reason::NegativeComment),
            SentimentLabel::Mixed if !c.categories.is_empty() => out.push(Reason::ComplaintInComment),
            _ => {}
        }
        if c.risks.iter().any(|r| r.id != Risk::PersonalData) {
            out.push(Reason::RiskFlag);
        }
    }
    out
}

/// Decides on one customer's answers. The invitation is built first and the
/// same way whatever the answers: nothing below can withhold it.
pub fn assess(answers: &FeedbackAnswers, options: &FeedbackOptions) -> Result<Assessment, FeedbackError> {
    answers.validate()?;
    let invitation = Invitation {
        url: options.review_url.clone(),
        text: options.strings.get(Text::Invitation).to_string(),
    };
    let comment = answers.comment_text();
    let reading = comment.and_then(|c| classify_comment(answers, c));
    let reasons = reasons(answers, reading.as_ref());
    let unhappy = !reasons.is_empty();
    let ticket = unhappy.then(|| {
        let root_causes: Vec<RootCause> = reading
            .iter()
            .flat_map(|c| &c.categories)
            .map(|c| RootCause { id: c.id, confidence: c.confidence })
            .collect();
        let risks: Vec<Risk> = reading.iter().flat_map(|c| &c.risks).map(|r| r.id).collect();
        let read_priority = reading.as_ref().map_or(Priority::Low, |c| c.priority);
        let mut priority = read_priority.max(Priority::Normal);
        if answers.needs_help == Some(true) && answers.arrived_as_expected == Some(false) {
            priority = priority.max(Priority::High);
        }
        Ticket {
            order_id: answers.order_id.clone(),
            answers: answers.clone(),
            suggested_response: first_response(&answers.order_id, &root_causes, &risks, &reasons),
            root_causes,
            risks,
            priority,
            comment: comment.map(str::to_string),
        }
    });
    let follow_up = unhappy.then(|| options.follow_up());
    Ok(Assessment { unhappy, reasons, ticket, invitation, follow_up })
}

#[cfg(test)]
mod tests;
