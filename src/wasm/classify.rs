//! `classify` and `classifyBatch`, and the reading of a JS review.

use wasm_bindgen::prelude::*;

use super::{js_error, record_id, to_js, Refused};
use crate::classify::{classify as classify_review, Classification};
use crate::error::Error;
use crate::review::Review;

/// Fields of a review and the JavaScript type each must have.
const FIELD_TYPES: &[(&str, &str)] = &[
    ("text", "string"),
    ("title", "string"),
    ("rating", "number"),
    ("language", "string"),
    ("product", "string"),
    ("sku", "string"),
    ("variant", "string"),
    ("carrier", "string"),
    ("region", "string"),
    ("warehouse", "string"),
    ("createdAt", "string"),
    ("author", "string"),
    ("platform", "string"),
];

/// Names the field and the type it needs, where serde would only say
/// "invalid type: floating point `5.0`, expected a string".
fn check_field_types(value: &JsValue) -> Result<(), Error> {
    for (field, wanted) in FIELD_TYPES {
        let v = js_sys::Reflect::get(value, &JsValue::from_str(field)).unwrap_or(JsValue::UNDEFINED);
        if v.is_undefined() || (v.is_null() && *field != "text") {
            continue;
        }
        let actual = if v.is_null() { "null".to_string() } else if js_sys::Array::is_array(&v) { "an array".into() } else { v.js_typeof().as_string().unwrap_or_default() };
        if actual != *wanted {
            return Err(Error::InvalidReview(format!("`{field}` must be a {wanted}, not {actual}")));
        }
    }
    let id = js_sys::Reflect::get(value, &JsValue::from_str("id")).unwrap_or(JsValue::UNDEFINED);
    if !(id.is_undefined() || id.is_null() || id.is_string() || id.as_f64().is_some()) {
        return Err(Error::InvalidReview("`id` must be a string or a number".into()));
    }
    Ok(())
}

pub(crate) fn read_review(value: JsValue) -> Result<Review, Error> {
    if !value.is_object() || js_sys::Array::is_array(&value) {
        return Err(Error::InvalidReview("expected an object like { text: \"…\" }".into()));
    }
    check_field_types(&value)?;
    serde_wasm_bindgen::from_value(value).map_err(|e| {
        let why = e.to_string();
        Error::InvalidReview(why.strip_prefix("Error: ").unwrap_or(&why).to_string())
    })
}

fn classify_value(value: JsValue) -> Result<Classification, Error> {
    classify_review(&read_review(value)?)
}

/// Classifies one review (`{ text, title?, rating?, … }`).
#[wasm_bindgen(js_name = classify)]
pub fn classify(review: JsValue) -> Result<JsValue, JsError> {
    let result = classify_value(review).map_err(js_error)?;
    to_js(&result)
}

/// Classifies an array of reviews. A bad review yields `{ id, error }` in its
/// place instead of failing the whole batch.
#[wasm_bindgen(js_name = classifyBatch)]
pub fn classify_batch(reviews: JsValue) -> Result<JsValue, JsError> {
    let array: js_sys::Array =
        reviews.dyn_into().map_err(|_| JsError::new("classifyBatch expects an array of reviews."))?;
    let out = js_sys::Array::new_with_length(array.length());
    for (i, item) in array.iter().enumerate() {
        let id = record_id(&item);
        let value = match classify_value(item) {
            Ok(c) => to_js(&c)?,
            Err(e) => to_js(&Refused { id, error: e.to_string() })?,
        };
        out.set(i as u32, value);
    }
    Ok(out.into())
}
