//! A customer's answers to the post-delivery questions (`FeedbackAnswers`).

use serde::{Deserialize, Serialize};

use super::error::FeedbackError;

/// The longest comment accepted (the form's textarea stops at this many characters).
pub const MAX_COMMENT_CHARS: usize = 5_000;

/// What one customer answered about one order. Every question is optional;
/// the order id is not.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct FeedbackAnswers {
    #[serde(default)]
    pub order_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arrived_as_expected: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery_smooth: Option<bool>,
    /// 1 (very dissatisfied) to 5 (very satisfied).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub satisfaction: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub needs_help: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sku: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub carrier: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warehouse: Option<String>,
    /// The customer's language tag (`fr-CA`); its language guides the comment's reading.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
}

impl FeedbackAnswers {
    /// Checks what the decision relies on; a refused answer gets a clear error.
    pub fn validate(&self) -> Result<(), FeedbackError> {
        if self.order_id.trim().is_empty() {
            return Err(FeedbackError::MissingOrderId);
        }
        if self.order_id.chars().count() > 200 {
            return Err(FeedbackError::InvalidAnswer("`orderId` is longer than 200 characters".into()));
        }
        if let Some(s) = self.satisfaction {
            if !(1.0..=5.0).contains(&s) || s.fract() != 0.0 {
                return Err(FeedbackError::InvalidAnswer(format!("`satisfaction` must be a whole number from 1 to 5, not {s}")));
            }
        }
        if let Some(c) = &self.comment {
            let chars = c.chars().count();
            if chars > MAX_COMMENT_CHARS {
                return Err(FeedbackError::InvalidAnswer(format!(
                    "`comment` is {chars} characters; the limit is {MAX_COMMENT_CHARS}"
                )));
            }
        }
        Ok(())
    }

    /// The comment, if the customer wrote anything.
    pub fn comment_text(&self) -> Option<&str> {
        self.comment.as_deref().map(str::trim).filter(|c| !c.is_empty())
    }

    /// Did the customer answer anything at all?
    pub fn is_empty(&self) -> bool {
        self.arrived_as_expected.is_none()
            && self.delivery_smooth.is_none()
            && self.satisfaction.is_none()
            && self.needs_help.is_none()
            && self.comment_text().is_none()
    }
}
