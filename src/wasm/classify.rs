//! `classify` and `classifyBatch`, and the reading of a JS review.

use wasm_bindgen::prelude::*;

use serde::Serialize;

use super::{js_error, to_js};
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

thread_local! {
    // The field names as JS strings, made once: a review is read field by field.
    static FIELD_NAMES: Vec<JsValue> = FIELD_TYPES.iter().map(|(name, _)| JsValue::from_str(name)).collect();
    static ID: JsValue = JsValue::from_str("id");
}

/// Reads a JS review field by field: each value's type is checked (the
/// error names the field and the type it needs, where a generic reader
/// would only say "invalid type: floating point `5.0`, expected a string"),
/// then taken as it is. Unknown fields are ignored; null reads as absent,
/// except for `text`.
pub(crate) fn read_review(value: JsValue) -> Result<Review, Error> {
    if !value.is_object() || js_sys::Array::is_array(&value) {
        return Err(Error::InvalidReview("expected an object like { text: \"…\" }".into()));
    }
    let values: Vec<JsValue> = FIELD_NAMES.with(|names| {
        names.iter().map(|name| js_sys::Reflect::get(&value, name).unwrap_or(JsValue::UNDEFINED)).collect()
    });
    let mut review = Review::default();
    for ((field, wanted), v) in FIELD_TYPES.iter().zip(values) {
        if v.is_undefined() || (v.is_null() && *field != "text") {
            continue;
        }
        let wrong_type = || {
            let actual = if v.is_null() { "null".to_string() } else if js_sys::Array::is_array(&v) { "an array".into() } else { v.js_typeof().as_string().unwrap_or_default() };
            Error::InvalidReview(format!("`{field}` must be a {wanted}, not {actual}"))
        };
        if *field == "rating" {
            review.rating = Some(v.as_f64().ok_or_else(wrong_type)?);
            continue;
        }
        let text = v.as_string().ok_or_else(wrong_type)?;
        let slot = match *field {
            "text" => {
                review.text = text;
                continue;
            }
            "title" => &mut review.title,
            "language" => &mut review.language,
            "product" => &mut review.product,
            "sku" => &mut review.sku,
            "variant" => &mut review.variant,
            "carrier" => &mut review.carrier,
            "region" => &mut review.region,
            "warehouse" => &mut review.warehouse,
            "createdAt" => &mut review.created_at,
            "author" => &mut review.author,
            "platform" => &mut review.platform,
            _ => continue,
        };
        *slot = Some(text);
    }
    let id = ID.with(|id| js_sys::Reflect::get(&value, id).unwrap_or(JsValue::UNDEFINED));
    review.id = match id_text(&id) {
        Some(text) => Some(text),
        None if id.is_undefined() || id.is_null() => None,
        None => return Err(Error::InvalidReview("`id` must be a string or a number".into())),
    };
    Ok(review)
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
        // The id is read again only for a refusal: a classification carries its own.
        let value = match classify_value(item.clone()) {
            Ok(c) => to_js(&c)?,
            Err(e) => to_js(&Refused { id: record_id(&item), error: e.to_string() })?,
        };
        out.set(i as u32, value);
    }
    Ok(out.into())
}

/// The `id` of a JS record, as text, whatever else is wrong with it.
fn record_id(value: &JsValue) -> Option<String> {
    js_sys::Reflect::get(value, &JsValue::from_str("id")).ok().and_then(|v| id_text(&v))
}

/// A JS id as text: a string as it is, a number as a review's id is written
/// (`id_from_number`), so a refusal names a record as its classification would.
fn id_text(v: &JsValue) -> Option<String> {
    v.as_string().or_else(|| v.as_f64().map(crate::review::id_from_number))
}

/// A record that could not be handled, in a batch: its id and why.
#[derive(Serialize)]
struct Refused {
    id: Option<String>,
    error: String,
}
