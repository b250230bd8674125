//! The JavaScript binding: the one layer that knows wasm-bindgen. It turns JS
//! values into core types and back, and core errors into JS `Error`s. One
//! file a surface: `classify`, `reply`, `feedback` (`assessFeedback`),
//! `widget` (the feedback widget's handle), `report`; each further surface adds its own.

use serde::Serialize;
use wasm_bindgen::prelude::*;

mod classify;
#[cfg(feature = "feedback")]
mod feedback;
#[cfg(feature = "reply")]
mod reply;
#[cfg(feature = "report")]
mod report;
#[cfg(feature = "widget")]
mod widget;

// The heap: talc instead of the standard library's dlmalloc. Smaller (2.9 KB
// gzipped off the classifier's package), and its malloc is small enough that
// V8's optimising compiler, which recompiled dlmalloc's 4.8 KB malloc during
// every first classification, has less to do before the first result.
#[global_allocator]
static HEAP: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

fn serializer() -> serde_wasm_bindgen::Serializer {
    serde_wasm_bindgen::Serializer::json_compatible()
}

/// A core value as a plain JS object (camelCase fields, `null` for `None`).
pub(crate) fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    value.serialize(&serializer()).map_err(|e| JsError::new(&format!("internal error: {e}")))
}

/// A core error as the JS `Error` a caller catches.
pub(crate) fn js_error(error: impl std::fmt::Display) -> JsError {
    JsError::new(&error.to_string())
}

/// The `id` of a JS record, as text, whatever else is wrong with it.
pub(crate) fn record_id(value: &JsValue) -> Option<String> {
    js_sys::Reflect::get(value, &JsValue::from_str("id")).ok().and_then(|v| id_text(&v))
}

/// A JS id as text: a string as it is, a number as a review's id is written
/// (`id_from_number`), so a refusal names a record as its classification would.
pub(crate) fn id_text(v: &JsValue) -> Option<String> {
    v.as_string().or_else(|| v.as_f64().map(crate::review::id_from_number))
}

/// A record that could not be handled, in a batch: its id and why.
#[derive(Serialize)]
pub(crate) struct Refused {
    pub id: Option<String>,
    pub error: String,
}
