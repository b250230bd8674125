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

fn read_review(value: JsValue) -> Result<Review, Error> {
    if !value.is_object() {
        return Err(Error::InvalidReview("expected an object like { text: \"…\" }".into()));
    }
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
