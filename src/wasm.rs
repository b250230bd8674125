//! The JavaScript binding: the one layer that knows wasm-bindgen. It turns JS
//! values into core types and back, and core errors into JS `Error`s.

use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::classify::{classify as classify_review, Classification};
use crate::error::Error;
use crate::review::Review;

fn serializer() -> serde_wasm_bindgen::Serializer {
    serde_wasm_bindgen::Serializer::json_compatible()
}

fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    value.serialize(&serializer()).map_err(|e| JsError::new(&format!("internal error: {e}")))
}

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

fn read_review(value: JsValue) -> Result<Review, Error> {
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
    let result = classify_value(review).map_err(|e| JsError::new(&e.to_string()))?;
    to_js(&result)
}

/// A review that could not be classified, in a batch: its id and why.
#[derive(Serialize)]
struct Refused {
    id: Option<String>,
    error: String,
}

/// Classifies an array of reviews. A bad review yields `{ id, error }` in its
/// place instead of failing the whole batch.
#[wasm_bindgen(js_name = classifyBatch)]
pub fn classify_batch(reviews: JsValue) -> Result<JsValue, JsError> {
    let array: js_sys::Array =
        reviews.dyn_into().map_err(|_| JsError::new("classifyBatch expects an array of reviews."))?;
    let out = js_sys::Array::new_with_length(array.length());
    for (i, item) in array.iter().enumerate() {
        let id = js_sys::Reflect::get(&item, &JsValue::from_str("id")).ok().and_then(|v| {
            v.as_string().or_else(|| v.as_f64().map(|n| n.to_string()))
        });
        let value = match classify_value(item) {
            Ok(c) => to_js(&c)?,
            Err(e) => to_js(&Refused { id, error: e.to_string() })?,
        };
        out.set(i as u32, value);
    }
    Ok(out.into())
}
