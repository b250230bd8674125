//! `assessFeedback` (feature `api`), and the reading of JS answers and
//! settings (the widget reads its settings here too).

use wasm_bindgen::prelude::*;

use crate::feedback::{FeedbackError, Settings, Value};
#[cfg(feature = "api")]
use {
    super::{js_error, to_js},
    crate::feedback::{assess, FeedbackAnswers, FeedbackOptions},
};

/// Objects nested deeper than this in a configuration are not read.
const MAX_DEPTH: u8 = 8;

/// A JS value as a setting's value, read directly (smaller in the wasm than
/// serde's untagged matching). Functions and symbols read as null.
fn read_value(value: &JsValue, depth: u8) -> Value {
    if let Some(b) = value.as_bool() {
        Value::Bool(b)
    } else if let Some(n) = value.as_f64() {
        Value::Number(n)
    } else if let Some(s) = value.as_string() {
        Value::Text(s)
    } else if depth >= MAX_DEPTH || value.is_function() || !value.is_object() {
        Value::Null(())
    } else if js_sys::Array::is_array(value) {
        Value::List(js_sys::Array::from(value).iter().map(|v| read_value(&v, depth + 1)).collect())
    } else {
        Value::Map(entries(value, depth + 1))
    }
}

fn entries(object: &JsValue, depth: u8) -> Settings {
    js_sys::Object::entries(object.unchecked_ref())
        .iter()
        .filter_map(|pair| {
            let pair = js_sys::Array::from(&pair);
            Some((pair.get(0).as_string()?, read_value(&pair.get(1), depth)))
        })
        .collect()
}

/// Settings from a JS object (attributes or parsed JSON).
pub(crate) fn read_settings(value: &JsValue) -> Result<Settings, FeedbackError> {
    if !value.is_object() || js_sys::Array::is_array(value) {
        return Err(FeedbackError::Unreadable("expected an object like { reviewUrl: \"https://…\" }".into()));
    }
    Ok(entries(value, 0))
}

#[cfg(feature = "api")]
fn read_answers(value: JsValue) -> Result<FeedbackAnswers, FeedbackError> {
    if !value.is_object() || js_sys::Array::is_array(&value) {
        return Err(FeedbackError::InvalidAnswer("expected an object like { orderId: \"A-1001\", satisfaction: 4 }".into()));
    }
    serde_wasm_bindgen::from_value(value).map_err(|e| {
        let why = e.to_string();
        FeedbackError::InvalidAnswer(why.strip_prefix("Error: ").unwrap_or(&why).to_string())
    })
}

/// Decides on one customer's answers: `{ unhappy, reasons, ticket, invitation, followUp? }`.
#[cfg(feature = "api")]
#[wasm_bindgen(js_name = assessFeedback)]
pub fn assess_feedback(answers: JsValue, options: JsValue) -> Result<JsValue, JsError> {
    let options = FeedbackOptions::from_settings(&read_settings(&options).map_err(js_error)?).map_err(js_error)?;
    let answers = read_answers(answers).map_err(js_error)?;
    to_js(&assess(&answers, &options).map_err(js_error)?)
}
