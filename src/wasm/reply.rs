//! `draftReply` and `lintReply`.

use wasm_bindgen::prelude::*;

use super::classify::read_review;
use super::{js_error, to_js};
use crate::error::Error;
use crate::reply::options::OPTION_FIELDS;
use crate::reply::{draft_reply, lint_reply, ReplyOptions, ReviewContext};

/// Options as the caller passed them; `undefined` or `null` are the defaults.
fn read_options(value: JsValue) -> Result<ReplyOptions, Error> {
    if value.is_undefined() || value.is_null() {
        return Ok(ReplyOptions::default());
    }
    if !value.is_object() || js_sys::Array::is_array(&value) {
        return Err(Error::InvalidOptions("expected an object like { brand: \"Acme\", support: \"care@acme.example\" }".into()));
    }
    for key in js_sys::Object::keys(&js_sys::Object::from(value.clone())).iter().filter_map(|k| k.as_string()) {
        if !OPTION_FIELDS.contains(&key.as_str()) {
            return Err(Error::InvalidOptions(format!("unknown option `{key}`; the options are {}", OPTION_FIELDS.join(", "))));
        }
    }
    serde_wasm_bindgen::from_value(value).map_err(|e| {
        let why = e.to_string();
        Error::InvalidOptions(why.strip_prefix("Error: ").unwrap_or(&why).to_string())
    })
}

/// Drafts a public reply to a review, with its lint result.
#[wasm_bindgen(js_name = draftReply)]
pub fn draft(review: JsValue, options: JsValue) -> Result<JsValue, JsError> {
    let review = read_review(review).map_err(js_error)?;
    let options = read_options(options).map_err(js_error)?;
    to_js(&draft_reply(&review, &options).map_err(js_error)?)
}

/// Checks a reply's text against the compliance rules.
#[wasm_bindgen(js_name = lintReply)]
pub fn lint(text: JsValue, options: JsValue) -> Result<JsValue, JsError> {
    let text = text.as_string().ok_or_else(|| js_error("lintReply expects the reply text as a string."))?;
    if text.len() > crate::review::MAX_TEXT_BYTES {
        let mb = |bytes: usize| bytes as f64 / 1_048_576.0;
        return Err(js_error(format!(
            "The reply is {:.1} MB; the limit is {:.0} MB. No platform accepts a reply this long: shorten it.",
            mb(text.len()),
            mb(crate::review::MAX_TEXT_BYTES)
        )));
    }
    let options = read_options(options).map_err(js_error)?;
    let settings = options.settings().map_err(js_error)?;
    let context = match options.review {
        Some(review) => Some(ReviewContext::new(review).map_err(js_error)?),
        None => None,
    };
    to_js(&lint_reply(&text, &settings, context.as_ref()))
}
