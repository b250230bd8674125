//! The JavaScript binding: the one layer that knows wasm-bindgen. It turns JS
//! values into core types and back, and core errors into JS `Error`s. One
//! file a surface: `classify`, `reply`, `feedback` (`assessFeedback`),
//! `widget` (the feedback widget's handle), `report`; each further surface adds its own.

// Every package but the storefront widget's, whose page only mounts the widget.
#[cfg(feature = "api")]
mod classify;
// `assessFeedback` (with `api`), and the settings reader the widget shares.
#[cfg(all(feature = "feedback", any(feature = "api", feature = "widget")))]
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

/// What the functions callers call share (the widget's build has none: its
/// page only mounts the widget).
#[cfg(any(feature = "api", feature = "reply", feature = "report"))]
mod exported {
    use serde::Serialize;
    use wasm_bindgen::prelude::*;

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
}
#[cfg(any(feature = "api", feature = "reply", feature = "report"))]
pub(crate) use exported::{js_error, to_js};
