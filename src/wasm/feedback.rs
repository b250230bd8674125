//! `assessFeedback`, and the reading of JS answers and settings.

use wasm_bindgen::prelude::*;

use super::{js_error, to_js};
use crate::feedback::{assess, FeedbackAnswers, FeedbackError, FeedbackOptions, Settings};

/// Settings from a JS object (attributes or parsed JSON).
pub(crate) fn read_settings(value: &JsValue) -> Result<Settings, FeedbackError> {
    if !value.is_object() || js_sys::Array::is_array(value) {
        return Err(FeedbackError::Unreadable("expected an object like { reviewUrl: \"https://…\" }".into()));
    }
    serde_wasm_bindgen::from_value(value.clone()).map_err(|e| FeedbackError::Unreadable(e.to_string()))
}

pub(crate) fn read_answers(value: JsValue) -> Result<FeedbackAnswers, FeedbackError> {
    if !value.is_object() || js_sys::Array::is_array(&value) {
        return Err(FeedbackError::InvalidAnswer("expected an object like { orderId: \"A-1001\", satisfaction: 4 }".into()));
    }
    serde_wasm_bindgen::from_value(value).map_err(|e| {
        let why = e.to_string();
        FeedbackError::InvalidAnswer(why.strip_prefix("Error: ").unwrap_or(&why).to_string())
    })
}

/// Decides on one customer's answers: `{ unhappy, reasons, ticket, invitation, followUp? }`.
#[wasm_bindgen(js_name = assessFeedback)]
pub fn assess_feedback(answers: JsValue, options: JsValue) -> Result<JsValue, JsError> {
    let options = FeedbackOptions::from_settings(&read_settings(&options).map_err(js_error)?).map_err(js_error)?;
    let answers = read_answers(answers).map_err(js_error)?;
    to_js(&assess(&answers, &options).map_err(js_error)?)
}
